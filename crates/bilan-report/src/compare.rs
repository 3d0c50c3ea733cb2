//! `bilan compare`: every method side by side, with the divergence breakdown.

use std::fmt::Write as _;

use bilan_core::assessment::{Driver, Stage};
use bilan_core::indicator::Indicator;
use bilan_core::inventory::{Inventory, Phase};
use bilan_core::quality::FigureQuality;
use bilan_runner::{Comparison, IndicatorComparison};
use serde::Serialize;

use crate::assess::Stamp;
use crate::estimated::EstimatedValue;
use crate::lang::Lang;
use crate::quality;
use crate::table::{Pivot, Table};
use crate::trail::{Assessments, Trail};

mod assumptions;
mod csv_rows;
mod terminal;

pub use csv_rows::{render_csv, write_csv};
pub use terminal::{MIN_WIDTH, Terminal};

/// Everything a comparison report shows.
#[derive(Debug, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub struct Report<'a> {
    /// What produced it.
    pub stamp: &'a Stamp,
    /// The system's name.
    pub system: &'a str,
    /// The reporting period.
    pub period: String,
    /// The period's first and last days, for the labels of a language.
    #[serde(skip)]
    #[schemars(skip)]
    pub period_days: (String, String),
    /// The comparison.
    pub comparison: &'a Comparison,
    /// Each method's assessment: the audit trail behind every figure, in full unless
    /// `--trail` asked for less (`summary`: contributions without their terms; `none`: no
    /// contribution, factor, exclusion or assumption).
    #[schemars(with = "Vec<crate::trail::TrailedAssessment<'static>>")]
    pub assessments: Assessments<'a>,
    /// The values estimators filled in the inventory's workloads (absent when none was
    /// estimated); the terms they feed carry `estimated` in the trail.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub estimated: Vec<EstimatedValue>,
    /// The terminal layout of the text report (`None`: every table at its natural width,
    /// every pair of methods; Markdown ignores it).
    #[serde(skip)]
    #[schemars(skip)]
    pub terminal: Option<Terminal>,
    /// The language of the labels of the text, Markdown and HTML reports (JSON and CSV keys
    /// stay English).
    #[serde(skip)]
    #[schemars(skip)]
    pub lang: Lang,
}

impl<'a> Report<'a> {
    /// A report on `inventory`.
    pub fn new(
        stamp: &'a Stamp,
        inventory: &'a Inventory,
        comparison: &'a Comparison,
        assessments: Vec<&'a bilan_core::assessment::Assessment>,
    ) -> Report<'a> {
        Report {
            stamp,
            system: &inventory.system.name,
            period: inventory.system.period.to_string(),
            period_days: (
                inventory.system.period.start.to_string(),
                inventory.system.period.end.to_string(),
            ),
            comparison,
            assessments: assessments.into(),
            estimated: crate::estimated::collect(inventory),
            terminal: None,
            lang: Lang::En,
        }
    }

    /// The reporting period in the report's language.
    pub(crate) fn period_text(&self) -> String {
        self.lang.period(&self.period_days)
    }

    /// The report with its labels in `lang`.
    pub fn with_lang(mut self, lang: Lang) -> Report<'a> {
        self.lang = lang;
        self
    }

    /// The report laid out for a terminal by `terminal` when written as text.
    pub fn with_terminal(mut self, terminal: Terminal) -> Report<'a> {
        self.terminal = Some(terminal);
        self
    }

    /// The report with `trail` of each assessment's audit trail in its JSON form (the
    /// browsable trail of its HTML page too).
    pub fn with_trail(mut self, trail: Trail) -> Report<'a> {
        self.assessments.trail = trail;
        self
    }

    /// The report of assessments whose contributions were dropped once compared: the JSON
    /// report's trail is rebuilt with `rebuild`, one assessment at a time, as it is written.
    pub fn with_rebuild(mut self, rebuild: crate::trail::Rebuild<'a>) -> Report<'a> {
        self.assessments.rebuild = Some(rebuild);
        self
    }
}

/// `t` rendered: within the terminal's width when there is one, else at its natural width.
fn show(t: &Table, term: Option<&Terminal>, pivot: Option<Pivot<'_>>) -> String {
    match term {
        Some(term) => term.table(t, pivot),
        None => t.render(),
    }
}

/// A table of each covered method's figures by `keys` (phases, functional units), headed by
/// `names.0`; on a terminal too narrow for a column per key, a row per key named `names.1`.
fn keyed_table<K>(
    out: &mut String,
    (l, term): (Lang, Option<&Terminal>),
    ic: &IndicatorComparison,
    names: (&str, &str),
    keys: &[(K, String)],
    value: impl Fn(&bilan_runner::Figures, &K) -> Option<f64>,
) {
    let mut t = Table::new();
    let mut header = vec![l.t(names.0)];
    header.extend(keys.iter().map(|(_, label)| label.clone()));
    t.set_header(header);
    for row in ic.rows.iter().filter(|r| r.covered) {
        let mut cells = vec![row.method.clone()];
        cells.extend(
            keys.iter()
                .map(|(k, _)| cell(l, value(row, k), ic.indicator)),
        );
        t.add_row(cells);
    }
    let (name, amount) = (l.t(names.1), l.t("col-amount"));
    let pivot = Pivot {
        keep: 1,
        names: (&name, &amount),
    };
    let _ = writeln!(out, "{}\n", show(&t, term, Some(pivot)));
}

/// The headers of a divergence table's driver columns: each driver, then the residual.
fn driver_header(l: Lang, drivers: &[Driver]) -> impl Iterator<Item = String> + '_ {
    drivers
        .iter()
        .map(move |d| l.driver(*d))
        .chain(std::iter::once(l.t("residual")))
}

/// A divergence's cells under [`driver_header`]: each driver's amount (`-` where it has
/// none), then the residual (`0` when it is only rounding).
fn driver_cells(
    l: Lang,
    drivers: &[Driver],
    amounts: impl Iterator<Item = (Driver, f64)> + Clone,
    residual: f64,
    i: Indicator,
) -> Vec<String> {
    let mut cells: Vec<String> = drivers
        .iter()
        .map(|drv| {
            amounts
                .clone()
                .find(|(d, _)| d == drv)
                .map_or("-".to_owned(), |(_, v)| l.amount(v, i))
        })
        .collect();
    cells.push(if residual == 0.0 {
        "0".to_owned()
    } else {
        l.amount(residual, i)
    });
    cells
}

fn cell(l: Lang, value: Option<f64>, indicator: Indicator) -> String {
    value.map_or("-".to_owned(), |v| l.amount(v, indicator))
}

/// `not covered` or `not computed`, for a method that has no figure of an indicator.
fn missing_label(l: Lang, row: &bilan_runner::Figures) -> String {
    l.t(if row.not_computed {
        "not-computed"
    } else {
        "not-covered"
    })
}

/// Drivers that explain something in at least one pair, in decomposition order.
fn active_drivers(c: &Comparison, indicator: Indicator) -> Vec<Driver> {
    Driver::ALL
        .into_iter()
        .filter(|d| {
            c.divergences
                .iter()
                .any(|x| x.indicator == indicator && x.drivers.iter().any(|a| a.driver == *d))
        })
        .collect()
}

fn indicator_section(
    out: &mut String,
    (h, md): (&str, bool),
    (l, term): (Lang, Option<&Terminal>),
    c: &Comparison,
    ic: &IndicatorComparison,
) {
    let i = ic.indicator;
    let _ = writeln!(out, "{h} {} — {} ({})\n", i.id(), l.indicator(i), i.unit());
    let mut t = Table::new();
    let mut header = vec![l.t("col-method"), l.t("col-total"), l.t("col-grade")];
    header.extend(Stage::ALL.iter().map(|s| l.stage(*s)));
    t.set_header(header);
    for row in &ic.rows {
        if !row.covered {
            let mut cells = vec![row.method.clone(), missing_label(l, row), String::new()];
            cells.extend(Stage::ALL.iter().map(|_| String::new()));
            t.add_row(cells);
            continue;
        }
        let mut cells = vec![
            row.method.clone(),
            cell(l, row.total, i),
            quality::grade(row.quality.as_ref()).to_owned(),
        ];
        cells.extend(
            Stage::ALL
                .iter()
                .map(|s| cell(l, row.by_stage.get(s).copied(), i)),
        );
        t.add_row(cells);
    }
    for m in c.methods.iter().filter(|m| m.error.is_some()) {
        let mut cells = vec![m.id.clone(), l.t("status-error-short"), String::new()];
        cells.extend(Stage::ALL.iter().map(|_| String::new()));
        t.add_row(cells);
    }
    let (stage, amount) = (l.t("col-stage"), l.t("col-amount"));
    let _ = writeln!(
        out,
        "{}\n",
        show(
            &t,
            term,
            Some(Pivot {
                keep: 3,
                names: (&stage, &amount),
            }),
        )
    );
    if md {
        let rows: Vec<(String, &FigureQuality)> = ic
            .rows
            .iter()
            .filter_map(|r| r.quality.as_ref().map(|q| (r.method.clone(), q)))
            .collect();
        if !rows.is_empty() {
            let t = quality::shares_table(l, &l.t("quality-of-total"), &rows);
            let _ = writeln!(out, "{}\n", t.render());
        }
    }

    let phases: Vec<(Phase, String)> = Phase::ALL
        .into_iter()
        .filter(|p| ic.rows.iter().any(|r| r.by_phase.contains_key(p)))
        .map(|p| (p, l.phase(p)))
        .collect();
    if !phases.is_empty() {
        keyed_table(
            out,
            (l, term),
            ic,
            ("by-phase", "col-phase"),
            &phases,
            |row, p| row.by_phase.get(p).copied(),
        );
    }

    let units: Vec<(&String, String)> = {
        let mut v: Vec<&String> = ic.rows.iter().flat_map(|r| r.per_unit.keys()).collect();
        v.sort();
        v.dedup();
        v.into_iter().map(|u| (u, u.clone())).collect()
    };
    if !units.is_empty() {
        keyed_table(
            out,
            (l, term),
            ic,
            ("per-functional-unit", "col-functional-unit"),
            &units,
            |row, u| row.per_unit.get(*u).copied(),
        );
    }

    let categorised: Vec<_> = ic
        .rows
        .iter()
        .filter(|r| !r.by_category.is_empty() || !r.memo.is_empty())
        .collect();
    if !categorised.is_empty() {
        let mut t = Table::new();
        t.set_header(vec![
            l.t("col-method"),
            l.t("col-category"),
            l.t("col-amount"),
            String::new(),
        ]);
        for row in categorised {
            for (cat, v) in &row.by_category {
                t.add_row(vec![
                    row.method.clone(),
                    l.category(cat),
                    l.amount(*v, i),
                    String::new(),
                ]);
            }
            for (cat, v) in &row.memo {
                t.add_row(vec![
                    row.method.clone(),
                    l.category(cat),
                    l.amount(*v, i),
                    l.t("memo-not-in-total"),
                ]);
            }
        }
        let _ = writeln!(out, "{}\n", show(&t, term, None));
    }

    if let Some(term) = term {
        terminal::divergence(out, c, (l, i), term);
        return;
    }
    let pairs: Vec<_> = c.divergences.iter().filter(|d| d.indicator == i).collect();
    if !pairs.is_empty() {
        let drivers = active_drivers(c, i);
        let mut t = Table::new();
        let mut header = vec![
            l.t("divergence-pairs"),
            l.t("col-a"),
            l.t("col-b"),
            l.t("b-minus-a"),
        ];
        header.extend(driver_header(l, &drivers));
        t.set_header(header);
        let total = |v: Option<f64>| v.map_or_else(|| l.t("not-covered"), |v| l.amount(v, i));
        for d in pairs {
            let mut cells = vec![
                format!("{} → {}", d.a, d.b),
                total(d.a_total),
                total(d.b_total),
                l.amount(d.difference, i),
            ];
            let by_driver = d.drivers.iter().map(|x| (x.driver, x.amount));
            cells.extend(driver_cells(l, &drivers, by_driver, d.residual_shown(), i));
            t.add_row(cells);
        }
        let _ = writeln!(out, "{}\n", t.render());
    }
}

/// The comparison as Markdown (`markdown = true`) or as terminal text.
pub fn render_text(report: &Report<'_>, markdown: bool) -> String {
    crate::to_string(|w| write_text(report, markdown, w))
}

/// Writes the comparison as Markdown (`markdown = true`) or as terminal text into `w`, one
/// section at a time.
pub fn write_text(
    report: &Report<'_>,
    markdown: bool,
    w: &mut dyn std::io::Write,
) -> std::io::Result<()> {
    let (h1, h2, h3) = if markdown {
        ("# ", "## ", "###")
    } else {
        ("", "", "==")
    };
    let c = report.comparison;
    let term = if markdown {
        None
    } else {
        report.terminal.as_ref()
    };
    let l = report.lang;
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{h1}{}\n",
        l.msg("compare-title", &[("system", report.system)])
    );
    let _ = writeln!(
        out,
        "{}\n",
        l.msg("reporting-period", &[("period", &report.period_text())])
    );
    if l != Lang::En {
        let _ = writeln!(out, "{}\n", l.t("method-texts"));
    }
    let mut t = Table::new();
    t.set_header(vec![
        l.t("col-method"),
        l.t("col-version"),
        l.t("col-name"),
        l.t("col-status"),
    ]);
    for m in &c.methods {
        t.add_row(vec![
            m.id.clone(),
            m.version.clone(),
            m.name.clone(),
            m.error.as_ref().map_or_else(
                || l.t("status-ok"),
                |e| l.msg("status-error", &[("error", e)]),
            ),
        ]);
    }
    let _ = writeln!(out, "{}\n", show(&t, term, None));
    drain(&mut out, term, w)?;
    for ic in &c.indicators {
        if ic.rows.iter().any(|r| r.covered) {
            indicator_section(&mut out, (h3, markdown), (l, term), c, ic);
            drain(&mut out, term, w)?;
        }
    }
    let _ = writeln!(
        out,
        "{}\n",
        l.msg("data-quality", &[("rule", &quality::rule(l))])
    );
    let before = out.len();
    quality::missing_lines(
        &mut out,
        l,
        c.methods
            .iter()
            .map(|m| (m.id.as_str(), m.missing_stages.as_slice())),
    );
    if out.len() > before {
        out.push('\n');
    }
    if let Some(line) = crate::uncovered::summary(l, c) {
        let _ = writeln!(out, "{line}\n");
    }
    let warned: Vec<_> = report
        .assessments
        .iter()
        .filter(|a| !a.warnings.is_empty())
        .collect();
    if !warned.is_empty() {
        let _ = writeln!(out, "{h2}{}\n", l.t("warnings"));
        for a in warned {
            for w in &a.warnings {
                let _ = writeln!(out, "- {}", l.label_value(&a.method.id, w));
            }
        }
        out.push('\n');
    }
    assumptions::section(&mut out, (l, h2), &report.assessments);
    let _ = writeln!(out, "{h2}{}\n", l.t("drivers"));
    let mut t = Table::new();
    t.set_header(vec![l.t("col-driver"), l.t("col-method"), l.t("col-rule")]);
    for m in &c.methods {
        for d in Driver::ALL {
            let rule = c
                .divergences
                .iter()
                .flat_map(|x| {
                    x.drivers
                        .iter()
                        .filter(move |a| a.driver == d)
                        .map(move |a| (x, a))
                })
                .find_map(|(x, a)| {
                    if x.a == m.id {
                        a.a_rule.clone()
                    } else if x.b == m.id {
                        a.b_rule.clone()
                    } else {
                        None
                    }
                });
            if let Some(rule) = rule {
                t.add_row(vec![l.driver(d), m.id.clone(), rule]);
            }
        }
    }
    let _ = writeln!(out, "{}\n", show(&t, term, None));
    let _ = writeln!(out, "{h2}{}\n", l.t("reconciliation"));
    let mut t = Table::new();
    t.set_header(vec![
        l.t("col-method"),
        l.t("col-items"),
        l.t("col-included"),
        l.t("col-excluded"),
        l.t("col-unaccounted"),
    ]);
    for r in &c.reconciliation {
        t.add_row(vec![
            r.method.clone(),
            r.items.to_string(),
            r.included.to_string(),
            r.excluded.to_string(),
            if r.unaccounted.is_empty() {
                "0".to_owned()
            } else {
                r.unaccounted
                    .iter()
                    .map(|i| i.to_string())
                    .collect::<Vec<_>>()
                    .join(", ")
            },
        ]);
    }
    let _ = writeln!(out, "{}\n", show(&t, term, None));
    out.push_str(&crate::estimated::render_text(
        &report.estimated,
        markdown,
        l,
    ));
    if let Some(u) = &c.uncertainty {
        let width = term.map(|t| t.width);
        out.push_str(&crate::uncertainty::render_text(u, markdown, (l, width)));
    }
    let _ = writeln!(out, "{h2}{}\n", l.t("reproducibility"));
    for line in report.stamp.lines_in(l) {
        let _ = writeln!(out, "- {line}");
    }
    drain(&mut out, term, w)
}

/// Writes `out` into `w` and empties it; on a terminal, its long lines wrapped first.
fn drain(
    out: &mut String,
    term: Option<&Terminal>,
    w: &mut dyn std::io::Write,
) -> std::io::Result<()> {
    if let Some(term) = term {
        *out = term.wrap_lines(out);
    }
    crate::drain(out, w)
}
