//! The inventory lines `explain` quotes: each item key and key path found with one parse of
//! the file and one index of the items, however many terms are explained.

use std::collections::HashMap;

use bilan_core::assessment::{ItemKind, ItemRef};
use bilan_core::inventory::Inventory;
use bilan_io::{Locator, SourceFile};

/// Finds the lines of item keys and key paths in one inventory file.
pub(crate) struct Lines<'a> {
    file: &'a SourceFile,
    locator: Locator<'a>,
    index: HashMap<(&'static str, &'a str), usize>,
}

impl<'a> Lines<'a> {
    pub(crate) fn new(file: &'a SourceFile, inv: &'a Inventory) -> Lines<'a> {
        let mut index = HashMap::new();
        for kind in ItemKind::ALL {
            for (i, id) in inv.ids(kind).enumerate() {
                index.entry((kind.key(), id)).or_insert(i);
            }
        }
        Lines {
            file,
            locator: Locator::new(file),
            index,
        }
    }

    /// The line of `key` of `item`.
    pub(crate) fn item(&self, item: &ItemRef, key: &str) -> Option<(usize, String)> {
        let index = *self.index.get(&(item.kind.key(), &*item.id))?;
        self.path(&format!("{}[{index}].{key}", item.kind.key()))
    }

    /// The line of a key path with indices (`workload[2].energy`).
    pub(crate) fn path(&self, path: &str) -> Option<(usize, String)> {
        let span = self.locator.locate(path)?;
        let line = self.locator.line(span.start);
        let text = self.file.text.lines().nth(line - 1)?.to_owned();
        Some((line, text))
    }

    /// The line of a key path with an id in brackets (`site[paris].pue`).
    pub(crate) fn id_path(&self, path: &str) -> Option<(usize, String)> {
        let (head, key) = path.split_once("].")?;
        let (kind, id) = head.split_once('[')?;
        let kind = match kind {
            "site" => ItemKind::Site,
            "fleet" => ItemKind::Fleet,
            "workload" => ItemKind::Workload,
            "building" => ItemKind::Building,
            _ => return self.path(path),
        };
        self.item(&ItemRef::new(kind, id), key)
    }
}
