//! Reading a parsed BoAmps report field by field, remembering which fields were read, so
//! that every field that was not ends up in the import report with why.

use std::collections::BTreeSet;

use bilan_io::SourceFile;
use bilan_units::text::clip;
use serde_json::Value;

use crate::ImportReport;

/// A report and the JSON pointers read from it.
pub(super) struct Doc<'a> {
    pub(super) file: &'a SourceFile,
    pub(super) root: &'a Value,
    used: BTreeSet<String>,
}

impl<'a> Doc<'a> {
    pub(super) fn new(file: &'a SourceFile, root: &'a Value) -> Doc<'a> {
        Doc {
            file,
            root,
            used: BTreeSet::new(),
        }
    }

    /// The value at `pointer`, not marked as read.
    pub(super) fn peek(&self, pointer: &str) -> Option<&'a Value> {
        self.root.pointer(pointer)
    }

    /// Marks `pointer` (and everything under it) as accounted for.
    pub(super) fn used(&mut self, pointer: &str) {
        self.used.insert(pointer.to_owned());
    }

    /// The non-empty string at `pointer`, marked as read.
    pub(super) fn text(&mut self, pointer: &str) -> Option<&'a str> {
        let s = self.peek(pointer)?.as_str()?.trim();
        self.used(pointer);
        (!s.is_empty()).then_some(s)
    }

    /// The number at `pointer`, marked as read.
    pub(super) fn number(&mut self, pointer: &str) -> Option<f64> {
        let v = self.peek(pointer)?.as_f64()?;
        self.used(pointer);
        Some(v)
    }

    /// How many items the array at `pointer` has.
    pub(super) fn len(&self, pointer: &str) -> usize {
        self.peek(pointer)
            .and_then(Value::as_array)
            .map_or(0, Vec::len)
    }

    /// Records the value at `pointer` as lost, as a whole, with `why`.
    pub(super) fn lose(&mut self, report: &mut ImportReport, pointer: &str, why: &str) {
        if let Some(v) = self.peek(pointer) {
            report.lose(&self.file.name, pointer, summary(pointer, v), why);
        }
        self.used(pointer);
    }

    /// Records every value not read as lost, with the reason its key has in `why`.
    pub(super) fn rest(&self, report: &mut ImportReport, why: impl Fn(&str) -> &'static str) {
        let mut stack = vec![(String::new(), self.root)];
        let mut leaves = Vec::new();
        while let Some((pointer, value)) = stack.pop() {
            if self.covered(&pointer) {
                continue;
            }
            match value {
                Value::Object(m) if !m.is_empty() => {
                    for (k, v) in m.iter().rev() {
                        stack.push((
                            format!("{pointer}/{}", k.replace('~', "~0").replace('/', "~1")),
                            v,
                        ));
                    }
                }
                Value::Array(a) if !a.is_empty() => {
                    for (i, v) in a.iter().enumerate().rev() {
                        stack.push((format!("{pointer}/{i}"), v));
                    }
                }
                _ => leaves.push((pointer, value)),
            }
        }
        for (pointer, value) in leaves {
            let key = pointer
                .rsplit('/')
                .find(|t| t.parse::<usize>().is_err())
                .unwrap_or("");
            report.lose(
                &self.file.name,
                pointer.as_str(),
                summary(&pointer, value),
                why(key),
            );
        }
    }

    fn covered(&self, pointer: &str) -> bool {
        if self.used.contains(pointer) {
            return true;
        }
        pointer
            .match_indices('/')
            .any(|(i, _)| self.used.contains(&pointer[..i]))
    }
}

/// A value as the import report shows it: `key = value` for a scalar, its fields for an
/// object.
pub(super) fn summary(pointer: &str, value: &Value) -> String {
    // The key, with its list's name for an item (`components/0`).
    let mut tokens = pointer.rsplit('/');
    let last = tokens.next().unwrap_or("");
    let key = match tokens.next() {
        Some(list) if last.parse::<usize>().is_ok() => format!("{list}/{last}"),
        _ => last.to_owned(),
    };
    let key = key.as_str();
    let shown = match value {
        Value::Object(m) => m
            .iter()
            .filter(|(_, v)| !v.is_object() && !v.is_array())
            .map(|(k, v)| format!("{k}={}", scalar(v)))
            .collect::<Vec<_>>()
            .join(", "),
        Value::Array(a) => format!("{} items", a.len()),
        v => return format!("`{}` = {}", clip(key), clip(&scalar(v))),
    };
    format!("`{}`: {}", clip(key), clip(&shown))
}

fn scalar(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}
