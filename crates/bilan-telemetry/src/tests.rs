use std::sync::Arc;

use arrow_array::{
    Float64Array, RecordBatch, StringArray, TimestampMillisecondArray, TimestampSecondArray,
};
use arrow_schema::{DataType, Field, Schema, TimeUnit};
use bilan_core::inventory::{Aggregate, Fleet, Phase, Telemetry, Workload};

use super::{MAX_PROBLEMS, read};

/// A scratch directory, removed when it is dropped.
fn dir(name: &str) -> tempfile::TempDir {
    tempfile::Builder::new()
        .prefix(&format!("bilan-telemetry-{name}-"))
        .tempdir()
        .expect("scratch")
}

fn fleets() -> Vec<Fleet> {
    let fleet = |id: &str, site: &str| -> Fleet {
        toml::from_str(&format!(
            "id = \"{id}\"\nmodel = \"nvidia-h100-sxm-80gb\"\ncount = 4\nsite = \"{site}\"\n"
        ))
        .expect("fleet")
    };
    vec![fleet("a", "dc-1"), fleet("b", "dc-2")]
}

fn telemetry(file: &str, aggregate: Aggregate) -> Telemetry {
    Telemetry {
        id: "t".to_owned(),
        file: file.to_owned(),
        fleet: "a".to_owned(),
        phase: Phase::Training,
        aggregate,
        energy_boundary: None,
        source: None,
    }
}

fn csv(name: &str, text: &str, aggregate: Aggregate) -> Result<Vec<Workload>, Vec<super::Problem>> {
    let dir = dir(name);
    let path = dir.path().join("t.csv");
    std::fs::write(&path, text).expect("write");
    read(&path, &telemetry("t.csv", aggregate), &fleets())
}

/// Writes `batches` to a Parquet file at `path`, each as its own row group.
fn write_parquet(path: &std::path::Path, batches: &[RecordBatch]) {
    let schema = batches.first().expect("a batch").schema();
    let file = std::fs::File::create(path).expect("create");
    let mut writer = parquet::arrow::ArrowWriter::try_new(file, schema, None).expect("writer");
    for batch in batches {
        writer.write(batch).expect("write");
        writer.flush().expect("row group");
    }
    writer.close().expect("close");
}

fn kwh(w: &Workload) -> f64 {
    w.energy
        .as_ref()
        .and_then(|q| q.to_str_unit("kWh").ok())
        .expect("energy")
}

/// Two devices of fleet `a` over two days, hourly, and one row of fleet `b`.
fn two_days() -> String {
    let mut text = String::from("timestamp,interval,device,fleet,energy,unit\n");
    for d in 1..=2 {
        for h in 0..24 {
            for dev in 0..2 {
                let wh = 100 * (dev + 1) + h;
                text.push_str(&format!(
                    "2024-03-0{d}T{h:02}:00:00Z,3600,gpu-{dev},a,{wh},Wh\n"
                ));
            }
        }
    }
    text.push_str("2024-03-01T05:00:00Z,3600,gpu-9,b,2,kWh\n");
    text
}

#[test]
fn rows_become_one_workload_per_fleet_and_day_with_their_energy_by_hour() {
    let workloads = csv("days", &two_days(), Aggregate::FleetDay).expect("valid");
    let ids: Vec<&str> = workloads.iter().map(|w| w.id.as_ref()).collect();
    assert_eq!(ids, ["t/a/2024-03-01", "t/a/2024-03-02", "t/b/2024-03-01"]);
    let day = &workloads[0];
    // Σ hours (100 + h) + (200 + h) Wh.
    let expected: f64 = (0..24).map(|h| f64::from(300 + 2 * h)).sum::<f64>() / 1000.0;
    assert!((kwh(day) - expected).abs() < 1e-12);
    assert_eq!(day.site, "dc-1");
    assert_eq!(day.fleet.as_deref(), Some("a"));
    let m = day.metered.as_ref().expect("metered");
    assert_eq!(m.hourly.values.len(), 24);
    assert!((m.hourly.values[5] - 0.310).abs() < 1e-12);
    assert_eq!((m.rows, m.devices, m.span), (48, 2, Some((1, 48))));
    assert_eq!(workloads[2].site, "dc-2");
    assert!((kwh(&workloads[2]) - 2.0).abs() < 1e-12);
    let months = csv("months", &two_days(), Aggregate::FleetMonth).expect("valid");
    let ids: Vec<&str> = months.iter().map(|w| w.id.as_ref()).collect();
    assert_eq!(ids, ["t/a/2024-03", "t/b/2024-03"]);
    let period = months[0].period.expect("period");
    assert_eq!(period.to_string(), "2024-03-01 to 2024-03-31");
    assert!((kwh(&months[0]) - kwh(&workloads[0]) - kwh(&workloads[1])).abs() < 1e-12);
    assert_eq!(
        months[0]
            .metered
            .as_ref()
            .expect("metered")
            .hourly
            .values
            .len(),
        48
    );
}

#[test]
fn power_is_multiplied_by_the_interval_and_an_interval_across_hours_is_split() {
    let text = "timestamp,interval,power,unit\n2024-03-01T00:30:00Z,3600,2,kW\n2024-03-01T01:30:00Z,900,400,W\n";
    let w = csv("power", text, Aggregate::FleetDay).expect("valid");
    assert!((kwh(&w[0]) - 2.1).abs() < 1e-12);
    let hours = &w[0].metered.as_ref().expect("metered").hourly.values;
    assert_eq!(hours.len(), 2);
    assert!((hours[0] - 1.0).abs() < 1e-12 && (hours[1] - 1.1).abs() < 1e-12);
}

#[test]
fn every_problem_names_its_row() {
    let text = "timestamp,interval,device,fleet,energy,unit\n\
        2024-03-01T00:00:00,3600,g,a,1,kWh\n\
        2024-03-01T00:00:00Z,0,g,a,1,kWh\n\
        2024-03-01T00:00:00Z,3600,g,a,-1,kWh\n\
        2024-03-01T00:00:00Z,3600,g,a,1,kg\n\
        2024-03-01T00:00:00Z,3600,g,zz,1,kWh\n\
        2024-03-01T00:00:00Z,3600,g,a,1,kWh\n\
        2024-03-01T00:00:00Z,3600,g,a,1,kWh\n\
        2024-03-01T00:30:00Z,3600,g,a,1,kWh\n\
        2024-02-29T00:00:00Z,3600,g,a,1,kWh\n";
    let problems = csv("problems", text, Aggregate::FleetDay).expect_err("refused");
    let got: Vec<String> = problems
        .iter()
        .map(|p| format!("{}: {}", p.row.unwrap_or(0), p.message))
        .collect();
    let expected = [
        "1: timestamp `2024-03-01T00:00:00` has no time zone",
        "2: `interval` must be a number of seconds above zero",
        "3: `energy` must be a finite number, zero or more",
        "4: unit `kg` is not an energy",
        "5: unknown fleet `zz`",
        "7: device `g`: duplicate of row 6",
        "8: device `g`: overlaps its row 6",
        "9: device `g`: starts before its row 6",
    ];
    assert_eq!(got.len(), expected.len(), "{got:#?}");
    for (g, e) in got.iter().zip(expected) {
        assert!(g.starts_with(e), "{g} / {e}");
    }
}

#[test]
fn a_flood_of_problems_is_listed_to_a_limit_and_counted() {
    let mut text = String::from("timestamp,interval,energy,unit\n");
    for _ in 0..50 {
        text.push_str("2024-03-01T00:00:00Z,3600,-1,kWh\n");
    }
    let problems = csv("flood", &text, Aggregate::FleetDay).expect_err("refused");
    assert_eq!(problems.len(), MAX_PROBLEMS + 1);
    assert_eq!(
        problems.last().map(|p| p.message.as_str()),
        Some("… and 30 more problems")
    );
}

#[test]
fn a_gap_is_counted_not_refused() {
    let text = "timestamp,interval,device,energy,unit\n\
        2024-03-01T00:00:00Z,3600,g,1,kWh\n\
        2024-03-01T05:00:00Z,3600,g,1,kWh\n";
    let w = csv("gap", text, Aggregate::FleetDay).expect("valid");
    let at = &w[0].provenance.as_ref().expect("provenance").at;
    assert!(at.contains("1 gap(s) in a device's intervals"), "{at}");
}

#[test]
fn columns_the_format_does_not_have_are_refused() {
    for (text, message) in [
        (
            "timestamp,interval,energy,unit,colour\n2024-03-01T00:00:00Z,3600,1,kWh,red\n",
            "unknown column `colour`",
        ),
        (
            "timestamp,interval,energy,power,unit\n2024-03-01T00:00:00Z,3600,1,1,kWh\n",
            "both `energy` and `power`",
        ),
        (
            "timestamp,interval,unit\n2024-03-01T00:00:00Z,3600,kWh\n",
            "no `energy` or `power` column",
        ),
    ] {
        let problems = csv("columns", text, Aggregate::FleetDay).expect_err("refused");
        assert!(
            problems.iter().any(|p| p.message.contains(message)),
            "{message}: {problems:?}"
        );
    }
}

/// The same rows in Parquet (timestamps typed, with a time zone) give the same workloads as
/// in CSV; a Parquet timestamp without a time zone is refused.
#[test]
fn parquet_reads_as_csv_does() {
    let text = two_days();
    let from_csv = csv("parquet-csv", &text, Aggregate::FleetDay).expect("valid");
    let rows: Vec<Vec<&str>> = text
        .lines()
        .skip(1)
        .map(|l| l.split(',').collect())
        .collect();
    let seconds: Vec<i64> = rows
        .iter()
        .map(|r| {
            r[0].parse::<jiff::Timestamp>()
                .expect("timestamp")
                .as_second()
        })
        .collect();
    let column = |k: usize| StringArray::from(rows.iter().map(|r| r[k]).collect::<Vec<_>>());
    let number = |k: usize| {
        Float64Array::from(
            rows.iter()
                .map(|r| r[k].parse::<f64>().expect("number"))
                .collect::<Vec<_>>(),
        )
    };
    let write = |name: &str, zone: Option<&str>| {
        let zone: Option<Arc<str>> = zone.map(Arc::from);
        let schema = Arc::new(Schema::new(vec![
            Field::new(
                "timestamp",
                DataType::Timestamp(TimeUnit::Second, zone.clone()),
                false,
            ),
            Field::new("interval", DataType::Float64, false),
            Field::new("device", DataType::Utf8, false),
            Field::new("fleet", DataType::Utf8, false),
            Field::new("energy", DataType::Float64, false),
            Field::new("unit", DataType::Utf8, false),
        ]));
        let times = TimestampSecondArray::from(seconds.clone()).with_timezone_opt(zone);
        let batch = RecordBatch::try_new(
            schema.clone(),
            vec![
                Arc::new(times),
                Arc::new(number(1)),
                Arc::new(column(2)),
                Arc::new(column(3)),
                Arc::new(number(4)),
                Arc::new(column(5)),
            ],
        )
        .expect("batch");
        let dir = dir(name);
        let path = dir.path().join("t.parquet");
        write_parquet(&path, &[batch]);
        (dir, path)
    };
    let (_dir, path) = write("parquet", Some("UTC"));
    let from_parquet = read(
        &path,
        &telemetry("t.parquet", Aggregate::FleetDay),
        &fleets(),
    )
    .expect("valid");
    assert_eq!(from_csv.len(), from_parquet.len());
    for (a, b) in from_csv.iter().zip(&from_parquet) {
        assert_eq!(a.id, b.id);
        assert_eq!(kwh(a).to_bits(), kwh(b).to_bits());
        let (ma, mb) = (
            a.metered.as_ref().expect("csv"),
            b.metered.as_ref().expect("parquet"),
        );
        assert_eq!(ma.hourly.start, mb.hourly.start);
        assert_eq!(ma.hourly.values, mb.hourly.values);
    }
    let (_naive_dir, naive) = write("parquet-naive", None);
    let problems = read(
        &naive,
        &telemetry("t.parquet", Aggregate::FleetDay),
        &fleets(),
    )
    .expect_err("refused");
    assert!(
        problems[0].message.contains("has no time zone"),
        "{problems:?}"
    );
}

#[test]
fn a_device_whose_rows_alternate_between_fleets_is_counted_once_per_day() {
    // gpu-0 moves from fleet a to b and back within the day: fleet a's day has one device.
    let text = "timestamp,interval,device,fleet,energy,unit\n\
        2024-03-01T00:00:00Z,3600,gpu-0,a,1,kWh\n\
        2024-03-01T01:00:00Z,3600,gpu-0,b,1,kWh\n\
        2024-03-01T02:00:00Z,3600,gpu-0,a,1,kWh\n";
    let workloads = csv("alternate", text, Aggregate::FleetDay).expect("valid");
    let devices: Vec<u32> = workloads
        .iter()
        .map(|w| w.metered.as_ref().expect("metered").devices)
        .collect();
    assert_eq!(devices, [1, 1]);
}

#[test]
fn an_interval_under_a_millisecond_is_refused() {
    let text = "timestamp,interval,device,energy,unit\n2024-03-01T00:00:00Z,0.0004,g,1,kWh\n";
    let problems = csv("sub-ms", text, Aggregate::FleetDay).expect_err("refused");
    assert!(
        problems[0].message.contains("a millisecond at least"),
        "{problems:?}"
    );
}

#[test]
fn a_timestamp_lies_in_the_years_1_to_9998() {
    let ms = |t: &str| t.parse::<jiff::Timestamp>().expect("t").as_millisecond();
    assert_eq!(super::FIRST_MS, ms("0001-01-01T00:00:00Z"));
    assert_eq!(super::LAST_MS, ms("9998-12-31T23:59:59.999Z"));
    // At both ends, for days and months: the first and last accepted, the next refused
    // with its row (the days before year 1 were accepted, then their workload dropped).
    for aggregate in [Aggregate::FleetDay, Aggregate::FleetMonth] {
        let text = "timestamp,interval,energy,unit\n\
            0001-01-01T00:00:00Z,3600,1,kWh\n\
            9998-12-31T23:00:00Z,86400,2,kWh\n";
        let w = csv("bounds", text, aggregate).expect("valid");
        assert_eq!(w.iter().map(kwh).sum::<f64>(), 3.0);
        let text = "timestamp,interval,energy,unit\n\
            -009999-01-02T02:00:00Z,3600,1,kWh\n\
            0000-12-31T23:00:00Z,3600,1,kWh\n\
            9999-01-01T00:00:00Z,3600,1,kWh\n";
        let problems = csv("beyond", text, aggregate).expect_err("refused");
        let rows: Vec<Option<u64>> = problems.iter().map(|p| p.row).collect();
        assert_eq!(rows, [Some(1), Some(2), Some(3)], "{problems:?}");
        assert!(
            problems[1]
                .message
                .contains("`0000-12-31T23:00:00Z` lies outside the years 1 to 9998"),
            "{problems:?}"
        );
    }
}

#[test]
fn a_parquet_timestamp_beyond_the_year_9998_is_refused() {
    let utc: Option<Arc<str>> = Some(Arc::from("UTC"));
    let schema = Arc::new(Schema::new(vec![
        Field::new(
            "timestamp",
            DataType::Timestamp(TimeUnit::Millisecond, utc.clone()),
            false,
        ),
        Field::new("interval", DataType::Float64, false),
        Field::new("energy", DataType::Float64, false),
        Field::new("unit", DataType::Utf8, false),
    ]));
    // The first row is 2024-03-01; the second, a millisecond before the largest i64, would
    // overflow the hour it ends in.
    let times = TimestampMillisecondArray::from(vec![1_709_251_200_000, i64::MAX - 1])
        .with_timezone_opt(utc);
    let batch = RecordBatch::try_new(
        schema.clone(),
        vec![
            Arc::new(times),
            Arc::new(Float64Array::from(vec![3600.0, 3600.0])),
            Arc::new(Float64Array::from(vec![1.0, 1.0])),
            Arc::new(StringArray::from(vec!["kWh", "kWh"])),
        ],
    )
    .expect("batch");
    let dir = dir("far");
    let path = dir.path().join("t.parquet");
    write_parquet(&path, &[batch]);
    let problems = read(
        &path,
        &telemetry("t.parquet", Aggregate::FleetDay),
        &fleets(),
    )
    .expect_err("refused");
    assert_eq!(problems.len(), 1, "{problems:?}");
    assert_eq!(problems[0].row, Some(2));
    assert!(
        problems[0].message.contains("outside the years 1 to 9998"),
        "{problems:?}"
    );
}

#[test]
fn a_device_alternating_between_fleets_over_a_month_is_counted_once_per_fleet() {
    let text = "timestamp,interval,device,fleet,energy,unit\n\
        2024-03-01T00:00:00Z,3600,gpu-0,a,1,kWh\n\
        2024-03-02T00:00:00Z,3600,gpu-0,b,1,kWh\n\
        2024-03-03T00:00:00Z,3600,gpu-0,a,1,kWh\n\
        2024-03-04T00:00:00Z,3600,gpu-0,b,1,kWh\n\
        2024-04-01T00:00:00Z,3600,gpu-0,a,1,kWh\n";
    let workloads = csv("alternate-month", text, Aggregate::FleetMonth).expect("valid");
    let got: Vec<String> = workloads
        .iter()
        .map(|w| format!("{} {}", w.id, w.metered.as_ref().expect("metered").devices))
        .collect();
    assert_eq!(got, ["t/a/2024-03 1", "t/a/2024-04 1", "t/b/2024-03 1"]);
}

mod batches;
