//! YAML as the manifest reader needs it: a tree of maps, sequences and scalars, each node
//! with its position so that every error names where it is ([`read`]); and a small
//! block-style writer for the export ([`write`]: strings always double-quoted, so nothing a
//! user wrote can turn into another type or break the structure).

mod read;
mod write;

use bilan_io::{FileError, SourceFile};

#[cfg(test)]
pub(crate) use read::parse;
pub(crate) use read::{Frame, Slot, parse_with};
pub(crate) use write::{Out, emit};

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
    /// Byte offset of its first character in the file.
    pub(crate) start: usize,
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

    /// The entries of a map, to change (none for anything else).
    pub(crate) fn entries_mut(&mut self) -> &mut [(String, Node)] {
        match &mut self.value {
            Value::Map(entries) => entries,
            _ => &mut [],
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

fn boxed_at(file: &SourceFile, byte: usize, path: String, message: String) -> Box<FileError> {
    Box::new(at_byte(file, byte, path, message))
}

/// An error at byte `byte` of `file` (to the end of its line), at `path`.
fn at_byte(file: &SourceFile, byte: usize, path: String, message: String) -> FileError {
    let mut byte = byte.min(file.text.len());
    while !file.text.is_char_boundary(byte) {
        byte -= 1;
    }
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
    at_byte(file, node.start, path.to_owned(), message.into())
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
        assert!(e.message.contains("nesting depth"), "{e:?}");
        assert_eq!(e.line, Some(1), "{e:?}");
        let block: String = (0..200)
            .map(|i| format!("{}k{i}:\n", " ".repeat(i)))
            .collect();
        let e = parse(&file(&block)).expect_err("too deep");
        assert!(e.message.contains("nested more than 128 levels"), "{e:?}");
        assert_eq!(e.line, Some(129), "{e:?}");
    }
}
