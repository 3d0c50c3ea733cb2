//! The items besides sites, fleets and workloads: buildings, transport, end of life,
//! services, fuels, refrigerants, contractual instruments, residual mixes and offsets.

use std::collections::BTreeMap;

use bilan_units::Quantity;
use serde::{Deserialize, Serialize};

use super::{Date, FactorOverride, Period, Phase};
use crate::indicator::Indicator;
use crate::region::Region;

/// A share of a data-centre building, with the whole building's embodied impacts.
#[derive(Clone, Debug, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "kebab-case")]
#[schemars(deny_unknown_fields)]
pub struct Building {
    /// Identifier, unique among buildings.
    pub id: String,
    /// The site it houses.
    pub site: String,
    /// Embodied impacts of the whole building (construction), per indicator.
    #[serde(deserialize_with = "crate::unique::keys")]
    #[schemars(with = "BTreeMap<Indicator, SourcedQuantity>")]
    pub impacts: BTreeMap<Indicator, SourcedQuantity>,
    /// Service life of the building.
    pub lifetime: Quantity,
    /// Share of the building used by the system (0 < share ≤ 1), e.g. its share of IT power:
    /// `0.15` or `"15 %"`.
    #[serde(deserialize_with = "super::number::required_fraction")]
    #[schemars(with = "super::number::NumberOrText")]
    pub share: f64,
    /// Time the share is used for; default: the reporting period.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub time: Option<Quantity>,
    /// When it was built or bought (capital goods are dated by it).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub acquired: Option<Date>,
    /// Whether the organisation owns it (else its impacts are in a provider's figures).
    #[serde(default)]
    pub owned: bool,
}

/// A quantity with the source it was taken from.
#[derive(Clone, Debug, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "kebab-case")]
#[schemars(deny_unknown_fields)]
pub struct SourcedQuantity {
    /// The amount with its unit.
    pub value: Quantity,
    /// Where it comes from.
    pub source: String,
}

/// Transport or end of life: impacts given directly, optionally tied to a fleet whose
/// allocation they follow.
#[derive(Clone, Debug, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "kebab-case")]
#[schemars(deny_unknown_fields)]
pub struct ImpactItem {
    /// Identifier, unique among items of its kind.
    pub id: String,
    /// Free text.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// The fleet it belongs to; amortising methods then allocate it like the fleet.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fleet: Option<String>,
    /// When it happened (shipping date, disposal date).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub date: Option<Date>,
    /// Impacts per indicator.
    #[serde(deserialize_with = "crate::unique::keys")]
    #[schemars(with = "BTreeMap<Indicator, SourcedQuantity>")]
    pub impacts: BTreeMap<Indicator, SourcedQuantity>,
}

/// A purchased service; for cloud compute the provider may give allocated emissions.
#[derive(Clone, Debug, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "kebab-case")]
#[schemars(deny_unknown_fields)]
pub struct Service {
    /// Identifier, unique among services.
    pub id: String,
    /// What was bought.
    pub description: String,
    /// Who sold it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub provider: Option<String>,
    /// Whether it is cloud compute.
    #[serde(default)]
    pub cloud_compute: bool,
    /// Emissions the provider allocated to the organisation, per indicator.
    #[serde(
        default,
        skip_serializing_if = "BTreeMap::is_empty",
        deserialize_with = "crate::unique::keys"
    )]
    #[schemars(with = "BTreeMap<Indicator, SourcedQuantity>")]
    pub allocated: BTreeMap<Indicator, SourcedQuantity>,
    /// Which phase it served, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub phase: Option<Phase>,
    /// When it was bought; default: within the reporting period.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub period: Option<Period>,
    /// Where its values were read from, when imported from another tool's file (a model
    /// card's disclosed emissions).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub provenance: Option<super::Provenance>,
}

/// Fuel burnt on site.
#[derive(Clone, Debug, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "kebab-case")]
#[schemars(deny_unknown_fields)]
pub struct Fuel {
    /// Identifier, unique among fuels.
    pub id: String,
    /// The site where it was burnt.
    pub site: String,
    /// Fuel name, e.g. `diesel`.
    pub fuel: String,
    /// Amount burnt, as energy, volume or mass.
    pub amount: Quantity,
    /// Emission factor per unit of `amount`, with its source and boundary (combustion).
    pub factor: FactorOverride,
}

/// Refrigerant leaked from cooling systems.
#[derive(Clone, Debug, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "kebab-case")]
#[schemars(deny_unknown_fields)]
pub struct Refrigerant {
    /// Identifier, unique among refrigerants.
    pub id: String,
    /// The site.
    pub site: String,
    /// Gas, e.g. `R-134a`.
    pub gas: String,
    /// Mass leaked (top-ups over the period).
    pub leaked: Quantity,
    /// Global warming potential over 100 years, kg CO2e per kg of gas.
    pub gwp100: f64,
    /// Source of the GWP (IPCC assessment report and table).
    pub source: String,
}

/// Kind of contractual instrument.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum InstrumentKind {
    /// Power purchase agreement.
    Ppa,
    /// European guarantee of origin.
    GuaranteeOfOrigin,
    /// Renewable energy certificate (REC, I-REC).
    Rec,
}

/// A contractual instrument conveying an emission rate for an amount of electricity.
#[derive(Clone, Debug, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "kebab-case")]
#[schemars(deny_unknown_fields)]
pub struct Instrument {
    /// Identifier (certificate or contract id).
    pub id: String,
    /// What it is.
    pub kind: InstrumentKind,
    /// Registry that tracks it (e.g. `M-RETS`, `AIB hub`).
    pub tracking_system: String,
    /// Electricity it covers.
    pub energy: Quantity,
    /// Market it was issued in.
    pub region: Region,
    /// Generation period it covers.
    pub period: Period,
    /// Emission rate it conveys, e.g. `"0 g/kWh"`.
    pub emission_factor: Quantity,
    /// Whether it was retired or cancelled.
    pub retired: bool,
    /// On whose behalf it was retired.
    pub on_behalf_of: String,
    /// Its generation hour by hour: a CSV file (`timestamp,energy,unit`, relative to the
    /// inventory's directory) within its period, summing to its `energy`. Hourly matching of
    /// market-based Scope 2 needs it (docs/hourly-matching.md).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub profile: Option<String>,
    /// The profile as read and checked, once the inventory is loaded (not written back).
    #[serde(skip)]
    #[schemars(skip)]
    pub profile_data: Option<std::sync::Arc<crate::series::Series>>,
}

/// A residual-mix factor supplied by the user for a region.
#[derive(Clone, Debug, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "kebab-case")]
#[schemars(deny_unknown_fields)]
pub struct ResidualMix {
    /// The market.
    pub region: Region,
    /// The factor, e.g. `"420 g/kWh"`.
    pub factor: Quantity,
    /// Where it comes from (AIB, Green-e…).
    pub source: String,
    /// Its reference year.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub year: Option<i32>,
}

/// Carbon credits.
#[derive(Clone, Debug, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "kebab-case")]
#[schemars(deny_unknown_fields)]
pub struct Offset {
    /// Identifier.
    pub id: String,
    /// Emissions the credits claim to compensate.
    pub amount: Quantity,
    /// Registry or standard.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub registry: Option<String>,
    /// Vintage year.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub vintage: Option<i32>,
}
