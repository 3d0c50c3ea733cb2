use std::sync::Arc;

use bilan_core::inventory::{Date, Period};
use bilan_core::series::{Series, SignedDuration, Timestamp};

use super::{Curve, Hours, Load, Supply, match_hourly};

fn day(d: i8) -> Date {
    Date::new(2024, 1, d).expect("date")
}

fn period(a: i8, b: i8) -> Period {
    Period {
        start: day(a),
        end: day(b),
    }
}

#[test]
fn the_hours_of_a_period_and_of_a_workload_inside_it() {
    let hours = Hours::of(period(1, 3));
    assert_eq!(hours.len(), 72);
    assert_eq!(hours.range(None), Some(0..72));
    assert_eq!(hours.range(Some(period(2, 2))), Some(24..48));
    // Clipped to the reporting period; outside it, none.
    assert_eq!(hours.range(Some(period(3, 9))), Some(48..72));
    assert_eq!(hours.range(Some(period(5, 9))), None);
}

#[test]
fn a_quarter_hourly_profile_is_summed_into_hours_and_what_lies_outside_left_out() {
    let hours = Hours::of(period(1, 1));
    let start: Timestamp = "2023-12-31T23:30:00Z".parse().expect("timestamp");
    let series = Arc::new(Series {
        file: "p.csv".into(),
        start,
        step: SignedDuration::from_mins(15),
        // 23:30, 23:45 (outside), then 00:00 to 00:45, then 01:00.
        values: vec![100.0, 100.0, 1.0, 2.0, 3.0, 4.0, 10.0],
    });
    let (bins, inside) = hours.bins(&series);
    assert_eq!(bins.len(), 24);
    assert_eq!(bins[0], 10.0);
    assert_eq!(bins[1], 10.0);
    assert_eq!(inside, 20.0);
}

#[test]
fn generation_matches_consumption_in_the_same_hour_only() {
    // Two hours: a solar instrument generates 10 kWh in the first, none in the second; the
    // site consumes 5 kWh in each.
    let loads = vec![vec![5.0, 5.0]];
    let supplies = vec![Supply {
        generation: vec![10.0, 0.0],
        rate: 0.0,
        sites: vec![0],
    }];
    let m = match_hourly(&loads, &supplies);
    let site = &m.sites[0];
    assert_eq!(site.consumption, 10.0);
    assert_eq!(
        site.matched, 5.0,
        "the second hour's need is not met by the first's surplus"
    );
    assert_eq!(site.carbon_free, 5.0);
    assert_eq!(m.surplus, vec![5.0]);
    // Annually, 10 kWh of certificates would have covered all 10 kWh; hour by hour the
    // second hour takes the residual mix: F_mb = 5 × 0.5 / 10.
    let curve = Curve::new(&loads[0], site, 0.5).expect("consumption");
    assert!((curve.factor - 0.25).abs() < 1e-15);
    // A workload of the second hour only bears the residual: k_match = 0.5 / 0.25.
    let k = curve.term(1..2).expect("term");
    assert!((k.value - 2.0).abs() < 1e-12);
    assert!(curve.term(0..1).is_some_and(|t| t.value.abs() < 1e-15));
}

#[test]
fn instruments_cover_sites_in_order_and_a_dirty_instrument_is_not_carbon_free() {
    let loads = vec![vec![4.0, 4.0], vec![4.0, 4.0]];
    let supplies = vec![
        Supply {
            generation: vec![6.0, 6.0],
            rate: 0.0,
            sites: vec![0, 1],
        },
        Supply {
            generation: vec![1.0, 0.0],
            rate: 0.4,
            sites: vec![1],
        },
    ];
    let m = match_hourly(&loads, &supplies);
    assert_eq!(m.sites[0].matched, 8.0);
    assert_eq!(m.sites[1].matched, 5.0);
    assert_eq!(m.sites[1].carbon_free, 4.0);
    assert_eq!(m.sites[1].by_instrument, vec![4.0, 1.0]);
    assert!((m.sites[1].emitted - 0.4).abs() < 1e-15);
    assert_eq!(m.surplus, vec![0.0, 0.0]);
}

/// Σ workloads E × F_mb × k_match is Σ hours consumption × f(h): the workloads' rows add up
/// to the site's market-based emissions hour by hour.
#[test]
fn the_workloads_weights_add_up_to_the_hourly_emissions() {
    let hours = Hours::of(period(1, 10));
    let workloads = [
        (Some(period(1, 2)), 300.0),
        (Some(period(2, 6)), 1200.0),
        (None, 500.0),
        (Some(period(9, 30)), 80.0),
    ];
    let mut load = Load::new(&hours);
    for (p, kwh) in workloads {
        load.spread(hours.range(p).expect("inside"), kwh);
    }
    let load = load.hours();
    let total: f64 = load.iter().sum();
    assert!((total - 2080.0).abs() < 1e-9);
    // Solar-shaped generation: noon hours only.
    let generation: Vec<f64> = (0..hours.len())
        .map(|h| {
            if (10..15).contains(&(h % 24)) {
                20.0
            } else {
                0.0
            }
        })
        .collect();
    let supplies = vec![Supply {
        generation,
        rate: 0.0,
        sites: vec![0],
    }];
    let m = match_hourly(std::slice::from_ref(&load), &supplies);
    let residual = 0.42;
    let curve = Curve::new(&load, &m.sites[0], residual).expect("consumption");
    let by_hours = (total - m.sites[0].matched) * residual;
    let by_workloads: f64 = workloads
        .iter()
        .map(|(p, kwh)| {
            let k = curve
                .term(hours.range(*p).expect("inside"))
                .map_or(1.0, |t| t.value);
            kwh * curve.factor * k
        })
        .sum();
    assert!(
        (by_workloads / by_hours - 1.0).abs() < 1e-12,
        "{by_workloads} vs {by_hours}"
    );
    assert!(m.sites[0].matched > 0.0 && m.sites[0].matched < total);
}
