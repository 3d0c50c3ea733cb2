//! The grid series shipped with bilan (`embedded = "eia930-ciso-2022"`): every built-in
//! method weights the GWP of each workload's electricity by the hourly intensity derived
//! from EIA-930's generation by source, the same figure this test derives on its own from
//! the shipped extract; what the inventory gets wrong about it is an error at its key.

use serde_json::Value;

use crate::support::{bilan, edited_file, refused, root};

const INVENTORY: &str = "tests/fixtures/grid-series-embedded/inventory.toml";
const EXTRACT: &str = "crates/bilan-io/data/grid-series/eia930-ciso-2022.csv";

/// The intensity of every hour of 2022 from the extract, in gCO2e/kWh, with the rates the
/// documentation states (docs/grid-series.md); a missing hour is the mean of its neighbours.
fn hourly() -> Vec<f64> {
    // wind, solar, hydro, oil, gas, coal, nuclear, other.
    const RATES: [f64; 8] = [11.0, 48.0, 24.0, 671.0, 490.0, 820.0, 12.0, 230.0];
    let text = std::fs::read_to_string(root().join(EXTRACT)).expect("extract");
    let rows: Vec<Option<f64>> = text
        .lines()
        .skip(1)
        .map(|line| {
            let fields: Vec<&str> = line.split(',').skip(1).collect();
            if fields.iter().all(|f| f.is_empty()) {
                return None;
            }
            let mwh: Vec<f64> = fields.iter().map(|f| f.parse().expect("MWh")).collect();
            let emitted: f64 = mwh.iter().zip(RATES).map(|(m, r)| m * r).sum();
            Some(emitted / mwh.iter().sum::<f64>())
        })
        .collect();
    (0..rows.len())
        .map(|k| {
            rows[k].unwrap_or_else(|| {
                (rows[k - 1].expect("before") + rows[k + 1].expect("after")) / 2.0
            })
        })
        .collect()
}

/// `k_time` for the days `first..=last` of 2022 (0 = 1 January).
fn expected_k(hours: &[f64], first: usize, last: usize) -> f64 {
    let mean = |h: &[f64]| h.iter().sum::<f64>() / h.len() as f64;
    mean(&hours[first * 24..(last + 1) * 24]) / mean(hours)
}

#[test]
fn every_built_in_method_weights_grid_electricity_by_the_shipped_series() {
    let out = bilan(&["compare", INVENTORY, "-f", "json"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let report: Value = serde_json::from_str(&out.stdout).expect("JSON");
    let hours = hourly();
    assert_eq!(hours.len(), 8760);
    // 2 to 8 May are days 121 to 127; 5 to 11 December, days 338 to 344.
    let may = expected_k(&hours, 121, 127);
    let december = expected_k(&hours, 338, 344);
    assert!(
        may < 0.9 && december > 1.1,
        "a sunny May week and a December one: {may}, {december}"
    );
    for method in ["ademe-lca", "ghg-protocol", "sci"] {
        let assessment = report["assessments"]
            .as_array()
            .expect("assessments")
            .iter()
            .find(|a| a["method"]["id"] == method)
            .unwrap_or_else(|| panic!("{method}"));
        for (workload, expected) in [
            ("finetune-may", Some(may)),
            ("finetune-december", Some(december)),
            ("inference", None),
        ] {
            let electricity = assessment["contributions"]
                .as_array()
                .expect("contributions")
                .iter()
                .find(|c| c["item"]["id"] == workload && c["aspect"] == "electricity")
                .unwrap_or_else(|| panic!("{method} {workload}"));
            let k = electricity["terms"]
                .as_array()
                .expect("terms")
                .iter()
                .find(|t| t["symbol"] == "k_time");
            match (k, expected) {
                (Some(k), Some(expected)) => {
                    let value = k["value"].as_f64().expect("value");
                    assert!(
                        (value / expected - 1.0).abs() < 1e-12,
                        "{method} {workload}: {value} vs {expected}"
                    );
                    assert_eq!(k["driver"], "temporal-resolution");
                }
                (None, None) => {}
                (k, _) => panic!("{method} {workload}: k_time {k:?}, expected {expected:?}"),
            }
        }
        // The assumption cites the dataset, the rates and the hours filled, and the licence.
        let assumptions = assessment["assumptions"].to_string();
        for text in [
            "Form EIA-930",
            "gas 490 (IPCC AR5, gas CCGT)",
            "2022-01-05T10:00Z",
            "licence: public domain (U.S. government work: EIA-930)",
        ] {
            assert!(
                assumptions.contains(text),
                "{method}: `{text}` in {assumptions}"
            );
        }
    }
}

#[test]
fn a_shipped_series_that_is_unknown_doubled_or_out_of_its_year_is_an_error_at_its_key() {
    let edited = |name: &str, edit: fn(String) -> String| {
        edited_file("embedded-series", INVENTORY, name, edit)
    };
    refused(
        &edited("unknown.toml", |t| {
            t.replace(
                "\nembedded = \"eia930-ciso-2022\"",
                "\nembedded = \"eia930-ciso-2021\"",
            )
        }),
        &[
            "grid-series[0].embedded",
            "no series named `eia930-ciso-2021` is shipped with bilan",
            "`eia930-ciso-2022` (California ISO (CISO), 2022",
        ],
    );
    refused(
        &edited("both.toml", |t| {
            t.replace(
                "\nembedded = \"eia930-ciso-2022\"",
                "\nembedded = \"eia930-ciso-2022\"\nfile = \"ciso.csv\"",
            )
        }),
        &["grid-series[0].file", "both `file` and `embedded`"],
    );
    refused(
        &edited("neither.toml", |t| {
            t.replace("\nembedded = \"eia930-ciso-2022\"", "")
        }),
        &[
            "grid-series[0].file",
            "with `embedded`",
            "grid-series[0].source",
            "grid-series[0].licence",
        ],
    );
    refused(
        &edited("2023.toml", |t| {
            t.replace("end = 2022-12-31 }", "end = 2023-01-31 }")
        }),
        &[
            "grid-series[0].embedded",
            "covers 2022-01-01T00:00:00Z to 2023-01-01T00:00:00Z",
            "must lie within it",
        ],
    );
}
