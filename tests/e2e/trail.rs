//! `--trail none|summary|full`: how much of the audit trail the JSON reports (and the HTML
//! page) carry. The figures never change; `full` is the default and what every snapshot
//! holds, streamed byte for byte as before.

use serde_json::Value;

use crate::support::bilan;

const INVENTORY: &str = "examples/llama-3.1.toml";

fn json(args: &[&str]) -> (Value, usize) {
    let out = bilan(args);
    assert_eq!(out.code, 0, "{args:?}: {}", out.stderr);
    let value = serde_json::from_str(&out.stdout).expect("JSON");
    (value, out.stdout.len())
}

fn with_trail<'a>(command: &'a str, format: &'a str, trail: Option<&'a str>) -> Vec<&'a str> {
    let mut args = vec![command, INVENTORY, "-f", format];
    if let Some(t) = trail {
        args.extend(["--trail", t]);
    }
    args
}

#[test]
fn full_is_the_default() {
    for command in ["compare", "assess"] {
        let default = bilan(&with_trail(command, "json", None));
        let full = bilan(&with_trail(command, "json", Some("full")));
        assert_eq!(default.code, 0, "{}", default.stderr);
        assert_eq!(default.stdout, full.stdout, "{command}");
    }
}

#[test]
fn compare_without_the_trail_is_much_smaller_and_has_the_same_figures() {
    let (full, full_len) = json(&with_trail("compare", "json", Some("full")));
    let (summary, summary_len) = json(&with_trail("compare", "json", Some("summary")));
    let (none, none_len) = json(&with_trail("compare", "json", Some("none")));
    // The comparison is most of a small inventory's `none`; the trail is what grows with
    // the inventory (at 100,000 workloads `none` is 79 kB, `full` 1.6 GB).
    let (full_trail, none_trail) = (size(&full["assessments"]), size(&none["assessments"]));
    assert!(
        none_trail * 2 < full_trail,
        "assessments: none {none_trail} B, full {full_trail} B"
    );
    assert!(none_len < summary_len && summary_len < full_len);
    for key in ["stamp", "system", "period", "comparison"] {
        assert_eq!(full[key], none[key], "{key}");
        assert_eq!(full[key], summary[key], "{key}");
    }
    let methods = full["assessments"].as_array().expect("assessments").len();
    assert!(methods > 1);
    for n in 0..methods {
        let (f, s, x) = (
            &full["assessments"][n],
            &summary["assessments"][n],
            &none["assessments"][n],
        );
        for key in [
            "method",
            "parameters",
            "coverage",
            "warnings",
            "functional-units",
            "disclosures",
        ] {
            assert_eq!(f[key], x[key], "{key}");
            assert_eq!(f[key], s[key], "{key}");
        }
        for key in ["contributions", "factors", "exclusions", "assumptions"] {
            assert!(f.get(key).is_some(), "{key}");
            assert!(x.get(key).is_none(), "none keeps {key}");
        }
        for key in ["factors", "exclusions", "assumptions"] {
            assert_eq!(f[key], s[key], "{key}");
        }
        summary_contributions_have_values_but_no_terms(f, s);
    }
}

/// The size of `value` as compact JSON.
fn size(value: &Value) -> usize {
    serde_json::to_string(value).expect("JSON").len()
}

/// Each contribution of `summary` is the full one without `formula` and `terms`.
fn summary_contributions_have_values_but_no_terms(full: &Value, summary: &Value) {
    let f = full["contributions"].as_array().expect("contributions");
    let s = summary["contributions"].as_array().expect("contributions");
    assert_eq!(f.len(), s.len());
    for (f, s) in f.iter().zip(s) {
        let mut trimmed = f.clone();
        let object = trimmed.as_object_mut().expect("object");
        assert!(object.remove("formula").is_some());
        assert!(object.remove("terms").is_some());
        assert_eq!(&trimmed, s);
    }
}

#[test]
fn assess_without_the_trail_keeps_results_and_quality() {
    let (full, full_len) = json(&with_trail("assess", "json", Some("full")));
    let (summary, _) = json(&with_trail("assess", "json", Some("summary")));
    let (none, none_len) = json(&with_trail("assess", "json", Some("none")));
    assert!(
        none_len * 2 < full_len,
        "none {none_len} B, full {full_len} B"
    );
    assert_eq!(full["stamp"], none["stamp"]);
    let methods = full["methods"].as_array().expect("methods");
    for (n, m) in methods.iter().enumerate() {
        for key in ["method", "results", "quality"] {
            assert_eq!(m[key], none["methods"][n][key], "{key}");
            assert_eq!(m[key], summary["methods"][n][key], "{key}");
        }
        let x = &none["methods"][n]["assessment"];
        assert!(x.get("contributions").is_none() && x.get("factors").is_none());
        assert_eq!(m["assessment"]["warnings"], x["warnings"]);
        let s = &summary["methods"][n]["assessment"];
        assert_eq!(m["assessment"]["factors"], s["factors"]);
        summary_contributions_have_values_but_no_terms(&m["assessment"], s);
    }
}

#[test]
fn html_drops_its_browsable_trail_and_the_other_formats_do_not_change() {
    let page = |trail| {
        let out = bilan(&with_trail("compare", "html", Some(trail)));
        assert_eq!(out.code, 0, "{}", out.stderr);
        out.stdout
    };
    let (full, summary, none) = (page("full"), page("summary"), page("none"));
    assert!(full.contains("<h3>Audit trail</h3>") && full.contains("<table class=\"trail\">"));
    assert!(summary.contains("<h3>Audit trail</h3>"));
    assert!(!summary.contains("<table class=\"trail\">"));
    assert!(summary.contains("<summary>assumptions</summary>"));
    assert!(!none.contains("Audit trail"));
    assert!(none.contains("<h3>Divergence by driver</h3>") && none.contains("svg"));
    for (command, format) in [
        ("compare", "table"),
        ("compare", "md"),
        ("compare", "csv"),
        ("assess", "table"),
        ("assess", "md"),
    ] {
        let full = bilan(&with_trail(command, format, Some("full")));
        let none = bilan(&with_trail(command, format, Some("none")));
        assert_eq!(full.code, 0, "{}", full.stderr);
        assert_eq!(full.stdout, none.stdout, "{command} -f {format}");
    }
}

#[test]
fn a_report_written_to_a_file_is_the_one_written_to_standard_output() {
    let dir = crate::support::scratch().join("trail");
    std::fs::create_dir_all(&dir).expect("dir");
    for (command, format) in [
        ("compare", "json"),
        ("compare", "md"),
        ("compare", "csv"),
        ("compare", "html"),
        ("assess", "json"),
        ("assess", "table"),
    ] {
        let file = dir.join(format!("{command}.{format}"));
        let path = file.display().to_string();
        let mut args = with_trail(command, format, None);
        args.extend(["-o", path.as_str()]);
        let written = bilan(&args);
        assert_eq!(written.code, 0, "{}", written.stderr);
        assert!(written.stdout.is_empty());
        let shown = bilan(&with_trail(command, format, None));
        let text = std::fs::read_to_string(&file).expect("written");
        let root = format!("{}/", crate::support::root().display());
        assert_eq!(
            text.replace(&root, ""),
            shown.stdout,
            "{command} -f {format}"
        );
    }
}

/// A scale rule that names an indicator: `explain` shows its term, marked, in that
/// indicator's figures and not in the others', and the divergence puts the whole change of
/// that indicator on the auditor rule and none on the others.
#[test]
fn a_rule_on_one_indicator_is_in_that_indicator_s_trail_only() {
    let dir = crate::support::scratch_dir("trail");
    let file = dir.join("water-margin.toml");
    std::fs::write(
        &file,
        "schema = 1\nid = \"water-margin\"\nversion = \"1.0.0\"\nname = \"water margin\"\ndescription = \"d\"\nextends = \"ademe-lca@^1\"\n\n[[rule]]\nid = \"water-margin\"\nkind = \"scale\"\nmatch = { stage = \"use\", indicator = \"water\" }\nmultiplier = 1.25\nreason = \"unmetered cooling losses\"\n",
    )
    .expect("method file");
    let file = file.display().to_string();
    let explain = |figure: &str| {
        let out = bilan(&[
            "explain",
            INVENTORY,
            "--figure",
            figure,
            "-m",
            "water-margin",
            "--method-file",
            &file,
        ]);
        assert_eq!(out.code, 0, "{}", out.stderr);
        out.stdout
    };
    let water = explain("water.stage.use");
    assert!(
        water.contains(
            "× k_water-margin = 1.25 [auditor-rule] (water only) ← rule: rule `water-margin`"
        ),
        "{water}"
    );
    assert!(!explain("gwp.stage.use").contains("k_water-margin"));

    let (report, _) = json(&[
        "compare",
        INVENTORY,
        "-f",
        "json",
        "-m",
        "ademe-lca",
        "-m",
        "water-margin",
        "--method-file",
        &file,
    ]);
    let divergences = report["comparison"]["divergences"]
        .as_array()
        .expect("divergences");
    let of = |indicator: &str| {
        divergences
            .iter()
            .find(|d| d["indicator"] == indicator)
            .unwrap_or_else(|| panic!("{indicator}: {divergences:?}"))
    };
    let water = of("water");
    let difference = water["difference"].as_f64().expect("difference");
    assert!(difference > 0.0);
    let drivers = water["drivers"].as_array().expect("drivers");
    assert_eq!(drivers.len(), 1, "{water}");
    assert_eq!(drivers[0]["driver"], "auditor-rule");
    let rule = drivers[0]["amount"].as_f64().expect("amount");
    assert!((rule / difference - 1.0).abs() < 1e-9, "{water}");
    for other in ["gwp", "adpe", "adpf", "energy"] {
        assert_eq!(of(other)["difference"].as_f64(), Some(0.0), "{other}");
    }
}
