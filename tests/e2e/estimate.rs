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
    let dir = crate::support::scratch_dir("estimate");
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

/// An inventory of one workload `serve` on a fleet `h100` of `count` H100 (acquired on
/// 2025-01-06), with `workload` the rest of its table, written in a scratch directory.
fn inventory(name: &str, count: u32, workload: &str) -> (std::path::PathBuf, String) {
    let dir = crate::support::scratch_dir(&format!("estimate-{name}"));
    let text = format!(
        r#"schema = 1
[system]
name = "t"
period = {{ start = 2025-01-01, end = 2025-12-31 }}
[[site]]
id = "dc"
region = "FR"
ownership = "owned"
[[fleet]]
id = "h100"
model = "nvidia-h100-sxm-80gb"
count = {count}
acquired = 2025-01-06
site = "dc"
[[workload]]
id = "serve"
site = "dc"
fleet = "h100"
{workload}
"#
    );
    let file = dir.join(format!("{name}.toml"));
    std::fs::write(&file, text).expect("write");
    let path = file.display().to_string();
    (dir, path)
}

const SERVING: &str = r#"phase = "inference"
volume = { requests = 1e6, tokens-out = 4e8 }
[workload.estimate]
estimator = "llm-inference-ecologits"
active-parameters = ACTIVE
"#;

const TRAINING: &str = r#"phase = "training"
volume = { training-tokens = TOKENS }
[workload.estimate]
estimator = "training-compute"
active-parameters = ACTIVE
"#;

/// `validate`, `assess -m sci` and `compare -f json` on `file`: each must refuse it (exit 2)
/// with every one of `expected` in its errors and nothing on stdout but `validate`'s.
fn refused_everywhere(file: &str, expected: &[&str]) {
    for args in [
        vec!["validate", file],
        vec!["assess", file, "-m", "sci"],
        vec!["compare", file, "-f", "json"],
    ] {
        let out = bilan(&args);
        assert_eq!(out.code, 2, "{args:?}: {}{}", out.stdout, out.stderr);
        for e in expected {
            assert!(out.stderr.contains(e), "{args:?}: {e} in {}", out.stderr);
        }
        assert!(!out.stdout.contains("inf"), "{args:?}: {}", out.stdout);
    }
}

#[test]
fn an_estimate_beyond_the_range_of_f64_is_refused_with_the_value_and_its_inputs() {
    let cases = [
        (
            "serving-overflow",
            SERVING.replace("ACTIVE", "1e300"),
            "the `energy` that llm-inference-ecologits estimates",
        ),
        (
            "training-parameters-overflow",
            TRAINING
                .replace("ACTIVE", "1e300")
                .replace("TOKENS", "1e12"),
            "6 × 1e300 × 1e12 token = inf FLOP",
        ),
        (
            "training-tokens-overflow",
            TRAINING
                .replace("ACTIVE", "70e9")
                .replace("TOKENS", "1e300"),
            "6 × 7e10 × 1e300 token = inf FLOP",
        ),
    ];
    for (name, workload, inputs) in cases {
        let (dir, file) = inventory(name, 8, &workload);
        refused_everywhere(
            &file,
            &[
                "workload[0].estimate:",
                "beyond the range of 64-bit numbers",
                inputs,
            ],
        );
        let _ = std::fs::remove_dir_all(&dir);
    }
}

#[test]
fn an_inference_estimate_reserves_no_more_gpus_than_its_fleet_has() {
    // 1,000 B parameters at 16 bit need 30 H100 of 80 GB: 32, in EcoLogits' power of two.
    let workload = SERVING.replace("ACTIVE", "1e12");
    let (dir, file) = inventory("serving-fleet", 8, &workload);
    refused_everywhere(
        &file,
        &[
            "workload[0].estimate:",
            "workload `serve`",
            "llm-inference-ecologits",
            "32 devices reserved, but fleet `h100` has 8",
        ],
    );
    // The same rule as written devices.
    let written =
        "phase = \"inference\"\ndevices = 32\nduration = \"10 h\"\npower-per-device = \"700 W\"\n";
    let (written_dir, written_file) = inventory("written-fleet", 8, written);
    let out = bilan(&["validate", &written_file]);
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert!(
        out.stderr
            .contains("32 devices reserved, but fleet `h100` has 8"),
        "{}",
        out.stderr
    );
    let (large_dir, large) = inventory("serving-large-fleet", 32, &workload);
    let out = bilan(&["validate", &large]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    for d in [dir, written_dir, large_dir] {
        let _ = std::fs::remove_dir_all(&d);
    }
}

#[test]
fn a_distribution_that_leaves_its_keys_domain_is_refused_like_the_value() {
    let power = "phase = \"inference\"\ndevice-hours = \"1000 GPU·h\"\n";
    // 2,948 GPU·h: within what 8 GPUs deliver in the year.
    let training = TRAINING.replace("ACTIVE", "70e9").replace("TOKENS", "1e10");
    let cases = [
        (
            format!("{power}utilisation = {{ min = 0.5, max = 1.5 }}\n"),
            "workload[0].utilisation: its uniform 0.5–1.5 reaches 1.5, out of range",
        ),
        (
            format!("{power}utilisation = {{ min = 0, max = 1 }}\n"),
            "workload[0].utilisation: its uniform 0–1 reaches 0, out of range",
        ),
        (
            format!("{power}utilisation = \"0.9 ± 0.2\"\n"),
            "workload[0].utilisation: its 95 % interval 0.7–1.1",
        ),
        (
            format!("{training}mfu = {{ min = 0.3, max = 1.5 }}\n"),
            "workload[0].estimate.mfu: its uniform 0.3–1.5 reaches 1.5",
        ),
        (
            format!("{training}mfu = {{ min = 0, max = 0.5 }}\n"),
            "workload[0].estimate.mfu: its uniform 0–0.5 reaches 0",
        ),
    ];
    for (n, (workload, expected)) in cases.iter().enumerate() {
        let (dir, file) = inventory(&format!("domain-{n}"), 8, workload);
        refused_everywhere(&file, &[expected]);
        let _ = std::fs::remove_dir_all(&dir);
    }
    // Within the domain, the same forms pass.
    for (n, workload) in [
        format!("{power}utilisation = {{ min = 0.3, max = 1 }}\n"),
        format!("{power}utilisation = \"0.5 ± 0.2\"\n"),
        format!("{training}mfu = {{ min = 0.3, mode = 0.4, max = 0.55 }}\n"),
    ]
    .iter()
    .enumerate()
    {
        let (dir, file) = inventory(&format!("within-{n}"), 8, workload);
        let out = bilan(&["validate", &file]);
        let _ = std::fs::remove_dir_all(&dir);
        assert_eq!(out.code, 0, "{workload}: {}", out.stderr);
    }
}
