//! The distributions a file gives, found again by the key paths validation names, so each
//! key's domain holds for every value its distribution reaches
//! ([`Inventory::validate_spreads`]).
//!
//! The typed inventory keeps only nominal values; the distributions are read from the file
//! by key path with items named by id (`workload[serve].utilisation`), and validation names
//! items by index (`workload[0].utilisation`): the ids are resolved once, here.

use bilan_units::UncertainQuantity;
use rustc_hash::FxHashMap;

use super::{At, Checker, Problem, items};
use crate::inventory::Inventory;
use crate::item::ItemKind;

/// Distributions by array key, then item index, then the rest of the path as written
/// (`.utilisation`, `.host.devices-per-host`).
#[derive(Debug, Default)]
pub(super) struct Spreads {
    items: FxHashMap<String, FxHashMap<usize, Vec<(String, UncertainQuantity)>>>,
}

impl Spreads {
    /// The distributions of `values` (key paths, items named by id or index) in `inv`. A
    /// path that names no item of `inv` is left out: no check reads it.
    fn new<'a>(
        inv: &Inventory,
        values: impl IntoIterator<Item = (&'a str, &'a UncertainQuantity)>,
    ) -> Spreads {
        let mut spreads = Spreads::default();
        let mut ids: FxHashMap<&str, FxHashMap<&str, usize>> = FxHashMap::default();
        for (path, value) in values {
            if value.distribution.is_none() {
                continue;
            }
            let Some((key, after)) = path.split_once('[') else {
                continue;
            };
            let ids = ids.entry(key).or_insert_with(|| item_ids(inv, key));
            let Some((index, rest)) = item(after, ids) else {
                continue;
            };
            spreads
                .items
                .entry(key.to_owned())
                .or_default()
                .entry(index)
                .or_default()
                .push((rest.to_owned(), value.clone()));
        }
        spreads
    }

    fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    /// The distribution the file gives at `path`, if any. Without distributions (what
    /// [`Inventory::validate`] checks), this is one test and no allocation.
    pub(super) fn at(&self, path: &impl At) -> Option<&UncertainQuantity> {
        if self.is_empty() {
            return None;
        }
        let path = path.path();
        let mut segments = path.segments();
        let (Some(Ok(key)), Some(Err(index))) = (segments.next(), segments.next()) else {
            return None;
        };
        let values = self.items.get(key)?.get(&index)?;
        let mut rest = String::new();
        for segment in segments {
            match segment {
                Ok(key) => {
                    rest.push('.');
                    rest.push_str(key);
                }
                Err(index) => rest.push_str(&format!("[{index}]")),
            }
        }
        values.iter().find(|(r, _)| *r == rest).map(|(_, v)| v)
    }
}

/// The position of each item of the array `key` by id (none for an array whose items have
/// no id: paths name them by index).
fn item_ids<'i>(inv: &'i Inventory, key: &str) -> FxHashMap<&'i str, usize> {
    ItemKind::ALL
        .into_iter()
        .find(|kind| kind.key() == key)
        .map(|kind| inv.ids(kind).enumerate().map(|(i, id)| (id, i)).collect())
        .unwrap_or_default()
}

/// The item a path names after its array key, and the rest of the path: `serve].energy`
/// gives the index of `serve` and `.energy`. An item is named by id, else by index.
fn item<'p>(after: &'p str, ids: &FxHashMap<&str, usize>) -> Option<(usize, &'p str)> {
    after.match_indices(']').find_map(|(at, _)| {
        let (name, rest) = (&after[..at], &after[at + 1..]);
        if !(rest.is_empty() || rest.starts_with(['.', '['])) {
            return None;
        }
        ids.get(name)
            .copied()
            .or_else(|| name.parse().ok())
            .map(|index| (index, rest))
    })
}

impl Inventory {
    /// Checks that each value the file gives with a distribution stays within its key's
    /// domain at every value the distribution reaches: a range's min and max, a normal's
    /// 95 % interval (see `docs/uncertainty.md`). `spreads` are the file's uncertain values
    /// by key path, items named by id, as `bilan_io::uncertain_values` finds them.
    ///
    /// Runs the item checks of [`Inventory::validate`] with the distributions: on an
    /// inventory that `validate` accepts, the problems are the distributions'.
    pub fn validate_spreads<'a>(
        &self,
        spreads: impl IntoIterator<Item = (&'a str, &'a UncertainQuantity)>,
    ) -> Vec<Problem> {
        let spreads = Spreads::new(self, spreads);
        if spreads.is_empty() {
            return Vec::new();
        }
        let mut c = Checker::new(spreads);
        items::check(&mut c, self);
        c.problems
    }
}

#[cfg(test)]
mod tests {
    use bilan_units::UncertainQuantity;

    use crate::inventory::Inventory;

    fn inventory(workload: &str) -> Inventory {
        let text = format!(
            r#"{{
  "schema": 1,
  "system": {{ "name": "t", "period": {{ "start": "2025-01-01", "end": "2025-12-31" }} }},
  "site": [{{ "id": "dc", "region": "FR", "ownership": "owned", "pue": 1.2 }}],
  "fleet": [{{ "id": "h100", "model": "nvidia-h100-sxm-80gb", "count": 8, "site": "dc" }}],
  "building": [{{ "id": "b", "site": "dc", "lifetime": "30 years", "share": 0.5,
                 "impacts": {{ "gwp": {{ "value": "1 t", "source": "s" }} }} }}],
  "workload": [{{ "id": "serve", "phase": "inference", "site": "dc", "fleet": "h100",
                 "device-hours": "100 GPU·h", {workload} }}]
}}"#
        );
        serde_json::from_str(&text).expect("an inventory")
    }

    fn uncertain(json: &str) -> UncertainQuantity {
        serde_json::from_str(json).expect("an uncertain value")
    }

    /// The problems of the distributions written at `paths`.
    fn problems(inv: &Inventory, spreads: &[(&str, &str)]) -> Vec<String> {
        let values: Vec<(&str, UncertainQuantity)> =
            spreads.iter().map(|(p, v)| (*p, uncertain(v))).collect();
        assert!(inv.validate().is_empty(), "{:?}", inv.validate());
        inv.validate_spreads(values.iter().map(|(p, v)| (*p, v)))
            .iter()
            .map(ToString::to_string)
            .collect()
    }

    #[test]
    fn a_range_that_leaves_its_keys_domain_is_refused_at_its_key_path() {
        let cases = [
            (
                r#""utilisation": { "min": 0.5, "max": 1.5 }"#,
                "workload[serve].utilisation",
                r#"{ "min": 0.5, "max": 1.5 }"#,
                "workload[0].utilisation: its uniform 0.5–1.5 reaches 1.5, out of range: every value it covers must be a utilisation between 0 (excluded) and 1",
            ),
            (
                r#""utilisation": { "min": 0, "max": 1 }"#,
                "workload[serve].utilisation",
                r#"{ "min": 0, "max": 1 }"#,
                "workload[0].utilisation: its uniform 0–1 reaches 0, out of range",
            ),
            (
                r#""utilisation": { "min": "30 %", "max": "110 %" }"#,
                "workload[serve].utilisation",
                r#"{ "min": "30 %", "max": "110 %" }"#,
                "reaches 110 %, out of range",
            ),
            (
                r#""utilisation": "0.9 ± 0.2""#,
                "workload[serve].utilisation",
                r#""0.9 ± 0.2""#,
                "its 95 % interval 0.7–1.1 (normal, ± 22.2 %) reaches 1.1",
            ),
        ];
        for (written, path, value, expected) in cases {
            let inv = inventory(written);
            let found = problems(&inv, &[(path, value)]);
            assert_eq!(found.len(), 1, "{written}: {found:?}");
            assert!(found[0].contains(expected), "{written}: {found:?}");
        }
    }

    #[test]
    fn every_key_with_a_domain_holds_it_for_its_distribution() {
        let inv = inventory(r#""utilisation": 0.5"#);
        let cases = [
            (
                "site[dc].pue",
                r#"{ "min": 0.9, "max": 1.5 }"#,
                "site[0].pue",
            ),
            ("site[dc].pue", r#""1.2 ± 0.3""#, "site[0].pue"),
            (
                "building[b].share",
                r#"{ "min": 0, "max": 1 }"#,
                "building[0].share",
            ),
            (
                "building[b].lifetime",
                r#"{ "min": "0 years", "max": "60 years" }"#,
                "building[0].lifetime",
            ),
            (
                "fleet[h100].count",
                r#"{ "min": 0, "max": 16 }"#,
                "fleet[0].count",
            ),
            (
                "workload[serve].utilisation",
                r#"{ "mean": 0.5, "sd": 0.3 }"#,
                "workload[0].utilisation",
            ),
        ];
        for (path, value, expected) in cases {
            let found = problems(&inv, &[(path, value)]);
            assert_eq!(found.len(), 1, "{path} = {value}: {found:?}");
            assert!(
                found[0].starts_with(expected),
                "{path} = {value}: {found:?}"
            );
        }
    }

    #[test]
    fn distributions_within_their_domain_pass() {
        let inv = inventory(r#""utilisation": 0.5"#);
        let found = problems(
            &inv,
            &[
                (
                    "workload[serve].utilisation",
                    r#"{ "min": 0.3, "mode": 0.5, "max": 1 }"#,
                ),
                ("site[dc].pue", r#"{ "min": 1, "max": 1.4 }"#),
                // A lognormal has no bound: its median alone is held to the domain.
                ("site[dc].pue", r#"{ "median": 1.2, "gsd": 1.1 }"#),
                // Truncated at zero, a normal keeps a non-negative amount non-negative.
                (
                    "workload[serve].device-hours",
                    r#"{ "mean": "100 GPU·h", "sd": "80 GPU·h" }"#,
                ),
                ("building[b].share", r#""0.5 ± 0.05""#),
                // Paths that name no item are no one's concern here.
                (
                    "workload[other].utilisation",
                    r#"{ "min": 0.5, "max": 1.5 }"#,
                ),
            ],
        );
        assert!(found.is_empty(), "{found:?}");
    }
}
