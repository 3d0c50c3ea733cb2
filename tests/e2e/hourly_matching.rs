//! Hourly matching of market-based Scope 2 (`ghg-protocol`, `market-matching = hourly`): an
//! instrument's generation profile covers consumption in the same hour only, the rest takes
//! the residual mix, the 24/7 carbon-free energy score is disclosed, and the difference from
//! annual matching is the driver `market-matching`. Fixture: `tests/fixtures/hourly-matching`
//! (a made-up solar PPA over January 2024).

use serde_json::Value;

use crate::support::{bilan, edited_fixture, root};

const INVENTORY: &str = "tests/fixtures/hourly-matching/inventory.toml";
const METHODS: &str = "tests/fixtures/hourly-matching/methods";
/// The fixture's residual mix, kg/kWh, and PUE.
const RESIDUAL: f64 = 0.06;
const PUE: f64 = 1.2;

fn json(args: &[&str]) -> Value {
    let out = bilan(args);
    assert_eq!(out.code, 0, "{args:?}: {}", out.stderr);
    serde_json::from_str(&out.stdout).expect("JSON")
}

/// The market-based Scope 2 of the fixture matched hour by hour, computed here without
/// bilan: (consumption, matched, emissions).
fn expected() -> (f64, f64, f64) {
    let text = std::fs::read_to_string(
        root().join("tests/fixtures/hourly-matching/solar-ppa-january-2024.csv"),
    )
    .expect("profile");
    let generation: Vec<f64> = text
        .lines()
        .skip(1)
        .map(|l| l.split(',').nth(1).expect("value").parse().expect("number"))
        .collect();
    assert_eq!(generation.len(), 31 * 24);
    // The workloads' energy × PUE, spread evenly over the hours of their days.
    let workloads = [(0, 1, 1500.0), (14, 19, 3000.0), (0, 30, 4000.0)];
    let mut load = vec![0.0; 31 * 24];
    for (first, last, kwh) in workloads {
        let hours = (first * 24)..((last + 1) * 24);
        let rate = kwh * PUE / hours.len() as f64;
        for h in hours {
            load[h] += rate;
        }
    }
    let consumption: f64 = load.iter().sum();
    let matched: f64 = load.iter().zip(&generation).map(|(c, g)| c.min(*g)).sum();
    (consumption, matched, (consumption - matched) * RESIDUAL)
}

fn assessment<'a>(report: &'a Value, method: &str) -> &'a Value {
    report["assessments"]
        .as_array()
        .expect("assessments")
        .iter()
        .find(|a| a["method"]["id"] == method)
        .unwrap_or_else(|| panic!("{method}"))
}

fn disclosure(a: &Value, id: &str) -> f64 {
    a["disclosures"]
        .as_array()
        .expect("disclosures")
        .iter()
        .find(|d| d["id"] == id)
        .unwrap_or_else(|| panic!("disclosure {id}"))["value"]
        .as_f64()
        .expect("value")
}

fn close(got: f64, want: f64, what: &str) {
    assert!(
        (got - want).abs() <= 1e-9 * want.abs().max(1.0),
        "{what}: {got} vs {want}"
    );
}

#[test]
fn hourly_matching_covers_each_hour_from_the_same_hours_generation_only() {
    let report = json(&[
        "compare",
        INVENTORY,
        "-f",
        "json",
        "-m",
        "ghg-protocol",
        "--param",
        "ghg-protocol:market-matching=hourly",
    ]);
    let a = assessment(&report, "ghg-protocol");
    let (consumption, matched, emissions) = expected();
    assert!(matched > 0.0 && matched < 0.5 * consumption, "{matched}");
    close(disclosure(a, "scope-2-market"), emissions, "scope-2-market");
    close(disclosure(a, "scope-2-market-matched"), matched, "matched");
    close(
        disclosure(a, "scope-2-market-unmatched"),
        consumption - matched,
        "unmatched",
    );
    close(
        disclosure(a, "cfe-score"),
        100.0 * matched / consumption,
        "CFE score",
    );
    // Each workload's row is weighted by the hours it ran, and the rows add up.
    let rows: Vec<&Value> = a["contributions"]
        .as_array()
        .expect("contributions")
        .iter()
        .filter(|c| c["aspect"] == "market-electricity" && c["item"]["kind"] == "workload")
        .collect();
    assert_eq!(rows.len(), 3);
    let mut sum = 0.0;
    for row in &rows {
        let k = row["terms"]
            .as_array()
            .expect("terms")
            .iter()
            .find(|t| t["symbol"] == "k_match")
            .unwrap_or_else(|| panic!("k_match: {row}"));
        assert_eq!(k["driver"], "market-matching");
        assert_eq!(k["indicator"], "gwp");
        assert!(
            row["formula"]
                .as_str()
                .expect("formula")
                .ends_with("× k_match[gwp]")
        );
        sum += row["values"][0]["value"].as_f64().expect("value");
    }
    close(sum, emissions, "Σ workload rows");
    // The instrument without a profile is refused, with the reason.
    let exclusions = a["exclusions"].to_string();
    assert!(
        exclusions.contains("refused: no hourly generation profile (`profile`)"),
        "{exclusions}"
    );
    let assumptions = a["assumptions"].to_string();
    assert!(
        assumptions.contains("surplus, not claimable under hourly matching"),
        "{assumptions}"
    );
}

/// With a calendar reporting year longer than the inventory's period, an undated workload
/// still lies in the inventory's period: the figures are those of the month.
#[test]
fn an_undated_workload_lies_in_the_inventorys_period_under_a_reporting_year() {
    let report = json(&[
        "compare",
        INVENTORY,
        "-f",
        "json",
        "-m",
        "ghg-protocol",
        "--param",
        "ghg-protocol:market-matching=hourly",
        "--param",
        "ghg-protocol:reporting-year=2024",
    ]);
    let a = assessment(&report, "ghg-protocol");
    let (consumption, matched, emissions) = expected();
    close(disclosure(a, "scope-2-market"), emissions, "scope-2-market");
    close(
        disclosure(a, "cfe-score"),
        100.0 * matched / consumption,
        "CFE score",
    );
}

#[test]
fn annual_and_hourly_matching_differ_by_market_matching_only() {
    let methods = root().join(METHODS).display().to_string();
    let report = json(&[
        "compare",
        INVENTORY,
        "-f",
        "json",
        "--methodologies",
        &methods,
        "-m",
        "ghg-market-annual",
        "-m",
        "ghg-market-hourly",
    ]);
    let annual = assessment(&report, "ghg-market-annual");
    let hourly = assessment(&report, "ghg-market-hourly");
    // Annual matching: both instruments' energy over the month, the rest at the residual mix.
    let (consumption, _, emissions) = expected();
    let covered = 6335.522 + 1000.0;
    close(
        disclosure(annual, "scope-2-market"),
        (consumption - covered) * RESIDUAL,
        "annual",
    );
    close(disclosure(hourly, "scope-2-market"), emissions, "hourly");
    assert!(
        annual["disclosures"]
            .as_array()
            .expect("disclosures")
            .iter()
            .all(|d| d["id"] != "cfe-score"),
        "annual matching discloses no hourly score"
    );
    let gwp = report["comparison"]["divergences"]
        .as_array()
        .expect("divergences")
        .iter()
        .find(|d| d["indicator"] == "gwp")
        .expect("gwp");
    let difference = gwp["difference"].as_f64().expect("difference");
    assert!(difference > 0.0, "{gwp}");
    let drivers = gwp["drivers"].as_array().expect("drivers");
    assert_eq!(drivers.len(), 1, "{gwp}");
    assert_eq!(drivers[0]["driver"], "market-matching");
    close(
        drivers[0]["amount"].as_f64().expect("amount"),
        difference,
        "amount",
    );
}

/// A broken copy of the fixture: its name, the edit, what the error must say.
type Case = (&'static str, fn(String) -> String, &'static [&'static str]);

#[test]
fn a_profile_that_disagrees_with_its_instrument_is_an_error_naming_its_key() {
    let cases: [Case; 4] = [
        (
            "energy",
            |t| t.replace("energy = \"6335.522 kWh\"", "energy = \"7000 kWh\""),
            &[
                "instrument[0].profile",
                "sums to 6335.522",
                "must agree (within 0.1 %)",
            ],
        ),
        (
            "period",
            |t| {
                t.replacen(
                    "period = { start = 2024-01-01, end = 2024-01-31 }\nemission-factor",
                    "period = { start = 2024-01-02, end = 2024-01-31 }\nemission-factor",
                    1,
                )
            },
            &[
                "instrument[0].profile",
                "outside the instrument's period 2024-01-02 to 2024-01-31",
            ],
        ),
        (
            "missing",
            |t| {
                t.replace(
                    "profile = \"solar-ppa-january-2024.csv\"",
                    "profile = \"none.csv\"",
                )
            },
            &["instrument[0].profile", "cannot read", "none.csv"],
        ),
        (
            "blank",
            |t| {
                t.replace(
                    "profile = \"solar-ppa-january-2024.csv\"",
                    "profile = \" \"",
                )
            },
            &["instrument[0].profile", "no file"],
        ),
    ];
    for (name, edit, expected) in cases {
        let path = edited_fixture("tests/fixtures/hourly-matching", name, edit);
        let out = bilan(&["validate", &path]);
        assert_eq!(out.code, 2, "{name}: {}", out.stderr);
        for text in expected {
            assert!(out.stderr.contains(text), "{name}: {text}: {}", out.stderr);
        }
    }
    // A bad row names its row: an energy in the wrong unit.
    let path = edited_fixture("tests/fixtures/hourly-matching", "unit", |t| t);
    let csv = std::path::Path::new(&path).with_file_name("solar-ppa-january-2024.csv");
    let text = std::fs::read_to_string(&csv).expect("profile");
    let rows: Vec<String> = text
        .lines()
        .map(|l| {
            if l.starts_with("2024-01-01T09:00:00Z,") {
                l.replace(",kWh", ",kg")
            } else {
                l.to_owned()
            }
        })
        .collect();
    std::fs::write(&csv, rows.join("\n")).expect("write");
    let out = bilan(&["validate", &path]);
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert!(out.stderr.contains("row 11"), "{}", out.stderr);
    assert!(out.stderr.contains("is not an energy"), "{}", out.stderr);
}
