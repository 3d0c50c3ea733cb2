//! The short seeded fuzz that runs with `cargo test`: a fixed number of cases and the scaling
//! probe at a small N, through the real driver (a child process per batch, so a stack
//! overflow fails this test instead of killing the test binary).
//!
//! Policy: which classes of finding fail the test is decided here, by class, in
//! [`ALWAYS_FATAL`] and [`FATAL_ONCE_ISSUE_11_IS_FIXED`]; both are asserted.

use std::path::PathBuf;
use std::time::{Duration, Instant};

use bilan_fuzz::case::{Case, FIGURES, install_panic_hook, run_case};
use bilan_fuzz::classify::classify;
use bilan_fuzz::corpus::{FACTORS, INVENTORIES, METHODOLOGIES};
use bilan_fuzz::{Class, Options};

/// The seed of the in-test fuzz (fixed: the same cases on every run).
const SEED: u64 = 11;
/// Cases run; about 25 s in a debug build on two cores.
const CASES: u64 = 250;
/// N of the scaling probe (10·N is timed against N).
const PROBE_N: usize = 60;
/// A case over this is a hang (a debug build is about ten times slower than release).
const CASE_TIMEOUT: Duration = Duration::from_secs(15);

/// Classes that may never be found: a crash of any kind or a hang on any input.
const ALWAYS_FATAL: [Class; 4] = [
    Class::Panic,
    Class::Hang,
    Class::StackOverflow,
    Class::Crash,
];

/// Classes that issue 11's fixes remove (non-finite figures, unlocated errors, unbounded
/// error output, super-linear time): asserted as well.
const FATAL_ONCE_ISSUE_11_IS_FIXED: [Class; 4] = [
    Class::NonFinite,
    Class::Unlocated,
    Class::HugeOutput,
    Class::SuperLinear,
];

/// Whether a finding of `class` fails the test.
fn fatal(class: Class) -> bool {
    ALWAYS_FATAL.contains(&class) || FATAL_ONCE_ISSUE_11_IS_FIXED.contains(&class)
}

#[test]
fn short_seeded_fuzz_finds_nothing() {
    let root = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("short-fuzz");
    let _ = std::fs::remove_dir_all(&root);
    let opts = Options {
        exe: PathBuf::from(env!("CARGO_BIN_EXE_bilan-fuzz")),
        seed: SEED,
        cases: Some(CASES),
        duration: None,
        batch: 125,
        case_timeout: CASE_TIMEOUT,
        test_sizes: true,
        findings: root.join("findings"),
        work: root.join("work"),
        probe_n: Some(PROBE_N),
    };
    let started = Instant::now();
    let summary = bilan_fuzz::fuzz(&opts).expect("the fuzz driver runs");
    let report = summary.render();
    eprintln!(
        "{report}(in-test fuzz: {:.1} s; findings in {})",
        started.elapsed().as_secs_f64(),
        opts.findings.display()
    );
    assert_eq!(summary.cases, CASES, "{report}");
    let failed: Vec<&str> = Class::ALL
        .into_iter()
        .filter(|&c| fatal(c) && summary.count(c) > 0)
        .map(Class::name)
        .collect();
    assert!(
        failed.is_empty(),
        "the fuzz found {}:\n{report}",
        failed.join(", ")
    );
}

/// The unmutated corpus is clean: the classifier flags nothing on inputs bilan handles
/// (a false positive here would make every finding suspect).
#[test]
fn unmutated_corpus_gives_no_finding() {
    install_panic_hook();
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("unmutated-corpus");
    for seed in INVENTORIES.iter().chain(&METHODOLOGIES).chain(&FACTORS) {
        // Every command, on the original bytes.
        for (index, figure) in FIGURES.iter().enumerate() {
            let mut case = Case::generate(SEED, 0, bilan_fuzz::mutate::Sizes::TEST);
            case.base = *seed;
            case.data = seed.text.as_bytes().to_vec();
            case.mutations.clear();
            let method = seed.method_id.unwrap_or("ademe-lca");
            case.commands = Case::all_commands(seed.role, method, figure);
            if index > 0 {
                // The other figures only with `explain`.
                case.commands.drain(1..case.commands.len() - 1);
            }
            let runs = run_case(&case, &dir.join(index.to_string())).expect("write the case");
            let codes: Vec<_> = runs.iter().map(|r| (r.args.clone(), r.code)).collect();
            // The command is the first argument after the global flags (`--no-config`).
            let explain = |r: &bilan_fuzz::case::Ran| {
                r.args
                    .iter()
                    .skip(1)
                    .find(|a| !a.starts_with('-'))
                    .is_some_and(|c| c == "explain")
            };
            assert!(
                runs.iter()
                    .all(|r| r.code == Some(0) || (explain(r) && r.code == Some(2))),
                "{}: {codes:?}\n{}",
                seed.name,
                runs.iter()
                    .map(|r| String::from_utf8_lossy(&r.stderr).into_owned())
                    .collect::<String>()
            );
            let flags = classify(&case, &runs);
            assert!(flags.is_empty(), "{}: {flags:?}", seed.name);
        }
    }
}
