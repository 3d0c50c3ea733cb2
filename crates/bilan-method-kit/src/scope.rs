//! For methods that count only the electricity of computation (Green Algorithms,
//! CodeCarbon): every other item of the inventory excluded, each with the method's reason
//! and its divergence driver, so reconciliation accounts for it and `bilan compare`
//! explains the gap.

use bilan_core::assessment::{Aspect, Builder, Driver, ItemKind, ItemRef};
use bilan_core::inventory::Inventory;

/// The method's reason for leaving out each kind of item.
#[derive(Clone, Copy, Debug)]
pub struct Reasons {
    /// A fleet's embodied impacts (driver `capital-goods`).
    pub embodied: &'static str,
    /// A fleet's host servers' embodied impacts (driver `host-embodied`).
    pub host_embodied: &'static str,
    /// Buildings (driver `building`).
    pub building: &'static str,
    /// Transport of hardware (driver `transport`).
    pub transport: &'static str,
    /// End of life (driver `end-of-life`).
    pub end_of_life: &'static str,
    /// Services, fuels and refrigerants (driver `other-items`).
    pub other: &'static str,
    /// Contractual instruments (driver `electricity-basis`).
    pub instrument: &'static str,
    /// Offsets (no driver: never netted by any method).
    pub offset: &'static str,
}

/// Excludes every item but the workloads' electricity, with `reasons`.
pub fn exclude_all_but_electricity(b: &mut Builder, inv: &Inventory, reasons: &Reasons) {
    for f in &inv.fleets {
        let item = ItemRef::new(ItemKind::Fleet, f.id.as_str());
        b.exclude(
            item.clone(),
            Some(Aspect::Embodied),
            None,
            reasons.embodied,
            Some(Driver::CapitalGoods),
        );
        if f.host.is_some() {
            b.exclude(
                item,
                Some(Aspect::HostEmbodied),
                None,
                reasons.host_embodied,
                Some(Driver::HostEmbodied),
            );
        }
    }
    let mut whole = |kind: ItemKind, ids: Vec<&str>, reason: &'static str, driver| {
        for id in ids {
            b.exclude(ItemRef::new(kind, id), None, None, reason, driver);
        }
    };
    whole(
        ItemKind::Building,
        inv.buildings.iter().map(|x| x.id.as_str()).collect(),
        reasons.building,
        Some(Driver::Building),
    );
    whole(
        ItemKind::Transport,
        inv.transports.iter().map(|x| x.id.as_str()).collect(),
        reasons.transport,
        Some(Driver::Transport),
    );
    whole(
        ItemKind::EndOfLife,
        inv.end_of_life.iter().map(|x| x.id.as_str()).collect(),
        reasons.end_of_life,
        Some(Driver::EndOfLife),
    );
    whole(
        ItemKind::Service,
        inv.services.iter().map(|x| x.id.as_str()).collect(),
        reasons.other,
        Some(Driver::OtherItems),
    );
    whole(
        ItemKind::Fuel,
        inv.fuels.iter().map(|x| x.id.as_str()).collect(),
        reasons.other,
        Some(Driver::OtherItems),
    );
    whole(
        ItemKind::Refrigerant,
        inv.refrigerants.iter().map(|x| x.id.as_str()).collect(),
        reasons.other,
        Some(Driver::OtherItems),
    );
    for ins in &inv.instruments {
        b.exclude(
            ItemRef::new(ItemKind::Instrument, ins.id.as_str()),
            Some(Aspect::MarketElectricity),
            None,
            reasons.instrument,
            Some(Driver::ElectricityBasis),
        );
    }
    for o in &inv.offsets {
        b.exclude(
            ItemRef::new(ItemKind::Offset, o.id.as_str()),
            Some(Aspect::Offset),
            None,
            reasons.offset,
            None,
        );
    }
}
