//! Large inventories read in pieces, on every core.
//!
//! The inventory of a cluster's year is mostly `[[workload]]` tables. Read as one TOML
//! document, it is parsed on one core and holds the whole token list and document tree at
//! once (some 25 times the file's size). Here the text is cut at the start of lines that are
//! a `[[workload]]` header, into pieces of about [`PIECE_BYTES`]; the first piece (all that
//! comes before the first cut) is read as an inventory, every other piece as a list of
//! workloads, in parallel, and the workloads are appended in file order.
//!
//! The cut is textual, so it is checked rather than trusted. A piece after a cut starts with
//! a `[[workload]]` header, so every table in it is that workload, a later one, or a
//! sub-table of one of them, exactly as in the whole document. A cut that falls where the
//! whole document does not have a header (inside a multi-line string or array) leaves the
//! piece before it unterminated, and that piece fails to parse. A piece that holds anything
//! but workloads, or an unknown key, fails to fit its type. The first piece must not mention
//! `workload` as a key at all, so that no workload is defined in two ways. In every one of
//! these cases [`parse`] gives up and the caller reads the whole file as one document, which
//! also gives the located error messages; a file read in pieces gives exactly the inventory
//! the whole-document reading gives.

use bilan_core::inventory::{Inventory, Workload};
use rayon::prelude::*;
use serde::Deserialize;
use serde::de::{DeserializeOwned, IgnoredAny};

use crate::{Format, SourceFile};

/// About how much text each piece holds.
pub(crate) const PIECE_BYTES: usize = 256 * 1024;

/// The header that pieces start with.
const HEADER: &str = "[[workload]]";

/// The workloads of a piece after a cut.
#[derive(Deserialize)]
struct Workloads {
    #[serde(default)]
    workload: Vec<Workload>,
}

/// Whether the first piece uses the `workload` key in any way.
#[derive(Deserialize)]
struct Probe {
    workload: Option<IgnoredAny>,
}

/// Reads `file` in pieces of about `piece_bytes`, or `None` when it is not worth it (a small
/// file) or when the pieces do not read cleanly (see the module documentation, and
/// [`json`]'s for a JSON file).
pub(crate) fn parse(file: &SourceFile, piece_bytes: usize) -> Option<Inventory> {
    if file.text.len() < 2 * piece_bytes {
        return None;
    }
    if file.format() == Format::Json {
        return json::parse(&file.text, piece_bytes);
    }
    let cuts = cuts(&file.text, piece_bytes);
    let (&first_cut, _) = cuts.split_first()?;
    let head = &file.text[..first_cut];
    let probe: Probe = Probe::deserialize(checked(head)?).ok()?;
    if probe.workload.is_some() {
        return None;
    }
    let mut ends = cuts[1..].to_vec();
    ends.push(file.text.len());
    let pieces: Vec<&str> = cuts
        .iter()
        .zip(&ends)
        .map(|(&start, &end)| &file.text[start..end])
        .collect();
    let (inventory, workloads) = rayon::join(
        || strict::<Inventory>(head),
        || {
            pieces
                .par_iter()
                .map(|piece| strict::<Workloads>(piece).map(|w| w.workload))
                .collect::<Option<Vec<Vec<Workload>>>>()
        },
    );
    let mut inventory = inventory?;
    inventory.workloads = concat(workloads?);
    Some(inventory)
}

/// The workloads of every piece, in order, in one list of the exact size: collecting them
/// through an iterator of unknown length would grow the list by doubling, copying a million
/// workloads several times over into fresh memory.
fn concat(pieces: Vec<Vec<Workload>>) -> Vec<Workload> {
    let mut all = Vec::with_capacity(pieces.iter().map(Vec::len).sum());
    for piece in pieces {
        all.extend(piece);
    }
    all
}

/// The text of `file` cut as [`parse`] cuts it: what comes before the first cut, then the
/// pieces; `None` for a small or JSON file, or one with no cut.
pub(crate) fn split(file: &SourceFile, piece_bytes: usize) -> Option<(&str, Vec<&str>)> {
    if file.format() != Format::Toml || file.text.len() < 2 * piece_bytes {
        return None;
    }
    let cuts = cuts(&file.text, piece_bytes);
    let (&first_cut, _) = cuts.split_first()?;
    let mut ends = cuts[1..].to_vec();
    ends.push(file.text.len());
    Some((
        &file.text[..first_cut],
        cuts.iter()
            .zip(&ends)
            .map(|(&start, &end)| &file.text[start..end])
            .collect(),
    ))
}

/// `text` as `T`, or `None` if it does not parse or has a key `T` does not know.
fn strict<T: DeserializeOwned>(text: &str) -> Option<T> {
    let (value, ignored) = strict::read(checked(text)?).ok()?;
    (!ignored).then_some(value)
}

/// `text` parsed, if it parses and nests no deeper than [`crate::MAX_DEPTH`] (reading a
/// deeper one could overflow the stack; the whole-document reading then says where).
fn checked(text: &str) -> Option<toml::Deserializer<'_>> {
    let doc = toml::de::DeTable::parse(text).ok()?;
    if crate::depth::too_deep_toml(doc.get_ref()).is_some() {
        crate::depth::dismantle(doc.into_inner());
        return None;
    }
    Some(toml::Deserializer::from(doc))
}

/// Offsets of the lines where pieces start: lines that are a `[[workload]]` header (possibly
/// indented, possibly followed by a comment), at least `piece_bytes` apart.
fn cuts(text: &str, piece_bytes: usize) -> Vec<usize> {
    let mut cuts: Vec<usize> = Vec::new();
    let mut start = 0;
    while start < text.len() {
        let end = text[start..]
            .find('\n')
            .map_or(text.len(), |n| start + n + 1);
        let far_enough = cuts.last().is_none_or(|&last| start - last >= piece_bytes);
        if far_enough && is_header(&text[start..end]) {
            cuts.push(start);
        }
        start = end;
    }
    cuts
}

fn is_header(line: &str) -> bool {
    let Some(rest) = line.trim_start_matches([' ', '\t']).strip_prefix(HEADER) else {
        return false;
    };
    let rest = rest.trim_start_matches([' ', '\t']);
    rest.is_empty() || rest.starts_with(['\n', '\r', '#'])
}

mod json;
mod strict;

#[cfg(test)]
mod tests {
    use super::*;

    fn file(text: &str) -> SourceFile {
        SourceFile {
            name: "inventory.toml".to_owned(),
            text: text.to_owned(),
        }
    }

    /// The inventory read in pieces of `piece_bytes`, as JSON, next to the whole-document
    /// reading; `None` when the pieces gave up.
    fn both(text: &str, piece_bytes: usize) -> (Option<String>, Result<String, String>) {
        let f = file(text);
        let pieces = parse(&f, piece_bytes).map(|i| serde_json::to_string(&i).unwrap_or_default());
        let whole = crate::parse::<Inventory>(&f)
            .map(|i| serde_json::to_string(&i).unwrap_or_default())
            .map_err(|e| e.to_string());
        (pieces, whole)
    }

    const HEAD: &str = r#"schema = 1
[system]
name = "test"
organisation = "Org"
period = { start = 2025-01-01, end = 2025-12-31 }

[[site]]
id = "dc"
region = "FR"
ownership = "owned"
"#;

    fn workload(n: usize, extra: &str) -> String {
        format!(
            "\n[[workload]]\nid = \"w{n}\"\nphase = \"training\"\nsite = \"dc\"\nenergy = \"{n} kWh\"\n{extra}"
        )
    }

    fn inventory(n: usize, extra: &dyn Fn(usize) -> String) -> String {
        let mut s = HEAD.to_owned();
        for i in 0..n {
            s.push_str(&workload(i, &extra(i)));
        }
        s
    }

    #[test]
    fn pieces_give_the_same_inventory_as_the_whole_document() {
        let text = inventory(50, &|i| {
            if i % 7 == 0 {
                "[workload.volume]\nrequests = 10\n".to_owned()
            } else {
                String::new()
            }
        });
        for piece in [1, 100, 1000] {
            let (pieces, whole) = both(&text, piece);
            assert_eq!(
                pieces.as_deref(),
                Some(whole.as_deref().unwrap_or("whole failed"))
            );
        }
        // Cut only where pieces are at least `piece` bytes apart: one piece per workload at
        // most, fewer when they are larger.
        assert_eq!(cuts(&text, 1).len(), 50);
        assert!(cuts(&text, 300).len() < 50);
    }

    #[test]
    fn small_files_are_read_whole() {
        let text = inventory(3, &|_| String::new());
        assert!(parse(&file(&text), text.len()).is_none());
        let json = SourceFile {
            name: "inventory.json".to_owned(),
            text: "{}".repeat(100),
        };
        assert!(parse(&json, 1).is_none(), "not one object");
    }

    #[test]
    fn a_json_inventory_in_pieces_is_the_whole_document() {
        let toml = inventory(40, &|i| {
            if i % 7 == 0 {
                "[workload.volume]\nrequests = 10\n".to_owned()
            } else {
                String::new()
            }
        });
        let read = crate::parse::<Inventory>(&file(&toml)).expect("the TOML inventory reads");
        let json = |text: String| SourceFile {
            name: "inventory.json".to_owned(),
            text,
        };
        let text = serde_json::to_string_pretty(&read).expect("serialises");
        let whole = crate::parse::<Inventory>(&json(text.clone())).expect("the JSON reads");
        let whole = serde_json::to_string(&whole).expect("serialises");
        for piece in [1, 300, text.len() / 2] {
            let pieces = parse(&json(text.clone()), piece).expect("read in pieces");
            assert_eq!(pieces.workloads.len(), 40);
            assert_eq!(
                serde_json::to_string(&pieces).ok().as_deref(),
                Some(&*whole)
            );
        }
        // What the whole reading refuses, the pieces give up on.
        let typo = text.replacen("\"phase\"", "\"phasee\"", 1);
        assert!(parse(&json(typo.clone()), 1).is_none());
        assert!(crate::parse::<Inventory>(&json(typo)).is_err());
        let extra = text.replacen("\"schema\"", "\"extra\": 1, \"schema\"", 1);
        assert!(parse(&json(extra.clone()), 1).is_none());
        assert!(crate::parse::<Inventory>(&json(extra)).is_err());
        let twice = text.replacen("\"schema\"", "\"work\\u006coad\": [], \"schema\"", 1);
        assert!(parse(&json(twice.clone()), 1).is_none());
        assert!(crate::parse::<Inventory>(&json(twice)).is_err());
        let last = text.rfind('}').unwrap_or(0);
        let array_end = text[..last].rfind(']').unwrap_or(0);
        let comma = format!("{},{}", &text[..array_end], &text[array_end..]);
        assert!(parse(&json(comma.clone()), 1).is_none(), "a trailing comma");
        assert!(crate::parse::<Inventory>(&json(comma)).is_err());
        let form_feed = text.replacen("},\n", "},\u{c}\n", 1);
        assert!(parse(&json(form_feed.clone()), 1).is_none(), "a form feed");
        assert!(crate::parse::<Inventory>(&json(form_feed)).is_err());
        let trailing = format!("{text} {{}}");
        assert!(parse(&json(trailing.clone()), 1).is_none());
        assert!(crate::parse::<Inventory>(&json(trailing)).is_err());
    }

    #[test]
    fn a_cut_inside_a_multi_line_string_gives_up() {
        let mut text = inventory(3, &|_| String::new());
        text.push_str("description = \"\"\"\n[[workload]]\nid = \"not a workload\"\n\"\"\"\n");
        text.push_str(&workload(9, ""));
        let (pieces, whole) = both(&text, 1);
        assert!(pieces.is_none());
        assert!(
            whole.is_err(),
            "the string is in a workload, which has no description"
        );
    }

    #[test]
    fn tables_after_the_workloads_give_up_but_read_whole() {
        let mut text = inventory(3, &|_| String::new());
        text.push_str(
            "\n[[fleet]]\nid = \"f\"\nmodel = \"nvidia-h100-sxm-80gb\"\ncount = 8\nsite = \"dc\"\n",
        );
        let (pieces, whole) = both(&text, 1);
        assert!(pieces.is_none());
        assert!(whole.is_ok(), "{whole:?}");
    }

    #[test]
    fn workloads_defined_before_the_first_cut_give_up() {
        let text =
            inventory(3, &|_| String::new()).replacen("[[site]]", "workload = []\n[[site]]", 1);
        let (pieces, whole) = both(&text, 1);
        assert!(pieces.is_none());
        assert!(
            whole.is_err(),
            "a static array cannot be extended by [[workload]]"
        );
        let spaced = inventory(3, &|_| String::new()).replacen("[[workload]]", "[[ workload ]]", 1);
        let (pieces, whole) = both(&spaced, 1);
        assert!(pieces.is_none(), "the first workload is in the first piece");
        assert!(whole.is_ok());
    }

    #[test]
    fn unknown_keys_and_bad_values_give_up() {
        for extra in ["energyy = \"1 kWh\"\n", "devices = \"many\"\n"] {
            let text = inventory(4, &|i| {
                if i == 2 {
                    extra.to_owned()
                } else {
                    String::new()
                }
            });
            let (pieces, whole) = both(&text, 1);
            assert!(pieces.is_none(), "{extra}");
            assert!(whole.is_err(), "{extra}");
        }
    }

    #[test]
    fn headers_may_be_indented_and_commented() {
        assert!(is_header("[[workload]]\n"));
        assert!(is_header("  [[workload]]  # job 1\r\n"));
        assert!(is_header("[[workload]]"));
        assert!(!is_header("[[workload]]x\n"));
        assert!(!is_header("[[workloads]]\n"));
        assert!(!is_header("# [[workload]]\n"));
        assert!(!is_header("[workload]\n"));
    }
}
