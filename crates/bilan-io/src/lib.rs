//! Reading bilan's files: TOML written by people and JSON written by machines.
//!
//! Every error names the file, the line (where the format keeps positions) and the key path
//! of the problem, and says what was expected. Unknown keys are errors, never silently
//! ignored: a typo in an inventory must not change a result. Errors are [`miette`]
//! diagnostics, so the CLI can show the offending line.
//!
//! Hostile and careless files are read safely:
//!
//! * only regular files are read ([`SourceFile::read`]): a directory, a device such as
//!   `/dev/zero`, a named pipe or a socket is refused before anything is read, and text
//!   that is not UTF-8 is refused with its line and byte offset;
//! * tables, arrays and dotted keys nest at most [`MAX_DEPTH`] (64) levels deep, in TOML
//!   and in JSON; a deeper file is refused with the line of the first value too deep, never
//!   by overflowing the stack;
//! * locating N problems of a file parses it once and shares one copy of its text
//!   ([`Locator`]), so reporting N problems takes time linear in N;
//! * a value repeated in a message is clipped to 80 characters
//!   ([`bilan_units::text::clip`]), and an excerpt of a line of megabytes is not shown.

use std::fmt;
use std::path::Path;
use std::sync::Arc;

use bilan_core::inventory::Inventory;
use bilan_units::text::{ECHO_CHARS, clip, escape};
use miette::{Diagnostic, NamedSource, SourceSpan};
use serde::de::DeserializeOwned;

pub use depth::MAX_DEPTH;
pub use locate::Locator;
pub use uncertain::{UncertainValue, uncertain_values};

/// A file's text and the name to show for it.
#[derive(Clone, Debug)]
pub struct SourceFile {
    /// Path as given by the user (or a label such as `<embedded>/facts.toml`).
    pub name: String,
    /// Contents.
    pub text: String,
}

impl SourceFile {
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
    /// The file's text, shared by every error of the file.
    #[source_code]
    source_code: Option<NamedSource<Arc<str>>>,
    #[label("{label}")]
    span: Option<SourceSpan>,
    label: String,
}

impl FileError {
    fn headline(&self) -> String {
        let mut s = escape(&self.file).into_owned();
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
        FileError::new(file, None, None, message.into(), None, None)
    }

    /// A problem at `key_path` in `file`, located at `span` when known. To report many
    /// problems of one file, use a [`Locator`]: it indexes the file once for all of them.
    pub fn located(
        file: &SourceFile,
        span: Option<std::ops::Range<usize>>,
        key_path: String,
        message: String,
    ) -> FileError {
        let mut e = FileError::new(&file.name, None, non_root(key_path), message, None, None);
        if let Some(span) = span {
            e.line = Some(locate::line_of(&file.text, span.start));
            if let Some(shown) = locate::excerpt(&file.text, span) {
                e.span = Some(SourceSpan::from(shown));
                e.source_code = Some(NamedSource::new(&file.name, Arc::from(file.text.as_str())));
            }
        }
        e
    }

    /// Every error is made here: the message's echoes of the file are bounded, the key
    /// path clipped, and the label is the message's first clause.
    fn new(
        file: &str,
        line: Option<usize>,
        key_path: Option<String>,
        message: String,
        source: Option<Arc<str>>,
        span: Option<std::ops::Range<usize>>,
    ) -> FileError {
        let message = bounded(&message);
        FileError {
            file: file.to_owned(),
            line,
            key_path: key_path.map(|p| clip_path(&p)),
            label: short_label(&message),
            message,
            source_code: source.map(|text| NamedSource::new(file, text)),
            span: span.map(SourceSpan::from),
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

/// `message` with every quoted part (between backquotes or double quotes) longer than
/// [`ECHO_CHARS`] clipped, and control characters escaped: messages of parsers and of
/// serde repeat what the file says, which may be megabytes.
fn bounded(message: &str) -> String {
    let mut out = String::with_capacity(message.len().min(4096));
    let mut rest = message;
    while let Some(open) = rest.find(['`', '"']) {
        let quote = rest[open..].chars().next().unwrap_or('`');
        let inner = &rest[open + 1..];
        let Some(close) = inner.find(quote) else {
            break;
        };
        out.push_str(&escape(&rest[..=open]));
        out.push_str(&clip(&inner[..close]));
        out.push(quote);
        rest = &inner[close + 1..];
    }
    out.push_str(&clip_long(rest));
    out
}

/// Text outside quotes, clipped only when it is far longer than any message bilan writes.
fn clip_long(text: &str) -> std::borrow::Cow<'_, str> {
    const MOST: usize = 50 * ECHO_CHARS;
    match text.char_indices().nth(MOST) {
        None => escape(text),
        Some((end, _)) => std::borrow::Cow::Owned(format!("{}…", escape(&text[..end]))),
    }
}

/// A key path with each of its keys clipped (a key may be megabytes long).
fn clip_path(path: &str) -> String {
    if path.len() <= ECHO_CHARS && !path.chars().any(bilan_units::text::is_unsafe_char) {
        return path.to_owned();
    }
    path.split('.')
        .map(|key| clip(key).into_owned())
        .collect::<Vec<_>>()
        .join(".")
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

/// Parses `file` into `T`, refusing unknown keys and numbers too small for a 64-bit float
/// (which the parsers would read as 0). Errors carry line and key path.
///
/// The common case (a valid file) takes the fast path: one pass that only records unknown
/// keys. Only when that pass fails is the file parsed again, tracking the key path of the
/// error, so large inventories do not pay for path tracking. Tables and arrays nested
/// deeper than [`MAX_DEPTH`] are refused with their line before anything is read.
pub fn parse<T: DeserializeOwned>(file: &SourceFile) -> Result<T, FileErrors> {
    underflow::check(file)?;
    let mut unknown: Vec<String> = Vec::new();
    let mut record = |path: serde_ignored::Path<'_>| unknown.push(ignored_path(&path));
    let fast = match file.format() {
        Format::Toml => {
            let de = toml_document(file)?;
            T::deserialize(serde_ignored::Deserializer::new(de, &mut record)).ok()
        }
        Format::Json => {
            json_depth(file)?;
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
        let locator = Locator::new(file);
        Err(FileErrors {
            errors: unknown
                .into_iter()
                .map(|path| {
                    let span = locator.locate_key(&path);
                    let key = path
                        .rsplit(['.', '['])
                        .next()
                        .unwrap_or(&path)
                        .trim_end_matches(']');
                    let message = format!("unknown key `{}`", clip(key));
                    locator.error_at(span, Some(path), message)
                })
                .collect(),
        })
    }
}

/// The TOML document of `file`, parsed and checked for depth, ready to read into types.
pub(crate) fn toml_document(file: &SourceFile) -> Result<toml::Deserializer<'_>, FileErrors> {
    toml_depth(file)?;
    let doc = toml::de::DeTable::parse(&file.text).map_err(|e| toml_error(file, &e))?;
    if let Some(span) = depth::too_deep_toml(doc.get_ref()) {
        depth::dismantle(doc.into_inner());
        return Err(
            FileError::located(file, Some(span), String::new(), depth::too_deep_message()).into(),
        );
    }
    Ok(toml::Deserializer::from(doc))
}

/// Refuses a TOML file whose values nest deeper than [`MAX_DEPTH`], with its line, before
/// the parser sees it.
/// Dotted keys of thousands of parts are refused by the same scan: the parser's lexer
/// would first hold one token per part (gigabytes for a file of megabytes of dots).
fn toml_depth(file: &SourceFile) -> Result<(), FileErrors> {
    let span = match depth::too_deep_toml_text(&file.text) {
        Some(offset) => offset..offset + 1,
        None => match depth::long_dotted_key(&file.text) {
            Some(span) => span.start..span.start + 1,
            None => return Ok(()),
        },
    };
    Err(FileError::located(file, Some(span), String::new(), depth::too_deep_message()).into())
}

/// Refuses a JSON file nested deeper than [`MAX_DEPTH`], with its line.
fn json_depth(file: &SourceFile) -> Result<(), FileErrors> {
    match depth::too_deep_json(&file.text) {
        None => Ok(()),
        Some(offset) => Err(FileError::located(
            file,
            Some(offset..offset + 1),
            String::new(),
            depth::too_deep_message(),
        )
        .into()),
    }
}

/// Parses `file` again, tracking key paths, to report why it does not deserialize.
fn located_error<T: DeserializeOwned>(file: &SourceFile) -> FileErrors {
    let error = match file.format() {
        Format::Toml => match toml_document(file) {
            Err(e) => return e,
            Ok(de) => serde_path_to_error::deserialize::<_, T>(de).err().map(|e| {
                let path = display_path(e.path());
                let inner = e.into_inner();
                let locator = Locator::new(file);
                let span = inner.span().or_else(|| locator.locate(&path));
                locator.error_at(span, non_root(path), clean_toml_message(inner.message()))
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
                    err.key_path = non_root(path).map(|p| clip_path(&p));
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

/// A TOML syntax error, located. The parser's own nesting limits become bilan's message;
/// a dotted key of too many parts, which the parser does not locate, is found in the text.
fn toml_error(file: &SourceFile, e: &toml::de::Error) -> FileErrors {
    let message = clean_toml_message(e.message());
    let too_deep = message.contains("recursion limit") || message.contains("recursion depth");
    let span = match e.span() {
        None if too_deep => depth::long_dotted_key(&file.text),
        span => span,
    };
    let message = if too_deep {
        depth::too_deep_message()
    } else {
        message
    };
    FileError::located(file, span, String::new(), message).into()
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

/// serde_ignored writes `workload.0.energyy`; bilan writes `workload[0].energyy`. Built
/// from the leaf up, without recursion.
fn ignored_path(path: &serde_ignored::Path<'_>) -> String {
    use serde_ignored::Path as P;
    let mut segments: Vec<Result<&str, usize>> = Vec::new();
    let mut at = path;
    loop {
        match at {
            P::Root => break,
            P::Seq { parent, index } => {
                segments.push(Err(*index));
                at = parent;
            }
            P::Map { parent, key } => {
                segments.push(Ok(key));
                at = parent;
            }
            P::Some { parent } | P::NewtypeStruct { parent } | P::NewtypeVariant { parent } => {
                at = parent;
            }
        }
    }
    let mut out = String::new();
    for segment in segments.iter().rev() {
        match segment {
            Err(index) => out.push_str(&format!("[{index}]")),
            Ok(key) => {
                if !out.is_empty() {
                    out.push('.');
                }
                out.push_str(key);
            }
        }
    }
    out
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

/// The byte span of the value at `path` in a TOML file, if it can be found. Each call
/// parses the file: to locate many paths, use one [`Locator`].
pub fn locate(file: &SourceFile, path: &str) -> Option<std::ops::Range<usize>> {
    Locator::new(file).locate(path)
}

/// Reads and checks an inventory: syntax, unknown keys, then semantics (units, references).
/// The file is parsed once more to locate the problems, however many there are.
pub fn load_inventory(file: &SourceFile) -> Result<Inventory, FileErrors> {
    load_inventory_with(file, &bilan_telemetry::read)
}

/// How a `[[telemetry]]` file becomes workloads: [`bilan_telemetry::read`], the row-checked
/// reader, unless a caller hands another (the columnar path of `bilan-scale`).
pub type TelemetryReader<'a> = dyn Fn(
        &Path,
        &bilan_core::inventory::Telemetry,
        &[bilan_core::inventory::Fleet],
    ) -> Result<Vec<bilan_core::inventory::Workload>, Vec<bilan_telemetry::Problem>>
    + Sync
    + 'a;

/// [`load_inventory`], its telemetry files read by `telemetry`.
pub fn load_inventory_with(
    file: &SourceFile,
    telemetry: &TelemetryReader<'_>,
) -> Result<Inventory, FileErrors> {
    if file.format() == Format::Toml {
        toml_depth(file)?;
    }
    // The search for numbers too small for a float reads only the text: it runs beside the
    // pieces (and is thrown away when they give way to the whole reading, which runs it).
    let (pieces, underflow) = rayon::join(
        || pieces::parse(file, pieces::PIECE_BYTES),
        || underflow::check(file),
    );
    let inventory: Inventory = match pieces {
        Some(inventory) => {
            underflow?;
            inventory
        }
        None => parse(file)?,
    };
    let problems = inventory.validate();
    if problems.is_empty() {
        let mut inventory = inventory;
        series::attach(file, &mut inventory, telemetry)?;
        return Ok(inventory);
    }
    let locator = Locator::new(file);
    let mut errors: Vec<FileError> = problems
        .into_iter()
        .map(|p| {
            let path = p.path.to_string();
            let span = locator.locate(&path);
            locator.error_at(span, non_root(path), p.message)
        })
        .collect();
    errors.sort_by_key(|e| e.line.unwrap_or(usize::MAX));
    Err(FileErrors { errors })
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

mod depth;
mod locate;
mod pieces;
mod read;
pub mod series;
mod uncertain;
mod underflow;

#[cfg(test)]
mod tests;
