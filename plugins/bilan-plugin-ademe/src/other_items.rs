//! Items with their own impacts: purchased services, fuels, refrigerants.

use std::sync::Arc;

use bilan_core::assessment::{
    Aspect, Draft, Driver, FactorUse, ItemKind, ItemRef, Stage, Term, TermSource,
};
use bilan_core::indicator::Indicator;
use bilan_core::method::MethodError;
use bilan_core::units::{self};

use bilan_method_kit::terms::{fuel_amount, fuel_factor};

use super::{Run, absolute, input_error, inventory_factor};

impl<'a> Run<'a> {
    /// Registers an item's own impacts (per indicator) as factors and records the
    /// indicators it does not give.
    pub(super) fn item_impacts(
        &mut self,
        item: &ItemRef,
        key: &str,
        impacts: &std::collections::BTreeMap<Indicator, bilan_core::inventory::SourcedQuantity>,
    ) -> Result<Vec<(Indicator, Arc<str>)>, MethodError> {
        let mut out = Vec::new();
        for indicator in Indicator::IMPACTS {
            match impacts.get(&indicator) {
                Some(q) => {
                    let unit = absolute(indicator);
                    let canonical = q.value.to(unit).map_err(|e| input_error(item, e))?;
                    let mut use_ = inventory_factor(
                        &item.path(&format!("{key}.{indicator}")),
                        item.kind.key(),
                        "I",
                        canonical,
                        unit,
                        &q.value,
                        "as given",
                    );
                    use_.indicator = Some(indicator);
                    use_.source = q.source.clone();
                    out.push((indicator, self.b.factor(use_)));
                }
                None => self.b.exclude(
                    item.clone(),
                    None,
                    Some(indicator),
                    format!("the inventory gives no {indicator} impact for this item"),
                    None,
                ),
            }
        }
        Ok(out)
    }

    pub(super) fn other_items(&mut self) -> Result<(), MethodError> {
        for s in &self.inv.services {
            let item = ItemRef::new(ItemKind::Service, s.id.as_str());
            let factors = self.item_impacts(&item, "allocated", &s.allocated)?;
            if factors.is_empty() {
                self.b.exclude(
                    item,
                    Some(Aspect::Service),
                    None,
                    "the provider gives no allocated impacts",
                    Some(Driver::OtherItems),
                );
                continue;
            }
            let draft = Draft::new(item, Aspect::Service, Stage::Use, "I_allocated")
                .phase(s.phase)
                .presence(Driver::OtherItems);
            self.b.contribute(draft, &factors);
        }
        for f in &self.inv.fuels {
            let item = ItemRef::new(ItemKind::Fuel, f.id.as_str());
            let id = fuel_factor(&mut self.b, f)?;
            if !f.factor.boundary.contains("life") {
                self.b.warn(format!(
                    "fuel `{}`: factor boundary is `{}`; the fuel's upstream is not included",
                    f.id, f.factor.boundary
                ));
            }
            let draft = Draft::new(item, Aspect::Fuel, Stage::Use, "Q_fuel × EF_fuel")
                .presence(Driver::OtherItems)
                .term(fuel_amount(f));
            self.b.contribute(draft, &[(Indicator::Gwp, id)]);
            for indicator in [Indicator::Water, Indicator::Adpe, Indicator::Adpf] {
                self.b.exclude(
                    ItemRef::new(ItemKind::Fuel, f.id.as_str()),
                    Some(Aspect::Fuel),
                    Some(indicator),
                    "no factor for this fuel",
                    None,
                );
            }
        }
        for r in &self.inv.refrigerants {
            let item = ItemRef::new(ItemKind::Refrigerant, r.id.as_str());
            let id = self.b.factor(FactorUse {
                id: format!("inventory:{}", item.path("gwp100")).into(),
                symbol: "GWP100".into(),
                canonical: r.gwp100,
                canonical_unit: "kgCO2e/kg".into(),
                driver: None,
                subject: format!("refrigerant/{}", r.gas),
                indicator: Some(Indicator::Gwp),
                value: r.gwp100.to_string(),
                boundary: "direct emission".into(),
                region: None,
                requested_region: None,
                fallback: Vec::new(),
                year: None,
                source: r.source.clone(),
                licence: None,
                basis: Some("inventory".into()),
                quality: None,
                alternatives: Vec::new(),
                from_inventory: true,
            });
            let draft = Draft::new(item, Aspect::Refrigerant, Stage::Use, "m_leaked × GWP100")
                .presence(Driver::OtherItems)
                .term(Term::new(
                    "m_leaked",
                    r.leaked.to(&units::KG)?,
                    "kg",
                    TermSource::Item {
                        key: "leaked".into(),
                    },
                ));
            self.b.contribute(draft, &[(Indicator::Gwp, id)]);
        }
        Ok(())
    }
}
