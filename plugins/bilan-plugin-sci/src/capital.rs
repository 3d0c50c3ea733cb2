//! M: fleets' embodied carbon (reserved device time over the lifespan), transport and end of life tied to a fleet, and the data-centre building when included.

use std::collections::BTreeMap;

use std::sync::Arc;

use bilan_core::assessment::{
    Allocation, Aspect, Draft, Driver, ItemKind, ItemRef, Stage, Term, TermSource,
};
use bilan_core::factor::Boundary;
use bilan_core::indicator::Indicator;
use bilan_core::inventory::{FactorOverride, Fleet, ImpactItem, SourcedQuantity, Workload};
use bilan_core::method::MethodError;
use bilan_core::units::{self};

use bilan_method_kit::accounted::transport_and_end_of_life;
use bilan_method_kit::embodied::{self, Embodied, Preference};
use bilan_method_kit::terms::{
    building_amortisation, devices_per_host, fleet_count, fleet_lifetime, reserved_time,
    within_life,
};
use bilan_method_kit::wording;

use super::{BUILDING_REASON, FleetCtx, Run, category_of, input_error};

impl<'a> Run<'a> {
    /// Device time reserved on `fleet`, each workload's share, and the lifespan; computed
    /// once per fleet so assumptions and exclusions are recorded once.
    pub(super) fn fleet_ctx(&mut self, fleet: &'a Fleet) -> Result<FleetCtx, MethodError> {
        if let Some(ctx) = self.fleets.get(fleet.id.as_str()) {
            return Ok(ctx.clone());
        }
        let r = self.inv.reserved_shares(fleet)?;
        for (item, text) in r.assumed {
            self.b.assume("device-time", text, Some(item));
        }
        for item in r.missing {
            self.b.exclude(
                item,
                Some(Aspect::Embodied),
                None,
                "no time reserved (TiR) to allocate the fleet's embodied carbon: give `device-hours`, or `duration` or `period`",
                Some(Driver::CapitalGoods),
            );
        }
        let (reserved, allocation) = (r.total, r.allocation);
        let lifetime = if reserved > 0.0 {
            let lifetime = self.lifetime(fleet)?;
            within_life(fleet, reserved, &lifetime)?;
            Some(lifetime)
        } else {
            None
        };
        let ctx = FleetCtx {
            reserved,
            allocation,
            lifetime,
        };
        self.fleets.insert(fleet.id.as_str(), ctx.clone());
        Ok(ctx)
    }

    /// `L`, the expected lifespan EL of a fleet, in hours (dividing).
    pub(super) fn lifetime(&mut self, fleet: &Fleet) -> Result<Term, MethodError> {
        let item = ItemRef::new(ItemKind::Fleet, fleet.id.as_str());
        let own = TermSource::Inventory {
            path: item.path("lifetime").into(),
        };
        fleet_lifetime(
            &mut self.b,
            self.d,
            self.params,
            fleet,
            own,
            "expected lifespan",
        )
    }

    /// The `T_res` term of a fleet.
    pub(super) fn reserved_term(fleet: &Fleet, reserved: f64) -> Term {
        reserved_time(
            reserved,
            format!(
                "Σ device time reserved on fleet `{}` by its workloads (TiR × RR)",
                fleet.id
            ),
        )
    }

    pub(super) fn fleet(&mut self, fleet: &'a Fleet) -> Result<(), MethodError> {
        let item = ItemRef::new(ItemKind::Fleet, fleet.id.as_str());
        let ctx = self.fleet_ctx(fleet)?;
        let Some(lifetime) = ctx.lifetime else {
            self.b.exclude(
                item,
                None,
                None,
                wording::fleet_unreserved(None, "TiR = 0, so its share of M is 0 for every R"),
                Some(Driver::CapitalGoods),
            );
            return Ok(());
        };
        let t_res = Self::reserved_term(fleet, ctx.reserved);
        let category = category_of(&ctx.allocation);
        if let Some(ef) = self.hardware_factor(
            &item,
            &fleet.model,
            &fleet.embodied,
            Aspect::Embodied,
            "EF_device",
        )? {
            let draft = Draft::new(
                item.clone(),
                Aspect::Embodied,
                Stage::Manufacturing,
                "T_res / L × EF_device",
            )
            .category(category)
            .allocation(ctx.allocation.clone())
            .term(t_res.clone())
            .term(lifetime.clone());
            self.b.contribute(draft, &[(Indicator::Gwp, ef)]);
        }
        if let Some(host) = &fleet.host
            && let Some(ef) = self.hardware_factor(
                &item,
                &host.model,
                &host.embodied,
                Aspect::HostEmbodied,
                "EF_server",
            )?
        {
            let draft = Draft::new(
                item,
                Aspect::HostEmbodied,
                Stage::Manufacturing,
                "T_res / L / D_host × EF_server",
            )
            .category(category)
            .presence(Driver::HostEmbodied)
            .allocation(ctx.allocation)
            .term(t_res)
            .term(lifetime)
            .term(devices_per_host(host.devices_per_host));
            self.b.contribute(draft, &[(Indicator::Gwp, ef)]);
        }
        Ok(())
    }

    /// The embodied GWP per device of `model` (TE per unit): the inventory's figure, else
    /// the database's by the preference order. `None`, recorded as an exclusion and a
    /// warning, when no figure exists.
    pub(super) fn hardware_factor(
        &mut self,
        item: &ItemRef,
        model: &str,
        overrides: &BTreeMap<Indicator, FactorOverride>,
        aspect: Aspect,
        symbol: &'static str,
    ) -> Result<Option<Arc<str>>, MethodError> {
        let subject = format!("hardware/{model}");
        let query = embodied::Query::new(item, model, aspect, Indicator::Gwp, symbol)
            .by(self.preference, Preference::Parameter);
        let found = embodied::embodied(
            &mut self.b,
            self.factors,
            overrides.get(&Indicator::Gwp),
            &query,
        )?;
        if let Embodied::Found { factor, .. } = &found {
            if factor.boundary == Boundary::CradleToGate {
                self.b.assume(
                    "embodied-boundary",
                    format!(
                        "TE of {subject} (`{}`) is cradle-to-gate: the disposal that SCI's M covers enters only through [[end-of-life]] items tied to the fleet",
                        factor.id
                    ),
                    Some(item.clone()),
                );
            }
            let fleet_bound = self
                .inv
                .transports
                .iter()
                .chain(&self.inv.end_of_life)
                .any(|x| x.fleet.as_deref() == Some(&*item.id));
            if factor.boundary == Boundary::CradleToGraveExclUse && fleet_bound {
                self.b.warn(format!(
                    "{item}: TE of {subject} (`{}`) already includes transport and end of life; the [[transport]] and [[end-of-life]] items tied to the fleet may count them twice",
                    factor.id
                ));
            }
        }
        Ok(found.id())
    }

    /// Transport and end of life: part of M when tied to a fleet, amortised like it.
    pub(super) fn fleet_bound_items(&mut self) -> Result<(), MethodError> {
        let inv = self.inv;
        let items = transport_and_end_of_life(inv);
        for (kind, aspect, stage, driver, it) in items {
            self.fleet_bound_item(
                ItemRef::new(kind, it.id.as_str()),
                aspect,
                stage,
                driver,
                it,
            )?;
        }
        Ok(())
    }

    pub(super) fn fleet_bound_item(
        &mut self,
        item: ItemRef,
        aspect: Aspect,
        stage: Stage,
        driver: Driver,
        it: &'a ImpactItem,
    ) -> Result<(), MethodError> {
        let Some(te) = it.impacts.get(&Indicator::Gwp) else {
            self.b.exclude(
                item,
                None,
                None,
                "the inventory gives no gwp impact for this item, and SCI measures carbon only",
                Some(driver),
            );
            return Ok(());
        };
        let Some(fleet_id) = &it.fleet else {
            self.b.exclude(
                item,
                Some(aspect),
                None,
                format!(
                    "tied to no fleet: M takes the share of hardware emissions reserved for the work (TiR/EL × RR/ToR), and {} names no hardware to share",
                    if aspect == Aspect::Transport { "this transport" } else { "this end of life" }
                ),
                Some(driver),
            );
            return Ok(());
        };
        let inv = self.inv;
        let fleet = inv
            .fleet(fleet_id)
            .ok_or_else(|| input_error(&item, format!("unknown fleet `{fleet_id}`")))?;
        let ctx = self.fleet_ctx(fleet)?;
        let Some(lifetime) = ctx.lifetime else {
            self.b.exclude(
                item,
                Some(aspect),
                None,
                wording::fleet_unreserved(
                    Some(fleet_id),
                    "TiR = 0, so its share of M is 0 for every R",
                ),
                Some(Driver::CapitalGoods),
            );
            return Ok(());
        };
        let te = self.item_factor(&item, "impacts", te)?;
        let draft = Draft::new(item, aspect, stage, "TE × T_res / (L × N)")
            .category(category_of(&ctx.allocation))
            .presence(driver)
            .allocation(ctx.allocation)
            .term(Self::reserved_term(fleet, ctx.reserved))
            .term(lifetime)
            .term(fleet_count(fleet));
        self.b.contribute(draft, &[(Indicator::Gwp, te)]);
        Ok(())
    }

    /// Registers an item's own gwp impact (a total, kg) as the factor `TE`.
    pub(super) fn item_factor(
        &mut self,
        item: &ItemRef,
        key: &str,
        q: &SourcedQuantity,
    ) -> Result<Arc<str>, MethodError> {
        let path = item.path(&format!("{key}.gwp"));
        let o = FactorOverride {
            value: q.value.clone(),
            source: q.source.clone(),
            boundary: "as given".to_owned(),
            year: None,
            url: None,
        };
        self.b.override_factor(
            &path,
            item.kind.key(),
            Some(Indicator::Gwp),
            &o,
            "TE",
            &units::KG,
            None,
        )
    }

    /// The data-centre building: excluded unless `include-building`; then its share is in
    /// M, shared among the site's workloads by facility energy.
    pub(super) fn buildings(&mut self) -> Result<(), MethodError> {
        let inv = self.inv;
        for b in &inv.buildings {
            let item = ItemRef::new(ItemKind::Building, b.id.as_str());
            if !self.flag("include-building") {
                self.b.exclude(
                    item,
                    Some(Aspect::Building),
                    None,
                    BUILDING_REASON,
                    Some(Driver::Building),
                );
                continue;
            }
            let Some(te) = b.impacts.get(&Indicator::Gwp) else {
                self.b.exclude(
                    item,
                    Some(Aspect::Building),
                    None,
                    "the inventory gives no gwp impact for this building, and SCI measures carbon only",
                    Some(Driver::Building),
                );
                continue;
            };
            let allocation = self.energy_allocation(&b.site);
            if allocation.is_empty() {
                self.b.exclude(
                    item,
                    Some(Aspect::Building),
                    None,
                    format!(
                        "no workload drew energy at site `{}`: the building's share cannot be expressed per R",
                        b.site
                    ),
                    Some(Driver::Building),
                );
                continue;
            }
            let [t, l, share] =
                building_amortisation(&mut self.b, b, &inv.system.period, "reserved")?;
            self.b.assume(
                "building-allocation",
                "the building's share is shared among the workloads of its site by facility energy"
                    .to_owned(),
                Some(item.clone()),
            );
            let te = self.item_factor(&item, "impacts", te)?;
            let draft = Draft::new(
                item,
                Aspect::Building,
                Stage::Infrastructure,
                "TE × t / L_building × share",
            )
            .category(category_of(&allocation))
            .presence(Driver::Building)
            .allocation(allocation)
            .term(t)
            .term(l)
            .term(share);
            self.b.contribute(draft, &[(Indicator::Gwp, te)]);
        }
        Ok(())
    }

    /// The workloads of `site`, each with its share of their facility energy.
    pub(super) fn energy_allocation(&self, site: &str) -> Vec<Allocation> {
        let at_site: Vec<(&Workload, f64)> = self
            .inv
            .workloads
            .iter()
            .zip(&self.energy)
            .filter(|(w, _)| w.site == site)
            .map(|(w, e)| (w, *e))
            .collect();
        let total: f64 = at_site.iter().map(|(_, e)| e).sum();
        if total <= 0.0 {
            return Vec::new();
        }
        at_site
            .into_iter()
            .map(|(w, e)| Allocation {
                workload: w.id.clone(),
                phase: w.phase,
                share: e / total,
            })
            .collect()
    }
}
