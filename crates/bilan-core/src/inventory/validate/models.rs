//! Hardware models are known: a fleet's `model` (and its host's) names factors of the
//! database or of a user factor file, or carries its own embodied figures. An unknown model
//! would otherwise drop the fleet's embodied impacts in some methods and not others.

use super::{At, Checker, KeyPath};
use crate::factor::FactorSet;
use crate::inventory::Inventory;
use crate::suggest::closest;

pub(super) fn check(c: &mut Checker, inv: &Inventory, factors: &FactorSet) {
    let mut known: Option<Vec<&str>> = None;
    let root = KeyPath::root();
    for (i, fleet) in inv.fleets.iter().enumerate() {
        let path = root.key("fleet").index(i);
        if fleet.embodied.is_empty() && !is_known(factors, &fleet.model) {
            let known = known.get_or_insert_with(|| hardware_ids(factors));
            c.unknown_model(&path.child("model"), &fleet.model, known);
        }
        if let Some(host) = &fleet.host
            && host.embodied.is_empty()
            && !is_known(factors, &host.model)
        {
            let known = known.get_or_insert_with(|| hardware_ids(factors));
            c.unknown_model(&path.key("host").key("model"), &host.model, known);
        }
    }
}

fn is_known(factors: &FactorSet, model: &str) -> bool {
    let subject = format!("hardware/{model}");
    factors.for_subject(&subject).next().is_some()
        || factors.absences().iter().any(|a| a.subject == subject)
}

/// Every hardware model id the factors know, sorted, once each.
fn hardware_ids(factors: &FactorSet) -> Vec<&str> {
    let mut ids: Vec<&str> = factors
        .factors()
        .iter()
        .map(|f| f.subject.as_str())
        .chain(factors.absences().iter().map(|a| a.subject.as_str()))
        .filter_map(|s| s.strip_prefix("hardware/"))
        .collect();
    ids.sort_unstable();
    ids.dedup();
    ids
}

impl Checker {
    fn unknown_model(&mut self, path: &impl At, model: &str, known: &[&str]) {
        let near = closest(model, known.iter().copied(), 3);
        let hint = if near.is_empty() {
            let shown: Vec<_> = known
                .iter()
                .take(20)
                .map(|k| bilan_units::text::clip(k))
                .collect();
            format!("known models: {}", shown.join(", "))
        } else {
            format!(
                "did you mean {}?",
                near.iter()
                    .map(|n| format!("`{}`", bilan_units::text::clip(n)))
                    .collect::<Vec<_>>()
                    .join(" or ")
            )
        };
        self.problem(
            path,
            format!(
                "`{}`: unknown hardware model; {hint} (`bilan factors --subject hardware/` lists them; give your own in a `--factors` file, or the fleet's `embodied` figures)",
                bilan_units::text::clip(model)
            ),
        );
    }
}
