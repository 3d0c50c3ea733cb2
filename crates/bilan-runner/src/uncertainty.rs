//! Propagating the uncertainty of inputs through every method, side by side.
//!
//! The methods run once, at the nominal inputs. Their audit trails say what each figure is
//! made of: every contribution is a product of terms and a factor, and every term and factor
//! names where it comes from. An uncertain input (an inventory value, a factor, a parameter)
//! multiplies every contribution that cites it by its ratio to its nominal value, raised to
//! the term's power. [`propagate`] compiles the trails into sums of monomials of those ratios
//! ([`plan`]), then either
//!
//! * **analytic**: first-order propagation of the logarithms' variances, each figure
//!   approximated by a lognormal with its median and 95 % interval (a normal where the
//!   figure is not positive); or
//! * **Monte Carlo**: seeded draws, the same for every method and every iteration (common
//!   random numbers), so the difference between two methods has its own interval; only the
//!   figures' samples are kept, never a per-iteration trail.
//!
//! Every interval reported is finite. An input whose spread is beyond the range of `f64`, or
//! a figure whose interval or draws leave it, is refused with what overflowed and the input
//! to blame ([`overflow`]); only a Monte Carlo draw that divides by an input that reached
//! zero leaves a figure without an interval, with a note.
//!
//! What the trail cannot say is held at its nominal value and reported as a note: a term
//! `derived` from other numbers (e.g. a fleet's reserved device time, the sum of its
//! workloads' device-hours) does not vary with the inputs it was derived from, and the
//! structure of each method (which factor it picked, what it excluded) is that of the nominal
//! run, as in matrix-based LCA software.

mod analytic;
mod draw;
mod drivers;
mod inputs;
mod monte_carlo;
mod overflow;
mod plan;
mod report;
mod sums;

use bilan_core::assessment::{Assessment, Driver};
use bilan_core::figure::{FigurePath, Selector};
use bilan_core::indicator::Indicator;
use bilan_core::inventory::Inventory;
use bilan_core::method::Descriptor;

pub use inputs::{Input, InputSource, Inputs, factor_key, inventory_key, parameter_key};
pub use report::{
    DifferenceInterval, DriverInterval, FigureInterval, Headline, Histogram, InputReport,
    InputShare, Interval, Propagation, Sensitivity, UncertaintyReport,
};

use crate::divergence::{GROUPS, UNTAGGED};

/// How to propagate.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mode {
    /// First-order, lognormal approximation.
    Analytic,
    /// Seeded Monte Carlo.
    MonteCarlo {
        /// Iterations.
        iterations: usize,
        /// Seed.
        seed: u64,
    },
}

/// What to propagate, beyond the aggregate figures of every method.
#[derive(Clone, Copy)]
pub struct Request<'a> {
    /// How.
    pub mode: Mode,
    /// More figures to give an interval (an item's, for `explain`): method position, path.
    pub extra: &'a [(usize, FigurePath)],
    /// Methods whose headline is a percentile: method position, policy (`p95`).
    pub headlines: &'a [(usize, &'a str)],
    /// Called with the number of iterations done so far.
    pub progress: Option<&'a (dyn Fn(usize) + Sync)>,
}

impl std::fmt::Debug for Request<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Request")
            .field("mode", &self.mode)
            .field("extra", &self.extra)
            .field("headlines", &self.headlines)
            .finish_non_exhaustive()
    }
}

/// The interval of every figure of every slot and driver, from either propagation.
pub(crate) struct Results {
    /// Per slot of the plan.
    figures: Vec<Interval>,
    /// Per total slot: the difference B − A and B / A − 1, per pair and indicator.
    differences: Vec<(usize, usize, Indicator, Interval, Option<Interval>)>,
    /// Per pair, indicator and group.
    drivers: Vec<(usize, Indicator, usize, Interval)>,
    /// Per ranked slot: the measure and the ranking.
    sensitivity: Vec<(&'static str, analytic::Ranking)>,
    /// Per total slot (Monte Carlo).
    histograms: Vec<(usize, f64, f64, Vec<u32>)>,
}

/// Propagates `inputs` through the assessments of a run (`assessed`, in the order of the method list).
///
/// Monte Carlo keeps every figure's samples (for the percentiles): a run whose samples would
/// not fit in [`SAMPLE_BYTES`] is refused before any draw, with the number of iterations
/// that would fit, rather than exhausting the machine's memory.
pub fn propagate(
    inventory: &Inventory,
    assessed: &[(&Descriptor, &Assessment)],
    inputs: &Inputs,
    request: &Request<'_>,
) -> Result<UncertaintyReport, String> {
    let mut plan = plan::compile(inventory, assessed, inputs, request.extra);
    let pairs = drivers::compile(assessed, inputs, &mut plan.monomials);
    plan.monomials.seal();
    if let Mode::MonteCarlo { iterations, .. } = request.mode {
        let kept = monte_carlo::kept_per_iteration(&plan, &pairs);
        // Each sample is held twice at most while the chunks are gathered.
        let per_iteration = 2 * 8 * kept.max(1);
        let fit = SAMPLE_BYTES / per_iteration;
        if iterations > fit {
            return Err(format!(
                "--iterations: {iterations} Monte Carlo iterations would keep {:.1} GiB of samples ({kept} figures and driver amounts, each sample kept for its percentiles); at most {fit} iterations fit in {} GiB: ask for fewer, or use --uncertainty analytic",
                (iterations as f64 * per_iteration as f64) / (1u64 << 30) as f64,
                SAMPLE_BYTES >> 30
            ));
        }
    }
    let m = moments(inputs, &referenced(&plan, &pairs, inputs.list().len()))?;
    let results = match request.mode {
        Mode::Analytic => analytic::run(&plan, &pairs, &m),
        Mode::MonteCarlo { iterations, seed } => monte_carlo::run(
            &plan,
            &pairs,
            inputs,
            &m,
            iterations.max(1),
            seed,
            request.progress,
        ),
    }
    .map_err(|o| o.describe(&plan, &pairs, inputs, &|n| assessed[n].1.method.id.clone()))?;
    Ok(assemble(assessed, inputs, &plan, &pairs, results, request))
}

/// Whether each of `count` inputs reaches a figure or a driver: cited by a monomial of the
/// plan or by a class of a pair.
fn referenced(plan: &plan::Plan, pairs: &[drivers::PairPlan], count: usize) -> Vec<bool> {
    let mut referenced = vec![false; count];
    for m in &plan.monomials.list {
        for &(n, _) in m.iter() {
            referenced[n as usize] = true;
        }
    }
    for c in pairs.iter().flat_map(|p| &p.classes) {
        for &(n, _, _) in c.a_inputs.iter().chain(&c.b_inputs) {
            referenced[n as usize] = true;
        }
    }
    referenced
}

/// The mean and variance of the log-ratio of every input `referenced` ((0, 0) for the
/// others, which no figure reads); an input whose spread is beyond the range of `f64` is an
/// error naming it, never an input held at its nominal value.
fn moments(inputs: &Inputs, referenced: &[bool]) -> Result<Vec<(f64, f64)>, String> {
    inputs
        .list()
        .iter()
        .zip(referenced)
        .map(|(i, &r)| if r { i.ln_moments() } else { Ok((0.0, 0.0)) })
        .collect()
}

/// The memory Monte Carlo may spend on samples.
pub const SAMPLE_BYTES: usize = 2 << 30;

/// The slots whose inputs are ranked: every total, and the figures asked for.
fn total_slots(plan: &plan::Plan) -> Vec<usize> {
    plan.slots
        .iter()
        .enumerate()
        .filter(|(_, s)| s.figure.selector == Selector::Total || s.extra)
        .map(|(n, _)| n)
        .collect()
}

/// The slot of a method's total for an indicator.
fn total_slot(plan: &plan::Plan, method: usize, indicator: Indicator) -> Option<usize> {
    plan.slots.iter().position(|s| {
        s.method == method
            && s.figure.indicator == indicator
            && s.figure.selector == Selector::Total
    })
}

/// The driver of a group (`None`: the residual).
fn group_driver(g: usize) -> Option<Driver> {
    (g != UNTAGGED).then(|| Driver::ALL[g])
}

/// Whether every number of an interval is finite.
fn finite(i: &Interval) -> bool {
    [i.mean, i.median, i.low, i.high, i.p95]
        .iter()
        .all(|x| x.is_finite())
}

/// A draw can divide by an input that reached zero (a normal truncated at zero, a range from
/// zero, under a term of power −1): the figure then has no interval, never an infinite one.
const NOT_FINITE: &str = "has no interval: in some draws it divides by an uncertain input that reached zero (a normal truncated at zero or a range starting at zero, under a divisor)";

fn assemble(
    assessed: &[(&Descriptor, &Assessment)],
    inputs: &Inputs,
    plan: &plan::Plan,
    pairs: &[drivers::PairPlan],
    mut results: Results,
    request: &Request<'_>,
) -> UncertaintyReport {
    let id = |m: usize| assessed[m].1.method.id.clone();
    let mut notes = plan.notes.clone();
    let unbounded: Vec<bool> = results.figures.iter().map(|i| !finite(i)).collect();
    for (s, _) in plan.slots.iter().zip(&unbounded).filter(|x| *x.1) {
        notes.push(format!("{}: {} {NOT_FINITE}", id(s.method), s.figure));
    }
    results.differences.retain(|d| {
        finite(&d.3) || {
            notes.push(format!("{} − {}: {} {NOT_FINITE}", id(d.1), id(d.0), d.2));
            false
        }
    });
    for d in &mut results.differences {
        if d.4.as_ref().is_some_and(|r| !finite(r)) {
            notes.push(format!(
                "{} / {} − 1: {} has no interval: in some draws {}'s total is so close to zero that the ratio is beyond the range of 64-bit floating-point numbers",
                id(d.1),
                id(d.0),
                d.2,
                id(d.0)
            ));
            d.4 = None;
        }
    }
    results.drivers.retain(|d| {
        finite(&d.3) || {
            let pair = &pairs[d.0];
            let driver = group_driver(d.2).map_or("residual".to_owned(), |x| x.to_string());
            notes.push(format!(
                "{} − {}: {} driver {driver} {NOT_FINITE}",
                id(pair.b),
                id(pair.a),
                d.1
            ));
            false
        }
    });
    results
        .histograms
        .retain(|h| !unbounded[h.0] && h.1.is_finite() && h.2.is_finite());
    results.sensitivity.retain(|s| !unbounded[s.1.0]);
    // Which methods each input enters.
    let mut methods_of: Vec<Vec<usize>> = vec![Vec::new(); inputs.list().len()];
    for s in &plan.slots {
        for n in s.inputs(plan) {
            let list = &mut methods_of[n as usize];
            if !list.contains(&s.method) {
                list.push(s.method);
            }
        }
    }
    let mut input_reports: Vec<InputReport> = inputs
        .list()
        .iter()
        .zip(&methods_of)
        .filter(|(_, m)| !m.is_empty())
        .map(|(i, m)| {
            let mut m = m.clone();
            m.sort_unstable();
            InputReport {
                key: i.key.clone(),
                source: i.source,
                nominal: i.nominal,
                unit: i.unit.clone(),
                distribution: i.distribution.describe(i.nominal, &i.unit),
                assumed: i.assumed.clone(),
                methods: m.into_iter().map(id).collect(),
            }
        })
        .collect();
    input_reports.sort_by(|a, b| a.key.cmp(&b.key));
    let figures = plan
        .slots
        .iter()
        .zip(&results.figures)
        .zip(&unbounded)
        .filter(|x| !*x.1)
        .map(|x| x.0)
        .map(|(s, i)| FigureInterval {
            method: id(s.method),
            figure: s.figure.to_string(),
            indicator: s.figure.indicator,
            nominal: s.nominal(&plan.groups),
            interval: *i,
        })
        .collect();
    let differences = results
        .differences
        .iter()
        .map(|&(a, b, indicator, d, r)| DifferenceInterval {
            a: id(a),
            b: id(b),
            indicator,
            difference: d,
            relative: r,
            significant: !d.spans_zero(),
        })
        .collect();
    let drivers = results
        .drivers
        .iter()
        .map(|&(p, indicator, g, interval)| {
            let pair = &pairs[p];
            let k = pair.both.iter().position(|i| *i == indicator);
            let nominal = k.map_or(0.0, |k| {
                pair.merged[k][g].nominal()
                    + pair
                        .classes
                        .iter()
                        .filter(|c| c.k == k)
                        .map(|c| c.merged.nominal() * c.amounts(&|_| 1.0)[g])
                        .sum::<f64>()
            });
            DriverInterval {
                a: id(pair.a),
                b: id(pair.b),
                indicator,
                driver: group_driver(g),
                nominal,
                interval,
                spans_zero: interval.spans_zero(),
            }
        })
        .collect();
    let key = |n: usize| inputs.list()[n].key.clone();
    let sensitivity = results
        .sensitivity
        .into_iter()
        .map(|(measure, (slot, shares, of))| Sensitivity {
            method: id(plan.slots[slot].method),
            figure: plan.slots[slot].figure.to_string(),
            measure: measure.to_owned(),
            inputs: shares
                .into_iter()
                .take(10)
                .map(|(n, share)| InputShare { key: key(n), share })
                .collect(),
            of,
        })
        .collect();
    let histograms = results
        .histograms
        .into_iter()
        .map(|(slot, low, high, counts)| Histogram {
            method: id(plan.slots[slot].method),
            figure: plan.slots[slot].figure.to_string(),
            low,
            high,
            counts,
        })
        .collect();
    let headlines = request
        .headlines
        .iter()
        .flat_map(|&(m, policy)| {
            let figures = &results.figures;
            Indicator::ALL.into_iter().filter_map(move |indicator| {
                let slot = total_slot(plan, m, indicator)?;
                let i = figures[slot];
                if !finite(&i) {
                    return None;
                }
                Some(Headline {
                    method: id(m),
                    indicator,
                    policy: policy.to_owned(),
                    value: if policy == "median" { i.median } else { i.p95 },
                })
            })
        })
        .collect();
    if assessed.iter().any(|(_, a)| {
        a.contributions.iter().any(|c| {
            c.terms.iter().any(|t| {
                matches!(
                    t.source,
                    bilan_core::assessment::TermSource::Derived { .. }
                        | bilan_core::assessment::TermSource::Rule { .. }
                )
            })
        })
    }) {
        notes.push(
            "terms derived from other numbers or set by a rule (a fleet's reserved device time, an amortisation share, the energy a market instrument covers) are held at their nominal value"
                .to_owned(),
        );
    }
    // An input no term or factor cites reaches no figure: say so rather than drop it.
    let unused: Vec<&str> = inputs
        .list()
        .iter()
        .zip(&methods_of)
        .filter(|(i, m)| m.is_empty() && i.source != InputSource::Factor)
        .map(|(i, _)| i.key.as_str())
        .collect();
    if !unused.is_empty() {
        let shown: Vec<&str> = unused.iter().take(10).copied().collect();
        let more = unused.len() - shown.len();
        notes.push(format!(
            "{}{} reach{} no figure: no method's trail cites {} as a term or factor (an input can enter only through a derived term, a rule, or R, the count a per-unit figure divides by, which hold their nominal value)",
            shown.join(", "),
            if more > 0 { format!(" and {more} more") } else { String::new() },
            if unused.len() == 1 { "es" } else { "" },
            if unused.len() == 1 { "it" } else { "them" }
        ));
    }
    let (iterations, seed) = match request.mode {
        Mode::Analytic => (None, None),
        Mode::MonteCarlo { iterations, seed } => (Some(iterations.max(1)), Some(seed)),
    };
    UncertaintyReport {
        propagation: match request.mode {
            Mode::Analytic => Propagation::Analytic,
            Mode::MonteCarlo { .. } => Propagation::MonteCarlo,
        },
        iterations,
        seed,
        inputs: input_reports,
        figures,
        differences,
        drivers,
        sensitivity,
        histograms,
        headlines,
        notes,
    }
}

/// The driver groups a pair's indicator may move: those with a linear part, or where a class's
/// groups differ or cite an input.
fn active_groups(pair: &drivers::PairPlan, k: usize) -> [bool; GROUPS] {
    let mut active = [false; GROUPS];
    for (g, l) in pair.merged[k].iter().enumerate() {
        if l.constant != 0.0 || !l.terms.is_empty() {
            active[g] = true;
        }
    }
    for c in pair.classes.iter().filter(|c| c.k == k) {
        for (g, flag) in active.iter_mut().enumerate() {
            if c.ga[g] != c.gb[g] {
                *flag = true;
            }
        }
        for &(_, _, g) in c.a_inputs.iter().chain(&c.b_inputs) {
            active[g] = true;
        }
    }
    active
}

#[cfg(test)]
mod tests;
