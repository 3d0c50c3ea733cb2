//! The uncertain inputs of a run, and how a term or factor of an audit trail names one.
//!
//! An input is keyed by where it was written, so that every method, every contribution and
//! every iteration that uses it shares one draw:
//!
//! * an inventory value: its key path with the item's id, `site[eu-dc].pue`,
//!   `workload[pretrain].device-hours`, `building[dc].impacts.gwp.value`;
//! * a factor: `factor:ID` (embedded or from a `--factors` file);
//! * a method parameter: `parameter:NAME` (given for every method that has it) or
//!   `parameter:METHOD:NAME`.

use std::fmt::Write as _;

use bilan_core::assessment::{Contribution, IndicatorValue, TermSource};
use bilan_units::Distribution;
use rustc_hash::FxHashMap;
use serde::Serialize;

/// Where an uncertain input was written.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum InputSource {
    /// A value of the inventory.
    Inventory,
    /// An impact factor (embedded or from a factor file).
    Factor,
    /// A method parameter.
    Parameter,
    /// A value an estimator or the power model filled into the inventory (its spread is
    /// the estimator's).
    Estimated,
}

/// One uncertain input.
#[derive(Clone, Debug)]
pub struct Input {
    /// Its key (see the module documentation).
    pub key: String,
    /// The value the methods used, in `unit`.
    pub nominal: f64,
    /// The unit of `nominal` and of the distribution.
    pub unit: String,
    /// Its distribution.
    pub distribution: Distribution,
    /// Where it was written.
    pub source: InputSource,
    /// Why a default distribution was assumed (the source gives none), if so.
    pub assumed: Option<String>,
}

impl Input {
    /// Mean and variance of the logarithm of the input's ratio to its nominal value
    /// ([`Distribution::ln_moments`]), or why they cannot be propagated: a spread beyond
    /// the range of `f64` even as a ratio to the value (never held at its nominal value, which
    /// would give the interval of a certain input).
    pub(super) fn ln_moments(&self) -> Result<(f64, f64), String> {
        match self.distribution.ln_moments(self.nominal) {
            Some((mean, variance)) if mean.is_finite() && variance.is_finite() => {
                Ok((mean, variance))
            }
            _ => Err(self.too_wide()),
        }
    }

    /// Why the input's spread cannot be propagated.
    fn too_wide(&self) -> String {
        bilan_units::too_wide(&self.described(), "propagate")
    }

    /// The input's key, value and spread, as an error names them: numbers of any size to
    /// five significant digits (`workload[w].energy (100 kWh, sd 1e160 kWh)`).
    pub(super) fn described(&self) -> String {
        let q = |x: f64| format!("{} {}", short(x), self.unit);
        let spread = match self.distribution {
            Distribution::Normal { sd } => format!("sd {}", q(sd)),
            Distribution::Lognormal { gsd } => format!("GSD {}", short(gsd)),
            Distribution::Triangular { min, max } => {
                format!("triangular from {} to {}", q(min), q(max))
            }
            Distribution::Uniform { min, max } => format!("uniform from {} to {}", q(min), q(max)),
        };
        format!("{} ({}, {spread})", self.key, q(self.nominal))
    }
}

/// `x` to five significant digits, in scientific notation beyond [10⁻⁴, 10⁹).
fn short(x: f64) -> String {
    if x == 0.0 || (1e-4..1e9).contains(&x.abs()) {
        let digits = 4 - x.abs().log10().floor() as i32;
        let scale = 10f64.powi(digits.max(0));
        format!("{}", (x * scale).round() / scale)
    } else {
        let text = format!("{x:.4e}");
        match text.split_once('e') {
            Some((mantissa, exponent)) if mantissa.contains('.') => {
                let mantissa = mantissa.trim_end_matches('0').trim_end_matches('.');
                format!("{mantissa}e{exponent}")
            }
            _ => text,
        }
    }
}

/// The uncertain inputs of a run, by key.
#[derive(Clone, Debug, Default)]
pub struct Inputs {
    list: Vec<Input>,
    index: FxHashMap<String, usize>,
}

impl Inputs {
    /// No uncertain input.
    pub fn new() -> Inputs {
        Inputs::default()
    }

    /// Adds `input`; a later input with the same key replaces the earlier one (a user's
    /// factor file over the embedded database).
    pub fn add(&mut self, input: Input) {
        match self.index.get(&input.key) {
            Some(&n) => self.list[n] = input,
            None => {
                self.index.insert(input.key.clone(), self.list.len());
                self.list.push(input);
            }
        }
    }

    /// Every input, in the order they were first added.
    pub fn list(&self) -> &[Input] {
        &self.list
    }

    /// Whether there is none.
    pub fn is_empty(&self) -> bool {
        self.list.is_empty()
    }

    /// The input with `key`.
    pub fn get(&self, key: &str) -> Option<&Input> {
        self.index.get(key).map(|&n| &self.list[n])
    }

    pub(super) fn position(&self, key: &str) -> Option<usize> {
        self.index.get(key).copied()
    }
}

/// The key of an inventory value.
pub fn inventory_key(table: &str, id: &str, key: &str) -> String {
    format!("{table}[{id}].{key}")
}

/// The key of a factor.
pub fn factor_key(id: &str) -> String {
    format!("factor:{id}")
}

/// The key of a method parameter, for every method (`method` = `None`) or for one.
pub fn parameter_key(method: Option<&str>, name: &str) -> String {
    match method {
        Some(m) => format!("parameter:{m}:{name}"),
        None => format!("parameter:{name}"),
    }
}

/// Finds the inputs a contribution's terms and factors cite, reusing one buffer for keys.
pub(super) struct Resolver<'i> {
    inputs: &'i Inputs,
    buffer: String,
}

impl<'i> Resolver<'i> {
    pub(super) fn new(inputs: &'i Inputs) -> Resolver<'i> {
        Resolver {
            inputs,
            buffer: String::new(),
        }
    }

    fn find(&mut self, write: impl FnOnce(&mut String)) -> Option<usize> {
        self.buffer.clear();
        write(&mut self.buffer);
        self.inputs.position(&self.buffer)
    }

    /// The uncertain inputs of `c`'s terms for method `method`: (input, power, position of
    /// the term in `c.terms`).
    pub(super) fn terms(
        &mut self,
        method: &str,
        c: &Contribution,
        out: &mut Vec<(usize, f64, usize)>,
    ) {
        out.clear();
        for (position, t) in c.terms.iter().enumerate() {
            let power = t.exponent();
            let found = match &t.source {
                TermSource::Item { key } => self.find(|b| {
                    let _ = write!(b, "{}[{}].{key}", c.item.kind.key(), c.item.id);
                }),
                TermSource::Inventory { path } => self.inputs.position(path),
                TermSource::Parameter { name } => self
                    .find(|b| {
                        let _ = write!(b, "parameter:{method}:{name}");
                    })
                    .or_else(|| {
                        self.find(|b| {
                            let _ = write!(b, "parameter:{name}");
                        })
                    }),
                TermSource::Factor { id } => self.find(|b| {
                    let _ = write!(b, "factor:{id}");
                }),
                TermSource::Rule { .. } | TermSource::Derived { .. } => None,
            };
            if let Some(n) = found {
                out.push((n, power, position));
            }
        }
    }

    /// The uncertain input behind the factor of `v`, if any: an inventory value for a factor
    /// the inventory gave (`inventory:PATH`), else the factor itself.
    pub(super) fn factor(&mut self, v: &IndicatorValue) -> Option<usize> {
        match v.factor.strip_prefix("inventory:") {
            // An impact the inventory gives with its source is a table whose `value` carries
            // the quantity: `building[dc].impacts.gwp = { value = "…", source = "…" }`.
            Some(path) => self.inputs.position(path).or_else(|| {
                self.find(|b| {
                    let _ = write!(b, "{path}.value");
                })
            }),
            None => self.find(|b| {
                let _ = write!(b, "factor:{}", v.factor);
            }),
        }
    }
}

/// Sorts `list` by input and merges the powers of an input cited twice, dropping those that
/// cancel.
pub(super) fn merge(list: &mut Vec<(usize, f64)>) {
    list.sort_by_key(|x| x.0);
    let mut out: Vec<(usize, f64)> = Vec::with_capacity(list.len());
    for &(n, p) in list.iter() {
        match out.last_mut() {
            Some(last) if last.0 == n => last.1 += p,
            _ => out.push((n, p)),
        }
    }
    out.retain(|x| x.1 != 0.0);
    *list = out;
}
