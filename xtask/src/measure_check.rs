//! `cargo xtask measure-check [--seconds N] [--gpu I]`: checks `bilan measure` against
//! `nvidia-smi` on a machine with an NVIDIA GPU (not in CI: it needs the GPU, the driver and
//! PyTorch with CUDA).
//!
//! It writes a short PyTorch training loop (an MLP on random data, nothing downloaded), runs
//! it for `--seconds` (60 by default) under the release `bilan measure` on GPU `--gpu` (0),
//! and meanwhile polls `nvidia-smi` every 100 ms on its own. It then prints the GPU's energy
//! over the window bilan measured, three ways:
//!
//! * bilan's: NVML's cumulative energy counter, read by `bilan measure`;
//! * `nvidia-smi --query-gpu=total_energy_consumption`: the same counter read by the
//!   driver's tool, where the driver offers the field (some do not: the row then says so);
//! * ∫ `power.draw` dt: the trapezoidal integral of the power nvidia-smi samples.
//!
//! It fails when nvidia-smi's counter differs from bilan's by more than [`COUNTER_TOLERANCE`]
//! (the same counter: only the window's alignment differs), or the power integral by more
//! than [`POWER_TOLERANCE`] (sampled power misses what happens between samples; on A100
//! and H100 the sensor itself averages only part of the time: "Accurate and Convenient
//! Energy Measurements for GPUs", SC24, arXiv:2312.02741).

use std::io::{BufRead as _, BufReader};
use std::path::Path;
use std::process::{Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use anyhow::{Context as _, bail};

use crate::root;

/// Largest relative difference allowed between nvidia-smi's energy counter and bilan's.
pub(crate) const COUNTER_TOLERANCE: f64 = 0.03;
/// Largest relative difference allowed between the integral of sampled power and bilan's.
pub(crate) const POWER_TOLERANCE: f64 = 0.10;

/// The training loop, written to the scratch directory: an MLP on random tensors for
/// `sys.argv[1]` seconds on `cuda:0`.
const TRAIN: &str = r#"# Written by `cargo xtask measure-check`: a training loop on random data, for a
# known, steady GPU load. Nothing is downloaded.
import sys
import time

import torch

seconds = float(sys.argv[1])
torch.backends.cuda.matmul.allow_tf32 = True
torch.manual_seed(0)
device = torch.device("cuda")
model = torch.nn.Sequential(
    torch.nn.Linear(8192, 8192), torch.nn.GELU(),
    torch.nn.Linear(8192, 8192), torch.nn.GELU(),
    torch.nn.Linear(8192, 1024),
).to(device)
optimiser = torch.optim.SGD(model.parameters(), lr=1e-4)
x = torch.randn(4096, 8192, device=device)
y = torch.randn(4096, 1024, device=device)
end = time.monotonic() + seconds
steps = 0
while time.monotonic() < end:
    optimiser.zero_grad(set_to_none=True)
    loss = torch.nn.functional.mse_loss(model(x), y)
    loss.backward()
    optimiser.step()
    steps += 1
    if steps % 10 == 0:
        torch.cuda.synchronize()
torch.cuda.synchronize()
print(f"train.py: {steps} steps in {seconds:.0f} s, last loss {loss.item():.4f}", file=sys.stderr)
"#;

/// One line of `nvidia-smi --query-gpu=timestamp,power.draw[,total_energy_consumption]`.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) struct Sample {
    /// Seconds since the Unix epoch.
    pub(crate) at: f64,
    /// Watts.
    pub(crate) power: f64,
    /// The energy counter, in joules, when queried.
    pub(crate) counter: Option<f64>,
}

/// Days from 1970-01-01 to a civil date (Howard Hinnant's algorithm).
fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let doy = (153 * (m + if m > 2 { -3 } else { 9 }) + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// nvidia-smi's timestamp, `2026/12/02 09:30:00.123` (the host's local time), as seconds
/// since the epoch as if it were UTC.
pub(crate) fn parse_timestamp(text: &str) -> Option<f64> {
    let (date, time) = text.trim().split_once(' ')?;
    let mut d = date.split('/').map(|p| p.parse::<i64>().ok());
    let (y, m, day) = (d.next()??, d.next()??, d.next()??);
    let mut t = time.split(':');
    let h: f64 = t.next()?.parse().ok()?;
    let min: f64 = t.next()?.parse().ok()?;
    let s: f64 = t.next()?.parse().ok()?;
    Some(days_from_civil(y, m, day) as f64 * 86_400.0 + h * 3600.0 + min * 60.0 + s)
}

/// A CSV line of the poll (`timestamp, power.draw[, total_energy_consumption]`, no header,
/// no units), its timestamp shifted by `offset` (nvidia-smi's local time minus UTC).
pub(crate) fn parse_line(line: &str, offset: f64) -> Option<Sample> {
    let mut fields = line.split(',').map(str::trim);
    let at = parse_timestamp(fields.next()?)? - offset;
    let power = fields.next()?.parse().ok()?;
    let counter = fields
        .next()
        .and_then(|mj| mj.parse::<f64>().ok())
        .map(|mj| mj / 1e3);
    Some(Sample { at, power, counter })
}

/// `value` of the samples at time `t`, linearly interpolated; `None` outside them.
fn at(samples: &[Sample], t: f64, value: impl Fn(&Sample) -> Option<f64>) -> Option<f64> {
    let after = samples.iter().position(|s| s.at >= t)?;
    let b = &samples[after];
    if after == 0 {
        return ((b.at - t).abs() < 1e-9).then(|| value(b)).flatten();
    }
    let a = &samples[after - 1];
    let (va, vb) = (value(a)?, value(b)?);
    let span = b.at - a.at;
    Some(if span > 0.0 {
        va + (vb - va) * (t - a.at) / span
    } else {
        vb
    })
}

/// The counter's advance over `[start, end]`, in joules.
pub(crate) fn counter_energy(samples: &[Sample], start: f64, end: f64) -> Option<f64> {
    Some(at(samples, end, |s| s.counter)? - at(samples, start, |s| s.counter)?)
}

/// ∫ power dt over `[start, end]` (trapezoids), in joules; `None` unless the samples cover
/// the window.
pub(crate) fn power_energy(samples: &[Sample], start: f64, end: f64) -> Option<f64> {
    let power = |s: &Sample| Some(s.power);
    let mut points = vec![(start, at(samples, start, power)?)];
    points.extend(
        samples
            .iter()
            .filter(|s| s.at > start && s.at < end)
            .map(|s| (s.at, s.power)),
    );
    points.push((end, at(samples, end, power)?));
    Some(
        points
            .windows(2)
            .map(|w| (w[1].0 - w[0].0) * (w[0].1 + w[1].1) / 2.0)
            .sum(),
    )
}

/// A quantity bilan wrote, `"0.0101 kWh"` or `"61.2 s"` / `"1.5 h"`, in joules or seconds.
pub(crate) fn parse_quantity(text: &str) -> Option<f64> {
    let (value, unit) = text.trim().split_once(' ')?;
    let value: f64 = value.parse().ok()?;
    match unit {
        "kWh" => Some(value * 3.6e6),
        "J" => Some(value),
        "s" => Some(value),
        "h" => Some(value * 3600.0),
        _ => None,
    }
}

/// One row of the comparison: a way of measuring, its energy, its tolerance.
#[derive(Debug)]
pub(crate) struct Row {
    pub(crate) source: &'static str,
    pub(crate) joules: Option<f64>,
    pub(crate) tolerance: Option<f64>,
}

/// The comparison table, and whether every row is within its tolerance of the reference
/// (the first row).
pub(crate) fn table(rows: &[Row]) -> (String, bool) {
    let reference = rows.first().and_then(|r| r.joules);
    let mut ok = true;
    let mut out = format!(
        "{:<46} {:>14}  {:>16}\n",
        "source", "energy (J)", "vs bilan"
    );
    for row in rows {
        let energy = row
            .joules
            .map_or("not available".to_owned(), |j| format!("{j:.1}"));
        let diff = match (row.joules, reference, row.tolerance) {
            (Some(j), Some(r), Some(tol)) if r > 0.0 => {
                let d = (j - r) / r;
                let within = d.abs() <= tol;
                ok &= within;
                format!(
                    "{:+.2} %{}",
                    d * 100.0,
                    if within {
                        format!(" (≤ {:.0} %)", tol * 100.0)
                    } else {
                        format!(" > {:.0} % FAIL", tol * 100.0)
                    }
                )
            }
            (_, _, None) => "reference".to_owned(),
            (None, ..) => "skipped".to_owned(),
            _ => {
                ok = false;
                "no reference".to_owned()
            }
        };
        out.push_str(&format!("{:<46} {energy:>14}  {diff:>16}\n", row.source));
    }
    (out, ok)
}

fn arg_value<'a>(args: &[&'a str], flag: &str) -> Option<&'a str> {
    args.iter()
        .position(|a| *a == flag)
        .and_then(|i| args.get(i + 1).copied())
}

fn unix_now() -> f64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0.0, |d| d.as_secs_f64())
}

/// Runs `program args`, failing with `missing` when it cannot be run or fails.
fn output(program: &str, args: &[&str], missing: &str) -> anyhow::Result<String> {
    let out = Command::new(program)
        .args(args)
        .output()
        .with_context(|| missing.to_owned())?;
    if !out.status.success() {
        bail!(
            "{missing}\n{}",
            String::from_utf8_lossy(&out.stderr).trim_end()
        );
    }
    Ok(String::from_utf8_lossy(&out.stdout).into_owned())
}

pub(crate) fn run(args: &[&str]) -> anyhow::Result<()> {
    let seconds: f64 = arg_value(args, "--seconds")
        .map_or(Ok(60.0), str::parse)
        .context("--seconds: expected a number")?;
    let gpu: u32 = arg_value(args, "--gpu")
        .map_or(Ok(0), str::parse)
        .context("--gpu: expected a GPU index")?;
    let index = gpu.to_string();

    // What the check needs, each missing piece named.
    let name = output(
        "nvidia-smi",
        &["--query-gpu=name", "--format=csv,noheader", "-i", &index],
        &format!(
            "nvidia-smi cannot be run or finds no GPU {gpu}: measure-check needs an NVIDIA GPU and its driver"
        ),
    )?;
    output(
        "python3",
        &[
            "-c",
            "import torch, sys; sys.exit(0 if torch.cuda.is_available() else 1)",
        ],
        "python3 with PyTorch and CUDA is needed (`pip install torch`), and torch must see a GPU",
    )?;
    let counter_field = output(
        "nvidia-smi",
        &[
            "--query-gpu=total_energy_consumption",
            "--format=csv,noheader,nounits",
            "-i",
            &index,
        ],
        "",
    )
    .ok()
    .is_some_and(|t| t.trim().parse::<f64>().is_ok());
    eprintln!(
        "measure-check: GPU {gpu} ({}), {seconds} s of training; nvidia-smi {} the energy counter",
        name.trim(),
        if counter_field {
            "reads"
        } else {
            "does not offer"
        }
    );

    crate::cargo(&["build", "--release", "-p", "bilan-cli"])?;
    let bilan = root().join("target/release/bilan");
    let dir = root().join("target/measure-check");
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).context("cannot create target/measure-check")?;
    std::fs::write(dir.join("train.py"), TRAIN).context("cannot write train.py")?;
    let inventory = dir.join("measure-check.json");

    // nvidia-smi's timestamps are in local time: its offset from UTC, to the quarter hour.
    let stamp = output(
        "nvidia-smi",
        &[
            "--query-gpu=timestamp",
            "--format=csv,noheader",
            "-i",
            &index,
        ],
        "nvidia-smi cannot read its timestamp",
    )?;
    let local = parse_timestamp(&stamp).context("unexpected nvidia-smi timestamp")?;
    let offset = ((local - unix_now()) / 900.0).round() * 900.0;

    let fields = if counter_field {
        "--query-gpu=timestamp,power.draw,total_energy_consumption"
    } else {
        "--query-gpu=timestamp,power.draw"
    };
    let mut poll = Command::new("nvidia-smi")
        .args([
            fields,
            "--format=csv,noheader,nounits",
            "-lms",
            "100",
            "-i",
            &index,
        ])
        .stdout(Stdio::piped())
        .spawn()
        .context("cannot start nvidia-smi")?;
    let samples = Arc::new(Mutex::new(Vec::new()));
    let reader = {
        let samples = Arc::clone(&samples);
        let stdout = poll.stdout.take().context("nvidia-smi's output")?;
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                if let (Some(s), Ok(mut all)) = (parse_line(&line, offset), samples.lock()) {
                    all.push(s);
                }
            }
        })
    };
    std::thread::sleep(Duration::from_secs(2));

    let started = measure(&bilan, &dir, &inventory, gpu, seconds);
    std::thread::sleep(Duration::from_secs(2));
    // SIGINT lets nvidia-smi flush what it polled; SIGKILL if it lingers.
    let _ = Command::new("kill")
        .args(["-INT", &poll.id().to_string()])
        .status();
    std::thread::sleep(Duration::from_millis(500));
    let _ = poll.kill();
    let _ = poll.wait();
    let _ = reader.join();
    let started = started?;

    let text = std::fs::read_to_string(&inventory).context("cannot read the measured inventory")?;
    let json: serde_json::Value =
        serde_json::from_str(&text).context("the inventory is not JSON")?;
    let m = &json["workload"][0]["measurement"];
    let duration = m["duration"]
        .as_str()
        .and_then(parse_quantity)
        .context("no measurement duration in the inventory")?;
    let nvml = m["devices"][0]["energy"]
        .as_str()
        .and_then(parse_quantity)
        .context("no device energy in the inventory")?;
    let samples = samples.lock().map(|s| s.clone()).unwrap_or_default();
    let (start, end) = (started, started + duration);
    let rows = [
        Row {
            source: "bilan measure (NVML energy counter)",
            joules: Some(nvml),
            tolerance: None,
        },
        Row {
            source: "nvidia-smi total_energy_consumption",
            joules: counter_field
                .then(|| counter_energy(&samples, start, end))
                .flatten(),
            tolerance: Some(COUNTER_TOLERANCE),
        },
        Row {
            source: "nvidia-smi ∫ power.draw dt (100 ms samples)",
            joules: power_energy(&samples, start, end),
            tolerance: Some(POWER_TOLERANCE),
        },
    ];
    let (shown, ok) = table(&rows);
    println!(
        "\nGPU {gpu}, {duration:.1} s measured, {} nvidia-smi samples; mean power {:.0} W by bilan\n\n{shown}",
        samples.len(),
        nvml / duration.max(1e-9)
    );
    if rows[2].joules.is_none() {
        bail!("nvidia-smi's samples do not cover the window bilan measured");
    }
    if !ok {
        bail!("bilan measure disagrees with nvidia-smi beyond the tolerance");
    }
    println!("measure-check: ok");
    Ok(())
}

/// Runs the training loop under `bilan measure`; returns when its first reading was taken
/// (seconds since the epoch: when bilan announced the measurement on stderr).
fn measure(
    bilan: &Path,
    dir: &Path,
    inventory: &Path,
    gpu: u32,
    seconds: f64,
) -> anyhow::Result<f64> {
    let mut child = Command::new(bilan)
        .args(["measure", "--inventory"])
        .arg(inventory)
        .args(["--region", "WORLD", "--workload", "measure-check", "--gpus"])
        .arg(gpu.to_string())
        .args(["--", "python3"])
        .arg(dir.join("train.py"))
        .arg(seconds.to_string())
        // CUDA numbers GPUs fastest first unless told otherwise; NVML and nvidia-smi in PCI
        // order.
        .env("CUDA_DEVICE_ORDER", "PCI_BUS_ID")
        .env("CUDA_VISIBLE_DEVICES", gpu.to_string())
        .stderr(Stdio::piped())
        .spawn()
        .context("cannot run the release bilan")?;
    let stderr = child.stderr.take().context("bilan's stderr")?;
    let mut started = None;
    for line in BufReader::new(stderr).lines().map_while(Result::ok) {
        if started.is_none() && line.starts_with("bilan measure: ") && line.contains(" every ") {
            started = Some(unix_now());
        }
        eprintln!("{line}");
    }
    let status = child.wait().context("cannot wait for bilan")?;
    if !status.success() {
        bail!("bilan measure failed ({status})");
    }
    started.context("bilan did not announce its measurement")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nvidia_smi_lines_are_read_with_their_time() {
        let s = parse_line("2026/12/02 09:30:00.500, 312.45, 123456789", 3600.0).expect("a line");
        let expected = days_from_civil(2026, 12, 2) as f64 * 86_400.0 + 8.0 * 3600.0 + 1800.5;
        assert!((s.at - expected).abs() < 1e-6, "{s:?}");
        assert_eq!(s.power, 312.45);
        assert_eq!(s.counter, Some(123_456.789));
        let s = parse_line("2026/12/02 09:30:00.500, 312.45", 0.0).expect("no counter");
        assert_eq!(s.counter, None);
        assert!(parse_line("2026/12/02 09:30:00.500, [N/A]", 0.0).is_none());
        assert_eq!(days_from_civil(1970, 1, 1), 0);
        assert_eq!(days_from_civil(2000, 3, 1), 11_017);
    }

    fn samples() -> Vec<Sample> {
        // 300 W for 10 s, then 500 W; the counter grows accordingly.
        (0..=20)
            .map(|i| {
                let t = f64::from(i);
                let (power, counter) = if t <= 10.0 {
                    (300.0, 300.0 * t)
                } else {
                    (500.0, 3000.0 + 500.0 * (t - 10.0))
                };
                Sample {
                    at: 1000.0 + t,
                    power,
                    counter: Some(counter),
                }
            })
            .collect()
    }

    #[test]
    fn energy_over_a_window_is_interpolated_at_its_ends() {
        let s = samples();
        let counter = counter_energy(&s, 1002.5, 1012.5).expect("covered");
        assert!(
            (counter - (300.0 * 7.5 + 500.0 * 2.5)).abs() < 1e-9,
            "{counter}"
        );
        let power = power_energy(&s, 1002.5, 1012.5).expect("covered");
        // The trapezoid from 10 s to 11 s averages 300 W and 500 W.
        assert!(
            (power - (300.0 * 7.5 + 400.0 + 500.0 * 1.5)).abs() < 1e-9,
            "{power}"
        );
        assert!(power_energy(&s, 990.0, 1005.0).is_none(), "not covered");
        assert!(counter_energy(&s, 1015.0, 1030.0).is_none());
    }

    #[test]
    fn bilans_quantities_are_read_back() {
        assert_eq!(parse_quantity("0.01 kWh"), Some(36_000.0));
        assert_eq!(parse_quantity("61.5 s"), Some(61.5));
        assert_eq!(parse_quantity("2 h"), Some(7200.0));
        assert_eq!(parse_quantity("3 W"), None);
    }

    #[test]
    fn the_table_fails_a_row_beyond_its_tolerance() {
        let row = |source, joules, tolerance| Row {
            source,
            joules,
            tolerance,
        };
        let (text, ok) = table(&[
            row("bilan", Some(1000.0), None),
            row("counter", Some(1010.0), Some(COUNTER_TOLERANCE)),
            row("power", Some(950.0), Some(POWER_TOLERANCE)),
        ]);
        assert!(ok, "{text}");
        assert!(text.contains("+1.00 % (≤ 3 %)"), "{text}");
        assert!(text.contains("-5.00 % (≤ 10 %)"), "{text}");
        let (text, ok) = table(&[
            row("bilan", Some(1000.0), None),
            row("counter", None, Some(COUNTER_TOLERANCE)),
            row("power", Some(800.0), Some(POWER_TOLERANCE)),
        ]);
        assert!(!ok, "{text}");
        assert!(
            text.contains("not available") && text.contains("skipped"),
            "{text}"
        );
        assert!(text.contains("-20.00 % > 10 % FAIL"), "{text}");
    }
}
