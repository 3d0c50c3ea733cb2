//! The arithmetic of `bilan diff`: inventory items compared field by field, and each
//! method's figures compared with the change explained by item and by driver.

use std::collections::{BTreeMap, HashMap};

use bilan_core::assessment::{Assessment, ItemKind};
use bilan_core::indicator::Indicator;
use bilan_core::method::Descriptor;
use bilan_report::diff::{
    ByDriver, ByItem, DriverChange, FieldChange, FigureDiff, ItemChange, ItemContribution,
    ItemStatus, MethodDiff, ParameterChange, PartChange,
};
use serde_json::Value;

/// The inventory's tables, in the order reports list them.
const TABLES: [&str; 13] = [
    "functional-unit",
    "site",
    "fleet",
    "workload",
    "building",
    "transport",
    "end-of-life",
    "service",
    "fuel",
    "refrigerant",
    "instrument",
    "residual-mix",
    "offset",
];

/// An item's id in its table: `id`, else `region` (residual mixes), else its place.
fn item_id(item: &Value, n: usize) -> String {
    item.get("id")
        .or_else(|| item.get("region"))
        .and_then(Value::as_str)
        .map_or_else(|| format!("#{}", n + 1), str::to_owned)
}

/// `value`'s leaves by dotted path (`volume.training-tokens`, `measurement[0].energy`).
fn flatten(prefix: &str, value: &Value, out: &mut BTreeMap<String, Value>) {
    let join = |key: &str| {
        if prefix.is_empty() {
            key.to_owned()
        } else {
            format!("{prefix}.{key}")
        }
    };
    match value {
        Value::Object(map) if !map.is_empty() => {
            for (k, v) in map {
                flatten(&join(k), v, out);
            }
        }
        Value::Array(items) if items.iter().any(Value::is_object) => {
            for (n, v) in items.iter().enumerate() {
                flatten(&format!("{prefix}[{n}]"), v, out);
            }
        }
        _ => {
            out.insert(prefix.to_owned(), value.clone());
        }
    }
}

fn field_changes(old: &Value, new: &Value) -> Vec<FieldChange> {
    let (mut a, mut b) = (BTreeMap::new(), BTreeMap::new());
    flatten("", old, &mut a);
    flatten("", new, &mut b);
    let mut fields: Vec<&String> = a.keys().chain(b.keys()).collect();
    fields.sort();
    fields.dedup();
    fields
        .into_iter()
        .filter(|f| a.get(*f) != b.get(*f))
        .map(|f| FieldChange {
            field: f.clone(),
            old: a.get(f).cloned(),
            new: b.get(f).cloned(),
        })
        .collect()
}

/// The items of two inventories (as their JSON form) that were added, removed or changed:
/// the system first, then table by table, OLD's items in order then NEW's new ones.
pub(super) fn item_changes(old: &Value, new: &Value) -> Vec<ItemChange> {
    let mut out = Vec::new();
    let empty = Value::Null;
    for key in ["schema", "system"] {
        let fields = field_changes(
            old.get(key).unwrap_or(&empty),
            new.get(key).unwrap_or(&empty),
        );
        if !fields.is_empty() {
            out.push(ItemChange {
                kind: key.to_owned(),
                id: String::new(),
                status: ItemStatus::Changed,
                fields,
            });
        }
    }
    for table in TABLES {
        let items = |v: &Value| -> Vec<(String, Value)> {
            v.get(table)
                .and_then(Value::as_array)
                .map(|a| {
                    a.iter()
                        .enumerate()
                        .map(|(n, x)| (item_id(x, n), x.clone()))
                        .collect()
                })
                .unwrap_or_default()
        };
        let (a, b) = (items(old), items(new));
        let b_ids: HashMap<&str, &Value> = b.iter().map(|(id, v)| (id.as_str(), v)).collect();
        let a_ids: HashMap<&str, &Value> = a.iter().map(|(id, v)| (id.as_str(), v)).collect();
        for (id, va) in &a {
            match b_ids.get(id.as_str()) {
                None => out.push(ItemChange {
                    kind: table.to_owned(),
                    id: id.clone(),
                    status: ItemStatus::Removed,
                    fields: Vec::new(),
                }),
                Some(vb) => {
                    let fields = field_changes(va, vb);
                    if !fields.is_empty() {
                        out.push(ItemChange {
                            kind: table.to_owned(),
                            id: id.clone(),
                            status: ItemStatus::Changed,
                            fields,
                        });
                    }
                }
            }
        }
        for (id, _) in b.iter().filter(|(id, _)| !a_ids.contains_key(id.as_str())) {
            out.push(ItemChange {
                kind: table.to_owned(),
                id: id.clone(),
                status: ItemStatus::Added,
                fields: Vec::new(),
            });
        }
    }
    out
}

/// What is known of the inventories, to label the items of the explanation by item.
pub(super) struct Items<'a> {
    /// The changes, when both sides are inventories (`None`: reports).
    pub(super) changes: Option<&'a [ItemChange]>,
    /// NEW's inventory (else OLD's), for the references of an unchanged item.
    pub(super) inventory: Option<&'a Value>,
}

impl Items<'_> {
    fn label(
        &self,
        kind: &str,
        id: &str,
        in_old: bool,
        in_new: bool,
    ) -> (ItemStatus, Vec<String>, Vec<String>) {
        let Some(changes) = self.changes else {
            let status = match (in_old, in_new) {
                (true, false) => ItemStatus::Removed,
                (false, true) => ItemStatus::Added,
                _ => ItemStatus::Present,
            };
            return (status, Vec::new(), Vec::new());
        };
        if let Some(c) = changes.iter().find(|c| c.kind == kind && c.id == id) {
            let fields = c.fields.iter().map(|f| f.field.clone()).collect();
            return (c.status, fields, Vec::new());
        }
        // An unchanged item: the changed items it refers to (its site, its fleet).
        let item = self
            .inventory
            .and_then(|inv| inv.get(kind))
            .and_then(Value::as_array)
            .and_then(|a| a.iter().enumerate().find(|(n, x)| item_id(x, *n) == id))
            .map(|(_, x)| x);
        let via = ["site", "fleet"]
            .into_iter()
            .filter_map(|r| {
                let target = item?.get(r)?.as_str()?;
                changes
                    .iter()
                    .any(|c| c.kind == r && c.id == target)
                    .then(|| format!("{r} {target}"))
            })
            .collect();
        (ItemStatus::Unchanged, Vec::new(), via)
    }
}

/// One side's counted contributions to `indicator`, summed by item, in contribution order.
fn by_item_sums(a: &Assessment, indicator: Indicator) -> Vec<((ItemKind, String), f64)> {
    let mut order: Vec<((ItemKind, String), f64)> = Vec::new();
    let mut index: HashMap<(ItemKind, String), usize> = HashMap::new();
    if !a.covers(indicator) {
        return order;
    }
    for (c, v) in a.counted(indicator) {
        let key = (c.item.kind, c.item.id.to_string());
        match index.get(&key) {
            Some(&n) => order[n].1 += v,
            None => {
                index.insert(key.clone(), order.len());
                order.push((key, v));
            }
        }
    }
    order
}

fn by_item(
    old: &Assessment,
    new: &Assessment,
    indicator: Indicator,
    change: f64,
    items: &Items<'_>,
) -> ByItem {
    let (a, b) = (by_item_sums(old, indicator), by_item_sums(new, indicator));
    let b_index: HashMap<&(ItemKind, String), f64> = b.iter().map(|(k, v)| (k, *v)).collect();
    let a_index: HashMap<&(ItemKind, String), f64> = a.iter().map(|(k, v)| (k, *v)).collect();
    let mut rows = Vec::new();
    let mut row = |key: &(ItemKind, String), o: Option<f64>, n: Option<f64>| {
        let (old, new) = (o.unwrap_or(0.0), n.unwrap_or(0.0));
        let (status, fields, via) = items.label(key.0.key(), &key.1, o.is_some(), n.is_some());
        if old != new || matches!(status, ItemStatus::Added | ItemStatus::Removed) {
            rows.push(ItemContribution {
                kind: key.0.key().to_owned(),
                id: key.1.clone(),
                status,
                fields,
                via,
                old,
                new,
                change: new - old,
            });
        }
    };
    for (k, v) in &a {
        row(k, Some(*v), b_index.get(k).copied());
    }
    for (k, v) in b.iter().filter(|(k, _)| !a_index.contains_key(k)) {
        row(k, None, Some(*v));
    }
    let explained: f64 = rows.iter().map(|r| r.change).sum();
    ByItem {
        items: rows,
        residual: change - explained,
    }
}

fn parts(old: &BTreeMap<String, f64>, new: &BTreeMap<String, f64>) -> Vec<PartChange> {
    let mut ids: Vec<&String> = old.keys().chain(new.keys()).collect();
    ids.dedup();
    ids.sort();
    ids.dedup();
    ids.into_iter()
        .map(|id| {
            let (o, n) = (old.get(id).copied(), new.get(id).copied());
            PartChange {
                id: id.clone(),
                old: o,
                new: n,
                change: o.zip(n).map(|(o, n)| n - o),
            }
        })
        .collect()
}

pub(super) fn phase_totals(a: &Assessment, indicator: Indicator) -> BTreeMap<String, f64> {
    if !a.covers(indicator) {
        return BTreeMap::new();
    }
    a.breakdown(indicator)
        .by_phase
        .into_iter()
        .map(|(p, v)| (p.id().to_owned(), v))
        .collect()
}

fn unit_results(a: &Assessment, indicator: Indicator) -> BTreeMap<String, f64> {
    a.functional_units
        .iter()
        .filter(|f| f.indicator == indicator)
        .map(|f| (f.functional_unit.clone(), f.value))
        .collect()
}

/// One method's figures on both sides, each change explained by item and by driver.
pub(super) fn method(
    (d_old, old): (&Descriptor, &Assessment),
    (d_new, new): (&Descriptor, &Assessment),
    items: &Items<'_>,
) -> MethodDiff {
    let divergences = bilan_runner::divergence::all_pairs(&[(d_old, old), (d_new, new)]);
    let (t_old, t_new) = (old.totals(), new.totals());
    let figures = Indicator::ALL
        .into_iter()
        .filter(|i| t_old[i.index()].is_some() || t_new[i.index()].is_some())
        .map(|i| {
            let (o, n) = (t_old[i.index()], t_new[i.index()]);
            let change = n.unwrap_or(0.0) - o.unwrap_or(0.0);
            let (drivers, inventory_values) =
                divergences
                    .iter()
                    .find(|d| d.indicator == i)
                    .map_or((Vec::new(), 0.0), |d| {
                        let drivers = d
                            .drivers
                            .iter()
                            .map(|x| DriverChange {
                                driver: x.driver,
                                amount: x.amount,
                            })
                            .collect();
                        (drivers, d.residual)
                    });
            let explained: f64 =
                drivers.iter().map(|d: &DriverChange| d.amount).sum::<f64>() + inventory_values;
            FigureDiff {
                indicator: i,
                unit: i.unit().to_owned(),
                old: o,
                new: n,
                change,
                by_item: by_item(old, new, i, change, items),
                by_driver: ByDriver {
                    drivers,
                    inventory_values,
                    residual: change - explained,
                },
                by_phase: parts(&phase_totals(old, i), &phase_totals(new, i)),
                per_unit: parts(&unit_results(old, i), &unit_results(new, i)),
            }
        })
        .collect();
    let mut names: Vec<&String> = old.parameters.keys().chain(new.parameters.keys()).collect();
    names.sort();
    names.dedup();
    let parameters = names
        .into_iter()
        .filter(|k| old.parameters.get(*k) != new.parameters.get(*k))
        .map(|k| ParameterChange {
            name: k.clone(),
            old: old.parameters.get(k).cloned(),
            new: new.parameters.get(k).cloned(),
        })
        .collect();
    MethodDiff {
        method: d_new.id.clone(),
        old_version: old.method.version.to_string(),
        new_version: new.method.version.to_string(),
        parameters,
        error: None,
        figures,
    }
}
