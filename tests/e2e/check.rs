//! `bilan check`: an expectations file written by `--update`, then real edits of an example
//! (a factor file, an item added, a parameter) that make figures drift, each drift explained
//! by item, term and driver, summing to the change.

use std::path::PathBuf;

use crate::support::{bilan, root};

/// A scratch directory of its own for one test.
fn dir(name: &str) -> PathBuf {
    crate::support::scratch_dir(&format!("check-{name}"))
}

fn write(dir: &std::path::Path, name: &str, text: &str) -> String {
    let p = dir.join(name);
    std::fs::write(&p, text).expect("write");
    p.display().to_string()
}

fn llama() -> String {
    std::fs::read_to_string(root().join("examples/llama-3.1.toml")).expect("example")
}

/// Writes the expectations of `inventory` under ademe-lca and checks they hold.
fn expectations(d: &std::path::Path, inventory: &str) -> String {
    let file = d.join("expect.toml").display().to_string();
    let _ = std::fs::remove_file(&file);
    let out = bilan(&["check", &file, inventory, "--update", "-m", "ademe-lca"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(
        out.stdout.contains("added llama-3.1 ademe-lca gwp.total"),
        "{}",
        out.stdout
    );
    let out = bilan(&["check", &file, inventory]);
    assert_eq!(out.code, 0, "{}\n{}", out.stdout, out.stderr);
    assert!(out.stdout.contains("hold"), "{}", out.stdout);
    file
}

/// Runs a check expected to drift; checks every breakdown sums to its difference within
/// 1e-9 relative, with a residual that small, and returns the JSON report.
fn drifted(args: &[&str]) -> serde_json::Value {
    let mut all = args.to_vec();
    all.extend(["-f", "json"]);
    let out = bilan(&all);
    assert_eq!(out.code, 3, "{}\n{}", out.stdout, out.stderr);
    let report: serde_json::Value = serde_json::from_str(&out.stdout).expect("JSON report");
    for f in report["figures"].as_array().expect("figures") {
        if f["holds"].as_bool() == Some(true) {
            continue;
        }
        let difference = f["difference"].as_f64().expect("difference");
        let b = &f["breakdown"];
        let mut explained = 0.0;
        for i in b["items"].as_array().expect("items") {
            match i["change"].as_str() {
                Some("changed") => {
                    explained += i["terms"]
                        .as_array()
                        .expect("terms")
                        .iter()
                        .map(|t| t["amount"].as_f64().expect("amount"))
                        .sum::<f64>();
                }
                Some("added" | "removed") => explained += i["amount"].as_f64().expect("amount"),
                other => panic!("unexpected change {other:?} in {f}"),
            }
        }
        let residual = b["residual"].as_f64().expect("residual");
        let scale = difference.abs();
        assert!(
            (explained + residual - difference).abs() <= 1e-9 * scale,
            "{f}"
        );
        assert!(residual.abs() <= 1e-9 * scale, "residual too large: {f}");
    }
    report
}

fn figure<'a>(report: &'a serde_json::Value, name: &str) -> &'a serde_json::Value {
    report["figures"]
        .as_array()
        .expect("figures")
        .iter()
        .find(|f| f["figure"] == name)
        .unwrap_or_else(|| panic!("no {name} in {report}"))
}

#[test]
fn a_changed_factor_file_drifts_the_embodied_figures_explained_by_its_term() {
    let d = dir("factor");
    let inventory = write(&d, "llama-3.1.toml", &llama());
    let file = expectations(&d, &inventory);
    let facts = std::fs::read_to_string(root().join("crates/bilan-factors/data/facts.toml"))
        .expect("facts");
    let start = facts
        .find("id = \"nvidia-pcf-hgx-h100-per-gpu\"")
        .expect("the H100 factor");
    let end = facts[start..]
        .find("\n\n")
        .map_or(facts.len(), |e| start + e);
    let factor = facts[start..end].replace("164 kgCO2e/device", "200 kgCO2e/device");
    let factors = write(
        &d,
        "factors.toml",
        &format!("schema = 1\n\n[[factor]]\n{factor}\n"),
    );
    let report = drifted(&["check", &file, &inventory, "--factors", &factors]);
    let total = figure(&report, "gwp.total");
    assert_eq!(total["holds"], false);
    let items = total["breakdown"]["items"].as_array().expect("items");
    assert_eq!(items.len(), 1, "{total}");
    assert_eq!(items[0]["item"], "fleet[h100-training]@embodied");
    assert_eq!(items[0]["terms"][0]["term"], "EF_device");
    assert_eq!(items[0]["terms"][0]["driver"], "factor-choice");
    // Energy does not move.
    assert_eq!(figure(&report, "energy.total")["holds"], true);
    // The table names the drifted figure, its breakdown and the residual.
    let out = bilan(&["check", &file, &inventory, "--factors", &factors]);
    assert_eq!(out.code, 3);
    for needle in [
        "system",
        "llama-3.1  ademe-lca  gwp.total",
        "EF_device [factor-choice] 164 → 200",
        "by driver: factor-choice",
        "residual:",
    ] {
        assert!(
            out.stdout.contains(needle),
            "`{needle}` in:\n{}",
            out.stdout
        );
    }
    // The expectations file is the only file written, and only by --update.
    assert_eq!(
        std::fs::read_to_string(&inventory).expect("inventory"),
        llama()
    );
}

#[test]
fn an_added_item_drifts_the_totals_as_an_item_added() {
    let d = dir("item");
    let inventory = write(&d, "llama-3.1.toml", &llama());
    let file = expectations(&d, &inventory);
    let more = format!(
        "{}\n[[workload]]\nid = \"finetune-8b\"\nphase = \"fine-tuning\"\nsite = \"meta-research-clusters\"\nfleet = \"h100-training\"\ndevice-hours = \"1e5 GPU·h\"\npower-per-device = \"700 W\"\n",
        llama()
    );
    std::fs::write(&inventory, more).expect("edit");
    let report = drifted(&["check", &file, &inventory]);
    let total = figure(&report, "gwp.total");
    let items = total["breakdown"]["items"].as_array().expect("items");
    assert!(
        items
            .iter()
            .any(|i| i["item"] == "workload[finetune-8b]@electricity" && i["change"] == "added"),
        "{total}"
    );
    // The fleet's embodied impacts grow with the device time reserved.
    assert!(
        items
            .iter()
            .any(|i| i["item"] == "fleet[h100-training]@embodied" && i["change"] == "changed"),
        "{total}"
    );
    assert_eq!(figure(&report, "energy.total")["holds"], false);
}

#[test]
fn a_changed_parameter_drifts_then_update_round_trips_keeping_tolerances() {
    let d = dir("param");
    let inventory = write(&d, "llama-3.1.toml", &llama());
    let file = expectations(&d, &inventory);
    // A tolerance written by hand is kept by --update.
    let text = std::fs::read_to_string(&file).expect("expectations");
    let edited = text.replacen("tolerance = \"0.1 %\"", "tolerance = \"2 %\"", 1);
    std::fs::write(&file, &edited).expect("edit");
    let param = "ademe-lca:embodied-preference=parametric";
    let report = drifted(&["check", &file, &inventory, "-p", param]);
    // gwp.total moved about 1 %: within its 2 %; the per-unit figures drifted.
    assert_eq!(figure(&report, "gwp.total")["holds"], true);
    let unit = figure(&report, "gwp.unit.training-run-405b");
    assert_eq!(unit["holds"], false);
    assert_eq!(
        unit["breakdown"]["items"][0]["item"],
        "functional-unit[training-run-405b]"
    );

    let out = bilan(&["check", &file, &inventory, "-p", param, "--update"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(
        out.stdout.contains("changed llama-3.1 ademe-lca gwp.total"),
        "{}",
        out.stdout
    );
    let text = std::fs::read_to_string(&file).expect("expectations");
    assert!(text.contains("tolerance = \"2 %\""), "{text}");
    let out = bilan(&["check", &file, &inventory, "-p", param]);
    assert_eq!(out.code, 0, "{}\n{}", out.stdout, out.stderr);
    // And back: the original run drifts from the updated file.
    let out = bilan(&["check", &file, &inventory]);
    assert_eq!(out.code, 3, "{}", out.stdout);
    // An update with nothing to change says so.
    let out = bilan(&["check", &file, &inventory, "-p", param, "--update"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(out.stdout.contains("no figure changed"), "{}", out.stdout);
}

#[test]
fn malformed_expectations_are_refused_with_their_location() {
    let d = dir("malformed");
    let inventory = write(&d, "llama-3.1.toml", &llama());
    let entry = |system: &str, method: &str, figure: &str, value: &str, tolerance: &str| {
        format!(
            "schema = 1\n\n[[expect]]\nsystem = \"{system}\"\nmethod = \"{method}\"\nfigure = \"{figure}\"\nvalue = \"{value}\"\ntolerance = \"{tolerance}\"\n"
        )
    };
    let cases = [
        (
            entry("llama-3.1", "ademe-lca", "gwp.bogus", "11.5 kt", "1 %"),
            "expect[0].figure",
        ),
        (
            entry("llama-3.1", "ademe-lca", "gwp.total", "eleven", "1 %"),
            "expect[0].value",
        ),
        (
            entry("llama-3.1", "ademe-lca", "gwp.total", "11.5 kt", "a lot"),
            "expect[0].tolerance",
        ),
        (
            entry("llama-4", "ademe-lca", "gwp.total", "11.5 kt", "1 %"),
            "unknown system `llama-4`",
        ),
        (
            entry("llama-3.1", "no-such-method", "gwp.total", "11.5 kt", "1 %"),
            "unknown method `no-such-method`",
        ),
        (
            entry(
                "llama-3.1",
                "ademe-lca",
                "gwp.item.nothing",
                "11.5 kt",
                "1 %",
            ),
            "unknown figure `gwp.item.nothing`",
        ),
        (
            entry("llama-3.1", "ademe-lca", "gwp.total", "11.5 kWh", "1 %"),
            "expect[0].value",
        ),
        (
            entry("llama-3.1", "ademe-lca", "gwp.total", "11.5 kt", "interval"),
            "needs --uncertainty",
        ),
        ("schema = 1\nexpect = 3\n".to_owned(), "expect"),
        (
            format!(
                "{}colour = \"red\"\n",
                entry("llama-3.1", "ademe-lca", "gwp.total", "11.5 kt", "1 %")
            ),
            "unknown key `colour`",
        ),
    ];
    for (text, needle) in cases {
        let file = write(&d, "bad.toml", &text);
        let out = bilan(&["check", &file, &inventory]);
        assert_eq!(out.code, 2, "{text}\n{}", out.stderr);
        assert!(
            out.stderr.contains(needle),
            "`{needle}` in:\n{}",
            out.stderr
        );
        assert!(out.stderr.contains("bad.toml:"), "{}", out.stderr);
        assert!(out.stdout.is_empty(), "{}", out.stdout);
    }
    // A value in another unit of the same dimension holds: 11.57 kt within 1 %.
    let file = write(
        &d,
        "good.toml",
        &entry("llama-3.1", "ademe-lca", "gwp.total", "11.57 t CO2e", "1 %"),
    );
    let out = bilan(&["check", &file, &inventory]);
    assert_eq!(out.code, 3, "{}\n{}", out.stdout, out.stderr);
    let file = write(
        &d,
        "good.toml",
        &entry("llama-3.1", "ademe-lca", "gwp.total", "11574 t CO2e", "1 %"),
    );
    let out = bilan(&["check", &file, &inventory]);
    assert_eq!(out.code, 0, "{}\n{}", out.stdout, out.stderr);
    // Without a file and without --update, the file cannot be read.
    let out = bilan(&[
        "check",
        &d.join("none.toml").display().to_string(),
        &inventory,
    ]);
    assert_eq!(out.code, 2, "{}", out.stderr);
}

#[test]
fn an_inventory_with_no_figure_in_the_file_is_refused_not_reported_as_holding() {
    // `check expect.toml a.toml b.toml` with figures of `a` only said "all 2 figures hold",
    // while nothing of `b` was checked.
    let d = dir("unchecked");
    let a = write(&d, "llama-3.1.toml", &llama());
    let file = expectations(&d, &a);
    let b = write(&d, "b.toml", &llama());
    let out = bilan(&["check", &file, &a, &b]);
    assert_eq!(out.code, 2, "{}\n{}", out.stdout, out.stderr);
    assert!(
        out.stderr.contains("no figure of system `b`")
            && out.stderr.contains("add its figures with --update"),
        "{}",
        out.stderr
    );
    assert!(!out.stdout.contains("hold"), "{}", out.stdout);
}

#[test]
fn update_says_which_totals_it_cannot_write() {
    // An inventory whose only item is a service allocating emissions: energy is not computed,
    // and `--update` used to leave it out without a word.
    let d = dir("not-added");
    let inventory = d.join("card.toml").display().to_string();
    let card = root().join("tests/fixtures/interop/model-card/emissions-only.md");
    let out = bilan(&[
        "import",
        "model-card",
        &card.display().to_string(),
        "-o",
        &inventory,
    ]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let file = d.join("expect.toml").display().to_string();
    let out = bilan(&["check", &file, &inventory, "--update", "-m", "ademe-lca"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(
        out.stdout.contains("added card ademe-lca gwp.total")
            && out.stdout.contains(
                "not added card ademe-lca energy.total: not computed: no item of the inventory gives energy"
            ),
        "{}",
        out.stdout
    );
}

#[test]
fn a_method_filter_that_leaves_out_every_figure_is_refused_not_all_0_hold() {
    // `check expect.toml inv -m sci`, with figures under ademe-lca only, said "all 0
    // figures hold" with exit 0.
    let d = dir("no-method");
    let inventory = write(&d, "llama-3.1.toml", &llama());
    let file = expectations(&d, &inventory);
    let out = bilan(&["check", &file, &inventory, "-m", "sci"]);
    assert_eq!(out.code, 2, "{}\n{}", out.stdout, out.stderr);
    assert!(
        out.stderr.contains("nothing checked: the ")
            && out
                .stderr
                .contains("are under ademe-lca, which --method leaves out"),
        "{}",
        out.stderr
    );
    assert!(!out.stdout.contains("hold"), "{}", out.stdout);
}
