//! The columnar path against the row-checked reader: the same workloads (energy, energy by
//! hour, rows, devices, gaps), within 10⁻¹² relative; on one machine and on a Ballista
//! cluster started in this process, the same bits.

use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};

use arrow_array::{Float64Array, RecordBatch, StringArray, TimestampSecondArray};
use arrow_schema::{DataType, Field, Schema, TimeUnit};
use bilan_core::inventory::{Inventory, Workload};
use bilan_io::SourceFile;
use bilan_scale::Engine;
use bilan_scale::cluster::LocalCluster;

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// A scratch directory of this test process.
fn scratch(name: &str) -> PathBuf {
    let d = std::path::Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join(format!("bilan-scale-{}-{name}", std::process::id()));
    std::fs::create_dir_all(&d).expect("scratch");
    d
}

/// One cluster for every test of this process: a scheduler and two executors.
fn cluster() -> &'static LocalCluster {
    static CLUSTER: OnceLock<LocalCluster> = OnceLock::new();
    CLUSTER.get_or_init(|| LocalCluster::start(2, 2).expect("a local Ballista cluster"))
}

fn load(path: &Path, engine: Option<&Engine>) -> Result<Inventory, String> {
    let file = SourceFile::read(path).map_err(|e| e.to_string())?;
    let loaded = match engine {
        None => bilan_io::load_inventory(&file),
        Some(engine) => {
            bilan_io::load_inventory_with(&file, &|p, t, f| bilan_scale::read(engine, p, t, f))
        }
    };
    loaded.map_err(|e| {
        e.errors
            .iter()
            .map(|e| e.message.clone())
            .collect::<Vec<_>>()
            .join("\n")
    })
}

fn kwh(w: &Workload) -> f64 {
    w.energy
        .as_ref()
        .and_then(|q| q.to_str_unit("kWh").ok())
        .expect("energy")
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() <= 1e-12 * a.abs().max(b.abs()).max(1e-300)
}

/// The metered workloads of `a` and `b` are the same, within 10⁻¹² (relative) when not
/// `exact`, else to the bit.
fn same(a: &Inventory, b: &Inventory, exact: bool) {
    assert_eq!(a.workloads.len(), b.workloads.len());
    assert!(!a.workloads.is_empty());
    for (x, y) in a.workloads.iter().zip(&b.workloads) {
        assert_eq!(x.id, y.id);
        assert_eq!(
            (x.site.as_str(), &x.fleet, x.period),
            (y.site.as_str(), &y.fleet, y.period)
        );
        let (mx, my) = (
            x.metered.as_ref().expect("metered"),
            y.metered.as_ref().expect("metered"),
        );
        assert_eq!((mx.rows, mx.devices), (my.rows, my.devices), "{}", x.id);
        // The same rows, devices and gaps, said alike but for the row numbers.
        assert_eq!(summary(x), summary(y), "{}", x.id);
        assert_eq!(mx.hourly.start, my.hourly.start, "{}", x.id);
        assert_eq!(mx.hourly.values.len(), my.hourly.values.len(), "{}", x.id);
        if exact {
            assert_eq!(kwh(x).to_bits(), kwh(y).to_bits(), "{}", x.id);
            assert_eq!(mx.hourly.values, my.hourly.values, "{}", x.id);
        } else {
            assert!(close(kwh(x), kwh(y)), "{}: {} vs {}", x.id, kwh(x), kwh(y));
            for (h, (p, q)) in mx.hourly.values.iter().zip(&my.hourly.values).enumerate() {
                assert!(close(*p, *q), "{} hour {h}: {p} vs {q}", x.id);
            }
        }
    }
}

/// A workload's provenance without its row numbers (`rows A to B: `) or the plan's note.
fn summary(w: &Workload) -> String {
    let at = &w.provenance.as_ref().expect("provenance").at;
    let at = at
        .split_once(": ")
        .filter(|(h, _)| h.starts_with("rows "))
        .map_or(at.as_str(), |(_, r)| r);
    at.split("; summed by a columnar plan")
        .next()
        .unwrap_or(at)
        .to_owned()
}

#[test]
fn the_plan_sums_the_fixture_as_the_row_checked_reader_does() {
    let path = root().join("tests/fixtures/telemetry/inventory.toml");
    let rows = load(&path, None).expect("per row");
    let local = load(&path, Some(&Engine::Local)).expect("columnar");
    same(&rows, &local, false);
    // A plan keeps no row order: the provenance says so, and where the rows are.
    let at = &local.workloads[0]
        .provenance
        .as_ref()
        .expect("provenance")
        .at;
    assert!(at.contains("bilan explain --rows"), "{at}");
}

/// A Parquet file of power (not energy) over 90-minute intervals that straddle hours, in
/// two fleets (one by its `fleet` column, one by the telemetry's default), with gaps, read
/// by month: what the fixture does not exercise.
fn power_parquet(dir: &Path) -> PathBuf {
    let (mut at, mut interval, mut device, mut fleet, mut power, mut unit) = (
        Vec::new(),
        Vec::new(),
        Vec::new(),
        Vec::new(),
        Vec::new(),
        Vec::new(),
    );
    let start = 1_706_659_200i64; // 2024-01-31T00:00:00Z
    for step in 0..40i64 {
        for dev in 0..3i64 {
            // Device 2 skips every fifth interval: a gap.
            if dev == 2 && step % 5 == 4 {
                continue;
            }
            at.push(start + step * 5400 + dev * 600);
            interval.push(5400.0);
            device.push(format!("gpu-{dev}"));
            fleet.push(if dev == 0 { None } else { Some("b") });
            power.push(300.0 + (step * 7 + dev * 13) as f64 % 400.0 + 0.123_456_789);
            unit.push(if dev == 1 { "kW" } else { "W" });
        }
    }
    for (k, u) in unit.iter_mut().enumerate() {
        if *u == "kW" {
            power[k] /= 1000.0;
        }
    }
    let schema = Arc::new(Schema::new(vec![
        Field::new(
            "timestamp",
            DataType::Timestamp(TimeUnit::Second, Some("+01:00".into())),
            false,
        ),
        Field::new("interval", DataType::Float64, false),
        Field::new("device", DataType::Utf8, false),
        Field::new("fleet", DataType::Utf8, true),
        Field::new("power", DataType::Float64, false),
        Field::new("unit", DataType::Utf8, false),
    ]));
    let batch = RecordBatch::try_new(
        schema.clone(),
        vec![
            Arc::new(TimestampSecondArray::from(at).with_timezone("+01:00")),
            Arc::new(Float64Array::from(interval)),
            Arc::new(StringArray::from(device)),
            Arc::new(StringArray::from(fleet)),
            Arc::new(Float64Array::from(power)),
            Arc::new(StringArray::from(unit)),
        ],
    )
    .expect("batch");
    let path = dir.join("power.parquet");
    write_parquet(&path, &batch);
    path
}

/// Writes `batch` to a Parquet file at `path`.
fn write_parquet(path: &Path, batch: &RecordBatch) {
    let file = std::fs::File::create(path).expect("create");
    let mut writer =
        parquet::arrow::ArrowWriter::try_new(file, batch.schema(), None).expect("writer");
    writer.write(batch).expect("write");
    writer.close().expect("close");
}

/// Writes `inventory.toml` in `dir`: one site over January and February 2024, then `rest`
/// (its fleets and telemetry).
fn inventory(dir: &Path, rest: &str) -> PathBuf {
    let text = format!(
        "schema = 1\n\n[system]\nname = \"Columnar path test\"\norganisation = \"Example Labs\"\n\
         period = {{ start = 2024-01-01, end = 2024-02-29 }}\n\n\
         [[site]]\nid = \"dc\"\nregion = \"FR\"\npue = 1.3\nownership = \"owned\"\n\n{rest}"
    );
    let path = dir.join("inventory.toml");
    std::fs::write(&path, text).expect("inventory");
    path
}

/// A fleet of `count` devices at the site.
fn fleet(id: &str, count: u32) -> String {
    format!(
        "[[fleet]]\nid = \"{id}\"\nmodel = \"nvidia-h100-sxm-80gb\"\ncount = {count}\nsite = \"dc\"\n\n"
    )
}

fn power_inventory(name: &str) -> PathBuf {
    let dir = scratch(name);
    power_parquet(&dir);
    let telemetry = "[[telemetry]]\nid = \"power\"\nfile = \"power.parquet\"\nfleet = \"a\"\n\
        phase = \"inference\"\naggregate = \"fleet-month\"\n";
    inventory(
        &dir,
        &format!("{}{}{telemetry}", fleet("a", 1), fleet("b", 2)),
    )
}

#[test]
fn power_over_intervals_that_straddle_hours_and_months_sums_alike() {
    let path = power_inventory("power");
    let rows = load(&path, None).expect("per row");
    // Two fleets × two months.
    assert_eq!(rows.workloads.len(), 4);
    let local = load(&path, Some(&Engine::Local)).expect("columnar");
    same(&rows, &local, false);
}

#[test]
fn a_ballista_cluster_gives_the_same_bits_as_one_machine() {
    let cluster = cluster();
    let ballista = Engine::Ballista(cluster.url().to_owned());
    for path in [
        root().join("tests/fixtures/telemetry/inventory.toml"),
        power_inventory("ballista"),
    ] {
        let local = load(&path, Some(&Engine::Local)).expect("one machine");
        let distributed = load(&path, Some(&ballista)).expect("the cluster");
        same(&local, &distributed, true);
    }
}

#[test]
fn a_problem_is_named_with_its_row_by_the_row_checked_reader() {
    let dir = scratch("bad");
    let fixture = root().join("tests/fixtures/telemetry");
    let text = std::fs::read_to_string(fixture.join("january-2024.csv")).expect("csv");
    let mut lines: Vec<String> = text.lines().map(str::to_owned).collect();
    // Row 5 repeats row 4's device and hour; row 9 has a negative energy.
    lines[5] = lines[4].clone();
    let cells: Vec<&str> = lines[9].split(',').collect();
    let negative = format!("{},{},{},-1,{}", cells[0], cells[1], cells[2], cells[4]);
    lines[9] = negative;
    std::fs::write(dir.join("january-2024.csv"), lines.join("\n") + "\n").expect("csv");
    let inventory = std::fs::read_to_string(fixture.join("inventory.toml"))
        .expect("inventory")
        .replace(
            "../grid-series/",
            &format!("{}/", root().join("tests/fixtures/grid-series").display()),
        );
    std::fs::write(dir.join("inventory.toml"), inventory).expect("inventory");
    let error = load(&dir.join("inventory.toml"), Some(&Engine::Local)).expect_err("refused");
    assert!(error.contains("row 5"), "{error}");
    assert!(error.contains("row 9"), "{error}");
}

#[test]
fn an_unreachable_cluster_is_an_error_naming_it() {
    let path = root().join("tests/fixtures/telemetry/inventory.toml");
    let engine = Engine::Ballista("df://127.0.0.1:9".to_owned());
    let error = load(&path, Some(&engine)).expect_err("refused");
    assert!(error.contains("df://127.0.0.1:9"), "{error}");
}

/// An inventory in a scratch directory over one telemetry file `name` holding `csv`.
fn csv_inventory(dir: &str, name: &str, csv: &str) -> PathBuf {
    let dir = scratch(dir);
    std::fs::write(dir.join(name), csv).expect("csv");
    let telemetry = format!(
        "[[telemetry]]\nid = \"t\"\nfile = \"{name}\"\nfleet = \"gpus\"\nphase = \"training\"\n"
    );
    inventory(&dir, &format!("{}{telemetry}", fleet("gpus", 2)))
}

#[test]
fn offsets_rows_without_a_device_gaps_and_an_upper_case_extension_sum_alike() {
    // Rows with an offset; two rows without a device in the same hour (not checked against
    // each other, as in the row-checked reader); a device with a gap; a `.CSV` file.
    let csv = "timestamp,interval,device,energy,unit\n\
        2024-01-01T01:00:00+01:00,3600,gpu-0,250,Wh\n\
        2024-01-01T00:30:00Z,3600,,100,Wh\n\
        2024-01-01T00:30:00Z,3600,,50,Wh\n\
        2024-01-01T03:00:00Z,1800,gpu-0,0.1,kWh\n\
        2024-01-02T22:00:00-03:00,3600,gpu-1,-0,Wh\n";
    let path = csv_inventory("edges", "meter.CSV", csv);
    let rows = load(&path, None).expect("per row");
    assert_eq!(rows.workloads.len(), 2);
    let local = load(&path, Some(&Engine::Local)).expect("columnar");
    same(&rows, &local, false);
    assert!(
        summary(&local.workloads[0]).contains("1 gap(s)"),
        "{}",
        summary(&local.workloads[0])
    );
}

#[test]
fn a_file_without_rows_is_an_error_on_every_engine() {
    let path = csv_inventory(
        "empty",
        "meter.csv",
        "timestamp,interval,device,energy,unit\n",
    );
    let rows = load(&path, None).expect_err("no rows");
    let local = load(&path, Some(&Engine::Local)).expect_err("no rows");
    assert!(
        rows.contains("no rows") && local.contains("no rows"),
        "{rows}\n{local}"
    );
}

#[test]
fn a_timestamp_outside_the_years_1_to_9998_is_refused_on_every_engine() {
    // Parquet timestamps in year 0 and in 9999: refused with their rows, on both engines
    // (the plan counts them as bad rows, and the row-checked reader names them).
    let dir = scratch("far");
    let schema = Arc::new(Schema::new(vec![
        Field::new(
            "timestamp",
            DataType::Timestamp(TimeUnit::Second, Some("UTC".into())),
            false,
        ),
        Field::new("interval", DataType::Float64, false),
        Field::new("energy", DataType::Float64, false),
        Field::new("unit", DataType::Utf8, false),
    ]));
    // 2024-01-01, 0000-12-31T23:00:00Z, 9999-01-01.
    let at = vec![1_704_067_200i64, -62_135_600_400, 253_370_764_800];
    let batch = RecordBatch::try_new(
        schema.clone(),
        vec![
            Arc::new(TimestampSecondArray::from(at).with_timezone("UTC")),
            Arc::new(Float64Array::from(vec![3600.0; 3])),
            Arc::new(Float64Array::from(vec![1.0; 3])),
            Arc::new(StringArray::from(vec!["kWh"; 3])),
        ],
    )
    .expect("batch");
    write_parquet(&dir.join("far.parquet"), &batch);
    let telemetry = "[[telemetry]]\nid = \"t\"\nfile = \"far.parquet\"\nfleet = \"gpus\"\nphase = \"training\"\n";
    let path = inventory(&dir, &format!("{}{telemetry}", fleet("gpus", 2)));
    for engine in [None, Some(&Engine::Local)] {
        let error = load(&path, engine).expect_err("refused");
        assert!(
            error.contains("row 2") && error.contains("row 3"),
            "{engine:?}: {error}"
        );
        assert!(error.contains("outside the years 1 to 9998"), "{error}");
    }
}
