//! Finding where a key path is in a file, and on which line an offset is.
//!
//! A [`Locator`] parses its file once, on the first lookup, and indexes its lines once, so
//! that locating N problems costs one parse and N short walks, and every error it makes
//! shares one copy of the file's text.

use std::cell::OnceCell;
use std::ops::Range;
use std::sync::Arc;

use toml::Spanned;
use toml::de::{DeTable, DeValue};

use crate::{FileError, Format, SourceFile, depth};

/// Locates key paths and lines in one file, parsing it at most once.
pub struct Locator<'a> {
    file: &'a SourceFile,
    /// The parsed TOML document (`None` for JSON, or when the file does not parse).
    doc: OnceCell<Option<Spanned<DeTable<'a>>>>,
    /// Offset of the start of every line.
    lines: OnceCell<Vec<usize>>,
    /// The text that every error shows its line from.
    shared: OnceCell<Arc<str>>,
}

impl<'a> Locator<'a> {
    /// A locator for `file`; nothing is parsed until the first lookup.
    pub fn new(file: &'a SourceFile) -> Locator<'a> {
        Locator {
            file,
            doc: OnceCell::new(),
            lines: OnceCell::new(),
            shared: OnceCell::new(),
        }
    }

    /// The file.
    pub fn file(&self) -> &'a SourceFile {
        self.file
    }

    /// The byte span of the value at `path` (`workload[2].energy`) in a TOML file.
    pub fn locate(&self, path: &str) -> Option<Range<usize>> {
        self.walk(path, false)
    }

    /// The byte span of the last key of `path`.
    pub(crate) fn locate_key(&self, path: &str) -> Option<Range<usize>> {
        self.walk(path, true)
    }

    /// The 1-based line of byte `offset`.
    pub fn line(&self, offset: usize) -> usize {
        let lines = self.lines.get_or_init(|| line_starts(&self.file.text));
        // `lines[0]` is 0, so at least one start is at or before any offset.
        lines.partition_point(|&start| start <= offset).max(1)
    }

    /// An error at `path`, located when the path is found.
    pub fn error(&self, path: &str, message: String) -> FileError {
        let span = self.locate(path);
        self.error_at(span, crate::non_root(path.to_owned()), message)
    }

    /// An error at `span`, with `key_path` when known.
    pub fn error_at(
        &self,
        span: Option<Range<usize>>,
        key_path: Option<String>,
        message: String,
    ) -> FileError {
        let text = &self.file.text;
        let line = span.as_ref().map(|s| self.line(s.start));
        let shown = span.and_then(|s| excerpt(text, s));
        let source = shown
            .as_ref()
            .map(|_| self.shared.get_or_init(|| Arc::from(text.as_str())).clone());
        FileError::new(&self.file.name, line, key_path, message, source, shown)
    }

    fn doc(&self) -> Option<&DeTable<'a>> {
        self.doc
            .get_or_init(|| {
                if self.file.format() != Format::Toml {
                    return None;
                }
                let doc = DeTable::parse(&self.file.text).ok()?;
                if depth::too_deep_toml(doc.get_ref()).is_some() {
                    depth::dismantle(doc.into_inner());
                    return None;
                }
                Some(doc)
            })
            .as_ref()
            .map(Spanned::get_ref)
    }

    fn walk(&self, path: &str, want_key: bool) -> Option<Range<usize>> {
        let root = self.doc()?;
        let segments = split_path(path);
        let mut span = 0..self.file.text.len();
        let mut table: Option<&DeTable<'_>> = Some(root);
        let mut array: Option<&[Spanned<DeValue<'_>>]> = None;
        for (n, segment) in segments.iter().enumerate() {
            let last = n + 1 == segments.len();
            let value = match segment {
                Ok(key) => {
                    let (k, v) = table?.get_key_value(*key)?;
                    if last && want_key {
                        return Some(k.span());
                    }
                    v
                }
                Err(index) => array?.get(*index)?,
            };
            span = value.span();
            table = None;
            array = None;
            match value.get_ref() {
                DeValue::Table(t) => table = Some(t),
                DeValue::Array(a) => array = Some(a),
                _ => {}
            }
        }
        Some(span)
    }
}

impl std::fmt::Debug for Locator<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Locator")
            .field("file", &self.file.name)
            .finish_non_exhaustive()
    }
}

impl Drop for Locator<'_> {
    fn drop(&mut self) {
        if let Some(Some(doc)) = self.doc.take() {
            depth::dismantle(doc.into_inner());
        }
    }
}

/// The most bytes of a file that an error's excerpt shows.
const EXCERPT_BYTES: usize = 4096;

/// The span an error's excerpt underlines, or `None` when the excerpt would be too long to
/// show. An excerpt shows the lines of the span and one line on each side; a span over many
/// lines is cut to its first line, and an excerpt longer than [`EXCERPT_BYTES`] (a line of
/// megabytes) is not shown: the error still names the file and the line.
pub(crate) fn excerpt(text: &str, span: Range<usize>) -> Option<Range<usize>> {
    let start = span.start.min(text.len());
    let end = span.end.max(start + 1).min(text.len().max(1)).max(start);
    let shown = |end: usize| -> bool {
        let before = back_lines(text.as_bytes(), start);
        let after = forward_lines(text.as_bytes(), end);
        matches!((before, after), (Some(b), Some(a)) if a - b <= EXCERPT_BYTES)
    };
    if shown(end) {
        return Some(start..end);
    }
    let first_line_end = text.as_bytes()[start..]
        .iter()
        .take(EXCERPT_BYTES)
        .position(|&b| b == b'\n')
        .map(|n| start + n)?;
    let cut = first_line_end.max(start + 1).min(end);
    shown(cut).then_some(start..cut)
}

/// The start of the line before the one holding `offset`, if within [`EXCERPT_BYTES`].
fn back_lines(bytes: &[u8], offset: usize) -> Option<usize> {
    let mut newlines = 0;
    let floor = offset.saturating_sub(EXCERPT_BYTES);
    let mut i = offset;
    while i > floor {
        i -= 1;
        if bytes[i] == b'\n' {
            newlines += 1;
            if newlines == 2 {
                return Some(i + 1);
            }
        }
    }
    (i == 0).then_some(0)
}

/// The end of the line after the one holding `offset`, if within [`EXCERPT_BYTES`].
fn forward_lines(bytes: &[u8], offset: usize) -> Option<usize> {
    let mut newlines = 0;
    let ceiling = offset.saturating_add(EXCERPT_BYTES).min(bytes.len());
    let mut i = offset;
    while i < ceiling {
        if bytes[i] == b'\n' {
            newlines += 1;
            if newlines == 2 {
                return Some(i);
            }
        }
        i += 1;
    }
    (i == bytes.len()).then_some(i)
}

/// Offsets of the start of every line of `text`.
fn line_starts(text: &str) -> Vec<usize> {
    std::iter::once(0)
        .chain(
            text.bytes()
                .enumerate()
                .filter(|&(_, b)| b == b'\n')
                .map(|(i, _)| i + 1),
        )
        .collect()
}

/// The 1-based line of byte `offset` of `text`, counted without an index (for one error).
pub(crate) fn line_of(text: &str, offset: usize) -> usize {
    text.as_bytes()[..offset.min(text.len())]
        .iter()
        .filter(|&&b| b == b'\n')
        .count()
        + 1
}

/// Splits `a.b[2].c` into keys and indices.
fn split_path(path: &str) -> Vec<Result<&str, usize>> {
    let mut out = Vec::new();
    for part in path.split('.') {
        let mut rest = part;
        if let Some(i) = rest.find('[') {
            if i > 0 {
                out.push(Ok(&rest[..i]));
            }
            rest = &rest[i..];
            // `[n]` segments; anything else (keys with brackets of their own) stops the walk.
            while rest.starts_with('[') {
                let Some(end) = rest.find(']') else { break };
                if let Some(n) = rest.get(1..end).and_then(|n| n.parse().ok()) {
                    out.push(Err(n));
                }
                rest = rest.get(end + 1..).unwrap_or("");
            }
        } else if !rest.is_empty() {
            out.push(Ok(rest));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_by_binary_search() {
        let file = SourceFile {
            name: "t.toml".into(),
            text: "a = 1\n\nb = 2\nc".into(),
        };
        let l = Locator::new(&file);
        assert_eq!([0, 5, 6, 7, 13, 99].map(|o| l.line(o)), [1, 1, 2, 3, 4, 4]);
        for o in 0..file.text.len() {
            assert_eq!(l.line(o), line_of(&file.text, o));
        }
    }
}
