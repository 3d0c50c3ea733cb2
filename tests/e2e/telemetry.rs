//! Metered telemetry as input: a CSV of energy per device per hour becomes one workload per
//! fleet and day, each weighted hour by hour against the site's grid series by the energy it
//! drew in each hour. Fixture: `tests/fixtures/telemetry` (three GPUs over a made-up January
//! 2024, against the grid series of `tests/fixtures/grid-series`).

use std::collections::BTreeMap;

use serde_json::Value;

use crate::support::{bilan, edited_fixture, root};

const INVENTORY: &str = "tests/fixtures/telemetry/inventory.toml";
const PUE: f64 = 1.2;

fn json(args: &[&str]) -> Value {
    let out = bilan(args);
    assert_eq!(out.code, 0, "{args:?}: {}", out.stderr);
    serde_json::from_str(&out.stdout).expect("JSON")
}

/// The second column of a CSV fixture's rows, by the row's timestamp (its first column).
fn by_timestamp(path: &str, column: usize) -> Vec<(String, f64)> {
    std::fs::read_to_string(root().join(path))
        .expect("fixture")
        .lines()
        .skip(1)
        .map(|l| {
            let cells: Vec<&str> = l.split(',').collect();
            (cells[0].to_owned(), cells[column].parse().expect("number"))
        })
        .collect()
}

/// Per day (`2024-01-DD`): Σ kWh, and Σ kWh × the grid's intensity in the same hour.
fn days() -> BTreeMap<String, (f64, f64)> {
    let grid: BTreeMap<String, f64> =
        by_timestamp("tests/fixtures/grid-series/january-2024.csv", 1)
            .into_iter()
            .collect();
    let mut days: BTreeMap<String, (f64, f64)> = BTreeMap::new();
    for (at, wh) in by_timestamp("tests/fixtures/telemetry/january-2024.csv", 3) {
        let kwh = wh / 1000.0;
        let day = days.entry(at[..10].to_owned()).or_default();
        day.0 += kwh;
        day.1 += kwh * grid[&at];
    }
    days
}

/// The telemetry fixture in a scratch directory of its own, its grid series named by its
/// absolute path, with `edit` applied to its inventory: the copy's inventory path.
fn scratch_copy(name: &str, edit: impl Fn(String) -> String) -> String {
    edited_fixture("tests/fixtures/telemetry", name, |t| {
        edit(t.replace(
            "file = \"../grid-series/january-2024.csv\"",
            &format!(
                "file = \"{}\"",
                root()
                    .join("tests/fixtures/grid-series/january-2024.csv")
                    .display()
            ),
        ))
    })
}

#[test]
fn each_day_is_a_workload_weighted_by_the_hours_its_energy_was_drawn_in() {
    let out = bilan(&["validate", INVENTORY]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(out.stdout.contains("31 workloads"), "{}", out.stdout);
    let report = json(&["compare", INVENTORY, "-f", "json"]);
    let grid = by_timestamp("tests/fixtures/grid-series/january-2024.csv", 1);
    let month_mean = grid.iter().map(|(_, v)| v).sum::<f64>() / grid.len() as f64;
    let days = days();
    for method in ["ademe-lca", "ghg-protocol", "sci"] {
        let a = report["assessments"]
            .as_array()
            .expect("assessments")
            .iter()
            .find(|a| a["method"]["id"] == method)
            .unwrap_or_else(|| panic!("{method}"));
        let rows: Vec<&Value> = a["contributions"]
            .as_array()
            .expect("contributions")
            .iter()
            .filter(|c| c["aspect"] == "electricity")
            .collect();
        assert_eq!(rows.len(), 31, "{method}");
        for row in rows {
            let id = row["item"]["id"].as_str().expect("id");
            let day = id.rsplit('/').next().expect("date");
            let (kwh, weighted) = days[day];
            let term = |symbol: &str| {
                row["terms"]
                    .as_array()
                    .expect("terms")
                    .iter()
                    .find(|t| t["symbol"] == symbol)
                    .unwrap_or_else(|| panic!("{method} {id}: {symbol}"))["value"]
                    .as_f64()
                    .expect("value")
            };
            let energy = term("E_IT");
            assert!((energy / kwh - 1.0).abs() < 1e-12, "{method} {id}");
            let expected = weighted / kwh / month_mean;
            let k = term("k_time");
            assert!(
                (k / expected - 1.0).abs() < 1e-12,
                "{method} {id}: {k} vs {expected}"
            );
        }
    }
    // The final electricity is the metered energy × PUE.
    let total: f64 = days.values().map(|(kwh, _)| kwh).sum::<f64>() * PUE;
    let energy = report["comparison"]["indicators"]
        .as_array()
        .expect("indicators")
        .iter()
        .find(|i| i["indicator"] == "energy")
        .expect("energy")["rows"][0]["total"]
        .as_f64()
        .expect("total");
    assert!((energy / total - 1.0).abs() < 1e-12, "{energy} vs {total}");
}

#[test]
fn a_bad_row_is_an_error_naming_the_file_and_the_row() {
    let path = scratch_copy("bad-row", |t| t);
    let csv = std::path::Path::new(&path).with_file_name("january-2024.csv");
    let text = std::fs::read_to_string(&csv).expect("telemetry");
    let rows: Vec<String> = text
        .lines()
        .enumerate()
        .map(|(n, l)| {
            if n == 100 {
                l.replace(",Wh", ",kg")
            } else {
                l.to_owned()
            }
        })
        .collect();
    std::fs::write(&csv, rows.join("\n")).expect("write");
    let out = bilan(&["validate", &path]);
    assert_eq!(out.code, 2, "{}", out.stderr);
    for text in [
        "january-2024.csv",
        "telemetry `nvml`, row 100",
        "unit `kg` is not an energy",
    ] {
        assert!(out.stderr.contains(text), "{text}: {}", out.stderr);
    }
}

/// `explain --rows` goes down to the rows behind a workload: read again from the file, they
/// sum to its energy and their shares to its part of the figure.
#[test]
fn explain_goes_down_to_the_rows() {
    let report = json(&[
        "explain",
        INVENTORY,
        "--figure",
        "gwp.item.nvml/gpus/2024-01-11",
        "-m",
        "ademe-lca",
        "--rows",
        "-f",
        "json",
    ]);
    let value = report["value"].as_f64().expect("value");
    let metered = report["metered"].as_array().expect("metered");
    assert_eq!(metered.len(), 1);
    let m = &metered[0];
    assert_eq!(m["workload"], "nvml/gpus/2024-01-11");
    let rows = m["rows"].as_array().expect("rows");
    // 3 devices × 24 hours, less the five hours gpu-2 was off.
    assert_eq!(rows.len(), 67);
    assert!(
        m["provenance"]["at"]
            .as_str()
            .expect("at")
            .contains("1 gap(s)")
    );
    let sum = |key: &str| {
        rows.iter()
            .map(|r| r[key].as_f64().expect(key))
            .sum::<f64>()
    };
    let energy = m["energy-kwh"].as_f64().expect("energy");
    assert!((sum("energy-kwh") / energy - 1.0).abs() < 1e-12);
    assert!((sum("figure") / value - 1.0).abs() < 1e-12);
    // The first row of that day in the file: 10 days of 72 rows before it.
    assert_eq!(rows[0]["row"], 721);
    assert_eq!(rows[0]["timestamp"], "2024-01-11T00:00:00Z");
    assert_eq!(rows[0]["device"], "gpu-0");
    let text = bilan(&[
        "explain",
        INVENTORY,
        "--figure",
        "gwp.item.nvml/gpus/2024-01-11",
        "-m",
        "ademe-lca",
        "--rows",
    ]);
    assert_eq!(text.code, 0, "{}", text.stderr);
    assert!(
        text.stdout.contains("row 721  2024-01-11T00:00:00Z  gpu-0"),
        "{}",
        text.stdout
    );
}

#[test]
fn telemetry_is_read_without_a_grid_series() {
    // The series files and the telemetry are read in one pass after parsing: an inventory
    // with telemetry and neither a grid series nor a generation profile once skipped it,
    // and reported no workload at all.
    let path = edited_fixture("tests/fixtures/telemetry", "no-grid-series", |t| {
        let (head, rest) = t.split_once("[[grid-series]]").expect("grid series");
        let (_, rest) = rest.split_once("[[site]]").expect("site");
        format!(
            "{head}[[site]]{}",
            rest.replace("grid-series = \"test-grid\"\n", "")
        )
    });
    let out = bilan(&["validate", &path]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(out.stdout.contains("31 workloads"), "{}", out.stdout);
    // Every built-in method accounts for the metered energy × the site's PUE.
    let metered: f64 = days().values().map(|(kwh, _)| kwh).sum();
    let report = json(&["compare", &path, "-f", "json"]);
    let energy = report["comparison"]["indicators"]
        .as_array()
        .expect("indicators")
        .iter()
        .find(|i| i["indicator"] == "energy")
        .expect("energy");
    let rows = energy["rows"].as_array().expect("rows");
    for method in ["ademe-lca", "ghg-protocol", "sci"] {
        let row = rows
            .iter()
            .find(|r| r["method"] == method)
            .unwrap_or_else(|| panic!("{method}"));
        let total = row["total"].as_f64().expect("total");
        assert!((total / (metered * PUE) - 1.0).abs() < 1e-12, "{row}");
    }
}

#[test]
fn the_columnar_engines_are_refused_by_a_build_without_them() {
    // The default build (this one) leaves DataFusion and Ballista out: asking for them is a
    // usage error that says how to install them, never a silent fall back to the rows.
    for engine in ["datafusion", "ballista"] {
        let out = bilan(&["compare", INVENTORY, "--engine", engine]);
        assert_eq!(out.code, 2, "{engine}: {}", out.stderr);
        assert!(
            out.stderr.contains("--features scale") && out.stderr.contains("docs/scale.md"),
            "{engine}: {}",
            out.stderr
        );
        assert!(out.stdout.is_empty(), "{engine}: {}", out.stdout);
    }
    // `--ballista` belongs to `--engine ballista`.
    let out = bilan(&["compare", INVENTORY, "--ballista", "df://localhost:50050"]);
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert!(out.stderr.contains("--engine ballista"), "{}", out.stderr);
}

#[test]
fn no_output_overwrites_a_file_the_inventory_reads() {
    // The telemetry and the grid series are inputs like the inventory: `-o` naming one of
    // them once replaced the telemetry with the report, exit 0.
    let path = scratch_copy("output-over-data", |t| t);
    let csv = std::path::Path::new(&path).with_file_name("january-2024.csv");
    let before = std::fs::read(&csv).expect("telemetry");
    let csv = csv.display().to_string();
    for command in ["assess", "compare"] {
        let out = bilan(&[command, &path, "-o", &csv]);
        assert_eq!(out.code, 2, "{command}: {}", out.stderr);
        assert!(
            out.stderr
                .contains("is the inventory's `telemetry[0].file`")
                && out.stderr.contains("would destroy it"),
            "{command}: {}",
            out.stderr
        );
    }
    assert_eq!(std::fs::read(&csv).expect("telemetry"), before);
    // The same for the grid series, named another way than the inventory names it.
    let grid = root().join("tests/fixtures/grid-series/../grid-series/january-2024.csv");
    let out = bilan(&["compare", &path, "-o", &grid.display().to_string()]);
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert!(
        out.stderr.contains("`grid-series[0].file`")
            && out.stderr.contains("the same file by another name"),
        "{}",
        out.stderr
    );
}

#[test]
fn the_stamp_hashes_every_file_the_inventory_reads() {
    // A report must change its stamp when a file its figures rest on changes, not only when
    // the inventory does.
    let path = scratch_copy("stamp", |t| t);
    let data_files = |path: &str| -> Vec<(String, String)> {
        let report = json(&["compare", path, "-f", "json"]);
        report["stamp"]["data-files"]
            .as_array()
            .expect("data-files")
            .iter()
            .map(|f| {
                let path = f["path"].as_str().expect("path");
                let name = path.rsplit('/').next().expect("name");
                let parent = path.rsplit('/').nth(1).expect("directory");
                (
                    format!("{parent}/{name}"),
                    f["sha256"].as_str().expect("sha256").to_owned(),
                )
            })
            .collect()
    };
    let before = data_files(&path);
    let dir = std::path::Path::new(&path)
        .parent()
        .and_then(|d| d.file_name())
        .and_then(|d| d.to_str())
        .expect("directory")
        .to_owned();
    let names: Vec<&str> = before.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(
        names,
        [
            "grid-series/january-2024.csv".to_owned(),
            format!("{dir}/january-2024.csv")
        ]
    );
    assert!(before.iter().all(|(_, h)| h.len() == 64), "{before:?}");
    // One watt-hour more in one row: the inventory is the same, the stamp is not.
    let csv = std::path::Path::new(&path).with_file_name("january-2024.csv");
    let text = std::fs::read_to_string(&csv).expect("telemetry");
    let edited = text.replacen(",gpu-0,260.0,Wh", ",gpu-0,261.0,Wh", 1);
    assert_ne!(edited, text);
    std::fs::write(&csv, edited).expect("write");
    let after = data_files(&path);
    assert_eq!(after[0], before[0]);
    assert_ne!(after[1].1, before[1].1);
    // The text report names them too.
    let out = bilan(&["assess", &path, "-m", "sci"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(
        out.stdout.lines().any(|l| l.starts_with("data file ")
            && l.ends_with(&format!("{dir}/january-2024.csv sha256 {}", after[1].1))),
        "{}",
        out.stdout
    );
}

#[test]
fn telemetry_is_checked_like_a_workload_in_every_method_alike() {
    // Rows outside the reporting period, before the fleet was acquired, or naming more
    // devices than the fleet has were once summed with exit 0 (and some methods excluded
    // the period's outliers while others counted them): each is an error naming the
    // telemetry, the aggregates and their rows, before any method runs.
    let cases: [(&str, &str, &str, &str); 3] = [
        (
            "outside-period",
            "period = { start = 2024-01-01, end = 2024-01-31 }",
            "period = { start = 2024-01-01, end = 2024-01-30 }",
            "has rows outside the reporting period 2024-01-01 to 2024-01-30 (whole days, UTC), in `nvml/gpus/2024-01-31` (rows",
        ),
        (
            "before-acquired",
            "acquired = 2023-06-01",
            "acquired = 2024-01-03",
            "meters fleet `gpus` from 2024-01-01T00:00:00Z, before it was acquired (2024-01-03): `nvml/gpus/2024-01-01` (rows 1 to ",
        ),
        (
            "more-devices",
            "count = 3",
            "count = 2",
            "meters up to 3 devices of fleet `gpus` in one aggregate, but the fleet has 2 (`count`)",
        ),
    ];
    for (name, from, to, expected) in cases {
        let path = scratch_copy(name, |t| {
            let edited = t.replacen(from, to, 1);
            assert_ne!(edited, t, "{name}");
            edited
        });
        for command in ["validate", "compare"] {
            let out = bilan(&[command, &path]);
            assert_eq!(out.code, 2, "{name} {command}: {}", out.stderr);
            assert!(
                out.stderr.contains("telemetry[0].file: telemetry `nvml` ")
                    && out.stderr.contains(expected),
                "{name} {command}: {}",
                out.stderr
            );
            assert!(out.stdout.is_empty(), "{name} {command}: {}", out.stdout);
        }
    }
}

#[test]
fn a_workload_written_on_the_days_telemetry_meters_its_fleet_is_refused() {
    // Telemetry meters every device of `gpus` each day of January; a workload written for
    // two of them for 100 h of the same month charged device time the fleet had not got, and
    // its energy was counted on top of the metered energy, with exit 0.
    let path = scratch_copy("shared-fleet", |t| {
        format!(
            "{t}\n[[workload]]\nid = \"finetune\"\nphase = \"fine-tuning\"\nsite = \"dc\"\nfleet = \"gpus\"\ndevices = 2\nduration = \"100 h\"\nperiod = {{ start = 2024-01-10, end = 2024-01-14 }}\nenergy = \"140 kWh\"\n"
        )
    });
    for command in ["validate", "compare"] {
        let out = bilan(&[command, &path]);
        assert_eq!(out.code, 2, "{command}: {}", out.stderr);
        assert!(
            out.stderr
                .contains("fleet[0]: the 32 workloads on fleet `gpus`")
                && out.stderr.contains(
                    "so a workload written within one charges device time the fleet has not got"
                ),
            "{command}: {}",
            out.stderr
        );
        assert!(out.stdout.is_empty(), "{command}: {}", out.stdout);
    }
    // On a fleet of its own, the same workload is accepted.
    let path = scratch_copy("own-fleet", |t| {
        format!(
            "{t}\n[[fleet]]\nid = \"other\"\nmodel = \"nvidia-h100-sxm-80gb\"\ncount = 2\nacquired = 2023-06-01\nlifetime = \"4 years\"\nsite = \"dc\"\n\n[[workload]]\nid = \"finetune\"\nphase = \"fine-tuning\"\nsite = \"dc\"\nfleet = \"other\"\ndevices = 2\nduration = \"100 h\"\nperiod = {{ start = 2024-01-10, end = 2024-01-14 }}\nenergy = \"140 kWh\"\n"
        )
    });
    let out = bilan(&["validate", &path]);
    assert_eq!(out.code, 0, "{}", out.stderr);
}
