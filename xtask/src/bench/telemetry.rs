//! `cargo xtask bench --telemetry [--devices N] [--runs R] [--check]`: metered telemetry at
//! scale. A year (2023, 8,760 hours) of hourly rows for a generated fleet of `N` devices
//! (1,141 by default: 9,995,160 rows), in CSV and in Parquet, with an hourly grid series and a
//! solar PPA with its hourly profile; for each format:
//!
//! * the floor: a plain scan of the same file with the same reader (`bilan_telemetry::floor`,
//!   `xtask bench-telemetry-floor` in release), summing the energy column;
//! * `bilan validate` (every row checked and aggregated);
//! * `bilan compare` under every built-in and shipped declarative method, `ghg-protocol`
//!   with hourly matching (`market-matching = hourly`).
//!
//! With `--columnar`, also `compare --engine datafusion` and `--engine ballista` (a local
//! cluster of two executors), and the check that the engines agree (`columnar.rs`).
//!
//! Targets: `compare` in under 1 GiB, at ≥ 50 % of the floor's speed (its time ≤ 2× the
//! floor's).

use std::fmt::Write as _;
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use arrow_array::types::Int32Type;
use arrow_array::{DictionaryArray, Float64Array, RecordBatch, TimestampSecondArray};
use arrow_schema::{DataType, Field, Schema, TimeUnit};

use super::{Run, best};
use crate::root;

/// 2023-01-01T00:00:00Z.
const START: i64 = 1_672_531_200;
const HOURS: usize = 8760;

struct Options {
    devices: usize,
    runs: usize,
    check: bool,
    columnar: bool,
}

fn options(args: &[&str]) -> anyhow::Result<Options> {
    let number = |flag: &str, default: usize| super::positive(args, flag, default);
    Ok(Options {
        devices: number("--devices", 1141)?,
        runs: number("--runs", 3)?,
        check: args.contains(&"--check"),
        columnar: args.contains(&"--columnar"),
    })
}

/// A device's energy in hour `h`, Wh: its own level, a daily cycle, a weekly dip and a
/// deterministic jitter.
fn wh(device: usize, h: usize) -> f64 {
    let level = 450.0 + (device * 37 % 251) as f64;
    let hour = (h % 24) as f64;
    let day = 0.8 + 0.2 * ((hour - 14.0) * std::f64::consts::PI / 12.0).cos();
    let week = if (h / 24) % 7 >= 5 { 0.7 } else { 1.0 };
    let jitter = ((device * 7919 + h * 104_729) % 1000) as f64 / 10_000.0;
    (level * day * week * (1.0 + jitter) * 10.0).round() / 10.0
}

fn timestamp(h: usize) -> String {
    jiff::Timestamp::from_second(START + 3600 * h as i64)
        .map(|t| t.to_string())
        .unwrap_or_default()
}

fn write_csv(path: &Path, devices: usize) -> anyhow::Result<()> {
    let mut out = std::io::BufWriter::new(std::fs::File::create(path)?);
    writeln!(out, "timestamp,interval,device,energy,unit")?;
    for h in 0..HOURS {
        let at = timestamp(h);
        for d in 0..devices {
            writeln!(out, "{at},3600,gpu-{d:04},{},Wh", wh(d, h))?;
        }
    }
    out.flush()?;
    Ok(())
}

fn write_parquet(path: &Path, devices: usize) -> anyhow::Result<()> {
    let utc: Arc<str> = Arc::from("UTC");
    let dict = DataType::Dictionary(Box::new(DataType::Int32), Box::new(DataType::Utf8));
    let schema = Arc::new(Schema::new(vec![
        Field::new(
            "timestamp",
            DataType::Timestamp(TimeUnit::Second, Some(utc.clone())),
            false,
        ),
        Field::new("interval", DataType::Float64, false),
        Field::new("device", dict.clone(), false),
        Field::new("energy", DataType::Float64, false),
        Field::new("unit", dict, false),
    ]));
    let file = std::fs::File::create(path)?;
    let mut writer = parquet::arrow::ArrowWriter::try_new(file, schema.clone(), None)?;
    let names: Vec<String> = (0..devices).map(|d| format!("gpu-{d:04}")).collect();
    // A day of rows per batch.
    for day in 0..HOURS / 24 {
        let hours = day * 24..(day + 1) * 24;
        let n = 24 * devices;
        let times: Vec<i64> = hours
            .clone()
            .flat_map(|h| std::iter::repeat_n(START + 3600 * h as i64, devices))
            .collect();
        let keys: Vec<i32> = hours
            .clone()
            .flat_map(|_| (0..devices).map(|d| i32::try_from(d).unwrap_or(i32::MAX)))
            .collect();
        let energy: Vec<f64> = hours
            .clone()
            .flat_map(|h| (0..devices).map(move |d| wh(d, h)))
            .collect();
        let device = DictionaryArray::<Int32Type>::try_new(
            keys.into(),
            Arc::new(arrow_array::StringArray::from(names.clone())),
        )?;
        let unit = DictionaryArray::<Int32Type>::try_new(
            vec![0i32; n].into(),
            Arc::new(arrow_array::StringArray::from(vec!["Wh"])),
        )?;
        let batch = RecordBatch::try_new(
            schema.clone(),
            vec![
                Arc::new(TimestampSecondArray::from(times).with_timezone(utc.clone())),
                Arc::new(Float64Array::from(vec![3600.0; n])),
                Arc::new(device),
                Arc::new(Float64Array::from(energy)),
                Arc::new(unit),
            ],
        )?;
        writer.write(&batch)?;
    }
    writer.close()?;
    Ok(())
}

/// The grid series (a made-up hourly curve around 380 g/kWh) and the PPA's profile (solar
/// hours, 30 % of the fleet's energy over the year).
fn write_series(dir: &Path, devices: usize) -> anyhow::Result<f64> {
    let mut grid = String::from("timestamp,intensity,unit\n");
    let mut ppa = String::from("timestamp,energy,unit\n");
    let fleet_kwh: f64 = (0..HOURS)
        .map(|h| (0..devices).map(|d| wh(d, h)).sum::<f64>() / 1000.0)
        .sum();
    let sun = |h: usize| {
        let hour = (h % 24) as f64;
        ((hour - 6.0) * std::f64::consts::PI / 12.0).sin().max(0.0)
    };
    let sun_total: f64 = (0..HOURS).map(sun).sum();
    let mut ppa_total = 0.0;
    for h in 0..HOURS {
        let at = timestamp(h);
        let hour = (h % 24) as f64;
        let intensity = 380.0 - 90.0 * sun(h) + 25.0 * ((hour - 19.0) / 3.0).cos().max(0.0);
        let _ = writeln!(grid, "{at},{intensity:.1},gCO2e/kWh");
        let kwh = (0.3 * fleet_kwh * 1.2 * sun(h) / sun_total * 1000.0).round() / 1000.0;
        ppa_total += kwh;
        let _ = writeln!(ppa, "{at},{kwh},kWh");
    }
    std::fs::write(dir.join("grid-2023.csv"), grid)?;
    std::fs::write(dir.join("ppa-2023.csv"), ppa)?;
    Ok(ppa_total)
}

fn inventory(file: &str, devices: usize, ppa_kwh: f64) -> String {
    format!(
        r#"# Generated by `cargo xtask bench --telemetry`: a year of hourly telemetry.
schema = 1

[system]
name = "GPU fleet, a year of hourly telemetry (generated)"
organisation = "Bench Org"
period = {{ start = 2023-01-01, end = 2023-12-31 }}

[[grid-series]]
id = "grid"
file = "grid-2023.csv"
source = "generated by cargo xtask bench (a made-up hourly curve)"
licence = "CC0-1.0 (generated)"

[[site]]
id = "cluster"
region = "US-VA"
pue = 1.2
wue = "0.3 L/kWh"
ownership = "owned"
grid-series = "grid"

[[fleet]]
id = "gpus"
model = "nvidia-h100-sxm-80gb"
count = {devices}
acquired = 2022-06-01
lifetime = "5 years"
site = "cluster"

[[instrument]]
id = "solar-ppa"
kind = "ppa"
tracking-system = "generated"
energy = "{ppa_kwh} kWh"
region = "US-VA"
period = {{ start = 2023-01-01, end = 2023-12-31 }}
emission-factor = "0 g/kWh"
retired = true
on-behalf-of = "Bench Org"
profile = "ppa-2023.csv"

[[residual-mix]]
region = "US-VA"
factor = "410 g/kWh"
source = "generated"
year = 2023

[[telemetry]]
id = "nvml"
file = "{file}"
fleet = "gpus"
phase = "training"
"#
    )
}

fn row(report: &mut String, format: &str, what: &str, r: &Run, rows: usize, floor: f64) {
    let _ = writeln!(
        report,
        "| {format} | {what} | {:.3} | {:.2} M | {:.0} | {:.2} |",
        r.seconds,
        rows as f64 / r.seconds / 1e6,
        r.peak_mib.unwrap_or(f64::NAN),
        floor / r.seconds,
    );
}

pub(super) fn bench(args: &[&str]) -> anyhow::Result<()> {
    let o = options(args)?;
    let dir: PathBuf = root().join("target/bench/telemetry");
    std::fs::create_dir_all(&dir)?;
    let rows = o.devices * HOURS;
    eprintln!(
        "bench: generating {rows} rows ({} devices × {HOURS} h)",
        o.devices
    );
    write_csv(&dir.join("nvml-2023.csv"), o.devices)?;
    write_parquet(&dir.join("nvml-2023.parquet"), o.devices)?;
    let ppa = write_series(&dir, o.devices)?;
    for (name, file) in [("csv", "nvml-2023.csv"), ("parquet", "nvml-2023.parquet")] {
        std::fs::write(
            dir.join(format!("inventory-{name}.toml")),
            inventory(file, o.devices, ppa),
        )?;
    }
    if o.columnar {
        super::columnar::build()?;
    } else {
        crate::cargo(&["build", "--release", "-p", "bilan-cli"])?;
    }
    crate::cargo(&["build", "--release", "-p", "xtask"])?;
    let cluster = if o.columnar {
        Some(super::columnar::cluster()?)
    } else {
        None
    };
    let bilan = root().join("target/release/bilan");
    let xtask = root().join("target/release/xtask");
    let mut report = String::new();
    let _ = writeln!(
        report,
        "{rows} hourly rows ({} devices × {HOURS} h); CSV {:.0} MB, Parquet {:.0} MB; best of {}\n",
        o.devices,
        std::fs::metadata(dir.join("nvml-2023.csv"))?.len() as f64 / 1e6,
        std::fs::metadata(dir.join("nvml-2023.parquet"))?.len() as f64 / 1e6,
        o.runs
    );
    let _ = writeln!(
        report,
        "| file | command | time (s) | rows / s | peak (MiB) | speed ÷ floor's |\n| --- | --- | ---: | ---: | ---: | ---: |"
    );
    let mut ok = true;
    let mut verdicts = String::new();
    for (name, file) in [("csv", "nvml-2023.csv"), ("parquet", "nvml-2023.parquet")] {
        let data = dir.join(file).display().to_string();
        let inv = dir
            .join(format!("inventory-{name}.toml"))
            .display()
            .to_string();
        let floor = best(&xtask, &["bench-telemetry-floor", &data], o.runs)?;
        let validate = best(&bilan, &["validate", &inv], o.runs)?;
        let compare = best(
            &bilan,
            &[
                "compare",
                &inv,
                "--param",
                "ghg-protocol:market-matching=hourly",
                "-o",
                "/dev/null",
            ],
            o.runs,
        )?;
        row(
            &mut report,
            name,
            "floor: plain scan",
            &floor,
            rows,
            floor.seconds,
        );
        row(
            &mut report,
            name,
            "`validate`",
            &validate,
            rows,
            floor.seconds,
        );
        row(
            &mut report,
            name,
            "`compare`, every method",
            &compare,
            rows,
            floor.seconds,
        );
        let speed = floor.seconds / compare.seconds;
        let memory = compare.peak_mib.unwrap_or(f64::INFINITY);
        let verdict = |met: bool| if met { "met" } else { "MISSED" };
        let _ = writeln!(
            verdicts,
            "- {name}: `compare` at ≥ 50 % of the floor's speed: {:.0} % — {}\n- {name}: `compare` in under 1 GiB: {memory:.0} MiB — {}",
            100.0 * speed,
            verdict(speed >= 0.5),
            verdict(memory < 1024.0)
        );
        ok &= speed >= 0.5 && memory < 1024.0;
        for t in &compare.timings {
            let _ = writeln!(verdicts, "  - {name} compare {t}");
        }
        if let Some(cluster) = &cluster {
            ok &= super::columnar::measure(
                &mut report,
                &mut verdicts,
                (name, &inv),
                &bilan,
                cluster,
                o.runs,
                (rows, floor.seconds),
                row,
            )?;
        }
    }
    let _ = writeln!(report, "\nTargets:\n\n{verdicts}");
    print!("{report}");
    std::fs::write(dir.join("bench-telemetry.md"), &report)?;
    if o.check && !ok {
        anyhow::bail!("a target was missed");
    }
    Ok(())
}

/// `xtask bench-telemetry-floor FILE` (hidden, run in release): the floor's one line, in
/// the form of bilan's `--timings`.
pub(crate) fn floor(args: &[&str]) -> anyhow::Result<()> {
    // The bench's runner adds `--timings`, as it does for bilan.
    let args: Vec<&str> = args.iter().copied().filter(|a| *a != "--timings").collect();
    let [path] = args.as_slice() else {
        anyhow::bail!("usage: xtask bench-telemetry-floor FILE");
    };
    let start = std::time::Instant::now();
    let (rows, sum) = bilan_telemetry::floor(Path::new(path)).map_err(|p| {
        anyhow::anyhow!(
            "{}",
            p.iter()
                .map(|p| p.message.clone())
                .collect::<Vec<_>>()
                .join("; ")
        )
    })?;
    let seconds = start.elapsed().as_secs_f64();
    let peak = super::floor::peak_rss_mib().map_or("n/a".to_owned(), |m| format!("{m:.1} MiB"));
    eprintln!("timings: parse: {seconds:.3} s, {rows} rows, Σ {sum:.0}, peak memory {peak}");
    Ok(())
}
