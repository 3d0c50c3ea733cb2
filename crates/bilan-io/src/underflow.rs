//! Bare numbers too small for a 64-bit float (`pue = 1e-400`), refused with their line.
//!
//! The TOML and JSON parsers read such a number as 0, and nothing after them can tell it
//! from a 0 that was written. A quantity written as text (`"1e-400 kWh"`) is refused by its
//! own reading ([`bilan_units::Quantity::parse`]); this finds the bare numbers, with the
//! same message, so that neither becomes a silent 0.
//!
//! Every file is searched for `e-` or `E-` (a vectorised substring search), and the number
//! around each hit is read. Only when one of them reads as 0 from digits that are not all 0
//! is the file tokenised, to refuse exactly the numbers that are values (not text in a
//! string or a comment).

use std::ops::Range;

use bilan_units::{Quantity, UnitError};
use toml::de::{DeTable, DeValue};

use crate::{FileError, FileErrors, Format, SourceFile, depth};

/// Refuses the numbers of `file` that are not 0 but would read as 0.
pub(crate) fn check(file: &SourceFile) -> Result<(), FileErrors> {
    if !may_hold_one(&file.text) {
        return Ok(());
    }
    let numbers = match file.format() {
        Format::Toml => toml_floats(&file.text),
        Format::Json => json_numbers(&file.text),
    };
    let errors: Vec<FileError> = numbers
        .into_iter()
        .filter_map(|span| {
            let message = underflow(&file.text[span.clone()])?;
            Some(FileError::located(file, Some(span), String::new(), message))
        })
        .collect();
    if errors.is_empty() {
        Ok(())
    } else {
        Err(FileErrors { errors })
    }
}

/// The message for a number that is not 0 but reads as 0; `None` for any other text.
fn underflow(number: &str) -> Option<String> {
    match Quantity::parse(number) {
        Err(e @ UnitError::Underflow { .. }) => Some(e.to_string()),
        _ => None,
    }
}

/// Whether some `e-` in `text` ends a number that underflows, wherever it is.
fn may_hold_one(text: &str) -> bool {
    let bytes = text.as_bytes();
    let number_byte = |b: u8| b.is_ascii_digit() || matches!(b, b'.' | b'_' | b'+' | b'-');
    [&b"e-"[..], &b"E-"[..]].iter().any(|needle| {
        memchr::memmem::find_iter(bytes, needle).any(|at| {
            let start = bytes[..at]
                .iter()
                .rposition(|&b| !number_byte(b))
                .map_or(0, |p| p + 1);
            let end = bytes[at + 2..]
                .iter()
                .position(|&b| !(b.is_ascii_digit() || b == b'_'))
                .map_or(bytes.len(), |p| at + 2 + p);
            // Most hits are words (`fine-tuning`): no digit before or after.
            let digits = |range: &[u8]| range.iter().any(u8::is_ascii_digit);
            digits(&bytes[start..at])
                && digits(&bytes[at + 2..end])
                && text.get(start..end).is_some_and(|n| underflow(n).is_some())
        })
    })
}

/// The spans of the floats of a TOML document, in file order; none if it does not parse or
/// nests too deep (its reading then says so, before the parser could hold a token per part
/// of a hostile dotted key).
fn toml_floats(text: &str) -> Vec<Range<usize>> {
    if depth::too_deep_toml_text(text).is_some() || depth::long_dotted_key(text).is_some() {
        return Vec::new();
    }
    let Ok(doc) = DeTable::parse(text) else {
        return Vec::new();
    };
    if depth::too_deep_toml(doc.get_ref()).is_some() {
        depth::dismantle(doc.into_inner());
        return Vec::new();
    }
    let mut spans = Vec::new();
    let mut stack: Vec<&toml::Spanned<DeValue<'_>>> = doc.get_ref().values().collect();
    while let Some(value) = stack.pop() {
        match value.get_ref() {
            DeValue::Float(_) => spans.push(value.span()),
            DeValue::Table(t) => stack.extend(t.values()),
            DeValue::Array(a) => stack.extend(a.iter()),
            _ => {}
        }
    }
    spans.sort_by_key(|s| s.start);
    spans
}

/// The spans of the numbers of a JSON text outside its strings, in file order.
fn json_numbers(text: &str) -> Vec<Range<usize>> {
    let bytes = text.as_bytes();
    let mut spans = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'"' => {
                i += 1;
                while i < bytes.len() && bytes[i] != b'"' {
                    i += if bytes[i] == b'\\' { 2 } else { 1 };
                }
                i += 1;
            }
            b'-' | b'0'..=b'9' => {
                let start = i;
                while i < bytes.len()
                    && matches!(bytes[i], b'0'..=b'9' | b'.' | b'e' | b'E' | b'+' | b'-')
                {
                    i += 1;
                }
                spans.push(start..i);
            }
            _ => i += 1,
        }
    }
    spans
}

#[cfg(test)]
mod tests {
    use super::*;

    fn errors(name: &str, text: &str) -> Vec<(Option<usize>, String)> {
        let file = SourceFile {
            name: name.to_owned(),
            text: text.to_owned(),
        };
        match check(&file) {
            Ok(()) => Vec::new(),
            Err(e) => e
                .errors
                .iter()
                .map(|e| (e.line, e.message.clone()))
                .collect(),
        }
    }

    #[test]
    fn a_bare_number_that_would_read_as_zero_is_refused_with_its_line() {
        let found = errors(
            "a.toml",
            "a = 1.0\n# 1e-400 in a comment\nb = \"1e-400 in text\"\nc = [0.0, 1_0e-4_00]\nd = { e = -2.5E-999 }\nf = 0e-999\n",
        );
        assert_eq!(
            found.iter().map(|(line, _)| *line).collect::<Vec<_>>(),
            [Some(4), Some(5)]
        );
        assert!(
            found[0]
                .1
                .contains("`1_0e-4_00`: the number is too small for a 64-bit float"),
            "{found:?}"
        );
        let found = errors(
            "a.json",
            r#"{"a": "1e-400", "b": [1e-400, 0e-400, 4.9e-324],
"c": {"d": -3E-500}}"#,
        );
        assert_eq!(
            found.iter().map(|(line, _)| *line).collect::<Vec<_>>(),
            [Some(1), Some(2)]
        );
        assert!(found[1].1.starts_with("`-3E-500`"), "{found:?}");
    }

    #[test]
    fn files_without_one_are_not_tokenised() {
        assert!(!may_hold_one(
            "a = 1e-300\nb = \"x e-400\"\nc = 5e-324 # e-"
        ));
        assert!(may_hold_one("# 1e-400"));
        assert!(errors("a.toml", "a = 1e-300\n").is_empty());
        assert!(errors("a.toml", "a = [\n").is_empty());
    }
}
