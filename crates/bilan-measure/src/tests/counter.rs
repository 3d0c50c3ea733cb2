use crate::counter::{Advance, NVML_RANGE, Track, advance};

use super::secs;

#[test]
fn a_growing_counter_counts_its_difference() {
    assert_eq!(
        advance(1_000, 61_000, NVML_RANGE),
        Advance {
            amount: 60_000,
            wrapped: false,
            restarted: false
        }
    );
    assert_eq!(advance(5, 5, NVML_RANGE).amount, 0);
}

#[test]
fn nvml_counter_wraps_at_two_to_the_sixty_four() {
    let step = advance(u64::MAX - 9, 5, NVML_RANGE);
    assert_eq!(
        step,
        Advance {
            amount: 15,
            wrapped: true,
            restarted: false
        }
    );
}

#[test]
fn rapl_counter_wraps_at_its_max_energy_range() {
    // A common `max_energy_range_uj`: the counter goes 0..=max, then 0 again.
    let max: u64 = 262_143_328_850;
    let range = u128::from(max) + 1;
    let step = advance(max - 100, 50, range);
    assert_eq!(
        step,
        Advance {
            amount: 151,
            wrapped: true,
            restarted: false
        }
    );
    // A 32-bit counter wraps often: 200 W for 2 s is 400,000,000 µJ, 9 % of its range.
    let range32 = 1u128 << 32;
    let before = (1u64 << 32) - 100_000_000;
    let step = advance(before, 300_000_000, range32);
    assert!(step.wrapped);
    assert_eq!(step.amount, 400_000_000);
}

#[test]
fn a_counter_going_far_back_restarted_and_counts_from_zero() {
    // Not a wrap: the previous reading was far from the top, so the counter restarted
    // (a driver reload); only what it counted since is known.
    let step = advance(5_000_000, 1_200, NVML_RANGE);
    assert_eq!(
        step,
        Advance {
            amount: 1_200,
            wrapped: false,
            restarted: true
        }
    );
    let step = advance(1_000_000_000, 10, 1u128 << 32);
    assert!(step.restarted, "{step:?}");
}

#[test]
fn a_track_sums_steps_across_a_wrap_and_keeps_the_peak_rate() {
    let range = 1_001u128; // max_energy_range_uj = 1000
    let mut t = Track::new(900, secs(0.0), range);
    t.read(1_000, secs(1.0)); // +100
    t.read(99, secs(2.0)); // wraps: +100
    t.read(399, secs(3.0)); // +300
    assert_eq!(t.total, 500);
    assert_eq!(t.wraps, 1);
    assert!((t.peak_rate - 300.0).abs() < 1e-9, "{}", t.peak_rate);
    assert_eq!(t.last_good, secs(3.0));
    t.fail(secs(4.0), "gone".to_owned(), true);
    assert!(t.lost);
    assert_eq!(t.first_failure, Some((secs(4.0), "gone".to_owned())));
}
