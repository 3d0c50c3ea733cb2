//! Snapshots of `bilan assess` on every example, for every built-in method, as a table and
//! as JSON (the full audit trail).

use crate::support::{bilan, builtin_ids, root, settings};

#[test]
fn every_example_under_every_builtin_method() {
    let mut examples: Vec<_> = std::fs::read_dir(root().join("examples"))
        .expect("examples/ exists")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "toml"))
        .collect();
    examples.sort();
    assert!(examples.len() >= 2, "the examples are there");
    for example in &examples {
        let name = example
            .file_stem()
            .and_then(|s| s.to_str())
            .expect("utf-8 name")
            .to_owned();
        let rel = format!("examples/{name}.toml");
        for id in builtin_ids() {
            let table = bilan(&["assess", &rel, "--method", &id]);
            assert_eq!(table.code, 0, "{rel} {id}: {}", table.stderr);
            let json = bilan(&["assess", &rel, "--method", &id, "--format", "json"]);
            assert_eq!(json.code, 0, "{rel} {id}: {}", json.stderr);
            let value: serde_json::Value = serde_json::from_str(&json.stdout).expect("valid JSON");
            settings().bind(|| {
                insta::assert_snapshot!(format!("assess-table@{name}@{id}"), table.stdout);
                insta::assert_json_snapshot!(format!("assess-json@{name}@{id}"), value);
            });
        }
    }
}

fn json(path: &str, method: &str) -> serde_json::Value {
    let out = bilan(&["assess", path, "--method", method, "--format", "json"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    serde_json::from_str(&out.stdout).expect("valid JSON")
}

fn total(v: &serde_json::Value, indicator: &str, key: &str, sub: Option<&str>) -> f64 {
    let r = v["methods"][0]["results"]
        .as_array()
        .expect("results")
        .iter()
        .find(|r| r["indicator"] == indicator)
        .expect("indicator");
    match sub {
        Some(s) => r[key][s].as_f64().expect("a number"),
        None => r[key].as_f64().expect("a number"),
    }
}

fn within(value: f64, expected: f64, tolerance: f64) -> bool {
    ((value - expected) / expected).abs() <= tolerance
}

/// Meta's Llama 3.1 card: 11,390 tCO2e location-based, 420 / 2,040 / 8,930 t per model.
#[test]
fn llama_use_stage_reproduces_the_model_card() {
    let v = json("examples/llama-3.1.toml", "ademe-lca");
    let use_stage = total(&v, "gwp", "by-stage", Some("use"));
    assert!(
        within(use_stage, 11_390_000.0, 0.01),
        "use stage {use_stage} kg"
    );
    let contributions = v["methods"][0]["assessment"]["contributions"]
        .as_array()
        .expect("contributions");
    for (workload, tonnes) in [
        ("pretrain-8b", 420.0),
        ("pretrain-70b", 2_040.0),
        ("pretrain-405b", 8_930.0),
    ] {
        let kg: f64 = contributions
            .iter()
            .filter(|c| c["item"]["id"] == workload && c["stage"] == "use")
            .flat_map(|c| c["values"].as_array().expect("values").iter())
            .filter(|x| x["indicator"] == "gwp")
            .map(|x| x["value"].as_f64().expect("number"))
            .sum();
        assert!(within(kg, tonnes * 1000.0, 0.01), "{workload}: {kg} kg");
    }
    // The fleet's embodied impact is reported in manufacturing, apart from use.
    let manufacturing = total(&v, "gwp", "by-stage", Some("manufacturing"));
    assert!(
        manufacturing > 0.0 && manufacturing < 0.05 * use_stage,
        "{manufacturing}"
    );
}

/// Every number is reproducible from the audit trail alone: each value is the product of its
/// terms and its factor, and every inventory item is included or excluded.
#[test]
fn audit_trail_reproduces_every_value() {
    for example in [
        "examples/llama-3.1.toml",
        "examples/mistral-large-2-illustrative.toml",
    ] {
        for id in builtin_ids() {
            let v = json(example, &id);
            let a: bilan_core::assessment::Assessment =
                serde_json::from_value(v["methods"][0]["assessment"].clone())
                    .expect("the JSON is an assessment");
            a.check().unwrap_or_else(|e| panic!("{example} {id}: {e}"));
        }
    }
}
