//! The league table as terminal text or Markdown: one block per method and indicator, the
//! systems as rows.

use std::fmt::Write as _;

use bilan_core::indicator::Indicator;
use bilan_core::quality::FigureQuality;
use bilan_runner::systems::{
    LeagueTable, PhaseFactors, Status, SystemDivergence, SystemDriver, SystemFigure,
};

use super::Report;
use crate::number::{amount, count, significant};
use crate::quality;
use crate::table::Table;

/// `470.2 t CO2e`, or why there is no figure.
pub(super) fn total_text(r: &SystemFigure, i: Indicator) -> String {
    match (r.status, r.total) {
        (Status::Ok, Some(v)) => amount(v, i),
        (status, _) => status.label().to_owned(),
    }
}

/// `×0.1234` of the baseline's total, when both are non-zero figures.
pub(super) fn ratio_text(r: &SystemFigure, baseline: &SystemFigure, first: bool) -> String {
    if first {
        return "baseline".to_owned();
    }
    match (r.total, baseline.total) {
        (Some(x), Some(b)) if b != 0.0 => format!("×{}", significant(x / b, 4)),
        _ => "-".to_owned(),
    }
}

/// The residual as text shows it: `0` when it is float noise (under 1e-9 of the larger
/// total); the CSV and JSON keep the exact value.
pub(super) fn residual_text(residual: f64, d: &SystemDivergence) -> String {
    let scale = d.baseline_total.abs().max(d.total.abs());
    if residual.abs() <= 1e-9 * scale {
        "0".to_owned()
    } else {
        amount(residual, d.indicator)
    }
}

/// The drivers that explain something in at least one of `divs`, in report order.
pub(super) fn active_drivers(divs: &[&SystemDivergence]) -> Vec<SystemDriver> {
    SystemDriver::ALL
        .into_iter()
        .filter(|x| {
            divs.iter()
                .any(|d| d.drivers.iter().any(|a| a.driver == *x))
        })
        .collect()
}

fn factors_text(f: &PhaseFactors, i: Indicator) -> [String; 4] {
    let opt = |v: Option<f64>, f: &dyn Fn(f64) -> String| v.map_or("-".to_owned(), f);
    [
        opt(f.volume, &count),
        opt(f.energy_per_unit(), &|v| {
            format!("{} kWh", significant(v, 4))
        }),
        opt(f.pue(), &|v| significant(v, 4)),
        opt(f.grid(), &|v| format!("{}/kWh", amount(v, i))),
    ]
}

fn league(out: &mut String, report: &Report<'_>, t: &LeagueTable, h: &str, md: bool) {
    let i = t.indicator;
    let _ = writeln!(out, "{h} {} — {} ({})\n", i.id(), i.name(), i.unit());
    let mut table = Table::new();
    table.set_header(vec!["system", "total", "grade", "vs baseline", "data"]);
    let baseline = &t.rows[0];
    for (n, r) in t.rows.iter().enumerate() {
        let data = r
            .quality
            .as_ref()
            .map_or(String::new(), |q| q.shares.summary());
        table.add_row(vec![
            r.system.clone(),
            total_text(r, i),
            quality::grade(r.quality.as_ref()).to_owned(),
            ratio_text(r, baseline, n == 0),
            data,
        ]);
    }
    let _ = writeln!(out, "{}\n", table.render());
    let before = out.len();
    quality::missing_lines(
        out,
        crate::lang::Lang::En,
        t.rows
            .iter()
            .map(|r| (r.system.as_str(), r.missing_stages.as_slice())),
    );
    let mut noted = out.len() > before;
    for r in t.rows.iter().filter(|r| r.status != Status::Ok) {
        if let Some(note) = &r.note {
            if note.starts_with(r.status.label()) {
                let _ = writeln!(out, "- {}: {note}", r.system);
            } else {
                let _ = writeln!(out, "- {}: {}: {note}", r.system, r.status.label());
            }
            noted = true;
        }
    }
    if noted {
        out.push('\n');
    }
    if md {
        let rows: Vec<(String, &FigureQuality)> = t
            .rows
            .iter()
            .filter_map(|r| r.quality.as_ref().map(|q| (r.system.clone(), q)))
            .collect();
        if !rows.is_empty() {
            let q = quality::shares_table(
                crate::lang::Lang::En,
                "system (data quality of the total)",
                &rows,
            );
            let _ = writeln!(out, "{}\n", q.render());
        }
    }
    if !t.units.is_empty() {
        let mut table = Table::new();
        table.set_header(vec![
            "functional unit",
            "system",
            "unit",
            "figure",
            "grade",
            "note",
        ]);
        for u in &t.units {
            for c in &u.cells {
                let (figure, note) = match (c.value, &c.missing) {
                    (Some(v), _) => (
                        amount(v, i),
                        c.output_tokens_per_request.map_or(String::new(), |l| {
                            format!("{} output tokens per request", significant(l, 4))
                        }),
                    ),
                    (None, m) => ("missing".to_owned(), m.clone().unwrap_or_default()),
                };
                table.add_row(vec![
                    u.label.clone(),
                    c.system.clone(),
                    c.functional_unit.clone().unwrap_or_default(),
                    figure,
                    c.total_grade.map_or("-", |g| g.letter()).to_owned(),
                    note,
                ]);
            }
        }
        let _ = writeln!(out, "{}\n", table.render());
    }
    let divs: Vec<&SystemDivergence> = report
        .from_baseline()
        .filter(|d| d.method == t.method && d.indicator == i)
        .collect();
    if divs.is_empty() {
        return;
    }
    let drivers = active_drivers(&divs);
    let mut table = Table::new();
    let mut header = vec!["system B (B − baseline)".to_owned(), "B − A".to_owned()];
    header.extend(drivers.iter().map(|d| d.id().to_owned()));
    header.push("residual".to_owned());
    table.set_header(header);
    for d in &divs {
        let mut cells = vec![d.system.clone(), amount(d.difference, i)];
        cells.extend(drivers.iter().map(|x| {
            d.drivers
                .iter()
                .find(|a| a.driver == *x)
                .map_or("-".to_owned(), |a| amount(a.amount, i))
        }));
        cells.push(residual_text(d.residual, d));
        table.add_row(cells);
    }
    let _ = writeln!(out, "{}\n", table.render());
    if md {
        by_kind(out, &divs, i);
        phases(out, &divs, i);
    }
    for d in &divs {
        for n in &d.notes {
            let _ = writeln!(out, "- {}: {n}", d.system);
        }
    }
    if divs.iter().any(|d| !d.notes.is_empty()) {
        out.push('\n');
    }
}

fn by_kind(out: &mut String, divs: &[&SystemDivergence], i: Indicator) {
    let mut kinds: Vec<_> = divs
        .iter()
        .flat_map(|d| d.by_kind.iter().map(|k| k.kind))
        .collect();
    kinds.sort();
    kinds.dedup();
    let mut table = Table::new();
    let mut header = vec!["by item kind (B − baseline)".to_owned()];
    header.extend(kinds.iter().map(|k| k.key().to_owned()));
    header.push("residual".to_owned());
    table.set_header(header);
    for d in divs {
        let mut cells = vec![d.system.clone()];
        cells.extend(kinds.iter().map(|k| {
            d.by_kind
                .iter()
                .find(|x| x.kind == *k)
                .map_or("-".to_owned(), |x| amount(x.amount, i))
        }));
        cells.push(residual_text(d.by_kind_residual, d));
        table.add_row(cells);
    }
    let _ = writeln!(out, "{}\n", table.render());
}

fn phases(out: &mut String, divs: &[&SystemDivergence], i: Indicator) {
    let mut table = Table::new();
    table.set_header(vec![
        "electricity by phase (baseline → B)",
        "phase",
        "unit",
        "split",
        "volume",
        "IT energy per unit",
        "PUE",
        "grid (effective)",
    ]);
    for d in divs {
        for p in &d.phases {
            let [va, ea, ua, ga] = factors_text(&p.baseline, i);
            let [vb, eb, ub, gb] = factors_text(&p.system, i);
            table.add_row(vec![
                d.system.clone(),
                p.phase.map_or("none".to_owned(), |x| x.id().to_owned()),
                p.unit.map_or("-".to_owned(), |u| u.id().to_owned()),
                p.rule.id().to_owned(),
                format!("{va} → {vb}"),
                format!("{ea} → {eb}"),
                format!("{ua} → {ub}"),
                format!("{ga} → {gb}"),
            ]);
        }
    }
    let _ = writeln!(out, "{}\n", table.render());
}

/// The league table as Markdown (`markdown = true`) or terminal text.
pub fn render_text(report: &Report<'_>, markdown: bool) -> String {
    crate::to_string(|w| write_text(report, markdown, w))
}

/// Writes the league table as Markdown (`markdown = true`) or terminal text into `w`, one
/// method at a time.
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
    let s = report.systems;
    let mut out = String::new();
    let _ = writeln!(out, "{h1}Systems compared — {} systems\n", s.systems.len());
    let mut t = Table::new();
    t.set_header(vec!["system", "inventory's name", "reporting period"]);
    for (n, x) in s.systems.iter().enumerate() {
        let name = if n == 0 {
            format!("{} (baseline)", x.name)
        } else {
            x.name.clone()
        };
        t.add_row(vec![name, x.title.clone(), x.period.clone()]);
    }
    let _ = writeln!(out, "{}\n", t.render());
    for m in &s.methods {
        let _ = writeln!(out, "{h2}{} {} — {}\n", m.id, m.version, m.name);
        for t in s.tables.iter().filter(|t| t.method == m.id) {
            league(&mut out, report, t, h3, markdown);
        }
        let mut failed = false;
        for f in s.failures.iter().filter(|f| f.method == m.id) {
            let _ = writeln!(
                out,
                "{} {} on {}: {}",
                m.id,
                f.status.label(),
                f.system,
                f.reason
            );
            failed = true;
        }
        if failed {
            out.push('\n');
        }
        if !s.tables.iter().any(|t| t.method == m.id) {
            let _ = writeln!(out, "no figure on any system\n");
        }
        crate::drain(&mut out, w)?;
    }
    let _ = writeln!(
        out,
        "data quality: {}\n",
        quality::rule(crate::lang::Lang::En)
    );
    let _ = writeln!(
        out,
        "differences: each system against the baseline, by driver (LMDI per phase over volume × IT energy per unit × PUE × grid; hardware, building and other items additive) and by item kind, each with its residual: docs/systems.md\n"
    );
    let _ = writeln!(out, "{h2}Reproducibility\n");
    for st in &report.stamps {
        let _ = writeln!(out, "{}:", st.system);
        for line in st.stamp.lines() {
            let _ = writeln!(out, "- {line}");
        }
        out.push('\n');
    }
    crate::drain(&mut out, w)
}
