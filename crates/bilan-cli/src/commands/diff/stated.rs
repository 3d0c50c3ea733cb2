//! The figures a JSON report states, checked against the contributions it carries.
//!
//! `bilan diff` reads a report back into its assessments and compares what their
//! contributions sum to, as it does for inventories: that is what it explains by item and
//! by driver. The totals (and the totals by phase) the report states beside them are not
//! what it compares, so one that disagrees with the contributions (a report edited by hand,
//! or corrupt) would be ignored in silence. It is refused instead, naming the file, the key
//! path, the method and the indicator.

use std::collections::BTreeMap;

use bilan_core::assessment::Assessment;
use bilan_core::indicator::Indicator;
use bilan_io::SourceFile;
use serde_json::Value;

use super::bad_report;
use super::explain::phase_totals;
use crate::errors::Failure;

/// How far a stated figure may be from the sum of the contributions, relative to the
/// larger of the two: the rounding of a sum, never an edit.
const TOLERANCE: f64 = 1e-9;

/// One indicator's figures as a report states them for one method.
struct Entry<'v> {
    /// Where: `methods[0].results[1]`, `comparison.indicators[0].rows[2]`.
    key: String,
    indicator: Indicator,
    /// The object holding `total` and `by-phase`.
    figures: &'v Value,
}

/// Checks the figures `methods[n].results` of an assess report, of which `method` is the
/// entry, against the method's assessment `a`.
pub(super) fn assess_results(
    file: &SourceFile,
    n: usize,
    method: &Value,
    a: &Assessment,
) -> Result<(), Failure> {
    let key = format!("methods[{n}].results");
    let list = array(
        file,
        &key,
        method.get("results"),
        "the method's totals by indicator",
    )?;
    let entries = list
        .iter()
        .enumerate()
        .map(|(k, r)| {
            let key = format!("{key}[{k}]");
            let indicator = indicator(file, &format!("{key}.indicator"), r.get("indicator"))?;
            Ok(Entry {
                key,
                indicator,
                figures: r,
            })
        })
        .collect::<Result<Vec<_>, Failure>>()?;
    check(file, &key, &entries, a)
}

/// Checks the rows of `a`'s method in `comparison.indicators` of a compare report.
pub(super) fn compare_rows(
    file: &SourceFile,
    report: &Value,
    a: &Assessment,
) -> Result<(), Failure> {
    let key = "comparison.indicators";
    let list = array(
        file,
        key,
        report["comparison"].get("indicators"),
        "the figures by indicator",
    )?;
    let mut entries = Vec::new();
    for (k, item) in list.iter().enumerate() {
        let at = format!("{key}[{k}]");
        let indicator = indicator(file, &format!("{at}.indicator"), item.get("indicator"))?;
        let rows = array(
            file,
            &format!("{at}.rows"),
            item.get("rows"),
            "one row per method",
        )?;
        for (j, row) in rows.iter().enumerate() {
            if row.get("method").and_then(Value::as_str) == Some(a.method.id.as_str()) {
                entries.push(Entry {
                    key: format!("{at}.rows[{j}]"),
                    indicator,
                    figures: row,
                });
            }
        }
    }
    check(file, key, &entries, a)
}

/// Checks every entry against `a`, and that every indicator `a` covers has one (in the
/// list at `list`).
fn check(
    file: &SourceFile,
    list: &str,
    entries: &[Entry<'_>],
    a: &Assessment,
) -> Result<(), Failure> {
    for e in entries {
        agree(file, e, a)?;
    }
    let totals = a.totals();
    let unstated = Indicator::ALL
        .into_iter()
        .find(|i| totals[i.index()].is_some() && !entries.iter().any(|e| e.indicator == *i));
    match unstated {
        None => Ok(()),
        Some(i) => Err(bad_report(
            file,
            list,
            format!(
                "method `{}`, {i}: the report states no total, yet the method's assessment covers it; {REWRITE}",
                a.method.id
            ),
        )),
    }
}

/// How to get a consistent report.
const REWRITE: &str =
    "write the report again with `bilan assess -f json` or `bilan compare -f json`";

/// Checks one entry's total and totals by phase against the sums of `a`'s contributions.
fn agree(file: &SourceFile, e: &Entry<'_>, a: &Assessment) -> Result<(), Failure> {
    let (id, i, unit) = (&a.method.id, e.indicator, e.indicator.unit());
    let whose = format!("method `{id}`, {i}");
    let key = format!("{}.total", e.key);
    let stated = match e.figures.get("total") {
        None | Some(Value::Null) => None,
        Some(v) => Some(number(file, &key, v, &whose)?),
    };
    let sum = match (stated, a.total(i)) {
        (None, None) => return Ok(()),
        (Some(s), None) => {
            return Err(bad_report(
                file,
                &key,
                format!(
                    "{whose}: the report states a total of {s} {unit}, yet the method's assessment does not cover {i}; {REWRITE}"
                ),
            ));
        }
        (None, Some(sum)) => {
            return Err(bad_report(
                file,
                &key,
                format!(
                    "{whose}: expected the total as a number: the method's assessment covers {i}, its contributions summing to {sum} {unit}"
                ),
            ));
        }
        (Some(s), Some(sum)) => (s, sum),
    };
    disagree(file, &key, (id, i, "total"), sum)?;
    let key = format!("{}.by-phase", e.key);
    let stated = match e.figures.get("by-phase") {
        Some(Value::Object(map)) => map
            .iter()
            .map(|(p, v)| Ok((p.clone(), number(file, &format!("{key}.{p}"), v, &whose)?)))
            .collect::<Result<BTreeMap<String, f64>, Failure>>()?,
        _ => {
            return Err(bad_report(
                file,
                &key,
                format!("{whose}: expected the totals by phase, an object of numbers"),
            ));
        }
    };
    let summed = phase_totals(a, i);
    for phase in stated.keys().chain(summed.keys()) {
        let what = format!("total of phase `{phase}`");
        let (s, sum) = (stated.get(phase), summed.get(phase));
        disagree(
            file,
            &format!("{key}.{phase}"),
            (id, i, &what),
            (s.copied().unwrap_or(0.0), sum.copied().unwrap_or(0.0)),
        )?;
    }
    Ok(())
}

/// Refuses a stated figure (`stated`, the sum of the contributions) that disagrees with the
/// sum beyond [`TOLERANCE`].
fn disagree(
    file: &SourceFile,
    key: &str,
    (id, i, what): (&str, Indicator, &str),
    (stated, sum): (f64, f64),
) -> Result<(), Failure> {
    if (stated - sum).abs() <= TOLERANCE * stated.abs().max(sum.abs()) {
        return Ok(());
    }
    let unit = i.unit();
    Err(bad_report(
        file,
        key,
        format!(
            "method `{id}`, {i}: the stated {what}, {stated} {unit}, is not the sum of the method's contributions in the same report, {sum} {unit}; `bilan diff` compares the contributions, so a report whose figures disagree with them (edited or corrupt) is refused: {REWRITE}"
        ),
    ))
}

/// The list at `key`, described as `what` when it is missing.
fn array<'v>(
    file: &SourceFile,
    key: &str,
    v: Option<&'v Value>,
    what: &str,
) -> Result<&'v Vec<Value>, Failure> {
    v.and_then(Value::as_array)
        .ok_or_else(|| bad_report(file, key, format!("expected a list: {what}")))
}

/// The indicator named at `key`.
fn indicator(file: &SourceFile, key: &str, v: Option<&Value>) -> Result<Indicator, Failure> {
    v.and_then(Value::as_str)
        .and_then(|s| s.parse().ok())
        .ok_or_else(|| {
            let ids: Vec<&str> = Indicator::ALL.iter().map(|i| i.id()).collect();
            bad_report(
                file,
                key,
                format!(
                    "expected an indicator, one of {}, found {}",
                    ids.join(", "),
                    shown(v)
                ),
            )
        })
}

/// The number at `key`, a figure of `whose` (`method `sci`, gwp`).
fn number(file: &SourceFile, key: &str, v: &Value, whose: &str) -> Result<f64, Failure> {
    v.as_f64().ok_or_else(|| {
        bad_report(
            file,
            key,
            format!("{whose}: expected a number, found {}", shown(Some(v))),
        )
    })
}

/// A JSON value as an error shows it: its kind, and a string or a number itself.
fn shown(v: Option<&Value>) -> String {
    match v {
        None => "nothing".to_owned(),
        Some(Value::Null) => "null".to_owned(),
        Some(Value::Bool(b)) => format!("a boolean, {b}"),
        Some(Value::Number(n)) => format!("a number, {n}"),
        Some(Value::String(s)) => format!("a string, `{s}`"),
        Some(Value::Array(_)) => "a list".to_owned(),
        Some(Value::Object(_)) => "an object".to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    /// A method covering gwp only, with two contributions of 300 and 100 kgCO2e.
    fn assessment() -> Assessment {
        let contribution = |id: &str, phase: &str, value: f64| {
            json!({
                "item": { "kind": "workload", "id": id }, "aspect": "electricity",
                "stage": "use", "phase": phase, "formula": "E × F", "terms": [],
                "values": [{ "indicator": "gwp", "factor": "f", "value": value }]
            })
        };
        serde_json::from_value(json!({
            "method": { "id": "m", "version": "1.0.0" },
            "parameters": {},
            "coverage": [{ "indicator": "gwp", "covered": true }],
            "contributions": [
                contribution("a", "training", 300.0),
                contribution("b", "inference", 100.0),
            ],
            "exclusions": [], "assumptions": [], "warnings": [], "functional-units": [],
            "disclosures": [], "factors": []
        }))
        .expect("an assessment")
    }

    /// `methods[0]` of an assess report stating `results`.
    fn check_results(results: Value) -> Result<(), String> {
        let file = SourceFile {
            name: "r.json".to_owned(),
            text: String::new(),
        };
        let method = json!({ "results": results });
        assess_results(&file, 0, &method, &assessment()).map_err(|e| match e {
            Failure::Input(e) => e.to_string(),
            other => panic!("{other:?}"),
        })
    }

    fn gwp(total: Value, training: f64) -> Value {
        json!([{ "indicator": "gwp", "total": total,
                 "by-phase": { "training": training, "inference": 100.0 } }])
    }

    #[test]
    fn stated_figures_that_are_the_contributions_sums_pass() {
        assert_eq!(check_results(gwp(json!(400.0), 300.0)), Ok(()));
        // Within the rounding of a sum.
        assert_eq!(
            check_results(gwp(json!(400.0 * (1.0 + 1e-12)), 300.0)),
            Ok(())
        );
    }

    #[test]
    fn a_stated_figure_that_is_not_the_sum_is_refused_with_its_key() {
        let e = check_results(gwp(json!(-5), 300.0)).expect_err("refused");
        assert!(
            e.starts_with("r.json: methods[0].results[0].total: method `m`, gwp: the stated total, -5 kgCO2e, is not the sum"),
            "{e}"
        );
        let e = check_results(gwp(json!(400.0 * (1.0 + 1e-6)), 300.0)).expect_err("refused");
        assert!(e.contains("results[0].total"), "{e}");
        let e = check_results(gwp(json!(400.0), 1.0)).expect_err("refused");
        assert!(e.contains("results[0].by-phase.training"), "{e}");
        assert!(e.contains("total of phase `training`, 1 kgCO2e"), "{e}");
    }

    #[test]
    fn a_figure_that_is_not_a_number_is_refused_with_its_key() {
        let e = check_results(gwp(Value::Null, 300.0)).expect_err("refused");
        assert!(
            e.contains("results[0].total: method `m`, gwp: expected the total as a number"),
            "{e}"
        );
        let e = check_results(gwp(json!("400"), 300.0)).expect_err("refused");
        assert!(
            e.contains("expected a number, found a string, `400`"),
            "{e}"
        );
        let e =
            check_results(json!([{ "indicator": "co2", "total": 400.0 }])).expect_err("refused");
        assert!(
            e.contains("results[0].indicator: expected an indicator"),
            "{e}"
        );
    }

    #[test]
    fn a_covered_indicator_must_be_stated_and_an_uncovered_one_must_not() {
        let e = check_results(json!([])).expect_err("refused");
        assert!(
            e.contains("methods[0].results: method `m`, gwp: the report states no total"),
            "{e}"
        );
        let mut both = gwp(json!(400.0), 300.0);
        both.as_array_mut()
            .expect("a list")
            .push(json!({ "indicator": "water", "total": 1.0, "by-phase": {} }));
        let e = check_results(both).expect_err("refused");
        assert!(
            e.contains("results[1].total: method `m`, water: the report states a total"),
            "{e}"
        );
    }
}
