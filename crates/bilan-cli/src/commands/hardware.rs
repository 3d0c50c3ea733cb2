//! `bilan hardware`: the hardware catalogue, or one device with every figure and source.

use anyhow::{Context as _, anyhow};
use bilan_hardware::{Catalogue, Device, Precision, describe};
use bilan_report::table::Table;

use crate::args::{Format, HardwareCommand};
use crate::errors::Failure;
use crate::output::{Io, emit};

pub(crate) fn hardware(cmd: &HardwareCommand, io: &mut Io<'_>) -> Result<(), Failure> {
    cmd.format.table_or_json("hardware")?;
    crate::inputs::regular_files("--hardware", &cmd.hardware)?;
    let catalogue = Catalogue::load(&cmd.hardware)?;
    let selected: Vec<&Device> = match &cmd.id {
        None => catalogue.devices().iter().collect(),
        Some(id) => vec![catalogue.get(id).ok_or_else(|| {
            let near = bilan_core::suggest::closest(id, catalogue.ids(), 3);
            Failure::Usage(anyhow!(
                "the hardware catalogue has no `{}`{}",
                bilan_units::text::clip(id),
                if near.is_empty() {
                    String::new()
                } else {
                    format!("; did you mean {}?", near.join(", "))
                }
            ))
        })?],
    };
    let text = match cmd.format {
        Format::Json => {
            let v = serde_json::json!({
                "version": bilan_hardware::CATALOGUE_VERSION,
                "devices": selected,
            });
            serde_json::to_string_pretty(&v).context("cannot serialise")? + "\n"
        }
        _ if cmd.id.is_some() => selected.iter().map(|d| detail(d)).collect(),
        _ => list(&selected),
    };
    emit(io, None, &text, cmd.format)?;
    Ok(())
}

fn tflops(d: &Device, p: Precision) -> String {
    d.peak.flop_per_second(p).map_or("-".to_owned(), |v| {
        bilan_units::text::significant(v / 1e12, 4)
    })
}

fn list(devices: &[&Device]) -> String {
    let mut t = Table::new();
    t.set_header(vec![
        "id",
        "name",
        "max W",
        "idle W",
        "memory GB",
        "FP32",
        "TF32",
        "BF16",
        "FP8 (dense TFLOP/s)",
    ]);
    for d in devices {
        t.add_row(vec![
            d.id.clone(),
            d.name.clone(),
            bilan_units::text::significant(d.max_watts(), 4),
            d.idle_watts()
                .map_or("-".to_owned(), |w| bilan_units::text::significant(w, 4)),
            bilan_units::text::significant(d.memory_gb, 4),
            tflops(d, Precision::Fp32),
            tflops(d, Precision::Tf32),
            tflops(d, Precision::Bf16),
            tflops(d, Precision::Fp8),
        ]);
    }
    format!(
        "hardware catalogue {}: {} devices (peaks are dense; `bilan hardware ID` shows sources)\n{}\n",
        bilan_hardware::CATALOGUE_VERSION,
        devices.len(),
        t.render()
    )
}

fn detail(d: &Device) -> String {
    let mut out = format!("{} — {}\n", d.id, d.name);
    out.push_str(&format!("  max power:   {}\n", d.max_power));
    out.push_str(&format!(
        "  idle power:  {}\n",
        d.idle_power.as_ref().map_or(
            "not known (the power model uses the maximum power)".to_owned(),
            describe
        )
    ));
    out.push_str(&format!("  memory:      {} GB\n", d.memory_gb));
    for p in Precision::ALL {
        if let Some(q) = d.peak.at(p) {
            out.push_str(&format!("  peak {p:<5}   {q} (dense)\n"));
        }
    }
    if !d.driver_names.is_empty() {
        out.push_str(&format!("  driver names: {}\n", d.driver_names.join(", ")));
    }
    out.push_str("  sources:\n");
    for s in &d.sources {
        out.push_str(&format!("  - {}: {}", s.covers, s.citation));
        if let Some(url) = &s.url {
            out.push_str(&format!(" <{url}>"));
        }
        out.push('\n');
    }
    if let Some(n) = &d.notes {
        out.push_str(&format!("  notes: {n}\n"));
    }
    out.push_str(&format!("  from: {}\n", d.origin));
    out
}
