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
use crate::number::amount;
use crate::quality;
use crate::table::Table;
use crate::trail::{Assessments, Trail};

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
            comparison,
            assessments: assessments.into(),
            estimated: crate::estimated::collect(inventory),
        }
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

fn cell(value: Option<f64>, indicator: Indicator) -> String {
    value.map_or("-".to_owned(), |v| amount(v, indicator))
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
    h: &str,
    md: bool,
    c: &Comparison,
    ic: &IndicatorComparison,
) {
    let i = ic.indicator;
    let _ = writeln!(out, "{h} {} — {} ({})\n", i.id(), i.name(), i.unit());
    let mut t = Table::new();
    let mut header = vec!["method".to_owned(), "total".to_owned(), "grade".to_owned()];
    header.extend(Stage::ALL.iter().map(|s| s.id().to_owned()));
    t.set_header(header);
    for row in &ic.rows {
        if !row.covered {
            let mut cells = vec![
                row.method.clone(),
                row.missing_label().to_owned(),
                String::new(),
            ];
            cells.extend(Stage::ALL.iter().map(|_| String::new()));
            t.add_row(cells);
            continue;
        }
        let mut cells = vec![
            row.method.clone(),
            cell(row.total, i),
            quality::grade(row.quality.as_ref()).to_owned(),
        ];
        cells.extend(
            Stage::ALL
                .iter()
                .map(|s| cell(row.by_stage.get(s).copied(), i)),
        );
        t.add_row(cells);
    }
    for m in c.methods.iter().filter(|m| m.error.is_some()) {
        let mut cells = vec![m.id.clone(), "error".to_owned(), String::new()];
        cells.extend(Stage::ALL.iter().map(|_| String::new()));
        t.add_row(cells);
    }
    let _ = writeln!(out, "{}\n", t.render());
    if md {
        let rows: Vec<(String, &FigureQuality)> = ic
            .rows
            .iter()
            .filter_map(|r| r.quality.as_ref().map(|q| (r.method.clone(), q)))
            .collect();
        if !rows.is_empty() {
            let t = quality::shares_table("method (data quality of the total)", &rows);
            let _ = writeln!(out, "{}\n", t.render());
        }
    }

    let phases: Vec<Phase> = Phase::ALL
        .into_iter()
        .filter(|p| ic.rows.iter().any(|r| r.by_phase.contains_key(p)))
        .collect();
    if !phases.is_empty() {
        let mut t = Table::new();
        let mut header = vec!["method (by phase)".to_owned()];
        header.extend(phases.iter().map(|p| p.id().to_owned()));
        t.set_header(header);
        for row in ic.rows.iter().filter(|r| r.covered) {
            let mut cells = vec![row.method.clone()];
            cells.extend(phases.iter().map(|p| cell(row.by_phase.get(p).copied(), i)));
            t.add_row(cells);
        }
        let _ = writeln!(out, "{}\n", t.render());
    }

    let units: Vec<&String> = {
        let mut v: Vec<&String> = ic.rows.iter().flat_map(|r| r.per_unit.keys()).collect();
        v.sort();
        v.dedup();
        v
    };
    if !units.is_empty() {
        let mut t = Table::new();
        let mut header = vec!["method (per functional unit)".to_owned()];
        header.extend(units.iter().map(|u| (*u).clone()));
        t.set_header(header);
        for row in ic.rows.iter().filter(|r| r.covered) {
            let mut cells = vec![row.method.clone()];
            cells.extend(units.iter().map(|u| cell(row.per_unit.get(*u).copied(), i)));
            t.add_row(cells);
        }
        let _ = writeln!(out, "{}\n", t.render());
    }

    let categorised: Vec<_> = ic
        .rows
        .iter()
        .filter(|r| !r.by_category.is_empty() || !r.memo.is_empty())
        .collect();
    if !categorised.is_empty() {
        let mut t = Table::new();
        t.set_header(vec!["method", "category", "amount", ""]);
        for row in categorised {
            for (cat, v) in &row.by_category {
                t.add_row(vec![
                    row.method.clone(),
                    cat.clone(),
                    amount(*v, i),
                    String::new(),
                ]);
            }
            for (cat, v) in &row.memo {
                t.add_row(vec![
                    row.method.clone(),
                    cat.clone(),
                    amount(*v, i),
                    "memo, not in total".to_owned(),
                ]);
            }
        }
        let _ = writeln!(out, "{}\n", t.render());
    }

    let pairs: Vec<_> = c.divergences.iter().filter(|d| d.indicator == i).collect();
    if !pairs.is_empty() {
        let drivers = active_drivers(c, i);
        let mut t = Table::new();
        let mut header = vec![
            "divergence (B − A)".to_owned(),
            "A".to_owned(),
            "B".to_owned(),
            "B − A".to_owned(),
        ];
        header.extend(drivers.iter().map(|d| d.id().to_owned()));
        header.push("residual".to_owned());
        t.set_header(header);
        for d in pairs {
            let mut cells = vec![
                format!("{} → {}", d.a, d.b),
                d.a_total.map_or("not covered".to_owned(), |v| amount(v, i)),
                d.b_total.map_or("not covered".to_owned(), |v| amount(v, i)),
                amount(d.difference, i),
            ];
            cells.extend(drivers.iter().map(|drv| {
                d.drivers
                    .iter()
                    .find(|x| x.driver == *drv)
                    .map_or("-".to_owned(), |x| amount(x.amount, i))
            }));
            let residual = d.residual_shown();
            cells.push(if residual == 0.0 {
                "0".to_owned()
            } else {
                amount(residual, i)
            });
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
    let mut out = String::new();
    let _ = writeln!(out, "{h1}Comparison — {}\n", report.system);
    let _ = writeln!(out, "reporting period: {}\n", report.period);
    let mut t = Table::new();
    t.set_header(vec!["method", "version", "name", "status"]);
    for m in &c.methods {
        t.add_row(vec![
            m.id.clone(),
            m.version.clone(),
            m.name.clone(),
            m.error
                .as_ref()
                .map_or("ok".to_owned(), |e| format!("ERROR: {e}")),
        ]);
    }
    let _ = writeln!(out, "{}\n", t.render());
    crate::drain(&mut out, w)?;
    for ic in &c.indicators {
        if ic.rows.iter().any(|r| r.covered) {
            indicator_section(&mut out, h3, markdown, c, ic);
            crate::drain(&mut out, w)?;
        }
    }
    let _ = writeln!(out, "data quality: {}\n", quality::RULE);
    let before = out.len();
    quality::missing_lines(
        &mut out,
        c.methods
            .iter()
            .map(|m| (m.id.as_str(), m.missing_stages.as_slice())),
    );
    if out.len() > before {
        out.push('\n');
    }
    let not_covered: Vec<String> = c
        .indicators
        .iter()
        .filter(|ic| !ic.rows.iter().any(|r| r.covered))
        .map(|ic| {
            let uncomputed: Vec<&str> = ic
                .rows
                .iter()
                .filter(|r| r.not_computed)
                .map(|r| r.method.as_str())
                .collect();
            if uncomputed.is_empty() {
                ic.indicator.id().to_owned()
            } else {
                format!(
                    "{} (not computed by {}: every contribution excluded)",
                    ic.indicator.id(),
                    uncomputed.join(", ")
                )
            }
        })
        .collect();
    if !not_covered.is_empty() {
        let _ = writeln!(
            out,
            "not covered by any selected method: {}\n",
            not_covered.join(", ")
        );
    }
    let warned: Vec<_> = report
        .assessments
        .iter()
        .filter(|a| !a.warnings.is_empty())
        .collect();
    if !warned.is_empty() {
        let _ = writeln!(out, "{h2}Warnings\n");
        for a in warned {
            for w in &a.warnings {
                let _ = writeln!(out, "- {}: {w}", a.method.id);
            }
        }
        out.push('\n');
    }
    let _ = writeln!(out, "{h2}Drivers\n");
    let mut t = Table::new();
    t.set_header(vec!["driver", "method", "rule"]);
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
                t.add_row(vec![d.id().to_owned(), m.id.clone(), rule]);
            }
        }
    }
    let _ = writeln!(out, "{}\n", t.render());
    let _ = writeln!(out, "{h2}Reconciliation\n");
    let mut t = Table::new();
    t.set_header(vec![
        "method",
        "items",
        "included",
        "excluded",
        "unaccounted",
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
    let _ = writeln!(out, "{}\n", t.render());
    out.push_str(&crate::estimated::render_text(&report.estimated, markdown));
    if let Some(u) = &c.uncertainty {
        out.push_str(&crate::uncertainty::render_text(u, markdown));
    }
    let _ = writeln!(out, "{h2}Reproducibility\n");
    for line in report.stamp.lines() {
        let _ = writeln!(out, "- {line}");
    }
    crate::drain(&mut out, w)
}

/// The comparison as CSV, one figure a row, full precision; estimated inputs, if any, as
/// `estimated` rows (see [`crate::estimated::write_csv_rows`]) before the stamp; with
/// uncertainty, its rows come last (see [`crate::uncertainty`]).
pub fn render_csv(report: &Report<'_>) -> Result<String, csv::Error> {
    let mut bytes = Vec::new();
    write_csv(report, &mut bytes)?;
    Ok(String::from_utf8_lossy(&bytes).into_owned())
}

/// Writes the comparison as CSV (see [`render_csv`]) into `out`, row by row.
pub fn write_csv(report: &Report<'_>, out: &mut dyn std::io::Write) -> Result<(), csv::Error> {
    let mut w = csv::Writer::from_writer(out);
    w.write_record(["section", "indicator", "method", "key", "value", "unit"])?;
    let c = report.comparison;
    let num = |v: f64| v.to_string();
    for ic in &c.indicators {
        let unit = ic.indicator.unit();
        let ind = ic.indicator.id();
        for row in &ic.rows {
            if !row.covered {
                w.write_record(["total", ind, &row.method, "", row.missing_label(), ""])?;
                continue;
            }
            if let Some(total) = row.total {
                w.write_record(["total", ind, &row.method, "", &num(total), unit])?;
            }
            for (s, v) in &row.by_stage {
                w.write_record(["stage", ind, &row.method, s.id(), &num(*v), unit])?;
            }
            for (p, v) in &row.by_phase {
                w.write_record(["phase", ind, &row.method, p.id(), &num(*v), unit])?;
            }
            for (k, v) in &row.by_category {
                w.write_record(["category", ind, &row.method, k, &num(*v), unit])?;
            }
            for (k, v) in &row.memo {
                w.write_record(["memo", ind, &row.method, k, &num(*v), unit])?;
            }
            for (k, v) in &row.per_unit {
                w.write_record(["per-unit", ind, &row.method, k, &num(*v), unit])?;
            }
            if let Some(q) = &row.quality {
                quality::csv_rows(&mut w, ind, &row.method, q)?;
            }
        }
        for d in c.divergences.iter().filter(|d| d.indicator == ic.indicator) {
            let pair = format!("{} → {}", d.a, d.b);
            w.write_record([
                "divergence",
                ind,
                &pair,
                "difference",
                &num(d.difference),
                unit,
            ])?;
            for a in &d.drivers {
                w.write_record([
                    "divergence",
                    ind,
                    &pair,
                    a.driver.id(),
                    &num(a.amount),
                    unit,
                ])?;
            }
            w.write_record(["divergence", ind, &pair, "residual", &num(d.residual), unit])?;
        }
    }
    for m in c.methods.iter().filter(|m| m.error.is_some()) {
        w.write_record(["error", "", &m.id, "", m.error.as_deref().unwrap_or(""), ""])?;
    }
    crate::estimated::write_csv_rows(&mut w, &report.estimated)?;
    // The reproducibility stamp, as rows too: a CSV travels without its command line.
    let st = report.stamp;
    w.write_record(["stamp", "", "", "bilan", &st.bilan, ""])?;
    w.write_record([
        "stamp",
        "",
        "",
        "inventory",
        &st.inventory.path,
        &st.inventory.sha256,
    ])?;
    w.write_record(["stamp", "", "", "factor-database", &st.factor_database, ""])?;
    for f in &st.factor_files {
        w.write_record(["stamp", "", "", "factor-file", &f.path, &f.sha256])?;
    }
    for m in &st.methods {
        let (origin, sha256) = match &m.origin {
            bilan_runner::Origin::Builtin => ("built in".to_owned(), String::new()),
            bilan_runner::Origin::File { path, sha256 } => (format!("file {path}"), sha256.clone()),
            bilan_runner::Origin::Plugin {
                path,
                sha256,
                plugin,
            } => (format!("plugin {plugin} at {path}"), sha256.clone()),
        };
        w.write_record([
            "stamp",
            "",
            &format!("{}@{}", m.id, m.version),
            "method",
            &origin,
            &sha256,
        ])?;
    }
    if let Some(u) = &c.uncertainty {
        crate::uncertainty::write_csv_rows(&mut w, u)?;
    }
    w.flush()?;
    Ok(())
}
