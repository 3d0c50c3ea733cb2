//! Estimated values are marked wherever the trail shows a term, listed with their formulas,
//! and leave reports without them unchanged.

use bilan_core::assessment::Assessment;
use bilan_core::figure::FigurePath;
use bilan_core::inventory::{Estimated, Inventory};
use bilan_units::Distribution;
use serde_json::json;

use super::*;
use crate::assess::Outcome;
use crate::compare::Report;
use crate::html::tests::{comparison, stamp};
use crate::lang::Lang;

/// An assessment of one workload whose device-hours were estimated; `estimated = false`
/// gives the same assessment with nothing estimated.
pub(crate) fn assessment(estimated: bool) -> Assessment {
    let mut t_dev = json!({
        "symbol": "t_dev", "value": 26670000.0, "unit": "GPU·h",
        "source": { "from": "item", "key": "device-hours" },
    });
    if estimated {
        t_dev["estimated"] = json!("training-compute");
    }
    serde_json::from_value(json!({
        "method": { "id": "ademe-lca", "version": "1.0.0" },
        "parameters": {},
        "coverage": [{ "indicator": "gwp", "covered": true }],
        "contributions": [{
            "item": { "kind": "workload", "id": "pretrain" },
            "aspect": "electricity",
            "stage": "use",
            "phase": "training",
            "formula": "t_dev × P × PUE × F_grid",
            "terms": [
                t_dev,
                { "symbol": "P", "value": 700.0, "unit": "W",
                  "source": { "from": "item", "key": "power-per-device" } },
                { "symbol": "PUE", "value": 1.1, "unit": "1",
                  "source": { "from": "parameter", "name": "pue" } },
            ],
            "values": [{ "indicator": "gwp", "factor": "grid-fr", "value": 1_000_000.0 }],
        }],
        "exclusions": [],
        "assumptions": [],
        "warnings": [],
        "functional-units": [],
        "disclosures": [],
        "factors": [],
    }))
    .expect("a valid assessment")
}

fn inventory(estimated: bool) -> Inventory {
    let mut inv: Inventory = serde_json::from_value(json!({
        "schema": 1,
        "system": { "name": "test", "period": { "start": "2024-01-01", "end": "2024-12-31" } },
        "workload": [
            { "id": "pretrain", "phase": "training", "site": "paris",
              "device-hours": "26.67e6 GPU·h", "power-per-device": "700 W" },
            { "id": "serve", "phase": "inference", "site": "paris", "energy": "10 MWh" },
        ],
    }))
    .expect("a valid inventory");
    if estimated {
        inv.workloads[0].estimated.push(Estimated {
            key: "device-hours",
            estimator: "training-compute".into(),
            formula: "6 × 405e9 × 15.6e12 FLOP ÷ (989 TFLOP/s × 0.4) = 26.67e6 GPU·h".to_owned(),
            value: 26_670_000.0,
            unit: "GPU·h",
            distribution: Some(Distribution::Lognormal { gsd: 1.3 }),
        });
    }
    inv
}

fn explain(a: &Assessment, values: &[EstimatedValue]) -> String {
    let path: FigurePath = "gwp.total".parse().expect("a figure path");
    let none = |_: &bilan_core::assessment::ItemRef, _: &str| None;
    let no_path = |_: &str| None;
    crate::explain::render_with_estimates(a, &path, &none, &no_path, values).expect("explained")
}

#[test]
fn collect_lists_each_workloads_estimated_values() {
    assert!(collect(&inventory(false)).is_empty());
    let values = collect(&inventory(true));
    assert_eq!(values.len(), 1);
    let v = &values[0];
    assert_eq!(
        (v.workload.as_str(), v.key.as_str(), v.path.as_str()),
        (
            "pretrain",
            "device-hours",
            "workload[pretrain].device-hours"
        )
    );
    assert_eq!(v.value_text(), "26,670,000 GPU·h");
    assert_eq!(v.spread_text(), "lognormal, gsd 1.30");
    assert_eq!(
        line(v, Lang::En),
        "workload[pretrain].device-hours = 26,670,000 GPU·h (spread: lognormal, gsd 1.30) by training-compute: 6 × 405e9 × 15.6e12 FLOP ÷ (989 TFLOP/s × 0.4) = 26.67e6 GPU·h"
    );
    assert_eq!(
        line(v, Lang::Fr),
        "workload[pretrain].device-hours = 26\u{202F}670\u{202F}000\u{A0}GPU·h (dispersion\u{A0}: lognormal, gsd 1.30) par training-compute\u{A0}: 6 × 405e9 × 15.6e12 FLOP ÷ (989 TFLOP/s × 0.4) = 26.67e6 GPU·h"
    );
}

#[test]
fn spreads_read_in_words() {
    assert_eq!(
        spread(&Distribution::Normal { sd: 12.0 }, "W"),
        "normal, sd 12.0 W"
    );
    assert_eq!(
        spread(&Distribution::Triangular { min: 1.0, max: 3.0 }, "kWh"),
        "triangular, 1.00 to 3.00 kWh"
    );
    assert_eq!(
        spread(&Distribution::Uniform { min: 1.0, max: 3.0 }, "kWh"),
        "uniform, 1.00 to 3.00 kWh"
    );
}

#[test]
fn explain_marks_the_estimated_term_and_only_it() {
    let text = explain(&assessment(true), &[]);
    assert!(
        text.contains(
            "× t_dev = 26670000 GPU·h ← inventory workload[pretrain].device-hours, estimated by training-compute\n"
        ),
        "{text}"
    );
    assert!(
        text.contains("× P = 700 W ← inventory workload[pretrain].power-per-device\n"),
        "{text}"
    );
    assert!(
        text.contains("× PUE = 1.1 ← parameter `pue` (given or default)\n"),
        "{text}"
    );
    assert_eq!(text.matches("estimated").count(), 1, "{text}");
}

#[test]
fn explain_gives_the_formula_under_the_estimated_term() {
    let values = collect(&inventory(true));
    let text = explain(&assessment(true), &values);
    assert!(
        text.contains(
            "estimated by training-compute\n      estimate: workload[pretrain].device-hours = 26,670,000 GPU·h; formula: 6 × 405e9 × 15.6e12 FLOP ÷ (989 TFLOP/s × 0.4) = 26.67e6 GPU·h; spread: lognormal, gsd 1.30\n"
        ),
        "{text}"
    );
}

#[test]
fn explain_without_estimates_is_unchanged() {
    let a = assessment(false);
    let path: FigurePath = "gwp.total".parse().expect("a figure path");
    let none = |_: &bilan_core::assessment::ItemRef, _: &str| None;
    let no_path = |_: &str| None;
    let plain = crate::explain::render(&a, &path, &none, &no_path).expect("explained");
    assert_eq!(plain, explain(&a, &collect(&inventory(false))));
    assert!(!plain.contains("estimated"), "{plain}");
}

fn report_page(a: &Assessment, values: Vec<EstimatedValue>) -> (String, String, String) {
    let s = stamp();
    let c = comparison();
    let report = Report {
        stamp: &s,
        system: "test",
        period: "2024-01-01 to 2024-12-31".to_owned(),
        period_days: ("2024-01-01".to_owned(), "2024-12-31".to_owned()),
        lang: Lang::En,
        comparison: &c,
        assessments: vec![a].into(),
        estimated: values,
        terminal: None,
    };
    let csv = crate::compare::render_csv(&report).expect("csv");
    let json = serde_json::to_string(&report).expect("json");
    (
        crate::render_html(&report),
        crate::compare::render_text(&report, true) + &csv,
        json,
    )
}

#[test]
fn html_tags_the_estimated_term_and_lists_the_values() {
    let (html, _, _) = report_page(&assessment(true), collect(&inventory(true)));
    assert!(html.contains(".estimated{"), "{html}");
    assert!(
        html.contains("t_dev = 26670000 GPU·h (item key `device-hours`; <span class=\"estimated\" title=\"not given or measured: estimated by training-compute\">estimated by training-compute</span>); P = 700 W (item key `power-per-device`); PUE"),
        "{html}"
    );
    assert!(html.contains("<section id=\"estimated\"><h2>Estimated values</h2>"));
    assert!(html.contains("<td>lognormal, gsd 1.30</td>"), "{html}");
}

#[test]
fn html_tags_an_estimated_term_even_without_the_list() {
    let (html, _, _) = report_page(&assessment(true), Vec::new());
    assert!(html.contains(".estimated{"), "{html}");
    assert!(
        html.contains("estimated by training-compute</span>"),
        "{html}"
    );
    assert!(!html.contains("Estimated values"), "{html}");
}

#[test]
fn reports_without_estimates_say_nothing_of_them() {
    // "estimated" is also a data-quality class (a column of the quality tables, a share in
    // JSON): what must be absent is the section, the marks and the style.
    let (html, text, json) = report_page(&assessment(false), collect(&inventory(false)));
    assert!(!html.contains(".estimated{"), "{html}");
    assert!(!html.contains("estimated by"), "{html}");
    assert!(!html.contains("Estimated"), "{html}");
    assert!(!text.contains("estimated by"), "{text}");
    assert!(!text.contains("Estimated"), "{text}");
    let value: serde_json::Value = serde_json::from_str(&json).expect("json");
    assert!(value.get("estimated").is_none(), "{json}");
    assert!(!json.contains("\"estimated\": \""), "{json}");
}

#[test]
fn markdown_csv_and_json_list_the_estimated_values() {
    let (_, text, json) = report_page(&assessment(true), collect(&inventory(true)));
    assert!(text.contains("## Estimated values\n"), "{text}");
    assert!(
        text.contains("## Estimated values\n\nNot given or measured in the inventory but estimated; the terms they feed are marked \"estimated by\" in the trail.\n\n- workload[pretrain].device-hours = 26,670,000 GPU·h (spread: lognormal, gsd 1.30) by training-compute: 6 × 405e9 × 15.6e12 FLOP ÷ (989 TFLOP/s × 0.4) = 26.67e6 GPU·h\n\n## Reproducibility"),
        "{text}"
    );
    assert!(
        text.contains(
            "estimated,,training-compute,workload[pretrain].device-hours,26670000,GPU·h\n"
        ),
        "{text}"
    );
    assert!(
        text.contains(
            "estimated-formula,,training-compute,workload[pretrain].device-hours,6 × 405e9"
        ),
        "{text}"
    );
    assert!(
        text.contains("estimated-spread,,training-compute,workload[pretrain].device-hours,\"lognormal, gsd 1.30\","),
        "{text}"
    );
    let json: serde_json::Value = serde_json::from_str(&json).expect("json");
    assert_eq!(json["estimated"][0]["estimator"], "training-compute");
    assert_eq!(json["estimated"][0]["distribution"]["gsd"], 1.3);
    assert_eq!(
        json["assessments"][0]["contributions"][0]["terms"][0]["estimated"],
        "training-compute"
    );
    assert!(
        json["assessments"][0]["contributions"][0]["terms"][1]
            .get("estimated")
            .is_none()
    );
}

#[test]
fn the_text_section_reads_without_markdown_too() {
    let values = collect(&inventory(true));
    let text = render_text(&values, false, Lang::En);
    assert!(text.starts_with("Estimated values\n\n"), "{text}");
    assert!(render_text(&[], false, Lang::En).is_empty());
    let text = render_text(&values, true, Lang::Fr);
    assert!(text.starts_with("## Valeurs estimées\n\n"), "{text}");
}

#[test]
fn assess_lists_the_values_its_items_used() {
    let inv = inventory(true);
    let table = crate::assess::render_table(&inv, &assessment(true));
    assert!(
        table.contains(
            "estimated: workload[pretrain].device-hours = 26,670,000 GPU·h (spread: lognormal, gsd 1.30) by training-compute: 6 × 405e9"
        ),
        "{table}"
    );
    let plain = crate::assess::render_table(&inventory(false), &assessment(false));
    assert!(!plain.contains("estimated:"), "{plain}");
    assert!(!plain.contains("estimated by"), "{plain}");
    // A method that assessed none of the estimated workloads does not list them.
    let mut other = assessment(true);
    other.contributions[0].item.id = "serve".into();
    let table = crate::assess::render_table(&inv, &other);
    assert!(!table.contains("estimated: "), "{table}");
}

#[test]
fn assess_json_has_an_estimated_array_only_when_something_was_estimated() {
    let s = stamp();
    let outcomes = [Outcome::Assessed(Box::new(assessment(true)))];
    let values = collect(&inventory(true));
    let json =
        crate::assess::render_json_with_estimates(&s, &inventory(true), &outcomes, None, &values);
    assert_eq!(json["estimated"][0]["key"], "device-hours");
    assert_eq!(
        json["methods"][0]["assessment"]["contributions"][0]["terms"][0]["estimated"],
        "training-compute"
    );
    let json = crate::assess::render_json(&s, &inventory(true), &outcomes, None);
    assert!(json.get("estimated").is_none());
}

#[test]
fn behind_finds_the_value_by_key_or_by_estimator() {
    let values = collect(&inventory(true));
    let a = assessment(true);
    let c = &a.contributions[0];
    assert_eq!(behind(&values, c, &c.terms[0]).len(), 1);
    assert!(behind(&values, c, &c.terms[1]).is_empty());
    // A derived term the estimator fed: every value it put in the item.
    let mut derived = c.terms[0].clone();
    derived.meta_mut().source = TermSource::Derived {
        formula: "t_dev × P".into(),
    };
    assert_eq!(behind(&values, c, &derived).len(), 1);
    derived.meta_mut().estimated = Some("power-model".into());
    assert!(behind(&values, c, &derived).is_empty());
    assert!(any_term(&a));
    assert!(!any_term(&assessment(false)));
    assert_eq!(term_mark(&c.terms[0]), ", estimated by training-compute");
    assert_eq!(term_mark(&c.terms[1]), "");
}
