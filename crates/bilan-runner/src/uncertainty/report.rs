//! What the propagation of uncertainty reports: intervals for figures, differences between
//! methods and divergence drivers, sensitivity rankings and histograms.

use bilan_core::assessment::Driver;
use bilan_core::indicator::Indicator;
use serde::Serialize;

use super::inputs::InputSource;

/// How the uncertainty was propagated.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum Propagation {
    /// First-order propagation: each figure approximated by a lognormal (a normal where
    /// the figure is not positive).
    Analytic,
    /// Seeded Monte Carlo with common random numbers.
    MonteCarlo,
}

/// The central value and 95 % interval of an uncertain figure.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub struct Interval {
    /// Mean.
    pub mean: f64,
    /// Median.
    pub median: f64,
    /// 2.5th percentile.
    pub low: f64,
    /// 97.5th percentile.
    pub high: f64,
    /// 95th percentile (a conservative headline).
    pub p95: f64,
}

impl Interval {
    /// Whether the interval contains zero (a difference or driver amount that is not
    /// significantly different from nothing).
    pub fn spans_zero(&self) -> bool {
        self.low <= 0.0 && self.high >= 0.0
    }

    /// Half the width of the interval.
    pub fn half_width(&self) -> f64 {
        (self.high - self.low) / 2.0
    }
}

/// One uncertain input, as the report lists it.
#[derive(Clone, Debug, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub struct InputReport {
    /// Its key: an inventory key path, `factor:ID` or `parameter:…`.
    pub key: String,
    /// Where it was written.
    pub source: InputSource,
    /// The value the methods used.
    pub nominal: f64,
    /// Its unit.
    pub unit: String,
    /// Its distribution in words ("± 10 %", "lognormal, GSD 1.2"…).
    pub distribution: String,
    /// Why a default distribution was assumed, if the source gives none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub assumed: Option<String>,
    /// The methods whose figures it enters.
    pub methods: Vec<String>,
}

/// The interval of one figure of one method.
#[derive(Clone, Debug, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub struct FigureInterval {
    /// Method id.
    pub method: String,
    /// Figure path (`gwp.total`, `gwp.stage.use`, `gwp.unit.request`…).
    pub figure: String,
    /// The indicator.
    pub indicator: Indicator,
    /// The point value the report shows.
    pub nominal: f64,
    /// Its distribution.
    pub interval: Interval,
}

/// The difference `B − A` between two methods' totals for one indicator, drawn with common
/// random numbers.
#[derive(Clone, Debug, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub struct DifferenceInterval {
    /// Method A.
    pub a: String,
    /// Method B.
    pub b: String,
    /// The indicator.
    pub indicator: Indicator,
    /// `B − A`.
    pub difference: Interval,
    /// `B / A − 1`, when A's total is positive.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub relative: Option<Interval>,
    /// Whether the 95 % interval of the difference excludes zero.
    pub significant: bool,
}

/// The interval of one driver's amount in a divergence.
#[derive(Clone, Debug, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub struct DriverInterval {
    /// Method A.
    pub a: String,
    /// Method B.
    pub b: String,
    /// The indicator.
    pub indicator: Indicator,
    /// The driver (`None`: the residual).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub driver: Option<Driver>,
    /// The amount at the nominal inputs, as the divergence shows it.
    pub nominal: f64,
    /// Its distribution.
    pub interval: Interval,
    /// Whether the interval contains zero: this driver may explain nothing.
    pub spans_zero: bool,
}

/// One input's share of a figure's variance.
#[derive(Clone, Debug, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub struct InputShare {
    /// The input's key.
    pub key: String,
    /// Its share of the variance (0–1).
    pub share: f64,
}

/// The inputs that make a figure uncertain, largest first.
#[derive(Clone, Debug, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub struct Sensitivity {
    /// Method id.
    pub method: String,
    /// Figure path.
    pub figure: String,
    /// How shares were measured: `first-order` (variance shares of the log-linearised
    /// figure) or `src2` (squared standardised regression coefficients on the draws).
    pub measure: String,
    /// The ten largest, largest first.
    pub inputs: Vec<InputShare>,
    /// How many inputs enter the figure in all.
    pub of: usize,
}

/// The distribution of a total over the iterations.
#[derive(Clone, Debug, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub struct Histogram {
    /// Method id.
    pub method: String,
    /// Figure path.
    pub figure: String,
    /// Lower edge of the first bin.
    pub low: f64,
    /// Upper edge of the last bin.
    pub high: f64,
    /// Iterations per bin (equal widths).
    pub counts: Vec<u32>,
}

/// A method whose uncertainty policy makes a percentile its headline figure.
#[derive(Clone, Debug, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub struct Headline {
    /// Method id.
    pub method: String,
    /// The indicator.
    pub indicator: Indicator,
    /// The policy, e.g. `p95`.
    pub policy: String,
    /// The headline figure.
    pub value: f64,
}

/// The propagation of uncertainty through every method of a run.
#[derive(Clone, Debug, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub struct UncertaintyReport {
    /// How.
    pub propagation: Propagation,
    /// Monte Carlo iterations.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub iterations: Option<usize>,
    /// Monte Carlo seed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub seed: Option<u64>,
    /// The uncertain inputs, in key order.
    pub inputs: Vec<InputReport>,
    /// Intervals of every aggregate figure.
    pub figures: Vec<FigureInterval>,
    /// Differences between methods' totals.
    pub differences: Vec<DifferenceInterval>,
    /// Intervals of divergence drivers.
    pub drivers: Vec<DriverInterval>,
    /// Which inputs make each total uncertain.
    pub sensitivity: Vec<Sensitivity>,
    /// Histograms of totals (Monte Carlo only).
    pub histograms: Vec<Histogram>,
    /// Percentile headlines of methods that ask for one.
    pub headlines: Vec<Headline>,
    /// What was not propagated, and why.
    pub notes: Vec<String>,
}

impl UncertaintyReport {
    /// The part of the report about one figure (`explain`): its interval, the inputs that
    /// enter it, ranked, and its histogram.
    pub fn of_figure(&self, figure: &str) -> UncertaintyReport {
        let sensitivity: Vec<Sensitivity> = self
            .sensitivity
            .iter()
            .filter(|s| s.figure == figure)
            .cloned()
            .collect();
        let keys: Vec<&str> = sensitivity
            .iter()
            .flat_map(|s| s.inputs.iter().map(|i| i.key.as_str()))
            .collect();
        UncertaintyReport {
            propagation: self.propagation,
            iterations: self.iterations,
            seed: self.seed,
            inputs: self
                .inputs
                .iter()
                .filter(|i| keys.contains(&i.key.as_str()))
                .cloned()
                .collect(),
            figures: self
                .figures
                .iter()
                .filter(|f| f.figure == figure)
                .cloned()
                .collect(),
            differences: Vec::new(),
            drivers: Vec::new(),
            sensitivity,
            histograms: self
                .histograms
                .iter()
                .filter(|h| h.figure == figure)
                .cloned()
                .collect(),
            headlines: Vec::new(),
            notes: self.notes.clone(),
        }
    }
}

/// 97.5th percentile of the standard normal.
pub(super) const Z975: f64 = 1.959_963_984_540_054;
/// 95th percentile of the standard normal.
pub(super) const Z95: f64 = 1.644_853_626_951_472_2;

/// The interval of a sample (sorted in place): type-7 percentiles (linear interpolation
/// between order statistics, as numpy's default).
///
/// A sample within the range of `f64` has an interval within it: where a sum or a
/// difference of draws overflows, the mean and the percentiles are computed again on
/// scaled draws. A draw that is not finite gives an interval that is not finite.
pub(super) fn sample_interval(sample: &mut [f64]) -> Interval {
    sample.sort_unstable_by(f64::total_cmp);
    let n = sample.len();
    let at = |q: f64| -> f64 {
        if n == 0 {
            return 0.0;
        }
        let h = (n - 1) as f64 * q;
        let lo = h.floor() as usize;
        let hi = (lo + 1).min(n - 1);
        let (a, b, w) = (sample[lo], sample[hi], h - lo as f64);
        let x = a + w * (b - a);
        if x.is_finite() || !(a.is_finite() && b.is_finite()) {
            x
        } else {
            a * (1.0 - w) + b * w
        }
    };
    let mean = if n == 0 {
        0.0
    } else {
        let mean = sample.iter().sum::<f64>() / n as f64;
        if mean.is_finite() || sample.iter().any(|x| !x.is_finite()) {
            mean
        } else {
            sample.iter().map(|x| x / n as f64).sum()
        }
    };
    Interval {
        mean,
        median: at(0.5),
        low: at(0.025),
        high: at(0.975),
        p95: at(0.95),
    }
}

/// A lognormal figure with median `median` and `σ` of its logarithm.
pub(super) fn lognormal_interval(median: f64, sigma: f64) -> Interval {
    Interval {
        mean: median * (sigma * sigma / 2.0).exp(),
        median,
        low: median * (-Z975 * sigma).exp(),
        high: median * (Z975 * sigma).exp(),
        p95: median * (Z95 * sigma).exp(),
    }
}

/// A normal figure.
pub(super) fn normal_interval(mean: f64, sd: f64) -> Interval {
    Interval {
        mean,
        median: mean,
        low: mean - Z975 * sd,
        high: mean + Z975 * sd,
        p95: mean + Z95 * sd,
    }
}

/// A histogram of `sorted` in `bins` equal bins.
pub(super) fn histogram(sorted: &[f64], bins: usize) -> (f64, f64, Vec<u32>) {
    let (Some(&low), Some(&high)) = (sorted.first(), sorted.last()) else {
        return (0.0, 0.0, Vec::new());
    };
    let mut counts = vec![0u32; bins];
    // Where the span of a sample within range overflows, the draws are binned halved:
    // halving is exact, and the span of the halves is within range.
    let s = if (high - low).is_finite() { 1.0 } else { 0.5 };
    let width = (high * s - low * s) / bins as f64;
    for &x in sorted {
        let b = if width > 0.0 {
            (((x * s - low * s) / width) as usize).min(bins - 1)
        } else {
            0
        };
        counts[b] += 1;
    }
    (low, high, counts)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_sample_within_range_has_an_interval_within_range() {
        // Σ overflows, the mean does not; b − a overflows, the interpolation does not.
        let mut sample = [f64::MAX, f64::MAX, -f64::MAX, f64::MAX];
        let i = sample_interval(&mut sample);
        for x in [i.mean, i.median, i.low, i.high, i.p95] {
            assert!(x.is_finite(), "{i:?}");
        }
        assert!((i.mean / (f64::MAX / 2.0) - 1.0).abs() < 1e-12, "{i:?}");
        // An infinite draw is never averaged away.
        let mut sample = [1.0, f64::INFINITY];
        assert!(!sample_interval(&mut sample).mean.is_finite());
    }

    #[test]
    fn a_histogram_spanning_the_range_of_f64_spreads_its_draws() {
        let sorted = [-f64::MAX, -f64::MAX / 2.0, 0.0, f64::MAX / 2.0, f64::MAX];
        let (low, high, counts) = histogram(&sorted, 4);
        assert_eq!((low, high), (-f64::MAX, f64::MAX));
        assert_eq!(counts, [1, 1, 1, 2]);
    }
}
