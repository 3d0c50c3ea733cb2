//! The self-contained HTML report: no network, no external asset. Charts are inline SVG;
//! a small inline script only checks, once the page is laid out, that every chart drew bars
//! and that no script error occurred, and records the verdict on `<body data-render-check>`
//! for `cargo xtask html-check`.

mod estimated;
mod stamp;
mod uncertainty;

pub(crate) use stamp::stamp_items;

use std::fmt::Write as _;

use bilan_core::assessment::{Assessment, Stage, TermSource};
use bilan_core::indicator::Indicator;

use crate::compare::Report;
use crate::lang::Lang;
use crate::trail::Trail;

/// `s` escaped for HTML text and attribute values.
pub(crate) fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}

/// Message `id` of `l` escaped for HTML, its `text` arguments escaped with it and its
/// `markup` arguments (HTML already) put in as they are.
pub(crate) fn msg_html(
    l: Lang,
    id: &str,
    text: &[(&str, &str)],
    markup: &[(&str, &str)],
) -> String {
    // Each markup argument stands as a marker while the message is escaped.
    let markers: Vec<String> = (0..markup.len()).map(marker).collect();
    let mut args: Vec<(&str, &str)> = text.to_vec();
    args.extend(
        markup
            .iter()
            .zip(&markers)
            .map(|((name, _), m)| (*name, m.as_str())),
    );
    let mut out = esc(&l.msg(id, &args));
    for ((_, html), marker) in markup.iter().zip(&markers) {
        out = out.replace(marker.as_str(), html);
    }
    out
}

/// A header cell for each of the messages `ids`.
pub(crate) fn header_cells(out: &mut String, l: Lang, ids: &[&str]) {
    for id in ids {
        let _ = write!(out, "<th>{}</th>", esc(&l.t(id)));
    }
}

/// The `k`th stand-in for markup while a text is escaped (see [`msg_html`]): private-use
/// characters, which no text of a report holds.
pub(crate) fn marker(k: usize) -> String {
    format!("\u{E000}{k}\u{E001}")
}

const STAGE_COLOURS: [&str; 5] = ["#4e79a7", "#f28e2b", "#e15759", "#76b7b2", "#59a14f"];

/// The style of bilan's HTML pages (comparison and league table).
pub(crate) const STYLE: &str = "body{font-family:system-ui,-apple-system,Segoe UI,Roboto,sans-serif;margin:2rem auto;max-width:1100px;color:#222;line-height:1.4}\
.badge{display:inline-block;min-width:1.2rem;text-align:center;border-radius:.3rem;color:#fff;font-weight:700;padding:0 .3rem}\
.grade-A,.grade-B{background:#1a7f37}.grade-C{background:#9a6700}.grade-D,.grade-E{background:#cf222e}.grade-none{background:#999}.missing{color:#9a6700}\
table{border-collapse:collapse;margin:.5rem 0 1rem}th,td{border:1px solid #ccc;padding:.2rem .5rem;text-align:left;vertical-align:top}\
td.num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}caption{text-align:left;font-weight:600}h2{border-bottom:2px solid #4e79a7;margin-top:2.5rem}\
.legend span{display:inline-block;margin-right:1rem}.legend i{display:inline-block;width:.8rem;height:.8rem;margin-right:.3rem}\
details{margin:.3rem 0}summary{cursor:pointer}.trail td{font-size:.85rem;text-align:left;vertical-align:top}.muted{color:#666}.error{color:#b00}\
code{font-size:.85rem}";

/// The inline render check every chart-bearing page runs; `cargo xtask html-check` reads its
/// verdict on `<body data-render-check>`.
pub(crate) const CHECK: &str = "(function(){var errs=[];window.addEventListener('error',function(e){errs.push(String(e.message))});\
var oe=console.error;console.error=function(){errs.push(Array.prototype.join.call(arguments,' '));return oe.apply(console,arguments)};\
window.addEventListener('load',function(){var blank=[];document.querySelectorAll('svg.chart').forEach(function(svg){var drawn=false;\
svg.querySelectorAll('rect.bar').forEach(function(r){var b=r.getBoundingClientRect();if(b.width>0.5&&b.height>0.5){drawn=true}});\
if(!drawn&&!svg.hasAttribute('data-empty')){blank.push(svg.getAttribute('data-figure'))}});\
document.body.setAttribute('data-render-check',errs.length?'errors: '+errs.join(' | '):blank.length?'blank: '+blank.join(','):'ok')})})();";

/// At most this many contributions are listed per figure in the browsable trail.
const TRAIL_LIMIT: usize = 300;

fn bar_chart(out: &mut String, report: &Report<'_>, indicator: Indicator) {
    let l = report.lang;
    let c = report.comparison;
    let Some(ic) = c.indicators.iter().find(|i| i.indicator == indicator) else {
        return;
    };
    let rows: Vec<_> = ic.rows.iter().filter(|r| r.covered).collect();
    let u = c.uncertainty.as_ref();
    let max = rows
        .iter()
        .filter_map(|r| r.total)
        .fold(0.0_f64, |m, v| m.max(v.abs()));
    // Room for the whiskers: the scale reaches the highest 97.5th percentile.
    let max = rows.iter().fold(max, |m, r| {
        uncertainty::total_interval(u, &r.method, indicator)
            .map_or(m, |i| m.max(i.high.abs()).max(i.low.abs()))
    });
    let (label_w, bar_w, row_h) = (150.0, 600.0, 28.0);
    let height = row_h * rows.len().max(1) as f64 + 10.0;
    let empty = if max > 0.0 { "" } else { " data-empty=\"\"" };
    let _ = write!(
        out,
        "<svg class=\"chart\" data-figure=\"{}.total\"{empty} role=\"img\" aria-label=\"{}\" width=\"{}\" height=\"{height}\" viewBox=\"0 0 {} {height}\">",
        indicator.id(),
        esc(&l.msg("chart-label", &[("indicator", &l.indicator(indicator))])),
        label_w + bar_w + 160.0,
        label_w + bar_w + 160.0
    );
    for (n, row) in rows.iter().enumerate() {
        let y = 5.0 + n as f64 * row_h;
        let _ = write!(
            out,
            "<text x=\"0\" y=\"{}\" font-size=\"13\">{}</text>",
            y + 17.0,
            esc(&row.method)
        );
        let mut x = label_w;
        for (k, stage) in Stage::ALL.iter().enumerate() {
            let v = row.by_stage.get(stage).copied().unwrap_or(0.0);
            if v == 0.0 || max == 0.0 {
                continue;
            }
            let w = v.abs() / max * bar_w;
            let _ = write!(
                out,
                "<rect class=\"bar\" x=\"{x:.2}\" y=\"{y}\" width=\"{w:.2}\" height=\"{}\" fill=\"{}\"{}><title>{}</title></rect>",
                row_h - 8.0,
                STAGE_COLOURS[k],
                if v < 0.0 { " fill-opacity=\"0.4\"" } else { "" },
                esc(&l.label_value(
                    &format!("{} {}", row.method, l.stage(*stage)),
                    &l.amount(v, indicator)
                ))
            );
            x += w;
        }
        if let Some(i) = uncertainty::total_interval(u, &row.method, indicator)
            && max > 0.0
        {
            let y_mid = y + (row_h - 8.0) / 2.0;
            let end = uncertainty::whisker(out, &i, (l, indicator), label_w, bar_w, max, y_mid);
            x = x.max(end);
        }
        let total = row.total.unwrap_or(0.0);
        let _ = write!(
            out,
            "<text x=\"{:.2}\" y=\"{}\" font-size=\"12\">{}</text>",
            x + 6.0,
            y + 17.0,
            esc(&l.amount(total, indicator))
        );
    }
    out.push_str("</svg>");
    out.push_str("<div class=\"legend\">");
    for (k, stage) in Stage::ALL.iter().enumerate() {
        let _ = write!(
            out,
            "<span><i style=\"background:{}\"></i>{}</span>",
            STAGE_COLOURS[k],
            esc(&l.stage(*stage))
        );
    }
    out.push_str("</div>");
    for (not_computed, id) in [(false, "not-covered-by"), (true, "not-computed-by-methods")] {
        let missing: Vec<&str> = ic
            .rows
            .iter()
            .filter(|r| !r.covered && r.not_computed == not_computed)
            .map(|r| r.method.as_str())
            .collect();
        if !missing.is_empty() {
            let _ = write!(
                out,
                "<p class=\"muted\">{}</p>",
                esc(&l.msg(id, &[("methods", &missing.join(", "))]))
            );
        }
    }
}

fn divergence_tables(out: &mut String, report: &Report<'_>, indicator: Indicator) {
    let l = report.lang;
    for d in report
        .comparison
        .divergences
        .iter()
        .filter(|d| d.indicator == indicator)
    {
        let caption = l.msg(
            "divergence-caption",
            &[
                ("a", &d.a),
                ("b", &d.b),
                ("difference", &l.amount(d.difference, indicator)),
            ],
        );
        let _ = write!(
            out,
            "<table class=\"divergence\"><caption>{}</caption><tr>",
            esc(&caption)
        );
        header_cells(
            out,
            l,
            &[
                "col-driver",
                "col-amount",
                "col-share-of-difference",
                "col-a-rule",
                "col-b-rule",
            ],
        );
        out.push_str("</tr>");
        for a in &d.drivers {
            let share = if d.difference != 0.0 {
                l.percent(a.amount / d.difference.abs())
            } else {
                "-".to_owned()
            };
            let _ = write!(
                out,
                "<tr><td>{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td>{}</td><td>{}</td></tr>",
                esc(&l.driver(a.driver)),
                esc(&l.amount(a.amount, indicator)),
                esc(&share),
                esc(a.a_rule.as_deref().unwrap_or("")),
                esc(a.b_rule.as_deref().unwrap_or(""))
            );
        }
        let _ = write!(
            out,
            "<tr><td>{}</td><td class=\"num\">{}</td><td></td><td></td><td></td></tr></table>",
            esc(&l.t("residual")),
            esc(&l.amount(d.residual_shown(), indicator))
        );
    }
}

fn source_text(l: Lang, s: &TermSource) -> String {
    match s {
        TermSource::Item { key } => l.msg("source-item", &[("key", key)]),
        TermSource::Inventory { path } => l.msg("source-inventory", &[("path", path)]),
        TermSource::Factor { id } => l.msg("source-factor", &[("id", id)]),
        TermSource::Parameter { name } => l.msg("source-parameter", &[("name", name)]),
        TermSource::Rule { rule } => l.msg("source-rule", &[("rule", rule)]),
        TermSource::Derived { formula } => l.msg("source-derived", &[("formula", formula)]),
    }
}

fn trail(out: &mut String, l: Lang, a: &Assessment, indicator: Indicator) {
    for stage in Stage::ALL {
        let rows: Vec<_> = a
            .counted(indicator)
            .filter(|(c, _)| c.stage == stage)
            .collect();
        if rows.is_empty() {
            continue;
        }
        let sum: f64 = rows.iter().map(|(_, v)| v).sum();
        let summary = l.msg_count(
            "stage-contributions",
            rows.len(),
            &[
                (
                    "figure",
                    &format!("{}.stage.{}", indicator.id(), stage.id()),
                ),
                ("amount", &l.amount(sum, indicator)),
            ],
        );
        let _ = write!(
            out,
            "<details><summary>{}</summary><table class=\"trail\"><tr>",
            esc(&summary)
        );
        header_cells(
            out,
            l,
            &[
                "col-item",
                "col-aspect",
                "col-formula-and-terms",
                "col-factor",
                "col-value",
            ],
        );
        out.push_str("</tr>");
        for (c, v) in rows.iter().take(TRAIL_LIMIT) {
            // Each term escaped on its own, so an estimated one can carry its tag.
            let terms: Vec<String> = c
                .terms
                .iter()
                .filter(|t| t.applies_to(indicator))
                .map(|t| {
                    let only = t
                        .indicator
                        .map_or(String::new(), |i| format!(" ({i} only)"));
                    let text = esc(&format!(
                        "{}{} = {} {}{only} ({}",
                        if t.power < 0 { "÷ " } else { "" },
                        t.symbol,
                        t.value,
                        t.unit,
                        source_text(l, &t.source)
                    ));
                    format!("{text}{})", estimated::tag(l, t))
                })
                .collect();
            let factor = c
                .values
                .iter()
                .find(|x| x.indicator == indicator)
                .and_then(|x| a.factor(&x.factor))
                .map(|f| {
                    format!(
                        "{} = {} {} — {} [{}]",
                        f.symbol, f.canonical, f.canonical_unit, f.source, f.id
                    )
                })
                .unwrap_or_default();
            let _ = write!(
                out,
                "<tr><td>{}</td><td>{}</td><td><code>{}</code><br>{}</td><td>{}</td><td class=\"num\">{}</td></tr>",
                esc(&c.item.to_string()),
                c.aspect.id(),
                esc(&c.formula),
                terms.join(&l.t("list-separator")),
                esc(&factor),
                esc(&l.amount(*v, indicator))
            );
        }
        if rows.len() > TRAIL_LIMIT {
            let more = (rows.len() - TRAIL_LIMIT).to_string();
            let _ = write!(
                out,
                "<tr><td colspan=\"5\" class=\"muted\">{}</td></tr>",
                esc(&l.msg("more-contributions", &[("count", &more)]))
            );
        }
        out.push_str("</table></details>");
    }
}

/// A data-quality grade as a coloured badge; `-` for a figure with none.
pub(crate) fn badge(grade: Option<&str>) -> String {
    match grade {
        Some(g) => format!("<span class=\"badge grade-{g}\">{g}</span>"),
        None => "<span class=\"badge grade-none\">-</span>".to_owned(),
    }
}

/// Each method's grade and shares for `ic`'s total (`docs/quality.md`).
fn quality_table(out: &mut String, l: Lang, ic: &bilan_runner::IndicatorComparison) {
    let rows: Vec<_> = ic
        .rows
        .iter()
        .filter_map(|r| r.quality.as_ref().map(|q| (&r.method, q)))
        .collect();
    if rows.is_empty() {
        return;
    }
    let _ = write!(
        out,
        "<table class=\"quality\"><caption>{}</caption><tr><th>{}</th><th>{}</th>",
        esc(&l.t("quality-caption")),
        esc(&l.t("col-method")),
        esc(&l.t("col-grade"))
    );
    for h in crate::quality::share_headers(l) {
        let _ = write!(out, "<th>{}</th>", esc(&h));
    }
    out.push_str("</tr>");
    for (method, q) in rows {
        let _ = write!(
            out,
            "<tr><td>{}</td><td>{}</td>",
            esc(method),
            badge(Some(q.grade.letter()))
        );
        for s in crate::quality::share_cells(l, &q.shares) {
            let _ = write!(out, "<td>{}</td>", esc(&s));
        }
        out.push_str("</tr>");
    }
    let _ = write!(
        out,
        "</table><p class=\"note\">{}</p>",
        esc(&crate::quality::rule(l))
    );
}

/// Writes the page into `w`, one section (and one method's audit trail) at a time.
pub(crate) fn write(report: &Report<'_>, w: &mut dyn std::io::Write) -> std::io::Result<()> {
    let assessments = &report.assessments;
    let trail_kept = assessments.trail;
    let c = report.comparison;
    let l = report.lang;
    let mut out = String::with_capacity(64 * 1024);
    let _ = write!(
        out,
        "<!doctype html><html lang=\"{l}\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width\"><title>{}</title><script>{CHECK}</script><style>{STYLE}</style>",
        esc(&l.msg("html-title", &[("system", report.system)]))
    );
    if c.uncertainty.is_some() {
        let _ = write!(out, "<style>{}</style>", uncertainty::STYLE);
    }
    if !report.estimated.is_empty() || assessments.iter().any(|a| crate::estimated::any_term(a)) {
        let _ = write!(out, "<style>{}</style>", estimated::STYLE);
    }
    out.push_str("</head><body>");
    let _ = write!(
        out,
        "<h1>{}</h1><p>{}</p>",
        esc(report.system),
        esc(&l.msg("reporting-period", &[("period", &report.period_text())]))
    );
    if l != Lang::En {
        let _ = write!(out, "<p class=\"muted\">{}</p>", esc(&l.t("method-texts")));
    }
    let _ = write!(
        out,
        "<table><caption>{}</caption><tr>",
        esc(&l.t("caption-methods"))
    );
    header_cells(
        &mut out,
        l,
        &["col-method", "col-version", "col-name", "col-status"],
    );
    out.push_str("</tr>");
    for m in &c.methods {
        let status = match &m.error {
            Some(e) => format!(
                "<span class=\"error\">{}</span>",
                esc(&l.label_value(&l.t("status-error-short"), e))
            ),
            None => esc(&l.t("status-ok")),
        };
        let _ = write!(
            out,
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{status}</td></tr>",
            esc(&m.id),
            esc(&m.version),
            esc(&m.name)
        );
    }
    out.push_str("</table>");
    let mut missing = String::new();
    crate::quality::missing_lines(
        &mut missing,
        l,
        c.methods
            .iter()
            .map(|m| (m.id.as_str(), m.missing_stages.as_slice())),
    );
    for line in missing.lines() {
        let _ = write!(out, "<p class=\"missing\">{}</p>", esc(line));
    }
    // An indicator no method gives a figure for has no section below: said here, as the
    // text says it.
    if let Some(line) = crate::uncovered::summary(l, c) {
        let _ = write!(out, "<p class=\"missing\">{}</p>", esc(&line));
    }
    estimated::section(&mut out, l, &report.estimated);
    if let Some(u) = &c.uncertainty {
        uncertainty::overview(&mut out, l, u);
    }
    for ic in c
        .indicators
        .iter()
        .filter(|ic| ic.rows.iter().any(|r| r.covered))
    {
        let i = ic.indicator;
        let _ = write!(
            out,
            "<section id=\"{0}\"><h2>{1} ({2})</h2>",
            i.id(),
            esc(&l.indicator(i)),
            esc(i.unit())
        );
        bar_chart(&mut out, report, i);
        quality_table(&mut out, l, ic);
        if let Some(u) = &c.uncertainty {
            uncertainty::section(&mut out, l, u, i);
        }
        let _ = write!(out, "<h3>{}</h3>", esc(&l.t("divergence-by-driver")));
        divergence_tables(&mut out, report, i);
        crate::drain(&mut out, w)?;
        if trail_kept == Trail::None {
            out.push_str("</section>");
            continue;
        }
        let _ = write!(out, "<h3>{}</h3>", esc(&l.t("audit-trail")));
        for a in assessments.iter().filter(|a| a.covers(i)) {
            let strong = format!("<strong>{}</strong>", esc(&a.method.to_string()));
            let figure = format!(
                "{}.total = {}",
                i.id(),
                l.amount(a.total(i).unwrap_or(0.0), i)
            );
            let summary = msg_html(
                l,
                "label-value",
                &[("value", &figure)],
                &[("label", &strong)],
            );
            let _ = write!(out, "<details><summary>{summary}</summary>");
            if trail_kept == Trail::Full {
                trail(&mut out, l, a, i);
            }
            let exclusions: Vec<_> = a
                .exclusions
                .iter()
                .filter(|e| e.indicator.is_none_or(|x| x == i))
                .collect();
            if !exclusions.is_empty() {
                let count = exclusions.len().to_string();
                let _ = write!(
                    out,
                    "<details><summary>{}</summary><ul>",
                    esc(&l.msg("exclusions-count", &[("count", &count)]))
                );
                for e in exclusions.iter().take(TRAIL_LIMIT) {
                    let what = format!("{} {}", e.item, e.aspect.map_or("", |x| x.id()));
                    let _ = write!(out, "<li>{}</li>", esc(&l.label_value(&what, &e.reason)));
                }
                out.push_str("</ul></details>");
            }
            if !a.assumptions.is_empty() {
                let _ = write!(
                    out,
                    "<details><summary>{}</summary><ul>",
                    esc(&l.t("assumptions-list"))
                );
                for x in &a.assumptions {
                    let text = l.msg_count("assumption-items", x.items.len(), &[("text", &x.text)]);
                    let _ = write!(out, "<li>{}</li>", esc(&text));
                }
                out.push_str("</ul></details>");
            }
            out.push_str("</details>");
            crate::drain(&mut out, w)?;
        }
        out.push_str("</section>");
    }
    let _ = write!(out, "<footer><h2>{}</h2><ul>", esc(&l.t("reproducibility")));
    stamp_items(&mut out, report.stamp, l);
    out.push_str("</ul></footer></body></html>\n");
    crate::drain(&mut out, w)
}

#[cfg(test)]
pub(crate) mod tests;
