//! YAML as the manifest reader needs it: a tree of maps, sequences and scalars, each node
//! with its line and position so that every error names where it is; and a small block-style
//! writer for the export (strings always double-quoted, so nothing a user wrote can turn into
//! another type or break the structure).

use saphyr::{LoadableYamlNode, MarkedYaml, Scalar, YamlData};

use bilan_io::{FileError, SourceFile};

/// A value read.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum Value {
    Null,
    Bool(bool),
    Num(f64),
    Str(String),
    Map(Vec<(String, Node)>),
    Seq(Vec<Node>),
}

/// A node: its value and where it starts.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Node {
    pub(crate) value: Value,
    /// Index of its first character in the file.
    pub(crate) start: usize,
    /// Its 1-based line.
    pub(crate) line: usize,
}

impl Node {
    /// The value at `key`, when this is a map that has it.
    pub(crate) fn get(&self, key: &str) -> Option<&Node> {
        match &self.value {
            Value::Map(entries) => entries.iter().find(|(k, _)| k == key).map(|(_, v)| v),
            _ => None,
        }
    }

    /// The entries of a map (none for anything else).
    pub(crate) fn entries(&self) -> &[(String, Node)] {
        match &self.value {
            Value::Map(entries) => entries,
            _ => &[],
        }
    }

    /// The items of a sequence.
    pub(crate) fn items(&self) -> Option<&[Node]> {
        match &self.value {
            Value::Seq(items) => Some(items),
            _ => None,
        }
    }

    pub(crate) fn as_str(&self) -> Option<&str> {
        match &self.value {
            Value::Str(s) => Some(s),
            _ => None,
        }
    }

    pub(crate) fn as_f64(&self) -> Option<f64> {
        match self.value {
            Value::Num(v) => Some(v),
            _ => None,
        }
    }

    pub(crate) fn is_null(&self) -> bool {
        self.value == Value::Null
    }

    pub(crate) fn is_map(&self) -> bool {
        matches!(self.value, Value::Map(_))
    }

    /// The value as people read it in a message (clipped).
    pub(crate) fn shown(&self) -> String {
        let text = match &self.value {
            Value::Null => "null".to_owned(),
            Value::Bool(b) => b.to_string(),
            Value::Num(v) => v.to_string(),
            Value::Str(s) => s.clone(),
            Value::Map(_) => "a map".to_owned(),
            Value::Seq(_) => "a list".to_owned(),
        };
        bilan_units::text::clip(&text).into_owned()
    }

    /// What kind of value it is, for messages.
    pub(crate) fn kind(&self) -> &'static str {
        match &self.value {
            Value::Null => "null",
            Value::Bool(_) => "a boolean",
            Value::Num(_) => "a number",
            Value::Str(_) => "a string",
            Value::Map(_) => "a map",
            Value::Seq(_) => "a list",
        }
    }
}

/// Reads `file` as one YAML document.
pub(crate) fn parse(file: &SourceFile) -> Result<Node, Box<FileError>> {
    // Checked on the text first: saphyr's tree (and dropping it) recurses per level.
    if let Some(line) = crate::yaml_depth::too_deep(&file.text, TEXT_DEPTH) {
        let start = file
            .text
            .lines()
            .take(line - 1)
            .map(|l| l.chars().count() + 1)
            .sum();
        return Err(boxed_at(
            file,
            start,
            String::new(),
            format!(
                "nested deeper than bilan reads ({TEXT_DEPTH} columns of indentation and open brackets)"
            ),
        ));
    }
    let docs = MarkedYaml::load_from_str(&file.text).map_err(|e| {
        let m = e.marker();
        boxed_at(
            file,
            m.index(),
            String::new(),
            format!("not valid YAML: {}", e.info()),
        )
    })?;
    let mut docs = docs.into_iter();
    let first = docs.next().ok_or_else(|| {
        Box::new(FileError::plain(
            &file.name,
            "the file is empty: expected a manifest (YAML)",
        ))
    })?;
    if let Some(second) = docs.next() {
        return Err(boxed_at(
            file,
            second.span.start.index(),
            String::new(),
            "a second YAML document: a manifest is one document".to_owned(),
        ));
    }
    convert(file, &first, 0)
}

/// How deep a manifest nests at most, in YAML levels (IF's own trees are a few levels;
/// bilan walks at most 32 levels of nodes, two YAML levels each).
const DEPTH: usize = 128;

/// The deepest nesting the text may show: indentation, compact `- ` indicators and open
/// flow brackets together, counted generously.
const TEXT_DEPTH: usize = 512;

fn convert(file: &SourceFile, y: &MarkedYaml<'_>, depth: usize) -> Result<Node, Box<FileError>> {
    let start = y.span.start.index();
    let line = y.span.start.line();
    if depth > DEPTH {
        return Err(boxed_at(
            file,
            start,
            String::new(),
            format!("nested more than {DEPTH} levels deep"),
        ));
    }
    let value = match &y.data {
        YamlData::Value(s) => scalar(s),
        YamlData::Representation(text, _, _) => Value::Str(text.to_string()),
        YamlData::Sequence(items) => Value::Seq(
            items
                .iter()
                .map(|i| convert(file, i, depth + 1))
                .collect::<Result<_, _>>()?,
        ),
        YamlData::Mapping(map) => {
            let mut entries = Vec::with_capacity(map.len());
            for (k, v) in map {
                let key = match &k.data {
                    YamlData::Value(s) => match scalar(s) {
                        Value::Str(s) => s,
                        Value::Num(n) => n.to_string(),
                        Value::Bool(b) => b.to_string(),
                        _ => "null".to_owned(),
                    },
                    YamlData::Representation(text, _, _) => text.to_string(),
                    _ => {
                        return Err(boxed_at(
                            file,
                            k.span.start.index(),
                            String::new(),
                            "a map or list used as a key: keys are names".to_owned(),
                        ));
                    }
                };
                entries.push((key, convert(file, v, depth + 1)?));
            }
            Value::Map(entries)
        }
        YamlData::Tagged(_, inner) => return convert(file, inner, depth + 1),
        YamlData::Alias(_) | YamlData::BadValue => {
            return Err(boxed_at(
                file,
                start,
                String::new(),
                "an alias to no anchor, or a value that is not YAML".to_owned(),
            ));
        }
    };
    Ok(Node { value, start, line })
}

fn scalar(s: &Scalar<'_>) -> Value {
    match s {
        Scalar::Null => Value::Null,
        Scalar::Boolean(b) => Value::Bool(*b),
        Scalar::Integer(i) => Value::Num(*i as f64),
        Scalar::FloatingPoint(f) => Value::Num(f.into_inner()),
        Scalar::String(s) => Value::Str(s.to_string()),
    }
}

fn boxed_at(file: &SourceFile, index: usize, path: String, message: String) -> Box<FileError> {
    Box::new(at_char(file, index, path, message))
}

/// An error at character `index` of `file`, at `path`.
pub(crate) fn at_char(file: &SourceFile, index: usize, path: String, message: String) -> FileError {
    let byte = file
        .text
        .char_indices()
        .nth(index)
        .map_or(file.text.len(), |(b, _)| b);
    let end = file.text[byte..]
        .find('\n')
        .map_or(file.text.len(), |n| byte + n);
    FileError::located(file, Some(byte..end.max(byte)), path, message)
}

/// An error about `node` of `file`, at `path`.
pub(crate) fn at(
    file: &SourceFile,
    node: &Node,
    path: &str,
    message: impl Into<String>,
) -> FileError {
    at_char(file, node.start, path.to_owned(), message.into())
}

/// A value to write.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum Out {
    Num(f64),
    Str(String),
    Map(Vec<(String, Out)>),
    Seq(Vec<Out>),
}

impl Out {
    /// A map from `(key, value)` pairs.
    pub(crate) fn map<K: Into<String>>(entries: impl IntoIterator<Item = (K, Out)>) -> Out {
        Out::Map(entries.into_iter().map(|(k, v)| (k.into(), v)).collect())
    }

    pub(crate) fn str(s: impl Into<String>) -> Out {
        Out::Str(s.into())
    }
}

/// `value` as a YAML document.
pub(crate) fn emit(value: &Out) -> String {
    let mut out = String::new();
    match value {
        Out::Map(entries) if !entries.is_empty() => write_entries(&mut out, entries, 0),
        other => {
            write_inline(&mut out, other);
            out.push('\n');
        }
    }
    out
}

fn write_entries(out: &mut String, entries: &[(String, Out)], indent: usize) {
    for (i, (k, v)) in entries.iter().enumerate() {
        if i > 0 {
            out.push_str(&" ".repeat(indent));
        }
        out.push_str(&key(k));
        out.push(':');
        write_value(out, v, indent);
    }
}

/// Writes what follows `key:` (a space and a scalar, or a nested block) and the newline.
fn write_value(out: &mut String, v: &Out, indent: usize) {
    match v {
        Out::Map(entries) if !entries.is_empty() => {
            out.push('\n');
            out.push_str(&" ".repeat(indent + 2));
            write_entries(out, entries, indent + 2);
        }
        Out::Seq(items) if !items.is_empty() => {
            out.push('\n');
            for item in items {
                out.push_str(&" ".repeat(indent + 2));
                out.push_str("- ");
                match item {
                    Out::Map(entries) if !entries.is_empty() => {
                        write_entries(out, entries, indent + 4)
                    }
                    other => {
                        write_inline(out, other);
                        out.push('\n');
                    }
                }
            }
        }
        other => {
            out.push(' ');
            write_inline(out, other);
            out.push('\n');
        }
    }
}

fn write_inline(out: &mut String, v: &Out) {
    match v {
        Out::Num(n) => out.push_str(&number(*n)),
        Out::Str(s) => out.push_str(&quoted(s)),
        Out::Map(_) => out.push_str("{}"),
        Out::Seq(_) => out.push_str("[]"),
    }
}

/// A number as YAML reads it back exactly (Rust's shortest round-trip form).
pub(crate) fn number(n: f64) -> String {
    if n.is_finite() {
        let s = format!("{n}");
        // `1e300` is written in full by `{}`; keep very large or small numbers readable.
        if s.len() > 24 { format!("{n:e}") } else { s }
    } else {
        ".nan".to_owned()
    }
}

/// A double-quoted scalar: JSON's escaping is valid YAML.
fn quoted(s: &str) -> String {
    serde_json::to_string(s).unwrap_or_else(|_| "\"\"".to_owned())
}

/// A key, plain when it cannot be read as anything but that string.
fn key(k: &str) -> String {
    let plain = !k.is_empty()
        && k.chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '/' | '.'))
        && k.starts_with(|c: char| c.is_ascii_alphabetic())
        && !matches!(
            k.to_ascii_lowercase().as_str(),
            "true" | "false" | "null" | "yes" | "no" | "on" | "off" | "y" | "n"
        );
    if plain { k.to_owned() } else { quoted(k) }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(text: &str) -> SourceFile {
        SourceFile {
            name: "m.yml".to_owned(),
            text: text.to_owned(),
        }
    }

    #[test]
    fn written_yaml_reads_back_the_same() {
        let v = Out::map([
            ("name", Out::str("a \"quoted\" name: with # and\nnewline")),
            ("n", Out::Num(0.000028538812785388127)),
            ("big", Out::Num(2.5e6)),
            ("empty", Out::Seq(vec![])),
            (
                "list",
                Out::Seq(vec![
                    Out::map([("a", Out::Num(1.0)), ("b/c", Out::str("x"))]),
                    Out::Num(3.0),
                ]),
            ),
            ("nested", Out::map([("true", Out::str("yes"))])),
        ]);
        let text = emit(&v);
        let node = parse(&file(&text)).expect(&text);
        assert_eq!(
            node.get("name").and_then(Node::as_str),
            Some("a \"quoted\" name: with # and\nnewline")
        );
        assert_eq!(
            node.get("n").and_then(Node::as_f64),
            Some(0.000028538812785388127)
        );
        assert_eq!(node.get("big").and_then(Node::as_f64), Some(2.5e6));
        let list = node.get("list").and_then(Node::items).expect("list");
        assert_eq!(list[0].get("b/c").and_then(Node::as_str), Some("x"));
        assert_eq!(list[1].as_f64(), Some(3.0));
        assert_eq!(
            node.get("nested")
                .and_then(|n| n.get("true"))
                .and_then(Node::as_str),
            Some("yes")
        );
    }

    #[test]
    fn malformed_yaml_is_located() {
        let e = parse(&file("name: x\ntree:\n  children: [a, b\n")).expect_err("malformed");
        assert!(e.line.is_some(), "{e:?}");
        assert!(e.message.contains("not valid YAML"), "{}", e.message);
        let e = parse(&file("a: 1\na: 2\n")).expect_err("duplicate");
        assert_eq!(e.line, Some(2), "{e:?}");
        let deep = format!("a: {}1{}\n", "[".repeat(100_000), "]".repeat(100_000));
        let e = parse(&file(&deep)).expect_err("too deep");
        assert!(e.message.contains("nested deeper"), "{e:?}");
    }
}
