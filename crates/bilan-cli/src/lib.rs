//! The `bilan` command line: argument parsing, output, exit codes. The only crate that
//! writes to the terminal or installs a tracing subscriber.
//!
//! [`run`] is the whole program with its standard streams passed in, so end-to-end tests
//! run it in process; `src/main.rs` only wires the real streams.
//!
//! Exit codes: 0 success; 1 a methodology could not assess the inventory; 2 bad input or
//! usage (unreadable or invalid files, unknown method or parameter).

mod args;
mod catalogue;
mod commands;
mod declarative;
mod plugins;
pub mod registry;

use std::ffi::OsString;
use std::io::Write;

use clap::Parser;

use crate::args::Cli;

/// How a command failed, which decides the exit code.
#[derive(Debug)]
pub(crate) enum Failure {
    /// A methodology failed (exit 1); the report was still written.
    Assessment,
    /// Bad input files (exit 2), shown as diagnostics.
    Input(miette::Report),
    /// Bad usage (exit 2).
    Usage(anyhow::Error),
    /// Anything else, e.g. an output file that cannot be written (exit 2).
    Other(anyhow::Error),
}

impl From<anyhow::Error> for Failure {
    fn from(e: anyhow::Error) -> Self {
        Failure::Other(e)
    }
}

impl From<bilan_io::FileErrors> for Failure {
    fn from(mut e: bilan_io::FileErrors) -> Self {
        if e.errors.len() == 1
            && let Some(one) = e.errors.pop()
        {
            return Failure::Input(miette::Report::new(one));
        }
        Failure::Input(miette::Report::new(e))
    }
}

/// Runs bilan with `args` (program name first), writing to `stdout` and `stderr`; returns
/// the exit code.
pub fn run(
    args: impl IntoIterator<Item = impl Into<OsString> + Clone>,
    stdout: &mut dyn Write,
    stderr: &mut dyn Write,
) -> u8 {
    run_with(args, stdout, stderr, false)
}

/// [`run`] for the `bilan` process itself: the inventory and assessments of a comparison
/// are not freed one allocation at a time before exiting (the operating system reclaims
/// them at once; on a large inventory that saves a noticeable share of the run).
pub fn run_process(
    args: impl IntoIterator<Item = impl Into<OsString> + Clone>,
    stdout: &mut dyn Write,
    stderr: &mut dyn Write,
) -> u8 {
    run_with(args, stdout, stderr, true)
}

fn run_with(
    args: impl IntoIterator<Item = impl Into<OsString> + Clone>,
    stdout: &mut dyn Write,
    stderr: &mut dyn Write,
    exiting: bool,
) -> u8 {
    let cli = match Cli::try_parse_from(args) {
        Ok(cli) => cli,
        Err(e) => {
            if e.use_stderr() {
                let _ = write!(stderr, "{}", e.render());
                return 2;
            }
            let _ = write!(stdout, "{}", e.render());
            return 0;
        }
    };
    init_tracing(cli.verbose);
    match commands::run(cli, stdout, stderr, exiting) {
        Ok(()) => 0,
        Err(Failure::Assessment) => 1,
        Err(Failure::Input(report)) => {
            let mut text = String::new();
            let handler = miette::GraphicalReportHandler::new_themed(
                miette::GraphicalTheme::unicode_nocolor(),
            )
            .with_width(400)
            .with_links(false);
            if handler.render_report(&mut text, report.as_ref()).is_err() {
                text = format!("{report}");
            }
            let _ = writeln!(stderr, "{}", text.trim_end());
            2
        }
        Err(Failure::Usage(e)) | Err(Failure::Other(e)) => {
            let _ = writeln!(stderr, "error: {e:#}");
            2
        }
    }
}

fn init_tracing(verbose: u8) {
    let default = match verbose {
        0 => "bilan=warn",
        1 => "bilan=info",
        _ => "bilan=debug",
    };
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new(default));
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .try_init();
}
