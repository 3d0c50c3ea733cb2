//! Properties of the distributions: moments, draws, descriptions, pedigrees.

use super::tests::{assert_close, uq};
use super::*;

// --- pedigree ------------------------------------------------------------------------

#[test]
fn pedigree_variances_are_ecoinvents() {
    let best = Pedigree::parse(&[1, 1, 1, 1, 1]).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(best.variance(), 0.0);
    assert_close(best.gsd(1.05), 1.05, 1e-12);
    let worst = Pedigree::parse(&[5, 5, 5, 5, 5]).unwrap_or_else(|e| panic!("{e}"));
    assert_close(worst.variance(), 0.04 + 0.008 + 0.04 + 0.002 + 0.12, 1e-12);
    let one_each = [
        ([2, 1, 1, 1, 1], 0.0006),
        ([1, 3, 1, 1, 1], 0.0006),
        ([1, 1, 4, 1, 1], 0.008),
        ([1, 1, 1, 2, 1], 0.000025),
        ([1, 1, 1, 1, 3], 0.008),
    ];
    for (scores, variance) in one_each {
        let pedigree = Pedigree::parse(&scores).unwrap_or_else(|e| panic!("{e}"));
        assert_close(pedigree.variance(), variance, 1e-12);
        assert_close(pedigree.gsd(1.0), variance.sqrt().exp(), 1e-12);
    }
    assert_eq!(worst.scores(), [5; 5]);
    // A basic gsd below 1 (refused by the readers) adds nothing.
    assert_close(best.gsd(0.5), 1.0, 1e-12);
}

// --- properties of the distributions ------------------------------------------------

/// A tiny deterministic generator: 64-bit LCG (Knuth's MMIX constants).
struct Lcg(u64);

impl Lcg {
    fn uniform(&mut self) -> f64 {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        (self.0 >> 11) as f64 / (1u64 << 53) as f64
    }

    /// Box–Muller (one of the pair).
    fn normal(&mut self) -> f64 {
        let u1 = 1.0 - self.uniform();
        let u2 = self.uniform();
        (-2.0 * u1.ln()).sqrt() * (2.0 * std::f64::consts::PI * u2).cos()
    }
}

/// `n` draws of X / nominal.
fn draws(distribution: Distribution, nominal: f64, n: usize) -> Vec<f64> {
    let normal = std::cell::RefCell::new(Lcg(42));
    let uniform = std::cell::RefCell::new(Lcg(7));
    let mut z = || normal.borrow_mut().normal();
    let mut u = || uniform.borrow_mut().uniform();
    (0..n)
        .map(|_| distribution.draw_ratio(nominal, &mut z, &mut u))
        .collect()
}

fn mean(values: &[f64]) -> f64 {
    values.iter().sum::<f64>() / values.len() as f64
}

#[test]
fn lognormal_ln_moments_are_exact() {
    for gsd in [1.0, 1.05, 1.2, 2.0, 10.0] {
        let (m, v) = Distribution::Lognormal { gsd }
            .ln_moments(0.41)
            .expect("within range");
        assert_eq!(m, 0.0);
        assert_close(v, gsd.ln().powi(2), 1e-12);
    }
}

#[test]
fn normal_draws_average_to_the_nominal() {
    let distribution = uq("700 W ± 10 %").distribution.unwrap_or_else(|| panic!());
    let ratios = draws(distribution, 700.0, 100_000);
    assert!((mean(&ratios) - 1.0).abs() < 1e-3, "{}", mean(&ratios));
    // 95 % of the draws within ± 10 %.
    let inside = ratios.iter().filter(|r| (0.9..=1.1).contains(*r)).count();
    assert!((inside as f64 / 1e5 - 0.95).abs() < 0.005, "{inside}");
}

#[test]
fn truncated_normal_stays_positive_and_matches_its_moments() {
    // sd as large as the mean: a sixth of the draws would be negative without truncation.
    let distribution = Distribution::Normal { sd: 1.0 };
    let ratios = draws(distribution, 1.0, 100_000);
    assert!(ratios.iter().all(|r| *r >= 0.0));
    let (mu, sigma2) = distribution.ln_moments(1.0).expect("within range");
    // The moment-matched lognormal has the truncated normal's mean and variance.
    let mc_mean = mean(&ratios);
    let mc_var = ratios.iter().map(|r| (r - mc_mean).powi(2)).sum::<f64>() / 1e5;
    assert!(
        (mc_mean - (mu + sigma2 / 2.0).exp()).abs() < 0.01,
        "{mc_mean}"
    );
    let lognormal_var = (2.0 * mu + sigma2).exp() * sigma2.exp_m1();
    assert!(
        (mc_var - lognormal_var).abs() < 0.02,
        "{mc_var} vs {lognormal_var}"
    );
    // A negative value is not truncated.
    let ratios = draws(distribution, -1.0, 10_000);
    assert!(ratios.iter().any(|r| *r < 0.0));
}

#[test]
fn triangular_and_uniform_draws_stay_in_their_range() {
    let triangular = Distribution::Triangular {
        min: 600.0,
        max: 750.0,
    };
    let ratios = draws(triangular, 700.0, 100_000);
    assert!(
        ratios
            .iter()
            .all(|r| (600.0 / 700.0..=750.0 / 700.0).contains(r))
    );
    assert_close(mean(&ratios), (600.0 + 700.0 + 750.0) / 3.0 / 700.0, 1e-3);
    let (mu, sigma2) = triangular.ln_moments(700.0).expect("within range");
    assert_close((mu + sigma2 / 2.0).exp(), 2050.0 / 3.0 / 700.0, 1e-9);

    let uniform = Distribution::Uniform {
        min: 600.0,
        max: 750.0,
    };
    let ratios = draws(uniform, 675.0, 100_000);
    assert!(
        ratios
            .iter()
            .all(|r| (600.0 / 675.0..=750.0 / 675.0).contains(r))
    );
    assert_close(mean(&ratios), 1.0, 1e-3);
    let (mu, sigma2) = uniform.ln_moments(675.0).expect("within range");
    assert_close((mu + sigma2 / 2.0).exp(), 1.0, 1e-12);
    assert_close(
        sigma2,
        (150.0f64.powi(2) / 12.0 / 675.0f64.powi(2)).ln_1p(),
        1e-12,
    );

    // Degenerate ranges and a triangular with its mode at a bound.
    let point = Distribution::Triangular { min: 5.0, max: 5.0 };
    assert!(draws(point, 5.0, 100).iter().all(|r| *r == 1.0));
    let edge = Distribution::Triangular { min: 0.0, max: 5.0 };
    assert!(
        draws(edge, 5.0, 1000)
            .iter()
            .all(|r| (0.0..=1.0).contains(r))
    );
}

#[test]
fn lognormal_draws_have_median_one() {
    let ratios = draws(Distribution::Lognormal { gsd: 1.5 }, 3.0, 100_001);
    let mut sorted = ratios.clone();
    sorted.sort_by(f64::total_cmp);
    assert!((sorted[50_000] - 1.0).abs() < 0.01, "{}", sorted[50_000]);
    assert!(ratios.iter().all(|r| *r > 0.0));
}

#[test]
fn draws_are_never_nan_or_infinite() {
    let mut bad_z = || f64::NAN;
    let mut bad_u = || f64::INFINITY;
    let mut big_z = || 1e6;
    let mut zero_u = || 0.0;
    let distributions = [
        Distribution::Normal { sd: 1.0 },
        Distribution::Normal { sd: f64::MAX },
        Distribution::Lognormal { gsd: 1e300 },
        Distribution::Lognormal { gsd: -3.0 },
        Distribution::Triangular { min: 1.0, max: 0.0 },
        Distribution::Uniform {
            min: -f64::MAX,
            max: f64::MAX,
        },
    ];
    for distribution in distributions {
        for nominal in [0.0, 1.0, -1.0, 1e-310, f64::NAN, f64::INFINITY] {
            let a = distribution.draw_ratio(nominal, &mut bad_z, &mut bad_u);
            let b = distribution.draw_ratio(nominal, &mut big_z, &mut zero_u);
            assert!(
                a.is_finite() && b.is_finite(),
                "{distribution:?} {nominal}: {a} {b}"
            );
            // Moments beyond range are `None`, never a non-finite pair nor a false (0, 0).
            if let Some((m, v)) = distribution.ln_moments(nominal) {
                assert!(
                    m.is_finite() && v.is_finite(),
                    "{distribution:?} {nominal}: {m} {v}"
                );
            }
        }
    }
}

// --- the rest of the API -------------------------------------------------------------

#[test]
fn describe_reads_as_people_write() {
    let normal = uq("700 W ± 10 %").distribution.unwrap_or_else(|| panic!());
    assert_eq!(normal.describe(700.0, "W"), "± 10 %");
    assert_eq!(
        Distribution::Normal { sd: 0.1 }.describe(0.0, "W"),
        "± 0.196 W"
    );
    assert_eq!(
        Distribution::Lognormal { gsd: 1.2 }.describe(1.0, ""),
        "GSD 1.2"
    );
    assert_eq!(
        Distribution::Lognormal { gsd: 1.051_234 }.describe(1.0, ""),
        "GSD 1.05"
    );
    let triangular = Distribution::Triangular {
        min: 600.0,
        max: 750.0,
    };
    assert_eq!(triangular.describe(700.0, "W"), "triangular 600–750 W");
    let uniform = Distribution::Uniform {
        min: 0.012_345,
        max: 433_196.0,
    };
    assert_eq!(uniform.describe(1.0, ""), "uniform 0.0123–433196");
    let negative = Distribution::Uniform {
        min: -10.0,
        max: -5.0,
    };
    assert_eq!(negative.describe(-7.5, "kg"), "uniform -10 to -5 kg");
}

#[test]
fn legacy_relative_half_width_is_a_lognormal() {
    let distribution =
        Distribution::from_relative_half_width(0.3).unwrap_or_else(|e| panic!("{e}"));
    let gsd = match distribution {
        Distribution::Lognormal { gsd } => gsd,
        other => panic!("{other:?}"),
    };
    assert_close(gsd.powf(1.96), 1.3, 1e-12);
    assert_eq!(
        Distribution::from_relative_half_width(0.0),
        Ok(Distribution::Lognormal { gsd: 1.0 })
    );
    let error = Distribution::from_relative_half_width(-0.1).map_err(|e| e.to_string());
    assert!(error.is_err_and(|e| e.starts_with("`uncertainty = -0.1`: a relative half-width")));
    let error = Distribution::from_relative_half_width(f64::NAN).map_err(|e| e.to_string());
    assert!(error.is_err_and(|e| e.contains("not finite")));
}

#[test]
fn validate_and_scale() {
    assert!(Distribution::Normal { sd: 1.0 }.validate(10.0).is_ok());
    let error = Distribution::Normal { sd: -1.0 }
        .validate(10.0)
        .map_err(|e| e.to_string());
    assert!(error.is_err_and(|e| e.contains("sd -1 is negative")));
    let uniform = Distribution::Uniform { min: 1.0, max: 3.0 };
    assert!(uniform.validate(2.0).is_ok());
    let error = uniform.validate(2.5).map_err(|e| e.to_string());
    assert!(error.is_err_and(|e| e.contains("is not the midpoint 2")));

    assert_eq!(
        Distribution::Triangular { min: 1.0, max: 3.0 }.scaled(-2.0),
        Distribution::Triangular {
            min: -6.0,
            max: -2.0
        }
    );
    assert_eq!(
        Distribution::Normal { sd: 1.0 }.scaled(1000.0),
        Distribution::Normal { sd: 1000.0 }
    );
    assert_eq!(
        Distribution::Lognormal { gsd: 1.2 }.scaled(1000.0),
        Distribution::Lognormal { gsd: 1.2 }
    );
}

#[test]
fn distributions_serialise_with_their_kind() {
    let json = serde_json::to_string(&Distribution::Lognormal { gsd: 1.2 }).ok();
    assert_eq!(json.as_deref(), Some(r#"{"kind":"lognormal","gsd":1.2}"#));
    let back: Distribution = serde_json::from_str(r#"{"kind":"triangular","min":1,"max":2}"#)
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(back, Distribution::Triangular { min: 1.0, max: 2.0 });
    let schema = schemars::schema_for!(Distribution);
    let text = serde_json::to_string(&schema).unwrap_or_default();
    assert!(text.contains("lognormal") && text.contains("gsd"));
}

#[test]
fn erfc_is_accurate() {
    // Reference values of erfc.
    for (x, expected) in [
        (0.0, 1.0),
        (0.5, 0.479_500_122_186_953_5),
        (1.0, 0.157_299_207_050_285_1),
        (-1.0, 1.842_700_792_949_715),
        (3.0, 2.209_049_699_858_544e-5),
    ] {
        assert_close(erfc(x), expected, 2e-7);
    }
}

#[test]
fn a_spread_beyond_range_is_none_never_certain() {
    // sd² overflows in the value's unit but not on the ratio: computed there.
    let wide = Distribution::Normal { sd: 1e160 };
    let (_, v) = wide
        .ln_moments(1e158)
        .expect("the ratio's moments are in range");
    assert!(v > 0.0 && v.is_finite(), "{v}");
    // A range up to 10¹⁵⁰ times the value: its variance overflows in the value's unit (it
    // once gave (0, 0), certain), not on the ratio.
    let range = Distribution::Triangular {
        min: 1e9,
        max: 1e160,
    };
    let (_, v) = range
        .ln_moments(70e9)
        .expect("the ratio's moments are in range");
    assert!(v > 0.4 && v.is_finite(), "{v}");
    // A range whose variance is `inf − inf` (NaN) on the ratio too: once 0 through
    // `f64::max`, so certain.
    let nan = Distribution::Triangular {
        min: 1e9,
        max: 1.7e308,
    };
    assert_eq!(nan.ln_moments(70e9), None);
    // A ratio whose own variance overflows.
    let uniform = Distribution::Uniform {
        min: 0.0,
        max: f64::MAX,
    };
    assert_eq!(uniform.ln_moments(1.0), None);
    // A narrow spread stays (nearly) certain, as it is.
    let (_, v) = Distribution::Normal { sd: 1e-170 }
        .ln_moments(1.0)
        .expect("in range");
    assert_eq!(v, 0.0);
}

#[test]
fn extreme_bounds_are_described_in_scientific_notation() {
    let huge = Distribution::Uniform {
        min: 0.0,
        max: 1.7e308,
    };
    assert_eq!(huge.describe(70e9, ""), "uniform 0–1.7e308");
    let plain = Distribution::Uniform {
        min: 600.0,
        max: 750.0,
    };
    assert_eq!(plain.describe(675.0, "W"), "uniform 600–750 W");
}
