//! Estimated values: what an estimator (`training-compute`, `llm-inference-ecologits`,
//! `llm-inference-calibrated`) or the power model filled in a workload instead of a given or
//! measured value. Reports list them with their formulas, and the trail marks every term
//! they feed, so an estimated value is never mistaken for a measured one or a default.
//!
//! Everything here renders nothing when nothing was estimated, so reports on inventories
//! without estimators are unchanged.

use std::collections::HashSet;
use std::fmt::Write as _;

use bilan_core::assessment::{Assessment, Contribution, Term, TermSource};
use bilan_core::inventory::Inventory;
use bilan_core::item::ItemKind;
use bilan_units::Distribution;
use serde::Serialize;

use crate::lang::Lang;
use crate::number::significant;

/// One value an estimator (or the power model) put in a workload, as reports show it.
#[derive(Clone, Debug, PartialEq, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub struct EstimatedValue {
    /// The workload's id.
    pub workload: String,
    /// The key it fills: `energy`, `device-hours`, `power-per-device`, `host-overhead`.
    pub key: String,
    /// Its key path in the inventory, e.g. `workload[pretrain].device-hours`.
    pub path: String,
    /// Nominal value, in `unit`.
    pub value: f64,
    /// Unit of `value` as written in the workload (`kWh`, `GPU·h`, `W`).
    pub unit: String,
    /// The estimator: `training-compute`, `llm-inference-ecologits`,
    /// `llm-inference-calibrated` or `power-model`.
    pub estimator: String,
    /// The formula, with its numbers.
    pub formula: String,
    /// Its spread, in `unit`, when the estimator gives one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub distribution: Option<Distribution>,
}

impl EstimatedValue {
    /// `26.67e6 GPU·h`-style value with its unit (four significant digits).
    pub fn value_text(&self) -> String {
        self.value_text_in(Lang::En)
    }

    /// [`EstimatedValue::value_text`] written in `l`.
    pub fn value_text_in(&self, l: Lang) -> String {
        l.with_unit(self.value, &self.unit)
    }

    /// The spread in words, e.g. `lognormal, gsd 1.3`; empty without one.
    pub fn spread_text(&self) -> String {
        self.distribution
            .as_ref()
            .map_or(String::new(), |d| spread(d, &self.unit))
    }
}

/// A distribution in words, in `unit`.
pub fn spread(d: &Distribution, unit: &str) -> String {
    let n = |v: f64| significant(v, 3);
    match *d {
        Distribution::Normal { sd } => format!("normal, sd {} {unit}", n(sd)),
        Distribution::Lognormal { gsd } => format!("lognormal, gsd {}", n(gsd)),
        Distribution::Triangular { min, max } => {
            format!("triangular, {} to {} {unit}", n(min), n(max))
        }
        Distribution::Uniform { min, max } => format!("uniform, {} to {} {unit}", n(min), n(max)),
    }
}

/// Every value estimated in `inventory`: workloads in inventory order, then each
/// workload's values in the order the estimation step recorded them.
pub fn collect(inventory: &Inventory) -> Vec<EstimatedValue> {
    inventory
        .workloads
        .iter()
        .flat_map(|w| {
            w.estimated.iter().map(|e| EstimatedValue {
                workload: w.id.to_string(),
                key: e.key.to_owned(),
                path: format!("{}[{}].{}", ItemKind::Workload.key(), w.id, e.key),
                value: e.value,
                unit: e.unit.to_owned(),
                estimator: e.estimator.to_string(),
                formula: e.formula.clone(),
                distribution: e.distribution,
            })
        })
        .collect()
}

/// `, estimated by training-compute` for an estimated term; empty otherwise.
pub fn term_mark(t: &Term) -> String {
    t.estimated
        .as_ref()
        .map_or(String::new(), |id| format!(", estimated by {id}"))
}

/// Whether any term of `a` was estimated.
pub fn any_term(a: &Assessment) -> bool {
    a.contributions
        .iter()
        .any(|c| c.terms.iter().any(|t| t.estimated.is_some()))
}

fn of_workload<'v>(
    values: &'v [EstimatedValue],
    c: &Contribution,
) -> impl Iterator<Item = &'v EstimatedValue> {
    let workload = (c.item.kind == ItemKind::Workload).then_some(&*c.item.id);
    values
        .iter()
        .filter(move |v| workload.is_some_and(|w| w == v.workload))
}

/// The estimated values behind term `t` of contribution `c`: the one of the term's key when
/// the term reads its item's key, else every value its estimator put in the item.
pub fn behind<'v>(
    values: &'v [EstimatedValue],
    c: &Contribution,
    t: &Term,
) -> Vec<&'v EstimatedValue> {
    let Some(id) = t.estimated.as_deref() else {
        return Vec::new();
    };
    let of_item: Vec<&EstimatedValue> = of_workload(values, c)
        .filter(|v| v.estimator == id)
        .collect();
    if let TermSource::Item { key } = &t.source {
        let same_key: Vec<&EstimatedValue> =
            of_item.iter().copied().filter(|v| v.key == *key).collect();
        if !same_key.is_empty() {
            return same_key;
        }
    }
    of_item
}

/// The values among `values` estimated for items `a` assessed.
pub fn used_by<'v>(values: &'v [EstimatedValue], a: &Assessment) -> Vec<&'v EstimatedValue> {
    if values.is_empty() {
        return Vec::new();
    }
    let workloads: HashSet<&str> = a
        .contributions
        .iter()
        .filter(|c| c.item.kind == ItemKind::Workload)
        .map(|c| &*c.item.id)
        .collect();
    values
        .iter()
        .filter(|v| workloads.contains(v.workload.as_str()))
        .collect()
}

/// One line: `workload[pretrain].device-hours = 4,422,000 GPU·h (spread: lognormal, gsd
/// 1.13) by training-compute: <formula>`.
pub fn line(v: &EstimatedValue, l: Lang) -> String {
    let spread = v.spread_text();
    let spread = if spread.is_empty() {
        String::new()
    } else {
        format!(" {}", l.msg("estimated-spread", &[("spread", &spread)]))
    };
    l.msg(
        "estimated-line",
        &[
            ("path", &v.path),
            ("value", &v.value_text_in(l)),
            ("spread", &spread),
            ("estimator", &v.estimator),
            ("formula", &v.formula),
        ],
    )
}

/// The detail under an estimated term in `bilan explain`: `workload[pretrain].device-hours =
/// 26.67e6 GPU·h; formula: …; spread: …` (the estimator is on the term's line).
pub fn detail(v: &EstimatedValue) -> String {
    let spread = v.spread_text();
    format!(
        "{} = {}; formula: {}{}",
        v.path,
        v.value_text(),
        v.formula,
        if spread.is_empty() {
            String::new()
        } else {
            format!("; spread: {spread}")
        }
    )
}

/// The "Estimated values" section of a text (`markdown = false`) or Markdown report, one
/// [`line`] a value (a list: the formulas are too long for a table); empty when nothing
/// was estimated.
pub fn render_text(values: &[EstimatedValue], markdown: bool, l: Lang) -> String {
    if values.is_empty() {
        return String::new();
    }
    let h2 = if markdown { "## " } else { "" };
    let mut out = String::new();
    let _ = writeln!(out, "{h2}{}\n", l.t("estimated-values"));
    let _ = writeln!(out, "{}\n", l.t("estimated-intro"));
    for v in values {
        let _ = writeln!(out, "- {}", line(v, l));
    }
    out.push('\n');
    out
}

/// CSV rows for the estimated values, in the report's six columns (section, indicator,
/// method, key, value, unit): `estimated` (the nominal value), `estimated-formula` and,
/// with a spread, `estimated-spread`; the estimator stands in the method column.
pub fn write_csv_rows<W: std::io::Write>(
    w: &mut csv::Writer<W>,
    values: &[EstimatedValue],
) -> Result<(), csv::Error> {
    for v in values {
        let e = v.estimator.as_str();
        w.write_record(["estimated", "", e, &v.path, &v.value.to_string(), &v.unit])?;
        w.write_record(["estimated-formula", "", e, &v.path, &v.formula, ""])?;
        if v.distribution.is_some() {
            w.write_record(["estimated-spread", "", e, &v.path, &v.spread_text(), ""])?;
        }
    }
    Ok(())
}

#[cfg(test)]
pub(crate) mod tests;
