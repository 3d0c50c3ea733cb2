//! Building an [`Assessment`] so that its invariants hold by construction: values are
//! computed from terms and registered factors, factors are listed once, assumptions and
//! warnings are grouped.

use rustc_hash::FxHashMap;
use std::borrow::Cow;
use std::sync::Arc;

use bilan_units::Unit;

use super::shared::{Pool, Recent, exact};
use super::{
    Aspect, Assessment, Assumption, Contribution, ContributionMeta, Disclosure, Driver, Exclusion,
    FactorUse, IndicatorCoverage, IndicatorValue, ItemRef, Stage, Term, TermMeta,
};
use crate::descriptor::{Descriptor, MethodError, Parameters};
use crate::factor::{Factor, Resolved};
use crate::indicator::Indicator;
use crate::inventory::{FactorOverride, Phase};

/// Accumulates an assessment.
#[derive(Debug)]
pub struct Builder {
    assessment: Assessment,
    factor_index: FxHashMap<Arc<str>, usize>,
    assumption_index: FxHashMap<(Cow<'static, str>, String), usize>,
    /// Every distinct term description, shared by the terms that have it.
    terms: Pool<TermMeta>,
    /// Every distinct contribution description, likewise.
    metas: Pool<ContributionMeta>,
    /// The descriptions of the last contribution of each aspect, compared first.
    recent: Recent,
    /// The factors last looked up by id, found again by the id's address: a method passes
    /// the id [`Builder::factor`] returned, the same `Arc` for every contribution.
    recent_factors: Vec<(Arc<str>, usize)>,
}

/// What a contribution is about, before its values are computed.
#[derive(Clone, Debug)]
pub struct Draft {
    /// The inventory item.
    pub item: ItemRef,
    /// Which part of it.
    pub aspect: Aspect,
    /// Life-cycle stage.
    pub stage: Stage,
    /// Workload phase.
    pub phase: Option<Phase>,
    /// The method's category.
    pub category: Option<Cow<'static, str>>,
    /// Reported but not in totals.
    pub memo: bool,
    /// Formula in symbols.
    pub formula: Cow<'static, str>,
    /// Shared terms.
    pub terms: Vec<Term>,
    /// The driver explaining this contribution's presence.
    pub presence: Option<Driver>,
    /// Shares of workloads, for an item shared among them.
    pub allocation: super::Allocations,
}

impl Draft {
    /// A contribution of `item`'s `aspect` in `stage`.
    pub fn new(
        item: ItemRef,
        aspect: Aspect,
        stage: Stage,
        formula: impl Into<Cow<'static, str>>,
    ) -> Draft {
        Draft {
            item,
            aspect,
            stage,
            phase: None,
            category: None,
            memo: false,
            formula: formula.into(),
            terms: Vec::new(),
            presence: None,
            allocation: super::Allocations::default(),
        }
    }

    /// Sets the phase.
    pub fn phase(mut self, phase: Option<Phase>) -> Draft {
        self.phase = phase;
        self
    }

    /// Sets the category.
    pub fn category(mut self, category: impl Into<Cow<'static, str>>) -> Draft {
        self.category = Some(category.into());
        self
    }

    /// Marks it as a memo item.
    pub fn memo(mut self) -> Draft {
        self.memo = true;
        self
    }

    /// Adds a term.
    pub fn term(mut self, term: Term) -> Draft {
        self.terms.push(term);
        self
    }

    /// Sets the workloads' shares (a list given as [`super::Allocations`] is shared, not
    /// copied).
    pub fn allocation(mut self, allocation: impl Into<super::Allocations>) -> Draft {
        self.allocation = allocation.into();
        self
    }

    /// Sets the presence driver.
    pub fn presence(mut self, driver: Driver) -> Draft {
        self.presence = Some(driver);
        self
    }
}

impl Builder {
    /// Starts the assessment of a method with `parameters` (effective values are recorded).
    pub fn new(descriptor: &Descriptor, parameters: &Parameters) -> Builder {
        let effective = descriptor
            .parameters
            .iter()
            .filter_map(|p| {
                parameters
                    .effective(descriptor, &p.name)
                    .map(|v| (p.name.clone(), v.to_string()))
            })
            .collect();
        let coverage = Indicator::ALL
            .into_iter()
            .map(|indicator| {
                let covered = descriptor.indicators.contains(&indicator);
                IndicatorCoverage {
                    indicator,
                    covered,
                    not_computed: false,
                    note: (!covered).then(|| {
                        format!(
                            "{} is outside the scope of {}",
                            indicator.name(),
                            descriptor.name
                        )
                    }),
                }
            })
            .collect();
        Builder {
            assessment: Assessment {
                parameters: effective,
                coverage,
                ..Assessment::empty(descriptor.method_ref())
            },
            factor_index: FxHashMap::default(),
            assumption_index: FxHashMap::default(),
            terms: Pool::default(),
            metas: Pool::default(),
            recent: Recent::default(),
            recent_factors: Vec::new(),
        }
    }

    /// This builder with room for `contributions` contributions. A method that knows about
    /// how many it will add (a few per workload) spares the assessment the copies of a
    /// growing list, which for a large inventory are most of the memory it touches.
    pub fn with_capacity(mut self, contributions: usize) -> Builder {
        self.assessment.contributions.reserve(contributions);
        self
    }

    /// Replaces the coverage note of an indicator outside the method's scope.
    pub fn not_covered(&mut self, indicator: Indicator, note: impl Into<String>) {
        if let Some(c) = self
            .assessment
            .coverage
            .iter_mut()
            .find(|c| c.indicator == indicator)
        {
            c.covered = false;
            c.note = Some(note.into());
        }
    }

    /// Adds a caveat to a covered indicator.
    pub fn coverage_note(&mut self, indicator: Indicator, note: impl Into<String>) {
        if let Some(c) = self
            .assessment
            .coverage
            .iter_mut()
            .find(|c| c.indicator == indicator)
        {
            c.note = Some(note.into());
        }
    }

    /// Registers a factor use (once per id) and returns its id.
    pub fn factor(&mut self, use_: FactorUse) -> Arc<str> {
        let id = use_.id.clone();
        if !self.factor_index.contains_key(&id) {
            self.factor_index
                .insert(id.clone(), self.assessment.factors.len());
            self.assessment.factors.push(use_);
        }
        id
    }

    /// The registered factor with this id.
    pub fn factor_use(&self, id: &str) -> Option<&FactorUse> {
        self.factor_index
            .get(id)
            .map(|&i| &self.assessment.factors[i])
    }

    /// Registers a database factor found by lookup, converted to `unit`.
    pub fn database_factor(
        &mut self,
        resolved: &Resolved<'_>,
        symbol: &'static str,
        unit: &Unit,
        driver: Option<Driver>,
    ) -> Result<Arc<str>, MethodError> {
        let f: &Factor = resolved.factor;
        if let Some(&i) = self.factor_index.get(f.id.as_str()) {
            return Ok(self.assessment.factors[i].id.clone());
        }
        let canonical = f
            .value_in(unit)
            .map_err(|e| MethodError::Other(format!("factor `{}`: {e}", f.id)))?;
        Ok(self.factor(FactorUse {
            id: f.id.as_str().into(),
            symbol: symbol.into(),
            canonical,
            canonical_unit: if unit.symbol().is_empty() {
                "1".into()
            } else {
                unit.symbol().to_owned().into()
            },
            driver,
            subject: f.subject.clone(),
            indicator: f.indicator,
            value: f.value.to_string(),
            boundary: f.boundary.id().to_owned(),
            region: Some(f.region.code().to_owned()),
            requested_region: Some(resolved.requested.code().to_owned()),
            fallback: resolved
                .fallback
                .iter()
                .map(|r| r.code().to_owned())
                .collect(),
            year: Some(f.year),
            source: f.citation.clone(),
            licence: Some(f.licence.clone()),
            basis: Some(f.basis.id().to_owned()),
            quality: Some(format!("{:?}", f.quality).to_lowercase()),
            alternatives: resolved.alternatives.iter().map(|a| a.id.clone()).collect(),
            from_inventory: false,
        }))
    }

    /// Registers a factor given in the inventory at `path` (an override), converted to `unit`.
    #[expect(
        clippy::too_many_arguments,
        reason = "each argument is one part of the factor's citation; a struct would only rename them"
    )]
    pub fn override_factor(
        &mut self,
        path: &str,
        subject: &str,
        indicator: Option<Indicator>,
        o: &FactorOverride,
        symbol: &'static str,
        unit: &Unit,
        driver: Option<Driver>,
    ) -> Result<Arc<str>, MethodError> {
        let id: Arc<str> = format!("inventory:{path}").into();
        if self.factor_index.contains_key(&id) {
            return Ok(id);
        }
        let canonical = o.value.to(unit).map_err(|e| MethodError::Input {
            item: path.to_owned(),
            message: e.to_string(),
        })?;
        Ok(self.factor(FactorUse {
            id,
            symbol: symbol.into(),
            canonical,
            canonical_unit: unit.symbol().to_owned().into(),
            driver,
            subject: subject.to_owned(),
            indicator,
            value: o.value.to_string(),
            boundary: o.boundary.clone(),
            region: None,
            requested_region: None,
            fallback: Vec::new(),
            year: o.year,
            source: o.source.clone(),
            licence: None,
            basis: Some("inventory override".to_owned()),
            quality: None,
            alternatives: Vec::new(),
            from_inventory: true,
        }))
    }

    /// Records an assumption; identical texts are grouped and list the items they apply to.
    pub fn assume(&mut self, topic: &'static str, text: String, item: Option<ItemRef>) {
        let key = (Cow::Borrowed(topic), text);
        let index = match self.assumption_index.get(&key) {
            Some(&i) => i,
            None => {
                let i = self.assessment.assumptions.len();
                self.assessment.assumptions.push(Assumption {
                    topic: key.0.clone(),
                    text: key.1.clone(),
                    items: Vec::new(),
                });
                self.assumption_index.insert(key, i);
                i
            }
        };
        if let Some(item) = item {
            self.assessment.assumptions[index].items.push(item);
        }
    }

    /// Records a warning once.
    pub fn warn(&mut self, text: String) {
        if !self.assessment.warnings.contains(&text) {
            self.assessment.warnings.push(text);
        }
    }

    /// Records an exclusion.
    pub fn exclude(
        &mut self,
        item: ItemRef,
        aspect: Option<Aspect>,
        indicator: Option<Indicator>,
        reason: impl Into<Cow<'static, str>>,
        driver: Option<Driver>,
    ) {
        self.assessment.exclusions.push(Exclusion {
            item,
            aspect,
            indicator,
            reason: reason.into(),
            driver,
        });
    }

    /// Adds a contribution whose values are its terms times each listed factor.
    pub fn contribute(&mut self, draft: Draft, factors: &[(Indicator, Arc<str>)]) {
        let base: f64 = draft.terms.iter().map(Term::effect).product();
        let per_indicator = draft.terms.iter().any(|t| t.indicator.is_some());
        let values = factors
            .iter()
            .map(|(indicator, id)| {
                let canonical = self.recent_factor(id).map_or(f64::NAN, |f| f.canonical);
                let base = if per_indicator {
                    super::contribution::product_for(&draft.terms, *indicator)
                } else {
                    base
                };
                IndicatorValue {
                    indicator: *indicator,
                    factor: id.clone(),
                    value: base * canonical,
                }
            })
            .collect();
        // Drafts grow their terms a few at a time; an assessment keeps hundreds of thousands
        // of contributions, so the spare capacity would be most of its memory.
        let mut terms = exact(draft.terms);
        self.recent
            .share_terms(&mut self.terms, draft.aspect, &mut terms);
        let meta = self.recent.intern_meta(
            &mut self.metas,
            ContributionMeta {
                aspect: draft.aspect,
                stage: draft.stage,
                phase: draft.phase,
                category: draft.category,
                memo: draft.memo,
                formula: draft.formula,
                presence: draft.presence,
            },
        );
        self.assessment.contributions.push(Contribution::shared(
            draft.item,
            meta,
            terms,
            values,
            draft.allocation,
        ));
    }

    /// [`Builder::factor_use`] of `id`, found first among the factors last looked up by the
    /// address of their id.
    fn recent_factor(&mut self, id: &Arc<str>) -> Option<&FactorUse> {
        /// How many ids are remembered: a contribution names one factor per indicator.
        const RECENT: usize = 8;
        let at = match self.recent_factors.iter().find(|(r, _)| Arc::ptr_eq(r, id)) {
            Some(&(_, at)) => at,
            None => {
                let at = *self.factor_index.get(id)?;
                if self.recent_factors.len() == RECENT {
                    self.recent_factors.remove(0);
                }
                self.recent_factors.push((id.clone(), at));
                at
            }
        };
        self.assessment.factors.get(at)
    }

    /// Adds a disclosure.
    pub fn disclose(&mut self, disclosure: Disclosure) {
        self.assessment.disclosures.push(disclosure);
    }

    /// The assessment so far (e.g. to compute totals for disclosures).
    pub fn assessment(&self) -> &Assessment {
        &self.assessment
    }

    /// Sets the per-functional-unit results.
    pub fn functional_units(&mut self, results: Vec<super::FunctionalUnitResult>) {
        self.assessment.functional_units = results;
    }

    /// The finished assessment.
    pub fn finish(self) -> Assessment {
        self.assessment
    }
}
