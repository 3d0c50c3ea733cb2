//! The grid series shipped with bilan (`embedded = "eia930-erco-2022"`): every built-in
//! method weights the GWP of each workload's electricity by the hourly intensity derived
//! from EIA-930's generation by source, the same figure this test derives on its own from
//! the shipped extract; what the inventory gets wrong about it is an error at its key.

use serde_json::Value;

use crate::grid_series::{contribution, k_time};
use crate::support::{bilan, edited_file, refused, root};

const INVENTORY: &str = "tests/fixtures/grid-series-embedded/inventory.toml";
const EXTRACT: &str = "crates/bilan-io/data/grid-series/eia930-erco-2022.csv";

/// The intensity of every hour of 2022 from the extract, in gCO2e/kWh, with the rates the
/// documentation states (docs/grid-series.md): each row is the hour before its label, so the
/// first (the last hour of 2021) is left out and the year's last hour repeats the one before.
fn hourly() -> Vec<f64> {
    // wind, solar, hydro, oil, gas, coal, nuclear, other.
    const RATES: [f64; 8] = [11.0, 48.0, 24.0, 671.0, 490.0, 820.0, 12.0, 230.0];
    let text = std::fs::read_to_string(root().join(EXTRACT)).expect("extract");
    let mut hours: Vec<f64> = text
        .lines()
        .skip(2)
        .map(|line| {
            let mwh: Vec<f64> = line
                .split(',')
                .skip(1)
                .map(|f| f.parse().expect("MWh"))
                .collect();
            let emitted: f64 = mwh.iter().zip(RATES).map(|(m, r)| m * r).sum();
            emitted / mwh.iter().sum::<f64>()
        })
        .collect();
    hours.push(*hours.last().expect("hours"));
    hours
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
    // 12 to 18 March are days 70 to 76; 3 to 9 September, days 245 to 251.
    let march = expected_k(&hours, 70, 76);
    let september = expected_k(&hours, 245, 251);
    assert!(
        march < 0.8 && september > 1.2,
        "a windy March week and a September one: {march}, {september}"
    );
    for method in ["ademe-lca", "ghg-protocol", "sci"] {
        for (workload, expected) in [
            ("finetune-march", Some(march)),
            ("finetune-september", Some(september)),
            ("inference", None),
        ] {
            let k = k_time(contribution(&report, method, workload, "electricity"));
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
        // The assumption cites the dataset, the rates, the hour filled and the licence.
        let assumptions = report["assessments"]
            .as_array()
            .expect("assessments")
            .iter()
            .find(|a| a["method"]["id"] == method)
            .unwrap_or_else(|| panic!("{method}"))["assumptions"]
            .to_string();
        for text in [
            "Form EIA-930",
            "gas 490 (IPCC AR5, gas CCGT)",
            "the last hour, 2022-12-31T23:00Z",
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
fn a_shipped_series_that_is_unknown_doubled_relicensed_or_out_of_its_year_is_an_error_at_its_key() {
    const LINE: &str = "\nembedded = \"eia930-erco-2022\"";
    // The file written, the text replaced and its replacement, what the errors must say.
    let cases: [(&str, &str, &str, &[&str]); 6] = [
        (
            "unknown.toml",
            LINE,
            "\nembedded = \"eia930-erco-2021\"",
            &[
                "grid-series[0].embedded",
                "no series named `eia930-erco-2021` is shipped with bilan",
                "`eia930-erco-2022` (ERCOT (ERCO, Texas), 2022",
            ],
        ),
        (
            "both.toml",
            LINE,
            "\nembedded = \"eia930-erco-2022\"\nfile = \"ercot.csv\"",
            &["grid-series[0].file", "both `file` and `embedded`"],
        ),
        (
            "neither.toml",
            LINE,
            "",
            &[
                "grid-series[0].file",
                "with `embedded`",
                "grid-series[0].source",
                "grid-series[0].licence",
            ],
        ),
        (
            "blank.toml",
            LINE,
            "\nembedded = \" \"",
            &[
                "grid-series[0].embedded",
                "empty: name a series shipped with bilan",
            ],
        ),
        (
            "licence.toml",
            LINE,
            "\nembedded = \"eia930-erco-2022\"\nlicence = \"CC0\"",
            &["grid-series[0].licence", "its licence is its own"],
        ),
        (
            "2023.toml",
            "end = 2022-12-31 }",
            "end = 2023-01-31 }",
            &[
                "grid-series[0].embedded",
                "covers 2022-01-01T00:00:00Z to 2023-01-01T00:00:00Z",
                "must lie within it",
            ],
        ),
    ];
    for (name, from, to, expected) in cases {
        let path = edited_file("embedded-series", INVENTORY, name, |t| t.replace(from, to));
        refused(&path, expected);
    }
}

/// A `source` given beside `embedded` is a note after the shipped series' own, which stays
/// whole; what `bilan` loads is not written back into the inventory's keys.
#[test]
fn a_note_on_a_shipped_series_is_added_to_its_source_not_put_in_its_place() {
    let path = edited_file("embedded-series", INVENTORY, "note.toml", |t| {
        t.replace(
            "\nembedded = \"eia930-erco-2022\"",
            "\nembedded = \"eia930-erco-2022\"\nsource = \"chosen for the site's grid by the auditor\"",
        )
    });
    let out = bilan(&["assess", &path, "-m", "sci", "-f", "json"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let assumptions = out.stdout;
    assert!(
        assumptions.contains("takes the value of the hour before; the inventory adds: chosen for the site's grid by the auditor; licence: public domain"),
        "{assumptions}"
    );
}
