//! The propagation of uncertainty as CSV rows, in the comparison's columns
//! (`section, indicator, method, key, value, unit`), full precision.
//!
//! A key names what and which, separated by `:`: `stage.use:p97.5` (a figure and a
//! statistic), `difference:median`, `energy-mix:spans-zero`, `total:factor:grid-fr` (a
//! figure and an input key).

use bilan_runner::uncertainty::{Interval, Propagation, UncertaintyReport};
use csv::Writer;

use super::selector;

/// The statistics of an interval, as keys.
fn stats(i: &Interval) -> [(&'static str, f64); 5] {
    [
        ("mean", i.mean),
        ("median", i.median),
        ("p2.5", i.low),
        ("p97.5", i.high),
        ("p95", i.p95),
    ]
}

fn interval_rows<W: std::io::Write>(
    w: &mut Writer<W>,
    section: &str,
    indicator: &str,
    method: &str,
    what: &str,
    interval: &Interval,
    unit: &str,
) -> Result<(), csv::Error> {
    for (stat, v) in stats(interval) {
        w.write_record([
            section,
            indicator,
            method,
            &format!("{what}:{stat}"),
            &v.to_string(),
            unit,
        ])?;
    }
    Ok(())
}

/// Writes `u` as rows after a comparison's.
pub(crate) fn write_rows<W: std::io::Write>(
    w: &mut Writer<W>,
    u: &UncertaintyReport,
) -> Result<(), csv::Error> {
    let propagation = match u.propagation {
        Propagation::MonteCarlo => "monte-carlo",
        Propagation::Analytic => "analytic",
    };
    w.write_record(["uncertainty", "", "", "propagation", propagation, ""])?;
    if let Some(n) = u.iterations {
        w.write_record(["uncertainty", "", "", "iterations", &n.to_string(), ""])?;
    }
    if let Some(seed) = u.seed {
        w.write_record(["uncertainty", "", "", "seed", &seed.to_string(), ""])?;
    }
    for x in &u.inputs {
        let section = "uncertain-input";
        let source = serde_json::to_value(x.source)
            .ok()
            .and_then(|v| v.as_str().map(str::to_owned))
            .unwrap_or_default();
        w.write_record([section, "", "", &x.key, &x.nominal.to_string(), &x.unit])?;
        w.write_record([section, "", "", &format!("{}:source", x.key), &source, ""])?;
        w.write_record([
            section,
            "",
            "",
            &format!("{}:distribution", x.key),
            &x.distribution,
            "",
        ])?;
        if let Some(why) = &x.assumed {
            w.write_record([section, "", "", &format!("{}:assumed", x.key), why, ""])?;
        }
        w.write_record([
            section,
            "",
            "",
            &format!("{}:methods", x.key),
            &x.methods.join(" "),
            "",
        ])?;
    }
    for f in &u.figures {
        interval_rows(
            w,
            "interval",
            f.indicator.id(),
            &f.method,
            selector(&f.figure),
            &f.interval,
            f.indicator.unit(),
        )?;
    }
    let section = "divergence-interval";
    for d in &u.differences {
        let (ind, unit) = (d.indicator.id(), d.indicator.unit());
        let pair = format!("{} → {}", d.a, d.b);
        interval_rows(w, section, ind, &pair, "difference", &d.difference, unit)?;
        if let Some(r) = &d.relative {
            interval_rows(w, section, ind, &pair, "relative", r, "")?;
        }
        w.write_record([
            section,
            ind,
            &pair,
            "difference:significant",
            if d.significant { "true" } else { "false" },
            "",
        ])?;
    }
    for d in &u.drivers {
        let (ind, unit) = (d.indicator.id(), d.indicator.unit());
        let pair = format!("{} → {}", d.a, d.b);
        let driver = d.driver.map_or("residual", |x| x.id());
        w.write_record([
            section,
            ind,
            &pair,
            &format!("{driver}:nominal"),
            &d.nominal.to_string(),
            unit,
        ])?;
        interval_rows(w, section, ind, &pair, driver, &d.interval, unit)?;
        w.write_record([
            section,
            ind,
            &pair,
            &format!("{driver}:spans-zero"),
            if d.spans_zero { "true" } else { "false" },
            "",
        ])?;
    }
    for s in &u.sensitivity {
        let ind = s.figure.split_once('.').map_or("", |(i, _)| i);
        let what = selector(&s.figure);
        let row = |key: String, value: String| {
            [
                "sensitivity".to_owned(),
                ind.to_owned(),
                s.method.clone(),
                key,
                value,
                String::new(),
            ]
        };
        w.write_record(row(format!("{what}:measure"), s.measure.clone()))?;
        w.write_record(row(format!("{what}:inputs"), s.of.to_string()))?;
        for x in &s.inputs {
            w.write_record(row(format!("{what}:{}", x.key), x.share.to_string()))?;
        }
    }
    for h in &u.histograms {
        let ind = h.figure.split_once('.').map_or("", |(i, _)| i);
        let unit = bilan_core::indicator::Indicator::ALL
            .into_iter()
            .find(|i| i.id() == ind)
            .map_or("", |i| i.unit());
        let what = selector(&h.figure);
        let section = "histogram";
        w.write_record([
            section,
            ind,
            &h.method,
            &format!("{what}:low"),
            &h.low.to_string(),
            unit,
        ])?;
        w.write_record([
            section,
            ind,
            &h.method,
            &format!("{what}:high"),
            &h.high.to_string(),
            unit,
        ])?;
        for (k, n) in h.counts.iter().enumerate() {
            w.write_record([
                section,
                ind,
                &h.method,
                &format!("{what}:bin:{k}"),
                &n.to_string(),
                "",
            ])?;
        }
    }
    for h in &u.headlines {
        w.write_record([
            "headline",
            h.indicator.id(),
            &h.method,
            &h.policy,
            &h.value.to_string(),
            h.indicator.unit(),
        ])?;
    }
    for n in &u.notes {
        w.write_record(["uncertainty", "", "", "note", n, ""])?;
    }
    Ok(())
}
