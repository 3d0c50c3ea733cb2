//! (being written)

use bilan_hardware::Catalogue;
use bilan_io::{FileError, FileErrors, SourceFile};

use crate::Import;

/// Imports the files.
pub fn import(files: &[SourceFile], _catalogue: &Catalogue) -> Result<Import, FileErrors> {
    Err(FileErrors {
        errors: vec![FileError::plain(
            files.first().map_or("", |f| f.name.as_str()),
            "this import is not available yet",
        )],
    })
}
