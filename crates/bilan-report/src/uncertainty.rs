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
    DifferenceInterval, FigureInterval, Interval, Propagation, Sensitivity, UncertaintyReport,
};

use crate::number::percent;
use crate::number::{amount, amount_range, count, significant};
use crate::table::{Pivot, Table};

pub(crate) use csv_rows::write_rows as write_csv_rows;

/// At most this many uncertain inputs are listed in a text report; the JSON report has all.
const INPUT_LIMIT: usize = 100;

/// The share of the variance the sensitivity sentence counts inputs up to.
const VARIANCE_TARGET: f64 = 0.9;

/// How the uncertainty was propagated, in words.
pub(crate) fn propagation_text(u: &UncertaintyReport) -> String {
    match u.propagation {
        Propagation::MonteCarlo => {
            let mut text = "Monte Carlo".to_owned();
            if let Some(n) = u.iterations {
                let _ = write!(text, ", {} iterations", count(n as f64));
            }
            if let Some(seed) = u.seed {
                let _ = write!(text, ", seed {seed}");
            }
            text.push_str(", common random numbers across methods");
            text
        }
        Propagation::Analytic => {
            "analytic: first-order, lognormal approximation (a normal where a figure is not positive)"
                .to_owned()
        }
    }
}

/// What a sensitivity measure is, in words.
pub(crate) fn measure_text(measure: &str) -> &str {
    match measure {
        "first-order" => "first-order variance shares",
        "src2" => "squared standardised regression coefficients",
        other => other,
    }
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
pub(crate) fn spread(i: &Interval) -> String {
    if i.median == 0.0 || !i.median.is_finite() {
        "-".to_owned()
    } else {
        format!("± {}", percent(i.half_width() / i.median.abs()))
    }
}

/// One sentence on the difference between two methods' totals.
pub(crate) fn difference_sentence(d: &DifferenceInterval) -> String {
    let i = d.indicator;
    let x = &d.difference;
    if x.low == 0.0 && x.high == 0.0 {
        return format!(
            "{} and {}: the same figure (B − A is 0 in the whole interval)",
            d.b, d.a
        );
    }
    if !d.significant {
        return format!(
            "{} and {}: not significantly different (95 % interval of B − A spans 0: {})",
            d.b,
            d.a,
            amount_range(x.low, x.high, i)
        );
    }
    let above = x.median >= 0.0;
    let side = if above { "above" } else { "below" };
    // Below: the interval of A − B, so that both ends read as positive amounts.
    let flip = |v: &Interval| {
        if above {
            (v.median, v.low, v.high)
        } else {
            (-v.median, -v.high, -v.low)
        }
    };
    let (m, lo, hi) = flip(x);
    match &d.relative {
        Some(r) => {
            let (rm, rlo, rhi) = flip(r);
            format!(
                "{} is {} {side} {} (95 %: {} to {}), by {} (95 %: {})",
                d.b,
                percent(rm),
                d.a,
                percent(rlo),
                percent(rhi),
                amount(m, i),
                amount_range(lo, hi, i)
            )
        }
        None => format!(
            "{} is {} {side} {} (95 %: {})",
            d.b,
            amount(m, i),
            d.a,
            amount_range(lo, hi, i)
        ),
    }
}

/// How few inputs make 90 % of the variance of `s`'s figure: "2 inputs make 95.0 % of the
/// variance of gwp.total under ademe-lca: measure them first."
pub(crate) fn sensitivity_sentence(s: &Sensitivity) -> String {
    if s.inputs.is_empty() {
        return format!(
            "no uncertain input enters {} under {}: it is known exactly, given the nominal \
             structure.",
            s.figure, s.method
        );
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
        Some((1, share)) => format!(
            "1 input makes {} of the variance of {} under {}: measure it first.",
            percent(share),
            s.figure,
            s.method
        ),
        Some((n, share)) => format!(
            "{n} inputs make {} of the variance of {} under {}: measure them first.",
            percent(share),
            s.figure,
            s.method
        ),
        None => format!(
            "the {} largest of {} inputs make {} of the variance of {} under {}: no small set \
             of inputs dominates; measure these first.",
            s.inputs.len(),
            s.of,
            percent(cumulative),
            s.figure,
            s.method
        ),
    }
}

/// The inputs that make `s` most of its variance, and the sentence that says how few.
/// On a terminal too narrow for a table, every column after the first `keep` becomes a row
/// of its own, named by its header.
fn fields(keep: usize) -> Pivot<'static> {
    Pivot {
        keep,
        names: ("", ""),
    }
}

fn sensitivity_block(out: &mut String, s: &Sensitivity, width: Option<usize>) {
    let _ = writeln!(
        out,
        "{} {} ({}, {} of {} uncertain inputs shown):\n",
        s.method,
        s.figure,
        measure_text(&s.measure),
        s.inputs.len(),
        s.of
    );
    let mut t = Table::new();
    t.set_header(vec!["input", "share of variance", "cumulative"]);
    let mut cumulative = 0.0;
    for x in &s.inputs {
        cumulative += x.share;
        t.add_row(vec![x.key.clone(), percent(x.share), percent(cumulative)]);
    }
    let _ = writeln!(out, "{}\n", t.render_within(width, None));
    let _ = writeln!(out, "{}\n", sensitivity_sentence(s));
}

fn inputs_section(out: &mut String, u: &UncertaintyReport, h: &str, width: Option<usize>) {
    let _ = writeln!(out, "{h} Uncertain inputs\n");
    if u.inputs.is_empty() {
        let _ = writeln!(
            out,
            "no input of the figures carries an uncertainty: every interval is a point.\n"
        );
        return;
    }
    let reasons = assumptions(u);
    let mut t = Table::new();
    t.set_header(vec![
        "input",
        "source",
        "nominal",
        "distribution",
        "methods",
    ]);
    for x in u.inputs.iter().take(INPUT_LIMIT) {
        let source = serde_json::to_value(x.source)
            .ok()
            .and_then(|v| v.as_str().map(str::to_owned))
            .unwrap_or_default();
        let nominal = if x.unit.is_empty() {
            significant(x.nominal, 4)
        } else {
            format!("{} {}", significant(x.nominal, 4), x.unit)
        };
        let distribution = match &x.assumed {
            Some(why) => {
                let n = reasons.iter().position(|r| r == why).map_or(0, |n| n + 1);
                format!("{} (assumed [{n}])", x.distribution)
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
        let _ = writeln!(
            out,
            "… and {} more uncertain inputs: see the JSON report (`-f json`).\n",
            u.inputs.len() - INPUT_LIMIT
        );
    }
    let assumed = u.inputs.iter().filter(|x| x.assumed.is_some()).count();
    if assumed > 0 {
        let _ = writeln!(
            out,
            "{assumed} of {} distributions are assumptions: their source gives none.\n",
            u.inputs.len()
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
    (h, width): (&str, Option<usize>),
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
    let _ = writeln!(
        out,
        "{h} {} — {}: intervals ({})\n",
        indicator.id(),
        indicator.name(),
        indicator.unit()
    );
    if !figures.is_empty() {
        let mut t = Table::new();
        t.set_header(vec![
            "method",
            "figure",
            "point value",
            "median",
            "95 % interval",
            "± of median",
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
                amount(f.nominal, indicator),
                amount(i.median, indicator),
                amount_range(i.low, i.high, indicator),
                spread(i),
            ]);
        }
        let _ = writeln!(out, "{}\n", t.render_within(width, Some(fields(2))));
    }
    if !differences.is_empty() {
        let _ = writeln!(
            out,
            "Differences between methods (B − A, common random numbers):\n"
        );
        for d in differences {
            let _ = writeln!(out, "- {}", difference_sentence(d));
        }
        out.push('\n');
    }
    if !drivers.is_empty() {
        let mut t = Table::new();
        t.set_header(vec![
            "divergence (B − A)",
            "driver",
            "nominal",
            "95 % interval",
            "",
        ]);
        for d in drivers {
            t.add_row(vec![
                format!("{} → {}", d.a, d.b),
                d.driver.map_or("residual", |x| x.id()).to_owned(),
                amount(d.nominal, indicator),
                amount_range(d.interval.low, d.interval.high, indicator),
                if d.spans_zero {
                    "spans 0: may explain nothing".to_owned()
                } else {
                    String::new()
                },
            ]);
        }
        let _ = writeln!(out, "{}\n", t.render_within(width, Some(fields(2))));
    }
    if !totals.is_empty() {
        let _ = writeln!(out, "Sensitivity: the inputs to measure first\n");
        for s in totals {
            sensitivity_block(out, s, width);
        }
    }
}

/// The uncertainty section of a comparison, as Markdown (`markdown = true`) or as terminal
/// text.
pub fn render_text(u: &UncertaintyReport, markdown: bool, width: Option<usize>) -> String {
    let (h2, h3) = if markdown { ("## ", "###") } else { ("", "==") };
    let mut out = String::new();
    let _ = writeln!(out, "{h2}Uncertainty\n");
    let _ = writeln!(out, "propagation: {}\n", propagation_text(u));
    let _ = writeln!(
        out,
        "Intervals are 95 % (2.5th to 97.5th percentile); ± is half the interval's width as a \
         share of the median; the point value is the figure at the nominal inputs.\n"
    );
    if !u.headlines.is_empty() {
        let _ = writeln!(out, "{h3} Headlines set by an uncertainty policy\n");
        for x in &u.headlines {
            let point = total_of(u, &x.method, x.indicator)
                .map(|f| format!(" (point value {})", amount(f.nominal, x.indicator)))
                .unwrap_or_default();
            let _ = writeln!(
                out,
                "- {} reports {}: {}.total = {}{point}",
                x.method,
                x.policy,
                x.indicator.id(),
                amount(x.value, x.indicator)
            );
        }
        out.push('\n');
    }
    inputs_section(&mut out, u, h3, width);
    for indicator in Indicator::ALL {
        indicator_section(&mut out, u, (h3, width), indicator);
    }
    if !u.notes.is_empty() {
        let _ = writeln!(out, "{h3} Not propagated\n");
        for n in &u.notes {
            let _ = writeln!(out, "- {n}");
        }
        out.push('\n');
    }
    out
}
