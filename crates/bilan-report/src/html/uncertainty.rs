//! The propagation of uncertainty in the HTML page: whiskers on the total bars, a histogram
//! and a tornado chart per total, the intervals of every figure, the differences between
//! methods and the drivers whose interval spans zero. Inline SVG, like the other charts.

use std::fmt::Write as _;

use bilan_core::indicator::Indicator;
use bilan_runner::uncertainty::{Histogram, Interval, Sensitivity, UncertaintyReport};

use super::{esc, header_cells};
use crate::lang::Lang;
use crate::uncertainty::{
    difference_sentence, figures_of, headline, measure_text, propagation_text, selector,
    sensitivity_sentence, spread, total_of,
};

/// Styles added to the page's only when it shows uncertainty.
pub(super) const STYLE: &str = ".u-totals{display:flex;flex-wrap:wrap;gap:1.5rem}.u-total{flex:0 1 auto}\
.u-total h4{margin:.5rem 0 .2rem}.spans-zero{color:#b00;font-weight:600}.significant{color:#2a6}";

/// At most this many uncertain inputs are listed; the JSON report has all.
const INPUT_LIMIT: usize = 300;

/// Input keys longer than this are cut in a tornado chart's labels (the full key is in the
/// bar's tooltip).
const LABEL_CHARS: usize = 44;

/// The 95 % interval of a method's total, for the whisker on its bar.
pub(super) fn total_interval(
    u: Option<&UncertaintyReport>,
    method: &str,
    indicator: Indicator,
) -> Option<Interval> {
    u.and_then(|u| total_of(u, method, indicator))
        .map(|f| f.interval)
}

/// A whisker from the 2.5th to the 97.5th percentile over a bar whose scale is `max` per
/// `width` pixels from `x0`; returns the x of its right end. Ends below zero are drawn at
/// zero (the tooltip gives the values).
pub(super) fn whisker(
    out: &mut String,
    i: &Interval,
    (l, indicator): (Lang, Indicator),
    x0: f64,
    width: f64,
    max: f64,
    y_mid: f64,
) -> f64 {
    let at = |v: f64| x0 + v.max(0.0) / max * width;
    let (x1, x2, xm) = (at(i.low), at(i.high), at(i.median));
    let (top, bottom) = (y_mid - 6.0, y_mid + 6.0);
    let _ = write!(
        out,
        "<g class=\"whisker\" stroke=\"#222\" stroke-width=\"1.5\"><title>{}</title>\
<line x1=\"{x1:.2}\" y1=\"{y_mid}\" x2=\"{x2:.2}\" y2=\"{y_mid}\"/>\
<line x1=\"{x1:.2}\" y1=\"{top}\" x2=\"{x1:.2}\" y2=\"{bottom}\"/>\
<line x1=\"{x2:.2}\" y1=\"{top}\" x2=\"{x2:.2}\" y2=\"{bottom}\"/>\
<circle cx=\"{xm:.2}\" cy=\"{y_mid}\" r=\"2.5\" fill=\"#222\"/></g>",
        esc(&l.msg(
            "u-whisker",
            &[
                ("range", &l.amount_range(i.low, i.high, indicator)),
                ("median", &l.amount(i.median, indicator)),
            ]
        ))
    );
    x2
}

/// How it was propagated, the headlines, the uncertain inputs and the notes.
pub(super) fn overview(out: &mut String, l: Lang, u: &UncertaintyReport) {
    let how = propagation_text(u, l);
    let _ = write!(
        out,
        "<section id=\"uncertainty\"><h2>{}</h2><p>{}. {}</p>",
        esc(&l.t("u-title")),
        esc(&l.msg("u-propagation", &[("how", &how)])),
        esc(&l.t("u-intervals-explained-html"))
    );
    if !u.headlines.is_empty() {
        out.push_str("<ul class=\"headlines\">");
        for h in &u.headlines {
            // The method in bold: it stands as a marker while the sentence is escaped.
            let strong = format!("<strong>{}</strong>", esc(&h.method));
            let mark = super::marker(0);
            let text = esc(&headline(u, h, l, &mark)).replace(&mark, &strong);
            let _ = write!(out, "<li>{text}</li>");
        }
        out.push_str("</ul>");
    }
    let assumed = u.inputs.iter().filter(|x| x.assumed.is_some()).count();
    let summary = l.msg_count(
        "u-inputs-summary",
        u.inputs.len(),
        &[("assumed", &l.count(assumed as f64))],
    );
    let _ = write!(
        out,
        "<details><summary>{}</summary><table class=\"inputs\"><tr>",
        esc(&summary)
    );
    header_cells(
        out,
        l,
        &[
            "col-input",
            "col-source",
            "col-nominal",
            "col-distribution",
            "col-methods",
        ],
    );
    out.push_str("</tr>");
    for x in u.inputs.iter().take(INPUT_LIMIT) {
        let source = esc(&l.input_source(&crate::uncertainty::source_id(x.source)));
        let assumed = x
            .assumed
            .as_ref()
            .map(|why| {
                let text = l.msg("u-assumption", &[("why", why)]);
                format!(" <em>{}</em>", esc(&text))
            })
            .unwrap_or_default();
        let _ = write!(
            out,
            "<tr><td><code>{}</code></td><td>{source}</td><td class=\"num\">{}</td><td>{}{assumed}</td><td>{}</td></tr>",
            esc(&x.key),
            esc(&l.with_unit(x.nominal, &x.unit)),
            esc(&x.distribution),
            esc(&x.methods.join(", "))
        );
    }
    if u.inputs.len() > INPUT_LIMIT {
        let more = (u.inputs.len() - INPUT_LIMIT).to_string();
        let _ = write!(
            out,
            "<tr><td colspan=\"5\" class=\"muted\">{}</td></tr>",
            esc(&l.msg("u-more-inputs-html", &[("count", &more)]))
        );
    }
    out.push_str("</table></details>");
    if !u.notes.is_empty() {
        let _ = write!(out, "<p>{}</p><ul>", esc(&l.t("u-not-propagated-html")));
        for n in &u.notes {
            let _ = write!(out, "<li>{}</li>", esc(n));
        }
        out.push_str("</ul>");
    }
    out.push_str("</section>");
}

/// A small histogram of a total over the iterations, with its 95 % interval and point value.
fn histogram(
    out: &mut String,
    h: &Histogram,
    (l, indicator): (Lang, Indicator),
    f: Option<(f64, &Interval)>,
) {
    let (w, plot_h, pad) = (280.0, 70.0, 4.0);
    let height = plot_h + 2.0 * pad + 16.0;
    let peak = h.counts.iter().copied().max().unwrap_or(0);
    let empty = if peak > 0 { "" } else { " data-empty=\"\"" };
    let _ = write!(
        out,
        "<svg class=\"chart histogram\" data-figure=\"{} {} histogram\"{empty} role=\"img\" aria-label=\"{}\" width=\"{w}\" height=\"{height}\" viewBox=\"0 0 {w} {height}\">",
        esc(&h.method),
        esc(&h.figure),
        esc(&l.msg(
            "u-histogram-label",
            &[("figure", &h.figure), ("method", &h.method)]
        ))
    );
    let bins = h.counts.len().max(1) as f64;
    let bin_w = w / bins;
    let span = h.high - h.low;
    for (k, &n) in h.counts.iter().enumerate() {
        if n == 0 || peak == 0 {
            continue;
        }
        let bh = f64::from(n) / f64::from(peak) * plot_h;
        let from = h.low + span * k as f64 / bins;
        let to = h.low + span * (k + 1) as f64 / bins;
        let _ = write!(
            out,
            "<rect class=\"bar\" x=\"{:.2}\" y=\"{:.2}\" width=\"{:.2}\" height=\"{bh:.2}\" fill=\"#4e79a7\"><title>{}</title></rect>",
            k as f64 * bin_w + 0.5,
            pad + plot_h - bh,
            (bin_w - 1.0).max(0.5),
            esc(&l.msg_count(
                "u-iterations-in-bin",
                n as usize,
                &[("range", &l.amount_range(from, to, indicator))]
            ))
        );
    }
    if let Some((nominal, i)) = f
        && span > 0.0
    {
        let at = |v: f64| ((v - h.low) / span * w).clamp(0.0, w);
        for (v, style, what) in [
            (
                i.low,
                "stroke=\"#222\" stroke-dasharray=\"3 2\"",
                "u-percentile-low",
            ),
            (
                i.high,
                "stroke=\"#222\" stroke-dasharray=\"3 2\"",
                "u-percentile-high",
            ),
            (
                nominal,
                "stroke=\"#e15759\" stroke-width=\"2\"",
                "col-point-value",
            ),
        ] {
            let _ = write!(
                out,
                "<line x1=\"{x:.2}\" y1=\"{pad}\" x2=\"{x:.2}\" y2=\"{}\" {style}><title>{}</title></line>",
                pad + plot_h,
                esc(&l.label_value(&l.t(what), &l.amount(v, indicator))),
                x = at(v)
            );
        }
    }
    let _ = write!(
        out,
        "<text x=\"0\" y=\"{y}\" font-size=\"11\">{}</text><text x=\"{w}\" y=\"{y}\" font-size=\"11\" text-anchor=\"end\">{}</text></svg>",
        esc(&l.amount(h.low, indicator)),
        esc(&l.amount(h.high, indicator)),
        y = height - 3.0
    );
}

/// `key` cut to [`LABEL_CHARS`] characters.
fn label(key: &str) -> String {
    match key.char_indices().nth(LABEL_CHARS) {
        None => key.to_owned(),
        Some((end, _)) => format!("{}…", &key[..end]),
    }
}

/// A tornado chart: the ten inputs with the largest share of the variance, largest on top.
fn tornado(out: &mut String, l: Lang, s: &Sensitivity) {
    if s.inputs.is_empty() {
        return;
    }
    let (label_w, bar_w, row_h) = (300.0, 200.0, 20.0);
    let width = label_w + bar_w + 60.0;
    let height = row_h * s.inputs.len() as f64 + 4.0;
    let peak = s.inputs.iter().fold(0.0_f64, |m, x| m.max(x.share));
    let empty = if peak > 0.0 { "" } else { " data-empty=\"\"" };
    let _ = write!(
        out,
        "<svg class=\"chart tornado\" data-figure=\"{} {} sensitivity\"{empty} role=\"img\" aria-label=\"{}\" width=\"{width}\" height=\"{height}\" viewBox=\"0 0 {width} {height}\">",
        esc(&s.method),
        esc(&s.figure),
        esc(&l.msg(
            "u-tornado-label",
            &[("figure", &s.figure), ("method", &s.method)]
        ))
    );
    for (n, x) in s.inputs.iter().enumerate() {
        let y = 2.0 + n as f64 * row_h;
        let w = if peak > 0.0 {
            x.share.max(0.0) / peak * bar_w
        } else {
            0.0
        };
        let _ = write!(
            out,
            "<text x=\"{:.2}\" y=\"{:.2}\" font-size=\"12\" text-anchor=\"end\">{}</text>\
<rect class=\"bar\" x=\"{label_w}\" y=\"{y:.2}\" width=\"{w:.2}\" height=\"{:.2}\" fill=\"#e15759\"><title>{}</title></rect>\
<text x=\"{:.2}\" y=\"{:.2}\" font-size=\"11\">{}</text>",
            label_w - 6.0,
            y + 13.0,
            esc(&label(&x.key)),
            row_h - 5.0,
            esc(&l.msg(
                "u-share-of-variance",
                &[("key", &x.key), ("share", &l.percent(x.share))]
            )),
            label_w + w + 4.0,
            y + 13.0,
            esc(&l.percent(x.share))
        );
    }
    out.push_str("</svg>");
}

/// Everything uncertainty adds to an indicator's section.
pub(super) fn section(out: &mut String, l: Lang, u: &UncertaintyReport, indicator: Indicator) {
    let figures = figures_of(u, indicator);
    if figures.is_empty() {
        return;
    }
    let _ = write!(
        out,
        "<h3>{}</h3><div class=\"u-totals\">",
        esc(&l.t("u-title"))
    );
    for f in figures.iter().filter(|f| selector(&f.figure) == "total") {
        let i = &f.interval;
        let line = l.msg(
            "u-total-line",
            &[
                ("figure", &f.figure),
                ("median", &l.amount(i.median, indicator)),
                ("range", &l.amount_range(i.low, i.high, indicator)),
                ("spread", &spread(i, l)),
            ],
        );
        let _ = write!(
            out,
            "<div class=\"u-total\"><h4>{}</h4><p>{}</p>",
            esc(&f.method),
            esc(&line)
        );
        if let Some(h) = u
            .histograms
            .iter()
            .find(|h| h.method == f.method && h.figure == f.figure)
        {
            histogram(out, h, (l, indicator), Some((f.nominal, i)));
            let _ = write!(
                out,
                "<p class=\"muted\">{}</p>",
                esc(&l.t("u-histogram-note"))
            );
        }
        if let Some(s) = u
            .sensitivity
            .iter()
            .find(|s| s.method == f.method && s.figure == f.figure)
        {
            let text = l.msg_count(
                "u-sensitivity-html",
                s.of,
                &[
                    ("measure", &measure_text(&s.measure, l)),
                    ("shown", &s.inputs.len().to_string()),
                ],
            );
            let _ = write!(out, "<p class=\"muted\">{}</p>", esc(&text));
            tornado(out, l, s);
            let _ = write!(out, "<p>{}</p>", esc(&sensitivity_sentence(s, l)));
        }
        out.push_str("</div>");
    }
    out.push_str("</div>");
    let summary = l.msg(
        "u-intervals-summary",
        &[("count", &figures.len().to_string())],
    );
    let _ = write!(
        out,
        "<details><summary>{}</summary><table class=\"intervals\"><tr>",
        esc(&summary)
    );
    header_cells(
        out,
        l,
        &[
            "col-method",
            "col-figure",
            "col-point-value",
            "col-median",
            "col-interval",
            "col-spread-of-median",
        ],
    );
    out.push_str("</tr>");
    let mut last: Option<&str> = None;
    for f in &figures {
        let first = last != Some(f.method.as_str());
        last = Some(&f.method);
        let i = &f.interval;
        let _ = write!(
            out,
            "<tr><td>{}</td><td>{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td></tr>",
            if first { esc(&f.method) } else { String::new() },
            esc(selector(&f.figure)),
            esc(&l.amount(f.nominal, indicator)),
            esc(&l.amount(i.median, indicator)),
            esc(&l.amount_range(i.low, i.high, indicator)),
            esc(&spread(i, l))
        );
    }
    out.push_str("</table></details>");
    let differences: Vec<_> = u
        .differences
        .iter()
        .filter(|d| d.indicator == indicator)
        .collect();
    if !differences.is_empty() {
        let _ = write!(
            out,
            "<table class=\"differences\"><caption>{}</caption><tr>",
            esc(&l.t("u-differences-caption"))
        );
        header_cells(
            out,
            l,
            &[
                "col-a-to-b",
                "col-median-difference",
                "col-interval",
                "col-verdict",
            ],
        );
        out.push_str("</tr>");
        for d in differences {
            let verdict = if d.significant {
                format!(
                    "<span class=\"significant\">{}</span>: {}",
                    esc(&l.t("u-significant")),
                    esc(&difference_sentence(d, l))
                )
            } else if d.difference.low == 0.0 && d.difference.high == 0.0 {
                esc(&l.t("u-same-figure"))
            } else {
                format!(
                    "<span class=\"spans-zero\">{}</span>: {}",
                    esc(&l.t("u-spans-zero")),
                    esc(&l.t("u-not-significant-short"))
                )
            };
            let _ = write!(
                out,
                "<tr><td>{} → {}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td>{verdict}</td></tr>",
                esc(&d.a),
                esc(&d.b),
                esc(&l.amount(d.difference.median, indicator)),
                esc(&l.amount_range(d.difference.low, d.difference.high, indicator))
            );
        }
        out.push_str("</table>");
    }
    let drivers: Vec<_> = u
        .drivers
        .iter()
        .filter(|d| d.indicator == indicator)
        .collect();
    if !drivers.is_empty() {
        let _ = write!(
            out,
            "<table class=\"driver-intervals\"><caption>{}</caption><tr>",
            esc(&l.t("u-drivers-caption"))
        );
        header_cells(
            out,
            l,
            &["col-a-to-b", "col-driver", "col-nominal", "col-interval"],
        );
        out.push_str("<th></th></tr>");
        let spans_zero = format!(
            "<span class=\"spans-zero\">{}</span>: {}",
            esc(&l.t("u-spans-zero")),
            esc(&l.t("u-may-explain-nothing"))
        );
        for d in drivers {
            let _ = write!(
                out,
                "<tr><td>{} → {}</td><td>{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td>{}</td></tr>",
                esc(&d.a),
                esc(&d.b),
                esc(&d.driver.map_or_else(|| l.t("residual"), |x| l.driver(x))),
                esc(&l.amount(d.nominal, indicator)),
                esc(&l.amount_range(d.interval.low, d.interval.high, indicator)),
                if d.spans_zero {
                    spans_zero.as_str()
                } else {
                    ""
                }
            );
        }
        out.push_str("</table>");
    }
}
