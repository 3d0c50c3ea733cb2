//! `cargo xtask`: the project's automation, in Rust so it runs wherever cargo does.
//!
//! * `cargo xtask test`: everything CI runs (`.ci/run` calls it): the workspace's tests
//!   (which include the codegen and tidy checks), then `cargo install` of the CLI as the
//!   README says, and the installed binary run.
//! * `cargo xtask ci`: formatting check and clippy with warnings denied, then `test`.
//! * `cargo xtask codegen [--check]`: regenerates `docs/inventory.schema.json` from the
//!   inventory model (or checks it is up to date).
//! * `cargo xtask tidy`: repository conventions (crate docs, `unsafe` only where allowed,
//!   every crate in ARCHITECTURE.md).
//! * `cargo xtask bench [--workloads N [--uncertainty] | --sizes N,N,… [--runs R]] [--check]`: the scale
//!   benchmark of `bilan compare` (`--sizes`: several sizes, TOML and JSON, against a plain
//!   parse floor, with the scale targets).
//! * `cargo xtask html-check [FILE]`: renders HTML reports in headless Chromium and fails on
//!   script errors or a blank chart.
//! * `cargo xtask new-plugin NAME`: scaffolds a methodology plugin crate in `plugins/NAME`.
//! * `cargo xtask man [--out DIR]`: the manual pages of `bilan` and its commands, from its
//!   command-line definition, into `target/man`.
//! * `cargo xtask fuzz [--minutes N] [--seed S]`: the mutation fuzzer (`tests/fuzz`) in
//!   release; fails when it finds anything.
//! * `cargo xtask measure-check [--seconds N] [--gpu I]`: on a machine with an NVIDIA GPU,
//!   `bilan measure` of a PyTorch training loop against nvidia-smi's own readings.

#![allow(clippy::print_stdout, clippy::print_stderr)]

mod bench;
mod codegen;
mod fuzz;
mod html_check;
mod man;
mod measure_check;
mod new_plugin;
mod test;
mod tidy;

use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{Context as _, bail};

/// Runs the task; a failure prints its chain of causes on one line, without the backtrace
/// anyhow would capture under `RUST_BACKTRACE`, so that the last lines of a CI log name what
/// failed (cargo's own summary of failed tests just above it) rather than xtask's stack.
fn main() -> std::process::ExitCode {
    match task() {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("xtask: error: {e:#}");
            std::process::ExitCode::FAILURE
        }
    }
}

fn task() -> anyhow::Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let rest: Vec<&str> = args.iter().skip(1).map(String::as_str).collect();
    match args.first().map(String::as_str) {
        Some("ci") => ci(),
        Some("codegen") => codegen::run(if rest.contains(&"--check") {
            codegen::Mode::Check
        } else {
            codegen::Mode::Write
        }),
        Some("test") => test::run(&rest),
        Some("tidy") => tidy::run(&root()),
        Some("bench") => bench::bench(&rest),
        // Hidden: the parse floor that `bench --sizes` runs in release.
        Some("bench-floor") => bench::floor::run(&rest),
        // Hidden: the telemetry scan floor that `bench --telemetry` runs in release.
        Some("bench-telemetry-floor") => bench::telemetry_floor(&rest),
        Some("html-check") => html_check::run(&rest),
        Some("new-plugin") => new_plugin::run(&rest),
        Some("man") => man::run(&root(), &rest),
        Some("fuzz") => fuzz::run(&rest),
        Some("measure-check") => measure_check::run(&rest),
        _ => {
            eprintln!(
                "usage: cargo xtask <test | ci | codegen [--check] | tidy | bench [--workloads N [--uncertainty [--brightway PY]] | --sizes N,N,… [--runs R]] [--check] (--help) | html-check [FILE.html] | new-plugin NAME | man [--out DIR] | fuzz [--minutes N] [--seed S] | measure-check [--seconds N] [--gpu I]>"
            );
            bail!("unknown or missing task")
        }
    }
}

/// The repository root (xtask lives one level below it).
pub(crate) fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_else(|| PathBuf::from("."))
}

pub(crate) fn cargo(args: &[&str]) -> anyhow::Result<()> {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned());
    eprintln!("$ cargo {}", args.join(" "));
    let status = Command::new(cargo)
        .args(args)
        .current_dir(root())
        .status()
        .context("cannot run cargo")?;
    if !status.success() {
        bail!("`cargo {}` failed", args.join(" "));
    }
    Ok(())
}

fn ci() -> anyhow::Result<()> {
    cargo(&["fmt", "--all", "--check"])?;
    cargo(&[
        "clippy",
        "--workspace",
        "--all-targets",
        "--",
        "-D",
        "warnings",
    ])?;
    test::run(&[])?;
    eprintln!("ci: all checks passed");
    Ok(())
}
