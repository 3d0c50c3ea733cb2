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
use crate::aggregate::Aggregates;

/// At most this many problems are listed; the rest are counted.
pub const MAX_PROBLEMS: usize = 20;

const HOUR_MS: f64 = 3_600_000.0;

/// The longest interval a row may have, in seconds: a day (telemetry is metered by the
/// minute or the hour; a longer row is a total, not telemetry).
const MAX_INTERVAL: f64 = 86_400.0;

/// Energy or power, as the file meters it.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Metered {
    Energy,
    Power,
}

/// A device's last interval: start and end (ms) and row.
#[derive(Clone, Copy)]
struct Last {
    start: i64,
    end: i64,
    row: u64,
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

/// A text column as text, whatever its Arrow encoding (plain, large, dictionary).
fn text(batch: &RecordBatch, name: &str) -> Result<Option<ArrayRef>, Vec<Problem>> {
    let Some(column) = batch.column_by_name(name) else {
        return Ok(None);
    };
    arrow_cast::cast(column, &DataType::Utf8)
        .map(Some)
        .map_err(|e| vec![Problem::file(format!("column `{name}` is not text: {e}"))])
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
        _ => text(batch, "timestamp").map(|t| Times::Text(t.unwrap_or_else(|| column.clone()))),
    }
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
        let (target, kind) = match metered {
            Metered::Energy => ("kWh", "an energy (kWh, Wh, MWh, MJ…)"),
            Metered::Power => ("kW", "a power (W, kW…)"),
        };
        let factor = Quantity::parse(&format!("1 {unit}"))
            .ok()
            .and_then(|q| q.to_str_unit(target).ok())
            .ok_or_else(|| format!("unit `{}` is not {kind}", clip(unit)));
        self.units.insert(unit.to_owned(), factor.clone());
        factor
    }

    /// Checks the rows of `batch` (the first is row `first`) and adds their energy to `acc`.
    pub(crate) fn batch(
        &mut self,
        batch: &RecordBatch,
        first: u64,
        acc: &mut Aggregates<'_>,
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
        let unit = text(batch, "unit")?.ok_or_else(|| vec![Problem::file("no `unit` column")])?;
        let device = text(batch, "device")?;
        let fleet = text(batch, "fleet")?;
        let interval = interval.as_primitive::<Float64Type>();
        let value = value.as_primitive::<Float64Type>();
        let unit = unit.as_string::<i32>();
        let device = device.as_ref().map(|d| d.as_string::<i32>());
        let fleet = fleet.as_ref().map(|f| f.as_string::<i32>());
        for i in 0..batch.num_rows() {
            let row = first + i as u64;
            let start = match &times {
                Times::Zoned(t) => {
                    let t = t.as_primitive::<TimestampMillisecondType>();
                    if t.is_null(i) {
                        self.problem(row, "no timestamp".to_owned());
                        continue;
                    }
                    t.value(i)
                }
                Times::Text(t) => {
                    let t = t.as_string::<i32>();
                    if t.is_null(i) {
                        self.problem(row, "no timestamp".to_owned());
                        continue;
                    }
                    match timestamp(t.value(i)) {
                        Ok(ms) => ms,
                        Err(message) => {
                            self.problem(row, message);
                            continue;
                        }
                    }
                }
            };
            let seconds = if interval.is_null(i) {
                f64::NAN
            } else {
                interval.value(i)
            };
            if !(seconds.is_finite() && seconds > 0.0 && seconds <= MAX_INTERVAL) {
                self.problem(
                    row,
                    "`interval` must be a number of seconds above zero, a day at most".to_owned(),
                );
                continue;
            }
            let v = if value.is_null(i) {
                f64::NAN
            } else {
                value.value(i)
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
            if unit.is_null(i) {
                self.problem(row, "no unit".to_owned());
                continue;
            }
            let factor = match self.unit_factor(unit.value(i), metered) {
                Ok(f) => f,
                Err(message) => {
                    self.problem(row, message);
                    continue;
                }
            };
            let fleet_index = match fleet.filter(|f| !f.is_null(i)) {
                Some(f) => match self.fleets.get(f.value(i)) {
                    Some(&k) => k,
                    None => {
                        let name = clip(f.value(i));
                        self.problem(row, format!("unknown fleet `{name}`"));
                        continue;
                    }
                },
                None => match self.default_fleet {
                    Some(k) => k,
                    None => return Err(vec![Problem::file("the telemetry's `fleet` is unknown")]),
                },
            };
            let length = (seconds * 1000.0).round() as i64;
            let end = start.saturating_add(length);
            let (device_index, gap) = match device.filter(|d| !d.is_null(i)) {
                Some(d) => match self.device(d.value(i), start, end, row) {
                    Some((k, gap)) => (Some((k, d.value(i))), gap),
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

    /// Interns `name` and checks its interval against its previous one: the device's index
    /// and whether a gap precedes the row; `None` (with the problem recorded) when the row
    /// repeats, overlaps or precedes it.
    fn device(&mut self, name: &str, start: i64, end: i64, row: u64) -> Option<(u32, bool)> {
        let next = u32::try_from(self.devices.len()).unwrap_or(u32::MAX);
        let k = *self.devices.entry(name.to_owned()).or_insert(next);
        let slot = k as usize;
        if slot == self.last.len() {
            self.last.push(Last { start, end, row });
            return Some((k, false));
        }
        let before = self.last[slot];
        let name = clip(name);
        let problem = if start == before.start {
            Some(format!("device `{name}`: duplicate of row {}", before.row))
        } else if start < before.start {
            Some(format!(
                "device `{name}`: starts before its row {}: a device's rows must be in time order",
                before.row
            ))
        } else if start < before.end {
            Some(format!(
                "device `{name}`: overlaps its row {}, whose interval lasts until {}",
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
        let gap = start > before.end;
        self.last[slot] = Last { start, end, row };
        Some((k, gap))
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
