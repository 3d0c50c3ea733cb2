//! The checks of each row, batch by batch, and the hand-over of its energy to the
//! aggregates.

use std::sync::Arc;

use arrow_array::cast::AsArray as _;
use arrow_array::types::{Float64Type, TimestampMillisecondType};
use arrow_array::{Array, ArrayRef, RecordBatch};
use arrow_schema::{DataType, TimeUnit};
use bilan_core::inventory::Fleet;
use bilan_units::Quantity;
use rustc_hash::FxHashMap;

use crate::Problem;
use crate::aggregate::Sink;
use crate::text::Resolved;

/// At most this many problems are listed; the rest are counted.
pub const MAX_PROBLEMS: usize = 20;

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

/// A device's last interval: start and end (ms) and row (0: none yet).
#[derive(Clone, Copy)]
struct Last {
    start: i64,
    end: i64,
    row: u64,
}

impl Last {
    const NONE: Last = Last {
        start: 0,
        end: 0,
        row: 0,
    };
}

pub(crate) struct Checker<'f> {
    fleets: FxHashMap<&'f str, u32>,
    default_fleet: Option<u32>,
    /// Each unit's factor to kWh (energy) or kW (power), or why it has none.
    units: FxHashMap<String, Result<f64, String>>,
    devices: FxHashMap<String, u32>,
    last: Vec<Last>,
    problems: Vec<Problem>,
    more: u64,
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

fn clip(text: &str) -> String {
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
            last: Vec::new(),
            problems: Vec::new(),
            more: 0,
        }
    }

    fn problem(&mut self, row: u64, message: String) {
        if self.problems.len() < MAX_PROBLEMS {
            self.problems.push(Problem::at(row, message));
        } else {
            self.more += 1;
        }
    }

    /// The problems found, the overflow counted in a last one.
    pub(crate) fn finish(&mut self) -> Vec<Problem> {
        let mut problems = std::mem::take(&mut self.problems);
        if self.more > 0 {
            problems.push(Problem::file(format!("… and {} more problems", self.more)));
        }
        problems
    }

    fn unit_factor(&mut self, unit: &str, metered: Metered) -> Result<f64, String> {
        if let Some(known) = self.units.get(unit) {
            return known.clone();
        }
        let factor = unit_factor(unit, metered == Metered::Power);
        self.units.insert(unit.to_owned(), factor.clone());
        factor
    }

    /// Checks the rows of `batch` (the first is row `first`) and hands each to `acc`.
    pub(crate) fn batch(
        &mut self,
        batch: &RecordBatch,
        first: u64,
        acc: &mut impl Sink,
    ) -> Result<(), Vec<Problem>> {
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
        let mut devices = device.as_ref().map(|d| Resolved::of(d, |n| self.intern(n)));
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
        acc.reserve(batch.num_rows());
        let (intervals, values) = (interval.values(), value.values());
        for i in 0..batch.num_rows() {
            let row = first + i as u64;
            let start = if let Some(t) = zoned {
                if time_nulls && t.is_null(i) {
                    self.problem(row, "no timestamp".to_owned());
                    continue;
                }
                t.values()[i]
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
            let named = devices.as_mut().and_then(|d| d.get(i, |n| self.intern(n)));
            let name = |i| devices.as_ref().map_or("", |d| d.text(i));
            let (device_index, gap) = match named {
                Some(k) => match self.check(k, || name(i), (start, end), row) {
                    // The name is read only for `explain --rows`.
                    Some(gap) => (Some((k, if acc.capturing() { name(i) } else { "" })), gap),
                    None => continue,
                },
                None => (None, false),
            };
            let kwh = match metered {
                Metered::Energy => v * factor,
                Metered::Power => v * factor * (length as f64 / HOUR_MS),
            };
            acc.add(fleet_index, (start, end), kwh, row, device_index, gap);
        }
        Ok(())
    }

    /// The index of device `name`, interned on first sight.
    fn intern(&mut self, name: &str) -> u32 {
        if let Some(&k) = self.devices.get(name) {
            return k;
        }
        let k = u32::try_from(self.devices.len()).unwrap_or(u32::MAX);
        self.devices.insert(name.to_owned(), k);
        k
    }

    /// Checks device `k`'s interval `[start, end)` against its previous one: whether a gap
    /// precedes it; `None` (with the problem recorded) when the row repeats, overlaps or
    /// precedes it.
    fn check<'n>(
        &mut self,
        k: u32,
        name: impl Fn() -> &'n str,
        (start, end): (i64, i64),
        row: u64,
    ) -> Option<bool> {
        let slot = k as usize;
        if slot >= self.last.len() {
            self.last.resize(slot + 1, Last::NONE);
        }
        let before = self.last[slot];
        if before.row == 0 {
            self.last[slot] = Last { start, end, row };
            return Some(false);
        }
        let problem = if start == before.start {
            Some(format!(
                "device `{}`: duplicate of row {}",
                clip(name()),
                before.row
            ))
        } else if start < before.start {
            Some(format!(
                "device `{}`: starts before its row {}: a device's rows must be in time order",
                clip(name()),
                before.row
            ))
        } else if start < before.end {
            Some(format!(
                "device `{}`: overlaps its row {}, whose interval lasts until {}",
                clip(name()),
                before.row,
                jiff::Timestamp::from_millisecond(before.end)
                    .map_or_else(|_| before.end.to_string(), |t| t.to_string())
            ))
        } else {
            None
        };
        if let Some(problem) = problem {
            self.problem(row, problem);
            return None;
        }
        self.last[slot] = Last { start, end, row };
        Some(start > before.end)
    }
}

/// An RFC 3339 timestamp with its zone, in ms since the epoch; a civil time is refused.
fn timestamp(text: &str) -> Result<i64, String> {
    let text = text.trim();
    match text.parse::<jiff::Timestamp>() {
        Ok(t) => Ok(t.as_millisecond()),
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
