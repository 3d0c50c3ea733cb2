//! Comparing systems: the same methods on several inventories (`bilan compare A B C…`).
//!
//! [`compare`] lays the systems side by side under each method and indicator (a league
//! table): each system's total with the data-quality grade and shares of its figure, its
//! figures per functional unit matched across systems by kind (never by id, which differ
//! between inventories), and the difference of each system from the first (the baseline)
//! explained by item kind and by driver ([`decompose`]).
//!
//! Nothing here is specific to a method: every figure is read from the methods' comparisons
//! and assessments (totals, functional-unit results, missing units, the contributions'
//! aspects, phases, terms and factors). A functional unit one system lacks is reported as
//! missing with the reason, never converted.

pub mod decompose;
pub mod explained;
#[cfg(test)]
mod tests;
pub mod units;

use bilan_core::indicator::Indicator;
use bilan_core::inventory::Inventory;
use bilan_core::quality::{FigureQuality, MissingStage};
use serde::Serialize;

pub use explained::{
    DriverAmount, KindAmount, PhaseFactors, PhaseSplit, SplitRule, SystemDivergence, SystemDriver,
};
pub use units::{UnitCell, UnitFigures};

use crate::{Comparison, Figures, Outcome};

/// One system to compare: an inventory with its methods' outcomes and their comparison
/// (see [`crate::compare`]).
#[derive(Debug)]
pub struct SystemRun<'a> {
    /// The name reports show (unique among the systems).
    pub name: String,
    /// The inventory.
    pub inventory: &'a Inventory,
    /// Each method's outcome, reconciled.
    pub outcomes: &'a [Outcome],
    /// The comparison of the methods on this inventory.
    pub comparison: &'a Comparison,
}

/// Which pairs of systems the divergences are computed for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Pairs {
    /// Each system against the first.
    Baseline,
    /// Every pair (i, j), i < j.
    All,
}

/// A system as the league table names it.
#[derive(Clone, Debug, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub struct SystemInfo {
    /// The name reports use (unique).
    pub name: String,
    /// The system's name in its inventory.
    pub title: String,
    /// Its reporting period.
    pub period: String,
    /// The period's first and last days, for reports in another language.
    #[serde(skip)]
    #[schemars(skip)]
    pub period_days: (String, String),
}

/// A method in the league table.
#[derive(Clone, Debug, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub struct MethodInfo {
    /// Id.
    pub id: String,
    /// Version.
    pub version: String,
    /// Name.
    pub name: String,
}

/// What a system's cell holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum Status {
    /// A figure.
    Ok,
    /// The method does not cover the indicator on this system.
    NotCovered,
    /// In the method's scope, but every contribution was excluded.
    NotComputed,
    /// The method failed on this system (`note` says why).
    Error,
    /// The method was not run on this system (a reference method whose tool's records the
    /// inventory does not hold).
    NotRun,
}

impl Status {
    /// How text reports show a cell without a figure.
    pub fn label(self) -> &'static str {
        match self {
            Status::Ok => "ok",
            Status::NotCovered => "not covered",
            Status::NotComputed => "not computed",
            Status::Error => "error",
            Status::NotRun => "not run",
        }
    }
}

/// One system's total under one method for one indicator.
#[derive(Clone, Debug, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub struct SystemFigure {
    /// The system.
    pub system: String,
    /// Whether there is a figure, and if not, why.
    pub status: Status,
    /// The error, why the indicator is not covered, or a caveat.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    /// The total, in the indicator's unit.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub total: Option<f64>,
    /// Grade and shares of the total by class of input (absent for no figure or zero).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub quality: Option<FigureQuality>,
    /// Stages the method's boundary requires and this inventory does not cover.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub missing_stages: Vec<MissingStage>,
}

/// The league table of one method and indicator.
#[derive(Clone, Debug, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub struct LeagueTable {
    /// The method's id.
    pub method: String,
    /// The indicator.
    pub indicator: Indicator,
    /// Its unit.
    pub unit: &'static str,
    /// One row per system, in the order given.
    pub rows: Vec<SystemFigure>,
    /// Figures per functional unit, by kind.
    pub units: Vec<UnitFigures>,
}

/// Several systems side by side under each method.
#[derive(Clone, Debug, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub struct Systems {
    /// The systems, baseline first.
    pub systems: Vec<SystemInfo>,
    /// The methods, in the order first run.
    pub methods: Vec<MethodInfo>,
    /// One per method and indicator some system's figure covers, method by method.
    pub tables: Vec<LeagueTable>,
    /// The difference of each system from the baseline (or every pair), per method and
    /// indicator both systems have a figure for.
    pub divergences: Vec<SystemDivergence>,
    /// Methods that failed on a system, or were not run there.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub failures: Vec<MethodFailure>,
}

/// A method that gave no assessment on a system.
#[derive(Clone, Debug, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub struct MethodFailure {
    /// The system.
    pub system: String,
    /// The method's id.
    pub method: String,
    /// [`Status::Error`] or [`Status::NotRun`].
    pub status: Status,
    /// Why.
    pub reason: String,
}

impl Systems {
    /// Every (system, method, error) where a method failed on a system.
    pub fn errors(&self) -> impl Iterator<Item = &MethodFailure> {
        self.failures.iter().filter(|f| f.status == Status::Error)
    }
}

/// The methods of every system, by id, in the order first seen.
fn methods(systems: &[SystemRun<'_>]) -> Vec<MethodInfo> {
    let mut out: Vec<MethodInfo> = Vec::new();
    for s in systems {
        for m in &s.comparison.methods {
            if !out.iter().any(|x| x.id == m.id) {
                out.push(MethodInfo {
                    id: m.id.clone(),
                    version: m.version.clone(),
                    name: m.name.clone(),
                });
            }
        }
    }
    out
}

fn failures(systems: &[SystemRun<'_>], methods: &[MethodInfo]) -> Vec<MethodFailure> {
    let mut out = Vec::new();
    for m in methods {
        for s in systems {
            let (status, reason) = match s.comparison.methods.iter().find(|c| c.id == m.id) {
                None => (
                    Status::NotRun,
                    format!("{} was not run on this inventory", m.id),
                ),
                Some(c) => match &c.error {
                    Some(e) => (Status::Error, e.clone()),
                    None => continue,
                },
            };
            out.push(MethodFailure {
                system: s.name.clone(),
                method: m.id.clone(),
                status,
                reason,
            });
        }
    }
    out
}

/// `system`'s row for `method` and `indicator`.
fn figure(s: &SystemRun<'_>, method: &str, indicator: Indicator) -> SystemFigure {
    let blank = |status: Status, note: Option<String>| SystemFigure {
        system: s.name.clone(),
        status,
        note,
        total: None,
        quality: None,
        missing_stages: Vec::new(),
    };
    let Some(column) = s.comparison.methods.iter().find(|m| m.id == method) else {
        return blank(
            Status::NotRun,
            Some(format!("{method} was not run on this inventory")),
        );
    };
    if let Some(e) = &column.error {
        return blank(Status::Error, Some(e.clone()));
    }
    let row: Option<&Figures> = s
        .comparison
        .indicators
        .iter()
        .find(|ic| ic.indicator == indicator)
        .and_then(|ic| ic.rows.iter().find(|r| r.method == method));
    let Some(row) = row else {
        return blank(Status::NotCovered, None);
    };
    let status = if row.covered && row.total.is_some() {
        Status::Ok
    } else if row.not_computed {
        Status::NotComputed
    } else {
        Status::NotCovered
    };
    SystemFigure {
        system: s.name.clone(),
        status,
        note: row.note.clone(),
        total: row.total.filter(|_| status == Status::Ok),
        quality: row.quality.clone(),
        missing_stages: column.missing_stages.clone(),
    }
}

/// The league tables and divergences of `systems` (the first is the baseline).
pub fn compare(systems: &[SystemRun<'_>], pairs: Pairs) -> Systems {
    let methods = methods(systems);
    let mut tables = Vec::new();
    let mut divergences = Vec::new();
    for m in &methods {
        for indicator in Indicator::ALL {
            let rows: Vec<SystemFigure> = systems
                .iter()
                .map(|s| figure(s, &m.id, indicator))
                .collect();
            if !rows.iter().any(|r| r.status == Status::Ok) {
                continue;
            }
            let units = units::figures(systems, &m.id, indicator, &rows);
            tables.push(LeagueTable {
                method: m.id.clone(),
                indicator,
                unit: indicator.unit(),
                rows,
                units,
            });
            let table = tables.last().map_or(&[][..], |t| t.rows.as_slice());
            for (i, j) in pair_list(systems.len(), pairs) {
                let (Some(ta), Some(tb)) = (table[i].total, table[j].total) else {
                    continue;
                };
                let (Some(a), Some(b)) = (
                    assessment(&systems[i], &m.id),
                    assessment(&systems[j], &m.id),
                ) else {
                    continue;
                };
                divergences.push(decompose::divergence(
                    decompose::Side {
                        name: &systems[i].name,
                        inventory: systems[i].inventory,
                        assessment: a,
                        total: ta,
                    },
                    decompose::Side {
                        name: &systems[j].name,
                        inventory: systems[j].inventory,
                        assessment: b,
                        total: tb,
                    },
                    indicator,
                ));
            }
        }
    }
    Systems {
        systems: systems
            .iter()
            .map(|s| SystemInfo {
                name: s.name.clone(),
                title: s.inventory.system.name.clone(),
                period: s.inventory.system.period.to_string(),
                period_days: (
                    s.inventory.system.period.start.to_string(),
                    s.inventory.system.period.end.to_string(),
                ),
            })
            .collect(),
        failures: failures(systems, &methods),
        methods,
        tables,
        divergences,
    }
}

/// The assessment of `method` on `s`, when it succeeded.
fn assessment<'a>(
    s: &SystemRun<'a>,
    method: &str,
) -> Option<&'a bilan_core::assessment::Assessment> {
    s.outcomes
        .iter()
        .find(|o| o.descriptor.id == method)
        .and_then(|o| o.result.as_ref().ok())
}

fn pair_list(n: usize, pairs: Pairs) -> Vec<(usize, usize)> {
    match pairs {
        Pairs::Baseline => (1..n).map(|j| (0, j)).collect(),
        Pairs::All => crate::divergence::pairs(n),
    }
}
