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

use bilan_core::assessment::{
    Aspect, Assessment, Contribution, Driver, Exclusion, FactorUse, IndicatorValue, ItemKind,
};
use bilan_core::indicator::Indicator;
use bilan_core::method::Descriptor;
use rayon::prelude::*;
use rustc_hash::FxHashMap;
use serde::Serialize;

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

const GROUPS: usize = Driver::ALL.len() + 1;
const UNTAGGED: usize = Driver::ALL.len();

/// `d`'s place in [`Driver::ALL`], which lists the drivers in declaration order (a test
/// checks it); called for every term of every contribution of every pair.
pub(crate) fn driver_index(d: Driver) -> usize {
    d as usize
}

/// What contributions are matched on: inventory item and aspect.
type Key<'a> = (ItemKind, &'a str, Aspect);

/// Dense ids for the keys of every assessment, so that pairs are matched by index rather
/// than by hashing or sorting strings (the comparison of 100,000 workloads under many
/// methods does this for every pair).
struct Keys<'a> {
    ids: FxHashMap<Key<'a>, u32>,
}

impl<'a> Keys<'a> {
    fn id(&mut self, key: Key<'a>) -> u32 {
        let next = u32::try_from(self.ids.len()).unwrap_or(u32::MAX);
        *self.ids.entry(key).or_insert(next)
    }
}

/// No contribution for a key.
const NONE: u32 = u32::MAX;
/// Several contributions for a key (listed in `Index::multi`).
const MANY: u32 = u32::MAX - 1;

/// An assessment indexed for comparison.
struct Index<'a> {
    descriptor: &'a Descriptor,
    assessment: &'a Assessment,
    /// Key ids of the counted contributions, in contribution order.
    order: Vec<u32>,
    /// Key id → contribution index, `NONE` or `MANY`.
    by_key: Vec<u32>,
    /// Contributions of keys with several.
    multi: FxHashMap<u32, Vec<u32>>,
    /// Factors by the address of their id (contributions share the `Arc` of the factor
    /// list), with a lookup by text for assessments that crossed a serialisation boundary.
    factors_by_ptr: FxHashMap<usize, &'a FactorUse>,
    factors_by_id: FxHashMap<&'a str, &'a FactorUse>,
    /// Key id → driver of the exclusion that explains its absence.
    excluded: FxHashMap<u32, Driver>,
    /// (kind, item) → driver of an exclusion of the whole item.
    excluded_items: FxHashMap<(ItemKind, &'a str), Driver>,
    /// The method's totals, per indicator.
    totals: [Option<f64>; Indicator::ALL.len()],
}

/// No key: a memo contribution, or an exclusion of a whole item or without a driver.
const NO_KEY: u32 = u32::MAX;
/// A key the first assessment does not have, numbered in a second, serial pass.
const UNKNOWN: u32 = u32::MAX - 1;

fn contribution_key(c: &Contribution) -> Option<Key<'_>> {
    (!c.memo).then(|| (c.item.kind, &*c.item.id, c.aspect))
}

/// Exclusions with a driver and an aspect explain a key's absence; see [`Index::new`].
fn exclusion_key(e: &Exclusion) -> Option<Key<'_>> {
    e.driver?;
    e.aspect.map(|aspect| (e.item.kind, &*e.item.id, aspect))
}

/// The key ids of an assessment's contributions and exclusions, `NO_KEY` where there is none.
struct KeyIds {
    contributions: Vec<u32>,
    exclusions: Vec<u32>,
}

impl KeyIds {
    fn new<'a>(a: &'a Assessment, mut id: impl FnMut(Key<'a>) -> u32) -> KeyIds {
        KeyIds {
            contributions: a
                .contributions
                .iter()
                .map(|c| contribution_key(c).map_or(NO_KEY, &mut id))
                .collect(),
            exclusions: a
                .exclusions
                .iter()
                .map(|e| exclusion_key(e).map_or(NO_KEY, &mut id))
                .collect(),
        }
    }
}

/// Key ids for every assessment, numbered in assessment order, contributions before
/// exclusions. The first assessment's keys are numbered serially; the others look theirs
/// up in parallel, and only the keys the first one lacks (few: methods account for the same
/// items) are numbered afterwards, serially, in the same order.
fn key_ids(assessed: &[(&Descriptor, &Assessment)]) -> Vec<KeyIds> {
    let Some(((_, first), rest)) = assessed.split_first() else {
        return Vec::new();
    };
    // Sized for the first assessment's keys up front, so that the map is not rehashed (and
    // every id string hashed again) while it grows.
    let mut keys = Keys {
        ids: FxHashMap::with_capacity_and_hasher(
            first.contributions.len() + first.exclusions.len(),
            Default::default(),
        ),
    };
    let mut all = vec![KeyIds::new(first, |k| keys.id(k))];
    let looked_up: Vec<KeyIds> = rest
        .par_iter()
        .map(|(_, a)| KeyIds::new(a, |k| keys.ids.get(&k).copied().unwrap_or(UNKNOWN)))
        .collect();
    for (mut ids, (_, a)) in looked_up.into_iter().zip(rest) {
        for (id, c) in ids.contributions.iter_mut().zip(&a.contributions) {
            if let (UNKNOWN, Some(k)) = (*id, contribution_key(c)) {
                *id = keys.id(k);
            }
        }
        for (id, e) in ids.exclusions.iter_mut().zip(&a.exclusions) {
            if let (UNKNOWN, Some(k)) = (*id, exclusion_key(e)) {
                *id = keys.id(k);
            }
        }
        all.push(ids);
    }
    all
}

impl<'a> Index<'a> {
    fn new(descriptor: &'a Descriptor, assessment: &'a Assessment, ids: &KeyIds) -> Index<'a> {
        let mut order = Vec::with_capacity(assessment.contributions.len());
        let mut by_key: Vec<u32> = Vec::new();
        let mut multi: FxHashMap<u32, Vec<u32>> = FxHashMap::default();
        for (n, &k) in ids.contributions.iter().enumerate() {
            if k == NO_KEY {
                continue;
            }
            let n = u32::try_from(n).unwrap_or(NONE);
            if by_key.len() <= k as usize {
                by_key.resize(k as usize + 1, NONE);
            }
            match by_key[k as usize] {
                NONE => {
                    by_key[k as usize] = n;
                    order.push(k);
                }
                MANY => multi.entry(k).or_default().push(n),
                first => {
                    by_key[k as usize] = MANY;
                    multi.insert(k, vec![first, n]);
                }
            }
        }
        let mut excluded = FxHashMap::default();
        let mut excluded_items = FxHashMap::default();
        for (e, &k) in assessment.exclusions.iter().zip(&ids.exclusions) {
            let Some(d) = e.driver else { continue };
            if k != NO_KEY {
                excluded.entry(k).or_insert(d);
            } else if e.aspect.is_none() {
                excluded_items
                    .entry((e.item.kind, &*e.item.id))
                    .or_insert(d);
            }
        }
        let totals = assessment.totals();
        Index {
            descriptor,
            assessment,
            order,
            by_key,
            multi,
            factors_by_ptr: assessment
                .factors
                .iter()
                .map(|f| (f.id.as_ptr() as usize, f))
                .collect(),
            factors_by_id: assessment.factors.iter().map(|f| (&*f.id, f)).collect(),
            excluded,
            excluded_items,
            totals,
        }
    }

    fn contributions(&self, key: u32) -> &[u32] {
        match self.by_key.get(key as usize).copied().unwrap_or(NONE) {
            NONE => &[],
            MANY => self.multi.get(&key).map_or(&[], Vec::as_slice),
            _ => std::slice::from_ref(&self.by_key[key as usize]),
        }
    }

    fn exclusion_driver(&self, key: u32, c: &Contribution) -> Option<Driver> {
        self.excluded
            .get(&key)
            .or_else(|| self.excluded_items.get(&(c.item.kind, &*c.item.id)))
            .copied()
    }

    fn factor(&self, id: &std::sync::Arc<str>) -> Option<&'a FactorUse> {
        // Two live `Arc`s at one address are the same allocation, so the address identifies
        // the factor; the text lookup serves ids that were not shared (deserialised trails).
        self.factors_by_ptr
            .get(&(id.as_ptr() as usize))
            .filter(|f| std::sync::Arc::ptr_eq(&f.id, id))
            .or_else(|| self.factors_by_id.get(&**id))
            .copied()
    }

    /// The driver groups of `c` for `indicator`, or `None` if it has no value for it.
    fn groups(&self, c: &Contribution, indicator: Indicator) -> Option<([f64; GROUPS], f64)> {
        let v = c.values.iter().find(|v| v.indicator == indicator)?;
        self.with_factor(term_groups(c), v, &mut Recent::default())
    }

    /// `terms` (a contribution's [`term_groups`]) times the factor of `v`, with `v`'s value.
    fn with_factor(
        &self,
        mut terms: [f64; GROUPS],
        v: &IndicatorValue,
        recent: &mut Recent,
    ) -> Option<([f64; GROUPS], f64)> {
        let slot = &mut recent.0[v.indicator.index()];
        let ptr = v.factor.as_ptr() as usize;
        let (group, canonical) = match *slot {
            Some((p, group, canonical)) if p == ptr => (group, canonical),
            _ => {
                let factor = self.factor(&v.factor)?;
                let found = (
                    driver_index(factor.driver.unwrap_or(Driver::FactorChoice)),
                    factor.canonical,
                );
                *slot = Some((ptr, found.0, found.1));
                found
            }
        };
        terms[group] *= canonical;
        Some((terms, v.value))
    }

    fn rule(&self, d: Driver) -> Option<String> {
        self.descriptor
            .rule(d)
            .map(|r| format!("{}: {}", r.treatment, r.description))
    }
}

/// The product of `c`'s terms by driver group; the same for every indicator.
fn term_groups(c: &Contribution) -> [f64; GROUPS] {
    let mut g = [1.0; GROUPS];
    for t in &c.terms {
        g[t.driver.map_or(UNTAGGED, driver_index)] *= t.effect();
    }
    g
}

/// The factor last found for each indicator on one side of a pair, by the address of its
/// id: consecutive contributions mostly share theirs (every workload at a site has the
/// site's grid factor), so most lookups skip the map. Every contribution outlives the
/// comparison, so an address cannot be reused for another id meanwhile.
#[derive(Default)]
struct Recent([Option<(usize, usize, f64)>; Indicator::ALL.len()]);

#[derive(Clone, Copy, Default)]
struct Tally {
    drivers: [f64; GROUPS],
}

impl Tally {
    fn add(&mut self, driver: Option<Driver>, amount: f64) {
        self.drivers[driver.map_or(UNTAGGED, driver_index)] += amount;
    }
}

fn product(g: &[f64; GROUPS]) -> f64 {
    g.iter().product()
}

/// Sequential substitution of A's driver groups by B's, in driver order.
fn substitute(tally: &mut Tally, (ga, va): ([f64; GROUPS], f64), (gb, vb): ([f64; GROUPS], f64)) {
    let mut current = ga;
    let mut previous = product(&current);
    // Rounding between the stored values and the recomputed products goes to the residual.
    tally.drivers[UNTAGGED] += previous - va;
    for i in 0..GROUPS {
        if current[i] != gb[i] {
            current[i] = gb[i];
            let next = product(&current);
            tally.drivers[i] += next - previous;
            previous = next;
        }
    }
    tally.drivers[UNTAGGED] += vb - previous;
}

/// One side of a key: the contributions' groups, values and presence drivers.
fn side<'c>(
    ix: &Index<'c>,
    key: u32,
    indicator: Indicator,
) -> Vec<([f64; GROUPS], f64, Option<Driver>, &'c Contribution)> {
    ix.contributions(key)
        .iter()
        .filter_map(|&n| {
            let c = &ix.assessment.contributions[n as usize];
            ix.groups(c, indicator).map(|(g, v)| (g, v, c.presence, c))
        })
        .collect()
}

/// Adds the difference of `key` between `a` and `b` to the tally of each indicator in
/// `indicators` (the term groups of a contribution are the same for every indicator, so they
/// are computed once per key).
fn key_difference(
    tallies: &mut [Tally],
    (a, ra): (&Index<'_>, &mut Recent),
    (b, rb): (&Index<'_>, &mut Recent),
    key: u32,
    indicators: &[Indicator],
) {
    let (ca, cb) = (a.contributions(key), b.contributions(key));
    if ca.len() > 1 || cb.len() > 1 {
        for (tally, &indicator) in tallies.iter_mut().zip(indicators) {
            several_difference(tally, a, b, key, indicator);
        }
        return;
    }
    // The common case, at most one contribution a side, without allocating.
    fn one<'c>(ix: &Index<'c>, c: &[u32]) -> Option<(&'c Contribution, [f64; GROUPS])> {
        c.first().map(|&n| {
            let c = &ix.assessment.contributions[n as usize];
            (c, term_groups(c))
        })
    }
    fn value<'c>(
        ix: &Index<'_>,
        side: Option<(&'c Contribution, [f64; GROUPS])>,
        indicator: Indicator,
        recent: &mut Recent,
    ) -> Option<([f64; GROUPS], f64, &'c Contribution)> {
        side.and_then(|(c, g)| {
            let v = c.values.iter().find(|v| v.indicator == indicator)?;
            ix.with_factor(g, v, recent).map(|(g, v)| (g, v, c))
        })
    }
    let (sa, sb) = (one(a, ca), one(b, cb));
    for (tally, &indicator) in tallies.iter_mut().zip(indicators) {
        match (value(a, sa, indicator, ra), value(b, sb, indicator, rb)) {
            (None, None) => {}
            (Some((ga, va, _)), Some((gb, vb, _))) => substitute(tally, (ga, va), (gb, vb)),
            (None, Some((_, vb, c))) => {
                tally.add(c.presence.or_else(|| a.exclusion_driver(key, c)), vb)
            }
            (Some((_, va, c)), None) => {
                tally.add(c.presence.or_else(|| b.exclusion_driver(key, c)), -va)
            }
        }
    }
}

/// [`key_difference`] for one indicator where a side has several contributions for `key`.
fn several_difference(
    tally: &mut Tally,
    a: &Index<'_>,
    b: &Index<'_>,
    key: u32,
    indicator: Indicator,
) {
    let (sa, sb) = (side(a, key, indicator), side(b, key, indicator));
    match (sa.as_slice(), sb.as_slice()) {
        ([], []) => {}
        ([(ga, va, ..)], [(gb, vb, ..)]) => substitute(tally, (*ga, *va), (*gb, *vb)),
        ([], present) => {
            let driver = present
                .iter()
                .find_map(|x| x.2)
                .or_else(|| a.exclusion_driver(key, present[0].3));
            tally.add(driver, present.iter().map(|x| x.1).sum());
        }
        (present, []) => {
            let driver = present
                .iter()
                .find_map(|x| x.2)
                .or_else(|| b.exclusion_driver(key, present[0].3));
            tally.add(driver, -present.iter().map(|x| x.1).sum::<f64>());
        }
        (many_a, many_b) => {
            // Several contributions for one item and aspect on a side cannot be matched term
            // by term: their difference is left unexplained.
            let sum = |s: &[([f64; GROUPS], f64, Option<Driver>, &Contribution)]| {
                s.iter().map(|x| x.1).sum::<f64>()
            };
            tally.add(None, sum(many_b) - sum(many_a));
        }
    }
}

/// The divergences of `b` from `a`, for every indicator either covers, in
/// [`Indicator::ALL`] order: one pass over the matched keys for all indicators.
fn decompose(a: &Index<'_>, b: &Index<'_>) -> Vec<Divergence> {
    let covered = |ix: &Index<'_>, i: Indicator| ix.totals[i.index()].is_some();
    // Indicators both cover are decomposed key by key, all in one pass.
    let both: Vec<Indicator> = Indicator::ALL
        .into_iter()
        .filter(|&i| covered(a, i) && covered(b, i))
        .collect();
    let mut tallies = vec![Tally::default(); both.len()];
    if !both.is_empty() {
        // A's keys in its contribution order, then B's keys A lacks, in B's order: a
        // deterministic order without sorting.
        let (mut ra, mut rb) = (Recent::default(), Recent::default());
        for &key in &a.order {
            key_difference(&mut tallies, (a, &mut ra), (b, &mut rb), key, &both);
        }
        for &key in &b.order {
            if a.contributions(key).is_empty() {
                key_difference(&mut tallies, (a, &mut ra), (b, &mut rb), key, &both);
            }
        }
    }
    Indicator::ALL
        .into_iter()
        .filter(|&i| covered(a, i) || covered(b, i))
        .map(|i| {
            let tally = match both.iter().position(|&x| x == i) {
                Some(k) => tallies[k],
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

fn divergence(a: &Index<'_>, b: &Index<'_>, indicator: Indicator, tally: &Tally) -> Divergence {
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
        a: a.assessment.method.id.clone(),
        b: b.assessment.method.id.clone(),
        indicator,
        a_total,
        b_total,
        difference,
        drivers,
        residual: tally.drivers[UNTAGGED],
    }
}

/// The divergence of every pair of methods (in run order: A before B) for every indicator at
/// least one of them covers.
pub fn all_pairs(assessed: &[(&Descriptor, &Assessment)]) -> Vec<Divergence> {
    let ids = key_ids(assessed);
    let indices: Vec<Index<'_>> = assessed
        .par_iter()
        .zip(&ids)
        .map(|((d, a), ids)| Index::new(d, a, ids))
        .collect();
    let pairs: Vec<(usize, usize)> = (0..indices.len())
        .flat_map(|i| (i + 1..indices.len()).map(move |j| (i, j)))
        .collect();
    pairs
        .par_iter()
        .flat_map_iter(|&(i, j)| decompose(&indices[i], &indices[j]))
        .collect()
}
