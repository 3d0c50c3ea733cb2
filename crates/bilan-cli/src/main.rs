//! `bilan`: the environmental footprint of AI systems under several methodologies, side by
//! side, with every number traceable. See `bilan --help`.

use std::process::ExitCode;

fn main() -> ExitCode {
    let code = bilan_cli::run_process(
        std::env::args_os(),
        &mut std::io::stdout(),
        &mut std::io::stderr(),
    );
    ExitCode::from(code)
}

#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;
