//! Generated files, committed and checked by a test so they never go stale (the
//! rust-analyzer and ruff practice).

use anyhow::{Context as _, bail};

use crate::root;

/// Write the files, or check that they are current.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Mode {
    Write,
    Check,
}

/// Every generated file: path relative to the root, and its contents.
pub(crate) fn generated() -> anyhow::Result<Vec<(&'static str, String)>> {
    let schema = schemars::schema_for!(bilan_core::inventory::Inventory);
    let mut text = serde_json::to_string_pretty(&schema).context("cannot serialise the schema")?;
    text.push('\n');
    let schema = schemars::schema_for!(bilan_declarative::Spec);
    let mut methodology =
        serde_json::to_string_pretty(&schema).context("cannot serialise the schema")?;
    methodology.push('\n');
    let compare = schema_text(schemars::schema_for!(
        bilan_report::compare::Report<'static>
    ))?;
    let assess = schema_text(schemars::schema_for!(
        bilan_report::assess::AssessReport<'static>
    ))?;
    let disclosure = schema_text(schemars::schema_for!(bilan_report::disclosure::Disclosure))?;
    let systems = schema_text(schemars::schema_for!(
        bilan_report::systems::Report<'static>
    ))?;
    let hardware = schema_text(bilan_hardware::schema())?;
    let estimators = with_regions(
        "docs/estimators.md",
        &[
            (
                "inference-validation",
                bilan_estimate::validation::inference_table(),
            ),
            (
                "training-validation",
                bilan_estimate::validation::training_table(),
            ),
        ],
    )?;
    Ok(vec![
        ("docs/inventory.schema.json", text),
        ("docs/hardware.schema.json", hardware),
        ("docs/estimators.md", estimators),
        ("docs/methodology.schema.json", methodology),
        ("docs/compare-report.schema.json", compare),
        ("docs/assess-report.schema.json", assess),
        ("docs/disclosure.schema.json", disclosure),
        ("docs/systems-report.schema.json", systems),
    ])
}

/// The hand-written file at `path` with each generated region replaced: the text between
/// `<!-- generated: NAME -->` and `<!-- end: NAME -->`.
fn with_regions(path: &str, regions: &[(&str, String)]) -> anyhow::Result<String> {
    let mut text = std::fs::read_to_string(root().join(path))
        .with_context(|| format!("cannot read {path}"))?;
    for (name, body) in regions {
        let start = format!("<!-- generated: {name} -->\n");
        let end = format!("<!-- end: {name} -->");
        let (Some(a), Some(b)) = (text.find(&start), text.find(&end)) else {
            bail!("{path} has no region `{name}` (`{start}` … `{end}`)");
        };
        let from = a + start.len();
        if b < from {
            bail!("{path}: region `{name}` ends before it starts");
        }
        text.replace_range(from..b, &format!("{body}\n"));
    }
    Ok(text)
}

fn schema_text(schema: schemars::Schema) -> anyhow::Result<String> {
    let mut text = serde_json::to_string_pretty(&schema).context("cannot serialise the schema")?;
    text.push('\n');
    Ok(text)
}

pub(crate) fn run(mode: Mode) -> anyhow::Result<()> {
    for (path, contents) in generated()? {
        let full = root().join(path);
        let current = std::fs::read_to_string(&full).unwrap_or_default();
        if current == contents {
            continue;
        }
        match mode {
            Mode::Write => {
                std::fs::write(&full, contents).with_context(|| format!("cannot write {path}"))?;
                eprintln!("codegen: wrote {path}");
            }
            Mode::Check => bail!("{path} is out of date: run `cargo xtask codegen`"),
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    /// `cargo test` fails when a generated file is stale; `UPDATE_GENERATED=1` rewrites it.
    #[test]
    fn generated_files_are_up_to_date() {
        let mode = if std::env::var("UPDATE_GENERATED").as_deref() == Ok("1") {
            super::Mode::Write
        } else {
            super::Mode::Check
        };
        if let Err(e) = super::run(mode) {
            panic!("{e:#}");
        }
    }
}
