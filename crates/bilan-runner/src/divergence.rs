//! Why two methods give different numbers for the same inventory.
//!
//! For a pair of methods (A, B) and an indicator, the difference `total(B) − total(A)` is
//! split by [`Driver`] (capital goods expensed or amortised, market- or location-based
//! electricity, life-cycle or combustion-only factors, utilisation divisor, idle and
//! overhead, building, end of life, time frame, indicator coverage…). The drivers come from
//! the methods' own tags: each term and factor of a contribution names the driver it bears
//! on, each contribution names the driver that explains its presence, each exclusion the
//! driver that explains its absence. Nothing is written per example.
//!
//! **Decomposition** (documented in `docs/divergence.md`):
//!
//! 1. Contributions are matched by inventory item and aspect (a workload's electricity, a
//!    fleet's embodied impacts…).
//! 2. For a matched pair, each side's value is a product of driver groups (the product of the
//!    terms and factor tagged with that driver; untagged terms form one more group). The
//!    groups of A are replaced by those of B one driver at a time, in the fixed order of
//!    [`Driver::ALL`] (sequential substitution); each step's change is that driver's amount.
//!    Untagged terms are substituted last and their change goes to the residual.
//! 3. An item's aspect present on one side only is attributed, whole, to the driver that
//!    explains it: the present contribution's presence driver, else the other method's
//!    exclusion driver for that item; else to the residual.
//! 4. An indicator covered by one method only is attributed to indicator coverage.
//!
//! The steps telescope, so the driver amounts plus the residual equal the difference (up to
//! floating-point rounding, which also lands in the residual); a test checks this identity
//! on every example.

use bilan_core::assessment::{Assessment, Driver};
use bilan_core::indicator::Indicator;
use bilan_core::method::Descriptor;
use rayon::prelude::*;
use serde::Serialize;

pub(crate) use groups::{Side, term_group};
pub(crate) use index::{Index, ItemIds, contribution};
pub(crate) use keyed::{decompose_pairs, group_size};
pub(crate) use walk::Sink;

mod groups;
mod index;
mod keyed;
mod walk;

/// The part of a difference one driver explains.
#[derive(Clone, Debug, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub struct DriverAmount {
    /// The driver.
    pub driver: Driver,
    /// Its share of `B − A`, in the indicator's unit.
    pub amount: f64,
    /// Method A's rule for this driver, from its descriptor.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub a_rule: Option<String>,
    /// Method B's rule for this driver.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub b_rule: Option<String>,
}

/// The explained difference between two methods for one indicator.
#[derive(Clone, Debug, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub struct Divergence {
    /// Method A (the reference).
    pub a: String,
    /// Method B.
    pub b: String,
    /// The indicator.
    pub indicator: Indicator,
    /// A's total (`None`: not covered).
    pub a_total: Option<f64>,
    /// B's total (`None`: not covered).
    pub b_total: Option<f64>,
    /// `B − A`, an uncovered side counting as nothing.
    pub difference: f64,
    /// Amounts by driver, in decomposition order; drivers that explain nothing are left out.
    pub drivers: Vec<DriverAmount>,
    /// What no driver explains (untagged terms, unmatched items, rounding).
    pub residual: f64,
}

/// Below this share of `|B − A|` a residual is the rounding of the sums, not a difference.
pub const RESIDUAL_NOISE: f64 = 1e-9;

impl Divergence {
    /// The residual as text formats show it: `0` when it is float noise (under
    /// [`RESIDUAL_NOISE`] of `|B − A|`, or of the larger total when they are equal); the
    /// JSON and CSV reports keep the exact value.
    pub fn residual_shown(&self) -> f64 {
        let scale = self.difference.abs().max(
            self.a_total
                .unwrap_or(0.0)
                .abs()
                .max(self.b_total.unwrap_or(0.0).abs())
                * 1e-6,
        );
        if self.residual.abs() <= RESIDUAL_NOISE * scale {
            0.0
        } else {
            self.residual
        }
    }
}

pub(crate) const GROUPS: usize = Driver::ALL.len() + 1;
pub(crate) const UNTAGGED: usize = Driver::ALL.len();
// A set of groups is one bit each in a `u32` ([`product`]).
const _: () = assert!(GROUPS <= 32);

/// `d`'s place in [`Driver::ALL`], which lists the drivers in declaration order (a test
/// checks it); called for every term of every contribution of every pair.
pub(crate) fn driver_index(d: Driver) -> usize {
    d as usize
}

#[derive(Clone, Copy, Default)]
struct Tally {
    drivers: [f64; GROUPS],
}

impl Tally {
    fn add(&mut self, driver: Option<Driver>, amount: f64) {
        self.drivers[driver.map_or(UNTAGGED, driver_index)] += amount;
    }
}

#[inline]
pub(crate) fn product(g: &[f64; GROUPS]) -> f64 {
    product_of(g, not_one(g))
}

/// The groups of `g` that are not exactly 1, one bit each.
#[inline]
pub(crate) fn not_one(g: &[f64; GROUPS]) -> u32 {
    groups_where(|i| g[i] != 1.0)
}

/// The groups `i` for which `f(i)` holds, one bit each.
#[inline]
fn groups_where(f: impl Fn(usize) -> bool) -> u32 {
    (0..GROUPS).fold(0, |bits, i| bits | (u32::from(f(i)) << i))
}

/// The groups whose bits are set in `bits`, in order.
#[inline]
pub(crate) fn groups_in(mut bits: u32) -> impl Iterator<Item = usize> {
    std::iter::from_fn(move || {
        (bits != 0).then(|| {
            let g = bits.trailing_zeros() as usize;
            bits &= bits - 1;
            g
        })
    })
}

/// The product of the groups of `g` that `bits` names, in group order. A group left out is
/// exactly 1, and multiplying by exactly 1 changes no bit, so this is bit for bit the
/// product of every group in order; most of a contribution's groups are 1.
#[inline]
fn product_of(g: &[f64; GROUPS], bits: u32) -> f64 {
    product_mixed(g, g, 0, bits)
}

/// [`product_of`] the groups B's where `from_b` names them, A's elsewhere.
#[inline]
fn product_mixed(ga: &[f64; GROUPS], gb: &[f64; GROUPS], from_b: u32, bits: u32) -> f64 {
    groups_in(bits).fold(1.0, |p, g| {
        p * if from_b & (1 << g) != 0 { gb[g] } else { ga[g] }
    })
}

/// Sequential substitution of A's driver groups by B's, in driver order.
/// Each step's change goes to `add(group, amount)`; returns the last product.
pub(crate) fn substitute(
    ga: &[f64; GROUPS],
    gb: &[f64; GROUPS],
    add: impl FnMut(usize, f64),
) -> f64 {
    substitute_from(ga, gb, product(ga), add)
}

/// [`substitute`], given the product of A's groups.
fn substitute_from(
    ga: &[f64; GROUPS],
    gb: &[f64; GROUPS],
    previous: f64,
    add: impl FnMut(usize, f64),
) -> f64 {
    substitute_known(ga, not_one(ga), gb, not_one(gb), previous, add)
}

/// [`substitute_from`], given which groups of A and of B are not exactly 1 (`a_bits`,
/// `b_bits`, as [`not_one`] finds them): the walk keeps them with each side, so the groups
/// are not read again to find them.
fn substitute_known(
    ga: &[f64; GROUPS],
    a_bits: u32,
    gb: &[f64; GROUPS],
    b_bits: u32,
    mut previous: f64,
    mut add: impl FnMut(usize, f64),
) -> f64 {
    // The groups substituted so far, read from B; the others from A (rather than a copy of
    // A's groups written over, which costs more than the walk's arithmetic).
    let mut done = 0u32;
    let mut bits = a_bits;
    // The groups where B differs from A, each substituted once, in order: only where either
    // is not 1 (elsewhere both are exactly 1).
    let differ = groups_in(a_bits | b_bits)
        .fold(0u32, |differ, i| differ | (u32::from(ga[i] != gb[i]) << i));
    for i in groups_in(differ) {
        let bit = 1 << i;
        done |= bit;
        bits = (bits & !bit) | (b_bits & bit);
        let next = product_mixed(ga, gb, done, bits);
        add(i, next - previous);
        previous = next;
    }
    previous
}

/// The nominal decomposition: one tally per indicator.
struct Tallies(Vec<Tally>);

impl Sink for Tallies {
    fn matched(&mut self, k: usize, a: &Side, b: &Side) {
        let tally = &mut self.0[k];
        // Rounding between the stored values and the recomputed products goes to the residual.
        let start = product_of(&a.groups, a.bits);
        tally.drivers[UNTAGGED] += start - a.value;
        let last = substitute_known(&a.groups, a.bits, &b.groups, b.bits, start, |i, amount| {
            tally.drivers[i] += amount;
        });
        tally.drivers[UNTAGGED] += b.value - last;
    }

    fn one_sided(&mut self, k: usize, driver: Option<Driver>, sign: f64, present: &[Side]) {
        let sum: f64 = present.iter().map(|x| x.value).sum();
        self.0[k].add(driver, sign * sum);
    }

    fn unmatched(&mut self, k: usize, a: &[Side], b: &[Side]) {
        let sum = |s: &[Side]| s.iter().map(|x| x.value).sum::<f64>();
        self.0[k].add(None, sum(b) - sum(a));
    }
}

/// The divergences of `b` from `a`, for every indicator either covers, in
/// [`Indicator::ALL`] order: one pass over the matched keys for all indicators.
pub(crate) fn decompose(a: &Index, b: &Index) -> Vec<Divergence> {
    let both = both(a, b);
    let mut tallies = Tallies(vec![Tally::default(); both.len()]);
    walk::walk(&mut tallies, a, b, &both);
    divergences(a, b, &both, &tallies)
}

/// The indicators both `a` and `b` cover: those decomposed key by key, all in one pass.
fn both(a: &Index, b: &Index) -> Vec<Indicator> {
    Indicator::ALL
        .into_iter()
        .filter(|&i| covered(&a.totals, i) && covered(&b.totals, i))
        .collect()
}

/// The divergences of `b` from `a` for every indicator either covers, in
/// [`Indicator::ALL`] order, from the tallies of the walk over `both` ([`both`]).
fn divergences(a: &Index, b: &Index, both: &[Indicator], tallies: &Tallies) -> Vec<Divergence> {
    Indicator::ALL
        .into_iter()
        .filter(|&i| covered(&a.totals, i) || covered(&b.totals, i))
        .map(|i| {
            let tally = match both.iter().position(|&x| x == i) {
                Some(k) => tallies.0[k],
                // Covered by one side only: all of it is indicator coverage.
                None => {
                    let mut t = Tally::default();
                    let b_minus_a =
                        b.totals[i.index()].unwrap_or(0.0) - a.totals[i.index()].unwrap_or(0.0);
                    t.add(Some(Driver::IndicatorCoverage), b_minus_a);
                    t
                }
            };
            divergence(a, b, i, &tally)
        })
        .collect()
}

fn divergence(a: &Index, b: &Index, indicator: Indicator, tally: &Tally) -> Divergence {
    let a_total = a.totals[indicator.index()];
    let b_total = b.totals[indicator.index()];
    let difference = b_total.unwrap_or(0.0) - a_total.unwrap_or(0.0);
    let drivers = Driver::ALL
        .iter()
        .enumerate()
        .filter(|(i, _)| tally.drivers[*i] != 0.0)
        .map(|(i, d)| DriverAmount {
            driver: *d,
            amount: tally.drivers[i],
            a_rule: a.rule(*d),
            b_rule: b.rule(*d),
        })
        .collect();
    Divergence {
        a: a.method.clone(),
        b: b.method.clone(),
        indicator,
        a_total,
        b_total,
        difference,
        drivers,
        residual: tally.drivers[UNTAGGED],
    }
}

/// The divergence of every pair of methods (in the order of the list: A before B) for every indicator at
/// least one of them covers.
pub fn all_pairs(assessed: &[(&Descriptor, &Assessment)]) -> Vec<Divergence> {
    let indices = indices(
        assessed,
        &ItemIds::of_assessment(assessed.first().map(|(_, a)| *a)),
    );
    pairs_of(&indices.iter().collect::<Vec<_>>(), |_, _| None)
}

/// [`all_pairs`] of assessments already indexed; `walked(i, j)` gives the divergences of a
/// pair already decomposed (see [`crate::early`]).
pub(crate) fn pairs_of(
    indices: &[&Index],
    walked: impl Fn(usize, usize) -> Option<Vec<Divergence>>,
) -> Vec<Divergence> {
    let all = pairs(indices.len());
    let mut done: Vec<Option<Vec<Divergence>>> = all.iter().map(|&(i, j)| walked(i, j)).collect();
    let left: Vec<usize> = (0..all.len()).filter(|&n| done[n].is_none()).collect();
    let to_walk: Vec<(usize, usize)> = left.iter().map(|&n| all[n]).collect();
    for (n, d) in left
        .into_iter()
        .zip(keyed::decompose_groups(indices, &to_walk))
    {
        done[n] = Some(d);
    }
    done.into_iter().flatten().flatten().collect()
}

pub(crate) fn indices(assessed: &[(&Descriptor, &Assessment)], ids: &ItemIds<'_>) -> Vec<Index> {
    assessed
        .par_iter()
        .map(|(d, a)| Index::new(d, a, ids))
        .collect()
}

/// Every pair (i, j), i < j, in the order of the list.
pub(crate) fn pairs(n: usize) -> Vec<(usize, usize)> {
    (0..n)
        .flat_map(|i| (i + 1..n).map(move |j| (i, j)))
        .collect()
}

/// The indicators both methods of a pair cover (decomposed key by key) and those one
/// covers (all indicator coverage), from their totals.
pub(crate) fn covered(totals: &[Option<f64>; Indicator::ALL.len()], i: Indicator) -> bool {
    totals[i.index()].is_some()
}

/// Walks every pair of `assessed` in the order of the list, one after the other: `start(i, j, both)`
/// makes a pair's state, and `each(state, walk)` runs the walk with a sink built on it
/// (`walk(&mut sink)`). Where the sinks share what they build (the propagation of
/// uncertainty interns into one table), pairs cannot run at once.
pub(crate) fn walk_pairs_each<T>(
    assessed: &[(&Descriptor, &Assessment)],
    start: impl Fn(usize, usize, &[Indicator]) -> T,
    mut each: impl FnMut(T, &mut dyn FnMut(&mut dyn Sink)),
) {
    let indices = indices(
        assessed,
        &ItemIds::of_assessment(assessed.first().map(|(_, a)| *a)),
    );
    for (i, j) in pairs(indices.len()) {
        let (a, b) = (&indices[i], &indices[j]);
        let both = both(a, b);
        let state = start(i, j, &both);
        each(state, &mut |sink: &mut dyn Sink| {
            walk::walk(sink, a, b, &both)
        });
    }
}

#[cfg(test)]
mod tests;
