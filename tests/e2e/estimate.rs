//! Estimators, the power model and the hardware catalogue end to end: an inventory with no
//! measured energy assessed by every method, with intervals and every estimated value
//! marked; `bilan hardware`; `--power-model`; errors located in the inventory.

use crate::support::{bilan, builtin_ids, root};

const EXAMPLE: &str = "examples/estimated-open-model.toml";

fn json(args: &[&str]) -> serde_json::Value {
    let out = bilan(args);
    assert_eq!(out.code, 0, "{args:?}: {}", out.stderr);
    serde_json::from_str(&out.stdout).expect("valid JSON")
}

fn path(rel: &str) -> String {
    root().join(rel).display().to_string()
}

/// Terms of `assessment` marked with `estimator`.
fn marked(assessment: &serde_json::Value, estimator: &str) -> usize {
    assessment["contributions"]
        .as_array()
        .expect("contributions")
        .iter()
        .flat_map(|c| c["terms"].as_array().cloned().unwrap_or_default())
        .filter(|t| t["estimated"] == estimator)
        .count()
}

#[test]
fn an_inventory_with_no_measured_energy_is_assessed_by_every_method_with_intervals() {
    let example = path(EXAMPLE);
    let report = json(&[
        "compare",
        &example,
        "-f",
        "json",
        "--uncertainty",
        "analytic",
    ]);
    let assessments = report["assessments"].as_array().expect("assessments");
    assert_eq!(assessments.len(), builtin_ids().len());
    for a in assessments {
        let method = a["method"]["id"].as_str().unwrap_or("?");
        // Every method reads the estimated training device-hours and power.
        assert!(marked(a, "training-compute") > 0, "{method}");
        assert!(marked(a, "power-model") > 0, "{method}");
    }
    let estimated = report["estimated"]
        .as_array()
        .expect("an estimated section");
    let keys: Vec<String> = estimated
        .iter()
        .map(|e| {
            format!(
                "{}.{}",
                e["workload"].as_str().unwrap_or(""),
                e["key"].as_str().unwrap_or("")
            )
        })
        .collect();
    assert_eq!(
        keys,
        [
            "pretrain.device-hours",
            "pretrain.power-per-device",
            "experiments.power-per-device",
            "serve.energy",
            "serve.device-hours",
            "serve.host-overhead"
        ]
    );
    // Intervals: every method's GWP total has a real spread, driven by the estimates.
    let figures = report["comparison"]["uncertainty"]["figures"]
        .as_array()
        .or_else(|| report["uncertainty"]["figures"].as_array())
        .expect("uncertainty figures")
        .clone();
    for a in assessments {
        let method = a["method"]["id"].as_str().unwrap_or("?");
        let f = figures
            .iter()
            .find(|f| f["method"] == method && f["figure"] == "gwp.total")
            .unwrap_or_else(|| panic!("no gwp.total interval for {method}"));
        let (lo, hi) = (
            f["interval"]["p2.5"]
                .as_f64()
                .or_else(|| f["interval"]["low"].as_f64()),
            f["interval"]["p97.5"]
                .as_f64()
                .or_else(|| f["interval"]["high"].as_f64()),
        );
        let (Some(lo), Some(hi)) = (lo, hi) else {
            panic!("{method}: interval {}", f["interval"]);
        };
        assert!(hi > lo * 1.05, "{method}: {lo}–{hi}");
    }
}

#[test]
fn the_hardware_catalogue_is_listed_with_its_sources() {
    let out = bilan(&["hardware"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    for id in [
        "nvidia-h100-sxm-80gb",
        "nvidia-b200-192gb",
        "amd-mi300x-192gb",
        "nvidia-l4-24gb",
    ] {
        assert!(out.stdout.contains(id), "{id}: {}", out.stdout);
    }
    let one = bilan(&["hardware", "nvidia-h100-sxm-80gb"]);
    assert_eq!(one.code, 0, "{}", one.stderr);
    assert!(
        one.stdout.contains("sources:") && one.stdout.contains("arXiv 2605.23918"),
        "{}",
        one.stdout
    );
    let unknown = bilan(&["hardware", "nvidia-h100-sxm"]);
    assert_eq!(unknown.code, 2);
    assert!(
        unknown.stderr.contains("did you mean"),
        "{}",
        unknown.stderr
    );
    let all = json(&["hardware", "-f", "json"]);
    assert!(all["devices"].as_array().is_some_and(|d| d.len() >= 11));
}

#[test]
fn the_conservative_power_model_takes_the_maximum_power() {
    let example = path(EXAMPLE);
    let energy = |extra: &[&str]| {
        let mut args = vec!["compare", &example, "-f", "json", "-m", "ademe-lca"];
        args.extend_from_slice(extra);
        let report = json(&args);
        report["estimated"]
            .as_array()
            .expect("estimated")
            .iter()
            .find(|e| e["workload"] == "experiments" && e["key"] == "power-per-device")
            .and_then(|e| e["value"].as_f64())
            .expect("the experiments' power")
    };
    let curve = energy(&[]);
    assert!((curve - (122.0 + 0.45 * 578.0)).abs() < 1e-9, "{curve}");
    assert_eq!(energy(&["--power-model", "max"]), 700.0);
}

#[test]
fn a_bad_estimate_is_refused_with_its_line_and_key() {
    let dir = crate::support::scratch().join(format!("bilan-e2e-estimate-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("scratch");
    let text = std::fs::read_to_string(path(EXAMPLE)).expect("example");
    let broken = text.replacen(
        "active-parameters = 70e9\nprecision = \"bf16\"",
        "precision = \"fp4\"",
        1,
    );
    assert_ne!(broken, text);
    let file = dir.join("broken.toml");
    std::fs::write(&file, broken).expect("write");
    let out = bilan(&["compare", &file.display().to_string()]);
    let _ = std::fs::remove_dir_all(&dir);
    assert_eq!(out.code, 2, "{}", out.stdout);
    assert!(
        out.stderr.contains("estimate.active-parameters"),
        "{}",
        out.stderr
    );
    assert!(
        out.stderr.contains("estimate.precision") && out.stderr.contains("fp4"),
        "{}",
        out.stderr
    );
    let validate = bilan(&["validate", &path(EXAMPLE)]);
    assert_eq!(validate.code, 0, "{}", validate.stderr);
    assert!(
        validate.stdout.contains("6 estimated values"),
        "{}",
        validate.stdout
    );
}
