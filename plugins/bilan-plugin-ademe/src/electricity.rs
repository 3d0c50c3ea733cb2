//! Use stage: the site's PUE, WUE and electricity factors, and each workload's electricity and cooling water.

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
use bilan_method_kit::wording::GridNoun;

use super::{Run, SiteCtx, input_error};

impl<'a> Run<'a> {
    /// The site's electricity factor for `indicator`: its own, else the database's
    /// life-cycle figure (generation consumption for water); none is an exclusion.
    fn electricity_factor(
        &mut self,
        site: &'a Site,
        indicator: Indicator,
    ) -> Result<Option<Arc<str>>, MethodError> {
        let symbol = match indicator {
            Indicator::Gwp => "F_grid",
            Indicator::Water => "EWIF",
            Indicator::Adpe => "F_adpe",
            Indicator::Adpf => "F_adpf",
            Indicator::Energy => "1",
        };
        let driver = (indicator == Indicator::Gwp).then_some(Driver::ElectricityBoundary);
        let boundary = if indicator == Indicator::Water {
            Boundary::GenerationConsumption
        } else {
            Boundary::LifeCycle
        };
        let reason = match site::grid(
            &mut self.b,
            self.factors,
            site,
            indicator,
            boundary,
            GridNoun::IndicatorFactor,
        ) {
            Grid::Override(o) => {
                return site::register_override(&mut self.b, site, indicator, o, symbol, driver)
                    .map(Some);
            }
            Grid::Found(r) => {
                return site::register_found(&mut self.b, &r, indicator, symbol, driver).map(Some);
            }
            Grid::Absent { reason, .. } => format!("no factor: {reason}"),
            Grid::Missing { tried } => format!(
                "no {boundary} {indicator} factor for electricity in {}; give one under [site.electricity]",
                site::tried_text(&tried)
            ),
        };
        self.b.exclude(
            ItemRef::new(ItemKind::Site, site.id.as_str()),
            Some(Aspect::Electricity),
            Some(indicator),
            reason,
            None,
        );
        Ok(None)
    }

    pub(super) fn site(&mut self, site: &'a Site) -> Result<SiteCtx, MethodError> {
        let defaults = site::Defaults::new(self.d, self.params, self.factors);
        let pue = site::pue(&mut self.b, defaults, site)?.or_error(site)?.term;
        let mut electricity = Vec::new();
        for indicator in Indicator::IMPACTS {
            if let Some(id) = self.electricity_factor(site, indicator)? {
                electricity.push((indicator, id));
            }
        }
        let electricity = energy::with_energy(&mut self.b, &electricity);
        let wue = site::wue(&mut self.b, defaults, site)?.or_error(site)?;
        let wue = wue.factor.ok_or_else(|| {
            MethodError::Other(format!(
                "site `{}`: the WUE is not listed as a factor",
                site.id
            ))
        })?;
        let reporting = self.inv.system.period;
        let temporal =
            Temporal::of_site(&mut self.b, self.d, self.params, self.inv, site, reporting);
        Ok(SiteCtx {
            pue,
            electricity,
            wue,
            temporal,
        })
    }

    pub(super) fn workload(&mut self, w: &'a Workload) -> Result<(), MethodError> {
        let item = ItemRef::new(ItemKind::Workload, w.id.clone());
        // Shared, not copied: every workload reads its site's terms and factor ids.
        let site = Rc::clone(
            self.sites
                .get(w.site.as_str())
                .ok_or_else(|| input_error(&item, format!("unknown site `{}`", w.site)))?,
        );
        let (pue, electricity, wue) = (&site.pue, &site.electricity, site.wue.clone());
        // The GWP of each electricity contribution follows the site's grid series, if any.
        let k_time = site.temporal.as_ref().and_then(|t| t.term(w));

        let (energy_terms, e_dev) = device_energy(w, &item)?;
        let share = period_share(w, &self.inv.system.period);
        let share = share.as_ref();
        // IT energy of each slice: energy measured at the facility boundary is divided by
        // the site's PUE (on-site WUE is per IT kWh).
        let mut e_it = EnergySum::default();
        e_it.add(e_dev, w.energy_boundary());
        let dev_pue = device_pue(pue, w);
        let mut draft = Draft::new(
            item.clone(),
            Aspect::Electricity,
            Stage::Use,
            if energy_terms.len() == 2 {
                "t_dev × P_dev × PUE × F_elec"
            } else {
                "E_IT × PUE × F_elec"
            },
        )
        .phase(Some(w.phase));
        for t in &energy_terms {
            draft = draft.term(t.clone());
        }
        let draft = with_time(draft.term(dev_pue), &k_time);
        self.b.contribute(prorated(draft, share), electricity);

        if let Some(idle) = &w.idle_energy {
            let kwh = idle.to(&units::KWH).map_err(|e| input_error(&item, e))?;
            if self.flag("include-idle") {
                let idle_pue = idle_pue(pue, w);
                e_it.add(kwh, w.idle_energy_boundary());
                let term = idle_energy(kwh);
                let draft = Draft::new(
                    item.clone(),
                    Aspect::IdleElectricity,
                    Stage::Use,
                    "E_idle × PUE × F_elec",
                )
                .phase(Some(w.phase))
                .presence(Driver::IdleOverhead)
                .term(term)
                .term(idle_pue);
                let draft = with_time(draft, &k_time);
                self.b.contribute(prorated(draft, share), electricity);
            } else {
                self.b.exclude(
                    item.clone(),
                    Some(Aspect::IdleElectricity),
                    None,
                    "parameter `include-idle` is false",
                    Some(Driver::IdleOverhead),
                );
            }
        }
        if let Some(host) = &w.host_overhead {
            if self.flag("include-host-overhead") {
                let mut draft = Draft::new(
                    item.clone(),
                    Aspect::HostElectricity,
                    Stage::Use,
                    "E_host × PUE × F_elec",
                )
                .phase(Some(w.phase))
                .presence(Driver::IdleOverhead);
                let (host, kwh) = host_overhead(host, e_dev, &item)?;
                let host_pue = host_pue(pue, w, &host);
                e_it.add(kwh, host_boundary(w, &host));
                draft = match host {
                    HostOverhead::Share(f_host) => {
                        draft.formula =
                            format!("{} × f_host × PUE × F_elec", device_formula(&energy_terms))
                                .into();
                        for t in &energy_terms {
                            draft = draft.term(t.clone());
                        }
                        draft.term(f_host)
                    }
                    HostOverhead::Energy(e_host) => draft.term(e_host),
                };
                let draft = with_time(draft.term(host_pue), &k_time);
                self.b.contribute(prorated(draft, share), electricity);
            } else {
                self.b.exclude(
                    item.clone(),
                    Some(Aspect::HostElectricity),
                    None,
                    "parameter `include-host-overhead` is false",
                    Some(Driver::IdleOverhead),
                );
            }
        }
        if w.fleet.is_none() {
            self.b.exclude(
                item.clone(),
                Some(Aspect::Embodied),
                None,
                "the workload names no fleet: the embodied impacts of its hardware cannot be allocated",
                Some(Driver::CapitalGoods),
            );
        }
        let s_period = share.map_or(1.0, |t| t.value);
        self.it_energy += e_it.at_it(pue.value) * s_period;
        let draft = Draft::new(
            item.clone(),
            Aspect::CoolingWater,
            Stage::Use,
            "E_IT_total × WUE",
        )
        .phase(Some(w.phase))
        .presence(Driver::IndicatorCoverage)
        .term(Term::new(
            "E_IT_total",
            e_it.at_it(pue.value),
            "kWh",
            TermSource::Derived {
                formula: if e_it.has_facility() {
                    "device + counted idle + counted host energy; energy measured at the facility boundary divided by the site's PUE"
                } else {
                    "device + counted idle + counted host energy"
                }
                .into(),
            },
        ));
        self.b
            .contribute(prorated(draft, share), &[(Indicator::Water, wue)]);
        Ok(())
    }
}
