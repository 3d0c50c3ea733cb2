//! The terms of a contribution: each multiplicative input, with the source it comes from and
//! the divergence driver it bears on.

use std::borrow::Cow;
use std::sync::Arc;

use serde::{Deserialize, Serialize};

#[cfg(doc)]
use super::Assessment;
use crate::driver::Driver;
use crate::indicator::Indicator;

/// Where a term's value comes from.
// Equal as the derived comparison has it, texts compared by address first: the derived hash
// agrees.
#[allow(clippy::derived_hash_with_manual_eq)]
#[derive(Clone, Debug, Eq, Hash, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "kebab-case", tag = "from")]
pub enum TermSource {
    /// A key of the contribution's own item, e.g. `device-hours`.
    Item {
        /// The key.
        key: Cow<'static, str>,
    },
    /// A key elsewhere in the inventory, e.g. `site[paris].pue`.
    Inventory {
        /// Key path.
        path: Arc<str>,
    },
    /// A factor listed in [`Assessment::factors`].
    Factor {
        /// Its id there.
        id: Arc<str>,
    },
    /// A method parameter (given or default).
    Parameter {
        /// Its name.
        name: Cow<'static, str>,
    },
    /// A rule of the method (e.g. "expensed: 100 % in the year of acquisition").
    Rule {
        /// The rule in words.
        rule: Cow<'static, str>,
    },
    /// Computed from other numbers.
    Derived {
        /// How.
        formula: Cow<'static, str>,
    },
}

/// One multiplicative input of a contribution: its value, and what it is (a [`TermMeta`],
/// read through `Deref`: `term.symbol`, `term.driver`…).
///
/// What a term is (symbol, unit, power, driver, source, estimator) repeats across the
/// contributions of a large inventory (every workload's `E_IT` read from the same key), while
/// its value does not. So the description is shared: an [`Assessment`] built by the
/// [`Builder`](super::Builder) holds one [`TermMeta`] per distinct description and 16 bytes
/// per term, where a term with its own strings took 112. The serialised form is unchanged.
#[derive(Clone, Debug, PartialEq)]
pub struct Term {
    /// Value, in `unit`.
    pub value: f64,
    meta: Arc<TermMeta>,
}

/// What a term is, apart from its value; shared by every term with the same description.
// As for `TermSource`: the derived hash agrees with the comparison.
#[allow(clippy::derived_hash_with_manual_eq)]
#[derive(Clone, Debug, Eq, Hash)]
pub struct TermMeta {
    /// Symbol used in the formula, e.g. `E_IT`, `PUE`, `F_grid`.
    pub symbol: Cow<'static, str>,
    /// Unit of the value.
    pub unit: Cow<'static, str>,
    /// Exponent: 1 multiplies, -1 divides.
    pub power: i8,
    /// Which divergence driver this term bears on, if any.
    pub driver: Option<Driver>,
    /// Where it comes from.
    pub source: TermSource,
    /// The estimator that produced the value (`training-compute`, `power-model`…), when
    /// the value was estimated rather than given or measured; see the workload's
    /// `[workload.estimate]`.
    pub estimated: Option<Arc<str>>,
    /// The one indicator the term applies to (a rule scaling only the water figures); `None`,
    /// nearly always: every value of the contribution.
    pub indicator: Option<Indicator>,
}

/// Whether two texts are the same: by address and length first. A method describes the
/// terms of every workload with the same static texts, and each new description is compared
/// with the last one shared ([`super::Builder`]), a million times over.
fn same(a: &str, b: &str) -> bool {
    std::ptr::eq(a, b) || a == b
}

impl PartialEq for TermSource {
    fn eq(&self, other: &TermSource) -> bool {
        use TermSource::*;
        match (self, other) {
            (Item { key: a }, Item { key: b }) => same(a, b),
            (Inventory { path: a }, Inventory { path: b }) => same(a, b),
            (Factor { id: a }, Factor { id: b }) => same(a, b),
            (Parameter { name: a }, Parameter { name: b }) => same(a, b),
            (Rule { rule: a }, Rule { rule: b }) => same(a, b),
            (Derived { formula: a }, Derived { formula: b }) => same(a, b),
            _ => false,
        }
    }
}

impl PartialEq for TermMeta {
    fn eq(&self, other: &TermMeta) -> bool {
        // Every field, as a derived comparison would (a test holds it), the cheap ones first.
        let TermMeta {
            symbol,
            unit,
            power,
            driver,
            source,
            estimated,
            indicator,
        } = self;
        *power == other.power
            && *driver == other.driver
            && *indicator == other.indicator
            && same(symbol, &other.symbol)
            && same(unit, &other.unit)
            && source == &other.source
            && match (estimated, &other.estimated) {
                (Some(a), Some(b)) => same(a, b),
                (None, None) => true,
                _ => false,
            }
    }
}

impl std::ops::Deref for Term {
    type Target = TermMeta;

    fn deref(&self) -> &TermMeta {
        &self.meta
    }
}

// What a `Term` is serialised as: the layout of reports and of the plugin interface.
/// One multiplicative input of a contribution.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "kebab-case")]
#[schemars(rename = "Term")]
struct TermData {
    /// Symbol used in the formula, e.g. `E_IT`, `PUE`, `F_grid`.
    symbol: Cow<'static, str>,
    /// Value, in `unit`.
    value: f64,
    /// Unit of `value`.
    unit: Cow<'static, str>,
    /// Exponent: 1 multiplies, -1 divides.
    #[serde(default = "one", skip_serializing_if = "is_one")]
    power: i8,
    /// Which divergence driver this term bears on, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    driver: Option<Driver>,
    /// Where it comes from.
    source: TermSource,
    /// The estimator that produced the value (`training-compute`, `power-model`…), when
    /// the value was estimated rather than given or measured; see the workload's
    /// `[workload.estimate]`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    estimated: Option<Arc<str>>,
    /// The one indicator the term applies to; absent: every value of the contribution.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    indicator: Option<Indicator>,
}

/// [`TermData`] borrowed from a [`Term`], for writing without copying its strings.
#[derive(Serialize)]
#[serde(rename_all = "kebab-case")]
struct TermOut<'a> {
    symbol: &'a str,
    value: f64,
    unit: &'a str,
    #[serde(skip_serializing_if = "is_one")]
    power: i8,
    #[serde(skip_serializing_if = "Option::is_none")]
    driver: Option<Driver>,
    source: &'a TermSource,
    #[serde(skip_serializing_if = "Option::is_none")]
    estimated: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    indicator: Option<Indicator>,
}

impl Serialize for Term {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        TermOut {
            symbol: &self.symbol,
            value: self.value,
            unit: &self.unit,
            power: self.power,
            driver: self.driver,
            source: &self.source,
            estimated: self.estimated.as_deref(),
            indicator: self.indicator,
        }
        .serialize(serializer)
    }
}

impl<'de> Deserialize<'de> for Term {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Term, D::Error> {
        let d = TermData::deserialize(deserializer)?;
        Ok(Term {
            value: d.value,
            meta: Arc::new(TermMeta {
                symbol: d.symbol,
                unit: d.unit,
                power: d.power,
                driver: d.driver,
                source: d.source,
                estimated: d.estimated,
                indicator: d.indicator,
            }),
        })
    }
}

impl schemars::JsonSchema for Term {
    fn schema_name() -> Cow<'static, str> {
        TermData::schema_name()
    }

    fn schema_id() -> Cow<'static, str> {
        TermData::schema_id()
    }

    fn json_schema(generator: &mut schemars::SchemaGenerator) -> schemars::Schema {
        TermData::json_schema(generator)
    }
}

fn one() -> i8 {
    1
}

fn is_one(p: &i8) -> bool {
    *p == 1
}

impl Term {
    /// A multiplying term.
    pub fn new(
        symbol: impl Into<Cow<'static, str>>,
        value: f64,
        unit: impl Into<Cow<'static, str>>,
        source: TermSource,
    ) -> Term {
        Term {
            value,
            meta: Arc::new(TermMeta {
                symbol: symbol.into(),
                unit: unit.into(),
                power: 1,
                driver: None,
                source,
                estimated: None,
                indicator: None,
            }),
        }
    }

    /// What the term is, to change it (copied first if another term shares it).
    pub fn meta_mut(&mut self) -> &mut TermMeta {
        Arc::make_mut(&mut self.meta)
    }

    /// The shared description, to compare or intern by address.
    pub fn meta(&self) -> &Arc<TermMeta> {
        &self.meta
    }

    /// The shared description, to replace it by an equal one.
    pub(crate) fn meta_arc_mut(&mut self) -> &mut Arc<TermMeta> {
        &mut self.meta
    }

    /// This term as a divisor.
    pub fn dividing(mut self) -> Term {
        self.meta_mut().power = -1;
        self
    }

    /// This term tagged with `driver`.
    pub fn driver(mut self, driver: Driver) -> Term {
        self.meta_mut().driver = Some(driver);
        self
    }

    /// This term applied to `indicator`'s value only.
    pub fn only(mut self, indicator: Indicator) -> Term {
        self.meta_mut().indicator = Some(indicator);
        self
    }

    /// Its multiplicative effect: `value` or `1 / value`.
    pub fn effect(&self) -> f64 {
        if self.power < 0 {
            1.0 / self.value
        } else {
            self.value
        }
    }

    /// Whether it bears on `indicator`'s value: always, unless it applies to another one only.
    pub fn applies_to(&self, indicator: Indicator) -> bool {
        self.indicator.is_none_or(|i| i == indicator)
    }

    /// The exponent the contribution raises it to: 1 or -1.
    pub fn exponent(&self) -> f64 {
        if self.power < 0 { -1.0 } else { 1.0 }
    }
}

#[cfg(test)]
mod tests {
    use std::borrow::Cow;
    use std::sync::Arc;

    use super::{TermMeta, TermSource};
    use crate::driver::Driver;
    use crate::indicator::Indicator;

    /// Equal as the fields are, whether their texts share an address or not, and unequal as
    /// soon as one field differs.
    #[test]
    fn descriptions_are_equal_when_every_field_is() {
        let owned = |s: &str| Cow::Owned(s.to_owned());
        let sources = |own: bool| {
            let text = |s: &'static str| if own { owned(s) } else { Cow::Borrowed(s) };
            vec![
                TermSource::Item { key: text("k") },
                TermSource::Inventory {
                    path: Arc::from("site[a].pue"),
                },
                TermSource::Factor { id: Arc::from("f") },
                TermSource::Parameter { name: text("p") },
                TermSource::Rule { rule: text("r") },
                TermSource::Derived {
                    formula: text("a × b"),
                },
            ]
        };
        for (n, a) in sources(false).iter().enumerate() {
            for (m, b) in sources(true).iter().enumerate() {
                assert_eq!(a == b, n == m, "{a:?} {b:?}");
            }
        }
        let meta = |own: bool| TermMeta {
            symbol: if own {
                owned("E_IT")
            } else {
                Cow::Borrowed("E_IT")
            },
            unit: if own {
                owned("kWh")
            } else {
                Cow::Borrowed("kWh")
            },
            power: 1,
            driver: Some(Driver::TimeFrame),
            source: sources(own).remove(0),
            estimated: Some(Arc::from("power-model")),
            indicator: None,
        };
        assert_eq!(meta(false), meta(true));
        assert_eq!(meta(false), meta(false));
        let changes: [&dyn Fn(&mut TermMeta); 7] = [
            &|m| m.symbol = Cow::Borrowed("E_it"),
            &|m| m.unit = Cow::Borrowed("MWh"),
            &|m| m.power = -1,
            &|m| m.driver = None,
            &|m| m.source = TermSource::Item { key: "j".into() },
            &|m| m.estimated = None,
            &|m| m.indicator = Some(Indicator::Gwp),
        ];
        for change in changes {
            let mut other = meta(true);
            change(&mut other);
            assert_ne!(meta(false), other);
            assert_ne!(other, meta(false));
        }
    }
}
