//! Metered telemetry as input: a CSV or Parquet file of energy (or power) per device per
//! interval, read in column batches through Arrow, checked row by row, and aggregated into
//! workloads (one per fleet and day, or month) that keep their energy hour by hour and the
//! rows they hold. A year of hourly rows of a large fleet becomes a few hundred workloads,
//! never one item per row.
//!
//! Columns, by name (any order; others are refused):
//!
//! | column | type | |
//! | --- | --- | --- |
//! | `timestamp` | RFC 3339 text with its zone, or a Parquet timestamp with a time zone | the interval's start |
//! | `interval` | number of seconds | the interval's length |
//! | `energy` or `power` | number | what was metered in the interval, or its mean power |
//! | `unit` | text | `kWh`, `Wh`, `MJ`… for `energy`; `W`, `kW` for `power` |
//! | `device` | text, optional | the device metered: its rows must not overlap |
//! | `fleet` | text, optional | the fleet, else the telemetry's `fleet` |
//!
//! Every problem is reported with its row (1-based, the header not counted): a timestamp
//! without a zone, a missing or negative value, a unit of the wrong kind, an unknown fleet, a
//! device's row that repeats, overlaps or precedes its previous one. Gaps between a device's
//! intervals are not errors (a device may be off); they are counted in the workload's
//! provenance.

mod aggregate;
mod columns;
mod order;
mod problems;
mod rows;
mod text;

use std::path::Path;

use bilan_core::inventory::{Fleet, Telemetry, Workload};

pub use aggregate::{Row, Sums, bucket, workloads};
pub use problems::{MAX_PROBLEMS, Problem};
pub use rows::{FIRST_MS, LAST_MS, MAX_INTERVAL, unit_factor};

/// The workloads of `telemetry`, read from `path` (`.csv` or `.parquet`): one per fleet and
/// aggregate period, each with its energy by hour and its rows; `fleets` are the inventory's.
pub fn read(
    path: &Path,
    telemetry: &Telemetry,
    fleets: &[Fleet],
) -> Result<Vec<Workload>, Vec<Problem>> {
    let acc = aggregate::Aggregates::new(telemetry, fleets);
    Ok(scan(path, telemetry, fleets, acc)?.workloads())
}

/// The rows of `workload`, one of the workloads [`read`] makes of `telemetry`, read again
/// from `path`: what `bilan explain --rows` lists.
pub fn rows(
    path: &Path,
    telemetry: &Telemetry,
    fleets: &[Fleet],
    workload: &Workload,
) -> Result<Vec<Row>, Vec<Problem>> {
    let fleet = fleets
        .iter()
        .position(|f| Some(&f.id) == workload.fleet.as_ref())
        .and_then(|k| u32::try_from(k).ok());
    let Some((fleet, period)) = fleet.zip(workload.period) else {
        return Err(vec![Problem::file(format!(
            "workload `{}` is not one of telemetry `{}`'s",
            workload.id, telemetry.id
        ))]);
    };
    let epoch =
        bilan_core::inventory::Date::new(1970, 1, 1).map_or(0, |e| period.start.days_since(e));
    let mut acc = aggregate::Aggregates::new(telemetry, fleets);
    acc.keep(fleet, epoch);
    let mut acc = scan(path, telemetry, fleets, acc)?;
    Ok(acc.capture.take().map(|(_, rows)| rows).unwrap_or_default())
}

/// The floor of reading `path`: a plain scan with the same reader, batch size and column
/// types, on one thread, that only sums the `energy` (or `power`) column: no checks, no
/// aggregates. The rows read and the sum. `cargo xtask bench --telemetry` compares the
/// assessment with it.
pub fn floor(path: &Path) -> Result<(u64, f64), Vec<Problem>> {
    let (mut rows, mut sum) = (0u64, 0.0f64);
    // One thread: the reader's own speed.
    for batch in columns::batches(path)? {
        let batch = batch?;
        rows += batch.num_rows() as u64;
        let column = batch
            .column_by_name("energy")
            .or_else(|| batch.column_by_name("power"))
            .ok_or_else(|| vec![Problem::file("no `energy` or `power` column")])?;
        let values = arrow_cast::cast(column, &arrow_schema::DataType::Float64)
            .map_err(|e| vec![Problem::file(e.to_string())])?;
        use arrow_array::cast::AsArray as _;
        let values = values.as_primitive::<arrow_array::types::Float64Type>();
        sum += values.iter().flatten().sum::<f64>();
    }
    Ok((rows, sum))
}

/// The Arrow schema a telemetry file is read with: a CSV file's columns by its header (the
/// numbers as 64-bit floats, the rest as text), a Parquet file's as it types them. Column
/// names are checked: every one known, none twice.
pub fn schema(path: &Path) -> Result<arrow_schema::Schema, Vec<Problem>> {
    columns::schema(path)
}

/// Reads and checks every row of `path` into `acc`.
fn scan<'a>(
    path: &Path,
    telemetry: &Telemetry,
    fleets: &'a [Fleet],
    mut acc: aggregate::Aggregates<'a>,
) -> Result<aggregate::Aggregates<'a>, Vec<Problem>> {
    let mut checker = rows::Checker::new(fleets, &telemetry.fleet);
    let mut order = order::Order::default();
    // Decoding, the first check and the second with the aggregates each on its own thread,
    // the rows in the file's order.
    columns::staged(
        columns::batches(path)?,
        |batch, first, checked| checker.batch(batch, first, checked),
        |checked| order.take(checked, &mut acc),
    )?;
    let problems = problems::Problems::merged(checker.problems, order.problems);
    if !problems.is_empty() {
        return Err(problems);
    }
    if acc.is_empty() {
        return Err(vec![Problem::file(
            "no rows: a telemetry file needs at least one",
        )]);
    }
    Ok(acc)
}

#[cfg(test)]
mod tests;
