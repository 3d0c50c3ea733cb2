//! `bilan compare A B C…`: systems side by side (league table): the examples' league table
//! in every format, the divergence identity, missing functional units and errors.

use crate::support::{bilan, scratch, settings};

const EXAMPLES: [&str; 4] = [
    "examples/llama-2.toml",
    "examples/olmo-2.toml",
    "examples/deepseek-v3.toml",
    "examples/mistral-large-2-illustrative.toml",
];

/// Two methods with different boundaries, so the snapshots show that nothing is specific to
/// one method.
const METHODS: [&str; 4] = ["-m", "ademe-lca", "-m", "ghg-protocol"];

fn league(format: &str) -> String {
    let mut args = vec!["compare"];
    args.extend(EXAMPLES);
    args.extend(METHODS);
    args.extend(["-f", format]);
    let out = bilan(&args);
    assert_eq!(out.code, 0, "{format}: {}", out.stderr);
    out.stdout
}

#[test]
fn the_league_table_of_the_examples_in_every_format() {
    let table = league("table");
    let md = league("md");
    let csv = league("csv");
    let json: serde_json::Value = serde_json::from_str(&league("json")).expect("valid JSON");
    let html = league("html");
    assert!(html.starts_with("<!doctype html>") && html.trim_end().ends_with("</html>"));
    assert!(html.contains("data-render-check"));
    for forbidden in ["http://", "https://", "<link", "src="] {
        assert!(!html.contains(forbidden), "{forbidden}");
    }
    // Grades beside every figure, in every format.
    assert!(table.contains("| grade |") && md.contains("| grade |"));
    assert!(csv.contains(",grade,") && html.contains("class=\"badge grade-"));
    // One chart a method and indicator, plus one a pair.
    assert!(
        html.matches("<svg class=\"chart\"").count() >= json["tables"].as_array().unwrap().len()
    );
    // Readable html snapshot: one tag a line.
    let html_lines = html.replace("><", ">\n<");
    settings().bind(|| {
        insta::assert_snapshot!("systems-table", table);
        insta::assert_snapshot!("systems-md", md);
        insta::assert_snapshot!("systems-csv", csv);
        insta::assert_json_snapshot!("systems-json", json);
        insta::assert_snapshot!("systems-html", html_lines);
    });
}

/// The flagship of the README: every example under the harmonised profile, in every format,
/// with grades, the profile's units and the stages each system misses.
#[test]
fn the_flagship_league_table_under_the_harmonised_profile() {
    let mut examples: Vec<String> = std::fs::read_dir(crate::support::root().join("examples"))
        .expect("examples")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "toml"))
        .map(|p| p.display().to_string())
        .collect();
    examples.sort();
    let run = |format: &str| {
        let mut args: Vec<&str> = vec!["compare"];
        args.extend(examples.iter().map(String::as_str));
        args.extend(["--method", "harmonised-ai", "-f", format]);
        let out = bilan(&args);
        assert_eq!(out.code, 0, "{format}: {}", out.stderr);
        out.stdout
    };
    let md = run("md");
    assert!(md.contains("harmonised-ai 0.1.0"), "{md}");
    assert!(md.contains("mandatory stages not covered"), "{md}");
    assert!(md.contains("per 1,000 output tokens"), "{md}");
    assert!(run("table").contains("| grade |"));
    assert!(run("csv").contains(",grade,"));
    assert!(run("html").contains("class=\"badge grade-"));
    let json: serde_json::Value = serde_json::from_str(&run("json")).expect("valid JSON");
    let rows = json["tables"][0]["rows"].as_array().expect("rows");
    assert_eq!(rows.len(), examples.len());
    assert!(
        rows.iter().all(|r| r["quality"]["grade"].is_string()),
        "{rows:?}"
    );
    let md = md
        .lines()
        .filter(|l| !l.contains("sha256"))
        .collect::<Vec<_>>()
        .join("\n");
    settings().bind(|| insta::assert_snapshot!("systems-harmonised-md", md));
}

fn close(a: f64, b: f64, scale: f64) -> bool {
    (a - b).abs() <= 1e-9 * scale.max(f64::MIN_POSITIVE)
}

/// Drivers plus residual equal B − A, which is the difference of the totals; the residual
/// is rounding; so for the item kinds. Every method, every pair, every indicator.
#[test]
fn the_pieces_of_a_difference_sum_to_it() {
    let mut args = vec!["compare"];
    args.extend(EXAMPLES);
    args.extend(["-f", "json"]);
    let out = bilan(&args);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let json: serde_json::Value = serde_json::from_str(&out.stdout).expect("valid JSON");
    let divs = json["divergences"].as_array().expect("divergences");
    // Every pair of four systems, for at least one method and indicator.
    assert!(divs.len() >= 6, "{}", divs.len());
    let num = |v: &serde_json::Value| v.as_f64().expect("a finite number");
    for d in divs {
        let (a, b, diff) = (
            num(&d["baseline-total"]),
            num(&d["total"]),
            num(&d["difference"]),
        );
        let scale = a.abs().max(b.abs());
        let what = format!(
            "{} {} {} → {}",
            d["method"], d["indicator"], d["baseline"], d["system"]
        );
        assert!(close(diff, b - a, scale), "{what}");
        for (pieces, key, residual) in [
            ("drivers", "amount", "residual"),
            ("by-kind", "amount", "by-kind-residual"),
        ] {
            let sum: f64 = d[pieces]
                .as_array()
                .expect("pieces")
                .iter()
                .map(|p| num(&p[key]))
                .sum();
            let residual = num(&d[residual]);
            assert!(close(sum + residual, diff, scale), "{what}: {pieces}");
            assert!(
                close(residual, 0.0, scale),
                "{what}: {pieces} residual {residual}"
            );
        }
        for p in d["phases"].as_array().expect("phases") {
            for side in ["baseline", "system"] {
                for (k, v) in p[side].as_object().expect("factors") {
                    assert!(v.as_f64().is_some_and(f64::is_finite), "{what}: {k}");
                }
            }
        }
    }
}

#[test]
fn a_unit_one_system_lacks_is_missing_never_converted() {
    let out = bilan(&[
        "compare",
        "examples/llama-2.toml",
        "examples/mistral-large-2-illustrative.toml",
        "-m",
        "ademe-lca",
        "-f",
        "json",
    ]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let json: serde_json::Value = serde_json::from_str(&out.stdout).expect("valid JSON");
    let gwp = json["tables"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["indicator"] == "gwp")
        .expect("a gwp table");
    let request = gwp["units"]
        .as_array()
        .unwrap()
        .iter()
        .find(|u| u["kind"] == "request")
        .expect("requests, which Mistral has");
    let cells = request["cells"].as_array().unwrap();
    let llama = &cells[0];
    assert!(llama.get("value").is_none(), "{llama}");
    assert_eq!(
        llama["missing"],
        "the inventory defines no request functional unit"
    );
    let mistral = &cells[1];
    assert!(mistral["value"].as_f64().is_some_and(|v| v > 0.0));
    assert!(mistral["output-tokens-per-request"].as_f64().is_some());
    // Llama 2 has no inference phase: its change is volume, said so.
    let d = &json["divergences"][0];
    assert!(
        d["notes"].as_array().unwrap().iter().any(|n| n
            .as_str()
            .unwrap()
            .contains("inference: in one system only")),
        "{d}"
    );
}

#[test]
fn an_invalid_inventory_is_an_error_naming_its_file() {
    let bad = scratch().join("systems-invalid.toml");
    std::fs::write(&bad, "schema = 1\n[system]\nname = \"broken\"\n").expect("write");
    let bad = bad.display().to_string();
    let out = bilan(&["compare", "examples/olmo-2.toml", &bad, "-m", "ademe-lca"]);
    assert_ne!(out.code, 0);
    assert!(out.stdout.is_empty(), "{}", out.stdout);
    assert!(
        out.stderr.contains("systems-invalid.toml"),
        "{}",
        out.stderr
    );
}

#[test]
fn duplicate_names_are_told_apart_and_output_goes_to_a_file() {
    let path = scratch().join("systems-league.md");
    let path_text = path.display().to_string();
    let out = bilan(&[
        "compare",
        "examples/olmo-2.toml",
        "examples/olmo-2.toml",
        "-m",
        "ademe-lca",
        "-f",
        "md",
        "-o",
        &path_text,
    ]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let md = std::fs::read_to_string(&path).expect("written");
    assert!(
        md.contains("OLMo 2 (7B, 13B) final pre-training runs (olmo-2.toml) #2"),
        "{md}"
    );
    // The same system twice: no difference at all.
    assert!(md.contains("| 0 "), "{md}");
}

#[test]
fn uncertainty_is_refused_for_several_systems() {
    let out = bilan(&[
        "compare",
        "examples/olmo-2.toml",
        "examples/llama-2.toml",
        "--uncertainty",
        "analytic",
    ]);
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert!(out.stderr.contains("--uncertainty"), "{}", out.stderr);
}

#[test]
fn a_figure_beyond_range_is_said_so_never_printed_as_inf() {
    // A figure per token near the top of the f64 range: per 1,000 tokens it printed `inf Mt`
    // in every format; a baseline of 1e-300 kWh made the ratio `×inf`.
    let tokens = |name: &str, energy: &str| {
        let path = scratch().join(format!("systems-{name}.toml"));
        std::fs::write(
            &path,
            format!(
                "schema = 1\n[system]\nname = \"{name}\"\nperiod = {{ start = 2024-01-01, end = 2024-12-31 }}\n\n[[functional-unit]]\nid = \"otok\"\nkind = \"output-token\"\n\n[[site]]\nid = \"s\"\nregion = \"FR\"\npue = 1.2\nownership = \"owned\"\n\n[[workload]]\nid = \"w\"\nphase = \"inference\"\nsite = \"s\"\nenergy = \"{energy}\"\nvolume = {{ tokens-out = 1e-297 }}\n"
            ),
        )
        .expect("write");
        path.display().to_string()
    };
    let (a, b) = (tokens("tok-a", "5e9 kWh"), tokens("tok-b", "4e9 kWh"));
    for format in ["table", "md", "csv", "html", "json"] {
        let out = bilan(&["compare", &a, &b, "-m", "ghg-protocol", "-f", format]);
        assert_eq!(out.code, 0, "{format}: {}", out.stderr);
        for bad in [" inf ", "inf Mt", ",inf", "×inf", ">inf"] {
            assert!(
                !out.stdout.contains(bad),
                "{format}: `{bad}` in {}",
                out.stdout
            );
        }
        assert!(
            out.stdout
                .contains("gwp per 1,000 output tokens is beyond the range of 64-bit numbers"),
            "{format}: {}",
            out.stdout
        );
    }
    let (tiny, large) = (tokens("tiny", "1e-300 kWh"), tokens("large", "5e9 kWh"));
    let out = bilan(&["compare", &tiny, &large, "-m", "ghg-protocol"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(!out.stdout.contains("×inf"), "{}", out.stdout);
    assert!(
        out.stdout.contains("beyond the range of 64-bit numbers"),
        "{}",
        out.stdout
    );
}
