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
mod checks;
mod commands;
mod engine;
mod errors;
mod inputs;
mod lines;
mod notices;
mod output;
pub mod registry;
mod settings;

use std::ffi::OsString;
use std::io::{IsTerminal as _, Write};

use clap::Parser;

use crate::args::Cli;
use crate::errors::Failure;

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

/// The command line's definition: its arguments, help and subcommands, for generating
/// completions and the manual (`cargo xtask man`).
pub fn command() -> clap::Command {
    <Cli as clap::CommandFactory>::command()
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
            // The message repeats the arguments, which may hold control characters.
            let text = bilan_units::text::escape(&e.render().to_string()).into_owned();
            if e.use_stderr() {
                let _ = write!(stderr, "{text}");
                return 2;
            }
            let _ = write!(stdout, "{text}");
            return 0;
        }
    };
    init_tracing(cli.verbose, cli.quiet);
    let all_errors = cli.all_errors;
    let json = cli.error_format == args::ErrorFormat::Json;
    match commands::run(cli, stdout, stderr, exiting) {
        Ok(()) => 0,
        Err(Failure::Assessment) => 1,
        Err(Failure::Exit(code)) => code,
        Err(Failure::Input(errors)) => {
            if json {
                errors::print_json(stderr, &errors::file_errors_json(&errors));
            } else {
                errors::print(stderr, &errors::render_file_errors(&errors, all_errors));
            }
            2
        }
        Err(Failure::Usage(e)) => {
            errors::print_error(stderr, json, "usage", &e);
            2
        }
        Err(Failure::Other(e)) => {
            errors::print_error(stderr, json, "other", &e);
            2
        }
    }
}

/// Whether log lines get ANSI colours: only on a terminal, and never with `NO_COLOR` set to
/// anything but the empty string (<https://no-color.org>).
fn log_colours(stderr_is_terminal: bool, no_color: Option<&std::ffi::OsStr>) -> bool {
    stderr_is_terminal && no_color.is_none_or(|v| v.is_empty())
}

fn init_tracing(verbose: u8, quiet: bool) {
    let default = match verbose {
        0 => "bilan=warn",
        1 => "bilan=info",
        _ => "bilan=debug",
    };
    // `-q` leaves errors only, whatever RUST_LOG says.
    let filter = if quiet {
        tracing_subscriber::EnvFilter::new("bilan=error")
    } else {
        tracing_subscriber::EnvFilter::try_from_default_env()
            .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new(default))
    };
    let ansi = log_colours(
        std::io::stderr().is_terminal(),
        std::env::var_os("NO_COLOR").as_deref(),
    );
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_ansi(ansi)
        // A short human line: the level and the message, no timestamp or module path.
        .without_time()
        .with_target(false)
        .with_writer(std::io::stderr)
        .try_init();
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn logs_are_coloured_only_on_a_terminal_without_no_color() {
        use std::ffi::OsStr;
        assert!(log_colours(true, None));
        assert!(log_colours(true, Some(OsStr::new(""))));
        assert!(!log_colours(true, Some(OsStr::new("1"))));
        assert!(!log_colours(false, None));
        assert!(!log_colours(false, Some(OsStr::new(""))));
    }
}
