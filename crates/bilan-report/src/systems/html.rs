//! The league table as one self-contained HTML page: inline SVG bars per system with grade
//! badges, the tables of the text report, and the difference from the baseline by driver as
//! a diverging bar chart. Like the comparison page, a small inline script checks once the
//! page is laid out that every chart drew bars and records its verdict on
//! `<body data-render-check>` for `cargo xtask html-check`.

use std::fmt::Write as _;

use bilan_core::indicator::Indicator;
use bilan_runner::systems::{LeagueTable, Status, SystemDivergence};

use super::Report;
use super::text::{active_drivers, is_noise, output_tokens, ratio_text, residual_text, total_text};
use crate::html::{CHECK, STYLE, badge, esc, header_cells};
use crate::lang::Lang;

const GRADE_COLOURS: [(&str, &str); 5] = [
    ("A", "#1a7f37"),
    ("B", "#1a7f37"),
    ("C", "#9a6700"),
    ("D", "#cf222e"),
    ("E", "#cf222e"),
];

/// One bar per system, the grade as a badge beside its name.
fn league_chart(out: &mut String, l: Lang, t: &LeagueTable, figure: &str) {
    let i = t.indicator;
    let max = t
        .rows
        .iter()
        .filter_map(|r| r.total)
        .fold(0.0_f64, |m, v| m.max(v.abs()));
    let (label_w, bar_w, row_h) = (260.0, 520.0, 28.0);
    let width = label_w + bar_w + 150.0;
    let height = row_h * t.rows.len().max(1) as f64 + 10.0;
    let empty = if max > 0.0 { "" } else { " data-empty=\"\"" };
    let _ = write!(
        out,
        "<svg class=\"chart\" data-figure=\"{figure}\"{empty} role=\"img\" aria-label=\"{}\" width=\"{width}\" height=\"{height}\" viewBox=\"0 0 {width} {height}\">",
        esc(&l.msg("chart-by-system", &[("indicator", &l.indicator(i))]))
    );
    for (n, r) in t.rows.iter().enumerate() {
        let y = 5.0 + n as f64 * row_h;
        let grade = r.quality.as_ref().map(|q| q.grade.letter());
        let colour = grade
            .and_then(|g| GRADE_COLOURS.iter().find(|(x, _)| *x == g))
            .map_or("#999", |(_, c)| c);
        let _ = write!(
            out,
            "<rect x=\"0\" y=\"{}\" width=\"18\" height=\"18\" rx=\"3\" fill=\"{colour}\"></rect><text x=\"9\" y=\"{}\" font-size=\"12\" fill=\"#fff\" text-anchor=\"middle\" font-weight=\"700\">{}</text>",
            y + 2.0,
            y + 15.5,
            grade.unwrap_or("-")
        );
        let mut name = r.system.clone();
        if name.chars().count() > 34 {
            name = format!("{}…", name.chars().take(33).collect::<String>());
        }
        let _ = write!(
            out,
            "<text x=\"24\" y=\"{}\" font-size=\"13\"><title>{}</title>{}</text>",
            y + 15.0,
            esc(&r.system),
            esc(&name)
        );
        let v = r.total.unwrap_or(0.0);
        let w = if max > 0.0 {
            v.abs() / max * bar_w
        } else {
            0.0
        };
        if r.status == Status::Ok && w > 0.0 {
            let _ = write!(
                out,
                "<rect class=\"bar\" x=\"{label_w}\" y=\"{y}\" width=\"{w:.2}\" height=\"{}\" fill=\"#4e79a7\"{}><title>{}</title></rect>",
                row_h - 8.0,
                if v < 0.0 { " fill-opacity=\"0.4\"" } else { "" },
                esc(&l.label_value(&r.system, &l.amount(v, i)))
            );
        }
        let _ = write!(
            out,
            "<text x=\"{:.2}\" y=\"{}\" font-size=\"12\">{}</text>",
            label_w + w + 6.0,
            y + 15.0,
            esc(&total_text(l, r, i))
        );
    }
    out.push_str("</svg>");
}

fn league_table(out: &mut String, l: Lang, t: &LeagueTable) {
    let i = t.indicator;
    out.push_str("<table><tr>");
    header_cells(
        out,
        l,
        &["col-system", "col-total", "col-grade", "col-vs-baseline"],
    );
    for h in crate::quality::share_headers(l) {
        let _ = write!(out, "<th>{}</th>", esc(&h));
    }
    out.push_str("</tr>");
    for (n, r) in t.rows.iter().enumerate() {
        let total = match r.status {
            Status::Ok => esc(&total_text(l, r, i)),
            _ => format!(
                "<span class=\"{}\" title=\"{}\">{}</span>",
                if r.status == Status::Error {
                    "error"
                } else {
                    "muted"
                },
                esc(r.note.as_deref().unwrap_or("")),
                esc(&l.status(r.status))
            ),
        };
        let _ = write!(
            out,
            "<tr><td>{}</td><td class=\"num\">{total}</td><td>{}</td><td class=\"num\">{}</td>",
            esc(&r.system),
            badge(r.quality.as_ref().map(|q| q.grade.letter())),
            esc(&ratio_text(l, r, &t.rows[0], n == 0))
        );
        for class in bilan_core::quality::DataClass::ALL {
            let cell = r
                .quality
                .as_ref()
                .map_or(String::new(), |q| l.percent(q.shares.get(class)));
            let _ = write!(out, "<td class=\"num\">{}</td>", esc(&cell));
        }
        out.push_str("</tr>");
    }
    out.push_str("</table>");
    let mut missing = String::new();
    crate::quality::missing_lines(
        &mut missing,
        l,
        t.rows
            .iter()
            .map(|r| (r.system.as_str(), r.missing_stages.as_slice())),
    );
    for line in missing.lines() {
        let _ = write!(out, "<p class=\"missing\">{}</p>", esc(line));
    }
    if t.units.is_empty() {
        return;
    }
    let _ = write!(
        out,
        "<table><caption>{}</caption><tr>",
        esc(&l.t("caption-per-unit-matched"))
    );
    header_cells(
        out,
        l,
        &[
            "col-functional-unit",
            "col-system",
            "col-unit",
            "col-figure",
            "col-grade-of-total",
            "col-note",
        ],
    );
    out.push_str("</tr>");
    for u in &t.units {
        for c in &u.cells {
            let (figure, note) = match (c.value, &c.missing) {
                (Some(v), _) => (
                    esc(&l.amount(v, i)),
                    output_tokens(l, c.output_tokens_per_request),
                ),
                (None, m) => (
                    format!("<span class=\"missing\">{}</span>", esc(&l.t("missing"))),
                    m.clone().unwrap_or_default(),
                ),
            };
            let _ = write!(
                out,
                "<tr><td>{}</td><td>{}</td><td>{}</td><td class=\"num\">{figure}</td><td>{}</td><td>{}</td></tr>",
                esc(&l.unit_kind(u.kind)),
                esc(&c.system),
                esc(c.functional_unit.as_deref().unwrap_or("")),
                badge(c.total_grade.map(|g| g.letter())),
                esc(&note)
            );
        }
    }
    out.push_str("</table>");
}

/// A diverging bar chart of one pair's drivers and residual around a zero axis.
fn divergence_chart(out: &mut String, l: Lang, d: &SystemDivergence, figure: &str) {
    let i: Indicator = d.indicator;
    let mut rows: Vec<(String, f64)> = d
        .drivers
        .iter()
        .map(|a| (l.system_driver(a.driver), a.amount))
        .collect();
    if !is_noise(d.residual, d) {
        rows.push((l.t("residual"), d.residual));
    }
    let max = rows.iter().fold(0.0_f64, |m, (_, v)| m.max(v.abs()));
    let (label_w, half, row_h) = (140.0, 260.0, 24.0);
    let width = label_w + 2.0 * half + 120.0;
    let height = row_h * rows.len().max(1) as f64 + 10.0;
    let empty = if max > 0.0 { "" } else { " data-empty=\"\"" };
    let axis = label_w + half;
    let _ = write!(
        out,
        "<svg class=\"chart\" data-figure=\"{figure}\"{empty} role=\"img\" aria-label=\"{}\" width=\"{width}\" height=\"{height}\" viewBox=\"0 0 {width} {height}\"><line x1=\"{axis}\" y1=\"0\" x2=\"{axis}\" y2=\"{height}\" stroke=\"#888\"></line>",
        esc(&l.t("chart-difference-by-driver"))
    );
    for (n, (label, v)) in rows.iter().enumerate() {
        let y = 5.0 + n as f64 * row_h;
        let w = if max > 0.0 { v.abs() / max * half } else { 0.0 };
        let x = if *v < 0.0 { axis - w } else { axis };
        let _ = write!(
            out,
            "<text x=\"0\" y=\"{}\" font-size=\"12\">{}</text><rect class=\"bar\" x=\"{x:.2}\" y=\"{y}\" width=\"{w:.2}\" height=\"{}\" fill=\"{}\"><title>{}</title></rect><text x=\"{:.2}\" y=\"{}\" font-size=\"11\">{}</text>",
            y + 14.0,
            esc(label),
            row_h - 6.0,
            if *v < 0.0 { "#59a14f" } else { "#e15759" },
            esc(&l.label_value(label, &l.amount(*v, i))),
            axis + half + 6.0,
            y + 14.0,
            esc(&l.amount(*v, i))
        );
    }
    out.push_str("</svg>");
}

fn divergences(out: &mut String, report: &Report<'_>, t: &LeagueTable, id: &str) {
    let l = report.lang;
    let i = t.indicator;
    let divs: Vec<&SystemDivergence> = report
        .from_baseline()
        .filter(|d| d.method == t.method && d.indicator == i)
        .collect();
    if divs.is_empty() {
        return;
    }
    let _ = write!(
        out,
        "<h4>{}</h4><table><tr>",
        esc(&l.t("difference-from-baseline"))
    );
    header_cells(out, l, &["col-system-b", "col-b-minus-baseline"]);
    let drivers = active_drivers(&divs);
    for x in &drivers {
        let _ = write!(out, "<th>{}</th>", esc(&l.system_driver(*x)));
    }
    header_cells(out, l, &["residual"]);
    out.push_str("</tr>");
    for d in &divs {
        let _ = write!(
            out,
            "<tr><td>{}</td><td class=\"num\">{}</td>",
            esc(&d.system),
            esc(&l.amount(d.difference, i))
        );
        for x in &drivers {
            let cell = d
                .drivers
                .iter()
                .find(|a| a.driver == *x)
                .map_or("-".to_owned(), |a| l.amount(a.amount, i));
            let _ = write!(out, "<td class=\"num\">{}</td>", esc(&cell));
        }
        let _ = write!(
            out,
            "<td class=\"num\">{}</td></tr>",
            esc(&residual_text(l, d.residual, d))
        );
    }
    out.push_str("</table>");
    for (n, d) in divs.iter().enumerate() {
        let summary = l.msg(
            "divergence-details",
            &[
                ("a", &d.baseline),
                ("b", &d.system),
                ("amount", &l.amount(d.difference, i)),
            ],
        );
        let _ = write!(out, "<details><summary>{}</summary>", esc(&summary));
        divergence_chart(out, l, d, &format!("{id}.divergence.{n}"));
        let _ = write!(
            out,
            "<table><caption>{}</caption><tr>",
            esc(&l.t("caption-by-kind"))
        );
        header_cells(out, l, &["col-kind", "b-minus-a"]);
        out.push_str("</tr>");
        for k in &d.by_kind {
            let _ = write!(
                out,
                "<tr><td>{}</td><td class=\"num\">{}</td></tr>",
                esc(&l.item_kind(k.kind)),
                esc(&l.amount(k.amount, i))
            );
        }
        let _ = write!(
            out,
            "<tr><td>{}</td><td class=\"num\">{}</td></tr></table>",
            esc(&l.t("residual")),
            esc(&residual_text(l, d.by_kind_residual, d))
        );
        for note in &d.notes {
            let _ = write!(out, "<p class=\"muted\">{}</p>", esc(note));
        }
        out.push_str("</details>");
    }
}

pub(super) fn render(report: &Report<'_>) -> String {
    let s = report.systems;
    let l = report.lang;
    let mut out = String::with_capacity(64 * 1024);
    let count = s.systems.len().to_string();
    let _ = write!(
        out,
        "<!doctype html><html lang=\"{l}\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width\"><title>{}</title><script>{CHECK}</script><style>{STYLE}</style></head><body>",
        esc(&l.msg("league-title", &[("count", &count)]))
    );
    let _ = write!(
        out,
        "<h1>{}</h1><table><tr>",
        esc(&l.msg("systems-title", &[("count", &count)]))
    );
    header_cells(
        &mut out,
        l,
        &["col-system", "col-inventory-name", "col-reporting-period"],
    );
    out.push_str("</tr>");
    for (n, x) in s.systems.iter().enumerate() {
        let name = if n == 0 {
            l.msg("baseline-mark", &[("name", &x.name)])
        } else {
            x.name.clone()
        };
        let _ = write!(
            out,
            "<tr><td>{}</td><td>{}</td><td>{}</td></tr>",
            esc(&name),
            esc(&x.title),
            esc(&l.period(&x.period_days))
        );
    }
    out.push_str("</table>");
    for (k, m) in s.methods.iter().enumerate() {
        let _ = write!(
            out,
            "<section id=\"method-{k}\"><h2>{} {} — {}</h2>",
            esc(&m.id),
            esc(&m.version),
            esc(&m.name)
        );
        for f in s.failures.iter().filter(|f| f.method == m.id) {
            let _ = write!(
                out,
                "<p class=\"{}\">{}</p>",
                if f.status == Status::Error {
                    "error"
                } else {
                    "muted"
                },
                esc(&l.msg(
                    "status-on-system",
                    &[
                        ("status", &l.status(f.status)),
                        ("system", &f.system),
                        ("reason", &f.reason)
                    ]
                ))
            );
        }
        for t in s.tables.iter().filter(|t| t.method == m.id) {
            let i = t.indicator;
            let id = format!("method-{k}.{}", i.id());
            let _ = write!(
                out,
                "<h3>{} — {} ({})</h3>",
                i.id(),
                esc(&l.indicator(i)),
                esc(i.unit())
            );
            league_chart(&mut out, l, t, &format!("{id}.total"));
            league_table(&mut out, l, t);
            divergences(&mut out, report, t, &id);
        }
        out.push_str("</section>");
    }
    let rule = crate::quality::rule(l);
    let _ = write!(
        out,
        "<p class=\"muted\">{}</p><p class=\"muted\">{}</p><footer><h2>{}</h2>",
        esc(&l.msg("data-quality", &[("rule", &rule)])),
        esc(&l.t("differences-rule")),
        esc(&l.t("reproducibility"))
    );
    for st in &report.stamps {
        let _ = write!(out, "<h3>{}</h3><ul>", esc(st.system));
        for line in st.stamp.lines_in(l) {
            let _ = write!(out, "<li>{}</li>", esc(&line));
        }
        out.push_str("</ul>");
    }
    out.push_str("</footer></body></html>\n");
    out
}
