//! The workloads' electricity (location-based Scope 2, Cat. 1 for cloud sites, Cat. 3).

use std::rc::Rc;

use bilan_core::assessment::{Aspect, Draft, Driver, ItemKind, ItemRef, Stage, Term, TermSource};
use bilan_core::indicator::Indicator;
use bilan_core::inventory::EnergyBoundary;
use bilan_core::inventory::{Ownership, Workload};
use bilan_core::method::MethodError;
use bilan_core::units::{self};
use bilan_method_kit::energy;
use bilan_method_kit::temporal::with_time;
use bilan_method_kit::terms::{
    EnergySum, HostOverhead, device_energy, device_formula, device_kwh, device_pue, host_boundary,
    host_overhead, host_pue, idle_energy, idle_pue, pue_for,
};

use super::{
    Energy, Run, SCOPE_2_LOCATION, SCOPE_2_MARKET, SCOPE_3_CAT_1, SCOPE_3_CAT_3, Share, SiteCtx,
    Slice, input_error, sym,
};

impl<'a> Run<'a> {
    // ---------------------------------------------------------------------------------
    // Workloads
    // ---------------------------------------------------------------------------------

    pub(super) fn site_ctx(&self, item: &ItemRef, id: &str) -> Result<&Rc<SiteCtx>, MethodError> {
        self.sites
            .get(id)
            .ok_or_else(|| input_error(item, format!("unknown site `{id}`")))
    }

    pub(super) fn energy(&mut self, w: &'a Workload) -> Result<Energy<'a>, MethodError> {
        let item = ItemRef::new(ItemKind::Workload, w.id.clone());
        let pue = self.site_ctx(&item, &w.site)?.pue.value;
        // The slices' terms are built when the workload is charged: a large inventory's
        // workloads are all held until then, and their terms would double what they take.
        let sum = self.energy_sum(w, &item)?;
        let share = self.share(&item, w.period.as_ref());
        let facility = if sum.has_facility() {
            sum.at_facility(pue) * share.value()
        } else {
            sum.it * share.value() * pue
        };
        Ok(Energy {
            w,
            e_it: sum.at_it(pue),
            sum,
            share,
            facility,
        })
    }

    /// The energy of `w`'s slices (device, idle, host) by the boundary it was measured at:
    /// what [`Run::slices`] describes, with the same errors, without writing their terms.
    fn energy_sum(&self, w: &Workload, item: &ItemRef) -> Result<EnergySum, MethodError> {
        self.site_ctx(item, &w.site)?;
        let e_dev = device_kwh(w, item)?;
        let mut sum = EnergySum::default();
        sum.add(e_dev, w.energy_boundary());
        if let Some(idle) = &w.idle_energy {
            let v = idle.to(&units::KWH).map_err(|e| input_error(item, e))?;
            sum.add(v, w.idle_energy_boundary());
        }
        if let Some(host) = &w.host_overhead {
            let (host, kwh) = host_overhead(host, e_dev, item)?;
            sum.add(kwh, host_boundary(w, &host));
        }
        Ok(sum)
    }

    /// `w`'s IT energy in slices (device, idle, host), as terms ([`Run::energy_sum`] sums
    /// their energy).
    fn slices(&self, w: &Workload, item: &ItemRef) -> Result<Vec<Slice>, MethodError> {
        let pue_term = &self.site_ctx(item, &w.site)?.pue;
        let (energy_terms, e_dev) = device_energy(w, item)?;
        let device_formula = device_formula(&energy_terms);
        let mut slices = vec![Slice {
            aspect: Aspect::Electricity,
            formula: device_formula.to_owned(),
            terms: energy_terms.clone(),
            presence: None,
            pue: device_pue(pue_term, w),
        }];
        if let Some(idle) = &w.idle_energy {
            let v = idle.to(&units::KWH).map_err(|e| input_error(item, e))?;
            slices.push(Slice {
                aspect: Aspect::IdleElectricity,
                formula: "E_idle".to_owned(),
                terms: vec![idle_energy(v)],
                presence: Some(Driver::IdleOverhead),
                pue: idle_pue(pue_term, w),
            });
        }
        if let Some(host) = &w.host_overhead {
            let (host, _) = host_overhead(host, e_dev, item)?;
            let host_pue = host_pue(pue_term, w, &host);
            let (formula, terms) = match host {
                HostOverhead::Share(f_host) => {
                    let mut terms = energy_terms;
                    terms.push(f_host);
                    ([device_formula, " × f_host"].concat(), terms)
                }
                HostOverhead::Energy(e_host) => ("E_host".to_owned(), vec![e_host]),
            };
            slices.push(Slice {
                aspect: Aspect::HostElectricity,
                formula,
                terms,
                presence: Some(Driver::IdleOverhead),
                pue: host_pue,
            });
        }
        Ok(slices)
    }

    /// For each workload, the cloud-compute service whose allocated emissions cover it: one
    /// bought in the reporting period, for the workload's phase (or any), from the site's
    /// provider (when both name one).
    pub(super) fn cloud_coverage(&self, energies: &[Energy<'a>]) -> Vec<Option<usize>> {
        energies
            .iter()
            .map(|e| {
                let site = self.inv.site(&e.w.site)?;
                if site.ownership != Ownership::Cloud {
                    return None;
                }
                self.inv.services.iter().position(|s| {
                    s.cloud_compute
                        && s.allocated.contains_key(&Indicator::Gwp)
                        && s.period
                            .unwrap_or(self.inv.system.period)
                            .overlap_days(&self.period)
                            > 0
                        && s.phase.is_none_or(|p| p == e.w.phase)
                        && match (&s.provider, &site.provider) {
                            (Some(a), Some(b)) => a.trim().eq_ignore_ascii_case(b.trim()),
                            _ => true,
                        }
                })
            })
            .collect()
    }

    /// The workload's energy for the contributions charged on its total (Cat. 3 upstream,
    /// market-based Scope 2), one group per boundary it was measured at: the IT energy
    /// (`E_IT_total`, × PUE), and what was measured at the facility boundary
    /// (`E_facility_total`, × a PUE of 1).
    fn totals(e: &Energy<'_>, pue: &Term) -> Vec<(Term, Term)> {
        let it = (
            Term::new(
                "E_IT_total",
                e.sum.it,
                "kWh",
                TermSource::Derived {
                    formula: "device + idle + host IT energy".into(),
                },
            ),
            pue.clone(),
        );
        if !e.sum.has_facility() {
            return vec![it];
        }
        let key = if e.w.energy_boundary() == EnergyBoundary::Facility {
            "energy-boundary"
        } else {
            "idle-energy-boundary"
        };
        let facility = (
            Term::new(
                "E_facility_total",
                e.sum.facility,
                "kWh",
                TermSource::Derived {
                    formula: "device + idle + host energy measured at the facility boundary".into(),
                },
            ),
            pue_for(pue, EnergyBoundary::Facility, key),
        );
        if e.sum.it == 0.0 {
            vec![facility]
        } else {
            vec![it, facility]
        }
    }

    pub(super) fn workload(
        &mut self,
        e: &Energy<'a>,
        service: Option<usize>,
    ) -> Result<(), MethodError> {
        let item = ItemRef::new(ItemKind::Workload, e.w.id.clone());
        let phase = Some(e.w.phase);
        if let Share::Outside(reason) = &e.share {
            self.b.exclude(
                item,
                None,
                None,
                format!("ran {reason}"),
                Some(Driver::TimeFrame),
            );
            return Ok(());
        }
        let slices = self.slices(e.w, &item)?;
        // Shared, not copied: every workload reads its site's terms and factors.
        let ctx = Rc::clone(self.site_ctx(&item, &e.w.site)?);
        let (scope2, pue, grid) = (ctx.scope2, &ctx.pue, &ctx.grid);
        let (upstream, market) = (&ctx.upstream, &ctx.market);
        // Location-based rows (grid and upstream) follow the site's grid series, if any; the
        // market-based rows follow the instruments.
        let k_time = ctx.temporal.as_ref().and_then(|t| t.term(e.w));
        let k_match = ctx.matching.as_ref().and_then(|c| match &e.w.metered {
            Some(m) => c.term_metered(&self.hours, &m.hourly),
            None => c.term(
                self.hours
                    .range(e.w.period.or(Some(self.inv.system.period)))?,
            ),
        });
        if let Some(s) = service.and_then(|i| self.inv.services.get(i)) {
            for slice in &slices {
                self.b.exclude(
                    item.clone(),
                    Some(slice.aspect),
                    None,
                    format!("cloud compute covered by service `{}`: the provider's allocated emissions (Cat. 1) include this electricity; counting its energy too would count it twice", s.id),
                    Some(Driver::OtherItems),
                );
            }
            return Ok(());
        }
        let category = if scope2 {
            SCOPE_2_LOCATION
        } else {
            SCOPE_3_CAT_1
        };
        let share_term = e.share.term();
        // Final electricity is carried once: by the location-based rows, unless the
        // market-based Scope 2 is the one in totals.
        let energy_on_market = scope2 && self.market_in_total && market.is_ok();
        let energy_id = energy::final_electricity(&mut self.b);
        self.it_energy += e.e_it * e.share.value();
        match &grid {
            Ok(grid) => {
                for slice in &slices {
                    let mut draft = Draft::new(
                        item.clone(),
                        slice.aspect,
                        Stage::Use,
                        [&slice.formula, sym(&e.share), " × PUE × F_grid"].concat(),
                    )
                    .phase(phase)
                    .category(category);
                    if scope2 && self.market_in_total {
                        draft = draft.memo();
                    }
                    if let Some(p) = slice.presence {
                        draft = draft.presence(p);
                    }
                    for t in &slice.terms {
                        draft = draft.term(t.clone());
                    }
                    if let Some(t) = &share_term {
                        draft = draft.term(t.clone());
                    }
                    let mut factors = vec![(Indicator::Gwp, grid.clone())];
                    if !energy_on_market {
                        factors.push((Indicator::Energy, energy_id.clone()));
                    }
                    let draft = with_time(draft.term(slice.pue.clone()), &k_time);
                    self.b.contribute(draft, &factors);
                }
            }
            Err(reason) => {
                for slice in &slices {
                    self.b.exclude(
                        item.clone(),
                        Some(slice.aspect),
                        Some(Indicator::Gwp),
                        reason.clone(),
                        Some(Driver::ElectricityBoundary),
                    );
                    // Its energy is known all the same.
                    let mut draft = Draft::new(
                        item.clone(),
                        slice.aspect,
                        Stage::Use,
                        [&slice.formula, sym(&e.share), " × PUE"].concat(),
                    )
                    .phase(phase)
                    .category(category);
                    if let Some(p) = slice.presence {
                        draft = draft.presence(p);
                    }
                    for t in slice.terms.iter().chain(&share_term) {
                        draft = draft.term(t.clone());
                    }
                    self.b.contribute(
                        draft.term(slice.pue.clone()),
                        &[(Indicator::Energy, energy_id.clone())],
                    );
                }
            }
        }
        if !scope2 {
            return Ok(());
        }
        let totals = Self::totals(e, pue);
        let total_drafts = |aspect, factor: &str| {
            totals
                .iter()
                .map(|(energy, pue)| {
                    let s_period = if share_term.is_some() {
                        " × s_period"
                    } else {
                        ""
                    };
                    let formula = [&energy.symbol, s_period, " × PUE × ", factor].concat();
                    let mut d = Draft::new(item.clone(), aspect, Stage::Use, formula)
                        .phase(phase)
                        .term(energy.clone());
                    if let Some(t) = &share_term {
                        d = d.term(t.clone());
                    }
                    d.term(pue.clone())
                })
                .collect::<Vec<_>>()
        };
        match upstream {
            Ok(id) => {
                for draft in total_drafts(Aspect::ElectricityUpstream, "F_upstream") {
                    let draft = draft
                        .category(SCOPE_3_CAT_3)
                        .presence(Driver::ElectricityBoundary);
                    let draft = with_time(draft, &k_time);
                    self.b.contribute(draft, &[(Indicator::Gwp, id.clone())]);
                }
            }
            // Once per site, not per workload: the reason is the site's factors.
            Err(reason) => {
                if self
                    .site_gaps
                    .insert((e.w.site.as_str(), Aspect::ElectricityUpstream))
                {
                    self.b.exclude(
                        ItemRef::new(ItemKind::Site, e.w.site.as_str()),
                        Some(Aspect::ElectricityUpstream),
                        Some(Indicator::Gwp),
                        format!("Cat. 3 of the electricity used at this site {reason}"),
                        Some(Driver::ElectricityBoundary),
                    );
                }
            }
        }
        match market {
            Ok(id) => {
                for draft in total_drafts(Aspect::MarketElectricity, "F_mb") {
                    let mut draft = draft
                        .category(SCOPE_2_MARKET)
                        .presence(Driver::ElectricityBasis);
                    if !self.market_in_total {
                        draft = draft.memo();
                    }
                    let draft = with_time(draft, &k_match);
                    let mut factors = vec![(Indicator::Gwp, id.clone())];
                    if energy_on_market {
                        factors.push((Indicator::Energy, energy_id.clone()));
                    }
                    self.b.contribute(draft, &factors);
                }
            }
            Err(reason) => {
                if self
                    .site_gaps
                    .insert((e.w.site.as_str(), Aspect::MarketElectricity))
                {
                    self.b.exclude(
                        ItemRef::new(ItemKind::Site, e.w.site.as_str()),
                        Some(Aspect::MarketElectricity),
                        Some(Indicator::Gwp),
                        format!("market-based Scope 2 of the electricity used at this site not computed: {reason}"),
                        Some(Driver::ElectricityBasis),
                    );
                }
            }
        }
        Ok(())
    }
}
