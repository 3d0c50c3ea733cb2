//! How much of the audit trail a JSON report carries (`--trail none|summary|full`).
//!
//! The trimmed forms are views over an [`Assessment`]: they serialise the fields they keep
//! straight from it, so a report is never built whole and then pruned.
//!
//! * `full` (the default): the assessment as it is, every contribution with its formula and
//!   terms;
//! * `summary`: every contribution's item, stage, phase, category and values (with the id of
//!   the factor each value used), without its formula and terms; the factors, exclusions,
//!   assumptions and warnings;
//! * `none`: the figures only: the method, its parameters, coverage, warnings, per-unit
//!   results, disclosures and comparability profile; no contribution, factor, exclusion or
//!   assumption (`compare`'s reconciliation still counts the items included and excluded).

use std::collections::BTreeMap;
use std::ops::Deref;

use bilan_core::assessment::{
    Allocation, Aspect, Assessment, Assumption, Contribution, Disclosure, Driver, Exclusion,
    FactorUse, FunctionalUnitResult, IndicatorCoverage, IndicatorValue, ItemRef, MissingStage,
    MissingUnit, Profile, Stage,
};
use bilan_core::inventory::Phase;
use bilan_core::method::MethodRef;
use serde::{Serialize, Serializer};

mod spent;

/// How much of the audit trail a report carries.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Trail {
    /// Figures only.
    None,
    /// Figures, contributions without their terms, factors, exclusions and assumptions.
    Summary,
    /// Everything (the default).
    #[default]
    Full,
}

/// An assessment with as much of its audit trail as asked for.
#[derive(Clone, Debug, Serialize, schemars::JsonSchema)]
#[serde(untagged)]
pub enum TrailedAssessment<'a> {
    /// The full assessment (`--trail full`).
    Full(&'a Assessment),
    /// Contributions without their terms (`--trail summary`).
    Summary(Box<AssessmentSummary<'a>>),
    /// Figures only (`--trail none`).
    Figures(Box<AssessmentFigures<'a>>),
}

impl<'a> TrailedAssessment<'a> {
    /// `a` with the trail `trail` asks for.
    pub fn new(a: &'a Assessment, trail: Trail) -> TrailedAssessment<'a> {
        match trail {
            Trail::Full => TrailedAssessment::Full(a),
            Trail::Summary => TrailedAssessment::Summary(Box::new(AssessmentSummary {
                method: &a.method,
                parameters: &a.parameters,
                coverage: &a.coverage,
                contributions: SummaryContributions(&a.contributions),
                exclusions: &a.exclusions,
                assumptions: &a.assumptions,
                warnings: &a.warnings,
                functional_units: &a.functional_units,
                disclosures: &a.disclosures,
                factors: &a.factors,
                profile: a.profile.as_ref(),
                missing_stages: &a.missing_stages,
                missing_units: &a.missing_units,
            })),
            Trail::None => TrailedAssessment::Figures(Box::new(AssessmentFigures {
                method: &a.method,
                parameters: &a.parameters,
                coverage: &a.coverage,
                warnings: &a.warnings,
                functional_units: &a.functional_units,
                disclosures: &a.disclosures,
                profile: a.profile.as_ref(),
                missing_stages: &a.missing_stages,
                missing_units: &a.missing_units,
            })),
        }
    }
}

/// An assessment's figures and its trail down to each contribution's values, without the
/// formula and terms behind them (`--trail summary`); keys as in the full assessment.
#[derive(Clone, Copy, Debug, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub struct AssessmentSummary<'a> {
    /// The method.
    pub method: &'a MethodRef,
    /// Effective parameters (given or default), as text.
    pub parameters: &'a BTreeMap<String, String>,
    /// Indicator coverage.
    pub coverage: &'a [IndicatorCoverage],
    /// Computed amounts, without their formula and terms.
    #[schemars(with = "Vec<ContributionSummary<'static>>")]
    pub contributions: SummaryContributions<'a>,
    /// What was left out and why.
    pub exclusions: &'a [Exclusion],
    /// Defaults and assumptions applied.
    pub assumptions: &'a [Assumption],
    /// Warnings (data quality, fallbacks).
    pub warnings: &'a [String],
    /// Results per functional unit.
    pub functional_units: &'a [FunctionalUnitResult],
    /// Method-specific figures.
    pub disclosures: &'a [Disclosure],
    /// Every factor used.
    pub factors: &'a [FactorUse],
    /// The comparability profile the method declares, when it declares one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub profile: Option<&'a Profile>,
    /// Stages the method's boundary requires and this assessment does not cover.
    #[serde(default, skip_serializing_if = "<[_]>::is_empty")]
    pub missing_stages: &'a [MissingStage],
    /// Functional units the method requires and cannot compute on this inventory.
    #[serde(default, skip_serializing_if = "<[_]>::is_empty")]
    pub missing_units: &'a [MissingUnit],
}

/// An assessment's figures without its audit trail (`--trail none`); keys as in the full
/// assessment.
#[derive(Clone, Copy, Debug, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub struct AssessmentFigures<'a> {
    /// The method.
    pub method: &'a MethodRef,
    /// Effective parameters (given or default), as text.
    pub parameters: &'a BTreeMap<String, String>,
    /// Indicator coverage.
    pub coverage: &'a [IndicatorCoverage],
    /// Warnings (data quality, fallbacks).
    pub warnings: &'a [String],
    /// Results per functional unit.
    pub functional_units: &'a [FunctionalUnitResult],
    /// Method-specific figures.
    pub disclosures: &'a [Disclosure],
    /// The comparability profile the method declares, when it declares one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub profile: Option<&'a Profile>,
    /// Stages the method's boundary requires and this assessment does not cover.
    #[serde(default, skip_serializing_if = "<[_]>::is_empty")]
    pub missing_stages: &'a [MissingStage],
    /// Functional units the method requires and cannot compute on this inventory.
    #[serde(default, skip_serializing_if = "<[_]>::is_empty")]
    pub missing_units: &'a [MissingUnit],
}

/// Contributions written one by one as [`ContributionSummary`], never collected.
#[derive(Clone, Copy, Debug)]
pub struct SummaryContributions<'a>(pub &'a [Contribution]);

impl Serialize for SummaryContributions<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(self.0.iter().map(ContributionSummary::new))
    }
}

/// A contribution without its formula and terms: which item, where, and how much (with the
/// factor each value used).
#[derive(Clone, Copy, Debug, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub struct ContributionSummary<'a> {
    /// The inventory item.
    pub item: &'a ItemRef,
    /// Which part of it.
    pub aspect: Aspect,
    /// Life-cycle stage.
    pub stage: Stage,
    /// Workload phase, when it belongs to one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub phase: Option<Phase>,
    /// The method's own category.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub category: Option<&'a str>,
    /// Reported but not added to totals.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub memo: bool,
    /// One value per indicator.
    pub values: &'a [IndicatorValue],
    /// The driver that explains this contribution's presence when another method has none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub presence: Option<Driver>,
    /// Each workload's share of an item's impact shared among workloads.
    #[serde(default, skip_serializing_if = "<[_]>::is_empty")]
    pub allocation: &'a [Allocation],
}

impl<'a> ContributionSummary<'a> {
    fn new(c: &'a Contribution) -> ContributionSummary<'a> {
        ContributionSummary {
            item: &c.item,
            aspect: c.aspect,
            stage: c.stage,
            phase: c.phase,
            category: c.category.as_deref(),
            memo: c.memo,
            values: &c.values,
            presence: c.presence,
            allocation: &c.allocation,
        }
    }
}

/// Rebuilds the `n`-th assessment of a report whose assessments' trails were dropped: runs
/// its method again.
pub type Rebuild<'a> = &'a (dyn Fn(usize) -> Result<Assessment, String> + Sync);

/// The assessments of a comparison report, written with the trail asked for; reads as the
/// list of assessments.
#[derive(Clone, Default)]
pub struct Assessments<'a> {
    /// The assessments, in method order.
    pub list: Vec<&'a Assessment>,
    /// How much of their trail the JSON report carries.
    pub trail: Trail,
    /// When the assessments' contributions were dropped once compared, how to rebuild each
    /// for the JSON report's trail: one at a time as it is written, the next rebuilt while
    /// one is written, so at most two are held (with the full trail, the one written is
    /// freed contribution by contribution as it is written).
    pub rebuild: Option<Rebuild<'a>>,
}

impl std::fmt::Debug for Assessments<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Assessments")
            .field("list", &self.list)
            .field("trail", &self.trail)
            .field("rebuild", &self.rebuild.is_some())
            .finish()
    }
}

impl<'a> Deref for Assessments<'a> {
    type Target = [&'a Assessment];
    fn deref(&self) -> &Self::Target {
        &self.list
    }
}

impl Serialize for Assessments<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let Some(rebuild) = self.rebuild.filter(|_| self.trail != Trail::None) else {
            return s.collect_seq(
                self.list
                    .iter()
                    .map(|a| TrailedAssessment::new(a, self.trail)),
            );
        };
        // Rebuilt on a thread of the pool the methods ran on, whose heap holds the memory
        // their assessments freed: a thread of its own took fresh memory for the first
        // trails while that memory waited to be returned.
        rayon::in_place_scope(|scope| {
            // A rendezvous channel: the next assessment is rebuilt while one is written.
            let (tx, rx) = std::sync::mpsc::sync_channel(0);
            let count = self.list.len();
            scope.spawn(move |_| {
                for n in 0..count {
                    if tx.send(rebuild(n)).is_err() {
                        break;
                    }
                }
            });
            let mut seq = s.serialize_seq(Some(count))?;
            for (n, rebuilt) in rx.iter().enumerate() {
                let a = rebuilt.map_err(|e| {
                    serde::ser::Error::custom(format!(
                        "the audit trail of {} could not be rebuilt: {e}",
                        self.list[n].method
                    ))
                })?;
                if self.trail == Trail::Full {
                    // Each contribution dropped once written: the next assessment, rebuilt
                    // meanwhile, is not held beside the whole of this one.
                    serde::ser::SerializeSeq::serialize_element(&mut seq, &spent::Spent::new(a))?;
                } else {
                    serde::ser::SerializeSeq::serialize_element(
                        &mut seq,
                        &TrailedAssessment::new(&a, self.trail),
                    )?;
                }
            }
            serde::ser::SerializeSeq::end(seq)
        })
    }
}

impl<'a> From<Vec<&'a Assessment>> for Assessments<'a> {
    fn from(list: Vec<&'a Assessment>) -> Assessments<'a> {
        Assessments {
            list,
            trail: Trail::Full,
            rebuild: None,
        }
    }
}
