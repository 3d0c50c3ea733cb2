use crate::SourceFile;
use jiff::{SignedDuration, Timestamp};

use bilan_core::series::Kind;

use super::read as read_any;

fn read(file: &SourceFile) -> Result<bilan_core::series::Series, crate::FileErrors> {
    read_any(file, Kind::Intensity)
}

fn file(text: &str) -> SourceFile {
    SourceFile {
        name: "grid.csv".to_owned(),
        text: text.to_owned(),
    }
}

fn at(text: &str) -> Timestamp {
    text.parse().expect("timestamp")
}

/// Every problem of `text`, as `line: message`.
fn problems(text: &str) -> Vec<String> {
    let errors = read(&file(text)).expect_err("refused").errors;
    errors
        .iter()
        .map(|e| format!("{}: {}", e.line.unwrap_or(0), e.message))
        .collect()
}

const HEADER: &str = "timestamp,intensity,unit\n";

#[test]
fn an_hourly_series_is_read_in_kg_per_kwh() {
    let s = read(&file(&format!(
        "{HEADER}2024-01-01T00:00:00Z,412.5,gCO2e/kWh\n2024-01-01T01:00:00Z,398,gCO2e/kWh\n2024-01-01T03:00:00+01:00,0.4,kgCO2e/kWh\n"
    )))
    .expect("valid");
    assert_eq!(s.start, at("2024-01-01T00:00:00Z"));
    assert_eq!(s.step, SignedDuration::from_hours(1));
    // 03:00 at +01:00 is 02:00Z, the hour after the second row.
    assert_eq!(s.values.len(), 3);
    assert!((s.values[0] - 0.4125).abs() < 1e-12);
    assert!((s.values[2] - 0.4).abs() < 1e-12);
}

#[test]
fn offsets_are_read_as_the_instants_they_name() {
    let refused = problems(&format!(
        "{HEADER}2024-01-01T00:00:00Z,412.5,gCO2e/kWh\n2024-01-01T01:00:00Z,398,gCO2e/kWh\n2024-01-01T02:00:00+01:00,400,gCO2e/kWh\n"
    ));
    assert_eq!(refused.len(), 1, "{refused:?}");
    assert!(
        refused[0].starts_with("4: duplicate of row 3"),
        "{refused:?}"
    );
}

#[test]
fn a_quarter_hourly_series_keeps_its_interval() {
    let s = read(&file(&format!(
        "{HEADER}2024-06-01T00:00:00Z,100,gCO2e/kWh\n2024-06-01T00:15:00Z,200,gCO2e/kWh\n2024-06-01T00:30:00Z,300,gCO2e/kWh\n2024-06-01T00:45:00Z,400,gCO2e/kWh\n"
    )))
    .expect("valid");
    assert_eq!(s.step, SignedDuration::from_mins(15));
    assert_eq!(s.end(), at("2024-06-01T01:00:00Z"));
    let (mean, n) = s
        .mean_over(at("2024-06-01T00:00:00Z"), at("2024-06-01T01:00:00Z"))
        .expect("covered");
    assert!((mean - 0.25).abs() < 1e-12, "{mean}");
    assert_eq!(n, 4);
}

#[test]
fn a_time_without_a_zone_is_refused_with_the_fix() {
    let p = problems(&format!(
        "{HEADER}2024-01-01T00:00:00,412.5,gCO2e/kWh\n2024-01-01T01:00:00Z,398,gCO2e/kWh\n"
    ));
    assert!(
        p[0].starts_with(
            "2: timestamp `2024-01-01T00:00:00` has no time zone: write it in UTC with `Z`"
        ),
        "{p:?}"
    );
}

#[test]
fn duplicates_disorder_overlaps_and_gaps_are_all_reported_with_their_rows() {
    let p = problems(&format!(
        "{HEADER}\
2024-01-01T00:00:00Z,1,gCO2e/kWh
2024-01-01T01:00:00Z,1,gCO2e/kWh
2024-01-01T01:00:00Z,1,gCO2e/kWh
2024-01-01T00:30:00Z,1,gCO2e/kWh
2024-01-01T01:00:00Z,1,gCO2e/kWh
2024-01-01T01:30:00Z,1,gCO2e/kWh
2024-01-01T05:30:00Z,1,gCO2e/kWh
"
    ));
    assert_eq!(p.len(), 5, "{p:?}");
    assert!(p[0].starts_with("4: duplicate of row 3"), "{p:?}");
    assert!(
        p[1].starts_with("5: 2024-01-01T00:30:00Z is earlier than row 4"),
        "{p:?}"
    );
    assert!(p[2].starts_with("6: overlaps row 5"), "{p:?}");
    assert!(p[3].starts_with("7: overlaps row 6"), "{p:?}");
    assert!(
        p[4].starts_with("8: gap after row 7 (2024-01-01T01:30:00Z): 3 h with no value (3 interval(s) of 1 h missing)"),
        "{p:?}"
    );
}

#[test]
fn bad_values_units_headers_and_intervals_are_refused() {
    let row2 = "2024-01-01T01:00:00Z,1,gCO2e/kWh\n";
    let cases = [
        (
            format!("{HEADER}2024-01-01T00:00:00Z,-1,gCO2e/kWh\n{row2}"),
            "2: intensity `-1` must be a finite number, zero or more",
        ),
        (
            format!("{HEADER}2024-01-01T00:00:00Z,NaN,gCO2e/kWh\n{row2}"),
            "2: intensity `NaN` must be a finite number",
        ),
        (
            format!("{HEADER}2024-01-01T00:00:00Z,1,L/kWh\n{row2}"),
            "2: unit `L/kWh` is not an emission per energy",
        ),
        (format!("{HEADER}2024-01-01T00:00:00Z,1\n{row2}"), "2: "),
        (
            format!("time,value,unit\n2024-01-01T00:00:00Z,1,gCO2e/kWh\n{row2}"),
            "1: the columns are `time,value,unit`; a grid intensity series has `timestamp,intensity,unit`",
        ),
        (
            format!("{HEADER}2024-01-01T00:00:00Z,1,gCO2e/kWh\n2024-01-01T00:40:00Z,1,gCO2e/kWh\n"),
            "3: 40 min after row 2: the interval of a series is set by its first two rows and must be whole seconds that divide an hour",
        ),
        (
            format!("{HEADER}2024-01-01T00:00:00Z,1,gCO2e/kWh\n"),
            "0: 1 row(s): a series needs at least two",
        ),
        (
            format!("{HEADER}yesterday,1,gCO2e/kWh\n{row2}"),
            "2: timestamp `yesterday` is not an RFC 3339 date and time",
        ),
    ];
    for (text, expected) in cases {
        let p = problems(&text);
        assert!(p[0].starts_with(expected), "{expected}\n{p:?}");
    }
}
