//! Spreads in log space: an estimate is a product of powers of its inputs, so the variance
//! of its logarithm is, to first order, the sum of each input's log variance times its
//! exponent squared (exact for lognormal inputs). The result is carried as a lognormal
//! around the nominal estimate.

use bilan_units::{Distribution, UncertainQuantity};

/// The variance of ln(X / nominal) of an uncertain quantity (0 when certain), or why it
/// cannot be carried: a spread beyond the range of `f64` even as a ratio to the value
/// (which was once carried as no spread at all).
pub fn ln_variance(q: &UncertainQuantity) -> Result<f64, String> {
    match q.distribution {
        None => Ok(0.0),
        Some(d) => d
            .ln_moments(q.quantity.value())
            .map(|m| m.1)
            .ok_or_else(|| {
                let what = d.describe(q.quantity.value(), &q.quantity.unit().to_string());
                bilan_units::too_wide(&what, "carry into the estimate")
            }),
    }
}

/// [`ln_variance`] of the estimate's input at `key`, or the problem there.
pub(crate) fn variance_at(
    q: &UncertainQuantity,
    at: &crate::Path,
    key: &str,
) -> Result<f64, crate::Problem> {
    ln_variance(q).map_err(|why| at.problem(key, why))
}

/// A lognormal of log variance `variance`; `None` when it is zero.
pub fn lognormal(variance: f64) -> Option<Distribution> {
    (variance > 0.0 && variance.is_finite()).then(|| Distribution::Lognormal {
        gsd: variance.sqrt().exp(),
    })
}

/// The mean square of the logarithms of a set of ratios (estimate ÷ measured): the
/// spread an estimator shows against measurements, its bias included (a biased estimator
/// gets a wider interval, not a narrower one around the wrong value).
pub(crate) fn ratio_variance(ratios: &[f64]) -> f64 {
    if ratios.is_empty() {
        return 0.0;
    }
    ratios.iter().map(|r| r.ln().powi(2)).sum::<f64>() / ratios.len() as f64
}
