//! Observations summed into one workload per leaf and UTC day (`--per day`): a year of hourly
//! observations of a server is 365 workloads, not 8,760.
//!
//! Observations are summed only where nothing but their additive terms differ: their days,
//! site (region, provider, PUE, grid intensity), embodied terms (TE, EL, the share, whether
//! TiR is the duration), functional unit, and where each value came from must all be the
//! same (the numbers compared exactly, the names and texts through a 64-bit hash); anything
//! else starts another workload. Energy, duration, the time reserved (hence
//! device-hours) and the functional units are summed, so that Σ E × I and Σ M are the
//! observations' own, to rounding.

use std::hash::{Hash, Hasher};

use bilan_core::inventory::Date;
use rustc_hash::{FxHashMap, FxHasher};

use super::build::{Build, Context, Summed};
use super::evaluate::{Obs, Origin, V};
use super::map::{Model, Refusal, Share};
use super::verify;

/// How many observations one workload holds.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Per {
    /// One workload per observation (the default).
    #[default]
    Observation,
    /// One workload per leaf and UTC day, the observations' additive terms summed.
    Day,
}

/// The groups of one leaf, in the order of their first observation.
#[derive(Debug, Default)]
pub(crate) struct Groups {
    groups: Vec<Group>,
    index: FxHashMap<Signature, usize>,
}

#[derive(Debug)]
struct Group {
    /// The first observation and its model, whose additive terms become the sums.
    obs: Obs,
    model: Model,
    at: String,
    start: jiff::Timestamp,
    period: bilan_core::inventory::Period,
    summed: Summed,
    duration: f64,
    /// IF's `carbon` summed, while every observation has one.
    carbon: Option<f64>,
    reported: bool,
}

impl Groups {
    /// Adds an observation (its context, values and model) to its group.
    pub(crate) fn add(&mut self, ctx: &Context<'_>, obs: Obs, model: Model, reported: bool) {
        let key = signature(ctx, &obs, &model, reported);
        if let Some(&i) = self.index.get(&key) {
            let g = &mut self.groups[i];
            g.summed.count += 1;
            g.summed.last = ctx.index;
            g.duration += ctx.duration;
            g.carbon = g.carbon.zip(obs.num("carbon")).map(|(a, b)| a + b);
            g.model.energy += model.energy;
            if let (Some(sum), Some(it)) = (&mut g.model.it, &model.it) {
                sum.0 += it.0;
            }
            if let (Some(sum), Some(e)) = (&mut g.model.embodied, &model.embodied) {
                sum.time += e.time;
            }
            if let (Some(sum), Some(u)) = (&mut g.model.unit, &model.unit) {
                sum.count += u.count;
            }
            return;
        }
        self.index.insert(key, self.groups.len());
        self.groups.push(Group {
            carbon: obs.num("carbon"),
            obs,
            model,
            at: ctx.at.clone(),
            start: ctx.start,
            period: ctx.period,
            summed: Summed {
                count: 1,
                first: ctx.index,
                last: ctx.index,
            },
            duration: ctx.duration,
            reported,
        });
    }

    /// Adds a workload per group to `build`; a refusal names the group's first observation.
    pub(crate) fn finish(
        self,
        leaf: &Context<'_>,
        build: &mut Build,
    ) -> Result<(), (String, Refusal)> {
        for mut g in self.groups {
            let ctx = Context {
                at: g.at.clone(),
                start: g.start,
                duration: g.duration,
                period: g.period,
                many: true,
                index: g.summed.first,
                summed: Some(g.summed),
                ..leaf.clone()
            };
            match g.carbon {
                Some(c) => {
                    g.obs.values.insert("carbon".into(), V::Num(c));
                }
                None => {
                    g.obs.values.remove("carbon");
                }
            }
            let reported = g
                .reported
                .then(|| verify::reported(ctx.tool, &g.obs, &g.model));
            build
                .add(&ctx, &g.obs, &g.model, reported)
                .map_err(|refusal| (g.at.clone(), refusal))?;
        }
        Ok(())
    }
}

/// What must be equal for two observations to be summed: everything a workload, its site
/// and fleet take from an observation but its additive terms. The numbers are compared
/// exactly; the names, texts and where each value came from, through a hash of them.
#[derive(Debug, Hash, PartialEq, Eq)]
struct Signature {
    start: Date,
    end: Date,
    reported: bool,
    numbers: [u64; 7],
    texts: u64,
}

fn signature(ctx: &Context<'_>, obs: &Obs, model: &Model, reported: bool) -> Signature {
    let mut numbers = [0u64; 7];
    let mut texts = FxHasher::default();
    for key in ["cloud/region", "region", "country", "cloud/vendor"] {
        if let Some(V::Text(t)) = obs.values.get(key) {
            (key, t).hash(&mut texts);
        }
    }
    if let Some((_, pue, key)) = &model.it {
        numbers[0] = pue.to_bits();
        ("it", key).hash(&mut texts);
    }
    if let Some((i, key)) = &model.intensity {
        numbers[1] = i.to_bits();
        ("intensity", key).hash(&mut texts);
    }
    if let Some(e) = &model.embodied {
        numbers[2] = e.total.to_bits();
        numbers[3] = e.lifespan.to_bits();
        let (kind, a, b) = match e.share {
            Share::Resources { reserved, total } => ("resources", reserved, total),
            Share::Ratio(r) => ("ratio", r, 0.0),
        };
        numbers[4] = a.to_bits();
        numbers[5] = b.to_bits();
        numbers[6] = u64::from(e.time_is_duration);
        ("embodied", kind, &e.source, &e.figure, &e.te).hash(&mut texts);
    }
    if let Some(u) = &model.unit {
        ("unit", u.kind.id(), &u.param, &u.plugin).hash(&mut texts);
    }
    if let Some(lost) = &model.unit_lost {
        ("lost", lost).hash(&mut texts);
    }
    for (key, origin) in &obs.origin {
        let from = match origin {
            Origin::Input => "i",
            Origin::Default => "d",
            Origin::Plugin(step) => &step.plugin,
        };
        (&**key, from).hash(&mut texts);
    }
    if let Some(run) = &obs.sci_embodied {
        ("sci-embodied", &run.formula).hash(&mut texts);
    }
    Signature {
        start: ctx.period.start,
        end: ctx.period.end,
        reported,
        numbers,
        texts: texts.finish(),
    }
}
