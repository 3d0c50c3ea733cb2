//! Ids and names are printed in every report: they may not hold characters that act on a
//! terminal (C0 and C1 controls) or reorder what a reader sees (bidirectional overrides).

use bilan_units::text::{clip, first_unsafe};

use super::{At, Checker, KeyPath};
use crate::inventory::Inventory;
use crate::item::ItemKind;

pub(super) fn check(c: &mut Checker, inv: &Inventory) {
    let root = KeyPath::root();
    let system = root.key("system");
    c.safe_text(
        &system.key("name"),
        &inv.system.name,
        "the system's name",
        MAX_NAME_CHARS,
    );
    if let Some(org) = &inv.system.organisation {
        c.safe_text(
            &system.key("organisation"),
            org,
            "the organisation",
            MAX_NAME_CHARS,
        );
    }
    let mut ids = |key: &'static str, values: &mut dyn Iterator<Item = &str>| {
        let list = root.key(key);
        for (i, id) in values.enumerate() {
            let item = list.index(i);
            let path = item.child("id");
            c.safe_text(&path, id, "an id", MAX_ID_CHARS);
            if id.contains('@') {
                c.problem(
                    &path,
                    format!(
                        "`{}` holds `@`, which figure paths use to name an item's aspect (`gwp.item.ID@embodied`); choose an id without it",
                        clip(id)
                    ),
                );
            }
        }
    };
    ids(
        "functional-unit",
        &mut inv.functional_units.iter().map(|x| x.id.as_str()),
    );
    for kind in ItemKind::ALL {
        ids(kind.key(), &mut inv.ids(kind));
    }
    for (i, f) in inv.fleets.iter().enumerate() {
        let path = root.key("fleet").index(i);
        c.safe_text(
            &path.child("model"),
            &f.model,
            "a hardware model id",
            MAX_ID_CHARS,
        );
        if let Some(host) = &f.host {
            c.safe_text(
                &path.key("host").key("model"),
                &host.model,
                "a hardware model id",
                MAX_ID_CHARS,
            );
        }
    }
}

/// The longest id or hardware model id, in characters.
pub(super) const MAX_ID_CHARS: usize = 200;
/// The longest name (system, organisation), in characters.
pub(super) const MAX_NAME_CHARS: usize = 1_000;

impl Checker {
    /// Refuses an id or a name holding a control character or a bidirectional override, or
    /// longer than an id or a name can usefully be.
    fn safe_text(&mut self, path: &impl At, text: &str, what: &str, max: usize) {
        if text.chars().nth(max).is_some() {
            self.problem(
                path,
                format!(
                    "`{}` is {} characters long; {what} is at most {max}",
                    clip(text),
                    text.chars().count()
                ),
            );
        }
        if let Some(bad) = first_unsafe(text) {
            self.problem(
                path,
                format!(
                    "`{}` holds the character U+{:04X}; {what} may not contain control characters or bidirectional overrides",
                    clip(text),
                    bad as u32
                ),
            );
        }
    }
}
