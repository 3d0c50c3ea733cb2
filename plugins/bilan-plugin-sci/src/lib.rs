//! Software Carbon Intensity of an AI system (id `sci`), after ISO/IEC 21031:2024 (the GSF
//! SCI specification v1.1.0 is the aligned text) and the functional units and boundaries of
//! the GSF's SCI-for-AI draft (ratified for public review in November 2025).
//!
//! ```text
//! SCI = (E × I + M) per R
//! ```
//!
//! * `E`, energy of the work: per workload, the device energy (`E_IT`, or `t_dev × P_dev`)
//!   plus the energy of hardware **reserved or provisioned** (`E_idle`) and of the host
//!   servers (`E_host`), each times `PUE` when the boundary includes the data centre
//!   (parameter `include-datacentre`; when false the `PUE` term is 1). Each slice is its own
//!   contribution (`electricity`, `idle-electricity`, `host-electricity`), with the same
//!   symbols and drivers as the ADEME method so the two compare term by term.
//! * `I`, the **location-based** grid intensity of the site's region: the site's own figure
//!   (`[site.electricity.gwp]`, refused if its boundary says it is market-based), else the
//!   database's `electricity/grid` figure of the boundary chosen by `grid-boundary`
//!   (default life-cycle: the specification does not say whether upstream and T&D losses are
//!   in), walking the region chain with any fallback recorded as a warning. No site may lack
//!   `I`: an SCI without it is not computed (error). Marginal intensities are not in the
//!   database; a user may give one as the site's figure.
//! * `M = TE × TiR/EL × RR/ToR`, per fleet: with `N` devices of embodied `EF_device` each,
//!   `TE = N × EF_device` and the work reserves `n_w` devices for `t_w` hours, so
//!   `M = N × EF_device × Σ (t_w / L) × (n_w / N) = T_res / L × EF_device` where
//!   `T_res = Σ n_w × t_w` is the device time reserved and `L` the expected lifespan (a year
//!   is 365 days). There is **no utilisation divisor**: idle capacity counts because it is
//!   reserved, not by inflating `M`. Host servers add `T_res / L / D_host × EF_server`.
//!   Transport and end of life tied to a fleet are part of its hardware's creation and
//!   disposal and are amortised like it: `TE × T_res / (L × N)`. Each contribution carries
//!   its workloads' shares (by device time), so `M` follows the work to its functional unit.
//! * `R`, the functional units of the inventory: per request, token, output token, training
//!   run, training token or FLOP. For each, `SCI`, `E / R`, `I`, `E × I / R` and `M / R` are
//!   disclosed (`sci.<id>`, `sci.<id>.energy`…). The SCI-for-AI **consumer** boundary
//!   (inference) and **provider** boundary (training, fine-tuning, development) are reported
//!   apart (`consumer.energy`, `provider.embodied`…); a boundary with no work in the
//!   inventory is "not applicable". Missing volumes or `R = 0` are errors.
//!
//! Refused or left out, each as an exclusion with its reason: contractual instruments and
//! offsets (market-based measures, which "do not reduce an SCI score"); purchased services
//! (provider-allocated totals cannot be split into `E`, `I` and `M`); fuels and refrigerants
//! (neither the energy nor the hardware of the software); transport and end of life tied to
//! no fleet; the data-centre building unless `include-building` is set (it is not a hardware
//! device, and the specification's boundary list does not name it). `docs/methods/sci.md`
//! gives the reasons at length.

use std::borrow::Cow;
use std::collections::BTreeMap;

use rustc_hash::{FxHashMap, FxHashSet};
use std::sync::Arc;

use bilan_core::assessment::work::{device_energy, period_share, prorated, reserved};
use bilan_core::assessment::{
    Allocation, Aspect, Assessment, Builder, Contribution, Disclosure, Draft, Driver, ItemKind,
    ItemRef, Stage, Term, TermSource, functional_unit_results, workloads_of,
};
use bilan_core::factor::{Basis, Boundary, FactorQuery, FactorSet, Lookup, Quality};
use bilan_core::indicator::Indicator;
use bilan_core::inventory::{
    FactorOverride, Fleet, FunctionalUnit, FunctionalUnitKind, ImpactItem, Inventory, Phase, Site,
    SourcedQuantity, Workload,
};
use bilan_core::method::{
    Descriptor, MethodError, Methodology, ParamKind, ParamSpec, ParamValue, Parameters, RuleSpec,
};
use bilan_core::units::{self, Dimension, Quantity, Unit};

/// Method id.
pub const ID: &str = "sci";

/// The factor subject of grid electricity.
const GRID: &str = "electricity/grid";

/// Hardware figures SCI accepts for `TE`: its "creation and disposal" spans both.
const HARDWARE_BOUNDARIES: [Boundary; 2] = [Boundary::CradleToGate, Boundary::CradleToGraveExclUse];

const NOT_COVERED: &str = "SCI measures carbon only (ISO/IEC 21031:2024)";

const INSTRUMENT_REASON: &str = "SCI excludes market-based measures: I is a location-based grid intensity \"which excludes any market-based measures\" (ISO/IEC 21031; GSF SCI v1.1.0), so energy attribute certificates, PPAs, guarantees of origin and RECs do not change the score";

const OFFSET_REASON: &str = "neutralisation or avoidance offsets do not reduce an SCI score (ISO/IEC 21031; GSF SCI v1.1.0): carbon credits are market-based measures";

const BUILDING_REASON: &str = "the data-centre building is not a hardware device (M is the embodied carbon of hardware) and the specification's boundary list does not name it; the data centre enters E through PUE. Set `include-building` to add its time- and resource-share to M";

const SERVICE_REASON: &str = "a provider-allocated emission total cannot be split into E, I and M, and may embed market-based measures that SCI excludes; write cloud compute as a workload with its energy and hardware instead";

const FUEL_REASON: &str = "on-site fuel combustion is neither the electricity E of the software's hardware nor its embodied carbon M";

const REFRIGERANT_REASON: &str = "refrigerant leakage is neither the electricity E of the software's hardware nor its embodied carbon M";

/// The Software Carbon Intensity method.
#[derive(Debug)]
pub struct Sci {
    descriptor: Descriptor,
}

impl Default for Sci {
    fn default() -> Self {
        Sci {
            descriptor: descriptor(),
        }
    }
}

fn choice(values: &[&str]) -> ParamKind {
    ParamKind::Choice {
        values: values.iter().map(|v| (*v).to_owned()).collect(),
    }
}

fn descriptor() -> Descriptor {
    Descriptor {
        id: ID.to_owned(),
        name: "Software Carbon Intensity (ISO/IEC 21031)".to_owned(),
        version: semver::Version::new(1, 0, 0),
        summary: "(E × I + M) per R: location-based operational carbon plus the time- and resource-share of hardware embodied carbon, per request, token, training run, training token or FLOP; consumer and provider boundaries apart (SCI for AI)".to_owned(),
        indicators: vec![Indicator::Gwp],
        boundary: "the work of the inventory's workloads: energy of the hardware reserved or provisioned (devices, idle, host servers) × PUE × location-based grid intensity, plus the share of the hardware's embodied carbon (creation and disposal) reserved for the work; consumer boundary (inference) and provider boundary (training, fine-tuning, development) reported apart".to_owned(),
        parameters: vec![
            ParamSpec::new(
                "grid-boundary",
                choice(&["life-cycle", "combustion"]),
                Some(ParamValue::Text("life-cycle".into())),
                "which database grid intensity I is: life-cycle (upstream and T&D losses in) or combustion only; the specification does not say, and a site's own figure always wins",
            ),
            ParamSpec::new(
                "include-datacentre",
                ParamKind::Bool,
                Some(ParamValue::Bool(true)),
                "the boundary includes the data centre, so E is IT energy × PUE; false stops it at the IT equipment (PUE = 1)",
            ),
            ParamSpec::new(
                "default-pue",
                ParamKind::Number { min: Some(1.0), max: None },
                None,
                "PUE for sites that give none; default: the database's industry average (Uptime Institute 2024)",
            ),
            ParamSpec::new(
                "default-lifetime",
                ParamKind::quantity(Dimension::TIME),
                Quantity::parse("4 years").ok().map(ParamValue::Quantity),
                "expected lifespan EL of hardware when a fleet gives none (a year is 365 days)",
            ),
            ParamSpec::new(
                "embodied-preference",
                choice(&["vendor-pcf", "parametric"]),
                Some(ParamValue::Text("vendor-pcf".into())),
                "which hardware figure TE wins when sources disagree: a vendor PCF reviewed under ISO 14067 (then a teardown LCA, then the parametric model), or the parametric model first",
            ),
            ParamSpec::new(
                "include-building",
                ParamKind::Bool,
                Some(ParamValue::Bool(false)),
                "add the data-centre building's share to M (TE × t / L × share, shared among the site's workloads by energy); off by default, as the specification names no building",
            ),
        ],
        rules: vec![
            RuleSpec::new(Driver::IndicatorCoverage, "carbon only", "SCI is a carbon rate (gCO2e per R); water, ADPe and ADPf are outside ISO/IEC 21031"),
            RuleSpec::new(Driver::TimeFrame, "per functional unit", "a rate per R over the work of the inventory's workloads, whatever the reporting period; consumer (inference) and provider (training, fine-tuning, development) boundaries reported apart, as the SCI-for-AI draft does"),
            RuleSpec::new(Driver::CapitalGoods, "amortised", "M = TE × TiR/EL × RR/ToR: each fleet's embodied carbon × device time reserved ÷ (expected lifespan × devices)"),
            RuleSpec::new(Driver::UtilisationDivisor, "none", "no utilisation divisor: reserved but idle capacity counts through the time reserved and E, not by inflating M"),
            RuleSpec::new(Driver::ElectricityBasis, "location-based only", "I is the grid intensity of the site's region; market-based measures (PPAs, guarantees of origin, RECs, offsets) are excluded. Marginal intensities are not in the factor database: give one as the site's figure"),
            RuleSpec::new(Driver::ElectricityBoundary, "parameter", "database intensities are life-cycle by default (parameter `grid-boundary`); the specification is silent on life-cycle vs combustion-only"),
            RuleSpec::new(Driver::FacilityOverhead, "included", "E × PUE when the boundary includes the data centre (parameter `include-datacentre`)"),
            RuleSpec::new(Driver::IdleOverhead, "included", "E includes all energy of hardware reserved or provisioned: idle energy and host servers"),
            RuleSpec::new(Driver::HostEmbodied, "included", "host servers are hardware of the work; their embodied carbon is shared among their accelerators"),
            RuleSpec::new(Driver::Building, "excluded (parameter)", "the building is not a hardware device and not in the specification's boundary list; `include-building` adds its share to M"),
            RuleSpec::new(Driver::Transport, "in M when tied to a fleet", "transport of a fleet's hardware is part of its creation and is amortised like the fleet; transport tied to no fleet is excluded"),
            RuleSpec::new(Driver::EndOfLife, "in M when tied to a fleet", "M covers creation and disposal: end of life of a fleet is amortised like the fleet; end of life tied to no fleet is excluded"),
            RuleSpec::new(Driver::OtherItems, "excluded", "purchased services (totals not split into E, I and M), fuels and refrigerants are not SCI terms"),
            RuleSpec::new(Driver::FactorChoice, "vendor PCF first", "hardware figures: a vendor PCF reviewed under ISO 14067 first (parameter `embodied-preference`)"),
        ],
        references: vec![
            "ISO/IEC 21031:2024, Information technology — Software Carbon Intensity (SCI) specification".to_owned(),
            "Green Software Foundation, Software Carbon Intensity (SCI) Specification v1.1.0 (aligned with ISO/IEC 21031)".to_owned(),
            "Green Software Foundation, SCI for AI (draft ratified for public review, November 2025)".to_owned(),
        ],
    }
}

impl Methodology for Sci {
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

/// The persona boundaries of the SCI-for-AI draft.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Persona {
    /// Operation and monitoring: inference.
    Consumer,
    /// Inception, design and development: training, fine-tuning, development runs.
    Provider,
}

impl Persona {
    const ALL: [Persona; 2] = [Persona::Consumer, Persona::Provider];

    fn of(phase: Phase) -> Persona {
        match phase {
            Phase::Inference => Persona::Consumer,
            Phase::Training | Phase::FineTuning | Phase::Development => Persona::Provider,
        }
    }

    fn id(self) -> &'static str {
        match self {
            Persona::Consumer => "consumer",
            Persona::Provider => "provider",
        }
    }

    fn phases(self) -> &'static [Phase] {
        match self {
            Persona::Consumer => &[Phase::Inference],
            Persona::Provider => &[Phase::Training, Phase::FineTuning, Phase::Development],
        }
    }

    /// The share of `c` that belongs to this boundary.
    fn share(self, c: &Contribution) -> f64 {
        self.phases().iter().map(|p| c.phase_share(*p)).sum()
    }
}

/// `training, fine-tuning or development`.
fn phases_text(phases: &[Phase]) -> String {
    match phases {
        [] => String::new(),
        [one] => one.id().to_owned(),
        [rest @ .., last] => format!(
            "{} or {}",
            rest.iter().map(|p| p.id()).collect::<Vec<_>>().join(", "),
            last.id()
        ),
    }
}

/// The boundary of work done in `phases`: one persona, or `None` when they span both.
fn persona_of(phases: impl IntoIterator<Item = Phase>) -> Option<Persona> {
    let personas: Vec<Persona> = phases.into_iter().map(Persona::of).collect();
    match personas.first() {
        Some(first) if personas.iter().all(|p| p == first) => Some(*first),
        _ => None,
    }
}

/// The category of a contribution shared among workloads.
fn category_of(allocation: &[Allocation]) -> &'static str {
    match persona_of(allocation.iter().filter(|a| a.share > 0.0).map(|a| a.phase)) {
        Some(p) => p.id(),
        None => "consumer+provider",
    }
}

/// Whether a contribution is operational carbon (E × I) rather than embodied (M).
fn is_operational(c: &Contribution) -> bool {
    matches!(
        c.aspect,
        Aspect::Electricity | Aspect::IdleElectricity | Aspect::HostElectricity
    )
}

/// `draft` with `terms` appended.
fn with_terms(draft: Draft, terms: &[Term]) -> Draft {
    terms.iter().cloned().fold(draft, Draft::term)
}

fn input_error(item: &ItemRef, e: impl ToString) -> MethodError {
    MethodError::Input {
        item: item.to_string(),
        message: e.to_string(),
    }
}

/// Whether a site's own figure says it is market-based (which SCI refuses).
fn is_market_based(boundary: &str) -> bool {
    let b = boundary.to_lowercase();
    b.contains("market") || b.contains("residual")
}

/// R as written in formulas.
fn r_text(r: f64) -> String {
    if r.abs() >= 1e15 {
        format!("{r:e}")
    } else {
        format!("{r}")
    }
}

/// `PUE` and `I` of one site.
#[derive(Clone)]
struct SiteCtx {
    pue: Term,
    intensity: Arc<str>,
}

/// Device time reserved on one fleet, its shares and the lifespan it is amortised over.
#[derive(Clone)]
struct FleetCtx {
    reserved: f64,
    allocation: Vec<Allocation>,
    /// `None` when no workload reserved the fleet (nothing to amortise).
    lifetime: Option<Term>,
}

struct Run<'a> {
    d: &'a Descriptor,
    inv: &'a Inventory,
    factors: &'a FactorSet,
    params: &'a Parameters,
    b: Builder,
    sites: FxHashMap<&'a str, SiteCtx>,
    fleets: FxHashMap<&'a str, FleetCtx>,
    /// Facility energy E of each workload, kWh.
    energy: FxHashMap<&'a str, f64>,
    preference: &'static [Basis],
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
            b: Builder::new(d, params).with_capacity(inv.workloads.len() + 4 * inv.fleets.len()),
            sites: FxHashMap::default(),
            fleets: FxHashMap::default(),
            energy: FxHashMap::default(),
            preference,
        })
    }

    fn flag(&self, name: &str) -> bool {
        self.params.bool(self.d, name).unwrap_or(false)
    }

    fn assess(mut self) -> Result<Assessment, MethodError> {
        for indicator in [Indicator::Water, Indicator::Adpe, Indicator::Adpf] {
            self.b.not_covered(indicator, NOT_COVERED);
        }
        self.b.coverage_note(
            Indicator::Gwp,
            "I is an average location-based grid intensity: marginal intensities are not in the factor database (give one as the site's figure)",
        );
        for w in &self.inv.workloads {
            self.workload(w)?;
        }
        for fleet in &self.inv.fleets {
            self.fleet(fleet)?;
        }
        self.fleet_bound_items()?;
        self.buildings()?;
        self.not_sci_terms();
        self.market_measures();
        self.functional_units()?;
        Ok(self.b.finish())
    }

    // --- E × I -------------------------------------------------------------------------

    fn site(&mut self, id: &str, item: &ItemRef) -> Result<SiteCtx, MethodError> {
        if let Some(ctx) = self.sites.get(id) {
            return Ok(ctx.clone());
        }
        let inv = self.inv;
        let site = inv
            .site(id)
            .ok_or_else(|| input_error(item, format!("unknown site `{id}`")))?;
        let ctx = SiteCtx {
            pue: self.pue(site)?,
            intensity: self.intensity(site)?,
        };
        self.sites.insert(site.id.as_str(), ctx.clone());
        Ok(ctx)
    }

    fn pue(&mut self, site: &Site) -> Result<Term, MethodError> {
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
        let term = if let Some(q) = &site.pue {
            Term::new(
                "PUE",
                q.value(),
                "1",
                TermSource::Inventory {
                    path: item.path("pue").into(),
                },
            )
        } else if let Some(value) = self.params.number(self.d, "default-pue") {
            self.b.assume(
                "default-pue",
                format!("PUE not given: parameter `default-pue` = {value}"),
                Some(item),
            );
            Term::new(
                "PUE",
                value,
                "1",
                TermSource::Parameter {
                    name: "default-pue".into(),
                },
            )
        } else {
            let subject = "datacentre/pue/industry-average";
            let Lookup::Found(r) = self.factors.lookup(&FactorQuery {
                subject,
                indicator: None,
                region: &site.region,
                boundaries: &[Boundary::FacilityOverhead],
                preference: &[],
            }) else {
                return Err(input_error(
                    &item,
                    format!(
                        "no PUE given and no default `{subject}` in the factor database; give `pue` or set parameter `default-pue`"
                    ),
                ));
            };
            let id = self.b.database_factor(
                &r,
                "PUE",
                &Unit::dimensionless(),
                Some(Driver::FacilityOverhead),
            )?;
            self.b.assume(
                "default-pue",
                format!(
                    "PUE not given: default {} from `{}` (region {}; {})",
                    r.factor.value,
                    r.factor.id,
                    r.factor.region,
                    r.factor.source_line()
                ),
                Some(item),
            );
            Term::new(
                "PUE",
                r.factor.value.value(),
                "1",
                TermSource::Factor { id },
            )
        };
        Ok(term.driver(Driver::FacilityOverhead))
    }

    /// `I` of a site: its own figure, else the database's location-based intensity.
    fn intensity(&mut self, site: &Site) -> Result<Arc<str>, MethodError> {
        let item = ItemRef::new(ItemKind::Site, site.id.as_str());
        let driver = Some(Driver::ElectricityBoundary);
        if let Some(o) = site.electricity.get(&Indicator::Gwp) {
            let path = item.path("electricity.gwp");
            if is_market_based(&o.boundary) {
                return Err(MethodError::Input {
                    item: path,
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
                Some(item),
            );
            return self.b.override_factor(
                &path,
                GRID,
                Some(Indicator::Gwp),
                o,
                "I",
                &units::KG_PER_KWH,
                driver,
            );
        }
        let boundary = match self.params.text(self.d, "grid-boundary") {
            Some("combustion") => Boundary::Combustion,
            _ => Boundary::LifeCycle,
        };
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
        match self.factors.lookup(&FactorQuery {
            subject: GRID,
            indicator: Some(Indicator::Gwp),
            region: &site.region,
            boundaries: &[boundary],
            preference: &[],
        }) {
            Lookup::Found(r) => {
                if !r.fallback.is_empty() {
                    self.b.warn(format!(
                        "site `{}`: no {boundary} grid intensity for {}; used {} ({})",
                        site.id, site.region, r.factor.region, r.factor.id
                    ));
                }
                if r.factor.quality != Quality::Ok {
                    self.b.warn(format!(
                        "site `{}`: grid intensity `{}` is {}: {}",
                        site.id,
                        r.factor.id,
                        r.factor.quality,
                        r.factor.notes.as_deref().unwrap_or("")
                    ));
                }
                self.b.database_factor(&r, "I", &units::KG_PER_KWH, driver)
            }
            Lookup::Absent { reason, region } => Err(missing(format!(
                "no {boundary} figure for {region}: {reason}"
            ))),
            Lookup::Missing { tried, .. } => Err(missing(format!(
                "the factor database has no {boundary} grid intensity for {}",
                tried
                    .iter()
                    .map(|r| r.code())
                    .collect::<Vec<_>>()
                    .join(", ")
            ))),
        }
    }

    /// The operational contributions of a workload: device, idle and host energy, each
    /// × PUE × I, in its persona's category.
    fn workload(&mut self, w: &'a Workload) -> Result<(), MethodError> {
        let item = ItemRef::new(ItemKind::Workload, w.id.as_str());
        let SiteCtx { pue, intensity } = self.site(&w.site, &item)?;
        let grid = [(Indicator::Gwp, intensity)];
        let category = Persona::of(w.phase).id();
        let share = period_share(w, &self.inv.system.period);
        let slice = |aspect: Aspect, formula: String| {
            Draft::new(item.clone(), aspect, Stage::Use, formula)
                .phase(Some(w.phase))
                .category(category)
        };

        let (energy_terms, e_dev) = device_energy(w, &item)?;
        let device_formula = if energy_terms.len() == 2 {
            "t_dev × P_dev"
        } else {
            "E_IT"
        };
        let mut e_it = e_dev;
        let draft = with_terms(
            slice(Aspect::Electricity, format!("{device_formula} × PUE × I")),
            &energy_terms,
        );
        self.b
            .contribute(prorated(draft.term(pue.clone()), share.as_ref()), &grid);

        if let Some(idle) = &w.idle_energy {
            let kwh = idle.to(&units::KWH).map_err(|e| input_error(&item, e))?;
            e_it += kwh;
            let draft = slice(Aspect::IdleElectricity, "E_idle × PUE × I".to_owned())
                .presence(Driver::IdleOverhead)
                .term(
                    Term::new(
                        "E_idle",
                        kwh,
                        "kWh",
                        TermSource::Item {
                            key: "idle-energy".into(),
                        },
                    )
                    .driver(Driver::IdleOverhead),
                )
                .term(pue.clone());
            self.b.contribute(prorated(draft, share.as_ref()), &grid);
        }

        if let Some(host) = &w.host_overhead {
            let source = || TermSource::Item {
                key: "host-overhead".into(),
            };
            let draft = if host.dimension() == Dimension::DIMENSIONLESS {
                e_it += e_dev * host.value();
                with_terms(
                    slice(
                        Aspect::HostElectricity,
                        format!("{device_formula} × f_host × PUE × I"),
                    ),
                    &energy_terms,
                )
                .term(Term::new("f_host", host.value(), "1", source()).driver(Driver::IdleOverhead))
            } else {
                let kwh = host.to(&units::KWH).map_err(|e| input_error(&item, e))?;
                e_it += kwh;
                slice(Aspect::HostElectricity, "E_host × PUE × I".to_owned())
                    .term(Term::new("E_host", kwh, "kWh", source()).driver(Driver::IdleOverhead))
            };
            self.b.contribute(
                prorated(
                    draft.presence(Driver::IdleOverhead).term(pue.clone()),
                    share.as_ref(),
                ),
                &grid,
            );
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
        self.energy
            .insert(w.id.as_str(), e_it * pue.value * s_period);
        Ok(())
    }

    // --- M -----------------------------------------------------------------------------

    /// Device time reserved on `fleet`, each workload's share, and the lifespan; computed
    /// once per fleet so assumptions and exclusions are recorded once.
    fn fleet_ctx(&mut self, fleet: &'a Fleet) -> Result<FleetCtx, MethodError> {
        if let Some(ctx) = self.fleets.get(fleet.id.as_str()) {
            return Ok(ctx.clone());
        }
        let r = reserved(self.inv, fleet)?;
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
            Some(self.lifetime(fleet)?)
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
    fn lifetime(&mut self, fleet: &Fleet) -> Result<Term, MethodError> {
        let item = ItemRef::new(ItemKind::Fleet, fleet.id.as_str());
        let term = match &fleet.lifetime {
            Some(q) => Term::new(
                "L",
                q.to(&units::HOUR).map_err(|e| input_error(&item, e))?,
                "h",
                TermSource::Inventory {
                    path: item.path("lifetime").into(),
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
                    format!("expected lifespan not given: parameter `default-lifetime` = {q}"),
                    Some(item),
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
        };
        Ok(term.dividing().driver(Driver::CapitalGoods))
    }

    /// The `T_res` term of a fleet.
    fn reserved_term(fleet: &Fleet, reserved: f64) -> Term {
        Term::new(
            "T_res",
            reserved,
            "GPU·h",
            TermSource::Derived {
                formula: format!(
                    "Σ device time reserved on fleet `{}` by its workloads (TiR × RR)",
                    fleet.id
                )
                .into(),
            },
        )
        .driver(Driver::CapitalGoods)
    }

    fn fleet(&mut self, fleet: &'a Fleet) -> Result<(), MethodError> {
        let item = ItemRef::new(ItemKind::Fleet, fleet.id.as_str());
        let ctx = self.fleet_ctx(fleet)?;
        let Some(lifetime) = ctx.lifetime else {
            self.b.exclude(
                item,
                None,
                None,
                "no workload reserved this fleet: no time is reserved (TiR = 0), so its share of M is 0 for every R",
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
            .term(
                Term::new(
                    "D_host",
                    host.devices_per_host,
                    "device/server",
                    TermSource::Item {
                        key: "host.devices-per-host".into(),
                    },
                )
                .dividing()
                .driver(Driver::HostEmbodied),
            );
            self.b.contribute(draft, &[(Indicator::Gwp, ef)]);
        }
        Ok(())
    }

    /// The embodied GWP per device of `model` (TE per unit): the inventory's figure, else
    /// the database's by the preference order. `None`, recorded as an exclusion and a
    /// warning, when no figure exists.
    fn hardware_factor(
        &mut self,
        item: &ItemRef,
        model: &str,
        overrides: &BTreeMap<Indicator, FactorOverride>,
        aspect: Aspect,
        symbol: &'static str,
    ) -> Result<Option<Arc<str>>, MethodError> {
        let subject = format!("hardware/{model}");
        let key = if aspect == Aspect::HostEmbodied {
            "host.embodied"
        } else {
            "embodied"
        };
        if let Some(o) = overrides.get(&Indicator::Gwp) {
            let path = item.path(&format!("{key}.gwp"));
            return self
                .b
                .override_factor(
                    &path,
                    &subject,
                    Some(Indicator::Gwp),
                    o,
                    symbol,
                    &units::KG_PER_DEVICE,
                    Some(Driver::FactorChoice),
                )
                .map(Some);
        }
        let lookup = self.factors.lookup(&FactorQuery {
            subject: &subject,
            indicator: Some(Indicator::Gwp),
            region: &bilan_core::region::Region::world(),
            boundaries: &HARDWARE_BOUNDARIES,
            preference: self.preference,
        });
        let reason = match lookup {
            Lookup::Found(r) => {
                if !r.alternatives.is_empty() {
                    self.b.assume(
                        "factor-preference",
                        format!(
                            "{subject} gwp: chose `{}` ({}) over {} by the preference order of `embodied-preference`",
                            r.factor.id,
                            r.factor.basis.id(),
                            r.alternatives
                                .iter()
                                .map(|a| format!("`{}` ({})", a.id, a.basis.id()))
                                .collect::<Vec<_>>()
                                .join(", ")
                        ),
                        Some(item.clone()),
                    );
                }
                if r.factor.boundary == Boundary::CradleToGate {
                    self.b.assume(
                        "embodied-boundary",
                        format!(
                            "TE of {subject} (`{}`) is cradle-to-gate: the disposal that SCI's M covers enters only through [[end-of-life]] items tied to the fleet",
                            r.factor.id
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
                if r.factor.boundary == Boundary::CradleToGraveExclUse && fleet_bound {
                    self.b.warn(format!(
                        "{item}: TE of {subject} (`{}`) already includes transport and end of life; the [[transport]] and [[end-of-life]] items tied to the fleet may count them twice",
                        r.factor.id
                    ));
                }
                return self
                    .b
                    .database_factor(
                        &r,
                        symbol,
                        &units::KG_PER_DEVICE,
                        Some(Driver::FactorChoice),
                    )
                    .map(Some);
            }
            Lookup::Absent { reason, .. } => Some(reason),
            Lookup::Missing { .. } => None,
        };
        self.b.no_factor(
            item,
            aspect,
            Indicator::Gwp,
            &subject,
            reason.as_deref(),
            key,
        );
        Ok(None)
    }

    /// Transport and end of life: part of M when tied to a fleet, amortised like it.
    fn fleet_bound_items(&mut self) -> Result<(), MethodError> {
        let inv = self.inv;
        let items = inv
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
            .chain(inv.end_of_life.iter().map(|t| {
                (
                    ItemKind::EndOfLife,
                    Aspect::EndOfLife,
                    Stage::EndOfLife,
                    Driver::EndOfLife,
                    t,
                )
            }));
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

    fn fleet_bound_item(
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
                format!(
                    "no workload reserved fleet `{fleet_id}`: no time is reserved, so its share of M is 0 for every R"
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
        self.b.contribute(draft, &[(Indicator::Gwp, te)]);
        Ok(())
    }

    /// Registers an item's own gwp impact (a total, kg) as the factor `TE`.
    fn item_factor(
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
    fn buildings(&mut self) -> Result<(), MethodError> {
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
            let (t, t_source) = match &b.time {
                Some(q) => (
                    q.to(&units::HOUR).map_err(|e| input_error(&item, e))?,
                    TermSource::Item { key: "time".into() },
                ),
                None => {
                    let days = inv.system.period.days() as f64;
                    self.b.assume(
                        "building-time",
                        format!(
                            "building share reserved over the reporting period ({}, {days} days)",
                            inv.system.period
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
            self.b.contribute(draft, &[(Indicator::Gwp, te)]);
        }
        Ok(())
    }

    /// The workloads of `site`, each with its share of their facility energy.
    fn energy_allocation(&self, site: &str) -> Vec<Allocation> {
        let at_site: Vec<(&Workload, f64)> = self
            .inv
            .workloads
            .iter()
            .filter(|w| w.site == site)
            .map(|w| (w, self.energy.get(w.id.as_str()).copied().unwrap_or(0.0)))
            .collect();
        let total: f64 = at_site.iter().map(|(_, e)| e).sum();
        if total <= 0.0 {
            return Vec::new();
        }
        at_site
            .into_iter()
            .map(|(w, e)| Allocation {
                workload: w.id.as_str().into(),
                phase: w.phase,
                share: e / total,
            })
            .collect()
    }

    /// Services, fuels and refrigerants: not terms of SCI.
    fn not_sci_terms(&mut self) {
        let inv = self.inv;
        for s in &inv.services {
            self.b.exclude(
                ItemRef::new(ItemKind::Service, s.id.as_str()),
                Some(Aspect::Service),
                None,
                SERVICE_REASON,
                Some(Driver::OtherItems),
            );
        }
        for f in &inv.fuels {
            self.b.exclude(
                ItemRef::new(ItemKind::Fuel, f.id.as_str()),
                Some(Aspect::Fuel),
                None,
                FUEL_REASON,
                Some(Driver::OtherItems),
            );
        }
        for r in &inv.refrigerants {
            self.b.exclude(
                ItemRef::new(ItemKind::Refrigerant, r.id.as_str()),
                Some(Aspect::Refrigerant),
                None,
                REFRIGERANT_REASON,
                Some(Driver::OtherItems),
            );
        }
    }

    /// Contractual instruments and offsets: market-based measures, refused.
    fn market_measures(&mut self) {
        let inv = self.inv;
        for ins in &inv.instruments {
            self.b.exclude(
                ItemRef::new(ItemKind::Instrument, ins.id.as_str()),
                Some(Aspect::MarketElectricity),
                None,
                INSTRUMENT_REASON,
                Some(Driver::ElectricityBasis),
            );
        }
        for offset in &inv.offsets {
            self.b.exclude(
                ItemRef::new(ItemKind::Offset, offset.id.as_str()),
                Some(Aspect::Offset),
                None,
                OFFSET_REASON,
                None,
            );
        }
    }

    // --- per R -------------------------------------------------------------------------

    /// E × I and M attributed by `share`, kg.
    fn split(&self, share: impl Fn(&Contribution) -> f64) -> Terms {
        let mut t = Terms::default();
        for (c, v) in self.b.assessment().counted(Indicator::Gwp) {
            let part = v * share(c);
            if is_operational(c) {
                t.operational += part;
            } else {
                t.embodied += part;
            }
        }
        t
    }

    fn functional_units(&mut self) -> Result<(), MethodError> {
        let (results, notes) = functional_unit_results(self.inv, self.b.assessment())?;
        for note in notes {
            self.b.warn(note);
        }
        let mut disclosures = Vec::new();
        for fu in &self.inv.functional_units {
            let r = results
                .iter()
                .find(|r| r.functional_unit == fu.id && r.indicator == Indicator::Gwp)
                .map(|r| r.count);
            disclosures.extend(self.unit_disclosures(fu, r));
        }
        for persona in Persona::ALL {
            disclosures.extend(self.boundary_disclosures(persona));
        }
        self.b.functional_units(results);
        for d in disclosures {
            self.b.disclose(d);
        }
        Ok(())
    }

    /// `sci.<fu>` and its terms per R; `r` is `None` when the functional unit covers no
    /// workload of the inventory.
    fn unit_disclosures(&mut self, fu: &FunctionalUnit, r: Option<f64>) -> Vec<Disclosure> {
        let workloads = workloads_of(self.inv, fu);
        let kind = fu.kind.id();
        let persona = if workloads.is_empty() {
            Some(match fu.kind {
                FunctionalUnitKind::Request
                | FunctionalUnitKind::Token
                | FunctionalUnitKind::OutputToken => Persona::Consumer,
                FunctionalUnitKind::TrainingRun
                | FunctionalUnitKind::TrainingToken
                | FunctionalUnitKind::Flop => Persona::Provider,
            })
        } else {
            persona_of(workloads.iter().map(|w| w.phase))
        };
        let boundary = match persona {
            Some(p) => p.id(),
            None => {
                self.b.warn(format!(
                    "functional unit `{}` covers work of both the consumer and the provider boundaries, which the SCI-for-AI draft reports apart",
                    fu.id
                ));
                "consumer and provider"
            }
        };
        let ids: FxHashSet<&str> = workloads.iter().map(|w| w.id.as_str()).collect();
        let terms = self.split(|c| c.workload_share(&ids));
        let energy: f64 = ids
            .iter()
            .map(|id| self.energy.get(id).copied().unwrap_or(0.0))
            .sum();
        let na = r.is_none().then(|| {
            format!(
                "not applicable: no {} in this inventory",
                phases_text(fu.kind.default_phases())
            )
        });
        let per = |v: f64| r.map(|r| v / r);
        let row = DisclosureRow {
            id_prefix: format!("sci.{}", fu.id),
            label_prefix: format!("`{}`", fu.id),
            note: na.clone(),
        };
        let r_formula = r.map_or_else(String::new, |r| format!(", R = {} {kind}", r_text(r)));
        vec![
            row.make(
                "",
                format!("SCI of `{}` ({boundary}): (E × I + M) / R", fu.id),
                Some(Indicator::Gwp),
                per(terms.operational + terms.embodied),
                format!("kgCO2e/{kind}"),
                format!(
                    "(E × I + M) / R over the work of {}{r_formula}",
                    ids_text(&ids)
                ),
            ),
            row.make(
                "energy",
                format!("`{}`: E / R", fu.id),
                None,
                per(energy),
                format!("kWh/{kind}"),
                format!(
                    "facility energy of the work ((E_IT + E_idle + E_host) × PUE) / R{r_formula}"
                ),
            ),
            row.intensity(terms.operational, energy),
            row.make(
                "operational",
                format!("`{}`: E × I / R", fu.id),
                Some(Indicator::Gwp),
                per(terms.operational),
                format!("kgCO2e/{kind}"),
                format!("Σ E × I of the work / R{r_formula}"),
            ),
            row.make(
                "embodied",
                format!("`{}`: M / R", fu.id),
                Some(Indicator::Gwp),
                per(terms.embodied),
                format!("kgCO2e/{kind}"),
                format!("Σ M allocated to the work / R{r_formula}"),
            ),
        ]
    }

    /// E, I, E × I and M of one persona boundary.
    fn boundary_disclosures(&self, persona: Persona) -> Vec<Disclosure> {
        let phases = persona.phases();
        let work: Vec<&Workload> = self
            .inv
            .workloads
            .iter()
            .filter(|w| phases.contains(&w.phase))
            .collect();
        let applicable = !work.is_empty();
        let terms = self.split(|c| persona.share(c));
        let energy: f64 = work
            .iter()
            .map(|w| self.energy.get(w.id.as_str()).copied().unwrap_or(0.0))
            .sum();
        let value = |v: f64| applicable.then_some(v);
        let name = persona.id();
        let row = DisclosureRow {
            id_prefix: name.to_owned(),
            label_prefix: format!("{name} boundary"),
            note: (!applicable).then(|| {
                format!(
                    "not applicable: no {} in this inventory",
                    phases_text(phases)
                )
            }),
        };
        let scope = format!("the {} workloads", phases_text(phases));
        vec![
            row.make(
                "energy",
                format!("{name} boundary: E"),
                None,
                value(energy),
                "kWh".to_owned(),
                format!("Σ facility energy ((E_IT + E_idle + E_host) × PUE) of {scope}"),
            ),
            row.intensity(terms.operational, if applicable { energy } else { 0.0 }),
            row.make(
                "operational",
                format!("{name} boundary: E × I"),
                Some(Indicator::Gwp),
                value(terms.operational),
                "kgCO2e".to_owned(),
                format!("Σ E × I of {scope}"),
            ),
            row.make(
                "embodied",
                format!("{name} boundary: M"),
                Some(Indicator::Gwp),
                value(terms.embodied),
                "kgCO2e".to_owned(),
                format!("Σ M allocated to {scope} (fleets by device time)"),
            ),
        ]
    }
}

/// Operational (E × I) and embodied (M) carbon, kg.
#[derive(Debug, Default)]
struct Terms {
    operational: f64,
    embodied: f64,
}

/// The workload ids a figure covers, in words.
fn ids_text(ids: &FxHashSet<&str>) -> String {
    let mut v: Vec<&str> = ids.iter().copied().collect();
    v.sort_unstable();
    if v.len() > 5 {
        format!("{} workloads", v.len())
    } else {
        v.join(", ")
    }
}

/// Shared parts of a group of disclosures.
struct DisclosureRow {
    id_prefix: String,
    label_prefix: String,
    /// Why the group is not applicable, if it is not.
    note: Option<String>,
}

impl DisclosureRow {
    fn make(
        &self,
        suffix: &str,
        label: String,
        indicator: Option<Indicator>,
        value: Option<f64>,
        unit: String,
        formula: String,
    ) -> Disclosure {
        let id = if suffix.is_empty() {
            self.id_prefix.clone()
        } else {
            format!("{}.{suffix}", self.id_prefix)
        };
        Disclosure {
            id: Cow::Owned(id),
            label: Cow::Owned(label),
            indicator,
            value: if self.note.is_some() { None } else { value },
            unit: Cow::Owned(unit),
            formula: Cow::Owned(formula),
            note: self.note.clone(),
        }
    }

    /// The effective intensity I = (E × I) / E of the group's work.
    fn intensity(&self, operational: f64, energy: f64) -> Disclosure {
        let mut d = self.make(
            "intensity",
            format!("{}: I", self.label_prefix),
            Some(Indicator::Gwp),
            (energy > 0.0).then(|| operational / energy),
            "kgCO2e/kWh".to_owned(),
            "Σ E × I / Σ E: location-based grid intensity, weighted by energy".to_owned(),
        );
        if d.note.is_none() && d.value.is_none() {
            d.note = Some("the work draws no energy".to_owned());
        }
        d
    }
}

#[cfg(test)]
mod tests;
