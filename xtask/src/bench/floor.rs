//! `xtask bench-floor toml|json FILE` (hidden, run in release by `cargo xtask bench
//! --sizes`): the floor of reading an inventory, a plain parse of the file by the same crate
//! bilan uses, at the workspace's version, into a generic value (`toml::Value`,
//! `serde_json::Value`): no types, no checks.
//!
//! Prints one line on stdout, in the form of bilan's `--timings`:
//! `timings: parse: S s, N bytes, peak memory M MiB` (`VmHWM`, Linux).

use std::time::Instant;

use anyhow::{Context as _, bail};

pub(crate) fn run(args: &[&str]) -> anyhow::Result<()> {
    let [format, path] = args else {
        bail!("usage: xtask bench-floor toml|json FILE");
    };
    let start = Instant::now();
    let text = std::fs::read_to_string(path).with_context(|| format!("cannot read {path}"))?;
    let entries = match *format {
        "toml" => {
            let v: toml::Value =
                toml::from_str(&text).with_context(|| format!("{path}: not TOML"))?;
            let n = v.as_table().map_or(0, toml::map::Map::len);
            // Left to the process's exit, as bilan leaves its inventory.
            std::mem::forget(v);
            n
        }
        "json" => {
            let v: serde_json::Value =
                serde_json::from_str(&text).with_context(|| format!("{path}: not JSON"))?;
            let n = v.as_object().map_or(0, serde_json::Map::len);
            std::mem::forget(v);
            n
        }
        other => bail!("bench-floor: `{other}` is not a format (expected toml or json)"),
    };
    let seconds = start.elapsed().as_secs_f64();
    let peak = peak_rss_mib().map_or("n/a".to_owned(), |m| format!("{m:.1} MiB"));
    println!(
        "timings: parse: {seconds:.3} s, {} bytes, {entries} top-level keys, peak memory {peak}",
        text.len()
    );
    Ok(())
}

/// Peak resident memory of this process (Linux: `VmHWM`), in MiB.
pub(super) fn peak_rss_mib() -> Option<f64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kib: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib / 1024.0)
}
