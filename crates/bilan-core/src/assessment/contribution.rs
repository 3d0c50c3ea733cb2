//! A contribution: an inventory item's share of one or more indicators, with its terms.
//!
//! What a contribution is about (aspect, stage, phase, category, memo, formula, presence
//! driver) repeats across the items of a large inventory, while the item, terms and values do
//! not: the description is a shared [`ContributionMeta`], read through `Deref`
//! (`contribution.aspect`…), as a [`Term`]'s is. The serialised form is unchanged.

use std::borrow::Cow;
use std::sync::Arc;

use serde::{Deserialize, Serialize};

use super::{
    Allocation, Allocations, Aspect, Driver, FactorUse, IndicatorValue, ItemKind, ItemRef, Stage,
    Term,
};
use crate::indicator::Indicator;
use crate::inventory::Phase;

/// One computed amount: an inventory item's share of one or more indicators.
#[derive(Clone, Debug, PartialEq)]
pub struct Contribution {
    /// The inventory item.
    pub item: ItemRef,
    meta: Arc<ContributionMeta>,
    /// Terms shared by every indicator.
    pub terms: Box<[Term]>,
    /// One value per indicator.
    pub values: Box<[IndicatorValue]>,
    /// For an item's impact shared among workloads (a fleet's embodied impacts): each
    /// workload's share, summing to 1. Phase totals and functional units split by it.
    pub allocation: Allocations,
}

/// What a contribution is about, apart from its item, terms and values; shared by every
/// contribution with the same description.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct ContributionMeta {
    /// Which part of the item.
    pub aspect: Aspect,
    /// Life-cycle stage.
    pub stage: Stage,
    /// Workload phase, when it belongs to one.
    pub phase: Option<Phase>,
    /// The method's own category (e.g. `scope-2-location`).
    pub category: Option<Cow<'static, str>>,
    /// A memo item is reported but not added to totals (e.g. the market-based Scope 2 when
    /// the headline is location-based, or offsets).
    pub memo: bool,
    /// The formula in symbols, e.g. `E_IT × PUE × F_grid`.
    pub formula: Cow<'static, str>,
    /// The driver that explains this contribution's presence when another method has none.
    pub presence: Option<Driver>,
}

impl std::ops::Deref for Contribution {
    type Target = ContributionMeta;

    fn deref(&self) -> &ContributionMeta {
        &self.meta
    }
}

impl Contribution {
    /// A contribution of `item` described by `meta`.
    pub fn new(
        item: ItemRef,
        meta: ContributionMeta,
        terms: Vec<Term>,
        values: Vec<IndicatorValue>,
        allocation: impl Into<Allocations>,
    ) -> Contribution {
        Contribution::shared(item, Arc::new(meta), terms, values, allocation.into())
    }

    /// What the contribution is about, to change it (copied first if another shares it).
    pub fn meta_mut(&mut self) -> &mut ContributionMeta {
        Arc::make_mut(&mut self.meta)
    }

    /// The shared description.
    pub fn meta(&self) -> &Arc<ContributionMeta> {
        &self.meta
    }

    /// A contribution of `item` with a description already shared.
    pub(crate) fn shared(
        item: ItemRef,
        meta: Arc<ContributionMeta>,
        terms: Vec<Term>,
        values: Vec<IndicatorValue>,
        allocation: Allocations,
    ) -> Contribution {
        Contribution {
            item,
            meta,
            terms: terms.into_boxed_slice(),
            values: values.into_boxed_slice(),
            allocation,
        }
    }

    /// Adds a term after the others (the values are not recomputed). The terms move to one
    /// allocation of their new length.
    pub fn push_term(&mut self, term: Term) {
        let mut terms = Vec::with_capacity(self.terms.len() + 1);
        terms.extend(std::mem::take(&mut self.terms));
        terms.push(term);
        self.terms = terms.into_boxed_slice();
    }

    /// Keeps only the values `keep` accepts.
    pub fn retain_values(&mut self, keep: impl FnMut(&IndicatorValue) -> bool) {
        let mut values = std::mem::take(&mut self.values).into_vec();
        values.retain(keep);
        self.values = super::shared::exact(values).into_boxed_slice();
    }

    /// The shared description, to replace it by an equal one.
    pub(crate) fn meta_arc_mut(&mut self) -> &mut Arc<ContributionMeta> {
        &mut self.meta
    }
}

// What a `Contribution` is serialised as: the layout of reports and of the plugin interface.
/// One computed amount: an inventory item's share of one or more indicators.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "kebab-case")]
#[schemars(rename = "Contribution")]
struct ContributionData {
    /// The inventory item.
    item: ItemRef,
    /// Which part of it.
    aspect: Aspect,
    /// Life-cycle stage.
    stage: Stage,
    /// Workload phase, when it belongs to one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    phase: Option<Phase>,
    /// The method's own category (e.g. `scope-2-location`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    category: Option<Cow<'static, str>>,
    /// A memo item is reported but not added to totals (e.g. the market-based Scope 2 when
    /// the headline is location-based, or offsets).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    memo: bool,
    /// The formula in symbols, e.g. `E_IT × PUE × F_grid`.
    formula: Cow<'static, str>,
    /// Terms shared by every indicator.
    terms: Vec<Term>,
    /// One value per indicator.
    values: Vec<IndicatorValue>,
    /// The driver that explains this contribution's presence when another method has none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    presence: Option<Driver>,
    /// For an item's impact shared among workloads (a fleet's embodied impacts): each
    /// workload's share, summing to 1. Phase totals and functional units split by it.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    allocation: Vec<Allocation>,
}

/// [`ContributionData`] borrowed from a [`Contribution`], for writing without copying it.
#[derive(Serialize)]
#[serde(rename_all = "kebab-case")]
struct ContributionOut<'a> {
    item: &'a ItemRef,
    aspect: Aspect,
    stage: Stage,
    #[serde(skip_serializing_if = "Option::is_none")]
    phase: Option<Phase>,
    #[serde(skip_serializing_if = "Option::is_none")]
    category: Option<&'a str>,
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    memo: bool,
    formula: &'a str,
    terms: &'a [Term],
    values: &'a [IndicatorValue],
    #[serde(skip_serializing_if = "Option::is_none")]
    presence: Option<Driver>,
    #[serde(skip_serializing_if = "<[Allocation]>::is_empty")]
    allocation: &'a [Allocation],
}

impl Serialize for Contribution {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        ContributionOut {
            item: &self.item,
            aspect: self.aspect,
            stage: self.stage,
            phase: self.phase,
            category: self.category.as_deref(),
            memo: self.memo,
            formula: &self.formula,
            terms: &self.terms,
            values: &self.values,
            presence: self.presence,
            allocation: &self.allocation,
        }
        .serialize(serializer)
    }
}

impl<'de> Deserialize<'de> for Contribution {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Contribution, D::Error> {
        let d = ContributionData::deserialize(deserializer)?;
        Ok(Contribution::new(
            d.item,
            ContributionMeta {
                aspect: d.aspect,
                stage: d.stage,
                phase: d.phase,
                category: d.category,
                memo: d.memo,
                formula: d.formula,
                presence: d.presence,
            },
            d.terms,
            d.values,
            d.allocation,
        ))
    }
}

impl schemars::JsonSchema for Contribution {
    fn schema_name() -> Cow<'static, str> {
        ContributionData::schema_name()
    }

    fn schema_id() -> Cow<'static, str> {
        ContributionData::schema_id()
    }

    fn json_schema(generator: &mut schemars::SchemaGenerator) -> schemars::Schema {
        ContributionData::json_schema(generator)
    }
}

impl Contribution {
    /// The share of this contribution that belongs to `phase`.
    pub fn phase_share(&self, phase: Phase) -> f64 {
        if self.allocation.is_empty() {
            if self.phase == Some(phase) { 1.0 } else { 0.0 }
        } else {
            self.allocation
                .iter()
                .filter(|a| a.phase == phase)
                .map(|a| a.share)
                .sum()
        }
    }

    /// The share of this contribution that belongs to each phase, in the order of
    /// [`Phase::ALL`], in one pass over its allocation.
    pub fn phase_shares(&self) -> [f64; Phase::ALL.len()] {
        let mut shares = [0.0; Phase::ALL.len()];
        if self.allocation.is_empty() {
            if let Some(p) = self.phase {
                shares[p.index()] = 1.0;
            }
        } else {
            for a in self.allocation.iter() {
                shares[a.phase.index()] += a.share;
            }
        }
        shares
    }

    /// The share of this contribution that belongs to the workloads `ids`.
    pub fn workload_share<S: std::hash::BuildHasher>(
        &self,
        ids: &std::collections::HashSet<&str, S>,
    ) -> f64 {
        if self.item.kind == ItemKind::Workload {
            if ids.contains(&*self.item.id) {
                1.0
            } else {
                0.0
            }
        } else {
            self.allocation
                .iter()
                .filter(|a| ids.contains(&*a.workload))
                .map(|a| a.share)
                .sum()
        }
    }

    /// The value for `indicator`, if this contribution has one.
    pub fn value(&self, indicator: Indicator) -> Option<f64> {
        self.values
            .iter()
            .find(|v| v.indicator == indicator)
            .map(|v| v.value)
    }

    /// Product of the terms that bear on every value (all of them, unless one applies to
    /// a single indicator: see [`Contribution::base_for`]).
    pub fn base(&self) -> f64 {
        self.terms
            .iter()
            .filter(|t| t.indicator.is_none())
            .map(Term::effect)
            .product()
    }

    /// Product of the terms that bear on `indicator`'s value, in their order: the value is
    /// this times the indicator's factor.
    pub fn base_for(&self, indicator: Indicator) -> f64 {
        product_for(&self.terms, indicator)
    }

    /// Whether a term applies to one indicator only.
    pub fn has_indicator_terms(&self) -> bool {
        self.terms.iter().any(|t| t.indicator.is_some())
    }

    /// Checks the audit-trail invariant: each value equals the product of the terms that
    /// bear on it and its factor, looked up in `factors`.
    pub fn check(&self, factors: &[FactorUse]) -> Result<(), String> {
        for v in &self.values {
            let base = self.base_for(v.indicator);
            let factor = factors.iter().find(|f| f.id == v.factor).ok_or_else(|| {
                format!(
                    "{} {}: factor `{}` is not listed",
                    self.item, self.aspect, v.factor
                )
            })?;
            let expected = base * factor.canonical;
            let tolerance = 1e-9 * expected.abs().max(v.value.abs()).max(f64::MIN_POSITIVE);
            if (expected - v.value).abs() > tolerance {
                return Err(format!(
                    "{} {} {}: value {} but terms give {expected}",
                    self.item, self.aspect, v.indicator, v.value
                ));
            }
        }
        Ok(())
    }
}

/// The product of the effects of `terms` that bear on `indicator`, in their order.
pub(crate) fn product_for(terms: &[Term], indicator: Indicator) -> f64 {
    terms
        .iter()
        .filter(|t| t.applies_to(indicator))
        .map(Term::effect)
        .product()
}
