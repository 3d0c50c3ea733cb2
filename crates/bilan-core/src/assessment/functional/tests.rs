//! R and its notes, from one pass over the workloads.

use super::results_of;
use crate::assessment::tests::counting;
use crate::inventory::{FunctionalUnit, Inventory};

/// An inventory of `workloads` (id, tokens in, tokens out), every one in inference.
fn inventory(workloads: &[(&str, Option<f64>, Option<f64>)]) -> Inventory {
    let workloads: Vec<serde_json::Value> = workloads
        .iter()
        .map(|(id, tokens_in, tokens_out)| {
            let mut volume = serde_json::Map::new();
            if let Some(v) = tokens_in {
                volume.insert("tokens-in".into(), (*v).into());
            }
            if let Some(v) = tokens_out {
                volume.insert("tokens-out".into(), (*v).into());
            }
            serde_json::json!({
                "id": id, "phase": "inference", "site": "s", "volume": volume,
            })
        })
        .collect();
    serde_json::from_value(serde_json::json!({
        "schema": 1,
        "system": { "name": "t", "period": { "start": "2025-01-01", "end": "2025-12-31" } },
        "workload": workloads,
    }))
    .expect("an inventory")
}

/// A functional unit `id` of `kind`, over the workloads listed (none: its kind's phases).
fn named(id: &str, kind: &str, workloads: &[&str]) -> FunctionalUnit {
    serde_json::from_value(serde_json::json!({ "id": id, "kind": kind, "workloads": workloads }))
        .expect("a unit")
}

fn unit(kind: &str) -> Vec<FunctionalUnit> {
    vec![named("u", kind, &[])]
}

#[test]
fn r_sums_the_counted_workloads_volumes_and_names_those_left_out() {
    let ids = ["w7", "w1", "w2", "w3", "w4", "w5", "w6"];
    let inv = inventory(
        &ids.iter()
            .enumerate()
            .map(|(n, id)| (*id, Some(n as f64 + 1.0), Some(0.5)))
            .collect::<Vec<_>>(),
    );
    // Six of seven counted: R = Σ tokens in + Σ tokens out of those six.
    let (results, notes) = results_of(&inv, &unit("token"), &counting(&ids[1..])).expect("R");
    let r = results[0].count;
    assert_eq!(
        r.to_bits(),
        ((2.0 + 3.0 + 4.0 + 5.0 + 6.0 + 7.0) + 0.5 * 6.0_f64).to_bits()
    );
    assert_eq!(results[0].impact, 60.0);
    assert!(
        results[0]
            .scope
            .starts_with("impacts attributed to 6 workloads")
    );
    assert_eq!(notes.len(), 1, "{notes:?}");
    assert!(
        notes[0].contains("R leaves out the volume of 1 workload t@1.0.0 does not count (w7)"),
        "{notes:?}"
    );
    // Five or fewer counted are named, sorted.
    let (results, _) =
        results_of(&inv, &unit("output-token"), &counting(&["w5", "w1", "w3"])).expect("R");
    assert!(
        results[0]
            .scope
            .starts_with("impacts attributed to w1, w3, w5,"),
        "{}",
        results[0].scope
    );
    assert_eq!(results[0].count, 1.5);
}

#[test]
fn a_missing_volume_names_the_first_counted_workload_that_lacks_it() {
    // w2 lacks tokens out, w3 tokens in: tokens in are read first.
    let inv = inventory(&[
        ("w1", None, None),
        ("w2", Some(1.0), None),
        ("w3", None, Some(1.0)),
        ("w4", None, None),
    ]);
    let counted = counting(&["w2", "w3", "w4"]);
    let error = results_of(&inv, &unit("token"), &counted)
        .expect_err("no R")
        .to_string();
    assert!(
        error.contains("workload `w3` has no `volume.tokens-in`"),
        "{error}"
    );
    let error = results_of(&inv, &unit("output-token"), &counted)
        .expect_err("no R")
        .to_string();
    assert!(
        error.contains("workload `w2` has no `volume.tokens-out`"),
        "{error}"
    );
    // A training run is one, whatever the volumes.
    let (results, notes) = results_of(&inv, &unit("training-run"), &counted).expect("R");
    assert!(
        results.is_empty() && notes[0].contains("not applicable"),
        "inference is no training: {notes:?}"
    );
}

#[test]
fn r_reads_two_volumes_at_most() {
    for kind in crate::inventory::FunctionalUnitKind::ALL {
        assert!(super::volumes(kind).len() <= 2, "{kind:?}");
    }
}

/// Several units in one call, each over its own workloads; more than five left out are
/// counted, the first five named.
#[test]
fn several_units_are_tallied_in_one_pass() {
    let ids: Vec<String> = (0..9).map(|n| format!("w{n}")).collect();
    let inv = inventory(
        &ids.iter()
            .map(|id| (id.as_str(), Some(2.0), Some(1.0)))
            .collect::<Vec<_>>(),
    );
    let units = [
        named("u", "token", &[]),
        named("r", "request", &[]),
        named("listed", "output-token", &["w0", "w8"]),
    ];
    let counted: Vec<&str> = vec![ids[0].as_str(), ids[8].as_str()];
    let r = results_of(&inv, &units[..1], &counting(&counted)).map(|(r, _)| r[0].count);
    assert_eq!(r.ok(), Some(6.0), "two workloads, 2 + 1 tokens each");
    // The request unit reads `volume.requests`, which no workload has.
    let error = results_of(&inv, &units, &counting(&counted)).expect_err("no requests");
    assert!(
        error
            .to_string()
            .contains("workload `w0` has no `volume.requests`"),
        "{error}"
    );
    let (results, notes) = results_of(
        &inv,
        &[units[0].clone(), units[2].clone()],
        &counting(&counted),
    )
    .expect("R");
    assert_eq!(results.len(), 2);
    assert_eq!(
        results[1].count, 2.0,
        "the listed unit: tokens out of w0 and w8"
    );
    assert!(
        results[1]
            .scope
            .starts_with("impacts attributed to w0, w8,"),
        "{}",
        results[1].scope
    );
    assert_eq!(notes.len(), 1, "{notes:?}");
    assert!(
        notes[0].contains(
            "R leaves out the volume of 7 workloads t@1.0.0 does not count (w1, w2, w3, w4, w5)"
        ),
        "{notes:?}"
    );
}

/// A unit that lists its workloads covers those it names, whatever the order they are
/// listed in, named twice, or beside an id the inventory lacks; one that lists none covers
/// the workloads of its kind's phases.
#[test]
fn a_listed_unit_covers_the_workloads_it_names_in_any_order() {
    let ids: Vec<String> = (0..600).map(|n| format!("w{n}")).collect();
    let rows: Vec<(&str, Option<f64>, Option<f64>)> =
        ids.iter().map(|id| (id.as_str(), None, None)).collect();
    let inv = inventory(&rows);
    let unit = |listed: Vec<String>| FunctionalUnit {
        id: "u".into(),
        kind: crate::inventory::FunctionalUnitKind::Request,
        workloads: listed,
        description: None,
    };
    let every_seventh: Vec<String> = ids.iter().step_by(7).cloned().collect();
    let mut shuffled: Vec<String> = every_seventh.iter().rev().cloned().collect();
    shuffled.extend(every_seventh.iter().take(3).cloned());
    shuffled.push("not-a-workload".into());
    let expected: Vec<bool> = (0..600).map(|n| n % 7 == 0).collect();
    assert_eq!(super::membership(&inv, &unit(every_seventh)), expected);
    assert_eq!(super::membership(&inv, &unit(shuffled)), expected);
    assert_eq!(super::membership(&inv, &unit(Vec::new())), vec![true; 600]);
}
