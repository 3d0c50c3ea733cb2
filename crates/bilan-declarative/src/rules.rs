//! Applying a file's rules to the base method's assessment.
//!
//! Rules run in the file's order. Every change keeps the audit-trail invariant (each value is
//! the product of its terms and factor): a scaled contribution gains a term `k_<rule>`
//! tagged with the auditor-rule driver (applying to one indicator only when the rule names
//! one); an excluded contribution becomes an exclusion naming
//! the rule and its file; a contribution shared among workloads loses only the excluded
//! phase's share, through a term. A rule that matches nothing is reported as a warning.

use std::collections::{HashMap, HashSet};
use std::sync::{Mutex, OnceLock, PoisonError};

use bilan_core::assessment::{
    Allocation, Assessment, Assumption, Contribution, Driver, Exclusion, ItemRef, Term, TermSource,
};
use bilan_core::indicator::Indicator;

use crate::Declarative;
use crate::spec::{Match, RuleKind, RuleSpec};

fn matches(m: &Match, c: &Contribution) -> bool {
    m.item_kind
        .as_ref()
        .is_none_or(|k| k.contains(&c.item.kind))
        && m.item.as_deref().is_none_or(|id| id == &*c.item.id)
        && m.aspect.as_ref().is_none_or(|a| a.contains(&c.aspect))
        && m.stage.as_ref().is_none_or(|s| s.contains(&c.stage))
        && m.phase.is_none_or(|p| c.phase_share(p) > 0.0)
        && m.category
            .as_deref()
            .is_none_or(|k| c.category.as_deref() == Some(k))
        && m.indicator.is_none_or(|i| c.value(i).is_some())
}

/// Multiplies the values `term` applies to (every value, or its indicator's only) by its
/// effect, and adds it to the contribution's terms.
fn scale(c: &mut Contribution, term: Term) {
    let k = term.effect();
    for v in c.values.iter_mut().filter(|v| term.applies_to(v.indicator)) {
        v.value *= k;
    }
    c.push_term(term);
}

struct Context<'a> {
    file: &'a str,
    line: Option<usize>,
}

impl Context<'_> {
    fn label(&self, rule: &RuleSpec) -> String {
        match self.line {
            Some(l) => format!("rule `{}` ({}:{l})", rule.id, self.file),
            None => format!("rule `{}` ({})", rule.id, self.file),
        }
    }
}

/// Applies `d`'s rules to `a`.
pub(crate) fn apply(d: &Declarative, a: &mut Assessment) {
    let mut fired_any = false;
    for rule in &d.spec.rules {
        let cx = Context {
            file: &d.file,
            line: d.rule_lines.get(&rule.id).copied(),
        };
        let label = cx.label(rule);
        let touched = match rule.kind {
            RuleKind::Exclude => exclude(a, rule, &label),
            RuleKind::Scale => scale_matching(a, rule, &label),
            RuleKind::CutOff => cut_off(a, rule, &label),
        };
        if touched.is_empty() {
            a.warnings
                .push(format!("{label} matched nothing in this inventory"));
            continue;
        }
        fired_any = true;
        let mut items: Vec<ItemRef> = touched;
        items.sort();
        items.dedup();
        a.assumptions.push(Assumption {
            topic: "auditor-rule".into(),
            text: format!(
                "{label} ({}) applied to {}: {}",
                kind_name(rule.kind),
                bilan_units::text::count(items.len(), "item", "items"),
                rule.reason
            ),
            items,
        });
    }
    if fired_any && !a.disclosures.is_empty() {
        a.disclosures.clear();
        a.warnings.push(format!(
            "the base method's own disclosures are not reported: the rules of {} changed the results they were computed from",
            d.file
        ));
    }
}

/// `text` as a `&'static str`, kept once per distinct text for the life of the process. A
/// rule's symbol and reason go into a term of every contribution it matches (100,000 of
/// them in a large inventory); borrowed text is shared where owned text would be copied
/// into each. Distinct texts are bounded by the rules of the methodologies loaded.
fn intern(text: String) -> &'static str {
    static TEXTS: OnceLock<Mutex<HashSet<&'static str>>> = OnceLock::new();
    let mut texts = TEXTS
        .get_or_init(Default::default)
        .lock()
        .unwrap_or_else(PoisonError::into_inner);
    if let Some(&known) = texts.get(text.as_str()) {
        return known;
    }
    let leaked: &'static str = Box::leak(text.into_boxed_str());
    texts.insert(leaked);
    leaked
}

fn kind_name(kind: RuleKind) -> &'static str {
    match kind {
        RuleKind::Exclude => "exclude",
        RuleKind::Scale => "scale",
        RuleKind::CutOff => "cut-off",
    }
}

fn exclude(a: &mut Assessment, rule: &RuleSpec, label: &str) -> Vec<ItemRef> {
    let m = &rule.matcher;
    let reason = format!("{label}: {}", rule.reason);
    // The term that removes a phase's share of a shared item: one description for every
    // item it scales, each with its own value.
    let rest_term = Term::new(
        intern(format!("k_{}", rule.id)),
        1.0,
        "1",
        TermSource::Rule {
            rule: intern(reason.clone()).into(),
        },
    )
    .driver(Driver::AuditorRule);
    let mut touched = Vec::new();
    let exclusions = &mut a.exclusions;
    // In place: a large assessment is not copied to drop a few of its contributions.
    a.contributions.retain_mut(|c| {
        if !matches(m, c) {
            return true;
        }
        touched.push(c.item.clone());
        if let Some(indicator) = m.indicator {
            // One indicator only: drop its value, keep the others.
            c.retain_values(|v| v.indicator != indicator);
            exclusions.push(exclusion(c, Some(indicator), &reason));
            return !c.values.is_empty();
        }
        match m.phase {
            Some(phase) if !c.allocation.is_empty() && c.phase_share(phase) < 1.0 => {
                // A shared item: remove the phase's share through a term, keep the rest.
                let share = c.phase_share(phase);
                let rest = 1.0 - share;
                c.allocation = c
                    .allocation
                    .iter()
                    .filter(|x| x.phase != phase)
                    .map(|x| Allocation {
                        share: x.share / rest,
                        ..x.clone()
                    })
                    .collect();
                let mut term = rest_term.clone();
                term.value = rest;
                scale(c, term);
                exclusions.push(exclusion(
                    c,
                    None,
                    &format!("{reason} (the {phase} share, {share:.4}, of this shared item)"),
                ));
                true
            }
            _ => {
                exclusions.push(exclusion(c, None, &reason));
                false
            }
        }
    });
    touched
}

fn exclusion(c: &Contribution, indicator: Option<Indicator>, reason: &str) -> Exclusion {
    Exclusion {
        item: c.item.clone(),
        aspect: Some(c.aspect),
        indicator,
        reason: reason.to_owned().into(),
        driver: Some(Driver::AuditorRule),
    }
}

fn scale_matching(a: &mut Assessment, rule: &RuleSpec, label: &str) -> Vec<ItemRef> {
    let Some(k) = rule.multiplier else {
        return Vec::new();
    };
    let mut touched = Vec::new();
    let mut term = Term::new(
        intern(format!("k_{}", rule.id)),
        k,
        "1",
        TermSource::Rule {
            rule: intern(format!("{label}: {}", rule.reason)).into(),
        },
    )
    .driver(Driver::AuditorRule);
    if let Some(indicator) = rule.matcher.indicator {
        // Matched for having the indicator's value, and scaling that value only.
        term = term.only(indicator);
    }
    for c in a
        .contributions
        .iter_mut()
        .filter(|c| matches(&rule.matcher, c))
    {
        touched.push(c.item.clone());
        scale(c, term.clone());
    }
    touched
}

/// Per indicator: items whose counted total is below `threshold` × the indicator's total
/// (computed once, before any of them is removed) lose that indicator's values.
fn cut_off(a: &mut Assessment, rule: &RuleSpec, label: &str) -> Vec<ItemRef> {
    let Some(threshold) = rule.threshold else {
        return Vec::new();
    };
    let mut touched = Vec::new();
    let covered: Vec<Indicator> = Indicator::ALL
        .into_iter()
        .filter(|i| a.covers(*i))
        .collect();
    for indicator in covered {
        let mut per_item: HashMap<&ItemRef, f64> = HashMap::new();
        let mut total = 0.0;
        for (c, v) in a
            .counted(indicator)
            .filter(|(c, _)| matches(&rule.matcher, c))
        {
            *per_item.entry(&c.item).or_default() += v;
            total += v;
        }
        if total <= 0.0 {
            continue;
        }
        let mut below: Vec<(ItemRef, f64)> = per_item
            .into_iter()
            .filter(|(_, v)| *v >= 0.0 && *v < threshold * total)
            .map(|(item, v)| (item.clone(), v))
            .collect();
        below.sort_by(|x, y| x.0.cmp(&y.0));
        for (item, v) in below {
            let reason = format!(
                "{label}: {} is {:.4} % of the total {indicator}, below the cut-off of {} %: {}",
                item,
                v / total * 100.0,
                threshold * 100.0,
                rule.reason
            );
            for c in a
                .contributions
                .iter_mut()
                .filter(|c| !c.memo && c.item == item && matches(&rule.matcher, c))
            {
                c.retain_values(|x| x.indicator != indicator);
            }
            a.exclusions.push(Exclusion {
                item: item.clone(),
                aspect: None,
                indicator: Some(indicator),
                reason: reason.into(),
                driver: Some(Driver::AuditorRule),
            });
            touched.push(item);
        }
        a.contributions.retain(|c| !c.values.is_empty());
    }
    touched
}
