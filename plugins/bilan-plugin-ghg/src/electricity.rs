//! Sites, their electricity factors (location-based Scope 2, Cat. 1 for cloud sites, Cat. 3)
//! and the workloads' electricity.

use std::sync::Arc;

use bilan_core::assessment::work::device_energy;
use bilan_core::assessment::{
    Aspect, Draft, Driver, FactorUse, ItemKind, ItemRef, Stage, Term, TermSource,
};
use bilan_core::factor::{Basis, Boundary, Factor, FactorQuery, Lookup, Quality};
use bilan_core::indicator::Indicator;
use bilan_core::inventory::{FactorOverride, Ownership, Site, Workload};
use bilan_core::method::MethodError;
use bilan_core::region::Region;
use bilan_core::units::{self, Dimension};

use super::{
    Energy, Run, SCOPE_2_LOCATION, SCOPE_2_MARKET, SCOPE_3_CAT_1, SCOPE_3_CAT_3, Share, SiteCtx,
    Slice, input_error, kg_per_kwh, sym,
};

impl<'a> Run<'a> {
    pub(super) fn site(&mut self, site: &Site) -> Result<SiteCtx, MethodError> {
        let item = ItemRef::new(ItemKind::Site, site.id.as_str());
        let pue = self.pue(site, &item)?;
        let scope2 = site.ownership != Ownership::Cloud;
        let (grid, upstream) = if scope2 {
            self.location_factor(site, &item)?
        } else {
            self.b.assume(
                "cloud-site",
                "cloud site: the provider buys the power and owns the hardware; its workloads' electricity is the provider's Scope 2, reported in the organisation's Scope 3 Cat. 1 and estimated with the life-cycle grid factor (cradle-to-gate of the service's electricity); no market-based figure, no Cat. 3, no capital goods".into(),
                Some(item.clone()),
            );
            let grid = self.cloud_factor(site, &item)?;
            (
                grid,
                Err("cloud site: the upstream of the provider's electricity is part of the service's cradle-to-gate (Cat. 1), not the organisation's Cat. 3".to_owned()),
            )
        };
        Ok(SiteCtx {
            scope2,
            pue,
            grid,
            upstream,
            market: Err("no Scope 2 electricity at this site".to_owned()),
        })
    }

    fn pue(&mut self, site: &Site, item: &ItemRef) -> Result<Term, MethodError> {
        let term = if let Some(q) = &site.pue {
            Term::new(
                "PUE",
                q.value(),
                "1",
                TermSource::Inventory {
                    path: item.path("pue").into(),
                },
            )
        } else if let Some(v) = self.params.number(self.d, "default-pue") {
            self.b.assume(
                "default-pue",
                format!("PUE not given: parameter `default-pue` = {v}"),
                Some(item.clone()),
            );
            Term::new(
                "PUE",
                v,
                "1",
                TermSource::Parameter {
                    name: "default-pue".into(),
                },
            )
        } else {
            let subject = "datacentre/pue/industry-average";
            let Some(f) = self
                .factors
                .for_subject(subject)
                .find(|f| f.indicator.is_none() && f.boundary == Boundary::FacilityOverhead)
            else {
                return Err(input_error(
                    item,
                    format!(
                        "no PUE given and no default `{subject}` in the factor database; set parameter `default-pue`"
                    ),
                ));
            };
            self.b.assume(
                "default-pue",
                format!(
                    "PUE not given: default {} from `{}` ({})",
                    f.value,
                    f.id,
                    f.source_line()
                ),
                Some(item.clone()),
            );
            Term::new(
                "PUE",
                f.value.value(),
                "1",
                TermSource::Factor {
                    id: f.id.as_str().into(),
                },
            )
        };
        Ok(term.driver(Driver::FacilityOverhead))
    }

    fn grid_lookup(&self, site: &Site, boundary: Boundary) -> Lookup<'a> {
        self.factors.lookup(&FactorQuery {
            subject: "electricity/grid",
            indicator: Some(Indicator::Gwp),
            region: &site.region,
            boundaries: &[boundary],
            preference: &[],
        })
    }

    fn warn_factor(&mut self, site: &Site, f: &Factor, fallback: bool) {
        if fallback {
            self.b.warn(format!(
                "site `{}`: no {} grid factor for {}; used {} (`{}`)",
                site.id, f.boundary, site.region, f.region, f.id
            ));
        }
        if f.quality != Quality::Ok {
            self.b.warn(format!(
                "site `{}`: grid factor `{}` is {}: {}",
                site.id,
                f.id,
                f.quality,
                f.notes.as_deref().unwrap_or("")
            ));
        }
    }

    fn override_grid(
        &mut self,
        site: &Site,
        item: &ItemRef,
        o: &FactorOverride,
    ) -> Result<Arc<str>, MethodError> {
        self.b.assume(
            "electricity-override",
            format!(
                "the inventory's grid factor wins over the database: {} (boundary \"{}\"; {})",
                o.value, o.boundary, o.source
            ),
            Some(item.clone()),
        );
        self.note(
            SCOPE_2_LOCATION,
            format!(
                "site `{}`: inventory factor (boundary \"{}\")",
                site.id, o.boundary
            ),
        );
        self.b.override_factor(
            &item.path("electricity.gwp"),
            "electricity/grid",
            Some(Indicator::Gwp),
            o,
            "F_grid",
            kg_per_kwh(),
            Some(Driver::ElectricityBoundary),
        )
    }

    /// Location-based Scope 2 factor and the Cat. 3 factor of an owned or colocation site.
    #[allow(clippy::type_complexity)]
    fn location_factor(
        &mut self,
        site: &Site,
        item: &ItemRef,
    ) -> Result<(Result<Arc<str>, String>, Result<Arc<str>, String>), MethodError> {
        if let Some(o) = site.electricity.get(&Indicator::Gwp) {
            if o.boundary.to_lowercase().contains("life") {
                self.b.warn(format!(
                    "site `{}`: the inventory's grid factor is life-cycle (\"{}\"); Scope 2 is combustion-only, so it includes upstream emissions that belong in Cat. 3",
                    site.id, o.boundary
                ));
            }
            let id = self.override_grid(site, item, o)?;
            let upstream = format!(
                "not computed: the site's grid factor is an inventory value (boundary \"{}\"), for which no matched combustion/life-cycle pair (same region, year and dataset) exists",
                o.boundary
            );
            return Ok((Ok(id), Err(upstream)));
        }
        match self.grid_lookup(site, Boundary::Combustion) {
            Lookup::Found(r) => {
                self.warn_factor(site, r.factor, !r.fallback.is_empty());
                let id = self.b.database_factor(
                    &r,
                    "F_grid",
                    kg_per_kwh(),
                    Some(Driver::ElectricityBoundary),
                )?;
                self.note(
                    SCOPE_2_LOCATION,
                    format!("site `{}`: combustion-only `{}`", site.id, r.factor.id),
                );
                let upstream = self.upstream_factor(site, r.factor)?;
                Ok((Ok(id), upstream))
            }
            Lookup::Absent { .. } | Lookup::Missing { .. } => {
                match self.grid_lookup(site, Boundary::LifeCycle) {
                    Lookup::Found(r) => {
                        self.warn_factor(site, r.factor, !r.fallback.is_empty());
                        let text = format!(
                            "no combustion-only grid factor for {}: location-based Scope 2 uses the life-cycle factor `{}` ({}), which also holds upstream and T&D losses (Cat. 3), so Scope 2 is overstated by that share (disclosed fallback)",
                            site.region,
                            r.factor.id,
                            r.factor.source_line()
                        );
                        self.b.warn(format!("site `{}`: {text}", site.id));
                        self.b
                            .assume("location-based-fallback", text, Some(item.clone()));
                        self.note(
                            SCOPE_2_LOCATION,
                            format!("site `{}`: life-cycle fallback `{}`", site.id, r.factor.id),
                        );
                        let id = self.b.database_factor(
                            &r,
                            "F_grid",
                            kg_per_kwh(),
                            Some(Driver::ElectricityBoundary),
                        )?;
                        let upstream = format!(
                            "not computed: no combustion-only grid factor for {}; the location-based Scope 2 already uses the life-cycle factor `{}`, which includes the upstream and T&D losses",
                            site.region, r.factor.id
                        );
                        Ok((Ok(id), Err(upstream)))
                    }
                    Lookup::Absent { reason, .. } => Ok((
                        Err(format!("no grid factor: {reason}")),
                        Err(format!("no grid factor: {reason}")),
                    )),
                    Lookup::Missing { tried, .. } => {
                        let reason = format!(
                            "no GWP grid factor for {}; give one under [site.electricity]",
                            tried
                                .iter()
                                .map(Region::code)
                                .collect::<Vec<_>>()
                                .join(", ")
                        );
                        Ok((Err(reason.clone()), Err(reason)))
                    }
                }
            }
        }
    }

    /// Cat. 3 factor from a matched pair: the life-cycle factor of the combustion factor's
    /// region, year and dataset, minus the combustion factor.
    fn upstream_factor(
        &mut self,
        site: &Site,
        comb: &Factor,
    ) -> Result<Result<Arc<str>, String>, MethodError> {
        let pair = self
            .factors
            .for_subject(&comb.subject)
            .filter(|f| {
                f.indicator == comb.indicator
                    && f.boundary == Boundary::LifeCycle
                    && f.region == comb.region
                    && f.year == comb.year
                    && f.dataset == comb.dataset
            })
            .last();
        let Some(lc) = pair else {
            let describe =
                |f: &Factor| format!("`{}` ({}, {}, {})", f.id, f.dataset, f.region, f.year);
            let reason = match self.grid_lookup(site, Boundary::LifeCycle) {
                Lookup::Found(r) => {
                    let l = r.factor;
                    let mut differ = Vec::new();
                    if l.region != comb.region {
                        differ.push("region");
                    }
                    if l.year != comb.year {
                        differ.push("year");
                    }
                    if l.dataset != comb.dataset {
                        differ.push("dataset");
                    }
                    format!(
                        "not computed: it needs a life-cycle and a combustion-only factor from the same dataset, region and year; the combustion factor is {} and the life-cycle factor is {}: different {}. A difference of unmatched factors could be negative or meaningless",
                        describe(comb),
                        describe(l),
                        differ.join(", ")
                    )
                }
                _ => format!(
                    "not computed: no life-cycle factor matches the combustion factor {} (same dataset, region and year)",
                    describe(comb)
                ),
            };
            return Ok(Err(reason));
        };
        let lc_v = lc.value_in(kg_per_kwh())?;
        let comb_v = comb.value_in(kg_per_kwh())?;
        if lc_v < comb_v {
            return Ok(Err(format!(
                "not computed: the life-cycle factor `{}` ({}) is below the combustion factor `{}` ({}) of the same dataset; a negative upstream is never reported",
                lc.id, lc.value, comb.id, comb.value
            )));
        }
        let id = self.b.factor(FactorUse {
            id: format!("derived:upstream:{}-minus-{}", lc.id, comb.id).into(),
            symbol: "F_upstream".into(),
            canonical: lc_v - comb_v,
            canonical_unit: kg_per_kwh().symbol().to_owned().into(),
            driver: Some(Driver::ElectricityBoundary),
            subject: "electricity/grid-upstream".into(),
            indicator: Some(Indicator::Gwp),
            value: format!("{} kg/kWh", lc_v - comb_v),
            boundary: "upstream and T&D losses (life-cycle minus combustion)".into(),
            region: Some(comb.region.code().to_owned()),
            requested_region: Some(site.region.code().to_owned()),
            fallback: Vec::new(),
            year: Some(comb.year),
            source: format!(
                "derived: life-cycle `{}` ({}) minus combustion `{}` ({}), both {} {} {}",
                lc.id, lc.value, comb.id, comb.value, comb.dataset, comb.region, comb.year
            ),
            licence: Some(comb.licence.clone()),
            basis: Some(Basis::Derived.id().to_owned()),
            quality: None,
            alternatives: Vec::new(),
            from_inventory: false,
        });
        Ok(Ok(id))
    }

    /// Life-cycle factor for a cloud site (Cat. 1); the site's own factor wins.
    fn cloud_factor(
        &mut self,
        site: &Site,
        item: &ItemRef,
    ) -> Result<Result<Arc<str>, String>, MethodError> {
        if let Some(o) = site.electricity.get(&Indicator::Gwp) {
            return self.override_grid(site, item, o).map(Ok);
        }
        match self.grid_lookup(site, Boundary::LifeCycle) {
            Lookup::Found(r) => {
                self.warn_factor(site, r.factor, !r.fallback.is_empty());
                self.b
                    .database_factor(
                        &r,
                        "F_grid",
                        kg_per_kwh(),
                        Some(Driver::ElectricityBoundary),
                    )
                    .map(Ok)
            }
            Lookup::Absent { reason, .. } => Ok(Err(format!("no grid factor: {reason}"))),
            Lookup::Missing { tried, .. } => Ok(Err(format!(
                "no life-cycle GWP grid factor for {}; give one under [site.electricity]",
                tried
                    .iter()
                    .map(Region::code)
                    .collect::<Vec<_>>()
                    .join(", ")
            ))),
        }
    }

    // ---------------------------------------------------------------------------------
    // Workloads
    // ---------------------------------------------------------------------------------

    pub(super) fn site_ctx(&self, item: &ItemRef, id: &str) -> Result<&SiteCtx, MethodError> {
        self.sites
            .get(id)
            .ok_or_else(|| input_error(item, format!("unknown site `{id}`")))
    }

    pub(super) fn energy(&mut self, w: &'a Workload) -> Result<Energy<'a>, MethodError> {
        let item = ItemRef::new(ItemKind::Workload, w.id.as_str());
        let pue = self.site_ctx(&item, &w.site)?.pue.value;
        let (energy_terms, e_dev) = device_energy(w, &item)?;
        let device_formula = if energy_terms.len() == 2 {
            "t_dev × P_dev"
        } else {
            "E_IT"
        };
        let mut e_it = e_dev;
        let mut slices = vec![Slice {
            aspect: Aspect::Electricity,
            formula: device_formula.to_owned(),
            terms: energy_terms.clone(),
            presence: None,
        }];
        if let Some(idle) = &w.idle_energy {
            let v = idle.to(&units::KWH).map_err(|e| input_error(&item, e))?;
            e_it += v;
            slices.push(Slice {
                aspect: Aspect::IdleElectricity,
                formula: "E_idle".to_owned(),
                terms: vec![
                    Term::new(
                        "E_idle",
                        v,
                        "kWh",
                        TermSource::Item {
                            key: "idle-energy".into(),
                        },
                    )
                    .driver(Driver::IdleOverhead),
                ],
                presence: Some(Driver::IdleOverhead),
            });
        }
        if let Some(host) = &w.host_overhead {
            let slice = if host.dimension() == Dimension::DIMENSIONLESS {
                e_it += e_dev * host.value();
                let mut terms = energy_terms;
                terms.push(
                    Term::new(
                        "f_host",
                        host.value(),
                        "1",
                        TermSource::Item {
                            key: "host-overhead".into(),
                        },
                    )
                    .driver(Driver::IdleOverhead),
                );
                Slice {
                    aspect: Aspect::HostElectricity,
                    formula: format!("{device_formula} × f_host"),
                    terms,
                    presence: Some(Driver::IdleOverhead),
                }
            } else {
                let v = host.to(&units::KWH).map_err(|e| input_error(&item, e))?;
                e_it += v;
                Slice {
                    aspect: Aspect::HostElectricity,
                    formula: "E_host".to_owned(),
                    terms: vec![
                        Term::new(
                            "E_host",
                            v,
                            "kWh",
                            TermSource::Item {
                                key: "host-overhead".into(),
                            },
                        )
                        .driver(Driver::IdleOverhead),
                    ],
                    presence: Some(Driver::IdleOverhead),
                }
            };
            slices.push(slice);
        }
        let share = self.share(&item, w.period.as_ref());
        let facility = e_it * share.value() * pue;
        Ok(Energy {
            w,
            item,
            slices,
            e_it,
            share,
            facility,
        })
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

    fn e_it_total(e: &Energy<'_>) -> Term {
        Term::new(
            "E_IT_total",
            e.e_it,
            "kWh",
            TermSource::Derived {
                formula: "device + idle + host IT energy".into(),
            },
        )
    }

    pub(super) fn workload(
        &mut self,
        e: &Energy<'a>,
        service: Option<usize>,
    ) -> Result<(), MethodError> {
        let item = e.item.clone();
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
        let ctx = self.site_ctx(&item, &e.w.site)?;
        let (scope2, pue, grid) = (ctx.scope2, ctx.pue.clone(), ctx.grid.clone());
        let (upstream, market) = (ctx.upstream.clone(), ctx.market.clone());
        if let Some(s) = service.and_then(|i| self.inv.services.get(i)) {
            for slice in &e.slices {
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
        match &grid {
            Ok(grid) => {
                for slice in &e.slices {
                    let mut draft = Draft::new(
                        item.clone(),
                        slice.aspect,
                        Stage::Use,
                        format!("{}{} × PUE × F_grid", slice.formula, sym(&e.share)),
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
                    self.b
                        .contribute(draft.term(pue.clone()), &[(Indicator::Gwp, grid.clone())]);
                }
            }
            Err(reason) => {
                for slice in &e.slices {
                    self.b.exclude(
                        item.clone(),
                        Some(slice.aspect),
                        Some(Indicator::Gwp),
                        reason.clone(),
                        Some(Driver::ElectricityBoundary),
                    );
                }
            }
        }
        if !scope2 {
            return Ok(());
        }
        let total_draft = |aspect, formula: &'static str| {
            let mut d = Draft::new(item.clone(), aspect, Stage::Use, formula)
                .phase(phase)
                .term(Self::e_it_total(e));
            if let Some(t) = &share_term {
                d = d.term(t.clone());
            }
            d.term(pue.clone())
        };
        match upstream {
            Ok(id) => {
                let draft = total_draft(
                    Aspect::ElectricityUpstream,
                    if e.share.term().is_some() {
                        "E_IT_total × s_period × PUE × F_upstream"
                    } else {
                        "E_IT_total × PUE × F_upstream"
                    },
                )
                .category(SCOPE_3_CAT_3)
                .presence(Driver::ElectricityBoundary);
                self.b.contribute(draft, &[(Indicator::Gwp, id)]);
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
                let mut draft = total_draft(
                    Aspect::MarketElectricity,
                    if e.share.term().is_some() {
                        "E_IT_total × s_period × PUE × F_mb"
                    } else {
                        "E_IT_total × PUE × F_mb"
                    },
                )
                .category(SCOPE_2_MARKET)
                .presence(Driver::ElectricityBasis);
                if !self.market_in_total {
                    draft = draft.memo();
                }
                self.b.contribute(draft, &[(Indicator::Gwp, id)]);
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
