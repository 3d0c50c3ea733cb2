//! Market-based Scope 2: contractual instruments checked against the quality criteria the
//! inventory can show, allocated once, and the residual mix (or the disclosed fallback).

use std::rc::Rc;
use std::sync::Arc;

use bilan_core::assessment::{
    Aspect, Builder, Draft, Driver, FactorUse, ItemKind, ItemRef, Stage, Term, TermSource,
};
use bilan_core::factor::Basis;
use bilan_core::indicator::Indicator;
use bilan_core::inventory::{Instrument, InstrumentKind, Ownership, Site};
use bilan_core::method::MethodError;
use bilan_core::units;

use super::{
    Energy, ROUNDING, Run, SCOPE_2_MARKET, input_error, inventory_factor, kg_per_kwh, kwh,
};

/// The instrument kind in words.
fn kind_label(kind: InstrumentKind) -> &'static str {
    match kind {
        InstrumentKind::Ppa => "power purchase agreement",
        InstrumentKind::GuaranteeOfOrigin => "guarantee of origin",
        InstrumentKind::Rec => "renewable energy certificate",
    }
}

/// Refuses instrument `item` for `reason`, in the trail, explained by `driver`.
pub(super) fn refuse(b: &mut Builder, item: &ItemRef, reason: String, driver: Driver) {
    b.exclude(
        item.clone(),
        Some(Aspect::MarketElectricity),
        None,
        format!("refused: {reason}"),
        Some(driver),
    );
}

impl<'a> Run<'a> {
    /// Allocates the qualifying instruments to Scope 2 sites and registers each site's
    /// market-based factor.
    pub(super) fn market_based(&mut self, energies: &[Energy<'a>]) -> Result<(), MethodError> {
        let sites = &self.inv.sites;
        let mut need: Vec<f64> = sites
            .iter()
            .map(|s| {
                energies
                    .iter()
                    .filter(|e| e.w.site == s.id)
                    .map(|e| e.facility)
                    .sum()
            })
            .collect();
        let scope2: Vec<bool> = sites
            .iter()
            .map(|s| s.ownership != Ownership::Cloud)
            .collect();
        let total = need.clone();
        // Per site: (instrument index, kWh allocated).
        let mut uses: Vec<Vec<(usize, f64)>> = vec![Vec::new(); sites.len()];
        for (i, ins) in self.inv.instruments.iter().enumerate() {
            let item = ItemRef::new(ItemKind::Instrument, ins.id.as_str());
            let Some(in_market) = self.qualifies(ins, &item, &scope2) else {
                continue;
            };
            let energy = ins
                .energy
                .to(&units::KWH)
                .map_err(|e| input_error(&item, e))?;
            let inside = ins.period.overlap_days(&self.period);
            let days = ins.period.days().max(1);
            let share = (inside as f64 / days as f64).min(1.0);
            let mut available = energy * share;
            let offered = available;
            let mut allocated = Vec::new();
            for s in in_market {
                let take = available.min(need[s]);
                if take <= 0.0 {
                    continue;
                }
                available -= take;
                need[s] -= take;
                if need[s] <= ROUNDING * total[s] {
                    need[s] = 0.0;
                }
                allocated.push((s, take));
                uses[s].push((i, take));
                if available <= ROUNDING * offered {
                    available = 0.0;
                    break;
                }
            }
            let period_note = if share < 1.0 {
                format!(
                    "; {inside} of its {days} days lie in the reporting period, so {} of its {} count",
                    kwh(offered),
                    ins.energy
                )
            } else {
                String::new()
            };
            if allocated.is_empty() {
                self.b.exclude(
                    item,
                    Some(Aspect::MarketElectricity),
                    None,
                    format!("unused: the Scope 2 consumption of its market is already covered by earlier instruments, so claiming it would claim nothing{period_note}"),
                    Some(Driver::ElectricityBasis),
                );
                continue;
            }
            self.record_instrument(
                ins,
                item,
                &allocated,
                "overlapping period, allocated once",
                &format!("unused {}{period_note}", kwh(available)),
            )?;
        }
        for (s, site) in sites.iter().enumerate() {
            if !scope2[s] || total[s] <= 0.0 {
                continue;
            }
            let market = self.site_market_factor(site, total[s], need[s], &uses[s])?;
            if let Some(ctx) = self.sites.get_mut(site.id.as_str()).map(Rc::make_mut) {
                ctx.market = market;
            }
        }
        Ok(())
    }

    /// Records an instrument used: the assumption that says where its energy went, its
    /// factor, and a memo contribution `E_alloc × EF_instrument` (added after the workloads,
    /// whose market-based rows hold these emissions). `how` names the matching, `rest` what
    /// was left of it.
    pub(super) fn record_instrument(
        &mut self,
        ins: &Instrument,
        item: ItemRef,
        allocated: &[(usize, f64)],
        how: &str,
        rest: &str,
    ) -> Result<(), MethodError> {
        let sites = &self.inv.sites;
        let org = self.inv.system.organisation.as_deref().unwrap_or_default();
        let alloc_kwh: f64 = allocated.iter().map(|(_, v)| v).sum();
        let where_ = allocated
            .iter()
            .map(|(s, v)| format!("{} to site `{}`", kwh(*v), sites[*s].id))
            .collect::<Vec<_>>()
            .join(", ");
        self.b.assume(
            "instrument-used",
            format!(
                "instrument `{}` ({}, {}, {}, {}) meets the quality criteria the inventory can show (retired on behalf of `{}`, same market, {how}): {where_}; {rest}",
                ins.id,
                kind_label(ins.kind),
                ins.region,
                ins.period,
                ins.emission_factor,
                org.trim(),
            ),
            Some(item.clone()),
        );
        let ef = ins
            .emission_factor
            .to(kg_per_kwh())
            .map_err(|e| input_error(&item, e))?;
        let factor = self.b.factor(FactorUse {
            subject: "electricity/contractual-instrument".into(),
            value: ins.emission_factor.to_string(),
            boundary: "as conveyed by the instrument".into(),
            region: Some(ins.region.code().to_owned()),
            source: format!(
                "{} `{}` tracked in {}, issued in {} for {}",
                kind_label(ins.kind),
                ins.id,
                ins.tracking_system,
                ins.region,
                ins.period
            ),
            ..inventory_factor(
                &item.path("emission-factor"),
                "EF_instrument",
                ef,
                kg_per_kwh().symbol(),
            )
        });
        let draft = Draft::new(
            item,
            Aspect::MarketElectricity,
            Stage::Use,
            "E_alloc × EF_instrument",
        )
        .memo()
        .presence(Driver::ElectricityBasis)
        .term(Term::new(
            "E_alloc",
            alloc_kwh,
            "kWh",
            TermSource::Derived {
                formula: format!("energy allocated: {where_} (a record: these emissions are inside the workloads' market-based Scope 2)").into(),
            },
        ).driver(Driver::ElectricityBasis));
        self.instrument_records.push((draft, factor));
        self.note(SCOPE_2_MARKET, format!("instrument `{}` used", ins.id));
        Ok(())
    }

    /// The Scope 2 sites (by place) of `ins`'s market when it meets the quality criteria the
    /// inventory can show; otherwise `None`, with its refusal and the reason in the trail.
    pub(super) fn qualifies(
        &mut self,
        ins: &Instrument,
        item: &ItemRef,
        scope2: &[bool],
    ) -> Option<Vec<usize>> {
        let sites = &self.inv.sites;
        let refuse =
            |b: &mut Builder, reason: String| refuse(b, item, reason, Driver::ElectricityBasis);
        if !ins.retired {
            refuse(&mut self.b, "not retired or cancelled; Scope 2 quality criteria: an instrument must be retired, redeemed or cancelled by or on behalf of the reporting entity".into());
            return None;
        }
        let Some(org) = self.inv.system.organisation.as_deref() else {
            refuse(&mut self.b, "the inventory names no `system.organisation`, so retirement on behalf of the reporting entity cannot be shown".into());
            return None;
        };
        if ins.on_behalf_of.trim() != org.trim() {
            refuse(
                &mut self.b,
                format!(
                    "retired on behalf of `{}`, not of the reporting organisation `{}`",
                    ins.on_behalf_of.trim(),
                    org.trim()
                ),
            );
            return None;
        }
        if ins.region.is_world() {
            refuse(&mut self.b, "wrong market: issued for WORLD; an instrument must come from the market of the consuming operations".into());
            return None;
        }
        let inside = ins.period.overlap_days(&self.period);
        if inside <= 0 {
            refuse(
                &mut self.b,
                format!(
                    "wrong period: it covers generation from {}, outside the reporting period {}; instruments must match the period of consumption",
                    ins.period, self.period
                ),
            );
            return None;
        }
        let in_market: Vec<usize> = (0..sites.len())
            .filter(|&s| scope2[s] && sites[s].region.fallback_chain().contains(&ins.region))
            .collect();
        if in_market.is_empty() {
            let regions: Vec<&str> = sites
                .iter()
                .zip(scope2)
                .filter(|(_, s2)| **s2)
                .map(|(s, _)| s.region.code())
                .collect();
            refuse(
                &mut self.b,
                format!(
                    "wrong market: issued in {}, but no Scope 2 site draws power from that market ({}); instruments must come from the same market as the consuming operations",
                    ins.region,
                    if regions.is_empty() {
                        "the inventory has no owned or colocation site".to_owned()
                    } else {
                        format!("Scope 2 sites are in {}", regions.join(", "))
                    }
                ),
            );
            return None;
        }
        Some(in_market)
    }

    /// The market-based factor of one site: instruments for the covered energy, the
    /// residual mix (or the location-based factor, disclosed) for the rest.
    fn site_market_factor(
        &mut self,
        site: &Site,
        total: f64,
        uncovered: f64,
        uses: &[(usize, f64)],
    ) -> Result<Result<Arc<str>, String>, MethodError> {
        let item = ItemRef::new(ItemKind::Site, site.id.as_str());
        let mut emitted = 0.0;
        let mut parts = Vec::new();
        for &(i, used) in uses {
            let Some(ins) = self.inv.instruments.get(i) else {
                continue;
            };
            let ef = ins
                .emission_factor
                .to(kg_per_kwh())
                .map_err(|e| input_error(&item, e))?;
            emitted += used * ef;
            parts.push(format!(
                "{} × {ef} kg/kWh (instrument `{}`)",
                kwh(used),
                ins.id
            ));
        }
        if uncovered > 0.0 {
            let (value, label) = match self.residual(site, uncovered)? {
                Ok(found) => found,
                Err(reason) => return Ok(Err(reason)),
            };
            emitted += uncovered * value;
            parts.push(format!("{} × {value} kg/kWh ({label})", kwh(uncovered)));
        }
        let f_mb = emitted / total;
        let source = format!(
            "derived for site `{}`: ({}) / {} of facility energy in the reporting period",
            site.id,
            parts.join(" + "),
            kwh(total)
        );
        Ok(Ok(self.market_factor(
            site,
            f_mb,
            "market-based: contractual instruments, then residual mix",
            source,
        )))
    }

    /// Registers `f_mb` as site `site`'s market-based factor (`F_mb`), with its driver
    /// `market-matching`: what the matching of instruments to consumption gives.
    pub(super) fn market_factor(
        &mut self,
        site: &Site,
        f_mb: f64,
        boundary: &str,
        source: String,
    ) -> Arc<str> {
        self.b.factor(FactorUse {
            id: format!("derived:market:site[{}]", site.id).into(),
            symbol: "F_mb".into(),
            canonical: f_mb,
            canonical_unit: kg_per_kwh().symbol().to_owned().into(),
            driver: Some(Driver::MarketMatching),
            subject: "electricity/market-based".into(),
            indicator: Some(Indicator::Gwp),
            value: format!("{f_mb} kg/kWh"),
            boundary: boundary.to_owned(),
            region: Some(site.region.code().to_owned()),
            requested_region: None,
            fallback: Vec::new(),
            year: None,
            source,
            licence: None,
            basis: Some(Basis::Derived.id().to_owned()),
            quality: None,
            alternatives: Vec::new(),
            from_inventory: false,
        })
    }

    /// The rate of a site's energy not covered by instruments (`uncovered` kWh, for the
    /// texts): the residual mix of its market, else its location-based factor with a
    /// warning; with its label, or why there is none.
    pub(super) fn residual(
        &mut self,
        site: &Site,
        uncovered: f64,
    ) -> Result<Result<(f64, String), String>, MethodError> {
        let item = ItemRef::new(ItemKind::Site, site.id.as_str());
        let chain = site.region.fallback_chain();
        let residual = chain
            .iter()
            .filter(|r| !r.is_world())
            .find_map(|r| self.inv.residual_mixes.iter().find(|m| &m.region == r));
        if let Some(m) = residual {
            let v = m
                .factor
                .to(kg_per_kwh())
                .map_err(|e| input_error(&item, e))?;
            self.note(
                SCOPE_2_MARKET,
                format!(
                    "site `{}`: residual mix {} ({})",
                    site.id, m.region, m.source
                ),
            );
            return Ok(Ok((
                v,
                format!(
                    "residual mix of {} ({}{})",
                    m.region,
                    m.source,
                    m.year.map(|y| format!(", {y}")).unwrap_or_default()
                ),
            )));
        }
        let Some(lb) = self
            .sites
            .get(site.id.as_str())
            .and_then(|c| c.grid.as_ref().ok())
            .and_then(|id| self.b.factor_use(id))
            .map(|f| (f.canonical, f.id.clone()))
        else {
            return Ok(Err(format!(
                "no residual mix for {} and no location-based factor to fall back on",
                site.region
            )));
        };
        let text = format!(
            "no residual mix supplied for {}: the location-based factor `{}` is used for the {} not covered by instruments (disclosed, as the Scope 2 Guidance allows)",
            site.region,
            lb.1,
            kwh(uncovered)
        );
        self.b.warn(format!("site `{}`: {text}", site.id));
        self.b.assume("residual-mix-fallback", text, Some(item));
        self.note(
            SCOPE_2_MARKET,
            format!(
                "site `{}`: no residual mix, location-based fallback",
                site.id
            ),
        );
        Ok(Ok((
            lb.0,
            format!(
                "location-based factor `{}` (no residual mix supplied)",
                lb.1
            ),
        )))
    }
}
