//! `--uncertainty`: gathering the uncertain inputs of a session (inventory values, factors,
//! `--param` values), propagating them through the methods' assessments, and the progress
//! bar of a long Monte Carlo run.

use std::collections::BTreeSet;
use std::io::IsTerminal as _;
use std::time::{Duration, Instant};

use bilan_core::assessment::Assessment;
use bilan_core::figure::FigurePath;
use bilan_core::method::Descriptor;
use bilan_runner::Outcome;
use bilan_runner::uncertainty::{
    Input, InputSource, Inputs, Mode, Request, UncertaintyReport, factor_key, parameter_key,
    propagate,
};

use super::session::Session;
use crate::args::{UncertaintyArgs, UncertaintyMode};
use crate::errors::Failure;

/// The inputs of `session` that carry a distribution, for the factors the assessments use.
fn inputs(session: &Session, assessed: &[(&Descriptor, &Assessment)]) -> Result<Inputs, Failure> {
    let mut inputs = Inputs::new();
    for v in &session.uncertain {
        // An estimator's inputs reach the figures through the values it estimates, whose
        // spread already carries theirs (added below).
        if v.path.contains("].estimate.") {
            continue;
        }
        if let Some(distribution) = v.value.distribution {
            inputs.add(Input {
                key: v.path.clone(),
                nominal: v.value.quantity.value(),
                unit: v.value.quantity.unit().to_string(),
                distribution,
                source: InputSource::Inventory,
                assumed: None,
            });
        }
    }
    for w in &session.inventory.workloads {
        for e in &w.estimated {
            if let Some(distribution) = e.distribution {
                inputs.add(Input {
                    key: bilan_runner::uncertainty::inventory_key("workload", &w.id, e.key),
                    nominal: e.value,
                    unit: e.unit.to_owned(),
                    distribution,
                    source: InputSource::Estimated,
                    assumed: Some(format!("estimated by {}: {}", e.estimator, e.formula)),
                });
            }
        }
    }
    let used: BTreeSet<&str> = assessed
        .iter()
        .flat_map(|(_, a)| a.factors.iter().map(|f| &*f.id))
        .collect();
    for id in used {
        let Some(f) = session.factors.get(id) else {
            continue;
        };
        let (distribution, assumed) = bilan_factors::uncertainty::distribution(f);
        inputs.add(Input {
            key: factor_key(id),
            nominal: f.value.value(),
            unit: f.value.unit().to_string(),
            distribution,
            source: InputSource::Factor,
            assumed,
        });
    }
    // Defaults a methodology file gives with a distribution, unless --param set the value.
    for (_, a) in assessed {
        let id = &a.method.id;
        let Some(n) = session
            .methods
            .iter()
            .position(|m| &m.method.descriptor().id == id)
        else {
            continue;
        };
        for (name, value) in session.methods[n].method.uncertain_parameters() {
            if session.params[n].get(&name).is_some() {
                continue;
            }
            if let Some(distribution) = value.distribution {
                inputs.add(Input {
                    key: parameter_key(Some(id), &name),
                    nominal: value.quantity.value(),
                    unit: value.quantity.unit().to_string(),
                    distribution,
                    source: InputSource::Parameter,
                    assumed: None,
                });
            }
        }
    }
    for p in &session.uncertain_params {
        if let Some(distribution) = p.value.distribution {
            inputs.add(Input {
                key: parameter_key(p.method.as_deref(), &p.key),
                nominal: p.value.quantity.value(),
                unit: p.value.quantity.unit().to_string(),
                distribution,
                source: InputSource::Parameter,
                assumed: None,
            });
        }
    }
    Ok(inputs)
}

/// A progress bar on a terminal, shown once a run has lasted a second.
struct Progress {
    bar: indicatif::ProgressBar,
    start: Instant,
}

impl Progress {
    fn new(total: u64) -> Progress {
        let bar = indicatif::ProgressBar::with_draw_target(
            Some(total),
            indicatif::ProgressDrawTarget::hidden(),
        );
        if let Ok(style) = indicatif::ProgressStyle::with_template(
            "Monte Carlo {bar:40} {pos}/{len} iterations, {per_sec}, {eta} left",
        ) {
            bar.set_style(style);
        }
        Progress {
            bar,
            start: Instant::now(),
        }
    }

    fn update(&self, done: usize) {
        if self.bar.is_hidden()
            && self.start.elapsed() > Duration::from_secs(1)
            && std::io::stderr().is_terminal()
        {
            self.bar
                .set_draw_target(indicatif::ProgressDrawTarget::stderr());
        }
        self.bar.set_position(done as u64);
    }
}

/// Propagates the uncertainty of the session's inputs through `outcomes`, when asked;
/// `extra` are more figures to give an interval (method position, path).
pub(crate) fn report(
    args: &UncertaintyArgs,
    session: &Session,
    outcomes: &[Outcome],
    extra: &[(usize, FigurePath)],
) -> Result<Option<UncertaintyReport>, Failure> {
    let Some(mode) = args.mode else {
        return Ok(None);
    };
    let assessed: Vec<(&Descriptor, &Assessment)> = outcomes
        .iter()
        .filter_map(|o| o.result.as_ref().ok().map(|a| (&o.descriptor, a)))
        .collect();
    let inputs = inputs(session, &assessed)?;
    let mode = match mode {
        UncertaintyMode::Analytic => Mode::Analytic,
        UncertaintyMode::Mc => Mode::MonteCarlo {
            iterations: usize::try_from(args.iterations).unwrap_or(usize::MAX),
            seed: args.seed,
        },
    };
    let headlines: Vec<(usize, &str)> = assessed
        .iter()
        .enumerate()
        .filter_map(|(n, (d, _))| {
            let m = session
                .methods
                .iter()
                .find(|m| m.method.descriptor().id == d.id)?;
            m.method.headline().map(|h| (n, h))
        })
        .collect();
    let progress = Progress::new(args.iterations);
    let update = |done: usize| progress.update(done);
    let request = Request {
        mode,
        extra,
        headlines: &headlines,
        progress: Some(&update),
    };
    let report = propagate(&session.inventory, &assessed, &inputs, &request)
        .map_err(|e| Failure::Usage(anyhow::anyhow!("{e}")));
    progress.bar.finish_and_clear();
    let report = report?;
    Ok(Some(report))
}

/// What `--timings` counts for the propagation: Monte Carlo iterations, or one analytic pass.
pub(crate) fn timed(args: &UncertaintyArgs) -> (usize, &'static str) {
    match args.mode {
        Some(UncertaintyMode::Mc) => (
            usize::try_from(args.iterations).unwrap_or(usize::MAX),
            "iterations",
        ),
        _ => (1, "analytic propagations"),
    }
}
