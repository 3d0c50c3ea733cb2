//! `bilan import`'s arguments.

use std::path::PathBuf;

use clap::{Args, ValueEnum};

#[derive(Debug, Args)]
#[command(
    after_help = "Example: bilan import codecarbon emissions.csv -o runs.toml && bilan compare runs.toml"
)]
pub(crate) struct ImportCommand {
    /// What the files are
    #[arg(value_enum)]
    pub(crate) kind: ImportKind,
    /// The files (all of one kind; their items go into one inventory)
    #[arg(required = true, value_name = "FILE")]
    pub(crate) files: Vec<PathBuf>,
    /// Write the inventory to FILE (TOML, or JSON with a .json extension) instead of
    /// standard output; never one of the files read
    #[arg(long, short = 'o', value_name = "FILE")]
    pub(crate) output: Option<PathBuf>,
    /// Hardware catalogue file layered on top of the embedded one, to recognise devices
    #[arg(long = "hardware", value_name = "FILE")]
    pub(crate) hardware: Vec<PathBuf>,
    /// One workload per observation, or per node and UTC day with the observations' energy,
    /// time and functional units summed (impact-framework only; observations that differ in
    /// anything else stay apart)
    #[arg(long, value_enum, default_value_t = ImportPer::Observation)]
    pub(crate) per: ImportPer,
}

/// How many observations an imported workload holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub(crate) enum ImportPer {
    /// One workload per observation
    Observation,
    /// One workload per node and UTC day
    Day,
}

impl ImportPer {
    pub(crate) fn per(self) -> bilan_interop::Per {
        match self {
            ImportPer::Observation => bilan_interop::Per::Observation,
            ImportPer::Day => bilan_interop::Per::Day,
        }
    }
}

/// What `bilan import` reads.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub(crate) enum ImportKind {
    /// CodeCarbon's emissions.csv (3.x and 2.x layouts)
    Codecarbon,
    /// An Impact Framework manifest (YAML), computed or not
    ImpactFramework,
    /// A BoAmps report (JSON)
    Boamps,
    /// A Hugging Face model card (README.md with co2_eq_emissions in its front matter)
    ModelCard,
}

impl ImportKind {
    pub(crate) fn kind(self) -> bilan_interop::Kind {
        match self {
            ImportKind::Codecarbon => bilan_interop::Kind::Codecarbon,
            ImportKind::ImpactFramework => bilan_interop::Kind::ImpactFramework,
            ImportKind::Boamps => bilan_interop::Kind::Boamps,
            ImportKind::ModelCard => bilan_interop::Kind::ModelCard,
        }
    }
}
