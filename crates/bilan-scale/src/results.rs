//! The plan's results made aggregates: the summary's counts and the hours' exact sums, in
//! a fixed order, so that the same rows give the same bits however they were partitioned.

use std::collections::BTreeMap;

use arrow_array::cast::AsArray as _;
use arrow_array::types::{Decimal256Type, DecimalType as _, Int64Type};
use arrow_array::{Array, ArrayRef, RecordBatch};
use arrow_schema::DataType;
use bilan_core::inventory::Telemetry;
use bilan_telemetry::{Problem, Sums};

use crate::plan::SCALE;

/// What the plan gave that it cannot have: a fault of the plan, never of the file.
fn fault(what: String) -> Vec<Problem> {
    vec![Problem::file(format!("the columnar plan gave {what}"))]
}

/// One fleet and bucket of the summary.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Counts {
    rows: u64,
    devices: u32,
    gaps: u64,
    /// The earliest start, ms since the epoch.
    first: i64,
}

/// The summary query's results.
#[derive(Debug, Default)]
pub(crate) struct Summary {
    counts: BTreeMap<(u32, i64), Counts>,
    bad: u64,
    overlaps: u64,
}

impl Summary {
    /// Whether no row passed the checks.
    pub(crate) fn is_empty(&self) -> bool {
        self.counts.is_empty()
    }

    /// What the checks found, if anything.
    pub(crate) fn problems(&self) -> Option<String> {
        (self.bad > 0 || self.overlaps > 0).then(|| {
            format!(
                "the columnar plan found {} row(s) with a missing, negative or unknown value and {} device interval(s) that overlap or repeat another",
                self.bad, self.overlaps
            )
        })
    }
}

fn column(batch: &RecordBatch, name: &str, kind: &DataType) -> Result<ArrayRef, Vec<Problem>> {
    let column = batch.column_by_name(name).ok_or_else(|| {
        vec![Problem::file(format!(
            "the columnar plan gave no column `{name}`"
        ))]
    })?;
    arrow_cast::cast(column, kind).map_err(|e| {
        vec![Problem::file(format!(
            "the columnar plan's column `{name}`: {e}"
        ))]
    })
}

fn int(batch: &RecordBatch, name: &str) -> Result<ArrayRef, Vec<Problem>> {
    column(batch, name, &DataType::Int64)
}

/// A count, 0 when null (a sum over no rows).
fn count(a: &ArrayRef, i: usize) -> u64 {
    let a = a.as_primitive::<Int64Type>();
    if a.is_null(i) {
        0
    } else {
        u64::try_from(a.value(i)).unwrap_or(0)
    }
}

/// Reads the summary's batches.
pub(crate) fn summary(batches: &[RecordBatch]) -> Result<Summary, Vec<Problem>> {
    let mut summary = Summary::default();
    for batch in batches {
        let [f, b, rows, devices, gaps, overlaps, bad, first] = [
            "f", "b", "rows", "devices", "gaps", "overlaps", "bad", "first",
        ]
        .map(|name| int(batch, name));
        let (f, b, rows, devices, gaps) = (f?, b?, rows?, devices?, gaps?);
        let (overlaps, bad, first) = (overlaps?, bad?, first?);
        let (fi, bi, firsti) = (
            f.as_primitive::<Int64Type>(),
            b.as_primitive::<Int64Type>(),
            first.as_primitive::<Int64Type>(),
        );
        for i in 0..batch.num_rows() {
            summary.bad += count(&bad, i);
            summary.overlaps += count(&overlaps, i);
            let rows = count(&rows, i);
            if rows == 0 || fi.is_null(i) || bi.is_null(i) || firsti.is_null(i) {
                continue;
            }
            let fleet =
                u32::try_from(fi.value(i)).map_err(|_| fault(format!("fleet {}", fi.value(i))))?;
            summary.counts.insert(
                (fleet, bi.value(i)),
                Counts {
                    rows,
                    devices: u32::try_from(count(&devices, i)).unwrap_or(u32::MAX),
                    gaps: count(&gaps, i),
                    first: firsti.value(i),
                },
            );
        }
    }
    Ok(summary)
}

/// Each fleet and bucket's sums.
pub(crate) type Aggregates = Vec<(u32, i64, Sums)>;

/// One hour's exact sum in one unit, as decimal text.
type Part = ((u32, i64), i64, String, String);

/// The aggregates, from the summary and the hours' batches; or, inside, the problem of a
/// unit that is not an energy (or a power).
pub(crate) fn sums(
    telemetry: &Telemetry,
    summary: &Summary,
    batches: &[RecordBatch],
    power: bool,
) -> Result<Result<Aggregates, String>, Vec<Problem>> {
    let decimal = DataType::Decimal256(76, SCALE);
    let mut parts: Vec<Part> = Vec::new();
    for batch in batches {
        let (f, b, h) = (int(batch, "f")?, int(batch, "b")?, int(batch, "h")?);
        let u = column(batch, "u", &DataType::Utf8)?;
        let part = column(batch, "part", &decimal)?;
        let (f, b, h) = (
            f.as_primitive::<Int64Type>(),
            b.as_primitive::<Int64Type>(),
            h.as_primitive::<Int64Type>(),
        );
        let (u, part) = (u.as_string::<i32>(), part.as_primitive::<Decimal256Type>());
        for i in 0..batch.num_rows() {
            let fleet =
                u32::try_from(f.value(i)).map_err(|_| fault(format!("fleet {}", f.value(i))))?;
            if part.is_null(i) || u.is_null(i) {
                return Err(fault("an hour without its energy or its unit".to_owned()));
            }
            parts.push((
                (fleet, b.value(i)),
                h.value(i),
                u.value(i).to_owned(),
                Decimal256Type::format_decimal(part.value(i), 76, SCALE),
            ));
        }
    }
    // A fixed order: the batches come in the order their partitions finished.
    parts.sort_unstable();
    let mut factors: BTreeMap<String, f64> = BTreeMap::new();
    let mut out: BTreeMap<(u32, i64), Sums> = BTreeMap::new();
    for (key, hour, unit, part) in parts {
        let factor = match factors.get(&unit) {
            Some(&f) => f,
            None => match bilan_telemetry::unit_factor(&unit, power) {
                Ok(f) => *factors.entry(unit).or_insert(f),
                Err(why) => return Ok(Err(why)),
            },
        };
        let Some(counts) = summary.counts.get(&key) else {
            // The two queries read the file separately: it changed in between.
            return Err(fault(
                "energy for a fleet and day without rows (was the file changed while it was read?)"
                    .to_owned(),
            ));
        };
        let sums = out.entry(key).or_insert_with(|| Sums {
            kwh: 0.0,
            base_hour: bilan_telemetry::bucket(telemetry.aggregate, counts.first).1,
            hours: Vec::new(),
            rows: counts.rows,
            span: None,
            devices: counts.devices,
            gaps: counts.gaps,
        });
        let Ok(k) = usize::try_from(hour - sums.base_hour) else {
            return Err(fault(format!(
                "energy in hour {hour}, before its day or month (hour {})",
                sums.base_hour
            )));
        };
        if sums.hours.len() <= k {
            sums.hours.resize(k + 1, 0.0);
        }
        // Exact to here; one rounding to f64, one product.
        let part: f64 = part
            .parse()
            .map_err(|_| fault(format!("the sum `{part}`")))?;
        sums.hours[k] += part * factor;
    }
    Ok(Ok(out
        .into_iter()
        .map(|((fleet, bucket), mut sums)| {
            sums.kwh = sums.hours.iter().sum();
            (fleet, bucket, sums)
        })
        .collect()))
}
