//! Scope 3 Cat. 2, capital goods: fleets, host servers and owned buildings at 100 % of
//! cradle-to-gate in the year of acquisition.

use std::sync::Arc;

use bilan_core::assessment::{
    Allocations, Aspect, Draft, Driver, FactorUse, ItemKind, ItemRef, Stage, Term, TermSource,
};
use bilan_core::factor::{Basis, Boundary};
use bilan_core::indicator::Indicator;
use bilan_core::inventory::{Date, FactorOverride, Fleet, SourcedQuantity};
use bilan_core::method::MethodError;
use bilan_core::units::{self, Quantity};

use bilan_method_kit::embodied::{self, Embodied, Preference};
use bilan_method_kit::terms::devices_per_host;

use super::{Run, SCOPE_3_CAT_2, input_error, inventory_factor};

impl<'a> Run<'a> {
    /// Each workload's share of a fleet, by device time (for phases and functional units).
    pub(super) fn allocation(&mut self, fleet: &'a Fleet) -> Result<Allocations, MethodError> {
        if let Some(a) = self.allocations.get(fleet.id.as_str()) {
            return Ok(a.clone());
        }
        let r = self.inv.reserved_shares(fleet)?;
        for (item, text) in r.assumed {
            self.b.assume("device-time", text, Some(item));
        }
        for item in r.missing {
            self.b.assume(
                "allocation",
                format!("no device time: no share of fleet `{}` is attributed to this workload in phases and functional units", fleet.id),
                Some(item),
            );
        }
        self.allocations
            .insert(fleet.id.as_str(), r.allocation.clone());
        Ok(r.allocation)
    }

    /// The capital-goods share of the reporting period: `expensed` (1 in the year of
    /// acquisition, 0 in any other), or with `capital-goods = amortised` the share of the
    /// asset's lifetime that falls in the reporting period.
    fn expensed(
        &mut self,
        item: &ItemRef,
        acquired: Date,
        lifetime: Option<&Quantity>,
    ) -> Result<Term, MethodError> {
        if self.amortise {
            return self.amortised(item, acquired, lifetime);
        }
        let p = self.period;
        let (value, rule) = if p.contains(acquired) {
            (
                1.0,
                format!(
                    "acquired {acquired}, in the reporting period {p}: 100 % of cradle-to-gate in the year of acquisition, never amortised"
                ),
            )
        } else {
            self.b.assume(
                "capital-goods-other-year",
                format!("acquired outside the reporting period {p}: capital goods count 100 % in the year of acquisition and 0 in any other year"),
                Some(item.clone()),
            );
            (
                0.0,
                format!(
                    "acquired {acquired}, outside the reporting period {p}: capital goods count only in the year of acquisition, 0 this year"
                ),
            )
        };
        Ok(Term::new(
            "expensed",
            value,
            "1",
            TermSource::Rule { rule: rule.into() },
        )
        .driver(Driver::CapitalGoods))
    }

    /// `s_amort`: days of the asset's service life (from its acquisition, for its lifetime)
    /// inside the reporting period, over the lifetime in days.
    fn amortised(
        &mut self,
        item: &ItemRef,
        acquired: Date,
        lifetime: Option<&Quantity>,
    ) -> Result<Term, MethodError> {
        let p = self.period;
        let (lifetime, given) = match lifetime {
            Some(q) => (q.clone(), true),
            None => (
                self.params
                    .quantity(self.d, "default-lifetime")
                    .cloned()
                    .ok_or_else(|| {
                        MethodError::Other("parameter `default-lifetime` has no value".into())
                    })?,
                false,
            ),
        };
        let days = (lifetime
            .to(&units::HOUR)
            .map_err(|e| input_error(item, e))?
            / 24.0)
            .round();
        if days < 1.0 {
            return Err(input_error(
                item,
                format!("lifetime `{lifetime}` is shorter than a day"),
            ));
        }
        if !given {
            self.b.assume(
                "default-lifetime",
                format!("lifetime not given: parameter `default-lifetime` = {lifetime}"),
                Some(item.clone()),
            );
        }
        self.b.assume(
            "capital-goods-amortised",
            "parameter `capital-goods = amortised`: capital goods are spread over their lifetime (BEGES / ISO 14064-1 practice), which departs from the GHG Protocol's Scope 3 Standard".into(),
            Some(item.clone()),
        );
        // Day numbers relative to the period's first day; the service life is
        // [acquired, acquired + days − 1].
        let start = acquired.days_since(p.start) as f64;
        let end = start + days - 1.0;
        let last = (p.days() - 1) as f64;
        let overlap = (end.min(last) - start.max(0.0) + 1.0).max(0.0);
        Ok(Term::new(
            "s_amort",
            overlap / days,
            "1",
            TermSource::Rule {
                rule: format!(
                    "amortised: {overlap} of the {days} days of service life from {acquired} fall in the reporting period {p}"
                )
                .into(),
            },
        )
        .driver(Driver::CapitalGoods))
    }

    pub(super) fn fleet(&mut self, fleet: &'a Fleet) -> Result<(), MethodError> {
        let item = ItemRef::new(ItemKind::Fleet, fleet.id.as_str());
        let mut aspects = vec![(Aspect::Embodied, Driver::CapitalGoods)];
        if fleet.host.is_some() {
            aspects.push((Aspect::HostEmbodied, Driver::HostEmbodied));
        }
        if !self.site_ctx(&item, &fleet.site)?.scope2 {
            for (aspect, _) in &aspects {
                self.b.exclude(
                    item.clone(),
                    Some(*aspect),
                    None,
                    format!("installed in cloud site `{}`: the provider owns the hardware; its embodied emissions are in the provider's figures (the organisation's Cat. 1), not the organisation's capital goods", fleet.site),
                    Some(Driver::CapitalGoods),
                );
            }
            return Ok(());
        }
        let Some(acquired) = fleet.acquired else {
            for (aspect, _) in &aspects {
                self.b.exclude(
                    item.clone(),
                    Some(*aspect),
                    None,
                    "no acquisition date: capital goods are counted in the year of acquisition, which the inventory does not give (`acquired`)",
                    Some(Driver::CapitalGoods),
                );
            }
            return Ok(());
        };
        let allocation = self.allocation(fleet)?;
        let expensed = self.expensed(&item, acquired, fleet.lifetime.as_ref())?;
        let n = Term::new(
            "N",
            fleet.count,
            "device",
            TermSource::Item {
                key: "count".into(),
            },
        )
        .driver(Driver::CapitalGoods);
        if let Some(f) = self.hardware_factor(
            &item,
            &fleet.model,
            fleet.embodied.get(&Indicator::Gwp),
            "embodied",
            "EF_device",
            Aspect::Embodied,
        )? {
            let draft = Draft::new(
                item.clone(),
                Aspect::Embodied,
                Stage::Manufacturing,
                if self.amortise {
                    "N × s_amort × EF_device"
                } else {
                    "N × expensed × EF_device"
                },
            )
            .category(SCOPE_3_CAT_2)
            .presence(Driver::CapitalGoods)
            .allocation(allocation.clone())
            .term(n.clone())
            .term(expensed.clone());
            self.b.contribute(draft, &[(Indicator::Gwp, f)]);
        }
        if let Some(host) = &fleet.host
            && let Some(f) = self.hardware_factor(
                &item,
                &host.model,
                host.embodied.get(&Indicator::Gwp),
                "host.embodied",
                "EF_server",
                Aspect::HostEmbodied,
            )?
        {
            let d_host = devices_per_host(host.devices_per_host);
            let draft = Draft::new(
                item,
                Aspect::HostEmbodied,
                Stage::Manufacturing,
                if self.amortise {
                    "N / D_host × s_amort × EF_server"
                } else {
                    "N / D_host × expensed × EF_server"
                },
            )
            .category(SCOPE_3_CAT_2)
            .presence(Driver::HostEmbodied)
            .allocation(allocation)
            .term(n)
            .term(d_host)
            .term(expensed);
            self.b.contribute(draft, &[(Indicator::Gwp, f)]);
        }
        Ok(())
    }

    /// The cradle-to-gate GWP factor of a hardware model: the inventory's override, else
    /// the database's cradle-to-gate figure, else its cradle-to-grave one with a warning.
    fn hardware_factor(
        &mut self,
        item: &ItemRef,
        model: &str,
        o: Option<&FactorOverride>,
        key: &str,
        symbol: &'static str,
        aspect: Aspect,
    ) -> Result<Option<Arc<str>>, MethodError> {
        let query = embodied::Query {
            key,
            tiers: &[&[Boundary::CradleToGate], &[Boundary::CradleToGraveExclUse]],
            ..embodied::Query::new(item, model, aspect, Indicator::Gwp, symbol)
        }
        .by(&Basis::EMBODIED_PREFERENCE, Preference::BoundaryFirst);
        let found = embodied::embodied(&mut self.b, self.factors, o, &query)?;
        if let Embodied::Found { factor, .. } = &found
            && factor.boundary == Boundary::CradleToGraveExclUse
        {
            self.b.warn(format!(
                "hardware/{model}: no cradle-to-gate figure; `{}` is cradle-to-grave excluding use, so Cat. 2 also holds its transport and end of life (transport and end-of-life items of the same hardware would count them twice)",
                factor.id
            ));
        }
        Ok(found.id())
    }

    /// Registers an item's own GWP (`key.gwp`) as a factor, or excludes the item.
    pub(super) fn own_gwp(
        &mut self,
        item: &ItemRef,
        key: &str,
        impacts: &std::collections::BTreeMap<Indicator, SourcedQuantity>,
        symbol: &'static str,
        aspect: Aspect,
        driver: Driver,
    ) -> Result<Option<Arc<str>>, MethodError> {
        let Some(q) = impacts.get(&Indicator::Gwp) else {
            self.b.exclude(
                item.clone(),
                Some(aspect),
                Some(Indicator::Gwp),
                format!("the inventory gives no gwp under `{key}` for this item"),
                Some(driver),
            );
            return Ok(None);
        };
        let canonical = q.value.to(&units::KG).map_err(|e| input_error(item, e))?;
        Ok(Some(self.b.factor(FactorUse {
            subject: item.kind.key().to_owned(),
            value: q.value.to_string(),
            boundary: "as given".into(),
            source: q.source.clone(),
            ..inventory_factor(&item.path(&format!("{key}.gwp")), symbol, canonical, "kg")
        })))
    }

    pub(super) fn buildings(&mut self) -> Result<(), MethodError> {
        for b in &self.inv.buildings {
            let item = ItemRef::new(ItemKind::Building, b.id.as_str());
            if !b.owned {
                self.b.exclude(
                    item,
                    Some(Aspect::Building),
                    None,
                    "not owned by the organisation: the building is the operator's capital good, in the operator's figures; it reaches the organisation only through the operator's charges (Cat. 1)",
                    Some(Driver::Building),
                );
                continue;
            }
            let Some(acquired) = b.acquired else {
                self.b.exclude(
                    item,
                    Some(Aspect::Building),
                    None,
                    "no acquisition date: capital goods are counted in the year of acquisition, which the inventory does not give (`acquired`)",
                    Some(Driver::CapitalGoods),
                );
                continue;
            };
            let Some(f) = self.own_gwp(
                &item,
                "impacts",
                &b.impacts,
                "I_building",
                Aspect::Building,
                Driver::Building,
            )?
            else {
                continue;
            };
            let expensed = self.expensed(&item, acquired, Some(&b.lifetime))?;
            let draft = Draft::new(
                item,
                Aspect::Building,
                Stage::Infrastructure,
                if self.amortise {
                    "I_building × share × s_amort"
                } else {
                    "I_building × share × expensed"
                },
            )
            .category(SCOPE_3_CAT_2)
            .presence(Driver::Building)
            .term(Term::new(
                "share",
                b.share,
                "1",
                TermSource::Item {
                    key: "share".into(),
                },
            ))
            .term(expensed);
            self.b.contribute(draft, &[(Indicator::Gwp, f)]);
        }
        Ok(())
    }
}
