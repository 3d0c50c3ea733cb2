//! Semantic checks of an inventory: dimensions, ranges, references and unique ids.

use rustc_hash::FxHashSet;
use std::fmt;

use smallvec::SmallVec;

use bilan_units::{Dimension, Quantity, Substance};

use super::{FactorOverride, Fleet, Inventory, Period, SourcedQuantity};

mod capacity;
mod domain;
mod items;
mod models;
mod ranges;
mod spreads;
mod text;
mod time;
use crate::indicator::Indicator;
use domain::Domain;
use spreads::Spreads;

/// A key path into an inventory, e.g. `workload[2].energy`.
///
/// Validation names a path for every value it checks, a million times over in a large
/// inventory, and keeps one only for a problem: so a path is a few segments held inline
/// (keys are the format's own names), extending one copies them rather than allocating, and
/// the checks take the last key apart ([`Child`]), joined only when a problem is recorded.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct KeyPath(SmallVec<[Segment; 6]>);

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
enum Segment {
    Key(&'static str),
    Index(usize),
}

impl KeyPath {
    /// The root.
    pub fn root() -> KeyPath {
        KeyPath::default()
    }

    /// This path followed by a key.
    pub fn key(&self, key: &'static str) -> KeyPath {
        self.then(Segment::Key(key))
    }

    /// This path followed by `key`, made only if a check records a problem there.
    pub(super) fn child(&self, key: &'static str) -> Child<'_> {
        Child { parent: self, key }
    }

    /// This path followed by an array index.
    pub fn index(&self, index: usize) -> KeyPath {
        self.then(Segment::Index(index))
    }

    /// This path followed by `segment`: the segments copied as they are, which `clone`
    /// would do one by one.
    fn then(&self, segment: Segment) -> KeyPath {
        let mut next = SmallVec::from_slice(&self.0);
        next.push(segment);
        KeyPath(next)
    }

    /// The segments, as keys (`"workload"`) and indices, for locating the path in a file.
    pub fn segments(&self) -> impl Iterator<Item = Result<&str, usize>> {
        self.0.iter().map(|s| match s {
            Segment::Key(k) => Ok(*k),
            Segment::Index(i) => Err(*i),
        })
    }
}

/// Where a check looks: a [`KeyPath`], or one to be made only if the check records a
/// problem (most values pass, and making a path for each cost about 5 % of validation).
pub(super) trait At {
    /// The path.
    fn path(&self) -> KeyPath;
}

impl At for KeyPath {
    fn path(&self) -> KeyPath {
        self.clone()
    }
}

/// `parent` followed by `key` ([`KeyPath::child`]), not joined yet.
pub(super) struct Child<'a> {
    parent: &'a KeyPath,
    key: &'static str,
}

impl At for Child<'_> {
    fn path(&self) -> KeyPath {
        self.parent.key(self.key)
    }
}

impl fmt::Display for KeyPath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, segment) in self.0.iter().enumerate() {
            match segment {
                Segment::Key(k) if i == 0 => write!(f, "{k}")?,
                Segment::Key(k) => write!(f, ".{k}")?,
                Segment::Index(n) => write!(f, "[{n}]")?,
            }
        }
        Ok(())
    }
}

/// One problem found in an inventory.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{path}: {message}")]
pub struct Problem {
    /// Where.
    pub path: KeyPath,
    /// What is wrong and what was expected.
    pub message: String,
}

struct Checker {
    problems: Vec<Problem>,
    /// The distributions the file gives, which each key's domain must hold for (none for
    /// [`Inventory::validate`], which sees nominal values only).
    spreads: Spreads,
}

impl Checker {
    fn new(spreads: Spreads) -> Checker {
        Checker {
            problems: Vec::new(),
            spreads,
        }
    }

    fn problem(&mut self, path: &impl At, message: impl Into<String>) {
        self.problems.push(Problem {
            path: path.path(),
            message: message.into(),
        });
    }

    fn quantity(
        &mut self,
        path: &impl At,
        q: &Quantity,
        expected: &[Dimension],
        non_negative: bool,
    ) -> bool {
        if !q.to_base_units().is_finite() {
            self.problem(path, out_of_range(q));
            return false;
        }
        if !expected.contains(&q.dimension()) {
            let wanted: Vec<String> = expected
                .iter()
                .map(|d| match d.example_unit() {
                    Some(u) => format!("{} (e.g. {u})", d.name()),
                    None => d.name(),
                })
                .collect();
            self.problem(
                path,
                format!(
                    "`{q}` is {}, expected {}",
                    q.dimension().name(),
                    wanted.join(" or ")
                ),
            );
            return false;
        }
        if non_negative {
            if q.value() < 0.0 {
                self.problem(
                    path,
                    format!("`{q}` is negative; a negative amount makes no sense here"),
                );
                return false;
            }
            self.spread_within(path, q.value(), Domain::NON_NEGATIVE);
        }
        true
    }

    fn positive_quantity(&mut self, path: &impl At, q: &Quantity, expected: Dimension) {
        if !self.quantity(path, q, &[expected], true) {
            return;
        }
        if q.value() == 0.0 {
            self.problem(path, format!("`{q}` must be greater than zero"));
        } else {
            self.spread_within(path, q.value(), Domain::POSITIVE);
        }
    }

    fn period(&mut self, path: &impl At, period: &Period) {
        if period.end < period.start {
            self.problem(
                path,
                format!(
                    "period ends ({}) before it starts ({})",
                    period.end, period.start
                ),
            );
        }
    }

    /// Checks that the ids are given and unique; returns the set of them.
    fn unique<'a>(
        &mut self,
        path: &KeyPath,
        ids: impl ExactSizeIterator<Item = &'a str>,
        what: &str,
    ) -> FxHashSet<&'a str> {
        let mut seen = FxHashSet::with_capacity_and_hasher(ids.len(), Default::default());
        for (i, id) in ids.enumerate() {
            if id.trim().is_empty() {
                // Kept in the set all the same: a reference to it is not unknown.
                seen.insert(id);
                self.problem(
                    &path.index(i).key("id"),
                    format!("{what} id must not be empty"),
                );
            } else if !seen.insert(id) {
                self.problem(
                    &path.index(i).key("id"),
                    format!("duplicate {what} id `{}`", bilan_units::text::clip(id)),
                );
            }
        }
        seen
    }

    fn reference(&mut self, path: &impl At, id: &str, known: &FxHashSet<&str>, what: &str) {
        if !known.contains(id) {
            let list = if known.is_empty() {
                format!("the inventory has no {what}")
            } else if known.len() <= 10 {
                let mut candidates: Vec<&str> = known.iter().copied().collect();
                candidates.sort_unstable();
                let shown: Vec<_> = candidates
                    .iter()
                    .map(|c| bilan_units::text::clip(c))
                    .collect();
                format!("known {what}s: {}", shown.join(", "))
            } else {
                let mut near = crate::suggest::closest(id, known.iter().copied(), 3);
                near.sort_unstable();
                if near.is_empty() {
                    format!("{} {what}s are known", known.len())
                } else {
                    let shown: Vec<_> = near.iter().map(|c| bilan_units::text::clip(c)).collect();
                    format!("did you mean {}?", shown.join(", "))
                }
            };
            self.problem(
                path,
                format!("unknown {what} `{}` ({list})", bilan_units::text::clip(id)),
            );
        }
    }

    /// A number of devices: a whole number greater than zero (the values a distribution
    /// reaches are held to be greater than zero, not whole: draws are not).
    fn device_count(&mut self, path: &impl At, value: f64) {
        if self.within(path, value, Domain::DEVICES) && value.fract() != 0.0 {
            self.problem(
                path,
                format!("`{value}` devices: a number of devices is a whole number"),
            );
        }
    }

    fn substance(&mut self, path: &impl At, q: &Quantity, indicator: Indicator) {
        let expected = match indicator {
            Indicator::Gwp => Some(Substance::Co2e),
            Indicator::Adpe => Some(Substance::SbEq),
            Indicator::Water | Indicator::Adpf | Indicator::Energy => None,
        };
        match (q.unit().substance(), expected) {
            (Some(found), Some(expected)) if found != expected => self.problem(
                path,
                format!("`{q}` is in {found}, but {indicator} is measured in {expected}"),
            ),
            (Some(found), None) => self.problem(
                path,
                format!("`{q}` is in {found}, which does not measure {indicator}"),
            ),
            _ => {}
        }
    }

    /// An impact amount for `indicator`, optionally per `per` (device, kWh…).
    fn impact(&mut self, path: &impl At, q: &Quantity, indicator: Indicator, per: Dimension) {
        if indicator == Indicator::Energy {
            self.problem(
                path,
                "`energy` (final electricity) is not an impact an item carries: methods compute it from the workloads' energy and the sites' PUE; give impacts as gwp, water, adpe or adpf",
            );
            return;
        }
        let dimension = indicator_dimension(indicator).div(per);
        if self.quantity(path, q, &[dimension], true) {
            self.substance(path, q, indicator);
        }
    }

    fn override_(
        &mut self,
        path: &KeyPath,
        o: &FactorOverride,
        indicator: Indicator,
        per: Dimension,
    ) {
        self.impact(&path.child("value"), &o.value, indicator, per);
        if o.source.trim().is_empty() {
            self.problem(&path.child("source"), "an override needs a cited source");
        }
        if o.boundary.trim().is_empty() {
            self.problem(&path.child("boundary"), "an override needs its boundary (e.g. `life-cycle`, `combustion`, `cradle-to-gate`)");
        }
    }

    fn sourced(&mut self, path: &KeyPath, q: &SourcedQuantity, indicator: Indicator) {
        self.impact(
            &path.child("value"),
            &q.value,
            indicator,
            Dimension::DIMENSIONLESS,
        );
        if q.source.trim().is_empty() {
            self.problem(&path.child("source"), "a source is required");
        }
    }
}

/// Why a quantity too large for its unit's base (`1e308 t`, 1e311 kg) is refused.
pub fn out_of_range(q: &Quantity) -> String {
    format!(
        "`{}` is out of range: converted to base units ({}) it is beyond the largest 64-bit number",
        bilan_units::text::clip(&format!("{:e} {}", q.value(), q.unit())),
        q.dimension().name()
    )
}

/// The dimension of one unit of an indicator's result.
pub(crate) fn indicator_dimension(indicator: Indicator) -> Dimension {
    match indicator {
        Indicator::Gwp | Indicator::Adpe => Dimension::MASS,
        Indicator::Water => Dimension::VOLUME,
        Indicator::Adpf | Indicator::Energy => Dimension::ENERGY,
    }
}

pub(super) fn validate(inv: &Inventory) -> Vec<Problem> {
    // The checks are independent passes over the inventory: the first, the largest, runs
    // beside the other three (about half of the work each on a large inventory), and the
    // problems are listed in the checks' order, as one pass after the other lists them.
    let (mut problems, later) = rayon::join(
        || {
            let mut c = Checker::new(Spreads::default());
            items::check(&mut c, inv);
            c.problems
        },
        || {
            let mut c = Checker::new(Spreads::default());
            text::check(&mut c, inv);
            time::check(&mut c, inv);
            capacity::check(&mut c, inv, &|_| true);
            c.problems
        },
    );
    problems.extend(later);
    problems
}

/// The capacity of the fleets `only` selects, for workloads added after [`validate`]
/// (telemetry).
pub(super) fn validate_capacity(inv: &Inventory, only: &dyn Fn(&Fleet) -> bool) -> Vec<Problem> {
    let mut c = Checker::new(Spreads::default());
    capacity::check(&mut c, inv, only);
    c.problems
}

/// Checks that need the factors: every hardware model is known.
pub(super) fn validate_against(
    inv: &Inventory,
    factors: &crate::factor::FactorSet,
) -> Vec<Problem> {
    let mut c = Checker::new(Spreads::default());
    models::check(&mut c, inv, factors);
    c.problems
}

/// Values inside what the format accepts but outside what is physically plausible: each
/// is a warning stating the plausible range.
pub(super) fn warnings(inv: &Inventory) -> Vec<Problem> {
    let mut c = Checker::new(Spreads::default());
    ranges::check(&mut c, inv);
    c.problems
}
