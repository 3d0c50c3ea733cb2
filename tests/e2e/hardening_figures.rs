//! Figures stay true under careless and hostile input (issue: hardening): never inf or NaN,
//! never a silent 0, the same unknowns reported by every method, and report rows that say
//! what the method computes.

use crate::support::{bilan, root};

pub(crate) fn scratch(name: &str, text: &str) -> String {
    let dir = crate::support::scratch_dir("figures");
    let path = dir.join(name);
    std::fs::write(&path, text).expect("write");
    path.display().to_string()
}

pub(crate) fn llama() -> String {
    std::fs::read_to_string(root().join("examples/llama-3.1.toml")).expect("example")
}

fn edited(name: &str, from: &str, to: &str) -> String {
    crate::support::edited_file("figures", "examples/llama-3.1.toml", name, |t| {
        t.replacen(from, to, 1)
    })
}

const FACTOR_HEADER: &str = "schema = 1\n\n[[factor]]\n";

fn hardware_factor(model: &str, value: &str) -> String {
    format!(
        "{FACTOR_HEADER}id = \"my-{model}\"\nsubject = \"hardware/{model}\"\nindicator = \"gwp\"\nvalue = \"{value}\"\nboundary = \"cradle-to-gate\"\nregion = \"WORLD\"\nyear = 2024\nbasis = \"user\"\ndataset = \"own measurement\"\ncitation = \"vendor sheet\"\nlicence = \"proprietary\"\nattribution = \"us\"\n"
    )
}

/// Every method of a comparison fails on `path` (exit 1), each naming `expected`, and no
/// output holds an infinite or NaN figure.
#[track_caller]
fn overflows(args: &[&str], expected: &[&str]) {
    let out = bilan(args);
    assert_eq!(out.code, 1, "{}\n{}", out.stdout, out.stderr);
    for e in expected {
        assert!(out.stderr.contains(e), "missing `{e}` in:\n{}", out.stderr);
    }
    for bad in ["inf ", "NaN", "inf\n"] {
        assert!(!out.stdout.contains(bad), "`{bad}` in:\n{}", out.stdout);
    }
}

#[test]
fn an_overflowing_product_is_an_error_naming_the_item_and_the_term() {
    let path = edited("pue-1e308.toml", "pue = 1.0", "pue = 1e308");
    overflows(
        &["compare", &path],
        &[
            "error: ademe-lca@1.0.0: workload `pretrain-8b`: its gwp (electricity) is not a finite number",
            "the term out of range is PUE = 1e308 (`site[meta-research-clusters].pue` in the inventory)",
            "error: ghg-protocol@1.0.0: workload `pretrain-8b`",
            "error: sci@1.0.0: workload `pretrain-8b`",
        ],
    );
    // The warning states the plausible range.
    let out = bilan(&["validate", &path]);
    assert!(
        out.stderr.contains("warning: ") && out.stderr.contains("data centres lie between 1 and 3"),
        "{}",
        out.stderr
    );
}

#[test]
fn an_overflowing_multiplier_factor_or_lifetime_is_an_error_too() {
    let method = scratch(
        "huge-scale.toml",
        "schema = 1\nid = \"huge\"\nversion = \"1.0.0\"\nname = \"huge\"\ndescription = \"d\"\nextends = \"ademe-lca@^1\"\n\n[[rule]]\nid = \"boost\"\nkind = \"scale\"\nmultiplier = 1e308\nreason = \"hostile\"\n",
    );
    let inv = root().join("examples/llama-3.1.toml").display().to_string();
    overflows(
        &["compare", &inv, "--method-file", &method, "-m", "huge"],
        &["error: huge@1.0.0:", "not a finite number"],
    );

    let model = edited(
        "own-model.toml",
        "model = \"nvidia-h100-sxm-80gb\"",
        "model = \"hostile-accelerator\"",
    );
    let factors = scratch(
        "huge-factor.toml",
        &hardware_factor("hostile-accelerator", "1e308 kgCO2e/device"),
    );
    // A fleet that lives 1e-300 s has no time in service for its workloads.
    let lifetime = edited(
        "short-life.toml",
        "lifetime = \"4 years\"",
        "lifetime = \"1e-300 s\"",
    );
    let out = bilan(&["validate", &lifetime]);
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert!(
        out.stderr
            .contains("which can deliver 0 (16,384 devices × 0 h in service"),
        "{}",
        out.stderr
    );
    // A building that lives 1e-300 s amortises its impacts into an overflow.
    let mistral =
        std::fs::read_to_string(root().join("examples/mistral-large-2-illustrative.toml"))
            .expect("example")
            .replacen("lifetime = \"20 years\"", "lifetime = \"1e-300 s\"", 1);
    let building = scratch("short-building.toml", &mistral);
    let out = bilan(&["compare", &building, "-m", "ademe-lca"]);
    assert_eq!(out.code, 1, "{}", out.stderr);
    assert!(
        out.stderr.contains("building `eu-dc-building`")
            && out.stderr.contains("not a finite number"),
        "{}",
        out.stderr
    );
    assert!(!out.stdout.contains("inf "), "{}", out.stdout);
    let out = bilan(&[
        "compare",
        &model,
        "--factors",
        &factors,
        "-m",
        "ademe-lca",
        "-m",
        "sci",
    ]);
    assert_eq!(out.code, 1, "{}", out.stderr);
    assert!(out.stderr.contains("not a finite number"), "{}", out.stderr);
}

#[test]
fn tiny_values_print_as_numbers() {
    let text = format!(
        "{}\n[[transport]]\nid = \"feather\"\nimpacts.gwp = {{ value = \"1e-320 t CO2e\", source = \"a hostile test\" }}\n",
        llama()
    );
    let path = scratch("tiny.toml", &text);
    let out = bilan(&[
        "explain",
        &path,
        "-m",
        "ademe-lca",
        "--figure",
        "gwp.item.feather",
    ]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(!out.stdout.contains("NaN"), "{}", out.stdout);
    assert!(out.stdout.contains("e-"), "{}", out.stdout);
}

#[test]
fn an_indicator_whose_every_contribution_is_excluded_is_not_computed_never_zero() {
    let path = edited(
        "custom-model.toml",
        "model = \"nvidia-h100-sxm-80gb\"",
        "model = \"my-accelerator\"\nembodied.gwp = { value = \"200 kgCO2e/device\", source = \"vendor\", boundary = \"cradle-to-gate\" }",
    );
    let out = bilan(&["assess", &path, "-m", "ademe-lca"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(
        out.stdout.contains("| adpe      | not computed"),
        "{}",
        out.stdout
    );
    assert!(!out.stdout.contains("0 kg Sb eq"), "{}", out.stdout);
    let out = bilan(&["compare", &path, "-f", "json"]);
    let json: serde_json::Value = serde_json::from_str(&out.stdout).expect("json");
    let adpe = json["comparison"]["indicators"]
        .as_array()
        .and_then(|a| a.iter().find(|i| i["indicator"] == "adpe"))
        .expect("adpe");
    let ademe = adpe["rows"]
        .as_array()
        .and_then(|r| r.iter().find(|r| r["method"] == "ademe-lca"))
        .expect("ademe row");
    assert!(ademe["total"].is_null(), "{ademe}");
    assert_eq!(ademe["not-computed"], true, "{ademe}");
    assert!(
        ademe["note"]
            .as_str()
            .is_some_and(|n| n.starts_with("not computed")),
        "{ademe}"
    );
}

#[test]
fn an_indicator_whose_only_item_is_excluded_whole_is_not_computed_never_zero() {
    // SCI leaves out a service's provider-allocated emissions whole (no indicator named):
    // with nothing else in the inventory, its gwp once read "0 kg CO2e (-0 kgCO2e), the sum
    // of 0 contributions".
    let path = scratch("short-form.toml", "");
    let card = root().join("tests/fixtures/interop/model-card/short-form.md");
    let card = card.display().to_string();
    let out = bilan(&["import", "model-card", &card, "-o", &path]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let out = bilan(&["compare", &path, "-m", "sci", "-f", "json"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let json: serde_json::Value = serde_json::from_str(&out.stdout).expect("json");
    let gwp = json["comparison"]["indicators"]
        .as_array()
        .and_then(|a| a.iter().find(|i| i["indicator"] == "gwp"))
        .expect("gwp");
    let sci = &gwp["rows"][0];
    assert!(sci["total"].is_null(), "{sci}");
    assert_eq!(sci["not-computed"], true, "{sci}");
    assert!(
        sci["note"].as_str().is_some_and(
            |n| n.starts_with("not computed: every contribution to gwp was excluded: service")
        ),
        "{sci}"
    );
    let out = bilan(&["explain", &path, "-m", "sci", "--figure", "gwp.total"]);
    assert!(!out.stdout.contains("-0 kgCO2e"), "{}", out.stdout);
}

#[test]
fn an_unknown_hardware_model_is_an_error_with_the_closest_ids() {
    let path = edited(
        "h100.toml",
        "model = \"nvidia-h100-sxm-80gb\"",
        "model = \"H100\"",
    );
    for args in [vec!["validate", &path], vec!["compare", &path]] {
        let out = bilan(&args);
        assert_eq!(out.code, 2, "{}", out.stderr);
        assert!(
            out.stderr.contains("fleet[0].model: `H100`: unknown hardware model; did you mean `nvidia-h100-sxm-80gb` or `nvidia-h100-pcie-80gb`?"),
            "{}",
            out.stderr
        );
    }
    // A user's own hardware, in a factor file, is known to `validate` as to the others.
    let path = edited(
        "own.toml",
        "model = \"nvidia-h100-sxm-80gb\"",
        "model = \"our-asic\"",
    );
    let factors = scratch(
        "own-factors.toml",
        &hardware_factor("our-asic", "150 kgCO2e/device"),
    );
    assert_eq!(bilan(&["validate", &path]).code, 2);
    let out = bilan(&["validate", &path, "--factors", &factors]);
    assert_eq!(out.code, 0, "{}", out.stderr);
}

#[test]
fn a_prorated_workload_counts_the_same_share_in_every_method() {
    let path = edited(
        "prorated.toml",
        "fleet = \"h100-training\"\ndevice-hours = \"1.46e6",
        "outside-period = \"prorate\"\nfleet = \"h100-training\"\nperiod = { start = 2024-12-01, end = 2025-01-30 }\ndevice-hours = \"1.46e6",
    );
    for method in ["ademe-lca", "ghg-protocol", "sci", "model-card-training"] {
        let out = bilan(&[
            "explain",
            &path,
            "-m",
            method,
            "--figure",
            "gwp.item.pretrain-8b",
        ]);
        assert_eq!(out.code, 0, "{method}: {}", out.stderr);
        assert!(
            out.stdout.contains("= 215.0 t CO2e"),
            "{method}: {}",
            out.stdout
        );
        assert!(
            out.stdout
                .contains("s_period = 0.5081967213114754 [time-frame]")
                && out
                    .stdout
                    .contains("31 of the 61 days of 2024-12-01 to 2025-01-30"),
            "{method}: {}",
            out.stdout
        );
    }
}

#[test]
fn an_empty_indicator_selection_is_a_located_load_error() {
    let method = scratch(
        "no-indicators.toml",
        "schema = 1\nid = \"none\"\nversion = \"1.0.0\"\nname = \"n\"\ndescription = \"d\"\nextends = \"ademe-lca@^1\"\nindicators = []\n",
    );
    let out = bilan(&["methods", "--method-file", &method]);
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert!(
        out.stderr
            .contains("no-indicators.toml:7: indicators: `indicators = []` selects no indicator"),
        "{}",
        out.stderr
    );
}

#[test]
fn a_narrowed_method_describes_what_it_computes() {
    let out = bilan(&["methods", "-f", "json"]);
    let json: serde_json::Value = serde_json::from_str(&out.stdout).expect("json");
    let card = json
        .as_array()
        .and_then(|m| {
            m.iter()
                .find(|m| m["descriptor"]["id"] == "model-card-training")
        })
        .expect("model-card-training");
    let rules = card["descriptor"]["rules"].as_array().expect("rules");
    let coverage = rules
        .iter()
        .find(|r| r["driver"] == "indicator-coverage")
        .expect("coverage rule");
    assert_eq!(coverage["treatment"], "carbon and energy", "{coverage}");
    // The stages its rules exclude are not "included" as in its base.
    for driver in ["host-embodied", "building", "transport", "end-of-life"] {
        let rule = rules
            .iter()
            .find(|r| r["driver"] == driver)
            .unwrap_or_else(|| panic!("{driver} rule"));
        assert_eq!(rule["treatment"], "excluded", "{rule}");
    }
    let boundary = card["descriptor"]["boundary"].as_str().expect("boundary");
    assert!(
        boundary.contains("excludes stage manufacturing, transport, infrastructure, end-of-life (rule `operational-only`)")
            && boundary.contains("excludes phase inference (rule `training-only`)"),
        "{boundary}"
    );
}

#[test]
fn explain_accepts_a_disclosure_that_measures_no_indicator() {
    let inv = root().join("examples/llama-3.1.toml").display().to_string();
    let out = bilan(&[
        "explain",
        &inv,
        "-m",
        "sci",
        "--figure",
        "gwp.disclosure.sci.training-run-8b.energy",
    ]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(
        out.stdout.contains("kWh/training-run") && out.stdout.contains("formula:"),
        "{}",
        out.stdout
    );
}

#[test]
fn a_parameter_no_item_uses_is_reported_as_unused() {
    let inv = root().join("examples/llama-3.1.toml").display().to_string();
    // Every fleet of the example gives its own lifetime.
    let out = bilan(&[
        "assess",
        &inv,
        "-m",
        "ademe-lca",
        "-p",
        "default-lifetime=6 years",
    ]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(
        out.stdout
            .contains("parameter `default-lifetime` was given but is unused"),
        "{}",
        out.stdout
    );
    // The site gives no WUE: the default is used, and nothing is said.
    let out = bilan(&[
        "assess",
        &inv,
        "-m",
        "ademe-lca",
        "-p",
        "default-wue=0.5 L/kWh",
    ]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(!out.stdout.contains("unused"), "{}", out.stdout);
}

#[test]
fn a_missing_factor_is_reported_alike_by_every_method() {
    // Known hardware (so it passes validation) with a water figure only: no method finds
    // its gwp, and each says so the same way.
    let factors = scratch(
        "water-only.toml",
        &hardware_factor("water-only-accel", "2 m3/device").replace("\"gwp\"", "\"water\""),
    );
    let path = edited(
        "water-only-model.toml",
        "model = \"nvidia-h100-sxm-80gb\"",
        "model = \"water-only-accel\"",
    );
    for method in ["ademe-lca", "ghg-protocol", "sci"] {
        let out = bilan(&[
            "assess",
            &path,
            "--factors",
            &factors,
            "-m",
            method,
            "-f",
            "json",
        ]);
        assert_eq!(out.code, 0, "{method}: {}", out.stderr);
        let json: serde_json::Value = serde_json::from_str(&out.stdout).expect("json");
        let a = &json["methods"][0]["assessment"];
        let excluded = a["exclusions"].as_array().expect("exclusions").iter().any(|e| {
            e["indicator"] == "gwp"
                && e["reason"].as_str().is_some_and(|r| {
                    r.starts_with("no gwp factor for `hardware/water-only-accel` in the factor database or the --factors files")
                })
        });
        assert!(excluded, "{method}: {a}");
        let warned = a["warnings"].as_array().expect("warnings").iter().any(|w| {
            w == "fleet `h100-training`: embodied gwp left out, no factor (see the exclusions)"
        });
        assert!(warned, "{method}: {}", a["warnings"]);
    }
}

#[test]
fn a_default_wue_given_as_a_parameter_is_graded_a_default() {
    // `-p default-wue=…` stands in for a WUE the inventory does not give, as the database
    // default does; its water figure was once graded as disclosed (grade B where the
    // database default gives C).
    let inv = scratch(
        "no-wue.toml",
        "schema = 1\n[system]\nname = \"q\"\nperiod = { start = 2024-01-01, end = 2024-12-31 }\n\
         [[site]]\nid = \"dc\"\nregion = \"FR\"\npue = 1.2\nownership = \"owned\"\n\
         [[workload]]\nid = \"w\"\nphase = \"training\"\nsite = \"dc\"\nenergy = \"1000 kWh\"\n",
    );
    for method in ["ademe-lca", "conservative-auditor", "harmonised-ai"] {
        let share = |params: &[&str]| -> f64 {
            let mut args = vec!["compare", &inv, "-m", method, "-f", "csv"];
            args.extend(params);
            let out = bilan(&args);
            assert_eq!(out.code, 0, "{method}: {}", out.stderr);
            let line = out
                .stdout
                .lines()
                .find(|l| l.starts_with(&format!("quality,water,{method},default,")))
                .unwrap_or_else(|| panic!("{method}: {}", out.stdout));
            line.split(',')
                .nth(4)
                .expect("share")
                .parse()
                .expect("number")
        };
        // The on-site water is most of the water figure at 50 L/kWh: a default share.
        let database = share(&[]);
        let parameter = share(&["-p", "default-wue=50 L/kWh"]);
        assert!(database > 0.0, "{method}: {database}");
        assert!(parameter > 0.9, "{method}: {parameter}");
    }
}

#[test]
fn explain_refuses_a_figure_that_names_nothing_even_where_the_indicator_is_not_computed() {
    // llama-2 under ademe-lca: adpe is not computed, and sci does not cover water. A unit,
    // item or disclosure that does not exist was once "not computed" or "not covered", exit 0.
    for (method, figure, expected) in [
        (
            "ademe-lca",
            "adpe.unit.no-such-unit",
            "the inventory has no functional unit `no-such-unit` (its functional units: training-run-7b,",
        ),
        ("sci", "water.unit.bogus", "no functional unit `bogus`"),
        (
            "sci",
            "water.item.nothing",
            "the inventory has no item `nothing`",
        ),
        (
            "ademe-lca",
            "adpe.disclosure.nothing",
            "has no disclosure `nothing`",
        ),
    ] {
        let out = bilan(&[
            "explain",
            "examples/llama-2.toml",
            "-m",
            method,
            "--figure",
            figure,
        ]);
        assert_eq!(out.code, 2, "{figure}: {}", out.stderr);
        assert!(out.stderr.contains(expected), "{figure}: {}", out.stderr);
    }
    // What exists still explains as not covered.
    let out = bilan(&[
        "explain",
        "examples/llama-2.toml",
        "-m",
        "sci",
        "--figure",
        "water.total",
    ]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(
        out.stdout.contains("not covered by this method"),
        "{}",
        out.stdout
    );
}
