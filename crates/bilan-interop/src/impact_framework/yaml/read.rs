//! Reading a manifest: the YAML parser's events (`rlsp-yaml-parser`, a streaming YAML 1.2
//! parser) built into a [`Node`] tree, plain scalars resolved with the YAML 1.2 core schema.
//!
//! The tree is built bottom-up on a stack of open collections ([`Frame`]). A caller may look
//! at each map as it is completed, with the open collections above it, and take what it has
//! finished with out of it ([`parse_with`]): the import reads a leaf's observations that way
//! and drops them, so that a manifest of millions of observations is never held whole.

use std::collections::{HashMap, HashSet};

use rlsp_yaml_parser::schema::{is_core_bool, is_core_float, is_core_null};
use rlsp_yaml_parser::{Event, ScalarStyle};

use bilan_io::{FileError, SourceFile};

use super::{Node, Value, boxed_at};

/// How deep a manifest nests at most, in YAML levels (IF's own trees are a few levels;
/// bilan walks at most 32 levels of nodes, two YAML levels each). The parser keeps its own
/// stack, bounded too (512 levels), so a hostile nesting is refused without recursion.
const DEPTH: usize = 128;

/// The most nodes that aliases may copy in all: an alias is expanded into a copy of its
/// anchor, so a few lines of nested aliases could otherwise ask for billions of nodes.
const ALIASED_NODES: usize = 1_000_000;

/// An open collection: a map with the entries read so far (and the key whose value is
/// being read), or a sequence with its items so far.
#[derive(Debug)]
pub(crate) enum Frame {
    Map {
        start: usize,
        anchor: Option<String>,
        entries: Vec<(String, Node)>,
        /// Keys already given, once the map is too long to search its entries.
        seen: Option<HashSet<String>>,
        /// The key read, whose value comes next.
        key: Option<String>,
    },
    Seq {
        start: usize,
        anchor: Option<String>,
        items: Vec<Node>,
    },
}

impl Frame {
    /// The key (in a map) or the index (in a sequence) of the value being read in it.
    pub(crate) fn slot(&self) -> Slot<'_> {
        match self {
            Frame::Map { key, .. } => Slot::Key(key.as_deref().unwrap_or("")),
            Frame::Seq { items, .. } => Slot::Index(items.len()),
        }
    }

    /// The entries of a map read so far (none for a sequence).
    pub(crate) fn entries(&self) -> &[(String, Node)] {
        match self {
            Frame::Map { entries, .. } => entries,
            Frame::Seq { .. } => &[],
        }
    }
}

/// Where a value is in its parent.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) enum Slot<'a> {
    Key(&'a str),
    Index(usize),
}

/// Reads `file` as one YAML document.
#[cfg(test)]
pub(crate) fn parse(file: &SourceFile) -> Result<Node, Box<FileError>> {
    parse_with(file, &mut |_, _| {})
}

/// Reads `file` as one YAML document, showing `on_map` each map once it is complete, with
/// the collections still open above it (outermost first); `on_map` may take entries out of
/// it.
pub(crate) fn parse_with(
    file: &SourceFile,
    on_map: &mut dyn FnMut(&[Frame], &mut Node),
) -> Result<Node, Box<FileError>> {
    let mut b = Builder {
        file,
        stack: Vec::new(),
        root: None,
        anchors: HashMap::new(),
        aliased: 0,
        documents: 0,
    };
    for event in rlsp_yaml_parser::parse_events(&file.text) {
        let (event, span) = event.map_err(|e| {
            boxed_at(
                file,
                e.pos.byte_offset,
                String::new(),
                format!("not valid YAML: {}", e.message),
            )
        })?;
        b.event(event, span.start as usize, on_map)?;
    }
    b.root.ok_or_else(|| {
        Box::new(FileError::plain(
            &file.name,
            "the file is empty: expected a manifest (YAML)",
        ))
    })
}

struct Builder<'f> {
    file: &'f SourceFile,
    stack: Vec<Frame>,
    root: Option<Node>,
    /// Anchored nodes, and how many nodes each holds.
    anchors: HashMap<String, (Node, usize)>,
    /// Nodes copied by aliases so far.
    aliased: usize,
    documents: usize,
}

impl Builder<'_> {
    fn error(&self, at: usize, message: impl Into<String>) -> Box<FileError> {
        boxed_at(self.file, at, String::new(), message.into())
    }

    fn event(
        &mut self,
        event: Event<'_>,
        at: usize,
        on_map: &mut dyn FnMut(&[Frame], &mut Node),
    ) -> Result<(), Box<FileError>> {
        match event {
            Event::DocumentStart { .. } => {
                self.documents += 1;
                if self.documents > 1 {
                    return Err(
                        self.error(at, "a second YAML document: a manifest is one document")
                    );
                }
            }
            Event::MappingStart { ref meta, .. } | Event::SequenceStart { ref meta, .. } => {
                if self.stack.len() >= DEPTH {
                    return Err(self.error(at, format!("nested more than {DEPTH} levels deep")));
                }
                let is_map = matches!(event, Event::MappingStart { .. });
                let anchor = meta.as_ref().and_then(|m| m.anchor.map(str::to_owned));
                let frame = if is_map {
                    Frame::Map {
                        start: at,
                        anchor,
                        entries: Vec::new(),
                        seen: None,
                        key: None,
                    }
                } else {
                    Frame::Seq {
                        start: at,
                        anchor,
                        items: Vec::new(),
                    }
                };
                self.stack.push(frame);
            }
            Event::MappingEnd | Event::SequenceEnd => {
                let Some(frame) = self.stack.pop() else {
                    return Err(self.error(at, "not valid YAML: a collection closed twice"));
                };
                let (mut node, anchor) = match frame {
                    Frame::Map {
                        start,
                        anchor,
                        entries,
                        ..
                    } => (
                        Node {
                            value: Value::Map(entries),
                            start,
                        },
                        anchor,
                    ),
                    Frame::Seq {
                        start,
                        anchor,
                        items,
                    } => (
                        Node {
                            value: Value::Seq(items),
                            start,
                        },
                        anchor,
                    ),
                };
                if node.is_map() {
                    on_map(&self.stack, &mut node);
                }
                self.anchor(anchor, &node);
                self.push(node)?;
            }
            Event::Scalar { value, style, meta } => {
                let tag = meta.as_ref().and_then(|m| m.tag.as_deref());
                let node = Node {
                    value: scalar(&value, style, tag),
                    start: at,
                };
                self.anchor(meta.and_then(|m| m.anchor.map(str::to_owned)), &node);
                self.push(node)?;
            }
            Event::Alias { name } => {
                let Some((node, size)) = self.anchors.get(name) else {
                    return Err(self.error(at, format!("the alias `*{name}` names no anchor")));
                };
                self.aliased += size;
                if self.aliased > ALIASED_NODES {
                    return Err(self.error(
                        at,
                        format!(
                            "aliases copy more than {ALIASED_NODES} nodes: a manifest that expands this much is refused"
                        ),
                    ));
                }
                let node = Node {
                    start: at,
                    ..node.clone()
                };
                self.push(node)?;
            }
            Event::StreamStart
            | Event::StreamEnd
            | Event::DocumentEnd { .. }
            | Event::Comment { .. } => {}
        }
        Ok(())
    }

    fn anchor(&mut self, anchor: Option<String>, node: &Node) {
        if let Some(name) = anchor {
            self.anchors.insert(name, (node.clone(), size(node)));
        }
    }

    /// Puts a complete node in the collection that holds it.
    fn push(&mut self, node: Node) -> Result<(), Box<FileError>> {
        match self.stack.last_mut() {
            None => self.root = Some(node),
            Some(Frame::Seq { items, .. }) => items.push(node),
            Some(Frame::Map {
                entries, seen, key, ..
            }) => match key.take() {
                None => {
                    let name = match node.value {
                        Value::Str(s) => s,
                        Value::Num(n) => n.to_string(),
                        Value::Bool(b) => b.to_string(),
                        Value::Null => "null".to_owned(),
                        Value::Map(_) | Value::Seq(_) => {
                            return Err(self
                                .error(node.start, "a map or list used as a key: keys are names"));
                        }
                    };
                    let repeated = match seen {
                        Some(seen) => !seen.insert(name.clone()),
                        None => {
                            let repeated = entries.iter().any(|(k, _)| *k == name);
                            if entries.len() >= 16 {
                                *seen = Some(entries.iter().map(|(k, _)| k.clone()).collect());
                            }
                            repeated
                        }
                    };
                    if repeated {
                        return Err(self.error(
                            node.start,
                            format!("not valid YAML: the key `{name}` is given twice in this map"),
                        ));
                    }
                    *key = Some(name);
                }
                Some(k) => {
                    if let Some(seen) = seen {
                        seen.insert(k.clone());
                    }
                    entries.push((k, node));
                }
            },
        }
        Ok(())
    }
}

/// How many nodes `node` holds, itself included.
fn size(node: &Node) -> usize {
    1 + match &node.value {
        Value::Map(entries) => entries.iter().map(|(_, v)| size(v)).sum(),
        Value::Seq(items) => items.iter().map(size).sum(),
        _ => 0,
    }
}

/// A scalar's value: quoted and block scalars, and those tagged `!!str`, are strings; a
/// plain one is null, a boolean, a number or a string as YAML 1.2's core schema resolves it
/// (integers also in the `012` and `+12` forms that YAML 1.1 readers accept). Other tags
/// are not followed: the value is read as if untagged.
fn scalar(text: &str, style: ScalarStyle, tag: Option<&str>) -> Value {
    const CORE: &str = "tag:yaml.org,2002:";
    match tag.and_then(|t| t.strip_prefix(CORE)) {
        Some("str") => return Value::Str(text.to_owned()),
        Some("int" | "float") => {
            if let Some(n) = number(text.trim()) {
                return Value::Num(n);
            }
        }
        _ => {}
    }
    if style != ScalarStyle::Plain {
        return Value::Str(text.to_owned());
    }
    if is_core_null(text) {
        Value::Null
    } else if is_core_bool(text) {
        Value::Bool(text.starts_with(['t', 'T']))
    } else {
        number(text).map_or_else(|| Value::Str(text.to_owned()), Value::Num)
    }
}

/// A plain scalar read as a number, when it is one.
fn number(text: &str) -> Option<f64> {
    let first = *text.as_bytes().first()?;
    if !(first.is_ascii_digit() || matches!(first, b'-' | b'+' | b'.')) {
        return None;
    }
    if let Ok(i) = text.parse::<i64>() {
        return Some(i as f64);
    }
    if let Some(hex) = text.strip_prefix("0x") {
        return u64::from_str_radix(hex, 16).ok().map(|i| i as f64);
    }
    if let Some(oct) = text.strip_prefix("0o") {
        return u64::from_str_radix(oct, 8).ok().map(|i| i as f64);
    }
    if !is_core_float(text) && !text.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let unsigned = text.trim_start_matches(['-', '+']);
    let sign = if text.starts_with('-') { -1.0 } else { 1.0 };
    match unsigned {
        ".inf" | ".Inf" | ".INF" => Some(sign * f64::INFINITY),
        ".nan" | ".NaN" | ".NAN" => Some(f64::NAN),
        _ => text.parse::<f64>().ok(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(text: &str) -> Result<Node, Box<FileError>> {
        parse(&SourceFile {
            name: "m.yml".to_owned(),
            text: text.to_owned(),
        })
    }

    fn value(text: &str) -> Value {
        read(&format!("v: {text}\n"))
            .expect(text)
            .get("v")
            .expect("v")
            .value
            .clone()
    }

    #[test]
    fn plain_scalars_resolve_with_the_core_schema() {
        for (text, expected) in [
            ("~", Value::Null),
            ("null", Value::Null),
            ("", Value::Null),
            ("true", Value::Bool(true)),
            ("FALSE", Value::Bool(false)),
            ("12", Value::Num(12.0)),
            ("-3", Value::Num(-3.0)),
            ("+7", Value::Num(7.0)),
            ("012", Value::Num(12.0)),
            ("0x1F", Value::Num(31.0)),
            ("0o17", Value::Num(15.0)),
            ("2.5e6", Value::Num(2.5e6)),
            ("1e3", Value::Num(1000.0)),
            (".5", Value::Num(0.5)),
            ("-.inf", Value::Num(f64::NEG_INFINITY)),
            (
                "2026-01-01T00:00:00Z",
                Value::Str("2026-01-01T00:00:00Z".into()),
            ),
            ("'12'", Value::Str("12".into())),
            ("\"true\"", Value::Str("true".into())),
            ("!!str 12", Value::Str("12".into())),
            ("!!float 3", Value::Num(3.0)),
            ("yes", Value::Str("yes".into())),
            ("1_000", Value::Str("1_000".into())),
            ("12 kWh", Value::Str("12 kWh".into())),
        ] {
            assert_eq!(value(text), expected, "{text}");
        }
        assert!(matches!(value(".nan"), Value::Num(n) if n.is_nan()));
    }

    #[test]
    fn positions_are_byte_offsets() {
        let root = read("é: 1\nb:\n  c: [x, 2]\n").expect("yaml");
        let c = root.get("b").and_then(|b| b.get("c")).expect("c");
        assert_eq!(c.start, "é: 1\nb:\n  c: ".len());
        assert_eq!(
            c.items().expect("seq")[1].start,
            "é: 1\nb:\n  c: [x, ".len()
        );
    }

    #[test]
    fn aliases_copy_their_anchor_within_a_budget() {
        let root = read("a: &base {x: 1, y: [2, 3]}\nb: *base\n").expect("alias");
        assert_eq!(
            root.get("a").map(|a| &a.value),
            root.get("b").map(|b| &b.value)
        );
        let e = read("a: *nowhere\n").expect_err("no anchor");
        assert!(e.message.contains("names no anchor"), "{e:?}");
        // Each level holds ten aliases of the one before: 10^9 nodes if expanded.
        let mut bomb = "l0: &l0 [x, x, x, x, x, x, x, x, x, x]\n".to_owned();
        for i in 1..10 {
            let p = i - 1;
            bomb.push_str(&format!(
                "l{i}: &l{i} [*l{p}, *l{p}, *l{p}, *l{p}, *l{p}, *l{p}, *l{p}, *l{p}, *l{p}, *l{p}]\n"
            ));
        }
        let e = read(&bomb).expect_err("alias bomb");
        assert!(e.message.contains("aliases copy more than"), "{e:?}");
        assert!(e.line.is_some(), "{e:?}");
    }

    #[test]
    fn documents_keys_and_emptiness_are_checked() {
        let e = read("a: 1\n---\nb: 2\n").expect_err("two documents");
        assert!(e.message.contains("second YAML document"), "{e:?}");
        assert_eq!(e.line, Some(2));
        let e = read("? [a, b]\n: 1\n").expect_err("list as key");
        assert!(e.message.contains("used as a key"), "{e:?}");
        let e = read("").expect_err("empty");
        assert!(e.message.contains("empty"), "{e:?}");
        let many: String = (0..40).map(|i| format!("k{i}: {i}\n")).collect();
        let e = read(&format!("{many}k33: again\n")).expect_err("a long map's repeated key");
        assert_eq!(e.line, Some(41), "{e:?}");
    }

    #[test]
    fn each_map_is_shown_once_complete_with_the_collections_above_it() {
        let mut seen = Vec::new();
        let root = parse_with(
            &SourceFile {
                name: "m.yml".to_owned(),
                text: "tree:\n  inputs:\n    - {a: 1}\n    - {a: 2}\n".to_owned(),
            },
            &mut |above, node| {
                let path: Vec<String> = above
                    .iter()
                    .map(|f| match f.slot() {
                        Slot::Key(k) => k.to_owned(),
                        Slot::Index(i) => i.to_string(),
                    })
                    .collect();
                seen.push(path.join("."));
                if let Value::Map(entries) = &mut node.value {
                    entries.retain(|(k, _)| k != "inputs");
                }
            },
        )
        .expect("yaml");
        assert_eq!(seen, ["tree.inputs.0", "tree.inputs.1", "tree", ""]);
        assert!(root.get("tree").expect("tree").get("inputs").is_none());
    }
}
