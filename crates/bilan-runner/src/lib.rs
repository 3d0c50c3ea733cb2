//! Applying several methodologies to one inventory and comparing them.
//!
//! [`run`] gives every method the same inventory and the same factor snapshot, in parallel;
//! methods never see each other, and a method that errors or panics becomes an error row
//! while the others still report. [`compare`] then
//!
//! * reconciles each assessment with the inventory: every item must be included (a
//!   contribution) or excluded (with a reason); a method that leaves an item unaccounted
//!   fails loudly ([`reconcile`]);
//! * lays the figures side by side per indicator: totals, stages, phases, functional units
//!   and each method's own categories, with "not covered" kept apart from zero;
//! * explains every difference between two methods by driver ([`divergence`]).

pub mod divergence;
mod estimated;
pub mod reconcile;
pub mod systems;
pub mod uncertainty;

use std::collections::BTreeMap;
use std::panic::{AssertUnwindSafe, catch_unwind};

use bilan_core::assessment::{Assessment, Breakdown, Stage, TermSource};
use bilan_core::factor::FactorSet;
use bilan_core::indicator::Indicator;
use bilan_core::inventory::{Inventory, Phase};
use bilan_core::method::{Descriptor, MethodRef, Methodology, ParamKind, Parameters};
use bilan_core::quality::{FigureQuality, MissingStage, Quality};
use rayon::prelude::*;
use serde::Serialize;

pub use divergence::{Divergence, DriverAmount};
pub use reconcile::Reconciliation;

/// Where a method comes from, recorded in every report.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "kebab-case", tag = "kind")]
pub enum Origin {
    /// Linked into bilan.
    Builtin,
    /// A declarative methodology file.
    File {
        /// Path or `<embedded>/name`.
        path: String,
        /// SHA-256 of the file.
        sha256: String,
    },
    /// A compiled plugin library.
    Plugin {
        /// Path as given.
        path: String,
        /// SHA-256 of the library.
        sha256: String,
        /// Plugin name and version from its manifest.
        plugin: String,
    },
}

/// A method to run, with its parameters.
pub struct MethodRun<'a> {
    /// The method.
    pub method: &'a dyn Methodology,
    /// Its parameters (checked against its descriptor by the method).
    pub parameters: Parameters,
    /// Where it comes from.
    pub origin: Origin,
}

impl std::fmt::Debug for MethodRun<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MethodRun")
            .field("method", &self.method.descriptor().id)
            .field("origin", &self.origin)
            .finish()
    }
}

/// One method's outcome.
#[derive(Clone, Debug)]
pub struct Outcome {
    /// The method's descriptor.
    pub descriptor: Descriptor,
    /// Where it comes from.
    pub origin: Origin,
    /// The assessment, or why there is none.
    pub result: Result<Assessment, String>,
}

impl Figures {
    /// What a report shows instead of a total the method does not give.
    pub fn missing_label(&self) -> &'static str {
        if self.not_computed {
            "not computed"
        } else {
            "not covered"
        }
    }
}

impl Outcome {
    /// The method's identity.
    pub fn method(&self) -> MethodRef {
        self.descriptor.method_ref()
    }
}

fn panic_message(panic: &(dyn std::any::Any + Send)) -> String {
    panic
        .downcast_ref::<&str>()
        .map(|s| (*s).to_owned())
        .or_else(|| panic.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "unknown panic".to_owned())
}

/// Runs every method on the same inventory and factor snapshot, in parallel. The order of
/// the outcomes is the order of `methods`.
///
/// Methods start in that order, each as soon as a thread is free (a FIFO queue rather than
/// halving the list between threads, which can leave one thread with the three longest
/// methods while the other idles).
pub fn run(inventory: &Inventory, factors: &FactorSet, methods: &[MethodRun<'_>]) -> Vec<Outcome> {
    let mut outcomes: Vec<Option<Outcome>> = methods.iter().map(|_| None).collect();
    let estimated = estimated::index(inventory);
    let estimated = &estimated;
    rayon::scope_fifo(|s| {
        for (slot, m) in outcomes.iter_mut().zip(methods) {
            s.spawn_fifo(move |_| *slot = Some(run_one(inventory, factors, m, estimated)));
        }
    });
    outcomes.into_iter().flatten().collect()
}

fn run_one(
    inventory: &Inventory,
    factors: &FactorSet,
    m: &MethodRun<'_>,
    estimated: &rustc_hash::FxHashMap<&str, &[bilan_core::inventory::Estimated]>,
) -> Outcome {
    let descriptor = m.method.descriptor().clone();
    let _span =
        tracing::info_span!("methodology", id = %descriptor.id, version = %descriptor.version)
            .entered();
    let result = match catch_unwind(AssertUnwindSafe(|| {
        m.method.assess(inventory, factors, &m.parameters)
    })) {
        // Finite in, finite out: a figure out of range is an error naming its item and
        // term, never `inf` in a report.
        Ok(Ok(mut a)) => {
            a.mark_not_computed();
            if matches!(m.origin, Origin::Plugin { .. }) {
                // Read from the plugin's JSON: every term has a description of its own.
                a.share();
            }
            estimated::mark(&mut a, estimated);
            warn_unused(&descriptor, &m.parameters, &mut a);
            a.check_finite().map(|()| a)
        }
        Ok(Err(e)) => Err(e.to_string()),
        Err(panic) => Err(format!(
            "methodology panicked: {}",
            panic_message(panic.as_ref())
        )),
    };
    if let Err(e) = &result {
        // The error is in the outcome, which the caller reports: logging it too printed it twice.
        tracing::debug!(method = %descriptor.id, "assessment failed: {e}");
    }
    Outcome {
        descriptor,
        origin: m.origin.clone(),
        result,
    }
}

/// A number or quantity parameter the user set that no term of the assessment cites
/// (`default-lifetime` when every fleet gives its own lifetime) changed nothing: say so,
/// rather than let the user believe it did.
fn warn_unused(descriptor: &Descriptor, parameters: &Parameters, a: &mut Assessment) {
    for name in parameters.0.keys() {
        let Some(spec) = descriptor.parameter(name) else {
            continue;
        };
        if !matches!(
            spec.kind,
            ParamKind::Number { .. } | ParamKind::Quantity { .. }
        ) {
            continue;
        }
        // Cited by a term, or as a factor or an assumption (a default WUE is a factor).
        let quoted = format!("parameter `{name}`");
        let cited = a.contributions.iter().any(|c| {
            c.terms
                .iter()
                .any(|t| matches!(&t.source, TermSource::Parameter { name: n } if n == name))
        }) || a.factors.iter().any(|f| f.source.contains(&quoted))
            || a.assumptions.iter().any(|x| x.text.contains(&quoted));
        if !cited {
            let text = format!(
                "parameter `{name}` was given but is unused: no item of the inventory needed it"
            );
            if !a.warnings.contains(&text) {
                a.warnings.push(text);
            }
        }
    }
}

/// A method's column in the comparison.
#[derive(Clone, Debug, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub struct MethodColumn {
    /// Id.
    pub id: String,
    /// Version.
    pub version: String,
    /// Name.
    pub name: String,
    /// Where it comes from.
    pub origin: Origin,
    /// Effective parameters.
    pub parameters: BTreeMap<String, String>,
    /// The error, if the method failed (an error row).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    /// Stages the method's boundary requires and the inventory does not cover.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub missing_stages: Vec<MissingStage>,
}

/// One method's figures for one indicator.
#[derive(Clone, Debug, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub struct Figures {
    /// Method id.
    pub method: String,
    /// Whether the method covers the indicator; `false` means "not covered", never 0.
    pub covered: bool,
    /// In the method's scope but every contribution was excluded: "not computed", never 0
    /// (`covered` is false too; `note` says why).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub not_computed: bool,
    /// Why not, or caveats.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    /// Total.
    pub total: Option<f64>,
    /// By life-cycle stage.
    pub by_stage: BTreeMap<Stage, f64>,
    /// By workload phase.
    pub by_phase: BTreeMap<Phase, f64>,
    /// By the method's own categories.
    pub by_category: BTreeMap<String, f64>,
    /// Memo items (not in the total) by category.
    pub memo: BTreeMap<String, f64>,
    /// Per functional unit.
    pub per_unit: BTreeMap<String, f64>,
    /// Data quality of the total: shares by class of input and grade (`docs/quality.md`);
    /// absent when the total is not a non-zero figure.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub quality: Option<FigureQuality>,
}

/// All methods' figures for one indicator.
#[derive(Clone, Debug, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub struct IndicatorComparison {
    /// The indicator.
    pub indicator: Indicator,
    /// Its unit.
    pub unit: &'static str,
    /// One row per method that produced an assessment.
    pub rows: Vec<Figures>,
}

/// The side-by-side comparison.
#[derive(Clone, Debug, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub struct Comparison {
    /// The methods, in run order, with their status.
    pub methods: Vec<MethodColumn>,
    /// Per indicator.
    pub indicators: Vec<IndicatorComparison>,
    /// Per pair of methods and indicator.
    pub divergences: Vec<Divergence>,
    /// Per method.
    pub reconciliation: Vec<Reconciliation>,
    /// Intervals of the figures, differences and drivers, when uncertainty was propagated
    /// (`--uncertainty`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub uncertainty: Option<uncertainty::UncertaintyReport>,
}

impl Comparison {
    /// Whether every method assessed and reconciled.
    pub fn all_ok(&self) -> bool {
        self.methods.iter().all(|m| m.error.is_none())
    }
}

/// `a`'s figures for `indicator`, from its breakdown (`None`: not covered).
fn figures(
    a: &Assessment,
    indicator: Indicator,
    breakdown: Option<Breakdown>,
    quality: &Quality,
) -> Figures {
    let method = a.method.id.clone();
    let coverage = a.coverage.iter().find(|c| c.indicator == indicator);
    let note = coverage.and_then(|c| c.note.clone());
    let not_computed = coverage.is_some_and(|c| c.not_computed);
    let Some(b) = breakdown else {
        return Figures {
            method,
            covered: false,
            not_computed,
            note,
            total: None,
            by_stage: BTreeMap::new(),
            by_phase: BTreeMap::new(),
            by_category: BTreeMap::new(),
            memo: BTreeMap::new(),
            per_unit: BTreeMap::new(),
            quality: None,
        };
    };
    Figures {
        method,
        covered: true,
        not_computed: false,
        note,
        total: Some(b.total),
        by_stage: b.by_stage,
        by_phase: b.by_phase,
        by_category: b.by_category,
        memo: b.memo,
        per_unit: a
            .functional_units
            .iter()
            .filter(|r| r.indicator == indicator)
            .map(|r| (r.functional_unit.clone(), r.value))
            .collect(),
        quality: quality.total(indicator).cloned(),
    }
}

/// Builds the comparison of `outcomes` on `inventory`. Methods that failed, or whose
/// assessment leaves an inventory item unaccounted, become error rows.
pub fn compare(inventory: &Inventory, outcomes: &mut [Outcome]) -> Comparison {
    let items = reconcile::items(inventory);
    let reconciled: Vec<Option<Reconciliation>> = outcomes
        .par_iter()
        .map(|o| {
            o.result
                .as_ref()
                .ok()
                .map(|a| reconcile::reconcile(&items, a))
        })
        .collect();
    let mut reconciliation = Vec::new();
    for (o, r) in outcomes.iter_mut().zip(reconciled) {
        if let Some(r) = r {
            if !r.unaccounted.is_empty() {
                let list: Vec<String> = r
                    .unaccounted
                    .iter()
                    .take(10)
                    .map(|i| i.to_string())
                    .collect();
                let more = r.unaccounted.len().saturating_sub(10);
                o.result = Err(format!(
                    "reconciliation failed: {} inventory item(s) neither included nor excluded: {}{}",
                    r.unaccounted.len(),
                    list.join(", "),
                    if more > 0 {
                        format!(" and {more} more")
                    } else {
                        String::new()
                    }
                ));
            }
            reconciliation.push(r);
        }
    }
    let methods = outcomes
        .iter()
        .map(|o| MethodColumn {
            id: o.descriptor.id.clone(),
            version: o.descriptor.version.to_string(),
            name: o.descriptor.name.clone(),
            origin: o.origin.clone(),
            parameters: o
                .result
                .as_ref()
                .map(|a| a.parameters.clone())
                .unwrap_or_default(),
            error: o.result.as_ref().err().cloned(),
            missing_stages: o
                .result
                .as_ref()
                .map(|a| a.missing_stages.clone())
                .unwrap_or_default(),
        })
        .collect();
    let assessed: Vec<(&Descriptor, &Assessment)> = outcomes
        .iter()
        .filter_map(|o| o.result.as_ref().ok().map(|a| (&o.descriptor, a)))
        .collect();
    let mut breakdowns: Vec<_> = assessed.par_iter().map(|(_, a)| a.breakdowns()).collect();
    let quality: Vec<Quality> = assessed
        .par_iter()
        .map(|(_, a)| bilan_core::quality::assess(inventory, a))
        .collect();
    let indicators = Indicator::ALL
        .into_iter()
        .enumerate()
        .map(|(k, indicator)| IndicatorComparison {
            indicator,
            unit: indicator.unit(),
            rows: assessed
                .iter()
                .zip(&mut breakdowns)
                .zip(&quality)
                .map(|(((_, a), b), q)| figures(a, indicator, b[k].take(), q))
                .collect(),
        })
        .collect();
    let divergences = divergence::all_pairs(&assessed);
    Comparison {
        methods,
        indicators,
        divergences,
        reconciliation,
        uncertainty: None,
    }
}

#[cfg(test)]
mod tests;
