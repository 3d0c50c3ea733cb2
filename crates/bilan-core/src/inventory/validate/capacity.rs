//! Capacity is respected: the device-hours workloads charge to a fleet cannot exceed what
//! its devices can deliver while in service, per workload and summed over the fleet.

use rustc_hash::FxHashMap;

use super::{Checker, KeyPath};
use crate::inventory::{Date, Fleet, Inventory, Period};

/// Rounding slack: a workload that uses a fleet fully must not fail by one ulp.
const SLACK: f64 = 1e-9;

/// A closed range of days, as day numbers.
type Days = (i64, i64);

/// Checks the fleets `only` selects (every fleet for [`Inventory::validate`]).
pub(super) fn check(c: &mut Checker, inv: &Inventory, only: &dyn Fn(&Fleet) -> bool) {
    let root = KeyPath::root();
    let fleets: FxHashMap<&str, (usize, &Fleet)> = inv
        .fleets
        .iter()
        .enumerate()
        .map(|(i, f)| (f.id.as_str(), (i, f)))
        .collect();
    // Each fleet's days in service, once: the first and last, where given.
    let service: Vec<(Option<i64>, Option<i64>)> = inv
        .fleets
        .iter()
        .map(|f| {
            let s = f.in_service();
            (s.acquired.map(day), s.end.map(day))
        })
        .collect();
    // Per fleet: (workload index, demand in device-hours, days in service it ran).
    let mut charged: Vec<Vec<(usize, f64, Days)>> = vec![Vec::new(); inv.fleets.len()];
    // Fleets already reported through one of their workloads.
    let mut reported = vec![false; inv.fleets.len()];
    for (i, w) in inv.workloads.iter().enumerate() {
        let Some(&(fi, fleet)) = w
            .fleet
            .as_deref()
            .and_then(|id| fleets.get(id))
            .filter(|(_, f)| only(f))
        else {
            continue;
        };
        if !fleet.count.is_finite() || fleet.count <= 0.0 {
            continue;
        }
        let Ok(Some((demand, _))) = w.device_hours_on(fleet) else {
            continue;
        };
        let period = w.period.unwrap_or(inv.system.period);
        let window = in_service(service[fi], &period);
        let capacity = fleet.count * hours(window);
        // A demand beyond the range of f64 (`devices` × `duration`) is refused too.
        if demand.is_nan() || demand > capacity * (1.0 + SLACK) {
            c.problem(
                &root.key("workload").index(i),
                format!(
                    "workload `{}` charges {} device-hours to fleet `{}`, which can deliver {} ({} devices × {} h in service within {period}); check `device-hours`, `devices`, `duration` or the fleet's `count`",
                    w.id,
                    group(demand),
                    fleet.id,
                    group(capacity),
                    group(fleet.count),
                    group(hours(window)),
                ),
            );
            reported[fi] = true;
        }
        if let Some(days) = window {
            charged[fi].push((i, demand, days));
        }
    }
    for (fi, uses) in charged.iter_mut().enumerate() {
        if uses.len() < 2 || reported[fi] {
            continue;
        }
        let fleet = &inv.fleets[fi];
        let demand: f64 = uses.iter().map(|u| u.1).sum();
        // Workloads mostly come in time order; the union of the days does not depend on the
        // order of equal ranges.
        if !uses.is_sorted_by_key(|u| u.2) {
            uses.sort_unstable_by_key(|u| u.2);
        }
        let union_days = union(uses.iter().map(|u| u.2));
        let capacity = fleet.count * union_days as f64 * 24.0;
        if demand > capacity * (1.0 + SLACK) {
            uses.sort_by_key(|u| u.0);
            let mut names: Vec<String> = uses
                .iter()
                .take(5)
                .map(|u| format!("`{}`", inv.workloads[u.0].id))
                .collect();
            if uses.len() > 5 {
                names.push(format!("and {} more", group(uses.len() as f64 - 5.0)));
            }
            c.problem(
                &root.key("fleet").index(fi),
                format!(
                    "the {} workloads on fleet `{}` ({}) charge {} device-hours in all, but over the {} days they cover while it is in service its {} devices deliver {}",
                    group(uses.len() as f64),
                    fleet.id,
                    names.join(", "),
                    group(demand),
                    group(union_days as f64),
                    group(fleet.count),
                    group(capacity),
                ),
            );
        }
    }
}

fn day(d: Date) -> i64 {
    Date::new(1970, 1, 1).map_or(0, |epoch| d.days_since(epoch))
}

/// The days of `period` in which a fleet is in service (after its acquisition and before
/// the end of its lifetime, where given: `service`, as day numbers).
fn in_service((acquired, last): (Option<i64>, Option<i64>), period: &Period) -> Option<Days> {
    let mut start = day(period.start);
    let mut end = day(period.end);
    if let Some(acquired) = acquired {
        start = start.max(acquired);
    }
    if let Some(last) = last {
        end = end.min(last);
    }
    (end >= start).then_some((start, end))
}

fn hours(window: Option<Days>) -> f64 {
    window.map_or(0.0, |(s, e)| (e - s + 1) as f64 * 24.0)
}

/// Days covered by sorted closed ranges.
fn union(ranges: impl Iterator<Item = Days>) -> i64 {
    let mut total = 0;
    let mut current: Option<Days> = None;
    for (s, e) in ranges {
        current = match current {
            Some((cs, ce)) if s <= ce + 1 => Some((cs, ce.max(e))),
            Some((cs, ce)) => {
                total += ce - cs + 1;
                Some((s, e))
            }
            None => Some((s, e)),
        };
    }
    total + current.map_or(0, |(s, e)| e - s + 1)
}

/// A number with thousands grouped by commas and at most three decimals: `2,998,272`.
pub(super) fn group(value: f64) -> String {
    let text = if value.fract() == 0.0 && value.abs() < 1e15 {
        format!("{value:.0}")
    } else if value.abs() >= 1e15 || (value != 0.0 && value.abs() < 1e-3) {
        return format!("{value:e}");
    } else {
        let t = format!("{value:.3}");
        t.trim_end_matches('0').trim_end_matches('.').to_owned()
    };
    let (sign, digits) = text
        .strip_prefix('-')
        .map_or(("", text.as_str()), |d| ("-", d));
    let (int, frac) = digits
        .split_once('.')
        .map_or((digits, None), |(i, f)| (i, Some(f)));
    let mut out = String::from(sign);
    for (i, ch) in int.chars().enumerate() {
        if i > 0 && (int.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(ch);
    }
    if let Some(f) = frac {
        out.push('.');
        out.push_str(f);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::{group, union};

    #[test]
    fn groups_thousands() {
        assert_eq!(group(2_998_272.0), "2,998,272");
        assert_eq!(group(1024.5), "1,024.5");
        assert_eq!(group(-12.0), "-12");
        assert_eq!(group(999.0), "999");
    }

    #[test]
    fn unions_overlapping_ranges() {
        assert_eq!(union([(0, 9), (5, 14), (20, 20)].into_iter()), 16);
        assert_eq!(union([(0, 0), (1, 1)].into_iter()), 2);
    }
}
