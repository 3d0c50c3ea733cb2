//! `cargo xtask test`: everything CI runs (`.ci/run` calls it), in order:
//!
//! 1. the workspace's tests, `cargo test --workspace --locked`;
//! 2. the install check: `cargo install --locked --path crates/bilan-cli`, as the README
//!    tells users, into a scratch root under `target/`; the installed `bilan` must print its
//!    versions and compare a bundled example.

use std::path::Path;
use std::process::Command;

use anyhow::{Context as _, bail};

use crate::{cargo, root};

pub(crate) fn run(args: &[&str]) -> anyhow::Result<()> {
    if !args.is_empty() {
        bail!("usage: cargo xtask test");
    }
    cargo(&["test", "--workspace", "--locked"])?;
    install_check(&root())?;
    eprintln!("test: all passed");
    Ok(())
}

/// Installs `bilan` as the README says and runs it from the installed place.
fn install_check(root: &Path) -> anyhow::Result<()> {
    let prefix = root.join("target/install-check");
    let prefix_text = prefix.display().to_string();
    cargo(&[
        "install",
        "--locked",
        "--force",
        "--path",
        "crates/bilan-cli",
        "--root",
        &prefix_text,
    ])?;
    let bilan = prefix
        .join("bin")
        .join(format!("bilan{}", std::env::consts::EXE_SUFFIX));
    let version = installed(&bilan, &["--version"], root)?;
    for expected in ["bilan ", "factor database ", "inventory schema "] {
        if !version.contains(expected) {
            bail!("the installed `bilan --version` does not say `{expected}…`:\n{version}");
        }
    }
    let compare = installed(&bilan, &["compare", "examples/llama-3.1.toml"], root)?;
    if !compare.contains("ademe-lca") {
        bail!("the installed `bilan compare` did not list the methods:\n{compare}");
    }
    eprintln!("test: the installed bilan runs ({})", bilan.display());
    Ok(())
}

/// The standard output of the installed `bilan` run with `args` in `dir`; an error unless it
/// exits with 0.
fn installed(bilan: &Path, args: &[&str], dir: &Path) -> anyhow::Result<String> {
    let out = Command::new(bilan)
        .args(args)
        .current_dir(dir)
        .output()
        .with_context(|| format!("cannot run {}", bilan.display()))?;
    if !out.status.success() {
        bail!(
            "`bilan {}` exited with {}:\n{}",
            args.join(" "),
            out.status,
            String::from_utf8_lossy(&out.stderr)
        );
    }
    Ok(String::from_utf8_lossy(&out.stdout).into_owned())
}
