//! Indexing assessments for the decomposition: contributions matched by item and aspect
//! through dense key ids, factors found by the address of their id.

use bilan_core::assessment::{
    Aspect, Assessment, Contribution, Driver, Exclusion, FactorUse, IndicatorValue, ItemKind,
};
use bilan_core::indicator::Indicator;
use bilan_core::method::Descriptor;
use rayon::prelude::*;
use rustc_hash::FxHashMap;

use super::groups::{Recent, Side, term_groups};
use super::{GROUPS, driver_index};

/// What contributions are matched on: inventory item and aspect.
pub(super) type Key<'a> = (ItemKind, &'a str, Aspect);

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
pub(super) const NONE: u32 = u32::MAX;
/// Several contributions for a key (listed in `Index::multi`).
const MANY: u32 = u32::MAX - 1;

/// An assessment indexed for comparison.
pub(super) struct Index<'a> {
    pub(super) descriptor: &'a Descriptor,
    pub(super) assessment: &'a Assessment,
    /// Key ids of the counted contributions, in contribution order.
    pub(super) order: Vec<u32>,
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
    pub(super) totals: [Option<f64>; Indicator::ALL.len()],
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
pub(super) struct KeyIds {
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
pub(super) fn key_ids(assessed: &[(&Descriptor, &Assessment)]) -> Vec<KeyIds> {
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
    pub(super) fn new(
        descriptor: &'a Descriptor,
        assessment: &'a Assessment,
        ids: &KeyIds,
    ) -> Index<'a> {
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

    pub(super) fn contributions(&self, key: u32) -> &[u32] {
        match self.by_key.get(key as usize).copied().unwrap_or(NONE) {
            NONE => &[],
            MANY => self.multi.get(&key).map_or(&[], Vec::as_slice),
            _ => std::slice::from_ref(&self.by_key[key as usize]),
        }
    }

    pub(super) fn exclusion_driver(&self, key: u32, c: &Contribution) -> Option<Driver> {
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
    pub(super) fn groups<'c>(&self, c: &'c Contribution, indicator: Indicator) -> Option<Side<'c>> {
        let v = c.values.iter().find(|v| v.indicator == indicator)?;
        self.with_factor(c, term_groups(c), v, &mut Recent::default())
    }

    /// `terms` (a contribution's [`term_groups`]) times the factor of `v`, with `v`'s value.
    pub(super) fn with_factor<'c>(
        &self,
        c: &'c Contribution,
        mut terms: [f64; GROUPS],
        v: &'c IndicatorValue,
        recent: &mut Recent,
    ) -> Option<Side<'c>> {
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
        Some(Side {
            groups: terms,
            value: v.value,
            factor_group: group,
            contribution: c,
            indicator_value: v,
        })
    }

    pub(super) fn rule(&self, d: Driver) -> Option<String> {
        self.descriptor
            .rule(d)
            .map(|r| format!("{}: {}", r.treatment, r.description))
    }
}
