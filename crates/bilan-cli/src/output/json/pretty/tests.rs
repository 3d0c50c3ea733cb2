//! [`Pretty`] writes what serde_json writes with [`SafeFormatter`], byte for byte, for every
//! shape serde has and every kind of string, and refuses the keys serde_json refuses.

use std::collections::BTreeMap;

use serde::Serialize;

use super::super::SafeFormatter;
use super::Pretty;

fn by_serde_json<T: ?Sized + Serialize>(value: &T) -> Result<String, String> {
    let mut out = Vec::new();
    value
        .serialize(&mut serde_json::Serializer::with_formatter(
            &mut out,
            SafeFormatter::default(),
        ))
        .map_err(|e| e.to_string())?;
    Ok(String::from_utf8(out).expect("utf-8"))
}

fn by_pretty<T: ?Sized + Serialize>(value: &T) -> Result<String, String> {
    let mut out = Vec::new();
    let mut pretty = Pretty::new(&mut out);
    value.serialize(&mut pretty).map_err(|e| e.to_string())?;
    pretty.finish().map_err(|e| e.to_string())?;
    Ok(String::from_utf8(out).expect("utf-8"))
}

#[track_caller]
fn same<T: ?Sized + Serialize + std::fmt::Debug>(value: &T) {
    let expected = by_serde_json(value);
    assert_eq!(by_pretty(value), expected, "{value:?}");
}

#[derive(Serialize, Debug)]
struct Unit;

#[derive(Serialize, Debug)]
struct Newtype(f64);

#[derive(Serialize, Debug)]
struct Pair(i32, &'static str);

#[derive(Serialize, Debug, PartialEq, Eq, PartialOrd, Ord)]
#[serde(rename_all = "kebab-case")]
enum Key {
    FirstKey,
    Second,
}

#[derive(Serialize, Debug)]
#[serde(rename_all = "kebab-case")]
enum Shape {
    Plain,
    Wrapped(Vec<u8>),
    Empty(Vec<u8>),
    Tuple(i8, Option<u16>, Unit),
    Fields { a: f32, b: Option<Box<Shape>> },
    NoFields {},
}

#[derive(Serialize, Debug)]
#[serde(rename_all = "kebab-case")]
struct Everything {
    unit: (),
    unit_struct: Unit,
    newtype: Newtype,
    pair: Pair,
    tuple: (bool, char, u128, i128),
    shapes: Vec<Shape>,
    #[serde(skip_serializing_if = "Option::is_none")]
    skipped: Option<u8>,
    none: Option<u8>,
    floats: [f64; 6],
    by_enum: BTreeMap<Key, Vec<Shape>>,
    by_number: BTreeMap<i64, bool>,
    by_bool: BTreeMap<bool, ()>,
    by_char: BTreeMap<char, u8>,
    #[serde(with = "serde_bytes_as_seq")]
    bytes: Vec<u8>,
    #[serde(rename = "quote\"d key")]
    quoted_key: u8,
}

mod serde_bytes_as_seq {
    pub(super) fn serialize<S: serde::Serializer>(v: &[u8], s: S) -> Result<S::Ok, S::Error> {
        s.serialize_bytes(v)
    }
}

#[test]
fn every_shape_serde_has_is_written_as_serde_json_writes_it() {
    let shapes = || {
        vec![
            Shape::Plain,
            Shape::Wrapped(vec![1, 2]),
            Shape::Empty(vec![]),
            Shape::Tuple(-3, None, Unit),
            Shape::Fields {
                a: 0.1,
                b: Some(Box::new(Shape::Fields { a: -0.0, b: None })),
            },
            Shape::NoFields {},
        ]
    };
    let everything = Everything {
        unit: (),
        unit_struct: Unit,
        newtype: Newtype(1e300),
        pair: Pair(-7, "p"),
        tuple: (true, '\u{202e}', u128::MAX, i128::MIN),
        shapes: shapes(),
        skipped: None,
        none: None,
        floats: [0.0, -1.5, f64::NAN, f64::INFINITY, 1e-310, 123_456_789.0],
        by_enum: BTreeMap::from([(Key::FirstKey, shapes()), (Key::Second, vec![])]),
        by_number: BTreeMap::from([(-1, true), (2, false)]),
        by_bool: BTreeMap::from([(false, ()), (true, ())]),
        by_char: BTreeMap::from([('"', 1), ('é', 2)]),
        bytes: vec![0, 255],
        quoted_key: 9,
    };
    same(&everything);
    same(&vec![everything]);
    for shape in shapes() {
        same(&shape);
        same(&[&shape, &shape]);
    }
    same(&BTreeMap::<String, u8>::new());
    same(&Vec::<u8>::new());
    same(&vec![Vec::<u8>::new()]);
    same(&BTreeMap::from([(1.5f64.to_string(), 1)]));
}

/// Byte for byte what serde_json's pretty printer writes, down to nesting three times deeper
/// than the indentation the buffer writes at once, and empty arrays and objects.
#[test]
fn deep_values_are_written_as_serde_json_writes_them() {
    let mut deep = serde_json::json!({"leaf": [1, 2.5, "x"], "empty": [], "none": {}});
    for level in 0..150 {
        deep = if level % 2 == 0 {
            serde_json::json!({ "level": level, "inner": deep, "list": [{}, [], [level]] })
        } else {
            serde_json::json!([deep, null, true, "s"])
        };
    }
    for value in [
        deep,
        serde_json::json!([]),
        serde_json::json!({}),
        serde_json::json!(1),
        serde_json::json!([[]]),
        serde_json::json!({"a": {"b": {}}}),
    ] {
        let expected = serde_json::to_string_pretty(&value).expect("json");
        assert_eq!(by_pretty(&value), Ok(expected));
        same(&value);
    }
}

/// Strings of every length up to three words, with one character of every kind (quote,
/// backslash, controls, DEL, C1, bidirectional overrides, other non-ASCII) at every place,
/// as values and as keys.
#[test]
fn strings_of_every_kind_are_written_as_serde_json_writes_them() {
    let odd = [
        '"', '\\', '\n', '\t', '\r', '\u{8}', '\u{c}', '\0', '\u{1f}', '\u{7f}', '\u{80}',
        '\u{9f}', '\u{202e}', '\u{2066}', 'é', '€', '🦀', ' ', '~', '/',
    ];
    for len in 0..=24 {
        for at in 0..len.max(1) {
            for c in odd {
                let s: String = (0..len)
                    .map(|k| {
                        if k == at {
                            c
                        } else {
                            (b'a' + (k % 26) as u8) as char
                        }
                    })
                    .collect();
                same(&s);
                same(&BTreeMap::from([(s.clone(), &s)]));
            }
        }
    }
}

#[test]
fn keys_serde_json_refuses_are_refused() {
    #[derive(Serialize, PartialEq, Eq, PartialOrd, Ord)]
    struct Composite(u8, u8);
    let refused = |text: Result<String, String>| {
        assert_eq!(text.expect_err("refused"), "key must be a string");
    };
    refused(by_pretty(&BTreeMap::from([(Composite(1, 2), 3)])));
    refused(by_pretty(&BTreeMap::from([(vec![1], 3)])));
    refused(by_pretty(&BTreeMap::from([((), 3)])));
    refused(by_pretty(&BTreeMap::from([(Some(1), 3)])));
    assert_eq!(
        by_serde_json(&BTreeMap::from([(Composite(1, 2), 3)])),
        Err("key must be a string".into())
    );
    #[derive(Serialize, PartialEq, PartialOrd)]
    struct Float(f64);
    let with = |x: f64| vec![(Float(x), 1)].into_iter().collect::<Keyed>();
    struct Keyed(Vec<(Float, u8)>);
    impl FromIterator<(Float, u8)> for Keyed {
        fn from_iter<I: IntoIterator<Item = (Float, u8)>>(i: I) -> Keyed {
            Keyed(i.into_iter().collect())
        }
    }
    impl Serialize for Keyed {
        fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
            s.collect_map(self.0.iter().map(|(k, v)| (k, v)))
        }
    }
    let finite = with(2.5);
    assert_eq!(by_pretty(&finite), by_serde_json(&finite));
    assert_eq!(by_pretty(&finite).expect("written"), "{\n  \"2.5\": 1\n}");
    let nan = with(f64::NAN);
    assert_eq!(by_pretty(&nan), by_serde_json(&nan));
    assert!(by_pretty(&nan).is_err());
}

/// Text longer than the buffer, in pieces of every length and in one string longer than the
/// buffer itself, comes out whole and in order.
#[test]
fn text_longer_than_the_buffer_is_written_whole() {
    let pieces: Vec<(String, Vec<u32>)> = (0..20_000u32)
        .map(|k| {
            let len = (k % 41) as usize;
            let text: String = (0..len)
                .map(|i| (b'a' + ((k as usize + i) % 26) as u8) as char)
                .collect();
            (text, (0..k % 3).collect())
        })
        .collect();
    let text = by_pretty(&pieces).expect("written");
    assert!(text.len() > 4 * (1 << 16), "{}", text.len());
    assert_eq!(Ok(text), by_serde_json(&pieces));
    let long = vec!["x".repeat(70_000), "é".repeat(40_000), String::new()];
    assert_eq!(by_pretty(&long), by_serde_json(&long));
}

/// Field and variant names are known by their address once found plain: one that is not
/// (a quote, a control, a bidirectional override) is escaped every time it is written, in
/// a list long enough for names to be met again, beside plain ones.
#[test]
fn names_are_escaped_every_time_they_need_it() {
    #[derive(Serialize, Debug, Clone, Copy)]
    enum Odd {
        #[serde(rename = "tab\there")]
        Tab,
        #[serde(rename = "plain")]
        Plain,
        #[serde(rename = "bidi\u{202e}")]
        Bidi,
    }
    #[derive(Serialize, Debug)]
    struct Named {
        #[serde(rename = "quote\"d")]
        quoted: Odd,
        #[serde(rename = "back\\slash")]
        slash: u8,
        plain: Odd,
        #[serde(rename = "\u{1b}[31m")]
        escape: Option<Odd>,
    }
    let list: Vec<Named> = (0..600)
        .map(|n| Named {
            quoted: [Odd::Tab, Odd::Plain, Odd::Bidi][n % 3],
            slash: (n % 256) as u8,
            plain: [Odd::Plain, Odd::Bidi, Odd::Tab][n % 3],
            escape: (n % 2 == 0).then_some(Odd::Plain),
        })
        .collect();
    same(&list);
    let text = by_pretty(&list).expect("written");
    assert!(
        text.contains("\"quote\\\"d\": \"tab\\there\""),
        "{}",
        &text[..200]
    );
    assert!(text.contains("\"\\u001b[31m\": \"plain\""));
    assert!(text.contains("\"bidi\\u202e\""));
}
