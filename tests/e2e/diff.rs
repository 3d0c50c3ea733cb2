//! `bilan diff` on real edits of the examples: an item added, a value changed, a parameter
//! changed, a factor file changed, reports read back; every explanation sums to the change.

use std::path::{Path, PathBuf};

use serde_json::Value;

use crate::support::{Output, bilan, root, scratch};

/// A fresh directory for one test, with OLD: a copy of `examples/llama-2.toml`.
fn dir(name: &str) -> PathBuf {
    let d = scratch().join(format!("diff-{name}"));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).expect("create the scratch directory");
    std::fs::write(d.join("old.toml"), example()).expect("write OLD");
    d
}

fn example() -> String {
    std::fs::read_to_string(root().join("examples/llama-2.toml")).expect("the example")
}

fn arg(p: &Path) -> String {
    p.display().to_string()
}

fn write(d: &Path, name: &str, text: &str) -> PathBuf {
    let p = d.join(name);
    std::fs::write(&p, text).expect("write");
    p
}

fn run(args: &[&str]) -> Output {
    let mut all = vec!["diff"];
    all.extend_from_slice(args);
    bilan(&all)
}

fn json(args: &[&str]) -> Value {
    let mut all = args.to_vec();
    all.extend(["-f", "json"]);
    let out = run(&all);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let v: Value = serde_json::from_str(&out.stdout).expect("valid JSON");
    check_sums(&v);
    v
}

fn close(a: f64, b: f64, scale: f64) -> bool {
    (a - b).abs() <= 1e-9 * scale.abs().max(f64::MIN_POSITIVE)
}

/// Every figure: change = new − old; items plus residual, and drivers plus inventory values
/// plus residual, equal the change within 1e-9 relative; and each residual is rounding.
fn check_sums(v: &Value) {
    for m in v["methods"].as_array().expect("methods") {
        for f in m["figures"].as_array().expect("figures") {
            let what = format!("{} {}", m["method"], f["indicator"]);
            let (old, new) = (
                f["old"].as_f64().unwrap_or(0.0),
                f["new"].as_f64().unwrap_or(0.0),
            );
            let change = f["change"].as_f64().expect("change");
            let scale = old.abs().max(new.abs());
            assert!(close(change, new - old, scale), "{what}");
            let items: f64 = f["by-item"]["items"]
                .as_array()
                .expect("items")
                .iter()
                .map(|i| i["change"].as_f64().expect("an item's change"))
                .sum();
            let residual = f["by-item"]["residual"].as_f64().expect("residual");
            assert!(close(items + residual, change, scale), "{what}: by item");
            assert!(
                close(residual, 0.0, scale),
                "{what}: by item, residual {residual}"
            );
            let d = &f["by-driver"];
            let drivers: f64 = d["drivers"]
                .as_array()
                .expect("drivers")
                .iter()
                .map(|x| x["amount"].as_f64().expect("amount"))
                .sum();
            let inventory = d["inventory-values"].as_f64().expect("inventory values");
            let residual = d["residual"].as_f64().expect("residual");
            assert!(
                close(drivers + inventory + residual, change, scale),
                "{what}: by driver"
            );
            assert!(
                close(residual, 0.0, scale),
                "{what}: by driver, residual {residual}"
            );
        }
    }
}

fn method<'a>(v: &'a Value, id: &str) -> &'a Value {
    v["methods"]
        .as_array()
        .expect("methods")
        .iter()
        .find(|m| m["method"] == id)
        .unwrap_or_else(|| panic!("method {id} in {v}"))
}

fn figure<'a>(v: &'a Value, id: &str, indicator: &str) -> &'a Value {
    method(v, id)["figures"]
        .as_array()
        .expect("figures")
        .iter()
        .find(|f| f["indicator"] == indicator)
        .unwrap_or_else(|| panic!("{id} {indicator}"))
}

fn driver(f: &Value, name: &str) -> f64 {
    f["by-driver"]["drivers"]
        .as_array()
        .expect("drivers")
        .iter()
        .find(|d| d["driver"] == name)
        .and_then(|d| d["amount"].as_f64())
        .unwrap_or(0.0)
}

#[test]
fn identical_inputs_say_no_change() {
    let d = dir("same");
    let old = arg(&d.join("old.toml"));
    let out = run(&[&old, &old]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(out.stdout.contains("no change"), "{}", out.stdout);
    let v = json(&[&old, &old]);
    assert_eq!(v["changed"], false);
    assert!(v["items"].as_array().expect("items").is_empty());
    assert!(!v["methods"].as_array().expect("methods").is_empty());
    for m in v["methods"].as_array().expect("methods") {
        for f in m["figures"].as_array().expect("figures") {
            assert_eq!(f["change"].as_f64(), Some(0.0), "{f}");
        }
    }
}

#[test]
fn a_site_pue_changed_is_explained_by_the_site_and_facility_overhead() {
    let d = dir("pue");
    let new = write(
        &d,
        "new.toml",
        &example().replacen("pue = 1.0", "pue = 1.2", 1),
    );
    let v = json(&[&arg(&d.join("old.toml")), &arg(&new)]);
    assert_eq!(v["changed"], true);
    let item = &v["items"][0];
    assert_eq!(
        (item["kind"].as_str(), item["id"].as_str()),
        (Some("site"), Some("meta-us-clusters"))
    );
    assert_eq!(item["fields"][0]["field"], "pue");
    let f = figure(&v, "ademe-lca", "gwp");
    let change = f["change"].as_f64().expect("change");
    assert!(change > 0.0);
    assert!(close(change, 0.2 * f["old"].as_f64().expect("old"), change));
    assert!(close(driver(f, "facility-overhead"), change, change), "{f}");
    let rows = f["by-item"]["items"].as_array().expect("items");
    assert!(
        rows.iter()
            .all(|r| r["status"] == "unchanged" && r["via"][0] == "site meta-us-clusters"),
        "{f}"
    );
    // Markdown names the change, the drivers and the residual.
    let md = run(&[&arg(&d.join("old.toml")), &arg(&new), "-f", "md"]);
    assert_eq!(md.code, 0, "{}", md.stderr);
    for text in [
        "## Inventory items changed",
        "facility-overhead",
        "residual (rounding)",
        "inventory values",
    ] {
        assert!(md.stdout.contains(text), "{text}: {}", md.stdout);
    }
}

#[test]
fn a_workload_added_and_an_energy_changed_are_explained_by_item() {
    let d = dir("added");
    let text = example().replacen(
        "power-per-device = \"400 W\"",
        "power-per-device = \"500 W\"",
        1,
    ) + "\n[[workload]]\nid = \"pretrain-extra\"\nphase = \"training\"\nsite = \"meta-us-clusters\"\nfleet = \"rsc-a100\"\ndevice-hours = \"10000 GPU·h\"\npower-per-device = \"400 W\"\nvolume = { training-tokens = 1.0e10 }\n";
    let new = write(&d, "new.toml", &text);
    let v = json(&[&arg(&d.join("old.toml")), &arg(&new), "-m", "ademe-lca"]);
    let items = v["items"].as_array().expect("items");
    let find = |id: &str| {
        items
            .iter()
            .find(|i| i["id"] == id)
            .unwrap_or_else(|| panic!("{id}: {items:?}"))
    };
    assert_eq!(find("pretrain-extra")["status"], "added");
    let changed = find("pretrain-7b");
    assert_eq!(changed["status"], "changed");
    assert_eq!(changed["fields"][0]["field"], "power-per-device");
    let f = figure(&v, "ademe-lca", "energy");
    let rows = f["by-item"]["items"].as_array().expect("rows");
    let row = |id: &str| {
        rows.iter()
            .find(|r| r["id"] == id)
            .unwrap_or_else(|| panic!("{id}: {f}"))
    };
    assert_eq!(row("pretrain-extra")["status"], "added");
    assert_eq!(row("pretrain-extra")["old"].as_f64(), Some(0.0));
    assert!(row("pretrain-extra")["change"].as_f64().expect("change") > 0.0);
    assert_eq!(row("pretrain-7b")["fields"][0], "power-per-device");
    // 400 W → 500 W: a quarter more energy for that workload.
    let r = row("pretrain-7b");
    assert!(close(
        r["change"].as_f64().expect("c"),
        0.25 * r["old"].as_f64().expect("o"),
        r["old"].as_f64().expect("o")
    ));
    // Energies are the inventory's own values: no driver carries them.
    assert!(
        f["by-driver"]["inventory-values"]
            .as_f64()
            .expect("inventory values")
            > 0.0,
        "{f}"
    );
}

#[test]
fn a_parameter_given_with_p_applies_to_new_only() {
    let d = dir("param");
    let old = arg(&d.join("old.toml"));
    let v = json(&[&old, &old, "-m", "sci", "-p", "grid-boundary=combustion"]);
    let m = method(&v, "sci");
    let p = &m["parameters"][0];
    assert_eq!(
        (p["name"].as_str(), p["old"].as_str(), p["new"].as_str()),
        (
            Some("grid-boundary"),
            Some("life-cycle"),
            Some("combustion")
        ),
        "{m}"
    );
    assert_eq!(v["changed"], true);
    let f = figure(&v, "sci", "gwp");
    let change = f["change"].as_f64().expect("change");
    assert!(change != 0.0, "{f}");
    assert!(
        close(driver(f, "electricity-boundary"), change, change),
        "{f}"
    );
}

#[test]
fn old_param_gives_old_its_own_parameters() {
    let d = dir("old-param");
    let old = arg(&d.join("old.toml"));
    // The same parameter on both sides: nothing changes.
    let same = json(&[
        &old,
        &old,
        "-m",
        "sci",
        "--old-param",
        "grid-boundary=combustion",
        "-p",
        "grid-boundary=combustion",
    ]);
    assert_eq!(same["changed"], false, "{same}");
    // On OLD only: the change is the reverse of `-p` on NEW.
    let v = json(&[
        &old,
        &old,
        "-m",
        "sci",
        "--old-param",
        "grid-boundary=combustion",
    ]);
    let f = figure(&v, "sci", "gwp");
    let change = f["change"].as_f64().expect("change");
    assert!(change != 0.0, "{f}");
    assert!(
        close(driver(f, "electricity-boundary"), change, change),
        "{f}"
    );
}

const FACTORS: &str = r#"schema = 1

[[factor]]
id = "e2e-us-grid-gwp"
subject = "electricity/grid"
indicator = "gwp"
value = "500 gCO2e/kWh"
boundary = "life-cycle"
region = "US"
year = 2023
basis = "dataset"
dataset = "e2e"
citation = "illustrative figure for a test"
licence = "CC0-1.0"
attribution = "bilan tests"
"#;

#[test]
fn a_factor_file_for_new_only_changes_the_figures_through_the_factor() {
    let d = dir("factors");
    let old = arg(&d.join("old.toml"));
    let factors = arg(&write(&d, "factors.toml", FACTORS));
    let v = json(&[&old, &old, "--factors", &factors, "-m", "ademe-lca"]);
    assert_eq!(v["old"]["factor-files"].as_array().map(Vec::len), Some(0));
    assert!(
        v["new"]["factor-files"][0]["path"]
            .as_str()
            .is_some_and(|p| p.ends_with("diff-factors/factors.toml")),
        "{}",
        v["new"]
    );
    assert!(v["items"].as_array().expect("items").is_empty());
    let f = figure(&v, "ademe-lca", "gwp");
    let change = f["change"].as_f64().expect("change");
    assert!(change != 0.0, "{f}");
    // Carried by the factor's driver, not by the inventory's values.
    let drivers: f64 = f["by-driver"]["drivers"]
        .as_array()
        .expect("d")
        .iter()
        .map(|x| x["amount"].as_f64().unwrap_or(0.0))
        .sum();
    assert!(close(drivers, change, change), "{f}");
    // The same factor file given for OLD too: no change.
    let v = json(&[
        &old,
        &old,
        "--factors",
        &factors,
        "--old-factors",
        &factors,
        "-m",
        "ademe-lca",
    ]);
    assert_eq!(v["changed"], false, "{v}");
}

#[test]
fn two_reports_give_the_same_figures_as_their_inventories() {
    let d = dir("reports");
    let old = d.join("old.toml");
    let new = write(
        &d,
        "new.toml",
        &example().replacen("pue = 1.0", "pue = 1.1", 1),
    );
    let report = |inv: &Path, name: &str, command: &str| {
        let out_path = d.join(name);
        let out = bilan(&[command, &arg(inv), "-f", "json", "-o", &arg(&out_path)]);
        assert_eq!(out.code, 0, "{}", out.stderr);
        arg(&out_path)
    };
    let from_inventories = json(&[&arg(&old), &arg(&new)]);
    for command in ["compare", "assess"] {
        let (a, b) = (
            report(&old, &format!("old-{command}.json"), command),
            report(&new, &format!("new-{command}.json"), command),
        );
        let v = json(&[&a, &b]);
        assert_eq!(v["old"]["kind"], format!("{command}-report"));
        for m in from_inventories["methods"].as_array().expect("methods") {
            let id = m["method"].as_str().expect("id");
            let f = figure(&from_inventories, id, "gwp");
            assert_eq!(
                figure(&v, id, "gwp")["change"],
                f["change"],
                "{command} {id}"
            );
            let row = &figure(&v, id, "gwp")["by-item"]["items"][0];
            assert_eq!(row["status"], "present", "{row}");
        }
        // Flags that assess refused on reports.
        let out = run(&[&a, &b, "-p", "default-pue=1.5"]);
        assert_eq!(out.code, 2, "{}", out.stderr);
    }
}

#[test]
fn malformed_or_mismatched_inputs_exit_2_with_a_located_error() {
    let d = dir("malformed");
    let old = arg(&d.join("old.toml"));
    let broken = write(
        &d,
        "broken.toml",
        &example().replacen("pue = 1.0", "pue = = 1.0", 1),
    );
    let out = run(&[&old, &arg(&broken)]);
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert!(
        out.stderr.contains("broken.toml") && out.stderr.contains("pue"),
        "{}",
        out.stderr
    );
    // A report whose assessment is not one.
    let good = d.join("good.json");
    let out = bilan(&[
        "compare",
        &old,
        "-m",
        "ademe-lca",
        "-f",
        "json",
        "-o",
        &arg(&good),
    ]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let mut v: Value =
        serde_json::from_str(&std::fs::read_to_string(&good).expect("read")).expect("JSON");
    v["assessments"][0]["contributions"] = Value::from(42);
    let bad = write(
        &d,
        "bad.json",
        &serde_json::to_string_pretty(&v).expect("JSON"),
    );
    let out = run(&[&arg(&good), &arg(&bad)]);
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert!(
        out.stderr.contains("bad.json") && out.stderr.contains("assessments[0]"),
        "{}",
        out.stderr
    );
    // An inventory against a report.
    let out = run(&[&old, &arg(&good)]);
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert!(
        out.stderr.contains("two inventories or two JSON reports"),
        "{}",
        out.stderr
    );
}

/// `OLD`'s report (`assess` or `compare`) in `d`, and its JSON.
fn report_of(d: &Path, command: &str) -> (String, Value) {
    let path = d.join(format!("old-{command}.json"));
    let old = arg(&d.join("old.toml"));
    let out = bilan(&[command, &old, "-f", "json", "-o", &arg(&path)]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let text = std::fs::read_to_string(&path).expect("read");
    (arg(&path), serde_json::from_str(&text).expect("JSON"))
}

#[test]
fn a_malformed_json_report_is_a_json_error_with_its_line_and_column() {
    let d = dir("malformed-json");
    let (good, v) = report_of(&d, "assess");
    let text = serde_json::to_string_pretty(&v).expect("JSON");
    let total = v["methods"][0]["results"][0]["total"].to_string();
    let cases = [
        (
            "truncated.json",
            text[..text.len() / 2].to_owned(),
            "EOF while parsing",
        ),
        (
            "huge.json",
            text.replacen(&total, "1e400", 1),
            "number out of range",
        ),
        // Not named .json, but JSON by its first character.
        (
            "truncated.txt",
            format!("  {}", &text[..100]),
            "EOF while parsing",
        ),
    ];
    for (name, text, says) in cases {
        let bad = write(&d, name, &text);
        let out = run(&[&good, &arg(&bad)]);
        assert_eq!(out.code, 2, "{name}: {}", out.stderr);
        for part in [&format!("{name}:"), "not valid JSON (column ", says] {
            assert!(
                out.stderr.contains(part),
                "{name}: {part} in {}",
                out.stderr
            );
        }
        assert!(
            !out.stderr.contains("an inventory"),
            "{name}: {}",
            out.stderr
        );
    }
}

#[test]
fn a_report_whose_stated_totals_are_not_its_contributions_is_refused() {
    let d = dir("inconsistent");
    let (good, v) = report_of(&d, "assess");
    let (good_compare, c) = report_of(&d, "compare");
    // Edit → (key path, what the error says).
    type Edit = fn(&mut Value);
    let cases: [(&str, &Value, Edit, &str, &str); 5] = [
        (
            "negative.json",
            &v,
            |v| v["methods"][0]["results"][0]["total"] = Value::from(-5),
            "methods[0].results[0].total",
            "is not the sum of the method's contributions",
        ),
        (
            "null.json",
            &v,
            |v| v["methods"][0]["results"][0]["total"] = Value::Null,
            "methods[0].results[0].total",
            "expected the total as a number",
        ),
        (
            "string.json",
            &v,
            |v| v["methods"][0]["results"][0]["total"] = Value::from("12"),
            "methods[0].results[0].total",
            "expected a number, found a string",
        ),
        (
            "phase.json",
            &v,
            |v| v["methods"][0]["results"][0]["by-phase"]["training"] = Value::from(1),
            "methods[0].results[0].by-phase.training",
            "is not the sum of the method's contributions",
        ),
        (
            "compare.json",
            &c,
            |c| c["comparison"]["indicators"][0]["rows"][0]["total"] = Value::from(42),
            "comparison.indicators[0].rows[0].total",
            "is not the sum of the method's contributions",
        ),
    ];
    for (name, report, edit, key, says) in cases {
        let mut edited = report.clone();
        edit(&mut edited);
        let method = match edited.get("methods") {
            Some(m) => m[0]["method"]["id"].clone(),
            None => edited["comparison"]["indicators"][0]["rows"][0]["method"].clone(),
        };
        let text = serde_json::to_string_pretty(&edited).expect("JSON");
        let bad = arg(&write(&d, name, &text));
        let old = if edited.get("methods").is_some() {
            &good
        } else {
            &good_compare
        };
        let out = run(&[old, &bad]);
        assert_eq!(out.code, 2, "{name}: {}", out.stderr);
        let method = format!("method `{}`, gwp", method.as_str().expect("an id"));
        for part in [name, key, &method, says] {
            assert!(
                out.stderr.contains(part),
                "{name}: {part} in {}",
                out.stderr
            );
        }
        assert!(out.stdout.is_empty(), "{name}: {}", out.stdout);
    }
    // Unedited, the same reports are consistent.
    let v = json(&[&good, &good]);
    assert_eq!(v["changed"], false, "{v}");
}

#[test]
fn a_report_with_less_than_the_full_trail_is_refused_saying_so() {
    // bilan's own `--trail summary` and `--trail none` reports are valid but cannot be
    // diffed: the error once said "missing field formula", as if the file were corrupt.
    let d = dir("partial-trail");
    let inventory = arg(&d.join("old.toml"));
    let report = |name: &str, trail: &str| {
        let path = arg(&d.join(name));
        let out = bilan(&[
            "assess",
            &inventory,
            "-m",
            "ademe-lca",
            "-f",
            "json",
            "--trail",
            trail,
            "-o",
            &path,
        ]);
        assert_eq!(out.code, 0, "{trail}: {}", out.stderr);
        path
    };
    let full = report("full.json", "full");
    for (trail, expected) in [
        ("summary", "(a report written with `--trail summary`)"),
        ("none", "(a report written with `--trail none`)"),
    ] {
        let partial = report(&format!("{trail}.json"), trail);
        let out = run(&[&full, &partial]);
        assert_eq!(out.code, 2, "{trail}: {}", out.stderr);
        assert!(
            out.stderr.contains(expected) && out.stderr.contains("`--trail full`"),
            "{trail}: {}",
            out.stderr
        );
    }
}
