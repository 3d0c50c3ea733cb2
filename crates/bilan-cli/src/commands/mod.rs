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
    };
    let mut timings = session::Timings::new(cli.timings);
    let result = match cli.command {
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
