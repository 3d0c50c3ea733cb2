//! The items every method must account for: each one gets a contribution or an exclusion
//! with its reason (the runner's reconciliation checks it after every run).

use bilan_core::assessment::ItemKind;
use bilan_core::inventory::Inventory;

/// Every item a method must account for: fleets, workloads, buildings, transports, ends of
/// life, services, fuels, refrigerants, instruments and offsets, in that order. (Sites,
/// functional units and residual mixes are context: they carry no impact of their own.)
pub fn items<'a>(inv: &'a Inventory) -> Vec<(ItemKind, &'a str)> {
    let mut out = Vec::new();
    let mut add = |kind: ItemKind, ids: Vec<&'a str>| {
        out.extend(ids.into_iter().map(|id| (kind, id)));
    };
    add(
        ItemKind::Fleet,
        inv.fleets.iter().map(|x| x.id.as_str()).collect(),
    );
    add(
        ItemKind::Workload,
        inv.workloads.iter().map(|x| x.id.as_str()).collect(),
    );
    add(
        ItemKind::Building,
        inv.buildings.iter().map(|x| x.id.as_str()).collect(),
    );
    add(
        ItemKind::Transport,
        inv.transports.iter().map(|x| x.id.as_str()).collect(),
    );
    add(
        ItemKind::EndOfLife,
        inv.end_of_life.iter().map(|x| x.id.as_str()).collect(),
    );
    add(
        ItemKind::Service,
        inv.services.iter().map(|x| x.id.as_str()).collect(),
    );
    add(
        ItemKind::Fuel,
        inv.fuels.iter().map(|x| x.id.as_str()).collect(),
    );
    add(
        ItemKind::Refrigerant,
        inv.refrigerants.iter().map(|x| x.id.as_str()).collect(),
    );
    add(
        ItemKind::Instrument,
        inv.instruments.iter().map(|x| x.id.as_str()).collect(),
    );
    add(
        ItemKind::Offset,
        inv.offsets.iter().map(|x| x.id.as_str()).collect(),
    );
    out
}
