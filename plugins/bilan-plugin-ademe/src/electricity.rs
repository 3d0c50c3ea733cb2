//! Use stage: the site's PUE, WUE and electricity factors, and each workload's electricity and cooling water.

use std::sync::Arc;

use bilan_core::assessment::work::{device_energy, period_share, prorated};
use bilan_core::assessment::{
    Aspect, Draft, Driver, FactorUse, ItemKind, ItemRef, Stage, Term, TermSource,
};
use bilan_core::factor::{Boundary, FactorQuery, Lookup};
use bilan_core::indicator::Indicator;
use bilan_core::inventory::{Site, Workload};
use bilan_core::method::{MethodError, ParamValue};
use bilan_core::units::{self, Dimension, Unit};

use super::{ID, Run, SiteCtx, input_error, inventory_factor, per_kwh};

impl<'a> Run<'a> {
    pub(super) fn electricity_factor(
        &mut self,
        site: &Site,
        indicator: Indicator,
    ) -> Result<Option<Arc<str>>, MethodError> {
        let item = ItemRef::new(ItemKind::Site, site.id.as_str());
        let symbol = match indicator {
            Indicator::Gwp => "F_grid",
            Indicator::Water => "EWIF",
            Indicator::Adpe => "F_adpe",
            Indicator::Adpf => "F_adpf",
        };
        let driver = (indicator == Indicator::Gwp).then_some(Driver::ElectricityBoundary);
        if let Some(o) = site.electricity.get(&indicator) {
            let path = item.path(&format!("electricity.{indicator}"));
            return self
                .b
                .override_factor(
                    &path,
                    "electricity/grid",
                    Some(indicator),
                    o,
                    symbol,
                    per_kwh(indicator),
                    driver,
                )
                .map(Some);
        }
        let boundary = if indicator == Indicator::Water {
            Boundary::GenerationConsumption
        } else {
            Boundary::LifeCycle
        };
        match self.factors.lookup(&FactorQuery {
            subject: "electricity/grid",
            indicator: Some(indicator),
            region: &site.region,
            boundaries: &[boundary],
            preference: &[],
        }) {
            Lookup::Found(r) => {
                if !r.fallback.is_empty() {
                    self.b.warn(format!(
                        "site `{}`: no {indicator} factor for electricity in {}; used {} ({})",
                        site.id, site.region, r.factor.region, r.factor.id
                    ));
                }
                if r.factor.quality != bilan_core::factor::Quality::Ok {
                    self.b.warn(format!(
                        "site `{}`: {indicator} factor `{}` is {}: {}",
                        site.id,
                        r.factor.id,
                        r.factor.quality,
                        r.factor.notes.as_deref().unwrap_or("")
                    ));
                }
                self.b
                    .database_factor(&r, symbol, per_kwh(indicator), driver)
                    .map(Some)
            }
            Lookup::Absent { reason, .. } => {
                self.b.exclude(
                    item,
                    Some(Aspect::Electricity),
                    Some(indicator),
                    format!("no factor: {reason}"),
                    None,
                );
                Ok(None)
            }
            Lookup::Missing { tried, .. } => {
                self.b.exclude(
                    item,
                    Some(Aspect::Electricity),
                    Some(indicator),
                    format!(
                        "no {boundary} {indicator} factor for electricity in {}; give one under [site.electricity]",
                        tried.iter().map(|r| r.code()).collect::<Vec<_>>().join(", ")
                    ),
                    None,
                );
                Ok(None)
            }
        }
    }

    pub(super) fn site(&mut self, site: &Site) -> Result<SiteCtx, MethodError> {
        let item = ItemRef::new(ItemKind::Site, site.id.as_str());
        let pue = match &site.pue {
            Some(q) => Term::new(
                "PUE",
                q.value(),
                "1",
                TermSource::Inventory {
                    path: item.path("pue").into(),
                },
            ),
            None => self.default_parameter(
                &item,
                "default-pue",
                "datacentre/pue/industry-average",
                "PUE",
                None,
            )?,
        }
        .driver(Driver::FacilityOverhead);
        let mut electricity = Vec::new();
        for indicator in Indicator::ALL {
            if let Some(id) = self.electricity_factor(site, indicator)? {
                electricity.push((indicator, id));
            }
        }
        let wue = match &site.wue {
            Some(q) => {
                let canonical = q
                    .to(&units::M3_PER_KWH)
                    .map_err(|e| input_error(&item, e))?;
                self.b.factor(inventory_factor(
                    &item.path("wue"),
                    "datacentre/wue",
                    "WUE",
                    canonical,
                    &units::M3_PER_KWH,
                    q,
                    "on-site-consumption",
                ))
            }
            None => {
                let term = self.default_parameter(
                    &item,
                    "default-wue",
                    "datacentre/wue/us-average",
                    "WUE",
                    Some(Indicator::Water),
                )?;
                let id: Arc<str> = format!("default:wue:{}", term.value).into();
                self.b.factor(FactorUse {
                    id: id.clone(),
                    symbol: "WUE".into(),
                    canonical: term.value / 1000.0,
                    canonical_unit: "m3/kWh".into(),
                    driver: None,
                    subject: "datacentre/wue".into(),
                    indicator: Some(Indicator::Water),
                    value: format!("{} L/kWh", term.value),
                    boundary: "on-site-consumption".into(),
                    region: None,
                    requested_region: Some(site.region.code().to_owned()),
                    fallback: Vec::new(),
                    year: None,
                    source: match &term.source {
                        TermSource::Factor { id } => format!("database factor `{id}`"),
                        _ => "parameter `default-wue`".to_owned(),
                    },
                    licence: None,
                    basis: Some("default".into()),
                    quality: None,
                    alternatives: Vec::new(),
                    from_inventory: false,
                })
            }
        };
        Ok(SiteCtx {
            pue,
            electricity,
            wue,
        })
    }

    /// A site default: the parameter if given, else the database factor `subject`; recorded
    /// as an assumption on `item`. For WUE the term's value is in L/kWh.
    pub(super) fn default_parameter(
        &mut self,
        item: &ItemRef,
        param: &'static str,
        subject: &'static str,
        symbol: &'static str,
        indicator: Option<Indicator>,
    ) -> Result<Term, MethodError> {
        let given = match self.params.effective(self.d, param) {
            Some(ParamValue::Number(n)) => Some(*n),
            Some(ParamValue::Quantity(q)) => {
                Some(
                    q.to(&units::L_PER_KWH)
                        .map_err(|e| MethodError::BadParameter {
                            method: ID.into(),
                            name: param.into(),
                            message: e.to_string(),
                        })?,
                )
            }
            _ => None,
        };
        if let Some(value) = given {
            self.b.assume(
                param,
                format!("{symbol} not given: parameter `{param}` = {value}"),
                Some(item.clone()),
            );
            return Ok(Term::new(
                symbol,
                value,
                if indicator.is_some() { "L/kWh" } else { "1" },
                TermSource::Parameter { name: param.into() },
            ));
        }
        let boundary = if indicator.is_some() {
            Boundary::OnSiteConsumption
        } else {
            Boundary::FacilityOverhead
        };
        // A default is a single cited figure wherever the site is; its region is disclosed.
        let Some(f) = self
            .factors
            .for_subject(subject)
            .find(|f| f.indicator == indicator && f.boundary == boundary)
        else {
            return Err(MethodError::Input {
                item: item.to_string(),
                message: format!(
                    "no {symbol} given and no default `{subject}` in the factor database; set parameter `{param}`"
                ),
            });
        };
        let value = if indicator.is_some() {
            f.value.to(&units::L_PER_KWH)?
        } else {
            f.value.value()
        };
        self.b.assume(
            param,
            format!(
                "{symbol} not given: default {} from `{}` (region {}; {})",
                f.value,
                f.id,
                f.region,
                f.source_line()
            ),
            Some(item.clone()),
        );
        // List the default in the trail's factors, so the term's reference resolves.
        let resolved = bilan_core::factor::Resolved {
            factor: f,
            requested: f.region.clone(),
            fallback: Vec::new(),
            alternatives: Vec::new(),
        };
        let unit = if indicator.is_some() {
            units::L_PER_KWH.clone()
        } else {
            Unit::dimensionless()
        };
        self.b.database_factor(&resolved, symbol, &unit, None)?;
        Ok(Term::new(
            symbol,
            value,
            if indicator.is_some() { "L/kWh" } else { "1" },
            TermSource::Factor {
                id: f.id.as_str().into(),
            },
        ))
    }

    pub(super) fn workload(&mut self, w: &'a Workload) -> Result<(), MethodError> {
        let item = ItemRef::new(ItemKind::Workload, w.id.as_str());
        let site = self
            .sites
            .get(w.site.as_str())
            .ok_or_else(|| input_error(&item, format!("unknown site `{}`", w.site)))?;
        let (pue, electricity, wue) =
            (site.pue.clone(), site.electricity.clone(), site.wue.clone());

        let (energy_terms, e_dev) = device_energy(w, &item)?;
        let share = period_share(w, &self.inv.system.period);
        let share = share.as_ref();
        let mut e_it = e_dev;
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
        self.b
            .contribute(prorated(draft.term(pue.clone()), share), &electricity);

        if let Some(idle) = &w.idle_energy {
            let kwh = idle.to(&units::KWH).map_err(|e| input_error(&item, e))?;
            if self.flag("include-idle") {
                e_it += kwh;
                let term = Term::new(
                    "E_idle",
                    kwh,
                    "kWh",
                    TermSource::Item {
                        key: "idle-energy".into(),
                    },
                )
                .driver(Driver::IdleOverhead);
                let draft = Draft::new(
                    item.clone(),
                    Aspect::IdleElectricity,
                    Stage::Use,
                    "E_idle × PUE × F_elec",
                )
                .phase(Some(w.phase))
                .presence(Driver::IdleOverhead)
                .term(term)
                .term(pue.clone());
                self.b.contribute(prorated(draft, share), &electricity);
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
                if host.dimension() == Dimension::DIMENSIONLESS {
                    e_it += e_dev * host.value();
                    draft.formula = if energy_terms.len() == 2 {
                        "t_dev × P_dev × f_host × PUE × F_elec"
                    } else {
                        "E_IT × f_host × PUE × F_elec"
                    }
                    .into();
                    for t in &energy_terms {
                        draft = draft.term(t.clone());
                    }
                    draft = draft.term(
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
                } else {
                    let kwh = host.to(&units::KWH).map_err(|e| input_error(&item, e))?;
                    e_it += kwh;
                    draft = draft.term(
                        Term::new(
                            "E_host",
                            kwh,
                            "kWh",
                            TermSource::Item {
                                key: "host-overhead".into(),
                            },
                        )
                        .driver(Driver::IdleOverhead),
                    );
                }
                self.b
                    .contribute(prorated(draft.term(pue), share), &electricity);
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
            e_it,
            "kWh",
            TermSource::Derived {
                formula: "device + counted idle + counted host energy".into(),
            },
        ));
        self.b
            .contribute(prorated(draft, share), &[(Indicator::Water, wue)]);
        Ok(())
    }
}
