//! What a methodology returns: contributions with their terms, exclusions, assumptions,
//! per-functional-unit results and disclosures.
//!
//! **Invariant:** every contribution's value for an indicator equals the product of its terms
//! (each raised to its power) times that indicator's factor (listed once in
//! [`Assessment::factors`] and referenced by id), so every number can be recomputed from the
//! audit trail alone ([`Assessment::check`]). Factors are referenced rather than repeated so
//! that an inventory of 100,000 workloads keeps a compact trail.

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::fmt;
use std::sync::Arc;

use serde::{Deserialize, Serialize};

use crate::descriptor::MethodRef;
pub use crate::driver::Driver;
use crate::indicator::Indicator;
pub use crate::item::{ItemKind, ItemRef};

/// A life-cycle stage.
#[derive(
    Clone,
    Copy,
    Debug,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Hash,
    Serialize,
    Deserialize,
    schemars::JsonSchema,
)]
#[serde(rename_all = "kebab-case")]
pub enum Stage {
    /// Manufacturing of hardware (embodied impacts).
    Manufacturing,
    /// Transport of hardware.
    Transport,
    /// Use: electricity, cooling water, fuels, refrigerants, purchased services.
    Use,
    /// Data-centre building.
    Infrastructure,
    /// End of life of hardware.
    EndOfLife,
}

all_in_declaration_order!(Stage);

impl Stage {
    /// This stage's place in [`Stage::ALL`], for per-stage arrays.
    pub const fn index(self) -> usize {
        self as usize
    }

    /// Every stage, in report order.
    pub const ALL: [Stage; 5] = [
        Stage::Manufacturing,
        Stage::Transport,
        Stage::Use,
        Stage::Infrastructure,
        Stage::EndOfLife,
    ];

    /// Identifier used in figure paths.
    pub fn id(self) -> &'static str {
        match self {
            Stage::Manufacturing => "manufacturing",
            Stage::Transport => "transport",
            Stage::Use => "use",
            Stage::Infrastructure => "infrastructure",
            Stage::EndOfLife => "end-of-life",
        }
    }
}

impl fmt::Display for Stage {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.id())
    }
}

/// Which part of an item a contribution accounts for; contributions of two methods with the
/// same item and aspect are compared term by term.
#[derive(
    Clone,
    Copy,
    Debug,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Hash,
    Serialize,
    Deserialize,
    schemars::JsonSchema,
)]
#[serde(rename_all = "kebab-case")]
pub enum Aspect {
    /// Electricity of the active devices (facility energy: IT × PUE).
    Electricity,
    /// Electricity of reserved or provisioned hardware while idle.
    IdleElectricity,
    /// Electricity of host CPUs, memory and network.
    HostElectricity,
    /// Upstream of electricity and T&D losses (life-cycle minus combustion).
    ElectricityUpstream,
    /// Electricity under contractual instruments (market-based).
    MarketElectricity,
    /// Water evaporated by on-site cooling.
    CoolingWater,
    /// Embodied impacts of the accelerators.
    Embodied,
    /// Embodied impacts of the host servers.
    HostEmbodied,
    /// Embodied impacts of the building.
    Building,
    /// Transport.
    Transport,
    /// End of life.
    EndOfLife,
    /// A purchased service.
    Service,
    /// Fuel combustion.
    Fuel,
    /// Refrigerant leakage.
    Refrigerant,
    /// Carbon credits (never netted).
    Offset,
}

impl Aspect {
    /// Identifier.
    pub fn id(self) -> &'static str {
        match self {
            Aspect::Electricity => "electricity",
            Aspect::IdleElectricity => "idle-electricity",
            Aspect::HostElectricity => "host-electricity",
            Aspect::ElectricityUpstream => "electricity-upstream",
            Aspect::MarketElectricity => "market-electricity",
            Aspect::CoolingWater => "cooling-water",
            Aspect::Embodied => "embodied",
            Aspect::HostEmbodied => "host-embodied",
            Aspect::Building => "building",
            Aspect::Transport => "transport",
            Aspect::EndOfLife => "end-of-life",
            Aspect::Service => "service",
            Aspect::Fuel => "fuel",
            Aspect::Refrigerant => "refrigerant",
            Aspect::Offset => "offset",
        }
    }
}

impl fmt::Display for Aspect {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.id())
    }
}

/// The value of a contribution for one indicator.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub struct IndicatorValue {
    /// The indicator.
    pub indicator: Indicator,
    /// Id of the factor in [`Assessment::factors`] (e.g. the grid's kgCO2e/kWh).
    pub factor: Arc<str>,
    /// The result, in the indicator's unit: the product of the terms times the factor.
    pub value: f64,
}

/// An item, aspect or indicator left out, with the reason.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub struct Exclusion {
    /// The item.
    pub item: ItemRef,
    /// The aspect left out, or `None` for the whole item.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub aspect: Option<Aspect>,
    /// The indicator left out, or `None` for all.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub indicator: Option<Indicator>,
    /// Why.
    pub reason: Cow<'static, str>,
    /// The divergence driver this exclusion bears on.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub driver: Option<Driver>,
}

/// A default or assumption the method applied.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub struct Assumption {
    /// Short key, e.g. `default-pue`.
    pub topic: Cow<'static, str>,
    /// What was assumed and why.
    pub text: String,
    /// The items it was applied to.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub items: Vec<ItemRef>,
}

/// Whether the method covers an indicator.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub struct IndicatorCoverage {
    /// The indicator.
    pub indicator: Indicator,
    /// Covered or not.
    pub covered: bool,
    /// Why not, or caveats.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    /// In scope, but every contribution to it was excluded (no factor…) or no item gives it:
    /// reported as "not computed" with the reason in `note`, never as 0. `covered` is then
    /// false too.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub not_computed: bool,
}

/// A result per functional unit.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub struct FunctionalUnitResult {
    /// The functional unit's id.
    pub functional_unit: String,
    /// What it counts (absent in reports written before it was recorded).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<crate::inventory::FunctionalUnitKind>,
    /// The indicator.
    pub indicator: Indicator,
    /// The impact counted (numerator), in the indicator's unit.
    pub impact: f64,
    /// R: how many functional units.
    pub count: f64,
    /// Impact per functional unit.
    pub value: f64,
    /// What the numerator covers, in words.
    pub scope: String,
}

/// A named figure a method discloses besides its totals (e.g. Mistral's inference share).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub struct Disclosure {
    /// Identifier, used in figure paths.
    pub id: Cow<'static, str>,
    /// Label.
    pub label: Cow<'static, str>,
    /// Indicator, if the figure is one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub indicator: Option<Indicator>,
    /// The figure, or `None` when it cannot be computed (see `note`).
    pub value: Option<f64>,
    /// Its unit.
    pub unit: Cow<'static, str>,
    /// How it is computed.
    pub formula: Cow<'static, str>,
    /// Caveat or the reason it is missing.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

/// A factor used by an assessment, as cited in its audit trail.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub struct FactorUse {
    /// Factor id (database), `inventory:<path>` (an inventory value or override) or
    /// `derived:<name>` (computed from other factors).
    pub id: Arc<str>,
    /// Symbol used in formulas, e.g. `F_grid`.
    pub symbol: Cow<'static, str>,
    /// The value contributions multiply by, in `canonical-unit`.
    pub canonical: f64,
    /// The unit of `canonical`: the indicator's unit per reference unit (kgCO2e/kWh…).
    pub canonical_unit: Cow<'static, str>,
    /// The divergence driver a change of this factor bears on.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub driver: Option<Driver>,
    /// Subject.
    pub subject: String,
    /// Indicator, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub indicator: Option<Indicator>,
    /// Value with unit, as stored.
    pub value: String,
    /// Boundary.
    pub boundary: String,
    /// Region of the factor.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub region: Option<String>,
    /// Region asked for.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub requested_region: Option<String>,
    /// Regions tried without a match before the factor's.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub fallback: Vec<String>,
    /// Reference year.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub year: Option<i32>,
    /// Dataset or document.
    pub source: String,
    /// Licence.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub licence: Option<String>,
    /// Basis (vendor PCF, parametric model…).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub basis: Option<String>,
    /// Quality flag.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub quality: Option<String>,
    /// Other factors for the same subject that were not chosen.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub alternatives: Vec<String>,
    /// Whether it came from the inventory (an override) rather than the database.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub from_inventory: bool,
}

/// A method's result on one inventory.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub struct Assessment {
    /// The method.
    pub method: MethodRef,
    /// Effective parameters (given or default), as text.
    pub parameters: BTreeMap<String, String>,
    /// Indicator coverage.
    pub coverage: Vec<IndicatorCoverage>,
    /// Computed amounts.
    pub contributions: Vec<Contribution>,
    /// What was left out and why.
    pub exclusions: Vec<Exclusion>,
    /// Defaults and assumptions applied.
    pub assumptions: Vec<Assumption>,
    /// Warnings (data quality, fallbacks).
    pub warnings: Vec<String>,
    /// Results per functional unit.
    pub functional_units: Vec<FunctionalUnitResult>,
    /// Method-specific figures.
    pub disclosures: Vec<Disclosure>,
    /// Every factor used.
    pub factors: Vec<FactorUse>,
    /// The comparability profile the method declares (required stages, functional units,
    /// grid basis), when it declares one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub profile: Option<Profile>,
    /// Stages the method's boundary requires and this assessment does not cover, with the
    /// reason (empty for a method that declares no boundary).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub missing_stages: Vec<MissingStage>,
    /// Functional units the method requires and cannot compute on this inventory, with the
    /// reason (a missing volume): reported as missing, never as a number.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub missing_units: Vec<MissingUnit>,
}

/// A functional unit a method requires and cannot compute.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub struct MissingUnit {
    /// The functional unit's id.
    pub functional_unit: String,
    /// What it counts.
    pub kind: crate::inventory::FunctionalUnitKind,
    /// Why it cannot be computed.
    pub reason: String,
}

impl Assessment {
    /// An assessment by `method` with no contribution yet (what a builder starts from).
    pub fn empty(method: MethodRef) -> Assessment {
        Assessment {
            method,
            parameters: Default::default(),
            coverage: Vec::new(),
            contributions: Vec::new(),
            exclusions: Vec::new(),
            assumptions: Vec::new(),
            warnings: Vec::new(),
            functional_units: Vec::new(),
            disclosures: Vec::new(),
            factors: Vec::new(),
            profile: None,
            missing_stages: Vec::new(),
            missing_units: Vec::new(),
        }
    }

    /// Whether the method covers `indicator`.
    pub fn covers(&self, indicator: Indicator) -> bool {
        self.coverage
            .iter()
            .any(|c| c.indicator == indicator && c.covered)
    }

    /// Contributions counted in totals for `indicator`, with their value.
    pub fn counted(&self, indicator: Indicator) -> impl Iterator<Item = (&Contribution, f64)> {
        self.contributions
            .iter()
            .filter(|c| !c.memo)
            .filter_map(move |c| c.value(indicator).map(|v| (c, v)))
    }

    /// Total for `indicator`, or `None` when the method does not cover it.
    pub fn total(&self, indicator: Indicator) -> Option<f64> {
        self.covers(indicator)
            .then(|| self.counted(indicator).map(|(_, v)| v).sum())
    }

    /// [`Assessment::total`] of every indicator, in [`Indicator::ALL`] order, from one pass
    /// over the contributions (each indicator's sum in the same order).
    pub fn totals(&self) -> [Option<f64>; Indicator::ALL.len()] {
        let mut totals = Totals::default();
        for c in &self.contributions {
            totals.add(c);
        }
        totals.finish(self)
    }

    /// The factor used with this id.
    pub fn factor(&self, id: &str) -> Option<&FactorUse> {
        self.factors.iter().find(|f| &*f.id == id)
    }

    /// Checks every contribution's audit-trail invariant.
    pub fn check(&self) -> Result<(), String> {
        self.contributions
            .iter()
            .try_for_each(|c| c.check(&self.factors))
    }
}

mod allocation;
mod breakdown;
mod builder;
mod contribution;
mod finite;
pub use finite::{Finite, NO_ITEM_GIVES, no_item_gives};
mod missing;
mod profile;
mod shared;
mod term;
pub use missing::no_factor_warning;
mod functional;
pub mod work;

pub use allocation::{Allocation, Allocations};
pub use breakdown::{Breakdown, Breakdowns, Destination, Totals};
pub use builder::{Builder, Draft};
pub use contribution::{Contribution, ContributionMeta};
pub use functional::{functional_unit_results, membership, results_of, unit_of, workloads_of};
pub(crate) use functional::{memberships, results_with};
pub use profile::{GridBasis, MissingStage, Profile, RequiredStage};
pub use term::{Term, TermMeta, TermSource};

#[cfg(test)]
pub(crate) mod tests;
