//! Sites: PUE and the electricity factors of each boundary (location-based Scope 2, Cat. 1
//! for cloud sites, Cat. 3 upstream).

use std::sync::Arc;

use bilan_core::assessment::{Driver, FactorUse, ItemKind, ItemRef, Term};
use bilan_core::factor::{Basis, Boundary, Factor, Lookup, Resolved};
use bilan_core::indicator::Indicator;
use bilan_core::inventory::{FactorOverride, Ownership, Site};
use bilan_core::method::MethodError;
use bilan_core::region::Region;
use bilan_method_kit::site;
use bilan_method_kit::wording::GridNoun;

use super::{Run, SCOPE_2_LOCATION, SiteCtx, kg_per_kwh};

impl<'a> Run<'a> {
    pub(super) fn site(&mut self, site: &Site) -> Result<SiteCtx, MethodError> {
        let item = ItemRef::new(ItemKind::Site, site.id.as_str());
        let pue = self.pue(site)?;
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
        let temporal = bilan_method_kit::temporal::Temporal::of_site(
            &mut self.b,
            self.d,
            self.params,
            self.inv,
            site,
            // The reporting year when one is asked for.
            self.period,
        );
        Ok(SiteCtx {
            scope2,
            pue,
            grid,
            upstream,
            market: Err("no Scope 2 electricity at this site".to_owned()),
            temporal,
            matching: None,
        })
    }

    fn pue(&mut self, site: &Site) -> Result<Term, MethodError> {
        let defaults = site::Defaults::new(self.d, self.params, self.factors);
        Ok(site::pue(&mut self.b, defaults, site)?.or_error(site)?.term)
    }

    fn grid_lookup(&self, site: &Site, boundary: Boundary) -> Lookup<'a> {
        site::grid_lookup(self.factors, site, Indicator::Gwp, boundary)
    }

    /// Registers a database grid factor as `F_grid`.
    fn grid_factor(&mut self, r: &Resolved<'_>) -> Result<Arc<str>, MethodError> {
        let driver = Some(Driver::ElectricityBoundary);
        site::register_found(&mut self.b, r, Indicator::Gwp, "F_grid", driver)
    }

    fn warn_factor(&mut self, site: &Site, f: &Factor, fallback: bool) {
        site::warn_factor(
            &mut self.b,
            site,
            f,
            fallback,
            Indicator::Gwp,
            GridNoun::Factor,
        );
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
        site::register_override(
            &mut self.b,
            site,
            Indicator::Gwp,
            o,
            "F_grid",
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
                let id = self.grid_factor(&r)?;
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
                        let id = self.grid_factor(&r)?;
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
        let pair = site::matched_pair(self.factors, comb, Boundary::LifeCycle);
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
                self.grid_factor(&r).map(Ok)
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
}
