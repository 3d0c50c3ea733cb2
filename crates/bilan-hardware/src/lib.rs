//! The hardware catalogue embedded in bilan, user catalogue files layered on top, and the
//! power model.
//!
//! The catalogue gives each accelerator's maximum power, idle power, memory and dense peak
//! throughput per precision, each with its source. Its ids are the factor database's
//! hardware ids (`hardware/<id>` subjects), so one id names a device's embodied impacts and
//! its specifications. The embedded entries are in `data/catalogue.toml`; user files use
//! the same format (reference: `docs/hardware.md`) and win over embedded entries of the same
//! id.
//!
//! [`power`] turns a utilisation into a power draw, for workloads that give no
//! `power-per-device`.

use std::fmt;
use std::path::Path;
use std::sync::LazyLock;

use bilan_io::{FileError, FileErrors, SourceFile};
use bilan_units::{Dimension, Quantity, UncertainQuantity, Unit};
use serde::{Deserialize, Serialize};

pub mod power;

/// Version of the embedded catalogue: year and month of the compilation, then a serial.
pub const CATALOGUE_VERSION: &str = "2026.12.1";

/// The embedded catalogue file, with the name shown in errors and reproducibility stamps.
pub const EMBEDDED_FILE: (&str, &str) = ("catalogue.toml", include_str!("../data/catalogue.toml"));

/// A numeric precision of peak throughput.
#[derive(
    Clone,
    Copy,
    Debug,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Hash,
    Serialize,
    Deserialize,
    schemars::JsonSchema,
)]
#[serde(rename_all = "kebab-case")]
pub enum Precision {
    /// IEEE single precision (non-tensor, or matrix FP32 where the vendor gives only that).
    Fp32,
    /// NVIDIA TensorFloat-32 (AMD: "TF32" matrix).
    Tf32,
    /// bfloat16 or FP16 on tensor/matrix cores (the two have the same peak on every device
    /// listed).
    #[serde(alias = "fp16")]
    Bf16,
    /// 8-bit floating point (E4M3/E5M2) on tensor/matrix cores.
    Fp8,
}

impl Precision {
    /// Every precision, in catalogue order.
    pub const ALL: [Precision; 4] = [
        Precision::Fp32,
        Precision::Tf32,
        Precision::Bf16,
        Precision::Fp8,
    ];

    /// Identifier as written in files.
    pub fn id(self) -> &'static str {
        match self {
            Precision::Fp32 => "fp32",
            Precision::Tf32 => "tf32",
            Precision::Bf16 => "bf16",
            Precision::Fp8 => "fp8",
        }
    }
}

impl fmt::Display for Precision {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.id())
    }
}

/// Dense peak throughput per precision (no structured sparsity), in FLOP/s.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "kebab-case")]
#[schemars(deny_unknown_fields)]
pub struct Peak {
    /// FP32, e.g. `"67 TFLOP/s"`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fp32: Option<Quantity>,
    /// TF32.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tf32: Option<Quantity>,
    /// BF16 / FP16.
    #[serde(default, alias = "fp16", skip_serializing_if = "Option::is_none")]
    pub bf16: Option<Quantity>,
    /// FP8.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fp8: Option<Quantity>,
}

impl Peak {
    /// The peak at `precision`, if the device supports it.
    pub fn at(&self, precision: Precision) -> Option<&Quantity> {
        match precision {
            Precision::Fp32 => self.fp32.as_ref(),
            Precision::Tf32 => self.tf32.as_ref(),
            Precision::Bf16 => self.bf16.as_ref(),
            Precision::Fp8 => self.fp8.as_ref(),
        }
    }

    /// The peak at `precision` in FLOP/s.
    pub fn flop_per_second(&self, precision: Precision) -> Option<f64> {
        self.at(precision)
            .and_then(|q| q.to(flop_per_second()).ok())
    }
}

/// Where a figure comes from.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "kebab-case")]
#[schemars(deny_unknown_fields)]
pub struct Source {
    /// Which figures it gives, e.g. `"max-power, memory, peak"` or `"idle-power"`.
    pub covers: String,
    /// The citation.
    pub citation: String,
    /// Where to read it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
}

/// One accelerator model.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "kebab-case")]
#[schemars(deny_unknown_fields)]
pub struct Device {
    /// Id, the factor database's hardware id, e.g. `nvidia-h100-sxm-80gb`.
    pub id: String,
    /// Name, e.g. `"NVIDIA H100 SXM5 80 GB"`.
    pub name: String,
    /// The names the vendor's driver reports for it (NVML's device name), to recognise it
    /// when measuring, e.g. `"NVIDIA H100 80GB HBM3"`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub driver_names: Vec<String>,
    /// Maximum board power (TDP/TBP), e.g. `"700 W"`.
    pub max_power: Quantity,
    /// Power when idle, measured or published, with its spread, e.g. `"70 W ± 20 %"`;
    /// absent when no citable figure exists (the power model then needs `power-per-device`
    /// or uses the maximum power).
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        serialize_with = "written"
    )]
    #[schemars(with = "Option<Quantity>")]
    pub idle_power: Option<UncertainQuantity>,
    /// Device memory in GB (10⁹ bytes) usable by programs.
    pub memory_gb: f64,
    /// Dense peak throughput per precision.
    pub peak: Peak,
    /// Sources of the figures.
    pub sources: Vec<Source>,
    /// Caveats.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub notes: Option<String>,
    /// The file the entry comes from (`<embedded>/catalogue.toml` or a user file).
    #[serde(default, skip_deserializing)]
    pub origin: String,
}

impl Device {
    /// Maximum power in watts.
    pub fn max_watts(&self) -> f64 {
        self.max_power.to(watt()).unwrap_or(f64::NAN)
    }

    /// Idle power in watts (nominal), if known.
    pub fn idle_watts(&self) -> Option<f64> {
        self.idle_power
            .as_ref()
            .and_then(|q| q.quantity.to(watt()).ok())
    }
}

/// An uncertain quantity as people read it: `"70 W"`, or `"70 W (± 20 %)"`.
fn written<S: serde::Serializer>(q: &Option<UncertainQuantity>, s: S) -> Result<S::Ok, S::Error> {
    match q {
        None => s.serialize_none(),
        Some(q) => s.serialize_str(&describe(q)),
    }
}

/// `q` as people read it: `70 W`, or `70 W (± 20 %)`.
pub fn describe(q: &UncertainQuantity) -> String {
    match q.distribution {
        None => q.quantity.to_string(),
        Some(d) => format!(
            "{} ({})",
            q.quantity,
            d.describe(q.quantity.value(), &q.quantity.unit().to_string())
        ),
    }
}

/// The catalogue file format.
#[derive(Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "kebab-case")]
#[schemars(deny_unknown_fields)]
struct CatalogueFile {
    /// Format version, 1.
    schema: u32,
    /// The devices.
    #[serde(default, rename = "device")]
    devices: Vec<Device>,
}

/// The hardware catalogue: embedded entries with user entries layered on top.
#[derive(Clone, Debug)]
pub struct Catalogue {
    devices: Vec<Device>,
}

static EMBEDDED: LazyLock<Result<Catalogue, String>> = LazyLock::new(|| {
    let (name, text) = EMBEDDED_FILE;
    let file = SourceFile {
        name: format!("<embedded>/{name}"),
        text: text.to_owned(),
    };
    parse_file(&file)
        .map(|devices| Catalogue { devices })
        .map_err(|e| e.to_string())
});

impl Catalogue {
    /// The embedded catalogue. An error here is a defect of the shipped data (tests load
    /// it).
    pub fn embedded() -> Result<&'static Catalogue, String> {
        EMBEDDED.as_ref().map_err(Clone::clone)
    }

    /// The embedded catalogue with the user's files layered on top, in order: an entry
    /// replaces an earlier one of the same id.
    pub fn load(files: &[impl AsRef<Path>]) -> Result<Catalogue, FileErrors> {
        let mut catalogue = Catalogue::embedded()
            .map_err(|e| FileError::plain("<embedded hardware catalogue>", e))?
            .clone();
        for path in files {
            let file = SourceFile::read(path.as_ref())?;
            for device in parse_file(&file)? {
                match catalogue.devices.iter_mut().find(|d| d.id == device.id) {
                    Some(slot) => *slot = device,
                    None => catalogue.devices.push(device),
                }
            }
        }
        Ok(catalogue)
    }

    /// Every device, embedded first, in file order.
    pub fn devices(&self) -> &[Device] {
        &self.devices
    }

    /// The device with this id.
    pub fn get(&self, id: &str) -> Option<&Device> {
        self.devices.iter().find(|d| d.id == id)
    }

    /// The device a driver reports as `driver_name` (NVML's device name), compared without
    /// case and surrounding spaces.
    pub fn identify(&self, driver_name: &str) -> Option<&Device> {
        let name = driver_name.trim();
        self.devices.iter().find(|d| {
            d.driver_names
                .iter()
                .any(|n| n.trim().eq_ignore_ascii_case(name))
        })
    }

    /// The ids, for "did you mean" hints.
    pub fn ids(&self) -> impl Iterator<Item = &str> {
        self.devices.iter().map(|d| d.id.as_str())
    }
}

static WATT: LazyLock<Unit> = LazyLock::new(|| unit("W"));
static FLOP_PER_SECOND: LazyLock<Unit> = LazyLock::new(|| unit("FLOP/s"));

fn unit(symbol: &str) -> Unit {
    Unit::parse(symbol).unwrap_or_else(|e| unreachable!("`{symbol}` is in the unit table: {e}"))
}

fn watt() -> &'static Unit {
    &WATT
}

fn flop_per_second() -> &'static Unit {
    &FLOP_PER_SECOND
}

/// Reads and checks a catalogue file: syntax, unknown keys, then each entry's figures.
pub fn parse_file(file: &SourceFile) -> Result<Vec<Device>, FileErrors> {
    let parsed: CatalogueFile = bilan_io::parse(file)?;
    let locator = bilan_io::Locator::new(file);
    let mut errors = Vec::new();
    let mut problem = |path: String, message: String| errors.push(locator.error(&path, message));
    if parsed.schema != 1 {
        problem(
            "schema".into(),
            format!(
                "schema {} is not supported; this build reads hardware catalogue files of schema 1",
                parsed.schema
            ),
        );
    }
    let mut ids = std::collections::HashSet::new();
    let mut devices = parsed.devices;
    for (i, d) in devices.iter_mut().enumerate() {
        d.origin = file.name.clone();
        let at = |key: &str| format!("device[{i}].{key}");
        if d.id.trim().is_empty() || d.id.chars().any(char::is_whitespace) {
            problem(
                at("id"),
                format!("`{}`: an id is one word, e.g. `nvidia-h100-sxm-80gb`", d.id),
            );
        }
        if !ids.insert(d.id.clone()) {
            problem(at("id"), format!("duplicate device id `{}`", d.id));
        }
        let max = check_power(&mut problem, at("max-power"), &d.max_power);
        if let Some(idle) = &d.idle_power
            && let (Some(idle), Some(max)) = (
                check_power(&mut problem, at("idle-power"), &idle.quantity),
                max,
            )
            && idle > max
        {
            problem(
                at("idle-power"),
                format!("idle power {idle} W is above the maximum power {max} W"),
            );
        }
        if let Some(idle) = &d.idle_power
            && let Some(spread) = idle.distribution
            && spread.ln_moments(idle.quantity.value()).is_none()
        {
            problem(
                at("idle-power"),
                bilan_units::too_wide(
                    &spread.describe(idle.quantity.value(), &idle.quantity.unit().to_string()),
                    "carry into a power estimate",
                ),
            );
        }
        if !(d.memory_gb.is_finite() && d.memory_gb > 0.0) {
            problem(
                at("memory-gb"),
                format!("`{}`: expected a positive number of GB", d.memory_gb),
            );
        }
        for p in Precision::ALL {
            if let Some(q) = d.peak.at(p) {
                let key = format!("peak.{p}");
                if q.dimension() != Dimension::FLOP.div(Dimension::TIME) {
                    problem(
                        at(&key),
                        format!(
                            "`{q}` is {}, expected a throughput such as \"989 TFLOP/s\"",
                            q.dimension().name()
                        ),
                    );
                } else if !(q.value().is_finite() && q.value() > 0.0) {
                    problem(at(&key), format!("`{q}`: expected a positive throughput"));
                }
            }
        }
        if d.sources.is_empty() {
            problem(
                at("sources"),
                "every entry cites at least one source for its figures".into(),
            );
        }
    }
    if errors.is_empty() {
        Ok(devices)
    } else {
        Err(FileErrors { errors })
    }
}

fn check_power(
    problem: &mut impl FnMut(String, String),
    path: String,
    q: &Quantity,
) -> Option<f64> {
    if q.dimension() != Dimension::POWER {
        problem(
            path,
            format!(
                "`{q}` is {}, expected a power such as \"700 W\"",
                q.dimension().name()
            ),
        );
        return None;
    }
    let watts = q.to(watt()).ok()?;
    if !(watts.is_finite() && watts > 0.0) {
        problem(path, format!("`{q}`: expected a positive power"));
        return None;
    }
    Some(watts)
}

/// JSON Schema of the catalogue file format.
pub fn schema() -> schemars::Schema {
    schemars::schema_for!(CatalogueFile)
}

#[cfg(test)]
mod tests;
