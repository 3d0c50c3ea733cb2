//! Building an imported inventory: the items importers add, the reporting period from the
//! data, and the checks every imported inventory passes (it is written, read back and
//! validated exactly as `bilan validate` would).

use std::collections::BTreeMap;

use bilan_core::inventory::{
    Date, Fleet, Inventory, Ownership, Period, Phase, Provenance, Site, System, Workload,
};
use bilan_core::region::Region;
use bilan_io::{FileError, FileErrors, Format, SourceFile};

/// An inventory under construction.
#[derive(Clone, Debug)]
pub struct Draft {
    name: String,
    description: Option<String>,
    sites: Vec<Site>,
    fleets: Vec<Fleet>,
    workloads: Vec<Workload>,
}

impl Draft {
    /// An empty inventory for the system `name`.
    pub fn new(name: impl Into<String>, description: impl Into<String>) -> Draft {
        Draft {
            name: name.into(),
            description: Some(description.into()),
            sites: Vec::new(),
            fleets: Vec::new(),
            workloads: Vec::new(),
        }
    }

    /// The id of a site in `region` with this PUE and provider: an existing one when the
    /// same, else a new one (`site-1`, `site-2`…) carrying `provenance`.
    pub fn site(
        &mut self,
        region: Region,
        pue: Option<f64>,
        provider: Option<String>,
        ownership: Ownership,
        provenance: Option<Provenance>,
    ) -> String {
        let pue_q = pue.and_then(|p| bilan_units::Quantity::dimensionless(p).ok());
        if let Some(s) = self.sites.iter().find(|s| {
            s.region == region
                && s.pue.as_ref().map(|q| q.value()) == pue_q.as_ref().map(|q| q.value())
                && s.provider == provider
                && s.ownership == ownership
        }) {
            return s.id.clone();
        }
        let id = format!("site-{}", self.sites.len() + 1);
        self.sites.push(Site {
            id: id.clone(),
            region,
            pue: pue_q,
            wue: None,
            ownership,
            provider,
            electricity: BTreeMap::new(),
            grid_series: None,
            provenance,
        });
        id
    }

    /// Sites added so far, to set electricity factors on one.
    pub fn sites_mut(&mut self) -> &mut [Site] {
        &mut self.sites
    }

    /// Adds a fleet.
    pub fn fleet(&mut self, fleet: Fleet) {
        self.fleets.push(fleet);
    }

    /// Adds a workload.
    pub fn workload(&mut self, workload: Workload) {
        self.workloads.push(workload);
    }

    /// Workloads added so far.
    pub fn workloads(&self) -> &[Workload] {
        &self.workloads
    }

    /// The calendar years the workloads' periods span: 1 January of the first to 31
    /// December of the last; `None` when no workload is dated.
    pub fn span(&self) -> Option<Period> {
        let periods = self.workloads.iter().filter_map(|w| w.period);
        let first = periods.clone().map(|p| p.start).min()?;
        let last = periods.map(|p| p.end).max()?;
        year_span(first.year(), last.year())
    }

    /// The inventory, its reporting period [`Draft::span`] (`fallback` when no workload
    /// is dated).
    pub fn finish(self, fallback: Period) -> Inventory {
        let period = self.span().unwrap_or(fallback);
        self.finish_in(period)
    }

    /// The inventory, its reporting period [`Draft::span`]; `None` when no workload is
    /// dated, for importers whose data always dates the work (no year is made up).
    pub fn finish_dated(self) -> Option<Inventory> {
        let period = self.span()?;
        Some(self.finish_in(period))
    }

    /// The inventory, for the reporting period `period`.
    fn finish_in(self, period: Period) -> Inventory {
        Inventory {
            schema: 1,
            system: System {
                name: self.name,
                version: None,
                description: self.description,
                organisation: None,
                period,
            },
            functional_units: Vec::new(),
            grid_series: Vec::new(),
            telemetry: Vec::new(),
            sites: self.sites,
            fleets: self.fleets,
            workloads: self.workloads,
            buildings: Vec::new(),
            transports: Vec::new(),
            end_of_life: Vec::new(),
            services: Vec::new(),
            fuels: Vec::new(),
            refrigerants: Vec::new(),
            instruments: Vec::new(),
            residual_mixes: Vec::new(),
            offsets: Vec::new(),
        }
    }
}

/// `text` as an id: lowercase ASCII letters and digits, other characters as single dashes,
/// at most `max` characters; `fallback` when nothing is left.
pub fn slug(text: &str, fallback: &str, max: usize) -> String {
    let mapped: String = text
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '-'
            }
        })
        .collect();
    let joined = mapped
        .split('-')
        .filter(|p| !p.is_empty())
        .collect::<Vec<_>>()
        .join("-");
    if joined.is_empty() {
        fallback.to_owned()
    } else {
        joined
            .chars()
            .take(max)
            .collect::<String>()
            .trim_end_matches('-')
            .to_owned()
    }
}

/// A workload with only its id, phase and site.
pub fn workload(
    id: impl Into<std::sync::Arc<str>>,
    phase: Phase,
    site: impl Into<String>,
) -> Workload {
    Workload::new(id, phase, site)
}

/// 1 January of `first` to 31 December of `last`.
pub fn year_span(first: i32, last: i32) -> Option<Period> {
    Some(Period {
        start: Date::new(i16::try_from(first).ok()?, 1, 1)?,
        end: Date::new(i16::try_from(last).ok()?, 12, 31)?,
    })
}

/// The inventory as a file in `format`: TOML as people write it; JSON with one item per
/// line ([`Lines`]).
pub fn write(inventory: &Inventory, format: Format) -> Result<String, String> {
    let mut out = Vec::new();
    write_to(inventory, format, &mut out).map_err(|e| e.to_string())?;
    String::from_utf8(out).map_err(|e| e.to_string())
}

/// Writes `inventory` in `format` to `out`: JSON as it is serialized, one item per line
/// ([`Lines`]), never held whole as text (the format of large imports); TOML, which `toml`
/// writes as a string, as one string.
pub fn write_to(
    inventory: &Inventory,
    format: Format,
    out: &mut dyn std::io::Write,
) -> std::io::Result<()> {
    use std::io::Write as _;
    let mut out = std::io::BufWriter::with_capacity(1 << 16, out);
    match format {
        Format::Toml => {
            let text = toml_text(inventory).map_err(std::io::Error::other)?;
            out.write_all(text.as_bytes())?;
        }
        Format::Json => {
            let mut ser = serde_json::Serializer::with_formatter(&mut out, Lines::default());
            serde::Serialize::serialize(inventory, &mut ser)?;
            out.write_all(b"\n")?;
        }
    }
    out.flush()
}

/// JSON as machines write it: each top-level key, and each item of a top-level list (a
/// site, a fleet, a workload), on a line of its own, compact within. A large import is
/// then a third smaller than indented JSON, and bilan's JSON reader splits it across cores
/// at line starts.
#[derive(Default)]
struct Lines {
    depth: usize,
}

impl Lines {
    /// Opens an object or a list one level deeper.
    fn open<W: ?Sized + std::io::Write>(
        &mut self,
        w: &mut W,
        bracket: &[u8],
    ) -> std::io::Result<()> {
        self.depth += 1;
        w.write_all(bracket)
    }

    /// Closes an object or a list, on a line of its own when it held lines (`lines_at`).
    fn close<W: ?Sized + std::io::Write>(
        &mut self,
        w: &mut W,
        lines_at: usize,
        line: &[u8],
        bracket: &[u8],
    ) -> std::io::Result<()> {
        self.depth -= 1;
        if self.depth == lines_at {
            w.write_all(line)?;
        }
        w.write_all(bracket)
    }

    /// Separates an entry from the one before, starting a line at depth `lines_at`.
    fn entry<W: ?Sized + std::io::Write>(
        &self,
        w: &mut W,
        first: bool,
        lines_at: usize,
        line: &[u8],
    ) -> std::io::Result<()> {
        if !first {
            w.write_all(b",")?;
        }
        if self.depth == lines_at {
            w.write_all(line)?;
        }
        Ok(())
    }
}

impl serde_json::ser::Formatter for Lines {
    fn begin_object<W: ?Sized + std::io::Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        self.open(w, b"{")
    }

    fn end_object<W: ?Sized + std::io::Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        self.close(w, 0, b"\n", b"}")
    }

    fn begin_object_key<W: ?Sized + std::io::Write>(
        &mut self,
        w: &mut W,
        first: bool,
    ) -> std::io::Result<()> {
        self.entry(w, first, 1, b"\n  ")
    }

    fn begin_array<W: ?Sized + std::io::Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        self.open(w, b"[")
    }

    fn end_array<W: ?Sized + std::io::Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        self.close(w, 1, b"\n  ", b"]")
    }

    fn begin_array_value<W: ?Sized + std::io::Write>(
        &mut self,
        w: &mut W,
        first: bool,
    ) -> std::io::Result<()> {
        self.entry(w, first, 2, b"\n    ")
    }
}

/// The inventory in TOML: every item but the workloads in one document, then each
/// `[[workload]]` written on its own. The `toml` serializer copies what it has written for
/// each table of an array, so one document of 300,000 workloads takes time that grows with
/// its square (minutes); written one by one, it grows with their number.
fn toml_text(inventory: &Inventory) -> Result<String, String> {
    #[derive(serde::Serialize)]
    struct One<'a> {
        workload: [&'a Workload; 1],
    }
    let rest = Inventory {
        schema: inventory.schema,
        system: inventory.system.clone(),
        functional_units: inventory.functional_units.clone(),
        sites: inventory.sites.clone(),
        grid_series: inventory.grid_series.clone(),
        telemetry: inventory.telemetry.clone(),
        fleets: inventory.fleets.clone(),
        workloads: Vec::new(),
        buildings: inventory.buildings.clone(),
        transports: inventory.transports.clone(),
        end_of_life: inventory.end_of_life.clone(),
        services: inventory.services.clone(),
        fuels: inventory.fuels.clone(),
        refrigerants: inventory.refrigerants.clone(),
        instruments: inventory.instruments.clone(),
        residual_mixes: inventory.residual_mixes.clone(),
        offsets: inventory.offsets.clone(),
    };
    let mut text = toml::to_string(&rest).map_err(|e| e.to_string())?;
    for w in &inventory.workloads {
        if !text.is_empty() && !text.ends_with("\n\n") {
            text.push('\n');
        }
        text.push_str(&toml::to_string(&One { workload: [w] }).map_err(|e| e.to_string())?);
    }
    Ok(text)
}

/// Writes the inventory as TOML, reads it back and validates it as `bilan validate` would:
/// an import that fails here is a defect of the importer, reported against the files read.
pub fn check(inventory: &Inventory, files: &[SourceFile]) -> Result<(), FileErrors> {
    let names: Vec<&str> = files.iter().map(|f| f.name.as_str()).collect();
    let text = written(inventory, &names, Format::Toml)?;
    read_back(text, &names, Format::Toml).map(drop)
}

/// The inventory in `format`, or an error against the files read (`names`).
pub fn written(
    inventory: &Inventory,
    names: &[&str],
    format: Format,
) -> Result<String, FileErrors> {
    write(inventory, format).map_err(|e| {
        FileErrors::from(FileError::plain(
            &names.join(", "),
            format!("cannot write the imported inventory: {e}"),
        ))
    })
}

/// `inventory`, imported from `names`, validated in memory by the checks `bilan validate`
/// runs once a file is parsed: what fails is a defect of the importer, reported against the
/// files read. (That the written text parses back to the same inventory is the serializer's
/// part, held by the tests of every importer.)
pub fn validated(inventory: &Inventory, names: &[&str]) -> Result<(), FileErrors> {
    let problems = inventory.validate();
    if problems.is_empty() {
        return Ok(());
    }
    let origin = names.join(", ");
    Err(FileErrors {
        errors: problems
            .into_iter()
            .map(|p| {
                FileError::plain(
                    &origin,
                    format!(
                        "the imported inventory fails its check at `{}`: {} (a defect of the importer: please report it)",
                        p.path, p.message
                    ),
                )
            })
            .collect(),
    })
}

/// `text`, an imported inventory written in `format`, once read back and validated as
/// `bilan validate` would read the file written: an import that fails here is a defect of
/// the importer, reported against the files read (`names`).
pub fn read_back(text: String, names: &[&str], format: Format) -> Result<String, FileErrors> {
    let name = format!("<inventory imported from {}>", names.join(", "));
    let file = SourceFile {
        name: match format {
            Format::Toml => name,
            // The extension tells the reader the format.
            Format::Json => format!("{name}.json"),
        },
        text,
    };
    bilan_io::load_inventory(&file)?;
    Ok(file.text)
}
