//! ADEME-style life-cycle assessment of an AI system (id `ademe-lca`).
//!
//! Follows the French framework as publicly described (AFNOR Spec 2314 "Frugal AI", ADEME
//! product category rules for digital services and data centres, ISO 14040/44) and the
//! choices of the Mistral Large 2 LCA (Carbone 4 with ADEME, 2025): multi-criteria
//! (GWP100, water consumption, ADPe, ADPf), location-based life-cycle electricity factors,
//! embodied hardware amortised over its lifetime, data-centre building, transport and end
//! of life, and Mistral's three disclosure indicators.
//!
//! Stages and formulas (symbols as they appear in the audit trail):
//!
//! * use, electricity: `E_IT × PUE × F_elec` per slice of IT energy (active, idle, host);
//!   `F_elec` is the site's override, else the life-cycle grid factor of its region;
//! * use, water: on site `E_IT × WUE` (WUE is per kWh of IT energy), off site
//!   `E_IT × PUE × EWIF` (water consumed to generate the facility's electricity);
//! * manufacturing: `T_res / L [/ u] × EF_device`, per fleet, where `T_res` is the device
//!   time its workloads reserved and `L` the lifetime (a year is 365 days); host servers add
//!   `T_res / L / D_host × EF_server`;
//! * infrastructure: `I_building × t / L_building × share`;
//! * transport and end of life: given impacts, amortised like their fleet when tied to one.
//!
//! Contractual instruments are not used (location-based method) and offsets are not
//! deductible; both are listed as exclusions.

use rustc_hash::FxHashMap;
use std::sync::Arc;

use bilan_core::assessment::work::{device_energy, period_share, prorated, reserved};
use bilan_core::assessment::{
    Allocation, Aspect, Assessment, Builder, Disclosure, Draft, Driver, FactorUse, ItemKind,
    ItemRef, Stage, Term, TermSource, functional_unit_results,
};
use bilan_core::factor::{Basis, Boundary, FactorQuery, FactorSet, Lookup};
use bilan_core::indicator::Indicator;
use bilan_core::inventory::{FactorOverride, Fleet, Inventory, Phase, Site, Workload};
use bilan_core::method::{
    Descriptor, MethodError, Methodology, ParamKind, ParamSpec, ParamValue, Parameters, RuleSpec,
};
use bilan_core::units::{self, Dimension, Quantity, Unit};

/// Method id.
pub const ID: &str = "ademe-lca";

/// The ADEME-style life-cycle method.
#[derive(Debug)]
pub struct AdemeLca {
    descriptor: Descriptor,
}

impl Default for AdemeLca {
    fn default() -> Self {
        AdemeLca {
            descriptor: descriptor(),
        }
    }
}

fn descriptor() -> Descriptor {
    Descriptor {
        id: ID.to_owned(),
        name: "ADEME-style life-cycle assessment".to_owned(),
        version: semver::Version::new(1, 0, 0),
        summary: "multi-criteria LCA (GWP, water, ADPe, ADPf), location-based life-cycle electricity, embodied hardware amortised over its lifetime".to_owned(),
        indicators: Indicator::ALL.to_vec(),
        boundary: "cradle to grave of the functional unit: hardware manufacturing (amortised), transport, use (IT energy incl. idle and host overhead × PUE, on- and off-site water), data-centre building, end of life".to_owned(),
        parameters: vec![
            ParamSpec::new(
                "default-lifetime",
                ParamKind::quantity(Dimension::TIME),
                Some(ParamValue::Quantity(Quantity::parse("4 years").expect("`4 years` parses"))),
                "hardware lifetime when a fleet gives none (a year is 365 days); practice ranges 3 to 6 years",
            ),
            ParamSpec::new(
                "utilisation-divisor",
                ParamKind::Choice { values: vec!["off".into(), "inventory".into()] },
                Some(ParamValue::Text("off".into())),
                "`inventory` divides embodied impacts by each workload's `utilisation`, charging idle capacity to the work done",
            ),
            ParamSpec::new(
                "default-pue",
                ParamKind::Number { min: Some(1.0), max: None },
                None,
                "PUE for sites that give none; default: the database's industry average (Uptime Institute 2024)",
            ),
            ParamSpec::new(
                "default-wue",
                ParamKind::quantity(Dimension::VOLUME_PER_ENERGY),
                None,
                "on-site WUE (per IT kWh) for sites that give none; default: the database's US average (LBNL 2024)",
            ),
            ParamSpec::new("include-idle", ParamKind::Bool, Some(ParamValue::Bool(true)), "count idle or reserved energy"),
            ParamSpec::new("include-host-overhead", ParamKind::Bool, Some(ParamValue::Bool(true)), "count host CPU, memory and network energy"),
            ParamSpec::new("include-host-embodied", ParamKind::Bool, Some(ParamValue::Bool(true)), "count the embodied impacts of host servers"),
            ParamSpec::new(
                "embodied-preference",
                ParamKind::Choice { values: vec!["vendor-pcf".into(), "parametric".into()] },
                Some(ParamValue::Text("vendor-pcf".into())),
                "which hardware figure wins when sources disagree: a vendor PCF reviewed under ISO 14067 (then a teardown LCA, then the parametric model), or the parametric model first",
            ),
        ],
        rules: vec![
            RuleSpec::new(Driver::CapitalGoods, "amortised", "embodied impacts of hardware and buildings are amortised: impact × time used / lifetime × share"),
            RuleSpec::new(Driver::UtilisationDivisor, "optional", "embodied impacts may be divided by utilisation (parameter `utilisation-divisor`)"),
            RuleSpec::new(Driver::ElectricityBasis, "location-based", "grid-average factors of the site's region; contractual instruments are not used"),
            RuleSpec::new(Driver::ElectricityBoundary, "life-cycle", "electricity factors include upstream, plant construction and T&D losses"),
            RuleSpec::new(Driver::FacilityOverhead, "included", "IT energy × PUE"),
            RuleSpec::new(Driver::IdleOverhead, "included", "idle or reserved energy and host overhead count"),
            RuleSpec::new(Driver::HostEmbodied, "included", "host servers' embodied impacts count, shared among their accelerators"),
            RuleSpec::new(Driver::Building, "included", "data-centre building amortised over its life × share"),
            RuleSpec::new(Driver::Transport, "included", "transport of hardware, amortised like its fleet"),
            RuleSpec::new(Driver::EndOfLife, "included", "end of life of hardware, amortised like its fleet"),
            RuleSpec::new(Driver::IndicatorCoverage, "multi-criteria", "GWP100, water consumption, ADPe, ADPf"),
            RuleSpec::new(Driver::TimeFrame, "life cycle", "every workload of the inventory, whatever the reporting period"),
            RuleSpec::new(Driver::OtherItems, "included", "purchased services, fuels and refrigerant leakage count"),
        ],
        references: vec![
            "AFNOR Spec 2314 (2024), Référentiel général pour l'IA frugale".to_owned(),
            "ADEME, Référentiel méthodologique d'évaluation environnementale des services numériques (RCP)".to_owned(),
            "ADEME, RCP Services d'hébergement informatique en centre de données et services Cloud (2023)".to_owned(),
            "ISO 14040:2006 and ISO 14044:2006".to_owned(),
            "Mistral AI with Carbone 4 and ADEME (2025), LCA of Mistral Large 2".to_owned(),
        ],
    }
}

impl Methodology for AdemeLca {
    fn descriptor(&self) -> &Descriptor {
        &self.descriptor
    }

    fn assess(
        &self,
        inventory: &Inventory,
        factors: &FactorSet,
        parameters: &Parameters,
    ) -> Result<Assessment, MethodError> {
        Run::new(&self.descriptor, inventory, factors, parameters)?.assess()
    }
}

/// The factor registered for each indicator a contribution has a value for.
type FactorIds = Vec<(Indicator, Arc<str>)>;

/// Electricity and water factors of one site.
struct SiteCtx {
    pue: Term,
    /// Per indicator: electricity factor id.
    electricity: FactorIds,
    wue: Arc<str>,
}

/// Embodied factors of one fleet.
struct FleetCtx {
    lifetime: Term,
    embodied: FactorIds,
    host: Option<(Term, FactorIds)>,
}

/// Device time reserved on a fleet by its workloads.
#[derive(Clone, Debug, Default)]
struct Reserved {
    /// Σ device-hours.
    total: f64,
    /// Each workload's share.
    allocation: Vec<Allocation>,
    /// Each workload's utilisation, aligned with `allocation`.
    utilisation: Vec<Option<f64>>,
}

struct Run<'a> {
    d: &'a Descriptor,
    inv: &'a Inventory,
    factors: &'a FactorSet,
    params: &'a Parameters,
    b: Builder,
    sites: FxHashMap<&'a str, SiteCtx>,
    reserved: FxHashMap<&'a str, Reserved>,
    preference: &'static [Basis],
}

const HARDWARE_BOUNDARIES: [Boundary; 2] = [Boundary::CradleToGate, Boundary::CradleToGraveExclUse];

fn per_kwh(indicator: Indicator) -> &'static Unit {
    match indicator {
        Indicator::Gwp | Indicator::Adpe => &units::KG_PER_KWH,
        Indicator::Water => &units::M3_PER_KWH,
        Indicator::Adpf => &units::MJ_PER_KWH,
    }
}

fn per_device(indicator: Indicator) -> &'static Unit {
    match indicator {
        Indicator::Gwp | Indicator::Adpe => &units::KG_PER_DEVICE,
        Indicator::Water => &units::M3_PER_DEVICE,
        Indicator::Adpf => &units::MJ_PER_DEVICE,
    }
}

fn absolute(indicator: Indicator) -> &'static Unit {
    match indicator {
        Indicator::Gwp | Indicator::Adpe => &units::KG,
        Indicator::Water => &units::M3,
        Indicator::Adpf => &units::MJ,
    }
}

fn input_error(item: &ItemRef, e: impl ToString) -> MethodError {
    MethodError::Input {
        item: item.to_string(),
        message: e.to_string(),
    }
}

impl<'a> Run<'a> {
    fn new(
        d: &'a Descriptor,
        inv: &'a Inventory,
        factors: &'a FactorSet,
        params: &'a Parameters,
    ) -> Result<Self, MethodError> {
        params.check(d)?;
        let preference = Basis::embodied_preference(params.text(d, "embodied-preference"));
        Ok(Run {
            d,
            inv,
            factors,
            params,
            b: Builder::new(d, params)
                .with_capacity(2 * inv.workloads.len() + 4 * inv.fleets.len()),
            sites: FxHashMap::default(),
            reserved: FxHashMap::default(),
            preference,
        })
    }

    fn flag(&self, name: &str) -> bool {
        self.params.bool(self.d, name).unwrap_or(true)
    }

    fn assess(mut self) -> Result<Assessment, MethodError> {
        for site in &self.inv.sites {
            let ctx = self.site(site)?;
            self.sites.insert(site.id.as_str(), ctx);
        }
        for workload in &self.inv.workloads {
            self.workload(workload)?;
        }
        for fleet in &self.inv.fleets {
            self.fleet(fleet)?;
        }
        self.buildings()?;
        self.fleet_bound_items()?;
        self.other_items()?;
        for ins in &self.inv.instruments {
            self.b.exclude(
                ItemRef::new(ItemKind::Instrument, ins.id.as_str()),
                Some(Aspect::MarketElectricity),
                None,
                "location-based life-cycle method: contractual instruments (PPAs, guarantees of origin, RECs) do not change the electricity factor",
                Some(Driver::ElectricityBasis),
            );
        }
        for offset in &self.inv.offsets {
            self.b.exclude(
                ItemRef::new(ItemKind::Offset, offset.id.as_str()),
                Some(Aspect::Offset),
                None,
                "offsets are not deductible in a life-cycle assessment",
                None,
            );
        }
        self.b.coverage_note(
            Indicator::Adpe,
            "electricity's ADPe is excluded where no openly licensed factor exists (see exclusions); hardware dominates ADPe",
        );
        self.b.coverage_note(Indicator::Adpf, "electricity's ADPf is excluded where no openly licensed factor exists (see exclusions)");
        let (fu, notes) = functional_unit_results(self.inv, self.b.assessment())?;
        self.b.functional_units(fu);
        for note in notes {
            self.b.warn(note);
        }
        self.disclosures();
        Ok(self.b.finish())
    }

    fn electricity_factor(
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

    fn site(&mut self, site: &Site) -> Result<SiteCtx, MethodError> {
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
    fn default_parameter(
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

    fn workload(&mut self, w: &'a Workload) -> Result<(), MethodError> {
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

    fn fleet_ctx(&mut self, fleet: &'a Fleet) -> Result<FleetCtx, MethodError> {
        let item = ItemRef::new(ItemKind::Fleet, fleet.id.as_str());
        let lifetime = match &fleet.lifetime {
            Some(q) => Term::new(
                "L",
                q.to(&units::HOUR).map_err(|e| input_error(&item, e))?,
                "h",
                TermSource::Item {
                    key: "lifetime".into(),
                },
            ),
            None => {
                let q = self
                    .params
                    .quantity(self.d, "default-lifetime")
                    .ok_or_else(|| {
                        MethodError::Other("parameter `default-lifetime` has no value".into())
                    })?;
                self.b.assume(
                    "default-lifetime",
                    format!("lifetime not given: parameter `default-lifetime` = {q}"),
                    Some(item.clone()),
                );
                Term::new(
                    "L",
                    q.to(&units::HOUR)?,
                    "h",
                    TermSource::Parameter {
                        name: "default-lifetime".into(),
                    },
                )
            }
        }
        .dividing()
        .driver(Driver::CapitalGoods);
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
                let d = Term::new(
                    "D_host",
                    host.devices_per_host,
                    "device/server",
                    TermSource::Item {
                        key: "host.devices-per-host".into(),
                    },
                )
                .dividing()
                .driver(Driver::HostEmbodied);
                Some((d, factors))
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
        let subject = format!("hardware/{model}");
        let mut out = Vec::new();
        for indicator in Indicator::ALL {
            if let Some(o) = overrides.get(&indicator) {
                let path = item.path(&format!("{key}.{indicator}"));
                out.push((
                    indicator,
                    self.b.override_factor(
                        &path,
                        &subject,
                        Some(indicator),
                        o,
                        symbol,
                        per_device(indicator),
                        Some(Driver::FactorChoice),
                    )?,
                ));
                continue;
            }
            match self.factors.lookup(&FactorQuery {
                subject: &subject,
                indicator: Some(indicator),
                region: &bilan_core::region::Region::world(),
                boundaries: &HARDWARE_BOUNDARIES,
                preference: self.preference,
            }) {
                Lookup::Found(r) => {
                    if !r.alternatives.is_empty() {
                        self.b.assume(
                            "factor-preference",
                            format!(
                                "{subject} {indicator}: chose `{}` ({}) over {} by the preference order of `embodied-preference`",
                                r.factor.id,
                                r.factor.basis.id(),
                                r.alternatives.iter().map(|a| format!("`{}` ({})", a.id, a.basis.id())).collect::<Vec<_>>().join(", ")
                            ),
                            Some(item.clone()),
                        );
                    }
                    out.push((
                        indicator,
                        self.b.database_factor(
                            &r,
                            symbol,
                            per_device(indicator),
                            Some(Driver::FactorChoice),
                        )?,
                    ));
                }
                Lookup::Absent { reason, .. } => {
                    self.b.no_factor(
                        item,
                        aspect_of(key),
                        indicator,
                        &subject,
                        Some(&reason),
                        key,
                    );
                }
                Lookup::Missing { .. } => {
                    self.b
                        .no_factor(item, aspect_of(key), indicator, &subject, None, key);
                }
            }
        }
        Ok(out)
    }

    fn fleet(&mut self, fleet: &'a Fleet) -> Result<(), MethodError> {
        let item = ItemRef::new(ItemKind::Fleet, fleet.id.as_str());
        let reserved = self.reserved_time(fleet)?;
        let (t_res, allocation) = (reserved.total, reserved.allocation.clone());
        if t_res <= 0.0 {
            self.b.exclude(
                item,
                Some(Aspect::Embodied),
                None,
                "no workload reserved this fleet: nothing to amortise over the functional unit",
                Some(Driver::CapitalGoods),
            );
            return Ok(());
        }
        let ctx = self.fleet_ctx(fleet)?;
        let t_term = Term::new(
            "T_res",
            t_res,
            "GPU·h",
            TermSource::Derived {
                formula: "Σ device time reserved by the fleet's workloads".into(),
            },
        )
        .driver(Driver::CapitalGoods);
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
    fn reserved_time(&mut self, fleet: &'a Fleet) -> Result<Reserved, MethodError> {
        if let Some(r) = self.reserved.get(fleet.id.as_str()) {
            return Ok(r.clone());
        }
        let r = reserved(self.inv, fleet)?;
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
            utilisation: r.utilisation,
        };
        self.reserved.insert(fleet.id.as_str(), reserved.clone());
        Ok(reserved)
    }

    /// The utilisation term, when the parameter asks for it: the device-time-weighted
    /// harmonic mean of the workloads' utilisation, so that T_res / u = Σ t_w / u_w.
    fn utilisation_divisor(
        &mut self,
        fleet: &Fleet,
        reserved: &Reserved,
    ) -> Result<Option<Term>, MethodError> {
        if self.params.text(self.d, "utilisation-divisor") != Some("inventory") {
            return Ok(None);
        }
        let mut weighted = 0.0;
        for (a, utilisation) in reserved.allocation.iter().zip(&reserved.utilisation) {
            let u = match *utilisation {
                Some(u) => u,
                None => {
                    self.b.assume(
                        "utilisation",
                        "utilisation not given: no divisor (u = 1) for this workload".into(),
                        Some(ItemRef::new(ItemKind::Workload, a.workload.clone())),
                    );
                    1.0
                }
            };
            weighted += a.share / u;
        }
        let u = if weighted > 0.0 { 1.0 / weighted } else { 1.0 };
        Ok(Some(
            Term::new("u", u, "1", TermSource::Derived { formula: format!("harmonic mean of workloads' utilisation on fleet `{}`, weighted by device time", fleet.id).into() })
                .dividing()
                .driver(Driver::UtilisationDivisor),
        ))
    }

    fn buildings(&mut self) -> Result<(), MethodError> {
        for b in &self.inv.buildings {
            let item = ItemRef::new(ItemKind::Building, b.id.as_str());
            let (t, t_source) = match &b.time {
                Some(q) => (
                    q.to(&units::HOUR).map_err(|e| input_error(&item, e))?,
                    TermSource::Item { key: "time".into() },
                ),
                None => {
                    let days = self.inv.system.period.days() as f64;
                    self.b.assume(
                        "building-time",
                        format!(
                            "building share used over the reporting period ({}, {days} days)",
                            self.inv.system.period
                        ),
                        Some(item.clone()),
                    );
                    (
                        days * 24.0,
                        TermSource::Inventory {
                            path: "system.period".into(),
                        },
                    )
                }
            };
            let l = b
                .lifetime
                .to(&units::HOUR)
                .map_err(|e| input_error(&item, e))?;
            let factors = self.item_impacts(&item, "impacts", &b.impacts)?;
            let draft = Draft::new(
                item,
                Aspect::Building,
                Stage::Infrastructure,
                "I_building × t / L_building × share",
            )
            .presence(Driver::Building)
            .term(Term::new("t", t, "h", t_source).driver(Driver::CapitalGoods))
            .term(
                Term::new(
                    "L_building",
                    l,
                    "h",
                    TermSource::Item {
                        key: "lifetime".into(),
                    },
                )
                .dividing()
                .driver(Driver::CapitalGoods),
            )
            .term(Term::new(
                "share",
                b.share,
                "1",
                TermSource::Item {
                    key: "share".into(),
                },
            ));
            self.b.contribute(draft, &factors);
        }
        Ok(())
    }

    /// Registers an item's own impacts (per indicator) as factors and records the
    /// indicators it does not give.
    fn item_impacts(
        &mut self,
        item: &ItemRef,
        key: &str,
        impacts: &std::collections::BTreeMap<Indicator, bilan_core::inventory::SourcedQuantity>,
    ) -> Result<Vec<(Indicator, Arc<str>)>, MethodError> {
        let mut out = Vec::new();
        for indicator in Indicator::ALL {
            match impacts.get(&indicator) {
                Some(q) => {
                    let unit = absolute(indicator);
                    let canonical = q.value.to(unit).map_err(|e| input_error(item, e))?;
                    let mut use_ = inventory_factor(
                        &item.path(&format!("{key}.{indicator}")),
                        item.kind.key(),
                        "I",
                        canonical,
                        unit,
                        &q.value,
                        "as given",
                    );
                    use_.indicator = Some(indicator);
                    use_.source = q.source.clone();
                    out.push((indicator, self.b.factor(use_)));
                }
                None => self.b.exclude(
                    item.clone(),
                    None,
                    Some(indicator),
                    format!("the inventory gives no {indicator} impact for this item"),
                    None,
                ),
            }
        }
        Ok(out)
    }

    fn fleet_bound_items(&mut self) -> Result<(), MethodError> {
        let items: Vec<(
            ItemKind,
            Aspect,
            Stage,
            Driver,
            &'a bilan_core::inventory::ImpactItem,
        )> = self
            .inv
            .transports
            .iter()
            .map(|t| {
                (
                    ItemKind::Transport,
                    Aspect::Transport,
                    Stage::Transport,
                    Driver::Transport,
                    t,
                )
            })
            .chain(self.inv.end_of_life.iter().map(|t| {
                (
                    ItemKind::EndOfLife,
                    Aspect::EndOfLife,
                    Stage::EndOfLife,
                    Driver::EndOfLife,
                    t,
                )
            }))
            .collect();
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
                let l = match &fleet.lifetime {
                    Some(q) => q.to(&units::HOUR).map_err(|e| input_error(&item, e))?,
                    None => self
                        .params
                        .quantity(self.d, "default-lifetime")
                        .map(|q| q.to(&units::HOUR))
                        .transpose()?
                        .unwrap_or(f64::NAN),
                };
                draft.formula = "I × T_res / (L × N)".into();
                draft = draft
                    .allocation(allocation)
                    .term(
                        Term::new(
                            "T_res",
                            t_res,
                            "GPU·h",
                            TermSource::Derived {
                                formula: format!("Σ device time reserved on fleet `{}`", fleet.id)
                                    .into(),
                            },
                        )
                        .driver(Driver::CapitalGoods),
                    )
                    .term(
                        Term::new(
                            "L",
                            l,
                            "h",
                            TermSource::Inventory {
                                path: format!("fleet[{}].lifetime", fleet.id).into(),
                            },
                        )
                        .dividing()
                        .driver(Driver::CapitalGoods),
                    )
                    .term(
                        Term::new(
                            "N",
                            fleet.count,
                            "device",
                            TermSource::Inventory {
                                path: format!("fleet[{}].count", fleet.id).into(),
                            },
                        )
                        .dividing()
                        .driver(Driver::CapitalGoods),
                    );
            }
            self.b.contribute(draft, &factors);
        }
        Ok(())
    }

    fn other_items(&mut self) -> Result<(), MethodError> {
        for s in &self.inv.services {
            let item = ItemRef::new(ItemKind::Service, s.id.as_str());
            let factors = self.item_impacts(&item, "allocated", &s.allocated)?;
            if factors.is_empty() {
                self.b.exclude(
                    item,
                    Some(Aspect::Service),
                    None,
                    "the provider gives no allocated impacts",
                    Some(Driver::OtherItems),
                );
                continue;
            }
            let draft = Draft::new(item, Aspect::Service, Stage::Use, "I_allocated")
                .phase(s.phase)
                .presence(Driver::OtherItems);
            self.b.contribute(draft, &factors);
        }
        for f in &self.inv.fuels {
            let item = ItemRef::new(ItemKind::Fuel, f.id.as_str());
            let amount_unit = f.amount.unit().clone();
            let unit = Unit::parse(&format!("kg/{}", amount_unit.symbol()))
                .map_err(|e| input_error(&item, e))?;
            let id = self.b.override_factor(
                &item.path("factor"),
                &format!("fuel/{}", f.fuel),
                Some(Indicator::Gwp),
                &f.factor,
                "EF_fuel",
                &unit,
                None,
            )?;
            if !f.factor.boundary.contains("life") {
                self.b.warn(format!(
                    "fuel `{}`: factor boundary is `{}`; the fuel's upstream is not included",
                    f.id, f.factor.boundary
                ));
            }
            let draft = Draft::new(item, Aspect::Fuel, Stage::Use, "Q_fuel × EF_fuel")
                .presence(Driver::OtherItems)
                .term(Term::new(
                    "Q_fuel",
                    f.amount.value(),
                    amount_unit.symbol().to_owned(),
                    TermSource::Item {
                        key: "amount".into(),
                    },
                ));
            self.b.contribute(draft, &[(Indicator::Gwp, id)]);
            for indicator in [Indicator::Water, Indicator::Adpe, Indicator::Adpf] {
                self.b.exclude(
                    ItemRef::new(ItemKind::Fuel, f.id.as_str()),
                    Some(Aspect::Fuel),
                    Some(indicator),
                    "no factor for this fuel",
                    None,
                );
            }
        }
        for r in &self.inv.refrigerants {
            let item = ItemRef::new(ItemKind::Refrigerant, r.id.as_str());
            let id = self.b.factor(FactorUse {
                id: format!("inventory:{}", item.path("gwp100")).into(),
                symbol: "GWP100".into(),
                canonical: r.gwp100,
                canonical_unit: "kgCO2e/kg".into(),
                driver: None,
                subject: format!("refrigerant/{}", r.gas),
                indicator: Some(Indicator::Gwp),
                value: r.gwp100.to_string(),
                boundary: "direct emission".into(),
                region: None,
                requested_region: None,
                fallback: Vec::new(),
                year: None,
                source: r.source.clone(),
                licence: None,
                basis: Some("inventory".into()),
                quality: None,
                alternatives: Vec::new(),
                from_inventory: true,
            });
            let draft = Draft::new(item, Aspect::Refrigerant, Stage::Use, "m_leaked × GWP100")
                .presence(Driver::OtherItems)
                .term(Term::new(
                    "m_leaked",
                    r.leaked.to(&units::KG)?,
                    "kg",
                    TermSource::Item {
                        key: "leaked".into(),
                    },
                ));
            self.b.contribute(draft, &[(Indicator::Gwp, id)]);
        }
        Ok(())
    }

    /// Mistral's three disclosure indicators.
    fn disclosures(&mut self) {
        let a = self.b.assessment();
        let requests: f64 = self
            .inv
            .workloads
            .iter()
            .filter(|w| w.phase == Phase::Inference)
            .filter_map(|w| w.volume.requests)
            .sum();
        let has_inference = self
            .inv
            .workloads
            .iter()
            .any(|w| w.phase == Phase::Inference);
        let mut out = Vec::new();
        for indicator in Indicator::ALL {
            let b = a.breakdown(indicator);
            let phase = |p: Phase| b.by_phase.get(&p).copied().unwrap_or(0.0);
            let training =
                phase(Phase::Training) + phase(Phase::FineTuning) + phase(Phase::Development);
            let inference = phase(Phase::Inference);
            out.push(Disclosure {
                id: "training-impact".into(),
                label: "absolute training impact".into(),
                indicator: Some(indicator),
                value: Some(training),
                unit: indicator.unit().into(),
                formula: "impacts of training, fine-tuning and development workloads (their electricity, water and allocated embodied impacts)".into(),
                note: None,
            });
            out.push(Disclosure {
                id: "inference-per-request".into(),
                label: "marginal inference impact per request".into(),
                indicator: Some(indicator),
                value: (requests > 0.0).then(|| inference / requests),
                unit: format!("{}/request", indicator.unit()).into(),
                formula: "impacts of inference workloads ÷ their requests (excludes training)"
                    .into(),
                note: (requests <= 0.0).then(|| {
                    if has_inference {
                        "inference workloads give no requests".to_owned()
                    } else {
                        "no inference in this inventory".to_owned()
                    }
                }),
            });
            out.push(Disclosure {
                id: "inference-share".into(),
                label: "inference share of the total impact".into(),
                indicator: Some(indicator),
                value: (b.total > 0.0 && has_inference).then(|| inference / b.total),
                unit: "1".into(),
                formula: "impacts of inference workloads ÷ total life-cycle impact".into(),
                note: (!has_inference).then(|| "no inference in this inventory".to_owned()),
            });
        }
        for d in out {
            self.b.disclose(d);
        }
    }
}

fn aspect_of(key: &str) -> Aspect {
    if key.starts_with("host") {
        Aspect::HostEmbodied
    } else {
        Aspect::Embodied
    }
}

fn inventory_factor(
    path: &str,
    subject: &str,
    symbol: &'static str,
    canonical: f64,
    unit: &Unit,
    q: &Quantity,
    boundary: &str,
) -> FactorUse {
    FactorUse {
        id: format!("inventory:{path}").into(),
        symbol: symbol.into(),
        canonical,
        canonical_unit: unit.symbol().to_owned().into(),
        driver: None,
        subject: subject.to_owned(),
        indicator: None,
        value: q.to_string(),
        boundary: boundary.to_owned(),
        region: None,
        requested_region: None,
        fallback: Vec::new(),
        year: None,
        source: format!("inventory `{path}`"),
        licence: None,
        basis: Some("inventory".into()),
        quality: None,
        alternatives: Vec::new(),
        from_inventory: true,
    }
}

#[cfg(test)]
mod tests;
