//! The defaults and other assumptions the methods applied (a PUE, a WUE, a lifetime, a
//! factor chosen by preference…), each worded once by the shared method kit, so the same
//! assumption made by several methods is listed once, with the methods that made it and the
//! items it applied to: what `bilan assess` lists under each method, summarised.

use std::fmt::Write as _;

use bilan_core::assessment::{Assessment, ItemRef};

/// Writes the section, headed by `h2`; nothing when no method assumed anything.
pub(super) fn section(out: &mut String, h2: &str, assessments: &[&Assessment]) {
    // (text, methods, items), in first-seen order.
    let mut seen: Vec<(&str, Vec<&str>, Vec<&ItemRef>)> = Vec::new();
    for a in assessments {
        for assumption in &a.assumptions {
            let at = match seen.iter().position(|(t, _, _)| *t == assumption.text) {
                Some(at) => at,
                None => {
                    seen.push((&assumption.text, Vec::new(), Vec::new()));
                    seen.len() - 1
                }
            };
            let (_, methods, items) = &mut seen[at];
            if !methods.contains(&a.method.id.as_str()) {
                methods.push(&a.method.id);
            }
            for item in &assumption.items {
                if !items.contains(&item) {
                    items.push(item);
                }
            }
        }
    }
    if seen.is_empty() {
        return;
    }
    let _ = writeln!(out, "{h2}Defaults and assumptions\n");
    for (text, methods, items) in seen {
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
            n => format!(" [{n} items]"),
        };
        let _ = writeln!(out, "- {text}{items} ({})", methods.join(", "));
    }
    out.push('\n');
}
