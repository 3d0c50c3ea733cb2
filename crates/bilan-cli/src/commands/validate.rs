//! `bilan validate`: an inventory checked, nothing computed.

use std::path::Path;

use super::session::{Timings, item_count};
use crate::args::Format;
use crate::errors::Failure;
use crate::output::{Io, emit};

pub(crate) fn validate(
    path: &Path,
    factors: &[std::path::PathBuf],
    hardware: &[std::path::PathBuf],
    io: &mut Io<'_>,
    timings: &mut Timings,
) -> Result<(), Failure> {
    crate::inputs::regular_file("the inventory", path)?;
    crate::inputs::regular_files("--factors", factors)?;
    crate::inputs::regular_files("--hardware", hardware)?;
    let (file, mut inv) = bilan_io::read_inventory(path)?;
    timings.phase("parse", item_count(&inv), "items");
    let factors = bilan_factors::load(factors)?;
    crate::checks::against_factors(&file, &inv, &factors)?;
    let values = bilan_io::uncertain_values(&file)?;
    crate::checks::estimate(
        &file,
        &mut inv,
        &values,
        hardware,
        bilan_hardware::power::PowerModel::Curve,
    )?;
    crate::checks::warn(&file, &inv, io);
    let estimated: usize = inv.workloads.iter().map(|w| w.estimated.len()).sum();
    let estimated = if estimated == 0 {
        String::new()
    } else {
        format!(", {estimated} estimated values")
    };
    let text = format!(
        "{}: ok (schema {}, {} sites, {} fleets, {} workloads, {} other items, {} instruments{estimated})\n",
        path.display(),
        inv.schema,
        inv.sites.len(),
        inv.fleets.len(),
        inv.workloads.len(),
        inv.buildings.len()
            + inv.transports.len()
            + inv.end_of_life.len()
            + inv.services.len()
            + inv.fuels.len()
            + inv.refrigerants.len()
            + inv.offsets.len(),
        inv.instruments.len()
    );
    emit(io, None, &text, Format::Table)?;
    io.release(inv);
    Ok(())
}
