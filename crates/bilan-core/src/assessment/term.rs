//! The terms of a contribution: each multiplicative input, with the source it comes from and
//! the divergence driver it bears on.

use std::borrow::Cow;
use std::sync::Arc;

use serde::{Deserialize, Serialize};

#[cfg(doc)]
use super::Assessment;
use crate::driver::Driver;

/// Where a term's value comes from.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
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

/// One multiplicative input of a contribution.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub struct Term {
    /// Symbol used in the formula, e.g. `E_IT`, `PUE`, `F_grid`.
    pub symbol: Cow<'static, str>,
    /// Value, in `unit`.
    pub value: f64,
    /// Unit of `value`.
    pub unit: Cow<'static, str>,
    /// Exponent: 1 multiplies, -1 divides.
    #[serde(default = "one", skip_serializing_if = "is_one")]
    pub power: i8,
    /// Which divergence driver this term bears on, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub driver: Option<Driver>,
    /// Where it comes from.
    pub source: TermSource,
    /// The estimator that produced the value (`training-compute`, `power-model`…), when
    /// the value was estimated rather than given or measured; see the workload's
    /// `[workload.estimate]`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub estimated: Option<Arc<str>>,
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
            symbol: symbol.into(),
            value,
            unit: unit.into(),
            power: 1,
            driver: None,
            source,
            estimated: None,
        }
    }

    /// This term as a divisor.
    pub fn dividing(mut self) -> Term {
        self.power = -1;
        self
    }

    /// This term tagged with `driver`.
    pub fn driver(mut self, driver: Driver) -> Term {
        self.driver = Some(driver);
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

    /// The exponent the contribution raises it to: 1 or -1.
    pub fn exponent(&self) -> f64 {
        if self.power < 0 { -1.0 } else { 1.0 }
    }
}
