//! Figures per functional unit, matched across systems by kind: a system without a unit of
//! that kind gets a missing cell with the reason, never a converted figure.

use bilan_core::assessment::{Assessment, FunctionalUnitResult, workloads_of};
use bilan_core::indicator::Indicator;
use bilan_core::inventory::{FunctionalUnitKind, Inventory};
use bilan_core::quality::Grade;
use serde::Serialize;

use super::{Status, SystemFigure, SystemRun, assessment};

/// The kinds, in report order.
pub(super) const KINDS: [FunctionalUnitKind; 6] = [
    FunctionalUnitKind::TrainingRun,
    FunctionalUnitKind::TrainingToken,
    FunctionalUnitKind::Request,
    FunctionalUnitKind::OutputToken,
    FunctionalUnitKind::Token,
    FunctionalUnitKind::Flop,
];

/// How many units of `kind` a figure is shown per (tokens per 1,000).
pub fn per(kind: FunctionalUnitKind) -> f64 {
    match kind {
        FunctionalUnitKind::Token | FunctionalUnitKind::OutputToken => 1_000.0,
        _ => 1.0,
    }
}

/// `per 1,000 output tokens`, `per training run`…
pub fn label(kind: FunctionalUnitKind) -> &'static str {
    match kind {
        FunctionalUnitKind::TrainingRun => "per training run",
        FunctionalUnitKind::TrainingToken => "per training token",
        FunctionalUnitKind::Request => "per request",
        FunctionalUnitKind::OutputToken => "per 1,000 output tokens",
        FunctionalUnitKind::Token => "per 1,000 tokens",
        FunctionalUnitKind::Flop => "per FLOP",
    }
}

/// One system's figure for one functional unit (several cells for a system with several
/// units of the kind, one missing cell for a system with none).
#[derive(Clone, Debug, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub struct UnitCell {
    /// The system.
    pub system: String,
    /// The functional unit's id in the system's inventory.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub functional_unit: Option<String>,
    /// The impact per `per` units, in the indicator's unit.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub value: Option<f64>,
    /// R: how many units the system did.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub count: Option<f64>,
    /// For a request: the mean output tokens per request of its workloads, when the
    /// inventory gives both volumes (so a reader sees whether requests are comparable).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub output_tokens_per_request: Option<f64>,
    /// The grade of the system's total under this method (the unit's numerator is part of
    /// it).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub total_grade: Option<Grade>,
    /// Why there is no figure.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub missing: Option<String>,
}

/// The figures of one kind of functional unit, every system.
#[derive(Clone, Debug, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub struct UnitFigures {
    /// What the unit counts.
    pub kind: FunctionalUnitKind,
    /// `per 1,000 output tokens`…
    pub label: String,
    /// How many units a value is per (1,000 for tokens, else 1).
    pub per: f64,
    /// The cells, system by system.
    pub cells: Vec<UnitCell>,
}

/// Mean output tokens per request over the workloads of the unit of `result` (the
/// inventory's, or a profile's), when every one gives both volumes.
fn request_length(inventory: &Inventory, result: &FunctionalUnitResult) -> Option<f64> {
    let fu = bilan_core::assessment::unit_of(inventory, result)?;
    let (mut requests, mut tokens) = (0.0, 0.0);
    for w in workloads_of(inventory, &fu) {
        requests += w.volume.requests?;
        tokens += w.volume.tokens_out?;
    }
    // A length beyond range (1e300 tokens over 1e-10 requests) is no length to show.
    Some(tokens / requests).filter(|l| requests > 0.0 && l.is_finite())
}

/// Why `a` (or the system's inventory) has no unit of `kind`.
fn missing_reason(
    inventory: &Inventory,
    a: &Assessment,
    method: &str,
    kind: FunctionalUnitKind,
) -> String {
    if let Some(m) = a.missing_units.iter().find(|m| m.kind == kind) {
        return format!("`{}`: {}", m.functional_unit, m.reason);
    }
    match inventory.functional_units.iter().find(|f| f.kind == kind) {
        Some(fu) => format!(
            "the inventory defines `{}` but {method} gives no figure for it (see its warnings)",
            fu.id
        ),
        None => format!("the inventory defines no {} functional unit", kind.id()),
    }
}

fn has_kind(a: &Assessment, indicator: Indicator, kind: FunctionalUnitKind) -> bool {
    a.functional_units
        .iter()
        .any(|r| r.kind == Some(kind) && r.indicator == indicator)
        || a.missing_units.iter().any(|m| m.kind == kind)
}

/// The figures per functional unit of `method` for `indicator`, one entry per kind some
/// system has a figure (or a required missing unit) for.
pub(super) fn figures(
    systems: &[SystemRun<'_>],
    method: &str,
    indicator: Indicator,
    rows: &[SystemFigure],
) -> Vec<UnitFigures> {
    let assessed: Vec<Option<&Assessment>> =
        systems.iter().map(|s| assessment(s, method)).collect();
    KINDS
        .into_iter()
        .filter(|&k| assessed.iter().flatten().any(|a| has_kind(a, indicator, k)))
        .map(|kind| UnitFigures {
            kind,
            label: label(kind).to_owned(),
            per: per(kind),
            cells: systems
                .iter()
                .zip(&assessed)
                .zip(rows)
                .flat_map(|((s, a), row)| cells(s, *a, row, method, indicator, kind))
                .collect(),
        })
        .collect()
}

fn cells(
    s: &SystemRun<'_>,
    a: Option<&Assessment>,
    row: &SystemFigure,
    method: &str,
    indicator: Indicator,
    kind: FunctionalUnitKind,
) -> Vec<UnitCell> {
    let missing = |reason: String| {
        vec![UnitCell {
            system: s.name.clone(),
            functional_unit: None,
            value: None,
            count: None,
            output_tokens_per_request: None,
            total_grade: None,
            missing: Some(reason),
        }]
    };
    let a = match (row.status, a) {
        (Status::Ok, Some(a)) => a,
        (Status::Error, _) => return missing(format!("{method} failed on this system")),
        (Status::NotRun, _) => return missing(format!("{method} was not run on this system")),
        (status, _) => {
            return missing(format!(
                "{} is {} by {method} on this system",
                indicator.id(),
                status.label()
            ));
        }
    };
    let found: Vec<UnitCell> = a
        .functional_units
        .iter()
        .filter(|r| r.kind == Some(kind) && r.indicator == indicator)
        .map(|r| {
            let value = r.value * per(kind);
            // Per 1,000 tokens of a figure per token near the top of the f64 range.
            let beyond = (!value.is_finite()).then(|| {
                format!(
                    "{} {} is beyond the range of 64-bit numbers ({} per unit of `{}`)",
                    indicator.id(),
                    label(kind),
                    bilan_units::text::compact(r.value, 4),
                    r.functional_unit
                )
            });
            UnitCell {
                system: s.name.clone(),
                functional_unit: Some(r.functional_unit.clone()),
                value: beyond.is_none().then_some(value),
                count: Some(r.count),
                output_tokens_per_request: (kind == FunctionalUnitKind::Request)
                    .then(|| request_length(s.inventory, r))
                    .flatten(),
                total_grade: row.quality.as_ref().map(|q| q.grade),
                missing: beyond,
            }
        })
        .collect();
    if found.is_empty() {
        missing(missing_reason(s.inventory, a, method, kind))
    } else {
        found
    }
}
