//! Reading bilan's files: TOML written by people and JSON written by machines.
//!
//! Every error names the file, the line (where the format keeps positions) and the key path
//! of the problem, and says what was expected. Unknown keys are errors, never silently
//! ignored: a typo in an inventory must not change a result. Errors are [`miette`]
//! diagnostics, so the CLI can show the offending line.

use std::fmt;
use std::path::Path;

use bilan_core::inventory::{Inventory, KeyPath};
use miette::{Diagnostic, NamedSource, SourceSpan};
use serde::de::DeserializeOwned;

/// A file's text and the name to show for it.
#[derive(Clone, Debug)]
pub struct SourceFile {
    /// Path as given by the user (or a label such as `<embedded>/facts.toml`).
    pub name: String,
    /// Contents.
    pub text: String,
}

impl SourceFile {
    /// Reads `path`.
    pub fn read(path: &Path) -> Result<SourceFile, FileErrors> {
        let name = path.display().to_string();
        std::fs::read_to_string(path)
            .map(|text| SourceFile {
                name: name.clone(),
                text,
            })
            .map_err(|e| FileError::io(&name, &e).into())
    }

    /// The format, from the extension: `.json` is JSON, anything else TOML.
    pub fn format(&self) -> Format {
        if self.name.ends_with(".json") {
            Format::Json
        } else {
            Format::Toml
        }
    }
}

/// A file format.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    /// TOML.
    Toml,
    /// JSON.
    Json,
}

/// One problem in one file.
#[derive(Debug, Clone, thiserror::Error, Diagnostic)]
#[error("{}", self.headline())]
pub struct FileError {
    /// File name as given.
    pub file: String,
    /// 1-based line, when known.
    pub line: Option<usize>,
    /// Key path, when known (e.g. `workload[2].energy`).
    pub key_path: Option<String>,
    /// What is wrong and what was expected.
    pub message: String,
    #[source_code]
    source_code: Option<NamedSource<String>>,
    #[label("{label}")]
    span: Option<SourceSpan>,
    label: String,
}

impl FileError {
    fn headline(&self) -> String {
        let mut s = self.file.clone();
        if let Some(line) = self.line {
            s.push_str(&format!(":{line}"));
        }
        s.push_str(": ");
        if let Some(path) = &self.key_path {
            s.push_str(path);
            s.push_str(": ");
        }
        s.push_str(&self.message);
        s
    }

    /// A problem reading the file itself.
    pub fn io(file: &str, e: &std::io::Error) -> FileError {
        FileError::plain(file, format!("cannot read the file: {e}"))
    }

    /// A problem with no position.
    pub fn plain(file: &str, message: impl Into<String>) -> FileError {
        FileError {
            file: file.to_owned(),
            line: None,
            key_path: None,
            message: message.into(),
            source_code: None,
            span: None,
            label: String::new(),
        }
    }

    /// A problem at `key_path` in `file`, located at `span` when known.
    pub fn located(
        file: &SourceFile,
        span: Option<std::ops::Range<usize>>,
        key_path: String,
        message: String,
    ) -> FileError {
        FileError::at(file, span, non_root(key_path), message)
    }

    fn at(
        file: &SourceFile,
        span: Option<std::ops::Range<usize>>,
        key_path: Option<String>,
        message: String,
    ) -> FileError {
        let line = span.as_ref().map(|s| line_of(&file.text, s.start));
        FileError {
            file: file.name.clone(),
            line,
            key_path,
            label: short_label(&message),
            message,
            source_code: span
                .is_some()
                .then(|| NamedSource::new(&file.name, file.text.clone())),
            span: span.map(|s| {
                SourceSpan::from(s.start..s.end.max(s.start + 1).min(file.text.len().max(1)))
            }),
        }
    }
}

fn short_label(message: &str) -> String {
    let first = message.split(';').next().unwrap_or(message);
    if first.len() > 80 {
        "here".to_owned()
    } else {
        first.to_owned()
    }
}

fn line_of(text: &str, offset: usize) -> usize {
    text[..offset.min(text.len())]
        .bytes()
        .filter(|&b| b == b'\n')
        .count()
        + 1
}

/// Every problem found in a file.
#[derive(Debug, Clone, thiserror::Error, Diagnostic)]
#[error("{}", self.summary())]
pub struct FileErrors {
    /// The problems, in file order where positions are known.
    #[related]
    pub errors: Vec<FileError>,
}

impl FileErrors {
    fn summary(&self) -> String {
        match self.errors.as_slice() {
            [one] => one.to_string(),
            many => {
                let file = many.first().map_or("", |e| e.file.as_str());
                format!("{file}: {} problems", many.len())
            }
        }
    }
}

impl From<FileError> for FileErrors {
    fn from(e: FileError) -> Self {
        FileErrors { errors: vec![e] }
    }
}

/// Parses `file` into `T`, refusing unknown keys. Errors carry line and key path.
///
/// The common case (a valid file) takes the fast path: one pass that only records unknown
/// keys. Only when that pass fails is the file parsed again, tracking the key path of the
/// error, so large inventories do not pay for path tracking.
pub fn parse<T: DeserializeOwned>(file: &SourceFile) -> Result<T, FileErrors> {
    let mut unknown: Vec<String> = Vec::new();
    let mut record = |path: serde_ignored::Path<'_>| unknown.push(ignored_path(&path));
    let fast = match file.format() {
        Format::Toml => {
            let de = toml::Deserializer::parse(&file.text).map_err(|e| toml_error(file, &e))?;
            T::deserialize(serde_ignored::Deserializer::new(de, &mut record)).ok()
        }
        Format::Json => {
            let mut de = serde_json::Deserializer::from_str(&file.text);
            T::deserialize(serde_ignored::Deserializer::new(&mut de, &mut record))
                .ok()
                .filter(|_| de.end().is_ok())
        }
    };
    let value = match fast {
        Some(value) => value,
        None => return Err(located_error::<T>(file)),
    };
    if unknown.is_empty() {
        Ok(value)
    } else {
        Err(FileErrors {
            errors: unknown
                .into_iter()
                .map(|path| {
                    let span = locate_key(file, &path);
                    let key = path
                        .rsplit(['.', '['])
                        .next()
                        .unwrap_or(&path)
                        .trim_end_matches(']')
                        .to_owned();
                    FileError::at(file, span, Some(path), format!("unknown key `{key}`"))
                })
                .collect(),
        })
    }
}

/// Parses `file` again, tracking key paths, to report why it does not deserialize.
fn located_error<T: DeserializeOwned>(file: &SourceFile) -> FileErrors {
    let error = match file.format() {
        Format::Toml => match toml::Deserializer::parse(&file.text) {
            Err(e) => return toml_error(file, &e),
            Ok(de) => serde_path_to_error::deserialize::<_, T>(de).err().map(|e| {
                let path = display_path(e.path());
                let inner = e.into_inner();
                let span = inner.span().or_else(|| locate(file, &path));
                FileError::at(
                    file,
                    span,
                    non_root(path),
                    clean_toml_message(inner.message()),
                )
            }),
        },
        Format::Json => {
            let mut de = serde_json::Deserializer::from_str(&file.text);
            match serde_path_to_error::deserialize::<_, T>(&mut de) {
                Ok(_) => de.end().err().map(|e| {
                    let mut err = FileError::plain(&file.name, strip_json_position(&e.to_string()));
                    err.line = Some(e.line());
                    err
                }),
                Err(e) => {
                    let path = display_path(e.path());
                    let inner = e.into_inner();
                    let mut err =
                        FileError::plain(&file.name, strip_json_position(&inner.to_string()));
                    if inner.line() > 0 {
                        err.line = Some(inner.line());
                    }
                    err.key_path = non_root(path);
                    Some(err)
                }
            }
        }
    };
    error
        .unwrap_or_else(|| FileError::plain(&file.name, "the file could not be read as expected"))
        .into()
}

fn non_root(path: String) -> Option<String> {
    (!path.is_empty() && path != ".").then_some(path)
}

fn toml_error(file: &SourceFile, e: &toml::de::Error) -> FileErrors {
    FileError::at(file, e.span(), None, clean_toml_message(e.message())).into()
}

fn clean_toml_message(message: &str) -> String {
    message.trim().trim_end_matches('.').to_owned()
}

fn strip_json_position(message: &str) -> String {
    match message.rfind(" at line ") {
        Some(i) => message[..i].to_owned(),
        None => message.to_owned(),
    }
}

/// serde_ignored writes `workload.0.energyy`; bilan writes `workload[0].energyy`.
fn ignored_path(path: &serde_ignored::Path<'_>) -> String {
    use serde_ignored::Path as P;
    match path {
        P::Root => String::new(),
        P::Seq { parent, index } => format!("{}[{index}]", ignored_path(parent)),
        P::Map { parent, key } => {
            let parent = ignored_path(parent);
            if parent.is_empty() {
                key.clone()
            } else {
                format!("{parent}.{key}")
            }
        }
        P::Some { parent } | P::NewtypeStruct { parent } | P::NewtypeVariant { parent } => {
            ignored_path(parent)
        }
    }
}

fn display_path(path: &serde_path_to_error::Path) -> String {
    use serde_path_to_error::Segment;
    let mut out = String::new();
    for segment in path.iter() {
        match segment {
            Segment::Seq { index } => out.push_str(&format!("[{index}]")),
            Segment::Map { key } | Segment::Enum { variant: key } => {
                if !out.is_empty() {
                    out.push('.');
                }
                out.push_str(key);
            }
            Segment::Unknown => {}
        }
    }
    out
}

/// Splits `a.b[2].c` into keys and indices.
fn split_path(path: &str) -> Vec<Result<String, usize>> {
    let mut out = Vec::new();
    for part in path.split('.') {
        let mut rest = part;
        if let Some(i) = rest.find('[') {
            if i > 0 {
                out.push(Ok(rest[..i].to_owned()));
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
            out.push(Ok(rest.to_owned()));
        }
    }
    out
}

/// The byte span of the value at `path` in a TOML file, if it can be found.
pub fn locate(file: &SourceFile, path: &str) -> Option<std::ops::Range<usize>> {
    locate_impl(file, path, false)
}

fn locate_key(file: &SourceFile, path: &str) -> Option<std::ops::Range<usize>> {
    locate_impl(file, path, true)
}

fn locate_impl(file: &SourceFile, path: &str, want_key: bool) -> Option<std::ops::Range<usize>> {
    use toml::de::{DeTable, DeValue};
    if file.format() != Format::Toml {
        return None;
    }
    let root = DeTable::parse(&file.text).ok()?;
    let segments = split_path(path);
    let mut span = root.span();
    let mut table: Option<&DeTable<'_>> = Some(root.get_ref());
    let mut array: Option<&[toml::Spanned<DeValue<'_>>]> = None;
    for (n, segment) in segments.iter().enumerate() {
        let last = n + 1 == segments.len();
        let value = match segment {
            Ok(key) => {
                let (k, v) = table?.iter().find(|(k, _)| k.get_ref() == key)?;
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

/// Reads and checks an inventory: syntax, unknown keys, then semantics (units, references).
pub fn load_inventory(file: &SourceFile) -> Result<Inventory, FileErrors> {
    let inventory: Inventory = match pieces::parse(file, pieces::PIECE_BYTES) {
        Some(inventory) => inventory,
        None => parse(file)?,
    };
    let problems = inventory.validate();
    if problems.is_empty() {
        return Ok(inventory);
    }
    let mut errors: Vec<FileError> = problems
        .into_iter()
        .map(|p| {
            let path = resolve_path(&p.path);
            let span = locate(file, &path);
            FileError::at(file, span, non_root(path), p.message)
        })
        .collect();
    errors.sort_by_key(|e| e.line.unwrap_or(usize::MAX));
    Err(FileErrors { errors })
}

fn resolve_path(path: &KeyPath) -> String {
    path.to_string()
}

/// Reads and checks the inventory at `path`.
pub fn read_inventory(path: &Path) -> Result<(SourceFile, Inventory), FileErrors> {
    let file = SourceFile::read(path)?;
    let inventory = load_inventory(&file)?;
    Ok((file, inventory))
}

impl fmt::Display for SourceFile {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.name)
    }
}

mod pieces;

#[cfg(test)]
mod tests;
