//! A small block-style YAML writer for the export: strings always double-quoted, so nothing
//! a user wrote can turn into another type or break the structure.

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
