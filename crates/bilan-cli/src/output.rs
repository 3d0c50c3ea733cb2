//! Writing reports: to a file atomically, to standard output with control characters
//! escaped.
//!
//! A report file is written to a temporary file in the target's directory, then renamed over
//! the target, so a run that fails half-way (a serialisation error, a full disk) leaves the
//! previous file as it was and never a truncated one. Text for a terminal has its control
//! characters escaped ([`bilan_units::text::escape`]): a name in an inventory cannot set the
//! terminal's title or clear its screen.

use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::{Context as _, anyhow};

use crate::args::Format;
use crate::errors::Failure;

mod json;

pub(crate) use json::json_escape;
use json::{Pretty, write_json_escaped};

/// The standard streams of one run.
pub(crate) struct Io<'a> {
    pub(crate) stdout: &'a mut dyn Write,
    pub(crate) stderr: &'a mut dyn Write,
    /// The process exits after this command: large results need not be freed.
    pub(crate) exiting: bool,
    /// `-q`: nothing on stderr but errors.
    pub(crate) quiet: bool,
    /// `--error-format json`: errors as JSON lines.
    pub(crate) json_errors: bool,
}

impl Io<'_> {
    /// Drops `value`, or leaves it to the operating system when the process is exiting.
    pub(crate) fn release<T>(&self, value: T) {
        if self.exiting {
            std::mem::forget(value);
        }
    }
}

/// Writes `text`, a report in `format`, to the output file (atomically, as is), or to
/// standard output with its control characters escaped: as JSON's `\uXXXX` in JSON (so that
/// it stays valid JSON), as `\u{…}` in every other format (HTML included: a raw control
/// character is a parse error in HTML anyway).
pub(crate) fn emit(
    io: &mut Io<'_>,
    output: Option<&Path>,
    text: &str,
    format: Format,
) -> Result<(), Failure> {
    match output {
        Some(path) => write_file(path, |w| w.write_all(text.as_bytes())).map_err(Failure::Other),
        None => match format {
            Format::Json | Format::Boamps | Format::Disclosure => to_stdout(io, &json_escape(text)),
            Format::Table
            | Format::Md
            | Format::Csv
            | Format::Html
            | Format::ModelCard
            | Format::IfManifest
            | Format::DisclosureMd
            | Format::DisclosureHtml => to_stdout(io, &bilan_units::text::escape(text)),
        },
    }
}

/// Writes `text` as is to standard output; a closed pipe (`bilan … | head`) is not an error.
pub(crate) fn to_stdout(io: &mut Io<'_>, text: &str) -> Result<(), Failure> {
    let stdout = &mut io.stdout;
    if let Err(e) = stdout
        .write_all(text.as_bytes())
        .and_then(|()| stdout.flush())
        && e.kind() != std::io::ErrorKind::BrokenPipe
    {
        return Err(Failure::Other(anyhow!(
            "cannot write to standard output: {e}"
        )));
    }
    Ok(())
}

/// Counts the bytes written through it.
struct Counting<W> {
    inner: W,
    bytes: usize,
}

impl<W: Write> Write for Counting<W> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let n = self.inner.write(buf)?;
        self.bytes += n;
        Ok(n)
    }
    fn flush(&mut self) -> std::io::Result<()> {
        self.inner.flush()
    }
}

/// Writes a report in `format` with `fill`, as it goes: to the output file (atomically, as
/// is: a failure half-way leaves the previous file), or to standard output with its unsafe
/// characters escaped as [`emit`] escapes them, through a buffer; returns the bytes `fill`
/// wrote (before escaping). A closed pipe is not an error.
pub(crate) fn stream(
    io: &mut Io<'_>,
    output: Option<&Path>,
    format: Format,
    fill: impl FnOnce(&mut dyn Write) -> std::io::Result<()>,
) -> Result<usize, Failure> {
    let write = |w: &mut dyn Write| -> std::io::Result<usize> {
        let mut out = Counting { inner: w, bytes: 0 };
        fill(&mut out)?;
        out.flush()?;
        Ok(out.bytes)
    };
    let result = match output {
        Some(path) => {
            let mut bytes = 0;
            write_file(path, |w| {
                bytes = write(w)?;
                Ok(())
            })
            .map(|()| bytes)
        }
        None => {
            let mut escaped = Escaping {
                inner: std::io::BufWriter::new(&mut io.stdout),
                json: is_json(format),
                pending: Vec::new(),
            };
            match write(&mut escaped) {
                Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(0),
                other => other.context("cannot write to standard output"),
            }
        }
    };
    result.map_err(Failure::Other)
}

/// Whether text in `format` is JSON (escaped as `\uXXXX` on a terminal).
fn is_json(format: Format) -> bool {
    matches!(format, Format::Json | Format::Boamps | Format::Disclosure)
}

/// Escapes what it passes on as [`emit`] escapes a whole text for standard output: as JSON
/// escapes ([`json_escape`]) or as `\u{…}` ([`bilan_units::text::escape`]). A character
/// split across two writes (a CSV writer's buffer ends anywhere) is held until it is whole.
struct Escaping<W: Write> {
    inner: W,
    json: bool,
    /// The first bytes of a character whose end is still to come.
    pending: Vec<u8>,
}

impl<W: Write> Escaping<W> {
    fn text(&mut self, text: &str) -> std::io::Result<()> {
        if self.json {
            write_json_escaped(&mut self.inner, text)
        } else {
            self.inner
                .write_all(bilan_units::text::escape(text).as_bytes())
        }
    }
}

impl<W: Write> Write for Escaping<W> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let joined;
        let mut rest: &[u8] = if self.pending.is_empty() {
            buf
        } else {
            joined = [std::mem::take(&mut self.pending).as_slice(), buf].concat();
            &joined
        };
        loop {
            match std::str::from_utf8(rest) {
                Ok(text) => {
                    self.text(text)?;
                    break;
                }
                Err(e) => {
                    let (valid, after) = rest.split_at(e.valid_up_to());
                    self.text(std::str::from_utf8(valid).unwrap_or_default())?;
                    match e.error_len() {
                        // The start of a character: wait for its end.
                        None => {
                            self.pending = after.to_vec();
                            break;
                        }
                        // Not UTF-8 (no report writes it): passed on as is.
                        Some(n) => {
                            self.inner.write_all(&after[..n])?;
                            rest = &after[n..];
                        }
                    }
                }
            }
        }
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        let pending = std::mem::take(&mut self.pending);
        self.inner.write_all(&pending)?;
        self.inner.flush()
    }
}

/// Writes `value` as pretty JSON to the output file (atomically) or standard output without
/// building the text in memory first, with the characters of strings that a terminal would
/// act on escaped (see [`json_escape`]); returns the bytes written.
pub(crate) fn stream_json<T: serde::Serialize>(
    io: &mut Io<'_>,
    output: Option<&Path>,
    value: &T,
) -> Result<usize, Failure> {
    // What the value itself refuses to be written as (a trail that could not be rebuilt) is
    // not an error of the output, which is not named then.
    let mut refused: Option<String> = None;
    let mut write = |w: &mut dyn Write| -> std::io::Result<usize> {
        // The writer buffers what it writes (a few bytes at a time: a key, a comma, a line
        // and its indentation) in front of every layer behind it.
        let mut pretty = Pretty::new(w);
        serde::Serialize::serialize(value, &mut pretty)
            // serde_json keeps an I/O error's kind, so a closed pipe is still told apart.
            .map_err(|e| {
                if e.is_io() {
                    std::io::Error::from(e)
                } else {
                    let text = e.to_string();
                    refused = Some(text.clone());
                    std::io::Error::other(text)
                }
            })?;
        pretty.write_raw(b"\n")?;
        pretty.finish()
    };
    let result = match output {
        Some(path) => {
            let mut bytes = 0;
            write_file(path, |w| {
                bytes = write(w)?;
                Ok(())
            })
            .map(|()| bytes)
        }
        None => match write(&mut io.stdout) {
            Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(0),
            other => other.context("cannot write to standard output"),
        },
    };
    if let Some(text) = refused {
        return Err(Failure::Other(anyhow!("cannot make the report: {text}")));
    }
    result.map_err(Failure::Other)
}

/// Writes the file at `path` with `fill`: into a temporary file in the same directory,
/// renamed over `path` only once `fill` succeeded and the data reached the disk. A symbolic
/// link is written through (its target is replaced); a device or a pipe (`/dev/null`,
/// `/dev/stdout`) is written directly, since it holds nothing to lose and cannot be renamed
/// over.
pub(crate) fn write_file(
    path: &Path,
    fill: impl FnOnce(&mut dyn Write) -> std::io::Result<()>,
) -> anyhow::Result<()> {
    let shown = bilan_units::text::escape(&path.display().to_string()).into_owned();
    let cannot = || format!("cannot write `{shown}`");
    let existing = std::fs::metadata(path).ok();
    if let Some(meta) = &existing {
        if meta.is_dir() {
            return Err(anyhow!("cannot write `{shown}`: it is a directory"));
        }
        if !meta.is_file() {
            let mut file = std::fs::OpenOptions::new()
                .write(true)
                .open(path)
                .with_context(cannot)?;
            fill(&mut file).with_context(cannot)?;
            return file.flush().with_context(cannot);
        }
    }
    let target = resolve(path);
    let dir = match target.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    let mut temp = tempfile::Builder::new()
        .prefix(".bilan-")
        .suffix(".tmp")
        .permissions(std::os::unix::fs::PermissionsExt::from_mode(0o666))
        .tempfile_in(dir)
        .with_context(cannot)?;
    {
        let mut buffered = std::io::BufWriter::new(temp.as_file_mut());
        fill(&mut buffered).with_context(cannot)?;
        buffered.flush().with_context(cannot)?;
    }
    if let Some(meta) = &existing {
        // The file replaced keeps its permissions, as when it is written in place.
        temp.as_file()
            .set_permissions(meta.permissions())
            .with_context(cannot)?;
    }
    temp.as_file().sync_all().with_context(cannot)?;
    temp.persist(&target)
        .map_err(|e| e.error)
        .with_context(cannot)?;
    Ok(())
}

/// `path` with symbolic links resolved when it is one (so that the link's target is
/// replaced, not the link); `path` itself otherwise.
fn resolve(path: &Path) -> PathBuf {
    match std::fs::symlink_metadata(path) {
        Ok(meta) if meta.file_type().is_symlink() => {
            std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf())
        }
        _ => path.to_path_buf(),
    }
}

/// A CSV writer's error as an I/O error, keeping an I/O error's kind (a closed pipe is not a
/// failure: see [`stream`]).
pub(crate) fn csv_io(e: csv::Error) -> std::io::Error {
    if !e.is_io_error() {
        return std::io::Error::other(e);
    }
    match e.into_kind() {
        csv::ErrorKind::Io(e) => e,
        other => std::io::Error::other(format!("{other:?}")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A scratch directory, removed when it is dropped.
    fn temp_dir(name: &str) -> tempfile::TempDir {
        tempfile::Builder::new()
            .prefix(&format!("bilan-output-{name}-"))
            .tempdir()
            .expect("temp dir")
    }

    fn leftovers(dir: &Path) -> Vec<String> {
        std::fs::read_dir(dir)
            .expect("dir")
            .flatten()
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .filter(|n| n.starts_with(".bilan-"))
            .collect()
    }

    #[test]
    fn json_on_a_terminal_escapes_what_a_terminal_acts_on_and_stays_json() {
        let value =
            serde_json::json!({ "name": "a\u{1b}]0;x\u{7}\u{9b}2J\u{202e}b\u{7f}", "n": [1, 2] });
        let text = serde_json::to_string_pretty(&value).expect("json");
        let escaped = json_escape(&text);
        assert!(
            !escaped
                .chars()
                .any(|c| bilan_units::text::is_unsafe_char(c) && c != '\n')
        );
        let back: serde_json::Value = serde_json::from_str(&escaped).expect("still JSON");
        assert_eq!(back, value);
        let mut streamed = Vec::new();
        let mut pretty = Pretty::new(&mut streamed);
        serde::Serialize::serialize(&value, &mut pretty).expect("json");
        pretty.finish().expect("written");
        assert_eq!(String::from_utf8(streamed).expect("utf-8"), escaped);
    }

    #[test]
    fn a_failed_write_leaves_the_previous_file_untouched_and_no_temporary_file() {
        let scratch = temp_dir("failed");
        let dir = scratch.path().to_path_buf();
        let path = dir.join("report.json");
        std::fs::write(&path, "previous report\n").expect("write");
        let e = write_file(&path, |w| {
            w.write_all(b"half a rep")?;
            Err(std::io::Error::other("the serialiser failed"))
        })
        .expect_err("fails");
        assert!(format!("{e:#}").contains("the serialiser failed"), "{e:#}");
        assert_eq!(
            std::fs::read_to_string(&path).expect("read"),
            "previous report\n"
        );
        assert!(leftovers(&dir).is_empty(), "{:?}", leftovers(&dir));
    }

    /// A sink that takes `room` bytes, then fails as a full disk does.
    struct Full {
        room: usize,
    }

    impl Write for Full {
        fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
            if self.room == 0 {
                return Err(std::io::Error::other("no space left on device"));
            }
            let n = buf.len().min(self.room);
            self.room -= n;
            Ok(n)
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    #[test]
    fn a_stream_that_fails_half_way_leaves_no_partial_file_and_says_why() {
        let scratch = temp_dir("streamed");
        let dir = scratch.path().to_path_buf();
        let path = dir.join("report.md");
        std::fs::write(&path, "previous report\n").expect("write");
        let (mut stdout, mut stderr) = (Vec::new(), Vec::new());
        let mut io = Io {
            stdout: &mut stdout,
            stderr: &mut stderr,
            exiting: false,
            quiet: false,
            json_errors: false,
        };
        // Sections are written one by one; the sink fills up after the first few.
        let e = stream(&mut io, Some(&path), Format::Md, |w| {
            let mut full = Full { room: 100 };
            for n in 0..1000 {
                let line = format!("section {n}\n");
                w.write_all(line.as_bytes())?;
                full.write_all(line.as_bytes())?;
            }
            Ok(())
        })
        .expect_err("fails");
        let Failure::Other(e) = e else {
            panic!("an I/O failure")
        };
        let text = format!("{e:#}");
        assert!(text.contains("no space left on device"), "{text}");
        assert!(text.contains("report.md"), "{text}");
        assert_eq!(
            std::fs::read_to_string(&path).expect("read"),
            "previous report\n"
        );
        assert!(leftovers(&dir).is_empty(), "{:?}", leftovers(&dir));
        assert!(stdout.is_empty());
    }

    #[test]
    fn a_stream_to_standard_output_is_escaped_as_a_whole_text_would_be() {
        let text = "système\u{1b}[2J ü\u{202e}é\tend\n".repeat(3);
        for (format, expected) in [
            (Format::Md, bilan_units::text::escape(&text).into_owned()),
            (Format::Json, json_escape(&text).into_owned()),
        ] {
            let (mut stdout, mut stderr) = (Vec::new(), Vec::new());
            let mut io = Io {
                stdout: &mut stdout,
                stderr: &mut stderr,
                exiting: false,
                quiet: false,
                json_errors: false,
            };
            // One byte at a time: every multi-byte character is split across writes.
            let written = stream(&mut io, None, format, |w| {
                text.as_bytes().iter().try_for_each(|b| w.write_all(&[*b]))
            })
            .expect("written");
            assert_eq!(written, text.len());
            assert_eq!(String::from_utf8(stdout).expect("utf-8"), expected);
        }
    }

    #[test]
    fn a_written_file_replaces_the_previous_one_and_keeps_its_permissions() {
        use std::os::unix::fs::PermissionsExt as _;
        let scratch = temp_dir("replaced");
        let dir = scratch.path().to_path_buf();
        let path = dir.join("report.md");
        std::fs::write(&path, "old").expect("write");
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o640)).expect("chmod");
        write_file(&path, |w| w.write_all(b"new")).expect("written");
        assert_eq!(std::fs::read_to_string(&path).expect("read"), "new");
        let mode = std::fs::metadata(&path).expect("meta").permissions().mode();
        assert_eq!(mode & 0o777, 0o640);
        assert!(leftovers(&dir).is_empty());
    }

    #[test]
    fn a_symbolic_link_is_written_through_and_a_device_directly() {
        let scratch = temp_dir("link");
        let dir = scratch.path().to_path_buf();
        let target = dir.join("target.txt");
        let link = dir.join("link.txt");
        std::fs::write(&target, "old").expect("write");
        let _ = std::fs::remove_file(&link);
        std::os::unix::fs::symlink(&target, &link).expect("symlink");
        write_file(&link, |w| w.write_all(b"new")).expect("written");
        assert!(
            std::fs::symlink_metadata(&link)
                .expect("meta")
                .file_type()
                .is_symlink()
        );
        assert_eq!(std::fs::read_to_string(&target).expect("read"), "new");
        write_file(Path::new("/dev/null"), |w| w.write_all(b"nothing")).expect("device");
        assert!(write_file(&dir, |w| w.write_all(b"x")).is_err());
    }
}
