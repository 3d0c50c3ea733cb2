//! Market-based Scope 2 matched hour by hour (`market-matching = hourly`): each qualifying
//! instrument's generation profile against each Scope 2 site's consumption, in the same
//! hour and market; the share matched (the 24/7 carbon-free energy score) and the unmatched
//! remainder at the residual mix. The arithmetic is the method kit's
//! ([`bilan_method_kit::matching`]); the trail is written here.

use bilan_core::assessment::{Aspect, Disclosure, Driver, ItemKind, ItemRef};
use bilan_core::inventory::Ownership;
use bilan_core::method::MethodError;
use bilan_method_kit::matching::{self, Curve, Load, Supply};
use std::rc::Rc;

use super::market::refuse;
use super::{Energy, Run, SCOPE_2_MARKET, input_error, kg_per_kwh, kwh};

/// The hourly matching's totals over the Scope 2 sites, for the disclosures.
#[derive(Clone, Copy, Debug, Default)]
pub(super) struct Totals {
    consumption: f64,
    matched: f64,
    carbon_free: f64,
}

/// `part` of `whole` in per cent, to two decimals, for texts.
fn percent(part: f64, whole: f64) -> String {
    if whole > 0.0 {
        format!("{:.2} %", 100.0 * part / whole)
    } else {
        "–".to_owned()
    }
}

impl<'a> Run<'a> {
    /// Matches the qualifying instruments to the Scope 2 sites' consumption hour by hour and
    /// registers each site's market-based factor and hourly curve.
    pub(super) fn market_hourly(&mut self, energies: &[Energy<'a>]) -> Result<(), MethodError> {
        let sites = &self.inv.sites;
        let hours = self.hours;
        let scope2: Vec<bool> = sites
            .iter()
            .map(|s| s.ownership != Ownership::Cloud)
            .collect();
        let place: rustc_hash::FxHashMap<&str, usize> = sites
            .iter()
            .enumerate()
            .map(|(k, s)| (s.id.as_str(), k))
            .collect();
        let mut loads: Vec<Load> = sites.iter().map(|_| Load::new(&hours)).collect();
        for e in energies {
            let Some(&s) = place.get(e.w.site.as_str()) else {
                continue;
            };
            if !scope2[s] || e.facility <= 0.0 {
                continue;
            }
            if let Some(m) = &e.w.metered {
                loads[s].add_metered(&hours, &m.hourly, e.facility);
            } else if let Some(range) = hours.range(e.w.period.or(Some(self.inv.system.period))) {
                loads[s].spread(range, e.facility);
            }
        }
        let loads: Vec<Vec<f64>> = loads.into_iter().map(Load::hours).collect();
        let mut supplies = Vec::new();
        let mut supplied = Vec::new();
        for (i, ins) in self.inv.instruments.iter().enumerate() {
            let item = ItemRef::new(ItemKind::Instrument, ins.id.as_str());
            let Some(in_market) = self.qualifies(ins, &item, &scope2) else {
                continue;
            };
            let Some(profile) = &ins.profile_data else {
                let reason = match &ins.profile {
                    Some(file) => format!(
                        "its profile `{file}` is not at hand (a compiled plugin receives the inventory's keys, not the profile's values), so it cannot be matched hour by hour"
                    ),
                    None => format!(
                        "no hourly generation profile (`profile`): hourly matching (parameter `{}` = `hourly`) needs the instrument's generation hour by hour",
                        matching::PARAM
                    ),
                };
                refuse(&mut self.b, &item, reason, Driver::MarketMatching);
                continue;
            };
            let (generation, inside) = hours.bins(profile);
            if inside <= 0.0 {
                refuse(
                    &mut self.b,
                    &item,
                    format!(
                        "its profile `{}` has no generation inside the reporting period {}",
                        profile.file, self.period
                    ),
                    Driver::MarketMatching,
                );
                continue;
            }
            let rate = ins
                .emission_factor
                .to(kg_per_kwh())
                .map_err(|e| input_error(&item, e))?;
            supplies.push(Supply {
                generation,
                rate,
                sites: in_market,
            });
            supplied.push((i, inside));
        }
        let m = matching::match_hourly(&loads, &supplies);
        for (k, &(i, inside)) in supplied.iter().enumerate() {
            let Some(ins) = self.inv.instruments.get(i) else {
                continue;
            };
            let item = ItemRef::new(ItemKind::Instrument, ins.id.as_str());
            let allocated: Vec<(usize, f64)> = m
                .sites
                .iter()
                .enumerate()
                .map(|(s, site)| (s, site.by_instrument[k]))
                .filter(|(_, v)| *v > 0.0)
                .collect();
            let surplus = m.surplus[k];
            if allocated.is_empty() {
                self.b.exclude(
                    item,
                    Some(Aspect::MarketElectricity),
                    None,
                    format!(
                        "unused: in no hour of its generation in the reporting period ({}) was consumption of its market left to cover, so claiming it would claim nothing",
                        kwh(inside)
                    ),
                    Some(Driver::MarketMatching),
                );
                continue;
            }
            self.record_instrument(
                ins,
                item,
                &allocated,
                "matched hour by hour",
                &if surplus > 0.0 {
                    format!(
                        "of its {} generated in the reporting period, {} came in hours whose consumption was already covered: surplus, not claimable under hourly matching",
                        kwh(inside),
                        kwh(surplus)
                    )
                } else {
                    format!(
                        "all of its {} generated in the reporting period matched",
                        kwh(inside)
                    )
                },
            )?;
        }
        let mut totals = Totals::default();
        for (s, site) in sites.iter().enumerate() {
            let matched = &m.sites[s];
            if !scope2[s] || matched.consumption <= 0.0 {
                continue;
            }
            let unmatched = (matched.consumption - matched.matched).max(0.0);
            let (residual, label) = if unmatched > 0.0 {
                match self.residual(site, unmatched)? {
                    Ok(found) => found,
                    Err(reason) => {
                        if let Some(ctx) = self.sites.get_mut(site.id.as_str()).map(Rc::make_mut) {
                            ctx.market = Err(reason);
                        }
                        continue;
                    }
                }
            } else {
                // Every hour's consumption matched: no residual is drawn on.
                (0.0, "no residual mix (all consumption matched)".to_owned())
            };
            let Some(curve) = Curve::new(&loads[s], matched, residual) else {
                continue;
            };
            totals.consumption += matched.consumption;
            totals.matched += matched.matched;
            totals.carbon_free += matched.carbon_free;
            let text = format!(
                "{} consumed in the reporting period, {} matched hour by hour by instruments ({} of it carbon-free: a 24/7 carbon-free energy score of {}), {} unmatched at {label}",
                kwh(matched.consumption),
                kwh(matched.matched),
                kwh(matched.carbon_free),
                percent(matched.carbon_free, matched.consumption),
                kwh(unmatched),
            );
            self.b.assume(
                "hourly-matching",
                format!("site `{}`: {text}", site.id),
                Some(ItemRef::new(ItemKind::Site, site.id.as_str())),
            );
            let source = format!(
                "derived for site `{}` by hourly matching over {} hours (UTC): Σ hours (matched × instrument rate + unmatched × {} kg/kWh, {label}) / {} of facility energy in the reporting period; workloads weighted by k_match",
                site.id,
                hours.len(),
                residual,
                kwh(matched.consumption)
            );
            let id = self.market_factor(
                site,
                curve.factor,
                "market-based, matched hour by hour: contractual instruments in the same hour and market, then residual mix",
                source,
            );
            self.note(
                SCOPE_2_MARKET,
                format!(
                    "site `{}`: matched hour by hour, 24/7 CFE score {}",
                    site.id,
                    percent(matched.carbon_free, matched.consumption)
                ),
            );
            if let Some(ctx) = self.sites.get_mut(site.id.as_str()).map(Rc::make_mut) {
                ctx.market = Ok(id);
                ctx.matching = Some(curve);
            }
        }
        self.hourly_totals = Some(totals);
        Ok(())
    }

    /// The hourly matching's disclosures: consumption matched hour by hour, the 24/7
    /// carbon-free energy score and the unmatched remainder.
    pub(super) fn hourly_disclosures(&mut self) {
        let Some(t) = self.hourly_totals else { return };
        let unmatched = (t.consumption - t.matched).max(0.0);
        let score = (t.consumption > 0.0).then(|| 100.0 * t.carbon_free / t.consumption);
        let figures = [
            (
                "scope-2-market-matched",
                "electricity matched hour by hour by contractual instruments",
                Some(t.matched),
                "kWh",
                "Σ Scope 2 sites, Σ hours min(consumption, the market's qualifying generation in that hour), instruments in inventory order",
            ),
            (
                "scope-2-market-unmatched",
                "electricity not matched hour by hour (at the residual mix)",
                Some(unmatched),
                "kWh",
                "Σ Scope 2 sites, consumption − matched",
            ),
            (
                "cfe-score",
                "24/7 carbon-free energy score",
                score,
                "%",
                "Σ hours energy matched by carbon-free instruments (rate 0) ÷ Σ consumption, Scope 2 sites; the grid's own carbon-free share is not counted",
            ),
        ];
        for (id, label, value, unit, formula) in figures {
            self.b.disclose(Disclosure {
                id: id.into(),
                label: label.into(),
                indicator: None,
                value,
                unit: unit.into(),
                formula: formula.into(),
                note: (t.consumption <= 0.0)
                    .then(|| "no consumption at a Scope 2 site in the reporting period".to_owned()),
            });
        }
    }
}
