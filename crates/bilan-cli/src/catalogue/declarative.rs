//! Declarative methodologies in the catalogue. TOML methods are data, never code, so reading
//! them from the working directory's `methodologies/` is safe (native plugins, by contrast,
//! are loaded only from paths the user names).

use std::path::Path;
use std::sync::Arc;

use bilan_core::method::Methodology;
use bilan_io::{FileErrors, SourceFile};
use bilan_runner::Origin;

use super::entry::Entry;
use super::sources::Sources;
use crate::errors::Failure;

fn toml_files(dir: &Path) -> Result<Vec<SourceFile>, FileErrors> {
    let entries = std::fs::read_dir(dir)
        .map_err(|e| FileErrors::from(bilan_io::FileError::io(&dir.display().to_string(), &e)))?;
    let mut paths: Vec<_> = entries
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "toml"))
        .collect();
    paths.sort();
    paths.iter().map(|p| SourceFile::read(p)).collect()
}

/// Adds the declarative methodologies to `entries`, in precedence order: shipped, the
/// working directory's `methodologies/`, every `--methodologies DIR`, every `--method-file`.
pub(crate) fn extend(entries: &mut Vec<Entry>, sources: &Sources) -> Result<(), Failure> {
    let mut files: Vec<SourceFile> = bilan_declarative::embedded::EMBEDDED
        .iter()
        .map(|(name, text)| SourceFile {
            name: format!("<embedded>/{name}"),
            text: (*text).to_owned(),
        })
        .collect();
    let local = Path::new("methodologies");
    if local.is_dir() {
        files.extend(toml_files(local)?);
    }
    for dir in &sources.methodology_dirs {
        files.extend(toml_files(dir)?);
    }
    for file in &sources.method_files {
        files.push(SourceFile::read(file)?);
    }
    let bases: Vec<Arc<dyn Methodology>> = entries.iter().map(|e| e.method.clone()).collect();
    for loaded in bilan_declarative::resolve(files, &bases)? {
        entries.push(Entry {
            method: loaded.method,
            origin: Origin::File {
                path: loaded.file,
                sha256: loaded.sha256,
            },
        });
    }
    Ok(())
}
