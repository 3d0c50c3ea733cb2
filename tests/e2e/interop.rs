//! `bilan import` end to end: CodeCarbon's own files imported and compared, CodeCarbon's
//! figure reproduced beside every method with the difference explained by driver.

use crate::support::{bilan, root, scratch};

struct Dir(std::path::PathBuf);

impl Drop for Dir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn dir(name: &str) -> Dir {
    let d = scratch().join(format!("bilan-e2e-interop-{}-{name}", std::process::id()));
    std::fs::create_dir_all(&d).expect("scratch dir");
    Dir(d)
}

fn fixture(rel: &str) -> String {
    root()
        .join("tests/fixtures/interop")
        .join(rel)
        .display()
        .to_string()
}

#[test]
fn a_codecarbon_file_is_imported_and_compared_with_codecarbons_own_figure_beside() {
    let d = dir("codecarbon");
    let out = d.0.join("runs.toml").display().to_string();
    let import = bilan(&[
        "import",
        "codecarbon",
        &fixture("codecarbon/emissions-3x.csv"),
        "-o",
        &out,
    ]);
    assert_eq!(import.code, 0, "{}", import.stderr);
    assert!(
        import.stderr.contains("not imported:") && import.stderr.contains("`cpu_model`"),
        "{}",
        import.stderr
    );
    let validate = bilan(&["validate", &out]);
    assert_eq!(validate.code, 0, "{}", validate.stderr);

    let report = bilan(&["compare", &out, "-f", "json"]);
    assert_eq!(report.code, 0, "{}", report.stderr);
    let json: serde_json::Value = serde_json::from_str(&report.stdout).expect("json");
    let cc = json["assessments"]
        .as_array()
        .expect("assessments")
        .iter()
        .find(|a| a["method"]["id"] == "codecarbon")
        .expect("the CodeCarbon reference runs by default on CodeCarbon records");
    let reported = cc["disclosures"]
        .as_array()
        .expect("disclosures")
        .iter()
        .find(|d| d["id"] == "codecarbon-reported")
        .and_then(|d| d["value"].as_f64())
        .expect("CodeCarbon's own figure");
    let total: f64 = cc["contributions"]
        .as_array()
        .expect("contributions")
        .iter()
        .flat_map(|c| c["values"].as_array().cloned().unwrap_or_default())
        .filter(|v| v["indicator"] == "gwp")
        .filter_map(|v| v["value"].as_f64())
        .sum();
    assert!(
        (total / reported - 1.0).abs() < 1e-9,
        "{total} vs {reported}"
    );
    // The difference from each method is decomposed by driver (every pair: Markdown).
    let text = bilan(&["compare", &out, "-f", "md"]);
    assert!(
        text.stdout.contains("ademe-lca → codecarbon")
            && text.stdout.contains("electricity-boundary"),
        "{}",
        text.stdout
    );
}

#[test]
fn the_older_layout_and_standard_output_work_and_inputs_are_never_overwritten() {
    let stdout = bilan(&[
        "import",
        "codecarbon",
        &fixture("codecarbon/emissions-2x.csv"),
    ]);
    assert_eq!(stdout.code, 0, "{}", stdout.stderr);
    assert!(
        stdout.stdout.contains("tool = \"codecarbon 2.8.4\""),
        "{}",
        stdout.stdout
    );
    let input = fixture("codecarbon/emissions-2x.csv");
    let before = std::fs::read(&input).expect("fixture");
    let refused = bilan(&["import", "codecarbon", &input, "-o", &input]);
    assert_eq!(refused.code, 2, "{}", refused.stderr);
    assert_eq!(std::fs::read(&input).expect("fixture"), before);
    let bad = bilan(&[
        "import",
        "codecarbon",
        &fixture("codecarbon/emissions-malformed-non-numeric.csv"),
    ]);
    assert_eq!(bad.code, 2);
    assert!(
        bad.stderr.contains("energy_consumed") && bad.stderr.contains("n/a"),
        "{}",
        bad.stderr
    );
}

/// The TOML header names the files read in a comment: a line feed in a file's name is
/// written escaped, so the comment cannot end early and the inventory still reads.
#[test]
fn a_file_name_with_a_line_feed_leaves_the_header_one_comment() {
    let d = dir("line-feed");
    let named = d.0.join("a\nb = 1");
    std::fs::create_dir_all(&named).expect("dir");
    let input = named.join("emissions.csv");
    std::fs::copy(fixture("codecarbon/emissions-3x.csv"), &input).expect("copy");
    let output = d.0.join("imported.toml");
    let out = bilan(&[
        "import",
        "codecarbon",
        &input.display().to_string(),
        "-o",
        &output.display().to_string(),
    ]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let text = std::fs::read_to_string(&output).expect("written");
    assert!(text.starts_with("# Imported by bilan "), "{text}");
    assert!(
        text.lines()
            .next()
            .is_some_and(|l| l.contains("a\\u{a}b = 1")),
        "{text}"
    );
    let valid = bilan(&["validate", &output.display().to_string()]);
    assert_eq!(valid.code, 0, "{}", valid.stderr);
}

#[test]
fn an_impact_framework_sci_manifest_gives_ifs_own_sci() {
    let d = dir("if");
    let out = d.0.join("service.toml").display().to_string();
    let import = bilan(&[
        "import",
        "impact-framework",
        &fixture("impact-framework/sci-output.yml"),
        "-o",
        &out,
    ]);
    assert_eq!(import.code, 0, "{}", import.stderr);
    let report = bilan(&["assess", &out, "-m", "sci", "-f", "json"]);
    assert_eq!(report.code, 0, "{}", report.stderr);
    let json: serde_json::Value = serde_json::from_str(&report.stdout).expect("json");
    let sci = json["methods"][0]["assessment"]["functional-units"]
        .as_array()
        .expect("functional units")
        .iter()
        .find(|f| f["indicator"] == "gwp")
        .and_then(|f| f["value"].as_f64())
        .expect("SCI per request");
    // IF 1.1.0's own output: 2338.8522 gCO2e over 19,400 requests (fixture README).
    let if_sci_g = 0.120_559_393_8;
    assert!(
        (sci * 1000.0 / if_sci_g - 1.0).abs() < 1e-3,
        "{sci} kg per request"
    );
    let refused = bilan(&[
        "import",
        "impact-framework",
        &fixture("impact-framework/refused-time-sync.yml"),
    ]);
    assert_eq!(refused.code, 2, "{}", refused.stdout);
    assert!(
        refused.stderr.to_lowercase().contains("timesync") || refused.stderr.contains("time-sync"),
        "{}",
        refused.stderr
    );
}

#[test]
fn exports_are_written_for_one_method_and_refused_elsewhere() {
    let example = root().join("examples/llama-3.1.toml").display().to_string();
    let card = bilan(&["assess", &example, "-m", "ademe-lca", "-f", "model-card"]);
    assert_eq!(card.code, 0, "{}", card.stderr);
    assert!(
        card.stdout.contains("co2_eq_emissions:") && card.stdout.contains("emissions:"),
        "{}",
        card.stdout
    );
    let boamps = bilan(&["assess", &example, "-m", "sci", "-f", "boamps"]);
    assert_eq!(boamps.code, 0, "{}", boamps.stderr);
    let report: serde_json::Value = serde_json::from_str(&boamps.stdout).expect("BoAmps is JSON");
    assert!(
        report.get("header").is_some() && report.get("measures").is_some(),
        "{report}"
    );
    let manifest = bilan(&["assess", &example, "-m", "sci", "-f", "if-manifest"]);
    assert_eq!(manifest.code, 0, "{}", manifest.stderr);
    assert!(
        manifest.stdout.contains("tree:") && manifest.stdout.contains("carbon"),
        "{}",
        manifest.stdout
    );
    let two = bilan(&["assess", &example, "-f", "model-card"]);
    assert_eq!(two.code, 2);
    assert!(two.stderr.contains("choose it with -m"), "{}", two.stderr);
    let compare = bilan(&["compare", &example, "-f", "boamps"]);
    assert_eq!(compare.code, 2);
    assert!(
        compare
            .stderr
            .contains("bilan assess INVENTORY -m METHOD -f boamps"),
        "{}",
        compare.stderr
    );
}

#[test]
fn missing_and_impossible_values_are_refused_on_their_line_never_dropped() {
    let d = dir("refused");
    // A CodeCarbon run with an empty energy cell, in a file with CRLF line endings.
    let csv = std::fs::read_to_string(fixture("codecarbon/emissions-3x.csv")).expect("fixture");
    let mut lines: Vec<String> = csv.lines().map(str::to_owned).collect();
    let column = lines[0]
        .split(',')
        .position(|c| c == "energy_consumed")
        .expect("column");
    let mut cells: Vec<&str> = lines[2].split(',').collect();
    cells[column] = "";
    lines[2] = cells.join(",");
    let empty = d.0.join("empty.csv");
    std::fs::write(&empty, lines.join("\r\n") + "\r\n").expect("write");
    let out = d.0.join("runs.toml");
    let run = bilan(&[
        "import",
        "codecarbon",
        &empty.display().to_string(),
        "-o",
        &out.display().to_string(),
    ]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(
        run.stderr.contains("empty.csv:3")
            && run.stderr.contains("column `energy_consumed`: empty"),
        "{}",
        run.stderr
    );
    assert!(!out.exists(), "nothing is written");

    // A BoAmps measure that lasted no time.
    let json = std::fs::read_to_string(fixture("boamps/samples/llm-inference-h100.json"))
        .expect("fixture");
    let mut report: serde_json::Value = serde_json::from_str(&json).expect("json");
    report["measures"][0]["measurementDuration"] = serde_json::json!(0);
    let zero = d.0.join("zero.json");
    std::fs::write(&zero, serde_json::to_string_pretty(&report).expect("json")).expect("write");
    let run = bilan(&["import", "boamps", &zero.display().to_string()]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(
        run.stderr.contains("/measures/0/measurementDuration")
            && run.stderr.contains("a duration of more than zero"),
        "{}",
        run.stderr
    );
}

#[test]
fn an_if_observation_whose_period_cannot_be_formed_is_refused_at_its_duration() {
    let d = dir("if-period");
    let manifest = d.0.join("m.yml");
    // 1e12 s (about 31,700 years) ends past the last date bilan holds: no reporting year
    // may be made up for it, beside a normal observation or alone.
    for extra in [
        "",
        "        - {timestamp: '2026-11-03T00:00:00Z', duration: 3600, energy: 1}\n",
    ] {
        std::fs::write(
            &manifest,
            format!(
                "name: t\ninitialize:\n  plugins:\n    op:\n      method: Multiply\n      path: builtin\n      config:\n        input-parameters: [energy, grid/carbon-intensity]\n        output-parameter: carbon-operational\ntree:\n  children:\n    c:\n      pipeline:\n        compute: [op]\n      defaults:\n        grid/carbon-intensity: 56\n      inputs:\n        - {{timestamp: '2026-11-02T00:00:00Z', duration: 1e12, energy: 2.5}}\n{extra}"
            ),
        )
        .expect("write");
        let out = d.0.join("m.toml");
        let run = bilan(&[
            "import",
            "impact-framework",
            &manifest.display().to_string(),
            "-o",
            &out.display().to_string(),
        ]);
        assert_eq!(run.code, 2, "{}", run.stderr);
        assert!(
            run.stderr.contains("tree.children.c.inputs[0].duration")
                && run.stderr.contains("period cannot be formed"),
            "{}",
            run.stderr
        );
        assert!(!out.exists(), "nothing is written");
    }
}

#[test]
fn every_export_refuses_a_figure_the_method_did_not_compute_and_says_why() {
    let d = dir("not-computed");
    let inventory = d.0.join("inf.toml");
    std::fs::write(
        &inventory,
        "schema = 1\n[system]\nname = \"t\"\nperiod = { start = 2025-01-01, end = 2025-12-31 }\n[[site]]\nid = \"dc\"\nregion = \"FR\"\npue = 1.2\nownership = \"owned\"\n[[workload]]\nid = \"w\"\nphase = \"inference\"\nsite = \"dc\"\nenergy = \"1000 kWh\"\n",
    )
    .expect("write");
    let inventory = inventory.display().to_string();
    // The training method covers GWP and energy, but leaves inference out: every
    // contribution is excluded, so nothing is computed, which is not "not covered".
    for (format, indicator) in [
        ("model-card", "gwp"),
        ("if-manifest", "gwp"),
        ("boamps", "energy"),
    ] {
        let out = d.0.join(format!("out.{format}"));
        let run = bilan(&[
            "assess",
            &inventory,
            "-m",
            "model-card-training",
            "-f",
            format,
            "-o",
            &out.display().to_string(),
        ]);
        assert_eq!(run.code, 2, "{format}: {}", run.stderr);
        assert!(
            run.stderr.contains(&format!(
                "covers {indicator}, but computed none for this inventory"
            )) && run.stderr.contains("training-only"),
            "{format}: {}",
            run.stderr
        );
        assert!(
            !run.stderr.contains("does not compute") && !run.stderr.contains("does not cover"),
            "{format}: {}",
            run.stderr
        );
        assert!(!out.exists(), "{format}: nothing is written");
    }
}
