//! `bilan explain`'s account of the workloads aggregated from telemetry that a figure draws
//! on: where their rows are, and with `--rows`, each row read again from the file.

use std::fmt::Write as _;
use std::path::Path;

use bilan_core::Inventory;
use bilan_core::assessment::{Assessment, ItemKind};
use bilan_core::figure::FigurePath;
use bilan_core::inventory::Workload;

/// One metered workload of the figure: its part of the figure, and its rows if asked.
pub(crate) struct Metered<'a> {
    workload: &'a Workload,
    /// Σ of its selected contributions' values.
    figure: f64,
    rows: Option<Vec<bilan_telemetry::Row>>,
}

/// The metered workloads that the contributions of `path` draw on, in inventory order; each
/// with its rows read again from its telemetry file when `with_rows`.
pub(crate) fn of_figure<'a>(
    inventory: &'a Inventory,
    inventory_file: &Path,
    a: &Assessment,
    path: &FigurePath,
    with_rows: bool,
) -> Result<Vec<Metered<'a>>, String> {
    let mut out: Vec<Metered<'a>> = Vec::new();
    let dir = inventory_file.parent().unwrap_or(Path::new(""));
    for w in inventory.workloads.iter().filter(|w| w.metered.is_some()) {
        let figure: Option<f64> = a
            .contributions
            .iter()
            .filter(|c| c.item.kind == ItemKind::Workload && *c.item.id == *w.id)
            .filter(|c| path.selects(c))
            .filter_map(|c| c.value(path.indicator))
            .fold(None, |s, v| Some(s.unwrap_or(0.0) + v));
        let Some(figure) = figure else { continue };
        let rows = match (with_rows, w.metered.as_ref()) {
            (true, Some(m)) => {
                let t = inventory
                    .telemetry
                    .iter()
                    .find(|t| *t.id == *m.telemetry)
                    .ok_or_else(|| format!("telemetry `{}` not found", m.telemetry))?;
                let rows = bilan_telemetry::rows(&dir.join(&t.file), t, &inventory.fleets, w)
                    .map_err(|p| {
                        p.iter()
                            .map(|p| p.message.clone())
                            .collect::<Vec<_>>()
                            .join("; ")
                    })?;
                Some(rows)
            }
            _ => None,
        };
        out.push(Metered {
            workload: w,
            figure,
            rows,
        });
    }
    Ok(out)
}

fn timestamp(ms: i64) -> String {
    jiff::Timestamp::from_millisecond(ms).map_or_else(|_| ms.to_string(), |t| t.to_string())
}

/// The workload's energy, kWh.
fn kwh(w: &Workload) -> f64 {
    w.energy
        .as_ref()
        .and_then(|q| q.to_str_unit("kWh").ok())
        .unwrap_or(0.0)
}

/// The section of the text report.
pub(crate) fn text(metered: &[Metered<'_>], unit: &str) -> String {
    let mut out = String::new();
    if metered.is_empty() {
        return out;
    }
    let _ = writeln!(out, "\nmetered workloads (aggregated from telemetry):");
    for m in metered {
        let w = m.workload;
        let at = w
            .provenance
            .as_ref()
            .map_or(String::new(), |p| format!("{}: {}", p.file, p.at));
        let _ = writeln!(out, "  - workload `{}`: {at}", w.id);
        let Some(rows) = &m.rows else { continue };
        let total = kwh(w);
        let _ = writeln!(
            out,
            "    its {} {unit} of this figure split by each row's share of its energy ({} kWh; the weights by hour, k_time and k_match, apply to the workload as a whole):",
            bilan_units::text::significant(m.figure, 4),
            bilan_units::text::significant(total, 6)
        );
        for r in rows {
            let share = if total > 0.0 { r.kwh / total } else { 0.0 };
            let _ = writeln!(
                out,
                "    row {}  {}  {}  {} kWh  {} {unit}",
                r.row,
                timestamp(r.start_ms),
                r.device.as_deref().unwrap_or("-"),
                r.kwh,
                bilan_units::text::significant(m.figure * share, 4)
            );
        }
    }
    out
}

/// The same, for the JSON report.
pub(crate) fn json(metered: &[Metered<'_>]) -> serde_json::Value {
    metered
        .iter()
        .map(|m| {
            let w = m.workload;
            let total = kwh(w);
            let mut v = serde_json::json!({
                "workload": w.id,
                "provenance": w.provenance,
                "figure": m.figure,
                "energy-kwh": total,
            });
            if let (Some(rows), Some(o)) = (&m.rows, v.as_object_mut()) {
                let rows: Vec<serde_json::Value> = rows
                    .iter()
                    .map(|r| {
                        let share = if total > 0.0 { r.kwh / total } else { 0.0 };
                        serde_json::json!({
                            "row": r.row,
                            "timestamp": timestamp(r.start_ms),
                            "device": r.device,
                            "energy-kwh": r.kwh,
                            "figure": m.figure * share,
                        })
                    })
                    .collect();
                o.insert("rows".to_owned(), rows.into());
            }
            v
        })
        .collect()
}
