//! `cargo xtask test`: everything CI runs (`.ci/run` calls it), in order:
//!
//! 1. the workspace's tests, `cargo test --workspace --locked --no-fail-fast`, but for the
//!    columnar path: every test binary runs even when one fails, and cargo ends with the list
//!    of those that failed;
//! 2. the columnar path (DataFusion and Ballista, heavy to build, so kept out of the default
//!    build): `bilan-scale`'s tests, then the CLI's `scale` tests, built with its `scale`
//!    feature;
//!
//! 3. the install check: `cargo install --locked --path crates/bilan-cli`, as the README
//!    tells users, into a scratch root under `target/`; the installed `bilan` must print its
//!    versions and compare a bundled example;
//! 4. the Python package: a virtual environment under `target/`, maturin and pytest from
//!    the Python package registry, `pip install crates/bilan-python` (a release wheel, as
//!    users install it), then its pytest suite, which also checks that Python gets the
//!    installed command line's figures. It needs Python 3.9 or later (`PYTHON`, else
//!    `python3`); on a machine without one it is skipped, and says so.
//!
//! On CI (`CI=true`, a clean clone) the debug build is removed once its tests have run, so
//! that the release builds of steps 3 and 4 have its disk: the two together took about 9 GB.

use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{Context as _, bail};

use crate::{cargo, root};

pub(crate) fn run(args: &[&str]) -> anyhow::Result<()> {
    if !args.is_empty() {
        bail!("usage: cargo xtask test");
    }
    cargo(&[
        "test",
        "--workspace",
        "--locked",
        "--no-fail-fast",
        "--exclude",
        "bilan-scale",
    ])?;
    cargo(&["test", "--locked", "-p", "bilan-scale"])?;
    cargo(&[
        "test",
        "--locked",
        "-p",
        "bilan-cli",
        "--features",
        "scale",
        "--test",
        "scale",
    ])?;
    if std::env::var_os("CI").is_some_and(|v| v == "true") {
        // A clean clone never builds the debug profile again in this run.
        cargo(&["clean", "--profile", "dev"])?;
    }
    let bilan = install_check(&root())?;
    python_check(&root(), &bilan)?;
    eprintln!("test: all passed");
    Ok(())
}

/// Installs `bilan` as the README says and runs it from the installed place; the installed
/// binary.
fn install_check(root: &Path) -> anyhow::Result<PathBuf> {
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
    let version = installed(&bilan, &["--no-config", "--version"], root)?;
    for expected in ["bilan ", "factor database ", "inventory schema "] {
        if !version.contains(expected) {
            bail!("the installed `bilan --version` does not say `{expected}…`:\n{version}");
        }
    }
    let compare = installed(
        &bilan,
        &["--no-config", "compare", "examples/llama-3.1.toml"],
        root,
    )?;
    if !compare.contains("ademe-lca") {
        bail!("the installed `bilan compare` did not list the methods:\n{compare}");
    }
    eprintln!("test: the installed bilan runs ({})", bilan.display());
    Ok(bilan)
}

/// Builds and installs the Python package in a fresh virtual environment and runs its
/// tests.
fn python_check(root: &Path, bilan: &Path) -> anyhow::Result<()> {
    let python = std::env::var("PYTHON").unwrap_or_else(|_| "python3".to_owned());
    let found = Command::new(&python)
        .args([
            "-c",
            "import sys, venv, ensurepip; assert sys.version_info >= (3, 9)",
        ])
        .status()
        .is_ok_and(|s| s.success());
    if !found {
        // A machine with only the Rust toolchain still runs every Rust test; it says so.
        eprintln!(
            "test: SKIPPED the Python package's tests: no Python 3.9 or later with venv and ensurepip as `{python}` (set PYTHON to choose one)"
        );
        return Ok(());
    }
    let venv = root.join("target/python-check");
    if venv.exists() {
        std::fs::remove_dir_all(&venv)
            .with_context(|| format!("cannot remove {}", venv.display()))?;
    }
    step(
        Command::new(&python).args(["-m", "venv"]).arg(&venv),
        &format!("{python} -m venv {}", venv.display()),
    )?;
    let bin = venv.join(if cfg!(windows) { "Scripts" } else { "bin" });
    // The environment as `activate` sets it: maturin's build hook runs `maturin` from PATH.
    let path = std::env::join_paths(std::iter::once(bin.clone()).chain(std::env::split_paths(
        &std::env::var_os("PATH").unwrap_or_default(),
    )))
    .context("PATH cannot hold the virtual environment's folder")?;
    let activated = |program: &str| -> Command {
        let mut command = Command::new(bin.join(program));
        command
            .env("PATH", &path)
            .env("VIRTUAL_ENV", &venv)
            .current_dir(root);
        command
    };
    let pip = |args: &[&str]| -> anyhow::Result<()> {
        step(
            activated("python")
                .args(["-m", "pip", "install", "--disable-pip-version-check", "-q"])
                .args(args),
            &format!("pip install {}", args.join(" ")),
        )
    };
    pip(&["maturin>=1.5,<2", "pytest"])?;
    // As a user installs it: a release wheel built by maturin, into the environment.
    pip(&["--no-build-isolation", "crates/bilan-python"])?;
    step(
        activated("python")
            .args(["-m", "pytest", "-q", "crates/bilan-python/tests"])
            .env("BILAN_EXE", bilan),
        "pytest crates/bilan-python/tests",
    )?;
    eprintln!("test: the Python package's tests pass");
    Ok(())
}

/// Runs `command`, an error naming `what` unless it succeeds.
fn step(command: &mut Command, what: &str) -> anyhow::Result<()> {
    eprintln!("$ {what}");
    let status = command
        .status()
        .with_context(|| format!("cannot run {what}"))?;
    if !status.success() {
        bail!("{what} failed ({status})");
    }
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
