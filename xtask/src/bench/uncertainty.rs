//! `cargo xtask bench --uncertainty`: the cost of propagating uncertainty, as ratios against
//! the same command without it, measured in the same session.
//!
//! * every method, 10,000 Monte Carlo iterations, on `examples/mistral-large-2-illustrative.toml`
//!   (target: under 1 s);
//! * every built-in method, 1,000 iterations, on the generated bench inventory with every
//!   workload's energy ± 10 % (one uncertain input per workload), at a tenth of its size and
//!   at full size (targets: under 60 s and 1 GiB at 100,000 workloads; growth
//!   linear in the number of workloads);
//! * `--brightway PYTHON`: the side-by-side Monte Carlo with Brightway 2.5 of
//!   `xtask/brightway/` (target: at least 100× Brightway's iterations per second).

use std::fmt::Write as _;
use std::path::Path;
use std::process::Command;

use anyhow::{Context as _, bail};

use super::{RUNS, best, inventory, run};
use crate::root;

/// What was measured, and whether every target was met.
pub(super) fn bench(
    binary: &Path,
    workloads: usize,
    args: &[&str],
) -> anyhow::Result<(String, bool)> {
    let mut report = String::new();
    let mut ok = true;
    let verdict = |met: bool| if met { "met" } else { "MISSED" };
    let example = root()
        .join("examples/mistral-large-2-illustrative.toml")
        .display()
        .to_string();
    let plain = best(binary, &["compare", &example, "-o", "/dev/null"], RUNS)?;
    let mc = best(
        binary,
        &[
            "compare",
            &example,
            "-o",
            "/dev/null",
            "--uncertainty",
            "mc",
            "--iterations",
            "10000",
        ],
        RUNS,
    )?;
    let met = mc.seconds < 1.0;
    ok &= met;
    let _ = writeln!(
        report,
        "uncertainty, example (6 methods), 10,000 iterations: {:.3} s ({:.1}× the run without), peak {:.0} MiB; < 1 s {}",
        mc.seconds,
        mc.seconds / plain.seconds,
        mc.peak_mib.unwrap_or(f64::NAN),
        verdict(met)
    );
    let dir = root().join("target/bench");
    let mut previous: Option<(usize, f64)> = None;
    for n in [workloads / 10, workloads] {
        // Every workload's metered energy ± 10 %: one uncertain input per workload, on top of
        // the factors' own uncertainty.
        let file = dir.join(format!("cluster-{n}-uncertain.toml"));
        let text = inventory(n).replace(" kWh\"\ndevices", " kWh ± 10 %\"\ndevices");
        if !text.contains("kWh ± 10 %") {
            bail!(
                "the bench inventory no longer has the workloads' energy this bench makes uncertain"
            );
        }
        std::fs::write(&file, text)?;
        let path = file.display().to_string();
        let plain = run(binary, &["compare", &path, "-o", "/dev/null"])?;
        let mc = run(
            binary,
            &[
                "compare",
                &path,
                "-o",
                "/dev/null",
                "--uncertainty",
                "mc",
                "--iterations",
                "1000",
            ],
        )?;
        let analytic = run(
            binary,
            &[
                "compare",
                &path,
                "-o",
                "/dev/null",
                "--uncertainty",
                "analytic",
            ],
        )?;
        let _ = writeln!(
            report,
            "uncertainty, {n} workloads (3 methods): 1,000 iterations {:.3} s, peak {:.0} MiB; analytic {:.3} s; without {:.3} s",
            mc.seconds,
            mc.peak_mib.unwrap_or(f64::NAN),
            analytic.seconds,
            plain.seconds
        );
        for t in mc.timings.iter().filter(|t| t.contains("uncertainty")) {
            let _ = writeln!(report, "  {t}");
        }
        if let Some((m, seconds)) = previous {
            let _ = writeln!(
                report,
                "  growth: {:.1}× the workloads, {:.1}× the time",
                n as f64 / m as f64,
                mc.seconds / seconds
            );
        }
        if n == workloads {
            let met = mc.seconds < 60.0 && mc.peak_mib.is_some_and(|m| m < 1024.0);
            ok &= met;
            let _ = writeln!(report, "  targets: < 60 s and < 1 GiB {}", verdict(met));
        }
        previous = Some((n, mc.seconds));
    }
    if let Some(i) = args.iter().position(|a| *a == "--brightway") {
        let python = args
            .get(i + 1)
            .context("--brightway needs the Brightway venv's python")?;
        let script = root().join("xtask/brightway/compare.sh");
        let out = Command::new("bash")
            .arg(&script)
            .env("BW_PYTHON", python)
            .env("BILAN", binary)
            .output()
            .context("cannot run xtask/brightway/compare.sh")?;
        if !out.status.success() {
            bail!("{}", String::from_utf8_lossy(&out.stderr));
        }
        // The script prints the comparison as JSON on stdout and a summary on stderr.
        let json = String::from_utf8_lossy(&out.stdout);
        let summary = String::from_utf8_lossy(&out.stderr);
        let ratio = json
            .lines()
            .find_map(|l| l.trim().strip_prefix("\"ratio\":"))
            .and_then(|r| r.trim().trim_end_matches(',').parse::<f64>().ok());
        for l in summary.lines().filter(|l| {
            l.starts_with("brightway ") || l.starts_with("bilan ") || l.starts_with("ratio")
        }) {
            let _ = writeln!(report, "brightway comparison: {l}");
        }
        let met = ratio.is_some_and(|r| r >= 100.0);
        ok &= met;
        let _ = writeln!(report, "brightway: ≥ 100× {}", verdict(met));
    }
    Ok((report, ok))
}
