//! `bilan completions SHELL`: a completion script on stdout, with the ids of the methods at
//! hand and the figure paths that do not depend on an inventory offered as values.

use clap::builder::PossibleValuesParser;
use clap::{Arg, Command};
use clap_complete::Shell;

use crate::catalogue::Catalogue;
use crate::catalogue::sources::Sources;
use crate::errors::Failure;
use crate::output::Io;

pub(crate) fn completions(shell: Shell, io: &mut Io<'_>) -> Result<(), Failure> {
    // The methods a plain run sees: built-in, shipped and ./methodologies. Plugins are never
    // loaded to write a script.
    let catalogue = Catalogue::load(&Sources::default())?;
    let methods: Vec<String> = catalogue
        .entries()
        .iter()
        .map(|e| e.method.descriptor().id.clone())
        .collect();
    let mut cmd = offer(
        crate::command(),
        &methods,
        &bilan_core::figure::FigurePath::fixed(),
    );
    let mut script = Vec::new();
    clap_complete::generate(shell, &mut cmd, "bilan", &mut script);
    io.stdout
        .write_all(&script)
        .map_err(|e| Failure::Other(e.into()))
}

/// `cmd` with `methods` offered for every `--method` and `figures` for every `--figure`, in
/// every subcommand. Only the script is written from it: parsing still accepts any id (a
/// plugin's, a file's) and any figure path.
fn offer(cmd: Command, methods: &[String], figures: &[String]) -> Command {
    let subcommands: Vec<String> = cmd
        .get_subcommands()
        .map(|s| s.get_name().to_owned())
        .collect();
    let mut cmd = cmd;
    for arg in cmd
        .get_arguments()
        .map(|a| a.get_id().to_string())
        .collect::<Vec<_>>()
    {
        cmd = match arg.as_str() {
            "methods" => cmd.mut_arg(&arg, |a| values(a, methods)),
            "figure" => cmd.mut_arg(&arg, |a| values(a, figures)),
            _ => cmd,
        };
    }
    for name in subcommands {
        cmd = cmd.mut_subcommand(&name, |s| offer(s, methods, figures));
    }
    cmd
}

fn values(arg: Arg, values: &[String]) -> Arg {
    arg.value_parser(PossibleValuesParser::new(values.iter().cloned()))
}
