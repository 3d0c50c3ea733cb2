//! Generated inputs of a chosen size: valid inventories (for the scaling probe and the
//! property tests), inventories with every workload broken, methodology files with many
//! rules, factor files with many factors.

use std::fmt::Write as _;

/// One workload of a generated inventory.
#[derive(Clone, Debug)]
pub struct Workload {
    /// Index of its fleet (and of the site the fleet stands in).
    pub fleet: usize,
    /// `training`, `fine-tuning`, `development` or `inference`.
    pub phase: &'static str,
    /// Device-hours.
    pub device_hours: f64,
    /// Power per device, in W.
    pub power_w: f64,
    /// Host overhead as a fraction of the device energy.
    pub host_overhead: Option<f64>,
    /// Requests served (inference).
    pub requests: Option<f64>,
}

/// One fleet of a generated inventory (one site each).
#[derive(Clone, Debug)]
pub struct Fleet {
    /// A hardware model id of the embedded database.
    pub model: &'static str,
    /// Devices.
    pub count: u64,
    /// Lifetime in years.
    pub lifetime_years: u32,
    /// The site's region.
    pub region: &'static str,
    /// The site's PUE (absent: methods apply a default).
    pub pue: Option<f64>,
}

/// Hardware models of the embedded database.
pub const MODELS: [&str; 5] = [
    "nvidia-h100-sxm-80gb",
    "nvidia-h200-141gb",
    "nvidia-b200-192gb",
    "nvidia-a100-sxm-40gb",
    "nvidia-a100-pcie-40gb",
];

/// Regions with embedded grid factors.
pub const REGIONS: [&str; 5] = ["FR", "US", "US-VA", "DE", "WORLD"];

/// Phases.
pub const PHASES: [&str; 4] = ["training", "fine-tuning", "development", "inference"];

/// A valid inventory of the reporting year 2025: one site per fleet, every fleet acquired
/// at the start of the year, every workload within the year.
pub fn inventory(fleets: &[Fleet], workloads: &[Workload]) -> String {
    let mut s = String::from(
        "schema = 1\n\n[system]\nname = \"generated\"\norganisation = \"Generated Org\"\n\
         period = { start = 2025-01-01, end = 2025-12-31 }\n\n\
         [[functional-unit]]\nid = \"run\"\nkind = \"training-run\"\n",
    );
    let serving: Vec<String> = workloads
        .iter()
        .enumerate()
        .filter(|(_, w)| w.phase == "inference" && w.requests.is_some())
        .map(|(i, _)| format!("\"w-{i}\""))
        .collect();
    if !serving.is_empty() {
        let _ = write!(
            s,
            "\n[[functional-unit]]\nid = \"request\"\nkind = \"request\"\nworkloads = [{}]\n",
            serving.join(", ")
        );
    }
    for (i, f) in fleets.iter().enumerate() {
        let _ = write!(
            s,
            "\n[[site]]\nid = \"site-{i}\"\nregion = \"{}\"\nownership = \"owned\"\n",
            f.region
        );
        if let Some(pue) = f.pue {
            let _ = writeln!(s, "pue = {pue:?}");
        }
        let _ = write!(
            s,
            "\n[[fleet]]\nid = \"fleet-{i}\"\nmodel = \"{}\"\ncount = {}\nacquired = 2025-01-01\n\
             lifetime = \"{} years\"\nsite = \"site-{i}\"\n",
            f.model, f.count, f.lifetime_years
        );
    }
    for (i, w) in workloads.iter().enumerate() {
        let _ = write!(
            s,
            "\n[[workload]]\nid = \"w-{i}\"\nphase = \"{}\"\nsite = \"site-{f}\"\nfleet = \"fleet-{f}\"\n\
             period = {{ start = 2025-02-01, end = 2025-11-30 }}\n\
             device-hours = \"{:?} GPU·h\"\npower-per-device = \"{:?} W\"\n",
            w.phase,
            w.device_hours,
            w.power_w,
            f = w.fleet
        );
        if let Some(h) = w.host_overhead {
            let _ = writeln!(s, "host-overhead = {h:?}");
        }
        if let (Some(r), "inference") = (w.requests, w.phase) {
            let _ = writeln!(s, "volume = {{ requests = {r:?} }}");
        }
    }
    s
}

/// A valid inventory of `n` small training workloads on one large fleet.
pub fn valid(n: usize) -> String {
    let fleet = Fleet {
        model: "nvidia-h100-sxm-80gb",
        count: 1_000_000,
        lifetime_years: 4,
        region: "US-VA",
        pue: Some(1.2),
    };
    let w = |_| Workload {
        fleet: 0,
        phase: "training",
        device_hours: 10.0,
        power_w: 700.0,
        host_overhead: None,
        requests: None,
    };
    inventory(&[fleet], &(0..n).map(w).collect::<Vec<_>>())
}

/// How every workload of [`broken`] is broken.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Breakage {
    /// It names a fleet that does not exist.
    DanglingFleet,
    /// Its power is in an unknown unit.
    BadUnit,
    /// It repeats the id of the first one.
    DuplicateId,
}

/// `n` workloads, each broken the same way.
pub fn broken(n: usize, how: Breakage) -> String {
    let text = valid(n);
    match how {
        Breakage::DanglingFleet => text.replace("fleet = \"fleet-0\"", "fleet = \"no-such-fleet\""),
        Breakage::BadUnit => text.replace("\"700.0 W\"", "\"700 wattz\""),
        Breakage::DuplicateId => {
            let mut out = String::with_capacity(text.len());
            for line in text.lines() {
                if line.starts_with("id = \"w-") {
                    out.push_str("id = \"w-0\"");
                } else {
                    out.push_str(line);
                }
                out.push('\n');
            }
            out
        }
    }
}

/// A methodology file extending `ademe-lca` with `n` rules.
pub fn methodology(n: usize) -> String {
    let mut s = String::from(
        "schema = 1\nid = \"generated-rules\"\nversion = \"1.0.0\"\nname = \"generated\"\n\
         description = \"many rules\"\nextends = \"ademe-lca@^1\"\n",
    );
    for i in 0..n {
        let _ = write!(
            s,
            "\n[[rule]]\nid = \"r-{i}\"\nkind = \"scale\"\nmatch = {{ stage = \"use\" }}\n\
             multiplier = 1.0\nreason = \"generated rule {i}\"\n"
        );
    }
    s
}

/// A user factor file with `n` hardware factors.
pub fn factor_file(n: usize) -> String {
    let mut s = String::from("schema = 1\n");
    for i in 0..n {
        let _ = write!(
            s,
            "\n[[factor]]\nid = \"gen-{i}\"\nsubject = \"hardware/generated-{i}\"\nindicator = \"gwp\"\n\
             value = \"100 kgCO2e/device\"\nboundary = \"cradle-to-gate\"\nregion = \"WORLD\"\n\
             year = 2024\nbasis = \"user\"\ndataset = \"generated\"\ncitation = \"generated\"\n\
             licence = \"CC0-1.0\"\nattribution = \"generated\"\n"
        );
    }
    s
}
