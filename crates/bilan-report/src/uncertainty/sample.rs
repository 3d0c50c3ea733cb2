//! A small uncertainty report built by hand, for the renderers' tests.

use bilan_core::assessment::Driver;
use bilan_core::indicator::Indicator;
use bilan_runner::uncertainty::{
    DifferenceInterval, DriverInterval, FigureInterval, Headline, Histogram, InputReport,
    InputShare, InputSource, Interval, Propagation, Sensitivity, UncertaintyReport,
};

/// An interval from its five statistics.
pub(crate) fn interval(low: f64, median: f64, high: f64) -> Interval {
    Interval {
        mean: median,
        median,
        low,
        high,
        p95: low + (high - low) * 0.9,
    }
}

fn figure(method: &str, figure: &str, nominal: f64, spread: f64) -> FigureInterval {
    FigureInterval {
        method: method.to_owned(),
        figure: figure.to_owned(),
        indicator: Indicator::Gwp,
        nominal,
        interval: interval(nominal - spread, nominal, nominal + spread),
    }
}

/// Two methods of GWP: ghg-protocol 6 % above ademe-lca (significant), sci not
/// significantly different from ademe-lca; one driver spans zero.
pub(crate) fn report() -> UncertaintyReport {
    UncertaintyReport {
        propagation: Propagation::MonteCarlo,
        iterations: Some(10_000),
        seed: Some(1),
        inputs: vec![
            InputReport {
                key: "factor:grid-fr".to_owned(),
                source: InputSource::Factor,
                nominal: 0.052,
                unit: "kg/kWh".to_owned(),
                distribution: "GSD 1.2".to_owned(),
                assumed: Some("pedigree default (2, 3, 2, 1, 2): the source gives none".to_owned()),
                methods: vec!["ademe-lca".to_owned(), "ghg-protocol".to_owned()],
            },
            InputReport {
                key: "site[eu-dc].pue".to_owned(),
                source: InputSource::Inventory,
                nominal: 1.2,
                unit: String::new(),
                distribution: "± 10 %".to_owned(),
                assumed: None,
                methods: vec![
                    "ademe-lca".to_owned(),
                    "ghg-protocol".to_owned(),
                    "sci".to_owned(),
                ],
            },
        ],
        figures: vec![
            figure("ademe-lca", "gwp.stage.use", 1_500_000.0, 200_000.0),
            figure("ademe-lca", "gwp.total", 2_000_000.0, 250_000.0),
            figure("ademe-lca", "gwp.unit.request", 0.001, 0.0001),
            figure("ghg-protocol", "gwp.total", 2_120_000.0, 260_000.0),
            figure("sci", "gwp.total", 2_010_000.0, 300_000.0),
        ],
        differences: vec![
            DifferenceInterval {
                a: "ademe-lca".to_owned(),
                b: "ghg-protocol".to_owned(),
                indicator: Indicator::Gwp,
                difference: interval(80_000.0, 120_000.0, 164_000.0),
                relative: Some(interval(0.04, 0.061, 0.082)),
                significant: true,
            },
            DifferenceInterval {
                a: "ademe-lca".to_owned(),
                b: "sci".to_owned(),
                indicator: Indicator::Gwp,
                difference: interval(-30_000.0, 10_000.0, 50_000.0),
                relative: Some(interval(-0.015, 0.005, 0.025)),
                significant: false,
            },
        ],
        drivers: vec![
            DriverInterval {
                a: "ademe-lca".to_owned(),
                b: "ghg-protocol".to_owned(),
                indicator: Indicator::Gwp,
                driver: Some(Driver::CapitalGoods),
                nominal: 110_000.0,
                interval: interval(90_000.0, 110_000.0, 130_000.0),
                spans_zero: false,
            },
            DriverInterval {
                a: "ademe-lca".to_owned(),
                b: "ghg-protocol".to_owned(),
                indicator: Indicator::Gwp,
                driver: Some(Driver::FacilityOverhead),
                nominal: 10_000.0,
                interval: interval(-5_000.0, 10_000.0, 25_000.0),
                spans_zero: true,
            },
            DriverInterval {
                a: "ademe-lca".to_owned(),
                b: "ghg-protocol".to_owned(),
                indicator: Indicator::Gwp,
                driver: None,
                nominal: 0.0,
                interval: interval(0.0, 0.0, 0.0),
                spans_zero: true,
            },
        ],
        sensitivity: vec![Sensitivity {
            method: "ademe-lca".to_owned(),
            figure: "gwp.total".to_owned(),
            measure: "src2".to_owned(),
            inputs: vec![
                InputShare {
                    key: "factor:grid-fr".to_owned(),
                    share: 0.7,
                },
                InputShare {
                    key: "site[eu-dc].pue".to_owned(),
                    share: 0.25,
                },
            ],
            of: 2,
        }],
        histograms: vec![Histogram {
            method: "ademe-lca".to_owned(),
            figure: "gwp.total".to_owned(),
            low: 1_600_000.0,
            high: 2_500_000.0,
            counts: vec![1, 4, 12, 30, 25, 18, 7, 2, 0, 1],
        }],
        headlines: vec![Headline {
            method: "ademe-lca".to_owned(),
            indicator: Indicator::Gwp,
            policy: "p95".to_owned(),
            value: 2_200_000.0,
        }],
        notes: vec!["terms derived from other numbers are held at their nominal value".to_owned()],
    }
}
