//! What is unknown is an error or an exclusion with its reason, in every method alike
//! (issue: hardening): an indicator no item gives, an item a method excluded, device time
//! beyond a fleet's life, an idle fleet's transport, a stage with no counted impact.

use crate::hardening_figures::{llama, scratch};
use crate::support::{bilan, root};

#[test]
fn an_indicator_no_item_gives_is_not_computed_in_every_method() {
    // A service that allocates only emissions gives no energy: every method once reported
    // "energy 0 kWh", as if it had been measured.
    let path = scratch("emissions-only.toml", "");
    let card = root().join("tests/fixtures/interop/model-card/emissions-only.md");
    let card = card.display().to_string();
    let out = bilan(&["import", "model-card", &card, "-o", &path]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let out = bilan(&["compare", &path, "-f", "json"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let json: serde_json::Value = serde_json::from_str(&out.stdout).expect("json");
    let energy = json["comparison"]["indicators"]
        .as_array()
        .and_then(|a| a.iter().find(|i| i["indicator"] == "energy"))
        .expect("energy");
    let rows = energy["rows"].as_array().expect("rows");
    assert_eq!(rows.len(), 7, "{energy}");
    for row in rows {
        assert!(row["total"].is_null(), "{row}");
        assert_eq!(row["not-computed"], true, "{row}");
        // SCI leaves the service out whole, so its reason is that exclusion.
        let note = row["note"].as_str().unwrap_or_default();
        if row["method"] == "sci" {
            assert!(
                note.starts_with("not computed: every contribution to energy was excluded: service `minimal-fixture`"),
                "{row}"
            );
        } else {
            assert_eq!(
                note, "not computed: no item of the inventory gives energy",
                "{row}"
            );
        }
    }
    let out = bilan(&["compare", &path]);
    let words = out.stdout.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(
        words.contains("energy (not computed by ademe-lca, ghg-protocol, beges-amortised, conservative-auditor, harmonised-ai, model-card-training: no item of the inventory gives it; by sci: every contribution excluded)"),
        "{}",
        out.stdout
    );
    assert!(!out.stdout.contains("0 kWh"), "{}", out.stdout);
}

#[test]
fn explain_says_why_an_excluded_item_has_no_figure() {
    // A fleet no workload reserves device time on is excluded; `explain` answered "matches
    // nothing" (exit 2), as if the item did not exist.
    let path = scratch(
        "spare-fleet.toml",
        &format!(
            "{}\n[[fleet]]\nid = \"spare\"\nmodel = \"nvidia-h100-sxm-80gb\"\ncount = 8\nsite = \"meta-research-clusters\"\nlifetime = \"4 years\"\n",
            llama()
        ),
    );
    for (method, reason) in [
        ("ademe-lca", "nothing to amortise over the functional unit"),
        ("sci", "TiR = 0, so its share of M is 0 for every R"),
    ] {
        let out = bilan(&["explain", &path, "-m", method, "--figure", "gwp.item.spare"]);
        assert_eq!(out.code, 0, "{method}: {}", out.stderr);
        assert!(
            out.stdout.starts_with(&format!(
                "gwp.item.spare in {method}@1.0.0: not computed: the method excluded it (1 exclusion):\n  - fleet `spare`"
            )) && out.stdout.contains("no workload reserves device time on this fleet")
                && out.stdout.contains(reason),
            "{method}: {}",
            out.stdout
        );
    }
    // The JSON says the same beside its `null`.
    let out = bilan(&[
        "explain",
        &path,
        "-m",
        "ademe-lca",
        "--figure",
        "gwp.item.spare",
        "-f",
        "json",
    ]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let json: serde_json::Value = serde_json::from_str(&out.stdout).expect("json");
    assert!(json["value"].is_null(), "{json}");
    assert_eq!(json["exclusions"][0]["item"]["id"], "spare", "{json}");
    assert_eq!(
        json["note"], "not computed: the method excluded it",
        "{json}"
    );
    // A figure that selects nothing is the same error in text and JSON.
    for format in ["table", "json"] {
        let out = bilan(&[
            "explain",
            "examples/llama-3.1.toml",
            "-m",
            "ademe-lca",
            "--figure",
            "energy.item.h100-training",
            "-f",
            format,
        ]);
        assert_eq!(out.code, 2, "{format}: {}", out.stdout);
        assert!(
            out.stderr
                .contains("energy.item.h100-training matches nothing in ademe-lca@1.0.0"),
            "{format}: {}",
            out.stderr
        );
    }
}

#[test]
fn device_time_beyond_a_fleets_default_lifetime_is_an_error_in_every_method_that_amortises() {
    // A fleet without `lifetime`, reserved whole for four years: under a default lifetime
    // of three years (conservative-auditor) or one day (-p), T_res / L charged 133 % and
    // 1,000 % of the fleet's embodied impacts, with exit 0.
    let path = scratch(
        "no-lifetime.toml",
        "schema = 1\n[system]\nname = \"no lifetime\"\nperiod = { start = 2024-01-01, end = 2027-12-31 }\n\n[[site]]\nid = \"s\"\nregion = \"FR\"\npue = 1.2\nownership = \"owned\"\n\n[[fleet]]\nid = \"f\"\nmodel = \"nvidia-h100-sxm-80gb\"\ncount = 8\nacquired = 2024-01-01\nsite = \"s\"\n\n[[workload]]\nid = \"w\"\nphase = \"training\"\nsite = \"s\"\nfleet = \"f\"\nenergy = \"5000 kWh\"\ndevices = 8\nduration = \"4 years\"\n",
    );
    // Four years of a four-year default fit exactly.
    let out = bilan(&["compare", &path, "-m", "ademe-lca", "-m", "sci"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let out = bilan(&["compare", &path, "-m", "conservative-auditor"]);
    assert_eq!(out.code, 1, "{}", out.stdout);
    assert!(
        out.stderr.contains("error: conservative-auditor@1.1.0: fleet `f`: its workloads reserve 280320 device-hours, but its 8 devices deliver 210240 over a lifetime of 26280 h each (parameter `default-lifetime`, the fleet giving none)"),
        "{}",
        out.stderr
    );
    let out = bilan(&[
        "compare",
        &path,
        "-m",
        "ademe-lca",
        "-m",
        "sci",
        "-p",
        "default-lifetime=1 d",
    ]);
    assert_eq!(out.code, 1, "{}", out.stdout);
    for method in ["ademe-lca@1.0.0", "sci@1.0.0"] {
        assert!(
            out.stderr.contains(&format!("error: {method}: fleet `f`: its workloads reserve 280320 device-hours, but its 8 devices deliver 192 over a lifetime of 24 h each")),
            "{method}: {}",
            out.stderr
        );
    }
}

#[test]
fn transport_of_a_fleet_no_workload_reserves_is_excluded_in_every_method_alike() {
    // ademe-lca counted it as `T_res = -0 GPU·h … = 0 kg CO2e (-0 kgCO2e)` where sci
    // excluded it with its reason.
    let path = scratch(
        "idle-fleet-transport.toml",
        "schema = 1\n[system]\nname = \"idle fleet\"\nperiod = { start = 2024-01-01, end = 2024-12-31 }\n\n[[site]]\nid = \"s\"\nregion = \"FR\"\npue = 1.2\nownership = \"owned\"\n\n[[fleet]]\nid = \"f\"\nmodel = \"nvidia-h100-sxm-80gb\"\ncount = 8\nacquired = 2024-01-01\nlifetime = \"4 years\"\nsite = \"s\"\n\n[[workload]]\nid = \"w\"\nphase = \"training\"\nsite = \"s\"\nenergy = \"5 kWh\"\n\n[[transport]]\nid = \"ship\"\nfleet = \"f\"\nimpacts.gwp = { value = \"100 kgCO2e\", source = \"carrier\" }\n",
    );
    for method in ["ademe-lca", "conservative-auditor", "harmonised-ai", "sci"] {
        let out = bilan(&["explain", &path, "-m", method, "--figure", "gwp.item.ship"]);
        assert_eq!(out.code, 0, "{method}: {}", out.stderr);
        assert!(
            out.stdout.contains("not computed: the method excluded it")
                && out
                    .stdout
                    .contains("no workload reserves device time on fleet `f`"),
            "{method}: {}",
            out.stdout
        );
        assert!(!out.stdout.contains("-0"), "{method}: {}", out.stdout);
    }
}

#[test]
fn a_missing_stage_is_not_blamed_on_an_unrelated_exclusion() {
    // A training workload of 0 kWh with no fleet: the profile blamed the stage on the
    // exclusion of its embodied share ("names no fleet"), not on its 0 kWh.
    let path = scratch(
        "zero-training.toml",
        "schema = 1\n[system]\nname = \"t\"\nperiod = { start = 2024-01-01, end = 2024-12-31 }\n\n[[site]]\nid = \"s\"\nregion = \"FR\"\npue = 1.2\nownership = \"owned\"\n\n[[workload]]\nid = \"w\"\nphase = \"training\"\nsite = \"s\"\nenergy = \"0 kWh\"\n",
    );
    let out = bilan(&["compare", &path, "-m", "harmonised-ai"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let words = out.stdout.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(
        words.contains("mandatory stages not covered: training (the training and fine-tuning workloads (w) have no counted impact)"),
        "{}",
        out.stdout
    );
}
