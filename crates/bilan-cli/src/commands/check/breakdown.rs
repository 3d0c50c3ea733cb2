//! A figure's contributions by item, as the expectations file records them, and the
//! attribution of a drift to the items whose contribution changed and, within them, to the
//! terms that changed (docs/check.md § The breakdown).

use std::collections::{BTreeMap, HashMap};

use bilan_core::assessment::Assessment;
use bilan_core::figure::{FigurePath, Selector};
use serde::Serialize;

/// One item's contribution to a figure: its value and the multiplicative effect of each of
/// its terms (a divisor's inverse, named `1/SYMBOL`), the factor and the phase share
/// included, so that the product of `terms` is `value`.
#[derive(Clone, Debug)]
pub(super) struct Item {
    pub(super) value: f64,
    pub(super) terms: BTreeMap<String, f64>,
    /// The driver each term bears on (the current run only; never written).
    pub(super) drivers: BTreeMap<String, String>,
}

/// Two records are the same when their values and terms are (drivers are not recorded).
impl PartialEq for Item {
    fn eq(&self, other: &Item) -> bool {
        self.value == other.value && self.terms == other.terms
    }
}

/// A name not yet in `taken`: `name`, else `name#2`, `name#3`…
fn unique<V>(taken: &BTreeMap<String, V>, name: String) -> String {
    if !taken.contains_key(&name) {
        return name;
    }
    (2..)
        .map(|n| format!("{name}#{n}"))
        .find(|k| !taken.contains_key(k))
        .unwrap_or(name)
}

/// The contributions of `path` in `a` by item (`KIND[ID]@ASPECT`), or nothing for a
/// disclosure, whose make-up bilan does not know.
pub(super) fn record(path: &FigurePath, a: &Assessment) -> BTreeMap<String, Item> {
    let mut out = BTreeMap::new();
    match &path.selector {
        Selector::Disclosure(_) => {}
        Selector::Unit(u) => {
            if let Some(r) = a
                .functional_units
                .iter()
                .find(|r| &r.functional_unit == u && r.indicator == path.indicator)
            {
                let mut terms = BTreeMap::new();
                terms.insert("impact".to_owned(), r.impact);
                terms.insert("1/count".to_owned(), 1.0 / r.count);
                out.insert(
                    format!("functional-unit[{u}]"),
                    Item {
                        value: r.value,
                        terms,
                        drivers: BTreeMap::new(),
                    },
                );
            }
        }
        _ => {
            let factors: HashMap<&str, _> = a.factors.iter().map(|f| (&*f.id, f)).collect();
            for c in a.contributions.iter().filter(|c| path.selects(c)) {
                let Some(iv) = c.values.iter().find(|v| v.indicator == path.indicator) else {
                    continue;
                };
                let share = path.share(c);
                let mut terms = BTreeMap::new();
                let mut drivers = BTreeMap::new();
                for t in c.terms.iter().filter(|t| t.applies_to(path.indicator)) {
                    let name = if t.power < 0 {
                        format!("1/{}", t.symbol)
                    } else {
                        t.symbol.to_string()
                    };
                    let name = unique(&terms, name);
                    if let Some(d) = t.driver {
                        drivers.insert(name.clone(), d.id().to_owned());
                    }
                    terms.insert(name, t.effect());
                }
                match factors.get(&*iv.factor) {
                    Some(f) => {
                        let name = unique(&terms, f.symbol.to_string());
                        if let Some(d) = f.driver {
                            drivers.insert(name.clone(), d.id().to_owned());
                        }
                        terms.insert(name, f.canonical);
                    }
                    None => {
                        terms.insert(
                            unique(&terms, "factor".to_owned()),
                            iv.value / c.base_for(path.indicator),
                        );
                    }
                }
                if matches!(path.selector, Selector::Phase(_)) {
                    terms.insert(unique(&terms, "phase-share".to_owned()), share);
                }
                let key = unique(
                    &out,
                    format!("{}[{}]@{}", c.item.kind.key(), c.item.id, c.aspect),
                );
                out.insert(
                    key,
                    Item {
                        value: iv.value * share,
                        terms,
                        drivers,
                    },
                );
            }
        }
    }
    out
}

/// A term's part of an item's change.
#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "kebab-case")]
pub(super) struct TermChange {
    pub(super) term: String,
    /// The driver it bears on, or `untagged`.
    pub(super) driver: String,
    pub(super) old: f64,
    pub(super) new: f64,
    pub(super) amount: f64,
}

/// One item whose contribution changed.
#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "kebab-case")]
pub(super) struct ItemChange {
    pub(super) item: String,
    /// `changed`, `added`, `removed`, or `reshaped` (its terms are not the same ones).
    pub(super) change: &'static str,
    pub(super) old: Option<f64>,
    pub(super) new: Option<f64>,
    /// `new − old`.
    pub(super) amount: f64,
    pub(super) terms: Vec<TermChange>,
    /// What its terms do not explain (a reshaped item: all of it).
    pub(super) unexplained: f64,
}

/// A drift explained.
#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "kebab-case")]
pub(super) struct Breakdown {
    /// Whether the expectations file recorded the figure's items (written by `--update`).
    pub(super) recorded: bool,
    pub(super) items: Vec<ItemChange>,
    /// The explained amounts by driver (`item added`, `item removed` for whole items).
    pub(super) drivers: Vec<(String, f64)>,
    /// `difference − everything explained`: reshaped items, a value edited by hand,
    /// rounding.
    pub(super) residual: f64,
}

/// The logarithmic mean of two numbers of the same sign.
fn log_mean(a: f64, b: f64) -> f64 {
    if a == b { a } else { (b - a) / (b / a).ln() }
}

/// Splits an item's change among its terms: `L(P₁, P₀) · ln(t₁ / t₀)` for each term, with
/// `P` the product of the terms and `L` the logarithmic mean; the parts add up to `P₁ − P₀`
/// whatever their order. `None` when the terms are not the same ones or a ratio is not
/// positive.
fn split(old: &Item, new: &Item) -> Option<Vec<TermChange>> {
    if old.terms.len() != new.terms.len() || old.terms.keys().ne(new.terms.keys()) {
        return None;
    }
    let p0: f64 = old.terms.values().product();
    let p1: f64 = new.terms.values().product();
    let positive = |r: f64| r.is_finite() && r > 0.0;
    if !positive(p1 / p0) {
        return None;
    }
    let l = log_mean(p0, p1);
    let mut out = Vec::new();
    for ((name, t0), t1) in old.terms.iter().zip(new.terms.values()) {
        if t0 == t1 {
            continue;
        }
        let ratio = t1 / t0;
        if !positive(ratio) {
            return None;
        }
        out.push(TermChange {
            term: name.clone(),
            driver: new
                .drivers
                .get(name)
                .cloned()
                .unwrap_or_else(|| "untagged".to_owned()),
            old: *t0,
            new: *t1,
            amount: l * ratio.ln(),
        });
    }
    l.is_finite().then_some(out)
}

/// Attributes `difference` (got − expected) to the items of `old` (recorded) and `new`
/// (the current run).
pub(super) fn explain(
    old: &BTreeMap<String, Item>,
    new: &BTreeMap<String, Item>,
    difference: f64,
) -> Breakdown {
    let recorded = !old.is_empty();
    let mut items = Vec::new();
    let mut drivers: BTreeMap<String, f64> = BTreeMap::new();
    let mut explained = 0.0;
    if recorded {
        let keys: std::collections::BTreeSet<&String> = old.keys().chain(new.keys()).collect();
        for key in keys {
            let (o, n) = (old.get(key), new.get(key));
            let amount = n.map_or(0.0, |i| i.value) - o.map_or(0.0, |i| i.value);
            let (change, terms, unexplained) = match (o, n) {
                (Some(o), Some(n)) => {
                    if o.value == n.value && o.terms == n.terms {
                        continue;
                    }
                    match split(o, n) {
                        Some(terms) => {
                            let sum: f64 = terms.iter().map(|t| t.amount).sum();
                            ("changed", terms, amount - sum)
                        }
                        None => ("reshaped", Vec::new(), amount),
                    }
                }
                (None, Some(_)) => {
                    *drivers.entry("item added".to_owned()).or_default() += amount;
                    ("added", Vec::new(), 0.0)
                }
                (Some(_), None) => {
                    *drivers.entry("item removed".to_owned()).or_default() += amount;
                    ("removed", Vec::new(), 0.0)
                }
                (None, None) => continue,
            };
            for t in &terms {
                *drivers.entry(t.driver.clone()).or_default() += t.amount;
            }
            explained += amount - unexplained;
            items.push(ItemChange {
                item: key.clone(),
                change,
                old: o.map(|i| i.value),
                new: n.map(|i| i.value),
                amount,
                terms,
                unexplained,
            });
        }
    }
    items.sort_by(|a, b| b.amount.abs().total_cmp(&a.amount.abs()));
    let mut drivers: Vec<(String, f64)> = drivers.into_iter().collect();
    drivers.sort_by(|a, b| b.1.abs().total_cmp(&a.1.abs()));
    Breakdown {
        recorded,
        items,
        drivers,
        residual: difference - explained,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn item(value: f64, terms: &[(&str, f64)]) -> Item {
        Item {
            value,
            terms: terms.iter().map(|(k, v)| ((*k).to_owned(), *v)).collect(),
            drivers: BTreeMap::new(),
        }
    }

    #[test]
    fn term_parts_add_up_to_the_change() {
        let old = BTreeMap::from([("w".to_owned(), item(6.0, &[("a", 2.0), ("b", 3.0)]))]);
        let new = BTreeMap::from([("w".to_owned(), item(10.0, &[("a", 2.5), ("b", 4.0)]))]);
        let b = explain(&old, &new, 4.0);
        let sum: f64 = b.items[0].terms.iter().map(|t| t.amount).sum();
        assert!((sum - 4.0).abs() < 1e-12, "{b:?}");
        assert!(b.residual.abs() < 1e-12, "{b:?}");
    }

    #[test]
    fn added_and_reshaped_items_and_a_hand_edited_value() {
        let old = BTreeMap::from([("w".to_owned(), item(6.0, &[("a", 6.0)]))]);
        let new = BTreeMap::from([
            ("w".to_owned(), item(8.0, &[("b", 8.0)])),
            ("x".to_owned(), item(1.0, &[("c", 1.0)])),
        ]);
        // Expected 5.5 written by hand: 0.5 of the difference is not in the items.
        let b = explain(&old, &new, 9.0 - 5.5);
        assert_eq!(b.items.len(), 2);
        assert_eq!(b.items[0].change, "reshaped");
        assert!((b.residual - 2.5).abs() < 1e-12, "{b:?}");
        assert_eq!(b.drivers, vec![("item added".to_owned(), 1.0)]);
    }
}
