//! Grid intensity by the hour: a site that follows a `[[grid-series]]` has the GWP of its
//! workloads' electricity weighted by the series over each workload's period (`k_time`,
//! driver `temporal-resolution`), in every built-in method alike; the other indicators keep
//! the annual factors. Fixture: `tests/fixtures/grid-series` (a made-up January 2024).

use serde_json::Value;

use crate::support::{bilan, edited_fixture, root, scratch};

const INVENTORY: &str = "tests/fixtures/grid-series/inventory.toml";

/// The series' hourly values, read here without bilan: (day of January − 1, value).
fn hours() -> Vec<(usize, f64)> {
    let text = std::fs::read_to_string(root().join("tests/fixtures/grid-series/january-2024.csv"))
        .expect("series");
    text.lines()
        .skip(1)
        .enumerate()
        .map(|(n, line)| {
            let value: f64 = line
                .split(',')
                .nth(1)
                .expect("value")
                .parse()
                .expect("number");
            (n / 24, value)
        })
        .collect()
}

/// Mean of the series over days `first..=last` (0-based) ÷ its mean over the month.
fn expected_k(first: usize, last: usize) -> f64 {
    let hours = hours();
    let mean = |days: std::ops::RangeInclusive<usize>| {
        let picked: Vec<f64> = hours
            .iter()
            .filter(|(d, _)| days.contains(d))
            .map(|(_, v)| *v)
            .collect();
        picked.iter().sum::<f64>() / picked.len() as f64
    };
    mean(first..=last) / mean(0..=30)
}

fn json(args: &[&str]) -> Value {
    let out = bilan(args);
    assert_eq!(out.code, 0, "{args:?}: {}", out.stderr);
    serde_json::from_str(&out.stdout).expect("JSON")
}

/// The contribution of `workload`'s `aspect` in `method`'s assessment of a JSON report.
pub(crate) fn contribution<'a>(
    report: &'a Value,
    method: &str,
    workload: &str,
    aspect: &str,
) -> &'a Value {
    report["assessments"]
        .as_array()
        .expect("assessments")
        .iter()
        .find(|a| a["method"]["id"] == method)
        .unwrap_or_else(|| panic!("{method}"))["contributions"]
        .as_array()
        .expect("contributions")
        .iter()
        .find(|c| c["item"]["id"] == workload && c["aspect"] == aspect)
        .unwrap_or_else(|| panic!("{method} {workload} {aspect}"))
}

/// The `k_time` term of a contribution, when it has one.
pub(crate) fn k_time(contribution: &Value) -> Option<&Value> {
    contribution["terms"]
        .as_array()
        .expect("terms")
        .iter()
        .find(|t| t["symbol"] == "k_time")
}

#[test]
fn every_built_in_method_weights_the_gwp_of_grid_electricity_by_the_series() {
    let report = json(&["compare", INVENTORY, "-f", "json"]);
    let cases = [
        ("short", Some((0, 1))),
        ("late-week", Some((19, 24))),
        ("all-month", None),
    ];
    for method in ["ademe-lca", "ghg-protocol", "sci"] {
        for (workload, days) in cases {
            let k = k_time(contribution(&report, method, workload, "electricity"));
            let Some((first, last)) = days else {
                assert!(k.is_none(), "{method} {workload}: no period, no weight");
                continue;
            };
            let k = k.unwrap_or_else(|| panic!("{method} {workload}: k_time"));
            assert_eq!(k["driver"], "temporal-resolution");
            assert_eq!(k["indicator"], "gwp");
            let value = k["value"].as_f64().expect("value");
            let expected = expected_k(first, last);
            assert!(
                (value / expected - 1.0).abs() < 1e-12,
                "{method} {workload}: {value} vs {expected}"
            );
            assert!(
                (value - 1.0).abs() > 1e-3,
                "the fixture's periods differ from the month"
            );
        }
    }
    // The idle energy of the same workload is weighted alike, in every method.
    for method in ["ademe-lca", "ghg-protocol", "sci"] {
        let idle = contribution(&report, method, "short", "idle-electricity");
        let k = k_time(idle).unwrap_or_else(|| panic!("{method}: idle k_time"));
        let value = k["value"].as_f64().expect("value");
        assert!((value / expected_k(0, 1) - 1.0).abs() < 1e-12, "{method}");
        assert!(
            idle["formula"]
                .as_str()
                .expect("formula")
                .ends_with("× k_time[gwp]")
        );
    }
}

/// A series that does not cover a method's reporting period, or whose mean is 0, is not
/// used: the method warns, naming the site and the series, and keeps the annual average.
#[test]
fn a_series_a_method_cannot_use_is_a_warning_not_a_silent_average() {
    let warnings_and_weights = |path: &str, args: &[&str]| {
        let mut all = vec!["compare", path, "-f", "json"];
        all.extend_from_slice(args);
        let report = json(&all);
        let a = report["assessments"]
            .as_array()
            .expect("assessments")
            .iter()
            .find(|a| a["method"]["id"] == "ghg-protocol")
            .expect("ghg")
            .clone();
        let weighted = a["contributions"].to_string().contains("k_time");
        (a["warnings"].to_string(), weighted)
    };
    // The GHG Protocol's reporting year 2024 is longer than the series' January.
    let (warnings, weighted) = warnings_and_weights(
        INVENTORY,
        &[
            "-m",
            "ghg-protocol",
            "--param",
            "ghg-protocol:reporting-year=2024",
        ],
    );
    assert!(!weighted);
    assert!(
        warnings.contains("site `dc`: grid series `test-grid` not used, it covers 2024-01-01T00:00:00Z to 2024-02-01T00:00:00Z, not the reporting period 2024-01-01 to 2024-12-31"),
        "{warnings}"
    );
    // A series of zeros has no shape to weight by.
    let zeros = edited("zeros", |t| t);
    let csv = std::path::Path::new(&zeros).with_file_name("january-2024.csv");
    let text = std::fs::read_to_string(&csv).expect("series");
    let flat: Vec<String> = text
        .lines()
        .enumerate()
        .map(
            |(n, l)| match (n, l.split(',').collect::<Vec<_>>().as_slice()) {
                (0, _) => l.to_owned(),
                (_, [t, _, unit]) => format!("{t},0,{unit}"),
                _ => panic!("row {n}"),
            },
        )
        .collect();
    std::fs::write(&csv, flat.join("\n")).expect("write");
    let (warnings, weighted) = warnings_and_weights(&zeros, &[]);
    assert!(!weighted);
    assert!(
        warnings.contains("its mean over the reporting period 2024-01-01 to 2024-01-31 is 0"),
        "{warnings}"
    );
}

#[test]
fn annual_and_hourly_differ_by_temporal_resolution_only() {
    let dir = scratch().join(format!("bilan-e2e-grid-series-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("scratch");
    let method = dir.join("annual.toml");
    std::fs::write(
        &method,
        "schema = 1\nid = \"ademe-annual\"\nversion = \"1.0.0\"\nname = \"annual\"\ndescription = \"ADEME-style LCA with the annual grid average\"\nextends = \"ademe-lca@^1\"\n\n[parameters]\ntemporal-resolution = \"annual\"\n",
    )
    .expect("method file");
    let method = method.display().to_string();
    let report = json(&[
        "compare",
        INVENTORY,
        "-f",
        "json",
        "-m",
        "ademe-lca",
        "-m",
        "ademe-annual",
        "--method-file",
        &method,
    ]);
    let divergences = report["comparison"]["divergences"]
        .as_array()
        .expect("divergences");
    let of = |indicator: &str| {
        divergences
            .iter()
            .find(|d| d["indicator"] == indicator)
            .unwrap_or_else(|| panic!("{indicator}"))
    };
    let gwp = of("gwp");
    let difference = gwp["difference"].as_f64().expect("difference");
    assert!(difference.abs() > 0.0, "{gwp}");
    let drivers = gwp["drivers"].as_array().expect("drivers");
    assert_eq!(drivers.len(), 1, "{gwp}");
    assert_eq!(drivers[0]["driver"], "temporal-resolution");
    let amount = drivers[0]["amount"].as_f64().expect("amount");
    assert!((amount / difference - 1.0).abs() < 1e-9, "{gwp}");
    for other in ["water", "adpe", "adpf", "energy"] {
        assert_eq!(of(other)["difference"].as_f64(), Some(0.0), "{other}");
    }
    // Each says which resolution it used.
    let assumptions = |id: &str| {
        report["assessments"]
            .as_array()
            .expect("assessments")
            .iter()
            .find(|a| a["method"]["id"] == id)
            .expect("assessment")["assumptions"]
            .to_string()
    };
    assert!(assumptions("ademe-lca").contains("weighted by grid series `test-grid`"));
    assert!(assumptions("ademe-annual").contains("grid series `test-grid` not used"));
}

/// Writes the fixture's inventory with `edit` applied, beside a copy of its series.
fn edited(name: &str, edit: impl Fn(String) -> String) -> String {
    edited_fixture("tests/fixtures/grid-series", name, edit)
}

/// A broken copy of the fixture: its name, the edit, what the error must say.
type Case = (&'static str, fn(String) -> String, &'static [&'static str]);

#[test]
fn a_series_that_is_missing_short_or_unknown_is_an_error_naming_its_key() {
    let cases: [Case; 4] = [
        (
            "missing",
            |t| t.replace("file = \"january-2024.csv\"", "file = \"no-such.csv\""),
            &[
                "grid-series[0].file",
                "grid series `test-grid`: cannot read",
                "no-such.csv",
            ],
        ),
        (
            "short",
            |t| t.replace("end = 2024-01-31", "end = 2024-02-29"),
            &[
                "grid-series[0].file",
                "covers 2024-01-01T00:00:00Z to 2024-02-01T00:00:00Z",
                "must lie within it",
            ],
        ),
        (
            "unknown",
            |t| t.replace("grid-series = \"test-grid\"", "grid-series = \"other\""),
            &["site[0].grid-series", "unknown grid series `other`"],
        ),
        (
            "no-licence",
            |t| {
                t.replace(
                    "licence = \"CC0-1.0 (bilan test fixture)\"",
                    "licence = \" \"",
                )
            },
            &["grid-series[0].licence", "no licence"],
        ),
    ];
    for (name, edit, expected) in cases {
        let path = edited(name, edit);
        let out = bilan(&["validate", &path]);
        assert_eq!(out.code, 2, "{name}: {}", out.stderr);
        for text in expected {
            assert!(
                out.stderr.contains(text),
                "{name}: `{text}` in {}",
                out.stderr
            );
        }
    }
    // A problem inside the series names its row.
    let path = edited("gap", |t| t);
    let csv = std::path::Path::new(&path).with_file_name("january-2024.csv");
    let text = std::fs::read_to_string(&csv).expect("series");
    let gap: Vec<&str> = text
        .lines()
        .enumerate()
        .filter(|(n, _)| *n != 100)
        .map(|(_, l)| l)
        .collect();
    std::fs::write(&csv, gap.join("\n")).expect("write");
    let out = bilan(&["validate", &path]);
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert!(
        out.stderr.contains("january-2024.csv") && out.stderr.contains("gap after row"),
        "{}",
        out.stderr
    );
}

/// A compiled plugin receives the inventory without the series' values: its assessment says
/// that its GWP uses annual factors for the site, rather than leave it silent.
#[test]
fn a_compiled_plugin_is_told_apart_as_not_following_the_series() {
    let plugin = crate::plugins::example_plugin();
    let report = json(&["compare", INVENTORY, "-f", "json", "--plugin", &plugin]);
    let warnings = report["assessments"]
        .as_array()
        .expect("assessments")
        .iter()
        .find(|a| a["method"]["id"] == "green-algorithms")
        .expect("the plugin's assessment")["warnings"]
        .to_string();
    assert!(
        warnings.contains(
            "grid series not used: a compiled plugin receives no series, so this method's GWP uses annual factors for site `dc` (`test-grid`)"
        ),
        "{warnings}"
    );
}
