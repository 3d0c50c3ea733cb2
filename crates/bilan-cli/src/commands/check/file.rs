//! The expectations file: reading it (every problem located by key path) and writing it.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use bilan_core::figure::FigurePath;
use bilan_io::{FileError, Locator, SourceFile};
use bilan_units::Quantity;
use serde::Deserialize;

use super::breakdown::Item;

/// The tolerance `--update` writes for a new entry.
pub(super) const DEFAULT_TOLERANCE: &str = "0.1 %";

#[derive(Deserialize)]
struct Raw {
    schema: u32,
    #[serde(default)]
    expect: Vec<RawEntry>,
}

#[derive(Deserialize)]
#[serde(rename_all = "kebab-case")]
struct RawEntry {
    system: String,
    method: String,
    figure: String,
    value: String,
    #[serde(default)]
    tolerance: Option<String>,
    #[serde(default)]
    by_item: BTreeMap<String, RawItem>,
}

#[derive(Deserialize)]
struct RawItem {
    value: f64,
    #[serde(default)]
    terms: BTreeMap<String, f64>,
}

/// How far a figure may move.
#[derive(Clone, Debug)]
pub(super) enum Tolerance {
    /// A share of the expected value (0.01 for "1 %").
    Relative(f64),
    /// An amount in the figure's unit.
    Absolute(Quantity),
    /// Within the current run's 95 % interval (needs `--uncertainty`).
    Interval,
}

impl Tolerance {
    fn parse(text: &str) -> Result<Tolerance, String> {
        let trimmed = text.trim();
        if trimmed == "interval" {
            return Ok(Tolerance::Interval);
        }
        let q = Quantity::parse(trimmed).map_err(|e| {
            format!("{e}; expected a relative tolerance (\"1 %\"), an absolute one in the figure's unit (\"5 t\") or \"interval\"")
        })?;
        if q.value() < 0.0 {
            return Err(format!("`{trimmed}`: a tolerance cannot be negative"));
        }
        if q.unit().symbol().trim() == "%" {
            return Ok(Tolerance::Relative(q.value() / 100.0));
        }
        if q.unit().is_dimensionless() {
            return Err(format!(
                "`{trimmed}`: give a unit: \"1 %\" (relative) or an amount in the figure's unit (\"5 t\")"
            ));
        }
        Ok(Tolerance::Absolute(q))
    }
}

/// One expectation, checked for syntax.
#[derive(Clone, Debug)]
pub(super) struct Entry {
    /// Its place in the file (`expect[N]`).
    pub(super) index: usize,
    pub(super) system: String,
    pub(super) method: String,
    pub(super) figure: FigurePath,
    /// The expected value as written.
    pub(super) value: Quantity,
    pub(super) value_text: String,
    pub(super) tolerance: Tolerance,
    pub(super) tolerance_text: String,
    /// The figure's contributions when the file was written by `--update`.
    pub(super) by_item: BTreeMap<String, Item>,
}

impl Entry {
    /// The key path of one of this entry's keys, for located errors.
    pub(super) fn key(&self, key: &str) -> String {
        format!("expect[{}].{key}", self.index)
    }
}

/// Reads `file`: syntax, unknown keys, schema, figure paths, values and tolerances.
pub(super) fn read(file: &SourceFile) -> Result<Vec<Entry>, bilan_io::FileErrors> {
    let raw: Raw = bilan_io::parse(file)?;
    let locator = Locator::new(file);
    let mut errors: Vec<FileError> = Vec::new();
    if raw.schema != 1 {
        errors.push(locator.error(
            "schema",
            format!(
                "schema {} is not supported: this build reads expectations files of schema 1",
                raw.schema
            ),
        ));
    }
    let mut entries = Vec::new();
    for (index, e) in raw.expect.into_iter().enumerate() {
        let at = |key: &str| format!("expect[{index}].{key}");
        let figure = match e.figure.parse::<FigurePath>() {
            Ok(f) => Some(f),
            Err(m) => {
                errors.push(locator.error(&at("figure"), format!("unknown figure: {m}")));
                None
            }
        };
        let value = match Quantity::parse(&e.value) {
            Ok(q) => Some(q),
            Err(m) => {
                errors.push(locator.error(
                    &at("value"),
                    format!("{m}; expected a quantity in the figure's unit, e.g. \"11.39 kt\""),
                ));
                None
            }
        };
        let tolerance_text = e.tolerance.unwrap_or_else(|| DEFAULT_TOLERANCE.to_owned());
        let tolerance = match Tolerance::parse(&tolerance_text) {
            Ok(t) => Some(t),
            Err(m) => {
                errors.push(locator.error(&at("tolerance"), m));
                None
            }
        };
        let mut by_item = BTreeMap::new();
        for (key, item) in e.by_item {
            let bad = !item.value.is_finite() || item.terms.values().any(|t| !t.is_finite());
            if bad {
                errors.push(locator.error(
                    &at("by-item"),
                    format!("item `{key}`: every number must be finite"),
                ));
            }
            by_item.insert(
                key,
                Item {
                    value: item.value,
                    terms: item.terms,
                    drivers: BTreeMap::new(),
                },
            );
        }
        if let (Some(figure), Some(value), Some(tolerance)) = (figure, value, tolerance) {
            entries.push(Entry {
                index,
                system: e.system,
                method: e.method,
                figure,
                value,
                value_text: e.value,
                tolerance,
                tolerance_text,
                by_item,
            });
        }
    }
    if errors.is_empty() {
        Ok(entries)
    } else {
        Err(bilan_io::FileErrors { errors })
    }
}

/// A TOML basic string.
fn quoted(text: &str) -> String {
    toml::Value::String(text.to_owned()).to_string()
}

/// A float TOML reads back to the same number.
fn float(x: f64) -> String {
    format!("{x:?}")
}

/// What `--update` writes for one figure.
pub(super) struct Written {
    pub(super) system: String,
    pub(super) method: String,
    pub(super) figure: String,
    pub(super) value: String,
    pub(super) tolerance: String,
    pub(super) by_item: BTreeMap<String, Item>,
}

/// The text of an expectations file holding `entries`.
pub(super) fn render(entries: &[Written]) -> String {
    let mut out = String::from(
        "# Expectations of `bilan check` (docs/check.md), written by `bilan check --update`.\n\
         # `by-item` holds each figure's contributions and their terms' multiplicative effects\n\
         # (in the indicator's unit), so that a drift can be explained; keep it as written.\n\
         schema = 1\n",
    );
    for e in entries {
        let _ = write!(
            out,
            "\n[[expect]]\nsystem = {}\nmethod = {}\nfigure = {}\nvalue = {}\ntolerance = {}\n",
            quoted(&e.system),
            quoted(&e.method),
            quoted(&e.figure),
            quoted(&e.value),
            quoted(&e.tolerance)
        );
        if e.by_item.is_empty() {
            continue;
        }
        out.push_str("\n[expect.by-item]\n");
        for (key, item) in &e.by_item {
            let terms: Vec<String> = item
                .terms
                .iter()
                .map(|(k, v)| format!("{} = {}", quoted(k), float(*v)))
                .collect();
            let _ = writeln!(
                out,
                "{} = {{ value = {}, terms = {{ {} }} }}",
                quoted(key),
                float(item.value),
                terms.join(", ")
            );
        }
    }
    out
}
