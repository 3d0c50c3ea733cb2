//! Quantities: a finite number in a unit, as written in an inventory.

use std::borrow::Cow;
use std::fmt;
use std::str::FromStr;

use crate::dimension::Dimension;
use crate::error::UnitError;
use crate::unit::{Substance, Unit};

/// A finite number with a [`Unit`], kept in the unit it was written in.
///
/// Parse one with [`Quantity::parse`] (`"433196 kWh"`, `"0.36 L/kWh"`,
/// `"1.5"`), then read it in the unit a computation needs with
/// [`Quantity::to`] or [`Quantity::to_str_unit`].
#[derive(Clone, Debug, PartialEq)]
pub struct Quantity {
    value: f64,
    unit: Unit,
}

impl Quantity {
    /// A quantity; fails with [`UnitError::NonFinite`] for NaN and infinities.
    pub fn new(value: f64, unit: Unit) -> Result<Quantity, UnitError> {
        if value.is_finite() {
            Ok(Quantity { value, unit })
        } else {
            let text = if unit.symbol().is_empty() {
                value.to_string()
            } else {
                format!("{value} {unit}")
            };
            Err(UnitError::NonFinite { text })
        }
    }

    /// Parses `<number> [<unit>]`, e.g. `"433196 kWh"`, `"30.84e6 GPU·h"`, `"85 %"`, `"1.5"`.
    ///
    /// See the crate documentation for the syntax.
    pub fn parse(text: &str) -> Result<Quantity, UnitError> {
        let text = text.trim();
        if text.is_empty() {
            return Err(UnitError::Empty);
        }
        let (value, rest) = parse_number(text)?;
        let rest = rest.trim_start();
        // `1 312 kg`: a space used as a thousands separator. A unit may still
        // start with `1` when it is all of it or a numerator (`1`, `1/h`).
        let unit_one = rest
            .strip_prefix('1')
            .map(str::trim_start)
            .is_some_and(|after| after.is_empty() || after.starts_with('/'));
        if rest.starts_with(|c: char| c.is_ascii_digit()) && !unit_one {
            return Err(UnitError::BadNumber {
                text: text.to_owned(),
            });
        }
        let unit = Unit::parse_in(rest, text)?;
        Ok(Quantity { value, unit })
    }

    /// A plain number; fails with [`UnitError::NonFinite`] for NaN and infinities.
    pub fn dimensionless(value: f64) -> Result<Quantity, UnitError> {
        Quantity::new(value, Unit::dimensionless())
    }

    /// The number, in [`Quantity::unit`].
    pub fn value(&self) -> f64 {
        self.value
    }

    /// The unit the quantity was written in.
    pub fn unit(&self) -> &Unit {
        &self.unit
    }

    /// The dimension of the unit.
    pub fn dimension(&self) -> Dimension {
        self.unit.dimension()
    }

    /// The value converted to `target`.
    ///
    /// Fails with [`UnitError::DimensionMismatch`] if the dimensions differ, with
    /// [`UnitError::SubstanceMismatch`] if both units name different substances, and with
    /// [`UnitError::Underflow`] if a value that is not 0 converts to 0 (`1e-322 Wh` in kWh):
    /// never a silent 0.
    pub fn to(&self, target: &Unit) -> Result<f64, UnitError> {
        match self.unit.conversion_to(target) {
            Ok(conversion) => {
                let value = conversion.apply(self.value);
                if value == 0.0 && self.value != 0.0 {
                    return Err(UnitError::Underflow {
                        text: format!("{self} in {}", target.symbol()),
                    });
                }
                Ok(value)
            }
            Err(error) => Err(error.quoting(self.to_string())),
        }
    }

    /// The value converted to the unit written `target` (e.g. `"kWh"`).
    pub fn to_str_unit(&self, target: &str) -> Result<f64, UnitError> {
        self.to(&Unit::parse(target)?)
    }

    /// The value in the SI-coherent base units of its dimension (kg, m, s,
    /// device, request, token, FLOP and their products; J for energy).
    pub fn to_base_units(&self) -> f64 {
        self.unit.base_conversion().apply(self.value)
    }

    /// Checks the dimension, failing with [`UnitError::DimensionMismatch`],
    /// e.g. ``"`700 W` is power, expected energy (e.g. kWh)"``.
    pub fn expect_dimension(&self, expected: Dimension) -> Result<(), UnitError> {
        if self.dimension() == expected {
            Ok(())
        } else {
            Err(UnitError::DimensionMismatch {
                text: self.to_string(),
                unit: self.unit.symbol().to_owned(),
                expected,
                found: self.dimension(),
            })
        }
    }

    /// Checks that the unit names no other substance than `expected`
    /// (a unit naming none, such as `g/kWh`, passes).
    pub fn expect_substance(&self, expected: Substance) -> Result<(), UnitError> {
        match self.unit.substance() {
            Some(found) if found != expected => Err(UnitError::SubstanceMismatch {
                text: self.to_string(),
                unit: self.unit.symbol().to_owned(),
                expected,
                found,
            }),
            _ => Ok(()),
        }
    }

    /// Checks that the value is not negative (zero passes), failing with [`UnitError::Negative`].
    pub fn expect_non_negative(&self) -> Result<(), UnitError> {
        if self.value < 0.0 {
            Err(UnitError::Negative {
                text: self.to_string(),
            })
        } else {
            Ok(())
        }
    }
}

/// `<value> <unit>` with Rust's shortest round-trip formatting of `f64`
/// (`433196 kWh`, `1.2 GWh`); just the number when dimensionless.
impl fmt::Display for Quantity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.unit.symbol().is_empty() {
            write!(f, "{}", self.value)
        } else {
            write!(f, "{} {}", self.value, self.unit)
        }
    }
}

impl FromStr for Quantity {
    type Err = UnitError;

    fn from_str(text: &str) -> Result<Quantity, UnitError> {
        Quantity::parse(text)
    }
}

/// Splits `text` (trimmed, non-empty) into its leading number and the rest.
fn parse_number(text: &str) -> Result<(f64, &str), UnitError> {
    let bytes = text.as_bytes();
    let bad = || UnitError::BadNumber {
        text: text.to_owned(),
    };
    let comma_at =
        |i: usize| bytes.get(i) == Some(&b',') && bytes.get(i + 1).is_some_and(u8::is_ascii_digit);

    let mut i = 0;
    if matches!(bytes.first(), Some(b'+' | b'-')) {
        i += 1;
    }
    let word = bytes[i..].get(..3).unwrap_or_default();
    if word.eq_ignore_ascii_case(b"nan") || word.eq_ignore_ascii_case(b"inf") {
        return Err(UnitError::NonFinite {
            text: text.to_owned(),
        });
    }
    let mut digits = scan_digits(bytes, &mut i);
    if comma_at(i) {
        return Err(UnitError::AmbiguousComma {
            text: text.to_owned(),
        });
    }
    if bytes.get(i) == Some(&b'.') {
        i += 1;
        digits += scan_digits(bytes, &mut i);
    }
    if digits == 0 {
        return Err(bad());
    }
    if comma_at(i) {
        return Err(UnitError::AmbiguousComma {
            text: text.to_owned(),
        });
    }
    if matches!(bytes.get(i), Some(b'e' | b'E')) {
        let mut j = i + 1;
        if matches!(bytes.get(j), Some(b'+' | b'-')) {
            j += 1;
        }
        if bytes.get(j).is_some_and(u8::is_ascii_digit) {
            i = j;
            scan_digits(bytes, &mut i);
        }
    }
    if matches!(bytes.get(i), Some(b'0'..=b'9' | b'.' | b',' | b'_')) {
        return Err(bad());
    }
    // Copied only to drop the `_` between digits (`1_000`); most numbers have none.
    let number: Cow<'_, str> = if bytes[..i].contains(&b'_') {
        Cow::Owned(text[..i].chars().filter(|c| *c != '_').collect())
    } else {
        Cow::Borrowed(&text[..i])
    };
    let value: f64 = number.parse().map_err(|_| bad())?;
    if !value.is_finite() {
        return Err(UnitError::NonFinite {
            text: text.to_owned(),
        });
    }
    // Digits that are not all zero but read as 0 (`1e-400`): refused, never a silent 0.
    // (A subnormal, down to 5e-324, keeps its value, with fewer digits.)
    let mantissa = number.split(['e', 'E']).next().unwrap_or_default();
    let zero_written = !mantissa.bytes().any(|b| matches!(b, b'1'..=b'9'));
    if value == 0.0 && !zero_written {
        return Err(UnitError::Underflow {
            text: text.to_owned(),
        });
    }
    Ok((value, &text[i..]))
}

/// Advances over digits (with single `_` between digits); returns how many digits.
fn scan_digits(bytes: &[u8], i: &mut usize) -> usize {
    let mut count = 0;
    while let Some(&b) = bytes.get(*i) {
        if b.is_ascii_digit() {
            count += 1;
            *i += 1;
        } else if b == b'_' && count > 0 && bytes.get(*i + 1).is_some_and(u8::is_ascii_digit) {
            *i += 1;
        } else {
            break;
        }
    }
    count
}

// ---------------------------------------------------------------------------
// serde and schemars

/// A string `"<value> <unit>"`, or a plain number when dimensionless.
impl serde::Serialize for Quantity {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        if self.unit.symbol().is_empty() {
            serializer.serialize_f64(self.value)
        } else {
            serializer.collect_str(self)
        }
    }
}

impl schemars::JsonSchema for Quantity {
    fn schema_name() -> Cow<'static, str> {
        "Quantity".into()
    }

    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "description": "a quantity: a number followed by a unit, e.g. \"433196 kWh\" or \"0.36 L/kWh\"; a plain number when dimensionless; with its uncertainty, \"700 W ± 10 %\" or a distribution table",
            "oneOf": [
                {
                    "type": "string",
                    "pattern": "^[+-]?[.]?[0-9]",
                    "description": "a number followed by a unit, e.g. \"433196 kWh\""
                },
                {
                    "type": "number",
                    "description": "a plain (dimensionless) number, e.g. a PUE of 1.2"
                },
                {
                    "type": "object",
                    "properties": {
                        "value": { "type": ["number", "string"] },
                        "unit": {
                            "type": "string",
                            "description": "a unit, e.g. \"kWh\"; empty or absent for a plain number"
                        }
                    },
                    "required": ["value"],
                    "additionalProperties": false
                },
                {
                    "type": "object",
                    "description": "an uncertain quantity (docs/uncertainty.md): { min, mode, max } triangular, { min, max } uniform, { mean, sd } normal, { median, gsd } or { value, gsd } lognormal, { value, pedigree } from a data-quality pedigree; members are quantities (numbers, or strings with a unit; plain numbers take `unit`)",
                    "properties": {
                        "value": { "type": ["number", "string"] },
                        "unit": { "type": "string" },
                        "min": { "type": ["number", "string"] },
                        "mode": { "type": ["number", "string"] },
                        "max": { "type": ["number", "string"] },
                        "mean": { "type": ["number", "string"] },
                        "sd": { "type": ["number", "string"] },
                        "median": { "type": ["number", "string"] },
                        "gsd": { "type": ["number", "string"] },
                        "basic-gsd": { "type": ["number", "string"] },
                        "pedigree": {
                            "type": "array",
                            "items": { "type": "integer", "minimum": 1, "maximum": 5 },
                            "minItems": 5,
                            "maxItems": 5,
                            "description": "reliability, completeness, temporal, geographical and technological correlation, each 1 (best) to 5"
                        }
                    },
                    "additionalProperties": false,
                    "anyOf": [
                        { "required": ["min", "max"] },
                        { "required": ["mean", "sd"] },
                        { "required": ["median"] },
                        { "required": ["value", "gsd"] },
                        { "required": ["value", "pedigree"] }
                    ]
                }
            ]
        })
    }
}
