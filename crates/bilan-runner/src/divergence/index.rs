//! Indexing assessments for the decomposition. An [`Index`] keeps, for each counted
//! contribution, only what the walk needs: its item and aspect, the driver of its presence,
//! each term's effect and driver group, and each value with its factor (a position in the
//! index's table of the assessment's factors, which holds each one's canonical value and
//! group). It owns all of it, so an assessment's audit trail can be dropped once its index is
//! built, and it is built from one assessment alone (items are numbered by a shared
//! [`ItemIds`]), so each method's index is built as soon as that method has run.

use bilan_core::assessment::{
    Aspect, Assessment, Contribution, Driver, IndicatorValue, Term, Totals,
};
use bilan_core::indicator::Indicator;
use bilan_core::method::Descriptor;
use rustc_hash::FxHashMap;

use super::groups::{Side, term_group};
use super::{GROUPS, driver_index, groups_in};

/// No entry.
pub(super) const NONE: u32 = u32::MAX;

mod ids;
pub(crate) use ids::ItemIds;

/// A counted contribution, as the walk reads it.
#[derive(Clone, Copy, Debug)]
struct Entry {
    /// Its position in the assessment's contributions.
    contribution: u32,
    /// Its item's number.
    item: u32,
    /// The next entry of the same item, or `NONE`.
    next: u32,
    /// Where its terms' effects start in `effects`; they end where the next entry's start
    /// ([`Index::effects_of`]).
    effects: u32,
    /// Where its values start in `values`; they end where the next entry's start
    /// ([`Index::values_of`]).
    values: u32,
    /// Where its kept values start in [`Index::kept`], in the order of its values.
    kept: u32,
    aspect: Aspect,
    presence: Option<Driver>,
    /// Whether a term applies to one indicator only: it is in [`Index::only`], not in
    /// `effects`.
    only: bool,
}

/// One value of a contribution, with what the walk needs of its factor. The value itself is
/// not kept when it is, bit for bit, its terms' product times its factor (as the builder
/// computes it): it is computed again when asked for. The others (a value a rule changed
/// afterwards, one whose factor is not listed) are kept, in [`Index::kept`].
#[derive(Clone, Copy, Debug)]
struct Value {
    /// Its factor's position in [`Index::factors`].
    factor: u32,
    indicator: Indicator,
    /// Its position in the contribution's values.
    position: u8,
    /// Whether the value is in [`Index::kept`] rather than computed again.
    kept: bool,
}

/// An entry's terms, shared by its sides ([`Index::terms`]).
#[derive(Clone, Copy)]
pub(super) struct Terms {
    /// Their products by driver group: exactly 1 in every group `bits` leaves out, so that
    /// only the groups in `bits` are written from one entry to the next.
    groups: [f64; GROUPS],
    /// The groups that are not exactly 1, one bit each.
    bits: u32,
    /// Their product, in term order.
    product: f64,
}

impl Default for Terms {
    fn default() -> Terms {
        Terms {
            groups: [1.0; GROUPS],
            bits: 0,
            product: 1.0,
        }
    }
}

/// An assessment indexed for comparison.
#[derive(Clone)]
pub(crate) struct Index {
    /// The method's id.
    pub(super) method: String,
    /// The method's rule for each driver, in [`Driver::ALL`] order.
    rules: Vec<Option<String>>,
    /// The method's totals, per indicator.
    pub(crate) totals: [Option<f64>; Indicator::ALL.len()],
    /// Item number → its first entry, or `NONE`.
    by_item: Vec<u32>,
    entries: Vec<Entry>,
    /// Each entry's terms' driver groups, in term order…
    effect_groups: Vec<u8>,
    /// …and their multiplicative effects.
    effects: Vec<f64>,
    values: Vec<Value>,
    /// The values not computed again (see [`Value`]), in the order of `values`; each entry
    /// says where its own start. A scale rule makes them most of a method's values, so
    /// they are read in place rather than looked up by hashing.
    kept: Vec<f64>,
    /// Each factor of the assessment, in its order: driver group and canonical value.
    factors: Vec<(u8, f64)>,
    /// The terms that apply to one indicator only, by entry (in entry order): the
    /// indicator, the driver group and the effect. Rare (a rule scaling one indicator).
    only: Vec<(u32, Indicator, u8, f64)>,
    /// (item, aspect) → driver of the exclusion that explains its absence.
    excluded: FxHashMap<(u32, Aspect), Driver>,
    /// Item → driver of an exclusion of the whole item.
    excluded_items: FxHashMap<u32, Driver>,
}

fn group_index(group: usize) -> u8 {
    u8::try_from(group).unwrap_or(u8::MAX)
}

impl Index {
    /// The index of `assessment` by the method `descriptor` describes.
    pub(crate) fn new(
        descriptor: &Descriptor,
        assessment: &Assessment,
        ids: &ItemIds<'_>,
    ) -> Index {
        Index::visiting(descriptor, assessment, ids, |_, _| {})
    }

    /// [`Index::new`], its pass over the contributions giving each, in order, to `visit`
    /// as well (memo items included), with its item's number: a preparation that reads
    /// them for other figures reads each once, and finds each item once. A memo item's
    /// number is its place among the items numbered up front, if it is one of them (it is
    /// not indexed, so an item no inventory lists is not numbered for it).
    pub(crate) fn visiting<'c>(
        descriptor: &Descriptor,
        assessment: &'c Assessment,
        ids: &ItemIds<'_>,
        mut visit: impl FnMut(&'c Contribution, Option<u32>),
    ) -> Index {
        let factors: FxHashMap<&str, u32> = assessment
            .factors
            .iter()
            .enumerate()
            .map(|(n, f)| (&*f.id, u32::try_from(n).unwrap_or(NONE)))
            .collect();
        let mut index = Index {
            method: assessment.method.id.clone(),
            rules: Driver::ALL
                .iter()
                .map(|d| {
                    descriptor
                        .rule(*d)
                        .map(|r| format!("{}: {}", r.treatment, r.description))
                })
                .collect(),
            totals: [None; Indicator::ALL.len()],
            by_item: Vec::new(),
            entries: Vec::new(),
            effect_groups: Vec::new(),
            effects: Vec::new(),
            values: Vec::new(),
            kept: Vec::new(),
            factors: assessment
                .factors
                .iter()
                .map(|f| {
                    let driver = f.driver.unwrap_or(Driver::FactorChoice);
                    (group_index(driver_index(driver)), f.canonical)
                })
                .collect(),
            only: Vec::new(),
            excluded: FxHashMap::default(),
            excluded_items: FxHashMap::default(),
        };
        // Every list at its exact size: grown by doubling, they would keep up to twice what
        // they hold, for every method of a comparison until it ends.
        let (mut entries, mut terms, mut values) = (0, 0, 0);
        for c in assessment.contributions.iter().filter(|c| !c.memo) {
            entries += 1;
            terms += c.terms.len();
            values += c.values.len();
        }
        index.entries.reserve_exact(entries);
        index.effect_groups.reserve_exact(terms);
        index.effects.reserve_exact(terms);
        index.values.reserve_exact(values);
        let mut totals = Totals::default();
        index.by_item.reserve_exact(ids.items().len());
        // The last entry of each item while the chains are built.
        let mut last: Vec<u32> = Vec::with_capacity(ids.items().len());
        let mut recent = [None; Indicator::ALL.len()];
        let mut locate = ids.locator();
        for (n, c) in assessment.contributions.iter().enumerate() {
            if c.memo {
                visit(c, ids.known_located(c.item.kind, &c.item.id, &mut locate));
                continue;
            }
            totals.add(c);
            let entry = u32::try_from(index.entries.len()).unwrap_or(NONE);
            let item = ids.id_located(c.item.kind, &c.item.id, &mut locate);
            visit(c, Some(item));
            let slot = item as usize;
            if index.by_item.len() <= slot {
                index.by_item.resize(slot + 1, NONE);
                last.resize(slot + 1, NONE);
            }
            match last[slot] {
                NONE => index.by_item[slot] = entry,
                previous => index.entries[previous as usize].next = entry,
            }
            last[slot] = entry;
            let effects = u32::try_from(index.effects.len()).unwrap_or(NONE);
            let every = |t: &&Term| t.indicator.is_none();
            index.effect_groups.extend(
                c.terms
                    .iter()
                    .filter(every)
                    .map(|t| group_index(term_group(t.driver))),
            );
            index
                .effects
                .extend(c.terms.iter().filter(every).map(|t| t.effect()));
            let only = c.has_indicator_terms();
            for (indicator, t) in c.terms.iter().filter_map(|t| t.indicator.map(|i| (i, t))) {
                let group = group_index(term_group(t.driver));
                index.only.push((entry, indicator, group, t.effect()));
            }
            let values = u32::try_from(index.values.len()).unwrap_or(NONE);
            let kept_from = u32::try_from(index.kept.len()).unwrap_or(NONE);
            let product: f64 = c.terms.iter().filter(every).map(Term::effect).product();
            for (position, v) in c.values.iter().enumerate() {
                // A value whose factor is not listed stays, with no factor: the walk finds it
                // first for its indicator and, as before, has no side for it.
                let factor = factor_of(&factors, v, &mut recent).unwrap_or(NONE);
                let again = index.factors.get(factor as usize).map(|f| product * f.1);
                // A value a term of its indicator alone bears on is kept as it is.
                let own_term = only && c.terms.iter().any(|t| t.indicator == Some(v.indicator));
                let kept = own_term || again.is_none_or(|x| x.to_bits() != v.value.to_bits());
                if kept {
                    index.kept.push(v.value);
                }
                index.values.push(Value {
                    factor,
                    indicator: v.indicator,
                    position: u8::try_from(position).unwrap_or(u8::MAX),
                    kept,
                });
            }
            index.entries.push(Entry {
                contribution: u32::try_from(n).unwrap_or(NONE),
                item,
                next: NONE,
                effects,
                values,
                kept: kept_from,
                aspect: c.aspect,
                presence: c.presence,
                only,
            });
        }
        index.totals = totals.finish(assessment);
        // Grown by doubling, as how many values a rule changed is not known up front.
        index.kept.shrink_to_fit();
        index.only.shrink_to_fit();
        // The same locator: exclusions follow the inventory's order too, from the top.
        for e in &assessment.exclusions {
            let Some(d) = e.driver else { continue };
            let item = ids.id_located(e.item.kind, &e.item.id, &mut locate);
            match e.aspect {
                Some(aspect) => {
                    index.excluded.entry((item, aspect)).or_insert(d);
                }
                None => {
                    index.excluded_items.entry(item).or_insert(d);
                }
            }
        }
        index
    }

    /// The first entry of `item`'s `aspect`, or `NONE`.
    fn first(&self, item: u32, aspect: Aspect) -> u32 {
        let mut e = self.by_item.get(item as usize).copied().unwrap_or(NONE);
        while e != NONE {
            let entry = &self.entries[e as usize];
            if entry.aspect == aspect {
                return e;
            }
            e = entry.next;
        }
        NONE
    }

    /// The first entry of each key (item and aspect), in contribution order.
    pub(super) fn keys(&self) -> impl Iterator<Item = (u32, Aspect)> + '_ {
        (0..u32::try_from(self.entries.len()).unwrap_or(NONE))
            .map(|e| (e, self.key(e)))
            .filter(|&(e, (item, aspect))| self.first(item, aspect) == e)
            .map(|(_, key)| key)
    }

    /// The first key (item and aspect) whose first entry is `from` or later, in contribution
    /// order, with that entry: [`Index::keys`] from `from` on.
    pub(super) fn key_from(&self, from: u32) -> Option<(u32, (u32, Aspect))> {
        (from..u32::try_from(self.entries.len()).unwrap_or(NONE))
            .map(|e| (e, self.key(e)))
            .find(|&(e, (item, aspect))| self.first(item, aspect) == e)
    }

    /// The key (item and aspect) of entry `e`.
    pub(super) fn key(&self, e: u32) -> (u32, Aspect) {
        let entry = &self.entries[e as usize];
        (entry.item, entry.aspect)
    }

    /// The entries of `key`, in contribution order.
    pub(super) fn entries(&self, (item, aspect): (u32, Aspect)) -> impl Iterator<Item = u32> + '_ {
        let mut e = self.by_item.get(item as usize).copied().unwrap_or(NONE);
        std::iter::from_fn(move || {
            while e != NONE {
                let entry = &self.entries[e as usize];
                let this = e;
                e = entry.next;
                if entry.aspect == aspect {
                    return Some(this);
                }
            }
            None
        })
    }

    /// Whether `key` has an entry.
    pub(super) fn has(&self, (item, aspect): (u32, Aspect)) -> bool {
        self.first(item, aspect) != NONE
    }

    /// The driver of the exclusion that explains the absence of `key` from this assessment.
    pub(super) fn exclusion_driver(&self, (item, aspect): (u32, Aspect)) -> Option<Driver> {
        self.excluded
            .get(&(item, aspect))
            .or_else(|| self.excluded_items.get(&item))
            .copied()
    }

    /// Where entry `e`'s terms' effects lie in `effects` (and their groups in
    /// `effect_groups`): from its start to the next entry's.
    fn effects_of(&self, e: u32) -> std::ops::Range<usize> {
        self.span(e, |entry| entry.effects, self.effects.len())
    }

    /// Where entry `e`'s values lie in `values`: from its start to the next entry's.
    fn values_of(&self, e: u32) -> std::ops::Range<usize> {
        self.span(e, |entry| entry.values, self.values.len())
    }

    /// Entry `e`'s part of a list the entries share in order, where `start` says where each
    /// entry's part starts and the last one ends at `len`.
    fn span(&self, e: u32, start: impl Fn(&Entry) -> u32, len: usize) -> std::ops::Range<usize> {
        let n = e as usize;
        let end = self
            .entries
            .get(n + 1)
            .map_or(len, |next| start(next) as usize);
        start(&self.entries[n]) as usize..end
    }

    /// Entry `e`'s terms, as each of its indicators' sides starts from them: their product
    /// by driver group (those that apply to one indicator only left out, see
    /// [`Index::side_into`]) and their product in term order.
    pub(super) fn terms(&self, e: u32) -> Terms {
        let mut terms = Terms::default();
        self.terms_into(e, &mut terms);
        terms
    }

    /// [`Index::terms`], written into `terms`.
    pub(super) fn terms_into(&self, e: u32, terms: &mut Terms) {
        let range = self.effects_of(e);
        // Only the groups that are not 1 are set back: the others are 1 already.
        for g in groups_in(terms.bits) {
            terms.groups[g] = 1.0;
        }
        // The groups a term multiplied: the others are exactly 1.
        let mut touched = 0u32;
        for (&group, &effect) in self.effect_groups[range.clone()]
            .iter()
            .zip(&self.effects[range.clone()])
        {
            terms.groups[group as usize] *= effect;
            touched |= 1 << group;
        }
        terms.bits = 0;
        for g in groups_in(touched) {
            terms.bits |= u32::from(terms.groups[g] != 1.0) << g;
        }
        terms.product = self.effects[range].iter().product();
    }

    /// Entry `e`'s side for `indicator`, written into `side`: `terms` (its
    /// [`Index::terms`]) times the factor, with the value; `false`, and `side` left as it
    /// was, if it has no value for the indicator. Written in place: the walk asks for
    /// every entry's side for every indicator, and a side is an array of groups.
    pub(super) fn side_into(
        &self,
        e: u32,
        terms: &Terms,
        indicator: Indicator,
        side: &mut Side,
    ) -> bool {
        let entry = &self.entries[e as usize];
        let values = self.values_of(e);
        let start = values.start;
        let Some(at) = self.values[values]
            .iter()
            .position(|v| v.indicator == indicator)
        else {
            return false;
        };
        let at = at + start;
        let v = &self.values[at];
        let Some(&(group, canonical)) = self.factors.get(v.factor as usize) else {
            return false;
        };
        // `side.groups` and `terms.groups` are 1 outside their bits: only the groups in
        // either are written, rather than the whole array.
        for g in groups_in(side.bits & !terms.bits) {
            side.groups[g] = 1.0;
        }
        for g in groups_in(terms.bits) {
            side.groups[g] = terms.groups[g];
        }
        side.bits = terms.bits;
        let touch = |side: &mut Side, g: usize, by: f64| {
            side.groups[g] *= by;
            side.bits = (side.bits & !(1 << g)) | (u32::from(side.groups[g] != 1.0) << g);
        };
        touch(side, group as usize, canonical);
        if entry.only {
            let from = self.only.partition_point(|o| o.0 < e);
            for &(_, _, g, effect) in self.only[from..]
                .iter()
                .take_while(|o| o.0 == e)
                .filter(|o| o.1 == indicator)
            {
                touch(side, g as usize, effect);
            }
        }
        side.value = if v.kept {
            let before = self.values[start..at].iter().filter(|v| v.kept).count();
            self.kept
                .get(entry.kept as usize + before)
                .copied()
                .unwrap_or(f64::NAN)
        } else {
            // As the builder computed it: the terms' product, in their order, times the factor.
            terms.product * canonical
        };
        side.factor_group = group as usize;
        side.presence = entry.presence;
        side.contribution = entry.contribution;
        side.position = v.position;
        true
    }

    /// [`Index::side_into`], as a new side.
    pub(super) fn side(&self, e: u32, terms: &Terms, indicator: Indicator) -> Option<Side> {
        let mut side = Side::default();
        self.side_into(e, terms, indicator, &mut side)
            .then_some(side)
    }

    /// The method's rule for `d`.
    pub(super) fn rule(&self, d: Driver) -> Option<String> {
        self.rules[driver_index(d)].clone()
    }
}

/// The factor last found for each indicator, by the address of its id.
type Recent = [Option<(usize, u32)>; Indicator::ALL.len()];

/// The position of `v`'s factor among the assessment's factors, `None` when it is not
/// listed. Consecutive values mostly share their factor (every workload at a site has the
/// site's grid factor), so the last one found for the indicator is checked first, by the
/// address of its id (every value of the assessment is alive meanwhile, so an address is not
/// reused for another id).
fn factor_of(
    factors: &FxHashMap<&str, u32>,
    v: &IndicatorValue,
    recent: &mut Recent,
) -> Option<u32> {
    let ptr = v.factor.as_ptr() as usize;
    let recent = &mut recent[v.indicator.index()];
    if let Some((p, factor)) = *recent
        && p == ptr
    {
        return Some(factor);
    }
    let factor = *factors.get(&*v.factor)?;
    *recent = Some((ptr, factor));
    Some(factor)
}

/// The contribution of `a` behind `side`, and its value, for a sink that reads the trail.
pub(crate) fn contribution<'a>(
    a: &'a Assessment,
    side: &Side,
) -> (&'a Contribution, &'a IndicatorValue) {
    let c = &a.contributions[side.contribution as usize];
    (c, &c.values[side.position as usize])
}

#[cfg(test)]
pub(super) mod tests;
