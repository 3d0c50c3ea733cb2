//! Data quality and completeness of a method's figures: which share of each figure rests on
//! measured, disclosed, estimated or default inputs, the stages a method's boundary requires
//! and the inventory does not cover, and a grade (A–E) derived from both.
//!
//! The rule, documented for users in `docs/quality.md`:
//! - each term of a contribution is classed by where its value comes from: a workload's
//!   measured energy or a key imported from a measuring tool is *measured*; a key stated in
//!   the inventory (by its author or a publisher's disclosure) is *disclosed*; a value an
//!   estimator or the power model filled in is *estimated*; a method's `default-*` parameter
//!   applied because the inventory is silent is *default*, and so is a database figure that
//!   stands in for a missing inventory value (a default PUE or WUE, which the method records
//!   as a `default-*` assumption citing the factor). Emission factors, method rules
//!   and derived numbers are not classed: they are the method's and the factor database's,
//!   not the inventory's (the factor's own basis and quality flag are in the trail);
//! - a contribution takes the class of its weakest term (measured > disclosed > estimated >
//!   default); with no classed term it is *disclosed* (an amount stated in the inventory);
//! - a figure's shares are its contributions' absolute values summed by class, over the
//!   figure's absolute total;
//! - the score weighs the shares 1, 0.7, 0.4 and 0; the grade is A from 0.9, B from 0.7, C
//!   from 0.5, D from 0.3, E below, then one grade lower (down to E) per stage the method's
//!   boundary requires and the assessment does not cover.

mod stages;
#[cfg(test)]
mod tests;

use std::collections::HashMap;

use serde::{Deserialize, Serialize};

use crate::assessment::{Assessment, Contribution, Stage, Term, TermSource};
use crate::indicator::Indicator;
use crate::inventory::{Inventory, Provenance, ProvenanceClass};
use crate::item::ItemKind;

pub use crate::assessment::{GridBasis, MissingStage, Profile, RequiredStage};
pub use stages::{missing_stages, no_workload};

/// Where an input's value comes from, strongest first.
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
pub enum DataClass {
    /// Measured on the running system (`bilan measure`, an imported CodeCarbon or metered
    /// Impact Framework observation).
    Measured,
    /// Stated in the inventory: by its author or a publisher's disclosure (model card,
    /// BoAmps report).
    Disclosed,
    /// Filled in by an estimator or the power model (`[workload.estimate]`).
    Estimated,
    /// A method's default, applied because the inventory is silent (`default-pue`…).
    Default,
}

impl DataClass {
    /// Every class, strongest first.
    pub const ALL: [DataClass; 4] = [
        DataClass::Measured,
        DataClass::Disclosed,
        DataClass::Estimated,
        DataClass::Default,
    ];

    /// Identifier as written in reports.
    pub fn id(self) -> &'static str {
        match self {
            DataClass::Measured => "measured",
            DataClass::Disclosed => "disclosed",
            DataClass::Estimated => "estimated",
            DataClass::Default => "default",
        }
    }

    /// Its weight in the score.
    fn weight(self) -> f64 {
        match self {
            DataClass::Measured => 1.0,
            DataClass::Disclosed => 0.7,
            DataClass::Estimated => 0.4,
            DataClass::Default => 0.0,
        }
    }
}

/// The share of a figure's value in each class; they sum to 1.
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub struct ClassShares {
    /// Share from measured inputs.
    pub measured: f64,
    /// Share from disclosed inputs.
    pub disclosed: f64,
    /// Share from estimated inputs.
    pub estimated: f64,
    /// Share from defaults.
    pub default: f64,
}

impl ClassShares {
    /// The share of `class`.
    pub fn get(&self, class: DataClass) -> f64 {
        match class {
            DataClass::Measured => self.measured,
            DataClass::Disclosed => self.disclosed,
            DataClass::Estimated => self.estimated,
            DataClass::Default => self.default,
        }
    }

    fn slot(&mut self, class: DataClass) -> &mut f64 {
        match class {
            DataClass::Measured => &mut self.measured,
            DataClass::Disclosed => &mut self.disclosed,
            DataClass::Estimated => &mut self.estimated,
            DataClass::Default => &mut self.default,
        }
    }

    /// The weighted score, 0 to 1.
    pub fn score(&self) -> f64 {
        DataClass::ALL
            .iter()
            .map(|c| self.get(*c) * c.weight())
            .sum()
    }

    /// `measured 40 %, disclosed 60 %`: the non-zero shares, strongest first.
    pub fn summary(&self) -> String {
        let parts: Vec<String> = DataClass::ALL
            .iter()
            .filter(|c| self.get(**c) > 0.0)
            .map(|c| format!("{} {:.0} %", c.id(), self.get(*c) * 100.0))
            .collect();
        parts.join(", ")
    }
}

/// A data-quality grade, A (best) to E.
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, schemars::JsonSchema,
)]
pub enum Grade {
    /// Score ≥ 0.9: mostly measured.
    A,
    /// Score ≥ 0.7: measured or disclosed.
    B,
    /// Score ≥ 0.5.
    C,
    /// Score ≥ 0.3.
    D,
    /// Below 0.3: mostly defaults.
    E,
}

impl Grade {
    /// The grade of `score`, before missing stages.
    pub fn of_score(score: f64) -> Grade {
        if score >= 0.9 {
            Grade::A
        } else if score >= 0.7 {
            Grade::B
        } else if score >= 0.5 {
            Grade::C
        } else if score >= 0.3 {
            Grade::D
        } else {
            Grade::E
        }
    }

    /// `steps` grades lower, down to E.
    pub fn lowered(self, steps: usize) -> Grade {
        const ORDER: [Grade; 5] = [Grade::A, Grade::B, Grade::C, Grade::D, Grade::E];
        let at = ORDER.iter().position(|g| *g == self).unwrap_or(4);
        ORDER[(at + steps).min(4)]
    }

    /// The letter.
    pub fn letter(self) -> &'static str {
        match self {
            Grade::A => "A",
            Grade::B => "B",
            Grade::C => "C",
            Grade::D => "D",
            Grade::E => "E",
        }
    }
}

/// The quality of one figure: an indicator's total, or one stage of it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub struct FigureQuality {
    /// The indicator.
    pub indicator: Indicator,
    /// The stage, or `None` for the indicator's total.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stage: Option<Stage>,
    /// Share of the figure's value by class of its weakest input.
    pub shares: ClassShares,
    /// The weighted score of the shares, 0 to 1.
    pub score: f64,
    /// The grade: from the score, lowered once per missing mandatory stage.
    pub grade: Grade,
}

/// Data quality and completeness of one assessment.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub struct Quality {
    /// Each non-zero figure: totals first, then stages, in indicator order.
    pub figures: Vec<FigureQuality>,
    /// Stages the method's boundary requires and the assessment does not cover (empty for a
    /// method that declares no boundary).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub missing_stages: Vec<MissingStage>,
}

impl Quality {
    /// The quality of `indicator`'s total, when it is a non-zero figure.
    pub fn total(&self, indicator: Indicator) -> Option<&FigureQuality> {
        self.figures
            .iter()
            .find(|f| f.indicator == indicator && f.stage.is_none())
    }
}

/// Where to find an item's provenance: by kind and id; and which factors stand in for a
/// missing inventory value.
struct Sources<'a> {
    provenance: HashMap<(ItemKind, &'a str), &'a Provenance>,
    measured_energy: HashMap<&'a str, ()>,
    defaults: Vec<&'a str>,
    /// The classes of the term descriptions met last, by description: a method describes
    /// the terms of every workload alike (shared descriptions, see [`Term`]), and classing
    /// one reads its source's text (an inventory path is parsed). Only descriptions whose
    /// class is theirs alone are kept: not a key of the contribution's own item while the
    /// inventory states a provenance or a measurement (its class then depends on the item).
    recent: Vec<(
        std::sync::Arc<crate::assessment::TermMeta>,
        Option<DataClass>,
    )>,
}

/// How many term descriptions [`Sources`] keeps the class of: a contribution has a few
/// terms, and a method's contributions take turns between a few kinds.
const RECENT_TERMS: usize = 16;

/// The factors of `a` that a `default-*` assumption cites (`` `id` ``): database figures used
/// because the inventory gives none (a default PUE or WUE).
fn default_factors(a: &Assessment) -> Vec<&str> {
    let cited: Vec<&str> = a
        .assumptions
        .iter()
        .filter(|x| x.topic.starts_with("default-"))
        .map(|x| x.text.as_str())
        .collect();
    if cited.is_empty() {
        return Vec::new();
    }
    a.factors
        .iter()
        .map(|f| &*f.id)
        .filter(|id| {
            let quoted = format!("`{id}`");
            cited.iter().any(|t| t.contains(&quoted))
        })
        .collect()
}

impl<'a> Sources<'a> {
    fn new(inv: &'a Inventory, a: &'a Assessment) -> Sources<'a> {
        let mut provenance = HashMap::new();
        for s in &inv.sites {
            if let Some(p) = &s.provenance {
                provenance.insert((ItemKind::Site, s.id.as_str()), p);
            }
        }
        for f in &inv.fleets {
            if let Some(p) = &f.provenance {
                provenance.insert((ItemKind::Fleet, f.id.as_str()), p);
            }
        }
        for w in &inv.workloads {
            if let Some(p) = &w.provenance {
                provenance.insert((ItemKind::Workload, w.id.as_ref()), p);
            }
        }
        for s in &inv.services {
            if let Some(p) = &s.provenance {
                provenance.insert((ItemKind::Service, s.id.as_str()), p);
            }
        }
        let measured_energy = inv
            .workloads
            .iter()
            .filter(|w| w.measurement.is_some())
            .map(|w| (w.id.as_ref(), ()))
            .collect();
        Sources {
            provenance,
            measured_energy,
            defaults: default_factors(a),
            recent: Vec::new(),
        }
    }

    /// [`Sources::term`], from the classes kept by description when it is there.
    fn term_class(&mut self, c: &Contribution, t: &Term) -> Option<DataClass> {
        let meta = t.meta();
        if let Some((_, class)) = self
            .recent
            .iter()
            .find(|(kept, _)| std::sync::Arc::ptr_eq(kept, meta))
        {
            return *class;
        }
        let class = self.term(c, t);
        let own_item = matches!(t.source, TermSource::Item { .. })
            && !(self.provenance.is_empty() && self.measured_energy.is_empty());
        if !own_item {
            if self.recent.len() == RECENT_TERMS {
                self.recent.pop();
            }
            self.recent.insert(0, (meta.clone(), class));
        }
        class
    }

    /// The class of `key` of item `kind[id]`.
    fn key(&self, kind: ItemKind, id: &str, key: &str) -> DataClass {
        if kind == ItemKind::Workload && key == "energy" && self.measured_energy.contains_key(id) {
            return DataClass::Measured;
        }
        match self.provenance.get(&(kind, id)) {
            Some(p)
                if p.class == ProvenanceClass::Measured
                    && (p.fields.is_empty() || p.fields.contains_key(key)) =>
            {
                DataClass::Measured
            }
            _ => DataClass::Disclosed,
        }
    }

    /// The class of one term of `c`, or `None` for a term that is not an inventory input.
    fn term(&self, c: &Contribution, t: &Term) -> Option<DataClass> {
        if t.estimated.is_some() {
            return Some(DataClass::Estimated);
        }
        match &t.source {
            TermSource::Item { key } => Some(self.key(c.item.kind, &c.item.id, key)),
            TermSource::Inventory { path } => Some(match parse_path(path) {
                Some((kind, id, key)) => self.key(kind, id, key),
                None => DataClass::Disclosed,
            }),
            TermSource::Parameter { name } if name.starts_with("default-") => {
                Some(DataClass::Default)
            }
            TermSource::Factor { id } if self.defaults.contains(&&**id) => Some(DataClass::Default),
            TermSource::Parameter { .. }
            | TermSource::Factor { .. }
            | TermSource::Rule { .. }
            | TermSource::Derived { .. } => None,
        }
    }

    /// The class of a value of a contribution of class `base` whose factor is `factor`:
    /// default when the factor stands in for a missing inventory value.
    fn value(&self, base: DataClass, factor: &str) -> DataClass {
        if self.defaults.contains(&factor) {
            DataClass::Default
        } else {
            base
        }
    }

    /// A contribution's class: its weakest term's, or disclosed when no term is classed.
    fn contribution(&mut self, c: &Contribution) -> DataClass {
        let mut weakest = None;
        for t in &c.terms {
            weakest = weakest.max(self.term_class(c, t));
        }
        weakest.unwrap_or(DataClass::Disclosed)
    }
}

/// `site[eu-dc].pue` → (site, `eu-dc`, `pue`).
fn parse_path(path: &str) -> Option<(ItemKind, &str, &str)> {
    let (kind, rest) = path.split_once('[')?;
    let (id, rest) = rest.split_once(']')?;
    let key = rest.strip_prefix('.').unwrap_or(rest);
    let kind = ItemKind::ALL.into_iter().find(|k| k.key() == kind)?;
    Some((kind, id, key))
}

/// The data quality of every non-zero total and stage figure of `a`, with the stages its
/// profile requires and it does not cover ([`Assessment::missing_stages`]).
pub fn assess(inventory: &Inventory, a: &Assessment) -> Quality {
    let mut pass = Pass::new(inventory, a);
    for c in &a.contributions {
        pass.add(c);
    }
    pass.finish(a)
}

/// How many figures each indicator has: the total, then each stage.
const FIGURES: usize = Stage::ALL.len() + 1;

/// [`assess`] built contribution by contribution, for a pass over an assessment's
/// contributions that does other work with each as well: given every contribution of `a`
/// in order, it gives the same quality, bit for bit.
pub struct Pass<'a> {
    sources: Sources<'a>,
    /// Per indicator, per figure, per class.
    sums: [[ClassShares; FIGURES]; Indicator::ALL.len()],
}

impl std::fmt::Debug for Pass<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Pass").finish_non_exhaustive()
    }
}

impl<'a> Pass<'a> {
    /// The quality of `a`'s figures, no contribution added yet.
    pub fn new(inventory: &'a Inventory, a: &'a Assessment) -> Pass<'a> {
        Pass {
            sources: Sources::new(inventory, a),
            sums: [[ClassShares::default(); FIGURES]; Indicator::ALL.len()],
        }
    }

    /// Adds `c`, the next contribution (a memo item adds nothing).
    pub fn add(&mut self, c: &Contribution) {
        if c.memo {
            return;
        }
        let base = self.sources.contribution(c);
        let stage = 1 + c.stage.index();
        for v in &c.values {
            let class = self.sources.value(base, &v.factor);
            let figures = &mut self.sums[v.indicator.index()];
            *figures[0].slot(class) += v.value.abs();
            *figures[stage].slot(class) += v.value.abs();
        }
    }

    /// The quality of `a`, whose contributions were added.
    pub fn finish(self, a: &Assessment) -> Quality {
        let missing = a.missing_stages.len();
        let mut figures = Vec::new();
        for indicator in Indicator::ALL.into_iter().filter(|i| a.covers(*i)) {
            for (k, mut shares) in self.sums[indicator.index()].into_iter().enumerate() {
                let total: f64 = DataClass::ALL.iter().map(|c| shares.get(*c)).sum();
                if !(total > 0.0 && total.is_finite()) {
                    continue;
                }
                for class in DataClass::ALL {
                    *shares.slot(class) /= total;
                }
                let score = shares.score();
                figures.push(FigureQuality {
                    indicator,
                    stage: k.checked_sub(1).map(|n| Stage::ALL[n]),
                    shares,
                    score,
                    grade: Grade::of_score(score).lowered(missing),
                });
            }
        }
        Quality {
            figures,
            missing_stages: a.missing_stages.clone(),
        }
    }
}
