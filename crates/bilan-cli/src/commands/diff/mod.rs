//! `bilan diff OLD NEW`: what changed between two versions of an inventory, or two JSON
//! reports, per method and figure, explained by item and by driver (docs/diff.md).
//!
//! Inventories are assessed here: NEW with `--factors` and `-p`, OLD with `--old-factors`
//! and every method's default parameters; both with the same `-m`, `--hardware`,
//! `--power-model` and method sources. Reports are read back into the assessments they
//! carry, whose stated totals must be the sums of their contributions ([`stated`]).

mod explain;
mod stated;

use std::path::Path;

use anyhow::anyhow;
use bilan_core::assessment::Assessment;
use bilan_core::method::Descriptor;
use bilan_io::{FileError, SourceFile};
use bilan_report::assess::FileStamp;
use bilan_report::diff::{DiffReport, Input, InputKind, MethodDiff};
use serde_json::Value;

use super::session::{Failed, Session, Timings, report_failures};
use crate::args::{DiffCommand, Format};
use crate::errors::Failure;
use crate::output::{Io, emit};

/// One method on one side: its descriptor and its assessment, or why there is none.
struct Run {
    descriptor: Descriptor,
    result: Result<Assessment, String>,
}

/// One side, read and assessed.
struct Side {
    input: Input,
    /// The inventory's JSON form (inventories only).
    inventory: Option<Value>,
    runs: Vec<Run>,
}

/// What a file is, from its content.
enum Sniffed {
    Inventory,
    Report(SourceFile, Value, InputKind),
}

/// A report is a JSON file with the keys of one; any other file is an inventory. A file
/// that reads as JSON (a `.json` extension, or `{` first) but does not parse is an error
/// here, with its line and column: read as an inventory, it would be refused as the
/// wrong kind of input, not as the malformed JSON it is.
fn sniff(path: &Path) -> Result<Sniffed, Failure> {
    crate::inputs::regular_file("a diff input", path)?;
    let by_extension = path.extension().is_some_and(|e| e == "json");
    if !by_extension && !starts_with_brace(path)? {
        return Ok(Sniffed::Inventory);
    }
    let file = SourceFile::read(path)?;
    let value = serde_json::from_str::<Value>(&file.text).map_err(|e| json_error(&file, &e))?;
    let has = |k: &str| value.get(k).is_some();
    let kind = if has("stamp") && has("comparison") && has("assessments") {
        InputKind::CompareReport
    } else if has("stamp") && value.get("methods").is_some_and(Value::is_array) {
        InputKind::AssessReport
    } else {
        return Ok(Sniffed::Inventory);
    };
    Ok(Sniffed::Report(file, value, kind))
}

/// Whether the first character of `path` other than white space is `{`, which no TOML
/// document starts with. Reads no further than that character.
fn starts_with_brace(path: &Path) -> Result<bool, Failure> {
    use std::io::Read as _;
    let name = path.display().to_string();
    let io = |e: std::io::Error| Failure::Input(FileError::io(&name, &e).into());
    let mut file = std::fs::File::open(path).map_err(io)?;
    let mut buffer = [0u8; 4096];
    loop {
        let n = file.read(&mut buffer).map_err(io)?;
        if n == 0 {
            return Ok(false);
        }
        if let Some(b) = buffer[..n].iter().find(|b| !b.is_ascii_whitespace()) {
            return Ok(*b == b'{');
        }
    }
}

/// A file read as JSON that does not parse (a syntax error, a number out of range): what
/// serde_json says, with the line and the column.
fn json_error(file: &SourceFile, e: &serde_json::Error) -> Failure {
    let message = e.to_string();
    // serde_json ends its message with the position, which the error gives apart.
    let message = message
        .rfind(" at line ")
        .map_or(message.as_str(), |at| &message[..at]);
    let mut error = FileError::plain(
        &file.name,
        format!("not valid JSON (column {}): {message}", e.column()),
    );
    error.line = Some(e.line());
    Failure::Input(error.into())
}

fn sha256_hex(bytes: &[u8]) -> String {
    use sha2::Digest as _;
    sha2::Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// A method known only by its identity (read from a report): the divergence engine needs a
/// descriptor for the rules it shows, which a report does not carry.
fn bare_descriptor(a: &Assessment) -> Descriptor {
    Descriptor {
        id: a.method.id.clone(),
        name: a.method.id.clone(),
        version: a.method.version.clone(),
        summary: String::new(),
        indicators: Vec::new(),
        boundary: String::new(),
        parameters: Vec::new(),
        rules: Vec::new(),
        references: Vec::new(),
    }
}

fn bad_report(file: &SourceFile, key: &str, message: String) -> Failure {
    Failure::Input(
        FileError::located(file, bilan_io::locate(file, key), key.to_owned(), message).into(),
    )
}

fn assessment(file: &SourceFile, key: &str, v: &Value) -> Result<Assessment, Failure> {
    if let Some(what) = partial_trail(v) {
        return Err(bad_report(
            file,
            key,
            format!(
                "{what}: `bilan diff` rebuilds every figure from the contributions and their terms, which only the full trail holds; write the report with `--trail full` (the default)"
            ),
        ));
    }
    serde_json::from_value(v.clone()).map_err(|e| {
        bad_report(file, key, format!("expected an assessment as `bilan compare -f json` or `bilan assess -f json` write it: {e}"))
    })
}

/// What an assessment written with less than the full trail lacks, in words: bilan's own
/// `--trail none` and `--trail summary` reports are valid, but not enough to diff.
fn partial_trail(v: &Value) -> Option<&'static str> {
    match v.get("contributions") {
        None if v.get("coverage").is_some() => {
            Some("it has no contributions (a report written with `--trail none`)")
        }
        Some(Value::Array(list)) if list.iter().any(|c| c.get("formula").is_none()) => Some(
            "its contributions have no formula nor terms (a report written with `--trail summary`)",
        ),
        _ => None,
    }
}

/// The assessments a JSON report carries, restricted to `methods` when given.
fn report_side(
    file: SourceFile,
    value: &Value,
    kind: InputKind,
    methods: &[String],
) -> Result<Side, Failure> {
    let mut runs = Vec::new();
    let wanted = |id: &str| methods.is_empty() || methods.iter().any(|m| m == id);
    match kind {
        InputKind::CompareReport => {
            let list = value["assessments"].as_array().ok_or_else(|| {
                bad_report(
                    &file,
                    "assessments",
                    "expected a list of assessments".to_owned(),
                )
            })?;
            for (n, v) in list.iter().enumerate() {
                let a = assessment(&file, &format!("assessments[{n}]"), v)?;
                if wanted(&a.method.id) {
                    stated::compare_rows(&file, value, &a)?;
                    runs.push(Run {
                        descriptor: bare_descriptor(&a),
                        result: Ok(a),
                    });
                }
            }
            // Methods that failed are error rows of the comparison, without an assessment.
            for m in value["comparison"]["methods"]
                .as_array()
                .into_iter()
                .flatten()
            {
                let (Some(id), Some(error)) = (m["id"].as_str(), m["error"].as_str()) else {
                    continue;
                };
                if wanted(id) && !runs.iter().any(|r| r.descriptor.id == id) {
                    runs.push(failed_run(&file, id, m["version"].as_str(), error)?);
                }
            }
        }
        InputKind::AssessReport | InputKind::Inventory => {
            let list = value["methods"].as_array().into_iter().flatten();
            for (n, m) in list.enumerate() {
                if let Some(v) = m.get("assessment") {
                    let a = assessment(&file, &format!("methods[{n}].assessment"), v)?;
                    if wanted(&a.method.id) {
                        stated::assess_results(&file, n, m, &a)?;
                        runs.push(Run {
                            descriptor: bare_descriptor(&a),
                            result: Ok(a),
                        });
                    }
                } else if let (Some(id), Some(error)) =
                    (m["method"]["id"].as_str(), m["error"].as_str())
                {
                    if wanted(id) {
                        runs.push(failed_run(
                            &file,
                            id,
                            m["method"]["version"].as_str(),
                            error,
                        )?);
                    }
                } else {
                    return Err(bad_report(
                        &file,
                        &format!("methods[{n}]"),
                        "expected an `assessment` or an `error`".to_owned(),
                    ));
                }
            }
        }
    }
    let stamp = &value["stamp"];
    let text = |v: &Value| v.as_str().unwrap_or_default().to_owned();
    let input = Input {
        file: FileStamp {
            path: file.name.clone(),
            sha256: sha256_hex(file.text.as_bytes()),
        },
        kind,
        system: value["system"]
            .as_str()
            .map_or_else(|| text(&stamp["inventory"]["path"]), str::to_owned),
        factor_database: text(&stamp["factor-database"]),
        factor_files: user_factor_files(
            stamp["factor-files"]
                .as_array()
                .into_iter()
                .flatten()
                .map(|f| FileStamp {
                    path: text(&f["path"]),
                    sha256: text(&f["sha256"]),
                }),
        ),
    };
    Ok(Side {
        input,
        inventory: None,
        runs,
    })
}

fn failed_run(
    file: &SourceFile,
    id: &str,
    version: Option<&str>,
    error: &str,
) -> Result<Run, Failure> {
    let version = version
        .and_then(|v| semver::Version::parse(v).ok())
        .ok_or_else(|| {
            bad_report(
                file,
                "methods",
                format!("method `{id}`: expected a semver version"),
            )
        })?;
    let probe = Assessment::empty(bilan_core::method::MethodRef {
        id: id.to_owned(),
        version,
    });
    Ok(Run {
        descriptor: bare_descriptor(&probe),
        result: Err(error.to_owned()),
    })
}

/// The factor files a user layered, without the embedded ones.
fn user_factor_files(files: impl Iterator<Item = FileStamp>) -> Vec<FileStamp> {
    files
        .filter(|f| !f.path.starts_with("<embedded>/"))
        .collect()
}

fn inventory_side(session: &Session, kind: InputKind) -> Result<Side, Failure> {
    let runs = session
        .run()
        .into_iter()
        .map(|o| Run {
            descriptor: o.descriptor,
            result: o.result,
        })
        .collect();
    let inventory = serde_json::to_value(&session.inventory).map_err(|e| {
        Failure::Other(anyhow!(
            "cannot read back the inventory `{}`: {e}",
            session.file.name
        ))
    })?;
    let s = &session.stamp;
    Ok(Side {
        input: Input {
            file: s.inventory.clone(),
            kind,
            system: session.inventory.system.name.clone(),
            factor_database: s.factor_database.clone(),
            factor_files: user_factor_files(s.factor_files.iter().cloned()),
        },
        inventory: Some(inventory),
        runs,
    })
}

/// Refuses flags that only mean something for inventories.
fn reports_only(cmd: &DiffCommand) -> Result<(), Failure> {
    let c = &cmd.common;
    let given: Vec<&str> = [
        (!c.params.is_empty(), "-p/--param"),
        (!cmd.old_params.is_empty(), "--old-param"),
        (!c.factors.is_empty(), "--factors"),
        (!cmd.old_factors.is_empty(), "--old-factors"),
        (!c.hardware.is_empty(), "--hardware"),
    ]
    .into_iter()
    .filter_map(|(g, name)| g.then_some(name))
    .collect();
    if given.is_empty() {
        return Ok(());
    }
    Err(Failure::Usage(anyhow!(
        "{} apply to inventories, which are assessed; OLD and NEW are reports, whose figures are already computed",
        given.join(", ")
    )))
}

pub(crate) fn diff(
    mut cmd: DiffCommand,
    io: &mut Io<'_>,
    timings: &mut Timings,
) -> Result<(), Failure> {
    let format = cmd.common.format;
    if !matches!(format, Format::Table | Format::Md | Format::Json) {
        return Err(Failure::Usage(anyhow!(
            "`bilan diff` writes table, md or json, not {}",
            format.id()
        )));
    }
    if cmd.common.uncertainty.mode.is_some() {
        return Err(Failure::Usage(anyhow!(
            "`bilan diff` compares point values; --uncertainty is for `bilan assess` and `bilan compare`"
        )));
    }
    if let Some(out) = &cmd.common.output {
        let mut inputs = vec![cmd.old.clone(), cmd.new.clone()];
        inputs.extend(cmd.old_factors.iter().cloned());
        inputs.extend(cmd.common.config_file.iter().cloned());
        crate::inputs::output_not_among(out, "an input of the diff", &inputs)?;
    }
    // The ids of the methods the engine made not applicable, on either side.
    let (old, new, not_applicable) = match (sniff(&cmd.old)?, sniff(&cmd.new)?) {
        (Sniffed::Report(fo, vo, ko), Sniffed::Report(fn_, vn, kn)) => {
            reports_only(&cmd)?;
            (
                report_side(fo, &vo, ko, &cmd.common.methods)?,
                report_side(fn_, &vn, kn, &cmd.common.methods)?,
                Vec::new(),
            )
        }
        (Sniffed::Inventory, Sniffed::Inventory) => {
            let new_session = Session::open(&cmd.new, &cmd.common, io, timings)?;
            // OLD: its own factor files and parameters (`--old-factors`, `--old-param`).
            let new_factors = std::mem::replace(
                &mut cmd.common.factors,
                std::mem::take(&mut cmd.old_factors),
            );
            let new_params =
                std::mem::replace(&mut cmd.common.params, std::mem::take(&mut cmd.old_params));
            let old_session = Session::open(&cmd.old, &cmd.common, io, timings)?;
            cmd.common.factors = new_factors;
            cmd.common.params = new_params;
            let sides = (
                inventory_side(&old_session, InputKind::Inventory)?,
                inventory_side(&new_session, InputKind::Inventory)?,
            );
            timings.phase("assess", 2 * new_session.methods.len(), "assessments");
            let not_applicable = [old_session.not_applicable, new_session.not_applicable].concat();
            (sides.0, sides.1, not_applicable)
        }
        (o, _) => {
            let what = |inventory: bool| {
                if inventory {
                    "an inventory"
                } else {
                    "a JSON report"
                }
            };
            let old_is_inventory = matches!(o, Sniffed::Inventory);
            return Err(Failure::Usage(anyhow!(
                "OLD is {} and NEW {}: `bilan diff` compares two inventories or two JSON reports",
                what(old_is_inventory),
                what(!old_is_inventory)
            )));
        }
    };
    let (report, failures) = build(old, new);
    let failures: Vec<Failed> = failures
        .into_iter()
        .map(|(method, error)| Failed {
            not_applicable: not_applicable.contains(&method),
            method,
            error,
        })
        .collect();
    timings.phase("diff", report.methods.len(), "methods");
    let mut text = match format {
        Format::Json => serde_json::to_string_pretty(&report)
            .map_err(|e| Failure::Other(anyhow!("cannot serialise the diff: {e}")))?,
        Format::Md => bilan_report::diff::render_text(&report, true),
        _ => bilan_report::diff::render_text(&report, false),
    };
    if format == Format::Json {
        text.push('\n');
    }
    emit(io, cmd.common.output.as_deref(), &text, format)?;
    report_failures(io, &failures)
}

/// The report, and the methods that failed on a side.
fn build(old: Side, new: Side) -> (DiffReport, Vec<(String, String)>) {
    let items = match (&old.inventory, &new.inventory) {
        (Some(a), Some(b)) => explain::item_changes(a, b),
        _ => Vec::new(),
    };
    let labels = explain::Items {
        changes: old.inventory.is_some().then_some(items.as_slice()),
        inventory: new.inventory.as_ref(),
    };
    let mut methods = Vec::new();
    let mut failures = Vec::new();
    for o in &old.runs {
        let Some(n) = new.runs.iter().find(|n| n.descriptor.id == o.descriptor.id) else {
            continue;
        };
        match (&o.result, &n.result) {
            (Ok(a), Ok(b)) => methods.push(explain::method(
                (&o.descriptor, a),
                (&n.descriptor, b),
                &labels,
            )),
            (ra, rb) => {
                let error = [("old", ra), ("new", rb)]
                    .into_iter()
                    .filter_map(|(side, r)| r.as_ref().err().map(|e| format!("{side}: {e}")))
                    .collect::<Vec<_>>()
                    .join("; ");
                failures.push((o.descriptor.id.clone(), error.clone()));
                methods.push(MethodDiff {
                    method: o.descriptor.id.clone(),
                    old_version: o.descriptor.version.to_string(),
                    new_version: n.descriptor.version.to_string(),
                    parameters: Vec::new(),
                    error: Some(error),
                    figures: Vec::new(),
                });
            }
        }
    }
    let ids = |s: &Side, other: &Side| -> Vec<String> {
        s.runs
            .iter()
            .filter(|r| {
                !other
                    .runs
                    .iter()
                    .any(|o| o.descriptor.id == r.descriptor.id)
            })
            .map(|r| r.descriptor.id.clone())
            .collect()
    };
    let (only_old, only_new) = (ids(&old, &new), ids(&new, &old));
    let changed = !items.is_empty()
        || !only_old.is_empty()
        || !only_new.is_empty()
        || methods.iter().any(|m| {
            m.error.is_some()
                || !m.parameters.is_empty()
                || m.figures
                    .iter()
                    .any(bilan_report::diff::FigureDiff::changed)
        });
    let report = DiffReport {
        format: bilan_report::diff::FORMAT,
        bilan: env!("CARGO_PKG_VERSION").to_owned(),
        old: old.input,
        new: new.input,
        changed,
        items,
        methods,
        only_old,
        only_new,
    };
    (report, failures)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn error_of(text: &str) -> String {
        let file = SourceFile {
            name: "r.json".to_owned(),
            text: text.to_owned(),
        };
        let e = serde_json::from_str::<Value>(text).expect_err("not JSON");
        match json_error(&file, &e) {
            Failure::Input(e) => e.to_string(),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn malformed_json_is_named_with_its_line_and_column() {
        assert_eq!(
            error_of("{\n  \"a\": [1,\n"),
            "r.json:3: not valid JSON (column 0): EOF while parsing a value"
        );
        assert_eq!(
            error_of("{\"total\": 1e400}"),
            "r.json:1: not valid JSON (column 15): number out of range"
        );
    }
}
