//! The one-page HTML form of a [`Disclosure`]: self-contained (no network, no external
//! asset), printable on A4. Every figure is an element with `data-figure` set to its path;
//! an inline script checks, once the page is laid out, that no script error occurred and that
//! every figure shows a non-empty, visible, finite text, and records its verdict on
//! `<body data-render-check>` for `cargo xtask html-check`.

use std::fmt::Write as _;

use bilan_core::assessment::Stage;

use super::{Disclosure, Figure, IndicatorFigures, Status, item_text};
use crate::html::esc;

const STYLE: &str = "@page{size:A4;margin:12mm}\
body{font-family:system-ui,-apple-system,Segoe UI,Roboto,sans-serif;margin:1.5rem auto;max-width:60rem;color:#222;line-height:1.35;font-size:14px}\
h1{font-size:1.5rem;margin:0 0 .3rem}h2{font-size:1.05rem;border-bottom:2px solid #4e79a7;margin:1.1rem 0 .4rem;padding-bottom:.1rem}\
table{border-collapse:collapse;margin:.3rem 0 .6rem;width:100%}th,td{border:1px solid #ccc;padding:.15rem .4rem;text-align:left;vertical-align:top}\
th{background:#f2f5f9}td.num{text-align:right;font-variant-numeric:tabular-nums}.iv{display:block;font-size:.8em;color:#555}\
.meta{margin:0;padding:0;list-style:none}.meta li{display:inline-block;margin-right:1.2rem}\
.grade{display:inline-block;font-weight:700;border:2px solid #4e79a7;border-radius:4px;padding:0 .4rem}\
.muted{color:#666}.missing{color:#b00}.small{font-size:.85em}code{font-size:.85em;word-break:break-all}\
ul{margin:.2rem 0 .5rem;padding-left:1.2rem}\
@media print{body{margin:0;max-width:none;font-size:8pt;line-height:1.25}h1{font-size:13pt}h2{font-size:9.5pt;margin:.5rem 0 .2rem;break-after:avoid}\
table{margin:.15rem 0 .3rem}th,td{padding:.05rem .25rem}.small{font-size:7pt}tr,li{break-inside:avoid}th{-webkit-print-color-adjust:exact;print-color-adjust:exact}}";

const CHECK: &str = "(function(){var errs=[];window.addEventListener('error',function(e){errs.push(String(e.message))});\
var oe=console.error;console.error=function(){errs.push(Array.prototype.join.call(arguments,' '));return oe.apply(console,arguments)};\
window.addEventListener('load',function(){var bad=[];var all=document.querySelectorAll('[data-figure]');all.forEach(function(el){var b=el.getBoundingClientRect();\
var t=(el.textContent||'').trim();if(!t||b.width<0.5||b.height<0.5||/NaN|\\binf\\b|Infinity/.test(t)){bad.push(el.getAttribute('data-figure'))}});\
document.body.setAttribute('data-figures',String(all.length));\
document.body.setAttribute('data-render-check',errs.length?'errors: '+errs.join(' | '):bad.length?'missing: '+bad.join(','):'ok')})})();";

/// A figure's element.
fn fig(out: &mut String, path: &str, display: &str) {
    let _ = write!(
        out,
        "<span data-figure=\"{}\">{}</span>",
        esc(path),
        esc(display)
    );
}

/// A figure and, below it, its interval.
fn figure(out: &mut String, f: &Figure) {
    fig(out, &f.figure, &f.display);
    if let Some(i) = &f.interval {
        let _ = write!(
            out,
            "<span class=\"iv\" data-figure=\"{}\">{}</span>",
            esc(&i.figure),
            esc(&i.display)
        );
    }
}

/// What an indicator with no total shows in place of a figure.
fn absent(i: &IndicatorFigures) -> String {
    let label = i.status.label();
    match i.note.as_deref().filter(|_| i.status != Status::Covered) {
        // A note that starts with the status says it in full.
        Some(n) if n.starts_with(label) => {
            let rest = &n[label.len()..];
            format!("<span class=\"missing\">{label}</span>{}", esc(rest))
        }
        Some(n) => format!(
            "<span class=\"missing\">{label}</span> <span class=\"muted\">({})</span>",
            esc(n)
        ),
        None => format!("<span class=\"missing\">{label}</span>"),
    }
}

fn header(out: &mut String, d: &Disclosure) {
    let s = &d.system;
    let version = s
        .version
        .as_deref()
        .map_or(String::new(), |v| format!(" {}", esc(v)));
    let _ = write!(
        out,
        "<header><h1>{}{version}</h1><p class=\"muted\">Environmental footprint disclosure</p><ul class=\"meta\">",
        esc(&s.name)
    );
    if let Some(o) = &s.organisation {
        let _ = write!(out, "<li>Organisation: <strong>{}</strong></li>", esc(o));
    }
    let _ = write!(
        out,
        "<li>Reporting period: <strong>{}</strong></li><li>Method: <strong>{}</strong> ({} {})</li>",
        esc(&d.period.to_string()),
        esc(&d.method.name),
        esc(&d.method.id),
        esc(&d.method.version)
    );
    if let Some(g) = &d.quality.grade {
        let _ = write!(
            out,
            "<li>Data quality: <span class=\"grade\" data-figure=\"{}\">{}</span></li>",
            esc(&g.figure),
            esc(&g.display)
        );
    }
    out.push_str("</ul>");
    if let Some(desc) = &s.description {
        let _ = write!(out, "<p>{}</p>", esc(desc));
    }
    out.push_str("</header>");
}

fn boundary(out: &mut String, d: &Disclosure) {
    let b = &d.boundary;
    let m = &d.method;
    let _ = write!(
        out,
        "<section id=\"method\"><h2>Method and boundary</h2><p>{}</p>",
        esc(&m.description)
    );
    if !m.follows.is_empty() {
        let _ = write!(
            out,
            "<p class=\"small\">Follows: {}.</p>",
            esc(&m.follows.join("; "))
        );
    }
    let _ = write!(out, "<p>{}</p>", esc(&b.description));
    if b.profile {
        out.push_str("<table><tr><th>required stage</th><th>status</th></tr>");
        for r in &b.required_stages {
            let status = match &r.reason {
                Some(reason) => format!("<span class=\"missing\">missing</span>: {}", esc(reason)),
                None => "covered".to_owned(),
            };
            let _ = write!(out, "<tr><td>{}</td><td>{status}</td></tr>", r.stage.id());
        }
        out.push_str("</table>");
    }
    let stages: Vec<&str> = b.stages_covered.iter().map(|s| s.id()).collect();
    let _ = write!(
        out,
        "<p class=\"small\">Life-cycle stages with figures: {}.{}</p>",
        if stages.is_empty() {
            "none".to_owned()
        } else {
            stages.join(", ")
        },
        b.grid_basis
            .map_or(String::new(), |g| format!(" Grid basis: {}-based.", g.id()))
    );
    if !m.parameters.is_empty() {
        let params: Vec<String> = m
            .parameters
            .iter()
            .map(|(k, v)| format!("<code>{}</code> = {}", esc(k), esc(v)))
            .collect();
        let _ = write!(
            out,
            "<p class=\"small muted\">Parameters: {}.</p>",
            params.join(", ")
        );
    }
    out.push_str("</section>");
}

fn functional_units(out: &mut String, d: &Disclosure) {
    let fu = &d.functional_units;
    out.push_str("<section id=\"functional-units\"><h2>Functional units</h2>");
    if fu.units.is_empty() && fu.missing.is_empty() {
        out.push_str("<p>None defined.</p></section>");
        return;
    }
    out.push_str("<table><tr><th>unit</th><th>kind</th><th>count</th><th>status</th></tr>");
    for u in &fu.units {
        let _ = write!(
            out,
            "<tr><td>{}</td><td>{}</td><td class=\"num\">",
            esc(&u.id),
            u.kind.map_or("-", |k| k.id())
        );
        figure(out, &u.count);
        out.push_str("</td><td>figures given</td></tr>");
    }
    for u in &fu.missing {
        let _ = write!(
            out,
            "<tr><td>{}</td><td>{}</td><td class=\"num\">-</td><td><span class=\"missing\">missing</span>: {}</td></tr>",
            esc(&u.id),
            u.kind.map_or("-", |k| k.id()),
            esc(&u.reason)
        );
    }
    out.push_str("</table></section>");
}

fn indicators(out: &mut String, d: &Disclosure) {
    let _ = write!(
        out,
        "<section id=\"indicators\"><h2>Indicators</h2><p class=\"small\">Uncertainty: {}.</p>",
        esc(&d.uncertainty.statement)
    );
    let units: Vec<&str> = d
        .functional_units
        .units
        .iter()
        .map(|u| u.id.as_str())
        .collect();
    out.push_str("<table><tr><th>indicator</th><th>total</th><th>grade</th>");
    for u in &units {
        let _ = write!(out, "<th>per {}</th>", esc(u));
    }
    out.push_str("</tr>");
    for i in &d.indicators {
        let _ = write!(
            out,
            "<tr><td>{} <span class=\"muted\">({})</span></td>",
            esc(&i.name),
            esc(&i.unit)
        );
        let Some(total) = &i.total else {
            let _ = write!(
                out,
                "<td colspan=\"{}\">{}</td></tr>",
                2 + units.len(),
                absent(i)
            );
            continue;
        };
        out.push_str("<td class=\"num\">");
        figure(out, total);
        out.push_str("</td><td>");
        match d
            .quality
            .indicators
            .iter()
            .find(|q| q.indicator == i.indicator)
        {
            Some(q) => fig(out, &q.grade.figure, &q.grade.display),
            None => out.push_str("<span class=\"muted\">-</span>"),
        }
        out.push_str("</td>");
        for u in &units {
            match i.per_unit.iter().find(|f| f.label == *u) {
                Some(f) => {
                    out.push_str("<td class=\"num\">");
                    figure(out, f);
                    out.push_str("</td>");
                }
                None => out.push_str("<td class=\"muted\">not computed</td>"),
            }
        }
        out.push_str("</tr>");
    }
    out.push_str("</table>");
    let covered: Vec<&IndicatorFigures> =
        d.indicators.iter().filter(|i| i.total.is_some()).collect();
    // Every stage a figure is given for, in report order.
    let shown: Vec<Stage> = Stage::ALL
        .into_iter()
        .filter(|s| {
            covered
                .iter()
                .any(|i| i.by_stage.iter().any(|f| f.label == s.id()))
        })
        .collect();
    if !shown.is_empty() {
        out.push_str(
            "<table class=\"small\"><caption>by life-cycle stage</caption><tr><th>indicator</th>",
        );
        for s in &shown {
            let _ = write!(out, "<th>{}</th>", s.id());
        }
        out.push_str("</tr>");
        for i in &covered {
            let _ = write!(out, "<tr><td>{}</td>", i.indicator.id());
            for s in &shown {
                match i.by_stage.iter().find(|f| f.label == s.id()) {
                    Some(f) => {
                        out.push_str("<td class=\"num\">");
                        figure(out, f);
                        out.push_str("</td>");
                    }
                    None => out.push_str("<td class=\"num muted\">-</td>"),
                }
            }
            out.push_str("</tr>");
        }
        out.push_str("</table>");
    }
    let scopes: Vec<String> = covered
        .iter()
        .flat_map(|i| i.per_unit.iter())
        .filter_map(|f| f.note.as_ref().map(|n| format!("{}: {n}", f.label)))
        .fold(Vec::new(), |mut v, s| {
            if !v.contains(&s) {
                v.push(s);
            }
            v
        });
    if !scopes.is_empty() {
        out.push_str("<p class=\"small muted\">Per-unit numerators: ");
        let escaped: Vec<String> = scopes.iter().map(|s| esc(s)).collect();
        out.push_str(&escaped.join("; "));
        out.push_str(".</p>");
    }
    if !d.uncertainty.notes.is_empty() {
        let notes: Vec<String> = d.uncertainty.notes.iter().map(|n| esc(n)).collect();
        let _ = write!(
            out,
            "<p class=\"small muted\">Not propagated: {}</p>",
            notes.join("; ")
        );
    }
    if !d.method_figures.is_empty() {
        out.push_str("<table class=\"small\"><caption>the method's own figures</caption><tr><th>figure</th><th>indicator</th><th>value</th><th>note</th></tr>");
        for f in &d.method_figures {
            let _ = write!(
                out,
                "<tr><td>{}</td><td>{}</td><td class=\"num\">",
                esc(&f.label),
                f.indicator.map_or("-", |i| i.id())
            );
            fig(out, &f.figure, &f.display);
            let _ = write!(
                out,
                "</td><td>{}</td></tr>",
                esc(f.note.as_deref().unwrap_or(""))
            );
        }
        out.push_str("</table>");
    }
    out.push_str("</section>");
}

fn quality(out: &mut String, d: &Disclosure) {
    let q = &d.quality;
    out.push_str("<section id=\"quality\"><h2>Data quality</h2>");
    if q.indicators.is_empty() {
        out.push_str("<p>No figure to grade.</p>");
    } else {
        out.push_str("<table class=\"small\"><tr><th>indicator</th><th>grade</th><th>shares of the total by weakest input</th></tr>");
        for i in &q.indicators {
            let _ = write!(
                out,
                "<tr><td>{}</td><td>{}</td><td>{}</td></tr>",
                i.indicator.id(),
                esc(&i.grade.display),
                esc(&i.display)
            );
        }
        out.push_str("</table>");
    }
    for m in &q.missing_stages {
        let _ = write!(
            out,
            "<p><span class=\"missing\">Mandatory stage not covered</span>: {} ({})</p>",
            m.stage.id(),
            esc(m.reason.as_deref().unwrap_or(""))
        );
    }
    let _ = write!(
        out,
        "<p class=\"small muted\">{}</p></section>",
        esc(&q.rule)
    );
}

fn exclusions(out: &mut String, d: &Disclosure) {
    out.push_str("<section id=\"exclusions\"><h2>Exclusions</h2>");
    if d.exclusions.is_empty() {
        out.push_str("<p>None.</p>");
    } else {
        out.push_str("<table class=\"small\"><tr><th>item</th><th>aspect</th><th>indicator</th><th>reason</th></tr>");
        for e in &d.exclusions {
            let _ = write!(
                out,
                "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
                esc(&item_text(&e.item)),
                e.aspect.map_or("all", |a| a.id()),
                e.indicator.map_or("all", |i| i.id()),
                esc(&e.reason)
            );
        }
        out.push_str("</table>");
    }
    out.push_str("</section><section id=\"assumptions\"><h2>Assumptions and defaults</h2>");
    if d.assumptions.is_empty() {
        out.push_str("<p>None.</p>");
    } else {
        out.push_str("<ul class=\"small\">");
        for x in &d.assumptions {
            let items: Vec<String> = x.items.iter().map(item_text).collect();
            let applied = if items.is_empty() {
                String::new()
            } else {
                format!(" (applied to {})", esc(&items.join(", ")))
            };
            let _ = write!(
                out,
                "<li><code>{}</code>: {}{applied}</li>",
                esc(&x.topic),
                esc(&x.text)
            );
        }
        out.push_str("</ul>");
    }
    if !d.warnings.is_empty() {
        out.push_str("<p class=\"small\">Warnings:</p><ul class=\"small\">");
        for w in &d.warnings {
            let _ = write!(out, "<li>{}</li>", esc(w));
        }
        out.push_str("</ul>");
    }
    out.push_str("</section>");
}

fn stamp(out: &mut String, d: &Disclosure) {
    out.push_str("<footer id=\"reproducibility\"><h2>Reproducibility</h2><ul class=\"small\">");
    crate::html::stamp_items(out, &d.stamp, crate::lang::Lang::En);
    out.push_str("</ul></footer>");
}

/// The one-page HTML document.
pub fn render(d: &Disclosure) -> String {
    let mut out = String::with_capacity(32 * 1024);
    let _ = write!(
        out,
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width\"><title>Environmental footprint disclosure — {}</title><script>{CHECK}</script><style>{STYLE}</style></head><body>",
        esc(&d.system.name)
    );
    header(&mut out, d);
    indicators(&mut out, d);
    functional_units(&mut out, d);
    boundary(&mut out, d);
    quality(&mut out, d);
    exclusions(&mut out, d);
    stamp(&mut out, d);
    out.push_str("</body></html>");
    lines(&out)
}

/// `page` with a line break after each block, so a change reads as a line in a diff.
/// Text never holds a tag (`<` is escaped), so only markup is split.
fn lines(page: &str) -> String {
    let mut out = String::with_capacity(page.len() + page.len() / 16);
    let mut rest = page;
    while let Some(at) = rest.find("</") {
        let end = rest[at..].find('>').map_or(rest.len(), |e| at + e + 1);
        out.push_str(&rest[..end]);
        let tag = &rest[at + 2..end.saturating_sub(1)];
        if matches!(
            tag,
            "script"
                | "style"
                | "head"
                | "header"
                | "section"
                | "footer"
                | "table"
                | "tr"
                | "caption"
                | "p"
                | "h1"
                | "h2"
                | "ul"
                | "li"
                | "body"
                | "html"
        ) {
            out.push('\n');
        }
        rest = &rest[end..];
    }
    out.push_str(rest);
    out
}
