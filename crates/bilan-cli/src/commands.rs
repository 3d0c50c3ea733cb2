//! The commands.

use std::io::Write;
use std::path::Path;
use std::time::Instant;

use anyhow::{Context as _, anyhow};
use bilan_core::assessment::ItemRef;
use bilan_core::factor::FactorSet;
use bilan_core::figure::FigurePath;
use bilan_core::inventory::Inventory;
use bilan_core::method::Parameters;
use bilan_io::SourceFile;
use bilan_report::assess::{FileStamp, MethodStamp, Outcome, Stamp};
use bilan_report::table::Table;
use bilan_runner::MethodRun;
use sha2::{Digest as _, Sha256};

use crate::Failure;
use crate::args::{
    AssessCommand, Cli, Command, Common, ExplainCommand, FactorsCommand, Format, ListArgs,
};
use crate::catalogue::{Catalogue, Entry};
use crate::output::{emit, stream_json};

pub(crate) fn run(
    cli: Cli,
    stdout: &mut dyn Write,
    stderr: &mut dyn Write,
    exiting: bool,
) -> Result<(), Failure> {
    let mut io = Io {
        stdout,
        stderr,
        exiting,
    };
    let mut timings = Timings::new(cli.timings);
    let result = match cli.command {
        Command::Assess(cmd) => assess(cmd, &mut io, &mut timings),
        Command::Compare(cmd) => compare(cmd, &mut io, &mut timings),
        Command::Explain(cmd) => explain(cmd, &mut io, &mut timings),
        Command::Methods(args) => methods(&args, &mut io),
        Command::Factors(cmd) => factors(&cmd, &mut io),
        Command::Validate { inventory, factors } => {
            validate(&inventory, &factors, &mut io, &mut timings)
        }
        Command::Plugins(cmd) => crate::plugins::command(&cmd, &mut io),
    };
    timings.print(&mut io);
    result
}

/// The standard streams of one run.
pub(crate) struct Io<'a> {
    pub(crate) stdout: &'a mut dyn Write,
    pub(crate) stderr: &'a mut dyn Write,
    /// The process exits after this command: large results need not be freed.
    pub(crate) exiting: bool,
}

impl Io<'_> {
    /// Drops `value`, or leaves it to the operating system when the process is exiting.
    fn release<T>(&self, value: T) {
        if self.exiting {
            std::mem::forget(value);
        }
    }
}

fn sha256_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Phase timings for `--timings`: wall time, items per second and peak memory so far.
struct Timings {
    enabled: bool,
    start: Instant,
    lines: Vec<String>,
}

impl Timings {
    fn new(enabled: bool) -> Timings {
        Timings {
            enabled,
            start: Instant::now(),
            lines: Vec::new(),
        }
    }

    /// Records the phase just finished: `count` things of kind `what` (items, bytes).
    fn phase(&mut self, name: &str, count: usize, what: &str) {
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

    fn print(&self, io: &mut Io<'_>) {
        for l in &self.lines {
            let _ = writeln!(io.stderr, "{l}");
        }
    }
}

/// Items in an inventory that methods account for, for throughput figures.
fn item_count(inv: &Inventory) -> usize {
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
pub(crate) fn select_methods(common: &Common) -> Result<Vec<Entry>, Failure> {
    let all = Catalogue::load(&common.sources)?.into_entries();
    if common.methods.is_empty() {
        return Ok(all);
    }
    let known: Vec<String> = all
        .iter()
        .map(|e| e.method.descriptor().id.clone())
        .collect();
    let mut pool: Vec<Option<Entry>> = all.into_iter().map(Some).collect();
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
    // Plugins that could not be loaded stay in as error rows: the user named them.
    chosen.extend(
        pool.into_iter()
            .flatten()
            .filter(crate::plugins::is_unloaded),
    );
    Ok(chosen)
}

/// Splits `--param` values among the methods: `KEY=VALUE` goes to every method declaring
/// KEY, `METHOD:KEY=VALUE` to that method only. A key no selected method declares is an
/// error.
pub(crate) fn parameters(common: &Common, methods: &[Entry]) -> Result<Vec<Parameters>, Failure> {
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
            let scope = target.map_or("no selected method".to_owned(), |t| format!("method `{t}`"));
            return Err(Failure::Usage(anyhow!(
                "`--param {raw}`: {scope} has a parameter `{key}` (see `bilan methods`)"
            )));
        }
    }
    Ok(out)
}

/// An inventory, factors and methods, ready to run.
struct Session {
    file: SourceFile,
    inventory: Inventory,
    factors: FactorSet,
    methods: Vec<Entry>,
    params: Vec<Parameters>,
    stamp: Stamp,
}

impl Session {
    fn open(
        inventory: &Path,
        common: &Common,
        io: &mut Io<'_>,
        timings: &mut Timings,
    ) -> Result<Session, Failure> {
        crate::inputs::check(inventory, common)?;
        let methods = select_methods(common)?;
        let params = parameters(common, &methods)?;
        let file = bilan_io::SourceFile::read(inventory)?;
        // The stamp's hash of the inventory is taken while the inventory is parsed.
        let (inv, inventory_sha256) = rayon::join(
            || bilan_io::load_inventory(&file),
            || sha256_hex(file.text.as_bytes()),
        );
        let inv = inv?;
        timings.phase("parse", item_count(&inv), "items");
        let factors = bilan_factors::load(&common.factors)?;
        crate::checks::against_factors(&file, &inv, &factors)?;
        crate::checks::warn(&file, &inv, io.stderr);
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
        let stamp = Stamp {
            bilan: env!("CARGO_PKG_VERSION").to_owned(),
            inventory: FileStamp {
                path: file.name.clone(),
                sha256: inventory_sha256,
            },
            factor_database: factors.version().to_owned(),
            factor_files,
            methods: methods
                .iter()
                .map(|m| MethodStamp {
                    id: m.method.descriptor().id.clone(),
                    version: m.method.descriptor().version.to_string(),
                    origin: m.origin.clone(),
                })
                .collect(),
        };
        Ok(Session {
            file,
            inventory: inv,
            factors,
            methods,
            params,
            stamp,
        })
    }

    fn run(&self) -> Vec<bilan_runner::Outcome> {
        let runs: Vec<MethodRun<'_>> = self
            .methods
            .iter()
            .zip(&self.params)
            .map(|(m, p)| MethodRun {
                method: m.method.as_ref(),
                parameters: p.clone(),
                origin: m.origin.clone(),
            })
            .collect();
        bilan_runner::run(&self.inventory, &self.factors, &runs)
    }
}

fn report_failures(io: &mut Io<'_>, failures: &[(String, String)]) -> Result<(), Failure> {
    if failures.is_empty() {
        return Ok(());
    }
    for (method, error) in failures {
        crate::errors::print(io.stderr, &format!("error: {method}: {error}"));
    }
    Err(Failure::Assessment)
}

fn assess(cmd: AssessCommand, io: &mut Io<'_>, timings: &mut Timings) -> Result<(), Failure> {
    if matches!(cmd.common.format, Format::Csv | Format::Html) {
        return Err(Failure::Usage(anyhow!(
            "`bilan assess` writes table, md or json; use `bilan compare` for csv and html"
        )));
    }
    let session = Session::open(&cmd.inventory, &cmd.common, io, timings)?;
    let outcomes: Vec<Outcome> = session
        .run()
        .into_iter()
        .map(|o| {
            let method = o.method();
            match o.result {
                Ok(a) => Outcome::Assessed(Box::new(a)),
                Err(error) => Outcome::Failed { method, error },
            }
        })
        .collect();
    timings.phase(
        "assess",
        item_count(&session.inventory) * session.methods.len(),
        "item-assessments",
    );
    let text = match cmd.common.format {
        Format::Json => {
            let mut s = serde_json::to_string_pretty(&bilan_report::assess::render_json(
                &session.stamp,
                &outcomes,
            ))
            .context("cannot serialise the report")?;
            s.push('\n');
            s
        }
        _ => {
            let mut s = String::new();
            for o in &outcomes {
                match o {
                    Outcome::Assessed(a) => {
                        s.push_str(&bilan_report::assess::render_table(&session.inventory, a))
                    }
                    Outcome::Failed { method, error } => {
                        s.push_str(&format!("{method}: FAILED: {error}\n"))
                    }
                }
                s.push('\n');
            }
            s.push_str(&format!(
                "bilan {} · factor database {} · inventory sha256 {}\n",
                session.stamp.bilan, session.stamp.factor_database, session.stamp.inventory.sha256
            ));
            s.push_str(&crate::plugins::stamp_lines(&session.stamp));
            s
        }
    };
    emit(io, cmd.common.output.as_deref(), &text, cmd.common.format)?;
    timings.phase("render", text.len(), "bytes");
    let failures: Vec<(String, String)> = outcomes
        .iter()
        .filter_map(|o| match o {
            Outcome::Failed { method, error } => Some((method.to_string(), error.clone())),
            Outcome::Assessed(_) => None,
        })
        .collect();
    io.release((session, outcomes));
    report_failures(io, &failures)
}

fn compare(cmd: AssessCommand, io: &mut Io<'_>, timings: &mut Timings) -> Result<(), Failure> {
    let session = Session::open(&cmd.inventory, &cmd.common, io, timings)?;
    let mut outcomes = session.run();
    timings.phase(
        "assess",
        item_count(&session.inventory) * session.methods.len(),
        "item-assessments",
    );
    let comparison = bilan_runner::compare(&session.inventory, &mut outcomes);
    timings.phase(
        "compare",
        item_count(&session.inventory) * session.methods.len(),
        "item-assessments",
    );
    let assessments: Vec<_> = outcomes
        .iter()
        .filter_map(|o| o.result.as_ref().ok())
        .collect();
    let report = bilan_report::compare::Report::new(
        &session.stamp,
        &session.inventory,
        &comparison,
        assessments,
    );
    let written = if cmd.common.format == Format::Json {
        // Streamed: with the full audit trail of a large inventory the report is large.
        stream_json(io, cmd.common.output.as_deref(), &report)?
    } else {
        let text = match cmd.common.format {
            Format::Md => bilan_report::compare::render_text(&report, true),
            Format::Csv => {
                bilan_report::compare::render_csv(&report).context("cannot write CSV")?
            }
            Format::Html => bilan_report::compare::render_html(&report),
            Format::Table | Format::Json => bilan_report::compare::render_text(&report, false),
        };
        emit(io, cmd.common.output.as_deref(), &text, cmd.common.format)?;
        text.len()
    };
    timings.phase("render", written, "bytes");
    let failures: Vec<(String, String)> = comparison
        .methods
        .iter()
        .filter_map(|m| {
            m.error
                .clone()
                .map(|e| (format!("{}@{}", m.id, m.version), e))
        })
        .collect();
    drop(report);
    io.release((session, outcomes, comparison));
    report_failures(io, &failures)
}

fn explain(cmd: ExplainCommand, io: &mut Io<'_>, timings: &mut Timings) -> Result<(), Failure> {
    if cmd.common.methods.len() != 1 {
        return Err(Failure::Usage(anyhow!(
            "`bilan explain` explains one method's figure: give exactly one --method"
        )));
    }
    let path: FigurePath = cmd
        .figure
        .parse()
        .map_err(|e: String| Failure::Usage(anyhow!("--figure: {e}")))?;
    let session = Session::open(&cmd.inventory, &cmd.common, io, timings)?;
    let outcome = session
        .run()
        .into_iter()
        .next()
        .ok_or_else(|| Failure::Usage(anyhow!("no method selected")))?;
    let a = match outcome.result {
        Ok(a) => a,
        Err(e) => return report_failures(io, &[(outcome.descriptor.method_ref().to_string(), e)]),
    };
    let text = match cmd.common.format {
        Format::Json => {
            let selected: Vec<_> = a.contributions.iter().filter(|c| path.selects(c)).collect();
            let factor_ids: std::collections::HashSet<&str> = selected
                .iter()
                .flat_map(|c| c.values.iter().map(|v| &*v.factor))
                .collect();
            let factors: Vec<_> = a
                .factors
                .iter()
                .filter(|f| factor_ids.contains(&*f.id))
                .collect();
            let v = serde_json::json!({
                "stamp": session.stamp,
                "method": a.method,
                "figure": path.to_string(),
                "value": path.value(&a),
                "unit": path.indicator.unit(),
                "contributions": selected,
                "factors": factors,
            });
            serde_json::to_string_pretty(&v).context("cannot serialise")? + "\n"
        }
        Format::Table | Format::Md => {
            let lines = crate::lines::Lines::new(&session.file, &session.inventory);
            let item_loc = |item: &ItemRef, key: &str| lines.item(item, key);
            let path_loc = |p: &str| lines.id_path(p);
            bilan_report::explain::render(&a, &path, &item_loc, &path_loc)
                .map_err(|e| Failure::Usage(anyhow!(e)))?
                + &crate::plugins::stamp_lines(&session.stamp)
        }
        Format::Csv | Format::Html => {
            return Err(Failure::Usage(anyhow!(
                "`bilan explain` writes table, md or json"
            )));
        }
    };
    emit(io, cmd.common.output.as_deref(), &text, cmd.common.format)
}

fn methods(args: &ListArgs, io: &mut Io<'_>) -> Result<(), Failure> {
    let catalogue = Catalogue::load(&args.sources)?;
    let methods: Vec<&Entry> = catalogue.entries().iter().collect();
    let text = match args.format {
        Format::Json => {
            let listed: Vec<_> = methods
                .iter()
                .map(|m| serde_json::json!({ "descriptor": m.method.descriptor(), "origin": m.origin }))
                .collect();
            serde_json::to_string_pretty(&listed).context("cannot serialise")? + "\n"
        }
        _ => {
            let mut out = String::new();
            for m in &methods {
                let d = m.method.descriptor();
                out.push_str(&format!("{} {} — {}\n", d.id, d.version, d.name));
                out.push_str(&format!(
                    "  origin: {}\n",
                    crate::catalogue::describe(&m.origin)
                ));
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
    emit(io, None, &text, args.format)
}

fn factors(cmd: &FactorsCommand, io: &mut Io<'_>) -> Result<(), Failure> {
    if let Some(region) = &cmd.region {
        bilan_core::region::Region::parse(region)
            .map_err(|e| Failure::Usage(anyhow!("--region: {e}")))?;
    }
    crate::inputs::regular_files("--factors", &cmd.factors)?;
    let set = bilan_factors::load(&cmd.factors)?;
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
        _ => {
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
    emit(io, None, &text, cmd.format)
}

fn validate(
    path: &Path,
    factors: &[std::path::PathBuf],
    io: &mut Io<'_>,
    timings: &mut Timings,
) -> Result<(), Failure> {
    crate::inputs::regular_file("the inventory", path)?;
    crate::inputs::regular_files("--factors", factors)?;
    let (file, inv) = bilan_io::read_inventory(path)?;
    timings.phase("parse", item_count(&inv), "items");
    let factors = bilan_factors::load(factors)?;
    crate::checks::against_factors(&file, &inv, &factors)?;
    crate::checks::warn(&file, &inv, io.stderr);
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
    emit(io, None, &text, Format::Table)?;
    io.release(inv);
    Ok(())
}
