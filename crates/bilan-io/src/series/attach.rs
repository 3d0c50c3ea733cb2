//! Reading the series files an inventory names, once it is loaded: each `[[grid-series]]`
//! and each instrument's generation `profile`, relative to the inventory's directory.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use bilan_core::Inventory;
use bilan_core::series::{Kind, Series};

use super::read;
use crate::{FileError, FileErrors, Locator, SourceFile};

/// Within this relative difference, a profile's total and its instrument's `energy` agree.
const PROFILE_TOLERANCE: f64 = 1e-3;

/// Reads the file of every `[[grid-series]]` of `inventory` into it, checked, and checks that
/// each covers the reporting period (days in UTC); reads each instrument's generation
/// profile and checks that it lies within the instrument's period and sums to its energy.
/// A file that cannot be read, or does not fit, is an error at its key in the inventory; a
/// problem inside a file, at its row.
pub(crate) fn attach(
    file: &SourceFile,
    inventory: &mut Inventory,
    read_telemetry: &crate::TelemetryReader<'_>,
) -> Result<(), FileErrors> {
    if inventory.grid_series.is_empty()
        && inventory.instruments.iter().all(|i| i.profile.is_none())
        && inventory.telemetry.is_empty()
    {
        return Ok(());
    }
    let reader = Reader {
        dir: dir_of(&file.name),
        locator: Locator::new(file),
    };
    let mut errors = Vec::new();
    let period = inventory.system.period;
    let (from, to) = (period.start.start_utc(), period.end.end_utc());
    for (i, entry) in inventory.grid_series.iter_mut().enumerate() {
        let what = format!("grid series `{}`", entry.id);
        let (key, series) = match entry.embedded.clone() {
            Some(name) => {
                let key = format!("grid-series[{i}].embedded");
                let Some(series) = shipped(&reader, &key, &name, entry, &mut errors) else {
                    continue;
                };
                (key, series)
            }
            None => {
                let key = format!("grid-series[{i}].file");
                let Some(series) =
                    reader.series(&key, &what, &entry.file, Kind::Intensity, &mut errors)
                else {
                    continue;
                };
                (key, series)
            }
        };
        let (start, end) = (series.start, series.end());
        if from < start || to > end {
            errors.push(reader.at_key(
                &key,
                format!(
                    "{what} covers {start} to {end}; the reporting period {} to {} (whole days, UTC) must lie within it",
                    period.start, period.end
                ),
            ));
            continue;
        }
        entry.data = Some(Arc::new(series));
    }
    for (i, ins) in inventory.instruments.iter_mut().enumerate() {
        let Some(name) = &ins.profile else { continue };
        let key = format!("instrument[{i}].profile");
        let what = format!("the generation profile of instrument `{}`", ins.id);
        let Some(series) = reader.series(&key, &what, name, Kind::Generation, &mut errors) else {
            continue;
        };
        let (start, end) = (series.start, series.end());
        let (own_from, own_to) = (ins.period.start.start_utc(), ins.period.end.end_utc());
        if start < own_from || end > own_to {
            errors.push(reader.at_key(
                &key,
                format!(
                    "{what} covers {start} to {end}, outside the instrument's period {} (whole days, UTC): a certificate conveys the generation of its own period only",
                    ins.period
                ),
            ));
            continue;
        }
        let total: f64 = series.values.iter().sum();
        let energy = ins.energy.to_str_unit(Kind::Generation.unit()).ok();
        if let Some(energy) = energy
            && (total - energy).abs() > PROFILE_TOLERANCE * energy.abs().max(f64::MIN_POSITIVE)
        {
            errors.push(reader.at_key(
                &key,
                format!(
                    "{what} sums to {} kWh, but the instrument's `energy` is {}: the profile is the hour-by-hour split of that energy, so they must agree (within 0.1 %)",
                    to_the_watt_hour(total),
                    ins.energy
                ),
            ));
            continue;
        }
        ins.profile_data = Some(Arc::new(series));
    }
    telemetry(&reader, inventory, read_telemetry, &mut errors);
    if errors.is_empty() {
        Ok(())
    } else {
        Err(FileErrors { errors })
    }
}

/// The shipped series `name`, derived, its source and licence kept in `entry.shipped`; an
/// unknown name is an error at `key` listing the known.
fn shipped(
    reader: &Reader<'_>,
    key: &str,
    name: &str,
    entry: &mut bilan_core::inventory::GridSeries,
    errors: &mut Vec<FileError>,
) -> Option<Series> {
    let Some(shipped) = super::embedded::find(name) else {
        errors.push(reader.at_key(
            key,
            format!(
                "grid series `{}`: no series named `{name}` is shipped with bilan; known: {}",
                entry.id,
                super::embedded::names()
            ),
        ));
        return None;
    };
    match shipped.derive() {
        Ok(derived) => {
            entry.shipped = Some((derived.source, shipped.licence.to_owned()));
            Some(derived.series)
        }
        Err(e) => {
            errors.push(reader.at_key(key, format!("the shipped series `{name}` is damaged: {e}")));
            None
        }
    }
}

/// Reads each `[[telemetry]]` file into workloads appended to the inventory's; a problem of
/// a row names the file and the row, one of the file its key.
fn telemetry(
    reader: &Reader<'_>,
    inventory: &mut Inventory,
    read: &crate::TelemetryReader<'_>,
    errors: &mut Vec<FileError>,
) {
    let mut ids: rustc_hash::FxHashSet<std::sync::Arc<str>> =
        inventory.workloads.iter().map(|w| w.id.clone()).collect();
    let mut added = Vec::new();
    for (i, t) in inventory.telemetry.iter().enumerate() {
        let key = format!("telemetry[{i}].file");
        let path = reader.dir.join(&t.file);
        match read(&path, t, &inventory.fleets) {
            Ok(workloads) => {
                let misfits =
                    super::fit::problems(t, &workloads, &inventory.fleets, inventory.system.period);
                if !misfits.is_empty() {
                    errors.extend(misfits.into_iter().map(|m| reader.at_key(&key, m)));
                    continue;
                }
                for w in workloads {
                    if !ids.insert(w.id.clone()) {
                        errors.push(reader.at_key(
                            &format!("telemetry[{i}].id"),
                            format!(
                                "telemetry `{}` makes workload `{}`, an id the inventory already has",
                                t.id, w.id
                            ),
                        ));
                        return;
                    }
                    added.push(w);
                }
            }
            Err(problems) => {
                let name = path.display().to_string();
                for p in problems {
                    errors.push(match p.row {
                        Some(row) => FileError::plain(
                            &name,
                            format!("telemetry `{}`, row {row}: {}", t.id, p.message),
                        ),
                        None => reader.at_key(
                            &key,
                            format!("telemetry `{}` (`{name}`): {}", t.id, p.message),
                        ),
                    });
                }
            }
        }
    }
    let first_added = inventory.workloads.len();
    inventory.workloads.extend(added);
    shared_fleets(reader, inventory, first_added, errors);
}

/// A fleet charged both by workloads of the file and by telemetry aggregates is checked for
/// what they add up to: an aggregate reserves every device of its fleet for the whole day
/// (`fleet-day`) or month (`fleet-month`) it sums, so a workload written within it charges
/// device time the fleet has not got. Only such fleets are checked again here.
fn shared_fleets(
    reader: &Reader<'_>,
    inventory: &Inventory,
    first_added: usize,
    errors: &mut Vec<FileError>,
) {
    let (written, metered) = inventory.workloads.split_at(first_added);
    let charged: rustc_hash::FxHashSet<&str> =
        written.iter().filter_map(|w| w.fleet.as_deref()).collect();
    let shared: rustc_hash::FxHashSet<&str> = metered
        .iter()
        .filter_map(|w| w.fleet.as_deref())
        .filter(|f| charged.contains(f))
        .collect();
    if shared.is_empty() {
        return;
    }
    for p in inventory.validate_capacity(|f| shared.contains(f.id.as_str())) {
        // Every workload's own demand was checked with the file (or as it was read): what
        // is new is the sum on a shared fleet.
        let key = p.path.to_string();
        errors.push(reader.at_key(
            &key,
            format!(
                "{}; its telemetry aggregates reserve every device of the fleet for the whole day (`fleet-day`) or month (`fleet-month`) they sum, so a workload written within one charges device time the fleet has not got, and its energy may be counted twice",
                p.message
            ),
        ));
    }
}

/// A file an inventory names: a grid series, a generation profile or a telemetry file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DataFile {
    /// The key that names it (`grid-series[0].file`, `instrument[2].profile`,
    /// `telemetry[0].file`).
    pub key: String,
    /// Where it is: the name as written, relative to the inventory's directory.
    pub path: PathBuf,
}

/// Every file `inventory`, read from `inventory_name`, names, in the order of its keys:
/// what its figures rest on besides the inventory itself, so what a report's stamp hashes
/// and what no output may overwrite.
pub fn data_files(inventory_name: &str, inventory: &Inventory) -> Vec<DataFile> {
    let dir = dir_of(inventory_name);
    // A shipped series is part of the binary, whose version the stamp names.
    let series = inventory
        .grid_series
        .iter()
        .enumerate()
        .filter(|(_, s)| s.embedded.is_none())
        .map(|(i, s)| (format!("grid-series[{i}].file"), &s.file));
    let profiles = inventory
        .instruments
        .iter()
        .enumerate()
        .filter_map(|(i, ins)| Some((format!("instrument[{i}].profile"), ins.profile.as_ref()?)));
    let telemetry = inventory
        .telemetry
        .iter()
        .enumerate()
        .map(|(i, t)| (format!("telemetry[{i}].file"), &t.file));
    series
        .chain(profiles)
        .chain(telemetry)
        .map(|(key, name)| DataFile {
            key,
            path: dir.join(name),
        })
        .collect()
}

/// The directory the files an inventory names are relative to: the inventory's own.
fn dir_of(inventory_name: &str) -> PathBuf {
    Path::new(inventory_name)
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_default()
}

/// `total` to the watt-hour, without trailing zeros.
fn to_the_watt_hour(total: f64) -> String {
    let text = format!("{total:.3}");
    text.trim_end_matches('0').trim_end_matches('.').to_owned()
}

/// Where the inventory's series files are, and how to point at a key of it.
struct Reader<'f> {
    dir: PathBuf,
    locator: Locator<'f>,
}

impl Reader<'_> {
    fn at_key(&self, key: &str, message: String) -> FileError {
        let span = self.locator.locate(key);
        self.locator.error_at(span, Some(key.to_owned()), message)
    }

    /// The series of `kind` in `name` (relative to the inventory's directory), checked; what
    /// is wrong is added to `errors`.
    fn series(
        &self,
        key: &str,
        what: &str,
        name: &str,
        kind: Kind,
        errors: &mut Vec<FileError>,
    ) -> Option<Series> {
        let path = self.dir.join(name);
        let text = match SourceFile::read(&path) {
            Ok(text) => text,
            Err(e) => {
                let why = e
                    .errors
                    .first()
                    .map_or(String::new(), |e| e.message.clone());
                errors.push(self.at_key(
                    key,
                    format!("{what}: cannot read `{}`: {why}", path.display()),
                ));
                return None;
            }
        };
        match read(&text, kind) {
            Ok(series) => Some(series),
            Err(e) => {
                errors.extend(e.errors);
                None
            }
        }
    }
}
