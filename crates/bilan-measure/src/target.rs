//! The inventory a measurement goes to: checked before the command runs, so that a long run
//! is never lost to a late error, and rendered with the measured workload afterwards.
//!
//! A TOML inventory is edited in place with `toml_edit`: the new `[[workload]]` (and
//! `[[site]]`, when one is created) follows the last one, and every other line, comment and
//! blank of the file stays as it was. A JSON inventory is re-serialised with its keys in
//! their order. A new inventory gets a `[system]` whose reporting period is the calendar
//! year of the measurement. The text rendered is loaded and validated like any inventory
//! before it is handed back; writing it (atomically) is the caller's job.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use bilan_core::inventory::{Inventory, Ownership, Period, Phase, Site, Workload};
use bilan_core::region::Region;
use bilan_io::{FileErrors, SourceFile};
use toml_edit::{DocumentMut, Item, Table, Value};

use crate::record::{Identity, quantity, utc_date};

/// The format of an inventory, from its extension.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    /// TOML (any extension but `.json`).
    Toml,
    /// JSON (`.json`).
    Json,
}

/// Why the inventory cannot take the measurement.
#[derive(Debug, thiserror::Error)]
pub enum TargetError {
    /// A problem with what was asked (`--site`, `--workload`…) or with the file as a whole.
    #[error("{0}")]
    Usage(String),
    /// The inventory has problems.
    #[error(transparent)]
    Invalid(#[from] FileErrors),
    /// The inventory with the measured workload in it would have problems (their lines are
    /// those of the text that would be written).
    #[error("with the measured workload in it, the inventory would not be valid: {0}")]
    WouldBeInvalid(FileErrors),
}

fn usage(message: impl Into<String>) -> TargetError {
    TargetError::Usage(message.into())
}

/// An inventory file, as it is now.
#[derive(Clone, Debug)]
pub struct Target {
    /// Where it is.
    pub path: PathBuf,
    /// Its format.
    pub format: Format,
    /// Its text and contents, when it exists.
    pub existing: Option<(SourceFile, Inventory)>,
}

/// What the user asked for.
#[derive(Clone, Debug)]
pub struct Request {
    /// `--workload`.
    pub workload: Option<String>,
    /// `--phase`.
    pub phase: Phase,
    /// `--site`.
    pub site: Option<String>,
    /// `--region`: the region of a site to create.
    pub region: Option<Region>,
    /// The ownership of a site to create.
    pub ownership: Ownership,
    /// `--fleet`.
    pub fleet: Option<String>,
    /// How many GPUs will be measured (0 with `--cpu-only`).
    pub gpus: usize,
    /// Now: the default workload id and the day checked against the reporting period.
    pub now: jiff::Timestamp,
}

/// What will be written, checked.
#[derive(Clone, Debug)]
pub struct Plan {
    /// The workload's id, phase, site and fleet.
    pub identity: Identity,
    /// The site to create, if any.
    pub new_site: Option<Site>,
    /// The reporting period the workload must lie in.
    pub reporting: Period,
    /// A new inventory's system name.
    system_name: String,
}

fn shown(path: &Path) -> String {
    bilan_units::text::escape(&path.display().to_string()).into_owned()
}

impl Target {
    /// Reads the inventory at `path`, which must load and validate, or checks that a new
    /// one can be created there.
    pub fn open(path: &Path) -> Result<Target, TargetError> {
        let format = if path.extension().is_some_and(|x| x == "json") {
            Format::Json
        } else {
            Format::Toml
        };
        let existing = match std::fs::symlink_metadata(path) {
            Ok(_) => Some(bilan_io::read_inventory(path)?),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                let dir = match path.parent() {
                    Some(d) if !d.as_os_str().is_empty() => d,
                    _ => Path::new("."),
                };
                if !dir.is_dir() {
                    return Err(usage(format!(
                        "cannot create the inventory `{}`: its directory `{}` does not exist",
                        shown(path),
                        shown(dir)
                    )));
                }
                None
            }
            Err(e) => {
                return Err(usage(format!("cannot read `{}`: {e}", shown(path))));
            }
        };
        Ok(Target {
            path: path.to_path_buf(),
            format,
            existing,
        })
    }

    fn inventory(&self) -> Option<&Inventory> {
        self.existing.as_ref().map(|(_, inv)| inv)
    }

    /// Checks `request` against the inventory and decides the workload's id and site: what
    /// can be checked before the command runs is checked here, including that the inventory
    /// with such a workload in it still validates.
    pub fn plan(&self, request: &Request) -> Result<Plan, TargetError> {
        let today = utc_date(request.now);
        let name = shown(&self.path);
        let reporting = match self.inventory() {
            Some(inv) => inv.system.period,
            None => calendar_year(today)?,
        };
        if !reporting.contains(today) {
            return Err(usage(format!(
                "today ({today}, UTC) is outside the reporting period of `{name}` ({reporting}): \
                 a workload measured now could not be counted in it; measure into another \
                 inventory, or change its `system.period`"
            )));
        }
        let workloads: Vec<&str> = self
            .inventory()
            .map(|inv| inv.workloads.iter().map(|w| w.id.as_ref()).collect())
            .unwrap_or_default();
        let id = match &request.workload {
            Some(id) if workloads.contains(&id.as_str()) => {
                return Err(usage(format!(
                    "`{name}` already has a workload `{}`; choose another --workload",
                    bilan_units::text::clip(id)
                )));
            }
            Some(id) => id.clone(),
            None => default_id(request.now, &workloads),
        };
        let (site, new_site) = self.site(request)?;
        if let Some(fleet) = &request.fleet {
            if request.gpus == 0 {
                return Err(usage(
                    "--fleet names accelerators, and a --cpu-only measurement measures none",
                ));
            }
            if self.inventory().and_then(|inv| inv.fleet(fleet)).is_none() {
                let known = self
                    .inventory()
                    .map(|inv| inv.fleets.iter().map(|f| f.id.as_str()).collect::<Vec<_>>())
                    .unwrap_or_default();
                return Err(usage(format!(
                    "`{name}` has no fleet `{}` ({})",
                    bilan_units::text::clip(fleet),
                    if known.is_empty() {
                        "it has no fleet".to_owned()
                    } else {
                        format!("its fleets: {}", known.join(", "))
                    }
                )));
            }
        }
        let plan = Plan {
            identity: Identity {
                id,
                phase: request.phase,
                site,
                fleet: request.fleet.clone(),
            },
            new_site,
            reporting,
            system_name: self
                .path
                .file_stem()
                .map(|s| s.to_string_lossy().into_owned())
                .filter(|s| !s.trim().is_empty())
                .unwrap_or_else(|| "measured workloads".to_owned()),
        };
        self.render(&plan, &placeholder(&plan, request.gpus, today))?;
        Ok(plan)
    }

    /// The site the workload runs on, and the site to create if it is new.
    fn site(&self, request: &Request) -> Result<(String, Option<Site>), TargetError> {
        let name = shown(&self.path);
        let sites: Vec<&Site> = self
            .inventory()
            .map(|inv| inv.sites.iter().collect())
            .unwrap_or_default();
        let id = match (&request.site, sites.as_slice()) {
            (Some(id), _) => id.clone(),
            (None, [only]) if request.region.is_none() => only.id.clone(),
            (None, []) => "local".to_owned(),
            (None, _) if request.region.is_some() => "local".to_owned(),
            (None, many) => {
                let ids: Vec<&str> = many.iter().map(|s| s.id.as_str()).collect();
                return Err(usage(format!(
                    "`{name}` has several sites ({}); say which with --site",
                    ids.join(", ")
                )));
            }
        };
        match (sites.iter().find(|s| s.id == id), &request.region) {
            (Some(_), None) => Ok((id, None)),
            (Some(site), Some(region)) if &site.region == region => Ok((id, None)),
            (Some(site), Some(region)) => Err(usage(format!(
                "site `{id}` of `{name}` is in {}, not {region}; --region describes a site to \
                 create",
                site.region
            ))),
            (None, Some(region)) => Ok((
                id.clone(),
                Some(Site {
                    id,
                    region: region.clone(),
                    pue: None,
                    wue: None,
                    ownership: request.ownership,
                    provider: None,
                    electricity: BTreeMap::new(),
                    grid_series: None,
                    provenance: None,
                }),
            )),
            (None, None) if self.existing.is_none() => Err(usage(format!(
                "`{name}` does not exist yet: give --region CODE (e.g. FR, US-VA) for the site \
                 it will create"
            ))),
            (None, None) => Err(usage(format!(
                "`{name}` has no site `{}` ({}); give --region CODE to add it",
                bilan_units::text::clip(&id),
                if sites.is_empty() {
                    "it has no site".to_owned()
                } else {
                    format!(
                        "its sites: {}",
                        sites
                            .iter()
                            .map(|s| s.id.as_str())
                            .collect::<Vec<_>>()
                            .join(", ")
                    )
                }
            ))),
        }
    }

    /// The inventory's new text: as it is, with `plan`'s site and `workload` added. The text
    /// is loaded and validated as any inventory before it is returned.
    pub fn render(&self, plan: &Plan, workload: &Workload) -> Result<String, TargetError> {
        let text = match self.format {
            Format::Toml => self.render_toml(plan, workload)?,
            Format::Json => self.render_json(plan, workload)?,
        };
        let file = SourceFile {
            name: self.path.display().to_string(),
            text,
        };
        bilan_io::load_inventory(&file).map_err(TargetError::WouldBeInvalid)?;
        Ok(file.text)
    }

    fn render_toml(&self, plan: &Plan, workload: &Workload) -> Result<String, TargetError> {
        let name = shown(&self.path);
        let mut doc = match &self.existing {
            Some((file, _)) => file
                .text
                .parse::<DocumentMut>()
                .map_err(|e| usage(format!("`{name}` cannot be edited as TOML: {e}")))?,
            None => new_toml(&plan.system_name, &plan.reporting)?,
        };
        if let Some(site) = &plan.new_site {
            let table = toml_table("site", site)?;
            append(&mut doc, "site", table, &name)?;
        }
        let mut table = toml_table("workload", workload)?;
        if let Some(period) = &workload.period {
            table.insert("period", Item::Value(Value::InlineTable(dates(period)?)));
        }
        if let Some(n) = workload.devices {
            table.insert("devices", toml_edit::value(n as i64));
        }
        if let Some(notes) = table
            .get_mut("measurement")
            .and_then(Item::as_table_mut)
            .and_then(|m| m.get_mut("notes"))
            .and_then(Item::as_array_mut)
        {
            one_per_line(notes);
        }
        append(&mut doc, "workload", table, &name)?;
        Ok(doc.to_string())
    }

    fn render_json(&self, plan: &Plan, workload: &Workload) -> Result<String, TargetError> {
        use serde_json::{Value as J, json};
        let name = shown(&self.path);
        let json_error = |e: serde_json::Error| usage(format!("cannot write JSON: {e}"));
        let mut doc = match &self.existing {
            Some((file, _)) => serde_json::from_str::<J>(&file.text)
                .map_err(|e| usage(format!("`{name}` cannot be edited as JSON: {e}")))?,
            None => json!({
                "schema": bilan_core::INVENTORY_SCHEMA,
                "system": { "name": plan.system_name, "period": plan.reporting },
            }),
        };
        let Some(object) = doc.as_object_mut() else {
            return Err(usage(format!("`{name}` is not a JSON object")));
        };
        let mut items = Vec::new();
        if let Some(site) = &plan.new_site {
            items.push(("site", serde_json::to_value(site).map_err(json_error)?));
        }
        let mut w = serde_json::to_value(workload).map_err(json_error)?;
        if let (Some(n), Some(o)) = (workload.devices, w.as_object_mut()) {
            o.insert("devices".to_owned(), json!(n as u64));
        }
        items.push(("workload", w));
        for (key, value) in items {
            match object.entry(key).or_insert_with(|| J::Array(Vec::new())) {
                J::Array(list) => list.push(value),
                _ => {
                    return Err(usage(format!(
                        "`{key}` in `{name}` is not an array; expected a list of {key}s"
                    )));
                }
            }
        }
        serde_json::to_string_pretty(&doc)
            .map(|text| text + "\n")
            .map_err(json_error)
    }
}

/// The calendar year of `day`.
fn calendar_year(day: bilan_core::inventory::Date) -> Result<Period, TargetError> {
    let year = i16::try_from(day.year()).map_err(|_| usage("the year is out of range"))?;
    match (
        bilan_core::inventory::Date::new(year, 1, 1),
        bilan_core::inventory::Date::new(year, 12, 31),
    ) {
        (Some(start), Some(end)) => Ok(Period { start, end }),
        _ => Err(usage("the year is out of range")),
    }
}

/// `measure-YYYYMMDD-HHMMSS` (UTC), with `-2`, `-3`… when it is taken.
fn default_id(now: jiff::Timestamp, taken: &[&str]) -> String {
    let base = now.strftime("measure-%Y%m%d-%H%M%S").to_string();
    (1..)
        .map(|n| {
            if n == 1 {
                base.clone()
            } else {
                format!("{base}-{n}")
            }
        })
        .find(|id| !taken.contains(&id.as_str()))
        .unwrap_or(base)
}

/// A workload shaped like the one that will be written, to check the inventory would take
/// it: `gpus` devices for a second today.
fn placeholder(plan: &Plan, gpus: usize, today: bilan_core::inventory::Date) -> Workload {
    let hours = 1.0 / 3600.0;
    let mut w = crate::record::new_workload(&plan.identity);
    w.period = Some(Period {
        start: today,
        end: today,
    });
    w.energy = Some(quantity(0.0, "kWh", 1));
    w.device_hours = (gpus > 0).then(|| quantity(gpus as f64 * hours, "GPU·h", 7));
    w.devices = (gpus > 0).then_some(gpus as f64);
    w.duration = Some(quantity(1.0, "s", 1));
    w
}

/// A new TOML inventory: a header comment, the schema and the system.
fn new_toml(name: &str, reporting: &Period) -> Result<DocumentMut, TargetError> {
    let mut doc = DocumentMut::new();
    doc.insert(
        "schema",
        toml_edit::value(i64::from(bilan_core::INVENTORY_SCHEMA)),
    );
    if let Some(mut key) = doc.key_mut("schema") {
        key.leaf_decor_mut().set_prefix(
            "# An inventory started by `bilan measure`: check the system's name and reporting\n\
             # period, and the site, then add what was not measured (fleets, buildings…).\n\
             # Reference: docs/inventory.md.\n",
        );
    }
    let mut system = Table::new();
    system.insert("name", toml_edit::value(name));
    system.insert("period", Item::Value(Value::InlineTable(dates(reporting)?)));
    doc.insert("system", Item::Table(system));
    Ok(doc)
}

/// Lays `array` out one value a line: notes are sentences.
fn one_per_line(array: &mut toml_edit::Array) {
    for value in array.iter_mut() {
        value.decor_mut().set_prefix("\n    ");
    }
    array.set_trailing_comma(true);
    array.set_trailing("\n");
}

/// `{ start = …, end = … }` with TOML dates.
fn dates(period: &Period) -> Result<toml_edit::InlineTable, TargetError> {
    let date = |d: bilan_core::inventory::Date| {
        d.to_string()
            .parse::<toml_edit::Datetime>()
            .map_err(|e| usage(format!("cannot write the date {d}: {e}")))
    };
    let mut t = toml_edit::InlineTable::new();
    t.insert("start", Value::from(date(period.start)?));
    t.insert("end", Value::from(date(period.end)?));
    Ok(t)
}

/// `value` as one table of the array of tables `key`, through the same serialisation as
/// every inventory, without the positions of the text it was parsed from (so that it takes
/// its place after the tables already in the document).
fn toml_table(key: &str, value: &impl serde::Serialize) -> Result<Table, TargetError> {
    let wrapped = BTreeMap::from([(key, [value])]);
    let text = toml::to_string(&wrapped).map_err(|e| usage(format!("cannot write TOML: {e}")))?;
    let doc = text
        .parse::<DocumentMut>()
        .map_err(|e| usage(format!("cannot write TOML: {e}")))?;
    let mut parsed = doc
        .get(key)
        .and_then(Item::as_array_of_tables)
        .and_then(|a| a.get(0))
        .cloned()
        .ok_or_else(|| usage(format!("cannot write TOML: no `{key}` table")))?;
    // TOML writes sub-tables after values; keep the struct's order for the values, so that
    // a sub-table made inline (a period) stays in its place.
    let order =
        serde_json::to_value(value).map_err(|e| usage(format!("cannot write TOML: {e}")))?;
    let mut table = Table::new();
    for name in order.as_object().into_iter().flat_map(|o| o.keys()) {
        if let Some((k, item)) = parsed.remove_entry(name) {
            table.insert_formatted(&k, item);
        }
    }
    for (k, item) in parsed.into_iter() {
        table.insert(&k, item);
    }
    forget_positions(&mut table);
    Ok(table)
}

fn forget_positions(table: &mut Table) {
    table.set_position(None);
    for (_, item) in table.iter_mut() {
        match item {
            Item::Table(t) => forget_positions(t),
            Item::ArrayOfTables(a) => a.iter_mut().for_each(forget_positions),
            _ => {}
        }
    }
}

/// Adds `table` to the array of tables `key` of `doc` (creating it).
fn append(doc: &mut DocumentMut, key: &str, table: Table, name: &str) -> Result<(), TargetError> {
    match doc.get_mut(key) {
        None => {
            let mut array = toml_edit::ArrayOfTables::new();
            array.push(table);
            doc.insert(key, Item::ArrayOfTables(array));
            Ok(())
        }
        Some(Item::ArrayOfTables(array)) => {
            array.push(table);
            Ok(())
        }
        Some(_) => Err(usage(format!(
            "`{key}` in `{name}` is not written as `[[{key}]]` tables (an inline array?); \
             bilan measure adds a `[[{key}]]` table: write the existing ones that way first"
        ))),
    }
}
