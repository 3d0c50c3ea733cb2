//! What a method says of itself and how it fails: its identity ([`MethodRef`]), its
//! [`Descriptor`] (parameters, rules tagged by driver), the [`Parameters`] given to it and
//! [`MethodError`]. Plain data, below both [`crate::assessment`] (whose builder reads a
//! descriptor and parameters and reports method errors) and [`crate::method`] (whose
//! `Methodology` trait returns an assessment), so that neither needs the other for them.
//! Reached as `bilan_core::method::…`.

use std::collections::BTreeMap;
use std::fmt;

use bilan_units::{Dimension, Quantity};
use serde::{Deserialize, Serialize};

use crate::driver::Driver;
use crate::indicator::Indicator;

/// A method's identity: id and semver version.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub struct MethodRef {
    /// Identifier, e.g. `ademe-lca`.
    pub id: String,
    /// Version of the method (not of bilan).
    pub version: semver::Version,
}

impl fmt::Display for MethodRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}@{}", self.id, self.version)
    }
}

/// The type of a parameter's value.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "kebab-case", tag = "type")]
pub enum ParamKind {
    /// A plain number within bounds.
    Number {
        /// Smallest accepted value.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        min: Option<f64>,
        /// Largest accepted value.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        max: Option<f64>,
    },
    /// A quantity of a given dimension, e.g. a lifetime in years.
    Quantity {
        /// Dimension name, e.g. `time`, checked against [`Dimension::name`].
        dimension: String,
    },
    /// True or false.
    Bool,
    /// One of a fixed set of words.
    Choice {
        /// The accepted words.
        values: Vec<String>,
    },
    /// A calendar year.
    Year,
}

impl ParamKind {
    /// A quantity parameter of `dimension`.
    pub fn quantity(dimension: Dimension) -> ParamKind {
        ParamKind::Quantity {
            dimension: dimension.name(),
        }
    }

    /// Parses a command-line or file value for a parameter of this kind.
    pub fn parse(&self, text: &str) -> Result<ParamValue, String> {
        match self {
            ParamKind::Number { min, max } => {
                let v: f64 = text
                    .trim()
                    .parse()
                    .map_err(|_| format!("`{text}` is not a number"))?;
                if !v.is_finite() || min.is_some_and(|m| v < m) || max.is_some_and(|m| v > m) {
                    return Err(format!(
                        "`{text}` is out of range (expected {} to {})",
                        min.map_or("-∞".to_owned(), |m| m.to_string()),
                        max.map_or("+∞".to_owned(), |m| m.to_string())
                    ));
                }
                Ok(ParamValue::Number(v))
            }
            ParamKind::Quantity { dimension } => {
                let q = Quantity::parse(text).map_err(|e| e.to_string())?;
                if &q.dimension().name() != dimension {
                    return Err(format!(
                        "`{text}` is {}, expected {dimension}",
                        q.dimension().name()
                    ));
                }
                if q.value() < 0.0 {
                    return Err(format!("`{text}` is negative"));
                }
                // A time parameter is a lifetime or a duration methods divide by.
                if q.value() == 0.0 && q.dimension() == Dimension::TIME {
                    return Err(format!(
                        "`{text}` is zero: a lifetime or duration is more than 0"
                    ));
                }
                if !q.to_base_units().is_finite() {
                    return Err(format!(
                        "`{text}` is beyond the range of a 64-bit number once converted to base units"
                    ));
                }
                Ok(ParamValue::Quantity(q))
            }
            ParamKind::Bool => match text.trim() {
                "true" | "yes" | "on" => Ok(ParamValue::Bool(true)),
                "false" | "no" | "off" => Ok(ParamValue::Bool(false)),
                _ => Err(format!("`{text}` is not a boolean (true or false)")),
            },
            ParamKind::Choice { values } => {
                if values.iter().any(|v| v == text.trim()) {
                    Ok(ParamValue::Text(text.trim().to_owned()))
                } else {
                    Err(format!("`{text}` is not one of {}", values.join(", ")))
                }
            }
            ParamKind::Year => text
                .trim()
                .parse::<i32>()
                .ok()
                .filter(|y| (1900..=2200).contains(y))
                .map(ParamValue::Year)
                .ok_or_else(|| format!("`{text}` is not a year")),
        }
    }
}

/// A parameter's value.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "kebab-case", untagged)]
pub enum ParamValue {
    /// A boolean.
    Bool(bool),
    /// A year.
    Year(i32),
    /// A number.
    Number(f64),
    /// A quantity (serialized as `"4 years"`) or a choice.
    Quantity(Quantity),
    /// A choice.
    Text(String),
}

impl fmt::Display for ParamValue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ParamValue::Bool(b) => write!(f, "{b}"),
            ParamValue::Year(y) => write!(f, "{y}"),
            ParamValue::Number(n) => write!(f, "{n}"),
            ParamValue::Quantity(q) => write!(f, "{q}"),
            ParamValue::Text(t) => f.write_str(t),
        }
    }
}

/// A parameter a method accepts.
#[derive(Clone, Debug, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub struct ParamSpec {
    /// Name, kebab-case.
    pub name: String,
    /// Type.
    pub kind: ParamKind,
    /// Default; `None` when the default comes from the inventory or the factor database.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub default: Option<ParamValue>,
    /// What it does.
    pub doc: String,
}

impl ParamSpec {
    /// A parameter `name` of `kind`, with its default (if any) and documentation.
    pub fn new(name: &str, kind: ParamKind, default: Option<ParamValue>, doc: &str) -> ParamSpec {
        ParamSpec {
            name: name.to_owned(),
            kind,
            default,
            doc: doc.to_owned(),
        }
    }
}

/// A rule a method applies, tagged with the divergence driver it bears on.
#[derive(Clone, Debug, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub struct RuleSpec {
    /// The driver.
    pub driver: Driver,
    /// Short name of the treatment, e.g. `amortised`, `expensed`, `location-based`.
    pub treatment: String,
    /// The rule in one or two sentences.
    pub description: String,
}

impl RuleSpec {
    /// The method's `treatment` for `driver`, described.
    pub fn new(driver: Driver, treatment: &str, description: &str) -> RuleSpec {
        RuleSpec {
            driver,
            treatment: treatment.to_owned(),
            description: description.to_owned(),
        }
    }
}

/// What a method says of itself.
#[derive(Clone, Debug, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub struct Descriptor {
    /// Identifier, e.g. `ademe-lca`.
    pub id: String,
    /// Display name.
    pub name: String,
    /// Semver version of the method.
    pub version: semver::Version,
    /// One line.
    pub summary: String,
    /// Indicators it reports.
    pub indicators: Vec<Indicator>,
    /// Its system boundary, in words.
    pub boundary: String,
    /// Parameters it accepts.
    pub parameters: Vec<ParamSpec>,
    /// Rules it applies.
    pub rules: Vec<RuleSpec>,
    /// Standards and documents it follows.
    pub references: Vec<String>,
}

impl Descriptor {
    /// The method's identity.
    pub fn method_ref(&self) -> MethodRef {
        MethodRef {
            id: self.id.clone(),
            version: self.version.clone(),
        }
    }

    /// The parameter spec named `name`.
    pub fn parameter(&self, name: &str) -> Option<&ParamSpec> {
        self.parameters.iter().find(|p| p.name == name)
    }

    /// The rule for `driver`, if the method states one.
    pub fn rule(&self, driver: Driver) -> Option<&RuleSpec> {
        self.rules.iter().find(|r| r.driver == driver)
    }
}

/// Parameter values given by the user (unknown names are refused before assessment).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(transparent)]
pub struct Parameters(pub BTreeMap<String, ParamValue>);

impl Parameters {
    /// The value of `name`, if given.
    pub fn get(&self, name: &str) -> Option<&ParamValue> {
        self.0.get(name)
    }

    /// Sets `name`.
    pub fn set(&mut self, name: impl Into<String>, value: ParamValue) {
        self.0.insert(name.into(), value);
    }

    /// Checks every value against `descriptor` (name known, type right).
    pub fn check(&self, descriptor: &Descriptor) -> Result<(), MethodError> {
        for (name, value) in &self.0 {
            let Some(spec) = descriptor.parameter(name) else {
                return Err(MethodError::UnknownParameter {
                    method: descriptor.id.clone(),
                    name: name.clone(),
                    known: descriptor
                        .parameters
                        .iter()
                        .map(|p| p.name.clone())
                        .collect(),
                });
            };
            spec.kind
                .parse(&value.to_string())
                .map_err(|message| MethodError::BadParameter {
                    method: descriptor.id.clone(),
                    name: name.clone(),
                    message,
                })?;
        }
        Ok(())
    }

    /// The value of `name`, else its default in `descriptor`.
    pub fn effective<'a>(
        &'a self,
        descriptor: &'a Descriptor,
        name: &str,
    ) -> Option<&'a ParamValue> {
        self.get(name)
            .or_else(|| descriptor.parameter(name).and_then(|p| p.default.as_ref()))
    }

    /// Number value of `name` (given or default).
    pub fn number(&self, descriptor: &Descriptor, name: &str) -> Option<f64> {
        match self.effective(descriptor, name)? {
            ParamValue::Number(n) => Some(*n),
            ParamValue::Year(y) => Some(f64::from(*y)),
            _ => None,
        }
    }

    /// Boolean value of `name` (given or default).
    pub fn bool(&self, descriptor: &Descriptor, name: &str) -> Option<bool> {
        match self.effective(descriptor, name)? {
            ParamValue::Bool(b) => Some(*b),
            _ => None,
        }
    }

    /// Text value of `name` (given or default).
    pub fn text<'a>(&'a self, descriptor: &'a Descriptor, name: &str) -> Option<&'a str> {
        match self.effective(descriptor, name)? {
            ParamValue::Text(t) => Some(t),
            _ => None,
        }
    }

    /// Quantity value of `name` (given or default).
    pub fn quantity<'a>(&'a self, descriptor: &'a Descriptor, name: &str) -> Option<&'a Quantity> {
        match self.effective(descriptor, name)? {
            ParamValue::Quantity(q) => Some(q),
            _ => None,
        }
    }

    /// Year value of `name` (given or default).
    pub fn year(&self, descriptor: &Descriptor, name: &str) -> Option<i32> {
        match self.effective(descriptor, name)? {
            ParamValue::Year(y) => Some(*y),
            _ => None,
        }
    }
}

/// Why a method could not assess an inventory.
#[derive(
    Clone, Debug, PartialEq, thiserror::Error, Serialize, Deserialize, schemars::JsonSchema,
)]
#[serde(rename_all = "kebab-case", tag = "kind")]
#[non_exhaustive]
pub enum MethodError {
    /// A parameter the method does not declare.
    #[error("method `{method}` has no parameter `{name}` (it accepts: {})", known.join(", "))]
    UnknownParameter {
        /// Method id.
        method: String,
        /// The name given.
        name: String,
        /// Names it accepts.
        known: Vec<String>,
    },
    /// A parameter value of the wrong type or out of range.
    #[error("parameter `{name}` of method `{method}`: {message}")]
    BadParameter {
        /// Method id.
        method: String,
        /// The parameter.
        name: String,
        /// What is wrong.
        message: String,
    },
    /// The inventory lacks something the method needs.
    #[error("{item}: {message}")]
    Input {
        /// The inventory item, e.g. `workload pretrain-405b`.
        item: String,
        /// What is missing or wrong.
        message: String,
    },
    /// Anything else.
    #[error("{0}")]
    Other(String),
}

impl From<bilan_units::UnitError> for MethodError {
    fn from(e: bilan_units::UnitError) -> Self {
        MethodError::Other(e.to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::ParamKind;
    use bilan_units::Dimension;

    #[test]
    fn a_time_parameter_is_above_zero_and_in_range() {
        let time = ParamKind::quantity(Dimension::TIME);
        assert!(time.parse("4 years").is_ok());
        assert!(time.parse("1 s").is_ok());
        for (text, why) in [
            ("0 h", "is zero"),
            ("-1 year", "is negative"),
            ("1e306 years", "beyond the range of a 64-bit number"),
            ("5 kWh", "expected time"),
        ] {
            let e = time.parse(text).expect_err(text);
            assert!(e.contains(why), "{text}: {e}");
        }
        // A water intensity of 0 is a value, not a division.
        let wue = ParamKind::quantity(Dimension::VOLUME_PER_ENERGY);
        assert!(wue.parse("0 L/kWh").is_ok());
    }
}
