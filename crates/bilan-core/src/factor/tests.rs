use bilan_units::Quantity;

use super::*;

fn factor(id: &str, region: &str, boundary: Boundary, basis: Basis, value: &str) -> Factor {
    Factor {
        id: id.to_owned(),
        subject: "electricity/grid".to_owned(),
        indicator: Some(Indicator::Gwp),
        value: Quantity::parse(value).expect("valid quantity"),
        boundary,
        region: Region::parse(region).expect("valid region"),
        year: 2023,
        basis,
        dataset: "d".to_owned(),
        citation: "c".to_owned(),
        url: None,
        licence: "l".to_owned(),
        attribution: "a".to_owned(),
        quality: Quality::Ok,
        uncertainty: None,
        distribution: None,
        notes: None,
        origin: FactorOrigin::Embedded,
    }
}

fn set() -> FactorSet {
    FactorSet::new(
        "test",
        vec![
            factor(
                "us-lc",
                "US",
                Boundary::LifeCycle,
                Basis::Dataset,
                "380 g/kWh",
            ),
            factor(
                "va-comb",
                "US-VA",
                Boundary::Combustion,
                Basis::Dataset,
                "245 g/kWh",
            ),
            factor(
                "world-lc",
                "WORLD",
                Boundary::LifeCycle,
                Basis::Dataset,
                "473 g/kWh",
            ),
        ],
        vec![Absence {
            subject: "electricity/grid".to_owned(),
            indicator: Indicator::Adpe,
            region: Region::world(),
            reason: "none open".to_owned(),
        }],
    )
}

fn query<'a>(
    region: &'a Region,
    boundaries: &'a [Boundary],
    indicator: Indicator,
) -> FactorQuery<'a> {
    FactorQuery {
        subject: "electricity/grid",
        indicator: Some(indicator),
        region,
        boundaries,
        preference: &[],
    }
}

#[test]
fn boundary_filters_before_fallback() {
    let set = set();
    let va = Region::parse("US-VA").expect("region");
    match set.lookup(&query(&va, &[Boundary::LifeCycle], Indicator::Gwp)) {
        Lookup::Found(r) => {
            assert_eq!(r.factor.id, "us-lc");
            assert_eq!(r.fallback, vec![va.clone()]);
        }
        other => panic!("{other:?}"),
    }
    match set.lookup(&query(&va, &[Boundary::Combustion], Indicator::Gwp)) {
        Lookup::Found(r) => assert!(r.fallback.is_empty() && r.factor.id == "va-comb"),
        other => panic!("{other:?}"),
    }
    let fr = Region::parse("FR").expect("region");
    assert!(matches!(
        set.lookup(&query(&fr, &[Boundary::Combustion], Indicator::Gwp)),
        Lookup::Missing { .. }
    ));
    assert!(matches!(
        set.lookup(&query(&fr, &[Boundary::LifeCycle], Indicator::Adpe)),
        Lookup::Absent { .. }
    ));
}

#[test]
fn later_layers_win_and_round_trip_through_serde() {
    let mut set = set();
    let mine = factor("my-fr", "US", Boundary::LifeCycle, Basis::User, "300 g/kWh");
    set.layer("mine.toml", 1, vec![mine]);
    assert_eq!(set.overrides()[0].replaced, vec!["us-lc".to_owned()]);
    let us = Region::parse("US").expect("region");
    match set.lookup(&query(&us, &[Boundary::LifeCycle], Indicator::Gwp)) {
        Lookup::Found(r) => {
            assert_eq!(r.factor.id, "my-fr");
            assert_eq!(r.alternatives.len(), 1);
        }
        other => panic!("{other:?}"),
    }
    let json = serde_json::to_string(&set).expect("serialises");
    let back: FactorSet = serde_json::from_str(&json).expect("deserialises");
    assert_eq!(back.factors().len(), set.factors().len());
    assert!(
        matches!(back.lookup(&query(&us, &[Boundary::LifeCycle], Indicator::Gwp)), Lookup::Found(r) if r.factor.id == "my-fr")
    );
}
