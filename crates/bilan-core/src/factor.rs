//! Impact factors and their lookup.
//!
//! A [`FactorSet`] is one snapshot of factors: the embedded database plus the user's factor
//! files layered on top (a later layer wins). Lookup respects the boundary a method asks for
//! (a life-cycle method never picks up a combustion-only rate, even through a region
//! fallback), walks the region chain (`US-VA` → `US` → `WORLD`) and records the fallback,
//! and, where sources disagree for one subject, chooses by the caller's preference order
//! while listing the alternatives. An explicit absence record ("no citable figure exists")
//! stops the walk with its reason instead of silently falling back.

use std::collections::HashMap;
use std::fmt;

use bilan_units::{Quantity, Unit, UnitError};
use serde::{Deserialize, Serialize};

use crate::indicator::Indicator;
use crate::region::Region;

/// What a factor's value covers.
#[derive(
    Clone,
    Copy,
    Debug,
    PartialEq,
    Eq,
    Hash,
    PartialOrd,
    Ord,
    Serialize,
    Deserialize,
    schemars::JsonSchema,
)]
#[serde(rename_all = "kebab-case")]
pub enum Boundary {
    /// Electricity: combustion plus upstream fuel chain, plant construction and T&D losses.
    LifeCycle,
    /// Electricity: combustion (direct) emissions only, the GHG Protocol Scope 2 boundary.
    Combustion,
    /// Hardware: raw materials to factory gate (no transport to site, use or end of life).
    CradleToGate,
    /// Hardware: manufacturing, transport and end of life, use excluded.
    CradleToGraveExclUse,
    /// Water consumed on site by cooling, per kWh of IT energy.
    OnSiteConsumption,
    /// Water withdrawn on site, per kWh of IT energy (≥ consumption; never mixed with it).
    OnSiteWithdrawal,
    /// A data-centre overhead ratio (PUE).
    FacilityOverhead,
    /// Water consumed to generate electricity (off site).
    GenerationConsumption,
}

impl Boundary {
    /// Identifier as written in files.
    pub fn id(self) -> &'static str {
        match self {
            Boundary::LifeCycle => "life-cycle",
            Boundary::Combustion => "combustion",
            Boundary::CradleToGate => "cradle-to-gate",
            Boundary::CradleToGraveExclUse => "cradle-to-grave-excl-use",
            Boundary::OnSiteConsumption => "on-site-consumption",
            Boundary::OnSiteWithdrawal => "on-site-withdrawal",
            Boundary::FacilityOverhead => "facility-overhead",
            Boundary::GenerationConsumption => "generation-consumption",
        }
    }
}

impl fmt::Display for Boundary {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.id())
    }
}

/// How a figure was obtained; methods rank these when sources disagree.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum Basis {
    /// A vendor product carbon footprint reviewed under ISO 14067.
    VendorPcfIso14067,
    /// A teardown life-cycle assessment of the product.
    TeardownLca,
    /// A parametric model (e.g. the ADEME/Hubblo GPU model).
    ParametricModel,
    /// A statistical dataset (Ember, eGRID, WRI…).
    Dataset,
    /// An industry survey (Uptime Institute…).
    Survey,
    /// An operator's own report (sustainability report).
    OperatorReport,
    /// Derived by computation from other figures.
    Derived,
    /// Supplied by the user.
    User,
}

impl Basis {
    /// Identifier as written in files.
    pub fn id(self) -> &'static str {
        match self {
            Basis::VendorPcfIso14067 => "vendor-pcf-iso14067",
            Basis::TeardownLca => "teardown-lca",
            Basis::ParametricModel => "parametric-model",
            Basis::Dataset => "dataset",
            Basis::Survey => "survey",
            Basis::OperatorReport => "operator-report",
            Basis::Derived => "derived",
            Basis::User => "user",
        }
    }

    /// The default preference order for embodied GWP: a reviewed vendor PCF first, then a
    /// teardown LCA, then the parametric model (which also covers ADPe and ADPf).
    pub const EMBODIED_PREFERENCE: [Basis; 3] = [
        Basis::VendorPcfIso14067,
        Basis::TeardownLca,
        Basis::ParametricModel,
    ];

    /// The preference order that puts the parametric model first, then a teardown LCA, then
    /// a reviewed vendor PCF.
    pub const PARAMETRIC_FIRST: [Basis; 3] = [
        Basis::ParametricModel,
        Basis::TeardownLca,
        Basis::VendorPcfIso14067,
    ];

    /// The preference order named by a method's `embodied-preference` parameter:
    /// `"parametric"` gives [`Basis::PARAMETRIC_FIRST`], anything else (`"vendor-pcf"`, the
    /// default) [`Basis::EMBODIED_PREFERENCE`].
    pub fn embodied_preference(choice: Option<&str>) -> &'static [Basis] {
        match choice {
            Some("parametric") => &Basis::PARAMETRIC_FIRST,
            _ => &Basis::EMBODIED_PREFERENCE,
        }
    }
}

/// How far a figure was checked.
#[derive(
    Clone,
    Copy,
    Debug,
    Default,
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
pub enum Quality {
    /// Read in its primary source.
    #[default]
    Ok,
    /// Taken from a secondary source, not checked against the primary document.
    Unverified,
    /// Known to be doubtful; shipped with a warning.
    Suspect,
}

impl std::fmt::Display for Quality {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Quality::Ok => "ok",
            Quality::Unverified => "unverified",
            Quality::Suspect => "suspect",
        })
    }
}

/// Where a factor came from in the snapshot.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "kebab-case", tag = "kind")]
pub enum FactorOrigin {
    /// The database embedded in bilan.
    #[default]
    Embedded,
    /// A factor file the user passed (`--factors FILE`); later layers win.
    File {
        /// Path as given.
        path: String,
        /// Position of the file among the user's layers (1 = first).
        layer: u32,
    },
}

/// One impact factor (or parameter such as a PUE) with everything needed to cite it.
#[derive(Clone, Debug, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub struct Factor {
    /// Unique identifier.
    pub id: String,
    /// What it is about: `electricity/grid`, `hardware/nvidia-h100-sxm-80gb`, `datacentre/pue/…`.
    pub subject: String,
    /// The indicator it measures; none for dimensionless parameters such as a PUE.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub indicator: Option<Indicator>,
    /// The value per reference unit, e.g. `"56.039 g/kWh"` or `"164 kgCO2e/device"`.
    pub value: Quantity,
    /// What the value covers.
    pub boundary: Boundary,
    /// Where it applies.
    pub region: Region,
    /// Reference year of the data.
    pub year: i32,
    /// How it was obtained.
    pub basis: Basis,
    /// Dataset or document name.
    pub dataset: String,
    /// Full citation.
    pub citation: String,
    /// Where it is published.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    /// Licence of the data.
    pub licence: String,
    /// Attribution the licence requires.
    pub attribution: String,
    /// How far it was checked.
    #[serde(default)]
    pub quality: Quality,
    /// Relative half-width of the 95 % interval of a lognormal (0.3 = ±30 %), as factor
    /// files wrote it before distributions; read into `distribution`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub uncertainty: Option<f64>,
    /// The distribution its source gives (or the file's `uncertainty`, as a lognormal), in
    /// the unit of `value`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub distribution: Option<bilan_units::Distribution>,
    /// Caveats.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub notes: Option<String>,
    /// Where it entered the snapshot.
    #[serde(default)]
    pub origin: FactorOrigin,
}

impl Factor {
    /// The value converted to `unit`.
    pub fn value_in(&self, unit: &Unit) -> Result<f64, UnitError> {
        self.value.to(unit)
    }

    /// A one-line source for audit trails: dataset, year and licence.
    pub fn source_line(&self) -> String {
        format!("{} ({}, {})", self.dataset, self.year, self.licence)
    }
}

/// An explicit statement that no citable figure exists.
#[derive(Clone, Debug, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub struct Absence {
    /// The subject.
    pub subject: String,
    /// The indicator with no figure.
    pub indicator: Indicator,
    /// Where the absence holds (WORLD for everywhere).
    pub region: Region,
    /// Why there is no figure.
    pub reason: String,
}

/// A user factor that replaced or shadowed an embedded one.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub struct OverrideRecord {
    /// The user's factor.
    pub factor: String,
    /// The file it came from.
    pub file: String,
    /// The factor it replaced (same id) or shadows (same subject, indicator, region and boundary).
    pub replaced: Vec<String>,
}

/// What a method asks the database for.
#[derive(Clone, Copy, Debug)]
pub struct FactorQuery<'a> {
    /// The subject.
    pub subject: &'a str,
    /// The indicator, or `None` for parameters (PUE).
    pub indicator: Option<Indicator>,
    /// Where.
    pub region: &'a Region,
    /// Boundaries the method accepts.
    pub boundaries: &'a [Boundary],
    /// Preferred bases, best first; others rank after them.
    pub preference: &'a [Basis],
}

/// A factor found, with how it was found.
#[derive(Clone, Debug)]
pub struct Resolved<'a> {
    /// The chosen factor.
    pub factor: &'a Factor,
    /// The region asked for.
    pub requested: Region,
    /// Regions tried without a match before the factor's own (empty when exact).
    pub fallback: Vec<Region>,
    /// Other factors for the same subject and indicator in the region found, any boundary.
    pub alternatives: Vec<&'a Factor>,
}

/// The outcome of a lookup.
#[derive(Clone, Debug)]
pub enum Lookup<'a> {
    /// A factor.
    Found(Resolved<'a>),
    /// An absence record: no citable figure exists.
    Absent {
        /// Why.
        reason: String,
        /// The region the absence was recorded for.
        region: Region,
    },
    /// Nothing for this subject, indicator and boundary in the region chain.
    Missing {
        /// Regions tried.
        tried: Vec<Region>,
        /// Factors for the subject that were refused for their boundary.
        refused: Vec<&'a Factor>,
    },
}

/// A snapshot of factors: embedded database plus user layers.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
#[serde(
    rename_all = "kebab-case",
    from = "FactorSetData",
    into = "FactorSetData"
)]
pub struct FactorSet {
    data: FactorSetData,
    by_subject: HashMap<String, Vec<usize>>,
}

#[derive(Clone, Debug, Default, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
struct FactorSetData {
    version: String,
    factors: Vec<Factor>,
    #[serde(default)]
    absences: Vec<Absence>,
    #[serde(default)]
    overrides: Vec<OverrideRecord>,
}

impl From<FactorSetData> for FactorSet {
    fn from(data: FactorSetData) -> Self {
        let mut set = FactorSet {
            data,
            by_subject: HashMap::new(),
        };
        set.reindex();
        set
    }
}

impl From<FactorSet> for FactorSetData {
    fn from(set: FactorSet) -> Self {
        set.data
    }
}

impl FactorSet {
    /// A snapshot holding `factors` and `absences`, labelled `version`.
    pub fn new(
        version: impl Into<String>,
        factors: Vec<Factor>,
        absences: Vec<Absence>,
    ) -> FactorSet {
        FactorSet::from(FactorSetData {
            version: version.into(),
            factors,
            absences,
            overrides: Vec::new(),
        })
    }

    fn reindex(&mut self) {
        self.by_subject.clear();
        for (i, f) in self.data.factors.iter().enumerate() {
            self.by_subject
                .entry(f.subject.clone())
                .or_default()
                .push(i);
        }
    }

    /// The snapshot's version label (embedded database version plus user layers).
    pub fn version(&self) -> &str {
        &self.data.version
    }

    /// Every factor, in load order.
    pub fn factors(&self) -> &[Factor] {
        &self.data.factors
    }

    /// Every absence record.
    pub fn absences(&self) -> &[Absence] {
        &self.data.absences
    }

    /// Every user override applied to this snapshot.
    pub fn overrides(&self) -> &[OverrideRecord] {
        &self.data.overrides
    }

    /// The factor with this id.
    pub fn get(&self, id: &str) -> Option<&Factor> {
        self.data.factors.iter().find(|f| f.id == id)
    }

    /// Layers `factors` from a user file on top: a factor with an existing id replaces it, and
    /// one with the same subject, indicator, region and boundary shadows the embedded ones
    /// (lookup prefers later layers). Every replacement is recorded.
    pub fn layer(&mut self, file: &str, layer: u32, factors: Vec<Factor>) {
        for mut factor in factors {
            factor.origin = FactorOrigin::File {
                path: file.to_owned(),
                layer,
            };
            let mut replaced = Vec::new();
            if let Some(pos) = self.data.factors.iter().position(|f| f.id == factor.id) {
                replaced.push(self.data.factors.remove(pos).id);
            }
            replaced.extend(
                self.data
                    .factors
                    .iter()
                    .filter(|f| {
                        f.subject == factor.subject
                            && f.indicator == factor.indicator
                            && f.region == factor.region
                            && f.boundary == factor.boundary
                    })
                    .map(|f| f.id.clone()),
            );
            self.data.overrides.push(OverrideRecord {
                factor: factor.id.clone(),
                file: file.to_owned(),
                replaced,
            });
            self.data.factors.push(factor);
        }
        self.data.version = format!("{}+{}", self.data.version, layer_label(file));
        self.reindex();
    }

    /// Adds absence records (from a user file).
    pub fn add_absences(&mut self, absences: Vec<Absence>) {
        self.data.absences.extend(absences);
    }

    /// Factors for a subject (any indicator, region, boundary).
    pub fn for_subject(&self, subject: &str) -> impl Iterator<Item = &Factor> {
        self.by_subject
            .get(subject)
            .into_iter()
            .flatten()
            .map(|&i| &self.data.factors[i])
    }

    /// Finds the factor for `query`; see the module documentation for the rules.
    pub fn lookup(&self, query: &FactorQuery<'_>) -> Lookup<'_> {
        let chain = query.region.fallback_chain();
        let mut tried = Vec::new();
        for region in &chain {
            let same_region: Vec<&Factor> = self
                .for_subject(query.subject)
                .filter(|f| f.indicator == query.indicator && &f.region == region)
                .collect();
            let mut candidates: Vec<&Factor> = same_region
                .iter()
                .copied()
                .filter(|f| query.boundaries.contains(&f.boundary))
                .collect();
            if !candidates.is_empty() {
                candidates.sort_by_key(|f| rank(f, query.preference));
                let factor = candidates[0];
                let alternatives = same_region
                    .into_iter()
                    .filter(|f| f.id != factor.id)
                    .collect();
                return Lookup::Found(Resolved {
                    factor,
                    requested: query.region.clone(),
                    fallback: tried,
                    alternatives,
                });
            }
            if let Some(indicator) = query.indicator
                && let Some(a) = self.data.absences.iter().find(|a| {
                    a.subject == query.subject && a.indicator == indicator && &a.region == region
                })
            {
                return Lookup::Absent {
                    reason: a.reason.clone(),
                    region: a.region.clone(),
                };
            }
            tried.push(region.clone());
        }
        let refused = self
            .for_subject(query.subject)
            .filter(|f| f.indicator == query.indicator && !query.boundaries.contains(&f.boundary))
            .collect();
        Lookup::Missing { tried, refused }
    }
}

fn layer_label(file: &str) -> String {
    std::path::Path::new(file)
        .file_name()
        .map_or_else(|| file.to_owned(), |n| n.to_string_lossy().into_owned())
}

/// Sort key: user layers first (latest first), then the preference order, then quality,
/// then the newest year, then the id for determinism.
fn rank(f: &Factor, preference: &[Basis]) -> (i64, usize, Quality, i32, String) {
    let layer = match f.origin {
        FactorOrigin::Embedded => 0,
        FactorOrigin::File { layer, .. } => i64::from(layer),
    };
    let pref = preference
        .iter()
        .position(|b| *b == f.basis)
        .unwrap_or(preference.len());
    (-layer, pref, f.quality, -f.year, f.id.clone())
}

#[cfg(test)]
mod tests;
