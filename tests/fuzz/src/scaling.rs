//! The scaling probe: the same kind of input at N and 10·N, timed in process. Time growing
//! more than [`MAX_RATIO`]× for 10× the input is [`crate::classify::Class::SuperLinear`].

use std::path::Path;
use std::time::Duration;

use crate::generate::{self, Breakage};

/// The largest accepted growth of time for 10× the input (linear is 10; this leaves room for
/// noise and allocator effects, and catches N log N only when it is much worse than that).
pub const MAX_RATIO: f64 = 15.0;

/// Times shorter than this are rounded up before the ratio is taken, so noise on a tiny
/// input is not mistaken for growth.
pub const FLOOR: Duration = Duration::from_millis(40);

/// One kind of scaled input and the command that reads it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Probe {
    /// `validate` on N valid workloads.
    ValidateValid,
    /// `compare -f csv` on N valid workloads (every method, a report).
    CompareValid,
    /// `validate` on N workloads naming a missing fleet.
    DanglingFleet,
    /// `validate` on N workloads with an unknown unit.
    BadUnit,
    /// `validate` on N workloads with one id.
    DuplicateId,
    /// `methods --method-file` on a file of N rules.
    MethodRules,
    /// `factors --factors` on a file of N factors.
    FactorFile,
}

impl Probe {
    /// Every probe.
    pub const ALL: [Probe; 7] = [
        Probe::ValidateValid,
        Probe::CompareValid,
        Probe::DanglingFleet,
        Probe::BadUnit,
        Probe::DuplicateId,
        Probe::MethodRules,
        Probe::FactorFile,
    ];

    /// Its name on the command line and in findings.
    pub fn name(self) -> &'static str {
        match self {
            Probe::ValidateValid => "validate-valid",
            Probe::CompareValid => "compare-valid",
            Probe::DanglingFleet => "dangling-fleet",
            Probe::BadUnit => "bad-unit",
            Probe::DuplicateId => "duplicate-id",
            Probe::MethodRules => "method-rules",
            Probe::FactorFile => "factor-file",
        }
    }

    /// The probe named `name`.
    pub fn from_name(name: &str) -> Option<Probe> {
        Probe::ALL.into_iter().find(|p| p.name() == name)
    }

    /// The file of size `n` and the command that reads it, with the file written in `dir`.
    pub fn prepare(self, dir: &Path, n: usize) -> std::io::Result<Vec<String>> {
        std::fs::create_dir_all(dir)?;
        let file = dir.join(format!("{}-{n}.toml", self.name()));
        let path = file.display().to_string();
        let inv = dir.join("small-inventory.toml").display().to_string();
        let (text, args): (String, Vec<&str>) = match self {
            Probe::ValidateValid => (generate::valid(n), vec!["validate", &path]),
            Probe::CompareValid => (generate::valid(n), vec!["compare", "-f", "csv", &path]),
            Probe::DanglingFleet => (
                generate::broken(n, Breakage::DanglingFleet),
                vec!["validate", &path],
            ),
            Probe::BadUnit => (
                generate::broken(n, Breakage::BadUnit),
                vec!["validate", &path],
            ),
            Probe::DuplicateId => (
                generate::broken(n, Breakage::DuplicateId),
                vec!["validate", &path],
            ),
            Probe::MethodRules => (
                generate::methodology(n),
                vec!["methods", "--method-file", &path],
            ),
            Probe::FactorFile => (
                generate::factor_file(n),
                vec!["factors", "--factors", &path, "--subject", "hardware/none"],
            ),
        };
        std::fs::write(&file, text)?;
        std::fs::write(dir.join("small-inventory.toml"), generate::valid(2))?;
        let _ = inv;
        Ok(["bilan", "--no-config"]
            .into_iter()
            .chain(args)
            .map(str::to_owned)
            .collect())
    }
}

/// The verdict of one probe.
#[derive(Clone, Debug)]
pub struct Verdict {
    /// The probe.
    pub probe: Probe,
    /// The small size.
    pub n: usize,
    /// Time at N.
    pub small: Duration,
    /// Time at 10·N, or `None` when it ran past the deadline ([`MAX_RATIO`]× the time at N).
    pub large: Option<Duration>,
}

impl Verdict {
    /// The growth of time for 10× the input (infinite past the deadline).
    pub fn ratio(&self) -> f64 {
        match self.large {
            Some(l) => l.as_secs_f64() / self.small.max(FLOOR).as_secs_f64(),
            None => f64::INFINITY,
        }
    }

    /// Whether time grew faster than allowed.
    pub fn super_linear(&self) -> bool {
        self.ratio() > MAX_RATIO
    }

    /// The deadline of the run at 10·N: past it the verdict is already known.
    pub fn deadline(small: Duration) -> Duration {
        small.max(FLOOR).mul_f64(MAX_RATIO) + Duration::from_millis(200)
    }
}
