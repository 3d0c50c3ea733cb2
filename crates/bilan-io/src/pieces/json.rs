//! A JSON inventory read in pieces, on every core.
//!
//! A machine-written inventory is one object whose `workload` array holds nearly all of the
//! file. One scan of the text finds that array and where each of its elements starts and
//! ends (strings and nesting are followed, so a comma or bracket inside a string or a nested
//! value is not a boundary); the scan also refuses anything nested deeper than
//! [`crate::MAX_DEPTH`]. The rest of the document, with the array emptied, is read as an
//! inventory; the elements are read as workloads, in parallel tasks of about
//! [`super::PIECE_BYTES`] of text each, straight into their places in a list of the exact
//! size.
//!
//! As for TOML, the split is checked rather than trusted: a document that is not one
//! object, a `workload` key written twice (or once escaped and once not), an element that
//! is not a valid workload, an unknown key anywhere or text after the document make
//! [`parse`] give up, and the caller reads the whole file as one document, which also gives
//! the located error messages. A file read in pieces gives exactly the inventory the
//! whole-document reading gives.

use bilan_core::inventory::{Inventory, Workload};
use rayon::prelude::*;
use serde::de::DeserializeOwned;

/// The key of the array read in pieces, as written (unescaped) in the file.
const KEY: &[u8] = b"workload";

/// Where the `workload` array lies: its brackets, and each element's span.
#[derive(Debug, PartialEq, Eq)]
struct Split {
    open: usize,
    close: usize,
    elements: Vec<(usize, usize)>,
}

/// Reads the JSON inventory `text` in pieces of about `piece_bytes`, or `None` when the
/// pieces do not read cleanly (see the module documentation).
pub(super) fn parse(text: &str, piece_bytes: usize) -> Option<Inventory> {
    let split = scan(text.as_bytes())?;
    let mut head = String::with_capacity(text.len() - (split.close - split.open));
    head.push_str(&text[..=split.open]);
    head.push_str(&text[split.close..]);
    // Elements per task: about `piece_bytes` of text each.
    let per_element = (split.close - split.open) / split.elements.len().max(1);
    let min_len = (piece_bytes / per_element.max(1)).max(1);
    let mut read: Vec<Option<Workload>> = Vec::new();
    let ((), inventory) = rayon::join(
        || {
            split
                .elements
                .par_iter()
                .with_min_len(min_len)
                .map(|&(start, end)| strict::<Workload>(&text[start..end]))
                .collect_into_vec(&mut read);
        },
        || strict::<Inventory>(&head),
    );
    let mut inventory = inventory?;
    if !inventory.workloads.is_empty() {
        return None;
    }
    // Collected in place: the list of the exact size is reused.
    inventory.workloads = read.into_iter().collect::<Option<Vec<Workload>>>()?;
    Some(inventory)
}

/// `text` as `T`, or `None` if it does not parse, has text after the value, or has a key `T`
/// does not know.
fn strict<T: DeserializeOwned>(text: &str) -> Option<T> {
    let mut de = serde_json::Deserializer::from_str(text);
    let (value, ignored) = super::strict::read(&mut de).ok()?;
    de.end().ok()?;
    (!ignored).then_some(value)
}

/// The `workload` array of a document that is one object, or `None` when there is none, when
/// the key is written more than once, or when the text nests deeper than
/// [`crate::MAX_DEPTH`] or is plainly not JSON (unbalanced brackets, an unterminated string).
fn scan(bytes: &[u8]) -> Option<Split> {
    let mut depth = 0usize;
    let mut i = 0;
    // At depth 1: whether the next string is a key, and whether the last key was `workload`.
    let mut expect_key = false;
    let mut after_key = false;
    let mut found: Option<Split> = None;
    // Inside the array (its depth is 2): where the current element started.
    let mut element: Option<usize> = None;
    let mut in_array = false;
    // After the array's `[` or a `,` in it: the next byte that is not white space starts an
    // element, unless it ends the array or is another comma.
    let mut pending = false;
    while i < bytes.len() {
        if pending {
            i += bytes[i..].iter().take_while(|&&b| is_space(b)).count();
            if !matches!(bytes.get(i), None | Some(b']' | b',')) {
                element = Some(i);
            }
            pending = false;
        }
        // Numbers, literals, colons and white space: nothing to follow.
        i += bytes[i..]
            .iter()
            .take_while(|&&b| !STRUCTURAL[usize::from(b)])
            .count();
        let Some(&b) = bytes.get(i) else { break };
        match b {
            b'"' => {
                let end = string_end(bytes, i)?;
                if depth == 1 && expect_key {
                    if &bytes[i + 1..end - 1] == KEY {
                        if found.is_some() || after_key {
                            return None;
                        }
                        after_key = true;
                    }
                    expect_key = false;
                }
                i = end;
                continue;
            }
            b'{' | b'[' => {
                if depth == 0 && (b != b'{' || i != first_non_space(bytes)) {
                    return None;
                }
                depth += 1;
                if depth > crate::MAX_DEPTH {
                    return None;
                }
                if depth == 1 {
                    expect_key = true;
                } else if depth == 2 && after_key {
                    if b != b'[' {
                        return None;
                    }
                    after_key = false;
                    in_array = true;
                    pending = true;
                    found = Some(Split {
                        open: i,
                        close: 0,
                        elements: Vec::new(),
                    });
                }
            }
            b'}' | b']' => {
                if depth == 2 && in_array {
                    let split = found.as_mut()?;
                    match element.take() {
                        Some(start) => split.elements.push((start, trim_end(bytes, start, i))),
                        // `[a, ]`: a trailing comma, which JSON refuses.
                        None if !split.elements.is_empty() => return None,
                        None => {}
                    }
                    split.close = i;
                    in_array = false;
                }
                depth = depth.checked_sub(1)?;
            }
            _ => {
                // A comma.
                if depth == 1 {
                    expect_key = true;
                    if after_key {
                        // `"workload": 3,`: not an array; the whole reading says so.
                        return None;
                    }
                } else if depth == 2 && in_array {
                    let start = element.take()?;
                    found
                        .as_mut()?
                        .elements
                        .push((start, trim_end(bytes, start, i)));
                    pending = true;
                }
            }
        }
        i += 1;
    }
    if depth != 0 || after_key {
        return None;
    }
    found.filter(|s| s.close > s.open)
}

/// The bytes [`scan`] stops at: string quotes, brackets and commas.
const STRUCTURAL: [bool; 256] = {
    let mut table = [false; 256];
    let mut k = 0;
    let bytes = *b"\"{}[],";
    while k < bytes.len() {
        table[bytes[k] as usize] = true;
        k += 1;
    }
    table
};

/// The offset just past the string that starts at `start` (a `"`), or `None` when it is not
/// terminated.
fn string_end(bytes: &[u8], start: usize) -> Option<usize> {
    let mut i = start + 1;
    while i < bytes.len() {
        match bytes[i] {
            b'"' => return Some(i + 1),
            b'\\' => i += 2,
            _ => i += 1,
        }
    }
    None
}

/// JSON's white space: space, tab, line feed, carriage return (not form feed).
fn is_space(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\n' | b'\r')
}

fn first_non_space(bytes: &[u8]) -> usize {
    bytes
        .iter()
        .position(|&b| !is_space(b))
        .unwrap_or(bytes.len())
}

/// `end` moved back over white space, not before `start`.
fn trim_end(bytes: &[u8], start: usize, mut end: usize) -> usize {
    while end > start && is_space(bytes[end - 1]) {
        end -= 1;
    }
    end
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    fn split(text: &str) -> Option<Vec<&str>> {
        scan(text.as_bytes()).map(|s| s.elements.iter().map(|&(a, b)| &text[a..b]).collect())
    }

    #[test]
    fn the_scan_finds_each_element_of_the_top_level_array() {
        let text = r#" {"a": {"workload": [9]}, "workload" : [ {"id": "x,]\"}"} , {"b": [1, {"c": 2}]}
 ], "z": "workload"} "#;
        assert_eq!(
            split(text),
            Some(vec![r#"{"id": "x,]\"}"}"#, r#"{"b": [1, {"c": 2}]}"#])
        );
        assert_eq!(split(r#"{"workload": []}"#), Some(vec![]));
    }

    #[test]
    fn the_scan_gives_up_on_what_the_whole_reading_must_judge() {
        for text in [
            r#"[{"workload": []}]"#,
            r#"{"workload": [], "workload": []}"#,
            r#"{"workload": 3, "x": []}"#,
            r#"{"workload": {"a": 1}}"#,
            r#"{"workload": [1,, 2]}"#,
            r#"{"workload": [1, 2, ]}"#,
            r#"{"workload": [1, 2,]}"#,
            r#"{"workload": [1, 2}"#,
            r#"{"workload": ["open]}"#,
            r#"{"site": []}"#,
            r#"{"workload": [] "#,
            r#"{"workload""#,
        ] {
            assert_eq!(split(text), None, "{text}");
        }
        let deep = format!(
            r#"{{"workload": [{}1{}]}}"#,
            "[".repeat(crate::MAX_DEPTH),
            "]".repeat(crate::MAX_DEPTH)
        );
        assert_eq!(split(&deep), None);
    }

    /// Any JSON value: strings with quotes, backslashes, brackets and commas in them.
    fn value() -> impl Strategy<Value = serde_json::Value> {
        use serde_json::Value;
        let leaf = prop_oneof![
            Just(Value::Null),
            any::<bool>().prop_map(Value::Bool),
            any::<i32>().prop_map(Value::from),
            "[a-z\\\\\"\\[\\]{},: é]{0,8}".prop_map(Value::String),
        ];
        leaf.prop_recursive(4, 32, 4, |inner| {
            prop_oneof![
                prop::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
                prop::collection::btree_map("[a-z\\\\\"\\[,]{0,6}", inner, 0..4)
                    .prop_map(|m| Value::Object(m.into_iter().collect())),
            ]
        })
    }

    proptest! {
        /// The scan finds exactly the elements serde_json wrote, compact or pretty, wherever
        /// the array lies among the other keys.
        #[test]
        fn the_scan_splits_what_serde_json_writes(
            before in prop::collection::btree_map("[a-v]{1,4}", value(), 0..3),
            elements in prop::collection::vec(value(), 0..6),
            pretty in any::<bool>(),
        ) {
            let mut doc = serde_json::Map::new();
            doc.extend(before);
            doc.insert("workload".to_owned(), serde_json::Value::Array(elements.clone()));
            doc.insert("z".to_owned(), serde_json::json!(["workload", {"workload": []}]));
            let doc = serde_json::Value::Object(doc);
            let text = if pretty {
                serde_json::to_string_pretty(&doc)
            } else {
                serde_json::to_string(&doc)
            }
            .expect("JSON text");
            let found = split(&text).expect("a split");
            let read: Vec<serde_json::Value> = found
                .iter()
                .map(|e| serde_json::from_str(e).expect("an element"))
                .collect();
            prop_assert_eq!(read, elements);
        }
    }

    #[test]
    fn workloads_are_collected_in_place() {
        // An `Option<Workload>` takes no more room than a workload, so the list read in
        // parallel becomes the inventory's list without a second one.
        assert_eq!(
            std::mem::size_of::<Option<Workload>>(),
            std::mem::size_of::<Workload>()
        );
    }
}
