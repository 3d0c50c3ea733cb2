//! The first check of each row, batch by batch: its own columns (time, interval, value,
//! unit, fleet). The rows that pass go on, as [`Checked`], to the second check (a device's
//! rows in time order, `order.rs`) and the aggregates.

use std::sync::Arc;

use arrow_array::cast::AsArray as _;
use arrow_array::types::{Float64Type, TimestampMillisecondType};
use arrow_array::{Array, ArrayRef, RecordBatch};
use arrow_schema::{DataType, TimeUnit};
use bilan_core::inventory::Fleet;
use bilan_units::Quantity;
use rustc_hash::FxHashMap;

use crate::Problem;
use crate::problems::Problems;
use crate::text::Resolved;

const HOUR_MS: f64 = 3_600_000.0;

/// The longest interval a row may have, in seconds: a day (telemetry is metered by the
/// minute or the hour; a longer row is a total, not telemetry).
pub const MAX_INTERVAL: f64 = 86_400.0;

/// Energy or power, as the file meters it.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Metered {
    Energy,
    Power,
}

/// A row whose own columns passed the first check.
#[derive(Clone, Copy, Debug)]
pub(crate) struct CheckedRow {
    /// Its fleet, by its place in the inventory's fleets.
    pub(crate) fleet: u32,
    /// Its device, by the index [`Checker`] gave its name.
    pub(crate) device: Option<u32>,
    /// Its interval, `[start, end)` in ms since the epoch.
    pub(crate) span: (i64, i64),
    pub(crate) kwh: f64,
    pub(crate) row: u64,
}

/// The rows of a batch that passed the first check, and the devices the batch named for the
/// first time, in the order of their indices (which follow those of the batches before).
#[derive(Debug, Default)]
pub(crate) struct Checked {
    pub(crate) rows: Vec<CheckedRow>,
    pub(crate) devices: Vec<Arc<str>>,
}

pub(crate) struct Checker<'f> {
    fleets: FxHashMap<&'f str, u32>,
    default_fleet: Option<u32>,
    /// Each unit's factor to kWh (energy) or kW (power), or why it has none.
    units: FxHashMap<String, Result<f64, String>>,
    /// Each device's index; the name is shared with the order check's list.
    devices: FxHashMap<Arc<str>, u32>,
    /// How many distinct devices a file may name: as many as a device's index counts.
    most_devices: usize,
    pub(crate) problems: Problems,
}

/// A number column as 64-bit floats.
fn number(batch: &RecordBatch, name: &str) -> Result<Option<ArrayRef>, Vec<Problem>> {
    let Some(column) = batch.column_by_name(name) else {
        return Ok(None);
    };
    if matches!(column.data_type(), DataType::Utf8 | DataType::LargeUtf8) {
        return Err(vec![Problem::file(format!(
            "column `{name}` is text; it must be a number"
        ))]);
    }
    arrow_cast::cast(column, &DataType::Float64)
        .map(Some)
        .map_err(|e| {
            vec![Problem::file(format!(
                "column `{name}` is not a number: {e}"
            ))]
        })
}

/// The timestamps in ms since the epoch (UTC): a timestamp column with a time zone, or text.
enum Times {
    Zoned(ArrayRef),
    Text(ArrayRef),
}

fn times(batch: &RecordBatch) -> Result<Times, Vec<Problem>> {
    let Some(column) = batch.column_by_name("timestamp") else {
        return Err(vec![Problem::file("no `timestamp` column")]);
    };
    match column.data_type() {
        DataType::Timestamp(_, Some(_)) => {
            let utc = DataType::Timestamp(TimeUnit::Millisecond, Some(Arc::from("UTC")));
            arrow_cast::cast(column, &utc)
                .map(Times::Zoned)
                .map_err(|e| vec![Problem::file(format!("column `timestamp`: {e}"))])
        }
        DataType::Timestamp(_, None) => Err(vec![Problem::file(
            "column `timestamp` has no time zone: write the file with UTC (or an offset) so that the same file means the same hours on every machine",
        )]),
        _ => arrow_cast::cast(column, &DataType::Utf8)
            .map(Times::Text)
            .map_err(|e| {
                vec![Problem::file(format!(
                    "column `timestamp` is not text: {e}"
                ))]
            }),
    }
}

/// What one `unit` of a row's value is in kWh (`energy`), or in kW (`power`); why not, when
/// it is not an energy (or a power).
pub fn unit_factor(unit: &str, power: bool) -> Result<f64, String> {
    let (target, kind) = if power {
        ("kW", "a power (W, kW…)")
    } else {
        ("kWh", "an energy (kWh, Wh, MWh, MJ…)")
    };
    Quantity::parse(&format!("1 {unit}"))
        .ok()
        .and_then(|q| q.to_str_unit(target).ok())
        .ok_or_else(|| format!("unit `{}` is not {kind}", clip(unit)))
}

pub(crate) fn clip(text: &str) -> String {
    bilan_units::text::clip(text).to_string()
}

impl<'f> Checker<'f> {
    pub(crate) fn new(fleets: &'f [Fleet], default_fleet: &str) -> Checker<'f> {
        let fleets: FxHashMap<&str, u32> = fleets
            .iter()
            .enumerate()
            .map(|(k, f)| (f.id.as_str(), u32::try_from(k).unwrap_or(u32::MAX)))
            .collect();
        let default_fleet = fleets.get(default_fleet).copied();
        Checker {
            fleets,
            default_fleet,
            units: FxHashMap::default(),
            devices: FxHashMap::default(),
            most_devices: MOST_DEVICES,
            problems: Problems::default(),
        }
    }

    fn problem(&mut self, row: u64, message: String) {
        self.problems.at(row, message);
    }

    fn unit_factor(&mut self, unit: &str, metered: Metered) -> Result<f64, String> {
        if let Some(known) = self.units.get(unit) {
            return known.clone();
        }
        let factor = unit_factor(unit, metered == Metered::Power);
        self.units.insert(unit.to_owned(), factor.clone());
        factor
    }

    /// Checks the rows of `batch` (the first is row `first`) into `out`, which it empties
    /// first.
    pub(crate) fn batch(
        &mut self,
        batch: &RecordBatch,
        first: u64,
        out: &mut Checked,
    ) -> Result<(), Vec<Problem>> {
        out.rows.clear();
        out.devices.clear();
        out.rows.reserve(batch.num_rows());
        let times = times(batch)?;
        let interval = number(batch, "interval")?
            .ok_or_else(|| vec![Problem::file("no `interval` column (seconds)")])?;
        let (value, metered) = match (number(batch, "energy")?, number(batch, "power")?) {
            (Some(v), None) => (v, Metered::Energy),
            (None, Some(v)) => (v, Metered::Power),
            (Some(_), Some(_)) => {
                return Err(vec![Problem::file(
                    "both `energy` and `power`: a telemetry file meters one of them",
                )]);
            }
            (None, None) => {
                return Err(vec![Problem::file(
                    "no `energy` or `power` column: a telemetry file meters one of them",
                )]);
            }
        };
        let unit = crate::text::column(batch, "unit")?
            .ok_or_else(|| vec![Problem::file("no `unit` column")])?;
        let device = crate::text::column(batch, "device")?;
        let fleet = crate::text::column(batch, "fleet")?;
        let interval = interval.as_primitive::<Float64Type>();
        let value = value.as_primitive::<Float64Type>();
        let mut units = Resolved::of(&unit, |u| self.unit_factor(u, metered).ok());
        let new = &mut out.devices;
        let mut devices = device
            .as_ref()
            .map(|d| Resolved::of(d, |n| self.intern(n, new)));
        let fleets = &self.fleets;
        let mut fleet_column = fleet
            .as_ref()
            .map(|f| Resolved::of(f, |n| fleets.get(n).copied()));
        let zoned = match &times {
            Times::Zoned(t) => Some(t.as_primitive::<TimestampMillisecondType>()),
            Times::Text(_) => None,
        };
        let texts = match &times {
            Times::Text(t) => Some(t.as_string::<i32>()),
            Times::Zoned(_) => None,
        };
        // Rows of the same hour follow one another: their text is parsed once.
        let mut last_text: Option<(&str, i64)> = None;
        // Without nulls (the common case), the values are read straight from their buffers;
        // whether a column has any is asked once per batch, not per row.
        let (time_nulls, interval_nulls, value_nulls) = (
            zoned.is_some_and(|t| t.null_count() > 0),
            interval.null_count() > 0,
            value.null_count() > 0,
        );
        let (intervals, values) = (interval.values(), value.values());
        for i in 0..batch.num_rows() {
            let row = first + i as u64;
            let start = if let Some(t) = zoned {
                if time_nulls && t.is_null(i) {
                    self.problem(row, "no timestamp".to_owned());
                    continue;
                }
                let ms = t.values()[i];
                if !(FIRST_MS..=LAST_MS).contains(&ms) {
                    self.problem(row, out_of_range(ms));
                    continue;
                }
                ms
            } else if let Some(t) = texts {
                if t.is_null(i) {
                    self.problem(row, "no timestamp".to_owned());
                    continue;
                }
                let text = t.value(i);
                match last_text {
                    Some((seen, ms)) if seen == text => ms,
                    _ => match timestamp(text) {
                        Ok(ms) => {
                            last_text = Some((text, ms));
                            ms
                        }
                        Err(message) => {
                            self.problem(row, message);
                            continue;
                        }
                    },
                }
            } else {
                continue;
            };
            let seconds = if interval_nulls && interval.is_null(i) {
                f64::NAN
            } else {
                intervals[i]
            };
            // Rounded to the millisecond below, an interval must still last one.
            if !(seconds.is_finite() && seconds * 1000.0 + 0.5 >= 1.0 && seconds <= MAX_INTERVAL) {
                self.problem(
                    row,
                    "`interval` must be a number of seconds above zero (a millisecond at least), a day at most".to_owned(),
                );
                continue;
            }
            let v = if value_nulls && value.is_null(i) {
                f64::NAN
            } else {
                values[i]
            };
            let column = match metered {
                Metered::Energy => "energy",
                Metered::Power => "power",
            };
            if !(v.is_finite() && v >= 0.0) {
                self.problem(
                    row,
                    format!("`{column}` must be a finite number, zero or more"),
                );
                continue;
            }
            let factor = match units.get(i, |u| self.unit_factor(u, metered).ok()) {
                Some(Some(f)) => f,
                Some(None) => {
                    let message = self
                        .unit_factor(units.text(i), metered)
                        .err()
                        .unwrap_or_default();
                    self.problem(row, message);
                    continue;
                }
                None => {
                    self.problem(row, "no unit".to_owned());
                    continue;
                }
            };
            let fleets = &self.fleets;
            let fleet_index = match fleet_column
                .as_mut()
                .and_then(|f| f.get(i, |n| fleets.get(n).copied()))
            {
                Some(Some(k)) => k,
                Some(None) => {
                    let name = clip(fleet_column.as_ref().map_or("", |f| f.text(i)));
                    self.problem(row, format!("unknown fleet `{name}`"));
                    continue;
                }
                None => match self.default_fleet {
                    Some(k) => k,
                    None => return Err(vec![Problem::file("the telemetry's `fleet` is unknown")]),
                },
            };
            // Positive: adding a half and truncating rounds to the nearest millisecond.
            let length = (seconds * 1000.0 + 0.5) as i64;
            let end = start.saturating_add(length);
            let new = &mut out.devices;
            let device = match devices
                .as_mut()
                .and_then(|d| d.get(i, |n| self.intern(n, new)))
            {
                Some(Some(k)) => Some(k),
                Some(None) => return Err(vec![too_many_devices(self.most_devices)]),
                None => None,
            };
            let kwh = match metered {
                Metered::Energy => v * factor,
                Metered::Power => v * factor * (length as f64 / HOUR_MS),
            };
            out.rows.push(CheckedRow {
                fleet: fleet_index,
                device,
                span: (start, end),
                kwh,
                row,
            });
        }
        Ok(())
    }

    /// The checker of a file that may name at most `most` devices: a test's limit, the real
    /// one being past what a test can write.
    #[cfg(test)]
    pub(crate) fn with_most_devices(mut self, most: usize) -> Checker<'f> {
        self.most_devices = most;
        self
    }

    /// The index of device `name`, interned on first sight (and then added to `new`);
    /// `None` past the most devices a file may name.
    fn intern(&mut self, name: &str, new: &mut Vec<Arc<str>>) -> Option<u32> {
        if let Some(&k) = self.devices.get(name) {
            return Some(k);
        }
        if self.devices.len() >= self.most_devices {
            return None;
        }
        let k = u32::try_from(self.devices.len()).ok()?;
        let name: Arc<str> = Arc::from(name);
        self.devices.insert(name.clone(), k);
        new.push(name);
        Some(k)
    }
}

/// The most distinct devices a telemetry file may name: one index each, below `u32::MAX`.
const MOST_DEVICES: usize = u32::MAX as usize;

/// The error of a file that names more than `most` devices ([`MOST_DEVICES`]).
fn too_many_devices(most: usize) -> Problem {
    Problem::file(format!(
        "more than {most} distinct devices: split the telemetry into several files, each a workload's measurement"
    ))
}

/// The earliest start a row may have, in ms since the epoch: 0001-01-01T00:00:00Z. With
/// [`LAST_MS`], every hour, day and month a row falls in, and its end (a day later at most),
/// lie within what a date and a timestamp hold, and are reckoned without overflow.
pub const FIRST_MS: i64 = -62_135_596_800_000;
/// The latest start a row may have, in ms since the epoch: 9998-12-31T23:59:59.999Z.
pub const LAST_MS: i64 = 253_370_764_799_999;

#[cold]
fn out_of_range(ms: i64) -> String {
    let shown = jiff::Timestamp::from_millisecond(ms)
        .map_or_else(|_| format!("{ms} ms since 1970"), |t| format!("`{t}`"));
    format!("timestamp {shown} lies outside the years 1 to 9998")
}

/// An RFC 3339 timestamp with its zone, in ms since the epoch; a civil time is refused.
fn timestamp(text: &str) -> Result<i64, String> {
    let text = text.trim();
    match text.parse::<jiff::Timestamp>() {
        Ok(t) if (FIRST_MS..=LAST_MS).contains(&t.as_millisecond()) => Ok(t.as_millisecond()),
        Ok(t) => Err(out_of_range(t.as_millisecond())),
        Err(_) if text.parse::<jiff::civil::DateTime>().is_ok() => Err(format!(
            "timestamp `{}` has no time zone: write it in UTC with `Z` (2024-01-01T00:00:00Z) or with its offset",
            clip(text)
        )),
        Err(_) => Err(format!(
            "timestamp `{}` is not an RFC 3339 date and time (2024-01-01T00:00:00Z)",
            clip(text)
        )),
    }
}
