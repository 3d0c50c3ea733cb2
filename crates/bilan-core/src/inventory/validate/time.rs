//! Time is consistent: workloads lie in the reporting period (or say how to prorate the part
//! outside it), fleets are used only while in service, and a market has one residual mix a
//! year.

use rustc_hash::FxHashMap;

use super::{Checker, KeyPath};
use crate::inventory::{Fleet, InService, Inventory, OutsidePeriod, Period};

pub(super) fn check(c: &mut Checker, inv: &Inventory) {
    let root = KeyPath::root();
    let reporting = inv.system.period;
    let fleets: FxHashMap<&str, (&Fleet, InService)> = inv
        .fleets
        .iter()
        .map(|f| (f.id.as_str(), (f, f.in_service())))
        .collect();
    let workloads = root.key("workload");
    for (i, w) in inv.workloads.iter().enumerate() {
        let path = workloads.index(i);
        let Some(period) = w.period.filter(|p| p.end >= p.start) else {
            if w.outside_period.is_some() {
                c.problem(
                    &path.child("outside-period"),
                    "`outside-period` applies to a workload with its own `period`; this one has none and is taken to lie in the reporting period",
                );
            }
            continue;
        };
        let inside = period.overlap_days(&reporting);
        if inside <= 0 {
            c.problem(
                &path.child("period"),
                format!(
                    "workload `{}` runs {period}, wholly outside the reporting period {reporting}; remove it or change `system.period`",
                    w.id
                ),
            );
        } else if inside < period.days() && w.outside_period != Some(OutsidePeriod::Prorate) {
            c.problem(
                &path.child("period"),
                format!(
                    "workload `{}` runs {period}, of which {} of {} days lie outside the reporting period {reporting}; split it, or set `outside-period = \"prorate\"` to count only the days inside",
                    w.id,
                    period.days() - inside,
                    period.days()
                ),
            );
        }
        if let Some(fleet) = w.fleet.as_deref().and_then(|id| fleets.get(id)) {
            in_service(c, &path, &w.id, &period, fleet);
        }
    }

    let mut mixes: FxHashMap<(&str, Option<i32>), usize> = FxHashMap::default();
    for (i, m) in inv.residual_mixes.iter().enumerate() {
        if let Some(first) = mixes.insert((m.region.code(), m.year), i) {
            let year = m
                .year
                .map_or("with no year".to_owned(), |y| format!("for {y}"));
            c.problem(
                &root.key("residual-mix").index(i),
                format!(
                    "a second residual mix for {} {year} (the first is residual-mix[{first}]); give one per market and year",
                    m.region.code()
                ),
            );
            mixes.insert((m.region.code(), m.year), first);
        }
    }
}

fn in_service(
    c: &mut Checker,
    path: &KeyPath,
    workload: &str,
    period: &Period,
    (fleet, service): &(&Fleet, InService),
) {
    let out = service.out_of(period.start, period.end);
    if let Some(acquired) = out.before {
        c.problem(
            &path.child("period"),
            format!(
                "workload `{workload}` starts {} but fleet `{}` was acquired {acquired}",
                period.start, fleet.id
            ),
        );
    }
    if let Some(end) = out.after {
        c.problem(
            &path.child("period"),
            format!(
                "workload `{workload}` runs until {} but fleet `{}` is in service until {end} (acquired {}, lifetime {})",
                period.end,
                fleet.id,
                fleet.acquired.map_or(String::new(), |d| d.to_string()),
                fleet.lifetime.as_ref().map_or(String::new(), ToString::to_string)
            ),
        );
    }
}
