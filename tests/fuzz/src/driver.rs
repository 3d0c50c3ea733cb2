//! The parent and child processes. The parent never runs bilan itself: it starts a child
//! per batch of cases (and per scaling probe) and reads what the child reports on its
//! standard output, one line per event. A child that dies (stack overflow, abort) costs
//! only its current case, which is recorded as a finding; the next batch starts after it.
//!
//! Child protocol: `start I`, then `flag I CLASS STEM DETAIL` per finding, then `end I`;
//! `hang I STEM` just before the child exits because case I ran past its deadline.

use std::collections::BTreeMap;
use std::io::{BufRead as _, BufReader, Write as _};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use crate::case::{Case, install_panic_hook, run_case};
use crate::classify::{Class, Flag, classify, clip};
use crate::findings;
use crate::mutate::Sizes;
use crate::scaling::{self, Probe, Verdict};

/// Stack of the thread a case runs on: a reader that recurses without bound overflows it,
/// which kills the child, not the run.
pub const CASE_STACK: usize = 8 << 20;

/// Exit code of a child that stopped on a hang.
const HANG_EXIT: i32 = 3;

/// How a fuzz run is driven.
#[derive(Clone, Debug)]
pub struct Options {
    /// The bilan-fuzz executable (children are started from it).
    pub exe: PathBuf,
    /// The seed.
    pub seed: u64,
    /// Stop after this many cases…
    pub cases: Option<u64>,
    /// …or after this long.
    pub duration: Option<Duration>,
    /// Cases per child process.
    pub batch: u64,
    /// Past this, a case is a hang.
    pub case_timeout: Duration,
    /// Mutation sizes.
    pub test_sizes: bool,
    /// Where findings are written.
    pub findings: PathBuf,
    /// Scratch folder (children's working directory).
    pub work: PathBuf,
    /// N of the scaling probe (`None`: no probe).
    pub probe_n: Option<usize>,
}

/// What a run found.
#[derive(Clone, Debug, Default)]
pub struct Summary {
    /// Cases run.
    pub cases: u64,
    /// Wall time of the cases (the probe excluded).
    pub elapsed: Duration,
    /// Cases with at least one finding of the class.
    pub counts: BTreeMap<Class, u64>,
    /// Distinct findings (file stems) per class, each with one detail.
    pub findings: BTreeMap<Class, BTreeMap<String, String>>,
    /// The scaling probe's verdicts.
    pub probes: Vec<Verdict>,
}

impl Summary {
    fn record(&mut self, class: Class, stem: &str, detail: &str) {
        self.findings
            .entry(class)
            .or_default()
            .entry(stem.to_owned())
            .or_insert_with(|| detail.to_owned());
    }

    /// Cases with a finding of `class` (super-linear: probes over the ratio).
    pub fn count(&self, class: Class) -> u64 {
        self.counts.get(&class).copied().unwrap_or(0)
    }

    /// Whether nothing was found.
    pub fn clean(&self) -> bool {
        self.counts.values().all(|&n| n == 0)
    }

    /// The report printed at the end of a run.
    pub fn render(&self) -> String {
        let mut s = String::new();
        let secs = self.elapsed.as_secs_f64().max(1e-9);
        s.push_str(&format!(
            "fuzz: {} cases in {:.1} s ({:.1} cases/s)\n",
            self.cases,
            secs,
            self.cases as f64 / secs
        ));
        for class in Class::ALL {
            let distinct = self.findings.get(&class).map_or(0, BTreeMap::len);
            s.push_str(&format!(
                "  {:<15} {:>6} cases, {:>4} distinct\n",
                class.name(),
                self.count(class),
                distinct
            ));
        }
        for v in &self.probes {
            s.push_str(&format!(
                "  probe {:<15} N={:<6} {:>9.1} ms, 10N: {} (×{:.1}){}\n",
                v.probe.name(),
                v.n,
                v.small.as_secs_f64() * 1e3,
                v.large.map_or("past the deadline".to_owned(), |l| format!(
                    "{:.1} ms",
                    l.as_secs_f64() * 1e3
                )),
                v.ratio(),
                if v.super_linear() {
                    "  SUPER-LINEAR"
                } else {
                    ""
                }
            ));
        }
        for (class, found) in &self.findings {
            for (stem, detail) in found.iter().take(20) {
                s.push_str(&format!("  {}: {stem}: {}\n", class.name(), clip(detail)));
            }
        }
        s
    }
}

fn sizes(test: bool) -> Sizes {
    if test { Sizes::TEST } else { Sizes::RELEASE }
}

/// Runs a whole fuzz: batches of cases in child processes, then the scaling probe.
pub fn fuzz(opts: &Options) -> std::io::Result<Summary> {
    std::fs::create_dir_all(&opts.work)?;
    std::fs::create_dir_all(&opts.findings)?;
    let mut summary = Summary::default();
    let start = Instant::now();
    let mut next = 0u64;
    loop {
        let left = opts.cases.map_or(u64::MAX, |c| c.saturating_sub(next));
        let timed_out = opts.duration.is_some_and(|d| start.elapsed() >= d);
        if left == 0 || timed_out {
            break;
        }
        next = batch(opts, next, left.min(opts.batch), &mut summary)?;
    }
    summary.cases = next;
    summary.elapsed = start.elapsed();
    if let Some(n) = opts.probe_n {
        for probe in Probe::ALL {
            let v = run_probe(opts, probe, n)?;
            if v.super_linear() {
                *summary.counts.entry(Class::SuperLinear).or_insert(0) += 1;
                summary.record(
                    Class::SuperLinear,
                    &format!("super-linear-{}", probe.name()),
                    &format!("{}: ×{:.1} for 10× the input", probe.name(), v.ratio()),
                );
                write_probe_finding(opts, &v)?;
            }
            summary.probes.push(v);
        }
    }
    Ok(summary)
}

/// Runs cases `from..from + count` in one child; returns the next case to run.
fn batch(opts: &Options, from: u64, count: u64, summary: &mut Summary) -> std::io::Result<u64> {
    let stderr_path = opts.work.join("child-stderr.txt");
    let mut child = Command::new(&opts.exe)
        .arg("child")
        .args(["--seed", &opts.seed.to_string()])
        .args(["--from", &from.to_string(), "--count", &count.to_string()])
        .args(["--timeout-ms", &opts.case_timeout.as_millis().to_string()])
        .arg("--findings")
        .arg(&opts.findings)
        .args(if opts.test_sizes {
            &["--test-sizes"][..]
        } else {
            &[]
        })
        .current_dir(&opts.work)
        .env("RUST_LOG", "off")
        .env("NO_COLOR", "1")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(std::fs::File::create(&stderr_path)?)
        .spawn()?;
    let mut current: Option<u64> = None;
    let mut last_done = from;
    let mut classes_of_case: Vec<Class> = Vec::new();
    if let Some(out) = child.stdout.take() {
        for line in BufReader::new(out).lines() {
            let line = line?;
            let mut parts = line.splitn(5, ' ');
            let (event, index) = (parts.next(), parts.next().and_then(|i| i.parse().ok()));
            match (event, index) {
                (Some("start"), Some(i)) => {
                    current = Some(i);
                    classes_of_case.clear();
                }
                (Some("flag"), Some(_)) => {
                    let class = parts.next().and_then(Class::from_name);
                    let stem = parts.next().unwrap_or("");
                    let detail = parts.next().unwrap_or("");
                    if let Some(class) = class {
                        if !classes_of_case.contains(&class) {
                            classes_of_case.push(class);
                            *summary.counts.entry(class).or_insert(0) += 1;
                        }
                        summary.record(class, stem, detail);
                    }
                }
                (Some("end"), Some(i)) => {
                    current = None;
                    last_done = i + 1;
                }
                (Some("hang"), Some(i)) => {
                    current = None;
                    last_done = i + 1;
                    *summary.counts.entry(Class::Hang).or_insert(0) += 1;
                    summary.record(Class::Hang, parts.next().unwrap_or(""), "over the deadline");
                }
                _ => {}
            }
        }
    }
    let status = child.wait()?;
    if let Some(i) = current {
        // The child died inside case i.
        let text = std::fs::read_to_string(&stderr_path).unwrap_or_default();
        let class = if text.contains("overflowed its stack") {
            Class::StackOverflow
        } else {
            Class::Crash
        };
        let case = Case::generate(opts.seed, i, sizes(opts.test_sizes));
        let detail = format!("child died ({status}): {}", clip(text.trim()));
        let flag = Flag {
            class,
            args: case
                .args(Path::new(&format!("case-{i}")))
                .first()
                .cloned()
                .unwrap_or_default(),
            detail: detail.clone(),
        };
        let stem = findings::write(&opts.findings, &case, &flag)?;
        *summary.counts.entry(class).or_insert(0) += 1;
        summary.record(class, &stem, &detail);
        return Ok(i + 1);
    }
    if !status.success() && status.code() != Some(HANG_EXIT) && last_done < from + count {
        // Died between cases: count it, and move on rather than loop on it.
        *summary.counts.entry(Class::Crash).or_insert(0) += 1;
        summary.record(
            Class::Crash,
            &format!("crash-batch-{last_done}"),
            &status.to_string(),
        );
        return Ok(last_done + 1);
    }
    Ok(last_done.max(from + 1))
}

/// The child: runs `count` cases from `from`, each on a thread of its own with a deadline.
pub fn child(seed: u64, from: u64, count: u64, timeout: Duration, test: bool, dir: &Path) -> ! {
    install_panic_hook();
    let stdout = std::io::stdout();
    for i in from..from + count {
        let case = Case::generate(seed, i, sizes(test));
        let _ = writeln!(stdout.lock(), "start {i}");
        let work = PathBuf::from(format!("case-{i}"));
        let (tx, rx) = mpsc::channel();
        let worker_case = case.clone();
        let worker_dir = work.clone();
        let spawned = std::thread::Builder::new()
            .name(format!("case-{i}"))
            .stack_size(CASE_STACK)
            .spawn(move || {
                let flags = match run_case(&worker_case, &worker_dir) {
                    Ok(runs) => classify(&worker_case, &runs),
                    Err(e) => vec![Flag {
                        class: Class::Crash,
                        args: Vec::new(),
                        detail: format!("cannot write the case: {e}"),
                    }],
                };
                let _ = tx.send(flags);
            });
        if spawned.is_err() {
            std::process::exit(2);
        }
        match rx.recv_timeout(timeout) {
            Ok(flags) => {
                let mut out = stdout.lock();
                for f in flags {
                    let stem = findings::write(dir, &case, &f).unwrap_or_default();
                    let detail = f.detail.replace(['\n', '\r'], " ");
                    let _ = writeln!(out, "flag {i} {} {stem} {detail}", f.class.name());
                }
                let _ = writeln!(out, "end {i}");
                let _ = std::fs::remove_dir_all(&work);
            }
            Err(_) => {
                let flag = Flag {
                    class: Class::Hang,
                    args: crate::case::current_command(),
                    detail: format!("over {} ms", timeout.as_millis()),
                };
                let stem = findings::write(dir, &case, &flag).unwrap_or_default();
                let _ = writeln!(stdout.lock(), "hang {i} {stem}");
                let _ = std::fs::remove_dir_all(&work);
                std::process::exit(HANG_EXIT);
            }
        }
    }
    std::process::exit(0)
}

/// Runs one probe: N then 10·N, each in a child of its own.
fn run_probe(opts: &Options, probe: Probe, n: usize) -> std::io::Result<Verdict> {
    let generous = Duration::from_secs(600);
    let small = probe_child(opts, probe, n, n, generous)?.unwrap_or(generous);
    let deadline = Verdict::deadline(small);
    let large = probe_child(opts, probe, n, n * 10, deadline)?;
    Ok(Verdict {
        probe,
        n,
        small,
        large,
    })
}

fn probe_child(
    opts: &Options,
    probe: Probe,
    warm_n: usize,
    n: usize,
    deadline: Duration,
) -> std::io::Result<Option<Duration>> {
    let out = Command::new(&opts.exe)
        .arg("probe")
        .args(["--probe", probe.name()])
        .args(["--warm-n", &warm_n.to_string(), "--n", &n.to_string()])
        .args(["--timeout-ms", &deadline.as_millis().to_string()])
        .current_dir(&opts.work)
        .env("RUST_LOG", "off")
        .stdin(Stdio::null())
        .stderr(Stdio::null())
        .output()?;
    let text = String::from_utf8_lossy(&out.stdout);
    Ok(text
        .lines()
        .find_map(|l| l.strip_prefix("probe-ns "))
        .and_then(|ns| ns.trim().parse::<u64>().ok())
        .map(Duration::from_nanos))
}

/// The probe child: warms up at `warm_n`, then times `n` (best of three at the small size)
/// within `timeout`; prints `probe-ns NANOS`, or nothing past the deadline.
pub fn probe(probe: Probe, warm_n: usize, n: usize, timeout: Duration) -> ! {
    install_panic_hook();
    let dir = PathBuf::from(format!("probe-{}", probe.name()));
    let reps = if warm_n == n { 3 } else { 1 };
    let warm = probe.prepare(&dir, warm_n);
    if let Ok(args) = &warm {
        crate::case::run_command(args);
    }
    let Ok(args) = probe.prepare(&dir, n) else {
        std::process::exit(2)
    };
    let (tx, rx) = mpsc::channel();
    let spawned = std::thread::Builder::new()
        .stack_size(CASE_STACK)
        .spawn(move || {
            let mut best = Duration::MAX;
            for _ in 0..reps {
                let t = Instant::now();
                crate::case::run_command(&args);
                best = best.min(t.elapsed());
            }
            let _ = tx.send(best);
        });
    if spawned.is_err() {
        std::process::exit(2);
    }
    let code = match rx.recv_timeout(timeout.saturating_mul(reps as u32)) {
        Ok(best) => {
            let _ = writeln!(std::io::stdout(), "probe-ns {}", best.as_nanos());
            0
        }
        Err(_) => 0,
    };
    let _ = std::fs::remove_dir_all(&dir);
    std::process::exit(code)
}

fn write_probe_finding(opts: &Options, v: &Verdict) -> std::io::Result<()> {
    let stem = format!("super-linear-{}", v.probe.name());
    let dir = opts.work.join("probe-finding");
    let args = v.probe.prepare(&dir, v.n * 10)?;
    let file = dir.join(format!("{}-{}.toml", v.probe.name(), v.n * 10));
    std::fs::copy(&file, opts.findings.join(format!("{stem}.toml")))?;
    let text = format!(
        "class: super-linear\nprobe: {}\nN = {}: {:.1} ms; 10N: {}; ratio {:.1} (limit {})\ncommand: {}\n\
         reproduce: cargo run --release -p bilan-fuzz -- probe --probe {} --warm-n {} --n {} --timeout-ms 600000\n",
        v.probe.name(),
        v.n,
        v.small.as_secs_f64() * 1e3,
        v.large.map_or("past the deadline".to_owned(), |l| format!(
            "{:.1} ms",
            l.as_secs_f64() * 1e3
        )),
        v.ratio(),
        scaling::MAX_RATIO,
        args.join(" "),
        v.probe.name(),
        v.n,
        v.n * 10
    );
    std::fs::write(opts.findings.join(format!("{stem}.args")), text)?;
    let _ = std::fs::remove_dir_all(&dir);
    Ok(())
}
