use std::collections::BTreeMap;

use bilan_core::assessment::Stage;
use bilan_core::indicator::Indicator;
use bilan_runner::{Comparison, Figures, IndicatorComparison, MethodColumn, Origin};

use crate::assess::{FileStamp, Stamp};
use crate::compare::Report;
use crate::uncertainty::sample;

pub(crate) fn comparison() -> Comparison {
    let methods = [
        ("ademe-lca", 2_000_000.0),
        ("ghg-protocol", 2_120_000.0),
        ("sci", 2_010_000.0),
    ];
    Comparison {
        methods: methods
            .iter()
            .map(|(id, _)| MethodColumn {
                id: (*id).to_owned(),
                version: "1.0.0".to_owned(),
                name: (*id).to_owned(),
                origin: Origin::Builtin,
                parameters: BTreeMap::new(),
                error: None,
                missing_stages: Vec::new(),
            })
            .collect(),
        indicators: vec![IndicatorComparison {
            indicator: Indicator::Gwp,
            unit: Indicator::Gwp.unit(),
            rows: methods
                .iter()
                .map(|(id, total)| Figures {
                    method: (*id).to_owned(),
                    covered: true,
                    not_computed: false,
                    note: None,
                    total: Some(*total),
                    by_stage: BTreeMap::from([(Stage::ALL[0], *total)]),
                    by_phase: BTreeMap::new(),
                    by_category: BTreeMap::new(),
                    memo: BTreeMap::new(),
                    per_unit: BTreeMap::new(),
                    quality: None,
                })
                .collect(),
        }],
        divergences: Vec::new(),
        reconciliation: Vec::new(),
        uncertainty: None,
    }
}

pub(crate) fn stamp() -> Stamp {
    Stamp {
        bilan: "0".to_owned(),
        inventory: FileStamp {
            path: "x.toml".to_owned(),
            sha256: "00".to_owned(),
        },
        factor_database: "0".to_owned(),
        factor_files: Vec::new(),
        data_files: Vec::new(),
        methods: Vec::new(),
        settings: Vec::new(),
    }
}

fn page(c: &Comparison) -> String {
    let s = stamp();
    let report = Report {
        stamp: &s,
        system: "test",
        period: "2024-01-01 to 2024-12-31".to_owned(),
        period_days: ("2024-01-01".to_owned(), "2024-12-31".to_owned()),
        comparison: c,
        assessments: Vec::new().into(),
        estimated: Vec::new(),
        terminal: None,
        lang: crate::lang::Lang::En,
    };
    crate::render_html(&report)
}

#[test]
fn without_uncertainty_the_page_has_none_of_it() {
    let html = page(&comparison());
    for absent in [
        "whisker",
        "tornado",
        "histogram",
        "spans 0",
        "Uncertainty",
        "u-totals",
    ] {
        assert!(!html.contains(absent), "{absent}");
    }
}

#[test]
fn uncertainty_draws_whiskers_histograms_tornados_and_marks() {
    let mut c = comparison();
    c.uncertainty = Some(sample::report());
    let html = page(&c);
    assert_eq!(html.matches("<g class=\"whisker\"").count(), 3, "{html}");
    assert!(
        html.contains("<title>95 % interval: 1.750 to 2.250 kt CO2e; median 2.000 kt CO2e</title>"),
        "{html}"
    );
    // One histogram (Monte Carlo, ademe-lca's total), nine non-empty bins drawn as bars.
    let histogram = html
        .split("<svg class=\"chart histogram\"")
        .nth(1)
        .and_then(|s| s.split("</svg>").next())
        .unwrap_or_default();
    assert!(
        histogram.contains("data-figure=\"ademe-lca gwp.total histogram\""),
        "{html}"
    );
    assert_eq!(
        histogram.matches("<rect class=\"bar\"").count(),
        9,
        "{histogram}"
    );
    // The tornado: one bar per input, the largest first and widest.
    let tornado = html
        .split("<svg class=\"chart tornado\"")
        .nth(1)
        .and_then(|s| s.split("</svg>").next())
        .unwrap_or_default();
    assert_eq!(
        tornado.matches("<rect class=\"bar\"").count(),
        2,
        "{tornado}"
    );
    assert!(
        tornado.find("factor:grid-fr") < tornado.find("site[eu-dc].pue"),
        "{tornado}"
    );
    assert!(tornado.contains("width=\"200.00\""), "{tornado}");
    assert!(
        html.contains("2 inputs make 95.0 % of the variance"),
        "{html}"
    );
    // Differences and drivers, with the mark.
    assert!(
        html.contains("<span class=\"spans-zero\">spans 0</span>: not significantly different"),
        "{html}"
    );
    let facility = html
        .split("<tr>")
        .find(|r| r.contains("facility-overhead"))
        .unwrap_or_default();
    assert!(facility.contains("spans 0"), "{facility}");
    let capital = html
        .split("<tr>")
        .find(|r| r.contains("capital-goods"))
        .unwrap_or_default();
    assert!(!capital.contains("spans 0"), "{capital}");
    assert!(html.contains("ademe-lca</strong> reports p95"), "{html}");
    assert!(html.contains("GSD 1.2 <em>(assumption: "), "{html}");
}

#[test]
fn whiskers_fit_in_the_chart() {
    let mut c = comparison();
    c.uncertainty = Some(sample::report());
    let html = page(&c);
    // sci's 97.5th percentile (2.31 kt) is the widest: its whisker ends at the chart's edge.
    assert!(html.contains("x2=\"750.00\""), "{html}");
}

#[test]
fn the_page_is_the_same_twice() {
    let mut c = comparison();
    c.uncertainty = Some(sample::report());
    assert_eq!(page(&c), page(&c));
}
