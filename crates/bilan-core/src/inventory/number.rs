//! Numbers written as people write them: a utilisation as `0.4` or `"40 %"`, a count as
//! `2e9` or `"2e9 request"`. Each reads as a [`bilan_units::Quantity`] first (a plain number
//! as itself: [`Written`]), so a wrong unit gets the same error as anywhere else, naming the
//! unit expected.

use bilan_units::{Unit, Written};
use serde::{Deserialize, Deserializer};

fn read<'de, D: Deserializer<'de>>(
    deserializer: D,
    unit: &str,
    what: &str,
) -> Result<Option<f64>, D::Error> {
    let q = match Option::<Written>::deserialize(deserializer)? {
        None => return Ok(None),
        // A plain number is read as the unit asked for: the number itself.
        Some(Written::Number(n)) => return Ok(Some(n)),
        Some(Written::Quantity(q)) => q,
    };
    let target = Unit::parse(unit).map_err(serde::de::Error::custom)?;
    let read_as = if q.dimension().is_dimensionless() {
        Unit::dimensionless()
    } else {
        target
    };
    if q.dimension() == read_as.dimension() {
        return q.to(&read_as).map(Some).map_err(serde::de::Error::custom);
    }
    Err(serde::de::Error::custom(format!(
        "`{q}` is {}, expected {what}: a number, or a number with the unit `{unit}`",
        q.dimension().name()
    )))
}

/// A fraction: `0.4`, `"40 %"`.
pub(super) fn fraction<'de, D: Deserializer<'de>>(d: D) -> Result<Option<f64>, D::Error> {
    read(d, "1", "a fraction (e.g. 0.4 or \"40 %\")")
}

/// A fraction that must be given: `0.15`, `"15 %"`, `"0.15 ± 0.05"`.
pub(super) fn required_fraction<'de, D: Deserializer<'de>>(d: D) -> Result<f64, D::Error> {
    fraction(d)?
        .ok_or_else(|| serde::de::Error::custom("expected a fraction (e.g. 0.4 or \"40 %\")"))
}

/// A number of requests: `2e9`, `"2e9 request"`.
pub(super) fn requests<'de, D: Deserializer<'de>>(d: D) -> Result<Option<f64>, D::Error> {
    read(d, "request", "a number of requests")
}

/// A number of tokens: `1e12`, `"1e12 token"`.
pub(super) fn tokens<'de, D: Deserializer<'de>>(d: D) -> Result<Option<f64>, D::Error> {
    read(d, "token", "a number of tokens")
}

/// A number of floating-point operations: `3.8e25`, `"3.8e25 FLOP"`.
pub(super) fn flops<'de, D: Deserializer<'de>>(d: D) -> Result<Option<f64>, D::Error> {
    read(d, "FLOP", "a number of floating-point operations")
}

/// A number of devices: `1024`, `"1024 GPU"`.
pub(super) fn devices<'de, D: Deserializer<'de>>(d: D) -> Result<Option<f64>, D::Error> {
    read(d, "device", "a number of devices")
}

/// A number of devices that must be given: `16384`, `"16384 GPU"`.
pub(super) fn required_devices<'de, D: Deserializer<'de>>(d: D) -> Result<f64, D::Error> {
    devices(d)?.ok_or_else(|| serde::de::Error::custom("expected a number of devices"))
}

/// How the JSON Schema describes these numbers: a number, or a string with a unit.
#[derive(schemars::JsonSchema)]
#[serde(untagged)]
#[expect(dead_code, reason = "only its schema is used")]
pub(super) enum NumberOrText {
    /// A plain number.
    Number(f64),
    /// A number with its unit, e.g. `"40 %"` or `"2e9 request"`.
    Text(String),
}
