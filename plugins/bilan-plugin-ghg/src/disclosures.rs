//! The scopes' totals as disclosures, each scope a figure of its own, and the offsets apart.

use bilan_core::assessment::{Aspect, Disclosure};
use bilan_core::indicator::Indicator;

use super::{OFFSETS, Run, SCOPE_1, SCOPE_2_LOCATION, SCOPE_2_MARKET};

impl<'a> Run<'a> {
    /// The scopes' totals, each scope as a figure of its own, and the offsets apart.
    pub(super) fn disclosures(&mut self) {
        let a = self.b.assessment();
        let count = |keep: &dyn Fn(&str) -> bool| {
            a.contributions
                .iter()
                .filter(|c| c.category.as_deref().is_some_and(keep))
                .filter_map(|c| c.value(Indicator::Gwp))
                .fold((0usize, 0.0), |(n, sum), v| (n + 1, sum + v))
        };
        let (n1, scope1) = count(&|c| c == SCOPE_1);
        let (_, location) = count(&|c| c == SCOPE_2_LOCATION);
        let (_, market) = count(&|c| c == SCOPE_2_MARKET);
        let (_, scope3) = count(&|c| c.starts_with("scope-3-"));
        let (n_offsets, offsets) = count(&|c| c == OFFSETS);
        let upstream_not_computed = a
            .exclusions
            .iter()
            .filter(|e| e.aspect == Some(Aspect::ElectricityUpstream))
            .count();
        let (in_total, memo) = if self.market_in_total {
            ("market-based", "location-based")
        } else {
            ("location-based", "market-based")
        };
        let headline = format!("Scope 2 {in_total} in the total, {memo} as a memo item");
        let with_notes = |key: &str| match self.notes.get(key).filter(|v| !v.is_empty()) {
            Some(v) => format!("{headline}; {}", v.join("; ")),
            None => headline.clone(),
        };
        let mut scope3_note = vec!["no Cat. 12: the inventory has no sold products".to_owned()];
        if upstream_not_computed > 0 {
            scope3_note.insert(
                0,
                format!(
                    "Cat. 3 not computed for {}, see exclusions",
                    bilan_units::text::count(upstream_not_computed, "workload", "workloads")
                ),
            );
        }
        let figures = [
            (
                SCOPE_1,
                "Scope 1",
                scope1,
                "fuel burnt × combustion factor + refrigerant leaked × GWP100, at owned sites",
                (n1 == 0)
                    .then(|| "no fuel or refrigerant at an owned site in the inventory".to_owned()),
            ),
            (
                SCOPE_2_LOCATION,
                "Scope 2, location-based",
                location,
                "purchased electricity × PUE × grid factor (combustion-only where available)",
                Some(with_notes(SCOPE_2_LOCATION)),
            ),
            (
                SCOPE_2_MARKET,
                "Scope 2, market-based",
                market,
                "energy covered × instrument factor + energy uncovered × residual mix (else the location-based factor)",
                Some(with_notes(SCOPE_2_MARKET)),
            ),
            (
                "scope-3",
                "Scope 3, all categories",
                scope3,
                "Cat. 1 + 2 + 3 + 4 + 5 (see the categories)",
                Some(scope3_note.join("; ")),
            ),
            (
                "total-location-based",
                "Scope 1 + 2 + 3, location-based",
                scope1 + location + scope3,
                "Scope 1 + Scope 2 location-based + Scope 3",
                None,
            ),
            (
                "total-market-based",
                "Scope 1 + 2 + 3, market-based",
                scope1 + market + scope3,
                "Scope 1 + Scope 2 market-based + Scope 3",
                None,
            ),
            (
                OFFSETS,
                "offsets (reported apart, never netted)",
                offsets,
                "carbon credits bought; never deducted from any scope",
                (n_offsets == 0).then(|| "the inventory lists no offsets".to_owned()),
            ),
        ];
        for (id, label, value, formula, note) in figures {
            self.b.disclose(Disclosure {
                id: id.into(),
                label: label.into(),
                indicator: Some(Indicator::Gwp),
                value: Some(value),
                unit: Indicator::Gwp.unit().into(),
                formula: formula.into(),
                note,
            });
        }
        self.b
            .disclose(bilan_method_kit::energy::it_energy_disclosure(
                self.it_energy,
            ));
    }
}
