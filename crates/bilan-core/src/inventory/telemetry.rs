//! Metered telemetry: energy or power per device per interval, from a CSV or Parquet file,
//! assessed as workloads that aggregate its rows (one per fleet and day, or month) without
//! expanding into one item per row. `bilan_telemetry` reads and checks the files.

use std::sync::Arc;

use serde::{Deserialize, Serialize};

use super::{EnergyBoundary, Phase};
use crate::series::Series;

/// A telemetry file and how its rows become workloads (`[[telemetry]]`).
#[derive(Clone, Debug, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "kebab-case")]
#[schemars(deny_unknown_fields)]
pub struct Telemetry {
    /// Identifier, unique among telemetry files; the prefix of its workloads' ids.
    pub id: String,
    /// The CSV (`.csv`) or Parquet (`.parquet`) file, relative to the inventory's directory.
    /// Columns: `timestamp` (the interval's start, with its time zone), `interval`
    /// (seconds), `energy` or `power`, `unit`, and optionally `device` and `fleet`.
    pub file: String,
    /// The fleet of rows that name none (a file without a `fleet` column).
    pub fleet: String,
    /// The phase of the work metered.
    pub phase: Phase,
    /// How rows are aggregated into workloads: `fleet-day` (the default) or `fleet-month`.
    #[serde(default)]
    pub aggregate: Aggregate,
    /// Where the energy was metered: `it` (the default: device or server meters, NVML) or
    /// `facility`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub energy_boundary: Option<EnergyBoundary>,
    /// Where the rows come from (the meter, the exporter), for the audit trail.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
}

/// The level rows are aggregated to, each aggregate one workload.
#[derive(
    Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize, schemars::JsonSchema,
)]
#[serde(rename_all = "kebab-case")]
pub enum Aggregate {
    /// One workload per fleet and calendar day (UTC).
    #[default]
    FleetDay,
    /// One workload per fleet and calendar month (UTC).
    FleetMonth,
}

impl Aggregate {
    /// Identifier as written in files.
    pub fn id(self) -> &'static str {
        match self {
            Aggregate::FleetDay => "fleet-day",
            Aggregate::FleetMonth => "fleet-month",
        }
    }
}

/// What a workload aggregated from telemetry holds beyond its fields: its energy hour by
/// hour, so that a grid series or hourly matching weighs each hour by what was drawn in it,
/// and where its rows are.
#[derive(Clone, Debug, PartialEq)]
pub struct Metered {
    /// The `[[telemetry]]` it comes from.
    pub telemetry: Arc<str>,
    /// Its IT (or facility, as the telemetry says) energy by hour, kWh, from the first hour
    /// it has energy in to the last.
    pub hourly: Series,
    /// How many rows it aggregates, and how many devices they name.
    pub rows: u64,
    pub devices: u32,
    /// Its first and last row (1-based, the header not counted), when the reader kept the
    /// rows' order (a columnar plan does not).
    pub span: Option<(u64, u64)>,
}
