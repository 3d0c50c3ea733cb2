//! The files a run reads, checked before anything is read, computed or written: each must be
//! a regular file (a device such as `/dev/zero` never ends, a FIFO may block), and the
//! output file must not be one of them (`-o` naming the inventory would destroy it).
//!
//! Files are compared by identity (device and inode, after symbolic links), not by name, so
//! a symbolic or a hard link to an input is recognised too.

use std::borrow::Cow;
use std::io::Read as _;
use std::os::unix::fs::MetadataExt as _;
use std::path::{Path, PathBuf};

use anyhow::anyhow;
use sha2::{Digest as _, Sha256};

use crate::args::Common;
use crate::catalogue::sources::{Sources, read_config};
use crate::errors::Failure;

/// One file the run reads, with what named it (`--factors`, `the inventory`…).
struct Input {
    role: Cow<'static, str>,
    path: PathBuf,
}

/// Refuses `path` (named by `role`) if it exists and is not a regular file. A missing file
/// is left to the reader, whose message already says it cannot be read.
pub(crate) fn regular_file(role: &str, path: &Path) -> Result<(), Failure> {
    match std::fs::metadata(path) {
        Ok(meta) if !meta.is_file() => Err(Failure::Usage(anyhow!(
            "{role} `{}` is {}; expected a regular file",
            bilan_units::text::escape(&path.display().to_string()),
            kind(&meta)
        ))),
        _ => Ok(()),
    }
}

/// What a file that is not a regular one is, in words.
fn kind(meta: &std::fs::Metadata) -> &'static str {
    use std::os::unix::fs::FileTypeExt as _;
    let t = meta.file_type();
    if t.is_dir() {
        "a directory"
    } else if t.is_char_device() || t.is_block_device() {
        "a device"
    } else if t.is_fifo() {
        "a pipe"
    } else if t.is_socket() {
        "a socket"
    } else {
        "not a regular file"
    }
}

/// [`regular_file`] for each of `paths`.
pub(crate) fn regular_files(role: &str, paths: &[PathBuf]) -> Result<(), Failure> {
    paths.iter().try_for_each(|p| regular_file(role, p))
}

/// The files `sources` names: `--config` (and the plugins it lists), `--plugin`,
/// `--method-file` and the `*.toml` of every `--methodologies` directory and of
/// `./methodologies`.
fn source_inputs(sources: &Sources) -> Result<Vec<Input>, Failure> {
    let mut inputs = Vec::new();
    if let Some(config) = &sources.config {
        regular_file("--config", config)?;
        inputs.push(Input {
            role: "--config".into(),
            path: config.clone(),
        });
        if config.exists() {
            for spec in read_config(config)? {
                inputs.push(Input {
                    role: "a plugin of --config".into(),
                    path: spec.path,
                });
            }
        }
    }
    for spec in &sources.plugins {
        inputs.push(Input {
            role: "--plugin".into(),
            path: spec.path.clone(),
        });
    }
    let local = Path::new("methodologies");
    let dirs = local
        .is_dir()
        .then_some(local)
        .into_iter()
        .chain(sources.methodology_dirs.iter().map(PathBuf::as_path));
    for dir in dirs {
        // An unreadable directory is reported by the reader.
        let Ok(entries) = std::fs::read_dir(dir) else {
            continue;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            if path.extension().is_some_and(|x| x == "toml") {
                inputs.push(Input {
                    role: "a file of --methodologies".into(),
                    path,
                });
            }
        }
    }
    for file in &sources.method_files {
        inputs.push(Input {
            role: "--method-file".into(),
            path: file.clone(),
        });
    }
    for input in &inputs {
        regular_file(&input.role, &input.path)?;
    }
    Ok(inputs)
}

/// Checks the files of `sources` (see [`source_inputs`]).
pub(crate) fn check_sources(sources: &Sources) -> Result<(), Failure> {
    source_inputs(sources).map(drop)
}

/// Checks every file a command that assesses `inventory` with `common` reads, and that its
/// `--output`, if any, is none of them. Called before anything is loaded or written.
pub(crate) fn check(inventory: &Path, common: &Common) -> Result<(), Failure> {
    let mut inputs = vec![Input {
        role: "the inventory".into(),
        path: inventory.to_path_buf(),
    }];
    inputs.extend(common.factors.iter().map(|p| Input {
        role: "--factors".into(),
        path: p.clone(),
    }));
    inputs.extend(common.hardware.iter().map(|p| Input {
        role: "--hardware".into(),
        path: p.clone(),
    }));
    inputs.extend(common.config_file.iter().map(|p| Input {
        role: "the configuration file".into(),
        path: p.clone(),
    }));
    for input in &inputs {
        regular_file(&input.role, &input.path)?;
    }
    inputs.extend(source_inputs(&common.sources)?);
    if let Some(output) = &common.output {
        not_an_input(output, &inputs)?;
    }
    Ok(())
}

/// Refuses an `output` that is one of the files `paths` (read as `role`).
pub(crate) fn output_not_among(
    output: &Path,
    role: &'static str,
    paths: &[PathBuf],
) -> Result<(), Failure> {
    let inputs: Vec<Input> = paths
        .iter()
        .map(|p| Input {
            role: role.into(),
            path: p.clone(),
        })
        .collect();
    not_an_input(output, &inputs)
}

/// Refuses an `--output` that is one of the files the inventory names (grid series,
/// generation profiles, telemetry), which are known once it is read: called then, before
/// anything is written.
pub(crate) fn output_not_data(
    common: &Common,
    files: &[bilan_io::series::DataFile],
) -> Result<(), Failure> {
    let Some(output) = &common.output else {
        return Ok(());
    };
    let inputs: Vec<Input> = files
        .iter()
        .map(|f| Input {
            role: format!("the inventory's `{}`", f.key).into(),
            path: f.path.clone(),
        })
        .collect();
    not_an_input(output, &inputs)
}

/// Refuses an `output` that is the same file as one of `inputs` (same device and inode).
fn not_an_input(output: &Path, inputs: &[Input]) -> Result<(), Failure> {
    // An output that does not exist yet cannot be an input.
    let Ok(out) = std::fs::metadata(output) else {
        return Ok(());
    };
    if out.is_dir() {
        return Err(Failure::Usage(anyhow!(
            "--output `{}` is a directory; expected a file name",
            bilan_units::text::escape(&output.display().to_string())
        )));
    }
    for input in inputs {
        let Ok(meta) = std::fs::metadata(&input.path) else {
            continue;
        };
        if (meta.dev(), meta.ino()) == (out.dev(), out.ino()) {
            let shown = |p: &Path| bilan_units::text::escape(&p.display().to_string()).into_owned();
            let same = if shown(output) == shown(&input.path) {
                String::new()
            } else {
                " (the same file by another name or a link)".to_owned()
            };
            return Err(Failure::Usage(anyhow!(
                "--output `{}` is {} `{}`{same}: writing the report there would destroy it; \
                 choose another output file",
                shown(output),
                input.role,
                shown(&input.path)
            )));
        }
    }
    Ok(())
}

/// The SHA-256 of a file, lower-case hex, streamed through the hash (never read whole).
pub(crate) fn sha256_file(path: &Path) -> Result<String, Failure> {
    let cannot = |e: std::io::Error| {
        Failure::Other(anyhow!(
            "cannot read `{}`: {e}",
            bilan_units::text::escape(&path.display().to_string())
        ))
    };
    let file = std::fs::File::open(path).map_err(cannot)?;
    let mut hasher = Sha256::new();
    // Bounded by the file's size when it was checked: a file that grows is not followed.
    let len = file.metadata().map_err(cannot)?.len();
    std::io::copy(&mut file.take(len), &mut hasher).map_err(cannot)?;
    Ok(hasher
        .finalize()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect())
}
