//! Command-line arguments.

use std::path::PathBuf;

use bilan_report::lang::Lang;
use clap::{Args, Parser, Subcommand, ValueEnum};

use crate::catalogue::sources::Sources;

mod import;

pub(crate) use import::ImportCommand;

/// The environmental footprint of AI systems under several accounting methodologies, side by
/// side, with every number traceable.
#[derive(Debug, Parser)]
#[command(name = "bilan", version = version_text(), about, long_about = None, max_term_width = 100)]
pub(crate) struct Cli {
    #[command(subcommand)]
    pub(crate) command: Command,
    /// More log output on stderr (-v info, -vv debug); RUST_LOG overrides.
    #[arg(short, long, action = clap::ArgAction::Count, global = true, conflicts_with = "quiet")]
    pub(crate) verbose: u8,
    /// Nothing on stderr but errors: no warnings, notes, logs or progress
    #[arg(short, long, global = true)]
    pub(crate) quiet: bool,
    /// How errors are written on stderr: `human` (located, with the file's line) or `json`
    /// (one object a line: kind, file, line, key-path, message), for programs
    #[arg(long, global = true, value_enum, default_value_t = ErrorFormat::Human)]
    pub(crate) error_format: ErrorFormat,
    /// Print the time, items per second and peak memory of each phase on stderr
    #[arg(long, global = true)]
    pub(crate) timings: bool,
    /// Show every problem of a file with many (by default the first 50, then how many more)
    #[arg(long, global = true)]
    pub(crate) all_errors: bool,
    /// Ignore the configuration file ($XDG_CONFIG_HOME/bilan/config.toml) and the BILAN_*
    /// environment variables, for reproducible runs (CI)
    #[arg(long, global = true)]
    pub(crate) no_config: bool,
}

/// What `bilan --version` prints after `bilan`: its version, then those of the embedded
/// factor database and of the inventory schema it reads, the three things a report's
/// figures depend on besides the inputs.
pub(crate) fn version_text() -> &'static str {
    static TEXT: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    TEXT.get_or_init(|| {
        format!(
            "{}\nfactor database {}\ninventory schema {}",
            env!("CARGO_PKG_VERSION"),
            bilan_factors::DB_VERSION,
            bilan_core::INVENTORY_SCHEMA
        )
    })
}

#[derive(Debug, Subcommand)]
pub(crate) enum Command {
    /// Assess an inventory with one or more methodologies, each on its own
    Assess(AssessCommand),
    /// Compare methodologies side by side on one inventory, with the divergence explained by
    /// driver; given several inventories, compare the systems under each method (a league
    /// table)
    Compare(CompareCommand),
    /// Explain how one figure was computed: contributions, formulas, inputs, factors, sources
    Explain(ExplainCommand),
    /// List the available methodologies with their versions, indicators and parameters
    Methods(ListArgs),
    /// List impact factors of the embedded database (and of --factors files), with sources
    Factors(FactorsCommand),
    /// List the hardware catalogue (and --hardware files): power, memory, peak throughput,
    /// sources
    Hardware(HardwareCommand),
    /// Write an inventory from other tools' files: CodeCarbon's emissions.csv, Impact
    /// Framework manifests, BoAmps reports, Hugging Face model cards
    Import(ImportCommand),
    /// Check figures against an expectations file, for CI: exit 3 with the figures that
    /// drifted (--update rewrites the file from the current run)
    Check(CheckCommand),
    /// What changed between two versions of an inventory (or two JSON reports), per method
    /// and figure, explained by item and by driver
    Diff(DiffCommand),
    /// Check an inventory: syntax, unknown keys, units, references
    Validate {
        /// The inventory (TOML, or JSON with a .json extension)
        inventory: PathBuf,
        /// Factor file layered on top of the embedded database (repeatable), so that hardware
        /// models it defines are known
        #[arg(long = "factors", value_name = "FILE")]
        factors: Vec<PathBuf>,
        /// Hardware catalogue file layered on top of the embedded catalogue (repeatable), for
        /// the estimators and the power model
        #[arg(long = "hardware", value_name = "FILE")]
        hardware: Vec<PathBuf>,
    },
    /// Methodology plugins (compiled libraries loaded with --plugin)
    #[command(subcommand)]
    Plugins(PluginsCommand),
    /// Run a command and add the energy it drew (GPUs through NVML, CPU and DRAM through
    /// RAPL) to an inventory as a measured workload; exits with the command's exit code
    Measure(MeasureCommand),
    /// Print a shell completion script on stdout (bash, zsh, fish, powershell, elvish); bash,
    /// zsh and fish also offer the ids of the available methods and the fixed figure paths,
    /// e.g. `bilan completions bash > ~/.local/share/bash-completion/completions/bilan`
    Completions {
        /// The shell
        shell: clap_complete::Shell,
    },
}

#[derive(Debug, Subcommand)]
pub(crate) enum PluginsCommand {
    /// Print a plugin library's ABI version, API version, methods and SHA-256 without running
    /// any method (loading it still runs its initialisers and its manifest function)
    Inspect {
        /// The library (.so, .dylib or .dll)
        path: PathBuf,
        /// Output format (table or json)
        #[arg(long, short = 'f', value_enum, default_value_t = Format::Table)]
        format: Format,
    },
}

/// How errors are written on stderr.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub(crate) enum ErrorFormat {
    /// For people: each problem located, with the line of the file.
    Human,
    /// For programs: one JSON object a line.
    Json,
}

/// Output formats.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub(crate) enum Format {
    /// Tables for a terminal
    Table,
    /// JSON with the full audit trail
    Json,
    /// CSV, one figure a row, full precision (compare)
    Csv,
    /// Markdown
    Md,
    /// One self-contained HTML file with charts and the browsable audit trail (compare)
    Html,
    /// The co2_eq_emissions block of a Hugging Face model card, with a paragraph citing the
    /// method (assess, one method)
    #[value(name = "model-card")]
    ModelCard,
    /// A BoAmps report, Boavizta's JSON format for the energy of AI tasks (assess, one
    /// method)
    Boamps,
    /// An Impact Framework manifest whose outputs carry bilan's figures (assess, one method)
    #[value(name = "if-manifest")]
    IfManifest,
    /// The disclosure a vendor publishes, as JSON (assess, one method; see docs/disclosure.md)
    Disclosure,
    /// The disclosure as Markdown (assess, one method)
    #[value(name = "disclosure-md")]
    DisclosureMd,
    /// The disclosure as a one-page HTML document (assess, one method)
    #[value(name = "disclosure-html")]
    DisclosureHtml,
}

impl Format {
    /// Whether this is an export to another tool's format (written by `bilan assess` for one
    /// method).
    pub(crate) fn is_export(self) -> bool {
        matches!(
            self,
            Format::ModelCard
                | Format::Boamps
                | Format::IfManifest
                | Format::Disclosure
                | Format::DisclosureMd
                | Format::DisclosureHtml
        )
    }

    /// Refuses an export format in a command that does not write it.
    pub(crate) fn not_export(self, command: &str) -> Result<(), crate::errors::Failure> {
        if self.is_export() {
            return Err(crate::errors::Failure::Usage(anyhow::anyhow!(
                "`bilan {command}` does not write {}: it holds one method's figures, written by `bilan assess INVENTORY -m METHOD -f {}`",
                self.id(),
                self.id()
            )));
        }
        Ok(())
    }

    /// Refuses every format but `table` and `json`, for the listing commands (`factors`,
    /// `hardware`, `methods`), which printed their table for `-f csv` too.
    pub(crate) fn table_or_json(self, command: &str) -> Result<(), crate::errors::Failure> {
        self.not_export(command)?;
        if !matches!(self, Format::Table | Format::Json) {
            return Err(crate::errors::Failure::Usage(anyhow::anyhow!(
                "`bilan {command}` writes table or json, not {}",
                self.id()
            )));
        }
        Ok(())
    }

    /// The name as written on the command line.
    pub(crate) fn id(self) -> &'static str {
        match self {
            Format::Table => "table",
            Format::Json => "json",
            Format::Csv => "csv",
            Format::Md => "md",
            Format::Html => "html",
            Format::ModelCard => "model-card",
            Format::Boamps => "boamps",
            Format::IfManifest => "if-manifest",
            Format::Disclosure => "disclosure",
            Format::DisclosureMd => "disclosure-md",
            Format::DisclosureHtml => "disclosure-html",
        }
    }
}

/// The flags shared by every command that assesses.
#[derive(Debug, Args)]
pub(crate) struct Common {
    #[command(flatten)]
    pub(crate) sources: Sources,
    /// Settings applied from the configuration file or the environment, for the stamp.
    #[arg(skip)]
    pub(crate) settings: Vec<bilan_report::assess::SettingStamp>,
    /// The configuration file read for this run (`$XDG_CONFIG_HOME/bilan/config.toml`…), if
    /// any: an input like the others, which no output may overwrite.
    #[arg(skip)]
    pub(crate) config_file: Option<std::path::PathBuf>,
    /// Methodology to apply (repeatable); default: the configuration's `methods`
    /// (BILAN_METHODS), else every available methodology
    #[arg(long = "method", short = 'm', value_name = "ID")]
    pub(crate) methods: Vec<String>,
    /// Factor file layered on top of the embedded database (repeatable; later files win),
    /// after the configuration's `factors` (BILAN_FACTORS)
    #[arg(long = "factors", value_name = "FILE")]
    pub(crate) factors: Vec<PathBuf>,
    /// Hardware catalogue file layered on top of the embedded catalogue (repeatable; later
    /// files win), for estimators and the power model
    #[arg(long = "hardware", value_name = "FILE")]
    pub(crate) hardware: Vec<PathBuf>,
    /// Power of a device whose workload gives none: `curve` (idle plus the utilisation's
    /// share of the dynamic range; maximum power without a utilisation) or `max` (maximum
    /// power always, the conservative bound)
    #[arg(long = "power-model", value_enum, value_name = "MODEL", default_value_t = PowerModelArg::Curve)]
    pub(crate) power_model: PowerModelArg,
    /// Methodology parameter, KEY=VALUE for every method that has KEY, or METHOD:KEY=VALUE
    #[arg(long = "param", short = 'p', value_name = "KEY=VALUE")]
    pub(crate) params: Vec<String>,
    /// Output format
    #[arg(long, short = 'f', value_enum, default_value_t = Format::Table)]
    pub(crate) format: Format,
    /// Write the report to FILE instead of standard output
    #[arg(long, short = 'o', value_name = "FILE")]
    pub(crate) output: Option<PathBuf>,
    /// How much of the audit trail `compare` and `assess` write in JSON (and `compare` in
    /// HTML): `full`, every contribution with its formula and terms; `summary`, contributions
    /// without their terms, with the factors, exclusions and assumptions; `none`, the figures
    /// only (totals, breakdowns, per-unit results, data quality, divergences, warnings, the
    /// stamp). Tables, Markdown and CSV carry no per-term trail either way
    #[arg(long, value_enum, value_name = "HOW", default_value_t = TrailArg::Full)]
    pub(crate) trail: TrailArg,
    /// How metered telemetry (`[[telemetry]]`) is summed: `rows`, row by row in the file's
    /// order, every problem named with its row; `datafusion`, by a DataFusion plan on every
    /// core of this machine; `ballista`, by the same plan on the Ballista cluster `--ballista`
    /// names. The plan's sums are exact, so every engine gives the same figures (the rows'
    /// within 1e-12). A compiled plugin cannot run inside the plan: on `datafusion` and
    /// `ballista` it is reported as not applicable. Those two need bilan built with the
    /// `scale` feature (docs/scale.md)
    #[arg(long, value_enum, value_name = "ENGINE", default_value_t = EngineArg::Rows)]
    pub(crate) engine: EngineArg,
    /// The Ballista scheduler `--engine ballista` runs the plan on, `df://HOST:PORT`; its
    /// executors must read the telemetry files at the same absolute paths
    #[arg(long, value_name = "URL")]
    pub(crate) ballista: Option<String>,
    #[command(flatten)]
    pub(crate) uncertainty: UncertaintyArgs,
}

/// `--engine`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub(crate) enum EngineArg {
    /// Row by row, in the file's order
    Rows,
    /// A DataFusion plan on this machine
    Datafusion,
    /// The same plan on a Ballista cluster (`--ballista`)
    Ballista,
}

/// `--trail`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub(crate) enum TrailArg {
    /// The figures only, no contribution, factor, exclusion or assumption
    None,
    /// Contributions without their formula and terms; factors, exclusions, assumptions
    Summary,
    /// Everything: every contribution with its formula and terms
    Full,
}

impl TrailArg {
    pub(crate) fn trail(self) -> bilan_report::trail::Trail {
        match self {
            TrailArg::None => bilan_report::trail::Trail::None,
            TrailArg::Summary => bilan_report::trail::Trail::Summary,
            TrailArg::Full => bilan_report::trail::Trail::Full,
        }
    }
}

/// `--power-model`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub(crate) enum PowerModelArg {
    /// Idle plus a dynamic part linear in the utilisation
    Curve,
    /// Maximum power: the conservative upper bound
    Max,
}

impl PowerModelArg {
    pub(crate) fn model(self) -> bilan_hardware::power::PowerModel {
        match self {
            PowerModelArg::Curve => bilan_hardware::power::PowerModel::Curve,
            PowerModelArg::Max => bilan_hardware::power::PowerModel::Max,
        }
    }
}

/// How uncertain inputs are propagated.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub(crate) enum UncertaintyMode {
    /// First-order propagation: a lognormal approximation of each figure (fast, any size)
    Analytic,
    /// Seeded Monte Carlo with common random numbers across methods (--iterations, --seed)
    Mc,
}

/// `--uncertainty` and its settings.
#[derive(Debug, Args)]
pub(crate) struct UncertaintyArgs {
    /// Propagate the uncertainty of inputs (written as "700 W ± 10 %", { min, mode, max },
    /// { median, gsd }, { value, pedigree }…) to every figure: intervals, differences between
    /// methods, drivers and sensitivity. Without it, reports show point values only
    #[arg(long = "uncertainty", value_enum, value_name = "HOW")]
    pub(crate) mode: Option<UncertaintyMode>,
    /// Monte Carlo iterations
    #[arg(long, value_name = "N", default_value_t = 10_000, value_parser = clap::value_parser!(u64).range(1..=10_000_000))]
    pub(crate) iterations: u64,
    /// Monte Carlo seed: the same seed gives the same report, byte for byte, on any number of
    /// threads
    #[arg(long, value_name = "S", default_value_t = 1)]
    pub(crate) seed: u64,
}

#[derive(Debug, Args)]
pub(crate) struct AssessCommand {
    /// The inventory (TOML, or JSON with a .json extension)
    pub(crate) inventory: PathBuf,
    #[command(flatten)]
    pub(crate) common: Common,
}

#[derive(Debug, Args)]
pub(crate) struct CompareCommand {
    /// The inventories (TOML, or JSON with a .json extension): one compares the methods on
    /// it; several compare the systems side by side under each method
    #[arg(required = true, value_name = "INVENTORY")]
    pub(crate) inventories: Vec<PathBuf>,
    /// The method every other one is compared with in the table (default: the first); md,
    /// html, csv and json keep the divergence of every pair
    #[arg(long, value_name = "ID")]
    pub(crate) baseline: Option<String>,
    /// The language of the labels of the table, md and html reports (default: `lang` of the
    /// configuration, else en; never the process locale). JSON and CSV keys stay English
    #[arg(long, value_name = "LANG")]
    pub(crate) lang: Option<LangArg>,
    #[command(flatten)]
    pub(crate) common: Common,
}

/// A report language as `--lang` takes it: one of [`Lang::ALL`], by its code.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct LangArg(pub(crate) Lang);

impl ValueEnum for LangArg {
    fn value_variants<'a>() -> &'a [Self] {
        const ALL: [LangArg; Lang::ALL.len()] = {
            let mut all = [LangArg(Lang::En); Lang::ALL.len()];
            let mut n = 0;
            while n < all.len() {
                all[n] = LangArg(Lang::ALL[n]);
                n += 1;
            }
            all
        };
        &ALL
    }

    fn to_possible_value(&self) -> Option<clap::builder::PossibleValue> {
        Some(clap::builder::PossibleValue::new(self.0.id()))
    }
}

#[derive(Debug, Args)]
pub(crate) struct CheckCommand {
    /// The expectations file (TOML): figure paths per method and system, each with a value
    /// and a tolerance
    pub(crate) expectations: PathBuf,
    /// The inventories checked (each a system of the expectations file)
    #[arg(required = true, value_name = "INVENTORY")]
    pub(crate) inventories: Vec<PathBuf>,
    /// Rewrite the expectations file from the current run (atomically) and print what changed
    #[arg(long)]
    pub(crate) update: bool,
    #[command(flatten)]
    pub(crate) common: Common,
}

#[derive(Debug, Args)]
pub(crate) struct DiffCommand {
    /// The old version: an inventory, or a JSON report of `bilan compare` / `bilan assess`
    pub(crate) old: PathBuf,
    /// The new version, of the same kind as OLD
    pub(crate) new: PathBuf,
    /// Factor files for OLD only (an inventory; repeatable), when the factors changed
    #[arg(long = "old-factors", value_name = "FILE")]
    pub(crate) old_factors: Vec<PathBuf>,
    /// Methodology parameter for OLD only (KEY=VALUE or METHOD:KEY=VALUE; repeatable); `-p`
    /// applies to NEW only
    #[arg(long = "old-param", value_name = "KEY=VALUE")]
    pub(crate) old_params: Vec<String>,
    #[command(flatten)]
    pub(crate) common: Common,
}

#[derive(Debug, Args)]
pub(crate) struct ExplainCommand {
    /// The inventory (TOML, or JSON with a .json extension)
    pub(crate) inventory: PathBuf,
    /// The figure, e.g. gwp.total, gwp.stage.use, water.phase.inference, gwp.item.ID,
    /// gwp.category.scope-2-location, gwp.unit.request (see docs/figures.md)
    #[arg(long, value_name = "PATH")]
    pub(crate) figure: String,
    /// List the telemetry rows behind each metered workload of the figure, read again from
    /// its file, with each row's share of the figure (docs/telemetry.md)
    #[arg(long)]
    pub(crate) rows: bool,
    #[command(flatten)]
    pub(crate) common: Common,
}

#[derive(Debug, Args)]
pub(crate) struct ListArgs {
    #[command(flatten)]
    pub(crate) sources: Sources,
    /// Output format
    #[arg(long, short = 'f', value_enum, default_value_t = Format::Table)]
    pub(crate) format: Format,
}

#[derive(Debug, Args)]
pub(crate) struct HardwareCommand {
    /// Show this device's every figure and source
    pub(crate) id: Option<String>,
    /// Hardware catalogue file layered on top of the embedded catalogue (repeatable)
    #[arg(long = "hardware", value_name = "FILE")]
    pub(crate) hardware: Vec<PathBuf>,
    /// Output format (table or json)
    #[arg(long, short = 'f', value_enum, default_value_t = Format::Table)]
    pub(crate) format: Format,
}

#[derive(Debug, Args)]
pub(crate) struct FactorsCommand {
    /// Only factors of this region (exact code: FR, US-VA, WORLD)
    #[arg(long)]
    pub(crate) region: Option<String>,
    /// Only factors whose subject starts with this (e.g. `hardware/`, `electricity/grid`)
    #[arg(long)]
    pub(crate) subject: Option<String>,
    /// Factor file layered on top of the embedded database (repeatable)
    #[arg(long = "factors", value_name = "FILE")]
    pub(crate) factors: Vec<PathBuf>,
    /// Output format
    #[arg(long, short = 'f', value_enum, default_value_t = Format::Table)]
    pub(crate) format: Format,
}

/// `bilan measure`; see docs/measure.md.
#[derive(Debug, Args)]
#[command(
    after_help = "Example: bilan measure --inventory runs.toml --region FR -- python train.py"
)]
pub(crate) struct MeasureCommand {
    /// The inventory the measured workload is added to (TOML, or JSON with a .json
    /// extension); created if it does not exist. Its comments and layout are kept
    #[arg(long, value_name = "FILE")]
    pub(crate) inventory: PathBuf,
    /// The workload's id [default: measure-YYYYMMDD-HHMMSS, the start in UTC]
    #[arg(long, value_name = "ID")]
    pub(crate) workload: Option<String>,
    /// The phase of the model's life the workload belongs to
    #[arg(long, value_name = "PHASE", default_value = "development",
          value_parser = ["training", "fine-tuning", "development", "inference"])]
    pub(crate) phase: String,
    /// The site the command runs on [default: the inventory's only site, or `local` for a
    /// site created with --region]
    #[arg(long, value_name = "ID")]
    pub(crate) site: Option<String>,
    /// The region of the site to create (FR, US-VA…), for a new inventory or a --site the
    /// inventory does not have yet
    #[arg(long, value_name = "CODE")]
    pub(crate) region: Option<String>,
    /// Who controls the site to create
    #[arg(long, value_name = "WHO", default_value = "owned",
          value_parser = ["owned", "colocation", "cloud"])]
    pub(crate) ownership: String,
    /// The inventory's fleet the GPUs belong to
    #[arg(long, value_name = "ID")]
    pub(crate) fleet: Option<String>,
    /// Seconds between two samples (energy comes from cumulative counters whatever the
    /// interval; sampling gives the peak power and when a GPU stopped answering)
    #[arg(long, value_name = "SECONDS", default_value_t = 1.0)]
    pub(crate) interval: f64,
    /// Measure the CPU package and DRAM alone (RAPL), no GPU
    #[arg(long)]
    pub(crate) cpu_only: bool,
    /// Only these GPUs, by index as nvidia-smi numbers them (e.g. 0,1) [default: all]
    #[arg(long, value_name = "INDICES", value_delimiter = ',')]
    pub(crate) gpus: Vec<u32>,
    /// Test only: read the GPUs from this simulation script instead of NVML
    #[arg(long, value_name = "SCRIPT", hide = true)]
    pub(crate) simulate: Option<PathBuf>,
    /// Test only: the powercap directory RAPL zones are read from
    #[arg(
        long,
        value_name = "DIR",
        hide = true,
        default_value = "/sys/class/powercap"
    )]
    pub(crate) powercap: PathBuf,
    /// Test only: seconds a command is given to stop after Ctrl-C before SIGTERM
    #[arg(long, value_name = "SECONDS", hide = true, default_value_t = 5.0)]
    pub(crate) grace: f64,
    /// The command to measure and its arguments, after `--`
    #[arg(last = true, required = true, value_name = "COMMAND")]
    pub(crate) command: Vec<std::ffi::OsString>,
}
