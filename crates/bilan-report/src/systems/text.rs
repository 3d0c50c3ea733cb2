//! The league table as terminal text or Markdown: one block per method and indicator, the
//! systems as rows.

use std::fmt::Write as _;

use bilan_core::indicator::Indicator;
use bilan_core::quality::FigureQuality;
use bilan_runner::systems::{
    LeagueTable, PhaseFactors, Status, SystemDivergence, SystemDriver, SystemFigure,
};

use super::Report;
use crate::lang::Lang;
use crate::quality;
use crate::table::Table;

/// `470.2 t CO2e`, or why there is no figure.
pub(super) fn total_text(l: Lang, r: &SystemFigure, i: Indicator) -> String {
    match (r.status, r.total) {
        (Status::Ok, Some(v)) => l.amount(v, i),
        (status, _) => l.status(status),
    }
}

/// `×0.1234` of the baseline's total, when both are non-zero figures.
pub(super) fn ratio_text(
    l: Lang,
    r: &SystemFigure,
    baseline: &SystemFigure,
    first: bool,
) -> String {
    if first {
        return l.t("baseline");
    }
    match (r.total, baseline.total) {
        (Some(x), Some(b)) if b != 0.0 => match x / b {
            ratio if ratio.is_finite() => format!("×{}", l.number(ratio, 4)),
            // Totals of 67 Mt against 7e-302 kg: no number says how many times.
            _ => l.t("ratio-beyond-range"),
        },
        _ => "-".to_owned(),
    }
}

/// Whether `residual` is float noise (under 1e-9 of the larger total), shown as `0`; the
/// CSV and JSON keep the exact value.
pub(super) fn is_noise(residual: f64, d: &SystemDivergence) -> bool {
    residual.abs() <= 1e-9 * d.baseline_total.abs().max(d.total.abs())
}

/// The residual as text shows it: `0` when it is float noise.
pub(super) fn residual_text(l: Lang, residual: f64, d: &SystemDivergence) -> String {
    if is_noise(residual, d) {
        "0".to_owned()
    } else {
        l.amount(residual, d.indicator)
    }
}

/// `disclosed 100 %, default 0 %`-style summary of a figure's shares by class of input.
fn shares_summary(l: Lang, q: &FigureQuality) -> String {
    let parts: Vec<String> = bilan_core::quality::DataClass::ALL
        .iter()
        .filter(|c| q.shares.get(**c) > 0.0)
        .map(|c| {
            let share = format!("{:.0}", q.shares.get(*c) * 100.0);
            match l {
                Lang::En => format!("{} {share} %", l.data_class(*c)),
                Lang::Fr => format!("{} {share}\u{202F}%", l.data_class(*c)),
            }
        })
        .collect();
    parts.join(", ")
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

fn factors_text(l: Lang, f: &PhaseFactors, i: Indicator) -> [String; 4] {
    let opt = |v: Option<f64>, f: &dyn Fn(f64) -> String| v.map_or("-".to_owned(), f);
    [
        opt(f.volume, &|v| l.count(v)),
        opt(f.energy_per_unit(), &|v| l.with_unit(v, "kWh")),
        opt(f.pue(), &|v| l.number(v, 4)),
        opt(f.grid(), &|v| format!("{}/kWh", l.amount(v, i))),
    ]
}

fn league(out: &mut String, report: &Report<'_>, t: &LeagueTable, h: &str, md: bool) {
    let l = report.lang;
    let i = t.indicator;
    let _ = writeln!(out, "{h} {} — {} ({})\n", i.id(), l.indicator(i), i.unit());
    let mut table = Table::new();
    table.set_header(vec![
        l.t("col-system"),
        l.t("col-total"),
        l.t("col-grade"),
        l.t("col-vs-baseline"),
        l.t("col-data"),
    ]);
    let baseline = &t.rows[0];
    for (n, r) in t.rows.iter().enumerate() {
        let data = r
            .quality
            .as_ref()
            .map_or(String::new(), |q| shares_summary(l, q));
        table.add_row(vec![
            r.system.clone(),
            total_text(l, r, i),
            quality::grade(r.quality.as_ref()).to_owned(),
            ratio_text(l, r, baseline, n == 0),
            data,
        ]);
    }
    let _ = writeln!(out, "{}\n", table.render());
    let before = out.len();
    quality::missing_lines(
        out,
        l,
        t.rows
            .iter()
            .map(|r| (r.system.as_str(), r.missing_stages.as_slice())),
    );
    let mut noted = out.len() > before;
    for r in t.rows.iter().filter(|r| r.status != Status::Ok) {
        if let Some(note) = &r.note {
            // A method's note that starts with the status already says it (in English).
            if note.starts_with(r.status.label()) {
                let _ = writeln!(out, "- {}", l.label_value(&r.system, note));
            } else {
                let status = l.label_value(&l.status(r.status), note);
                let _ = writeln!(out, "- {}", l.label_value(&r.system, &status));
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
            let q = quality::shares_table(l, &l.t("quality-of-total-system"), &rows);
            let _ = writeln!(out, "{}\n", q.render());
        }
    }
    if !t.units.is_empty() {
        let mut table = Table::new();
        table.set_header(vec![
            l.t("col-functional-unit"),
            l.t("col-system"),
            l.t("col-unit"),
            l.t("col-figure"),
            l.t("col-grade"),
            l.t("col-note"),
        ]);
        for u in &t.units {
            for c in &u.cells {
                let (figure, note) = match (c.value, &c.missing) {
                    (Some(v), _) => (
                        l.amount(v, i),
                        output_tokens(l, c.output_tokens_per_request),
                    ),
                    (None, m) => (l.t("missing"), m.clone().unwrap_or_default()),
                };
                table.add_row(vec![
                    l.unit_kind(u.kind),
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
    let mut header = vec![l.t("system-b-minus-baseline"), l.t("b-minus-a")];
    header.extend(drivers.iter().map(|d| l.system_driver(*d)));
    header.push(l.t("residual"));
    table.set_header(header);
    for d in &divs {
        let mut cells = vec![d.system.clone(), l.amount(d.difference, i)];
        cells.extend(drivers.iter().map(|x| {
            d.drivers
                .iter()
                .find(|a| a.driver == *x)
                .map_or("-".to_owned(), |a| l.amount(a.amount, i))
        }));
        cells.push(residual_text(l, d.residual, d));
        table.add_row(cells);
    }
    let _ = writeln!(out, "{}\n", table.render());
    if md {
        by_kind(out, l, &divs, i);
        phases(out, l, &divs, i);
    }
    for d in &divs {
        for n in &d.notes {
            let _ = writeln!(out, "- {}", l.label_value(&d.system, n));
        }
    }
    if divs.iter().any(|d| !d.notes.is_empty()) {
        out.push('\n');
    }
}

/// `1,200 output tokens per request`, when the functional unit has them.
pub(super) fn output_tokens(l: Lang, tokens: Option<f64>) -> String {
    tokens.map_or(String::new(), |n| {
        let count = l.number(n, 4);
        l.msg("output-tokens", &[("count", &count)])
    })
}

fn by_kind(out: &mut String, l: Lang, divs: &[&SystemDivergence], i: Indicator) {
    let mut kinds: Vec<_> = divs
        .iter()
        .flat_map(|d| d.by_kind.iter().map(|k| k.kind))
        .collect();
    kinds.sort();
    kinds.dedup();
    let mut table = Table::new();
    let mut header = vec![l.t("by-kind-header")];
    header.extend(kinds.iter().map(|k| l.item_kind(*k)));
    header.push(l.t("residual"));
    table.set_header(header);
    for d in divs {
        let mut cells = vec![d.system.clone()];
        cells.extend(kinds.iter().map(|k| {
            d.by_kind
                .iter()
                .find(|x| x.kind == *k)
                .map_or("-".to_owned(), |x| l.amount(x.amount, i))
        }));
        cells.push(residual_text(l, d.by_kind_residual, d));
        table.add_row(cells);
    }
    let _ = writeln!(out, "{}\n", table.render());
}

fn phases(out: &mut String, l: Lang, divs: &[&SystemDivergence], i: Indicator) {
    let mut table = Table::new();
    table.set_header(vec![
        l.t("phases-header"),
        l.t("col-phase"),
        l.t("col-unit"),
        l.t("col-split"),
        l.t("col-volume"),
        l.t("col-energy-per-unit"),
        l.t("col-pue"),
        l.t("col-grid-effective"),
    ]);
    for d in divs {
        for p in &d.phases {
            let [va, ea, ua, ga] = factors_text(l, &p.baseline, i);
            let [vb, eb, ub, gb] = factors_text(l, &p.system, i);
            table.add_row(vec![
                d.system.clone(),
                p.phase.map_or_else(|| l.t("phase-none"), |x| l.phase(x)),
                p.unit.map_or("-".to_owned(), |u| u.id().to_owned()),
                l.split_rule(p.rule),
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
    let l = report.lang;
    let mut out = String::new();
    let count = s.systems.len().to_string();
    let _ = writeln!(
        out,
        "{h1}{}\n",
        l.msg("systems-title", &[("count", &count)])
    );
    let mut t = Table::new();
    t.set_header(vec![
        l.t("col-system"),
        l.t("col-inventory-name"),
        l.t("col-reporting-period"),
    ]);
    for (n, x) in s.systems.iter().enumerate() {
        let name = if n == 0 {
            l.msg("baseline-mark", &[("name", &x.name)])
        } else {
            x.name.clone()
        };
        t.add_row(vec![name, x.title.clone(), l.period(&x.period_days)]);
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
                "{}",
                l.msg(
                    "method-failed",
                    &[
                        ("method", &m.id),
                        ("status", &l.status(f.status)),
                        ("system", &f.system),
                        ("reason", &f.reason)
                    ]
                )
            );
            failed = true;
        }
        if failed {
            out.push('\n');
        }
        if !s.tables.iter().any(|t| t.method == m.id) {
            let _ = writeln!(out, "{}\n", l.t("no-figure"));
        }
        crate::drain(&mut out, w)?;
    }
    let _ = writeln!(
        out,
        "{}\n",
        l.msg("data-quality", &[("rule", &quality::rule(l))])
    );
    let _ = writeln!(out, "{}\n", l.t("differences-rule"));
    let _ = writeln!(out, "{h2}{}\n", l.t("reproducibility"));
    for st in &report.stamps {
        let _ = writeln!(out, "{}:", st.system);
        for line in st.stamp.lines_in(l) {
            let _ = writeln!(out, "- {line}");
        }
        out.push('\n');
    }
    crate::drain(&mut out, w)
}
