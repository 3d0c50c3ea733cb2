//! The commands.

use std::io::Write;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::Path;

use anyhow::{Context as _, anyhow};
use bilan_core::factor::FactorSet;
use bilan_core::inventory::Inventory;
use bilan_core::method::{Methodology, Parameters};
use bilan_report::assess::{FileStamp, Outcome, Stamp};
use comfy::Table;
use sha2::{Digest as _, Sha256};

use crate::Failure;
use crate::args::{AssessCommand, Cli, Command, Common, FactorsCommand, Format, ListArgs};
use crate::registry;

mod comfy {
    pub(crate) use bilan_report::table::Table;
}

pub(crate) fn run(cli: Cli, stdout: &mut dyn Write, stderr: &mut dyn Write) -> Result<(), Failure> {
    let mut io = Io { stdout, stderr };
    match cli.command {
        Command::Assess(cmd) => assess(cmd, &mut io),
        Command::Methods(args) => methods(&args, &mut io),
        Command::Factors(cmd) => factors(&cmd, &mut io),
        Command::Validate { inventory } => validate(&inventory, &mut io),
    }
}

/// The standard streams of one run.
pub(crate) struct Io<'a> {
    pub(crate) stdout: &'a mut dyn Write,
    pub(crate) stderr: &'a mut dyn Write,
}

fn sha256_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Writes `text` to the output file, or standard output.
fn emit(io: &mut Io<'_>, output: Option<&Path>, text: &str) -> Result<(), Failure> {
    match output {
        Some(path) => std::fs::write(path, text)
            .with_context(|| format!("cannot write {}", path.display()))?,
        None => {
            let stdout = &mut io.stdout;
            // A closed pipe (`bilan … | head`) is not an error.
            if let Err(e) = stdout
                .write_all(text.as_bytes())
                .and_then(|()| stdout.flush())
            {
                if e.kind() != std::io::ErrorKind::BrokenPipe {
                    return Err(Failure::Other(anyhow!(
                        "cannot write to standard output: {e}"
                    )));
                }
            }
        }
    }
    Ok(())
}

/// The methods named by `--method`, or every built-in one.
pub(crate) fn select_methods(common: &Common) -> Result<Vec<Box<dyn Methodology>>, Failure> {
    let all = registry::builtin();
    if common.methods.is_empty() {
        return Ok(all);
    }
    let known: Vec<String> = all.iter().map(|m| m.descriptor().id.clone()).collect();
    let mut pool: Vec<Option<Box<dyn Methodology>>> = all.into_iter().map(Some).collect();
    let mut chosen = Vec::new();
    for id in &common.methods {
        let index = known.iter().position(|k| k == id).ok_or_else(|| {
            Failure::Usage(anyhow!(
                "unknown method `{id}`; available: {}",
                known.join(", ")
            ))
        })?;
        match pool[index].take() {
            Some(m) => chosen.push(m),
            None => return Err(Failure::Usage(anyhow!("method `{id}` is given twice"))),
        }
    }
    Ok(chosen)
}

/// Splits `--param` values among the methods: `KEY=VALUE` goes to every method declaring
/// KEY, `METHOD:KEY=VALUE` to that method only. A key no selected method declares is an
/// error.
pub(crate) fn parameters(
    common: &Common,
    methods: &[Box<dyn Methodology>],
) -> Result<Vec<Parameters>, Failure> {
    let mut out = vec![Parameters::default(); methods.len()];
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
        let (key, value) = (key.trim(), value.trim());
        let mut applied = false;
        for (m, params) in methods.iter().zip(out.iter_mut()) {
            let d = m.descriptor();
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
            let scope = target.map_or("no selected method".to_owned(), |t| format!("method `{t}`"));
            return Err(Failure::Usage(anyhow!(
                "`--param {raw}`: {scope} has a parameter `{key}` (see `bilan methods`)"
            )));
        }
    }
    Ok(out)
}

pub(crate) struct Loaded {
    pub(crate) inventory: Inventory,
    pub(crate) factors: FactorSet,
    pub(crate) stamp_files: (FileStamp, Vec<FileStamp>),
}

pub(crate) fn load(inventory: &Path, common: &Common) -> Result<Loaded, Failure> {
    let (file, inv) = bilan_io::read_inventory(inventory)?;
    let factors = bilan_factors::load(&common.factors)?;
    let mut factor_files = Vec::new();
    for path in &common.factors {
        let bytes =
            std::fs::read(path).with_context(|| format!("cannot read {}", path.display()))?;
        factor_files.push(FileStamp {
            path: path.display().to_string(),
            sha256: sha256_hex(&bytes),
        });
    }
    let inventory_stamp = FileStamp {
        path: file.name.clone(),
        sha256: sha256_hex(file.text.as_bytes()),
    };
    Ok(Loaded {
        inventory: inv,
        factors,
        stamp_files: (inventory_stamp, factor_files),
    })
}

/// Runs one method, turning an error or a panic into a failed outcome.
pub(crate) fn run_method(m: &dyn Methodology, loaded: &Loaded, params: &Parameters) -> Outcome {
    let method = m.descriptor().method_ref();
    let _span =
        tracing::info_span!("methodology", id = %method.id, version = %method.version).entered();
    match catch_unwind(AssertUnwindSafe(|| {
        m.assess(&loaded.inventory, &loaded.factors, params)
    })) {
        Ok(Ok(a)) => Outcome::Assessed(Box::new(a)),
        Ok(Err(e)) => Outcome::Failed {
            method,
            error: e.to_string(),
        },
        Err(panic) => {
            let message = panic
                .downcast_ref::<&str>()
                .map(|s| (*s).to_owned())
                .or_else(|| panic.downcast_ref::<String>().cloned())
                .unwrap_or_else(|| "unknown panic".to_owned());
            Outcome::Failed {
                method,
                error: format!("methodology panicked: {message}"),
            }
        }
    }
}

fn assess(cmd: AssessCommand, io: &mut Io<'_>) -> Result<(), Failure> {
    let methods = select_methods(&cmd.common)?;
    let params = parameters(&cmd.common, &methods)?;
    let loaded = load(&cmd.inventory, &cmd.common)?;
    let outcomes: Vec<Outcome> = methods
        .iter()
        .zip(&params)
        .map(|(m, p)| run_method(m.as_ref(), &loaded, p))
        .collect();
    let stamp = Stamp {
        bilan: env!("CARGO_PKG_VERSION").to_owned(),
        inventory: loaded.stamp_files.0.clone(),
        factor_database: loaded.factors.version().to_owned(),
        factor_files: loaded.stamp_files.1.clone(),
        methods: methods
            .iter()
            .map(|m| m.descriptor().method_ref())
            .collect(),
    };
    let text = match cmd.common.format {
        Format::Json => {
            let mut s =
                serde_json::to_string_pretty(&bilan_report::assess::render_json(&stamp, &outcomes))
                    .context("cannot serialise the report")?;
            s.push('\n');
            s
        }
        Format::Table => {
            let mut s = String::new();
            for o in &outcomes {
                match o {
                    Outcome::Assessed(a) => {
                        s.push_str(&bilan_report::assess::render_table(&loaded.inventory, a))
                    }
                    Outcome::Failed { method, error } => {
                        s.push_str(&format!("{method}: FAILED: {error}\n"))
                    }
                }
                s.push('\n');
            }
            s.push_str(&format!(
                "bilan {} · factor database {} · inventory sha256 {}\n",
                stamp.bilan, stamp.factor_database, stamp.inventory.sha256
            ));
            s
        }
    };
    emit(io, cmd.common.output.as_deref(), &text)?;
    let failed: Vec<&Outcome> = outcomes
        .iter()
        .filter(|o| matches!(o, Outcome::Failed { .. }))
        .collect();
    if failed.is_empty() {
        Ok(())
    } else {
        for o in failed {
            if let Outcome::Failed { method, error } = o {
                let _ = writeln!(io.stderr, "error: {method}: {error}");
            }
        }
        Err(Failure::Assessment)
    }
}

fn methods(args: &ListArgs, io: &mut Io<'_>) -> Result<(), Failure> {
    let methods = registry::builtin();
    let text = match args.format {
        Format::Json => {
            let descriptors: Vec<_> = methods.iter().map(|m| m.descriptor()).collect();
            serde_json::to_string_pretty(&descriptors).context("cannot serialise")? + "\n"
        }
        Format::Table => {
            let mut out = String::new();
            for m in &methods {
                let d = m.descriptor();
                out.push_str(&format!("{} {} — {}\n", d.id, d.version, d.name));
                out.push_str(&format!("  {}\n", d.summary));
                out.push_str(&format!(
                    "  indicators: {}\n",
                    d.indicators
                        .iter()
                        .map(|i| i.id())
                        .collect::<Vec<_>>()
                        .join(", ")
                ));
                let mut t = Table::new();
                t.set_header(vec!["parameter", "type", "default", "meaning"]);
                for p in &d.parameters {
                    let kind = match &p.kind {
                        bilan_core::method::ParamKind::Number { .. } => "number".to_owned(),
                        bilan_core::method::ParamKind::Quantity { dimension } => dimension.clone(),
                        bilan_core::method::ParamKind::Bool => "bool".to_owned(),
                        bilan_core::method::ParamKind::Choice { values } => values.join(" or "),
                        bilan_core::method::ParamKind::Year => "year".to_owned(),
                    };
                    let default = p
                        .default
                        .as_ref()
                        .map_or("(from data)".to_owned(), |v| v.to_string());
                    t.add_row(vec![p.name.clone(), kind, default, p.doc.clone()]);
                }
                out.push_str(&t.render());
                out.push_str("\n\n");
            }
            out
        }
    };
    emit(io, None, &text)
}

fn factors(cmd: &FactorsCommand, io: &mut Io<'_>) -> Result<(), Failure> {
    let set = bilan_factors::load(&cmd.factors)?;
    if let Some(region) = &cmd.region {
        bilan_core::region::Region::parse(region)
            .map_err(|e| Failure::Usage(anyhow!("--region: {e}")))?;
    }
    let keep_region = |code: &str| cmd.region.as_deref().is_none_or(|r| r == code);
    let keep_subject = |s: &str| cmd.subject.as_deref().is_none_or(|p| s.starts_with(p));
    let selected: Vec<_> = set
        .factors()
        .iter()
        .filter(|f| keep_region(f.region.code()) && keep_subject(&f.subject))
        .collect();
    let absences: Vec<_> = set
        .absences()
        .iter()
        .filter(|a| keep_region(a.region.code()) && keep_subject(&a.subject))
        .collect();
    let text = match cmd.format {
        Format::Json => {
            let v = serde_json::json!({
                "version": set.version(),
                "factors": selected,
                "absences": absences,
                "overrides": set.overrides(),
            });
            serde_json::to_string_pretty(&v).context("cannot serialise")? + "\n"
        }
        Format::Table => {
            let mut t = Table::new();
            t.set_header(vec![
                "id",
                "subject",
                "indicator",
                "value",
                "boundary",
                "region",
                "year",
                "quality",
                "source (licence)",
            ]);
            for f in &selected {
                t.add_row(vec![
                    f.id.clone(),
                    f.subject.clone(),
                    f.indicator.map_or("-".to_owned(), |i| i.id().to_owned()),
                    f.value.to_string(),
                    f.boundary.id().to_owned(),
                    f.region.code().to_owned(),
                    f.year.to_string(),
                    format!("{:?}", f.quality).to_lowercase(),
                    format!("{} ({})", f.dataset, f.licence),
                ]);
            }
            let mut out = format!(
                "factor database {}: {} factors\n",
                set.version(),
                selected.len()
            );
            out.push_str(&t.render());
            out.push('\n');
            if !absences.is_empty() {
                out.push_str(&format!(
                    "\nno citable figure ({} absences):\n",
                    absences.len()
                ));
                for a in &absences {
                    out.push_str(&format!(
                        "- {} {} ({}): {}\n",
                        a.subject, a.indicator, a.region, a.reason
                    ));
                }
            }
            for o in set.overrides() {
                out.push_str(&format!(
                    "override: `{}` from {} replaces {}\n",
                    o.factor,
                    o.file,
                    if o.replaced.is_empty() {
                        "nothing (new factor)".to_owned()
                    } else {
                        o.replaced.join(", ")
                    }
                ));
            }
            out
        }
    };
    emit(io, None, &text)
}

fn validate(path: &Path, io: &mut Io<'_>) -> Result<(), Failure> {
    let (_, inv) = bilan_io::read_inventory(path)?;
    let text = format!(
        "{}: ok (schema {}, {} sites, {} fleets, {} workloads, {} other items, {} instruments)\n",
        path.display(),
        inv.schema,
        inv.sites.len(),
        inv.fleets.len(),
        inv.workloads.len(),
        inv.buildings.len()
            + inv.transports.len()
            + inv.end_of_life.len()
            + inv.services.len()
            + inv.fuels.len()
            + inv.refrigerants.len()
            + inv.offsets.len(),
        inv.instruments.len()
    );
    emit(io, None, &text)
}
