use bilan_core::assessment::{
    Assessment, Builder, Draft, Driver, ItemRef, Stage, Term, TermSource,
};
use bilan_core::method::{Descriptor, MethodError, ParamValue};
use bilan_io::{SourceFile, load_inventory};

use super::*;

pub(crate) fn example(name: &str) -> Inventory {
    let path = format!("{}/../../examples/{name}", env!("CARGO_MANIFEST_DIR"));
    let file = SourceFile::read(std::path::Path::new(&path)).expect("example readable");
    load_inventory(&file).expect("example valid")
}

/// A method whose assessment `change` alters after ADEME's run.
pub(crate) struct Altered(bilan_plugin_ademe::AdemeLca, Descriptor, Change);

/// What [`Altered`] does to the assessment.
pub(crate) type Change = fn(&mut Assessment);

impl Methodology for Altered {
    fn descriptor(&self) -> &Descriptor {
        &self.1
    }
    fn assess(
        &self,
        inv: &Inventory,
        factors: &FactorSet,
        p: &Parameters,
    ) -> Result<Assessment, MethodError> {
        let mut a = self.0.assess(inv, factors, p)?;
        a.method.id = self.1.id.clone();
        (self.2)(&mut a);
        Ok(a)
    }
}

/// `methods`, each run as a built-in method with its defaults.
pub(crate) fn built_in<'a>(methods: &[&'a dyn Methodology]) -> Vec<MethodRun<'a>> {
    methods
        .iter()
        .map(|&method| MethodRun {
            method,
            parameters: Parameters::default(),
            origin: Origin::Builtin,
        })
        .collect()
}

/// A method that forgets every fleet: the reconciliation must catch it.
fn forgetful() -> Altered {
    Altered(
        bilan_plugin_ademe::AdemeLca::default(),
        renamed("forgetful"),
        |a| {
            a.contributions
                .retain(|c| c.item.kind != bilan_core::assessment::ItemKind::Fleet);
            a.exclusions
                .retain(|e| e.item.kind != bilan_core::assessment::ItemKind::Fleet);
        },
    )
}

struct Panicking(Descriptor);

impl Methodology for Panicking {
    fn descriptor(&self) -> &Descriptor {
        &self.0
    }
    fn assess(
        &self,
        _: &Inventory,
        _: &FactorSet,
        _: &Parameters,
    ) -> Result<Assessment, MethodError> {
        panic!("boom")
    }
}

pub(crate) fn renamed(id: &str) -> Descriptor {
    let mut d = bilan_plugin_ademe::AdemeLca::default().descriptor().clone();
    d.id = id.to_owned();
    d
}

#[test]
fn a_failing_or_panicking_method_is_an_error_row_and_others_report() {
    let inv = example("llama-3.1.toml");
    let factors = bilan_factors::embedded().expect("factors");
    let ademe = bilan_plugin_ademe::AdemeLca::default();
    let panicking = Panicking(renamed("panicking"));
    let methods = [
        MethodRun {
            method: &ademe,
            parameters: Parameters::default(),
            origin: Origin::Builtin,
        },
        MethodRun {
            method: &panicking,
            parameters: Parameters::default(),
            origin: Origin::Builtin,
        },
    ];
    let mut outcomes = run(&inv, factors, &methods);
    let comparison = compare(&inv, &mut outcomes);
    assert!(comparison.methods[0].error.is_none());
    assert_eq!(
        comparison.methods[1].error.as_deref(),
        Some("methodology panicked: boom")
    );
    assert_eq!(
        comparison.indicators[0].rows.len(),
        1,
        "only the method that assessed has figures"
    );
    assert!(!comparison.all_ok());
}

#[test]
fn reconciliation_can_fail() {
    let inv = example("llama-3.1.toml");
    let factors = bilan_factors::embedded().expect("factors");
    let forgetful = forgetful();
    let methods = [MethodRun {
        method: &forgetful,
        parameters: Parameters::default(),
        origin: Origin::Builtin,
    }];
    let mut outcomes = run(&inv, factors, &methods);
    let comparison = compare(&inv, &mut outcomes);
    let error = comparison.methods[0]
        .error
        .clone()
        .expect("the comparison fails loudly");
    assert!(error.contains("reconciliation failed: 1 inventory item(s) neither included nor excluded: fleet `h100-training`"), "{error}");
    assert_eq!(comparison.reconciliation[0].unaccounted.len(), 1);
}

fn descriptor(id: &str) -> Descriptor {
    let mut d = renamed(id);
    d.indicators = vec![Indicator::Gwp];
    d
}

/// Two hand-built assessments of one fleet: amortised over 4 years with a 0.8 utilisation
/// divisor (A), expensed in full with another factor (B).
fn pair() -> (Descriptor, Assessment, Descriptor, Assessment) {
    let fleet = ItemRef::new(bilan_core::assessment::ItemKind::Fleet, "f");
    let workload = ItemRef::new(bilan_core::assessment::ItemKind::Workload, "w");
    let build = |id: &str, amortised: bool| {
        let d = descriptor(id);
        let mut b = Builder::new(&d, &Parameters::default());
        let factor = |id: &str, value: f64, driver: Driver| bilan_core::assessment::FactorUse {
            id: id.into(),
            symbol: "F".into(),
            canonical: value,
            canonical_unit: "kg/device".into(),
            driver: Some(driver),
            subject: "hardware/x".into(),
            indicator: Some(Indicator::Gwp),
            value: String::new(),
            boundary: String::new(),
            region: None,
            requested_region: None,
            fallback: Vec::new(),
            year: None,
            source: String::new(),
            licence: None,
            basis: None,
            quality: None,
            alternatives: Vec::new(),
            from_inventory: false,
        };
        let ef = b.factor(factor(
            if amortised { "pcf" } else { "parametric" },
            if amortised { 164.0 } else { 273.0 },
            Driver::FactorChoice,
        ));
        let grid = b.factor(factor("grid", 0.4, Driver::ElectricityBoundary));
        let mut draft = Draft::new(
            fleet.clone(),
            bilan_core::assessment::Aspect::Embodied,
            Stage::Manufacturing,
            "…",
        );
        if amortised {
            draft = draft
                .term(
                    Term::new("T", 8760.0, "GPU·h", TermSource::Item { key: "t".into() })
                        .driver(Driver::CapitalGoods),
                )
                .term(
                    Term::new("L", 35040.0, "h", TermSource::Item { key: "l".into() })
                        .dividing()
                        .driver(Driver::CapitalGoods),
                )
                .term(
                    Term::new("u", 0.8, "1", TermSource::Item { key: "u".into() })
                        .dividing()
                        .driver(Driver::UtilisationDivisor),
                );
        } else {
            draft = draft.term(
                Term::new("N", 4.0, "device", TermSource::Item { key: "n".into() })
                    .driver(Driver::CapitalGoods),
            );
        }
        b.contribute(draft, &[(Indicator::Gwp, ef)]);
        let mut e = Draft::new(
            workload.clone(),
            bilan_core::assessment::Aspect::Electricity,
            Stage::Use,
            "E × F",
        )
        .term(Term::new(
            "E",
            1000.0,
            "kWh",
            TermSource::Item {
                key: "energy".into(),
            },
        ));
        if amortised {
            e = e.term(
                Term::new("PUE", 1.5, "1", TermSource::Item { key: "pue".into() })
                    .driver(Driver::FacilityOverhead),
            );
        }
        b.contribute(e, &[(Indicator::Gwp, grid)]);
        if amortised {
            b.contribute(
                Draft::new(
                    workload.clone(),
                    bilan_core::assessment::Aspect::IdleElectricity,
                    Stage::Use,
                    "E_idle × F",
                )
                .presence(Driver::IdleOverhead)
                .term(Term::new(
                    "E_idle",
                    100.0,
                    "kWh",
                    TermSource::Item { key: "idle".into() },
                )),
                &[(Indicator::Gwp, grid_id())],
            );
        }
        (d, b.finish())
    };
    fn grid_id() -> std::sync::Arc<str> {
        "grid".into()
    }
    let (da, a) = build("a", true);
    let (db, b) = build("b", false);
    (da, a, db, b)
}

#[test]
fn drivers_and_residual_sum_to_the_difference() {
    let (da, a, db, b) = pair();
    let d = &divergence::all_pairs(&[(&da, &a), (&db, &b)])[0];
    let expected =
        b.total(Indicator::Gwp).expect("covered") - a.total(Indicator::Gwp).expect("covered");
    assert!((d.difference - expected).abs() < 1e-9);
    let explained: f64 = d.drivers.iter().map(|x| x.amount).sum::<f64>() + d.residual;
    assert!(
        (explained - d.difference).abs() < 1e-9,
        "{explained} vs {}",
        d.difference
    );
    let amount = |driver| {
        d.drivers
            .iter()
            .find(|x| x.driver == driver)
            .map_or(0.0, |x| x.amount)
    };
    // Sequential substitution in driver order: capital goods first (A's 164 × 0.25 / 0.8 → 164 × 4 / 0.8).
    assert!((amount(Driver::CapitalGoods) - (164.0 * 4.0 / 0.8 - 164.0 * 0.25 / 0.8)).abs() < 1e-9);
    assert!((amount(Driver::UtilisationDivisor) - (164.0 * 4.0 - 164.0 * 4.0 / 0.8)).abs() < 1e-9);
    assert!((amount(Driver::FactorChoice) - (273.0 - 164.0) * 4.0).abs() < 1e-9);
    assert!((amount(Driver::FacilityOverhead) - (400.0 - 600.0)).abs() < 1e-9);
    assert!(
        (amount(Driver::IdleOverhead) + 40.0).abs() < 1e-9,
        "B has no idle electricity"
    );
    assert!(d.residual.abs() < 1e-9);
    assert!(
        d.drivers
            .iter()
            .find(|x| x.driver == Driver::CapitalGoods)
            .and_then(|x| x.a_rule.clone())
            .is_some_and(|r| r.starts_with("amortised"))
    );
}

#[test]
fn an_indicator_covered_by_one_method_is_coverage() {
    let inv = example("llama-3.1.toml");
    let factors = bilan_factors::embedded().expect("factors");
    let ademe = bilan_plugin_ademe::AdemeLca::default();
    let mut a = ademe
        .assess(&inv, factors, &Parameters::default())
        .expect("assessed");
    let d = ademe.descriptor().clone();
    let mut b = a.clone();
    b.method.id = "carbon-only".into();
    for c in b
        .coverage
        .iter_mut()
        .filter(|c| c.indicator == Indicator::Water)
    {
        c.covered = false;
    }
    a.parameters
        .insert("x".into(), ParamValue::Bool(true).to_string());
    let divergences = divergence::all_pairs(&[(&d, &a), (&d, &b)]);
    let water = divergences
        .iter()
        .find(|x| x.indicator == Indicator::Water)
        .expect("water pair");
    assert_eq!(water.b_total, None);
    assert_eq!(water.drivers.len(), 1);
    assert_eq!(water.drivers[0].driver, Driver::IndicatorCoverage);
    assert!((water.drivers[0].amount + water.a_total.expect("covered")).abs() < 1e-9);
    let gwp = divergences
        .iter()
        .find(|x| x.indicator == Indicator::Gwp)
        .expect("gwp pair");
    assert!(
        gwp.drivers.is_empty() && gwp.residual == 0.0,
        "identical assessments do not diverge"
    );
}

#[test]
fn the_item_count_is_the_number_of_items_to_reconcile() {
    for name in [
        "gpu-cluster-purchase.toml",
        "llama-3.1.toml",
        "mistral-large-2-illustrative.toml",
    ] {
        let inv = example(name);
        assert_eq!(
            reconcile::item_count(&inv),
            reconcile::items(&inv).len(),
            "{name}"
        );
    }
}

#[test]
fn drivers_are_declared_in_decomposition_order() {
    for (n, d) in Driver::ALL.iter().enumerate() {
        assert_eq!(divergence::driver_index(*d), n, "{d}");
    }
}

#[test]
fn a_comparison_without_the_trail_has_the_same_figures_and_divergences() {
    let factors = bilan_factors::embedded().expect("factors");
    let ademe = bilan_plugin_ademe::AdemeLca::default();
    let ghg = bilan_plugin_ghg::GhgProtocol::default();
    let sci = bilan_plugin_sci::Sci::default();
    let forgetful = forgetful();
    let methods = built_in(&[&ademe, &ghg, &sci, &forgetful]);
    let mut most_walked = 0;
    for name in [
        "llama-3.1.toml",
        "gpu-cluster-purchase.toml",
        "estimated-open-model.toml",
    ] {
        let inv = example(name);
        let mut full = run(&inv, factors, &methods);
        let expected = serde_json::to_value(compare(&inv, &mut full)).expect("serialises");
        let items = Items::of(&inv);
        let mut lean = run_figures(&items, factors, &methods);
        for o in &lean {
            if let Ok(a) = &o.result {
                assert!(o.trail_dropped(), "{name}");
                assert!(a.contributions.is_empty(), "{name}: the trail is dropped");
            }
        }
        // Every pair of the methods that assessed and reconcile was walked while the
        // methods ran (the forgetful one is an error row: none of its pairs).
        let walked: usize = lean.iter().map(|o| o.early.walked()).sum();
        let reconciled = lean
            .iter()
            .filter(|o| {
                o.prepared
                    .as_ref()
                    .is_some_and(|p| p.reconciliation.unaccounted.is_empty())
            })
            .count();
        assert_eq!(
            walked,
            reconciled * reconciled.saturating_sub(1) / 2,
            "{name}"
        );
        most_walked = most_walked.max(walked);
        let actual = serde_json::to_value(compare_with(&items, &mut lean)).expect("serialises");
        assert_eq!(actual, expected, "{name}");
        assert!(full.iter().all(|o| !o.trail_dropped()));
        // Each trail rebuilt on the comparison's items (what they derived is reused) is
        // the trail of a full run (before a comparison marks it).
        for (m, o) in methods.iter().zip(&run(&inv, factors, &methods)) {
            assert_eq!(
                crate::rerun(&items, factors, m),
                o.result,
                "{name}: {}",
                o.descriptor.id
            );
        }
        // In another order, a pair walked with A and B the other way round is walked again,
        // not taken.
        let mut lean = run_figures(&items, factors, &methods);
        lean.reverse();
        let mut full = run(&inv, factors, &methods);
        full.reverse();
        let expected = serde_json::to_value(compare(&inv, &mut full)).expect("serialises");
        let actual = serde_json::to_value(compare_with(&items, &mut lean)).expect("serialises");
        assert_eq!(actual, expected, "{name}, reversed");
        // Compared again, an outcome whose trail is gone is an error row, never figures
        // from an empty trail.
        let again = compare_with(&items, &mut lean);
        assert!(again.indicators.iter().all(|i| i.rows.is_empty()), "{name}");
        assert!(again.methods.iter().all(|m| m.error.is_some()), "{name}");
    }
    assert_eq!(
        most_walked, 3,
        "the three built-in methods, in one example at least"
    );
}

mod prepared;
