//! Transport (Cat. 4), end of life (Cat. 5), purchased services (Cat. 1), fuel and
//! refrigerant (Scope 1) and offsets (reported apart).

use bilan_core::assessment::{
    Allocation, Aspect, Draft, Driver, FactorUse, ItemKind, ItemRef, Stage, Term, TermSource,
};
use bilan_core::indicator::Indicator;
use bilan_core::inventory::Ownership;
use bilan_core::method::MethodError;
use bilan_core::units::{self};

use bilan_method_kit::accounted::transport_and_end_of_life;
use bilan_method_kit::terms::{fuel_amount, fuel_factor};

use super::{
    Energy, OFFSETS, Run, SCOPE_1, SCOPE_3_CAT_1, SCOPE_3_CAT_4, SCOPE_3_CAT_5, Share, input_error,
    inventory_factor, sym,
};

impl<'a> Run<'a> {
    pub(super) fn transport_and_end_of_life(&mut self) -> Result<(), MethodError> {
        for (kind, aspect, stage, driver, it) in transport_and_end_of_life(self.inv) {
            let item = ItemRef::new(kind, it.id.as_str());
            let (category, what) = if kind == ItemKind::Transport {
                (SCOPE_3_CAT_4, "shipped")
            } else {
                (SCOPE_3_CAT_5, "disposed of")
            };
            let fleet = match &it.fleet {
                Some(id) => Some(
                    self.inv
                        .fleet(id)
                        .ok_or_else(|| input_error(&item, format!("unknown fleet `{id}`")))?,
                ),
                None => None,
            };
            if let Some(f) = fleet
                && !self.site_ctx(&item, &f.site)?.scope2
            {
                self.b.exclude(
                    item,
                    Some(aspect),
                    None,
                    format!("hardware of fleet `{}` in a cloud site is the provider's: its {aspect} is in the provider's figures", f.id),
                    Some(driver),
                );
                continue;
            }
            let date = match (it.date, fleet.and_then(|f| f.acquired)) {
                (Some(d), _) => Some(d),
                (None, Some(acquired)) if kind == ItemKind::Transport => {
                    self.b.assume(
                        "transport-date",
                        "no shipping date: taken to be the fleet's acquisition date".into(),
                        Some(item.clone()),
                    );
                    Some(acquired)
                }
                _ => None,
            };
            let Some(date) = date else {
                self.b.exclude(
                    item,
                    Some(aspect),
                    None,
                    format!("no date: the GHG Protocol counts it in the year it is {what}, which the inventory does not give (`date`)"),
                    Some(Driver::TimeFrame),
                );
                continue;
            };
            if !self.period.contains(date) {
                self.b.exclude(
                    item,
                    Some(aspect),
                    None,
                    format!(
                        "{what} on {date}, outside the reporting period {}",
                        self.period
                    ),
                    Some(Driver::TimeFrame),
                );
                continue;
            }
            let Some(f) = self.own_gwp(&item, "impacts", &it.impacts, "I", aspect, driver)? else {
                continue;
            };
            let mut draft = Draft::new(item, aspect, stage, "I")
                .category(category)
                .presence(driver);
            if let Some(fleet) = fleet {
                draft = draft.allocation(self.allocation(fleet)?);
            }
            self.b.contribute(draft, &[(Indicator::Gwp, f)]);
        }
        Ok(())
    }

    pub(super) fn services(
        &mut self,
        energies: &[Energy<'a>],
        covering: &[Option<usize>],
    ) -> Result<(), MethodError> {
        for (i, s) in self.inv.services.iter().enumerate() {
            let item = ItemRef::new(ItemKind::Service, s.id.as_str());
            let share = self.share(&item, s.period.as_ref());
            if let Share::Outside(reason) = &share {
                self.b.exclude(
                    item,
                    Some(Aspect::Service),
                    None,
                    format!("bought for {reason}"),
                    Some(Driver::TimeFrame),
                );
                continue;
            }
            let Some(f) = self.own_gwp(
                &item,
                "allocated",
                &s.allocated,
                "I_allocated",
                Aspect::Service,
                Driver::OtherItems,
            )?
            else {
                continue;
            };
            // Cloud compute: share among the workloads it covers, by their energy.
            let covered: Vec<&Energy<'a>> = energies
                .iter()
                .zip(covering)
                .filter(|(_, c)| **c == Some(i))
                .map(|(e, _)| e)
                .collect();
            let energy: f64 = covered.iter().map(|e| e.e_it).sum();
            let allocation = if energy > 0.0 {
                covered
                    .iter()
                    .map(|e| Allocation {
                        workload: e.w.id.clone(),
                        phase: e.w.phase,
                        share: e.e_it / energy,
                    })
                    .collect()
            } else {
                Vec::new()
            };
            let mut draft = Draft::new(
                item,
                Aspect::Service,
                Stage::Use,
                format!("I_allocated{}", sym(&share)),
            )
            .phase(s.phase)
            .category(SCOPE_3_CAT_1)
            .presence(Driver::OtherItems)
            .allocation(allocation);
            if let Some(t) = share.term() {
                draft = draft.term(t);
            }
            self.b.contribute(draft, &[(Indicator::Gwp, f)]);
        }
        Ok(())
    }

    /// Scope 1 at owned sites; at colocation and cloud sites, the operator's Scope 1, which
    /// the organisation reports in Cat. 1.
    fn on_site_category(
        &mut self,
        item: &ItemRef,
        site_id: &str,
    ) -> Result<&'static str, MethodError> {
        let owned = self
            .inv
            .site(site_id)
            .ok_or_else(|| input_error(item, format!("unknown site `{site_id}`")))?
            .ownership
            == Ownership::Owned;
        if owned {
            return Ok(SCOPE_1);
        }
        self.b.assume(
            "operator-direct-emissions",
            "at a site the organisation does not operate (colocation or cloud), fuel and refrigerant are the operator's Scope 1: reported in the organisation's Scope 3 Cat. 1".into(),
            Some(item.clone()),
        );
        Ok(SCOPE_3_CAT_1)
    }

    pub(super) fn fuels_and_refrigerants(&mut self) -> Result<(), MethodError> {
        for f in &self.inv.fuels {
            let item = ItemRef::new(ItemKind::Fuel, f.id.as_str());
            let share = self.share(&item, None);
            if let Share::Outside(reason) = &share {
                self.b.exclude(
                    item,
                    Some(Aspect::Fuel),
                    None,
                    format!("burnt in {reason}"),
                    Some(Driver::TimeFrame),
                );
                continue;
            }
            let category = self.on_site_category(&item, &f.site)?;
            if f.factor.boundary.to_lowercase().contains("life") {
                self.b.warn(format!(
                    "fuel `{}`: factor boundary is `{}`; it includes the fuel's upstream, which the GHG Protocol reports in Cat. 3, not Scope 1",
                    f.id, f.factor.boundary
                ));
            }
            let id = fuel_factor(&mut self.b, f)?;
            let mut draft = Draft::new(
                item,
                Aspect::Fuel,
                Stage::Use,
                format!("Q_fuel{} × EF_fuel", sym(&share)),
            )
            .category(category)
            .presence(Driver::OtherItems)
            .term(fuel_amount(f));
            if let Some(t) = share.term() {
                draft = draft.term(t);
            }
            self.b.contribute(draft, &[(Indicator::Gwp, id)]);
        }
        for r in &self.inv.refrigerants {
            let item = ItemRef::new(ItemKind::Refrigerant, r.id.as_str());
            let share = self.share(&item, None);
            if let Share::Outside(reason) = &share {
                self.b.exclude(
                    item,
                    Some(Aspect::Refrigerant),
                    None,
                    format!("leaked in {reason}"),
                    Some(Driver::TimeFrame),
                );
                continue;
            }
            let category = self.on_site_category(&item, &r.site)?;
            let id = self.b.factor(FactorUse {
                subject: format!("refrigerant/{}", r.gas),
                value: r.gwp100.to_string(),
                boundary: "direct emission".into(),
                source: r.source.clone(),
                ..inventory_factor(&item.path("gwp100"), "GWP100", r.gwp100, "kgCO2e/kg")
            });
            let mut draft = Draft::new(
                item.clone(),
                Aspect::Refrigerant,
                Stage::Use,
                format!("m_leaked{} × GWP100", sym(&share)),
            )
            .category(category)
            .presence(Driver::OtherItems)
            .term(Term::new(
                "m_leaked",
                r.leaked.to(&units::KG).map_err(|e| input_error(&item, e))?,
                "kg",
                TermSource::Item {
                    key: "leaked".into(),
                },
            ));
            if let Some(t) = share.term() {
                draft = draft.term(t);
            }
            self.b.contribute(draft, &[(Indicator::Gwp, id)]);
        }
        Ok(())
    }

    pub(super) fn offsets(&mut self) -> Result<(), MethodError> {
        for o in &self.inv.offsets {
            let item = ItemRef::new(ItemKind::Offset, o.id.as_str());
            let kg = o.amount.to(&units::KG).map_err(|e| input_error(&item, e))?;
            let id = self.b.factor(FactorUse {
                subject: "offset".into(),
                value: o.amount.to_string(),
                boundary: "claimed compensation".into(),
                source: format!(
                    "carbon credits{}{}",
                    o.registry
                        .as_deref()
                        .map(|r| format!(", {r}"))
                        .unwrap_or_default(),
                    o.vintage
                        .map(|v| format!(", vintage {v}"))
                        .unwrap_or_default()
                ),
                ..inventory_factor(&item.path("amount"), "Q_credits", kg, "kg")
            });
            let draft = Draft::new(item, Aspect::Offset, Stage::Use, "Q_credits")
                .category(OFFSETS)
                .memo();
            self.b.contribute(draft, &[(Indicator::Gwp, id)]);
        }
        Ok(())
    }
}
