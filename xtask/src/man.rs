//! `cargo xtask man [--out DIR]`: the manual pages of `bilan` and of each of its commands,
//! in roff, generated from the command line's own definition (so they never disagree with
//! `--help`), into `target/man` by default. Read one with `man -l target/man/bilan.1`.

use std::path::{Path, PathBuf};

use anyhow::{Context as _, bail};

pub(crate) fn run(root: &Path, args: &[&str]) -> anyhow::Result<()> {
    let out = match args {
        [] => root.join("target/man"),
        ["--out", dir] => PathBuf::from(dir),
        _ => bail!("usage: cargo xtask man [--out DIR]"),
    };
    let written = write(&out)?;
    eprintln!("man: {} pages in {}", written.len(), out.display());
    Ok(())
}

/// Writes `bilan.1` and `bilan-COMMAND.1` for each command (and each nested one) into
/// `dir`; returns the files written.
pub(crate) fn write(dir: &Path) -> anyhow::Result<Vec<PathBuf>> {
    std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    let mut written = Vec::new();
    page(&bilan_cli::command(), "bilan", dir, &mut written)?;
    Ok(written)
}

fn page(
    cmd: &clap::Command,
    name: &str,
    dir: &Path,
    written: &mut Vec<PathBuf>,
) -> anyhow::Result<()> {
    let cmd = cmd
        .clone()
        .name(name.to_owned())
        .bin_name(name.replace('-', " "));
    let mut roff = Vec::new();
    clap_mangen::Man::new(cmd.clone()).render(&mut roff)?;
    let path = dir.join(format!("{name}.1"));
    std::fs::write(&path, roff).with_context(|| format!("cannot write {}", path.display()))?;
    written.push(path);
    for sub in cmd.get_subcommands().filter(|s| !s.is_hide_set()) {
        page(sub, &format!("{name}-{}", sub.get_name()), dir, written)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    #[test]
    fn every_command_has_a_page_that_documents_its_options() {
        let dir = std::env::temp_dir().join(format!("bilan-man-{}", std::process::id()));
        let written = super::write(&dir).expect("pages written");
        let names: Vec<String> = written
            .iter()
            .filter_map(|p| p.file_name().map(|n| n.to_string_lossy().into_owned()))
            .collect();
        for expected in [
            "bilan.1",
            "bilan-compare.1",
            "bilan-completions.1",
            "bilan-plugins-inspect.1",
        ] {
            assert!(
                names.iter().any(|n| n == expected),
                "{expected} in {names:?}"
            );
        }
        let compare = std::fs::read_to_string(dir.join("bilan-compare.1")).expect("read");
        assert!(
            compare.starts_with(".ie") || compare.contains(".TH"),
            "{compare}"
        );
        assert!(compare.contains("\\-\\-method"), "{compare}");
        let _ = std::fs::remove_dir_all(&dir);
    }
}
