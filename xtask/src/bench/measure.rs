//! Measuring one command: wall time from outside, peak memory of that process alone.
//!
//! Peak memory is the child's `ru_maxrss`, read by GNU `/usr/bin/time -f "%S %M"` (each run is
//! its own child, so the figure is that run's), with the seconds the run spent in the kernel;
//! where `/usr/bin/time` is missing, the peak the process reports itself (`VmHWM`: bilan's
//! `--timings`, the floor's own line), and no system time.

use std::path::Path;
use std::process::Command;
use std::time::Instant;

use anyhow::{Context as _, bail};

use super::table::{Cell, Phase};

/// GNU time, when installed.
const TIME: &str = "/usr/bin/time";

/// A cell whose first run takes longer than this many seconds is run twice at most, not
/// `--runs` times (the table says how many runs each figure is the best of).
pub(super) const LONG_SECONDS: f64 = 30.0;

/// One run of a command.
#[derive(Debug)]
pub(super) struct Sample {
    pub(super) seconds: f64,
    /// From `ru_maxrss`, when `/usr/bin/time` is there.
    pub(super) maxrss_mib: Option<f64>,
    /// Seconds in the kernel (page faults, reads), when `/usr/bin/time` is there.
    pub(super) system_seconds: Option<f64>,
    pub(super) stdout: String,
    pub(super) stderr: String,
}

/// Runs `program args` once. Exit status 1 is bilan's "some method failed", still a result;
/// anything else is an error.
pub(super) fn sample(program: &Path, args: &[&str], scratch: &Path) -> anyhow::Result<Sample> {
    let gnu_time = Path::new(TIME).is_file();
    let mut cmd = if gnu_time {
        let mut c = Command::new(TIME);
        c.arg("-f").arg("%S %M").arg("-o").arg(scratch).arg(program);
        c
    } else {
        Command::new(program)
    };
    cmd.args(args);
    let start = Instant::now();
    let out = cmd
        .output()
        .with_context(|| format!("cannot run {}", program.display()))?;
    let seconds = start.elapsed().as_secs_f64();
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    if !out.status.success() && out.status.code() != Some(1) {
        bail!(
            "{} {} failed ({}): {}",
            program.display(),
            args.join(" "),
            out.status,
            stderr.trim_end()
        );
    }
    let (system_seconds, maxrss_mib) = if gnu_time {
        std::fs::read_to_string(scratch)
            .ok()
            .as_deref()
            .and_then(gnu_time_figures)
            .map_or((None, None), |(system, kib)| {
                (Some(system), Some(kib / 1024.0))
            })
    } else {
        (None, None)
    };
    Ok(Sample {
        seconds,
        maxrss_mib,
        system_seconds,
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr,
    })
}

/// The `%S %M` figures of GNU time's output file (system seconds, peak KiB): its last line
/// (a line before it says when the command exited with a non-zero status).
pub(super) fn gnu_time_figures(text: &str) -> Option<(f64, f64)> {
    let line = text.lines().rev().find(|l| !l.trim().is_empty())?;
    let mut fields = line.split_whitespace();
    let system = fields.next()?.parse().ok()?;
    let kib = fields.next()?.parse().ok()?;
    fields.next().is_none().then_some((system, kib))
}

/// The seconds of phase `name` in bilan's `--timings` lines.
pub(super) fn phase_seconds(stderr: &str, name: &str) -> Option<f64> {
    let prefix = format!("timings: {name}: ");
    stderr.lines().find_map(|l| {
        l.strip_prefix(&prefix)?
            .split(" s,")
            .next()?
            .trim()
            .parse()
            .ok()
    })
}

/// Every phase of bilan's `--timings` lines (`timings: NAME: S s, …, peak memory M MiB`).
pub(super) fn phases(text: &str) -> Vec<Phase> {
    text.lines()
        .filter_map(|l| {
            let (name, rest) = l.strip_prefix("timings: ")?.split_once(": ")?;
            let seconds = rest.split(" s,").next()?.trim().parse().ok()?;
            Some(Phase {
                name: name.to_owned(),
                seconds,
                peak_mib: reported_peak_mib(l),
            })
        })
        .collect()
}

/// The bytes bilan wrote, from the `render` phase of `--timings`.
pub(super) fn rendered_bytes(stderr: &str) -> Option<u64> {
    let prefix = "timings: render: ";
    stderr.lines().find_map(|l| {
        l.strip_prefix(prefix)?
            .split(", ")
            .nth(1)?
            .strip_suffix(" bytes")?
            .parse()
            .ok()
    })
}

/// The highest `peak memory N MiB` of bilan's `--timings` lines, or of the floor's line.
pub(super) fn reported_peak_mib(text: &str) -> Option<f64> {
    text.lines()
        .filter_map(|l| {
            l.rsplit("peak memory ")
                .next()
                .filter(|_| l.contains("peak memory "))?
                .trim_end_matches(" MiB")
                .parse::<f64>()
                .ok()
        })
        .fold(None, |m: Option<f64>, v| Some(m.map_or(v, |m| m.max(v))))
}

/// The peak memory of one run: `ru_maxrss`, else what the process reported.
fn peak_mib(s: &Sample) -> Option<f64> {
    s.maxrss_mib
        .or_else(|| reported_peak_mib(&s.stderr))
        .or_else(|| reported_peak_mib(&s.stdout))
}

/// How many runs a cell gets, once its first run took `first` seconds.
pub(super) fn runs_for(first: f64, runs: usize) -> usize {
    if first > LONG_SECONDS {
        runs.min(2)
    } else {
        runs
    }
}

/// The runs of one command so far, for a bench whose commands take turns: the best (lowest
/// wall time) of up to `runs` runs, as a cell, with the median of the runs' times beside it
/// (how far the best stands from a typical run). The memory is the lowest peak of the runs:
/// like the time, a command's peak varies by a few per cent from one run to the next (the
/// same `compare` of a million workloads peaked at 1,880 and 2,010 MiB), and the fastest run
/// is not the leanest. The highest peak is kept beside it: how far the runs spread.
#[derive(Debug)]
pub(super) struct Runs {
    /// How many runs the cell gets ([`runs_for`], once the first is in).
    wanted: usize,
    /// Each run's wall time, in the order run.
    seconds: Vec<f64>,
    best: Option<Sample>,
    lowest_peak: Option<f64>,
    highest_peak: Option<f64>,
}

impl Runs {
    /// No run yet, of up to `runs` (at least one).
    pub(super) fn new(runs: usize) -> Runs {
        Runs {
            wanted: runs.max(1),
            seconds: Vec::new(),
            best: None,
            lowest_peak: None,
            highest_peak: None,
        }
    }

    /// Whether the cell wants another run.
    pub(super) fn wants_more(&self) -> bool {
        self.seconds.len() < self.wanted
    }

    /// Counts run `s`.
    pub(super) fn add(&mut self, s: Sample) {
        if self.seconds.is_empty() {
            self.wanted = runs_for(s.seconds, self.wanted);
        }
        self.seconds.push(s.seconds);
        let peak = peak_mib(&s);
        self.lowest_peak = match (self.lowest_peak, peak) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        };
        self.highest_peak = match (self.highest_peak, peak) {
            (Some(a), Some(b)) => Some(a.max(b)),
            (a, b) => a.or(b),
        };
        if self.best.as_ref().is_none_or(|b| s.seconds < b.seconds) {
            self.best = Some(s);
        }
    }

    /// The cell, once a run is in.
    pub(super) fn cell(self) -> Option<Cell> {
        let best = self.best?;
        Some(Cell {
            seconds: best.seconds,
            runs: self.seconds.len(),
            median_seconds: median(self.seconds),
            system_seconds: best.system_seconds,
            peak_mib: self.lowest_peak,
            highest_peak_mib: self.highest_peak,
            parse_seconds: phase_seconds(&best.stderr, "parse")
                .or_else(|| phase_seconds(&best.stdout, "parse")),
            output_bytes: rendered_bytes(&best.stderr),
            phases: phases(&best.stderr)
                .into_iter()
                .chain(phases(&best.stdout))
                .collect(),
        })
    }
}

/// The median of `values` (the mean of the middle two for an even count); NaN for none.
fn median(mut values: Vec<f64>) -> f64 {
    values.sort_by(f64::total_cmp);
    let n = values.len();
    match n {
        0 => f64::NAN,
        _ if n % 2 == 1 => values[n / 2],
        _ => (values[n / 2 - 1] + values[n / 2]) / 2.0,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const TIMINGS: &str = "\
timings: parse: 1.250 s, 1000000 items, 800000 items/s, peak memory 2100.5 MiB
timings: assess: 3.000 s, 6000000 item-assessments, 2000000 item-assessments/s, peak memory 4000.0 MiB
timings: render: 0.125 s, 123456 bytes, 987648 bytes/s, peak memory 3900.0 MiB
";

    #[test]
    fn timings_lines_are_read() {
        assert_eq!(phase_seconds(TIMINGS, "parse"), Some(1.25));
        assert_eq!(phase_seconds(TIMINGS, "assess"), Some(3.0));
        assert_eq!(phase_seconds(TIMINGS, "compare"), None);
        assert_eq!(rendered_bytes(TIMINGS), Some(123_456));
        assert_eq!(reported_peak_mib(TIMINGS), Some(4000.0));
        assert_eq!(reported_peak_mib("nothing here\n"), None);
        let p = phases(TIMINGS);
        assert_eq!(p.len(), 3);
        assert_eq!(
            (p[1].name.as_str(), p[1].seconds, p[1].peak_mib),
            ("assess", 3.0, Some(4000.0))
        );
        assert_eq!(
            phase_seconds("timings: parse: 0.5 s, peak memory 12.0 MiB\n", "parse"),
            Some(0.5)
        );
    }

    #[test]
    fn gnu_time_output_is_read() {
        assert_eq!(gnu_time_figures("0.25 123456\n"), Some((0.25, 123_456.0)));
        assert_eq!(
            gnu_time_figures("Command exited with non-zero status 1\n1.50 2048\n"),
            Some((1.5, 2048.0))
        );
        assert_eq!(gnu_time_figures(""), None);
        assert_eq!(gnu_time_figures("123456\n"), None, "both figures");
        assert_eq!(gnu_time_figures("0.1 2 3\n"), None, "no more");
    }

    fn run(seconds: f64, maxrss_mib: f64) -> Sample {
        Sample {
            seconds,
            maxrss_mib: Some(maxrss_mib),
            system_seconds: Some(seconds / 10.0),
            stdout: String::new(),
            stderr: format!("timings: parse: {seconds} s, peak memory {maxrss_mib} MiB\n"),
        }
    }

    #[test]
    fn a_cell_is_the_fastest_run_and_the_lowest_peak() {
        let mut r = Runs::new(3);
        assert!(r.wants_more());
        for (s, m) in [(2.0, 100.0), (1.5, 120.0), (1.8, 90.0)] {
            r.add(run(s, m));
        }
        assert!(!r.wants_more());
        let c = r.cell().expect("three runs");
        assert_eq!((c.seconds, c.peak_mib, c.runs), (1.5, Some(90.0), 3));
        assert_eq!(c.median_seconds, 1.8, "the median of the three runs");
        assert_eq!(c.system_seconds, Some(0.15), "the fastest run's");
        assert_eq!(c.parse_seconds, Some(1.5), "the phases of the fastest run");
        assert!(Runs::new(0).wants_more(), "at least one run");
        assert!(Runs::new(2).cell().is_none());
        let mut long = Runs::new(3);
        long.add(run(LONG_SECONDS + 1.0, 10.0));
        long.add(run(LONG_SECONDS + 2.0, 10.0));
        assert!(!long.wants_more(), "a long first run caps the cell at two");
        let two = long.cell().expect("two runs");
        assert_eq!(two.median_seconds, LONG_SECONDS + 1.5, "the middle of two");
    }

    #[test]
    fn long_cells_are_run_twice() {
        assert_eq!(runs_for(1.0, 3), 3);
        assert_eq!(runs_for(LONG_SECONDS + 1.0, 3), 2);
        assert_eq!(runs_for(LONG_SECONDS + 1.0, 1), 1);
    }
}
