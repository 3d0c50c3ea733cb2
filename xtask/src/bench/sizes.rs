//! `cargo xtask bench --sizes 10000,100000,1000000 [--runs N] [--check]`: the scale bench at
//! several sizes, in one run.
//!
//! For each size, the generated inventory in TOML and the same inventory in JSON; for each,
//! the floor (a plain parse into `toml::Value` / `serde_json::Value`, `xtask bench-floor` in
//! release), `bilan validate`, `bilan compare` (table), `bilan compare -f json` and
//! `bilan assess -m sci -f json`: wall time (best of `--runs`, 3 by default; twice at most
//! for a command whose first run takes over 30 s; the commands of one inventory take turns,
//! one run each per round), peak memory of the process, throughput
//! and time per workload; then the ratios and the targets ([`super::targets`]). A command
//! whose memory, extrapolated from the size before, would not fit in the memory available
//! is skipped, and the table says so.

use std::fmt::Write as _;
use std::path::Path;

use anyhow::{Context as _, bail};

use super::table::{
    Cell, Cmd, Input, Outcome, Results, render_measurements, render_phases, render_ratios,
    thousands,
};
use super::{generate, measure, targets};
use crate::root;

/// What `--sizes` mode was asked.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) struct Options {
    pub(super) sizes: Vec<usize>,
    pub(super) runs: usize,
    pub(super) check: bool,
}

/// Every command of [`Cmd::ALL`] on one inventory (`size` workloads, in `input`), in that
/// order. The commands take turns, one run each per round, up to `runs` rounds: a slow
/// minute of a busy machine then falls on every command of the inventory alike, and the
/// ratios between them (`compare ÷ validate`, JSON ÷ table) are not set by which cell it
/// hit. A command that would not fit in memory (extrapolated from the size before, in
/// `results`) is skipped; one that fails is reported so, and not run again.
fn measure_inventory(
    results: &Results,
    (size, input): (usize, Input),
    path: &str,
    runs: usize,
    (bilan, xtask): (&Path, &Path),
    scratch: &Path,
) -> Vec<(Cmd, Outcome)> {
    enum State {
        Running(Vec<String>, measure::Runs),
        Done(Outcome),
    }
    let mut cells: Vec<(Cmd, State)> = Cmd::ALL
        .into_iter()
        .map(|cmd| {
            let state = match too_big(results.previous(size, input, cmd), size, available_mib()) {
                Some(why) => State::Done(Outcome::Skipped(why)),
                None => State::Running(command_args(cmd, input, path), measure::Runs::new(runs)),
            };
            (cmd, state)
        })
        .collect();
    let mut round = 0;
    while cells
        .iter()
        .any(|(_, s)| matches!(s, State::Running(_, r) if r.wants_more()))
    {
        round += 1;
        eprintln!(
            "bench: {} workloads, {}: round {round} of {}",
            thousands(size as u64),
            input.ext(),
            runs.max(1)
        );
        for (cmd, state) in &mut cells {
            let State::Running(args, r) = state else {
                continue;
            };
            if !r.wants_more() {
                continue;
            }
            let program = if *cmd == Cmd::Floor { xtask } else { bilan };
            let args: Vec<&str> = args.iter().map(String::as_str).collect();
            match measure::sample(program, &args, scratch) {
                Ok(s) => r.add(s),
                Err(e) => {
                    eprintln!("bench: {e:#}");
                    let first = e.to_string();
                    let first = first.lines().next().unwrap_or("");
                    *state = State::Done(Outcome::Skipped(format!(
                        "failed: {}",
                        first.chars().take(160).collect::<String>()
                    )));
                }
            }
        }
    }
    cells
        .into_iter()
        .map(|(cmd, state)| {
            let outcome = match state {
                State::Done(o) => o,
                State::Running(_, r) => r
                    .cell()
                    .map_or_else(|| Outcome::Skipped("no run".to_owned()), Outcome::Measured),
            };
            (cmd, outcome)
        })
        .collect()
}

/// The sizes of `--sizes`, or `None` when it is not given (the single-size bench).
pub(super) fn options(args: &[&str]) -> anyhow::Result<Option<Options>> {
    let Some(i) = args.iter().position(|a| *a == "--sizes") else {
        return Ok(None);
    };
    let list = args
        .get(i + 1)
        .context("--sizes needs a list of workload counts, such as 10000,100000,1000000")?;
    let sizes = parse_sizes(list)?;
    let runs = match args.iter().position(|a| *a == "--runs") {
        None => 3,
        Some(i) => match args.get(i + 1).and_then(|r| r.parse::<usize>().ok()) {
            Some(r) if r > 0 => r,
            _ => bail!("--runs needs a positive number of runs"),
        },
    };
    if args.contains(&"--uncertainty") {
        bail!("--uncertainty measures one size: give it --workloads N, not --sizes");
    }
    if args.contains(&"--workloads") {
        bail!("give either --workloads N (one size) or --sizes LIST, not both");
    }
    Ok(Some(Options {
        sizes,
        runs,
        check: args.contains(&"--check"),
    }))
}

/// `10000,100000,1_000_000` → the sizes, ascending, each once.
pub(super) fn parse_sizes(list: &str) -> anyhow::Result<Vec<usize>> {
    let mut sizes = Vec::new();
    for part in list.split(',') {
        let digits = part.trim().replace('_', "");
        match digits.parse::<usize>() {
            Ok(n) if n > 0 => sizes.push(n),
            _ => bail!(
                "--sizes: `{}` is not a positive number of workloads (expected a list such as 10000,100000,1000000)",
                part.trim()
            ),
        }
    }
    sizes.sort_unstable();
    sizes.dedup();
    Ok(sizes)
}

/// Why a command is skipped at `size`: its peak at the size before, grown in proportion,
/// would not fit in the memory available now (with a tenth to spare).
pub(super) fn too_big(
    previous: Option<(usize, &Cell)>,
    size: usize,
    available_mib: Option<f64>,
) -> Option<String> {
    let (before, cell) = previous?;
    let peak = cell.peak_mib?;
    let available = available_mib?;
    let estimate = peak * size as f64 / before as f64 * 1.1;
    (estimate > available).then(|| {
        format!(
            "estimated {:.1} GiB (from {:.1} GiB at {}) > {:.1} GiB available",
            estimate / 1024.0,
            peak / 1024.0,
            thousands(before as u64),
            available / 1024.0
        )
    })
}

/// `MemAvailable` (Linux), in MiB.
fn available_mib() -> Option<f64> {
    meminfo("MemAvailable:")
}

fn meminfo(key: &str) -> Option<f64> {
    let text = std::fs::read_to_string("/proc/meminfo").ok()?;
    let line = text.lines().find(|l| l.starts_with(key))?;
    let kib: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib / 1024.0)
}

fn load_average() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .map(|l| l.split_whitespace().take(3).collect::<Vec<_>>().join(" "))
        .unwrap_or_else(|_| "n/a".to_owned())
}

fn commit() -> String {
    std::process::Command::new("git")
        .args(["rev-parse", "--short", "HEAD"])
        .current_dir(root())
        .output()
        .ok()
        .filter(|o| o.status.success())
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_owned())
        .unwrap_or_else(|| "unknown".to_owned())
}

/// The command line of `cmd` on `file`.
fn command_args(cmd: Cmd, input: Input, file: &str) -> Vec<String> {
    let v: Vec<&str> = match cmd {
        Cmd::Floor => vec!["bench-floor", input.ext(), file],
        Cmd::Validate => vec!["validate", file, "--timings"],
        Cmd::Table => vec!["compare", file, "-o", "/dev/null", "--timings"],
        Cmd::Json => vec![
            "compare",
            file,
            "-f",
            "json",
            "-o",
            "/dev/null",
            "--timings",
        ],
        Cmd::Assess => vec![
            "assess",
            file,
            "-m",
            "sci",
            "-f",
            "json",
            "-o",
            "/dev/null",
            "--timings",
        ],
    };
    v.into_iter().map(str::to_owned).collect()
}

pub(super) fn bench(opts: &Options) -> anyhow::Result<()> {
    let dir = root().join("target/bench");
    std::fs::create_dir_all(&dir)?;
    crate::cargo(&["build", "--release", "-p", "bilan-cli"])?;
    // The floor runs in release too, with the workspace's toml and serde_json.
    crate::cargo(&["build", "--release", "-p", "xtask"])?;
    let bilan = root().join("target/release/bilan");
    let xtask = root().join("target/release/xtask");
    let scratch = dir.join("maxrss.txt");
    let load_before = load_average();
    let mut results = Results::default();
    let mut bytes = Vec::new();
    for &size in &opts.sizes {
        let toml = dir.join(format!("cluster-{size}.toml"));
        let json = dir.join(format!("cluster-{size}.json"));
        std::fs::write(&toml, generate::inventory(size))
            .with_context(|| format!("cannot write {}", toml.display()))?;
        std::fs::write(&json, generate::inventory_json(size)?)
            .with_context(|| format!("cannot write {}", json.display()))?;
        bytes.push((size, file_size(&toml), file_size(&json)));
        for input in Input::ALL {
            let file = if input == Input::Toml { &toml } else { &json };
            let path = file.display().to_string();
            for (cmd, outcome) in measure_inventory(
                &results,
                (size, input),
                &path,
                opts.runs,
                (&bilan, &xtask),
                &scratch,
            ) {
                match &outcome {
                    Outcome::Measured(c) => eprintln!(
                        "bench: {} workloads, {}, {}: {:.3} s (best of {}), peak {} MiB",
                        thousands(size as u64),
                        input.ext(),
                        cmd.label(input),
                        c.seconds,
                        c.runs,
                        c.peak_mib.map_or("n/a".to_owned(), |m| format!("{m:.0}"))
                    ),
                    Outcome::Skipped(why) => eprintln!(
                        "bench: {} workloads, {}, {}: skipped, {why}",
                        thousands(size as u64),
                        input.ext(),
                        cmd.label(input)
                    ),
                }
                results.push(size, input, cmd, outcome);
            }
        }
    }
    let verdicts = targets::check(&results);
    let mut report = String::new();
    let _ = writeln!(
        report,
        "bilan {} (release), {} cores, {:.1} GiB memory; load average (1, 5, 15 min) {} before, {} after; {}.\n",
        commit(),
        std::thread::available_parallelism().map_or(0, |n| n.get()),
        meminfo("MemTotal:").unwrap_or(f64::NAN) / 1024.0,
        load_before,
        load_average(),
        if Path::new("/usr/bin/time").is_file() {
            "peak memory: the process's ru_maxrss (GNU time), the lowest of the runs"
        } else {
            "peak memory: the process's own VmHWM, the lowest of the runs"
        }
    );
    for (size, toml, json) in &bytes {
        let _ = writeln!(
            report,
            "- {} workloads: TOML {:.1} MB, JSON {:.1} MB",
            thousands(*size as u64),
            *toml as f64 / 1e6,
            *json as f64 / 1e6
        );
    }
    report.push('\n');
    report.push_str(&render_measurements(&results));
    report.push('\n');
    report.push_str(&render_ratios(&results));
    report.push_str("\nPhases (the best run's `--timings`):\n\n");
    report.push_str(&render_phases(&results));
    report.push_str("\nTargets:\n\n");
    for v in &verdicts {
        report.push_str(&v.line());
        report.push('\n');
    }
    print!("{report}");
    std::fs::write(dir.join("bench-sizes.md"), &report)?;
    if opts.check && !targets::all_met(&verdicts) {
        bail!("a target was missed");
    }
    Ok(())
}

fn file_size(path: &Path) -> u64 {
    std::fs::metadata(path).map_or(0, |m| m.len())
}

#[cfg(test)]
mod tests {
    use super::super::table::Cell;
    use super::*;

    #[test]
    fn sizes_are_parsed() {
        assert_eq!(options(&["--check"]).ok(), Some(None));
        let o = options(&["--sizes", "100000,10_000, 1000000,10000", "--check"])
            .ok()
            .flatten();
        assert_eq!(
            o,
            Some(Options {
                sizes: vec![10_000, 100_000, 1_000_000],
                runs: 3,
                check: true
            })
        );
        let o = options(&["--sizes", "500", "--runs", "1"]).ok().flatten();
        assert_eq!(
            o.map(|o| (o.sizes, o.runs, o.check)),
            Some((vec![500], 1, false))
        );
        for bad in [
            &["--sizes"][..],
            &["--sizes", "10,x"],
            &["--sizes", "0"],
            &["--sizes", "10", "--runs", "0"],
            &["--sizes", "10", "--uncertainty"],
            &["--sizes", "10", "--workloads", "10"],
        ] {
            assert!(options(bad).is_err(), "{bad:?}");
        }
        let e = parse_sizes("10,ten").err().map(|e| e.to_string());
        assert!(e.is_some_and(|e| e.contains("`ten`")));
    }

    #[test]
    fn commands_too_big_for_memory_are_skipped() {
        let cell = Cell {
            seconds: 1.0,
            median_seconds: 1.0,
            system_seconds: None,
            peak_mib: Some(1024.0),
            highest_peak_mib: Some(1024.0),
            runs: 3,
            parse_seconds: None,
            output_bytes: None,
            phases: Vec::new(),
        };
        // 1 GiB at 100,000: about 11 GiB at 1,000,000.
        let why = too_big(Some((100_000, &cell)), 1_000_000, Some(8.0 * 1024.0));
        assert_eq!(
            why.as_deref(),
            Some("estimated 11.0 GiB (from 1.0 GiB at 100,000) > 8.0 GiB available")
        );
        assert_eq!(
            too_big(Some((100_000, &cell)), 1_000_000, Some(20.0 * 1024.0)),
            None
        );
        assert_eq!(too_big(None, 1_000_000, Some(1.0)), None);
        assert_eq!(too_big(Some((100_000, &cell)), 1_000_000, None), None);
    }

    #[test]
    fn command_lines() {
        assert_eq!(
            command_args(Cmd::Floor, Input::Json, "f.json"),
            ["bench-floor", "json", "f.json"]
        );
        assert_eq!(
            command_args(Cmd::Assess, Input::Toml, "f.toml"),
            [
                "assess",
                "f.toml",
                "-m",
                "sci",
                "-f",
                "json",
                "-o",
                "/dev/null",
                "--timings"
            ]
        );
    }
}
