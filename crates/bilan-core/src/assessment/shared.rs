//! Sharing the descriptions of terms and contributions within an assessment, and sizing
//! the lists a large assessment holds hundreds of thousands of exactly.

use std::hash::Hash;
use std::sync::Arc;

use rustc_hash::FxHashSet;

use super::Assessment;

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

impl Assessment {
    /// Shares equal term and contribution descriptions: for an assessment changed after
    /// the [`Builder`](super::Builder) built it (terms marked as estimated, contributions
    /// scaled by a rule) or read from a plugin's JSON, where each has a copy of its own.
    pub fn share(&mut self) {
        let mut terms = Pool::default();
        let mut metas = Pool::default();
        for c in &mut self.contributions {
            for t in &mut c.terms {
                terms.share(t.meta_arc_mut());
            }
            metas.share(c.meta_arc_mut());
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
