//! Final electricity as the indicator `energy`, the same way in every method.
//!
//! Each location-based electricity contribution (a workload's `electricity`,
//! `idle-electricity` and `host-electricity`) carries, beside its impacts, a value for
//! [`Indicator::Energy`] through one identity factor (`energy:final`, 1 kWh/kWh), so that
//! the value is the product of its terms: IT energy × PUE (× a prorating share), i.e. the
//! electricity the facility drew. Upstream and market-based rows of the same electricity
//! carry none (they would count it twice). IT energy before the PUE is disclosed as
//! `it-energy`.

use std::sync::Arc;

use bilan_core::assessment::{Builder, Disclosure, FactorUse};
use bilan_core::indicator::Indicator;
use bilan_core::units;

/// The id of the identity factor of final electricity.
pub const FINAL_ELECTRICITY: &str = "energy:final";

/// Registers (once) the identity factor of final electricity and returns its id. Asked for
/// every workload's electricity, it is looked up first: the factor's description is
/// written only the first time.
pub fn final_electricity(b: &mut Builder) -> Arc<str> {
    if let Some(registered) = b.factor_use(FINAL_ELECTRICITY) {
        return registered.id.clone();
    }
    b.factor(FactorUse {
        id: FINAL_ELECTRICITY.into(),
        symbol: "1".into(),
        canonical: 1.0,
        canonical_unit: units::KWH_PER_KWH.symbol().to_owned().into(),
        driver: None,
        subject: "electricity/final".into(),
        indicator: Some(Indicator::Energy),
        value: "1 kWh/kWh".into(),
        boundary: "facility".into(),
        region: None,
        requested_region: None,
        fallback: Vec::new(),
        year: None,
        source: "identity: final electricity is the electricity the facility drew, the product of the contribution's terms (IT energy × PUE); not primary energy".into(),
        licence: None,
        basis: Some("identity".into()),
        quality: None,
        alternatives: Vec::new(),
        from_inventory: false,
    })
}

/// `factors` with the final-electricity factor added (for a location-based electricity
/// contribution).
pub fn with_energy(
    b: &mut Builder,
    factors: &[(Indicator, Arc<str>)],
) -> Vec<(Indicator, Arc<str>)> {
    let mut out = factors.to_vec();
    out.push((Indicator::Energy, final_electricity(b)));
    out
}

/// The disclosure `it-energy`: Σ IT energy of the counted electricity, before the PUE.
pub fn it_energy_disclosure(kwh: f64) -> Disclosure {
    Disclosure {
        id: "it-energy".into(),
        label: "IT energy (before the facility overhead)".into(),
        indicator: None,
        value: Some(kwh),
        unit: "kWh".into(),
        formula: "Σ IT energy of the counted electricity (device, idle and host), without PUE; energy measured at the facility boundary divided by the site's PUE".into(),
        note: None,
    }
}
