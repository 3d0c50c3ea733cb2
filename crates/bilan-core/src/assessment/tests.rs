use super::builder::Draft;
use super::*;
use crate::inventory::Phase;
use crate::method::{Descriptor, Parameters};

/// A method descriptor for tests (also used by the quality tests).
pub(crate) fn descriptor() -> Descriptor {
    Descriptor {
        id: "t".into(),
        name: "test".into(),
        version: semver::Version::new(1, 0, 0),
        summary: String::new(),
        indicators: vec![Indicator::Gwp],
        boundary: String::new(),
        parameters: Vec::new(),
        rules: Vec::new(),
        references: Vec::new(),
    }
}

/// A GWP factor per kWh for tests (also used by the quality tests).
pub(crate) fn factor(id: &str, canonical: f64) -> FactorUse {
    FactorUse {
        id: id.into(),
        symbol: "F".into(),
        canonical,
        canonical_unit: "kg/kWh".into(),
        driver: None,
        subject: "electricity/grid".into(),
        indicator: Some(Indicator::Gwp),
        value: format!("{canonical} kg/kWh"),
        boundary: "life-cycle".into(),
        region: None,
        requested_region: None,
        fallback: Vec::new(),
        year: None,
        source: "test".into(),
        licence: None,
        basis: None,
        quality: None,
        alternatives: Vec::new(),
        from_inventory: false,
    }
}

/// An assessment counting `counted`, inference workloads (10 kg each; also used by the
/// functional-unit and derived-data tests).
pub(crate) fn counting(counted: &[&str]) -> Assessment {
    let mut b = Builder::new(&descriptor(), &Parameters::default());
    let f = b.factor(factor("grid", 1.0));
    for id in counted {
        let draft = Draft::new(
            ItemRef::new(ItemKind::Workload, *id),
            Aspect::Electricity,
            Stage::Use,
            "E × F",
        )
        .phase(Some(Phase::Inference))
        .term(Term::new(
            "E",
            10.0,
            "kWh",
            TermSource::Item {
                key: "energy".into(),
            },
        ));
        b.contribute(draft, &[(Indicator::Gwp, f.clone())]);
    }
    b.finish()
}

fn sample() -> Assessment {
    let mut b = Builder::new(&descriptor(), &Parameters::default());
    let f = b.factor(factor("grid", 0.5));
    let item = ItemRef::new(ItemKind::Workload, "w");
    let draft = Draft::new(item.clone(), Aspect::Electricity, Stage::Use, "E × PUE × F")
        .phase(Some(Phase::Training))
        .term(Term::new(
            "E",
            100.0,
            "kWh",
            TermSource::Item {
                key: "energy".into(),
            },
        ))
        .term(Term::new(
            "PUE",
            1.2,
            "1",
            TermSource::Item { key: "pue".into() },
        ));
    b.contribute(draft, &[(Indicator::Gwp, f.clone())]);
    let memo = Draft::new(item, Aspect::MarketElectricity, Stage::Use, "E × F")
        .memo()
        .category("market");
    b.contribute(
        memo.term(Term::new(
            "E",
            10.0,
            "kWh",
            TermSource::Item {
                key: "energy".into(),
            },
        )),
        &[(Indicator::Gwp, f)],
    );
    b.finish()
}

#[test]
fn values_are_products_of_terms_and_factors() {
    let a = sample();
    assert!((a.contributions[0].values[0].value - 60.0).abs() < 1e-12);
    assert_eq!(a.check(), Ok(()));
    assert_eq!(
        a.total(Indicator::Gwp),
        Some(60.0),
        "memo items are not in the total"
    );
    assert_eq!(
        a.total(Indicator::Water),
        None,
        "an uncovered indicator has no total"
    );
    let b = a.breakdown(Indicator::Gwp);
    assert_eq!(b.memo.get("market"), Some(&5.0));
    assert_eq!(b.by_phase.get(&Phase::Training), Some(&60.0));
}

#[test]
fn the_audit_check_catches_a_tampered_value() {
    let mut a = sample();
    a.contributions[0].values[0].value = 61.0;
    let err = a.check().unwrap_err();
    assert!(err.contains("value 61 but terms give 60"), "{err}");
    let mut a = sample();
    a.factors.clear();
    assert!(a.check().unwrap_err().contains("is not listed"));
}

/// A term of one indicator bears on that indicator's value only, in the builder, the audit
/// check and the serialised trail alike.
#[test]
fn a_term_of_one_indicator_bears_on_its_value_only() {
    let mut b = Builder::new(&descriptor(), &Parameters::default());
    let gwp = b.factor(factor("grid", 0.5));
    let mut water = factor("ewif", 2.0);
    water.indicator = Some(Indicator::Water);
    let water = b.factor(water);
    let item = ItemRef::new(ItemKind::Workload, "w");
    let energy = Term::new(
        "E",
        100.0,
        "kWh",
        TermSource::Item {
            key: "energy".into(),
        },
    );
    let hourly = Term::new(
        "k_time",
        1.5,
        "1",
        TermSource::Derived {
            formula: "test".into(),
        },
    )
    .driver(Driver::AuditorRule)
    .only(Indicator::Gwp);
    assert!(hourly.applies_to(Indicator::Gwp) && !hourly.applies_to(Indicator::Water));
    let draft = Draft::new(item, Aspect::Electricity, Stage::Use, "E × k_time × F")
        .term(energy)
        .term(hourly);
    b.contribute(draft, &[(Indicator::Gwp, gwp), (Indicator::Water, water)]);
    let a = b.finish();
    let c = &a.contributions[0];
    assert_eq!(c.value(Indicator::Gwp), Some(100.0 * 1.5 * 0.5));
    assert_eq!(c.value(Indicator::Water), Some(100.0 * 2.0));
    assert_eq!(
        c.base(),
        100.0,
        "the product of the terms every value shares"
    );
    assert_eq!(c.base_for(Indicator::Gwp), 150.0);
    assert_eq!(a.check(), Ok(()));
    let json = serde_json::to_string(&a).expect("serialised");
    assert!(json.contains(r#""indicator":"gwp""#), "{json}");
    let back: Assessment = serde_json::from_str(&json).expect("read back");
    assert_eq!(
        back.contributions[0].terms[1].indicator,
        Some(Indicator::Gwp)
    );
    assert_eq!(back.contributions[0].terms[0].indicator, None);
    assert_eq!(back.check(), Ok(()));
    // Applied to every value, the same term would break the water value's trail.
    let mut tampered = a.clone();
    tampered.contributions[0].terms = vec![
        tampered.contributions[0].terms[0].clone(),
        Term::new(
            "k_time",
            1.5,
            "1",
            TermSource::Derived {
                formula: "test".into(),
            },
        ),
    ]
    .into_boxed_slice();
    assert!(tampered.check().unwrap_err().contains("water"));
}

#[test]
fn assumptions_group_items() {
    let mut b = Builder::new(&descriptor(), &Parameters::default());
    b.assume(
        "default-pue",
        "PUE 1.56".into(),
        Some(ItemRef::new(ItemKind::Site, "a")),
    );
    b.assume(
        "default-pue",
        "PUE 1.56".into(),
        Some(ItemRef::new(ItemKind::Site, "b")),
    );
    b.warn("w".into());
    b.warn("w".into());
    let a = b.finish();
    assert_eq!(a.assumptions.len(), 1);
    assert_eq!(a.assumptions[0].items.len(), 2);
    assert_eq!(a.warnings.len(), 1);
}

#[test]
fn totals_are_each_indicators_total() {
    let mut empty = sample();
    empty.contributions.clear();
    for a in [sample(), empty] {
        let totals = a.totals();
        for (k, i) in Indicator::ALL.into_iter().enumerate() {
            let bits = |t: Option<f64>| t.map(f64::to_bits);
            assert_eq!(bits(totals[k]), bits(a.total(i)), "{i}");
        }
    }
}

#[test]
fn equal_term_descriptions_are_shared() {
    let mut a = sample();
    let shared = |a: &Assessment| {
        Arc::ptr_eq(
            a.contributions[0].terms[0].meta(),
            a.contributions[1].terms[0].meta(),
        )
    };
    // Both contributions read `E` from the same key: one description, two values.
    assert!(shared(&a));
    assert_ne!(
        a.contributions[0].terms[0].value,
        a.contributions[1].terms[0].value
    );
    // A change after building copies the description it changes…
    for c in &mut a.contributions {
        c.terms[0].meta_mut().estimated = Some("power-model".into());
    }
    assert!(!shared(&a));
    a.contributions[1].push_term(Term::new(
        "k",
        1.0,
        "1",
        TermSource::Rule { rule: "r".into() },
    ));
    // …and sharing again finds the equal ones.
    a.share();
    assert!(shared(&a));
    // The serialised form is the term's fields, as before the descriptions were shared.
    let json = serde_json::to_value(&a.contributions[0].terms[0]).unwrap();
    assert_eq!(
        json,
        serde_json::json!({
            "symbol": "E",
            "value": 100.0,
            "unit": "kWh",
            "source": { "from": "item", "key": "energy" },
            "estimated": "power-model"
        })
    );
    let back: Term = serde_json::from_value(json).unwrap();
    assert_eq!(back, a.contributions[0].terms[0]);
}

/// The builder compares a contribution's descriptions with those of the last contributions
/// of its aspect before it hashes them: whatever the order, equal descriptions are one `Arc`
/// and different ones are not, and each value takes its own factor.
#[test]
fn descriptions_are_shared_whatever_order_they_come_in() {
    let mut b = Builder::new(&descriptor(), &Parameters::default());
    // More factors and categories than the builder remembers, taking turns.
    let factors: Vec<Arc<str>> = (0..11)
        .map(|n| b.factor(factor(&format!("grid-{n}"), 0.1 * f64::from(n + 1))))
        .collect();
    let item = ItemRef::new(ItemKind::Workload, "w");
    // A few factors again and again (found by address), others in turn (looked up).
    let k = |n: usize| if n.is_multiple_of(2) { n % 3 } else { n % 11 };
    for n in 0..60_u32 {
        let aspect = if n % 3 == 0 {
            Aspect::Embodied
        } else {
            Aspect::Electricity
        };
        let key = if n % 7 < 3 { "energy" } else { "device-hours" };
        let draft = Draft::new(item.clone(), aspect, Stage::Use, "E × F")
            .category(format!("c{}", n % 6))
            .term(Term::new(
                "E",
                f64::from(n + 1),
                "kWh",
                TermSource::Item { key: key.into() },
            ));
        // A factor id equal to a registered one but not the same `Arc`, now and then.
        let id: Arc<str> = if n % 5 == 0 {
            (*factors[k(n as usize)]).into()
        } else {
            factors[k(n as usize)].clone()
        };
        b.contribute(draft, &[(Indicator::Gwp, id)]);
    }
    let mut a = b.finish();
    let all_shared = |a: &Assessment| {
        for c in &a.contributions {
            for d in &a.contributions {
                let (x, y) = (c.meta(), d.meta());
                assert_eq!(**x == **y, Arc::ptr_eq(x, y));
                let (s, t) = (c.terms[0].meta(), d.terms[0].meta());
                assert_eq!(**s == **t, Arc::ptr_eq(s, t));
            }
        }
    };
    all_shared(&a);
    for (n, c) in a.contributions.iter().enumerate() {
        let expected = (n as f64 + 1.0) * (0.1 * (k(n) as f64 + 1.0));
        assert_eq!(c.values[0].value.to_bits(), expected.to_bits(), "{n}");
    }
    assert_eq!(a.check(), Ok(()));
    // Changed after building (a rule's scaling, an estimate's mark), each changed
    // description is a copy of its own until the assessment is shared again.
    for (n, c) in a.contributions.iter_mut().enumerate() {
        if n % 4 == 1 {
            c.terms[0].meta_mut().estimated = Some("power-model".into());
        }
        if n % 3 == 2 {
            Arc::make_mut(c.meta_arc_mut()).category = Some("rescaled".into());
        }
    }
    a.share();
    all_shared(&a);
}
