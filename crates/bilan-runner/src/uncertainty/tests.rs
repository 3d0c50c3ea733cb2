use bilan_core::assessment::Assessment;
use bilan_core::factor::FactorSet;
use bilan_core::figure::Selector;
use bilan_core::indicator::Indicator;
use bilan_core::inventory::Inventory;
use bilan_core::method::{Methodology, Parameters};
use bilan_io::{SourceFile, load_inventory};
use bilan_units::Distribution;

use super::*;

fn example(name: &str) -> (Inventory, &'static FactorSet, Assessment) {
    let path = format!("{}/../../examples/{name}", env!("CARGO_MANIFEST_DIR"));
    let file = SourceFile::read(std::path::Path::new(&path)).expect("example readable");
    let inventory = load_inventory(&file).expect("example valid");
    let factors = bilan_factors::embedded().expect("factors");
    let a = bilan_plugin_ademe::AdemeLca::default()
        .assess(&inventory, factors, &Parameters::default())
        .expect("assessed");
    (inventory, factors, a)
}

/// The compiled plan, at the nominal inputs, gives back every figure of the breakdown and
/// every per-unit result: the propagation sums exactly what the report shows.
#[test]
fn the_plan_at_nominal_values_is_the_breakdown() {
    for name in [
        "mistral-large-2-illustrative.toml",
        "llama-3.1.toml",
        "gpu-cluster-purchase.toml",
    ] {
        let (inventory, _, a) = example(name);
        let d = bilan_plugin_ademe::AdemeLca::default().descriptor().clone();
        let plan = plan::compile(&inventory, &[(&d, &a)], &Inputs::new(), &[]);
        assert!(!plan.slots.is_empty());
        for s in &plan.slots {
            let expected = match &s.figure.selector {
                Selector::Unit(_)
                | Selector::Total
                | Selector::Stage(_)
                | Selector::Phase(_)
                | Selector::Category(_) => s.figure.value(&a).expect("a value"),
                other => panic!("unexpected figure {other:?}"),
            };
            let got = s.nominal(&plan.groups);
            assert!(
                (got - expected).abs() <= 1e-9 * expected.abs().max(1.0),
                "{name} {}: {got} vs {expected}",
                s.figure
            );
        }
    }
}

/// Without uncertain inputs, every draw is the nominal value.
#[test]
fn certain_inputs_give_a_point_interval() {
    let (inventory, _, a) = example("llama-3.1.toml");
    let d = bilan_plugin_ademe::AdemeLca::default().descriptor().clone();
    let request = Request {
        mode: Mode::MonteCarlo {
            iterations: 100,
            seed: 1,
        },
        extra: &[],
        headlines: &[],
        progress: None,
    };
    let r = propagate(&inventory, &[(&d, &a)], &Inputs::new(), &request).expect("fits");
    for f in &r.figures {
        let i = f.interval;
        for x in [i.mean, i.median, i.low, i.high, i.p95] {
            assert!(
                (x - f.nominal).abs() <= 1e-9 * f.nominal.abs().max(1.0),
                "{}: {i:?}",
                f.figure
            );
        }
    }
}

/// One input cited by every method moves them together: with the same factor on both sides
/// of a pair, the difference of totals has no spread from it.
#[test]
fn a_shared_input_is_one_draw_for_every_method() {
    let (inventory, factors, a) = example("mistral-large-2-illustrative.toml");
    let d = bilan_plugin_ademe::AdemeLca::default().descriptor().clone();
    let mut b = a.clone();
    b.method.id = "ademe-lca-copy".to_owned();
    let mut inputs = Inputs::new();
    let grid = factors
        .get("owid-ember-fr-grid-gwp-2023")
        .expect("the French grid factor");
    inputs.add(Input {
        key: factor_key("owid-ember-fr-grid-gwp-2023"),
        nominal: grid.value.value(),
        unit: grid.value.unit().to_string(),
        distribution: Distribution::Lognormal { gsd: 1.5 },
        source: InputSource::Factor,
        assumed: None,
    });
    let request = Request {
        mode: Mode::MonteCarlo {
            iterations: 500,
            seed: 9,
        },
        extra: &[],
        headlines: &[],
        progress: None,
    };
    let r = propagate(&inventory, &[(&d, &a), (&d, &b)], &inputs, &request).expect("fits");
    let total = r
        .figures
        .iter()
        .find(|f| f.method == "ademe-lca" && f.figure == "gwp.total")
        .expect("a total");
    assert!(
        total.interval.high > total.interval.low * 1.1,
        "{:?}",
        total.interval
    );
    let diff = r
        .differences
        .iter()
        .find(|x| x.indicator == Indicator::Gwp)
        .expect("a difference");
    assert!(
        diff.difference.low.abs() < 1e-6 && diff.difference.high.abs() < 1e-6,
        "{diff:?}"
    );
    assert!(!diff.significant);
}
