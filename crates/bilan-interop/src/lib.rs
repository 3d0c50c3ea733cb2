//! Interoperability: `bilan import KIND FILE…` reads what users already hold into a bilan
//! inventory, and the export formats write bilan's figures where other tools read them.
//!
//! Every importer ([`codecarbon`], [`impact_framework`], [`boamps`], [`model_card`])
//! returns an [`Import`]: the inventory, whose every imported item carries its
//! [`Provenance`](bilan_core::inventory::Provenance) (file, row or key, tool and version,
//! *measured* or *disclosed*), and an [`ImportReport`] listing whatever the source holds
//! that bilan cannot represent; nothing is dropped silently. The inventory passes
//! validation (the importers check it before returning). `docs/interop.md` maps every
//! field in each direction.

use bilan_core::inventory::Inventory;
use bilan_hardware::Catalogue;
use bilan_io::{FileError, FileErrors, Format, SourceFile};
use serde::Serialize;

pub use impact_framework::Per;

pub mod boamps;
pub mod codecarbon;
pub mod draft;
pub mod export;
pub mod hardware;
pub mod impact_framework;
pub mod model_card;
mod yaml_depth;

/// What can be imported.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// CodeCarbon's `emissions.csv` (3.x and 2.x layouts).
    Codecarbon,
    /// An Impact Framework manifest (YAML), computed or not.
    ImpactFramework,
    /// A BoAmps report (JSON).
    Boamps,
    /// A Hugging Face model card (README.md with YAML front matter).
    ModelCard,
}

impl Kind {
    /// Every kind, in documentation order.
    pub const ALL: [Kind; 4] = [
        Kind::Codecarbon,
        Kind::ImpactFramework,
        Kind::Boamps,
        Kind::ModelCard,
    ];

    /// Identifier as written on the command line.
    pub fn id(self) -> &'static str {
        match self {
            Kind::Codecarbon => "codecarbon",
            Kind::ImpactFramework => "impact-framework",
            Kind::Boamps => "boamps",
            Kind::ModelCard => "model-card",
        }
    }
}

/// Something the source holds that bilan does not represent.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub struct Lost {
    /// The file.
    pub file: String,
    /// Where in it (row, key path).
    pub at: String,
    /// The field or value, as written.
    pub what: String,
    /// Why bilan does not keep it.
    pub why: String,
}

/// What an import did besides the inventory: what it could not keep, and notes (hardware
/// it could not map, assumptions made).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub struct ImportReport {
    /// Fields and values not represented in the inventory.
    pub lost: Vec<Lost>,
    /// Notes, in words.
    pub notes: Vec<String>,
}

impl ImportReport {
    /// Records a field bilan does not keep.
    pub fn lose(
        &mut self,
        file: &str,
        at: impl Into<String>,
        what: impl Into<String>,
        why: impl Into<String>,
    ) {
        self.lost.push(Lost {
            file: file.to_owned(),
            at: at.into(),
            what: what.into(),
            why: why.into(),
        });
    }

    /// The report as text: one line per note and per lost field.
    pub fn render(&self) -> String {
        let mut out = String::new();
        for n in &self.notes {
            out.push_str(&format!("note: {n}\n"));
        }
        for l in &self.lost {
            out.push_str(&format!(
                "not imported: {} {}: {} ({})\n",
                l.file, l.at, l.what, l.why
            ));
        }
        out
    }
}

/// An imported inventory and what the import could not keep.
#[derive(Clone, Debug)]
pub struct Import {
    /// The inventory.
    pub inventory: Inventory,
    /// The import report.
    pub report: ImportReport,
}

/// Imports `files` of `kind` into one inventory, mapping hardware with `catalogue`: one
/// workload per observation, run or report.
pub fn import(
    kind: Kind,
    files: &[SourceFile],
    catalogue: &Catalogue,
) -> Result<Import, FileErrors> {
    import_per(kind, files, catalogue, Per::Observation)
}

/// [`import`], with the observations of an Impact Framework manifest summed into one
/// workload per leaf and UTC day when `per` is [`Per::Day`]; the other kinds have no series of
/// observations to sum, and are refused with `Per::Day`.
pub fn import_per(
    kind: Kind,
    files: &[SourceFile],
    catalogue: &Catalogue,
    per: Per,
) -> Result<Import, FileErrors> {
    let import = read(kind, files, catalogue, per)?;
    draft::check(&import.inventory, files)?;
    Ok(import)
}

/// An import read and checked, to be written with [`Checked::write`].
#[derive(Clone, Debug)]
pub struct Checked {
    /// The inventory, validated.
    pub inventory: Inventory,
    /// The import report.
    pub report: ImportReport,
}

/// [`import_per`] for a file to write: the files' texts are dropped once read, and the
/// inventory is validated in memory rather than written and read back, so that a large
/// manifest, its inventory, their text and the inventory read back are never held at once.
pub fn import_checked(
    kind: Kind,
    files: Vec<SourceFile>,
    catalogue: &Catalogue,
    per: Per,
) -> Result<Checked, FileErrors> {
    let Import { inventory, report } = read(kind, &files, catalogue, per)?;
    let names: Vec<String> = files.into_iter().map(|f| f.name).collect();
    let names: Vec<&str> = names.iter().map(String::as_str).collect();
    draft::validated(&inventory, &names)?;
    Ok(Checked { inventory, report })
}

impl Checked {
    /// Writes the inventory in `format` to `out` as it is serialized (see
    /// [`draft::write_to`]).
    pub fn write(&self, format: Format, out: &mut dyn std::io::Write) -> std::io::Result<()> {
        draft::write_to(&self.inventory, format, out)
    }
}

/// Reads `files` of `kind` into one inventory, unchecked.
fn read(
    kind: Kind,
    files: &[SourceFile],
    catalogue: &Catalogue,
    per: Per,
) -> Result<Import, FileErrors> {
    if per != Per::Observation && kind != Kind::ImpactFramework {
        let names: Vec<&str> = files.iter().map(|f| f.name.as_str()).collect();
        return Err(FileErrors {
            errors: vec![FileError::plain(
                &names.join(", "),
                format!(
                    "only Impact Framework observations are summed per day: {} files are imported one workload per run or report",
                    kind.id()
                ),
            )],
        });
    }
    let import = match kind {
        Kind::Codecarbon => codecarbon::import(files, catalogue)?,
        Kind::ImpactFramework => impact_framework::import(files, catalogue, per)?,
        Kind::Boamps => boamps::import(files, catalogue)?,
        Kind::ModelCard => model_card::import(files, catalogue)?,
    };
    Ok(import)
}

#[cfg(test)]
mod tests;
