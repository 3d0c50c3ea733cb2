//! Reconciliation: every inventory item is included or excluded by every method.

use rustc_hash::FxHashSet;

use bilan_core::assessment::{Assessment, ItemKind, ItemRef};
use bilan_core::inventory::Inventory;
use serde::Serialize;

/// One method's reconciliation with the inventory.
#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "kebab-case")]
pub struct Reconciliation {
    /// Method id.
    pub method: String,
    /// Items in the inventory that must be accounted for.
    pub items: usize,
    /// Items with at least one contribution.
    pub included: usize,
    /// Items with no contribution but an exclusion of the whole item or of an aspect.
    pub excluded: usize,
    /// Items neither included nor excluded: a defect of the method.
    pub unaccounted: Vec<ItemRef>,
}

/// Every item a method must account for: fleets, workloads, buildings, transports, ends of
/// life, services, fuels, refrigerants, instruments and offsets. (Sites, functional units and
/// residual mixes are context: they carry no impact of their own.)
pub fn items<'a>(inv: &'a Inventory) -> Vec<(ItemKind, &'a str)> {
    let mut out = Vec::new();
    let mut add = |kind: ItemKind, ids: &mut dyn Iterator<Item = &'a str>| {
        out.extend(ids.map(|id| (kind, id)));
    };
    add(
        ItemKind::Fleet,
        &mut inv.fleets.iter().map(|x| x.id.as_str()),
    );
    add(
        ItemKind::Workload,
        &mut inv.workloads.iter().map(|x| x.id.as_str()),
    );
    add(
        ItemKind::Building,
        &mut inv.buildings.iter().map(|x| x.id.as_str()),
    );
    add(
        ItemKind::Transport,
        &mut inv.transports.iter().map(|x| x.id.as_str()),
    );
    add(
        ItemKind::EndOfLife,
        &mut inv.end_of_life.iter().map(|x| x.id.as_str()),
    );
    add(
        ItemKind::Service,
        &mut inv.services.iter().map(|x| x.id.as_str()),
    );
    add(ItemKind::Fuel, &mut inv.fuels.iter().map(|x| x.id.as_str()));
    add(
        ItemKind::Refrigerant,
        &mut inv.refrigerants.iter().map(|x| x.id.as_str()),
    );
    add(
        ItemKind::Instrument,
        &mut inv.instruments.iter().map(|x| x.id.as_str()),
    );
    add(
        ItemKind::Offset,
        &mut inv.offsets.iter().map(|x| x.id.as_str()),
    );
    out
}

/// How many items [`items`] lists, without listing them.
pub fn item_count(inv: &Inventory) -> usize {
    inv.fleets.len()
        + inv.workloads.len()
        + inv.buildings.len()
        + inv.transports.len()
        + inv.end_of_life.len()
        + inv.services.len()
        + inv.fuels.len()
        + inv.refrigerants.len()
        + inv.instruments.len()
        + inv.offsets.len()
}

/// Checks that each of `items` has a contribution or an exclusion in `a`. A contribution
/// shared among workloads (allocation) includes those workloads too.
pub fn reconcile(items: &[(ItemKind, &str)], a: &Assessment) -> Reconciliation {
    // Sized for every item up front: growing a set of 100,000 ids rehashes each id
    // several times over.
    let mut included: FxHashSet<(ItemKind, &str)> =
        FxHashSet::with_capacity_and_hasher(items.len(), Default::default());
    for c in &a.contributions {
        included.insert((c.item.kind, &c.item.id));
        for share in &c.allocation {
            included.insert((ItemKind::Workload, &share.workload));
        }
    }
    let excluded: FxHashSet<(ItemKind, &str)> = a
        .exclusions
        .iter()
        .map(|e| (e.item.kind, &*e.item.id))
        .collect();
    let mut r = Reconciliation {
        method: a.method.id.clone(),
        items: items.len(),
        included: 0,
        excluded: 0,
        unaccounted: Vec::new(),
    };
    for &(kind, id) in items {
        if included.contains(&(kind, id)) {
            r.included += 1;
        } else if excluded.contains(&(kind, id)) {
            r.excluded += 1;
        } else {
            r.unaccounted.push(ItemRef::new(kind, id));
        }
    }
    r
}
