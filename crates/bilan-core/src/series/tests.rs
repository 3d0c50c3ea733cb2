use jiff::{SignedDuration, Timestamp};

use super::{Series, Uncovered};

fn at(text: &str) -> Timestamp {
    text.parse().expect("timestamp")
}

#[test]
fn the_mean_over_an_interval_weighs_the_hours_it_covers_in_part() {
    let s = Series {
        file: "grid.csv".to_owned(),
        start: at("2024-01-01T00:00:00Z"),
        step: SignedDuration::from_hours(1),
        values: vec![0.1, 0.2, 0.4, 0.8],
    };
    let mean = |from: &str, to: &str| s.mean_over(at(from), at(to));
    assert_eq!(
        mean("2024-01-01T01:00:00Z", "2024-01-01T02:00:00Z"),
        Ok((0.2, 1))
    );
    // Half of 00:00–01:00 and half of 01:00–02:00: (0.1 + 0.2) / 2.
    let (m, n) = mean("2024-01-01T00:30:00Z", "2024-01-01T01:30:00Z").expect("covered");
    assert!((m - 0.15).abs() < 1e-12, "{m}");
    assert_eq!(n, 2);
    // The whole span is the plain mean.
    let (m, _) = mean("2024-01-01T00:00:00Z", "2024-01-01T04:00:00Z").expect("covered");
    assert!((m - s.mean()).abs() < 1e-12);
    let uncovered = Err(Uncovered {
        covered: (at("2024-01-01T00:00:00Z"), at("2024-01-01T04:00:00Z")),
    });
    assert_eq!(
        mean("2023-12-31T23:00:00Z", "2024-01-01T01:00:00Z"),
        uncovered
    );
    assert_eq!(
        mean("2024-01-01T03:00:00Z", "2024-01-01T05:00:00Z"),
        uncovered
    );
    assert_eq!(
        mean("2024-01-01T02:00:00Z", "2024-01-01T02:00:00Z"),
        uncovered
    );
    assert_eq!(
        mean("2024-01-01T02:00:00Z", "2024-01-01T01:00:00Z"),
        uncovered
    );
}
