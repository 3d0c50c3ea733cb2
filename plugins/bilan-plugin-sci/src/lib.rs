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

use rustc_hash::FxHashMap;
use std::sync::Arc;

use bilan_core::Derived;
use bilan_core::assessment::{
    Allocation, Allocations, Aspect, Assessment, Builder, Contribution, Draft, Driver, ItemRef,
    Term,
};
use bilan_core::factor::{Basis, FactorSet};
use bilan_core::indicator::Indicator;
use bilan_core::inventory::{Inventory, Phase};
use bilan_core::method::{
    Descriptor, MethodError, Methodology, ParamKind, ParamSpec, ParamValue, Parameters, RuleSpec,
};
use bilan_core::units::{Dimension, Quantity};
use bilan_method_kit::energy;

/// Method id.
pub const ID: &str = "sci";

/// Hardware figures SCI accepts for `TE`: its "creation and disposal" spans both.
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
        indicators: vec![Indicator::Gwp, Indicator::Energy],
        boundary: "the work of the inventory's workloads: energy of the hardware reserved or provisioned (devices, idle, host servers) × PUE × location-based grid intensity, plus the share of the hardware's embodied carbon (creation and disposal) reserved for the work; consumer boundary (inference) and provider boundary (training, fine-tuning, development) reported apart".to_owned(),
        parameters: vec![
            bilan_method_kit::site::grid_boundary_param("which database grid intensity I is: life-cycle (upstream and T&D losses in) or combustion only; the specification does not say, and a site's own figure always wins"),
            bilan_method_kit::temporal::param("`series` weights I by the site's grid series (`grid-series`) over each workload's period (the specification asks for the intensity of when the work ran where known); `annual` keeps the annual average"),
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
            RuleSpec::new(Driver::IndicatorCoverage, "carbon and energy", "SCI is a carbon rate (gCO2e per R); its E (IT energy × PUE) is reported as final electricity (`energy`); water, ADPe and ADPf are outside ISO/IEC 21031"),
            RuleSpec::new(Driver::TimeFrame, "per functional unit", "a rate per R over the work of the inventory's workloads, whatever the reporting period; consumer (inference) and provider (training, fine-tuning, development) boundaries reported apart, as the SCI-for-AI draft does"),
            RuleSpec::new(Driver::CapitalGoods, "amortised", "M = TE × TiR/EL × RR/ToR: each fleet's embodied carbon × device time reserved ÷ (expected lifespan × devices)"),
            RuleSpec::new(Driver::UtilisationDivisor, "none", "no utilisation divisor: reserved but idle capacity counts through the time reserved and E, not by inflating M"),
            RuleSpec::new(Driver::ElectricityBasis, "location-based only", "I is the grid intensity of the site's region; market-based measures (PPAs, guarantees of origin, RECs, offsets) are excluded. Marginal intensities are not in the factor database: give one as the site's figure"),
            bilan_method_kit::temporal::rule(),
            bilan_method_kit::matching::rule_location_only("the SCI specification forbids market-based instruments (RECs, GOs, PPAs)"),
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
        self.assess_in(&Derived::new(inventory), factors, parameters)
    }

    fn assess_in(
        &self,
        inventory: &Derived<'_>,
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
    /// The site's grid series, if I follows one.
    temporal: Option<Arc<bilan_method_kit::temporal::Temporal>>,
}

/// Device time reserved on one fleet, its shares and the lifespan it is amortised over.
#[derive(Clone)]
struct FleetCtx {
    reserved: f64,
    allocation: Allocations,
    /// `None` when no workload reserved the fleet (nothing to amortise).
    lifetime: Option<Term>,
}

struct Run<'a> {
    d: &'a Descriptor,
    inv: &'a Derived<'a>,
    factors: &'a FactorSet,
    params: &'a Parameters,
    b: Builder,
    sites: FxHashMap<&'a str, std::rc::Rc<SiteCtx>>,
    fleets: FxHashMap<&'a str, FleetCtx>,
    /// Facility energy E of each workload, kWh, by its position in the inventory (0 for a
    /// workload not yet assessed).
    energy: Vec<f64>,
    preference: &'static [Basis],
    /// Σ IT energy of the workloads, kWh (the `it-energy` disclosure).
    it_energy: f64,
}

impl<'a> Run<'a> {
    fn new(
        d: &'a Descriptor,
        inv: &'a Derived<'a>,
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
            energy: vec![0.0; inv.workloads.len()],
            preference,
            it_energy: 0.0,
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
        for (n, w) in self.inv.workloads.iter().enumerate() {
            self.workload(n, w)?;
        }
        for fleet in &self.inv.fleets {
            self.fleet(fleet)?;
        }
        self.fleet_bound_items()?;
        self.buildings()?;
        self.not_sci_terms();
        self.market_measures();
        self.functional_units()?;
        self.b
            .disclose(energy::it_energy_disclosure(self.it_energy));
        Ok(self.b.finish())
    }
}

mod capital;
mod electricity;
mod other_items;
mod rate;

#[cfg(test)]
mod tests;
