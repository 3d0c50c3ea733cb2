//! Nesting depth: how deep tables and arrays may nest, checked without recursion.
//!
//! Reading a value into Rust types recurses once per level of nesting, so a file nested
//! thousands of levels deep would overflow the stack. Every file is checked before it is
//! read into types: TOML once parsed (the parser itself does not recurse per level of
//! dotted keys or headers), JSON by a scan of its text. Anything nested deeper than
//! [`MAX_DEPTH`] is refused with its line; the walks here use explicit stacks.

use std::ops::Range;

use toml::Spanned;
use toml::de::{DeTable, DeValue};

/// The most levels that tables and arrays may nest, in every file bilan reads. A
/// bilan file needs five or six; a value nested deeper is refused with its line.
pub const MAX_DEPTH: usize = 64;

/// The message for a file nested deeper than [`MAX_DEPTH`].
pub(crate) fn too_deep_message() -> String {
    format!(
        "tables, arrays or dotted keys nested more than {MAX_DEPTH} levels deep; bilan reads at most {MAX_DEPTH} levels"
    )
}

/// The span of the first value (in file order) nested deeper than [`MAX_DEPTH`], if any.
/// A value directly in the document is at depth 1; each table or array adds one.
pub(crate) fn too_deep_toml(root: &DeTable<'_>) -> Option<Range<usize>> {
    let mut first: Option<Range<usize>> = None;
    let mut stack: Vec<(&DeValue<'_>, usize)> = Vec::new();
    push_children(root, 1, &mut stack, &mut first);
    while let Some((value, depth)) = stack.pop() {
        match value {
            DeValue::Table(t) => push_children(t, depth + 1, &mut stack, &mut first),
            DeValue::Array(a) => {
                for v in a {
                    check(None, v, depth + 1, &mut stack, &mut first);
                }
            }
            _ => {}
        }
    }
    first
}

fn push_children<'t, 'i>(
    table: &'t DeTable<'i>,
    depth: usize,
    stack: &mut Vec<(&'t DeValue<'i>, usize)>,
    first: &mut Option<Range<usize>>,
) {
    for (k, v) in table {
        check(Some(k.span()), v, depth, stack, first);
    }
}

fn check<'t, 'i>(
    key: Option<Range<usize>>,
    value: &'t Spanned<DeValue<'i>>,
    depth: usize,
    stack: &mut Vec<(&'t DeValue<'i>, usize)>,
    first: &mut Option<Range<usize>>,
) {
    if depth > MAX_DEPTH {
        let span = key.unwrap_or_else(|| value.span());
        if first.as_ref().is_none_or(|f| span.start < f.start) {
            *first = Some(span);
        }
    } else if matches!(value.get_ref(), DeValue::Table(_) | DeValue::Array(_)) {
        stack.push((value.get_ref(), depth));
    }
}

/// Drops a parsed document without recursing once per level (a document refused as too
/// deep may be thousands of levels deep).
pub(crate) fn dismantle(root: DeTable<'_>) {
    let mut stack: Vec<DeValue<'_>> = root.into_iter().map(|(_, v)| v.into_inner()).collect();
    while let Some(value) = stack.pop() {
        match value {
            DeValue::Table(t) => stack.extend(t.into_iter().map(|(_, v)| v.into_inner())),
            DeValue::Array(a) => stack.extend(a.into_iter().map(Spanned::into_inner)),
            _ => {}
        }
    }
}

/// The byte offset of the first `[` or `{` of a JSON text nested deeper than
/// [`MAX_DEPTH`], if any. Strings are skipped; the text need not be valid JSON (the parser
/// reports what else is wrong).
pub(crate) fn too_deep_json(text: &str) -> Option<usize> {
    let bytes = text.as_bytes();
    let mut depth = 0usize;
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'"' => {
                i += 1;
                while i < bytes.len() && bytes[i] != b'"' {
                    i += if bytes[i] == b'\\' { 2 } else { 1 };
                }
            }
            b'[' | b'{' => {
                depth += 1;
                if depth > MAX_DEPTH {
                    return Some(i);
                }
            }
            b']' | b'}' => depth = depth.saturating_sub(1),
            _ => {}
        }
        i += 1;
    }
    None
}

/// The byte offset of the first `[` or `{` of a TOML text's values nested deeper than
/// [`MAX_DEPTH`], found by a scan of the text before it is parsed: the parser, refusing a
/// deep value, spends time in proportion to the depth at every level of its recovery,
/// which on a file of megabytes of brackets takes minutes. Strings and comments are
/// skipped, and a table header (`[a.b]`, `[[a]]` first on its line) is no nesting; the text
/// need not be valid TOML (the parser reports what else is wrong).
pub(crate) fn too_deep_toml_text(text: &str) -> Option<usize> {
    let bytes = text.as_bytes();
    let mut depth = 0usize;
    let mut line_start = true;
    let mut i = 0;
    while i < bytes.len() {
        let c = bytes[i];
        match c {
            b'\n' => {
                line_start = true;
                i += 1;
                continue;
            }
            b' ' | b'\t' | b'\r' => {
                i += 1;
                continue;
            }
            b'#' => {
                while i < bytes.len() && bytes[i] != b'\n' {
                    i += 1;
                }
                continue;
            }
            b'"' | b'\'' => {
                i = skip_string(bytes, i);
                line_start = false;
                continue;
            }
            b'[' if line_start && depth == 0 => {
                // A table header: up to its closing bracket, on this line.
                while i < bytes.len() && bytes[i] != b'\n' && bytes[i] != b']' {
                    if bytes[i] == b'"' || bytes[i] == b'\'' {
                        i = skip_string(bytes, i);
                    } else {
                        i += 1;
                    }
                }
                line_start = false;
                continue;
            }
            b'[' | b'{' => {
                depth += 1;
                if depth > MAX_DEPTH {
                    return Some(i);
                }
            }
            b']' | b'}' => depth = depth.saturating_sub(1),
            _ => {}
        }
        line_start = false;
        i += 1;
    }
    None
}

/// The span of the first dotted key of more than [`MAX_DEPTH`] parts in a TOML text. The
/// TOML parser refuses keys of many parts without saying where; this finds the place. It
/// skips comments and strings; a run of parts joined by dots outside them is a key (a
/// float such as `1.5` makes a run of two, far below the limit).
pub(crate) fn long_dotted_key(text: &str) -> Option<Range<usize>> {
    let bytes = text.as_bytes();
    let mut i = 0;
    // The current run: where it starts, how many parts it has, whether a dot ends it.
    let mut start = 0;
    let mut parts = 0usize;
    let mut after_dot = false;
    let mut after_part = false;
    while i < bytes.len() {
        let c = bytes[i];
        let part_end = if c == b'"' || c == b'\'' {
            Some(skip_string(bytes, i))
        } else if is_bare(c) {
            let mut j = i;
            while j < bytes.len() && is_bare(bytes[j]) {
                j += 1;
            }
            Some(j)
        } else {
            None
        };
        match part_end {
            Some(end) => {
                if !after_dot {
                    start = i;
                    parts = 0;
                }
                parts += 1;
                if parts > MAX_DEPTH {
                    return Some(start..end);
                }
                after_part = true;
                after_dot = false;
                i = end;
                continue;
            }
            None if c == b'.' && after_part => {
                after_part = false;
                after_dot = true;
            }
            None if c == b' ' || c == b'\t' => {}
            None if c == b'#' => {
                while i < bytes.len() && bytes[i] != b'\n' {
                    i += 1;
                }
                after_part = false;
                after_dot = false;
                continue;
            }
            None => {
                after_part = false;
                after_dot = false;
            }
        }
        i += 1;
    }
    None
}

fn is_bare(c: u8) -> bool {
    c.is_ascii_alphanumeric() || c == b'_' || c == b'-'
}

/// The offset just after the string starting at `i` (`"…"`, `'…'`, or their triple-quoted
/// multi-line forms), or the end of the text if it is not closed.
fn skip_string(bytes: &[u8], i: usize) -> usize {
    let quote = bytes[i];
    let triple = bytes
        .get(i..i + 3)
        .is_some_and(|s| s.iter().all(|&b| b == quote));
    let mut j = if triple { i + 3 } else { i + 1 };
    while j < bytes.len() {
        let c = bytes[j];
        if c == b'\\' && quote == b'"' {
            j += 2;
            continue;
        }
        if c == quote {
            if !triple {
                return j + 1;
            }
            if bytes
                .get(j..j + 3)
                .is_some_and(|s| s.iter().all(|&b| b == quote))
            {
                // A multi-line string may end with one or two more quotes than its closer.
                let mut end = j + 3;
                while end < bytes.len() && end < j + 5 && bytes[end] == quote {
                    end += 1;
                }
                return end;
            }
        }
        if c == b'\n' && !triple {
            return j;
        }
        j += 1;
    }
    bytes.len()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_depth_skips_strings() {
        assert_eq!(too_deep_json(&"[".repeat(MAX_DEPTH)), None);
        assert_eq!(too_deep_json(&"[".repeat(MAX_DEPTH + 1)), Some(MAX_DEPTH));
        let s = format!("{{\"a\": \"{}\\\"\"}}", "[".repeat(500));
        assert_eq!(too_deep_json(&s), None);
    }

    #[test]
    fn toml_depth_is_found_before_parsing_outside_strings_comments_and_headers() {
        let deep = format!(
            "x = {}1{}\n",
            "[".repeat(MAX_DEPTH + 1),
            "]".repeat(MAX_DEPTH + 1)
        );
        assert_eq!(too_deep_toml_text(&deep), Some(4 + MAX_DEPTH));
        let inline = format!("x = {}\n", "{ a = ".repeat(MAX_DEPTH + 1));
        assert!(too_deep_toml_text(&inline).is_some());
        let fine = format!(
            "[[workload]]\n[a.\"[[[\"]\nx = \"{}\"\n# {}\ny = [[1, 2], {{ a = [3] }}]\nz = '''\n{}\n'''\n",
            "[".repeat(500),
            "{".repeat(500),
            "[".repeat(500)
        );
        assert_eq!(too_deep_toml_text(&fine), None);
        let at_limit = format!("x = {}{}\n", "[".repeat(MAX_DEPTH), "]".repeat(MAX_DEPTH));
        assert_eq!(too_deep_toml_text(&at_limit), None);
    }

    #[test]
    fn long_dotted_keys_are_found_outside_strings_and_comments() {
        let key = vec!["a"; MAX_DEPTH + 1].join(".");
        let text = format!("x = \"{key}\"\n# {key}\ny = '''\n{key}\n'''\n{key} = 1\n");
        let span = long_dotted_key(&text).expect("found");
        assert_eq!(&text[span.start..span.end], key);
        assert!(text[..span.start].ends_with("'''\n"));
        let short = vec!["a"; MAX_DEPTH].join(" . ");
        assert_eq!(long_dotted_key(&format!("{short} = 1.5\n")), None);
        let quoted = vec!["\"a.b\""; MAX_DEPTH + 1].join(".");
        assert!(long_dotted_key(&format!("[{quoted}]\n")).is_some());
    }
}
