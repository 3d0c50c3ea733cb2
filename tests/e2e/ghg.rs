//! `bilan assess --method ghg-protocol`: Scope 2 location- and market-based on Meta's Llama
//! 3.1 card, and capital goods expensed (GHG Protocol) against amortised (ADEME-style) on a
//! cluster bought for one training run.

use crate::support::{bilan, builtin_ids, root};

/// The JSON report of one method on one inventory.
fn report(path: &str, method: &str, extra: &[&str]) -> serde_json::Value {
    let mut args = vec!["assess", path, "--method", method, "--format", "json"];
    args.extend_from_slice(extra);
    let out = bilan(&args);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let v: serde_json::Value = serde_json::from_str(&out.stdout).expect("valid JSON");
    v["methods"][0].clone()
}

/// A GWP figure of a report: `by-category`, `memo` or `by-stage`, by key.
fn gwp(m: &serde_json::Value, table: &str, key: &str) -> f64 {
    let results = m["results"].as_array().expect("results");
    let gwp = results
        .iter()
        .find(|r| r["indicator"] == "gwp")
        .expect("gwp results");
    gwp[table][key]
        .as_f64()
        .unwrap_or_else(|| panic!("no {table}.{key} in {gwp:#}"))
}

fn disclosure(m: &serde_json::Value, id: &str) -> f64 {
    m["assessment"]["disclosures"]
        .as_array()
        .expect("disclosures")
        .iter()
        .find(|d| d["id"] == id)
        .and_then(|d| d["value"].as_f64())
        .unwrap_or_else(|| panic!("no disclosure `{id}`"))
}

fn close(value: f64, expected: f64, tolerance: f64) -> bool {
    (value - expected).abs() <= tolerance * expected.abs().max(1.0)
}

/// A copy of an example with one edit, in a temporary directory.
fn edited(name: &str, from: &str, old: &str, new: &str) -> String {
    let text = std::fs::read_to_string(root().join(from)).expect("example readable");
    assert!(text.contains(old), "`{old}` is in {from}");
    let dir = crate::support::scratch_dir("ghg");
    let path = dir.join(name);
    std::fs::write(&path, text.replacen(old, new, 1)).expect("write");
    path.display().to_string()
}

const LLAMA: &str = "examples/llama-3.1.toml";
const CLUSTER: &str = "examples/gpu-cluster-purchase.toml";

/// Meta's Llama 3.1 card: 11,390 tCO2e location-based, 0 market-based ("matched 100 % of
/// its electricity use with renewable energy").
#[test]
fn llama_scope_2_is_11390_t_location_based_and_zero_market_based() {
    let m = report(LLAMA, "ghg-protocol", &[]);
    let location = gwp(&m, "by-category", "scope-2-location");
    assert!(
        close(location, 11_390_000.0, 0.01),
        "location-based {location} kg"
    );
    assert_eq!(disclosure(&m, "scope-2-location"), location);
    // Market-based is reported beside it, as a memo item: zero, the instrument covers it all.
    assert_eq!(gwp(&m, "memo", "scope-2-market"), 0.0);
    assert_eq!(disclosure(&m, "scope-2-market"), 0.0);
    assert_eq!(m["results"][0]["total"].as_f64(), Some(location));
    let a = &m["assessment"];
    assert!(
        a["assumptions"]
            .as_array()
            .expect("assumptions")
            .iter()
            .any(|x| x["topic"] == "instrument-used"
                && x["text"]
                    .as_str()
                    .is_some_and(|t| t.contains("`meta-2024-renewable-matching`"))),
        "{:#}",
        a["assumptions"]
    );
    // The cited override wins over the database.
    assert!(
        a["factors"]
            .as_array()
            .expect("factors")
            .iter()
            .any(
                |f| f["id"] == "inventory:site[meta-research-clusters].electricity.gwp"
                    && f["canonical"] == 0.41403
            )
    );
    // The fleet was bought in 2023: nothing in 2024's Cat. 2, and the trail says why.
    assert_eq!(gwp(&m, "by-category", "scope-3-cat-2"), 0.0);
    let text = serde_json::to_string(a).expect("json");
    assert!(
        text.contains("acquired 2023-12-01, outside the reporting period"),
        "{text}"
    );
    // GWP and final electricity; water, ADPe and ADPf: not covered, not zero.
    assert_eq!(m["results"].as_array().map(Vec::len), Some(2));

    // Without the instrument, the market-based figure falls back to the location-based one.
    let path = edited(
        "llama-no-instrument.toml",
        LLAMA,
        "retired = true",
        "retired = false",
    );
    let m = report(&path, "ghg-protocol", &[]);
    assert!(close(gwp(&m, "memo", "scope-2-market"), location, 1e-9));
}

#[test]
fn llama_table_shows_scopes_and_categories() {
    let out = bilan(&["assess", LLAMA, "--method", "ghg-protocol"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let t = &out.stdout;
    for row in [
        "| scope-2-location | gwp       | 11.39 kt CO2e |",
        "| scope-2-market   | gwp       |     0 kg CO2e | memo, not in total |",
        "| Scope 2, location-based ",
        "| Scope 2, market-based ",
        "| Scope 1 ",
        "| Scope 3, all categories ",
        "| water     | not covered ",
    ] {
        assert!(t.contains(row), "`{row}` in\n{t}");
    }
}

/// The GHG Protocol charges 100 % of the cluster's cradle-to-gate to the year it was bought;
/// the ADEME-style method charges the training run its amortised share.
#[test]
fn a_cluster_bought_for_one_run_is_expensed_by_ghg_and_amortised_by_ademe() {
    // Cradle-to-gate: 2,048 GPUs × 164 kgCO2e (NVIDIA HGX H100 PCF per GPU) + 256 servers ×
    // 5,700 kgCO2e (8-GPU host without its GPUs).
    let cradle_to_gate = 2048.0 * 164.0 + 256.0 * 5700.0;
    assert_eq!(cradle_to_gate, 1_795_072.0);
    let ghg = report(CLUSTER, "ghg-protocol", &[]);
    let expensed = gwp(&ghg, "by-category", "scope-3-cat-2");
    assert!(
        close(expensed, cradle_to_gate, 1e-12),
        "GHG Cat. 2 {expensed}"
    );
    assert!(close(
        gwp(&ghg, "by-stage", "manufacturing"),
        cradle_to_gate,
        1e-12
    ));

    // Amortised: 2,048 GPUs × 61 days × 24 h = 2,998,272 GPU-hours over a 4-year life of
    // 35,040 h per GPU, i.e. 85.567 GPU-lifetimes.
    let lifetimes = 2_998_272.0 / 35_040.0;
    let amortised = lifetimes * 164.0 + lifetimes / 8.0 * 5700.0;
    assert!(close(amortised, 74_999.6, 1e-5), "{amortised}");
    let ademe = report(CLUSTER, "ademe-lca", &[]);
    let manufacturing = gwp(&ademe, "by-stage", "manufacturing");
    assert!(
        close(manufacturing, amortised, 1e-12),
        "ADEME manufacturing {manufacturing}"
    );
    // The share is the run's part of the hardware's life: 61 days out of 4 × 365.
    assert!(close(manufacturing / expensed, 61.0 / 1460.0, 1e-12));
}

#[test]
fn the_cluster_example_refuses_a_stale_certificate_and_discloses_the_missing_residual_mix() {
    let m = report(CLUSTER, "ghg-protocol", &[]);
    let a = &m["assessment"];
    let refused = a["exclusions"]
        .as_array()
        .expect("exclusions")
        .iter()
        .find(|e| e["item"]["id"] == "rec-2023-leftover")
        .expect("the 2023 REC is refused");
    assert!(
        refused["reason"]
            .as_str()
            .is_some_and(|r| r.contains("wrong period")),
        "{refused:#}"
    );
    assert!(
        a["warnings"]
            .as_array()
            .expect("warnings")
            .iter()
            .any(|w| w.as_str().is_some_and(|w| w.contains("no residual mix"))),
        "{:#}",
        a["warnings"]
    );
    // Facility energy: 2,998,272 GPU·h × 0.7 kW × 1.5 (host) × 1.2 (PUE) = 3,777,822.72 kWh;
    // eGRID2023 Virginia, combustion only: 0.244758 kgCO2e/kWh.
    let facility = 2_998_272.0 * 0.7 * 1.5 * 1.2;
    assert!(close(
        gwp(&m, "by-category", "scope-2-location"),
        facility * 0.244758,
        1e-9
    ));
    // Market-based: the 2025 REC covers 1,500 MWh at 0 g; the rest takes the fallback.
    assert!(close(
        gwp(&m, "memo", "scope-2-market"),
        (facility - 1_500_000.0) * 0.244758,
        1e-9
    ));
    // Cat. 3: eGRID and Ember are not a matched pair, so it is not computed.
    assert!(
        a["exclusions"]
            .as_array()
            .expect("exclusions")
            .iter()
            .any(|e| e["aspect"] == "electricity-upstream"
                && e["reason"]
                    .as_str()
                    .is_some_and(|r| r.contains("not computed")))
    );
}

#[test]
fn the_reporting_year_is_a_parameter() {
    // In 2023 the Llama fleet is bought (Cat. 2 in full) and the undated training of the
    // inventory's 2024 lies outside the year.
    let m = report(
        LLAMA,
        "ghg-protocol",
        &["--param", "ghg-protocol:reporting-year=2023"],
    );
    assert!(close(
        gwp(&m, "by-category", "scope-3-cat-2"),
        16_384.0 * 164.0,
        1e-12
    ));
    assert_eq!(disclosure(&m, "scope-2-location"), 0.0);
    assert_eq!(m["assessment"]["parameters"]["reporting-year"], "2023");
}

#[test]
fn methods_lists_the_ghg_protocol_with_its_version() {
    let out = bilan(&["methods"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(
        out.stdout
            .contains("ghg-protocol 1.0.0 — GHG Protocol corporate inventory"),
        "{}",
        out.stdout
    );
    for parameter in ["reporting-year", "scope-2-basis-for-total"] {
        assert!(out.stdout.contains(parameter), "{}", out.stdout);
    }
}

/// The new example's trail reproduces every value under every built-in method.
#[test]
fn the_cluster_example_audit_trail_reproduces_every_value() {
    for id in builtin_ids() {
        let m = report(CLUSTER, &id, &[]);
        let a: bilan_core::assessment::Assessment =
            serde_json::from_value(m["assessment"].clone()).expect("the JSON is an assessment");
        a.check().unwrap_or_else(|e| panic!("{id}: {e}"));
    }
}
