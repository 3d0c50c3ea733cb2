//! `bilan assess --method sci`: the Software Carbon Intensity per functional unit, its E, I
//! and M terms, boundaries and refusals, through the command line.

use crate::support::{bilan, root};

fn sci_json(path: &str) -> serde_json::Value {
    let out = bilan(&["assess", path, "--method", "sci", "--format", "json"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let v: serde_json::Value = serde_json::from_str(&out.stdout).expect("valid JSON");
    v["methods"][0]["assessment"].clone()
}

fn disclosure(a: &serde_json::Value, id: &str) -> serde_json::Value {
    a["disclosures"]
        .as_array()
        .expect("disclosures")
        .iter()
        .find(|d| d["id"] == id)
        .unwrap_or_else(|| panic!("disclosure `{id}`"))
        .clone()
}

/// The table row of a disclosure: its label, then its value.
fn row<'a>(table: &'a str, label: &str) -> &'a str {
    table
        .lines()
        .find(|l| l.starts_with(&format!("| {label} ")))
        .unwrap_or_else(|| panic!("a row `{label}` in\n{table}"))
}

fn within(value: f64, expected: f64, tolerance: f64) -> bool {
    ((value - expected) / expected).abs() <= tolerance
}

#[test]
fn sci_prints_the_score_per_functional_unit_with_e_i_and_m() {
    let out = bilan(&[
        "assess",
        "examples/mistral-large-2-illustrative.toml",
        "--method",
        "sci",
    ]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let t = &out.stdout;
    assert!(t.starts_with("sci@1.0.0 — "), "{t}");
    for (label, value) in [
        (
            "SCI of `request` (consumer): (E × I + M) / R",
            "499.9 mg CO2e/request",
        ),
        ("`request`: E / R", "0.005909 kWh/request"),
        ("`request`: I", "56.04 g CO2e/kWh"),
        ("`request`: E × I / R", "331.1 mg CO2e/request"),
        ("`request`: M / R", "168.7 mg CO2e/request"),
        (
            "SCI of `training-run` (provider): (E × I + M) / R",
            "663.8 t CO2e/training-run",
        ),
        ("provider boundary: M", "244.5 t CO2e"),
    ] {
        assert!(row(t, label).contains(value), "{label}: {}", row(t, label));
    }
    assert!(t.contains("audit trail: "), "{t}");
    // The per-functional-unit table agrees with the disclosure.
    assert!(
        t.lines()
            .any(|l| l.starts_with("| request ") && l.contains("499.9 mg CO2e")),
        "{t}"
    );
}

#[test]
fn a_training_only_inventory_has_no_consumer_score() {
    let out = bilan(&["assess", "examples/llama-3.1.toml", "--method", "sci"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    for label in [
        "consumer boundary: E",
        "consumer boundary: I",
        "consumer boundary: E × I",
        "consumer boundary: M",
    ] {
        assert!(
            row(&out.stdout, label)
                .contains("n/a (not applicable: no inference in this inventory)"),
            "{}",
            row(&out.stdout, label)
        );
    }
    let a = sci_json("examples/llama-3.1.toml");
    assert!(disclosure(&a, "consumer.operational")["value"].is_null());
    assert!(disclosure(&a, "provider.energy")["value"].is_number());
}

/// The PPA is refused: E × I is Meta's location-based 11,390 t, not the market-based 0 t.
#[test]
fn market_based_instruments_do_not_lower_the_score() {
    let a = sci_json("examples/llama-3.1.toml");
    let operational = disclosure(&a, "provider.operational")["value"]
        .as_f64()
        .expect("a number");
    assert!(within(operational, 11_390_000.0, 0.01), "{operational} kg");
    let exclusion = a["exclusions"]
        .as_array()
        .expect("exclusions")
        .iter()
        .find(|e| e["item"]["kind"] == "instrument")
        .expect("the PPA is excluded")
        .clone();
    assert_eq!(exclusion["driver"], "electricity-basis");
    assert!(
        exclusion["reason"]
            .as_str()
            .is_some_and(|r| r.contains("excludes any market-based measures")),
        "{exclusion}"
    );
}

#[test]
fn r_of_zero_is_an_error_with_exit_code_1() {
    let text = std::fs::read_to_string(root().join("examples/mistral-large-2-illustrative.toml"))
        .expect("example readable");
    let edited = text.replacen("requests = 2.0e9", "requests = 0", 1);
    assert_ne!(edited, text, "the edit changed the file");
    let dir = crate::support::scratch_dir("sci");
    let path = dir.join("no-requests.toml");
    std::fs::write(&path, edited).expect("write");
    let out = bilan(&["assess", &path.display().to_string(), "--method", "sci"]);
    assert_eq!(out.code, 1, "{}", out.stderr);
    assert!(
        out.stderr.contains(
            "error: sci@1.0.0: functional unit `request`: R = 0: its workloads report no request to divide by"
        ),
        "{}",
        out.stderr
    );
}

#[test]
fn parameters_change_the_boundary_and_are_recorded() {
    let out = bilan(&[
        "assess",
        "examples/mistral-large-2-illustrative.toml",
        "-m",
        "sci",
        "-f",
        "json",
        "--param",
        "sci:include-datacentre=false",
    ]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let v: serde_json::Value = serde_json::from_str(&out.stdout).expect("json");
    let a = &v["methods"][0]["assessment"];
    assert_eq!(a["parameters"]["include-datacentre"], "false");
    let base = sci_json("examples/mistral-large-2-illustrative.toml");
    let e = |a: &serde_json::Value| {
        disclosure(a, "consumer.energy")["value"]
            .as_f64()
            .expect("a number")
    };
    assert!(within(e(&base), e(a) * 1.3, 1e-9), "{} {}", e(&base), e(a));
}

#[test]
fn methods_lists_sci() {
    let out = bilan(&["methods"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(
        out.stdout
            .contains("sci 1.0.0 — Software Carbon Intensity (ISO/IEC 21031)"),
        "{}",
        out.stdout
    );
    assert!(out.stdout.contains("grid-boundary"), "{}", out.stdout);
}
