//! `bilan-fuzz`: the fuzz driver (`cargo xtask fuzz` runs it in release).
//!
//! * `bilan-fuzz [run] [--minutes N | --cases N] [--seed S] [--findings DIR] [--no-probe]`
//! * `bilan-fuzz replay --seed S --case I`: runs one case and prints what it did.
//! * `child` and `probe` are what the driver starts; they are not meant to be typed.

#![allow(clippy::print_stdout, clippy::print_stderr)]

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use bilan_fuzz::case::{Case, install_panic_hook, run_case};
use bilan_fuzz::classify::classify;
use bilan_fuzz::driver::{self, Options};
use bilan_fuzz::mutate::Sizes;
use bilan_fuzz::scaling::Probe;

const USAGE: &str = "usage: bilan-fuzz [run] [--minutes N | --cases N] [--seed S] [--findings DIR] \
[--timeout-s S] [--probe-n N | --no-probe] [--test-sizes] | replay --seed S --case I";

struct Flags(Vec<String>);

impl Flags {
    fn value(&self, name: &str) -> Option<&str> {
        let at = self.0.iter().position(|a| a == name)?;
        self.0.get(at + 1).map(String::as_str)
    }
    fn number<T: std::str::FromStr>(&self, name: &str) -> Result<Option<T>, String> {
        self.value(name)
            .map(|v| {
                v.parse()
                    .map_err(|_| format!("{name}: `{v}` is not a number"))
            })
            .transpose()
    }
    fn has(&self, name: &str) -> bool {
        self.0.iter().any(|a| a == name)
    }
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match real_main(args) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("bilan-fuzz: {e}\n{USAGE}");
            ExitCode::from(2)
        }
    }
}

fn real_main(args: Vec<String>) -> Result<ExitCode, String> {
    let (command, rest) = match args.first().map(String::as_str) {
        Some(c @ ("run" | "child" | "probe" | "replay")) => (c.to_owned(), args[1..].to_vec()),
        _ => ("run".to_owned(), args),
    };
    let f = Flags(rest);
    let seed = f.number("--seed")?.unwrap_or(1u64);
    let timeout = Duration::from_millis(f.number("--timeout-ms")?.unwrap_or(10_000u64));
    match command.as_str() {
        "child" => {
            let from = f.number("--from")?.unwrap_or(0);
            let count = f.number("--count")?.unwrap_or(1);
            let findings = PathBuf::from(f.value("--findings").unwrap_or("findings"));
            driver::child(seed, from, count, timeout, f.has("--test-sizes"), &findings)
        }
        "probe" => {
            let probe = f
                .value("--probe")
                .and_then(Probe::from_name)
                .ok_or("--probe: unknown probe")?;
            let n = f.number("--n")?.unwrap_or(100);
            let warm_n = f.number("--warm-n")?.unwrap_or(n);
            driver::probe(probe, warm_n, n, timeout)
        }
        "replay" => {
            let index = f.number("--case")?.ok_or("--case is required")?;
            let sizes = if f.has("--test-sizes") {
                Sizes::TEST
            } else {
                Sizes::RELEASE
            };
            let case = Case::generate(seed, index, sizes);
            install_panic_hook();
            println!(
                "case {index} of seed {seed}: {} ({})",
                case.base.name,
                case.base.role.name()
            );
            for m in &case.mutations {
                println!("  mutation: {m}");
            }
            let dir = PathBuf::from(format!("target/fuzz/replay-{seed}-{index}"));
            let runs = run_case(&case, &dir).map_err(|e| e.to_string())?;
            for r in &runs {
                println!("$ {}  → exit {:?}", r.args.join(" "), r.code);
                let err = String::from_utf8_lossy(&r.stderr);
                for line in err.lines().take(20) {
                    println!("  stderr: {}", bilan_fuzz::classify::clip(line));
                }
            }
            let flags = classify(&case, &runs);
            for fl in &flags {
                println!("finding: {}: {}", fl.class.name(), fl.detail);
            }
            println!("files in {}", dir.display());
            Ok(if flags.is_empty() {
                ExitCode::SUCCESS
            } else {
                ExitCode::FAILURE
            })
        }
        _ => {
            let exe = std::env::current_exe().map_err(|e| e.to_string())?;
            let root = PathBuf::from(f.value("--target").unwrap_or("target/fuzz"));
            let findings = f
                .value("--findings")
                .map_or_else(|| root.join("findings"), PathBuf::from);
            let minutes: Option<f64> = f.number("--minutes")?;
            let cases: Option<u64> = f.number("--cases")?;
            let timeout_s: f64 = f.number("--timeout-s")?.unwrap_or(10.0);
            let opts = Options {
                exe,
                seed,
                cases,
                duration: match (minutes, cases) {
                    (Some(m), _) => Some(Duration::from_secs_f64(m * 60.0)),
                    (None, Some(_)) => None,
                    (None, None) => Some(Duration::from_secs(60)),
                },
                batch: f.number("--batch")?.unwrap_or(200),
                case_timeout: Duration::from_secs_f64(timeout_s),
                test_sizes: f.has("--test-sizes"),
                findings: absolute(findings)?,
                work: absolute(root.join("work"))?,
                probe_n: if f.has("--no-probe") {
                    None
                } else {
                    Some(f.number("--probe-n")?.unwrap_or(300))
                },
            };
            eprintln!(
                "bilan-fuzz: seed {seed}, findings in {}",
                opts.findings.display()
            );
            let summary = driver::fuzz(&opts).map_err(|e| e.to_string())?;
            print!("{}", summary.render());
            Ok(if summary.clean() {
                ExitCode::SUCCESS
            } else {
                ExitCode::FAILURE
            })
        }
    }
}

fn absolute(p: PathBuf) -> Result<PathBuf, String> {
    if p.is_absolute() {
        return Ok(p);
    }
    std::env::current_dir()
        .map(|d| d.join(p))
        .map_err(|e| e.to_string())
}
