//! Inventory format v1: what an AI system consumed and owned over a period.
//!
//! The same model is read from TOML (written by people) and JSON (written by machines); the
//! file reference lives in `docs/inventory.md` and the generated JSON Schema in
//! `docs/inventory.schema.json`. Keys are kebab-case; arrays of items are written as TOML
//! arrays of tables (`[[workload]]`). Reading a file (spans, unknown keys) is the job of
//! `bilan-inventory`; this module holds the model and its semantic checks
//! ([`Inventory::validate`]), which name the key path of every problem.

use std::collections::BTreeMap;

use rustc_hash::FxHashMap;
use std::fmt;

use bilan_units::Quantity;
use serde::{Deserialize, Serialize};

use crate::indicator::Indicator;
use crate::region::Region;

mod date;
mod estimate;
mod locator;
mod measurement;
mod number;
mod other_items;
mod provenance;
mod telemetry;
mod usage;
mod validate;
mod workload;

pub use date::Date;
pub use estimate::{EstimateSpec, Estimated, Estimator};
pub use locator::Locator;
pub use measurement::{MeasuredDevice, Measurement, RaplDomain};
pub use other_items::{
    Building, Fuel, ImpactItem, Instrument, InstrumentKind, Offset, Refrigerant, ResidualMix,
    Service, SourcedQuantity,
};
pub use provenance::{Provenance, ProvenanceClass, Reported};
pub use telemetry::{Aggregate, Metered, Telemetry};
pub use validate::{KeyPath, Problem, out_of_range};
pub use workload::{EnergyBoundary, OutsidePeriod, Phase, Volume, WorkVolume, Workload};

/// A whole inventory file.
#[derive(Clone, Debug, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "kebab-case")]
#[schemars(deny_unknown_fields)]
#[schemars(title = "bilan inventory, schema 1")]
pub struct Inventory {
    /// Version of the inventory format; this build reads `1`.
    pub schema: u32,
    /// The system assessed and its reporting period.
    pub system: System,
    /// What results are expressed per: a training run, a request, a token…
    #[serde(
        default,
        rename = "functional-unit",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub functional_units: Vec<FunctionalUnit>,
    /// Data centres.
    #[serde(default, rename = "site", skip_serializing_if = "Vec::is_empty")]
    pub sites: Vec<Site>,
    /// Grid intensity by the hour (or finer), each from a CSV file; a site names the one
    /// its electricity follows (`grid-series`). See docs/grid-series.md.
    #[serde(default, rename = "grid-series", skip_serializing_if = "Vec::is_empty")]
    pub grid_series: Vec<GridSeries>,
    /// Metered telemetry files, each assessed as workloads that aggregate its rows (see
    /// docs/telemetry.md).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub telemetry: Vec<Telemetry>,
    /// Hardware fleets (accelerators and their host servers).
    #[serde(default, rename = "fleet", skip_serializing_if = "Vec::is_empty")]
    pub fleets: Vec<Fleet>,
    /// Training, fine-tuning, development and inference workloads.
    /// Once the inventory is loaded, those aggregated from `[[telemetry]]` follow its own.
    #[serde(default, rename = "workload", skip_serializing_if = "Vec::is_empty")]
    pub workloads: Vec<Workload>,
    /// Data-centre building shares.
    #[serde(default, rename = "building", skip_serializing_if = "Vec::is_empty")]
    pub buildings: Vec<Building>,
    /// Transport of hardware.
    #[serde(default, rename = "transport", skip_serializing_if = "Vec::is_empty")]
    pub transports: Vec<ImpactItem>,
    /// End-of-life treatment of hardware.
    #[serde(default, rename = "end-of-life", skip_serializing_if = "Vec::is_empty")]
    pub end_of_life: Vec<ImpactItem>,
    /// Purchased services, including cloud compute with provider-allocated emissions.
    #[serde(default, rename = "service", skip_serializing_if = "Vec::is_empty")]
    pub services: Vec<Service>,
    /// Fuels burnt on site (backup generators…).
    #[serde(default, rename = "fuel", skip_serializing_if = "Vec::is_empty")]
    pub fuels: Vec<Fuel>,
    /// Refrigerant leakage from owned cooling systems.
    #[serde(default, rename = "refrigerant", skip_serializing_if = "Vec::is_empty")]
    pub refrigerants: Vec<Refrigerant>,
    /// Contractual instruments: PPAs, guarantees of origin, RECs.
    #[serde(default, rename = "instrument", skip_serializing_if = "Vec::is_empty")]
    pub instruments: Vec<Instrument>,
    /// Residual-mix factors supplied by the user (none ship with bilan: no open licence).
    #[serde(
        default,
        rename = "residual-mix",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub residual_mixes: Vec<ResidualMix>,
    /// Carbon credits bought; methods report them apart and never net them.
    #[serde(default, rename = "offset", skip_serializing_if = "Vec::is_empty")]
    pub offsets: Vec<Offset>,
}

/// The system assessed.
#[derive(Clone, Debug, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "kebab-case")]
#[schemars(deny_unknown_fields)]
pub struct System {
    /// Name of the AI system (model, service).
    pub name: String,
    /// The system's version (model release, service version), as its publisher names it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version: Option<String>,
    /// Free text.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// The reporting entity; contractual instruments must be retired on its behalf.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub organisation: Option<String>,
    /// The reporting period (inclusive dates).
    pub period: Period,
}

/// An inclusive date range.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "kebab-case")]
#[schemars(deny_unknown_fields)]
pub struct Period {
    /// First day.
    pub start: Date,
    /// Last day (inclusive).
    pub end: Date,
}

impl Period {
    /// Number of days, both ends included.
    pub fn days(&self) -> i64 {
        self.end.days_since(self.start) + 1
    }

    /// Whether `date` falls in the period.
    pub fn contains(&self, date: Date) -> bool {
        self.start <= date && date <= self.end
    }

    /// Whether this period lies entirely inside `outer`.
    pub fn within(&self, outer: &Period) -> bool {
        outer.start <= self.start && self.end <= outer.end
    }

    /// Days of this period that fall inside `other`, both ends included.
    pub fn overlap_days(&self, other: &Period) -> i64 {
        let start = self.start.max(other.start);
        let end = self.end.min(other.end);
        if end < start {
            0
        } else {
            end.days_since(start) + 1
        }
    }
}

impl fmt::Display for Period {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} to {}", self.start, self.end)
    }
}

/// What a functional unit counts.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum FunctionalUnitKind {
    /// One training run: R = 1 for the workloads listed (default: every training workload).
    TrainingRun,
    /// One inference request: R = the requests of the inference workloads.
    Request,
    /// One token (input + output) of inference.
    Token,
    /// One output token of inference.
    OutputToken,
    /// One training token.
    TrainingToken,
    /// One floating-point operation of the workloads listed.
    Flop,
}

impl FunctionalUnitKind {
    /// Every kind, in declaration order.
    pub const ALL: [FunctionalUnitKind; 6] = [
        FunctionalUnitKind::TrainingRun,
        FunctionalUnitKind::Request,
        FunctionalUnitKind::Token,
        FunctionalUnitKind::OutputToken,
        FunctionalUnitKind::TrainingToken,
        FunctionalUnitKind::Flop,
    ];

    /// Identifier as written in files.
    pub fn id(self) -> &'static str {
        match self {
            FunctionalUnitKind::TrainingRun => "training-run",
            FunctionalUnitKind::Request => "request",
            FunctionalUnitKind::Token => "token",
            FunctionalUnitKind::OutputToken => "output-token",
            FunctionalUnitKind::TrainingToken => "training-token",
            FunctionalUnitKind::Flop => "flop",
        }
    }

    /// The phases whose workloads a functional unit of this kind covers by default.
    pub fn default_phases(self) -> &'static [Phase] {
        match self {
            FunctionalUnitKind::TrainingRun | FunctionalUnitKind::TrainingToken => {
                &[Phase::Training]
            }
            FunctionalUnitKind::Request
            | FunctionalUnitKind::Token
            | FunctionalUnitKind::OutputToken => &[Phase::Inference],
            FunctionalUnitKind::Flop => &[Phase::Training, Phase::FineTuning, Phase::Development],
        }
    }
}

/// A functional unit results are expressed per.
#[derive(Clone, Debug, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "kebab-case")]
#[schemars(deny_unknown_fields)]
pub struct FunctionalUnit {
    /// Identifier, unique among functional units.
    pub id: String,
    /// What it counts.
    pub kind: FunctionalUnitKind,
    /// The workloads whose impacts and volumes it covers; default: every workload of the
    /// kind's phases (training for a training run, inference for requests and tokens).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub workloads: Vec<String>,
    /// Free text.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
}

/// Who controls a data centre, which decides e.g. the GHG Protocol scope of its electricity.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum Ownership {
    /// Owned and operated by the reporting organisation.
    Owned,
    /// Space rented in a colocation facility; the organisation buys the power.
    Colocation,
    /// A cloud provider's facility; the provider buys the power.
    Cloud,
}

/// An impact factor given in the inventory for one item; it always wins over the database.
#[derive(Clone, Debug, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "kebab-case")]
#[schemars(deny_unknown_fields)]
pub struct FactorOverride {
    /// The value with its unit, e.g. `"0.41403 kgCO2e/kWh"` or `"164 kgCO2e/device"`.
    pub value: Quantity,
    /// Where the value comes from (required: an override without a source is refused).
    pub source: String,
    /// The value's boundary as its source states it, e.g. `"life-cycle"`, `"combustion"`,
    /// `"cradle-to-gate"` or `"as published by Meta"`.
    pub boundary: String,
    /// Reference year of the value.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub year: Option<i32>,
    /// Where it was published.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
}

/// A data centre.
#[derive(Clone, Debug, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "kebab-case")]
#[schemars(deny_unknown_fields)]
pub struct Site {
    /// Identifier, unique among sites.
    pub id: String,
    /// Where the electricity is drawn: `FR`, `US-VA`…
    pub region: Region,
    /// Power usage effectiveness (facility energy / IT energy, ≥ 1). If absent, methods apply
    /// their default and record it as an assumption.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pue: Option<Quantity>,
    /// On-site water usage effectiveness, litres consumed per kWh of IT energy.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub wue: Option<Quantity>,
    /// Who controls the facility.
    pub ownership: Ownership,
    /// Cloud or colocation provider, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub provider: Option<String>,
    /// Electricity factors for this site, per indicator (e.g. `gwp`); they win over the database.
    #[serde(
        default,
        skip_serializing_if = "BTreeMap::is_empty",
        deserialize_with = "crate::unique::keys"
    )]
    #[schemars(with = "BTreeMap<Indicator, FactorOverride>")]
    pub electricity: BTreeMap<Indicator, FactorOverride>,
    /// The id of the `[[grid-series]]` its grid's carbon intensity follows hour by hour: the
    /// methods weight their GWP factor by the series over each workload's period.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub grid_series: Option<String>,
    /// Where its values were read from, when imported from another tool's file.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub provenance: Option<Provenance>,
}

/// Grid carbon intensity by the hour (or finer) for one grid, from a CSV file
/// (`timestamp,intensity,unit`) or one of the series shipped with bilan (see
/// docs/grid-series.md).
#[derive(Clone, Debug, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "kebab-case")]
#[schemars(deny_unknown_fields)]
pub struct GridSeries {
    /// Identifier, unique among grid series.
    pub id: String,
    /// The CSV file, relative to the inventory's directory; or give `embedded`.
    #[serde(default)]
    pub file: String,
    /// A series shipped with bilan, e.g. `eia930-erco-2022`, instead of a `file`: its source
    /// and licence are its own.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub embedded: Option<String>,
    /// Where the figures come from (dataset, publisher, emission rates used); with
    /// `embedded`, a note added to the shipped series' own source.
    #[serde(default)]
    pub source: String,
    /// Their licence, e.g. `public domain (EIA-930)`; not given with `embedded`.
    #[serde(default)]
    pub licence: String,
    /// The series as read and checked, once the inventory is loaded (not written back).
    #[serde(skip)]
    #[schemars(skip)]
    pub data: Option<std::sync::Arc<crate::series::Series>>,
    /// The source and licence of a shipped series, once the inventory is loaded (not
    /// written back: they are the binary's, not the inventory's).
    #[serde(skip)]
    #[schemars(skip)]
    pub shipped: Option<(String, String)>,
}

impl GridSeries {
    /// Where its figures come from: the inventory's `source`, or a shipped series' own with
    /// the inventory's note after it.
    pub fn cited_source(&self) -> std::borrow::Cow<'_, str> {
        match &self.shipped {
            Some((own, _)) if self.source.trim().is_empty() => own.as_str().into(),
            Some((own, _)) => format!("{own}; the inventory adds: {}", self.source).into(),
            None => self.source.as_str().into(),
        }
    }

    /// Their licence: the inventory's, or a shipped series' own.
    pub fn cited_licence(&self) -> &str {
        match &self.shipped {
            Some((_, licence)) => licence,
            None => &self.licence,
        }
    }
}

/// A fleet of identical accelerators.
#[derive(Clone, Debug, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "kebab-case")]
#[schemars(deny_unknown_fields)]
pub struct Fleet {
    /// Identifier, unique among fleets.
    pub id: String,
    /// Hardware model id, e.g. `nvidia-h100-sxm-80gb` (the factor subject `hardware/<model>`).
    pub model: String,
    /// Number of devices, a whole number: `16384` or `"16384 GPU"`.
    #[serde(deserialize_with = "number::required_devices")]
    #[schemars(with = "number::NumberOrText")]
    pub count: f64,
    /// Date the fleet was acquired (capital goods are dated by it).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub acquired: Option<Date>,
    /// Expected lifetime, e.g. `"4 years"` (a year is 365 days). If absent, methods apply
    /// their default and record it as an assumption.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lifetime: Option<Quantity>,
    /// The site the fleet is installed in.
    pub site: String,
    /// Per-device embodied impacts, per indicator; they win over the database.
    #[serde(
        default,
        skip_serializing_if = "BTreeMap::is_empty",
        deserialize_with = "crate::unique::keys"
    )]
    #[schemars(with = "BTreeMap<Indicator, FactorOverride>")]
    pub embodied: BTreeMap<Indicator, FactorOverride>,
    /// Host servers the devices sit in (their non-accelerator parts).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub host: Option<Host>,
    /// Where its values were read from, when imported from another tool's file.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub provenance: Option<Provenance>,
}

impl Fleet {
    /// The last day the fleet is in service (acquired + lifetime, a part day counting
    /// whole), when both are given.
    pub fn service_end(&self) -> Option<Date> {
        let acquired = self.acquired?;
        let hours = self.lifetime.as_ref()?.to(&crate::units::HOUR).ok()?;
        if !hours.is_finite() || hours <= 0.0 {
            return None;
        }
        let days = (hours / 24.0).ceil();
        if days > 1e6 {
            return None;
        }
        acquired.add_days(days as i64 - 1)
    }

    /// When the fleet is in service: its acquisition date and last day, where given. A
    /// pass over many workloads of few fleets takes it once per fleet: converting the
    /// lifetime costs more than the rest of a workload's check.
    pub fn in_service(&self) -> InService {
        InService {
            acquired: self.acquired,
            end: self.service_end(),
        }
    }

    /// Where the days `first` to `last` leave the fleet's service (see
    /// [`InService::out_of`]).
    pub fn out_of_service(&self, first: Date, last: Date) -> OutOfService {
        self.in_service().out_of(first, last)
    }
}

/// When a fleet is in service ([`Fleet::in_service`]).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct InService {
    /// The acquisition date.
    pub acquired: Option<Date>,
    /// The last day in service ([`Fleet::service_end`]).
    pub end: Option<Date>,
}

impl InService {
    /// Where the days `first` to `last` leave the service: its acquisition date when
    /// `first` is before it, and its last day when `last` is after it. One rule for a
    /// workload's period and for the days a telemetry aggregate meters.
    pub fn out_of(&self, first: Date, last: Date) -> OutOfService {
        OutOfService {
            before: self.acquired.filter(|acquired| first < *acquired),
            after: self.end.filter(|end| last > *end),
        }
    }
}

/// What [`InService::out_of`] finds.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct OutOfService {
    /// The fleet's acquisition date, which the span starts before.
    pub before: Option<Date>,
    /// The fleet's last day in service, which the span ends after.
    pub after: Option<Date>,
}

/// The host servers of a fleet.
#[derive(Clone, Debug, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "kebab-case")]
#[schemars(deny_unknown_fields)]
pub struct Host {
    /// Server model id without its accelerators, e.g. `gpu-server-8gpu-base`.
    pub model: String,
    /// Accelerators per server, to share one server's impacts among them: `8` or `"8 GPU"`.
    #[serde(deserialize_with = "number::required_devices")]
    #[schemars(with = "number::NumberOrText")]
    pub devices_per_host: f64,
    /// Per-server embodied impacts, per indicator; they win over the database.
    #[serde(
        default,
        skip_serializing_if = "BTreeMap::is_empty",
        deserialize_with = "crate::unique::keys"
    )]
    #[schemars(with = "BTreeMap<Indicator, FactorOverride>")]
    pub embodied: BTreeMap<Indicator, FactorOverride>,
}

impl Inventory {
    /// The site with this id.
    pub fn site(&self, id: &str) -> Option<&Site> {
        self.sites.iter().find(|s| s.id == id)
    }

    /// The fleet with this id.
    pub fn fleet(&self, id: &str) -> Option<&Fleet> {
        self.fleets.iter().find(|f| f.id == id)
    }

    /// Index of sites and fleets by id, for methods that look them up per workload.
    pub fn index(&self) -> InventoryIndex<'_> {
        InventoryIndex {
            sites: self.sites.iter().map(|s| (s.id.as_str(), s)).collect(),
            fleets: self.fleets.iter().map(|f| (f.id.as_str(), f)).collect(),
        }
    }

    /// Checks everything serde cannot: dimensions, ranges, references between items and
    /// unique ids. Returns every problem found, each with its key path.
    pub fn validate(&self) -> Vec<Problem> {
        validate::validate(self)
    }

    /// The capacity checks of [`Inventory::validate`] alone, for the fleets `only` selects:
    /// what the device time of their workloads adds up to. Telemetry aggregates join the
    /// workloads once their files are read, so a fleet charged by both is checked again then.
    pub fn validate_capacity(&self, only: impl Fn(&Fleet) -> bool) -> Vec<Problem> {
        validate::validate_capacity(self, &only)
    }

    /// Checks that need the factor set methods will use: every fleet's hardware model (and
    /// its host's) is known to it, or carries its own embodied figures.
    pub fn validate_against(&self, factors: &crate::factor::FactorSet) -> Vec<Problem> {
        validate::validate_against(self, factors)
    }

    /// Values the format accepts but that are outside what is physically plausible (a PUE
    /// above 3, a lifetime under a day, over 10 kW per device), each with the plausible
    /// range: worth a warning, not a refusal.
    pub fn warnings(&self) -> Vec<Problem> {
        validate::warnings(self)
    }
}

/// Sites and fleets by id.
#[derive(Debug)]
pub struct InventoryIndex<'a> {
    sites: FxHashMap<&'a str, &'a Site>,
    fleets: FxHashMap<&'a str, &'a Fleet>,
}

impl<'a> InventoryIndex<'a> {
    /// The site with this id.
    pub fn site(&self, id: &str) -> Option<&'a Site> {
        self.sites.get(id).copied()
    }

    /// The fleet with this id.
    pub fn fleet(&self, id: &str) -> Option<&'a Fleet> {
        self.fleets.get(id).copied()
    }
}
