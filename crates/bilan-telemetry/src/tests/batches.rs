//! Files of more than one batch: rows, problems and device names carried across the
//! reader's stages.

use std::sync::Arc;

use arrow_array::types::Int32Type;
use arrow_array::{DictionaryArray, Float64Array, RecordBatch, StringArray, TimestampSecondArray};
use arrow_schema::{DataType, Field, Schema, TimeUnit};
use bilan_core::inventory::Aggregate;

use super::{csv, dir, fleets, kwh, read, telemetry, write_parquet};

/// Three devices, hourly, for `days` days from 2021-01-01: 72 rows a day, `wh` each.
fn many_days(days: i64, wh: impl Fn(u64) -> u64) -> String {
    let mut text = String::from("timestamp,interval,device,energy,unit\n");
    let start = jiff::Timestamp::from_second(1_609_459_200).expect("2021-01-01");
    let mut row = 0u64;
    for h in 0..days * 24 {
        let at = start + jiff::SignedDuration::from_hours(h);
        for dev in 0..3 {
            row += 1;
            text.push_str(&format!("{at},3600,gpu-{dev},{},Wh\n", wh(row)));
        }
    }
    text
}

#[test]
fn rows_across_many_batches_are_checked_and_summed_in_order() {
    // 72,000 rows: more than one batch, so the rows go through every stage of the reader.
    let dir = dir("batches");
    let path = dir.path().join("t.csv");
    std::fs::write(&path, many_days(1000, |row| row % 97)).expect("write");
    let t = telemetry("t.csv", Aggregate::FleetDay);
    let workloads = read(&path, &t, &fleets()).expect("valid");
    assert_eq!(workloads.len(), 1000);
    let rows: u64 = workloads
        .iter()
        .map(|w| w.metered.as_ref().expect("metered").rows)
        .sum();
    assert_eq!(rows, 72_000);
    let total: f64 = workloads.iter().map(kwh).sum();
    let expected: u64 = (1..=72_000u64).map(|row| row % 97).sum();
    assert!((total - expected as f64 / 1000.0).abs() < 1e-9, "{total}");
    // The last day, in the last batch: its rows are the file's last 72, as `explain --rows`
    // reads them again.
    let last = workloads.last().expect("a workload");
    let metered = last.metered.as_ref().expect("metered");
    assert_eq!((metered.devices, metered.span), (3, Some((71_929, 72_000))));
    let again = crate::rows(&path, &t, &fleets(), last).expect("rows");
    assert_eq!(again.len(), 72);
    assert_eq!(again.first().map(|r| r.row), Some(71_929));
    let names: Vec<Option<&str>> = again.iter().take(4).map(|r| r.device.as_deref()).collect();
    assert_eq!(
        names,
        [Some("gpu-0"), Some("gpu-1"), Some("gpu-2"), Some("gpu-0")]
    );
    let summed: f64 = again.iter().map(|r| r.kwh).sum();
    assert!(
        summed.to_bits() == kwh(last).to_bits(),
        "{summed} / {}",
        kwh(last)
    );
}

#[test]
fn a_problem_in_a_later_batch_names_its_row() {
    let mut text = many_days(1000, |_| 5);
    // Row 70,001 (a line of its own, the header not counted) is made a duplicate of 69,998.
    let mut lines: Vec<String> = text.lines().map(str::to_owned).collect();
    lines[70_001] = lines[69_998].clone();
    text = lines.join("\n") + "\n";
    let problems = csv("later-batch", &text, Aggregate::FleetDay).expect_err("refused");
    let got: Vec<(Option<u64>, &str)> = problems
        .iter()
        .map(|p| (p.row, p.message.as_str()))
        .collect();
    assert_eq!(got.first().map(|g| g.0), Some(Some(70_001)), "{got:#?}");
    assert!(got[0].1.contains("duplicate of row 69998"), "{got:#?}");
}

#[test]
fn problems_of_both_checks_across_a_batch_boundary_are_listed_in_row_order() {
    // Rows 65,520 to 65,559 straddle the first batch's end (65,536). Even rows fail their
    // own columns' check (a negative energy); odd rows the order check (gpu-0 going back
    // to 2020, before its earlier rows).
    let mut lines: Vec<String> = many_days(1000, |_| 5).lines().map(str::to_owned).collect();
    // `lines[0]` is the header: `lines[row]` is row `row`.
    for (row, line) in lines.iter_mut().enumerate().take(65_560).skip(65_520) {
        *line = if row % 2 == 0 {
            line.replace(",5,Wh", ",-1,Wh")
        } else {
            "2020-12-31T00:00:00Z,3600,gpu-0,5,Wh".to_owned()
        };
    }
    let problems =
        csv("both", &(lines.join("\n") + "\n"), Aggregate::FleetDay).expect_err("refused");
    let rows: Vec<Option<u64>> = problems.iter().map(|p| p.row).collect();
    let expected: Vec<Option<u64>> = (65_520..65_540).map(Some).chain([None]).collect();
    assert_eq!(rows, expected, "{problems:#?}");
    for p in &problems[..20] {
        let own = p.message.contains("`energy` must be");
        let order = p
            .message
            .starts_with("device `gpu-0`: starts before its row");
        assert!(
            own == (p.row.unwrap_or(0) % 2 == 0) && own != order,
            "{p:?}"
        );
    }
    assert_eq!(problems[20].message, "… and 20 more problems");
}

#[test]
fn a_file_error_in_a_later_batch_stops_the_read_with_its_line() {
    let mut lines: Vec<String> = many_days(1000, |_| 5).lines().map(str::to_owned).collect();
    lines[70_001] = lines[70_001].replace(",5,Wh", ",five,Wh");
    let problems = csv(
        "later-error",
        &(lines.join("\n") + "\n"),
        Aggregate::FleetDay,
    )
    .expect_err("refused");
    assert_eq!(problems.len(), 1, "{problems:?}");
    assert!(problems[0].message.contains("five"), "{problems:?}");
}

#[test]
fn a_parquet_file_of_dictionary_names_over_many_batches_keeps_each_device_s_name() {
    // 72,000 rows, device names dictionary-encoded in batches of 7,200 written as their own
    // row groups: the reader's batches see the dictionary anew, and device indices must stay
    // those of the first batch.
    let utc: Option<Arc<str>> = Some(Arc::from("UTC"));
    let dictionary = DataType::Dictionary(Box::new(DataType::Int32), Box::new(DataType::Utf8));
    let schema = Arc::new(Schema::new(vec![
        Field::new(
            "timestamp",
            DataType::Timestamp(TimeUnit::Second, utc.clone()),
            false,
        ),
        Field::new("interval", DataType::Float64, false),
        Field::new("device", dictionary.clone(), false),
        Field::new("energy", DataType::Float64, false),
        Field::new("unit", dictionary, false),
    ]));
    let dir = dir("dictionary");
    let path = dir.path().join("t.parquet");
    let mut batches = Vec::new();
    // The names in a different order in every other chunk: the dictionary's keys change.
    for chunk in 0..10i64 {
        let names = if chunk % 2 == 0 {
            vec!["gpu-0", "gpu-1", "gpu-2"]
        } else {
            vec!["gpu-2", "gpu-0", "gpu-1"]
        };
        let key = |dev: i32| if chunk % 2 == 0 { dev } else { (dev + 1) % 3 };
        let hours = chunk * 2400..(chunk + 1) * 2400;
        let times: Vec<i64> = hours
            .clone()
            .flat_map(|h| std::iter::repeat_n(1_609_459_200 + 3600 * h, 3))
            .collect();
        let keys: Vec<i32> = hours.clone().flat_map(|_| (0..3).map(key)).collect();
        let energy: Vec<f64> = hours
            .flat_map(|h| (0..3).map(move |d| (h * 3 + d) as f64))
            .collect();
        let n = times.len();
        let device =
            DictionaryArray::<Int32Type>::try_new(keys.into(), Arc::new(StringArray::from(names)))
                .expect("device");
        let unit = DictionaryArray::<Int32Type>::try_new(
            vec![0i32; n].into(),
            Arc::new(StringArray::from(vec!["Wh"])),
        )
        .expect("unit");
        let batch = RecordBatch::try_new(
            schema.clone(),
            vec![
                Arc::new(TimestampSecondArray::from(times).with_timezone_opt(utc.clone())),
                Arc::new(Float64Array::from(vec![3600.0; n])),
                Arc::new(device),
                Arc::new(Float64Array::from(energy)),
                Arc::new(unit),
            ],
        )
        .expect("batch");
        batches.push(batch);
    }
    write_parquet(&path, &batches);
    let t = telemetry("t.parquet", Aggregate::FleetDay);
    let workloads = read(&path, &t, &fleets()).expect("valid");
    assert_eq!(workloads.len(), 1000);
    // The last day, in the last chunk (written with the names reordered): its rows in order
    // name gpu-0, gpu-1, gpu-2 at every hour, with the energy each device's row carried.
    let last = workloads.last().expect("a workload");
    assert_eq!(last.metered.as_ref().expect("metered").devices, 3);
    let again = crate::rows(&path, &t, &fleets(), last).expect("rows");
    assert_eq!(again.len(), 72);
    let wh = crate::unit_factor("Wh", false).expect("Wh");
    for (k, r) in again.iter().enumerate() {
        let dev = k % 3;
        assert_eq!(
            r.device.as_deref(),
            Some(format!("gpu-{dev}").as_str()),
            "{r:?}"
        );
        assert_eq!(r.kwh, (r.row - 1) as f64 * wh, "{r:?}");
    }
}

/// A file that names more devices than an index counts is refused, whether its device column
/// is plain text (CSV) or a dictionary (Parquet), and whichever batch passes the limit: a
/// device past it is never counted as another.
#[test]
fn more_devices_than_an_index_counts_is_an_error() {
    let schema = |device: DataType| {
        Arc::new(Schema::new(vec![
            Field::new("timestamp", DataType::Utf8, false),
            Field::new("interval", DataType::Float64, false),
            Field::new("device", device, false),
            Field::new("energy", DataType::Float64, false),
            Field::new("unit", DataType::Utf8, false),
        ]))
    };
    let batch = |names: &[&str], dictionary: bool| {
        let n = names.len();
        let device: arrow_array::ArrayRef = if dictionary {
            Arc::new(
                names
                    .iter()
                    .copied()
                    .collect::<DictionaryArray<Int32Type>>(),
            )
        } else {
            Arc::new(StringArray::from(names.to_vec()))
        };
        let device_type = device.data_type().clone();
        RecordBatch::try_new(
            schema(device_type),
            vec![
                Arc::new(StringArray::from(vec!["2021-01-01T00:00:00Z"; n])),
                Arc::new(Float64Array::from(vec![3600.0; n])),
                device,
                Arc::new(Float64Array::from(vec![1.0; n])),
                Arc::new(StringArray::from(vec!["kWh"; n])),
            ],
        )
        .expect("batch")
    };
    let fleets = fleets();
    for dictionary in [false, true] {
        let mut checker = crate::rows::Checker::new(&fleets, "a").with_most_devices(2);
        let mut checked = crate::rows::Checked::default();
        // Two devices, named again: within the limit.
        checker
            .batch(
                &batch(&["gpu-0", "gpu-1", "gpu-0"], dictionary),
                1,
                &mut checked,
            )
            .expect("two devices");
        assert_eq!(checked.rows.len(), 3);
        assert_eq!(checked.devices.len(), 2);
        // A third, in the next batch: refused, not counted as one of the two.
        let problems = checker
            .batch(&batch(&["gpu-1", "gpu-2"], dictionary), 4, &mut checked)
            .expect_err("a third device");
        let text = format!("{problems:?}");
        assert!(text.contains("more than 2 distinct devices"), "{text}");
    }
}
