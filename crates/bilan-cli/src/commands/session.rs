//! What every command that assesses shares: the [`Session`] (inventory, factors, methods and
//! parameters, ready to run), `--method` and `--param` resolution, `--timings` and the way
//! failures are reported.

use std::path::{Path, PathBuf};
use std::time::Instant;

use anyhow::anyhow;
use bilan_core::factor::FactorSet;
use bilan_core::inventory::Inventory;
use bilan_core::method::Parameters;
use bilan_io::SourceFile;
use bilan_report::assess::{FileStamp, MethodStamp, Stamp};

use crate::notices::Spinner;
use bilan_runner::{MethodRun, Origin};
use sha2::{Digest as _, Sha256};

use crate::args::Common;
use crate::catalogue::{Catalogue, Entry};
use crate::errors::Failure;
use crate::output::Io;

fn sha256_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Phase timings for `--timings`: wall time, items per second and peak memory so far.
pub(crate) struct Timings {
    enabled: bool,
    start: Instant,
    lines: Vec<String>,
}

impl Timings {
    pub(crate) fn new(enabled: bool) -> Timings {
        Timings {
            enabled,
            start: Instant::now(),
            lines: Vec::new(),
        }
    }

    /// Records the phase just finished: `count` things of kind `what` (items, bytes).
    pub(crate) fn phase(&mut self, name: &str, count: usize, what: &str) {
        if !self.enabled {
            return;
        }
        let secs = self.start.elapsed().as_secs_f64();
        let rate = if secs > 0.0 {
            count as f64 / secs
        } else {
            f64::INFINITY
        };
        let peak = peak_rss_mib().map_or("n/a".to_owned(), |m| format!("{m:.1} MiB"));
        self.lines.push(format!(
            "timings: {name}: {secs:.3} s, {count} {what}, {rate:.0} {what}/s, peak memory {peak}"
        ));
        self.start = Instant::now();
    }

    pub(crate) fn print(&self, io: &mut Io<'_>) {
        for l in &self.lines {
            let _ = writeln!(io.stderr, "{l}");
        }
    }
}

/// Items in an inventory that methods account for, for throughput figures.
pub(crate) fn item_count(inv: &Inventory) -> usize {
    bilan_runner::reconcile::item_count(inv)
}

/// Peak resident memory of this process (Linux: `VmHWM`), in MiB.
fn peak_rss_mib() -> Option<f64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kib: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib / 1024.0)
}

/// The methods named by `--method` (in that order), or every available one.
pub(crate) fn select_methods(common: &Common) -> Result<Selection, Failure> {
    let all = Catalogue::load(&common.sources)?.into_entries();
    if common.methods.is_empty() {
        // Reference methods run by default only where the inventory holds their tool's
        // records: set aside, with their tool, until the inventory is read.
        let tools: Vec<(String, &'static str)> = crate::registry::references()
            .into_iter()
            .map(|(m, tool)| (m.descriptor().id.clone(), tool))
            .collect();
        let mut selection = Selection::default();
        for e in all {
            match tools.iter().find(|(id, _)| *id == e.method.descriptor().id) {
                Some((_, tool)) => selection.references.push((e, tool)),
                None => selection.methods.push(e),
            }
        }
        return Ok(selection);
    }
    let known: Vec<String> = all
        .iter()
        .map(|e| e.method.descriptor().id.clone())
        .collect();
    let mut pool: Vec<Option<Entry>> = all.into_iter().map(Some).collect();
    let mut chosen = Vec::new();
    // Methods that came from the configuration or the environment say where from.
    let origin = common
        .settings
        .iter()
        .find(|s| s.name == "methods")
        .map_or(String::new(), |s| format!(" (methods from {})", s.from));
    for id in &common.methods {
        let index = known.iter().position(|k| k == id).ok_or_else(|| {
            Failure::Usage(anyhow!(
                "unknown method `{id}`{origin}; available: {}",
                known.join(", ")
            ))
        })?;
        match pool[index].take() {
            Some(m) => chosen.push(m),
            None => {
                return Err(Failure::Usage(anyhow!(
                    "method `{id}` is given twice{origin}"
                )));
            }
        }
    }
    // Plugins that could not be loaded stay in as error rows: the user named them.
    chosen.extend(
        pool.into_iter()
            .flatten()
            .filter(crate::catalogue::is_unloaded),
    );
    Ok(Selection {
        methods: chosen,
        references: Vec::new(),
    })
}

/// The methods of a run, and the reference methods set aside (with their tool) to run only
/// if the inventory holds that tool's records.
#[derive(Default)]
pub(crate) struct Selection {
    pub(crate) methods: Vec<Entry>,
    references: Vec<(Entry, &'static str)>,
}

impl Selection {
    /// The methods, with the reference methods whose tool's records `inventory` holds.
    pub(crate) fn with_references(self, inventory: &Inventory) -> Vec<Entry> {
        let mut methods = self.methods;
        let tools: Vec<String> = inventory
            .workloads
            .iter()
            .filter_map(|w| w.reported.as_ref().map(|r| r.tool.to_ascii_lowercase()))
            .collect();
        methods.extend(
            self.references
                .into_iter()
                .filter(|(_, tool)| tools.iter().any(|t| t.starts_with(tool)))
                .map(|(e, _)| e),
        );
        methods
    }
}

/// A `--param` value written with a distribution (`-p pue="1.3 ± 0.1"`): the methods get its
/// nominal value, the propagation of uncertainty its distribution.
#[derive(Clone, Debug)]
pub(crate) struct UncertainParam {
    /// The method it is for (`None`: every method that has it).
    pub(crate) method: Option<String>,
    /// The parameter.
    pub(crate) key: String,
    /// Its value and distribution.
    pub(crate) value: bilan_units::UncertainQuantity,
}

/// Splits `--param` values among the methods: `KEY=VALUE` goes to every method declaring
/// KEY, `METHOD:KEY=VALUE` to that method only. A key no selected method declares is an
/// error. A value with a distribution gives the methods its nominal value.
pub(crate) fn parameters(
    common: &Common,
    methods: &[Entry],
) -> Result<(Vec<Parameters>, Vec<UncertainParam>), Failure> {
    let mut out = vec![Parameters::default(); methods.len()];
    let mut uncertain = Vec::new();
    for raw in &common.params {
        let (target, assignment) = match raw.split_once(':') {
            Some((m, rest)) if !m.contains('=') => (Some(m), rest),
            _ => (None, raw.as_str()),
        };
        let (key, value) = assignment.split_once('=').ok_or_else(|| {
            Failure::Usage(anyhow!(
                "`--param {raw}`: expected KEY=VALUE or METHOD:KEY=VALUE"
            ))
        })?;
        let (key, mut value) = (key.trim(), value.trim().to_owned());
        if value.contains('±') || value.contains("+/-") {
            let parsed = bilan_units::UncertainQuantity::parse(&value)
                .map_err(|e| Failure::Usage(anyhow!("`--param {raw}`: {e}")))?;
            value = parsed.quantity.to_string();
            uncertain.push(UncertainParam {
                method: target.map(str::to_owned),
                key: key.to_owned(),
                value: parsed,
            });
        }
        let value = value.as_str();
        if let Some(t) = target
            && !methods.iter().any(|m| m.method.descriptor().id == t)
        {
            return Err(Failure::Usage(anyhow!(
                "`--param {raw}`: method `{t}` is not selected"
            )));
        }
        let mut applied = false;
        for (m, params) in methods.iter().zip(out.iter_mut()) {
            let d = m.method.descriptor();
            if target.is_some_and(|t| t != d.id) {
                continue;
            }
            if let Some(spec) = d.parameter(key) {
                let v = spec.kind.parse(value).map_err(|e| {
                    Failure::Usage(anyhow!("`--param {raw}` for method `{}`: {e}", d.id))
                })?;
                params.set(key, v);
                applied = true;
            }
        }
        if !applied {
            // A target that is not selected was refused above.
            let why = match target {
                None => format!("no selected method has a parameter `{key}`"),
                Some(t) => format!("method `{t}` has no parameter `{key}`"),
            };
            return Err(Failure::Usage(anyhow!(
                "`--param {raw}`: {why} (see `bilan methods`)"
            )));
        }
    }
    Ok((out, uncertain))
}

/// An inventory, factors and methods, ready to run.
pub(crate) struct Session {
    /// The inventory's file; its text is empty unless the session was opened with
    /// [`Session::open_with_text`].
    pub(crate) file: SourceFile,
    /// The values the file writes with a distribution ([`bilan_io::uncertain_values`]), kept
    /// when `--uncertainty` will propagate them; empty otherwise (a large inventory may write
    /// one on every workload).
    pub(crate) uncertain: Vec<bilan_io::UncertainValue>,
    pub(crate) inventory: Inventory,
    pub(crate) factors: FactorSet,
    pub(crate) methods: Vec<Entry>,
    pub(crate) params: Vec<Parameters>,
    /// `--param` values given with a distribution.
    pub(crate) uncertain_params: Vec<UncertainParam>,
    pub(crate) stamp: Stamp,
    /// The ids of the methods the engine made not applicable (`crate::engine`): their errors
    /// are warnings.
    pub(crate) not_applicable: Vec<String>,
}

impl Session {
    /// Reads and checks the inventory, factors and methods. The inventory's text is not kept:
    /// the text of a large inventory is as large as the file, and nothing reads it once the
    /// inventory is checked (its distributions are read as it is, into
    /// [`Session::uncertain`]).
    pub(crate) fn open(
        inventory: &Path,
        common: &Common,
        io: &mut Io<'_>,
        timings: &mut Timings,
    ) -> Result<Session, Failure> {
        Session::read(inventory, common, io, timings, false)
    }

    /// [`Session::open`] keeping the inventory's text, for a command that points at its lines.
    pub(crate) fn open_with_text(
        inventory: &Path,
        common: &Common,
        io: &mut Io<'_>,
        timings: &mut Timings,
    ) -> Result<Session, Failure> {
        Session::read(inventory, common, io, timings, true)
    }

    fn read(
        inventory: &Path,
        common: &Common,
        io: &mut Io<'_>,
        timings: &mut Timings,
        keep_text: bool,
    ) -> Result<Session, Failure> {
        crate::inputs::check(inventory, common)?;
        let methods = select_methods(common)?;
        let engine = crate::engine::Engine::of(common)?;
        let spinner = Spinner::start(io, format!("reading {}", inventory.display()));
        let file = bilan_io::SourceFile::read(inventory)?;
        // The stamp's hashes of the inventory and of its telemetry files are taken while
        // they are read.
        let hashed: std::sync::Mutex<Vec<(PathBuf, String)>> = std::sync::Mutex::default();
        let hash = |path: &Path| {
            if let Ok(sha256) = crate::inputs::sha256_file(path)
                && let Ok(mut hashed) = hashed.lock()
            {
                hashed.push((path.to_path_buf(), sha256));
            }
        };
        // So are the distributions it writes, which the typed inventory does not keep.
        let (inv, (inventory_sha256, uncertain)) = rayon::join(
            || engine.load(&file, &hash),
            || {
                rayon::join(
                    || sha256_hex(file.text.as_bytes()),
                    || bilan_io::uncertain_values(&file),
                )
            },
        );
        let hashed = hashed.into_inner().unwrap_or_default();
        drop(spinner);
        let mut inv = inv?;
        timings.phase("parse", item_count(&inv), "items");
        // The files the inventory names are inputs like it: no output may overwrite them, and
        // the stamp hashes them (while the factors load).
        let data = bilan_io::series::data_files(&file.name, &inv);
        crate::inputs::output_not_data(common, &data)?;
        let (data_files, factors) = rayon::join(
            || {
                data.iter()
                    .map(|d| {
                        let sha256 = match hashed.iter().find(|(p, _)| *p == d.path) {
                            Some((_, sha256)) => sha256.clone(),
                            None => crate::inputs::sha256_file(&d.path)?,
                        };
                        Ok(FileStamp {
                            path: d.path.display().to_string(),
                            sha256,
                        })
                    })
                    .collect::<Result<Vec<_>, Failure>>()
            },
            || bilan_factors::load(&common.factors),
        );
        let (data_files, factors) = (data_files?, factors?);
        crate::checks::against_factors(&file, &inv, &factors)?;
        let uncertain = uncertain?;
        crate::checks::estimate(
            &file,
            &mut inv,
            &uncertain,
            &common.hardware,
            common.power_model.model(),
        )?;
        let uncertain = if common.uncertainty.mode.is_some() {
            uncertain
        } else {
            Vec::new()
        };
        let (methods, not_applicable) = engine.methods(&inv, methods.with_references(&inv));
        let (params, uncertain_params) = parameters(common, &methods)?;
        crate::checks::warn(&file, &inv, io);
        let mut factor_files: Vec<FileStamp> = bilan_factors::EMBEDDED_FILES
            .iter()
            .map(|(name, text)| FileStamp {
                path: format!("<embedded>/{name}"),
                sha256: sha256_hex(text.as_bytes()),
            })
            .collect();
        for path in &common.factors {
            factor_files.push(FileStamp {
                path: path.display().to_string(),
                sha256: crate::inputs::sha256_file(path)?,
            });
        }
        // Estimates read the hardware catalogue: it is part of what the figures rest on.
        if inv.workloads.iter().any(|w| !w.estimated.is_empty()) {
            let (name, text) = bilan_hardware::EMBEDDED_FILE;
            factor_files.push(FileStamp {
                path: format!("<embedded>/{name}"),
                sha256: sha256_hex(text.as_bytes()),
            });
            for path in &common.hardware {
                factor_files.push(FileStamp {
                    path: path.display().to_string(),
                    sha256: crate::inputs::sha256_file(path)?,
                });
            }
        }
        let stamp = Stamp {
            bilan: env!("CARGO_PKG_VERSION").to_owned(),
            inventory: FileStamp {
                path: file.name.clone(),
                sha256: inventory_sha256,
            },
            factor_database: factors.version().to_owned(),
            factor_files,
            data_files,
            methods: methods
                .iter()
                .map(|m| MethodStamp {
                    id: m.method.descriptor().id.clone(),
                    version: m.method.descriptor().version.to_string(),
                    origin: m.origin.clone(),
                })
                .collect(),
            settings: common
                .settings
                .iter()
                .cloned()
                .chain(engine.stamp(&inv))
                .collect(),
        };
        let mut file = file;
        if !keep_text {
            file.text = String::new();
        }
        Ok(Session {
            file,
            uncertain,
            inventory: inv,
            factors,
            methods,
            params,
            uncertain_params,
            stamp,
            not_applicable,
        })
    }

    /// What a spinner says while the session's methods run.
    pub(crate) fn assessing(&self) -> String {
        let n = self.methods.len();
        format!(
            "assessing {} items under {n} method{}",
            item_count(&self.inventory),
            if n == 1 { "" } else { "s" }
        )
    }

    pub(crate) fn run(&self) -> Vec<bilan_runner::Outcome> {
        bilan_runner::run(&self.inventory, &self.factors, &self.method_runs())
    }

    /// [`Session::run`] for a report of figures only: each assessment's audit trail is
    /// dropped once the comparison has what it needs of it.
    pub(crate) fn run_figures(
        &self,
        items: &bilan_runner::Items<'_>,
    ) -> Vec<bilan_runner::Outcome> {
        bilan_runner::run_figures(items, &self.factors, &self.method_runs())
    }

    /// The session's methods with their parameters, as the runner takes them.
    pub(crate) fn method_runs(&self) -> Vec<MethodRun<'_>> {
        self.methods
            .iter()
            .zip(&self.params)
            .map(|(m, p)| MethodRun {
                method: m.method.as_ref(),
                parameters: p.clone(),
                origin: m.origin.clone(),
            })
            .collect()
    }
}

/// A method that gave no assessment: who (as the report names it), why, and whether the
/// engine made it not applicable (a warning) rather than it failing.
pub(crate) struct Failed {
    pub(crate) method: String,
    pub(crate) error: String,
    pub(crate) not_applicable: bool,
}

impl Session {
    /// The failure of the method `id` with `error`, named `method` in the report.
    pub(crate) fn failed(&self, id: &str, method: String, error: String) -> Failed {
        Failed {
            method,
            error,
            not_applicable: self.not_applicable.iter().any(|n| n == id),
        }
    }
}

/// Prints each failure on stderr: a not-applicable method as a warning, any other as an
/// error that fails the run.
pub(crate) fn report_failures(io: &mut Io<'_>, failures: &[Failed]) -> Result<(), Failure> {
    let (not_applicable, failures): (Vec<_>, Vec<_>) =
        failures.iter().partition(|f| f.not_applicable);
    for f in not_applicable {
        crate::errors::print(io.stderr, &format!("warning: {}: {}", f.method, f.error));
    }
    if failures.is_empty() {
        return Ok(());
    }
    for Failed { method, error, .. } in failures {
        if io.json_errors {
            let line = serde_json::json!({ "kind": "method", "method": method, "message": error });
            crate::errors::print_json(io.stderr, &crate::errors::json_line(&line));
        } else {
            crate::errors::print(io.stderr, &format!("error: {method}: {error}"));
        }
    }
    Err(Failure::Assessment)
}

/// One line per method of a plugin in `stamp`, then one per data file, for the text reports
/// whose footer does not list methods' origins nor the inventory's files (`assess`,
/// `explain`): a report that used a plugin, a series or telemetry always names it.
pub(crate) fn stamp_lines(stamp: &Stamp) -> String {
    let plugins = stamp
        .methods
        .iter()
        .filter(|m| matches!(m.origin, Origin::Plugin { .. }))
        .map(|m| {
            format!(
                "method {} {}: {}\n",
                m.id,
                m.version,
                crate::catalogue::describe(&m.origin)
            )
        });
    let data = stamp
        .data_files
        .iter()
        .map(|f| format!("data file {} sha256 {}\n", f.path, f.sha256));
    plugins.chain(data).collect()
}
