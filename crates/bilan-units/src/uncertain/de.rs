//! Deserialising uncertain quantities (and, through them, [`Quantity`]): strings, numbers
//! and tables.

use std::borrow::Cow;
use std::fmt;

use serde::de::{self, DeserializeSeed, MapAccess, SeqAccess, Visitor};

use super::parse::{FORMS, Key, Member, Table, TableError};
use super::{Pedigree, UncertainQuantity, check_gsd};
use crate::error::UnitError;
use crate::quantity::Quantity;
use crate::text::clip;

/// What a [`Quantity`] is expected to be, in serde's "invalid type" messages.
pub(crate) const QUANTITY_EXPECTING: &str = "a number followed by a unit (e.g. \"433196 kWh\"), \
     a plain number, or a table with `value` and `unit`";

const UNCERTAIN_EXPECTING: &str = "a number followed by a unit (e.g. \"433196 kWh\" or \
     \"700 W ± 10 %\"), a plain number, or a table (`value` and `unit`, or a distribution)";

/// From a string (`"433196 kWh"`), a plain number (dimensionless), or a map
/// `{ value = 12.5, unit = "kWh" }` (`unit` may be left out for a plain number).
///
/// Every form of an [`UncertainQuantity`](crate::UncertainQuantity) is accepted too
/// (`"700 W ± 10 %"`, `{ min = "600 W", mode = "700 W", max = "750 W" }`…), checked, and
/// read as its nominal value.
impl<'de> serde::Deserialize<'de> for Quantity {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Quantity, D::Error> {
        deserializer
            .deserialize_any(UncertainVisitor {
                expecting: QUANTITY_EXPECTING,
            })
            .map(|uncertain| uncertain.quantity)
    }
}

/// From a string (`"700 W ± 10 %"`, `"433196 kWh"`), a plain number (dimensionless), or a
/// table: `{ value = 12.5, unit = "kWh" }` or one of the distribution forms (see the module
/// documentation).
impl<'de> serde::Deserialize<'de> for UncertainQuantity {
    fn deserialize<D: serde::Deserializer<'de>>(
        deserializer: D,
    ) -> Result<UncertainQuantity, D::Error> {
        deserializer.deserialize_any(UncertainVisitor {
            expecting: UNCERTAIN_EXPECTING,
        })
    }
}

/// A quantity as written: read as a [`Quantity`] is, with the same forms and the same
/// errors, but a plain number is kept as the number. A reader that takes counts or fractions
/// (`devices = 8`, `utilisation = 0.42`) then builds no dimensionless quantity for each, only
/// to convert it back to the same number.
#[derive(Clone, Debug, PartialEq)]
pub enum Written {
    /// A plain, finite number.
    Number(f64),
    /// Any other form, read as a [`Quantity`] (a plain number that is not finite is an error).
    Quantity(Quantity),
}

impl<'de> serde::Deserialize<'de> for Written {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Written, D::Error> {
        deserializer.deserialize_any(WrittenVisitor)
    }
}

/// Reads a [`Written`]: [`UncertainVisitor`] as a [`Quantity`] reads, but for finite numbers.
struct WrittenVisitor;

impl WrittenVisitor {
    fn quantity() -> UncertainVisitor {
        UncertainVisitor {
            expecting: QUANTITY_EXPECTING,
        }
    }
}

impl<'de> Visitor<'de> for WrittenVisitor {
    type Value = Written;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(QUANTITY_EXPECTING)
    }

    fn visit_str<E: de::Error>(self, text: &str) -> Result<Written, E> {
        Self::quantity()
            .visit_str(text)
            .map(|u| Written::Quantity(u.quantity))
    }

    fn visit_f64<E: de::Error>(self, value: f64) -> Result<Written, E> {
        if value.is_finite() {
            return Ok(Written::Number(value));
        }
        Self::quantity()
            .visit_f64(value)
            .map(|u| Written::Quantity(u.quantity))
    }

    fn visit_i64<E: de::Error>(self, value: i64) -> Result<Written, E> {
        // As a quantity reads it: integers beyond 2^53 round to the nearest `f64`.
        self.visit_f64(value as f64)
    }

    fn visit_u64<E: de::Error>(self, value: u64) -> Result<Written, E> {
        self.visit_f64(value as f64)
    }

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Written, A::Error> {
        Self::quantity()
            .visit_map(map)
            .map(|u| Written::Quantity(u.quantity))
    }
}

/// Reads an uncertain quantity; `expecting` says what in "invalid type" messages.
pub(crate) struct UncertainVisitor {
    pub(crate) expecting: &'static str,
}

impl<'de> Visitor<'de> for UncertainVisitor {
    type Value = UncertainQuantity;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.expecting)
    }

    fn visit_str<E: de::Error>(self, text: &str) -> Result<UncertainQuantity, E> {
        UncertainQuantity::parse(text).map_err(E::custom)
    }

    fn visit_f64<E: de::Error>(self, value: f64) -> Result<UncertainQuantity, E> {
        Quantity::dimensionless(value)
            .map(UncertainQuantity::from)
            .map_err(E::custom)
    }

    fn visit_i64<E: de::Error>(self, value: i64) -> Result<UncertainQuantity, E> {
        // Integers beyond 2^53 round to the nearest `f64`, as any number does.
        self.visit_f64(value as f64)
    }

    fn visit_u64<E: de::Error>(self, value: u64) -> Result<UncertainQuantity, E> {
        self.visit_f64(value as f64)
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<UncertainQuantity, A::Error> {
        let mut table = Table::default();
        while let Some(name) = map.next_key::<Cow<'de, str>>()? {
            let Some(key) = Key::from_name(&name) else {
                return Err(de::Error::custom(format!(
                    "unknown key `{}` in a quantity; expected one of {FORMS}",
                    clip(&name)
                )));
            };
            if table.has(key) {
                return Err(de::Error::duplicate_field(key.name()));
            }
            match key {
                Key::Unit => table.set_unit(map.next_value()?),
                Key::Gsd | Key::BasicGsd => {
                    let gsd = map.next_value_seed(GsdSeed { key })?;
                    table.set_gsd(key, gsd);
                }
                Key::Pedigree => table.set_pedigree(map.next_value_seed(PedigreeSeed)?),
                _ => table.set_member(key, map.next_value()?),
            }
        }
        table.build().map_err(|e| match e {
            TableError::MissingValue => de::Error::missing_field("value"),
            TableError::Invalid(e) => de::Error::custom(e),
        })
    }
}

/// A member written as a quantity: a string is parsed at once, so that its errors point
/// at it; a number waits for the table's `unit`.
impl<'de> serde::Deserialize<'de> for Member {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Member, D::Error> {
        deserializer.deserialize_any(MemberVisitor)
    }
}

struct MemberVisitor;

impl<'de> Visitor<'de> for MemberVisitor {
    type Value = Member;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a quantity (e.g. \"600 W\") or a plain number")
    }

    fn visit_str<E: de::Error>(self, text: &str) -> Result<Member, E> {
        Quantity::parse(text)
            .map(Member::Quantity)
            .map_err(E::custom)
    }

    fn visit_f64<E: de::Error>(self, value: f64) -> Result<Member, E> {
        Ok(Member::Number(value))
    }

    fn visit_i64<E: de::Error>(self, value: i64) -> Result<Member, E> {
        Ok(Member::Number(value as f64))
    }

    fn visit_u64<E: de::Error>(self, value: u64) -> Result<Member, E> {
        Ok(Member::Number(value as f64))
    }
}

/// A geometric standard deviation (`gsd`, `basic-gsd`): a plain number, at least 1.
struct GsdSeed {
    key: Key,
}

impl<'de> DeserializeSeed<'de> for GsdSeed {
    type Value = f64;

    fn deserialize<D: serde::Deserializer<'de>>(self, deserializer: D) -> Result<f64, D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for GsdSeed {
    type Value = f64;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a geometric standard deviation: a plain number, at least 1 (e.g. 1.2)")
    }

    fn visit_f64<E: de::Error>(self, gsd: f64) -> Result<f64, E> {
        check_gsd(self.key.name(), gsd)
            .map(|()| gsd)
            .map_err(|reason| {
                E::custom(UnitError::InvalidDistribution {
                    text: String::new(),
                    reason,
                })
            })
    }

    fn visit_i64<E: de::Error>(self, gsd: i64) -> Result<f64, E> {
        self.visit_f64(gsd as f64)
    }

    fn visit_u64<E: de::Error>(self, gsd: u64) -> Result<f64, E> {
        self.visit_f64(gsd as f64)
    }

    fn visit_str<E: de::Error>(self, text: &str) -> Result<f64, E> {
        match Quantity::parse(text) {
            Ok(quantity) if quantity.unit().symbol().is_empty() => self.visit_f64(quantity.value()),
            Ok(_) => Err(E::custom(format!(
                "{} is a plain number (e.g. 1.2), not `{}`",
                self.key.name(),
                clip(text)
            ))),
            Err(e) => Err(E::custom(e)),
        }
    }
}

/// A pedigree: five scores, each 1–5.
struct PedigreeSeed;

impl<'de> DeserializeSeed<'de> for PedigreeSeed {
    type Value = Pedigree;

    fn deserialize<D: serde::Deserializer<'de>>(
        self,
        deserializer: D,
    ) -> Result<Pedigree, D::Error> {
        deserializer.deserialize_seq(self)
    }
}

impl<'de> Visitor<'de> for PedigreeSeed {
    type Value = Pedigree;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(
            "a pedigree: five scores, each 1–5 ([reliability, completeness, temporal, \
             geographical, technological])",
        )
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Pedigree, A::Error> {
        let mut scores = Vec::with_capacity(5);
        while let Some(score) = seq.next_element::<i64>()? {
            scores.push(score);
        }
        Pedigree::parse(&scores).map_err(de::Error::custom)
    }
}
