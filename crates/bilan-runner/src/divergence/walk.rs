//! The walk over the matched keys of a pair of assessments, shared by the nominal
//! decomposition and the propagation of uncertainty: it decides, once, which contributions
//! are matched, which are present on one side only and which driver explains that, and hands
//! each case to a [`Sink`] that does the arithmetic.

use bilan_core::assessment::{Aspect, Driver};
use bilan_core::indicator::Indicator;

use super::groups::Side;
use super::index::{Index, Terms};

/// What the walk reports, for the `k`-th indicator of the list it was given.
pub(crate) trait Sink {
    /// One contribution a side: sequential substitution of A's groups by B's.
    fn matched(&mut self, k: usize, a: &Side, b: &Side);
    /// Present on one side only (`sign` is +1 for B, −1 for A), explained by `driver`.
    fn one_sided(&mut self, k: usize, driver: Option<Driver>, sign: f64, present: &[Side]);
    /// Several contributions on both sides: the difference is left unexplained.
    fn unmatched(&mut self, k: usize, a: &[Side], b: &[Side]);
}

/// A key: an item's number and an aspect.
pub(super) type Key = (u32, Aspect);

/// One side of a key: the contributions' groups and values.
fn sides(ix: &Index, key: Key, indicator: Indicator) -> Vec<Side> {
    ix.entries(key)
        .filter_map(|e| ix.side(e, &ix.terms(e), indicator))
        .collect()
}

/// Hands the difference of `key` between `a` and `b` to `sink`, for each indicator in
/// `indicators` (the term groups of a contribution are the same for every indicator, so they
/// are computed once per key).
pub(super) fn key_difference(
    sink: &mut (impl Sink + ?Sized),
    a: &Index,
    b: &Index,
    key: Key,
    indicators: &[Indicator],
    scratch: &mut Scratch,
) {
    let (mut ea, mut eb) = (a.entries(key), b.entries(key));
    let (first_a, first_b) = (ea.next(), eb.next());
    if ea.next().is_some() || eb.next().is_some() {
        for (k, &indicator) in indicators.iter().enumerate() {
            several_difference(sink, k, a, b, key, indicator);
        }
        return;
    }
    // The common case, at most one contribution a side, without allocating: each side's
    // terms are grouped once for every indicator, and its side written in place, into the
    // walk's scratch (only the groups that are not 1 are written from one key to the next).
    let Scratch { ta, tb, x, y } = scratch;
    if let Some(e) = first_a {
        a.terms_into(e, ta);
    }
    if let Some(e) = first_b {
        b.terms_into(e, tb);
    }
    let side = |ix: &Index, e: Option<u32>, t: &Terms, indicator, out: &mut Side| {
        e.is_some_and(|e| ix.side_into(e, t, indicator, out))
    };
    for (k, &indicator) in indicators.iter().enumerate() {
        let xs = side(a, first_a, ta, indicator, x).then_some(&*x);
        let ys = side(b, first_b, tb, indicator, y).then_some(&*y);
        hand(sink, k, a, b, key, xs, ys);
    }
}

/// Hands `key`'s sides for the `k`-th indicator to `sink`, where each side has at most one
/// contribution: `x` is A's side, `y` B's, `None` where a side has no value.
pub(super) fn hand(
    sink: &mut (impl Sink + ?Sized),
    k: usize,
    a: &Index,
    b: &Index,
    key: Key,
    x: Option<&Side>,
    y: Option<&Side>,
) {
    match (x, y) {
        (None, None) => {}
        (Some(x), Some(y)) => sink.matched(k, x, y),
        (None, Some(y)) => {
            let driver = y.presence.or_else(|| a.exclusion_driver(key));
            sink.one_sided(k, driver, 1.0, std::slice::from_ref(y));
        }
        (Some(x), None) => {
            let driver = x.presence.or_else(|| b.exclusion_driver(key));
            sink.one_sided(k, driver, -1.0, std::slice::from_ref(x));
        }
    }
}

/// [`key_difference`] for one indicator where a side has several contributions for `key`.
fn several_difference(
    sink: &mut (impl Sink + ?Sized),
    k: usize,
    a: &Index,
    b: &Index,
    key: Key,
    indicator: Indicator,
) {
    let (sa, sb) = (sides(a, key, indicator), sides(b, key, indicator));
    match (sa.as_slice(), sb.as_slice()) {
        ([], []) => {}
        ([x], [y]) => sink.matched(k, x, y),
        ([], present) => {
            let driver = present
                .iter()
                .find_map(|x| x.presence)
                .or_else(|| a.exclusion_driver(key));
            sink.one_sided(k, driver, 1.0, present);
        }
        (present, []) => {
            let driver = present
                .iter()
                .find_map(|x| x.presence)
                .or_else(|| b.exclusion_driver(key));
            sink.one_sided(k, driver, -1.0, present);
        }
        // Several contributions for one item and aspect on a side cannot be matched term
        // by term: their difference is left unexplained.
        (many_a, many_b) => sink.unmatched(k, many_a, many_b),
    }
}

/// Walks every key of the pair (`a`, `b`) for the indicators both cover, in a deterministic
/// order: A's keys in its contribution order, then B's keys A lacks, in B's order.
pub(super) fn walk(sink: &mut (impl Sink + ?Sized), a: &Index, b: &Index, both: &[Indicator]) {
    if both.is_empty() {
        return;
    }
    let mut scratch = Scratch::default();
    for key in a.keys() {
        key_difference(sink, a, b, key, both, &mut scratch);
    }
    only_b(sink, a, b, both, &mut scratch);
}

/// The end of [`walk`]: the keys `b` has and `a` lacks, in B's order.
pub(super) fn only_b(
    sink: &mut (impl Sink + ?Sized),
    a: &Index,
    b: &Index,
    both: &[Indicator],
    scratch: &mut Scratch,
) {
    for key in b.keys() {
        if !a.has(key) {
            key_difference(sink, a, b, key, both, scratch);
        }
    }
}

/// Where [`key_difference`] writes each side's terms and sides, kept from key to key.
#[derive(Default)]
pub(super) struct Scratch {
    ta: Terms,
    tb: Terms,
    x: Side,
    y: Side,
}
