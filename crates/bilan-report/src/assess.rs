//! `bilan assess`: one method's results on one inventory, as a table or JSON.

use std::fmt::Write as _;

use bilan_core::assessment::{Assessment, Breakdown, Stage};
use bilan_core::indicator::Indicator;
use bilan_core::inventory::{Inventory, Phase};
use bilan_core::method::MethodRef;
use bilan_core::quality::Quality;
use comfy_table::{Cell, CellAlignment, Table, presets};
use serde::Serialize;

use crate::estimated::EstimatedValue;
use crate::lang::Lang;
use crate::number::{amount, count, significant};
use crate::trail::{Trail, TrailedAssessment};

/// What was used to produce a report, so it can be reproduced.
#[derive(Clone, Debug, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub struct Stamp {
    /// bilan's version.
    pub bilan: String,
    /// The inventory file and its SHA-256.
    pub inventory: FileStamp,
    /// Factor database version (embedded plus user layers).
    pub factor_database: String,
    /// Every factor file used (the embedded ones, then the user's) and its SHA-256.
    pub factor_files: Vec<FileStamp>,
    /// Every file the inventory names (grid series, generation profiles, telemetry), as read
    /// relative to the inventory's directory, and its SHA-256.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub data_files: Vec<FileStamp>,
    /// Methods, with versions and origins.
    pub methods: Vec<MethodStamp>,
    /// Settings loaded from the user's configuration file or `BILAN_*` environment
    /// variables, each with where it came from (none under `--no-config`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub settings: Vec<SettingStamp>,
}

impl Stamp {
    /// The factor files, then the data files, each with the message id that names its kind
    /// (`stamp-factor-file`, `stamp-data-file`).
    pub(crate) fn files(&self) -> impl Iterator<Item = (&'static str, &FileStamp)> {
        let factor = self.factor_files.iter().map(|f| ("stamp-factor-file", f));
        factor.chain(self.data_files.iter().map(|f| ("stamp-data-file", f)))
    }

    /// The stamp as lines of text, without bullets: bilan, the inventory, the factor database
    /// and files, each method with its origin.
    pub fn lines(&self) -> Vec<String> {
        self.lines_in(Lang::En)
    }

    /// [`Stamp::lines`] worded in `l`.
    pub fn lines_in(&self, l: Lang) -> Vec<String> {
        let file =
            |id: &str, path: &str, sha256: &str| l.msg(id, &[("path", path), ("sha256", sha256)]);
        let mut out = vec![
            l.msg("stamp-bilan", &[("version", &self.bilan)]),
            file(
                "stamp-inventory",
                &self.inventory.path,
                &self.inventory.sha256,
            ),
            l.msg(
                "stamp-factor-database",
                &[("version", &self.factor_database)],
            ),
        ];
        for (id, f) in self.files() {
            out.push(file(id, &f.path, &f.sha256));
        }
        for m in &self.methods {
            out.push(l.msg(
                "stamp-method",
                &[
                    ("id", &m.id),
                    ("version", &m.version),
                    ("origin", &origin_text(&m.origin, l)),
                ],
            ));
        }
        for s in &self.settings {
            out.push(l.msg(
                "stamp-setting",
                &[("name", &s.name), ("value", &s.value), ("from", &s.from)],
            ));
        }
        out
    }
}

/// A method's origin in words: built in, a declarative file or a plugin, with its hash.
pub fn origin_text(o: &bilan_runner::Origin, l: Lang) -> String {
    match o {
        bilan_runner::Origin::Builtin => l.t("origin-builtin"),
        bilan_runner::Origin::File { path, sha256 } => {
            l.msg("origin-file", &[("path", path), ("sha256", sha256)])
        }
        bilan_runner::Origin::Plugin {
            path,
            sha256,
            plugin,
        } => l.msg(
            "origin-plugin",
            &[("plugin", plugin), ("path", path), ("sha256", sha256)],
        ),
    }
}

/// A setting that did not come from the command line.
#[derive(Clone, Debug, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub struct SettingStamp {
    /// The setting (`methods`, `factors`, `methodologies`, `lang`).
    pub name: String,
    /// Its value as it was applied.
    pub value: String,
    /// Where it was read: the configuration file's path or the environment variable.
    pub from: String,
}

/// A method as used in a report.
#[derive(Clone, Debug, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub struct MethodStamp {
    /// Id.
    pub id: String,
    /// Version.
    pub version: String,
    /// Built in, declarative file or plugin, with its hash.
    pub origin: bilan_runner::Origin,
}

/// A file and its hash.
#[derive(Clone, Debug, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub struct FileStamp {
    /// Path as given.
    pub path: String,
    /// SHA-256, hex.
    pub sha256: String,
}

/// One method's outcome.
#[derive(Clone, Debug)]
pub enum Outcome {
    /// The assessment.
    Assessed(Box<Assessment>),
    /// The method failed; the message says why.
    Failed {
        /// The method.
        method: MethodRef,
        /// Why.
        error: String,
    },
}

fn table() -> Table {
    let mut t = Table::new();
    t.load_preset(presets::ASCII_MARKDOWN);
    t
}

fn right(text: String) -> Cell {
    cell(text).set_alignment(CellAlignment::Right)
}

/// A cell of at most [`crate::table::CELL_CHARS`] characters.
fn cell(text: impl ToString) -> Cell {
    Cell::new(crate::table::cell_text(text.to_string()))
}

/// The per-indicator breakdowns of an assessment, in report order (covered indicators only).
pub fn breakdowns(a: &Assessment) -> Vec<(Indicator, Breakdown)> {
    Indicator::ALL
        .into_iter()
        .zip(a.breakdowns())
        .filter_map(|(i, b)| b.map(|b| (i, b)))
        .collect()
}

/// The terminal table for one assessment.
pub fn render_table(inventory: &Inventory, a: &Assessment) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "{} — {}", a.method, inventory.system.name);
    let _ = writeln!(out, "reporting period: {}", inventory.system.period);
    let b = breakdowns(a);

    let mut t = table();
    let mut header = vec![cell("indicator"), cell("total")];
    header.extend(Stage::ALL.iter().map(|s| cell(s.id())));
    t.set_header(header);
    for (indicator, br) in &b {
        let mut row = vec![cell(indicator.id()), right(amount(br.total, *indicator))];
        row.extend(Stage::ALL.iter().map(|s| {
            right(
                br.by_stage
                    .get(s)
                    .map_or("-".to_owned(), |v| amount(*v, *indicator)),
            )
        }));
        t.add_row(row);
    }
    for c in a.coverage.iter().filter(|c| !c.covered) {
        let label = if c.not_computed {
            "not computed"
        } else {
            "not covered"
        };
        let mut row = vec![cell(c.indicator.id()), cell(label)];
        row.extend(Stage::ALL.iter().map(|_| cell("")));
        t.add_row(row);
    }
    let _ = writeln!(out, "\nby life-cycle stage\n{t}");
    quality_section(&mut out, inventory, a);

    let phases: Vec<Phase> = Phase::ALL
        .into_iter()
        .filter(|p| b.iter().any(|(_, br)| br.by_phase.contains_key(p)))
        .collect();
    if !phases.is_empty() {
        let mut t = table();
        let mut header = vec![cell("indicator")];
        header.extend(phases.iter().map(|p| cell(p.id())));
        header.push(cell("not in a phase"));
        t.set_header(header);
        for (indicator, br) in &b {
            let mut row = vec![cell(indicator.id())];
            row.extend(phases.iter().map(|p| {
                right(
                    br.by_phase
                        .get(p)
                        .map_or("-".to_owned(), |v| amount(*v, *indicator)),
                )
            }));
            let rest = br.total - br.by_phase.values().sum::<f64>();
            // Shares of shared items sum back to the whole up to rounding.
            let rest = if rest.abs() <= 1e-9 * br.total.abs() {
                "-".to_owned()
            } else {
                amount(rest, *indicator)
            };
            row.push(right(rest));
            t.add_row(row);
        }
        let _ = writeln!(out, "\nby workload phase\n{t}");
    }

    let categories: Vec<&String> = {
        let mut v: Vec<&String> = b
            .iter()
            .flat_map(|(_, br)| br.by_category.keys().chain(br.memo.keys()))
            .collect();
        v.sort();
        v.dedup();
        v
    };
    if !categories.is_empty() {
        let mut t = table();
        t.set_header(vec!["category", "indicator", "amount", ""]);
        for cat in categories {
            for (indicator, br) in &b {
                if let Some(v) = br.by_category.get(cat) {
                    t.add_row(vec![
                        cell(cat),
                        cell(indicator.id()),
                        right(amount(*v, *indicator)),
                        cell(""),
                    ]);
                }
                if let Some(v) = br.memo.get(cat) {
                    t.add_row(vec![
                        cell(cat),
                        cell(indicator.id()),
                        right(amount(*v, *indicator)),
                        cell("memo, not in total"),
                    ]);
                }
            }
        }
        let _ = writeln!(out, "\nby category\n{t}");
    }

    if !a.functional_units.is_empty() {
        let mut t = table();
        t.set_header(vec![
            "functional unit",
            "indicator",
            "per unit",
            "R",
            "impact",
        ]);
        for r in &a.functional_units {
            t.add_row(vec![
                cell(&r.functional_unit),
                cell(r.indicator.id()),
                right(amount(r.value, r.indicator)),
                right(count(r.count)),
                right(amount(r.impact, r.indicator)),
            ]);
        }
        let _ = writeln!(out, "\nper functional unit\n{t}");
    }

    if !a.disclosures.is_empty() {
        let mut t = table();
        t.set_header(vec!["disclosure", "indicator", "value"]);
        // Grouped by disclosure, in the order the method gives them.
        let first = |id: &str| {
            a.disclosures
                .iter()
                .position(|d| d.id == id)
                .unwrap_or(usize::MAX)
        };
        let mut disclosures: Vec<_> = a.disclosures.iter().collect();
        disclosures.sort_by_key(|d| (first(&d.id), d.indicator));
        for d in disclosures {
            let value = match (d.value, d.indicator) {
                (Some(v), _) if d.unit == "1" => format!("{} %", significant(v * 100.0, 3)),
                (Some(v), Some(i)) if d.unit == i.unit() => amount(v, i),
                // An amount per something (`kgCO2e/request`, `kgCO2e/kWh`), else a plain figure.
                (Some(v), Some(i)) => match d.unit.strip_prefix(i.unit()) {
                    Some(per) if per.starts_with('/') => format!("{}{per}", amount(v, i)),
                    _ => format!("{} {}", significant(v, 4), d.unit),
                },
                (Some(v), None) => format!("{} {}", significant(v, 4), d.unit),
                (None, _) => format!("n/a ({})", d.note.as_deref().unwrap_or("not computable")),
            };
            t.add_row(vec![
                cell(&d.label),
                cell(d.indicator.map_or("", |i| i.id())),
                right(value),
            ]);
        }
        let _ = writeln!(out, "\ndisclosures\n{t}");
    }

    let _ = writeln!(
        out,
        "\naudit trail: {} contributions, {} factors, {} exclusions, {} assumptions (full trail: --format json; one figure: bilan explain)",
        a.contributions.len(),
        a.factors.len(),
        a.exclusions.len(),
        a.assumptions.len()
    );
    for assumption in &a.assumptions {
        let items = match assumption.items.len() {
            0 => String::new(),
            1..=3 => format!(
                " [{}]",
                assumption
                    .items
                    .iter()
                    .map(|i| i.to_string())
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
            n => format!(" [{n} items]"),
        };
        let _ = writeln!(out, "assumption: {}{items}", assumption.text);
    }
    let estimated = crate::estimated::collect(inventory);
    for v in crate::estimated::used_by(&estimated, a) {
        let _ = writeln!(out, "estimated: {}", crate::estimated::line(v, Lang::En));
    }
    for w in &a.warnings {
        let _ = writeln!(out, "warning: {w}");
    }
    out
}

/// The data quality of each total (grade and shares), the mandatory stages not covered and
/// the functional units that could not be computed.
fn quality_section(out: &mut String, inventory: &Inventory, a: &Assessment) {
    let q = bilan_core::quality::assess(inventory, a);
    let rows: Vec<(String, &bilan_core::quality::FigureQuality)> = q
        .figures
        .iter()
        .filter(|f| f.stage.is_none())
        .map(|f| (f.indicator.id().to_owned(), f))
        .collect();
    if !rows.is_empty() {
        let t = crate::quality::shares_table(Lang::En, "data quality", &rows);
        let _ = writeln!(out, "\n{}", t.render());
    }
    let mut missing = String::new();
    crate::quality::missing_lines(
        &mut missing,
        Lang::En,
        [(a.method.id.as_str(), q.missing_stages.as_slice())],
    );
    out.push_str(&missing);
    for m in &a.missing_units {
        let _ = writeln!(
            out,
            "functional unit `{}` ({}) missing: {}",
            m.functional_unit,
            m.kind.id(),
            m.reason
        );
    }
}

/// JSON form of one assessment with its breakdowns.
#[derive(Debug, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub struct AssessmentJson<'a> {
    /// The method.
    pub method: &'a MethodRef,
    /// Totals and breakdowns per covered indicator.
    pub results: Vec<IndicatorJson>,
    /// Data quality of each figure (shares by class of input, grade) and the mandatory
    /// stages not covered (`docs/quality.md`).
    pub quality: Quality,
    /// The assessment, with its audit trail in full unless `--trail` asked for less
    /// (`summary`: contributions without their terms; `none`: no contribution, factor,
    /// exclusion or assumption).
    pub assessment: TrailedAssessment<'a>,
}

/// One indicator's totals.
#[derive(Debug, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub struct IndicatorJson {
    /// The indicator.
    pub indicator: Indicator,
    /// Its unit.
    pub unit: &'static str,
    /// Breakdowns.
    #[serde(flatten)]
    pub breakdown: Breakdown,
}

/// The JSON report of `bilan assess` (its JSON Schema is `docs/assess-report.schema.json`).
#[derive(Debug, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub struct AssessReport<'a> {
    /// What produced it: bilan, the factor database, the inventory's and files' hashes.
    pub stamp: &'a Stamp,
    /// One entry per method, in the order given.
    pub methods: Vec<MethodReport<'a>>,
    /// Intervals of the figures, when uncertainty was propagated (`--uncertainty`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub uncertainty: Option<&'a bilan_runner::uncertainty::UncertaintyReport>,
    /// The values estimators filled in the inventory's workloads (absent when none was
    /// estimated); the terms they feed carry `estimated` in each assessment's trail.
    #[serde(default, skip_serializing_if = "<[_]>::is_empty")]
    pub estimated: &'a [EstimatedValue],
}

/// One method's part of the `bilan assess` JSON report.
#[derive(Debug, Serialize, schemars::JsonSchema)]
#[serde(untagged)]
pub enum MethodReport<'a> {
    /// The method assessed the inventory.
    Assessed(AssessmentJson<'a>),
    /// The method failed.
    Failed {
        /// The method.
        method: &'a MethodRef,
        /// Why.
        error: &'a str,
    },
}

/// The JSON report of `bilan assess` on `inventory`, with the propagation of uncertainty if
/// there was one.
pub fn render_json(
    stamp: &Stamp,
    inventory: &Inventory,
    outcomes: &[Outcome],
    uncertainty: Option<&bilan_runner::uncertainty::UncertaintyReport>,
) -> serde_json::Value {
    render_json_with_estimates(stamp, inventory, outcomes, uncertainty, &[])
}

/// As [`render_json`], with the values estimators filled in (`estimated` from
/// [`crate::estimated::collect`] on the inventory assessed) as an `estimated` array, absent
/// when empty.
pub fn render_json_with_estimates(
    stamp: &Stamp,
    inventory: &Inventory,
    outcomes: &[Outcome],
    uncertainty: Option<&bilan_runner::uncertainty::UncertaintyReport>,
    estimated: &[EstimatedValue],
) -> serde_json::Value {
    serde_json::to_value(report(
        stamp,
        inventory,
        outcomes,
        uncertainty,
        estimated,
        Trail::Full,
    ))
    .unwrap_or_else(|e| serde_json::json!({ "error": e.to_string() }))
}

/// The JSON report of `bilan assess` on `inventory`, to serialise as it is (the
/// assessments are borrowed, never copied): each method's figures, data quality and as much
/// of its audit trail as `trail` asks for; the propagation of uncertainty if there was one;
/// the values estimators filled in.
pub fn report<'a>(
    stamp: &'a Stamp,
    inventory: &Inventory,
    outcomes: &'a [Outcome],
    uncertainty: Option<&'a bilan_runner::uncertainty::UncertaintyReport>,
    estimated: &'a [EstimatedValue],
    trail: Trail,
) -> AssessReport<'a> {
    let methods = outcomes
        .iter()
        .map(|o| match o {
            Outcome::Assessed(a) => MethodReport::Assessed(AssessmentJson {
                method: &a.method,
                results: breakdowns(a)
                    .into_iter()
                    .map(|(indicator, breakdown)| IndicatorJson {
                        indicator,
                        unit: indicator.unit(),
                        breakdown,
                    })
                    .collect(),
                quality: bilan_core::quality::assess(inventory, a),
                assessment: TrailedAssessment::new(a, trail),
            }),
            Outcome::Failed { method, error } => MethodReport::Failed { method, error },
        })
        .collect();
    AssessReport {
        stamp,
        methods,
        uncertainty,
        estimated,
    }
}
