//! The propagation of uncertainty, as text or Markdown: how it was propagated, which inputs
//! were uncertain, every aggregate figure's 95 % interval, whether methods differ
//! significantly, which divergence drivers may explain nothing, and which inputs to measure
//! first.

mod csv_rows;
#[cfg(test)]
pub(crate) mod sample;
#[cfg(test)]
mod tests;

use std::fmt::Write as _;

use bilan_core::indicator::Indicator;
use bilan_runner::uncertainty::{
    DifferenceInterval, FigureInterval, Headline, Interval, Propagation, Sensitivity,
    UncertaintyReport,
};

use crate::lang::Lang;
use crate::table::{Pivot, Table};

pub(crate) use csv_rows::write_rows as write_csv_rows;

/// At most this many uncertain inputs are listed in a text report; the JSON report has all.
const INPUT_LIMIT: usize = 100;

/// The share of the variance the sensitivity sentence counts inputs up to.
const VARIANCE_TARGET: f64 = 0.9;

/// How the uncertainty was propagated, in words.
pub(crate) fn propagation_text(u: &UncertaintyReport, l: Lang) -> String {
    match u.propagation {
        Propagation::MonteCarlo => {
            let mut parts = vec![l.t("u-monte-carlo")];
            if let Some(n) = u.iterations {
                parts.push(l.msg("u-iterations", &[("count", &l.count(n as f64))]));
            }
            if let Some(seed) = u.seed {
                parts.push(l.msg("u-seed", &[("seed", &seed.to_string())]));
            }
            parts.push(l.t("u-common-numbers"));
            parts.join(", ")
        }
        Propagation::Analytic => l.t("u-analytic"),
    }
}

/// The id of where an uncertain input comes from, as the JSON report writes it.
pub(crate) fn source_id(source: bilan_runner::uncertainty::InputSource) -> String {
    serde_json::to_value(source)
        .ok()
        .and_then(|v| v.as_str().map(str::to_owned))
        .unwrap_or_default()
}

/// What a sensitivity measure is, in words.
pub(crate) fn measure_text(measure: &str, l: Lang) -> String {
    match measure {
        "first-order" => l.t("u-measure-first-order"),
        "src2" => l.t("u-measure-src2"),
        other => other.to_owned(),
    }
}

/// What a method reports under its uncertainty policy, with the point value when known:
/// `m reports p95: gwp.total = 12.4 t CO2e (point value 11.0 t CO2e)`.
/// `method` is what stands for the method: its id, or a marker for markup.
pub(crate) fn headline(u: &UncertaintyReport, x: &Headline, l: Lang, method: &str) -> String {
    let figure = format!("{}.total", x.indicator.id());
    let mut text = l.msg(
        "u-headline",
        &[
            ("method", method),
            ("policy", &x.policy),
            ("figure", &figure),
            ("amount", &l.amount(x.value, x.indicator)),
        ],
    );
    if let Some(f) = total_of(u, &x.method, x.indicator) {
        let point = l.amount(f.nominal, x.indicator);
        text.push(' ');
        text.push_str(&l.msg("u-point-value", &[("amount", &point)]));
    }
    text
}

/// A figure path without its indicator: `stage.use` for `gwp.stage.use`.
pub(crate) fn selector(figure: &str) -> &str {
    figure.split_once('.').map_or(figure, |(_, rest)| rest)
}

/// Where a figure sorts among its method's: total, stages, phases, categories, units.
fn rank(figure: &str) -> u8 {
    let s = selector(figure);
    match s.split_once('.').map_or(s, |(kind, _)| kind) {
        "total" => 0,
        "stage" => 1,
        "phase" => 2,
        "aspect" => 3,
        "category" => 4,
        "unit" => 5,
        _ => 6,
    }
}

/// The figures of `indicator`, grouped by method (in the order methods first appear), each
/// method's total first, then its stages, phases, categories and units.
pub(crate) fn figures_of(u: &UncertaintyReport, indicator: Indicator) -> Vec<&FigureInterval> {
    let mut methods: Vec<&str> = Vec::new();
    for f in u.figures.iter().filter(|f| f.indicator == indicator) {
        if !methods.contains(&f.method.as_str()) {
            methods.push(&f.method);
        }
    }
    let mut list: Vec<&FigureInterval> = u
        .figures
        .iter()
        .filter(|f| f.indicator == indicator)
        .collect();
    list.sort_by_key(|f| (methods.iter().position(|m| *m == f.method), rank(&f.figure)));
    list
}

/// The interval of a method's total, if propagated.
pub(crate) fn total_of<'u>(
    u: &'u UncertaintyReport,
    method: &str,
    indicator: Indicator,
) -> Option<&'u FigureInterval> {
    u.figures
        .iter()
        .find(|f| f.method == method && f.indicator == indicator && selector(&f.figure) == "total")
}

/// Half the interval's width as a share of the median: `± 6.12 %`.
pub(crate) fn spread(i: &Interval, l: Lang) -> String {
    if i.median == 0.0 || !i.median.is_finite() {
        "-".to_owned()
    } else {
        format!("± {}", l.percent(i.half_width() / i.median.abs()))
    }
}

/// One sentence on the difference between two methods' totals.
pub(crate) fn difference_sentence(d: &DifferenceInterval, l: Lang) -> String {
    let i = d.indicator;
    let x = &d.difference;
    let (a, b) = (("a", d.a.as_str()), ("b", d.b.as_str()));
    if x.low == 0.0 && x.high == 0.0 {
        return l.msg("u-same", &[a, b]);
    }
    if !d.significant {
        let range = l.amount_range(x.low, x.high, i);
        return l.msg("u-not-significant", &[a, b, ("range", &range)]);
    }
    let above = x.median >= 0.0;
    // Below: the interval of A − B, so that both ends read as positive amounts.
    let flip = |v: &Interval| {
        if above {
            (v.median, v.low, v.high)
        } else {
            (-v.median, -v.high, -v.low)
        }
    };
    let (m, lo, hi) = flip(x);
    let (amount, range) = (l.amount(m, i), l.amount_range(lo, hi, i));
    let (amount, range) = (("amount", amount.as_str()), ("range", range.as_str()));
    match &d.relative {
        Some(r) => {
            let (rm, rlo, rhi) = flip(r);
            let (share, low, high) = (l.percent(rm), l.percent(rlo), l.percent(rhi));
            let id = if above {
                "u-above-share"
            } else {
                "u-below-share"
            };
            let shares = [("share", &*share), ("low", &*low), ("high", &*high)];
            l.msg(id, &[&[a, b, amount, range][..], &shares[..]].concat())
        }
        None => l.msg(
            if above { "u-above" } else { "u-below" },
            &[a, b, amount, range],
        ),
    }
}

/// How few inputs make 90 % of the variance of `s`'s figure: "2 inputs make 95.0 % of the
/// variance of gwp.total under ademe-lca: measure them first."
pub(crate) fn sensitivity_sentence(s: &Sensitivity, l: Lang) -> String {
    let (figure, method) = (("figure", s.figure.as_str()), ("method", s.method.as_str()));
    if s.inputs.is_empty() {
        return l.msg("u-exact", &[figure, method]);
    }
    let mut cumulative = 0.0;
    let mut needed = None;
    for (n, x) in s.inputs.iter().enumerate() {
        cumulative += x.share;
        if cumulative >= VARIANCE_TARGET {
            needed = Some((n + 1, cumulative));
            break;
        }
    }
    match needed {
        Some((1, share)) => l.msg(
            "u-one-input",
            &[("share", &l.percent(share)), figure, method],
        ),
        Some((n, share)) => l.msg(
            "u-n-inputs",
            &[
                ("count", &n.to_string()),
                ("share", &l.percent(share)),
                figure,
                method,
            ],
        ),
        None => l.msg(
            "u-no-small-set",
            &[
                ("count", &s.inputs.len().to_string()),
                ("of", &s.of.to_string()),
                ("share", &l.percent(cumulative)),
                figure,
                method,
            ],
        ),
    }
}

/// On a terminal too narrow for a table, every column after the first `keep` becomes a row
/// of its own, named by its header.
fn fields(keep: usize) -> Pivot<'static> {
    Pivot {
        keep,
        names: ("", ""),
    }
}

/// The inputs that make `s` most of its variance, and the sentence that says how few.
fn sensitivity_block(out: &mut String, s: &Sensitivity, (l, width): (Lang, Option<usize>)) {
    let _ = writeln!(
        out,
        "{}\n",
        l.msg_count(
            "u-sensitivity-block",
            s.of,
            &[
                ("method", &s.method),
                ("figure", &s.figure),
                ("measure", &measure_text(&s.measure, l)),
                ("shown", &s.inputs.len().to_string()),
            ],
        )
    );
    let mut t = Table::new();
    t.set_header(vec![
        l.t("col-input"),
        l.t("col-share-of-variance"),
        l.t("col-cumulative"),
    ]);
    let mut cumulative = 0.0;
    for x in &s.inputs {
        cumulative += x.share;
        t.add_row(vec![
            x.key.clone(),
            l.percent(x.share),
            l.percent(cumulative),
        ]);
    }
    let _ = writeln!(out, "{}\n", t.render_within(width, None));
    let _ = writeln!(out, "{}\n", sensitivity_sentence(s, l));
}

fn inputs_section(
    out: &mut String,
    u: &UncertaintyReport,
    h: &str,
    (l, width): (Lang, Option<usize>),
) {
    let _ = writeln!(out, "{h} {}\n", l.t("u-inputs"));
    if u.inputs.is_empty() {
        let _ = writeln!(out, "{}\n", l.t("u-no-inputs"));
        return;
    }
    let reasons = assumptions(u);
    let mut t = Table::new();
    t.set_header(vec![
        l.t("col-input"),
        l.t("col-source"),
        l.t("col-nominal"),
        l.t("col-distribution"),
        l.t("col-methods"),
    ]);
    for x in u.inputs.iter().take(INPUT_LIMIT) {
        let source = l.input_source(&source_id(x.source));
        let nominal = l.with_unit(x.nominal, &x.unit);
        let distribution = match &x.assumed {
            Some(why) => {
                let n = reasons.iter().position(|r| r == why).map_or(0, |n| n + 1);
                l.msg(
                    "u-assumed-ref",
                    &[("distribution", &x.distribution), ("n", &n.to_string())],
                )
            }
            None => x.distribution.clone(),
        };
        t.add_row(vec![
            x.key.clone(),
            source,
            nominal,
            distribution,
            x.methods.join(", "),
        ]);
    }
    let _ = writeln!(out, "{}\n", t.render_within(width, Some(fields(1))));
    if u.inputs.len() > INPUT_LIMIT {
        let more = (u.inputs.len() - INPUT_LIMIT).to_string();
        let _ = writeln!(out, "{}\n", l.msg("u-more-inputs", &[("count", &more)]));
    }
    let assumed = u.inputs.iter().filter(|x| x.assumed.is_some()).count();
    if assumed > 0 {
        let _ = writeln!(
            out,
            "{}\n",
            l.msg_count(
                "u-assumed-count",
                assumed,
                &[("total", &l.count(u.inputs.len() as f64))]
            )
        );
        for (n, why) in reasons.iter().enumerate() {
            let _ = writeln!(out, "- [{}] {why}", n + 1);
        }
        out.push('\n');
    }
}

/// The distinct reasons distributions were assumed, in the order of the inputs listed.
pub(crate) fn assumptions(u: &UncertaintyReport) -> Vec<&str> {
    let mut reasons: Vec<&str> = Vec::new();
    for why in u
        .inputs
        .iter()
        .take(INPUT_LIMIT)
        .filter_map(|x| x.assumed.as_deref())
    {
        if !reasons.contains(&why) {
            reasons.push(why);
        }
    }
    reasons
}

fn indicator_section(
    out: &mut String,
    u: &UncertaintyReport,
    (h, l, width): (&str, Lang, Option<usize>),
    indicator: Indicator,
) {
    let figures = figures_of(u, indicator);
    let differences: Vec<_> = u
        .differences
        .iter()
        .filter(|d| d.indicator == indicator)
        .collect();
    let drivers: Vec<_> = u
        .drivers
        .iter()
        .filter(|d| d.indicator == indicator)
        .collect();
    let totals: Vec<_> = u
        .sensitivity
        .iter()
        .filter(|s| s.figure.split_once('.').map(|(i, _)| i) == Some(indicator.id()))
        .collect();
    if figures.is_empty() && differences.is_empty() && drivers.is_empty() && totals.is_empty() {
        return;
    }
    let heading = l.msg(
        "u-intervals-heading",
        &[
            ("indicator", indicator.id()),
            ("name", &l.indicator(indicator)),
            ("unit", indicator.unit()),
        ],
    );
    let _ = writeln!(out, "{h} {heading}\n");
    if !figures.is_empty() {
        let mut t = Table::new();
        t.set_header(vec![
            l.t("col-method"),
            l.t("col-figure"),
            l.t("col-point-value"),
            l.t("col-median"),
            l.t("col-interval"),
            l.t("col-spread-of-median"),
        ]);
        let mut last: Option<&str> = None;
        for f in figures {
            let first = last != Some(f.method.as_str());
            last = Some(&f.method);
            let figure = selector(&f.figure);
            let i = &f.interval;
            t.add_row(vec![
                if first {
                    f.method.clone()
                } else {
                    String::new()
                },
                if rank(&f.figure) == 0 {
                    figure.to_owned()
                } else {
                    format!("· {figure}")
                },
                l.amount(f.nominal, indicator),
                l.amount(i.median, indicator),
                l.amount_range(i.low, i.high, indicator),
                spread(i, l),
            ]);
        }
        let _ = writeln!(out, "{}\n", t.render_within(width, Some(fields(2))));
    }
    if !differences.is_empty() {
        let _ = writeln!(out, "{}\n", l.t("u-differences"));
        for d in differences {
            let _ = writeln!(out, "- {}", difference_sentence(d, l));
        }
        out.push('\n');
    }
    if !drivers.is_empty() {
        let mut t = Table::new();
        t.set_header(vec![
            l.t("divergence-pairs"),
            l.t("col-driver"),
            l.t("col-nominal"),
            l.t("col-interval"),
            String::new(),
        ]);
        for d in drivers {
            t.add_row(vec![
                format!("{} → {}", d.a, d.b),
                d.driver.map_or_else(|| l.t("residual"), |x| l.driver(x)),
                l.amount(d.nominal, indicator),
                l.amount_range(d.interval.low, d.interval.high, indicator),
                if d.spans_zero {
                    l.t("u-spans-zero-driver")
                } else {
                    String::new()
                },
            ]);
        }
        let _ = writeln!(out, "{}\n", t.render_within(width, Some(fields(2))));
    }
    if !totals.is_empty() {
        let _ = writeln!(out, "{}\n", l.t("u-sensitivity"));
        for s in totals {
            sensitivity_block(out, s, (l, width));
        }
    }
}

/// The uncertainty section of a comparison, as Markdown (`markdown = true`) or as terminal
/// text.
pub fn render_text(
    u: &UncertaintyReport,
    markdown: bool,
    (l, width): (Lang, Option<usize>),
) -> String {
    let (h2, h3) = if markdown { ("## ", "###") } else { ("", "==") };
    let mut out = String::new();
    let _ = writeln!(out, "{h2}{}\n", l.t("u-title"));
    let how = propagation_text(u, l);
    let _ = writeln!(out, "{}\n", l.msg("u-propagation", &[("how", &how)]));
    let _ = writeln!(out, "{}\n", l.t("u-intervals-explained"));
    if !u.headlines.is_empty() {
        let _ = writeln!(out, "{h3} {}\n", l.t("u-headlines"));
        for x in &u.headlines {
            let _ = writeln!(out, "- {}", headline(u, x, l, &x.method));
        }
        out.push('\n');
    }
    inputs_section(&mut out, u, h3, (l, width));
    for indicator in Indicator::ALL {
        indicator_section(&mut out, u, (h3, l, width), indicator);
    }
    if !u.notes.is_empty() {
        let _ = writeln!(out, "{h3} {}\n", l.t("u-not-propagated"));
        for n in &u.notes {
            let _ = writeln!(out, "- {n}");
        }
        out.push('\n');
    }
    out
}
