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
mod early;
mod estimated;
mod handover;
mod prepared;
pub mod reconcile;
pub mod systems;
pub mod uncertainty;

use std::collections::BTreeMap;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::Arc;

use bilan_core::Derived;
use bilan_core::assessment::{Assessment, Breakdown, Stage, TermSource};
use bilan_core::factor::FactorSet;
use bilan_core::indicator::Indicator;
use bilan_core::inventory::{Inventory, Phase};
use bilan_core::method::{Descriptor, MethodRef, Methodology, ParamKind, Parameters};
use bilan_core::quality::{FigureQuality, MissingStage, Quality};
use rayon::prelude::*;
use serde::Serialize;

pub use divergence::{Divergence, DriverAmount};
pub use prepared::Items;
pub use reconcile::Reconciliation;

use prepared::{Prepared, prepare};

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
    /// The assessment, or why there is none. After [`run_figures`], the assessment has no
    /// contributions: see [`Outcome::trail_dropped`].
    pub result: Result<Assessment, String>,
    /// What the comparison needs of the assessment, once prepared.
    prepared: Option<Arc<Prepared>>,
    /// Whether the assessment's contributions were dropped once prepared.
    trail_dropped: bool,
    /// This outcome among those of one [`run_figures`], and the divergences from each of
    /// the earlier ones already walked while other methods ran (see [`early`]).
    early: early::Walked,
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

    /// Whether the assessment's audit trail was dropped once the comparison had what it
    /// needs of it ([`run_figures`]): its contributions are gone, so only its figures, as
    /// the comparison holds them, may be reported.
    pub fn trail_dropped(&self) -> bool {
        self.trail_dropped
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
/// Methods start each as soon as a thread is free (a FIFO queue rather than halving the list
/// between threads, which can leave one thread with the three longest methods while the
/// other idles), declarative methods first, then the others, each group in the given order.
pub fn run(inventory: &Inventory, factors: &FactorSet, methods: &[MethodRun<'_>]) -> Vec<Outcome> {
    run_each(inventory, factors, methods, |o| o)
}

/// [`run`] for a comparison that reports figures only: as each method finishes, what the
/// comparison needs of its assessment is prepared and the assessment's audit trail (its
/// contributions) is dropped, so at most one trail per thread is held at a time. Compare the
/// outcomes with [`compare_with`] and the same `items`.
///
/// The divergence of each pair of methods that assessed and reconcile is walked once both
/// are prepared and every method has started, on the threads the methods free: the last
/// methods to run no longer leave the other threads idle (see `early.rs`). The pairs waiting
/// are walked in one group per thread, key by key, each method's side of a key computed
/// once for its group (`divergence/keyed.rs`).
pub fn run_figures(
    items: &Items<'_>,
    factors: &FactorSet,
    methods: &[MethodRun<'_>],
) -> Vec<Outcome> {
    early::run_figures(items, factors, methods)
}

/// `method`'s assessment of the inventory of `items` again, as [`run`] gives it: for a
/// report that writes the audit trail of an outcome of [`run_figures`], one method at a
/// time. What the methods derive from the inventory alike is not derived again: the
/// comparison's runs derived it.
pub fn rerun(
    items: &Items<'_>,
    factors: &FactorSet,
    method: &MethodRun<'_>,
) -> Result<Assessment, String> {
    run_one(
        items.derived(),
        factors,
        method,
        items.estimated(),
        Check::Now,
    )
    .result
}

fn run_each(
    inventory: &Inventory,
    factors: &FactorSet,
    methods: &[MethodRun<'_>],
    then: impl Fn(Outcome) -> Outcome + Sync,
) -> Vec<Outcome> {
    let mut outcomes: Vec<Option<Outcome>> = methods.iter().map(|_| None).collect();
    let estimated = estimated::index(inventory);
    // What the methods derive from the inventory alike, derived once for all of them.
    let derived = Derived::new(inventory);
    let (estimated, then, derived) = (&estimated, &then, &derived);
    rayon::scope_fifo(|s| {
        for (slot, m) in start_order(&mut outcomes, methods) {
            s.spawn_fifo(move |_| {
                *slot = Some(then(run_one(derived, factors, m, estimated, Check::Now)))
            });
        }
    });
    outcomes.into_iter().flatten().collect()
}

/// The slots of `outcomes` with their methods, in the order the methods are started: a
/// declarative method runs the method it extends and then its rules, so it is started
/// first, and the last to run alone, or beside the indexes of all the others, are the
/// lighter ones.
fn start_order<'o, 'm, 'a, T>(
    outcomes: &'o mut [T],
    methods: &'m [MethodRun<'a>],
) -> Vec<(&'o mut T, &'m MethodRun<'a>)> {
    let mut order: Vec<(&mut T, &MethodRun<'_>)> = outcomes.iter_mut().zip(methods).collect();
    order.sort_by_key(|(_, m)| !matches!(m.origin, Origin::File { .. }));
    order
}

/// Where each workload's estimated values come from, by workload id.
type EstimatedIndex<'i> = rustc_hash::FxHashMap<&'i str, &'i [bilan_core::inventory::Estimated]>;

/// When an assessment's figures are checked to be finite numbers
/// ([`Assessment::check_finite`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Check {
    /// As soon as the method has run.
    Now,
    /// In the pass that prepares it for the comparison, which reads every contribution
    /// anyway ([`prepared::prepare_checked`]): a comparison that drops the trail does.
    Prepared,
}

fn run_one(
    inventory: &Derived<'_>,
    factors: &FactorSet,
    m: &MethodRun<'_>,
    estimated: &EstimatedIndex<'_>,
    check: Check,
) -> Outcome {
    run_with(m, estimated, check, || {
        m.method.assess_in(inventory, factors, &m.parameters)
    })
}

/// [`run_one`] with the method's assessment made by `assess`: the method's own run, or its
/// run from a base handed over (`early.rs`).
fn run_with(
    m: &MethodRun<'_>,
    estimated: &EstimatedIndex<'_>,
    check: Check,
    assess: impl FnOnce() -> Result<Assessment, bilan_core::MethodError>,
) -> Outcome {
    let descriptor = m.method.descriptor().clone();
    let _span =
        tracing::info_span!("methodology", id = %descriptor.id, version = %descriptor.version)
            .entered();
    let result = match catch_unwind(AssertUnwindSafe(assess)) {
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
            match check {
                Check::Now => a.check_finite().map(|()| a),
                Check::Prepared => Ok(a),
            }
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
        prepared: None,
        trail_dropped: false,
        early: early::Walked::default(),
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
    /// In the method's scope but every contribution was excluded, or no item gives it: "not
    /// computed", never 0 (`covered` is false too; `note` says why).
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
    /// The methods, in the order of the method list, with their status.
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
    compare_with(&Items::of(inventory), outcomes)
}

/// [`compare`] with the inventory's items already numbered: those [`run_figures`] used.
pub fn compare_with(items: &Items<'_>, outcomes: &mut [Outcome]) -> Comparison {
    outcomes
        .par_iter_mut()
        .filter(|o| o.prepared.is_none())
        .for_each(|o| {
            if o.trail_dropped && o.result.is_ok() {
                // Compared once already: what it was prepared into is spent, and its trail
                // is gone, so it cannot be prepared again.
                o.result = Err(
                    "its audit trail was dropped after an earlier comparison; run it again"
                        .to_owned(),
                );
            } else if let Ok(a) = &o.result {
                o.prepared = Some(Arc::new(prepare(items, &o.descriptor, a)));
            }
        });
    let mut reconciliation = Vec::new();
    for o in outcomes.iter_mut() {
        let Some(p) = &o.prepared else { continue };
        let r = &p.reconciliation;
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
        reconciliation.push(r.clone());
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
    let assessed: Vec<(&Assessment, &Prepared)> = outcomes
        .iter()
        .filter_map(|o| match (&o.result, &o.prepared) {
            (Ok(a), Some(p)) => Some((a, &**p)),
            _ => None,
        })
        .collect();
    let walked: Vec<&early::Walked> = outcomes
        .iter()
        .filter(|o| o.result.is_ok() && o.prepared.is_some())
        .map(|o| &o.early)
        .collect();
    let indicators = Indicator::ALL
        .into_iter()
        .enumerate()
        .map(|(k, indicator)| IndicatorComparison {
            indicator,
            unit: indicator.unit(),
            rows: assessed
                .iter()
                .map(|(a, p)| figures(a, indicator, p.breakdowns[k].clone(), &p.quality))
                .collect(),
        })
        .collect();
    let indices: Vec<&divergence::Index> = assessed.iter().map(|(_, p)| &p.index).collect();
    let divergences = divergence::pairs_of(&indices, |i, j| walked[j].with(walked[i]));
    // What was prepared is spent: a report writes from the comparison (and, for outcomes
    // that keep their trail, from the assessments).
    for o in outcomes.iter_mut() {
        o.prepared = None;
        o.early.spend();
    }
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
