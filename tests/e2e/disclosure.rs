//! `bilan assess -m METHOD -f disclosure|disclosure-md|disclosure-html`: the document a
//! vendor publishes, in its three forms, on two examples (one with inference and every
//! indicator, one training-only whose mineral and fossil indicators are not computed); the
//! JSON form against `docs/disclosure.schema.json`; intervals under `--uncertainty`; one
//! method only, and no document when the method fails.

use crate::support::{bilan, root, scratch, settings};

const METHOD: &str = "ademe-lca";

fn validator() -> (boon::Schemas, boon::SchemaIndex) {
    let path = root().join("docs/disclosure.schema.json");
    let text = std::fs::read_to_string(&path).expect("schema readable");
    let value: serde_json::Value = serde_json::from_str(&text).expect("schema is JSON");
    let mut schemas = boon::Schemas::new();
    let mut compiler = boon::Compiler::new();
    let url = format!("file://{}", path.display());
    compiler.add_resource(&url, value).expect("schema resource");
    let index = compiler
        .compile(&url, &mut schemas)
        .unwrap_or_else(|e| panic!("disclosure.schema.json compiles: {e}"));
    (schemas, index)
}

fn examples() -> Vec<String> {
    let mut examples: Vec<String> = std::fs::read_dir(root().join("examples"))
        .expect("examples")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "toml"))
        .map(|p| {
            format!(
                "examples/{}",
                p.file_name().expect("a name").to_string_lossy()
            )
        })
        .collect();
    examples.sort();
    examples
}

fn disclosure(example: &str, format: &str, extra: &[&str]) -> String {
    let mut args = vec!["assess", example, "-m", METHOD, "-f", format];
    args.extend(extra);
    let out = bilan(&args);
    assert_eq!(out.code, 0, "{args:?}: {}", out.stderr);
    out.stdout
}

#[test]
fn each_form_of_two_examples() {
    for (name, example) in [
        ("mistral", "examples/mistral-large-2-illustrative.toml"),
        ("llama-2", "examples/llama-2.toml"),
    ] {
        for (format, suffix) in [
            ("disclosure", "json"),
            ("disclosure-md", "md"),
            ("disclosure-html", "html"),
        ] {
            let text = disclosure(example, format, &[]);
            settings().bind(|| {
                insta::assert_snapshot!(format!("disclosure-{name}-{suffix}"), text);
            });
        }
    }
}

#[test]
fn the_json_form_follows_its_schema_with_and_without_intervals() {
    let (schemas, index) = validator();
    for example in examples() {
        for extra in [&[][..], &["--uncertainty", "mc", "--iterations", "200"][..]] {
            let text = disclosure(&example, "disclosure", extra);
            let doc: serde_json::Value = serde_json::from_str(&text).expect("JSON");
            if let Err(e) = schemas.validate(&doc, index) {
                panic!("{example} {extra:?} does not follow its schema: {e:#}");
            }
            assert_eq!(doc["schema"], 1);
            assert_eq!(doc["uncertainty"]["propagated"], !extra.is_empty());
        }
    }
}

#[test]
fn a_document_that_breaks_the_schema_is_caught() {
    let (schemas, index) = validator();
    let text = disclosure("examples/llama-2.toml", "disclosure", &[]);
    let mut doc: serde_json::Value = serde_json::from_str(&text).expect("JSON");
    doc["indicators"][0]["total"]["value"] = serde_json::json!("a lot");
    assert!(schemas.validate(&doc, index).is_err());
    doc = serde_json::from_str(&text).expect("JSON");
    doc["schema"] = serde_json::json!(2);
    assert!(schemas.validate(&doc, index).is_err());
}

#[test]
fn intervals_are_given_per_total_and_unit_when_propagated_and_said_absent_otherwise() {
    let example = "examples/mistral-large-2-illustrative.toml";
    let mc = ["--uncertainty", "mc", "--iterations", "300", "--seed", "7"];
    let doc: serde_json::Value =
        serde_json::from_str(&disclosure(example, "disclosure", &mc)).expect("JSON");
    for i in doc["indicators"].as_array().expect("indicators") {
        let total = &i["total"];
        let interval = &total["interval"];
        let (low, median, high) = (
            interval["low"].as_f64().expect("low"),
            interval["median"].as_f64().expect("median"),
            interval["high"].as_f64().expect("high"),
        );
        assert!(low <= median && median <= high, "{interval}");
        assert_eq!(
            interval["figure"],
            format!("{}:interval", total["figure"].as_str().expect("a path"))
        );
        for u in i["per-unit"].as_array().expect("per unit") {
            assert!(u["interval"]["median"].is_f64(), "{u}");
        }
    }
    assert_eq!(doc["uncertainty"]["seed"], 7);
    // The same run twice gives the same document.
    assert_eq!(
        disclosure(example, "disclosure", &mc),
        disclosure(example, "disclosure", &mc)
    );
    let md = disclosure(example, "disclosure-md", &mc);
    assert!(md.contains("(median "), "{md}");
    let html = disclosure(example, "disclosure-html", &mc);
    assert!(html.contains("data-figure=\"gwp.unit.request:interval\""));
    let plain = disclosure(example, "disclosure-md", &[]);
    assert!(plain.contains("Uncertainty: not propagated"), "{plain}");
    assert!(!plain.contains("median"));
}

#[test]
fn every_figure_of_the_json_form_is_marked_in_the_page() {
    fn figures(v: &serde_json::Value, out: &mut Vec<(String, String)>) {
        match v {
            serde_json::Value::Object(m) => {
                if let (Some(f), Some(d)) = (
                    m.get("figure").and_then(|f| f.as_str()),
                    m.get("display").and_then(|d| d.as_str()),
                ) {
                    out.push((f.to_owned(), d.to_owned()));
                }
                m.values().for_each(|v| figures(v, out));
            }
            serde_json::Value::Array(a) => a.iter().for_each(|v| figures(v, out)),
            _ => {}
        }
    }
    for example in examples() {
        let json = disclosure(&example, "disclosure", &[]);
        let html = disclosure(&example, "disclosure-html", &[]);
        let doc: serde_json::Value = serde_json::from_str(&json).expect("JSON");
        let mut all = Vec::new();
        figures(&doc, &mut all);
        assert!(all.len() > 5, "{example}: {all:?}");
        for (f, display) in &all {
            let escaped = display
                .replace('&', "&amp;")
                .replace('<', "&lt;")
                .replace('>', "&gt;");
            let marked = format!("data-figure=\"{f}\">{escaped}<");
            assert_eq!(
                html.matches(&marked).count(),
                1,
                "{example}: {f} `{display}`"
            );
        }
        for bad in ["NaN", "inf ", "Infinity"] {
            assert!(!json.contains(bad), "{example}: `{bad}` in the JSON form");
        }
    }
}

#[test]
fn one_method_only() {
    let example = "examples/llama-2.toml";
    for args in [
        &["assess", example, "-f", "disclosure"][..],
        &[
            "assess",
            example,
            "-m",
            "ademe-lca",
            "-m",
            "sci",
            "-f",
            "disclosure-md",
        ][..],
    ] {
        let out = bilan(args);
        assert_eq!(out.code, 2, "{args:?}: {}", out.stderr);
        assert!(out.stderr.contains("choose it with -m"), "{}", out.stderr);
        assert!(out.stdout.is_empty(), "{}", out.stdout);
    }
    // bilan compare writes no disclosure.
    let out = bilan(&["compare", example, "-f", "disclosure-html"]);
    assert_eq!(out.code, 2, "{}", out.stderr);
}

#[test]
fn a_failed_method_writes_no_document_and_says_why() {
    let text = std::fs::read_to_string(root().join("examples/mistral-large-2-illustrative.toml"))
        .expect("example readable");
    let edited = text.replacen("requests = 2.0e9", "requests = 0", 1);
    assert_ne!(edited, text, "the edit changed the file");
    let dir = scratch().join(format!("bilan-e2e-disclosure-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let inventory = dir.join("no-requests.toml");
    std::fs::write(&inventory, edited).expect("write");
    let output = dir.join("disclosure.html");
    let out = bilan(&[
        "assess",
        &inventory.display().to_string(),
        "-m",
        "sci",
        "-f",
        "disclosure-html",
        "-o",
        &output.display().to_string(),
    ]);
    assert_eq!(out.code, 1, "{}", out.stderr);
    assert!(
        out.stderr
            .contains("error: sci@1.0.0: functional unit `request`: R = 0"),
        "{}",
        out.stderr
    );
    assert!(!output.exists(), "a failed method wrote a disclosure");
}
