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

/// `text` with its `workload` array written one element per line, as a machine writes an
/// inventory: the layout the chunks expect.
fn one_per_line(before: &str, elements: &[serde_json::Value], after: &str) -> String {
    let lines: Vec<String> = elements
        .iter()
        .map(|e| serde_json::to_string(e).expect("JSON text"))
        .collect();
    format!(
        "{{{before}\"workload\":[\n{}\n]{after}}}",
        lines.join(",\n")
    )
}

/// The spans a pass in `n` chunks finds, as text.
fn chunked(text: &str, n: usize) -> Option<Vec<&str>> {
    in_chunks(text.as_bytes(), n).map(|s| s.elements.iter().map(|&(a, b)| &text[a..b]).collect())
}

#[test]
fn chunks_of_a_machine_written_inventory_join_into_the_single_pass() {
    let elements: Vec<serde_json::Value> = (0..50)
        .map(|n| serde_json::json!({"id": format!("job-{n}"), "note": "a, ] } [ \" {", "n": [n, {"m": n}]}))
        .collect();
    let text = one_per_line(r#""site":[{"id":"s"}],"#, &elements, r#","z":["workload"]"#);
    // Bounds between elements: the chunks join.
    for n in [2, 3, 7, 16] {
        assert_eq!(
            in_chunks(text.as_bytes(), n),
            whole(text.as_bytes()),
            "{n} chunks"
        );
        assert_eq!(chunked(&text, n).map(|e| e.len()), Some(50), "{n} chunks");
    }
    // A bound on the line of the `[` or of the `]` does not join: the single pass runs.
    for n in [49, 200] {
        let split = in_chunks(text.as_bytes(), n);
        assert!(
            split.is_none() || split == whole(text.as_bytes()),
            "{n} chunks"
        );
    }
}

#[test]
fn chunks_that_do_not_join_give_way_to_the_single_pass() {
    // Pretty-printed: lines start inside elements, so the chunks do not join.
    let doc = serde_json::json!({"workload": [{"id": "a", "x": [1, 2]}, {"id": "b"}], "z": 1});
    let pretty = serde_json::to_string_pretty(&doc).expect("JSON text");
    assert_eq!(in_chunks(pretty.as_bytes(), 8), None);
    assert!(scan(pretty.as_bytes()).is_some());
    // A trailing comma or a second `workload` key in a later chunk: never a split, in chunks
    // or not. A line feed inside a string (which JSON refuses, and the reading of the
    // element then refuses): the chunks give way where a bound falls in it, and otherwise
    // find what the single pass finds.
    let elements: Vec<serde_json::Value> = (0..20).map(|n| serde_json::json!({"n": n})).collect();
    let text = one_per_line("", &elements, "");
    let trailing = text.replace("\n]", ",\n]");
    let broken = text.replacen("{\"n\":10}", "{\"n\":\"ten\nx\"}", 1);
    let twice = text.replacen("\n]}", "\n],\"workload\":[]}", 1);
    assert_eq!(whole(trailing.as_bytes()), None);
    assert_eq!(whole(twice.as_bytes()), None);
    for bad in [&trailing, &broken, &twice] {
        for n in 2..24 {
            let split = in_chunks(bad.as_bytes(), n);
            assert!(
                split.is_none() || split == whole(bad.as_bytes()),
                "{n} chunks: {bad}"
            );
        }
    }
    // A chunk that ends inside the string gives up; bounds elsewhere find the split.
    let inside = broken.find("ten\n").expect("the string") + 4;
    let line = broken.find("{\"n\":12}").expect("a line start");
    let at = |bound: usize| join(broken.as_bytes(), &[0, bound, broken.len()]);
    assert_eq!(at(inside), None);
    assert_eq!(at(line), whole(broken.as_bytes()));
    assert!(at(line).is_some());
}

proptest! {
    /// Whatever the layout and the number of chunks, the chunks either join into exactly the
    /// single pass or give way to it.
    #[test]
    fn chunks_agree_with_the_single_pass(
        elements in prop::collection::vec(value(), 1..12),
        pretty in any::<bool>(),
        n in 2usize..24,
    ) {
        let lines = one_per_line(r#""a":[1,"x"],"#, &elements, r#","b":{"c":"workload"}"#);
        let whole_lines = whole(lines.as_bytes());
        prop_assert!(whole_lines.is_some());
        let split = in_chunks(lines.as_bytes(), n);
        prop_assert!(split.is_none() || split == whole_lines);
        let doc = serde_json::json!({"a": 1, "workload": elements});
        let text = if pretty {
            serde_json::to_string_pretty(&doc)
        } else {
            serde_json::to_string(&doc)
        }
        .expect("JSON text");
        if let Some(split) = in_chunks(text.as_bytes(), n) {
            prop_assert_eq!(Some(split), whole(text.as_bytes()));
        }
    }
}
