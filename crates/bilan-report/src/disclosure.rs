//! The disclosure a vendor publishes (`bilan assess -m METHOD -f disclosure`): JSON, Markdown
//! and a one-page HTML document.
//!
//! One [`Disclosure`] is built from one method's assessment of one inventory ([`build`]), then
//! rendered three ways from that same value, so the forms never disagree. Every number the
//! document states is a [`Figure`]: its path (`gwp.total`, `gwp.unit.request`…), its value in
//! the canonical unit, and the text the Markdown and HTML forms print (`display`). The HTML
//! marks each one with `data-figure`, which `cargo xtask html-check` uses to find every figure
//! of the JSON form in the rendered page. A figure that cannot be given is absent with its
//! reason ("not covered", "not computed", a missing functional unit), never 0, infinity or
//! NaN. Field meanings: `docs/disclosure.md`; schema: `docs/disclosure.schema.json`.

mod build;
mod html;
mod markdown;
#[cfg(test)]
mod tests;

use std::collections::BTreeMap;

use bilan_core::assessment::{Aspect, Stage};
use bilan_core::indicator::Indicator;
use bilan_core::inventory::{FunctionalUnitKind, Period};
use bilan_core::item::ItemRef;
use bilan_core::quality::{ClassShares, Grade, GridBasis, RequiredStage};
use bilan_runner::uncertainty::Propagation;
use serde::Serialize;

use crate::assess::Stamp;

pub use build::{Source, build};
pub use html::render as render_html;
pub use markdown::render as render_markdown;

/// The version of the document's structure, written in its `schema` field.
pub const SCHEMA_VERSION: u32 = 1;

/// The data-quality rule in one line, and where it is documented.
pub const QUALITY_RULE: &str = "Each figure's value is split by the class of its weakest input (measured > disclosed > estimated > default); the shares weigh 1, 0.7, 0.4 and 0 into a score graded A (≥ 0.9), B (≥ 0.7), C (≥ 0.5), D (≥ 0.3) or E, one grade lower per mandatory stage not covered. Rule: docs/quality.md";

/// The disclosure document.
#[derive(Clone, Debug, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub struct Disclosure {
    /// The version of this document's structure: 1.
    #[schemars(range(min = 1, max = 1))]
    pub schema: u32,
    /// The AI system disclosed.
    pub system: System,
    /// The reporting period (inclusive dates).
    pub period: Period,
    /// The accounting method.
    pub method: Method,
    /// What the figures include.
    pub boundary: Boundary,
    /// The functional units figures are given per.
    pub functional_units: FunctionalUnits,
    /// Every indicator, covered or not, in bilan's indicator order.
    pub indicators: Vec<IndicatorFigures>,
    /// Figures the method discloses besides its totals (e.g. the inference share).
    pub method_figures: Vec<MethodFigure>,
    /// Whether intervals were propagated, and how.
    pub uncertainty: Uncertainty,
    /// Data quality and completeness.
    pub quality: Quality,
    /// Everything the method left out, with the reason.
    pub exclusions: Vec<Exclusion>,
    /// Defaults and assumptions the method applied.
    pub assumptions: Vec<Assumption>,
    /// The method's warnings (fallbacks, data quality).
    pub warnings: Vec<String>,
    /// What the figures were produced with, so anyone can reproduce them.
    pub stamp: Stamp,
}

/// The AI system, as the inventory names it.
#[derive(Clone, Debug, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub struct System {
    /// Its name.
    pub name: String,
    /// Its version (model release, service version).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version: Option<String>,
    /// The reporting entity.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub organisation: Option<String>,
    /// Free text.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
}

/// The accounting method and its effective parameters.
#[derive(Clone, Debug, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub struct Method {
    /// Identifier, e.g. `ademe-lca`.
    pub id: String,
    /// Semver version of the method.
    pub version: String,
    /// Display name.
    pub name: String,
    /// One line.
    pub description: String,
    /// Standards and documents it follows.
    pub follows: Vec<String>,
    /// Effective parameters (given or default), as text.
    pub parameters: BTreeMap<String, String>,
}

/// What the figures include.
#[derive(Clone, Debug, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub struct Boundary {
    /// The method's boundary, in its words.
    pub description: String,
    /// Whether the method declares a comparability profile (then `required-stages` lists
    /// its mandatory stages).
    pub profile: bool,
    /// The stages the profile requires, each covered or missing with the reason.
    pub required_stages: Vec<RequiredStageStatus>,
    /// The grid basis the profile fixes for electricity.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub grid_basis: Option<GridBasis>,
    /// The life-cycle stages with a counted contribution, in any indicator.
    pub stages_covered: Vec<Stage>,
}

/// A stage a profile requires.
#[derive(Clone, Debug, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub struct RequiredStageStatus {
    /// The stage.
    pub stage: RequiredStage,
    /// Whether the assessment covers it.
    pub covered: bool,
    /// Why it is not covered.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}

/// One number of the document.
#[derive(Clone, Debug, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub struct Figure {
    /// Its path (`docs/figures.md`), unique in the document: `gwp.total`,
    /// `gwp.stage.use`, `gwp.unit.request`, `unit.request:count`…
    pub figure: String,
    /// What it is, in a word: `total`, a stage, a functional unit.
    pub label: String,
    /// The value, in `unit`; always a finite number.
    pub value: f64,
    /// The unit of `value` (an indicator's canonical unit, per functional unit where so).
    pub unit: String,
    /// The value as the Markdown and HTML forms print it.
    pub display: String,
    /// What the figure covers, or a caveat.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    /// Its interval, when uncertainty was propagated.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub interval: Option<Interval>,
}

/// The spread of a figure from the propagation of uncertainty, in the figure's unit.
#[derive(Clone, Debug, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub struct Interval {
    /// The figure's path, then `:interval`.
    pub figure: String,
    /// Median.
    pub median: f64,
    /// 2.5th percentile.
    pub low: f64,
    /// 97.5th percentile.
    pub high: f64,
    /// 95th percentile.
    pub p95: f64,
    /// As printed: `low to high (median m)`.
    pub display: String,
}

/// Whether an indicator has figures.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum Status {
    /// The method covers it: `total` is given.
    Covered,
    /// Outside the method's scope.
    NotCovered,
    /// In scope, but every contribution was excluded or the figure is not a finite number
    /// (see `note`).
    NotComputed,
}

impl Status {
    /// As printed.
    pub fn label(self) -> &'static str {
        match self {
            Status::Covered => "covered",
            Status::NotCovered => "not covered",
            Status::NotComputed => "not computed",
        }
    }
}

/// One indicator's figures.
#[derive(Clone, Debug, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub struct IndicatorFigures {
    /// The indicator.
    pub indicator: Indicator,
    /// Its name.
    pub name: String,
    /// Its canonical unit.
    pub unit: String,
    /// Covered, not covered or not computed.
    pub status: Status,
    /// Why it is not covered or not computed, or the method's caveat.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    /// The absolute total (covered indicators only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub total: Option<Figure>,
    /// The total by life-cycle stage, for the stages with a counted contribution.
    pub by_stage: Vec<Figure>,
    /// Per functional unit, for the units the method computes.
    pub per_unit: Vec<Figure>,
}

/// A figure the method discloses besides its totals.
#[derive(Clone, Debug, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub struct MethodFigure {
    /// Its path: `INDICATOR.disclosure.ID`, or `disclosure.ID` for one of no indicator.
    pub figure: String,
    /// The method's identifier.
    pub id: String,
    /// Label.
    pub label: String,
    /// The indicator, if the figure is one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub indicator: Option<Indicator>,
    /// The figure, or absent when it cannot be computed (`note` says why).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub value: Option<f64>,
    /// Its unit (`1`: a ratio, printed as a percentage).
    pub unit: String,
    /// As printed: the value, or `not computed`.
    pub display: String,
    /// How it is computed.
    pub formula: String,
    /// A caveat, or why it is not computed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

/// The functional units.
#[derive(Clone, Debug, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub struct FunctionalUnits {
    /// The units the method gives figures per.
    pub units: Vec<FunctionalUnit>,
    /// Units the inventory or the method's profile asks for that have no figure, with the
    /// reason.
    pub missing: Vec<MissingUnit>,
}

/// A functional unit with figures.
#[derive(Clone, Debug, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub struct FunctionalUnit {
    /// Its id in the inventory.
    pub id: String,
    /// What it counts.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<FunctionalUnitKind>,
    /// R, how many units the figures are divided by (path `unit.ID:count`).
    pub count: Figure,
}

/// A functional unit with no figure.
#[derive(Clone, Debug, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub struct MissingUnit {
    /// Its id.
    pub id: String,
    /// What it counts.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<FunctionalUnitKind>,
    /// Why it has no figure.
    pub reason: String,
}

/// Whether the figures carry intervals.
#[derive(Clone, Debug, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub struct Uncertainty {
    /// Whether uncertainty was propagated (`--uncertainty`).
    pub propagated: bool,
    /// How.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub propagation: Option<Propagation>,
    /// Monte Carlo iterations.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub iterations: Option<usize>,
    /// Monte Carlo seed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub seed: Option<u64>,
    /// In words: what the intervals are, or that none was propagated.
    pub statement: String,
    /// What the propagation left out, and why.
    pub notes: Vec<String>,
}

/// Data quality and completeness.
#[derive(Clone, Debug, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub struct Quality {
    /// The document's grade: the lowest grade of the indicators' totals (absent when no
    /// total has one).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub grade: Option<FigureGrade>,
    /// The grade and shares of each non-zero indicator total.
    pub indicators: Vec<IndicatorQuality>,
    /// Mandatory stages the assessment does not cover, with the reason.
    pub missing_stages: Vec<RequiredStageStatus>,
    /// The rule, in one line, pointing to `docs/quality.md`.
    pub rule: String,
}

/// A grade, as a figure of the document.
#[derive(Clone, Debug, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub struct FigureGrade {
    /// Its path: `quality.grade`, or `INDICATOR.total:grade`.
    pub figure: String,
    /// The grade.
    pub grade: Grade,
    /// As printed: the letter.
    pub display: String,
}

/// The data quality of one indicator's total.
#[derive(Clone, Debug, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub struct IndicatorQuality {
    /// The indicator.
    pub indicator: Indicator,
    /// Its grade.
    pub grade: FigureGrade,
    /// The weighted score of the shares, 0 to 1.
    pub score: f64,
    /// Share of the total's value by class of its weakest input.
    pub shares: ClassShares,
    /// The shares as printed: `measured 40 %, disclosed 60 %`.
    pub display: String,
}

/// Something the method left out.
#[derive(Clone, Debug, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub struct Exclusion {
    /// The inventory item.
    pub item: ItemRef,
    /// The aspect left out (absent: the whole item).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub aspect: Option<Aspect>,
    /// The indicator left out (absent: every indicator).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub indicator: Option<Indicator>,
    /// Why.
    pub reason: String,
}

/// A default or assumption the method applied.
#[derive(Clone, Debug, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub struct Assumption {
    /// Short key, e.g. `default-pue`.
    pub topic: String,
    /// What was assumed and why.
    pub text: String,
    /// The items it was applied to.
    pub items: Vec<ItemRef>,
}

/// The pretty-printed JSON form, with a final newline.
pub fn render_json(d: &Disclosure) -> Result<String, serde_json::Error> {
    let mut s = serde_json::to_string_pretty(d)?;
    s.push('\n');
    Ok(s)
}

/// `kind id`, as the Markdown and HTML forms name an item.
fn item_text(item: &ItemRef) -> String {
    format!("{} {}", item.kind.key(), item.id)
}
