//! GHG Protocol corporate inventory of an AI system (id `ghg-protocol`).
//!
//! Follows the GHG Protocol Corporate Standard (2004), the Scope 2 Guidance (2015) and the
//! Corporate Value Chain (Scope 3) Standard (2011) as publicly described: one reporting
//! year, carbon only, emissions sorted into scopes and Scope 3 categories. Water, ADPe and
//! ADPf are outside the standard and reported as *not covered*, never as zeros. Results
//! are kg CO2e over 100 years (GWP100); the embedded datasets (Ember via Our World in Data,
//! US EPA eGRID2023) use IPCC AR5 values, and factors given in the inventory keep their own.
//!
//! Categories (the method's own, in each contribution's `category`) and formulas:
//!
//! * `scope-1`: fuel burnt and refrigerant leaked at sites the organisation owns,
//!   `Q_fuel × EF_fuel` and `m_leaked × GWP100`;
//! * `scope-2-location`: electricity of workloads at owned and colocation sites,
//!   `E × PUE × F_grid` per slice of IT energy (active, idle, host) with the
//!   **combustion-only** grid factor of the site's region (today eGRID for the US); where the
//!   database has none, the life-cycle factor with a disclosed fallback; a site's factor in
//!   the inventory always wins;
//! * `scope-2-market`: the same energy, `E_IT_total × PUE × F_mb`, where the site's `F_mb`
//!   blends the contractual instruments that meet the quality criteria the inventory can
//!   show with the residual mix the user supplies for the rest (else the location-based
//!   factor, disclosed);
//! * `scope-3-cat-1`: purchased services with provider-allocated emissions, and workloads
//!   in cloud sites (the provider buys the power) estimated from energy with the life-cycle
//!   grid factor, unless a cloud-compute service with allocated emissions covers them;
//! * `scope-3-cat-2`: hardware fleets and owned buildings at **100 % of cradle-to-gate in
//!   the year of acquisition**, never amortised: `N × expensed × EF_device` where
//!   `expensed` is 1 when acquired in the reporting period and 0 otherwise;
//! * `scope-3-cat-3`: upstream of electricity and T&D losses, `E_IT_total × PUE ×
//!   F_upstream` with `F_upstream = F_life-cycle − F_combustion` from a matched pair only;
//! * `scope-3-cat-4` and `scope-3-cat-5`: transport and end of life, in the year they happen;
//! * `offsets`: carbon credits, reported apart and never netted.
//!
//! The headline total uses the location-based Scope 2; the market-based contributions are
//! memo items (reported, not added). Parameter `scope-2-basis-for-total` swaps the two.
//! Offsets are always memo items.
//!
//! # Interpretations
//!
//! Where the standards' texts were recalled rather than read, the method implements their
//! stable core and states its reading here and in its descriptor:
//!
//! * **Scope 2 quality criteria.** An instrument is used only when the inventory shows that
//!   it is retired or cancelled (criterion 3), on behalf of `system.organisation` (exact
//!   text after trimming; an inventory without an organisation cannot show it), issued in
//!   the same market as the consuming site (its region is the site's region or an enclosing
//!   one, never `WORLD`; criterion 5), for a generation period that overlaps the reporting
//!   period (criterion 4; an instrument straddling the period counts pro rata of its days
//!   inside it, so that no year claims the same megawatt-hours twice), and not claimed twice
//!   (criterion 2: each instrument's energy is allocated once, to sites in inventory order,
//!   until used up). Criteria the inventory cannot show (the attribute conveyed, tracking)
//!   are taken from the instrument's own fields. Every instrument used or refused is in the
//!   audit trail with the reason.
//! * **Residual mix.** None ships (no open licence). Uncovered energy takes the
//!   `[[residual-mix]]` of the site's market (its region or an enclosing country); without
//!   one, the location-based factor, with a warning, as the Scope 2 Guidance allows.
//! * **Colocation.** The organisation buys the power of its colocation space: Scope 2. The
//!   operator's generators and cooling are not the organisation's, so fuel and refrigerant
//!   at colocation (and cloud) sites go to Scope 3 Cat. 1, not Scope 1.
//! * **Cloud.** A cloud provider buys the power and owns the hardware: the electricity of
//!   workloads in cloud sites is Scope 3 Cat. 1, estimated with the life-cycle grid factor
//!   (the cradle-to-gate of the service's electricity), and cloud fleets are not the
//!   organisation's capital goods. When a `[[service]]` with `cloud-compute = true` and
//!   provider-allocated GWP covers a cloud workload (same phase or no phase; same provider
//!   when both name one), the service's figure is used and the workload's energy is
//!   excluded, so that nothing is counted twice.
//! * **Cat. 3.** `F_life-cycle − F_combustion` is a meaningful upstream only when both come
//!   from the same source family (defined here as the same `dataset`), region and year.
//!   Otherwise Cat. 3 is "not computed" with the reason, never a mixed-source or negative
//!   number. The embedded data hold no such pair (eGRID and Ember differ in dataset, region
//!   and year); a user factor file can supply one.
//! * **Cat. 12** applies to sold products; the inventory format has no sold hardware, so the
//!   method never produces it. End of life of the organisation's own hardware is Cat. 5.
//! * **Time.** The reporting period is the calendar year `reporting-year`, else the
//!   inventory's `system.period`. Dated items count pro rata of their days inside it; an
//!   item without dates is taken to lie in `system.period` (the inventory format's rule).
//!   A model's footprint is not a corporate inventory: this method reports the year-`y`
//!   emissions attributable to the inventory's activities, with capital goods expensed.

use rustc_hash::{FxHashMap, FxHashSet};
use std::rc::Rc;
use std::sync::Arc;

use bilan_core::Derived;
use bilan_core::assessment::{
    Allocations, Aspect, Assessment, Builder, Draft, Driver, FactorUse, ItemRef, Term, TermSource,
};
use bilan_core::factor::FactorSet;
use bilan_core::indicator::Indicator;
use bilan_core::inventory::{Date, Inventory, Period, Workload};
use bilan_core::method::{
    Descriptor, MethodError, Methodology, ParamKind, ParamSpec, ParamValue, Parameters, RuleSpec,
};
use bilan_core::units::{self, Unit};
use bilan_method_kit::terms::EnergySum;

/// Method id.
pub const ID: &str = "ghg-protocol";

/// Scope 1: direct emissions from sources the organisation owns.
pub const SCOPE_1: &str = "scope-1";
/// Scope 2, location-based.
pub const SCOPE_2_LOCATION: &str = "scope-2-location";
/// Scope 2, market-based.
pub const SCOPE_2_MARKET: &str = "scope-2-market";
/// Scope 3 Cat. 1, purchased goods and services.
pub const SCOPE_3_CAT_1: &str = "scope-3-cat-1";
/// Scope 3 Cat. 2, capital goods.
pub const SCOPE_3_CAT_2: &str = "scope-3-cat-2";
/// Scope 3 Cat. 3, fuel- and energy-related activities (upstream of electricity).
pub const SCOPE_3_CAT_3: &str = "scope-3-cat-3";
/// Scope 3 Cat. 4, upstream transportation.
pub const SCOPE_3_CAT_4: &str = "scope-3-cat-4";
/// Scope 3 Cat. 5, waste generated in operations.
pub const SCOPE_3_CAT_5: &str = "scope-3-cat-5";
/// Scope 3 Cat. 12, end of life of sold products (never produced: no sold products).
pub const SCOPE_3_CAT_12: &str = "scope-3-cat-12";
/// Carbon credits, reported apart.
pub const OFFSETS: &str = "offsets";

/// The GHG Protocol corporate method.
#[derive(Debug)]
pub struct GhgProtocol {
    descriptor: Descriptor,
}

impl Default for GhgProtocol {
    fn default() -> Self {
        GhgProtocol {
            descriptor: descriptor(),
        }
    }
}

fn descriptor() -> Descriptor {
    Descriptor {
        id: ID.to_owned(),
        name: "GHG Protocol corporate inventory".to_owned(),
        version: semver::Version::new(1, 0, 0),
        summary: "one reporting year, carbon only: Scope 1, Scope 2 location- and market-based, Scope 3 by category, capital goods expensed in the year of acquisition".to_owned(),
        indicators: vec![Indicator::Gwp, Indicator::Energy],
        boundary: "the organisation's emissions in one reporting year attributable to the inventory: Scope 1 (on-site fuel, refrigerant leakage at owned sites), Scope 2 location-based (combustion-only grid factors) and market-based (qualifying contractual instruments, residual mix), Scope 3 Cat. 1 (services, cloud compute), Cat. 2 (hardware and owned buildings, 100 % of cradle-to-gate in the year of acquisition), Cat. 3 (upstream of electricity, matched factor pairs only), Cat. 4 (transport), Cat. 5 (end of life of own hardware); Cat. 12 needs sold products, which the inventory format does not have. GWP100 in kg CO2e, IPCC AR5 as used by the embedded datasets (Ember, US EPA eGRID2023); inventory overrides keep their own. Offsets reported apart, never netted. Water, ADPe and ADPf are outside the standard".to_owned(),
        parameters: vec![
            bilan_method_kit::temporal::param("`series` weights location-based Scope 2 and Cat. 3 by the site's grid series (`grid-series`) over each workload's period, as hourly location-based accounting does; `annual` keeps the annual average factor"),
            ParamSpec::new(
                "reporting-year",
                ParamKind::Year,
                None,
                "calendar year reported (1 January to 31 December); default: the inventory's `system.period`",
            ),
            ParamSpec::new(
                "scope-2-basis-for-total",
                ParamKind::Choice { values: vec!["location".into(), "market".into()] },
                Some(ParamValue::Text("location".into())),
                "which Scope 2 enters the total; the other is reported as a memo item (both are always reported)",
            ),
            bilan_method_kit::matching::param("`annual` (the Scope 2 Guidance of 2015): instruments cover the site's consumption over the reporting period; `hourly` (the direction of the Scope 2 revision, 24/7 matching): each instrument's generation profile (`profile`) covers consumption in the same hour and market only, the rest takes the residual mix, and the 24/7 carbon-free energy score is disclosed"),
            ParamSpec::new(
                "capital-goods",
                ParamKind::Choice { values: vec!["expensed".into(), "amortised".into()] },
                Some(ParamValue::Text("expensed".into())),
                "`expensed`: 100 % of cradle-to-gate in the year of acquisition (the GHG Protocol's rule); `amortised`: the share of the asset's lifetime that falls in the reporting period, as French BEGES practice and ISO 14064-1 allow (a variant, not the GHG Protocol)",
            ),
            ParamSpec::new(
                "default-lifetime",
                ParamKind::quantity(bilan_core::units::Dimension::TIME),
                Some(ParamValue::Quantity(bilan_core::units::Quantity::parse("4 years").expect("`4 years` parses"))),
                "lifetime of hardware that gives none, used only when `capital-goods` is `amortised` (a year is 365 days)",
            ),
            ParamSpec::new(
                "default-pue",
                ParamKind::Number { min: Some(1.0), max: None },
                None,
                "PUE for sites that give none; default: the database's industry average (Uptime Institute 2024)",
            ),
        ],
        rules: vec![
            RuleSpec::new(Driver::IndicatorCoverage, "carbon and energy", "GWP100 in kg CO2e (IPCC AR5 as used by the embedded datasets; inventory overrides keep their own), and the final electricity behind Scope 2 and Cat. 1 (`energy`, IT energy × PUE); water, ADPe and ADPf are reported as not covered, not as zeros"),
            RuleSpec::new(Driver::TimeFrame, "reporting year", "the calendar year `reporting-year`, else the inventory's period; dated items count pro rata of their days inside it, undated items are taken to lie in the inventory's period"),
            RuleSpec::new(Driver::CapitalGoods, "expensed", "Scope 3 Cat. 2: 100 % of cradle-to-gate in the year of acquisition, never amortised; hardware acquired in another year contributes 0; without an acquisition date it is excluded (parameter `capital-goods = amortised` spreads it over the lifetime instead, a BEGES / ISO 14064-1 variant recorded as an assumption)"),
            RuleSpec::new(Driver::UtilisationDivisor, "not applied", "capital goods are counted whole, whatever their utilisation"),
            RuleSpec::new(Driver::ElectricityBasis, "dual reporting", "Scope 2 is reported location-based and market-based; the market-based figure uses instruments that are retired on behalf of the organisation, from the site's market, for an overlapping period, allocated once; uncovered energy takes the user's residual mix, else the location-based factor (disclosed); the total uses `scope-2-basis-for-total`"),
            bilan_method_kit::temporal::rule(),
            RuleSpec::new(Driver::MarketMatching, "parameter, annual by default", "market-based Scope 2 matches instruments to consumption over the reporting period; with `market-matching = hourly`, hour by hour within the same market, from each instrument's generation profile: generation in an hour without consumption left is surplus, unmatched consumption takes the residual mix, each workload weighted by the hours it ran (k_match), and the 24/7 carbon-free energy score is disclosed"),
            RuleSpec::new(Driver::ElectricityBoundary, "combustion-only", "location-based Scope 2 uses combustion-only grid factors where the database has them (eGRID for the US), else the life-cycle factor with a disclosed fallback; a site's factor in the inventory wins; upstream and T&D losses go to Cat. 3, computed only from a matched life-cycle/combustion pair (same region, year and dataset)"),
            RuleSpec::new(Driver::FacilityOverhead, "included", "purchased facility electricity: IT energy × PUE"),
            RuleSpec::new(Driver::IdleOverhead, "included", "all electricity is counted, idle or reserved energy and host overhead included"),
            RuleSpec::new(Driver::HostEmbodied, "expensed", "host servers are capital goods too: 100 % of their cradle-to-gate in the year of acquisition (Cat. 2)"),
            RuleSpec::new(Driver::Building, "Cat. 2 if owned", "an owned building acquired in the reporting year counts 100 % of the system's share of its construction; a building the organisation does not own is in the operator's figures"),
            RuleSpec::new(Driver::Transport, "Cat. 4", "transport of purchased hardware, in the year it is shipped (undated: the fleet's acquisition date)"),
            RuleSpec::new(Driver::EndOfLife, "Cat. 5", "end of life of the organisation's hardware, in the year of disposal; Cat. 12 applies only to sold products, which the inventory format does not have"),
            RuleSpec::new(Driver::OtherItems, "Scope 1 and Cat. 1", "fuel and refrigerant at owned sites are Scope 1 (at colocation or cloud sites, the operator's: Cat. 1); purchased services with provider-allocated emissions are Cat. 1; cloud workloads are Cat. 1 (energy × life-cycle factor) unless a cloud-compute service's allocated emissions cover them; offsets are reported apart and never netted"),
            RuleSpec::new(Driver::FactorChoice, "cradle-to-gate, vendor PCF first", "hardware takes a cradle-to-gate figure when one exists (a reviewed vendor PCF, then a teardown LCA, then a parametric model), else a cradle-to-grave figure with a warning; inventory overrides win"),
        ],
        references: vec![
            "WRI/WBCSD (2004), The Greenhouse Gas Protocol: A Corporate Accounting and Reporting Standard, revised edition".to_owned(),
            "WRI/WBCSD (2015), GHG Protocol Scope 2 Guidance (dual reporting, quality criteria, residual mix); this version follows the 2015 guidance, not the revision under consultation".to_owned(),
            "WRI/WBCSD (2011), Corporate Value Chain (Scope 3) Accounting and Reporting Standard (Cat. 2: no amortisation of capital goods, p. 39)".to_owned(),
            "IPCC (2013), Fifth Assessment Report (AR5), GWP100 values, as used by the embedded datasets".to_owned(),
        ],
    }
}

impl Methodology for GhgProtocol {
    fn descriptor(&self) -> &Descriptor {
        &self.descriptor
    }

    fn assess(
        &self,
        inventory: &Inventory,
        factors: &FactorSet,
        parameters: &Parameters,
    ) -> Result<Assessment, MethodError> {
        self.assess_in(&Derived::new(inventory), factors, parameters)
    }

    fn assess_in(
        &self,
        inventory: &Derived<'_>,
        factors: &FactorSet,
        parameters: &Parameters,
    ) -> Result<Assessment, MethodError> {
        Run::new(&self.descriptor, inventory, factors, parameters)?.assess()
    }
}

/// The factors of one site.
#[derive(Clone)]
struct SiteCtx {
    /// Whether the organisation buys the power (owned, colocation): Scope 2.
    scope2: bool,
    pue: Term,
    /// Location-based factor (Scope 2) or life-cycle factor (cloud, Cat. 1), or why none.
    grid: Result<Arc<str>, String>,
    /// Cat. 3 factor, or why it is not computed.
    upstream: Result<Arc<str>, String>,
    /// Market-based factor, or why none (set once instruments are allocated).
    market: Result<Arc<str>, String>,
    /// The site's grid series, if its location-based GWP follows one.
    temporal: Option<bilan_method_kit::temporal::Temporal>,
    /// Its market-based factor hour by hour, under hourly matching.
    matching: Option<bilan_method_kit::matching::Curve>,
}

/// A part of a workload's IT energy, as terms.
struct Slice {
    aspect: Aspect,
    formula: String,
    terms: Vec<Term>,
    presence: Option<Driver>,
    /// `PUE`, or 1 for energy measured at the facility boundary.
    pue: Term,
}

/// Whether an item falls in the reporting period, and its share when partly.
enum Share {
    /// Entirely outside, with the reason.
    Outside(String),
    /// Inside, with the pro-rata term when only partly.
    Inside(Option<Term>),
}

impl Share {
    fn value(&self) -> f64 {
        match self {
            Share::Outside(_) => 0.0,
            Share::Inside(None) => 1.0,
            Share::Inside(Some(t)) => t.value,
        }
    }

    fn term(&self) -> Option<Term> {
        match self {
            Share::Inside(t) => t.clone(),
            Share::Outside(_) => None,
        }
    }
}

/// A workload's energy, before it is charged.
struct Energy<'a> {
    w: &'a Workload,
    /// IT energy of every slice, kWh (what was measured at the facility boundary divided
    /// by the site's PUE).
    e_it: f64,
    /// The slices' energy by the boundary it was measured at.
    sum: EnergySum,
    share: Share,
    /// Facility energy inside the reporting period, kWh.
    facility: f64,
}

struct Run<'a> {
    d: &'a Descriptor,
    inv: &'a Derived<'a>,
    factors: &'a FactorSet,
    params: &'a Parameters,
    b: Builder,
    period: Period,
    market_in_total: bool,
    amortise: bool,
    sites: FxHashMap<&'a str, Rc<SiteCtx>>,
    /// Sites whose Cat. 3 or market-based electricity was already reported missing.
    site_gaps: FxHashSet<(&'a str, Aspect)>,
    allocations: FxHashMap<&'a str, Allocations>,
    notes: FxHashMap<&'static str, Vec<String>>,
    /// Records of the instruments used, added after the workloads they cover.
    instrument_records: Vec<(Draft, Arc<str>)>,
    /// Σ IT energy of the electricity charged, kWh (the `it-energy` disclosure).
    it_energy: f64,
    /// The reporting period's hours, for hourly matching.
    hours: bilan_method_kit::matching::Hours,
    /// Whether market-based Scope 2 is matched hour by hour (`market-matching = hourly`).
    hourly: bool,
    /// The hourly matching's totals, once matched.
    hourly_totals: Option<hourly::Totals>,
}

/// Below this relative difference, energy is taken as fully covered (rounding).
const ROUNDING: f64 = 1e-9;

fn input_error(item: &ItemRef, e: impl ToString) -> MethodError {
    MethodError::Input {
        item: item.to_string(),
        message: e.to_string(),
    }
}

fn kg_per_kwh() -> &'static Unit {
    &units::KG_PER_KWH
}

fn sym(share: &Share) -> &'static str {
    if share.term().is_some() {
        " × s_period"
    } else {
        ""
    }
}

/// A GWP factor read from the inventory at `path`; callers fill in subject, value,
/// boundary and source.
fn inventory_factor(path: &str, symbol: &'static str, canonical: f64, unit: &str) -> FactorUse {
    FactorUse {
        id: format!("inventory:{path}").into(),
        symbol: symbol.into(),
        canonical,
        canonical_unit: unit.to_owned().into(),
        driver: None,
        subject: String::new(),
        indicator: Some(Indicator::Gwp),
        value: String::new(),
        boundary: String::new(),
        region: None,
        requested_region: None,
        fallback: Vec::new(),
        year: None,
        source: format!("inventory `{path}`"),
        licence: None,
        basis: Some("inventory".into()),
        quality: None,
        alternatives: Vec::new(),
        from_inventory: true,
    }
}

/// An energy for trail texts, to the watt-hour (the exact value is in the terms).
fn kwh(v: f64) -> String {
    let text = format!("{v:.3}");
    let text = text.trim_end_matches('0').trim_end_matches('.');
    format!("{text} kWh")
}

impl<'a> Run<'a> {
    fn new(
        d: &'a Descriptor,
        inv: &'a Derived<'a>,
        factors: &'a FactorSet,
        params: &'a Parameters,
    ) -> Result<Self, MethodError> {
        params.check(d)?;
        let period = match params.year(d, "reporting-year") {
            Some(y) => {
                let bad = || MethodError::BadParameter {
                    method: ID.into(),
                    name: "reporting-year".into(),
                    message: format!("`{y}` is not a calendar year"),
                };
                let y = i16::try_from(y).map_err(|_| bad())?;
                Period {
                    start: Date::new(y, 1, 1).ok_or_else(bad)?,
                    end: Date::new(y, 12, 31).ok_or_else(bad)?,
                }
            }
            None => inv.system.period,
        };
        Ok(Run {
            d,
            inv,
            factors,
            params,
            b: Builder::new(d, params)
                .with_capacity(2 * inv.workloads.len() + 4 * inv.fleets.len()),
            period,
            market_in_total: params.text(d, "scope-2-basis-for-total") == Some("market"),
            amortise: params.text(d, "capital-goods") == Some("amortised"),
            sites: FxHashMap::default(),
            site_gaps: FxHashSet::default(),
            allocations: FxHashMap::default(),
            notes: FxHashMap::default(),
            instrument_records: Vec::new(),
            it_energy: 0.0,
            hours: bilan_method_kit::matching::Hours::of(period),
            hourly: params.text(d, bilan_method_kit::matching::PARAM) == Some("hourly"),
            hourly_totals: None,
        })
    }

    fn note(&mut self, key: &'static str, text: String) {
        let v = self.notes.entry(key).or_default();
        if !v.contains(&text) {
            v.push(text);
        }
    }

    fn assess(mut self) -> Result<Assessment, MethodError> {
        let out_of_scope = "outside the scope of the GHG Protocol, which covers greenhouse gases only (the seven Kyoto gases as CO2e): not reported, which is not zero";
        for indicator in [Indicator::Water, Indicator::Adpe, Indicator::Adpf] {
            self.b
                .not_covered(indicator, format!("{} is {out_of_scope}", indicator.name()));
        }
        self.b.coverage_note(
            Indicator::Gwp,
            "GWP100 in kg CO2e, IPCC AR5 as used by the embedded datasets (Ember, US EPA eGRID2023); factors given in the inventory keep their own",
        );
        self.reporting_period();
        for site in &self.inv.sites {
            let ctx = self.site(site)?;
            self.sites.insert(site.id.as_str(), Rc::new(ctx));
        }
        let mut energies = Vec::with_capacity(self.inv.workloads.len());
        for w in &self.inv.workloads {
            energies.push(self.energy(w)?);
        }
        let covering = self.cloud_coverage(&energies);
        if self.hourly {
            self.market_hourly(&energies)?;
        } else {
            self.market_based(&energies)?;
        }
        for (e, service) in energies.iter().zip(&covering) {
            self.workload(e, *service)?;
        }
        for (draft, factor) in std::mem::take(&mut self.instrument_records) {
            self.b.contribute(draft, &[(Indicator::Gwp, factor)]);
        }
        for fleet in &self.inv.fleets {
            self.fleet(fleet)?;
        }
        self.buildings()?;
        self.transport_and_end_of_life()?;
        self.services(&energies, &covering)?;
        self.fuels_and_refrigerants()?;
        self.offsets()?;
        let (fu, notes) = self.inv.functional_unit_results(self.b.assessment())?;
        self.b.functional_units(fu);
        for note in notes {
            self.b.warn(note);
        }
        self.disclosures();
        self.hourly_disclosures();
        Ok(self.b.finish())
    }

    fn reporting_period(&mut self) {
        let p = self.period;
        let text = match self.params.year(self.d, "reporting-year") {
            Some(y) => format!("reporting period: calendar {y} ({p}), parameter `reporting-year`"),
            None => format!("reporting period: the inventory's `system.period` ({p})"),
        };
        self.b.assume("reporting-period", text, None);
        if !(365..=366).contains(&p.days()) {
            self.b.warn(format!(
                "the reporting period {p} spans {} days; the GHG Protocol reports one year: set parameter `reporting-year`",
                p.days()
            ));
        }
    }

    /// Whether an item dated `own` (else the inventory's period) falls in the reporting
    /// period; records the assumption for undated items.
    fn share(&mut self, item: &ItemRef, own: Option<&Period>) -> Share {
        let period = match own {
            Some(p) => *p,
            None => {
                self.b.assume(
                    "undated",
                    format!(
                        "no dates given: taken to lie in the inventory's period ({})",
                        self.inv.system.period
                    ),
                    Some(item.clone()),
                );
                self.inv.system.period
            }
        };
        let days = period.days();
        let inside = period.overlap_days(&self.period);
        if inside <= 0 || days <= 0 {
            return Share::Outside(format!(
                "{period} lies outside the reporting period {}",
                self.period
            ));
        }
        if inside >= days {
            return Share::Inside(None);
        }
        Share::Inside(Some(
            Term::new(
                "s_period",
                inside as f64 / days as f64,
                "1",
                TermSource::Derived {
                    formula: format!(
                        "{inside} of the {days} days of {period} lie in the reporting period {}",
                        self.period
                    )
                    .into(),
                },
            )
            .driver(Driver::TimeFrame),
        ))
    }
}

mod capital;
mod disclosures;
mod electricity;
mod hourly;
mod market;
mod other_items;
mod site;

#[cfg(test)]
mod tests;
