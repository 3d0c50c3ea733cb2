//! The uncertain values of a file: every quantity written with a distribution
//! (`"700 W ± 10 %"`, `{ min, mode, max }`, `{ median, gsd }`, `{ value, pedigree }`…), by key
//! path with items named by id (`workload[pretrain].device-hours`, `site[eu-dc].pue`), as
//! the audit trail names them.
//!
//! The typed reading of the file ([`crate::parse`]) already accepted these forms (taking
//! their nominal value) and refused bad distributions with their line; this scan records
//! the distributions, for `--uncertainty` and for checking each one against its key's domain
//! (every `validate` and `compare`, after a quick test that the file may hold one).

use std::sync::LazyLock;

use aho_corasick::{AhoCorasick, MatchKind};
use bilan_units::UncertainQuantity;
use serde::Deserialize as _;

use crate::{FileError, FileErrors, Format, SourceFile};

/// An uncertain value at a key path.
#[derive(Clone, Debug)]
pub struct UncertainValue {
    /// Key path, items named by id.
    pub path: String,
    /// The value and its distribution.
    pub value: UncertainQuantity,
}

/// Keys that make a table a distribution rather than a table of the file's own.
const DISTRIBUTION_KEYS: [&str; 7] = ["min", "max", "mean", "sd", "median", "gsd", "pedigree"];
/// Every key a distribution table may have.
const ALLOWED_KEYS: [&str; 11] = [
    "min",
    "mode",
    "max",
    "mean",
    "sd",
    "median",
    "gsd",
    "pedigree",
    "basic-gsd",
    "value",
    "unit",
];

/// A document, as either format's tree.
enum Node<'a> {
    Toml(&'a toml::Value),
    Json(&'a serde_json::Value),
}

impl<'a> Node<'a> {
    fn as_str(&self) -> Option<&'a str> {
        match self {
            Node::Toml(v) => v.as_str(),
            Node::Json(v) => v.as_str(),
        }
    }

    fn entries(&self) -> Option<Vec<(&'a str, Node<'a>)>> {
        match self {
            Node::Toml(v) => v
                .as_table()
                .map(|t| t.iter().map(|(k, v)| (k.as_str(), Node::Toml(v))).collect()),
            Node::Json(v) => v
                .as_object()
                .map(|t| t.iter().map(|(k, v)| (k.as_str(), Node::Json(v))).collect()),
        }
    }

    fn items(&self) -> Option<Vec<Node<'a>>> {
        match self {
            Node::Toml(v) => v.as_array().map(|a| a.iter().map(Node::Toml).collect()),
            Node::Json(v) => v.as_array().map(|a| a.iter().map(Node::Json).collect()),
        }
    }

    fn read(&self) -> Result<UncertainQuantity, String> {
        match self {
            Node::Toml(v) => {
                UncertainQuantity::deserialize((*v).clone()).map_err(|e| e.to_string())
            }
            Node::Json(v) => UncertainQuantity::deserialize(*v).map_err(|e| e.to_string()),
        }
    }
}

/// A value found at a key path: its distribution, or why it could not be read.
type Found = (String, Result<UncertainQuantity, String>);

/// Whether `text` may hold a distribution: a `±` or `+/-`, or a key that makes a table a
/// distribution (`min`, `gsd`…) written as a key, followed by `=` or `:`. A quick test
/// before a parse of the whole file; a false alarm costs only that parse.
///
/// Every `validate` and `compare` makes it, on files of hundreds of megabytes, before the
/// methods run: all the needles are searched in one pass (`aho-corasick`, vectorised), where
/// a search per needle read the file nine times (a fifth of a second at a million workloads).
///
/// The search does not look for a needle that starts inside a match: that would be `sd`
/// inside `gsd` alone (no other needle starts inside one, or is a prefix of one), and it
/// is then part of a longer name, which [`written_as_key`] refuses anyway.
fn may_hold_distributions(text: &str) -> bool {
    static NEEDLES: LazyLock<Option<AhoCorasick>> = LazyLock::new(|| {
        let needles = ["±", "+/-"].into_iter().chain(DISTRIBUTION_KEYS);
        AhoCorasick::builder()
            .match_kind(MatchKind::LeftmostFirst)
            .build(needles)
            .ok()
    });
    let Some(needles) = &*NEEDLES else {
        return by_needle(text);
    };
    needles.find_iter(text).any(|m| {
        // The first two needles are the `±` signs, which need no key around them.
        m.pattern().as_usize() < 2 || written_as_key(text, m.start(), m.len())
    })
}

/// [`may_hold_distributions`], one search per needle: where the automaton could not be built,
/// and what the tests hold the one pass to.
fn by_needle(text: &str) -> bool {
    let bytes = text.as_bytes();
    let found = |needle: &str| memchr::memmem::find(bytes, needle.as_bytes()).is_some();
    found("±")
        || found("+/-")
        || DISTRIBUTION_KEYS.iter().any(|key| {
            memchr::memmem::find_iter(bytes, key.as_bytes())
                .any(|at| written_as_key(text, at, key.len()))
        })
}

/// Whether the `len` bytes of `text` at `at` are a whole key: not part of a longer name,
/// and followed (past a closing quote and blanks) by `=` or `:`.
fn written_as_key(text: &str, at: usize, len: usize) -> bool {
    let part_of_name = text[..at]
        .chars()
        .next_back()
        .is_some_and(|c| c.is_alphanumeric() || c == '-' || c == '_');
    let after = text[at + len..].trim_start_matches('"').trim_start();
    !part_of_name && (after.starts_with('=') || after.starts_with(':'))
}

fn is_distribution(entries: &[(&str, Node<'_>)]) -> bool {
    entries.iter().any(|(k, _)| DISTRIBUTION_KEYS.contains(k))
        && entries.iter().all(|(k, _)| ALLOWED_KEYS.contains(k))
}

fn walk(
    node: &Node<'_>,
    path: &mut String,
    out: &mut Vec<(String, Result<UncertainQuantity, String>)>,
) {
    if let Some(text) = node.as_str() {
        if text.contains('±') || text.contains("+/-") {
            out.push((path.clone(), node.read()));
        }
        return;
    }
    if let Some(entries) = node.entries() {
        if is_distribution(&entries) {
            out.push((path.clone(), node.read()));
            return;
        }
        for (key, child) in entries {
            let len = path.len();
            if !path.is_empty() {
                path.push('.');
            }
            path.push_str(key);
            walk(&child, path, out);
            path.truncate(len);
        }
        return;
    }
    if let Some(items) = node.items() {
        for (n, item) in items.iter().enumerate() {
            let id = item.entries().and_then(|e| {
                e.iter()
                    .find(|(k, _)| *k == "id")
                    .and_then(|(_, v)| v.as_str())
            });
            let len = path.len();
            match id {
                Some(id) => path.push_str(&format!("[{id}]")),
                None => path.push_str(&format!("[{n}]")),
            }
            walk(item, path, out);
            path.truncate(len);
        }
    }
}

/// The uncertain values of one TOML document (a whole file, or a piece of one).
fn scan_toml(text: &str) -> Result<Vec<Found>, String> {
    let doc: toml::Value = toml::from_str(text).map_err(|e| e.to_string())?;
    let mut found = Vec::new();
    walk(&Node::Toml(&doc), &mut String::new(), &mut found);
    Ok(found)
}

/// Every uncertain value of `file`, in file order. A file the typed reading accepted has no
/// bad distribution; one that slipped through is an error at its key path. A file that
/// writes no `±` and no distribution key is not parsed again.
///
/// A large TOML inventory is scanned in the pieces it is read in ([`crate::pieces`]), in
/// parallel: no tree of the whole document is ever held (for 100,000 workloads it would be
/// hundreds of megabytes). Items are named by id, so the pieces' paths are the document's.
pub fn uncertain_values(file: &SourceFile) -> Result<Vec<UncertainValue>, FileErrors> {
    if !may_hold_distributions(&file.text) {
        return Ok(Vec::new());
    }
    let pieces = crate::pieces::split(file, crate::pieces::PIECE_BYTES).and_then(|(head, rest)| {
        use rayon::prelude::*;
        let mut all = vec![head];
        all.extend(rest);
        all.par_iter()
            .map(|text| scan_toml(text).ok())
            .collect::<Option<Vec<_>>>()
    });
    let mut found = Vec::new();
    match file.format() {
        _ if pieces.is_some() => found = pieces.into_iter().flatten().flatten().collect(),
        Format::Toml => {
            let doc: toml::Value = toml::from_str(&file.text)
                .map_err(|e| FileError::plain(&file.name, e.to_string()))?;
            walk(&Node::Toml(&doc), &mut String::new(), &mut found);
        }
        Format::Json => {
            let doc: serde_json::Value = serde_json::from_str(&file.text)
                .map_err(|e| FileError::plain(&file.name, e.to_string()))?;
            walk(&Node::Json(&doc), &mut String::new(), &mut found);
        }
    }
    let locator = crate::Locator::new(file);
    let mut values = Vec::new();
    let mut errors = Vec::new();
    for (path, read) in found {
        match read {
            Ok(value) if value.distribution.is_some() => {
                values.push(UncertainValue { path, value })
            }
            Ok(_) => {}
            Err(message) => errors.push(locator.error(&path, message)),
        }
    }
    if errors.is_empty() {
        Ok(values)
    } else {
        Err(FileErrors { errors })
    }
}

#[cfg(test)]
mod tests {
    use super::{by_needle, may_hold_distributions};

    #[test]
    fn a_file_without_distributions_is_told_apart_without_a_parse() {
        for text in [
            "pue = \"1.2 ± 0.1\"",
            "pue = \"1.2 +/- 0.1\"",
            "utilisation = { min = 0.5, max = 1 }",
            "energy = { median = \"1 MWh\", \"gsd\" = 1.2 }",
            r#"{"pue": {"mean": 1.2, "sd": 0.1}}"#,
            "pue.min = 1.1\npue.max = 1.3",
        ] {
            assert!(may_hold_distributions(text), "{text}");
        }
        for text in [
            "pue = 1.2\nname = \"admin\"",
            "id = \"minimal\"\nmodel = \"gsd-9\"",
            "description = \"a max of 3\"",
        ] {
            assert!(!may_hold_distributions(text), "{text}");
        }
    }

    /// The one pass over every needle says what a search per needle says: on every bundled
    /// example, and on keys inside other keys and words (`gsd` holds `sd`), at the ends of
    /// the text, and after `±` signs cut short.
    #[test]
    fn one_pass_finds_what_a_search_per_needle_finds() {
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../../examples");
        let mut texts: Vec<String> = std::fs::read_dir(dir)
            .expect("examples")
            .map(|e| std::fs::read_to_string(e.expect("entry").path()).expect("example"))
            .collect();
        assert!(texts.len() > 3, "the examples were not found");
        for text in [
            "gsd = 1",
            "x.gsd = 1",
            "xsd = 1",
            "sd",
            "sd:",
            "\"sd\" : 1",
            "a = \"+/\"",
            "a = \"+/-",
            "±",
            "min=",
            "pedigree\n=",
            "median",
            "meanwhile = 1",
            "max_ = 2",
        ] {
            texts.push(text.to_owned());
        }
        for text in &texts {
            assert_eq!(may_hold_distributions(text), by_needle(text), "{text}");
        }
        // Both answers occur, so agreeing means something.
        assert!(texts.iter().any(|t| by_needle(t)));
        assert!(texts.iter().any(|t| !by_needle(t)));
    }
}
