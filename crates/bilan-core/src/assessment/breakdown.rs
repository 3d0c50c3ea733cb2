//! An assessment's totals, and their breakdowns by stage, phase and category, for every
//! indicator in one pass: over the whole assessment, or fed one contribution at a time
//! ([`Totals`], [`Breakdowns`]) by a pass that does other work with each.

use std::collections::BTreeMap;

use serde::Serialize;

use super::{Assessment, Contribution, Stage};
use crate::indicator::Indicator;
use crate::inventory::Phase;

impl Assessment {
    /// Totals by stage, phase, category and item, for `indicator`.
    pub fn breakdown(&self, indicator: Indicator) -> Breakdown {
        let k = indicator.index();
        let mut wanted = [false; Indicator::ALL.len()];
        wanted[k] = true;
        self.breakdowns_of(wanted)[k].take().unwrap_or_default()
    }

    /// [`Assessment::breakdown`] of every indicator the method covers, in
    /// [`Indicator::ALL`] order (`None`: not covered), from one pass over the contributions.
    pub fn breakdowns(&self) -> [Option<Breakdown>; Indicator::ALL.len()] {
        self.breakdowns_of(Indicator::ALL.map(|i| self.covers(i)))
    }

    /// [`Assessment::breakdown`] of each `wanted` indicator, covered or not, in
    /// [`Indicator::ALL`] order (`None`: not wanted), from one pass over the contributions.
    pub fn breakdowns_of(
        &self,
        wanted: [bool; Indicator::ALL.len()],
    ) -> [Option<Breakdown>; Indicator::ALL.len()] {
        let mut pass = Breakdowns::new(wanted);
        for c in &self.contributions {
            pass.add(c);
        }
        pass.finish()
    }
}

/// [`Assessment::breakdowns_of`] built contribution by contribution, for a pass over an
/// assessment's contributions that does other work with each as well: given every
/// contribution in order, it gives the same breakdowns, bit for bit.
pub struct Breakdowns<'a> {
    wanted: [bool; Indicator::ALL.len()],
    tallies: [Tally<'a>; Indicator::ALL.len()],
}

impl std::fmt::Debug for Breakdowns<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Breakdowns")
            .field("wanted", &self.wanted)
            .finish_non_exhaustive()
    }
}

impl<'a> Breakdowns<'a> {
    /// Breakdowns of the `wanted` indicators, none added yet.
    pub fn new(wanted: [bool; Indicator::ALL.len()]) -> Breakdowns<'a> {
        Breakdowns {
            wanted,
            tallies: Default::default(),
        }
    }

    /// Adds `c`, the next contribution (memo items included: they are tallied apart).
    pub fn add(&mut self, c: &'a Contribution) {
        let mut phase_shares = None;
        for v in &c.values {
            let k = v.indicator.index();
            if !self.wanted[k] {
                continue;
            }
            let t = &mut self.tallies[k];
            let shares = phase_shares.get_or_insert_with(|| c.phase_shares());
            c.destinations(shares, |d, weight| t.add(d, v.value * weight));
        }
    }

    /// The breakdown of each wanted indicator (`None`: not wanted).
    pub fn finish(self) -> [Option<Breakdown>; Indicator::ALL.len()] {
        let mut out: [Option<Breakdown>; Indicator::ALL.len()] = Default::default();
        for ((slot, tally), wanted) in out.iter_mut().zip(self.tallies).zip(self.wanted) {
            if wanted {
                *slot = Some(tally.finish());
            }
        }
        out
    }
}

/// [`Assessment::totals`] built contribution by contribution, for a pass over an
/// assessment's contributions that does other work with each as well: given every
/// contribution in order, it gives the same totals, bit for bit.
#[derive(Clone, Copy, Debug)]
pub struct Totals {
    sums: [f64; Indicator::ALL.len()],
}

impl Default for Totals {
    fn default() -> Totals {
        // The same neutral element as `total`'s `Iterator::sum`, so an empty sum has the
        // same sign of zero.
        Totals {
            sums: [std::iter::empty::<f64>().sum(); Indicator::ALL.len()],
        }
    }
}

impl Totals {
    /// Adds `c`, the next contribution (a memo item adds nothing).
    pub fn add(&mut self, c: &Contribution) {
        if c.memo {
            return;
        }
        let mut seen = [false; Indicator::ALL.len()];
        for v in &c.values {
            let k = v.indicator.index();
            // `counted` takes a contribution's first value for an indicator.
            if !seen[k] {
                seen[k] = true;
                self.sums[k] += v.value;
            }
        }
    }

    /// The totals of `a`, whose contributions were added: `None` for an indicator it does
    /// not cover.
    pub fn finish(self, a: &Assessment) -> [Option<f64>; Indicator::ALL.len()] {
        let mut out = [None; Indicator::ALL.len()];
        for ((slot, sum), indicator) in out.iter_mut().zip(self.sums).zip(Indicator::ALL) {
            if a.covers(indicator) {
                *slot = Some(sum);
            }
        }
        out
    }
}

/// Where a contribution's value is counted in its method's figures: the one rule that the
/// breakdown and the propagation of uncertainty (which sums drawn values the same way) share.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Destination<'a> {
    /// The total.
    Total,
    /// A life-cycle stage.
    Stage(Stage),
    /// A workload phase (with the contribution's share of that phase).
    Phase(Phase),
    /// The method's category.
    Category(&'a str),
    /// A memo item of that category (not in the total).
    Memo(&'a str),
}

impl Contribution {
    /// Calls `add` with every destination of this contribution's values and the weight of
    /// the value there (1, or the phase's share); `phase_shares` are its
    /// [`Contribution::phase_shares`], computed once by the caller.
    pub fn destinations<'a>(
        &'a self,
        phase_shares: &[f64; Phase::ALL.len()],
        mut add: impl FnMut(Destination<'a>, f64),
    ) {
        if self.memo {
            if let Some(cat) = &self.category {
                add(Destination::Memo(cat), 1.0);
            }
            return;
        }
        add(Destination::Total, 1.0);
        add(Destination::Stage(self.stage), 1.0);
        for (p, share) in Phase::ALL.iter().zip(phase_shares) {
            if *share > 0.0 {
                add(Destination::Phase(*p), *share);
            }
        }
        if let Some(cat) = &self.category {
            add(Destination::Category(cat), 1.0);
        }
    }
}

/// One indicator's sums while a [`Breakdown`] is accumulated.
#[derive(Default)]
struct Tally<'a> {
    total: f64,
    by_stage: [f64; Stage::ALL.len()],
    stage_seen: [bool; Stage::ALL.len()],
    by_phase: [f64; Phase::ALL.len()],
    phase_seen: [bool; Phase::ALL.len()],
    by_category: Tallies<'a>,
    memo: Tallies<'a>,
}

impl<'a> Tally<'a> {
    fn add(&mut self, d: Destination<'a>, v: f64) {
        match d {
            Destination::Total => self.total += v,
            Destination::Stage(stage) => {
                let s = stage.index();
                self.by_stage[s] += v;
                self.stage_seen[s] = true;
            }
            Destination::Phase(phase) => {
                let p = phase.index();
                self.by_phase[p] += v;
                self.phase_seen[p] = true;
            }
            Destination::Category(cat) => self.by_category.add(cat, v),
            Destination::Memo(cat) => self.memo.add(cat, v),
        }
    }

    fn finish(self) -> Breakdown {
        let seen = |values: &[f64], seen: &[bool], n: usize| seen[n].then(|| values[n]);
        Breakdown {
            total: self.total,
            by_stage: Stage::ALL
                .iter()
                .enumerate()
                .filter_map(|(n, s)| seen(&self.by_stage, &self.stage_seen, n).map(|v| (*s, v)))
                .collect(),
            by_phase: Phase::ALL
                .iter()
                .enumerate()
                .filter_map(|(n, p)| seen(&self.by_phase, &self.phase_seen, n).map(|v| (*p, v)))
                .collect(),
            by_category: self.by_category.into_map(),
            memo: self.memo.into_map(),
        }
    }
}

/// Sums by category name. Methods have a handful of categories, shared by many
/// contributions (often the same `&'static str`), so a short list searched by address first
/// beats a map keyed by string.
#[derive(Default)]
struct Tallies<'a>(Vec<(&'a str, f64)>);

impl<'a> Tallies<'a> {
    fn add(&mut self, key: &'a str, v: f64) {
        let found = self
            .0
            .iter()
            .position(|(k, _)| std::ptr::eq(*k, key))
            .or_else(|| self.0.iter().position(|(k, _)| *k == key));
        match found {
            Some(n) => self.0[n].1 += v,
            None => self.0.push((key, v)),
        }
    }

    fn into_map(self) -> BTreeMap<String, f64> {
        let mut map = BTreeMap::new();
        for (k, v) in self.0 {
            *map.entry(k.to_owned()).or_insert(0.0) += v;
        }
        map
    }
}

/// Totals of one indicator broken down.
#[derive(Clone, Debug, Default, PartialEq, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub struct Breakdown {
    /// Total.
    pub total: f64,
    /// By life-cycle stage.
    pub by_stage: BTreeMap<Stage, f64>,
    /// By workload phase.
    pub by_phase: BTreeMap<Phase, f64>,
    /// By the method's categories.
    pub by_category: BTreeMap<String, f64>,
    /// Memo items by category (not in the total).
    pub memo: BTreeMap<String, f64>,
}
