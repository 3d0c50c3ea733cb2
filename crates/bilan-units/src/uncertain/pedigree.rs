//! Data-quality pedigrees (ecoinvent v3), turned into the geometric standard deviation of a
//! lognormal.

use crate::error::UnitError;

/// The five indicators of a pedigree, in the order they are written.
pub const PEDIGREE_INDICATORS: [&str; 5] = [
    "reliability",
    "completeness",
    "temporal correlation",
    "geographical correlation",
    "further technological correlation",
];

/// Variance of ln added by each pedigree score, per indicator (rows in the order of
/// [`PEDIGREE_INDICATORS`]) and score (columns: scores 1 to 5).
///
/// | indicator | 1 | 2 | 3 | 4 | 5 |
/// |---|---|---|---|---|---|
/// | reliability | 0 | 0.0006 | 0.002 | 0.008 | 0.04 |
/// | completeness | 0 | 0.0001 | 0.0006 | 0.002 | 0.008 |
/// | temporal correlation | 0 | 0.0002 | 0.002 | 0.008 | 0.04 |
/// | geographical correlation | 0 | 0.000025 | 0.0001 | 0.0006 | 0.002 |
/// | further technological correlation | 0 | 0.0006 | 0.008 | 0.04 | 0.12 |
///
/// These are the uncertainty factors of ecoinvent v3, expressed as variances of the
/// underlying normal distribution: Ciroth, Muller, Weidema and Lesage (2016), "Empirically
/// based uncertainty factors for the pedigree matrix in ecoinvent", *Int J Life Cycle Assess*
/// 21:1338–1348, adopted in the ecoinvent v3 data quality guideline (Weidema et al. 2013,
/// *Overview and methodology. Data quality guideline for the ecoinvent database version 3*).
pub const PEDIGREE_VARIANCES: [[f64; 5]; 5] = [
    [0.0, 0.0006, 0.002, 0.008, 0.04],
    [0.0, 0.0001, 0.0006, 0.002, 0.008],
    [0.0, 0.0002, 0.002, 0.008, 0.04],
    [0.0, 0.000025, 0.0001, 0.0006, 0.002],
    [0.0, 0.0006, 0.008, 0.04, 0.12],
];

/// The basic geometric standard deviation a pedigree adds to when `basic-gsd` is not
/// written: 1.05, the project's default (docs/uncertainty.md says where it comes from).
pub const DEFAULT_BASIC_GSD: f64 = 1.05;

/// A data-quality pedigree: five scores from 1 (best) to 5 (worst), as in ecoinvent v3.
///
/// Written `pedigree = [reliability, completeness, temporal, geographical, technological]`.
/// With a basic uncertainty `basic_gsd`, it is a lognormal of geometric standard deviation
/// `exp(sqrt((ln basic_gsd)² + Σ variances))`, the variances of [`PEDIGREE_VARIANCES`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Pedigree {
    /// Reliability of the source (1 verified measurement … 5 non-qualified estimate).
    pub reliability: u8,
    /// Completeness of the sample (1 all sites, long enough … 5 unknown).
    pub completeness: u8,
    /// Temporal correlation (1 under 3 years from the reference year … 5 over 15 years or unknown).
    pub temporal: u8,
    /// Geographical correlation (1 the area studied … 5 unknown or distinctly different).
    pub geographical: u8,
    /// Further technological correlation (1 same technology … 5 related process, different technology).
    pub technological: u8,
}

impl Pedigree {
    /// Reads five scores, each from 1 to 5, in the order of [`PEDIGREE_INDICATORS`].
    ///
    /// Fails with [`UnitError::InvalidDistribution`] naming the score and its indicator.
    pub fn parse(scores: &[i64]) -> Result<Pedigree, UnitError> {
        let text = written(scores);
        let invalid = |reason: String| UnitError::InvalidDistribution {
            text: text.clone(),
            reason,
        };
        if scores.len() != 5 {
            return Err(invalid(format!(
                "a pedigree has 5 scores, each 1–5 ([reliability, completeness, temporal, \
                 geographical, technological]); found {}",
                scores.len()
            )));
        }
        let mut checked = [0u8; 5];
        for (i, (&score, slot)) in scores.iter().zip(&mut checked).enumerate() {
            *slot = match u8::try_from(score) {
                Ok(s @ 1..=5) => s,
                _ => {
                    return Err(invalid(format!(
                        "pedigree score {score} for {} (score {} of 5) is outside 1–5",
                        PEDIGREE_INDICATORS[i],
                        i + 1
                    )));
                }
            };
        }
        let [
            reliability,
            completeness,
            temporal,
            geographical,
            technological,
        ] = checked;
        Ok(Pedigree {
            reliability,
            completeness,
            temporal,
            geographical,
            technological,
        })
    }

    /// The five scores in the order they are written.
    pub fn scores(&self) -> [u8; 5] {
        [
            self.reliability,
            self.completeness,
            self.temporal,
            self.geographical,
            self.technological,
        ]
    }

    /// The sum of the variances of ln the five scores add ([`PEDIGREE_VARIANCES`]).
    ///
    /// A score outside 1–5 (only a hand-built pedigree can hold one) counts as 5.
    pub fn variance(&self) -> f64 {
        self.scores()
            .iter()
            .zip(&PEDIGREE_VARIANCES)
            .map(|(&score, row)| row[usize::from(score.clamp(1, 5)) - 1])
            .sum()
    }

    /// The geometric standard deviation of the lognormal: `exp(sqrt((ln basic_gsd)² + Σ variances))`.
    ///
    /// `basic_gsd` is at least 1 (the table readers refuse less); a value below 1, or not
    /// finite, counts as 1 (no basic uncertainty).
    pub fn gsd(&self, basic_gsd: f64) -> f64 {
        let basic = if basic_gsd.is_finite() && basic_gsd >= 1.0 {
            basic_gsd.ln()
        } else {
            0.0
        };
        (basic * basic + self.variance()).sqrt().exp()
    }
}

/// `[1, 2, 3]` for a message (the first ten scores).
fn written(scores: &[i64]) -> String {
    let shown: Vec<String> = scores.iter().take(10).map(i64::to_string).collect();
    let more = if scores.len() > 10 { ", …" } else { "" };
    format!("[{}{more}]", shown.join(", "))
}
