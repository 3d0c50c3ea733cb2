use bilan_core::assessment::Assessment;
use bilan_core::indicator::Indicator;
use bilan_core::method::{Methodology, Parameters};
use bilan_io::{SourceFile, load_inventory};

use super::{Index, ItemIds, NONE, contribution};

/// The assessments of `example` (a file of `examples/`) by the three built-in methods.
pub(in crate::divergence) fn assessments(
    example: &str,
) -> Vec<(bilan_core::method::Descriptor, Assessment)> {
    let path = format!("{}/../../examples/{example}", env!("CARGO_MANIFEST_DIR"));
    let file = SourceFile::read(std::path::Path::new(&path)).expect("example readable");
    let inv = load_inventory(&file).expect("example valid");
    let factors = bilan_factors::embedded().expect("factors");
    let methods: Vec<Box<dyn Methodology>> = vec![
        Box::new(bilan_plugin_ademe::AdemeLca::default()),
        Box::new(bilan_plugin_ghg::GhgProtocol::default()),
        Box::new(bilan_plugin_sci::Sci::default()),
    ];
    methods
        .iter()
        .map(|m| {
            let a = m
                .assess(&inv, factors, &Parameters::default())
                .expect("assessed");
            (m.descriptor().clone(), a)
        })
        .collect()
}

/// Every value the index gives is the contribution's own, bit for bit, whether it was kept
/// or computed again, with kept and recomputed values mixed within and across entries; and
/// nearly none is kept unless changed.
#[test]
fn values_computed_again_are_the_stored_ones_bit_for_bit() {
    for example in [
        "llama-3.1.toml",
        "mistral-large-2-illustrative.toml",
        "olmo-2.toml",
    ] {
        for (descriptor, mut a) in assessments(example) {
            // A value a rule changes after the builder computed it must be kept as it is:
            // the last value of every third counted contribution, the first of every fifth.
            let mut changed = 0;
            for (n, c) in a.contributions.iter_mut().filter(|c| !c.memo).enumerate() {
                let count = c.values.len();
                let mut change = |k: usize| {
                    c.values[k].value = c.values[k].value * 1.05 + 1.0;
                    changed += 1;
                };
                if count > 0 && n % 3 == 0 {
                    change(count - 1);
                }
                if count > 1 && n % 5 == 0 {
                    change(0);
                }
            }
            let ids = ItemIds::of_assessment(Some(&a));
            let index = Index::new(&descriptor, &a, &ids);
            let mut sides = 0;
            for e in 0..u32::try_from(index.entries.len()).expect("fits") {
                for indicator in Indicator::ALL {
                    let Some(side) = index.side(e, &index.terms(e), indicator) else {
                        continue;
                    };
                    // The contribution found past the memos is the entry's own.
                    let (c, v) = contribution(&a, &side);
                    assert!(!c.memo, "{example} {e}");
                    assert_eq!(c.aspect, index.key(e).1, "{example} {e}");
                    assert_eq!(side.value.to_bits(), v.value.to_bits(), "{example} {e}");
                    sides += 1;
                }
            }
            assert!(sides > 0, "{example}: {}", descriptor.id);
            assert!(changed > 0, "{example}: values changed");
            assert!(
                index.kept.len() >= changed,
                "{example}: every changed value is kept"
            );
            let natural = index.kept.len() - changed;
            assert!(
                natural * 10 <= index.values.len(),
                "{example} {}: {natural} of {} values kept",
                descriptor.id,
                index.values.len()
            );
            assert!(index.values.iter().all(|v| v.factor != NONE || v.kept));
        }
    }
}

/// A term that applies to one indicator only is in that indicator's side (in its driver's
/// group) and in no other: every side still gives its value, and its groups' product is
/// that value.
#[test]
fn a_term_of_one_indicator_is_in_that_indicator_s_side_only() {
    use bilan_core::assessment::{Driver, Term, TermSource};
    let group = super::driver_index(Driver::AuditorRule);
    for (descriptor, mut a) in assessments("mistral-large-2-illustrative.toml") {
        let mut touched = 0;
        for c in a.contributions.iter_mut().filter(|c| !c.memo).step_by(2) {
            let rule = TermSource::Rule {
                rule: "a test".into(),
            };
            let k = Term::new("k_test", 1.5, "1", rule)
                .driver(Driver::AuditorRule)
                .only(Indicator::Water);
            for v in c
                .values
                .iter_mut()
                .filter(|v| v.indicator == Indicator::Water)
            {
                v.value *= 1.5;
                touched += 1;
            }
            c.push_term(k);
        }
        a.check().expect("the trail holds");
        let ids = ItemIds::of_assessment(Some(&a));
        let index = Index::new(&descriptor, &a, &ids);
        let mut water = 0;
        for e in 0..u32::try_from(index.entries.len()).expect("fits") {
            for indicator in Indicator::ALL {
                let Some(side) = index.side(e, &index.terms(e), indicator) else {
                    continue;
                };
                let (c, v) = contribution(&a, &side);
                assert_eq!(side.value.to_bits(), v.value.to_bits());
                let product = crate::divergence::product(&side.groups);
                assert!((product - side.value).abs() <= 1e-12 * side.value.abs());
                assert_eq!(side.bits, crate::divergence::not_one(&side.groups));
                let own = c.terms.iter().any(|t| t.symbol == "k_test");
                let expected = if own && indicator == Indicator::Water {
                    water += 1;
                    1.5
                } else {
                    1.0
                };
                assert_eq!(side.groups[group], expected, "{} {indicator}", c.item);
            }
        }
        assert_eq!(water, touched, "{}", descriptor.id);
    }
}

#[test]
fn a_value_is_eight_bytes() {
    assert_eq!(size_of::<super::Value>(), 8);
}

#[test]
fn an_entry_is_twenty_eight_bytes() {
    assert_eq!(size_of::<super::Entry>(), 28);
}

/// Items are numbered by their place, found in order without the table and out of order
/// with it; an item listed twice keeps its first number, and one not listed is numbered
/// after the listed ones, once.
#[test]
fn items_are_numbered_by_place_in_any_order() {
    use bilan_core::assessment::ItemKind::{Fleet, Site, Workload};
    let ids = ItemIds::new([
        (Fleet, "f"),
        (Workload, "a"),
        (Workload, "b"),
        (Workload, "a"),
        (Workload, "c"),
    ]);
    assert_eq!(ids.items().len(), 4);
    let mut locate = ids.locator();
    assert_eq!(ids.id_located(Workload, "a", &mut locate), 1);
    assert_eq!(ids.id_located(Workload, "b", &mut locate), 2);
    assert!(
        no_table(&ids) && !locate.hashed(),
        "in order, the table is not built"
    );
    assert_eq!(ids.id(Site, "s"), 4, "a kind not listed is numbered after");
    assert_eq!(ids.id_located(Site, "s", &mut locate), 4);
    assert!(
        no_table(&ids) && !locate.hashed(),
        "nor does a kind not listed build it"
    );
    assert_eq!(ids.id_located(Workload, "c", &mut locate), 3);
    assert_eq!(ids.id_located(Fleet, "f", &mut locate), 0);
    assert!(
        no_table(&ids) && !locate.hashed(),
        "a second pass from the top does not build it"
    );
    assert_eq!(
        ids.id_located(Fleet, "a", &mut locate),
        5,
        "another kind is another item"
    );
    assert_eq!(ids.id(Fleet, "a"), 5);
    assert_eq!(ids.id(Workload, "d"), 6);
    assert_eq!(ids.id(Site, "s"), 4, "once");
}

/// A method's usual order (its fleets' items first in the inventory, then every workload,
/// then the fleets' embodied impacts, then its exclusions from the top again) finds every
/// item by place: the table from id to number is never built.
#[test]
fn a_method_in_inventory_order_never_builds_the_table() {
    use bilan_core::assessment::ItemKind::{Fleet, Workload};
    let names: Vec<String> = (0..1000).map(|n| format!("w{n}")).collect();
    let ids = ItemIds::new(
        [(Fleet, "h100"), (Fleet, "a100")]
            .into_iter()
            .chain(names.iter().map(|w| (Workload, w.as_str()))),
    );
    let mut locate = ids.locator();
    for (n, w) in names.iter().enumerate() {
        assert_eq!(ids.id_located(Workload, w, &mut locate) as usize, n + 2);
    }
    assert_eq!(ids.id_located(Fleet, "h100", &mut locate), 0);
    assert_eq!(ids.id_located(Fleet, "a100", &mut locate), 1);
    let mut again = ids.locator();
    for (n, w) in names.iter().enumerate().step_by(37) {
        assert_eq!(ids.id_located(Workload, w, &mut again) as usize, n + 2);
    }
    assert!(no_table(&ids));
    assert!(
        !locate.hashed() && !again.hashed(),
        "nor the locators' maps"
    );
}

/// Whether neither of the tables from id to number was built.
fn no_table(ids: &ItemIds<'_>) -> bool {
    ids.workloads.get().is_none() && ids.others.get().is_none()
}

/// An item a method accounts for out of order (an instrument listed after every workload,
/// accounted for before them) is found in the small table of the items that are not
/// workloads: neither the locator's map nor the workloads' table is built for it, in any
/// of the indexes that share the numbers.
#[test]
fn an_item_out_of_order_builds_only_the_table_of_its_class() {
    use bilan_core::assessment::ItemKind::{Fleet, Instrument, Workload};
    let names: Vec<String> = (0..1000).map(|n| format!("w{n}")).collect();
    let ids = ItemIds::new(
        std::iter::once((Fleet, "h100"))
            .chain(names.iter().map(|w| (Workload, w.as_str())))
            .chain(std::iter::once((Instrument, "rec"))),
    );
    for _ in 0..2 {
        let mut locate = ids.locator();
        assert_eq!(ids.id_located(Instrument, "rec", &mut locate), 1001);
        for (n, w) in names.iter().enumerate() {
            assert_eq!(ids.id_located(Workload, w, &mut locate) as usize, n + 1);
        }
        assert!(!locate.hashed());
    }
    assert!(ids.others.get().is_some_and(|t| t.len() == 2));
    assert!(ids.workloads.get().is_none());
    // A workload out of order is found in the workloads' table.
    let mut locate = ids.locator();
    assert_eq!(ids.id_located(Workload, "w999", &mut locate), 1000);
    assert!(ids.workloads.get().is_some_and(|t| t.len() == 1000));
    assert!(!locate.hashed());
}

/// The keys the walk visits: each (item, aspect) once, at its first entry, in contribution
/// order (which decides the order in which the decomposition sums).
#[test]
fn keys_are_each_first_entry_in_contribution_order() {
    let mut several = false;
    for example in [
        "llama-3.1.toml",
        "mistral-large-2-illustrative.toml",
        "olmo-2.toml",
    ] {
        for (descriptor, mut a) in assessments(example) {
            // A key with a second entry, after the others: listed once, at its first.
            if let Some(c) = a.contributions.iter().find(|c| !c.memo).cloned() {
                a.contributions.push(c);
            }
            let ids = ItemIds::of_assessment(Some(&a));
            let index = Index::new(&descriptor, &a, &ids);
            let mut seen = std::collections::HashSet::new();
            let expected: Vec<_> = (0..u32::try_from(index.entries.len()).expect("fits"))
                .map(|e| index.key(e))
                .filter(|key| seen.insert(*key))
                .collect();
            let keys: Vec<_> = index.keys().collect();
            assert_eq!(keys, expected, "{example} {}", descriptor.id);
            several |= keys.len() < index.entries.len();
        }
    }
    assert!(several, "some key has several entries, listed once");
}

/// The index's pass gives every contribution to `visit`, memo items included, once each in
/// order; and its totals are the assessment's, bit for bit (GHG Protocol's market-based
/// Scope 2 is a memo item).
#[test]
fn visiting_gives_every_contribution_in_order_and_the_totals() {
    for example in [
        "mistral-large-2-illustrative.toml",
        "gpu-cluster-purchase.toml",
    ] {
        for (descriptor, a) in assessments(example) {
            let ids = ItemIds::of_assessment(Some(&a));
            let mut seen: Vec<*const bilan_core::assessment::Contribution> = Vec::new();
            let index = Index::visiting(&descriptor, &a, &ids, |c, _| seen.push(c));
            let all: Vec<_> = a.contributions.iter().map(std::ptr::from_ref).collect();
            assert_eq!(seen, all, "{example} {}", descriptor.id);
            let bits = |t: [Option<f64>; Indicator::ALL.len()]| t.map(|x| x.map(f64::to_bits));
            assert_eq!(
                bits(index.totals),
                bits(a.totals()),
                "{example} {}",
                descriptor.id
            );
        }
    }
}
