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
        let bytes = read_all(&mut handle, meta.len()).map_err(|e| FileError::io(&name, &e))?;
        let text = String::from_utf8(bytes).map_err(|e| not_utf8(&name, e.as_bytes()))?;
        Ok(SourceFile { name, text })
    }
}

/// Below this size a file is read in one call.
#[cfg(unix)]
const PARALLEL_BYTES: u64 = 16 * 1024 * 1024;

/// The bytes of `file`, whose size was `len` when it was opened.
///
/// A large file is read in parts of [`PARALLEL_BYTES`], on every core, each into its place
/// in a buffer of the file's size: most of the time of reading a large file into fresh
/// memory is the kernel handing the process zeroed pages, which the cores then do side by
/// side. A file that changed size meanwhile is read again as a stream, to its end.
fn read_all(file: &mut std::fs::File, len: u64) -> std::io::Result<Vec<u8>> {
    #[cfg(unix)]
    if len >= PARALLEL_BYTES {
        match read_parts(file, len) {
            Ok(Some(bytes)) => return Ok(bytes),
            Ok(None) => {}
            Err(e) if e.kind() == std::io::ErrorKind::UnexpectedEof => {}
            Err(e) => return Err(e),
        }
        std::io::Seek::seek(file, std::io::SeekFrom::Start(0))?;
    }
    let mut bytes = Vec::with_capacity(usize::try_from(len).unwrap_or(0));
    file.read_to_end(&mut bytes)?;
    Ok(bytes)
}

/// The `len` bytes of `file` read in parts in parallel; `None` when it has more, or when
/// `len` is more than this machine can address (then it is read as a stream, which says so).
#[cfg(unix)]
fn read_parts(file: &std::fs::File, len: u64) -> std::io::Result<Option<Vec<u8>>> {
    use rayon::prelude::*;
    use std::os::unix::fs::FileExt as _;
    let (Ok(size), Ok(part)) = (usize::try_from(len), usize::try_from(PARALLEL_BYTES)) else {
        return Ok(None);
    };
    let mut bytes = vec![0u8; size];
    bytes
        .par_chunks_mut(part)
        .enumerate()
        .try_for_each(|(n, chunk)| file.read_exact_at(chunk, PARALLEL_BYTES * n as u64))?;
    let mut probe = [0u8; 1];
    loop {
        match file.read_at(&mut probe, len) {
            Ok(n) => return Ok((n == 0).then_some(bytes)),
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
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

#[cfg(test)]
mod tests {
    use super::*;

    /// A file of `len` bytes that is valid UTF-8 and differs at every offset modulo 251.
    fn pattern(len: usize) -> Vec<u8> {
        (0..len).map(|i| b' ' + (i % 251 % 90) as u8).collect()
    }

    #[test]
    fn a_large_file_read_in_parts_is_read_whole() {
        let dir = std::env::temp_dir().join(format!("bilan-io-parts-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("temp dir");
        let size = usize::try_from(PARALLEL_BYTES).expect("fits") * 2 + 12_345;
        let bytes = pattern(size);
        let path = dir.join("large.toml");
        std::fs::write(&path, &bytes).expect("written");
        let file = SourceFile::read(&path).expect("read");
        assert!(file.text.as_bytes() == bytes.as_slice());
        #[cfg(unix)]
        {
            let handle = std::fs::File::open(&path).expect("opened");
            let len = size as u64;
            // A file that grew after its size was taken is read again; one that shrank
            // cannot fill the buffer.
            assert!(read_parts(&handle, len - 10).expect("read").is_none());
            let short = read_parts(&handle, len + 10).expect_err("shrank");
            assert_eq!(short.kind(), std::io::ErrorKind::UnexpectedEof);
            let mut handle = handle;
            assert!(read_all(&mut handle, len - 10).expect("read") == bytes);
            assert!(read_all(&mut handle, len + 10).expect("read") == bytes);
        }
        let _ = std::fs::remove_dir_all(&dir);
    }
}
