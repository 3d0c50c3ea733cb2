//! CPU package and DRAM energy from Linux powercap (RAPL), on Intel and AMD processors.
//!
//! The kernel lists one zone per package, `intel-rapl:N` (named `package-N`), and below it
//! subzones `intel-rapl:N:M` (`core`, `uncore`, `dram`); AMD processors use the same names.
//! Each zone has `energy_uj`, a counter in microjoules that wraps at `max_energy_range_uj`.
//! bilan counts the packages and their DRAM: `core` and `uncore` are parts of their package,
//! `psys` (the whole platform) overlaps both, and the `intel-rapl-mmio` zones repeat the
//! package counter through another interface, so none of them is added.
//!
//! Since Linux 5.10 `energy_uj` is readable by root only; the error says so.

use std::io::ErrorKind;
use std::path::{Path, PathBuf};

/// The directory the kernel lists powercap zones in.
pub const POWERCAP: &str = "/sys/class/powercap";

/// The most power one RAPL domain is taken to draw, for [`Rapl::longest_interval`]: above
/// the thermal design power of server processors (up to about 400 W).
pub const MAX_DOMAIN_WATTS: f64 = 500.0;

/// One zone bilan counts.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Domain {
    /// As the measurement names it: `package-0`, `dram`; with several packages their DRAM
    /// is `package-1/dram`.
    pub name: String,
    /// The zone's directory name, e.g. `intel-rapl:0:0`.
    pub zone: String,
    energy: PathBuf,
    /// The counter's range, `max_energy_range_uj` + 1.
    pub range: u128,
}

/// Why RAPL cannot be read.
#[derive(Debug, thiserror::Error)]
pub enum RaplError {
    /// No RAPL zone under the directory.
    #[error(
        "no RAPL energy counter under {dir} (no powercap RAPL driver here: not an Intel or AMD \
         processor, a virtual machine or container without it, or the `intel_rapl_common` \
         module is not loaded)"
    )]
    Absent {
        /// The powercap directory.
        dir: String,
    },
    /// A counter is not readable by this user.
    #[error(
        "permission denied reading {path}: since Linux 5.10 RAPL counters are readable by root \
         only; run as root, or make them readable (e.g. `sudo chmod a+r {dir}/intel-rapl:*/energy_uj`)"
    )]
    Permission {
        /// The counter file.
        path: String,
        /// The powercap directory.
        dir: String,
    },
    /// A file could not be read or does not hold a number.
    #[error("cannot read {path}: {why}")]
    Unreadable {
        /// The file.
        path: String,
        /// Why.
        why: String,
    },
}

/// The RAPL zones of a machine.
#[derive(Clone, Debug)]
pub struct Rapl {
    /// The zones counted, packages first.
    pub domains: Vec<Domain>,
    /// What RAPL does not cover here, in words (e.g. no DRAM domain).
    pub notes: Vec<String>,
}

fn read_text(path: &Path, dir: &Path) -> Result<String, RaplError> {
    std::fs::read_to_string(path).map_err(|e| {
        if e.kind() == ErrorKind::PermissionDenied {
            RaplError::Permission {
                path: path.display().to_string(),
                dir: dir.display().to_string(),
            }
        } else {
            RaplError::Unreadable {
                path: path.display().to_string(),
                why: e.to_string(),
            }
        }
    })
}

fn read_number(path: &Path, dir: &Path) -> Result<u64, RaplError> {
    let text = read_text(path, dir)?;
    text.trim().parse().map_err(|_| RaplError::Unreadable {
        path: path.display().to_string(),
        why: format!("`{}` is not a whole number", text.trim()),
    })
}

/// `intel-rapl:N` → (N, None), `intel-rapl:N:M` → (N, Some(M)); anything else (the
/// control type `intel-rapl`, `intel-rapl-mmio:N`, other drivers) → None.
fn zone_id(name: &str) -> Option<(u32, Option<u32>)> {
    let rest = name.strip_prefix("intel-rapl:")?;
    let mut parts = rest.split(':');
    let package = parts.next()?.parse().ok()?;
    let sub = match parts.next() {
        Some(m) => Some(m.parse().ok()?),
        None => None,
    };
    parts.next().is_none().then_some((package, sub))
}

impl Rapl {
    /// Finds the package and DRAM zones under `dir` (normally [`POWERCAP`]) and checks that
    /// each counter can be read.
    pub fn discover(dir: &Path) -> Result<Rapl, RaplError> {
        let absent = || RaplError::Absent {
            dir: dir.display().to_string(),
        };
        let entries = std::fs::read_dir(dir).map_err(|_| absent())?;
        let mut zones: Vec<((u32, Option<u32>), String)> = entries
            .filter_map(Result::ok)
            .filter_map(|e| {
                let name = e.file_name().to_string_lossy().into_owned();
                zone_id(&name).map(|id| (id, name))
            })
            .collect();
        zones.sort();
        let named = zones
            .into_iter()
            .map(|(id, zone)| {
                let name = read_text(&dir.join(&zone).join("name"), dir)?;
                Ok((id, zone, name.trim().to_owned()))
            })
            .collect::<Result<Vec<_>, RaplError>>()?;
        let packages = named
            .iter()
            .filter(|(id, _, name)| id.1.is_none() && name.starts_with("package"))
            .count();
        let mut domains = Vec::new();
        for ((package, sub), zone, name) in named {
            let counted = match sub {
                None => name.starts_with("package"),
                Some(_) => name == "dram",
            };
            if !counted {
                continue;
            }
            let name = if sub.is_some() && packages > 1 {
                format!("package-{package}/{name}")
            } else {
                name
            };
            let path = dir.join(&zone);
            let max = read_number(&path.join("max_energy_range_uj"), dir)?;
            let energy = path.join("energy_uj");
            read_number(&energy, dir)?;
            domains.push(Domain {
                name,
                zone,
                energy,
                range: u128::from(max) + 1,
            });
        }
        if domains.is_empty() {
            return Err(absent());
        }
        let mut notes = Vec::new();
        if !domains.iter().any(|d| d.name.ends_with("dram")) {
            notes.push(
                "DRAM energy not measured: RAPL exposes no dram domain on this machine (AMD \
                 processors and most desktop ones have none)"
                    .to_owned(),
            );
        }
        Ok(Rapl { domains, notes })
    }

    /// The longest interval between two readings that cannot miss a wrap: half the time the
    /// smallest counter takes to wrap at [`MAX_DOMAIN_WATTS`]. A longer interval could see
    /// a counter wrap twice between two readings and count one wrap only.
    pub fn longest_interval(&self) -> std::time::Duration {
        let joules = self
            .domains
            .iter()
            .map(|d| d.range as f64 / 1e6)
            .fold(f64::INFINITY, f64::min);
        std::time::Duration::from_secs_f64((joules / MAX_DOMAIN_WATTS / 2.0).clamp(0.0, 1e9))
    }

    /// The counter of `domain`, in microjoules.
    pub fn read(&self, domain: usize) -> Result<u64, String> {
        let d = self
            .domains
            .get(domain)
            .ok_or_else(|| format!("no RAPL domain {domain}"))?;
        let text = std::fs::read_to_string(&d.energy)
            .map_err(|e| format!("cannot read {}: {e}", d.energy.display()))?;
        text.trim()
            .parse()
            .map_err(|_| format!("{}: `{}` is not a number", d.energy.display(), text.trim()))
    }
}
