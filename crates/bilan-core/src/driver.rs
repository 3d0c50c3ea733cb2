//! The divergence drivers, below both [`crate::assessment`] (whose terms, factors and
//! exclusions carry them) and the methods' descriptors (whose rules are tagged with them).
//! Reached as `bilan_core::assessment::Driver`.

use std::fmt;

use serde::{Deserialize, Serialize};

/// A reason two methods give different numbers for the same inventory. Methods tag their
/// rules, terms and exclusions with drivers; the runner decomposes differences by them, in
/// the order of [`Driver::ALL`].
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
pub enum Driver {
    /// An indicator (water, ADPe…) in one method's scope and not the other's.
    IndicatorCoverage,
    /// Time frame: reporting year vs life cycle of the functional unit.
    TimeFrame,
    /// Capital goods: expensed in the year of acquisition vs amortised over the lifetime.
    CapitalGoods,
    /// Dividing embodied impacts by the hardware's utilisation.
    UtilisationDivisor,
    /// Market-based (contractual instruments) vs location-based electricity.
    ElectricityBasis,
    /// Life-cycle vs combustion-only electricity factors.
    ElectricityBoundary,
    /// Annual average vs hourly (or finer) grid intensity over the time the work ran.
    TemporalResolution,
    /// Market-based Scope 2: instruments matched to consumption over the year vs hour by
    /// hour.
    MarketMatching,
    /// Data-centre overhead (PUE).
    FacilityOverhead,
    /// Idle or reserved capacity and host overhead.
    IdleOverhead,
    /// Host servers' embodied impacts in or out.
    HostEmbodied,
    /// Data-centre building in or out.
    Building,
    /// Transport in or out.
    Transport,
    /// End of life in or out.
    EndOfLife,
    /// Purchased services, fuels, refrigerants in or out.
    OtherItems,
    /// A different factor for the same thing (dataset, preference order).
    FactorChoice,
    /// A custom auditor rule (cut-off, exclusion, multiplier).
    AuditorRule,
}

impl Driver {
    /// Every driver, in decomposition order.
    pub const ALL: [Driver; 17] = [
        Driver::IndicatorCoverage,
        Driver::TimeFrame,
        Driver::CapitalGoods,
        Driver::UtilisationDivisor,
        Driver::ElectricityBasis,
        Driver::ElectricityBoundary,
        Driver::TemporalResolution,
        Driver::MarketMatching,
        Driver::FacilityOverhead,
        Driver::IdleOverhead,
        Driver::HostEmbodied,
        Driver::Building,
        Driver::Transport,
        Driver::EndOfLife,
        Driver::OtherItems,
        Driver::FactorChoice,
        Driver::AuditorRule,
    ];

    /// Identifier.
    pub fn id(self) -> &'static str {
        match self {
            Driver::IndicatorCoverage => "indicator-coverage",
            Driver::TimeFrame => "time-frame",
            Driver::CapitalGoods => "capital-goods",
            Driver::UtilisationDivisor => "utilisation-divisor",
            Driver::ElectricityBasis => "electricity-basis",
            Driver::ElectricityBoundary => "electricity-boundary",
            Driver::TemporalResolution => "temporal-resolution",
            Driver::MarketMatching => "market-matching",
            Driver::FacilityOverhead => "facility-overhead",
            Driver::IdleOverhead => "idle-overhead",
            Driver::HostEmbodied => "host-embodied",
            Driver::Building => "building",
            Driver::Transport => "transport",
            Driver::EndOfLife => "end-of-life",
            Driver::OtherItems => "other-items",
            Driver::FactorChoice => "factor-choice",
            Driver::AuditorRule => "auditor-rule",
        }
    }
}

impl fmt::Display for Driver {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.id())
    }
}
