//! The comparison as CSV: one figure a row, at full precision.

use super::Report;
use crate::quality;

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
    for f in &st.data_files {
        w.write_record(["stamp", "", "", "data-file", &f.path, &f.sha256])?;
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
