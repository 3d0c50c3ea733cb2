//! A hardware model's embodied factor: the inventory's figure first, else the database's,
//! by boundary tier and the method's preference order (`Basis::embodied_preference`).

use std::sync::Arc;

use bilan_core::assessment::{Aspect, Builder, Driver, ItemRef};
use bilan_core::factor::{Basis, Boundary, Factor, FactorQuery, FactorSet, Lookup};
use bilan_core::indicator::Indicator;
use bilan_core::inventory::FactorOverride;
use bilan_core::method::MethodError;
use bilan_core::region::Region;
use bilan_core::units::{self, Unit};

/// The boundaries of a device's embodied figure, in one tier: cradle to gate, or cradle to
/// grave excluding use.
pub const HARDWARE_BOUNDARIES: [Boundary; 2] =
    [Boundary::CradleToGate, Boundary::CradleToGraveExclUse];

/// The unit of an embodied factor of `indicator`, per device.
pub fn per_device(indicator: Indicator) -> &'static Unit {
    match indicator {
        Indicator::Gwp | Indicator::Adpe => &units::KG_PER_DEVICE,
        Indicator::Water => &units::M3_PER_DEVICE,
        Indicator::Adpf => &units::MJ_PER_DEVICE,
        Indicator::Energy => &units::KWH_PER_DEVICE,
    }
}

/// How the choice among several database figures is explained in the assumption.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Preference {
    /// By the method's parameter `embodied-preference` (one boundary tier).
    Parameter,
    /// Cradle-to-gate first, then by basis (the boundary is named with each figure).
    BoundaryFirst,
}

/// What to resolve.
#[derive(Clone, Copy, Debug)]
pub struct Query<'a> {
    /// The fleet.
    pub item: &'a ItemRef,
    /// The hardware model (`hardware/MODEL`).
    pub model: &'a str,
    /// The inventory key of the fleet's own figures (`embodied`, `host.embodied`).
    pub key: &'a str,
    /// The aspect an absence is recorded on.
    pub aspect: Aspect,
    /// The indicator.
    pub indicator: Indicator,
    /// The factor's symbol (`EF_device`, `EF_server`).
    pub symbol: &'static str,
    /// Boundary tiers, tried in order while nothing is found.
    pub tiers: &'a [&'a [Boundary]],
    /// The preference order among bases.
    pub preference: &'a [Basis],
    /// How a choice is explained.
    pub why: Preference,
}

impl<'a> Query<'a> {
    /// A query in one boundary tier ([`HARDWARE_BOUNDARIES`]) with no preference among
    /// bases; the inventory key follows the aspect (`host.embodied` for host servers).
    pub fn new(
        item: &'a ItemRef,
        model: &'a str,
        aspect: Aspect,
        indicator: Indicator,
        symbol: &'static str,
    ) -> Self {
        Query {
            item,
            model,
            key: key_of(aspect),
            aspect,
            indicator,
            symbol,
            tiers: &[&HARDWARE_BOUNDARIES],
            preference: &[],
            why: Preference::Parameter,
        }
    }

    /// The same query with a preference order among bases, explained as `why`.
    pub fn by(self, preference: &'a [Basis], why: Preference) -> Self {
        Query {
            preference,
            why,
            ..self
        }
    }
}

/// The inventory key of a fleet's own figures for `aspect`.
pub fn key_of(aspect: Aspect) -> &'static str {
    if aspect == Aspect::HostEmbodied {
        "host.embodied"
    } else {
        "embodied"
    }
}

/// The embodied factor of one model and indicator.
#[derive(Debug)]
pub enum Embodied<'f> {
    /// The inventory's figure, registered.
    Override(Arc<str>),
    /// A database figure, registered (a choice among several is an assumption).
    Found {
        /// Its id in the assessment.
        id: Arc<str>,
        /// The factor.
        factor: &'f Factor,
    },
    /// None: recorded as an exclusion with its reason and one warning.
    Missing,
}

impl Embodied<'_> {
    /// The registered factor's id, if any.
    pub fn id(&self) -> Option<Arc<str>> {
        match self {
            Embodied::Override(id) | Embodied::Found { id, .. } => Some(id.clone()),
            Embodied::Missing => None,
        }
    }
}

/// Resolves and registers the embodied factor of `q`; `own` is the fleet's figure for the
/// indicator, if it gives one. Factors carry the driver `factor-choice`.
pub fn embodied<'f>(
    b: &mut Builder,
    factors: &'f FactorSet,
    own: Option<&FactorOverride>,
    q: &Query<'_>,
) -> Result<Embodied<'f>, MethodError> {
    let subject = format!("hardware/{}", q.model);
    let unit = per_device(q.indicator);
    let driver = Some(Driver::FactorChoice);
    if let Some(o) = own {
        let path = q.item.path(&format!("{}.{}", q.key, q.indicator));
        let id = b.override_factor(
            &path,
            &subject,
            Some(q.indicator),
            o,
            q.symbol,
            unit,
            driver,
        )?;
        return Ok(Embodied::Override(id));
    }
    let world = Region::world();
    let mut found = Lookup::Missing {
        tried: Vec::new(),
        refused: Vec::new(),
    };
    for boundaries in q.tiers {
        found = factors.lookup(&FactorQuery {
            subject: &subject,
            indicator: Some(q.indicator),
            region: &world,
            boundaries,
            preference: q.preference,
        });
        if !matches!(found, Lookup::Missing { .. }) {
            break;
        }
    }
    let absent = match found {
        Lookup::Found(r) => {
            if !r.alternatives.is_empty() {
                b.assume(
                    "factor-preference",
                    preference_text(&subject, q.indicator, r.factor, &r.alternatives, q.why),
                    Some(q.item.clone()),
                );
            }
            let id = b.database_factor(&r, q.symbol, unit, driver)?;
            return Ok(Embodied::Found {
                id,
                factor: r.factor,
            });
        }
        Lookup::Absent { reason, .. } => Some(reason),
        Lookup::Missing { .. } => None,
    };
    b.no_factor(
        q.item,
        q.aspect,
        q.indicator,
        &subject,
        absent.as_deref(),
        q.key,
    );
    Ok(Embodied::Missing)
}

/// The assumption that records which of several figures was chosen, and why.
pub fn preference_text(
    subject: &str,
    indicator: Indicator,
    chosen: &Factor,
    others: &[&Factor],
    why: Preference,
) -> String {
    let describe = |f: &Factor| match why {
        Preference::Parameter => format!("`{}` ({})", f.id, f.basis.id()),
        Preference::BoundaryFirst => format!("`{}` ({}, {})", f.id, f.boundary, f.basis.id()),
    };
    let others = others
        .iter()
        .map(|f| describe(f))
        .collect::<Vec<_>>()
        .join(", ");
    match why {
        Preference::Parameter => format!(
            "{subject} {indicator}: chose {} over {others} by the preference order of `embodied-preference`",
            describe(chosen)
        ),
        Preference::BoundaryFirst => format!(
            "{subject} {indicator}: chose {} over {others}: cradle-to-gate first, then a vendor PCF, a teardown LCA, a parametric model",
            describe(chosen)
        ),
    }
}
