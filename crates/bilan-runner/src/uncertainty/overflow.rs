//! A propagation that leaves the range of `f64`. An interval that is not finite is never
//! reported, nor dropped in silence: the run is refused, naming what overflowed and the
//! input whose spread is to blame.
//!
//! The one exception is Monte Carlo's division by an input that reached zero (a normal
//! truncated at zero or a range from zero, under a term of power −1): that figure has no
//! interval, and the report says so in a note (see [`super::assemble`]).

use bilan_core::indicator::Indicator;

use super::drivers::PairPlan;
use super::group_driver;
use super::inputs::Inputs;
use super::plan::Plan;

/// What left the range of `f64`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Subject {
    /// A figure: its slot in the plan.
    Figure(usize),
    /// The difference `B − A` of a pair's totals: pair, indicator.
    Difference(usize, Indicator),
    /// The relative difference `B / A − 1` of a pair's totals: pair, indicator.
    Relative(usize, Indicator),
    /// A driver's amount: pair, indicator, group.
    Driver(usize, Indicator, usize),
}

/// How it left the range.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Cause {
    /// Its first-order mean, variance or percentiles (analytic).
    FirstOrder,
    /// Some of its Monte Carlo draws, none of them a division by an input that reached zero.
    Draws,
    /// The moments of its draws and an input's, for the sensitivity ranking (Monte Carlo).
    Correlation,
}

/// Why a propagation cannot give an interval.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Overflow {
    /// Draws of an input's ratio to its value left the range.
    Draw {
        /// The input.
        input: usize,
    },
    /// A figure, difference or driver left the range.
    Value {
        /// Which.
        subject: Subject,
        /// How.
        cause: Cause,
        /// The input whose spread weighs most in it, when one can be named.
        input: Option<usize>,
    },
}

impl Overflow {
    /// The error a user reads: what overflowed, how, and the input to blame; `id` names a
    /// method by its position in the run.
    pub(super) fn describe(
        &self,
        plan: &Plan,
        pairs: &[PairPlan],
        inputs: &Inputs,
        id: &dyn Fn(usize) -> String,
    ) -> String {
        const RANGE: &str = "beyond the range of 64-bit floating-point numbers";
        let spread = |n: usize| inputs.list()[n].described();
        match *self {
            Overflow::Draw { input } => format!(
                "{}: some Monte Carlo draws of its ratio to its value are {RANGE}: its spread is too large to propagate; give a narrower distribution",
                spread(input)
            ),
            Overflow::Value {
                subject,
                cause,
                input,
            } => {
                let what = match subject {
                    Subject::Figure(slot) => {
                        let s = &plan.slots[slot];
                        format!("{}: {}", id(s.method), s.figure)
                    }
                    Subject::Difference(p, indicator) => {
                        format!("{} − {}: {indicator}", id(pairs[p].b), id(pairs[p].a))
                    }
                    Subject::Relative(p, indicator) => {
                        format!("{} / {} − 1: {indicator}", id(pairs[p].b), id(pairs[p].a))
                    }
                    Subject::Driver(p, indicator, g) => {
                        let driver =
                            group_driver(g).map_or("residual".to_owned(), |d| d.to_string());
                        format!(
                            "{} − {}: {indicator} driver {driver}",
                            id(pairs[p].b),
                            id(pairs[p].a)
                        )
                    }
                };
                let how = match cause {
                    Cause::FirstOrder => format!("its first-order interval is {RANGE}"),
                    Cause::Draws => format!(
                        "some of its Monte Carlo draws are {RANGE}, with no division by an input that reached zero"
                    ),
                    Cause::Correlation => format!(
                        "the variance of its Monte Carlo draws, which ranks its inputs, is {RANGE}"
                    ),
                };
                let blame = input.map_or_else(
                    || "the spread of its uncertain inputs is".to_owned(),
                    |n| format!("the spread of {} is", spread(n)),
                );
                format!(
                    "{what}: {how}: {blame} too large to propagate; give a narrower distribution"
                )
            }
        }
    }
}

/// The position of the largest of `weights` (a NaN counting as the largest), if any.
pub(super) fn largest(weights: impl Iterator<Item = (usize, f64)>) -> Option<usize> {
    weights
        .map(|(n, w)| (n, w.abs()))
        .max_by(|a, b| a.1.total_cmp(&b.1).then(b.0.cmp(&a.0)))
        .map(|x| x.0)
}
