//! A Ballista scheduler and executors in one process, on ephemeral ports of this machine,
//! until standard input closes: `cargo run --release -p bilan-scale --example local-cluster
//! -- [EXECUTORS] [TASKS]`. Prints the scheduler's address (`df://localhost:PORT`) on its first
//! line, for `bilan compare --engine ballista --ballista URL`. `cargo xtask bench --telemetry
//! --columnar` runs it; a real cluster runs Ballista's own binaries (docs/scale.md).

use std::io::{BufRead as _, Write as _};

fn main() -> Result<(), String> {
    let mut args = std::env::args().skip(1);
    let mut number = |default: usize| -> Result<usize, String> {
        match args.next() {
            None => Ok(default),
            Some(a) => a
                .parse()
                .ok()
                .filter(|&n: &usize| n > 0)
                .ok_or_else(|| format!("`{a}`: expected a positive number")),
        }
    };
    let (executors, tasks) = (number(2)?, number(1)?);
    let cluster = bilan_scale::cluster::LocalCluster::start(executors, tasks)?;
    let mut out = std::io::stdout().lock();
    writeln!(out, "{}", cluster.url()).map_err(|e| e.to_string())?;
    out.flush().map_err(|e| e.to_string())?;
    drop(out);
    // Serve until standard input closes.
    for line in std::io::stdin().lock().lines() {
        if line.is_err() {
            break;
        }
    }
    Ok(())
}
