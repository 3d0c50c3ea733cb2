//! The defaults and other assumptions the methods applied (a PUE, a WUE, a lifetime, a
//! factor chosen by preference…), each worded once by the shared method kit, so the same
//! assumption made by several methods is listed once, with the methods that made it and the
//! items it applied to: what `bilan assess` lists under each method, summarised.

use std::fmt::Write as _;

use rustc_hash::{FxHashMap, FxHashSet};

use bilan_core::assessment::{Assessment, ItemRef};

use crate::lang::Lang;

/// One assumption's text, the methods that made it and the items it applied to.
struct Seen<'a> {
    text: &'a str,
    methods: Vec<&'a str>,
    items: Vec<&'a ItemRef>,
    known: FxHashSet<&'a ItemRef>,
}

/// Writes the section, headed by `h2`; nothing when no method assumed anything.
pub(super) fn section(out: &mut String, (l, h2): (Lang, &str), assessments: &[&Assessment]) {
    // (text, methods, items), in first-seen order; found by text, and each item's presence
    // by a set: a method may record one item per workload, a million of them.
    let mut seen: Vec<Seen<'_>> = Vec::new();
    let mut by_text: FxHashMap<&str, usize> = FxHashMap::default();
    for a in assessments {
        for assumption in &a.assumptions {
            let at = *by_text.entry(&assumption.text).or_insert_with(|| {
                seen.push(Seen {
                    text: &assumption.text,
                    methods: Vec::new(),
                    items: Vec::new(),
                    known: FxHashSet::default(),
                });
                seen.len() - 1
            });
            let entry = &mut seen[at];
            if entry.methods.last() != Some(&a.method.id.as_str())
                && !entry.methods.contains(&a.method.id.as_str())
            {
                entry.methods.push(&a.method.id);
            }
            if entry.known.is_empty() {
                // Room for the first method's items; another's are mostly the same ones.
                entry.known.reserve(assumption.items.len());
            }
            for item in &assumption.items {
                if entry.known.insert(item) {
                    entry.items.push(item);
                }
            }
        }
    }
    if seen.is_empty() {
        return;
    }
    let _ = writeln!(out, "{h2}{}\n", l.t("assumptions"));
    for Seen {
        text,
        methods,
        items,
        ..
    } in seen
    {
        let items = match items.len() {
            0 => String::new(),
            1..=3 => format!(
                " [{}]",
                items
                    .iter()
                    .map(|i| i.to_string())
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
            n => format!(" [{}]", l.msg_count("items-count", n, &[])),
        };
        let _ = writeln!(out, "- {text}{items} ({})", methods.join(", "));
    }
    out.push('\n');
}
