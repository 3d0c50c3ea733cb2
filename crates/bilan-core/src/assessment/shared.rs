//! Sharing the descriptions of terms and contributions within an assessment, and sizing
//! the lists a large assessment holds hundreds of thousands of exactly.

use std::hash::Hash;
use std::sync::Arc;

use rustc_hash::FxHashSet;

use super::{Aspect, Assessment, ContributionMeta, Term, TermMeta};

/// Values kept once each: every equal value is the same `Arc`.
#[derive(Debug)]
pub(crate) struct Pool<T>(FxHashSet<Arc<T>>);

impl<T> Default for Pool<T> {
    fn default() -> Pool<T> {
        Pool(FxHashSet::default())
    }
}

impl<T: Hash + Eq> Pool<T> {
    /// The kept value equal to `value`, or `value`, kept from now on.
    pub(crate) fn intern(&mut self, value: T) -> Arc<T> {
        if let Some(kept) = self.0.get(&value) {
            return kept.clone();
        }
        let kept = Arc::new(value);
        self.0.insert(kept.clone());
        kept
    }

    /// Replaces `value` by the kept equal one, or keeps it from now on.
    pub(crate) fn share(&mut self, value: &mut Arc<T>) {
        match self.0.get(&**value) {
            Some(kept) => {
                if !Arc::ptr_eq(kept, value) {
                    *value = kept.clone();
                }
            }
            None => {
                self.0.insert(value.clone());
            }
        }
    }
}

/// The descriptions the last contribution of each aspect was given. The next contribution of
/// the same aspect mostly repeats them (every workload's electricity has the terms of the one
/// before, but for their values), so each description is first compared with the one at its
/// place there, which spares hashing it; one that differs is shared through the pools. The
/// result is the same either way: every equal description is the same `Arc`.
#[derive(Debug, Default)]
pub(crate) struct Recent(Vec<OfAspect>);

/// What [`Recent`] keeps of one aspect.
#[derive(Debug)]
struct OfAspect {
    aspect: Aspect,
    /// The last few contribution descriptions, the latest first.
    metas: Vec<Arc<ContributionMeta>>,
    /// The last contribution's term descriptions, in term order.
    terms: Vec<Arc<TermMeta>>,
}

/// How many contribution descriptions of each aspect are kept: a method's contributions of
/// one aspect take turns between a few (a workload's phase, a scope's category).
const RECENT_METAS: usize = 4;

impl Recent {
    /// Shares the descriptions of `terms`, those of a contribution of `aspect`.
    pub(crate) fn share_terms(
        &mut self,
        pool: &mut Pool<TermMeta>,
        aspect: Aspect,
        terms: &mut [Term],
    ) {
        let recent = &mut self.of(aspect).terms;
        for (n, t) in terms.iter_mut().enumerate() {
            let meta = t.meta_arc_mut();
            match recent.get(n) {
                Some(last) if Arc::ptr_eq(last, meta) => {}
                Some(last) if **last == **meta => *meta = last.clone(),
                _ => {
                    pool.share(meta);
                    match recent.get_mut(n) {
                        Some(last) => *last = meta.clone(),
                        None => recent.push(meta.clone()),
                    }
                }
            }
        }
    }

    /// The shared description equal to `meta`.
    pub(crate) fn intern_meta(
        &mut self,
        pool: &mut Pool<ContributionMeta>,
        meta: ContributionMeta,
    ) -> Arc<ContributionMeta> {
        let recent = &mut self.of(meta.aspect).metas;
        if let Some(last) = recent.iter().find(|last| ***last == meta) {
            return last.clone();
        }
        let kept = pool.intern(meta);
        remember(recent, &kept);
        kept
    }

    /// Replaces `meta` by the shared description equal to it.
    pub(crate) fn share_meta(
        &mut self,
        pool: &mut Pool<ContributionMeta>,
        meta: &mut Arc<ContributionMeta>,
    ) {
        let recent = &mut self.of(meta.aspect).metas;
        match recent
            .iter()
            .find(|last| Arc::ptr_eq(last, meta) || ***last == **meta)
        {
            Some(last) => *meta = last.clone(),
            None => {
                pool.share(meta);
                remember(recent, meta);
            }
        }
    }

    fn of(&mut self, aspect: Aspect) -> &mut OfAspect {
        let at = match self.0.iter().position(|o| o.aspect == aspect) {
            Some(at) => at,
            None => {
                self.0.push(OfAspect {
                    aspect,
                    metas: Vec::new(),
                    terms: Vec::new(),
                });
                self.0.len() - 1
            }
        };
        &mut self.0[at]
    }
}

/// Puts `meta` first among the `recent` descriptions, the oldest dropped past
/// [`RECENT_METAS`].
fn remember(recent: &mut Vec<Arc<ContributionMeta>>, meta: &Arc<ContributionMeta>) {
    if recent.len() == RECENT_METAS {
        recent.pop();
    }
    recent.insert(0, meta.clone());
}

impl Assessment {
    /// Shares equal term and contribution descriptions: for an assessment changed after
    /// the [`Builder`](super::Builder) built it (terms marked as estimated, contributions
    /// scaled by a rule) or read from a plugin's JSON, where each has a copy of its own.
    pub fn share(&mut self) {
        let mut terms = Pool::default();
        let mut metas = Pool::default();
        let mut recent = Recent::default();
        for c in &mut self.contributions {
            recent.share_terms(&mut terms, c.aspect, &mut c.terms);
            recent.share_meta(&mut metas, c.meta_arc_mut());
        }
    }
}

/// `v` in an allocation of exactly its length. `Vec::shrink_to_fit` asks the allocator to
/// shrink in place, which mimalloc declines while the block is at most half empty: a draft
/// that pushed two terms (capacity 4) kept all four slots.
pub(crate) fn exact<T>(v: Vec<T>) -> Vec<T> {
    if v.capacity() == v.len() {
        return v;
    }
    let mut out = Vec::with_capacity(v.len());
    out.extend(v);
    out
}
