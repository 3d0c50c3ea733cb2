//! `cargo xtask bench --telemetry --columnar`: the same year of telemetry summed by the
//! columnar path (`bilan-scale`), by DataFusion on this machine and by a Ballista cluster of
//! two executors started on it (`bilan-scale`'s `local-cluster` example), against the same
//! floor; and the check that the three engines agree: the cluster's CSV report is one
//! machine's to the byte, and the row-checked reader's within 1e-12.

use std::fmt::Write as _;
use std::io::{BufRead as _, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};

use anyhow::{Context as _, bail};

use super::{Run, best};
use crate::root;

/// A local Ballista cluster, stopped when dropped.
pub(super) struct Cluster {
    child: Child,
    pub(super) url: String,
}

impl Drop for Cluster {
    fn drop(&mut self) {
        // Closing its standard input stops it; a kill is the fallback.
        drop(self.child.stdin.take());
        if self.child.wait().is_err() {
            let _ = self.child.kill();
        }
    }
}

/// Builds the CLI with the `scale` feature and the local cluster, in release.
pub(super) fn build() -> anyhow::Result<()> {
    crate::cargo(&[
        "build",
        "--release",
        "-p",
        "bilan-cli",
        "--features",
        "scale",
    ])?;
    crate::cargo(&[
        "build",
        "--release",
        "-p",
        "bilan-scale",
        "--example",
        "local-cluster",
    ])
}

/// Starts a scheduler and two executors of one task each (one per core of a 2-core host).
pub(super) fn cluster() -> anyhow::Result<Cluster> {
    let binary = root().join("target/release/examples/local-cluster");
    let mut child = Command::new(&binary)
        .args(["2", "1"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .with_context(|| format!("cannot start {}", binary.display()))?;
    let stdout = child.stdout.take().context("the cluster's output")?;
    let mut url = String::new();
    BufReader::new(stdout).read_line(&mut url)?;
    let url = url.trim().to_owned();
    if !url.starts_with("df://") {
        let _ = child.kill();
        bail!("the local cluster did not say its address (`{url}`)");
    }
    Ok(Cluster { child, url })
}

/// One engine's compare: its arguments.
fn engine_args<'a>(engine: &'a str, cluster: &'a Cluster) -> Vec<&'a str> {
    match engine {
        "rows" => vec![],
        "datafusion" => vec!["--engine", "datafusion"],
        _ => vec!["--engine", "ballista", "--ballista", &cluster.url],
    }
}

/// The CSV report of `inventory` under `engine`, written to `dir`.
fn csv(
    bilan: &Path,
    inventory: &str,
    engine: &str,
    cluster: &Cluster,
    dir: &Path,
) -> anyhow::Result<PathBuf> {
    let path = dir.join(format!("compare-{engine}.csv"));
    let path_text = path.display().to_string();
    let mut args = vec![
        "--no-config",
        "compare",
        inventory,
        "-f",
        "csv",
        "-o",
        &path_text,
    ];
    args.extend(engine_args(engine, cluster));
    args.extend(["--param", "ghg-protocol:market-matching=hourly"]);
    let out = Command::new(bilan).args(&args).output()?;
    if !out.status.success() {
        bail!(
            "bilan {}: {}",
            args.join(" "),
            String::from_utf8_lossy(&out.stderr)
        );
    }
    Ok(path)
}

/// The largest relative difference between the numbers of two CSV reports of the same
/// shape (`section,indicator,method,key,value,unit`); `None` if they differ otherwise. A
/// figure is compared with its own size; a divergence's residual, the rounding noise of a
/// difference of totals, with the largest figure of its indicator.
fn largest_difference(a: &str, b: &str) -> Option<f64> {
    let (a, b): (Vec<&str>, Vec<&str>) = (a.lines().collect(), b.lines().collect());
    if a.len() != b.len() {
        return None;
    }
    let mut largest_of: std::collections::BTreeMap<&str, f64> = Default::default();
    for line in &a {
        let cells: Vec<&str> = line.split(',').collect();
        if let (Some(indicator), Some(Ok(v))) =
            (cells.get(1), cells.get(4).map(|v| v.parse::<f64>()))
        {
            let m = largest_of.entry(indicator).or_insert(0.0);
            *m = m.max(v.abs());
        }
    }
    let mut largest = 0.0f64;
    for (x, y) in a.iter().zip(&b) {
        let (cx, cy): (Vec<&str>, Vec<&str>) = (x.split(',').collect(), y.split(',').collect());
        if cx.len() != cy.len() {
            return None;
        }
        let residual = cx.get(3) == Some(&"residual");
        for (p, q) in cx.iter().zip(&cy) {
            match (p.parse::<f64>(), q.parse::<f64>()) {
                (Ok(p), Ok(q)) => {
                    let own = p.abs().max(q.abs());
                    let scale = if residual {
                        own.max(largest_of.get(cx[1]).copied().unwrap_or(0.0))
                    } else {
                        own
                    };
                    if scale > 0.0 {
                        largest = largest.max((p - q).abs() / scale);
                    }
                }
                _ if p == q => {}
                _ => return None,
            }
        }
    }
    Some(largest)
}

/// The columnar rows of the report for one file (`name`), and the verdicts: whether the
/// engines agree.
#[allow(clippy::too_many_arguments)]
pub(super) fn measure(
    report: &mut String,
    verdicts: &mut String,
    (name, inventory): (&str, &str),
    bilan: &Path,
    cluster: &Cluster,
    runs: usize,
    (rows, floor): (usize, f64),
    row: impl Fn(&mut String, &str, &str, &Run, usize, f64),
) -> anyhow::Result<bool> {
    for engine in ["datafusion", "ballista"] {
        let mut args = vec![
            "compare",
            inventory,
            "--param",
            "ghg-protocol:market-matching=hourly",
            "-o",
            "/dev/null",
        ];
        args.extend(engine_args(engine, cluster));
        let run = best(bilan, &args, runs)?;
        let what = if engine == "ballista" {
            "`compare --engine ballista` (2 local executors; the client's memory)".to_owned()
        } else {
            format!("`compare --engine {engine}`")
        };
        row(report, name, &what, &run, rows, floor);
    }
    let dir = root().join("target/bench/telemetry");
    let read = |engine: &str| -> anyhow::Result<String> {
        Ok(std::fs::read_to_string(csv(
            bilan, inventory, engine, cluster, &dir,
        )?)?)
    };
    let (by_rows, one, many) = (read("rows")?, read("datafusion")?, read("ballista")?);
    let identical = one == many;
    let difference = largest_difference(&by_rows, &one);
    let close = difference.is_some_and(|d| d <= 1e-12);
    let verdict = |met: bool| if met { "met" } else { "MISSED" };
    let _ = writeln!(
        verdicts,
        "- {name}: the Ballista cluster's report is one machine's, to the byte: {}\n- {name}: the columnar report is the rows', within 1e-12: largest difference {} — {}",
        verdict(identical),
        difference.map_or("(reports of another shape)".to_owned(), |d| format!(
            "{d:.1e}"
        )),
        verdict(close),
    );
    Ok(identical && close)
}

#[cfg(test)]
mod tests {
    use super::largest_difference;

    #[test]
    fn a_residual_is_weighed_against_its_indicator_and_a_figure_against_itself() {
        let a = "section,indicator,method,key,value,unit\ntotal,gwp,x,,1000000,kg\ndivergence,gwp,x → y,residual,0.00000000005,kg\ntotal,water,x,,0.001,L";
        let b = "section,indicator,method,key,value,unit\ntotal,gwp,x,,1000000,kg\ndivergence,gwp,x → y,residual,0.00000000007,kg\ntotal,water,x,,0.001000000001,L";
        let d = largest_difference(a, b).expect("same shape");
        // The water figure differs by 1e-9 of itself; the residual by 2e-17 of the GWP.
        assert!((d - 1e-9).abs() < 1e-12, "{d}");
        assert_eq!(largest_difference(a, "section,indicator\n"), None);
    }
}
