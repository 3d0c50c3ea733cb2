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

fn normal(key: &str, nominal: f64, sd: f64) -> Input {
    Input {
        key: key.to_owned(),
        nominal,
        unit: "kWh".to_owned(),
        distribution: Distribution::Normal { sd },
        source: InputSource::Inventory,
        assumed: None,
    }
}

/// A spread whose variance is beyond the range of `f64` is refused with the input's key,
/// never propagated as no spread at all.
#[test]
fn a_spread_beyond_range_is_refused_not_dropped() {
    let wide = normal("workload[w].energy", 100.0, 1e160);
    let e = wide.ln_moments().expect_err("sd² overflows");
    assert!(
        e.starts_with("workload[w].energy (100 kWh, sd 1e160 kWh): "),
        "{e}"
    );
    assert!(e.contains("too large to propagate"), "{e}");
    let wide = Input {
        distribution: Distribution::Triangular {
            min: 0.5,
            max: 1e300,
        },
        ..normal("site[dc].pue", 1.0, 0.0)
    };
    assert!(wide.ln_moments().is_err());
    // A spread too narrow to register is no spread, not an error.
    assert_eq!(normal("x", 1.0, 1e-170).ln_moments(), Ok((0.0, 0.0)));
}

/// A large value with a modest spread has the moments of its ratio, whose own variance is
/// within range even where the value's is not; within range, the moments are the
/// distribution's, bit for bit.
#[test]
fn a_large_value_keeps_its_relative_spread() {
    let large = normal("x", 1e200, 1e199)
        .ln_moments()
        .expect("within range");
    let unit = normal("x", 1.0, 0.1).ln_moments().expect("within range");
    assert!(large.1 > 0.0);
    assert!((large.0 / unit.0 - 1.0).abs() < 1e-9, "{large:?} {unit:?}");
    assert!((large.1 / unit.1 - 1.0).abs() < 1e-9, "{large:?} {unit:?}");
    let pue = normal("site[dc].pue", 1.2, 0.06);
    assert_eq!(
        pue.ln_moments().ok(),
        pue.distribution.ln_moments(pue.nominal)
    );
}

/// The grid factor of the Mistral example, with `distribution`.
fn grid_factor(factors: &FactorSet, distribution: Distribution) -> Input {
    let grid = factors
        .get("owid-ember-fr-grid-gwp-2023")
        .expect("the French grid factor");
    Input {
        key: factor_key("owid-ember-fr-grid-gwp-2023"),
        nominal: grid.value.value(),
        unit: grid.value.unit().to_string(),
        distribution,
        source: InputSource::Factor,
        assumed: None,
    }
}

fn request(mode: Mode) -> Request<'static> {
    Request {
        mode,
        extra: &[],
        headlines: &[],
        progress: None,
    }
}

const MC: Mode = Mode::MonteCarlo {
    iterations: 200,
    seed: 3,
};

/// Both propagations refuse a run with an input whose spread is beyond range, naming it.
#[test]
fn both_propagations_refuse_an_input_beyond_range() {
    let (inventory, factors, a) = example("mistral-large-2-illustrative.toml");
    let d = bilan_plugin_ademe::AdemeLca::default().descriptor().clone();
    let nominal = grid_factor(factors, Distribution::Lognormal { gsd: 1.0 }).nominal;
    let mut inputs = Inputs::new();
    inputs.add(grid_factor(
        factors,
        Distribution::Normal {
            sd: nominal * 1e160,
        },
    ));
    for mode in [Mode::Analytic, MC] {
        let e = propagate(&inventory, &[(&d, &a)], &inputs, &request(mode)).expect_err("refused");
        assert!(
            e.starts_with("factor:owid-ember-fr-grid-gwp-2023 (") && e.contains("too large"),
            "{mode:?}: {e}"
        );
    }
}

/// Three inputs of a product, each with a spread whose variance is within range: their
/// product's interval (analytic) and draws (Monte Carlo) are not. The run is refused,
/// naming the figure; no figure is dropped with a note about a division by zero.
#[test]
fn a_figure_beyond_range_is_refused_in_both_propagations() {
    let (inventory, factors, a) = example("mistral-large-2-illustrative.toml");
    let d = bilan_plugin_ademe::AdemeLca::default().descriptor().clone();
    let wide = |key: &str, nominal: f64| Input {
        distribution: Distribution::Normal {
            sd: nominal * 1e150,
        },
        ..normal(key, nominal, 0.0)
    };
    let mut inputs = Inputs::new();
    let grid = grid_factor(factors, Distribution::Lognormal { gsd: 1.0 });
    inputs.add(wide(&grid.key, grid.nominal));
    for s in &inventory.sites {
        if let Some(pue) = s.pue.as_ref() {
            inputs.add(wide(&inventory_key("site", &s.id, "pue"), pue.value()));
        }
    }
    for w in &inventory.workloads {
        if let Some(hours) = w.device_hours.as_ref() {
            let key = inventory_key("workload", &w.id, "device-hours");
            inputs.add(wide(&key, hours.value()));
        }
    }
    for (mode, how) in [
        (
            Mode::Analytic,
            "its first-order interval is beyond the range",
        ),
        (MC, "some of its Monte Carlo draws are beyond the range"),
    ] {
        let e = propagate(&inventory, &[(&d, &a)], &inputs, &request(mode)).expect_err("refused");
        assert!(e.starts_with("ademe-lca: "), "{mode:?}: {e}");
        assert!(e.contains(how), "{mode:?}: {e}");
        assert!(e.contains("too large to propagate"), "{mode:?}: {e}");
    }
}

#[test]
fn an_input_is_described_with_numbers_of_any_size() {
    let i = normal("workload[w].energy", 100.0, 1e160);
    assert_eq!(i.described(), "workload[w].energy (100 kWh, sd 1e160 kWh)");
    let i = normal("site[dc].pue", 1.234_567, 0.061_234_5);
    assert_eq!(i.described(), "site[dc].pue (1.2346 kWh, sd 0.061235 kWh)");
}
