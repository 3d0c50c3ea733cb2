//! The commands, one module each; [`run`] dispatches. What the commands that assess share
//! (the session, timings, failure reporting) is in `session`; the standard streams are
//! [`crate::output::Io`].

mod assess;
mod check;
mod compare;
mod completions;
mod diff;
mod disclosure;
mod explain;
mod factors;
mod hardware;
mod import;
mod measure;
mod metered;
mod methods;
mod plugins;
mod session;
mod systems;
mod uncertainty;
mod validate;

use std::io::Write;

use crate::args::{Cli, Command};
use crate::errors::Failure;
use crate::output::Io;
use crate::settings::Settings;

pub(crate) fn run(
    cli: Cli,
    stdout: &mut dyn Write,
    stderr: &mut dyn Write,
    exiting: bool,
) -> Result<(), Failure> {
    let mut io = Io {
        stdout,
        stderr,
        exiting,
        quiet: cli.quiet,
        json_errors: cli.error_format == crate::args::ErrorFormat::Json,
    };
    let mut timings = session::Timings::new(cli.timings);
    let mut command = cli.command;
    // Only the commands that take a setting read the configuration: a bad one cannot stop
    // `completions`, `plugins inspect` or `measure`.
    if !cli.no_config && takes_settings(&command) {
        let settings = Settings::load(&|name| std::env::var_os(name))?;
        apply(&settings, &mut command);
    }
    let result = match command {
        Command::Assess(cmd) => assess::assess(cmd, &mut io, &mut timings),
        Command::Compare(cmd) => compare::compare(cmd, &mut io, &mut timings),
        Command::Explain(cmd) => explain::explain(cmd, &mut io, &mut timings),
        Command::Methods(args) => methods::methods(&args, &mut io),
        Command::Factors(cmd) => factors::factors(&cmd, &mut io),
        Command::Hardware(cmd) => hardware::hardware(&cmd, &mut io),
        Command::Import(cmd) => import::import(&cmd, &mut io),
        Command::Check(cmd) => check::check(cmd, &mut io, &mut timings),
        Command::Diff(cmd) => diff::diff(cmd, &mut io, &mut timings),
        Command::Validate {
            inventory,
            factors,
            hardware,
        } => validate::validate(&inventory, &factors, &hardware, &mut io, &mut timings),
        Command::Plugins(cmd) => plugins::command(&cmd, &mut io),
        Command::Measure(cmd) => measure::measure(&cmd, &mut io),
        Command::Completions { shell } => completions::completions(shell, &mut io),
    };
    timings.print(&mut io);
    result
}

/// Whether `command` takes a setting of the configuration or the environment.
fn takes_settings(command: &Command) -> bool {
    matches!(
        command,
        Command::Assess(_)
            | Command::Compare(_)
            | Command::Explain(_)
            | Command::Check(_)
            | Command::Diff(_)
            | Command::Methods(_)
            | Command::Validate { .. }
            | Command::Factors(_)
    )
}

/// The settings of the configuration and environment, under the command line's.
fn apply(settings: &Settings, command: &mut Command) {
    match command {
        Command::Assess(cmd) => settings.apply(&mut cmd.common),
        Command::Compare(cmd) => {
            settings.apply(&mut cmd.common);
            settings.apply_lang(&mut cmd.lang, &mut cmd.common.settings);
        }
        Command::Explain(cmd) => settings.apply(&mut cmd.common),
        Command::Check(cmd) => settings.apply(&mut cmd.common),
        Command::Diff(cmd) => settings.apply(&mut cmd.common),
        Command::Methods(args) => {
            settings.apply_methodologies(&mut args.sources.methodology_dirs, &mut Vec::new());
        }
        Command::Validate { factors, .. } => settings.apply_factors(factors, &mut Vec::new()),
        Command::Factors(cmd) => settings.apply_factors(&mut cmd.factors, &mut Vec::new()),
        Command::Hardware(_)
        | Command::Import(_)
        | Command::Plugins(_)
        | Command::Measure(_)
        | Command::Completions { .. } => {}
    }
}
