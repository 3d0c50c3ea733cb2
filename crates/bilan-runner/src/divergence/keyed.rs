//! The walk of several pairs at once, key by key. Walked pair by pair, each method's side of
//! a key is computed again for every pair it is in: six times over, among seven methods.
//! Here the keys of every method of a group of pairs are walked together, each method's
//! side of a key is computed once, and every pair of the group reads it.
//!
//! Each pair's sink is handed the same values in the same order as [`super::walk::walk`]
//! hands them: A's keys in A's order, then the keys B has and A lacks, in B's order. So the
//! tallies are the same, bit for bit. That needs one order of the keys in which every
//! method's keys come in its own order. The methods' orders mostly agree (each follows the
//! inventory); where two disagree (A puts a key before another, B after), the group is
//! walked pair by pair instead.

use bilan_core::indicator::Indicator;
use rayon::prelude::*;

use super::groups::Side;
use super::index::{Index, Terms};
use super::walk::{self, Key, Scratch};
use super::{Divergence, Tallies, Tally, both, decompose, divergences};

/// The divergences of each pair of `pairs` (positions in `indices`, A's before B's), in the
/// order of `pairs`: the pairs are split into one group per thread, and each group is
/// walked key by key ([`decompose_pairs`]).
pub(crate) fn decompose_groups(
    indices: &[&Index],
    pairs: &[(usize, usize)],
) -> Vec<Vec<Divergence>> {
    pairs
        .par_chunks(group_size(pairs.len(), rayon::current_num_threads()))
        .flat_map_iter(|group| decompose_pairs(indices, group))
        .collect()
}

/// How many of `pairs` pairs go in each group when they are split among `threads`: one
/// group per thread, at most one per pair. The fewer the groups, the fewer times a
/// method's side of a key is computed.
pub(crate) fn group_size(pairs: usize, threads: usize) -> usize {
    let groups = threads.clamp(1, pairs.max(1));
    pairs.div_ceil(groups).max(1)
}

/// The divergences of each pair of `pairs` (positions in `indices`, A's before B's), in the
/// order of `pairs`, walked key by key over all of them at once; pair by pair where the
/// methods' orders of their keys disagree.
pub(crate) fn decompose_pairs(
    indices: &[&Index],
    pairs: &[(usize, usize)],
) -> Vec<Vec<Divergence>> {
    walk_keyed(indices, pairs).unwrap_or_else(|| {
        pairs
            .iter()
            .map(|&(i, j)| decompose(indices[i], indices[j]))
            .collect()
    })
}

/// Whether a method has the key being walked, and with how many contributions.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Has {
    No,
    One,
    /// Several: the pairs it is in walk the key as [`walk::key_difference`] does.
    Several,
}

/// One method of the group: where it is in its keys, and its side of the key being walked.
struct Slot<'i> {
    index: &'i Index,
    /// Its next key, with that key's first entry; `None` once its keys are all walked.
    head: Option<(u32, Key)>,
    has: Has,
    /// The indicators its pairs of the group both cover: the only sides they read.
    needed: Vec<Indicator>,
    terms: Terms,
    /// Its side of the key for each indicator (where `present` says it has one).
    sides: [Side; Indicator::ALL.len()],
    present: [bool; Indicator::ALL.len()],
}

impl<'i> Slot<'i> {
    fn new(index: &'i Index) -> Slot<'i> {
        Slot {
            index,
            head: index.key_from(0),
            has: Has::No,
            needed: Vec::new(),
            terms: Terms::default(),
            sides: [Side::default(); Indicator::ALL.len()],
            present: [false; Indicator::ALL.len()],
        }
    }

    /// Takes `key` if it is this method's next one: its sides are computed, for every
    /// indicator its pairs read, and the method moves on to its next key.
    fn take(&mut self, key: Key) {
        let Some((e, next)) = self.head else {
            self.has = Has::No;
            return;
        };
        if next != key {
            self.has = Has::No;
            return;
        }
        let ix = self.index;
        self.head = ix.key_from(e + 1);
        if ix.entries(key).nth(1).is_some() {
            self.has = Has::Several;
            return;
        }
        self.has = Has::One;
        ix.terms_into(e, &mut self.terms);
        for &i in &self.needed {
            let n = i.index();
            self.present[n] = ix.side_into(e, &self.terms, i, &mut self.sides[n]);
        }
    }

    /// Its side of the key for `indicator` (one of those `needed`), if it has exactly one
    /// contribution for the key and a value for the indicator.
    fn side(&self, indicator: Indicator) -> Option<&Side> {
        let n = indicator.index();
        (self.has == Has::One && self.present[n]).then(|| &self.sides[n])
    }
}

/// One pair of the group: its slots and its tallies.
struct Pair<'i> {
    a: &'i Index,
    b: &'i Index,
    /// A's and B's positions among the group's slots.
    slots: (usize, usize),
    both: Vec<Indicator>,
    tallies: Tallies,
    /// Whether B has keys A lacks: they are walked after A's, as [`walk::walk`] walks them
    /// (found again then, rather than kept: a pair may have one for every workload).
    only_b: bool,
}

impl Pair<'_> {
    /// Hands `key` to the pair's tallies, as [`walk::walk`] would hand it.
    fn key(&mut self, key: Key, slots: &[Slot<'_>], scratch: &mut Scratch) {
        let (x, y) = (&slots[self.slots.0], &slots[self.slots.1]);
        match (x.has, y.has) {
            (Has::No, Has::No) => {}
            (Has::No, _) => self.only_b = true,
            (Has::Several, _) | (_, Has::Several) => {
                walk::key_difference(&mut self.tallies, self.a, self.b, key, &self.both, scratch);
            }
            (Has::One, _) => {
                for (k, &indicator) in self.both.iter().enumerate() {
                    let (xs, ys) = (x.side(indicator), y.side(indicator));
                    walk::hand(&mut self.tallies, k, self.a, self.b, key, xs, ys);
                }
            }
        }
    }

    /// The keys only B has, then the pair's divergences.
    fn finish(mut self, scratch: &mut Scratch) -> Vec<Divergence> {
        if self.only_b {
            walk::only_b(&mut self.tallies, self.a, self.b, &self.both, scratch);
        }
        divergences(self.a, self.b, &self.both, &self.tallies)
    }
}

/// What comes next in the walk of the group's keys.
enum Next {
    Key(Key),
    Done,
    /// No method's next key can come next: each is later in another method's order.
    Disagree,
}

/// The next key of the walk: a method's next key that every other method that has it has
/// next too (the first such, in the group's order of methods).
fn next_key(slots: &[Slot<'_>]) -> Next {
    let mut any = false;
    for s in slots {
        let Some((_, key)) = s.head else { continue };
        any = true;
        let ready = slots
            .iter()
            .all(|t| t.head.is_some_and(|(_, k)| k == key) || !t.index.has(key));
        if ready {
            return Next::Key(key);
        }
    }
    if any { Next::Disagree } else { Next::Done }
}

/// [`decompose_pairs`], key by key; `None` where the methods' orders of keys disagree.
fn walk_keyed(indices: &[&Index], pairs: &[(usize, usize)]) -> Option<Vec<Vec<Divergence>>> {
    let mut methods: Vec<usize> = pairs.iter().flat_map(|&(i, j)| [i, j]).collect();
    methods.sort_unstable();
    methods.dedup();
    let slot_of = |m: usize| methods.partition_point(|&x| x < m);
    let mut slots: Vec<Slot<'_>> = methods.iter().map(|&m| Slot::new(indices[m])).collect();
    let mut walks: Vec<Pair<'_>> = pairs
        .iter()
        .map(|&(i, j)| {
            let (a, b) = (indices[i], indices[j]);
            let both = both(a, b);
            Pair {
                a,
                b,
                slots: (slot_of(i), slot_of(j)),
                tallies: Tallies(vec![Tally::default(); both.len()]),
                both,
                only_b: false,
            }
        })
        .collect();
    for w in &walks {
        for s in [w.slots.0, w.slots.1] {
            slots[s].needed.extend(&w.both);
        }
    }
    for s in &mut slots {
        s.needed.sort_unstable();
        s.needed.dedup();
    }
    // A pair with no indicator in common has nothing to walk.
    let walking: Vec<usize> = (0..walks.len())
        .filter(|&n| !walks[n].both.is_empty())
        .collect();
    let mut scratch = Scratch::default();
    loop {
        let key = match next_key(&slots) {
            Next::Key(key) => key,
            Next::Done => break,
            Next::Disagree => return None,
        };
        for s in &mut slots {
            s.take(key);
        }
        for &n in &walking {
            walks[n].key(key, &slots, &mut scratch);
        }
    }
    Some(walks.into_iter().map(|w| w.finish(&mut scratch)).collect())
}

#[cfg(test)]
mod tests;
