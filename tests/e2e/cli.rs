//! The command line: help, listing, validation errors, exit codes.

use crate::support::{bilan, refused};

fn write_broken(name: &str, from: &str, edit: impl Fn(String) -> String) -> String {
    crate::support::edited_file("cli", from, name, edit)
}

fn llama_with(name: &str, from: &str, to: &str) -> String {
    write_broken(name, "examples/llama-3.1.toml", |t| t.replacen(from, to, 1))
}

#[test]
fn validate_accepts_the_examples() {
    for example in [
        "examples/llama-3.1.toml",
        "examples/mistral-large-2-illustrative.toml",
    ] {
        let out = bilan(&["validate", example]);
        assert_eq!(out.code, 0, "{}", out.stderr);
        assert!(out.stdout.contains(": ok (schema 1"), "{}", out.stdout);
    }
}

#[test]
fn unknown_key_is_an_error_with_its_line_and_path() {
    let path = llama_with("typo.toml", "pue = 1.0", "pue = 1.0\npeu = 1.2");
    refused(&path, &["typo.toml:63: site[0].peu: unknown key `peu`"]);
}

#[test]
fn wrong_unit_names_value_unit_and_path() {
    let path = llama_with(
        "unit.toml",
        "power-per-device = \"700 W\"",
        "power-per-device = \"700 kWh\"",
    );
    refused(
        &path,
        &[
            "unit.toml:86: workload[0].power-per-device: `700 kWh` is energy, expected power (e.g. W)",
        ],
    );
}

#[test]
fn dangling_reference_lists_what_exists() {
    let path = llama_with(
        "dangling.toml",
        "fleet = \"h100-training\"",
        "fleet = \"h100-trainin\"",
    );
    refused(
        &path,
        &["workload[0].fleet: unknown fleet `h100-trainin` (known fleets: h100-training)"],
    );
}

#[test]
fn negative_energy_is_refused() {
    let path = write_broken(
        "negative.toml",
        "examples/mistral-large-2-illustrative.toml",
        |t| t.replace("energy = \"6060 MWh\"", "energy = \"-6060 MWh\""),
    );
    refused(
        &path,
        &["workload[3].energy: `-6060 MWh` is negative; a negative amount makes no sense here"],
    );
}

#[test]
fn nan_is_refused_in_quantities_and_numbers() {
    let path = llama_with("nan.toml", "\"1.46e6 GPU·h\"", "\"nan GPU·h\"");
    refused(
        &path,
        &["workload[0].device-hours: `nan GPU·h`", "not finite"],
    );
    let path = llama_with("nan2.toml", "count = 16384", "count = nan");
    refused(&path, &["fleet[0].count: `NaN`: the number is not finite"]);
}

#[test]
fn ambiguous_comma_is_explained() {
    let path = llama_with(
        "comma.toml",
        "energy = \"27510 MWh\"",
        "energy = \"27,510 MWh\"",
    );
    refused(&path, &["instrument[0].energy", "comma is ambiguous"]);
}

#[test]
fn syntax_errors_do_not_panic() {
    let path = llama_with("syntax.toml", "[system]", "[system");
    refused(&path, &["syntax.toml:"]);
    refused(
        "does-not-exist.toml",
        &["does-not-exist.toml: cannot read the file"],
    );
}

#[test]
fn json_inventories_read_like_toml() {
    let dir = crate::support::scratch_dir("json");
    let path = dir.join("tiny.json");
    std::fs::write(
        &path,
        r#"{"schema": 1,
            "system": {"name": "tiny", "period": {"start": "2025-01-01", "end": "2025-12-31"}},
            "site": [{"id": "s", "region": "FR", "pue": 1.2, "ownership": "cloud"}],
            "workload": [{"id": "w", "phase": "inference", "site": "s", "energy": "1000 kWh"}]}"#,
    )
    .expect("write");
    let out = bilan(&[
        "assess",
        &path.display().to_string(),
        "--method",
        "ademe-lca",
        "--format",
        "json",
    ]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    std::fs::write(&path, r#"{"schema": 1, "system": {"name": "x", "period": {"start": "2025-01-01", "end": "2025-12-31"}}, "sit": []}"#)
        .expect("write");
    refused(
        &path.display().to_string(),
        &["tiny.json: sit: unknown key `sit`"],
    );
}

#[test]
fn unknown_method_and_parameter_are_usage_errors() {
    let out = bilan(&["assess", "examples/llama-3.1.toml", "--method", "nope"]);
    assert_eq!(out.code, 2);
    assert!(
        out.stderr
            .contains("unknown method `nope`; available: ademe-lca"),
        "{}",
        out.stderr
    );
    let out = bilan(&[
        "assess",
        "examples/llama-3.1.toml",
        "--param",
        "lifetime=3 years",
    ]);
    assert_eq!(out.code, 2);
    assert!(
        out.stderr
            .contains("no selected method has a parameter `lifetime`"),
        "{}",
        out.stderr
    );
    // Aimed at one method, it said that method "has a parameter".
    let out = bilan(&[
        "assess",
        "examples/llama-3.1.toml",
        "-m",
        "ademe-lca",
        "--param",
        "ademe-lca:lifetime=3 years",
    ]);
    assert_eq!(out.code, 2);
    assert!(
        out.stderr
            .contains("method `ademe-lca` has no parameter `lifetime`"),
        "{}",
        out.stderr
    );
    let out = bilan(&[
        "assess",
        "examples/llama-3.1.toml",
        "--param",
        "default-lifetime=3 kg",
    ]);
    assert_eq!(out.code, 2);
    assert!(
        out.stderr.contains("`3 kg` is mass, expected time"),
        "{}",
        out.stderr
    );
}

#[test]
fn parameters_change_results_and_are_recorded() {
    let base = bilan(&[
        "assess",
        "examples/mistral-large-2-illustrative.toml",
        "-m",
        "ademe-lca",
        "-f",
        "json",
    ]);
    let divided = bilan(&[
        "assess",
        "examples/mistral-large-2-illustrative.toml",
        "-m",
        "ademe-lca",
        "-f",
        "json",
        "--param",
        "ademe-lca:utilisation-divisor=inventory",
    ]);
    let manufacturing = |o: &crate::support::Output| -> f64 {
        let v: serde_json::Value = serde_json::from_str(&o.stdout).expect("json");
        v["methods"][0]["results"][0]["by-stage"]["manufacturing"]
            .as_f64()
            .expect("number")
    };
    assert!(manufacturing(&divided) > manufacturing(&base) * 1.1);
    assert!(
        divided
            .stdout
            .contains("\"utilisation-divisor\": \"inventory\"")
    );
}

#[test]
fn output_file_and_listing_commands() {
    let dir = crate::support::scratch_dir("out");
    let file = dir.join("report.json");
    let out = bilan(&[
        "assess",
        "examples/llama-3.1.toml",
        "-f",
        "json",
        "-o",
        &file.display().to_string(),
    ]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(out.stdout.is_empty());
    let written: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&file).expect("written")).expect("json");
    assert_eq!(written["stamp"]["methods"][0]["id"], "ademe-lca");

    let out = bilan(&["methods"]);
    assert_eq!(out.code, 0);
    assert!(out.stdout.contains("ademe-lca 1.0.0"), "{}", out.stdout);
    assert!(out.stdout.contains("default-lifetime"), "{}", out.stdout);

    let out = bilan(&["factors", "--region", "US-VA"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(
        out.stdout.contains("egrid-us-va-grid-gwp-combustion-2023"),
        "{}",
        out.stdout
    );
    assert!(out.stdout.contains("public domain"), "{}", out.stdout);
    let out = bilan(&["factors", "--subject", "hardware/nvidia-h100"]);
    assert!(
        out.stdout.contains("nvidia-pcf-hgx-h100-per-gpu")
            && out.stdout.contains("ecologits-hubblo-h100-80gb-gwp"),
        "{}",
        out.stdout
    );
    assert!(out.stdout.contains("no citable figure"), "{}", out.stdout);
    let out = bilan(&["factors", "--region", "XX"]);
    assert_eq!(out.code, 2);

    let out = bilan(&["--help"]);
    assert_eq!(out.code, 0);
    assert!(
        out.stdout.contains("assess") && out.stdout.contains("validate"),
        "{}",
        out.stdout
    );
}

#[test]
fn reserving_more_devices_than_the_fleet_has_is_refused() {
    let path = write_broken(
        "devices.toml",
        "examples/mistral-large-2-illustrative.toml",
        |t| t.replace("devices = 1024", "devices = 2000"),
    );
    refused(
        &path,
        &["workload[3].devices: 2000 devices reserved, but fleet `h100-inference` has 1024"],
    );
}
