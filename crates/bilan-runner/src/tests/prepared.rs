//! What the comparison prepares of each assessment, against what a full run gives.

use bilan_core::assessment::{Driver, ItemKind, ItemRef};
use bilan_io::{SourceFile, load_inventory};

use super::{Altered, Change, built_in, example, renamed};
use crate::*;
/// The reconciliation a comparison prepares, from the items its index finds, is
/// [`reconcile::reconcile`]'s, for every example under each built-in method, and for the
/// same assessments with a fleet's contributions dropped, a building excluded instead, a
/// workload's own contributions dropped (its fleet's allocation lists still include it),
/// and items no inventory lists.
#[test]
fn the_prepared_reconciliation_is_the_reconciliation() {
    let factors = bilan_factors::embedded().expect("factors");
    let methods: [&dyn Methodology; 3] = [
        &bilan_plugin_ademe::AdemeLca::default(),
        &bilan_plugin_ghg::GhgProtocol::default(),
        &bilan_plugin_sci::Sci::default(),
    ];
    let dir = format!("{}/../../examples", env!("CARGO_MANIFEST_DIR"));
    let mut names: Vec<String> = std::fs::read_dir(&dir)
        .expect("examples")
        .filter_map(|e| e.ok()?.file_name().into_string().ok())
        .filter(|n| n.ends_with(".toml"))
        .collect();
    names.sort();
    let (mut unaccounted, mut compared) = (0, 0);
    for name in &names {
        let Ok(file) = SourceFile::read(std::path::Path::new(&format!("{dir}/{name}"))) else {
            continue;
        };
        let Ok(inv) = load_inventory(&file) else {
            continue;
        };
        let items = Items::of(&inv);
        for m in methods {
            let Ok(a) = m.assess(&inv, factors, &Parameters::default()) else {
                continue;
            };
            let mut changed = a.clone();
            if let Some(fleet) = changed
                .contributions
                .iter()
                .find(|c| c.item.kind == ItemKind::Fleet)
                .map(|c| c.item.clone())
            {
                changed.contributions.retain(|c| c.item != fleet);
                changed.exclusions.retain(|e| e.item != fleet);
            }
            let mut excluded = changed.clone();
            if let Some(building) = inv.buildings.first() {
                let item = ItemRef::new(ItemKind::Building, building.id.as_str());
                excluded.contributions.retain(|c| c.item != item);
                excluded.exclusions.push(bilan_core::assessment::Exclusion {
                    item,
                    aspect: None,
                    indicator: None,
                    reason: "left out".into(),
                    driver: None,
                });
            }
            // A workload included only by a fleet's allocation list.
            let mut shared = a.clone();
            if let Some(workload) = shared
                .contributions
                .iter()
                .find_map(|c| c.allocation.iter().next())
                .map(|s| ItemRef::new(ItemKind::Workload, s.workload.clone()))
            {
                shared.contributions.retain(|c| c.item != workload);
                shared.exclusions.retain(|e| e.item != workload);
            }
            let mut unknown = a.clone();
            if let Some(c) = unknown.contributions.first().cloned() {
                let mut c = c;
                c.item = ItemRef::new(ItemKind::Workload, "no-such-workload");
                unknown.contributions.insert(0, c);
            }
            unknown.exclusions.push(bilan_core::assessment::Exclusion {
                item: ItemRef::new(ItemKind::Service, "no-such-service"),
                aspect: None,
                indicator: None,
                reason: "not listed".into(),
                driver: Some(Driver::CapitalGoods),
            });
            for (what, a) in [
                ("as assessed", &a),
                ("a fleet dropped", &changed),
                ("a building excluded", &excluded),
                ("a workload shared only", &shared),
                ("items no inventory lists", &unknown),
            ] {
                let expected = reconcile::reconcile(items.ids().items(), a);
                let prepared = prepare(&items, m.descriptor(), a).reconciliation;
                unaccounted += expected.unaccounted.len();
                compared += 1;
                assert_eq!(
                    serde_json::to_value(&prepared).expect("serialises"),
                    serde_json::to_value(&expected).expect("serialises"),
                    "{name}, {}, {what}",
                    m.descriptor().id
                );
            }
        }
    }
    assert!(
        unaccounted > 0,
        "some item left unaccounted is compared too"
    );
    assert!(compared >= 5 * 3 * 5, "{compared} reconciliations compared");
}

/// A comparison that drops the trail checks each method's figures in the pass that
/// prepares it: a value, a term or a total out of range is the error a full run gives, and
/// the method has no pair compared; the others are compared as before.
#[test]
fn a_figure_out_of_range_is_the_same_error_when_the_trail_is_dropped() {
    let factors = bilan_factors::embedded().expect("factors");
    let ademe = bilan_plugin_ademe::AdemeLca::default();
    let sci = bilan_plugin_sci::Sci::default();
    let changes: [(&str, Change); 3] = [
        ("a value", |a| {
            a.contributions[2].values[0].value = f64::INFINITY
        }),
        ("a term", |a| {
            let c = &mut a.contributions[1];
            c.terms = c
                .terms
                .iter()
                .cloned()
                .map(|mut t| {
                    t.value = f64::NAN;
                    t
                })
                .collect();
        }),
        ("a total", |a| {
            for c in a.contributions.iter_mut().filter(|c| !c.memo) {
                for v in c.values.iter_mut() {
                    v.value = f64::MAX;
                }
            }
        }),
    ];
    let inv = example("llama-3.1.toml");
    for (what, change) in changes {
        let altered = Altered(
            bilan_plugin_ademe::AdemeLca::default(),
            renamed("altered"),
            change,
        );
        let methods = built_in(&[&ademe, &altered, &sci]);
        let mut full = run(&inv, factors, &methods);
        let error = full[1].result.as_ref().expect_err(what).clone();
        assert!(
            error.contains("finite") || error.contains("range"),
            "{what}: {error}"
        );
        let items = Items::of(&inv);
        let mut lean = run_figures(&items, factors, &methods);
        assert_eq!(lean[1].result.as_ref().expect_err(what), &error, "{what}");
        assert_eq!(lean[1].early.walked(), 0, "{what}");
        assert_eq!(
            lean.iter().map(|o| o.early.walked()).sum::<usize>(),
            1,
            "{what}: ADEME and SCI are compared"
        );
        let expected = serde_json::to_value(compare(&inv, &mut full)).expect("serialises");
        let actual = serde_json::to_value(compare_with(&items, &mut lean)).expect("serialises");
        assert_eq!(actual, expected, "{what}");
    }
}
