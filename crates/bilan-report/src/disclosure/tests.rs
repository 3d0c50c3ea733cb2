//! The renderers on a hand-built document: every figure shown, absent figures named, text
//! escaped. (`build` is tested end to end, on the examples, in `tests/e2e/disclosure.rs`.)

use std::collections::BTreeMap;

use bilan_core::assessment::Stage;
use bilan_core::indicator::Indicator;
use bilan_core::inventory::{FunctionalUnitKind, Period};
use bilan_core::item::{ItemKind, ItemRef};
use bilan_core::quality::{ClassShares, Grade};

use super::*;
use crate::assess::FileStamp;

fn figure(path: &str, label: &str, value: f64, display: &str) -> Figure {
    Figure {
        figure: path.to_owned(),
        label: label.to_owned(),
        value,
        unit: "kgCO2e".to_owned(),
        display: display.to_owned(),
        note: None,
        interval: None,
    }
}

fn document() -> Disclosure {
    let mut total = figure("gwp.total", "total", 1200.0, "1.200 t CO2e");
    total.interval = Some(Interval {
        figure: "gwp.total:interval".to_owned(),
        median: 1190.0,
        low: 1000.0,
        high: 1400.0,
        p95: 1350.0,
        display: "median 1.190 t CO2e; 95 %: 1.000 to 1.400 t CO2e".to_owned(),
    });
    let covered = IndicatorFigures {
        indicator: Indicator::Gwp,
        name: Indicator::Gwp.name().to_owned(),
        unit: Indicator::Gwp.unit().to_owned(),
        status: Status::Covered,
        note: None,
        total: Some(total),
        by_stage: vec![figure("gwp.stage.use", "use", 1200.0, "1.200 t CO2e")],
        per_unit: vec![figure(
            "gwp.unit.request",
            "request",
            0.0006,
            "600.0 mg CO2e",
        )],
    };
    let not_covered = IndicatorFigures {
        indicator: Indicator::Water,
        name: Indicator::Water.name().to_owned(),
        unit: Indicator::Water.unit().to_owned(),
        status: Status::NotCovered,
        note: Some("carbon only".to_owned()),
        total: None,
        by_stage: Vec::new(),
        per_unit: Vec::new(),
    };
    Disclosure {
        schema: SCHEMA_VERSION,
        system: System {
            name: "Model <script>alert(1)</script> & co".to_owned(),
            version: Some("2".to_owned()),
            organisation: Some("Example | AI".to_owned()),
            description: None,
        },
        period: Period {
            start: "2025-01-01".parse().expect("a date"),
            end: "2025-12-31".parse().expect("a date"),
        },
        method: Method {
            id: "m".to_owned(),
            version: "1.0.0".to_owned(),
            name: "M".to_owned(),
            description: "a method".to_owned(),
            follows: vec!["ISO 14040".to_owned()],
            parameters: BTreeMap::new(),
        },
        boundary: Boundary {
            description: "use only".to_owned(),
            profile: true,
            required_stages: vec![
                RequiredStageStatus {
                    stage: RequiredStage::Inference,
                    covered: true,
                    reason: None,
                },
                RequiredStageStatus {
                    stage: RequiredStage::Training,
                    covered: false,
                    reason: Some("the inventory has no training workload".to_owned()),
                },
            ],
            grid_basis: None,
            stages_covered: vec![Stage::Use],
        },
        functional_units: FunctionalUnits {
            units: vec![FunctionalUnit {
                id: "request".to_owned(),
                kind: Some(FunctionalUnitKind::Request),
                count: figure("unit.request:count", "count", 2e9, "2,000,000,000"),
            }],
            missing: vec![MissingUnit {
                id: "token".to_owned(),
                kind: Some(FunctionalUnitKind::Token),
                reason: "workload `serve` has no `volume.tokens-in`".to_owned(),
            }],
        },
        indicators: vec![covered, not_covered],
        method_figures: vec![MethodFigure {
            figure: "gwp.disclosure.inference-share".to_owned(),
            id: "inference-share".to_owned(),
            label: "inference share".to_owned(),
            indicator: Some(Indicator::Gwp),
            value: None,
            unit: "1".to_owned(),
            display: "not computed".to_owned(),
            formula: "inference / total".to_owned(),
            note: Some("no inference".to_owned()),
        }],
        uncertainty: Uncertainty {
            propagated: true,
            propagation: None,
            iterations: None,
            seed: None,
            statement: "95 % intervals".to_owned(),
            notes: Vec::new(),
        },
        quality: Quality {
            grade: Some(FigureGrade {
                figure: "quality.grade".to_owned(),
                grade: Grade::C,
                display: "C".to_owned(),
            }),
            indicators: vec![IndicatorQuality {
                indicator: Indicator::Gwp,
                grade: FigureGrade {
                    figure: "gwp.total:grade".to_owned(),
                    grade: Grade::C,
                    display: "C".to_owned(),
                },
                score: 0.7,
                shares: ClassShares {
                    disclosed: 1.0,
                    ..ClassShares::default()
                },
                display: "disclosed 100 %".to_owned(),
            }],
            missing_stages: Vec::new(),
            rule: QUALITY_RULE.to_owned(),
        },
        exclusions: vec![Exclusion {
            item: ItemRef::new(ItemKind::Site, "dc"),
            aspect: None,
            indicator: None,
            reason: "a | b".to_owned(),
        }],
        assumptions: Vec::new(),
        warnings: Vec::new(),
        stamp: Stamp {
            bilan: "0".to_owned(),
            inventory: FileStamp {
                path: "x.toml".to_owned(),
                sha256: "00".to_owned(),
            },
            factor_database: "db".to_owned(),
            factor_files: Vec::new(),
            data_files: Vec::new(),
            methods: Vec::new(),
            settings: Vec::new(),
        },
    }
}

/// Every `(figure, display)` of the JSON form.
fn figures(v: &serde_json::Value, out: &mut Vec<(String, String)>) {
    match v {
        serde_json::Value::Object(m) => {
            if let (Some(f), Some(d)) = (m.get("figure").and_then(|f| f.as_str()), m.get("display"))
            {
                out.push((f.to_owned(), d.as_str().unwrap_or_default().to_owned()));
            }
            m.values().for_each(|v| figures(v, out));
        }
        serde_json::Value::Array(a) => a.iter().for_each(|v| figures(v, out)),
        _ => {}
    }
}

#[test]
fn the_html_page_marks_every_figure_of_the_json_form_once() {
    let d = document();
    let html = render_html(&d);
    let json: serde_json::Value =
        serde_json::from_str(&render_json(&d).expect("serialises")).expect("JSON");
    let mut all = Vec::new();
    figures(&json, &mut all);
    assert_eq!(all.len(), 8, "{all:?}");
    for (f, display) in &all {
        let marked = format!("data-figure=\"{f}\">{}<", display.replace('&', "&amp;"));
        assert_eq!(
            html.matches(&marked).count(),
            1,
            "{f} `{display}` in\n{html}"
        );
    }
    assert_eq!(json["schema"], 1);
}

#[test]
fn absent_figures_are_named_never_zero() {
    let d = document();
    let html = render_html(&d);
    // The page's body: its inline check names NaN, to look for it.
    let body = html.split_once("<body>").map_or("", |(_, b)| b).to_owned();
    for text in [body, render_markdown(&d)] {
        assert!(text.contains("not covered"), "{text}");
        assert!(text.contains("carbon only"));
        assert!(text.contains("workload `serve` has no `volume.tokens-in`"));
        assert!(text.contains("the inventory has no training workload"));
        assert!(text.contains("not computed"));
        assert!(!text.contains("NaN") && !text.contains("inf "));
    }
}

#[test]
fn text_is_escaped_in_each_form() {
    let d = document();
    let html = render_html(&d);
    assert!(!html.contains("<script>alert"));
    assert!(html.contains("Model &lt;script&gt;alert(1)&lt;/script&gt; &amp; co"));
    let md = render_markdown(&d);
    assert!(md.starts_with("# Environmental footprint disclosure: Model"));
    // A table cell cannot be broken by a `|`.
    assert!(md.contains("| site dc | all | all | a \\| b |"), "{md}");
}

#[test]
fn the_page_is_self_contained_and_printable() {
    let html = render_html(&document());
    for external in ["src=", "href=", "@import", "url("] {
        assert!(!html.contains(external), "{external}");
    }
    assert!(html.contains("@page{size:A4"));
    assert!(html.contains("@media print"));
    assert!(html.contains("data-render-check"));
}

#[test]
fn method_figures_read_like_the_totals() {
    assert_eq!(
        build::method_figure_text(0.4552, "1", Some(Indicator::Gwp)),
        "45.5 %"
    );
    assert_eq!(
        build::method_figure_text(0.0004999, "kgCO2e/request", Some(Indicator::Gwp)),
        "499.9 mg CO2e per request"
    );
    assert_eq!(
        build::method_figure_text(15.12, "kg Sb eq", Some(Indicator::Adpe)),
        "15.12 kg Sb eq"
    );
    assert_eq!(
        build::method_figure_text(19_604_000.0, "kWh", None),
        "19,600,000 kWh"
    );
}
