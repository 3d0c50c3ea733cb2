//! The assumption and warning texts every method writes the same way.

use std::fmt::Display;

use bilan_core::factor::{Factor, Quality};
use bilan_core::units::Quantity;

/// How a method names a site's grid factor in its warnings: the three styles the built-in
/// methods publish (their reports quote them, so they are kept apart).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum GridNoun {
    /// "gwp factor for electricity in US-VA" (one factor per indicator).
    IndicatorFactor,
    /// "life-cycle grid intensity for US-VA" (SCI's `I`).
    Intensity,
    /// "combustion grid factor for US-VA".
    Factor,
}

impl GridNoun {
    /// The factor asked for, with the region it was asked for.
    pub fn missing(
        self,
        indicator: impl Display,
        boundary: impl Display,
        region: impl Display,
    ) -> String {
        match self {
            GridNoun::IndicatorFactor => format!("{indicator} factor for electricity in {region}"),
            GridNoun::Intensity => format!("{boundary} grid intensity for {region}"),
            GridNoun::Factor => format!("{boundary} grid factor for {region}"),
        }
    }

    /// The factor, as a noun.
    pub fn noun(self, indicator: impl Display) -> String {
        match self {
            GridNoun::IndicatorFactor => format!("{indicator} factor"),
            GridNoun::Intensity => "grid intensity".to_owned(),
            GridNoun::Factor => "grid factor".to_owned(),
        }
    }
}

/// The warning for a site factor found only by walking the region chain.
pub fn fallback_warning(site: &str, missing: &str, used: &Factor) -> String {
    format!(
        "site `{site}`: no {missing}; used {} ({})",
        used.region, used.id
    )
}

/// The warning for a site factor whose quality is not `ok` (unverified, suspect…).
pub fn quality_warning(site: &str, noun: &str, f: &Factor) -> Option<String> {
    (f.quality != Quality::Ok).then(|| {
        format!(
            "site `{site}`: {noun} `{}` is {}: {}",
            f.id,
            f.quality,
            f.notes.as_deref().unwrap_or("")
        )
    })
}

/// The assumption for a site figure taken from a method parameter.
pub fn parameter_default(symbol: &str, param: &str, value: impl Display) -> String {
    format!("{symbol} not given: parameter `{param}` = {value}")
}

/// [`parameter_default`] for a parameter that stands in as factor `id`, which it cites.
pub fn parameter_default_factor(
    symbol: &str,
    param: &str,
    value: impl Display,
    id: &str,
) -> String {
    format!("{symbol} not given: parameter `{param}` = {value} (factor `{id}`)")
}

/// The assumption for a site figure taken from the factor database's default.
pub fn database_default(symbol: &str, f: &Factor) -> String {
    format!(
        "{symbol} not given: default {} from `{}` (region {}; {})",
        f.value,
        f.id,
        f.region,
        f.source_line()
    )
}

/// The error when a site figure has no inventory value, no parameter and no database
/// default.
pub fn no_default(symbol: &str, key: &str, subject: &str, param: &str) -> String {
    format!(
        "no {symbol} given and no default `{subject}` in the factor database; give `{key}` or set parameter `{param}`"
    )
}

/// The assumption for a hardware lifetime (`noun`: "lifetime", "expected lifespan") taken
/// from a method parameter.
pub fn default_lifetime(noun: &str, param: &str, value: &Quantity) -> String {
    format!("{noun} not given: parameter `{param}` = {value}")
}

/// The assumption for a building used over the whole reporting period.
pub fn building_period(verb: &str, period: impl Display, days: f64) -> String {
    format!("building share {verb} over the reporting period ({period}, {days} days)")
}

/// The assumption for a workload without utilisation under the utilisation divisor.
pub const NO_UTILISATION: &str = "utilisation not given: no divisor (u = 1) for this workload";

/// The rule a `PUE` term of 1 cites for energy measured at the facility boundary; `key` is
/// the inventory key that says so (`energy-boundary`, `idle-energy-boundary`).
pub fn facility_boundary(key: &str) -> String {
    format!(
        "energy measured at the facility boundary: already includes the facility overhead ({key} = \"facility\")"
    )
}

/// Why a fleet's embodied impacts are excluded when no workload reserves device time on it;
/// `fleet` names it where the item excluded is not the fleet itself, and `consequence` says
/// what the method then counts. A workload that names the fleet without device time is
/// excluded on its own, with its reason.
pub fn fleet_unreserved(fleet: Option<&str>, consequence: &str) -> String {
    let on = fleet.map_or_else(|| "this fleet".to_owned(), |f| format!("fleet `{f}`"));
    format!(
        "no workload reserves device time on {on} (none names it with `devices`, `device-hours`, `duration` or `period`): {consequence}"
    )
}
