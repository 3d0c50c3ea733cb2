//! A model card's YAML front matter: the block between the `---` lines at the top of its
//! README, parsed with saphyr (YAML 1.2 core schema) into a small tree that keeps each
//! node's place in the file, so that every error names its line and key.
//!
//! Careless and hostile files are read safely: front matter over [`MAX_BYTES`] is refused,
//! and so is one nested deeper than [`MAX_DEPTH`] (checked on the text before parsing, so
//! that neither the parser's tree nor this one is deep enough to exhaust the stack); aliases
//! expand within saphyr's budget.

use std::ops::Range;

use bilan_io::{FileError, FileErrors, SourceFile};
use saphyr::{LoadableYamlNode, MarkedYaml, Scalar, YamlData};

/// The largest front matter read.
pub const MAX_BYTES: usize = 1 << 20;

/// The deepest nesting read (flow collections, indentation and compact sequences together,
/// counted generously).
pub const MAX_DEPTH: usize = 128;

/// A value of the front matter.
#[derive(Clone, Debug, PartialEq)]
pub enum Value {
    /// A mapping, keys in file order (a key that is not a scalar reads as `<complex key>`).
    Map(Vec<(String, Node)>),
    /// A sequence.
    Seq(Vec<Node>),
    /// A string (quoted, or plain and not a number, boolean or null).
    Str(String),
    /// An integer.
    Int(i64),
    /// A floating-point number.
    Float(f64),
    /// `true` or `false`.
    Bool(bool),
    /// `null`, `~` or nothing.
    Null,
    /// An alias or a value saphyr could not resolve.
    Other,
}

impl Value {
    /// What it is, in words, for messages.
    pub fn kind(&self) -> &'static str {
        match self {
            Value::Map(_) => "a mapping",
            Value::Seq(_) => "a list",
            Value::Str(_) => "a string",
            Value::Int(_) | Value::Float(_) => "a number",
            Value::Bool(_) => "a boolean",
            Value::Null => "empty",
            Value::Other => "an alias or unreadable value",
        }
    }

    /// The value as written, for reports (collections summarised).
    pub fn show(&self) -> String {
        match self {
            Value::Map(m) => format!("a mapping of {} keys", m.len()),
            Value::Seq(s) => format!("a list of {} items", s.len()),
            Value::Str(s) => bilan_units::text::clip(s).into_owned(),
            Value::Int(i) => i.to_string(),
            Value::Float(f) => f.to_string(),
            Value::Bool(b) => b.to_string(),
            Value::Null => "null".to_owned(),
            Value::Other => "?".to_owned(),
        }
    }
}

/// A value and where it is.
#[derive(Clone, Debug, PartialEq)]
pub struct Node {
    /// The value.
    pub value: Value,
    /// Its bytes in the file.
    pub span: Range<usize>,
}

impl Node {
    /// The value of `key`, when this is a mapping holding it.
    pub fn get(&self, key: &str) -> Option<&Node> {
        match &self.value {
            Value::Map(m) => m.iter().find(|(k, _)| k == key).map(|(_, v)| v),
            _ => None,
        }
    }
}

/// A README split into its front matter and its body.
#[derive(Clone, Debug)]
pub struct Card<'a> {
    /// The front matter.
    pub root: Node,
    /// The Markdown after the front matter.
    pub body: &'a str,
    /// The file line the body starts on (1-based).
    pub body_line: usize,
}

/// Reads the front matter of `file`.
pub fn read(file: &SourceFile) -> Result<Card<'_>, FileErrors> {
    split(file).map_err(|e| FileErrors::from(*e))
}

fn split(file: &SourceFile) -> Result<Card<'_>, Box<FileError>> {
    let text = file.text.as_str();
    let start = if text.starts_with('\u{feff}') { 3 } else { 0 };
    let mut lines = LineSpans::new(text, start);
    let first = lines.next();
    if first.as_ref().map(|(_, l)| line_text(text, l)) != Some("---") {
        let mut e = FileError::plain(
            &file.name,
            "no YAML front matter: a model card's metadata is a YAML block at the very top of its README.md, between two `---` lines",
        );
        e.line = Some(1);
        return Err(Box::new(e));
    }
    let yaml_start = first.map_or(start, |(_, l)| l.end);
    let mut close = None;
    for (n, l) in lines.by_ref() {
        if matches!(line_text(text, &l), "---" | "...") {
            close = Some((n, l));
            break;
        }
    }
    let Some((close_line, close_span)) = close else {
        return Err(Box::new(FileError::located(
            file,
            Some(start..start + 3),
            String::new(),
            "the YAML front matter opened on line 1 is never closed by a `---` line".to_owned(),
        )));
    };
    let yaml_end = close_span.start;
    let yaml = &text[yaml_start.min(yaml_end)..yaml_end];
    if yaml.len() > MAX_BYTES {
        return Err(Box::new(FileError::located(
            file,
            Some(start..start + 3),
            String::new(),
            format!(
                "the front matter is {} bytes long, more than the {MAX_BYTES} bilan reads",
                yaml.len()
            ),
        )));
    }
    if let Some(line) = crate::yaml_depth::too_deep(yaml, MAX_DEPTH) {
        let mut e = FileError::plain(
            &file.name,
            format!("the front matter nests deeper than {MAX_DEPTH} levels"),
        );
        e.line = Some(line + 1);
        return Err(Box::new(e));
    }
    let offsets = CharOffsets::new(yaml, yaml_start);
    let docs = MarkedYaml::load_from_str(yaml).map_err(|e| {
        let at = offsets.byte(e.marker().index());
        Box::new(FileError::located(
            file,
            Some(at..at + 1),
            String::new(),
            format!("the front matter is not valid YAML: {}", e.info()),
        ))
    })?;
    let root = match docs.first() {
        Some(doc) => convert(doc, &offsets),
        None => Node {
            value: Value::Null,
            span: yaml_start..yaml_start,
        },
    };
    let body = &text[close_span.end.min(text.len())..];
    Ok(Card {
        root,
        body,
        body_line: close_line + 1,
    })
}

fn line_text<'a>(text: &'a str, span: &Range<usize>) -> &'a str {
    text[span.clone()].trim_end_matches(['\n', '\r']).trim_end()
}

/// Lines of a text from `start`, each with its 1-based number and its bytes (newline
/// included).
struct LineSpans<'a> {
    text: &'a str,
    at: usize,
    n: usize,
}

impl<'a> LineSpans<'a> {
    fn new(text: &'a str, start: usize) -> LineSpans<'a> {
        LineSpans {
            text,
            at: start,
            n: 0,
        }
    }
}

impl Iterator for LineSpans<'_> {
    type Item = (usize, Range<usize>);

    fn next(&mut self) -> Option<Self::Item> {
        if self.at >= self.text.len() {
            return None;
        }
        let end = self.text[self.at..]
            .find('\n')
            .map_or(self.text.len(), |n| self.at + n + 1);
        let span = self.at..end;
        self.at = end;
        self.n += 1;
        Some((self.n, span))
    }
}

/// Character indices (saphyr's markers) to byte offsets in the file.
struct CharOffsets {
    base: usize,
    /// Byte offset of each character, when the text is not ASCII.
    starts: Option<Vec<usize>>,
    len: usize,
}

impl CharOffsets {
    fn new(yaml: &str, base: usize) -> CharOffsets {
        CharOffsets {
            base,
            starts: (!yaml.is_ascii()).then(|| yaml.char_indices().map(|(i, _)| i).collect()),
            len: yaml.len(),
        }
    }

    fn byte(&self, index: usize) -> usize {
        let local = match &self.starts {
            None => index.min(self.len),
            Some(starts) => starts.get(index).copied().unwrap_or(self.len),
        };
        self.base + local
    }
}

fn convert(node: &MarkedYaml<'_>, offsets: &CharOffsets) -> Node {
    let start = offsets.byte(node.span.start.index());
    let end = offsets.byte(node.span.end.index()).max(start + 1);
    let value = match &node.data {
        YamlData::Mapping(m) => Value::Map(
            m.iter()
                .map(|(k, v)| (key_text(k), convert(v, offsets)))
                .collect(),
        ),
        YamlData::Sequence(s) => Value::Seq(s.iter().map(|v| convert(v, offsets)).collect()),
        YamlData::Value(s) => scalar(s),
        YamlData::Representation(text, _, _) => Value::Str(text.to_string()),
        YamlData::Tagged(_, inner) => convert(inner, offsets).value,
        YamlData::Alias(_) | YamlData::BadValue => Value::Other,
    };
    Node {
        value,
        span: start..end,
    }
}

fn scalar(s: &Scalar<'_>) -> Value {
    match s {
        Scalar::Null => Value::Null,
        Scalar::Boolean(b) => Value::Bool(*b),
        Scalar::Integer(i) => Value::Int(*i),
        Scalar::FloatingPoint(f) => Value::Float(f.into_inner()),
        Scalar::String(t) => Value::Str(t.to_string()),
    }
}

fn key_text(key: &MarkedYaml<'_>) -> String {
    match &key.data {
        YamlData::Value(Scalar::String(t)) => t.to_string(),
        YamlData::Value(s) => match scalar(s) {
            Value::Int(i) => i.to_string(),
            Value::Float(f) => f.to_string(),
            Value::Bool(b) => b.to_string(),
            _ => "null".to_owned(),
        },
        YamlData::Representation(t, _, _) => t.to_string(),
        _ => "<complex key>".to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn card(text: &str) -> Result<Node, Box<FileError>> {
        let file = SourceFile {
            name: "README.md".into(),
            text: text.into(),
        };
        split(&file).map(|c| c.root)
    }

    #[test]
    fn values_keep_their_place_and_type() {
        let text =
            "---\nco2_eq_emissions:\n  emissions: 12\n  source: \"1.5\"\n  x: 1.5\n---\n# body\n";
        let root = card(text).expect("reads");
        let co2 = root.get("co2_eq_emissions").expect("key");
        let e = co2.get("emissions").expect("emissions");
        assert_eq!(e.value, Value::Int(12));
        assert_eq!(&text[e.span.start..e.span.start + 2], "12");
        assert_eq!(
            co2.get("source").map(|n| &n.value),
            Some(&Value::Str("1.5".into()))
        );
        assert_eq!(co2.get("x").map(|n| &n.value), Some(&Value::Float(1.5)));
    }

    #[test]
    fn unclosed_missing_invalid_and_deep_front_matter_are_refused_with_their_line() {
        let e = card("# no front matter\n").expect_err("none");
        assert!(e.message.contains("no YAML front matter"), "{e}");
        let e = card("---\na: 1\n").expect_err("unclosed");
        assert!(e.message.contains("never closed"), "{e}");
        assert_eq!(e.line, Some(1));
        let e = card("---\na: 1\nb: [1, 2\n---\n").expect_err("invalid");
        assert!(e.message.contains("not valid YAML"), "{e}");
        assert!(e.line.is_some_and(|l| l >= 3), "{e:?}");
        let deep = format!("---\na: {}\n---\n", "[".repeat(10_000));
        let e = card(&deep).expect_err("deep");
        assert!(e.message.contains("nests deeper"), "{e}");
        let deep = format!("---\na: {}\n---\n", "- ".repeat(10_000));
        assert!(card(&deep).is_err());
        // Brackets inside quoted or plain text are not nesting.
        let fine = "---\na: \"[[[[\"\nb: text [with brackets\n---\n";
        assert!(card(fine).is_ok());
    }
}
