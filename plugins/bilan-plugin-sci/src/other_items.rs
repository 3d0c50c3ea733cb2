//! Items that are not terms of SCI: services, fuels, refrigerants, contractual instruments and offsets.

use bilan_core::assessment::{Aspect, Driver, ItemKind, ItemRef};

use super::{
    FUEL_REASON, INSTRUMENT_REASON, OFFSET_REASON, REFRIGERANT_REASON, Run, SERVICE_REASON,
};

impl<'a> Run<'a> {
    /// Services, fuels and refrigerants: not terms of SCI.
    pub(super) fn not_sci_terms(&mut self) {
        let inv = self.inv;
        for s in &inv.services {
            self.b.exclude(
                ItemRef::new(ItemKind::Service, s.id.as_str()),
                Some(Aspect::Service),
                None,
                SERVICE_REASON,
                Some(Driver::OtherItems),
            );
        }
        for f in &inv.fuels {
            self.b.exclude(
                ItemRef::new(ItemKind::Fuel, f.id.as_str()),
                Some(Aspect::Fuel),
                None,
                FUEL_REASON,
                Some(Driver::OtherItems),
            );
        }
        for r in &inv.refrigerants {
            self.b.exclude(
                ItemRef::new(ItemKind::Refrigerant, r.id.as_str()),
                Some(Aspect::Refrigerant),
                None,
                REFRIGERANT_REASON,
                Some(Driver::OtherItems),
            );
        }
    }

    /// Contractual instruments and offsets: market-based measures, refused.
    pub(super) fn market_measures(&mut self) {
        let inv = self.inv;
        for ins in &inv.instruments {
            self.b.exclude(
                ItemRef::new(ItemKind::Instrument, ins.id.as_str()),
                Some(Aspect::MarketElectricity),
                None,
                INSTRUMENT_REASON,
                Some(Driver::ElectricityBasis),
            );
        }
        for offset in &inv.offsets {
            self.b.exclude(
                ItemRef::new(ItemKind::Offset, offset.id.as_str()),
                Some(Aspect::Offset),
                None,
                OFFSET_REASON,
                None,
            );
        }
    }
}
