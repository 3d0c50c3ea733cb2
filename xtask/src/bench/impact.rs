//! `cargo xtask bench --impact-framework [--servers N] [--hours H] [--if-run PATH] [--runs R]
//! [--check]`: the SCI of an Impact Framework manifest, bilan against IF itself.
//!
//! Generates a manifest of `N` servers (100 by default) with `H` hourly observations each
//! (3,000: 300,000 observations, about 41 MB), the SCI pipeline of the interop fixture
//! `sci-manifest.yml` (its header, plugins and aggregation), and measures in one run:
//!
//! * bilan: `bilan import impact-framework --per day` then `bilan assess -m sci` of the
//!   inventory, their times added and the larger peak (best of `R` runs);
//! * with `--if-run PATH` (IF 1.1.0's `if-run`, installed with
//!   `npm install @grnsft/if@1.1.0`): `if-run` on the same manifest, once, then the check that
//!   both computed the same SCI: bilan imports IF's output manifest, which refuses any figure
//!   IF wrote that bilan's evaluation does not give back, and assesses it to the same SCI per
//!   request.
//!
//! Targets: bilan at least 100× faster than `if-run`, in at most 1/20 of its memory.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use anyhow::{Context as _, bail};

use super::generate::Lcg;
use super::measure::{Sample, sample};
use crate::root;

struct Options {
    servers: usize,
    hours: usize,
    runs: usize,
    if_run: Option<PathBuf>,
    check: bool,
}

fn options(args: &[&str]) -> anyhow::Result<Options> {
    let number = |flag: &str, default: usize| super::positive(args, flag, default);
    let if_run = match args.iter().position(|a| *a == "--if-run") {
        None => None,
        Some(i) => Some(PathBuf::from(
            args.get(i + 1)
                .context("--if-run needs the path of IF's if-run")?,
        )),
    };
    Ok(Options {
        servers: number("--servers", 100)?,
        hours: number("--hours", 3000)?,
        runs: number("--runs", 3)?,
        if_run,
        check: args.contains(&"--check"),
    })
}

/// The manifest: the fixture's header, then `servers` leaves of `hours` observations.
pub(crate) fn manifest(servers: usize, hours: usize) -> anyhow::Result<String> {
    let fixture = root().join("tests/fixtures/interop/impact-framework/sci-manifest.yml");
    let text = std::fs::read_to_string(&fixture)
        .with_context(|| format!("cannot read {}", fixture.display()))?;
    let head = &text[..text.find("\ntree:").context("the fixture has no tree")? + 1];
    let mut out = String::with_capacity(servers * hours * 140 + head.len());
    out.push_str(head);
    out.push_str("tree:\n  children:\n");
    let mut rng = Lcg(7);
    let regions = ["FR", "DE", "SE", "US", "GB"];
    for c in 0..servers {
        let _ = write!(
            out,
            "    server-{c:04}:
      pipeline:
        compute:
          - sum-energy-components
          - apply-pue
          - operational-carbon
          - time-share
          - resource-share
          - embodied-carbon
          - sum-carbon
          - sci
      defaults:
        cloud/region: {}
        pue: 1.2
        grid/carbon-intensity: {}
        device/emissions-embodied: 2500000
        device/expected-lifespan: 126144000
        resources-reserved: 4
        resources-total: 8
      inputs:
",
            regions[c % regions.len()],
            50 + c % 300
        );
        for h in 0..hours {
            let (day, hour) = (h / 24, h % 24);
            let (month, mday) = (day / 28 % 12, day % 28);
            let _ = writeln!(
                out,
                "        - {{timestamp: '2026-{:02}-{:02}T{hour:02}:00:00Z', duration: 3600, cpu/energy: {:.3}, gpu/energy: {:.3}, memory/energy: {:.3}, requests: {}}}",
                month + 1,
                mday + 1,
                rng.between(0.2, 0.4),
                rng.between(1.5, 3.0),
                rng.between(0.1, 0.13),
                1000 + rng.next() % 4000
            );
        }
    }
    Ok(out)
}

/// bilan's import and assessment of `manifest`: the two runs and the SCI per request.
struct Bilan {
    import: Sample,
    assess: Sample,
    sci: f64,
}

impl Bilan {
    fn seconds(&self) -> f64 {
        self.import.seconds + self.assess.seconds
    }

    fn peak_mib(&self) -> Option<f64> {
        Some(self.import.maxrss_mib?.max(self.assess.maxrss_mib?))
    }
}

fn bilan(binary: &Path, manifest: &Path, dir: &Path) -> anyhow::Result<Bilan> {
    let inventory = manifest.with_extension("json");
    let m = manifest.to_str().context("path")?;
    let i = inventory.to_str().context("path")?;
    let scratch = dir.join("if-time.txt");
    let import = sample(
        binary,
        &["import", "impact-framework", m, "--per", "day", "-o", i],
        &scratch,
    )?;
    let assess = sample(
        binary,
        &["assess", "-m", "sci", i, "-f", "json", "--trail", "none"],
        &scratch,
    )?;
    let sci = sci_per_request(&assess.stdout)?;
    Ok(Bilan {
        import,
        assess,
        sci,
    })
}

/// The SCI per request (kg CO2e) in an `assess -m sci -f json` report.
fn sci_per_request(report: &str) -> anyhow::Result<f64> {
    let v: serde_json::Value = serde_json::from_str(report).context("the report is not JSON")?;
    v.pointer("/methods/0/assessment/functional-units")
        .and_then(serde_json::Value::as_array)
        .and_then(|units| {
            units.iter().find(|u| {
                u.get("kind").and_then(|k| k.as_str()) == Some("request")
                    && u.get("indicator").and_then(|k| k.as_str()) == Some("gwp")
            })
        })
        .and_then(|u| u.get("value")?.as_f64())
        .context("no SCI per request (gwp) in the report")
}

pub(super) fn bench(args: &[&str]) -> anyhow::Result<()> {
    let o = options(args)?;
    let dir = root().join("target/bench");
    std::fs::create_dir_all(&dir)?;
    let manifest = dir.join(format!("if-{}x{}.yml", o.servers, o.hours));
    std::fs::write(&manifest, self::manifest(o.servers, o.hours)?)?;
    let size = std::fs::metadata(&manifest)?.len();
    crate::cargo(&["build", "--release", "-p", "bilan-cli"])?;
    let binary = root().join("target/release/bilan");
    let mut best: Option<Bilan> = None;
    for _ in 0..o.runs {
        let run = bilan(&binary, &manifest, &dir)?;
        if best.as_ref().is_none_or(|b| run.seconds() < b.seconds()) {
            best = Some(run);
        }
    }
    let best = best.context("no run")?;
    let mut out = String::new();
    let _ = writeln!(
        out,
        "Impact Framework manifest: {} servers × {} hourly observations = {} observations, {:.1} MB ({})\n",
        o.servers,
        o.hours,
        o.servers * o.hours,
        size as f64 / 1e6,
        manifest.display()
    );
    let _ = writeln!(out, "| run | time (s) | peak (MiB) |");
    let _ = writeln!(out, "| --- | ---: | ---: |");
    let mib = |m: Option<f64>| m.map_or("–".to_owned(), |m| format!("{m:.0}"));
    for (what, s) in [
        ("`bilan import impact-framework --per day`", &best.import),
        ("`bilan assess -m sci`", &best.assess),
    ] {
        let _ = writeln!(out, "| {what} | {:.3} | {} |", s.seconds, mib(s.maxrss_mib));
    }
    let _ = writeln!(
        out,
        "| bilan, both (best of {}) | {:.3} | {} |",
        o.runs,
        best.seconds(),
        mib(best.peak_mib())
    );
    let mut missed = Vec::new();
    if let Some(if_run) = &o.if_run {
        let (run, sci) = peer(if_run, &binary, &manifest, &dir)?;
        let _ = writeln!(
            out,
            "| `if-run` (IF 1.1.0, once) | {:.3} | {} |\n",
            run.seconds,
            mib(run.maxrss_mib)
        );
        let faster = run.seconds / best.seconds();
        let _ = writeln!(
            out,
            "- bilan is {faster:.0}× faster than if-run (target ≥ 100×)"
        );
        if faster < 100.0 {
            missed.push(format!("bilan {faster:.0}× faster than if-run, not 100×"));
        }
        if let (Some(ours), Some(theirs)) = (best.peak_mib(), run.maxrss_mib) {
            let share = ours / theirs;
            let _ = writeln!(
                out,
                "- bilan's peak is 1/{:.0} of if-run's ({share:.3}; target ≤ 1/20)",
                1.0 / share
            );
            if share > 0.05 {
                missed.push(format!(
                    "bilan's peak 1/{:.0} of if-run's, not 1/20",
                    1.0 / share
                ));
            }
        }
        let _ = writeln!(
            out,
            "- the same SCI: {:.9e} kg CO2e per request from the input manifest, {sci:.9e} from IF's output (every figure IF wrote checked on import)",
            best.sci
        );
        if (sci - best.sci).abs() > 1e-9 * sci.abs() {
            bail!(
                "bilan's SCI of the manifest ({}) is not that of IF's output ({sci})",
                best.sci
            );
        }
    } else {
        let _ = writeln!(
            out,
            "\n(no `--if-run PATH`: IF 1.1.0 not run; `npm install @grnsft/if@1.1.0` installs it)"
        );
    }
    print!("{out}");
    std::fs::write(dir.join("if-bench.md"), &out)?;
    if o.check && !missed.is_empty() {
        bail!("targets missed: {}", missed.join("; "));
    }
    Ok(())
}

/// `if-run` on the manifest, then bilan's SCI of IF's output manifest (whose every figure
/// the import checks against its own evaluation).
fn peer(
    if_run: &Path,
    binary: &Path,
    manifest: &Path,
    dir: &Path,
) -> anyhow::Result<(Sample, f64)> {
    let output = dir.join("if-output");
    let scratch = dir.join("if-time.txt");
    let run = sample(
        if_run,
        &[
            "-m",
            manifest.to_str().context("path")?,
            "-o",
            output.to_str().context("path")?,
        ],
        &scratch,
    )?;
    let written = output.with_extension("yaml");
    if !written.is_file() {
        bail!(
            "if-run wrote no {}: {}",
            written.display(),
            run.stderr.trim_end()
        );
    }
    let checked = bilan(binary, &written, dir)?;
    Ok((run, checked.sci))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_manifest_is_imported_with_one_workload_per_server_and_day() {
        let text = manifest(3, 50).expect("manifest");
        let file = bilan_io::SourceFile {
            name: "if.yml".to_owned(),
            text,
        };
        let import = bilan_interop::import_per(
            bilan_interop::Kind::ImpactFramework,
            std::slice::from_ref(&file),
            bilan_hardware::Catalogue::embedded().expect("catalogue"),
            bilan_interop::Per::Day,
        )
        .expect("import");
        // 50 hours are three UTC days (24 + 24 + 2) per server.
        assert_eq!(import.inventory.workloads.len(), 9);
        assert_eq!(import.inventory.sites.len(), 3);
    }
}
