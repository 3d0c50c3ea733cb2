//! The walk over the matched keys of a pair of assessments, shared by the nominal
//! decomposition and the propagation of uncertainty: it decides, once, which contributions
//! are matched, which are present on one side only and which driver explains that, and hands
//! each case to a [`Sink`] that does the arithmetic.

use bilan_core::assessment::{Contribution, Driver};
use bilan_core::indicator::Indicator;

use super::GROUPS;
use super::groups::{Recent, Side, term_groups};
use super::index::Index;

/// What the walk reports, for the `k`-th indicator of the list it was given.
pub(crate) trait Sink {
    /// One contribution a side: sequential substitution of A's groups by B's.
    fn matched(&mut self, k: usize, a: &Side<'_>, b: &Side<'_>);
    /// Present on one side only (`sign` is +1 for B, −1 for A), explained by `driver`.
    fn one_sided(&mut self, k: usize, driver: Option<Driver>, sign: f64, present: &[Side<'_>]);
    /// Several contributions on both sides: the difference is left unexplained.
    fn unmatched(&mut self, k: usize, a: &[Side<'_>], b: &[Side<'_>]);
}

/// One side of a key: the contributions' groups and values.
fn side<'c>(ix: &Index<'c>, key: u32, indicator: Indicator) -> Vec<Side<'c>> {
    ix.contributions(key)
        .iter()
        .filter_map(|&n| ix.groups(&ix.assessment.contributions[n as usize], indicator))
        .collect()
}

/// Hands the difference of `key` between `a` and `b` to `sink`, for each indicator in
/// `indicators` (the term groups of a contribution are the same for every indicator, so they
/// are computed once per key).
pub(super) fn key_difference(
    sink: &mut (impl Sink + ?Sized),
    (a, ra): (&Index<'_>, &mut Recent),
    (b, rb): (&Index<'_>, &mut Recent),
    key: u32,
    indicators: &[Indicator],
) {
    let (ca, cb) = (a.contributions(key), b.contributions(key));
    if ca.len() > 1 || cb.len() > 1 {
        for (k, &indicator) in indicators.iter().enumerate() {
            several_difference(sink, k, a, b, key, indicator);
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
    ) -> Option<Side<'c>> {
        side.and_then(|(c, g)| {
            let v = c.values.iter().find(|v| v.indicator == indicator)?;
            ix.with_factor(c, g, v, recent)
        })
    }
    let (sa, sb) = (one(a, ca), one(b, cb));
    for (k, &indicator) in indicators.iter().enumerate() {
        match (value(a, sa, indicator, ra), value(b, sb, indicator, rb)) {
            (None, None) => {}
            (Some(x), Some(y)) => sink.matched(k, &x, &y),
            (None, Some(y)) => {
                let driver = y
                    .contribution
                    .presence
                    .or_else(|| a.exclusion_driver(key, y.contribution));
                sink.one_sided(k, driver, 1.0, &[y]);
            }
            (Some(x), None) => {
                let driver = x
                    .contribution
                    .presence
                    .or_else(|| b.exclusion_driver(key, x.contribution));
                sink.one_sided(k, driver, -1.0, &[x]);
            }
        }
    }
}

/// [`key_difference`] for one indicator where a side has several contributions for `key`.
fn several_difference(
    sink: &mut (impl Sink + ?Sized),
    k: usize,
    a: &Index<'_>,
    b: &Index<'_>,
    key: u32,
    indicator: Indicator,
) {
    let (sa, sb) = (side(a, key, indicator), side(b, key, indicator));
    match (sa.as_slice(), sb.as_slice()) {
        ([], []) => {}
        ([x], [y]) => sink.matched(k, x, y),
        ([], present) => {
            let driver = present
                .iter()
                .find_map(|x| x.contribution.presence)
                .or_else(|| a.exclusion_driver(key, present[0].contribution));
            sink.one_sided(k, driver, 1.0, present);
        }
        (present, []) => {
            let driver = present
                .iter()
                .find_map(|x| x.contribution.presence)
                .or_else(|| b.exclusion_driver(key, present[0].contribution));
            sink.one_sided(k, driver, -1.0, present);
        }
        // Several contributions for one item and aspect on a side cannot be matched term
        // by term: their difference is left unexplained.
        (many_a, many_b) => sink.unmatched(k, many_a, many_b),
    }
}

/// Walks every key of the pair (`a`, `b`) for the indicators both cover, in a deterministic
/// order: A's keys in its contribution order, then B's keys A lacks, in B's order.
pub(super) fn walk(
    sink: &mut (impl Sink + ?Sized),
    a: &Index<'_>,
    b: &Index<'_>,
    both: &[Indicator],
) {
    if both.is_empty() {
        return;
    }
    let (mut ra, mut rb) = (Recent::default(), Recent::default());
    for &key in &a.order {
        key_difference(sink, (a, &mut ra), (b, &mut rb), key, both);
    }
    for &key in &b.order {
        if a.contributions(key).is_empty() {
            key_difference(sink, (a, &mut ra), (b, &mut rb), key, both);
        }
    }
}
