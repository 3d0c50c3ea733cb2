//! A run's derived data is what the free functions derive, shared.

use super::Derived;
use crate::assessment::tests::counting;
use crate::assessment::work;
use crate::assessment::{membership, results_of};
use crate::inventory::{Fleet, Inventory};

/// Two fleets; workloads on each, in inference and training, one with its utilisation, one
/// listed by a unit.
fn inventory() -> Inventory {
    serde_json::from_value(serde_json::json!({
        "schema": 1,
        "system": {"name": "s", "period": {"start": "2025-01-01", "end": "2025-12-31"}},
        "site": [{"id": "dc", "region": "FR", "ownership": "owned"}],
        "fleet": [
            {"id": "a", "model": "nvidia-h100-sxm-80gb", "count": 8, "site": "dc"},
            {"id": "b", "model": "nvidia-h100-sxm-80gb", "count": 8, "site": "dc"}
        ],
        "workload": [
            {"id": "t", "phase": "training", "site": "dc", "fleet": "a",
             "device-hours": "1000 GPU·h", "power-per-device": "700 W", "utilisation": 0.5},
            {"id": "i1", "phase": "inference", "site": "dc", "fleet": "a",
             "device-hours": "300 GPU·h", "power-per-device": "700 W",
             "volume": {"requests": 10}},
            {"id": "i2", "phase": "inference", "site": "dc", "fleet": "b",
             "device-hours": "100 GPU·h", "power-per-device": "700 W",
             "volume": {"requests": 30}}
        ],
        "functional-unit": [
            {"id": "per-request", "kind": "request"},
            {"id": "listed", "kind": "request", "workloads": ["i2", "i1"]}
        ]
    }))
    .expect("test inventory")
}

fn same(a: &work::Reserved, b: &work::Reserved) {
    assert_eq!(a.total, b.total);
    assert_eq!(*a.allocation, *b.allocation);
    assert_eq!(a.utilisation, b.utilisation);
    assert_eq!(a.assumed, b.assumed);
    assert_eq!(a.missing, b.missing);
}

#[test]
fn reserved_time_is_derived_once_per_fleet_and_is_what_work_derives() {
    let inv = inventory();
    let d = Derived::new(&inv);
    for fleet in &inv.fleets {
        let shares = d.reserved_shares(fleet).expect("shares");
        same(
            &shares,
            &work::reserved_shares(&inv, fleet).expect("shares"),
        );
        let with = d.reserved(fleet).expect("reserved");
        same(&with, &work::reserved(&inv, fleet).expect("reserved"));
        assert!(
            shares
                .allocation
                .ptr_eq(&d.reserved_shares(fleet).expect("again").allocation),
            "every method of the run holds one list"
        );
    }
    assert_eq!(
        d.reserved(&inv.fleets[0]).expect("reserved").utilisation,
        vec![Some(0.5), None]
    );
    // A fleet of the method's own, not the inventory's, is derived apart.
    let own: Fleet = inv.fleets[1].clone();
    let apart = d.reserved_shares(&own).expect("shares");
    same(&apart, &work::reserved_shares(&inv, &own).expect("shares"));
    assert!(
        !apart
            .allocation
            .ptr_eq(&d.reserved_shares(&inv.fleets[1]).expect("run's").allocation)
    );
}

#[test]
fn units_and_their_results_are_what_the_free_functions_give() {
    let inv = inventory();
    let d = Derived::new(&inv);
    for fu in &inv.functional_units {
        assert_eq!(*d.membership(fu), membership(&inv, fu));
    }
    assert_eq!(d.memberships()[1], vec![false, true, true]);
    let other = inv.functional_units[0].clone();
    assert_eq!(*d.membership(&other), membership(&inv, &other));
    let a = counting(&["t", "i1", "i2"]);
    let (results, notes) = d.functional_unit_results(&a).expect("results");
    assert_eq!(results.len(), 2, "one result per unit, for GWP");
    assert_eq!(
        (results, notes),
        results_of(&inv, &inv.functional_units, &a).expect("results")
    );
    assert_eq!(
        d.results_of(std::slice::from_ref(&other), &a),
        results_of(&inv, std::slice::from_ref(&other), &a)
    );
    let mut locate = d.locator();
    assert_eq!(locate.find("i2"), Some(2));
    assert_eq!(locate.find("t"), Some(0));
    assert_eq!(locate.find("nope"), None);
}
