//! Rows summed into aggregates, one per fleet and day (or month, in UTC), each with its
//! energy hour by hour; then each aggregate as a workload.

use std::collections::BTreeMap;
use std::sync::Arc;

use bilan_core::inventory::{
    Aggregate, Date, Fleet, Metered, Period, Provenance, ProvenanceClass, Telemetry, Workload,
};
use bilan_core::series::{Series, SignedDuration, Timestamp};
use bilan_units::{Quantity, Unit};
use rustc_hash::FxHashMap;

const HOUR_MS: i64 = 3_600_000;
const DAY_MS: i64 = 24 * HOUR_MS;

/// One aggregate's sums: what becomes a workload. The row-checked reader sums them here; the
/// columnar path (`bilan-scale`) sums them in a query plan and hands them to [`workloads`].
#[derive(Clone, Debug, PartialEq)]
pub struct Sums {
    /// Its energy, kWh.
    pub kwh: f64,
    /// The hour (since the epoch) of `hours[0]`: the first hour of its day or month.
    pub base_hour: i64,
    /// Its energy by hour, kWh.
    pub hours: Vec<f64>,
    pub rows: u64,
    /// Its first and last row (1-based, the header not counted), when they are known: a
    /// columnar plan does not keep the rows' order.
    pub span: Option<(u64, u64)>,
    /// Distinct devices among its rows.
    pub devices: u32,
    /// Rows that follow a gap in their device's intervals.
    pub gaps: u64,
}

impl Sums {
    /// Adds `kwh` to hour `h` (since the epoch), at or after the first.
    #[inline]
    fn add_hour(&mut self, h: i64, kwh: f64) {
        let Ok(k) = usize::try_from(h - self.base_hour) else {
            return;
        };
        if self.hours.len() <= k {
            self.hours.resize(k + 1, 0.0);
        }
        self.hours[k] += kwh;
    }
}

/// A row kept for `bilan explain --rows`.
#[derive(Clone, Debug, PartialEq)]
pub struct Row {
    /// 1-based, the header not counted.
    pub row: u64,
    /// The interval's start, ms since the epoch (UTC).
    pub start_ms: i64,
    pub device: Option<String>,
    pub kwh: f64,
}

/// The day (UTC) of the last row: its first ms, and its bucket and first hour.
#[derive(Clone, Copy)]
struct Day {
    start: i64,
    bucket: i64,
    base_hour: i64,
}

/// The aggregates a device was counted in. A device's rows are in time order (the checker
/// refuses one that is not), so its buckets follow one another and it never comes back to an
/// earlier one: only the aggregates of its current bucket are kept, one per fleet its rows
/// were in (a device whose rows alternate between fleets comes back to an aggregate).
#[derive(Clone, Default)]
struct Seen {
    /// 1 + the place of the aggregate of its last row (0: none).
    last: usize,
    bucket: i64,
    /// The place of the first aggregate it was counted in within `bucket`, and of the others
    /// (none, unless its rows alternate between fleets: no allocation per device).
    first: usize,
    others: Vec<usize>,
}

pub(crate) struct Aggregates<'a> {
    telemetry: &'a Telemetry,
    fleets: &'a [Fleet],
    /// The aggregate whose rows are kept, and its rows.
    pub(crate) capture: Option<((u32, i64), Vec<Row>)>,
    /// (fleet, bucket) → place in `acc`; a bucket is a day since the epoch, or a month (year
    /// × 12 + month − 1).
    index: FxHashMap<(u32, i64), usize>,
    acc: Vec<(u32, i64, Sums)>,
    /// The aggregate of the last row, which the next row is most likely in.
    last: Option<((u32, i64), usize)>,
    /// The last row's day, and its bucket and first hour.
    last_day: Option<Day>,
    /// The last row's hour (since the epoch), when the row lay within it: the next rows are
    /// most likely in it too, and then no division is needed to place them.
    last_hour: Option<i64>,
    /// Per device, the aggregates it was counted in.
    seen: Vec<Seen>,
}

/// The UTC date of `day` days since the epoch.
fn date_of_day(day: i64) -> Option<Date> {
    Date::new(1970, 1, 1)?.add_days(day)
}

/// The bucket of a row starting at `start` (ms since the epoch) under `aggregate`: a day
/// since the epoch, or a month (year × 12 + month − 1); and the hour its bucket starts at.
pub fn bucket(aggregate: Aggregate, start: i64) -> (i64, i64) {
    let day = start.div_euclid(DAY_MS);
    match aggregate {
        Aggregate::FleetDay => (day, day * 24),
        Aggregate::FleetMonth => {
            let Some(date) = date_of_day(day) else {
                return (day, day * 24);
            };
            let month = i64::from(date.year()) * 12 + i64::from(date.month()) - 1;
            let first = i16::try_from(date.year())
                .ok()
                .and_then(|y| Date::new(y, date.month(), 1))
                .and_then(|d| Date::new(1970, 1, 1).map(|e| d.days_since(e)))
                .unwrap_or(day);
            (month, first * 24)
        }
    }
}

impl<'a> Aggregates<'a> {
    pub(crate) fn new(telemetry: &'a Telemetry, fleets: &'a [Fleet]) -> Aggregates<'a> {
        Aggregates {
            telemetry,
            fleets,
            capture: None,
            index: FxHashMap::default(),
            acc: Vec::new(),
            last: None,
            last_day: None,
            last_hour: None,
            seen: Vec::new(),
        }
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.acc.is_empty()
    }

    /// Keeps the rows of the aggregate of `fleet` that holds `day` (days since the epoch).
    pub(crate) fn keep(&mut self, fleet: u32, day: i64) {
        let (bucket, _) = self.bucket(day * DAY_MS);
        self.capture = Some(((fleet, bucket), Vec::new()));
    }

    /// Whether rows are kept (for `bilan explain --rows`).
    pub(crate) fn capturing(&self) -> bool {
        self.capture.is_some()
    }

    /// The bucket of a row starting at `start` (ms), and the hour its bucket starts at.
    fn bucket(&self, start: i64) -> (i64, i64) {
        bucket(self.telemetry.aggregate, start)
    }

    /// Adds a row's `kwh` over `[start, end)` (ms) to its fleet's aggregate; `gap` when a
    /// gap in its device's intervals precedes it.
    pub(crate) fn add(
        &mut self,
        fleet: u32,
        (start, end): (i64, i64),
        kwh: f64,
        row: u64,
        device: Option<(u32, &str)>,
        gap: bool,
    ) {
        let (bucket, base_hour) = match self.last_day {
            Some(d) if (d.start..d.start + DAY_MS).contains(&start) => (d.bucket, d.base_hour),
            _ => {
                let (bucket, base_hour) = self.bucket(start);
                self.last_day = Some(Day {
                    start: start.div_euclid(DAY_MS) * DAY_MS,
                    bucket,
                    base_hour,
                });
                (bucket, base_hour)
            }
        };
        if let Some((key, rows)) = &mut self.capture
            && *key == (fleet, bucket)
        {
            rows.push(Row {
                row,
                start_ms: start,
                device: device.map(|(_, name)| name.to_owned()),
                kwh,
            });
        }
        let device = device.map(|(k, _)| k);
        let key = (fleet, bucket);
        let place = match self.last {
            Some((k, place)) if k == key => place,
            _ => {
                let place = *self.index.entry(key).or_insert_with(|| {
                    self.acc.push((
                        fleet,
                        bucket,
                        Sums {
                            kwh: 0.0,
                            base_hour,
                            hours: Vec::new(),
                            rows: 0,
                            span: Some((row, row)),
                            devices: 0,
                            gaps: 0,
                        },
                    ));
                    self.acc.len() - 1
                });
                self.last = Some((key, place));
                place
            }
        };
        if let Some(d) = device.and_then(|k| usize::try_from(k).ok()) {
            if self.seen.len() <= d {
                self.seen.resize(d + 1, Seen::default());
            }
            let seen = &mut self.seen[d];
            if seen.last != place + 1 {
                let new = if seen.last == 0 || seen.bucket != bucket {
                    seen.bucket = bucket;
                    seen.first = place;
                    seen.others.clear();
                    true
                } else if seen.first != place && !seen.others.contains(&place) {
                    seen.others.push(place);
                    true
                } else {
                    false
                };
                seen.last = place + 1;
                if new {
                    self.acc[place].2.devices += 1;
                }
            }
        }
        let acc = &mut self.acc[place].2;
        acc.gaps += u64::from(gap);
        acc.kwh += kwh;
        acc.rows += 1;
        if let Some((first, last)) = &mut acc.span {
            *first = (*first).min(row);
            *last = (*last).max(row);
        }
        if let Some(h) = self.last_hour
            && start >= h * HOUR_MS
            && end <= (h + 1) * HOUR_MS
        {
            acc.add_hour(h, kwh);
            return;
        }
        let (h0, h1) = (start.div_euclid(HOUR_MS), (end - 1).div_euclid(HOUR_MS));
        if h1 <= h0 {
            // Within one hour, as most rows are.
            self.last_hour = Some(h0);
            acc.add_hour(h0, kwh);
            return;
        }
        // Spread over the hours the interval covers, by the part of it in each.
        let length = (end - start).max(1) as f64;
        for h in h0..=h1 {
            let from = start.max(h * HOUR_MS);
            let to = end.min((h + 1) * HOUR_MS);
            acc.add_hour(h, kwh * (to - from).max(0) as f64 / length);
        }
    }

    /// The aggregates as workloads, by fleet then date.
    pub(crate) fn workloads(self) -> Vec<Workload> {
        workloads(self.telemetry, self.fleets, self.acc)
    }
}

/// Aggregates as workloads, by fleet then date: each `(fleet, bucket, sums)` names its fleet
/// by its place in `fleets` and its bucket as [`bucket`] does.
pub fn workloads(
    t: &Telemetry,
    fleets: &[Fleet],
    sums: impl IntoIterator<Item = (u32, i64, Sums)>,
) -> Vec<Workload> {
    let ordered: BTreeMap<(u32, i64), Sums> = sums
        .into_iter()
        .map(|(fleet, bucket, acc)| ((fleet, bucket), acc))
        .collect();
    let tid: Arc<str> = Arc::from(t.id.as_str());
    let kwh_unit = Unit::parse("kWh").ok();
    ordered
        .into_iter()
        .filter_map(|((fleet, bucket), acc)| {
            let fleet = fleets.get(fleet as usize)?;
            let (label, period) = match t.aggregate {
                Aggregate::FleetDay => {
                    let d = date_of_day(bucket)?;
                    (d.to_string(), Period { start: d, end: d })
                }
                Aggregate::FleetMonth => {
                    let year = i16::try_from(bucket.div_euclid(12)).ok()?;
                    let month = i8::try_from(bucket.rem_euclid(12) + 1).ok()?;
                    let start = Date::new(year, month, 1)?;
                    let next = if month == 12 {
                        Date::new(year.checked_add(1)?, 1, 1)?
                    } else {
                        Date::new(year, month + 1, 1)?
                    };
                    let end = next.add_days(-1)?;
                    (format!("{year:04}-{month:02}"), Period { start, end })
                }
            };
            let mut w = Workload::new(
                format!("{}/{}/{label}", t.id, fleet.id),
                t.phase,
                fleet.site.clone(),
            );
            w.fleet = Some(fleet.id.clone());
            w.period = Some(period);
            w.energy = Quantity::new(acc.kwh, kwh_unit.clone()?).ok();
            w.energy_boundary = t.energy_boundary;
            let devices = acc.devices;
            let gap_note = if acc.gaps > 0 {
                format!(
                    "; {} gap(s) in a device's intervals, with no energy counted for them",
                    acc.gaps
                )
            } else {
                String::new()
            };
            w.provenance = Some(Box::new(Provenance {
                class: ProvenanceClass::Measured,
                file: t.file.clone(),
                at: match acc.span {
                    Some((first, last)) => format!(
                        "rows {first} to {last}: {} rows of fleet `{}`, {devices} device(s){gap_note}",
                        acc.rows, fleet.id
                    ),
                    None => format!(
                        "{} rows of fleet `{}`, {devices} device(s){gap_note}; summed by a columnar plan, which keeps no row numbers (`bilan explain --rows` lists them)",
                        acc.rows, fleet.id
                    ),
                },
                tool: t.source.clone(),
                fields: [(
                    "energy".to_owned(),
                    "Σ `energy` (or `power` × `interval`) of its rows, in kWh".to_owned(),
                )]
                .into_iter()
                .collect(),
            }));
            let start = Timestamp::from_second(acc.base_hour.checked_mul(3600)?).ok()?;
            w.metered = Some(Arc::new(Metered {
                telemetry: tid.clone(),
                hourly: Series {
                    file: t.file.clone(),
                    start,
                    step: SignedDuration::from_hours(1),
                    values: acc.hours,
                },
                rows: acc.rows,
                devices,
                span: acc.span,
            }));
            Some(w)
        })
        .collect()
}
