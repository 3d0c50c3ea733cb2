//! Where an item's values come from when another tool's file gave them (`bilan import`),
//! and the figures that tool reported, kept beside bilan's as a reference.

use std::collections::BTreeMap;

use bilan_units::Quantity;
use serde::{Deserialize, Serialize};

/// How a value was obtained by the tool that recorded it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum ProvenanceClass {
    /// Measured by a tool on the running system (CodeCarbon, `bilan measure`, an IF
    /// observation of metered energy).
    Measured,
    /// Stated by a publisher (a model card, a BoAmps report, a manifest's constant).
    Disclosed,
}

impl ProvenanceClass {
    /// Identifier as written in files.
    pub fn id(self) -> &'static str {
        match self {
            ProvenanceClass::Measured => "measured",
            ProvenanceClass::Disclosed => "disclosed",
        }
    }
}

/// Where an item's values were read from (`[workload.provenance]`, `[site.provenance]`,
/// `[fleet.provenance]`).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "kebab-case")]
#[schemars(deny_unknown_fields)]
pub struct Provenance {
    /// Measured or disclosed.
    pub class: ProvenanceClass,
    /// The file read, as given to `bilan import`.
    pub file: String,
    /// Where in it: `row 3`, `tree.children.server-1.inputs[2]`, `co2_eq_emissions`.
    pub at: String,
    /// The tool (and version) that wrote the file, when the file states it, e.g.
    /// `"codecarbon 3.3.2"`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tool: Option<String>,
    /// Which field of the file each bilan key was read from, e.g. `energy =
    /// "cpu_energy + gpu_energy + ram_energy"`.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub fields: BTreeMap<String, String>,
}

/// Figures another tool reported for a workload, kept as a reference beside bilan's
/// (`[workload.reported]`); no method adds them to its own figures.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "kebab-case")]
#[schemars(deny_unknown_fields)]
pub struct Reported {
    /// The tool and its version, e.g. `"codecarbon 3.3.2"`.
    pub tool: String,
    /// Its climate-change figure, e.g. `"0.0123 kg"` (CO2e).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub gwp: Option<Quantity>,
    /// Its emission rate, e.g. `"1.2e-6 kg/s"`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub gwp_rate: Option<Quantity>,
    /// The energy it counted.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub energy: Option<Quantity>,
    /// The grid carbon intensity it applied, e.g. `"0.056 kg/kWh"`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub grid_intensity: Option<Quantity>,
    /// The PUE it applied.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pue: Option<f64>,
}
