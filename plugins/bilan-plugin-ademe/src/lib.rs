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

use bilan_core::Derived;
use bilan_core::assessment::{
    Allocations, Aspect, Assessment, Builder, Disclosure, Driver, FactorUse, ItemKind, ItemRef,
    Term,
};
use bilan_core::factor::{Basis, FactorSet};
use bilan_core::indicator::Indicator;
use bilan_core::inventory::{Inventory, Phase};
use bilan_core::method::{
    Descriptor, MethodError, Methodology, ParamKind, ParamSpec, ParamValue, Parameters, RuleSpec,
};
use bilan_core::units::{self, Dimension, Quantity, Unit};
use bilan_method_kit::energy;

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
            bilan_method_kit::temporal::param("`series` weights the GWP of grid electricity by the site's grid series (`grid-series`) over each workload's period; `annual` keeps the annual average"),
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
            bilan_method_kit::temporal::rule(),
            bilan_method_kit::matching::rule_location_only("a life-cycle assessment uses location-based factors only"),
            RuleSpec::new(Driver::FacilityOverhead, "included", "IT energy × PUE"),
            RuleSpec::new(Driver::IdleOverhead, "included", "idle or reserved energy and host overhead count"),
            RuleSpec::new(Driver::HostEmbodied, "included", "host servers' embodied impacts count, shared among their accelerators"),
            RuleSpec::new(Driver::Building, "included", "data-centre building amortised over its life × share"),
            RuleSpec::new(Driver::Transport, "included", "transport of hardware, amortised like its fleet"),
            RuleSpec::new(Driver::EndOfLife, "included", "end of life of hardware, amortised like its fleet"),
            RuleSpec::new(Driver::IndicatorCoverage, "multi-criteria", "GWP100, water consumption, ADPe, ADPf, and final electricity"),
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

/// The factor registered for each indicator a contribution has a value for.
type FactorIds = Vec<(Indicator, Arc<str>)>;

/// Electricity and water factors of one site.
struct SiteCtx {
    pue: Term,
    /// Per indicator: electricity factor id.
    electricity: FactorIds,
    wue: Arc<str>,
    /// The site's grid series, if its GWP follows one.
    temporal: Option<bilan_method_kit::temporal::Temporal>,
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
    allocation: Allocations,
    /// Each workload's utilisation, aligned with `allocation`.
    utilisation: Arc<[Option<f64>]>,
}

struct Run<'a> {
    d: &'a Descriptor,
    inv: &'a Derived<'a>,
    factors: &'a FactorSet,
    params: &'a Parameters,
    b: Builder,
    sites: FxHashMap<&'a str, std::rc::Rc<SiteCtx>>,
    reserved: FxHashMap<&'a str, Reserved>,
    preference: &'static [Basis],
    /// Σ IT energy counted, kWh (the `it-energy` disclosure).
    it_energy: f64,
}

fn absolute(indicator: Indicator) -> &'static Unit {
    match indicator {
        Indicator::Gwp | Indicator::Adpe => &units::KG,
        Indicator::Water => &units::M3,
        Indicator::Adpf => &units::MJ,
        Indicator::Energy => &units::KWH,
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
            b: Builder::new(d, params)
                .with_capacity(2 * inv.workloads.len() + 4 * inv.fleets.len()),
            sites: FxHashMap::default(),
            reserved: FxHashMap::default(),
            preference,
            it_energy: 0.0,
        })
    }

    fn flag(&self, name: &str) -> bool {
        self.params.bool(self.d, name).unwrap_or(true)
    }

    fn assess(mut self) -> Result<Assessment, MethodError> {
        for site in &self.inv.sites {
            let ctx = self.site(site)?;
            self.sites.insert(site.id.as_str(), std::rc::Rc::new(ctx));
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
        let (fu, notes) = self.inv.functional_unit_results(self.b.assessment())?;
        self.b.functional_units(fu);
        for note in notes {
            self.b.warn(note);
        }
        self.disclosures();
        Ok(self.b.finish())
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
        // Every impact's breakdown from one pass over the contributions.
        let mut breakdowns =
            a.breakdowns_of(Indicator::ALL.map(|i| Indicator::IMPACTS.contains(&i)));
        for indicator in Indicator::IMPACTS {
            let b = breakdowns[indicator.index()].take().unwrap_or_default();
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
        out.push(energy::it_energy_disclosure(self.it_energy));
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

mod capital;
mod electricity;
mod other_items;

#[cfg(test)]
mod tests;
