//! `bilan diff`: what changed between two versions of an inventory (or two JSON reports),
//! per method and figure, explained by item and by driver. The shape of the JSON report is
//! documented in `docs/diff.md`.

use std::fmt::Write as _;

use bilan_core::assessment::Driver;
use bilan_core::indicator::Indicator;
use serde::Serialize;

use crate::assess::FileStamp;
use crate::number::amount;
use crate::table::Table;

/// The JSON shape's version: bumped when a field is renamed or removed.
pub const FORMAT: u32 = 1;

/// Everything `bilan diff` reports.
#[derive(Debug, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub struct DiffReport {
    /// The version of this JSON shape ([`FORMAT`]).
    pub format: u32,
    /// bilan's version.
    pub bilan: String,
    /// The old version.
    pub old: Input,
    /// The new version.
    pub new: Input,
    /// Whether anything changed: an inventory item, a parameter or a figure.
    pub changed: bool,
    /// The inventory items that changed (inventories only; empty for reports).
    pub items: Vec<ItemChange>,
    /// One entry per method present on both sides, in OLD's order.
    pub methods: Vec<MethodDiff>,
    /// Methods only OLD has.
    pub only_old: Vec<String>,
    /// Methods only NEW has.
    pub only_new: Vec<String>,
}

/// One side of the diff.
#[derive(Debug, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub struct Input {
    /// The file as given, and its SHA-256.
    pub file: FileStamp,
    /// What it is.
    pub kind: InputKind,
    /// The system's name (from the inventory, or the report's stamp).
    pub system: String,
    /// The factor database version.
    pub factor_database: String,
    /// The factor files layered on the embedded database (with their SHA-256).
    pub factor_files: Vec<FileStamp>,
}

/// What a side of the diff is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum InputKind {
    /// An inventory (TOML or JSON), assessed by this run.
    Inventory,
    /// A JSON report of `bilan compare`.
    CompareReport,
    /// A JSON report of `bilan assess`.
    AssessReport,
}

/// What happened to an item between OLD and NEW.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum ItemStatus {
    /// Only in NEW.
    Added,
    /// Only in OLD.
    Removed,
    /// In both, with fields changed.
    Changed,
    /// In both, the same (its contribution changed through another item, a factor or a
    /// parameter).
    Unchanged,
    /// In both reports: the reports carry no inventory, so whether its fields changed is
    /// not known.
    Present,
}

impl ItemStatus {
    /// The name as written in reports.
    pub fn id(self) -> &'static str {
        match self {
            ItemStatus::Added => "added",
            ItemStatus::Removed => "removed",
            ItemStatus::Changed => "changed",
            ItemStatus::Unchanged => "unchanged",
            ItemStatus::Present => "present",
        }
    }
}

/// An inventory item that changed.
#[derive(Clone, Debug, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub struct ItemChange {
    /// Its table in the inventory (`site`, `workload`…; `system` for the system).
    pub kind: String,
    /// Its id.
    pub id: String,
    /// Added, removed or changed.
    pub status: ItemStatus,
    /// The fields that changed (for a changed item), as dotted paths.
    pub fields: Vec<FieldChange>,
}

/// One field of an item, before and after.
#[derive(Clone, Debug, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub struct FieldChange {
    /// Dotted path in the item (`pue`, `volume.training-tokens`).
    pub field: String,
    /// The old value (absent: the field was not set).
    pub old: Option<serde_json::Value>,
    /// The new value (absent: the field is no longer set).
    pub new: Option<serde_json::Value>,
}

/// One method's changes.
#[derive(Debug, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub struct MethodDiff {
    /// The method's id.
    pub method: String,
    /// Its version in OLD.
    pub old_version: String,
    /// Its version in NEW.
    pub new_version: String,
    /// Effective parameters that differ.
    pub parameters: Vec<ParameterChange>,
    /// Why there are no figures: the method failed on a side.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    /// One per indicator either side covers, in indicator order.
    pub figures: Vec<FigureDiff>,
}

/// A parameter's effective value on each side.
#[derive(Debug, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub struct ParameterChange {
    /// The parameter.
    pub name: String,
    /// In OLD (absent: not set).
    pub old: Option<String>,
    /// In NEW.
    pub new: Option<String>,
}

/// One indicator's total, before and after, with the change explained.
#[derive(Debug, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub struct FigureDiff {
    /// The indicator.
    pub indicator: Indicator,
    /// Its unit.
    pub unit: String,
    /// OLD's total (absent: not covered).
    pub old: Option<f64>,
    /// NEW's total (absent: not covered).
    pub new: Option<f64>,
    /// `new − old`, an uncovered side counting as nothing.
    pub change: f64,
    /// The change by item: the items' contribution changes plus the residual.
    pub by_item: ByItem,
    /// The change by driver: the drivers' amounts plus inventory values plus the residual.
    pub by_driver: ByDriver,
    /// Totals by workload phase.
    pub by_phase: Vec<PartChange>,
    /// Results per functional unit.
    pub per_unit: Vec<PartChange>,
}

impl FigureDiff {
    /// Whether the total, a phase or a functional unit changed.
    pub fn changed(&self) -> bool {
        self.old != self.new
            || self.by_phase.iter().any(PartChange::changed)
            || self.per_unit.iter().any(PartChange::changed)
    }
}

/// The change explained by item.
#[derive(Debug, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub struct ByItem {
    /// Items whose contribution changed, in OLD's contribution order then NEW's.
    pub items: Vec<ItemContribution>,
    /// `change − Σ items`: the rounding of the sums.
    pub residual: f64,
}

/// One item's contribution to a figure, before and after.
#[derive(Debug, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub struct ItemContribution {
    /// The item's table (`workload`, `fleet`…).
    pub kind: String,
    /// Its id.
    pub id: String,
    /// What happened to the item itself.
    pub status: ItemStatus,
    /// Its fields that changed.
    pub fields: Vec<String>,
    /// Changed items it refers to (`site meta-us-clusters`), through which an unchanged item's
    /// contribution changed.
    pub via: Vec<String>,
    /// Its contributions' sum in OLD.
    pub old: f64,
    /// In NEW.
    pub new: f64,
    /// `new − old`.
    pub change: f64,
}

/// The change explained by driver (the divergence engine run on OLD's and NEW's
/// assessments by one method).
#[derive(Debug, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub struct ByDriver {
    /// The change carried by the terms and factors tagged with each driver, in decomposition
    /// order; drivers that carry nothing are left out.
    pub drivers: Vec<DriverChange>,
    /// The change carried by untagged terms (energies, hours, counts, volumes: the
    /// inventory's own values), by items added or removed whose contribution names no
    /// driver, and by items with several contributions of one aspect.
    pub inventory_values: f64,
    /// `change − Σ drivers − inventory values`: the rounding of the sums.
    pub residual: f64,
}

/// One driver's part of a change.
#[derive(Debug, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub struct DriverChange {
    /// The driver.
    pub driver: Driver,
    /// Its amount, in the indicator's unit.
    pub amount: f64,
}

/// A phase's total or a functional unit's result, before and after.
#[derive(Debug, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub struct PartChange {
    /// The phase or the functional unit's id.
    pub id: String,
    /// In OLD (absent: none).
    pub old: Option<f64>,
    /// In NEW.
    pub new: Option<f64>,
    /// `new − old` when both have it.
    pub change: Option<f64>,
}

impl PartChange {
    /// Whether it differs.
    pub fn changed(&self) -> bool {
        self.old != self.new
    }
}

fn signed(v: f64, i: Indicator) -> String {
    if v > 0.0 {
        format!("+{}", amount(v, i))
    } else if v == 0.0 {
        "0".to_owned()
    } else {
        amount(v, i)
    }
}

fn opt(v: Option<f64>, i: Indicator) -> String {
    v.map_or("-".to_owned(), |v| amount(v, i))
}

fn percent(old: Option<f64>, change: f64) -> String {
    match old {
        Some(o) if o != 0.0 => format!("{:+.2} %", 100.0 * change / o.abs()),
        _ => "-".to_owned(),
    }
}

fn value_text(v: Option<&serde_json::Value>) -> String {
    match v {
        None => "(not set)".to_owned(),
        Some(serde_json::Value::String(s)) => s.clone(),
        Some(v) => v.to_string(),
    }
}

/// Below this share of the scale a residual is shown as 0 in text (JSON keeps it).
fn residual_text(residual: f64, scale: f64, i: Indicator) -> String {
    if residual.abs() <= 1e-9 * scale.abs() {
        "0".to_owned()
    } else {
        signed(residual, i)
    }
}

/// The diff as Markdown (`markdown = true`) or as terminal text.
pub fn render_text(r: &DiffReport, markdown: bool) -> String {
    let (h1, h2, h3) = if markdown {
        ("# ", "## ", "### ")
    } else {
        ("", "== ", "-- ")
    };
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{h1}Diff — {} → {}\n",
        r.old.file.path, r.new.file.path
    );
    let mut t = Table::new();
    t.set_header(vec!["", "file", "kind", "system", "factor files"]);
    for (label, s) in [("old", &r.old), ("new", &r.new)] {
        let kind = match s.kind {
            InputKind::Inventory => "inventory",
            InputKind::CompareReport => "compare report",
            InputKind::AssessReport => "assess report",
        };
        let files: Vec<&str> = s.factor_files.iter().map(|f| f.path.as_str()).collect();
        t.add_row(vec![
            label.to_owned(),
            s.file.path.clone(),
            kind.to_owned(),
            s.system.clone(),
            if files.is_empty() {
                "none".to_owned()
            } else {
                files.join(", ")
            },
        ]);
    }
    let _ = writeln!(out, "{}\n", t.render());
    if !r.changed {
        let _ = writeln!(
            out,
            "no change: the same items, parameters and figures under every method\n"
        );
    }
    if !r.items.is_empty() {
        let _ = writeln!(out, "{h2}Inventory items changed\n");
        let mut t = Table::new();
        t.set_header(vec!["item", "change", "field", "old", "new"]);
        for c in &r.items {
            let item = format!("{} {}", c.kind, c.id);
            if c.fields.is_empty() {
                t.add_row(vec![
                    item.clone(),
                    c.status.id().to_owned(),
                    String::new(),
                    String::new(),
                    String::new(),
                ]);
            }
            for f in &c.fields {
                t.add_row(vec![
                    item.clone(),
                    c.status.id().to_owned(),
                    f.field.clone(),
                    value_text(f.old.as_ref()),
                    value_text(f.new.as_ref()),
                ]);
            }
        }
        let _ = writeln!(out, "{}\n", t.render());
    }
    for (label, ids) in [("only in old", &r.only_old), ("only in new", &r.only_new)] {
        if !ids.is_empty() {
            let _ = writeln!(out, "methods {label}: {}\n", ids.join(", "));
        }
    }
    for m in &r.methods {
        method_section(&mut out, m, h2, h3);
    }
    out
}

fn method_section(out: &mut String, m: &MethodDiff, h2: &str, h3: &str) {
    let version = if m.old_version == m.new_version {
        m.new_version.clone()
    } else {
        format!("{} → {}", m.old_version, m.new_version)
    };
    let _ = writeln!(out, "{h2}Method {} {version}\n", m.method);
    if let Some(e) = &m.error {
        let _ = writeln!(out, "error: {e}\n");
        return;
    }
    for p in &m.parameters {
        let _ = writeln!(
            out,
            "parameter {}: {} → {}",
            p.name,
            p.old.as_deref().unwrap_or("(not set)"),
            p.new.as_deref().unwrap_or("(not set)")
        );
    }
    if !m.parameters.is_empty() {
        out.push('\n');
    }
    let mut t = Table::new();
    t.set_header(vec!["indicator", "old", "new", "change", "change %"]);
    for f in &m.figures {
        t.add_row(vec![
            f.indicator.id().to_owned(),
            opt(f.old, f.indicator),
            opt(f.new, f.indicator),
            if f.changed() {
                signed(f.change, f.indicator)
            } else {
                "no change".to_owned()
            },
            if f.changed() {
                percent(f.old, f.change)
            } else {
                "-".to_owned()
            },
        ]);
    }
    let _ = writeln!(out, "{}\n", t.render());
    for f in m.figures.iter().filter(|f| f.changed()) {
        figure_section(out, &m.method, f, h3);
    }
}

fn figure_section(out: &mut String, method: &str, f: &FigureDiff, h3: &str) {
    let i = f.indicator;
    let _ = writeln!(
        out,
        "{h3}{method}: {} ({}): {} → {}, {}\n",
        i.id(),
        i.unit(),
        opt(f.old, i),
        opt(f.new, i),
        signed(f.change, i)
    );
    let scale = f.old.unwrap_or(0.0).abs().max(f.new.unwrap_or(0.0).abs());
    let mut t = Table::new();
    t.set_header(vec![
        "by item", "status", "fields", "via", "old", "new", "change",
    ]);
    for c in &f.by_item.items {
        t.add_row(vec![
            format!("{} {}", c.kind, c.id),
            c.status.id().to_owned(),
            c.fields.join(", "),
            c.via.join(", "),
            amount(c.old, i),
            amount(c.new, i),
            signed(c.change, i),
        ]);
    }
    t.add_row(vec![
        "residual (rounding)".to_owned(),
        String::new(),
        String::new(),
        String::new(),
        String::new(),
        String::new(),
        residual_text(f.by_item.residual, scale, i),
    ]);
    t.add_row(vec![
        "total".to_owned(),
        String::new(),
        String::new(),
        String::new(),
        opt(f.old, i),
        opt(f.new, i),
        signed(f.change, i),
    ]);
    let _ = writeln!(out, "{}\n", t.render());
    let mut t = Table::new();
    t.set_header(vec!["by driver", "change"]);
    for d in &f.by_driver.drivers {
        t.add_row(vec![d.driver.id().to_owned(), signed(d.amount, i)]);
    }
    t.add_row(vec![
        "inventory values (untagged terms, items without a driver)".to_owned(),
        residual_text(f.by_driver.inventory_values, scale, i),
    ]);
    t.add_row(vec![
        "residual (rounding)".to_owned(),
        residual_text(f.by_driver.residual, scale, i),
    ]);
    t.add_row(vec!["total".to_owned(), signed(f.change, i)]);
    let _ = writeln!(out, "{}\n", t.render());
    for (label, parts) in [
        ("by phase", &f.by_phase),
        ("per functional unit", &f.per_unit),
    ] {
        if !parts.iter().any(PartChange::changed) {
            continue;
        }
        let mut t = Table::new();
        t.set_header(vec![label, "old", "new", "change"]);
        for p in parts.iter().filter(|p| p.changed()) {
            t.add_row(vec![
                p.id.clone(),
                opt(p.old, i),
                opt(p.new, i),
                p.change.map_or("-".to_owned(), |c| signed(c, i)),
            ]);
        }
        let _ = writeln!(out, "{}\n", t.render());
    }
}
