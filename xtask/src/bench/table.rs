//! The measurements of `cargo xtask bench --sizes`, their ratios, and the Markdown tables
//! of the closing note.

use std::fmt::Write as _;

/// The inventory's format.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Input {
    Toml,
    Json,
}

impl Input {
    pub(super) const ALL: [Input; 2] = [Input::Toml, Input::Json];

    pub(super) fn ext(self) -> &'static str {
        match self {
            Input::Toml => "toml",
            Input::Json => "json",
        }
    }
}

/// What is measured.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Cmd {
    /// A plain parse into a generic value (`xtask bench-floor`).
    Floor,
    /// `bilan validate`.
    Validate,
    /// `bilan compare`, table output.
    Table,
    /// `bilan compare -f json` (every method's full audit trail).
    Json,
    /// `bilan assess -m sci -f json`.
    Assess,
}

impl Cmd {
    pub(super) const ALL: [Cmd; 5] = [
        Cmd::Floor,
        Cmd::Validate,
        Cmd::Table,
        Cmd::Json,
        Cmd::Assess,
    ];

    pub(super) fn label(self, input: Input) -> &'static str {
        match (self, input) {
            (Cmd::Floor, Input::Toml) => "floor: `toml::Value`",
            (Cmd::Floor, Input::Json) => "floor: `serde_json::Value`",
            (Cmd::Validate, _) => "`validate`",
            (Cmd::Table, _) => "`compare`",
            (Cmd::Json, _) => "`compare -f json`",
            (Cmd::Assess, _) => "`assess -m sci -f json`",
        }
    }
}

/// One measured command: the best of `runs` runs.
#[derive(Clone, Debug, PartialEq)]
pub(super) struct Cell {
    /// The best run's wall time.
    pub(super) seconds: f64,
    /// The median of the runs' wall times.
    pub(super) median_seconds: f64,
    /// The best run's time in the kernel, when measured.
    pub(super) system_seconds: Option<f64>,
    /// The lowest of the runs' peak memory…
    pub(super) peak_mib: Option<f64>,
    /// …and the highest.
    pub(super) highest_peak_mib: Option<f64>,
    pub(super) runs: usize,
    /// The `parse` phase (bilan's `--timings`, the floor's own line).
    pub(super) parse_seconds: Option<f64>,
    /// Bytes written (bilan's `render` phase).
    pub(super) output_bytes: Option<u64>,
    /// The phases of the best run, in order (bilan's `--timings`, the floor's own line).
    pub(super) phases: Vec<Phase>,
}

/// One phase of a run: its time and the process's peak memory at its end.
#[derive(Clone, Debug, PartialEq)]
pub(super) struct Phase {
    pub(super) name: String,
    pub(super) seconds: f64,
    pub(super) peak_mib: Option<f64>,
}

/// A measurement, or why there is none.
#[derive(Clone, Debug, PartialEq)]
pub(super) enum Outcome {
    Measured(Cell),
    Skipped(String),
}

#[derive(Clone, Debug, PartialEq)]
pub(super) struct Row {
    pub(super) size: usize,
    pub(super) input: Input,
    pub(super) cmd: Cmd,
    pub(super) outcome: Outcome,
}

/// Every measurement of one run of the bench, in the order taken.
#[derive(Clone, Debug, Default)]
pub(super) struct Results {
    pub(super) rows: Vec<Row>,
}

impl Results {
    pub(super) fn push(&mut self, size: usize, input: Input, cmd: Cmd, outcome: Outcome) {
        self.rows.push(Row {
            size,
            input,
            cmd,
            outcome,
        });
    }

    pub(super) fn get(&self, size: usize, input: Input, cmd: Cmd) -> Option<&Cell> {
        self.rows
            .iter()
            .find(|r| r.size == size && r.input == input && r.cmd == cmd)
            .and_then(|r| match &r.outcome {
                Outcome::Measured(c) => Some(c),
                Outcome::Skipped(_) => None,
            })
    }

    /// The sizes measured, ascending.
    pub(super) fn sizes(&self) -> Vec<usize> {
        let mut s: Vec<usize> = self.rows.iter().map(|r| r.size).collect();
        s.sort_unstable();
        s.dedup();
        s
    }

    /// The largest size below `size` with a measurement of the same command.
    pub(super) fn previous(&self, size: usize, input: Input, cmd: Cmd) -> Option<(usize, &Cell)> {
        self.sizes()
            .into_iter()
            .rev()
            .filter(|s| *s < size)
            .find_map(|s| self.get(s, input, cmd).map(|c| (s, c)))
    }

    /// `a`'s time over `b`'s, at one size and input.
    pub(super) fn time_ratio(&self, size: usize, input: Input, a: Cmd, b: Cmd) -> Option<f64> {
        ratio(
            self.get(size, input, a).map(|c| c.seconds),
            self.get(size, input, b).map(|c| c.seconds),
        )
    }

    /// `a`'s peak memory over `b`'s, at one size and input.
    /// `a`'s median time over `b`'s.
    pub(super) fn median_ratio(&self, size: usize, input: Input, a: Cmd, b: Cmd) -> Option<f64> {
        ratio(
            self.get(size, input, a).map(|c| c.median_seconds),
            self.get(size, input, b).map(|c| c.median_seconds),
        )
    }

    pub(super) fn memory_ratio(&self, size: usize, input: Input, a: Cmd, b: Cmd) -> Option<f64> {
        ratio(
            self.get(size, input, a).and_then(|c| c.peak_mib),
            self.get(size, input, b).and_then(|c| c.peak_mib),
        )
    }

    /// Growth of the time per workload from the previous size measured to `size`.
    pub(super) fn growth(&self, size: usize, input: Input, cmd: Cmd) -> Option<f64> {
        let now = self.get(size, input, cmd)?;
        let (before, then) = self.previous(size, input, cmd)?;
        ratio(
            Some(per_workload_us(now.seconds, size)),
            Some(per_workload_us(then.seconds, before)),
        )
    }
}

/// `a / b`, when both are known and `b` is positive.
pub(super) fn ratio(a: Option<f64>, b: Option<f64>) -> Option<f64> {
    match (a, b) {
        (Some(a), Some(b)) if b > 0.0 && a.is_finite() => Some(a / b),
        _ => None,
    }
}

/// Microseconds per workload.
pub(super) fn per_workload_us(seconds: f64, workloads: usize) -> f64 {
    seconds * 1e6 / workloads.max(1) as f64
}

/// `1234567` as `1,234,567`.
pub(super) fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

fn fixed(v: Option<f64>, decimals: usize) -> String {
    v.map_or_else(|| "–".to_owned(), |v| format!("{v:.decimals$}"))
}

fn times(v: Option<f64>) -> String {
    v.map_or_else(|| "–".to_owned(), |v| format!("{v:.2}×"))
}

/// The measurements, one row per size, format and command.
pub(super) fn render_measurements(r: &Results) -> String {
    let mut s = String::new();
    s.push_str("| workloads | input | command | best of | time (s) | median (s) | system (s) | µs / workload | workloads / s | peak (MiB) | ÷ floor | growth of µs / workload |\n");
    s.push_str(
        "| ---: | --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |\n",
    );
    for row in &r.rows {
        let n = thousands(row.size as u64);
        let input = row.input.ext();
        let label = row.cmd.label(row.input);
        match &row.outcome {
            Outcome::Skipped(why) => {
                let _ = writeln!(
                    s,
                    "| {n} | {input} | {label} | – | skipped: {why} | | | | | | | |"
                );
            }
            Outcome::Measured(c) => {
                let floor = if row.cmd == Cmd::Floor {
                    None
                } else {
                    r.time_ratio(row.size, row.input, row.cmd, Cmd::Floor)
                };
                let growth = r.growth(row.size, row.input, row.cmd);
                let _ = writeln!(
                    s,
                    "| {n} | {input} | {label} | {} | {:.3} | {:.3} | {} | {:.2} | {} | {} | {} | {} |",
                    c.runs,
                    c.seconds,
                    c.median_seconds,
                    fixed(c.system_seconds, 2),
                    per_workload_us(c.seconds, row.size),
                    thousands((row.size as f64 / c.seconds.max(1e-9)).round() as u64),
                    fixed(c.peak_mib, 0),
                    times(floor),
                    times(growth),
                );
            }
        }
    }
    s
}

/// The ratios, one row per size and format.
pub(super) fn render_ratios(r: &Results) -> String {
    let mut s = String::new();
    s.push_str("| workloads | input | validate ÷ floor | compare ÷ floor | compare ÷ validate | compare ÷ validate, medians | json ÷ table (time) | json ÷ table (memory) | TOML ÷ JSON: floor | TOML ÷ JSON: validate | TOML ÷ JSON: read (parse phase) |\n");
    s.push_str("| ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |\n");
    for size in r.sizes() {
        for input in Input::ALL {
            let read = |cmd: Cmd, parse: bool| {
                let t = |i: Input| {
                    r.get(size, i, cmd).and_then(|c| {
                        if parse {
                            c.parse_seconds
                        } else {
                            Some(c.seconds)
                        }
                    })
                };
                ratio(t(Input::Toml), t(Input::Json))
            };
            let (floor, validate, parse) = if input == Input::Toml {
                (
                    times(read(Cmd::Floor, false)),
                    times(read(Cmd::Validate, false)),
                    times(read(Cmd::Validate, true)),
                )
            } else {
                (String::new(), String::new(), String::new())
            };
            let _ = writeln!(
                s,
                "| {} | {} | {} | {} | {} | {} | {} | {} | {floor} | {validate} | {parse} |",
                thousands(size as u64),
                input.ext(),
                times(r.time_ratio(size, input, Cmd::Validate, Cmd::Floor)),
                times(r.time_ratio(size, input, Cmd::Table, Cmd::Floor)),
                times(r.time_ratio(size, input, Cmd::Table, Cmd::Validate)),
                times(r.median_ratio(size, input, Cmd::Table, Cmd::Validate)),
                times(r.time_ratio(size, input, Cmd::Json, Cmd::Table)),
                times(r.memory_ratio(size, input, Cmd::Json, Cmd::Table)),
            );
        }
    }
    s
}

/// Each phase of each command (bilan's `--timings` of the best run): time, workloads per
/// second and the process's peak memory at the phase's end.
pub(super) fn render_phases(r: &Results) -> String {
    let mut names: Vec<&str> = Vec::new();
    for row in &r.rows {
        if let Outcome::Measured(c) = &row.outcome {
            for p in &c.phases {
                if !names.contains(&p.name.as_str()) {
                    names.push(&p.name);
                }
            }
        }
    }
    let mut s = String::from("| workloads | input | command |");
    for n in &names {
        let _ = write!(s, " {n}: s, workloads/s, MiB |");
    }
    s.push_str("\n| ---: | --- | --- |");
    s.push_str(&" ---: |".repeat(names.len()));
    s.push('\n');
    for row in &r.rows {
        let Outcome::Measured(c) = &row.outcome else {
            continue;
        };
        let _ = write!(
            s,
            "| {} | {} | {} |",
            thousands(row.size as u64),
            row.input.ext(),
            row.cmd.label(row.input)
        );
        for n in &names {
            match c.phases.iter().find(|p| p.name == *n) {
                Some(p) => {
                    let _ = write!(
                        s,
                        " {:.3}, {}, {} |",
                        p.seconds,
                        thousands((row.size as f64 / p.seconds.max(1e-6)).round() as u64),
                        fixed(p.peak_mib, 0)
                    );
                }
                None => s.push_str(" |"),
            }
        }
        s.push('\n');
    }
    s
}

#[cfg(test)]
pub(super) mod tests {
    use super::*;

    pub(in crate::bench) fn cell(seconds: f64, peak: f64) -> Outcome {
        Outcome::Measured(Cell {
            seconds,
            median_seconds: seconds * 1.1,
            system_seconds: Some(seconds / 10.0),
            peak_mib: Some(peak),
            highest_peak_mib: Some(peak),
            runs: 3,
            parse_seconds: Some(seconds / 2.0),
            output_bytes: None,
            phases: vec![
                Phase {
                    name: "parse".into(),
                    seconds: seconds / 2.0,
                    peak_mib: Some(peak / 2.0),
                },
                Phase {
                    name: "render".into(),
                    seconds: seconds / 4.0,
                    peak_mib: None,
                },
            ],
        })
    }

    fn sample() -> Results {
        let mut r = Results::default();
        for (size, k) in [(10_000, 1.0), (100_000, 10.0)] {
            r.push(size, Input::Toml, Cmd::Floor, cell(0.1 * k, 50.0 * k));
            r.push(size, Input::Toml, Cmd::Validate, cell(0.2 * k, 60.0 * k));
            r.push(size, Input::Toml, Cmd::Table, cell(0.4 * k, 80.0 * k));
            r.push(size, Input::Json, Cmd::Validate, cell(0.05 * k, 40.0 * k));
        }
        r.push(
            100_000,
            Input::Json,
            Cmd::Assess,
            Outcome::Skipped("no memory".into()),
        );
        r.push(1_000_000, Input::Toml, Cmd::Table, cell(48.0, 900.0));
        r
    }

    #[test]
    fn ratios_and_growth() {
        let r = sample();
        assert_eq!(r.sizes(), vec![10_000, 100_000, 1_000_000]);
        let close = |a: Option<f64>, b: f64| {
            assert!(a.is_some_and(|a| (a - b).abs() < 1e-9), "{a:?} ≠ {b}")
        };
        close(
            r.time_ratio(10_000, Input::Toml, Cmd::Table, Cmd::Floor),
            4.0,
        );
        close(
            r.memory_ratio(10_000, Input::Toml, Cmd::Table, Cmd::Validate),
            80.0 / 60.0,
        );
        assert_eq!(
            r.time_ratio(10_000, Input::Json, Cmd::Table, Cmd::Floor),
            None
        );
        close(r.growth(100_000, Input::Toml, Cmd::Table), 1.0);
        close(r.growth(1_000_000, Input::Toml, Cmd::Table), 1.2);
        assert_eq!(r.growth(10_000, Input::Toml, Cmd::Table), None);
        assert_eq!(r.get(100_000, Input::Json, Cmd::Assess), None);
        assert_eq!(
            r.previous(1_000_000, Input::Toml, Cmd::Floor).map(|p| p.0),
            Some(100_000)
        );
    }

    #[test]
    fn tables_are_markdown() {
        let r = sample();
        let m = render_measurements(&r);
        assert!(
            m.contains(
                "| 1,000,000 | toml | `compare` | 3 | 48.000 | 52.800 | 4.80 | 48.00 | 20,833 | 900 | – | 1.20× |"
            ),
            "{m}"
        );
        assert!(
            m.contains("| 100,000 | json | `assess -m sci -f json` | – | skipped: no memory |"),
            "{m}"
        );
        let p = render_phases(&r);
        assert!(p.starts_with("| workloads | input | command | parse: s, workloads/s, MiB | render: s, workloads/s, MiB |\n| ---: | --- | --- | ---: | ---: |\n"), "{p}");
        assert!(
            p.contains(
                "| 1,000,000 | toml | `compare` | 24.000, 41,667, 450 | 12.000, 83,333, – |"
            ),
            "{p}"
        );
        assert!(!p.contains("skipped"), "{p}");
        let t = render_ratios(&r);
        assert!(
            t.contains(
                "| 10,000 | toml | 2.00× | 4.00× | 2.00× | 2.00× | – | – | – | 4.00× | 4.00× |"
            ),
            "{t}"
        );
        assert_eq!(thousands(0), "0");
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(1_000), "1,000");
        assert_eq!(thousands(12_345_678), "12,345,678");
    }
}
