//! A contribution's terms and factor grouped by driver: what the walk hands to a sink.

use bilan_core::assessment::Driver;

use super::{GROUPS, UNTAGGED, driver_index};

/// One side of a matched key for one indicator: the product of the contribution's terms and
/// factor by driver group, its value, and where the factor sits.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Side {
    /// Products by driver group (the last one holds the untagged terms): exactly 1 in every
    /// group `bits` leaves out.
    pub(crate) groups: [f64; GROUPS],
    /// The groups that are not exactly 1, one bit each (`not_one(&groups)`).
    pub(crate) bits: u32,
    /// The contribution's stored value for the indicator.
    pub(crate) value: f64,
    /// The group of the indicator's factor.
    pub(crate) factor_group: usize,
    /// The driver that explains the contribution's presence.
    pub(crate) presence: Option<Driver>,
    /// The contribution's position in its assessment (see [`super::index::contribution`]).
    pub(crate) contribution: u32,
    /// The value's position in the contribution's values.
    pub(crate) position: u8,
}

impl Default for Side {
    fn default() -> Side {
        Side {
            groups: [1.0; GROUPS],
            bits: 0,
            value: 0.0,
            factor_group: 0,
            presence: None,
            contribution: 0,
            position: 0,
        }
    }
}

/// The group of a term tagged with `driver` (untagged terms form the last group).
pub(crate) fn term_group(driver: Option<Driver>) -> usize {
    driver.map_or(UNTAGGED, driver_index)
}
