//! Energy in every method: measured energy states the boundary it was measured at
//! (`energy-boundary`, `idle-energy-boundary`), and a facility figure is not multiplied by
//! the PUE again.

use crate::plugins::example_plugin;
use crate::support::bilan;

const INVENTORY: &str = r#"schema = 1

[system]
name = "measured energy"
period = { start = 2024-01-01, end = 2024-12-31 }

[[site]]
id = "dc"
region = "FR"
pue = 1.5
ownership = "owned"

[site.electricity.gwp]
value = "0.1 kgCO2e/kWh"
source = "test figure"
boundary = "life-cycle"

[[workload]]
id = "train"
phase = "training"
site = "dc"
energy = "1000 kWh"
idle-energy = "100 kWh"
"#;

const FACILITY_RULE: &str = "rule: energy measured at the facility boundary: already includes the facility overhead (energy-boundary = \"facility\")";
const IDLE_FACILITY_RULE: &str = "rule: energy measured at the facility boundary: already includes the facility overhead (idle-energy-boundary = \"facility\")";

/// Writes `INVENTORY`, with `extra` lines added to its workload, as `name`.
fn write(name: &str, extra: &str) -> String {
    let dir = crate::support::scratch_dir("energy");
    let path = dir.join(name);
    std::fs::write(&path, format!("{INVENTORY}{extra}")).expect("written");
    path.display().to_string()
}

/// Every method that counts electricity, with the arguments that select it.
fn methods() -> Vec<(&'static str, Vec<String>)> {
    let plugin = example_plugin();
    vec![
        ("ademe-lca", vec![]),
        ("ghg-protocol", vec![]),
        ("sci", vec![]),
        ("green-algorithms", vec!["--plugin".to_owned(), plugin]),
    ]
}

fn explain(inv: &str, method: &str, extra: &[String], figure: &str, json: bool) -> String {
    let mut args = vec!["explain", inv, "-m", method, "--figure", figure];
    args.extend(extra.iter().map(String::as_str));
    if json {
        args.extend(["-f", "json"]);
    }
    let out = bilan(&args);
    assert_eq!(out.code, 0, "{method} {figure}: {}", out.stderr);
    out.stdout
}

fn value(inv: &str, method: &str, extra: &[String], figure: &str) -> f64 {
    let out = explain(inv, method, extra, figure, true);
    let json: serde_json::Value = serde_json::from_str(&out).expect("json");
    json["value"]
        .as_f64()
        .unwrap_or_else(|| panic!("{method} {figure}: {json}"))
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() <= 1e-9 * b.abs()
}

#[test]
fn facility_energy_is_not_multiplied_by_the_pue_again_in_any_method() {
    let it = write("it.toml", "");
    let facility = write(
        "facility.toml",
        "energy-boundary = \"facility\"\nidle-energy-boundary = \"facility\"\n",
    );
    for (method, extra) in methods() {
        let figure = "gwp.item.train@electricity";
        // IT energy (the default): 1000 kWh × PUE 1.5 × 0.1 kg/kWh.
        let v = value(&it, method, &extra, figure);
        assert!(close(v, 150.0), "{method}: IT energy gave {v}");
        assert!(
            !explain(&it, method, &extra, figure, false).contains("facility boundary"),
            "{method}"
        );
        // Facility energy: 1000 kWh × 0.1 kg/kWh, the PUE term kept at 1 with its rule.
        let v = value(&facility, method, &extra, figure);
        assert!(close(v, 100.0), "{method}: facility energy gave {v}");
        let trail = explain(&facility, method, &extra, figure, false);
        assert!(
            trail.contains(&format!("× PUE = 1 [facility-overhead] ← {FACILITY_RULE}")),
            "{method}: {trail}"
        );
    }
    // Idle energy states its own boundary (green-algorithms leaves idle energy out).
    for (method, extra) in methods().into_iter().take(3) {
        let figure = "gwp.item.train@idle-electricity";
        let v = value(&it, method, &extra, figure);
        assert!(close(v, 15.0), "{method}: idle IT energy gave {v}");
        let v = value(&facility, method, &extra, figure);
        assert!(close(v, 10.0), "{method}: idle facility energy gave {v}");
        let trail = explain(&facility, method, &extra, figure, false);
        assert!(trail.contains(IDLE_FACILITY_RULE), "{method}: {trail}");
    }
}

#[test]
fn each_boundary_applies_to_its_own_energy() {
    // Only the idle energy was measured at the facility: the device energy keeps the PUE.
    let inv = write(
        "idle-facility.toml",
        "idle-energy-boundary = \"facility\"\n",
    );
    let v = value(&inv, "ademe-lca", &[], "gwp.item.train");
    assert!(close(v, 1000.0 * 1.5 * 0.1 + 100.0 * 0.1), "{v}");
    // GHG's market-based Scope 2 is charged on the total: one row per boundary.
    let v = value(&inv, "ghg-protocol", &[], "gwp.category.scope-2-market");
    assert!(close(v, 1000.0 * 1.5 * 0.1 + 100.0 * 0.1), "{v}");
    // On-site water is per IT kWh: facility energy is divided by the PUE.
    let trail = explain(
        &inv,
        "ademe-lca",
        &[],
        "water.item.train@cooling-water",
        false,
    );
    assert!(
        trail.contains("E_IT_total = 1066.6666666666667 kWh"),
        "{trail}"
    );
}

#[test]
fn a_boundary_without_its_energy_is_a_located_error() {
    // `device-hours` × `power-per-device` is IT energy: a boundary key on it is refused, as
    // is an idle boundary without idle energy.
    let text = INVENTORY
        .replace(
            "energy = \"1000 kWh\"\n",
            "device-hours = \"10 GPU·h\"\npower-per-device = \"700 W\"\n",
        )
        .replace("idle-energy = \"100 kWh\"\n", "")
        + "energy-boundary = \"facility\"\nidle-energy-boundary = \"it\"\n";
    let dir = crate::support::scratch_dir("energy");
    let inv = dir.join("no-energy.toml");
    std::fs::write(&inv, text).expect("written");
    let out = bilan(&["validate", &inv.display().to_string()]);
    assert_ne!(out.code, 0, "{}", out.stdout);
    for key in [
        "workload[0].energy-boundary",
        "workload[0].idle-energy-boundary",
    ] {
        assert!(out.stderr.contains(key), "{key}: {}", out.stderr);
    }
}

/// `explain`'s value of `figure` for `method` on `inv`, in JSON.
fn figure(inv: &str, method: &str, figure: &str) -> f64 {
    value(inv, method, &[], figure)
}

#[test]
fn final_electricity_is_an_indicator_of_every_method() {
    let llama = "examples/llama-3.1.toml";
    // Meta's card: 39.3 M GPU·h × 0.7 kW, power already adjusted for PUE (the site's 1.0).
    let expected = 39.3e6 * 0.7 * 1.0;
    for method in ["ademe-lca", "ghg-protocol", "sci", "model-card-training"] {
        let total = figure(llama, method, "energy.total");
        assert!(
            (total - expected).abs() <= 1e-9 * expected,
            "{method}: energy.total {total} kWh, expected {expected}"
        );
        let training = figure(llama, method, "energy.phase.training");
        assert!(close(training, total), "{method}: {training} vs {total}");
        // A declarative method's rules void the base method's disclosures.
        if method != "model-card-training" {
            let it = figure(llama, method, "energy.disclosure.it-energy");
            assert!(close(it, expected), "{method}: it-energy {it}");
        }
    }
    let items: f64 = ["pretrain-8b", "pretrain-70b", "pretrain-405b"]
        .iter()
        .map(|id| figure(llama, "ademe-lca", &format!("energy.item.{id}")))
        .sum();
    assert!(close(items, expected), "{items}");
    let text = explain(llama, "ademe-lca", &[], "energy.total", false);
    assert!(text.contains("= 27.51 GWh"), "{text}");

    // Energy is IT energy × PUE on every electricity slice, idle included, and its
    // other indicators are unchanged: 1100 kWh of IT energy on a PUE of 1.5.
    let inv = write("final.toml", "");
    for (method, extra) in methods().into_iter().take(3) {
        let total = value(&inv, method, &extra, "energy.total");
        assert!(close(total, 1100.0 * 1.5), "{method}: {total}");
        let idle = value(&inv, method, &extra, "energy.aspect.idle-electricity");
        assert!(close(idle, 100.0 * 1.5), "{method}: {idle}");
        let it = value(&inv, method, &extra, "energy.disclosure.it-energy");
        assert!(close(it, 1100.0), "{method}: {it}");
        let gwp = value(&inv, method, &extra, "gwp.aspect.electricity");
        assert!(close(gwp, 1000.0 * 1.5 * 0.1), "{method}: {gwp}");
    }
    // Facility-measured energy is final electricity as measured.
    let inv = write(
        "final-facility.toml",
        "energy-boundary = \"facility\"\nidle-energy-boundary = \"facility\"\n",
    );
    for (method, extra) in methods().into_iter().take(3) {
        let total = value(&inv, method, &extra, "energy.total");
        assert!(close(total, 1100.0), "{method}: {total}");
        let it = value(&inv, method, &extra, "energy.disclosure.it-energy");
        assert!(close(it, 1100.0 / 1.5), "{method}: {it}");
    }
}
