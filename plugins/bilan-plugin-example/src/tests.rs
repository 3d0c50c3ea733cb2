use std::path::Path;

use bilan_core::assessment::{Aspect, Assessment, Driver, ItemKind};
use bilan_core::factor::FactorSet;
use bilan_core::indicator::Indicator;
use bilan_core::inventory::Inventory;
use bilan_core::method::{Methodology, ParamValue, Parameters};

use super::*;

fn root() -> &'static Path {
    Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/../.."))
}

fn example(name: &str) -> Inventory {
    let mut inv = bilan_io::read_inventory(&root().join("examples").join(name))
        .expect("the example reads")
        .1;
    // What bilan does before any method runs: the estimators and the power model.
    bilan_estimate::resolve(
        &mut inv,
        bilan_hardware::Catalogue::embedded().expect("catalogue"),
        bilan_hardware::power::PowerModel::Curve,
    )
    .unwrap_or_else(|e| panic!("{name}: {e:?}"));
    inv
}

fn factors() -> FactorSet {
    bilan_factors::load(&[] as &[&Path]).expect("embedded factors")
}

fn assess(inv: &Inventory, params: &Parameters) -> Assessment {
    GreenAlgorithms::default()
        .assess(inv, &factors(), params)
        .expect("assesses")
}

fn examples() -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(root().join("examples"))
        .expect("examples/")
        .filter_map(|e| e.ok())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".toml"))
        .collect();
    names.sort();
    names
}

#[test]
fn every_example_is_assessed_with_a_reproducible_trail_and_every_item_accounted() {
    let names = examples();
    assert!(!names.is_empty());
    for name in names {
        let inv = example(&name);
        let a = assess(&inv, &Parameters::default());
        a.check().unwrap_or_else(|e| panic!("{name}: {e}"));
        let items = bilan_plugin_sdk::kit::accounted::items(&inv);
        let r = bilan_runner::reconcile::reconcile(&items, &a);
        assert!(r.unaccounted.is_empty(), "{name}: {:?}", r.unaccounted);
        assert!(
            a.covers(Indicator::Gwp) && !a.covers(Indicator::Water),
            "{name}"
        );
        assert!(
            a.contributions
                .iter()
                .all(|c| c.stage == bilan_core::assessment::Stage::Use),
            "{name}: operational carbon only"
        );
    }
}

#[test]
fn llama_reproduces_the_model_cards_location_based_figure() {
    // 39.3 M GPU·h × 0.7 kW × PUE 1.0 × 0.41403 kgCO2e/kWh = 11,390 t (Meta's card); no
    // utilisation is given, so u = 1.
    let a = assess(&example("llama-3.1.toml"), &Parameters::default());
    let total = a.total(Indicator::Gwp).expect("covered");
    assert!(
        (total - 39.3e6 * 0.7 * 0.41403).abs() < 1e-6 * total,
        "{total}"
    );
    let energy = a
        .disclosures
        .iter()
        .find(|d| d.id == "energy")
        .and_then(|d| d.value)
        .expect("energy disclosed");
    assert!((energy - 27.51e6).abs() < 1.0, "{energy}");
    assert!(
        a.assumptions.iter().any(|x| x.topic == "usage-factor"),
        "{:?}",
        a.assumptions
    );
}

#[test]
fn the_pragmatic_scaling_factor_multiplies_every_workload() {
    let inv = example("llama-3.1.toml");
    let once = assess(&inv, &Parameters::default())
        .total(Indicator::Gwp)
        .expect("covered");
    let mut p = Parameters::default();
    p.set("pragmatic-scaling-factor", ParamValue::Number(3.0));
    let a = assess(&inv, &p);
    let thrice = a.total(Indicator::Gwp).expect("covered");
    assert!((thrice - 3.0 * once).abs() < 1e-9 * thrice);
    assert!(a.contributions.iter().all(|c| {
        c.terms
            .iter()
            .any(|t| t.symbol == "PSF" && t.value == 3.0 && t.driver == Some(Driver::AuditorRule))
    }));
}

#[test]
fn usage_factor_applies_to_computed_power_and_idle_energy_is_excluded() {
    let inv = example("mistral-large-2-illustrative.toml");
    let a = assess(&inv, &Parameters::default());
    for w in &inv.workloads {
        let c = a
            .contributions
            .iter()
            .find(|c| c.item.id == w.id && c.aspect == Aspect::Electricity)
            .expect("device electricity");
        let u = c.terms.iter().find(|t| t.symbol == "u");
        match (&w.energy, w.utilisation) {
            (Some(_), _) => assert!(u.is_none(), "{}: measured energy has no u", w.id),
            (None, Some(util)) => assert_eq!(u.map(|t| t.value), Some(util), "{}", w.id),
            (None, None) => assert_eq!(u.map(|t| t.value), Some(1.0), "{}", w.id),
        }
        if w.idle_energy.is_some() {
            assert!(a.exclusions.iter().any(|x| x.item.id == w.id
                && x.aspect == Some(Aspect::IdleElectricity)
                && x.driver == Some(Driver::IdleOverhead)));
        }
    }
    for f in &inv.fleets {
        assert!(a.exclusions.iter().any(|x| x.item.kind == ItemKind::Fleet
            && *x.item.id == f.id
            && x.driver == Some(Driver::CapitalGoods)));
    }
}

#[test]
fn a_site_without_pue_gets_the_papers_default() {
    let mut inv = example("llama-3.1.toml");
    inv.sites[0].pue = None;
    let with_default = assess(&inv, &Parameters::default());
    let c = &with_default.contributions[0];
    let pue = c
        .terms
        .iter()
        .find(|t| t.symbol == "PUE")
        .expect("PUE term");
    assert_eq!(pue.value, DEFAULT_PUE);
    assert_eq!(pue.driver, Some(Driver::FacilityOverhead));
    let mut p = Parameters::default();
    p.set("default-pue", ParamValue::Number(1.2));
    let a = assess(&inv, &p);
    let ratio =
        with_default.total(Indicator::Gwp).expect("gwp") / a.total(Indicator::Gwp).expect("gwp");
    assert!((ratio - DEFAULT_PUE / 1.2).abs() < 1e-12, "{ratio}");
}

#[test]
fn the_descriptor_tags_every_exclusion_driver_with_a_rule() {
    let m = GreenAlgorithms::default();
    let d = m.descriptor();
    assert_eq!(d.id, ID);
    let a = assess(
        &example("gpu-cluster-purchase.toml"),
        &Parameters::default(),
    );
    for x in &a.exclusions {
        if let Some(driver) = x.driver {
            assert!(d.rule(driver).is_some(), "no rule for {driver}");
        }
    }
}

#[test]
fn the_exported_plugin_answers_like_the_method_itself() {
    use bilan_plugin_sdk::bilan_core::method::Descriptor;
    use bilan_plugin_sdk::{Plugin, Reply};
    use std::borrow::Cow;

    let plugin = Plugin::new(
        "bilan-plugin-example",
        "0.1.0",
        vec![bilan_plugin_sdk::boxed(GreenAlgorithms::default())],
    );
    let ids: Vec<String> = plugin
        .descriptors()
        .into_iter()
        .map(|d: Descriptor| d.id)
        .collect();
    assert_eq!(ids, [ID]);
    let inv = example("gpu-cluster-purchase.toml");
    let factors = factors();
    let request = bilan_plugin_sdk::abi::wire::AssessRequest {
        schema: 1,
        method: ID.into(),
        inventory: Cow::Borrowed(&inv),
        factors: Cow::Borrowed(&factors),
        parameters: Cow::Owned(Parameters::default()),
    };
    let Reply::Ok(bytes) = plugin.assess_json(&serde_json::to_vec(&request).expect("json")) else {
        panic!("the plugin refused the request");
    };
    let response: bilan_plugin_sdk::abi::wire::AssessResponse<'static> =
        serde_json::from_slice(&bytes).expect("response");
    let direct = GreenAlgorithms::default()
        .assess(&inv, &factors, &Parameters::default())
        .expect("direct");
    assert_eq!(
        serde_json::to_value(&*response.assessment).expect("json"),
        serde_json::to_value(&direct).expect("json")
    );
}
