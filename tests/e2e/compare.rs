//! `bilan compare` and `bilan explain` on every example: snapshots (Markdown and JSON), the
//! divergence identity, reconciliation, and the HTML report's structure.

use crate::support::{bilan, examples, html_lines, settings};

fn compare_json(example: &str) -> serde_json::Value {
    let out = bilan(&["compare", &format!("examples/{example}.toml"), "-f", "json"]);
    assert_eq!(out.code, 0, "{example}: {}", out.stderr);
    serde_json::from_str(&out.stdout).expect("valid JSON")
}

#[test]
fn every_example_compares_under_every_builtin_method() {
    for name in examples() {
        let md = bilan(&["compare", &format!("examples/{name}.toml"), "-f", "md"]);
        assert_eq!(md.code, 0, "{name}: {}", md.stderr);
        let json = compare_json(&name);
        let path = format!("examples/{name}.toml");
        let html = bilan(&["compare", &path, "-f", "html", "--trail", "summary"]);
        assert_eq!(html.code, 0, "{name}: {}", html.stderr);
        settings().bind(|| {
            insta::assert_snapshot!(format!("compare-md@{name}"), md.stdout);
            insta::assert_snapshot!(format!("compare-html@{name}"), html_lines(&html.stdout));
            insta::assert_json_snapshot!(format!("compare-json@{name}"), json, {
                ".assessments" => "[the full assessments: see the assess-json snapshots]"
            });
        });
    }
}

/// The divergence decomposition is exact: drivers plus residual equal B − A, which equals
/// the difference of the methods' totals.
#[test]
fn driver_amounts_and_residual_sum_to_the_difference() {
    for name in examples() {
        let v = compare_json(&name);
        let totals = |method: &str, indicator: &str| -> Option<f64> {
            v["comparison"]["indicators"]
                .as_array()?
                .iter()
                .find(|i| i["indicator"] == indicator)?["rows"]
                .as_array()?
                .iter()
                .find(|r| r["method"] == method)?["total"]
                .as_f64()
        };
        let divergences = v["comparison"]["divergences"]
            .as_array()
            .expect("divergences");
        assert!(!divergences.is_empty(), "{name}");
        for d in divergences {
            let (a, b, ind) = (
                d["a"].as_str().expect("a"),
                d["b"].as_str().expect("b"),
                d["indicator"].as_str().expect("indicator"),
            );
            let difference = d["difference"].as_f64().expect("difference");
            let expected = totals(b, ind).unwrap_or(0.0) - totals(a, ind).unwrap_or(0.0);
            let scale = totals(a, ind)
                .unwrap_or(0.0)
                .abs()
                .max(totals(b, ind).unwrap_or(0.0).abs())
                .max(1e-300);
            assert!(
                (difference - expected).abs() <= 1e-9 * scale,
                "{name} {a}→{b} {ind}: {difference} vs {expected}"
            );
            let explained: f64 = d["drivers"]
                .as_array()
                .expect("drivers")
                .iter()
                .map(|x| x["amount"].as_f64().expect("amount"))
                .sum::<f64>()
                + d["residual"].as_f64().expect("residual");
            assert!(
                (explained - difference).abs() <= 1e-9 * scale,
                "{name} {a}→{b} {ind}: drivers + residual = {explained}, difference {difference}"
            );
        }
    }
}

#[test]
fn every_item_is_reconciled_in_every_example() {
    for name in examples() {
        let v = compare_json(&name);
        for m in v["comparison"]["methods"].as_array().expect("methods") {
            assert!(m.get("error").is_none(), "{name}: {m}");
        }
        for r in v["comparison"]["reconciliation"]
            .as_array()
            .expect("reconciliation")
        {
            assert_eq!(
                r["unaccounted"].as_array().map(Vec::len),
                Some(0),
                "{name}: {r}"
            );
            assert_eq!(
                r["included"].as_u64().unwrap_or(0) + r["excluded"].as_u64().unwrap_or(0),
                r["items"].as_u64().unwrap_or(u64::MAX)
            );
        }
    }
}

#[test]
fn the_html_report_is_self_contained_and_complete() {
    for name in examples() {
        let out = bilan(&["compare", &format!("examples/{name}.toml"), "-f", "html"]);
        assert_eq!(out.code, 0, "{}", out.stderr);
        let html = &out.stdout;
        assert!(html.starts_with("<!doctype html>") && html.trim_end().ends_with("</html>"));
        for forbidden in ["http://", "https://", "<link", " src=", "url(", "@import"] {
            assert!(
                !html.contains(forbidden),
                "{name}: the report must not load `{forbidden}`"
            );
        }
        let v = compare_json(&name);
        for ic in v["comparison"]["indicators"]
            .as_array()
            .expect("indicators")
        {
            let indicator = ic["indicator"].as_str().expect("indicator");
            let covered = ic["rows"]
                .as_array()
                .expect("rows")
                .iter()
                .any(|r| r["covered"] == true);
            let chart = format!("<svg class=\"chart\" data-figure=\"{indicator}.total\"");
            assert_eq!(
                html.contains(&chart),
                covered,
                "{name}: chart of {indicator}"
            );
            if covered {
                assert!(
                    html.contains(&format!("{indicator}.total = ")),
                    "{name}: trail of {indicator}"
                );
            }
        }
        for m in v["comparison"]["methods"].as_array().expect("methods") {
            assert!(html.contains(m["id"].as_str().expect("id")), "{name}");
        }
        for d in v["comparison"]["divergences"]
            .as_array()
            .expect("divergences")
        {
            let caption = format!(
                "{} → {}",
                d["a"].as_str().expect("a"),
                d["b"].as_str().expect("b")
            );
            assert!(html.contains(&caption), "{name}: {caption}");
        }
        assert!(
            html.contains("data-render-check") || html.contains("render-check"),
            "the page carries its own render check"
        );
        assert!(html.contains("sha256"), "{name}: reproducibility stamp");
    }
}

#[test]
fn csv_has_one_figure_a_row() {
    let out = bilan(&["compare", "examples/llama-3.1.toml", "-f", "csv"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let mut lines = out.stdout.lines();
    assert_eq!(
        lines.next(),
        Some("section,indicator,method,key,value,unit")
    );
    assert!(
        out.stdout
            .lines()
            .any(|l| l.starts_with("total,gwp,ademe-lca,,11573903.")),
        "{}",
        out.stdout
    );
    assert!(
        out.stdout
            .lines()
            .any(|l| l.starts_with("divergence,water,")),
        "{}",
        out.stdout
    );
    let stamp = |row: &str| out.stdout.lines().any(|l| l.starts_with(row));
    assert!(
        stamp("stamp,,,inventory,examples/llama-3.1.toml,"),
        "{}",
        out.stdout
    );
    assert!(
        stamp("stamp,,ademe-lca@1.0.0,method,built in,"),
        "{}",
        out.stdout
    );
    assert!(
        stamp("stamp,,,factor-file,<embedded>/facts.toml,"),
        "{}",
        out.stdout
    );
}

#[test]
fn explain_walks_a_figure_back_to_the_inventory_lines() {
    let out = bilan(&[
        "explain",
        "examples/llama-3.1.toml",
        "--method",
        "ademe-lca",
        "--figure",
        "gwp.item.pretrain-405b",
    ]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let text = &out.stdout;
    assert!(
        text.starts_with("gwp.item.pretrain-405b in ademe-lca@1.0.0 = 8.938 kt CO2e"),
        "{text}"
    );
    assert!(text.contains("t_dev = 30840000 GPU·h ← inventory workload[pretrain-405b].device-hours (line 103: device-hours = \"30.84e6 GPU·h\")"), "{text}");
    assert!(text.contains("P_dev = 0.7 kW"), "{text}");
    assert!(text.contains("PUE = 1 [facility-overhead] ← inventory site[meta-research-clusters].pue (line 62: pue = 1.0)"), "{text}");
    assert!(text.contains("F_grid = 0.41403 kg/kWh [electricity-boundary] ← factor `inventory:site[meta-research-clusters].electricity.gwp`: Meta Llama 3.1 model card"), "{text}");
    assert!(text.contains("boundary as published by Meta"), "{text}");

    let out = bilan(&[
        "explain",
        "examples/mistral-large-2-illustrative.toml",
        "-m",
        "ademe-lca",
        "--figure",
        "gwp.phase.training",
    ]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(
        out.stdout.contains("share"),
        "a shared fleet counts by its workloads' share: {}",
        out.stdout
    );
    assert!(out.stdout.contains("licence: CC BY 4.0"), "{}", out.stdout);

    let out = bilan(&[
        "explain",
        "examples/llama-3.1.toml",
        "-m",
        "ademe-lca",
        "--figure",
        "gwp.unit.training-run-405b",
    ]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(out.stdout.contains("÷ R = 1"), "{}", out.stdout);

    let out = bilan(&[
        "explain",
        "examples/llama-3.1.toml",
        "-m",
        "ademe-lca",
        "--figure",
        "gwp.stage.usage",
    ]);
    assert_eq!(out.code, 2);
    assert!(
        out.stderr.contains("unknown stage `usage`"),
        "{}",
        out.stderr
    );
    let out = bilan(&[
        "explain",
        "examples/llama-3.1.toml",
        "--figure",
        "gwp.total",
    ]);
    assert_eq!(out.code, 2);
    assert!(
        out.stderr.contains("exactly one --method"),
        "{}",
        out.stderr
    );
}
