//! Reading a file from disk, safely: only regular files, only UTF-8 text.

use std::io::Read as _;
use std::path::Path;

use crate::{FileError, FileErrors, SourceFile};

impl SourceFile {
    /// Reads `path` (an inventory, a factor file, a methodology file, a configuration
    /// file).
    ///
    /// What is not a regular file (a directory, a device such as `/dev/zero`, a named
    /// pipe, a socket) is refused before anything is read: a device could be read without
    /// end and a pipe could block. Text that is not UTF-8 is refused with the line and the
    /// byte offset of the first invalid byte.
    pub fn read(path: &Path) -> Result<SourceFile, FileErrors> {
        let name = path.display().to_string();
        let refuse_kind = |kind: std::fs::FileType| -> FileErrors {
            FileError::plain(
                &name,
                format!(
                    "{} is not a regular file; bilan reads its files only from regular files",
                    describe(kind)
                ),
            )
            .into()
        };
        // Checked on the path first, so a named pipe is refused before opening it blocks.
        let meta = std::fs::metadata(path).map_err(|e| FileError::io(&name, &e))?;
        if !meta.is_file() {
            return Err(refuse_kind(meta.file_type()));
        }
        let mut handle = std::fs::File::open(path).map_err(|e| FileError::io(&name, &e))?;
        // And again on what was opened, in case the path changed in between.
        let meta = handle.metadata().map_err(|e| FileError::io(&name, &e))?;
        if !meta.is_file() {
            return Err(refuse_kind(meta.file_type()));
        }
        let mut bytes = Vec::with_capacity(usize::try_from(meta.len()).unwrap_or(0));
        handle
            .read_to_end(&mut bytes)
            .map_err(|e| FileError::io(&name, &e))?;
        let text = String::from_utf8(bytes).map_err(|e| not_utf8(&name, e.as_bytes()))?;
        Ok(SourceFile { name, text })
    }
}

/// What a file that is not a regular file is, in words.
fn describe(kind: std::fs::FileType) -> &'static str {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt as _;
        if kind.is_char_device() {
            return "a character device";
        }
        if kind.is_block_device() {
            return "a block device";
        }
        if kind.is_fifo() {
            return "a named pipe (FIFO)";
        }
        if kind.is_socket() {
            return "a socket";
        }
    }
    if kind.is_dir() { "a directory" } else { "this" }
}

/// The error for bytes that are not UTF-8: line, byte offset, and the byte.
fn not_utf8(name: &str, bytes: &[u8]) -> FileErrors {
    let offset = std::str::from_utf8(bytes)
        .err()
        .map_or(0, |e| e.valid_up_to());
    let line_start = bytes[..offset]
        .iter()
        .rposition(|&b| b == b'\n')
        .map_or(0, |i| i + 1);
    let line = bytes[..offset].iter().filter(|&&b| b == b'\n').count() + 1;
    let mut e = FileError::plain(
        name,
        format!(
            "invalid UTF-8 at byte offset {offset} (byte {} of the line: 0x{:02x}); bilan reads UTF-8 text",
            offset - line_start + 1,
            bytes.get(offset).copied().unwrap_or(0)
        ),
    );
    e.line = Some(line);
    e.into()
}
