//! A contribution's terms and factor grouped by driver: what the walk and the index share.

use bilan_core::assessment::{Contribution, Driver, IndicatorValue};
use bilan_core::indicator::Indicator;

use super::{GROUPS, UNTAGGED, driver_index};

/// One side of a matched key for one indicator: the product of the contribution's terms and
/// factor by driver group, its value, and where the factor sits.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Side<'c> {
    /// Products by driver group (the last one holds the untagged terms).
    pub(crate) groups: [f64; GROUPS],
    /// The contribution's stored value for the indicator.
    pub(crate) value: f64,
    /// The group of the indicator's factor.
    pub(crate) factor_group: usize,
    /// The contribution.
    pub(crate) contribution: &'c Contribution,
    /// Its value for the indicator (names the factor).
    pub(crate) indicator_value: &'c IndicatorValue,
}

/// The product of `c`'s terms by driver group; the same for every indicator.
pub(crate) fn term_groups(c: &Contribution) -> [f64; GROUPS] {
    let mut g = [1.0; GROUPS];
    for t in &c.terms {
        g[term_group(t.driver)] *= t.effect();
    }
    g
}

/// The group of a term tagged with `driver` (untagged terms form the last group).
pub(crate) fn term_group(driver: Option<Driver>) -> usize {
    driver.map_or(UNTAGGED, driver_index)
}

/// The factor last found for each indicator on one side of a pair, by the address of its
/// id: consecutive contributions mostly share theirs (every workload at a site has the
/// site's grid factor), so most lookups skip the map. Every contribution outlives the
/// comparison, so an address cannot be reused for another id meanwhile.
#[derive(Default)]
pub(crate) struct Recent(pub(super) [Option<(usize, usize, f64)>; Indicator::ALL.len()]);
