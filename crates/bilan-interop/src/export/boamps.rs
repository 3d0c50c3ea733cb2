//! (being written)

use super::Source;

/// Writes the export.
pub fn write(_source: &Source<'_>) -> Result<String, String> {
    Err("this export is not available yet".to_owned())
}
