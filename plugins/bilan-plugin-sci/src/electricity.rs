//! E × I: each site's PUE and grid intensity, and each workload's energy.

use std::rc::Rc;
use std::sync::Arc;

use bilan_core::assessment::{Aspect, Draft, Driver, ItemKind, ItemRef, Stage, Term, TermSource};
use bilan_core::factor::Boundary;
use bilan_core::indicator::Indicator;
use bilan_core::inventory::{Site, Workload};
use bilan_core::method::MethodError;
use bilan_core::units::{self};
use bilan_method_kit::energy;
use bilan_method_kit::site::{self, Grid};
use bilan_method_kit::temporal::{Temporal, with_time};
use bilan_method_kit::terms::{
    EnergySum, HostOverhead, device_energy, device_formula, device_pue, host_boundary,
    host_overhead, host_pue, idle_energy, idle_pue, period_share, prorated,
};

use super::{Persona, Run, SiteCtx, input_error, with_terms};
use bilan_method_kit::site::is_market_based;

impl<'a> Run<'a> {
    // --- E × I -------------------------------------------------------------------------

    /// The site's context, shared (not copied) by every workload at it.
    pub(super) fn site(&mut self, id: &str, item: &ItemRef) -> Result<Rc<SiteCtx>, MethodError> {
        if let Some(ctx) = self.sites.get(id) {
            return Ok(Rc::clone(ctx));
        }
        let inv = self.inv;
        let site = inv
            .site(id)
            .ok_or_else(|| input_error(item, format!("unknown site `{id}`")))?;
        let ctx = Rc::new(SiteCtx {
            pue: self.pue(site)?,
            intensity: self.intensity(site)?,
            temporal: Temporal::of_site(
                &mut self.b,
                self.d,
                self.params,
                inv,
                site,
                inv.system.period,
            )
            .map(Arc::new),
        });
        self.sites.insert(site.id.as_str(), Rc::clone(&ctx));
        Ok(ctx)
    }

    pub(super) fn pue(&mut self, site: &Site) -> Result<Term, MethodError> {
        let item = ItemRef::new(ItemKind::Site, site.id.as_str());
        if !self.flag("include-datacentre") {
            self.b.assume(
                "include-datacentre",
                "parameter `include-datacentre` is false: the boundary stops at the IT equipment, so E leaves out the data centre's overhead (PUE taken as 1)".to_owned(),
                Some(item),
            );
            return Ok(Term::new(
                "PUE",
                1.0,
                "1",
                TermSource::Parameter {
                    name: "include-datacentre".into(),
                },
            )
            .driver(Driver::FacilityOverhead));
        }
        let defaults = site::Defaults::new(self.d, self.params, self.factors);
        Ok(site::pue(&mut self.b, defaults, site)?.or_error(site)?.term)
    }

    /// `I` of a site: its own figure, else the database's location-based intensity.
    pub(super) fn intensity(&mut self, site: &Site) -> Result<Arc<str>, MethodError> {
        let item = ItemRef::new(ItemKind::Site, site.id.as_str());
        let driver = Some(Driver::ElectricityBoundary);
        let boundary = site::grid_boundary(self.d, self.params);
        let missing = |what: String| MethodError::Input {
            item: item.to_string(),
            message: format!(
                "SCI needs the location-based grid intensity I of every site with work: {what}; give one under [site.electricity.gwp]{}",
                if boundary == Boundary::Combustion {
                    " or use `grid-boundary=life-cycle`"
                } else {
                    ""
                }
            ),
        };
        match site::intensity(&mut self.b, self.factors, site, boundary) {
            Grid::Override(o) => {
                if is_market_based(&o.boundary) {
                    return Err(MethodError::Input {
                        item: item.path("electricity.gwp"),
                        message: format!(
                            "the grid intensity's boundary is `{}`: SCI's I \"excludes any market-based measures\" (ISO/IEC 21031); give the location-based intensity of the grid",
                            o.boundary
                        ),
                    });
                }
                self.b.assume(
                    "grid-intensity",
                    format!(
                        "I is the site's own figure, taken as a location-based intensity as published (boundary `{}`); parameter `grid-boundary` does not apply to it",
                        o.boundary
                    ),
                    Some(item.clone()),
                );
                site::register_override(&mut self.b, site, Indicator::Gwp, o, "I", driver)
            }
            Grid::Found(r) => site::register_found(&mut self.b, &r, Indicator::Gwp, "I", driver),
            Grid::Absent { reason, region } => Err(missing(format!(
                "no {boundary} figure for {region}: {reason}"
            ))),
            Grid::Missing { tried } => Err(missing(format!(
                "the factor database has no {boundary} grid intensity for {}",
                site::tried_text(&tried)
            ))),
        }
    }

    /// The operational contributions of a workload: device, idle and host energy, each
    /// × PUE × I, in its persona's category; `n` is its position in the inventory.
    pub(super) fn workload(&mut self, n: usize, w: &'a Workload) -> Result<(), MethodError> {
        let item = ItemRef::new(ItemKind::Workload, w.id.clone());
        let site = self.site(&w.site, &item)?;
        let SiteCtx {
            pue,
            intensity,
            temporal,
        } = &*site;
        // I over the time the work ran, when the site follows a grid series.
        let k_time = temporal.as_ref().and_then(|t| t.term(w));
        let grid = energy::with_energy(&mut self.b, &[(Indicator::Gwp, intensity.clone())]);
        let category = Persona::of(w.phase).id();
        let share = period_share(w, &self.inv.system.period);
        let slice = |aspect: Aspect, formula: String| {
            Draft::new(item.clone(), aspect, Stage::Use, formula)
                .phase(Some(w.phase))
                .category(category)
        };

        let (energy_terms, e_dev) = device_energy(w, &item)?;
        let device_formula = device_formula(&energy_terms);
        // E: each slice at the facility boundary (IT energy × PUE, or as measured there).
        let mut e = EnergySum::default();
        e.add(e_dev, w.energy_boundary());
        let formula = [device_formula, " × PUE × I"].concat();
        let draft = with_terms(slice(Aspect::Electricity, formula), &energy_terms);
        let draft = with_time(draft.term(device_pue(pue, w)), &k_time);
        self.b.contribute(prorated(draft, share.as_ref()), &grid);

        if let Some(idle) = &w.idle_energy {
            let kwh = idle.to(&units::KWH).map_err(|e| input_error(&item, e))?;
            e.add(kwh, w.idle_energy_boundary());
            let draft = slice(Aspect::IdleElectricity, "E_idle × PUE × I".to_owned())
                .presence(Driver::IdleOverhead)
                .term(idle_energy(kwh))
                .term(idle_pue(pue, w));
            let draft = with_time(draft, &k_time);
            self.b.contribute(prorated(draft, share.as_ref()), &grid);
        }

        if let Some(host) = &w.host_overhead {
            let (host, kwh) = host_overhead(host, e_dev, &item)?;
            e.add(kwh, host_boundary(w, &host));
            let host_pue = host_pue(pue, w, &host);
            let draft = match host {
                HostOverhead::Share(f_host) => with_terms(
                    slice(
                        Aspect::HostElectricity,
                        [device_formula, " × f_host × PUE × I"].concat(),
                    ),
                    &energy_terms,
                )
                .term(f_host),
                HostOverhead::Energy(e_host) => {
                    slice(Aspect::HostElectricity, "E_host × PUE × I".to_owned()).term(e_host)
                }
            };
            let draft = with_time(draft.presence(Driver::IdleOverhead).term(host_pue), &k_time);
            self.b.contribute(prorated(draft, share.as_ref()), &grid);
        }

        if w.fleet.is_none() {
            self.b.exclude(
                item,
                Some(Aspect::Embodied),
                None,
                "the workload names no fleet: the embodied carbon M of its hardware cannot be allocated, so its SCI leaves M out",
                Some(Driver::CapitalGoods),
            );
        }
        let s_period = share.as_ref().map_or(1.0, |t| t.value);
        self.energy[n] = e.at_facility(pue.value) * s_period;
        self.it_energy += e.at_it(pue.value) * s_period;
        Ok(())
    }

    // --- M -----------------------------------------------------------------------------
}
