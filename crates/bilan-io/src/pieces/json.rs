//! A JSON inventory read in pieces, on every core.
//!
//! A machine-written inventory is one object whose `workload` array holds nearly all of the
//! file. A scan of the text ([`scan`]) finds that array and where each of its elements
//! starts and ends. The rest of the document, with the array emptied, is read as an
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

use scan::scan;

mod scan;

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

#[cfg(test)]
mod tests {
    use super::*;

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
