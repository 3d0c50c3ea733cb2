//! Capital goods: fleets' embodied impacts (reserved device time over the lifetime), data-centre buildings, transport and end of life tied to a fleet.

use std::sync::Arc;

use bilan_core::assessment::{Aspect, Draft, Driver, ItemKind, ItemRef, Stage, Term, TermSource};
use bilan_core::indicator::Indicator;
use bilan_core::inventory::{FactorOverride, Fleet};
use bilan_core::method::MethodError;
use bilan_method_kit::accounted::transport_and_end_of_life;
use bilan_method_kit::embodied::{self, Preference};
use bilan_method_kit::terms::{
    building_amortisation, devices_per_host, fleet_count, fleet_lifetime, lifetime_term,
    reserved_time, utilisation_divisor, within_life,
};
use bilan_method_kit::wording;

use super::{FleetCtx, Reserved, Run, aspect_of, input_error};

/// What ademe-lca counts of a fleet no workload reserves, and of what is amortised with it.
const UNRESERVED: &str = "nothing to amortise over the functional unit";

impl<'a> Run<'a> {
    pub(super) fn fleet_ctx(&mut self, fleet: &'a Fleet) -> Result<FleetCtx, MethodError> {
        let item = ItemRef::new(ItemKind::Fleet, fleet.id.as_str());
        let own = TermSource::Item {
            key: "lifetime".into(),
        };
        let lifetime = fleet_lifetime(&mut self.b, self.d, self.params, fleet, own, "lifetime")?;
        let embodied = self.hardware_factors(
            &item,
            &fleet.model,
            &fleet.embodied,
            "embodied",
            "EF_device",
        )?;
        let host = match &fleet.host {
            Some(host) if self.flag("include-host-embodied") => {
                let factors = self.hardware_factors(
                    &item,
                    &host.model,
                    &host.embodied,
                    "host.embodied",
                    "EF_server",
                )?;
                Some((devices_per_host(host.devices_per_host), factors))
            }
            Some(_) => {
                self.b.exclude(
                    item.clone(),
                    Some(Aspect::HostEmbodied),
                    None,
                    "parameter `include-host-embodied` is false",
                    Some(Driver::HostEmbodied),
                );
                None
            }
            None => None,
        };
        Ok(FleetCtx {
            lifetime,
            embodied,
            host,
        })
    }

    fn hardware_factors(
        &mut self,
        item: &ItemRef,
        model: &str,
        overrides: &std::collections::BTreeMap<Indicator, FactorOverride>,
        key: &str,
        symbol: &'static str,
    ) -> Result<Vec<(Indicator, Arc<str>)>, MethodError> {
        let mut out = Vec::new();
        for indicator in Indicator::IMPACTS {
            let query = embodied::Query::new(item, model, aspect_of(key), indicator, symbol)
                .by(self.preference, Preference::Parameter);
            let found =
                embodied::embodied(&mut self.b, self.factors, overrides.get(&indicator), &query)?;
            if let Some(id) = found.id() {
                out.push((indicator, id));
            }
        }
        Ok(out)
    }

    pub(super) fn fleet(&mut self, fleet: &'a Fleet) -> Result<(), MethodError> {
        let item = ItemRef::new(ItemKind::Fleet, fleet.id.as_str());
        let reserved = self.reserved_time(fleet)?;
        let (t_res, allocation) = (reserved.total, reserved.allocation.clone());
        if t_res <= 0.0 {
            self.b.exclude(
                item,
                Some(Aspect::Embodied),
                None,
                wording::fleet_unreserved(None, UNRESERVED),
                Some(Driver::CapitalGoods),
            );
            return Ok(());
        }
        let ctx = self.fleet_ctx(fleet)?;
        within_life(fleet, t_res, &ctx.lifetime)?;
        let t_term = reserved_time(
            t_res,
            "Σ device time reserved by the fleet's workloads".into(),
        );
        let divisor = self.utilisation_divisor(fleet, &reserved)?;
        let mut draft = Draft::new(
            item.clone(),
            Aspect::Embodied,
            Stage::Manufacturing,
            "T_res / L × EF_device",
        )
        .allocation(allocation.clone())
        .term(t_term.clone())
        .term(ctx.lifetime.clone());
        if let Some(u) = &divisor {
            draft.formula = "T_res / L / u × EF_device".into();
            draft = draft.term(u.clone());
        }
        self.b.contribute(draft, &ctx.embodied);
        if let Some((d_host, host_factors)) = ctx.host {
            let mut draft = Draft::new(
                item,
                Aspect::HostEmbodied,
                Stage::Manufacturing,
                "T_res / L / D_host × EF_server",
            )
            .allocation(allocation)
            .presence(Driver::HostEmbodied)
            .term(t_term)
            .term(ctx.lifetime)
            .term(d_host);
            if let Some(u) = divisor {
                draft.formula = "T_res / L / D_host / u × EF_server".into();
                draft = draft.term(u);
            }
            self.b.contribute(draft, &host_factors);
        }
        Ok(())
    }

    /// Device time reserved on `fleet` by its workloads, each workload's share and
    /// utilisation; computed once per fleet (assumptions and exclusions are recorded once).
    pub(super) fn reserved_time(&mut self, fleet: &'a Fleet) -> Result<Reserved, MethodError> {
        if let Some(r) = self.reserved.get(fleet.id.as_str()) {
            return Ok(r.clone());
        }
        // The workloads' utilisation only when the parameter divides by it.
        let r = if self.divides_by_utilisation() {
            self.inv.reserved(fleet)?
        } else {
            self.inv.reserved_shares(fleet)?
        };
        for (item, text) in &r.assumed {
            self.b
                .assume("device-time", text.clone(), Some(item.clone()));
        }
        for item in &r.missing {
            self.b.exclude(
                item.clone(),
                Some(Aspect::Embodied),
                None,
                "no device time to allocate the fleet's embodied impacts: give `device-hours`, or `duration` or `period`",
                Some(Driver::CapitalGoods),
            );
        }
        let reserved = Reserved {
            total: r.total,
            allocation: r.allocation,
            utilisation: r.utilisation.into(),
        };
        self.reserved.insert(fleet.id.as_str(), reserved.clone());
        Ok(reserved)
    }

    /// Whether parameter `utilisation-divisor` divides embodied impacts by the workloads'
    /// utilisation.
    fn divides_by_utilisation(&self) -> bool {
        self.params.text(self.d, "utilisation-divisor") == Some("inventory")
    }

    /// The utilisation term, when the parameter asks for it: the device-time-weighted
    /// harmonic mean of the workloads' utilisation, so that T_res / u = Σ t_w / u_w.
    pub(super) fn utilisation_divisor(
        &mut self,
        fleet: &Fleet,
        reserved: &Reserved,
    ) -> Result<Option<Term>, MethodError> {
        if !self.divides_by_utilisation() {
            return Ok(None);
        }
        Ok(Some(utilisation_divisor(
            &mut self.b,
            &fleet.id,
            &reserved.allocation,
            &reserved.utilisation,
        )))
    }

    pub(super) fn buildings(&mut self) -> Result<(), MethodError> {
        for b in &self.inv.buildings {
            let item = ItemRef::new(ItemKind::Building, b.id.as_str());
            let [t, l, share] =
                building_amortisation(&mut self.b, b, &self.inv.system.period, "used")?;
            let factors = self.item_impacts(&item, "impacts", &b.impacts)?;
            let draft = Draft::new(
                item,
                Aspect::Building,
                Stage::Infrastructure,
                "I_building × t / L_building × share",
            )
            .presence(Driver::Building)
            .term(t)
            .term(l)
            .term(share);
            self.b.contribute(draft, &factors);
        }
        Ok(())
    }

    pub(super) fn fleet_bound_items(&mut self) -> Result<(), MethodError> {
        let items = transport_and_end_of_life(self.inv);
        for (kind, aspect, stage, driver, it) in items {
            let item = ItemRef::new(kind, it.id.as_str());
            let factors = self.item_impacts(&item, "impacts", &it.impacts)?;
            let mut draft = Draft::new(item.clone(), aspect, stage, "I").presence(driver);
            if let Some(fleet_id) = &it.fleet {
                let fleet = self
                    .inv
                    .fleet(fleet_id)
                    .ok_or_else(|| input_error(&item, format!("unknown fleet `{fleet_id}`")))?;
                let Reserved {
                    total: t_res,
                    allocation,
                    ..
                } = self.reserved_time(fleet)?;
                if t_res <= 0.0 {
                    self.b.exclude(
                        item,
                        Some(aspect),
                        None,
                        wording::fleet_unreserved(Some(fleet_id), UNRESERVED),
                        Some(driver),
                    );
                    continue;
                }
                // The fleet's `L`, as its embodied impacts are amortised over.
                let own = TermSource::Inventory {
                    path: format!("fleet[{}].lifetime", fleet.id).into(),
                };
                // The fleet's own contribution records the default's assumption.
                let (l, _) = lifetime_term(self.d, self.params, fleet, own, "lifetime")?;
                within_life(fleet, t_res, &l)?;
                draft.formula = "I × T_res / (L × N)".into();
                draft = draft
                    .allocation(allocation)
                    .term(reserved_time(
                        t_res,
                        format!("Σ device time reserved on fleet `{}`", fleet.id),
                    ))
                    .term(l)
                    .term(fleet_count(fleet));
            }
            self.b.contribute(draft, &factors);
        }
        Ok(())
    }
}
