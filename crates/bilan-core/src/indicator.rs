//! Impact indicators. Never mix them up: each has its own unit and meaning.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

/// An environmental indicator a methodology can report.
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
pub enum Indicator {
    /// Climate change, GWP100, in kg CO2e.
    Gwp,
    /// Water consumption (on-site cooling plus water consumed to generate electricity), in m3.
    /// A consumption indicator, not the EF 3.1 scarcity-weighted "water use".
    Water,
    /// Abiotic depletion of minerals and metals (ADPe), in kg Sb eq. Not Boavizta's `adp`,
    /// which mixes elements and fossil resources.
    Adpe,
    /// Abiotic depletion of fossil resources (ADPf), in MJ. Not total primary energy.
    Adpf,
    /// Final electricity, in kWh: the electricity the facility drew for the system (IT
    /// energy × PUE). An inventory flow, not an impact: not primary energy, not ADPf.
    Energy,
}

all_in_declaration_order!(Indicator);

impl Indicator {
    /// Every indicator, in report order.
    pub const ALL: [Indicator; 5] = [
        Indicator::Gwp,
        Indicator::Water,
        Indicator::Adpe,
        Indicator::Adpf,
        Indicator::Energy,
    ];

    /// The impact indicators (every one but [`Indicator::Energy`], a flow): those that
    /// factors per kWh, per device or per item express.
    pub const IMPACTS: [Indicator; 4] = [
        Indicator::Gwp,
        Indicator::Water,
        Indicator::Adpe,
        Indicator::Adpf,
    ];

    /// This indicator's place in [`Indicator::ALL`], for per-indicator arrays: its
    /// declaration order, which `ALL` follows (checked when compiling).
    pub const fn index(self) -> usize {
        self as usize
    }

    /// The identifier used in files, figure paths and on the command line.
    pub fn id(self) -> &'static str {
        match self {
            Indicator::Gwp => "gwp",
            Indicator::Water => "water",
            Indicator::Adpe => "adpe",
            Indicator::Adpf => "adpf",
            Indicator::Energy => "energy",
        }
    }

    /// The unit every result for this indicator is expressed in.
    pub fn unit(self) -> &'static str {
        match self {
            Indicator::Gwp => "kgCO2e",
            Indicator::Water => "m3",
            Indicator::Adpe => "kg Sb eq",
            Indicator::Adpf => "MJ",
            Indicator::Energy => "kWh",
        }
    }

    /// A human name for reports.
    pub fn name(self) -> &'static str {
        match self {
            Indicator::Gwp => "climate change (GWP100)",
            Indicator::Water => "water consumption",
            Indicator::Adpe => "abiotic depletion, minerals and metals (ADPe)",
            Indicator::Adpf => "abiotic depletion, fossil resources (ADPf)",
            Indicator::Energy => "final electricity",
        }
    }
}

impl fmt::Display for Indicator {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.id())
    }
}

impl FromStr for Indicator {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Indicator::ALL
            .into_iter()
            .find(|i| i.id() == s)
            .ok_or_else(|| {
                format!("unknown indicator `{s}`, expected one of gwp, water, adpe, adpf, energy")
            })
    }
}
