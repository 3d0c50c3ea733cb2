//! What the split of a difference between two systems reports: the drivers, the pieces by
//! driver and by item kind, each phase's factors and the rule that split it
//! ([`super::decompose`] computes them).

use bilan_core::assessment::ItemKind;
use bilan_core::indicator::Indicator;
use bilan_core::inventory::{FunctionalUnitKind, Phase};
use serde::Serialize;

/// A reason two systems differ, in report order.
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, schemars::JsonSchema,
)]
#[serde(rename_all = "kebab-case")]
pub enum SystemDriver {
    /// Functional units done (or a phase one system does not have).
    Volume,
    /// IT energy per functional unit of the phase.
    EnergyPerUnit,
    /// IT energy, where the two systems share no functional unit for the phase.
    ItEnergy,
    /// Facility energy over IT energy.
    Pue,
    /// Impact per facility kWh: grid factor, its upstream and on-site cooling water.
    Grid,
    /// Embodied impacts of accelerators and hosts.
    Hardware,
    /// Embodied impacts of the building.
    Building,
    /// Transport, end of life, services, fuels, refrigerants.
    Other,
}

impl SystemDriver {
    /// Every driver, in report order.
    pub const ALL: [SystemDriver; 8] = [
        SystemDriver::Volume,
        SystemDriver::EnergyPerUnit,
        SystemDriver::ItEnergy,
        SystemDriver::Pue,
        SystemDriver::Grid,
        SystemDriver::Hardware,
        SystemDriver::Building,
        SystemDriver::Other,
    ];

    /// Identifier.
    pub fn id(self) -> &'static str {
        match self {
            SystemDriver::Volume => "volume",
            SystemDriver::EnergyPerUnit => "energy-per-unit",
            SystemDriver::ItEnergy => "it-energy",
            SystemDriver::Pue => "pue",
            SystemDriver::Grid => "grid",
            SystemDriver::Hardware => "hardware",
            SystemDriver::Building => "building",
            SystemDriver::Other => "other",
        }
    }
}

/// A driver's part of a difference.
#[derive(Clone, Debug, PartialEq, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub struct DriverAmount {
    /// The driver.
    pub driver: SystemDriver,
    /// Its part of `B − A`, in the indicator's unit.
    pub amount: f64,
}

/// An item kind's part of a difference.
#[derive(Clone, Debug, PartialEq, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub struct KindAmount {
    /// The kind.
    pub kind: ItemKind,
    /// Its change, in the indicator's unit.
    pub amount: f64,
}

/// A phase's electricity as the decomposition reads it from one system's trail.
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub struct PhaseFactors {
    /// X: impact of the phase's electricity, upstream and cooling water.
    pub impact: f64,
    /// F: facility energy, kWh.
    pub facility_energy: f64,
    /// T: IT energy, kWh.
    pub it_energy: f64,
    /// V: functional units done, of the unit the phase is compared on.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub volume: Option<f64>,
}

impl PhaseFactors {
    /// g = X / F, when F is not zero.
    pub fn grid(&self) -> Option<f64> {
        ratio(self.impact, self.facility_energy)
    }
    /// u = F / T, when T is not zero.
    pub fn pue(&self) -> Option<f64> {
        ratio(self.facility_energy, self.it_energy)
    }
    /// e = T / V, when V is known and not zero.
    pub fn energy_per_unit(&self) -> Option<f64> {
        self.volume.and_then(|v| ratio(self.it_energy, v))
    }
}

pub(super) fn ratio(x: f64, y: f64) -> Option<f64> {
    let r = x / y;
    (y != 0.0 && r.is_finite()).then_some(r)
}

/// How a phase's change was split.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum SplitRule {
    /// Log-mean Divisia index.
    Lmdi,
    /// One side's impact is zero: to the factors that are zero there.
    ZeroFactor,
    /// The phase is in one system only: volume.
    OneSided,
    /// Not split (an impact without energy, or signs that differ): in the residual.
    Residual,
}

impl SplitRule {
    /// Identifier.
    pub fn id(self) -> &'static str {
        match self {
            SplitRule::Lmdi => "lmdi",
            SplitRule::ZeroFactor => "zero-factor",
            SplitRule::OneSided => "one-sided",
            SplitRule::Residual => "residual",
        }
    }
}

/// One phase's electricity change, split.
#[derive(Clone, Debug, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub struct PhaseSplit {
    /// The phase (`None`: electricity tied to no phase).
    pub phase: Option<Phase>,
    /// The functional unit it is compared on, when both systems have one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unit: Option<FunctionalUnitKind>,
    /// How it was split.
    pub rule: SplitRule,
    /// The baseline's factors.
    pub baseline: PhaseFactors,
    /// The other system's factors.
    pub system: PhaseFactors,
    /// The pieces.
    pub drivers: Vec<DriverAmount>,
}

/// The explained difference between two systems under one method, for one indicator.
#[derive(Clone, Debug, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub struct SystemDivergence {
    /// The method.
    pub method: String,
    /// The indicator.
    pub indicator: Indicator,
    /// System A (the baseline).
    pub baseline: String,
    /// System B.
    pub system: String,
    /// A's total.
    pub baseline_total: f64,
    /// B's total.
    pub total: f64,
    /// `B − A`.
    pub difference: f64,
    /// By item kind (kinds that change nothing left out).
    pub by_kind: Vec<KindAmount>,
    /// `B − A` minus the kinds' amounts.
    pub by_kind_residual: f64,
    /// By driver, in [`SystemDriver::ALL`] order (drivers that explain nothing left out).
    pub drivers: Vec<DriverAmount>,
    /// `B − A` minus the drivers' amounts.
    pub residual: f64,
    /// The electricity of each phase, split.
    pub phases: Vec<PhaseSplit>,
    /// What the reader needs to know about the split.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub notes: Vec<String>,
}
