//! What a `[[workload]]` is checked for, checked of the workloads a `[[telemetry]]` file
//! makes: its rows lie in the reporting period, its fleet is in service when they were
//! metered, and they name no more devices than the fleet has. An inventory's own workloads
//! are checked before the telemetry is read (`Inventory::validate`); these are checked here,
//! from the hours each aggregate has energy in, whatever engine summed them. Whether those
//! days are in the fleet's service is the rule workloads follow
//! ([`bilan_core::inventory::InService::out_of`]).

use bilan_core::inventory::{Date, Fleet, Period, Telemetry, Workload};
use jiff::Timestamp;

/// At most this many aggregates are named in one problem; the rest are counted.
const NAMED: usize = 3;

/// One kind of misfit, with the aggregates that show it (their ids, and their rows where
/// the reader kept them).
struct Misfit {
    ids: Vec<String>,
    /// The earliest and latest hour concerned.
    from: Timestamp,
    to: Timestamp,
}

impl Misfit {
    fn add(slot: &mut Option<Misfit>, w: &Workload, from: Timestamp, to: Timestamp) {
        let id = match w.metered.as_ref().and_then(|m| m.span) {
            Some((first, last)) => format!("`{}` (rows {first} to {last})", w.id),
            None => format!("`{}`", w.id),
        };
        match slot {
            Some(m) => {
                m.ids.push(id);
                m.from = m.from.min(from);
                m.to = m.to.max(to);
            }
            None => {
                *slot = Some(Misfit {
                    ids: vec![id],
                    from,
                    to,
                });
            }
        }
    }

    /// The aggregates named, then how many more.
    fn named(&self) -> String {
        let mut text = self
            .ids
            .iter()
            .take(NAMED)
            .cloned()
            .collect::<Vec<_>>()
            .join(", ");
        if self.ids.len() > NAMED {
            text.push_str(&format!(" and {} more", self.ids.len() - NAMED));
        }
        text
    }
}

/// The problems of `workloads`, made by telemetry `t` from `fleets`, against the reporting
/// `period`: one message per kind of problem and fleet, naming the aggregates.
pub(super) fn problems(
    t: &Telemetry,
    workloads: &[Workload],
    fleets: &[Fleet],
    period: Period,
) -> Vec<String> {
    let (start, end) = (period.start.start_utc(), period.end.end_utc());
    let mut out = Vec::new();
    let mut outside: Option<Misfit> = None;
    for fleet in fleets {
        let mine = workloads
            .iter()
            .filter(|w| w.fleet.as_deref() == Some(fleet.id.as_str()));
        let (mut before, mut after, mut crowded) = (None, None, None);
        let mut most = 0;
        // Once per fleet: converting its lifetime costs more than the rest of a workload's check.
        let service = fleet.in_service();
        for w in mine {
            let Some(m) = &w.metered else { continue };
            let (from, to) = (m.hourly.start, m.hourly.end());
            if from < start || to > end {
                Misfit::add(&mut outside, w, from, to);
            }
            // The days its hours are in: the hour ending at `to` lies in the day before `to`
            // when `to` is midnight.
            let last_day = Date::of_instant(
                to.checked_sub(jiff::SignedDuration::from_nanos(1))
                    .unwrap_or(to),
            );
            let out = service.out_of(Date::of_instant(from), last_day);
            if out.before.is_some() {
                Misfit::add(&mut before, w, from, to);
            }
            if out.after.is_some() {
                Misfit::add(&mut after, w, from, to);
            }
            if f64::from(m.devices) > fleet.count {
                most = most.max(m.devices);
                Misfit::add(&mut crowded, w, from, to);
            }
        }
        if let (Some(m), Some(acquired)) = (before, service.acquired) {
            out.push(format!(
                "telemetry `{}` meters fleet `{}` from {}, before it was acquired ({acquired}): {}; correct the rows' time or fleet, or the fleet's `acquired`",
                t.id,
                fleet.id,
                m.from,
                m.named()
            ));
        }
        if let (Some(m), Some(last)) = (after, service.end) {
            out.push(format!(
                "telemetry `{}` meters fleet `{}` until {}, after its service ends ({last}: acquired {}, lifetime {}): {}; correct the rows' time or fleet, or the fleet's `lifetime`",
                t.id,
                fleet.id,
                m.to,
                fleet.acquired.map_or(String::new(), |d| d.to_string()),
                fleet.lifetime.as_ref().map_or(String::new(), ToString::to_string),
                m.named()
            ));
        }
        if let Some(m) = crowded {
            out.push(format!(
                "telemetry `{}` meters up to {most} devices of fleet `{}` in one aggregate, but the fleet has {} (`count`): {}; correct the fleet's `count` or the rows' `device` or `fleet`",
                t.id,
                fleet.id,
                fleet.count,
                m.named()
            ));
        }
    }
    if let Some(m) = outside {
        out.insert(
            0,
            format!(
                "telemetry `{}` has rows outside the reporting period {} to {} (whole days, UTC), in {}, whose rows span {} to {}; remove those rows or change `system.period`",
                t.id,
                period.start,
                period.end,
                m.named(),
                m.from,
                m.to
            ),
        );
    }
    out
}
