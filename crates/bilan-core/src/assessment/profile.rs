//! A method's comparability profile (`[profile]` of a declarative method): the stages it
//! requires, the functional units and the grid basis it fixes, and the stages an
//! assessment misses. Computed by `crate::quality`.

use serde::{Deserialize, Serialize};

use super::{Aspect, Contribution};
use crate::inventory::Phase;

/// A stage a method's profile can require (`[profile] required-stages`).
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
pub enum RequiredStage {
    /// Training of the released model: pre-training, fine-tuning and post-training.
    Training,
    /// Development: experiments, ablations and failed runs.
    Development,
    /// Inference: serving requests.
    Inference,
    /// Manufacturing of the hardware used (embodied impacts of accelerators and hosts).
    HardwareManufacturing,
    /// The data-centre building (embodied impacts of the building).
    DataCentreBuilding,
}

impl RequiredStage {
    /// Every required stage, in report order.
    pub const ALL: [RequiredStage; 5] = [
        RequiredStage::Training,
        RequiredStage::Development,
        RequiredStage::Inference,
        RequiredStage::HardwareManufacturing,
        RequiredStage::DataCentreBuilding,
    ];

    /// Identifier as written in files.
    pub fn id(self) -> &'static str {
        match self {
            RequiredStage::Training => "training",
            RequiredStage::Development => "development",
            RequiredStage::Inference => "inference",
            RequiredStage::HardwareManufacturing => "hardware-manufacturing",
            RequiredStage::DataCentreBuilding => "data-centre-building",
        }
    }

    /// The workload phases it covers, for the stages that are phases.
    pub(crate) fn phases(self) -> &'static [Phase] {
        match self {
            RequiredStage::Training => &[Phase::Training, Phase::FineTuning],
            RequiredStage::Development => &[Phase::Development],
            RequiredStage::Inference => &[Phase::Inference],
            RequiredStage::HardwareManufacturing | RequiredStage::DataCentreBuilding => &[],
        }
    }

    /// The aspects it covers, for the stages that are not phases.
    pub(crate) fn aspects(self) -> &'static [Aspect] {
        match self {
            RequiredStage::HardwareManufacturing => &[Aspect::Embodied, Aspect::HostEmbodied],
            RequiredStage::DataCentreBuilding => &[Aspect::Building],
            RequiredStage::Training | RequiredStage::Development | RequiredStage::Inference => &[],
        }
    }

    /// Whether a counted, non-zero contribution covers it.
    pub(crate) fn covered_by(self, c: &Contribution) -> bool {
        if c.memo || c.values.iter().all(|v| v.value == 0.0) {
            return false;
        }
        let phases = self.phases();
        if !phases.is_empty() {
            return c.phase.is_some_and(|p| phases.contains(&p))
                || c.allocation
                    .iter()
                    .any(|a| a.share > 0.0 && phases.contains(&a.phase));
        }
        self.aspects().contains(&c.aspect)
    }
}

impl std::fmt::Display for RequiredStage {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.id())
    }
}

/// A required stage the assessment does not cover, with the reason.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub struct MissingStage {
    /// The stage.
    pub stage: RequiredStage,
    /// Why it is not covered: absent from the inventory, or excluded (and by what).
    pub reason: String,
}

/// The grid basis a profile fixes for electricity.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum GridBasis {
    /// Location-based: the average intensity of the grid where the electricity is used.
    Location,
    /// Market-based: contractual instruments, then the residual mix.
    Market,
}

impl GridBasis {
    /// Identifier as written in files.
    pub fn id(self) -> &'static str {
        match self {
            GridBasis::Location => "location",
            GridBasis::Market => "market",
        }
    }
}

/// What a comparability profile fixes (a declarative method's `[profile]`): the stages its
/// boundary requires, the functional units every system is reported per, and the grid basis.
/// Recorded on the assessments of a method that declares one.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub struct Profile {
    /// Stages that must be included; each one the inventory does not cover is listed in
    /// [`super::Assessment::missing_stages`] and lowers the data-quality grade.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub required_stages: Vec<RequiredStage>,
    /// Functional units every system is reported per (one result each, or a
    /// [`super::MissingUnit`] with the reason).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub functional_units: Vec<crate::inventory::FunctionalUnitKind>,
    /// The grid basis of electricity.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub grid_basis: Option<GridBasis>,
}
