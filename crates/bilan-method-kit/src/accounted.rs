//! The items every method must account for: each one gets a contribution or an exclusion
//! with its reason (the runner's reconciliation checks it after every run).

use bilan_core::assessment::{Aspect, Driver, ItemKind, Stage};
use bilan_core::inventory::{ImpactItem, Inventory};

/// Every item a method must account for: fleets, workloads, buildings, transports, ends of
/// life, services, fuels, refrigerants, instruments and offsets, in that order. (Sites,
/// functional units and residual mixes are context: they carry no impact of their own.)
pub fn items(inv: &Inventory) -> Vec<(ItemKind, &str)> {
    inv.accountable()
}

/// A transport or end-of-life item with the kind, aspect, stage and driver it is counted
/// under.
pub type ImpactRow<'a> = (ItemKind, Aspect, Stage, Driver, &'a ImpactItem);

/// The inventory's transports, then its ends of life, each with its kind, aspect, stage and
/// driver (the items a method may amortise like the fleet they are tied to).
pub fn transport_and_end_of_life(inv: &Inventory) -> Vec<ImpactRow<'_>> {
    let row = |kind, aspect, stage, driver| move |t| (kind, aspect, stage, driver, t);
    inv.transports
        .iter()
        .map(row(
            ItemKind::Transport,
            Aspect::Transport,
            Stage::Transport,
            Driver::Transport,
        ))
        .chain(inv.end_of_life.iter().map(row(
            ItemKind::EndOfLife,
            Aspect::EndOfLife,
            Stage::EndOfLife,
            Driver::EndOfLife,
        )))
        .collect()
}
