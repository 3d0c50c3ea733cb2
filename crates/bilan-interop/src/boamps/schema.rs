//! The BoAmps JSON Schema and validation against it.
//!
//! The schema is Boavizta's, unmodified (JSON Schema draft-04, data model 1.1.0 of
//! `Boavizta/BoAmps` at commit `3bfefec`, CC BY 4.0), committed with its version and
//! licence in `tests/fixtures/interop/boamps/schema/` and embedded from there. Its files
//! reference each other by absolute URL; each URL is given its embedded file and nothing is
//! ever fetched. Errors name the JSON pointer of the value at fault and its line.

use std::ops::Range;
use std::sync::OnceLock;

use bilan_io::{FileError, SourceFile};
use serde_json::Value;

/// Where the schema files live, as their `id`s and `$ref`s name them.
pub const BASE: &str = "https://raw.githubusercontent.com/Boavizta/BoAmps/main/model/";

/// The data model version the committed schema is (the reports' own `formatVersion` is
/// `0.1`, which the schema does not constrain).
pub const MODEL_VERSION: &str = "1.1.0";

/// The schema files, root first.
pub const FILES: [(&str, &str); 5] = [
    (
        "report_schema.json",
        include_str!("../../../../tests/fixtures/interop/boamps/schema/report_schema.json"),
    ),
    (
        "algorithm_schema.json",
        include_str!("../../../../tests/fixtures/interop/boamps/schema/algorithm_schema.json"),
    ),
    (
        "dataset_schema.json",
        include_str!("../../../../tests/fixtures/interop/boamps/schema/dataset_schema.json"),
    ),
    (
        "hardware_schema.json",
        include_str!("../../../../tests/fixtures/interop/boamps/schema/hardware_schema.json"),
    ),
    (
        "measure_schema.json",
        include_str!("../../../../tests/fixtures/interop/boamps/schema/measure_schema.json"),
    ),
];

/// The compiled schema.
struct Compiled {
    schemas: boon::Schemas,
    root: boon::SchemaIndex,
}

/// Refuses every URL: the schema files are all given before compiling.
struct Offline;

impl boon::UrlLoader for Offline {
    fn load(&self, url: &str) -> Result<Value, Box<dyn std::error::Error>> {
        Err(format!("{url} is not one of the embedded BoAmps schema files").into())
    }
}

fn compiled() -> Result<&'static Compiled, String> {
    static COMPILED: OnceLock<Result<Compiled, String>> = OnceLock::new();
    COMPILED
        .get_or_init(|| {
            let mut compiler = boon::Compiler::new();
            compiler.use_loader(Box::new(Offline));
            for (name, text) in FILES {
                let value: Value = serde_json::from_str(text)
                    .map_err(|e| format!("the embedded BoAmps schema {name}: {e}"))?;
                compiler
                    .add_resource(&format!("{BASE}{name}"), value)
                    .map_err(|e| format!("the embedded BoAmps schema {name}: {e}"))?;
            }
            let mut schemas = boon::Schemas::new();
            let root = compiler
                .compile(&format!("{BASE}{}", FILES[0].0), &mut schemas)
                .map_err(|e| format!("the embedded BoAmps schema: {e}"))?;
            Ok(Compiled { schemas, root })
        })
        .as_ref()
        .map_err(Clone::clone)
}

/// Every way `value` breaks the BoAmps schema: the JSON pointer of the value at fault and
/// what is wrong, in pointer order. Empty when the report is valid.
pub fn violations(value: &Value) -> Result<Vec<(String, String)>, String> {
    let c = compiled()?;
    let Err(e) = c.schemas.validate(value, c.root) else {
        return Ok(Vec::new());
    };
    let mut out = Vec::new();
    let mut stack = vec![&e];
    while let Some(e) = stack.pop() {
        if e.causes.is_empty() {
            out.push((e.instance_location.to_string(), e.kind.to_string()));
        } else {
            stack.extend(e.causes.iter());
        }
    }
    out.sort();
    out.dedup();
    Ok(out)
}

/// Validates the report in `file` (already parsed as `value`): one located error per
/// violation.
pub fn check(file: &SourceFile, value: &Value) -> Result<(), Vec<FileError>> {
    let found = violations(value).map_err(|e| vec![FileError::plain(&file.name, e)])?;
    if found.is_empty() {
        return Ok(());
    }
    let mut errors: Vec<FileError> = found
        .into_iter()
        .map(|(pointer, message)| {
            let span = span(&file.text, &pointer);
            let path = if pointer.is_empty() {
                "/".to_owned()
            } else {
                pointer
            };
            FileError::located(
                file,
                span,
                path,
                format!("{message} (BoAmps report schema {MODEL_VERSION})"),
            )
        })
        .collect();
    errors.sort_by_key(|e| e.line.unwrap_or(usize::MAX));
    Err(errors)
}

/// The bytes of the value at JSON `pointer` (`/measures/0/powerConsumption`) in a JSON
/// text that parses, found by scanning along the pointer only.
pub fn span(text: &str, pointer: &str) -> Option<Range<usize>> {
    let b = text.as_bytes();
    let mut i = ws(b, 0);
    let tokens = pointer
        .split('/')
        .skip(1)
        .map(|t| t.replace("~1", "/").replace("~0", "~"));
    for token in tokens {
        match b.get(i)? {
            b'{' => {
                i += 1;
                loop {
                    i = ws(b, i);
                    if *b.get(i)? != b'"' {
                        return None;
                    }
                    let key_end = string_end(b, i)?;
                    let key: String = serde_json::from_str(text.get(i..key_end)?).ok()?;
                    i = ws(b, key_end);
                    if *b.get(i)? != b':' {
                        return None;
                    }
                    i = ws(b, i + 1);
                    if key == token {
                        break;
                    }
                    i = ws(b, value_end(b, i)?);
                    if *b.get(i)? != b',' {
                        return None;
                    }
                    i += 1;
                }
            }
            b'[' => {
                let index: usize = token.parse().ok()?;
                i += 1;
                for _ in 0..index {
                    i = ws(b, i);
                    i = ws(b, value_end(b, i)?);
                    if *b.get(i)? != b',' {
                        return None;
                    }
                    i += 1;
                }
                i = ws(b, i);
                if *b.get(i)? == b']' {
                    return None;
                }
            }
            _ => return None,
        }
    }
    Some(i..value_end(b, i)?)
}

fn ws(b: &[u8], mut i: usize) -> usize {
    while i < b.len() && matches!(b[i], b' ' | b'\t' | b'\n' | b'\r') {
        i += 1;
    }
    i
}

/// The offset after the string starting at `i`.
fn string_end(b: &[u8], i: usize) -> Option<usize> {
    let mut j = i + 1;
    while j < b.len() {
        match b[j] {
            b'\\' => j += 2,
            b'"' => return Some(j + 1),
            _ => j += 1,
        }
    }
    None
}

/// The offset after the value starting at `i`.
fn value_end(b: &[u8], i: usize) -> Option<usize> {
    match *b.get(i)? {
        b'"' => string_end(b, i),
        b'{' | b'[' => {
            let mut depth = 0usize;
            let mut j = i;
            while j < b.len() {
                match b[j] {
                    b'"' => {
                        j = string_end(b, j)?;
                        continue;
                    }
                    b'{' | b'[' => depth += 1,
                    b'}' | b']' => {
                        depth -= 1;
                        if depth == 0 {
                            return Some(j + 1);
                        }
                    }
                    _ => {}
                }
                j += 1;
            }
            None
        }
        _ => {
            let mut j = i;
            while j < b.len() && !matches!(b[j], b',' | b'}' | b']' | b' ' | b'\t' | b'\n' | b'\r')
            {
                j += 1;
            }
            (j > i).then_some(j)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pointers_find_their_value() {
        let text = "{\n  \"a\": {\"b~/\": [1, {\"c\": \"x,]}\"}, [2]]},\n  \"d\": true\n}";
        let at = |p: &str| span(text, p).map(|r| &text[r]);
        assert_eq!(at("/a/b~0~1/0"), Some("1"));
        assert_eq!(at("/a/b~0~1/1/c"), Some("\"x,]}\""));
        assert_eq!(at("/a/b~0~1/2"), Some("[2]"));
        assert_eq!(at("/d"), Some("true"));
        assert_eq!(at("").map(|s| s.len()), Some(text.len()));
        assert_eq!(at("/e"), None);
        assert_eq!(at("/a/b~0~1/3"), None);
        assert_eq!(at("/d/x"), None);
    }

    #[test]
    fn the_embedded_schema_compiles_offline() {
        assert!(compiled().is_ok());
        let v: Value = serde_json::from_str("{}").expect("json");
        let found = violations(&v).expect("validates");
        assert!(
            found
                .iter()
                .any(|(p, m)| p.is_empty() && m.contains("measures")),
            "{found:?}"
        );
    }
}
