//! A site's PUE, WUE and grid factors.
//!
//! Every method resolves them here, in one order: the site's own figure (the inventory),
//! else a default (the method's parameter, else the factor database's default), else
//! nothing. Grid factors walk the region chain of the boundary the method asks for, with a
//! warning on fallback and on factors whose quality is not `ok`.
//!
//! **Defaults are resolved and listed the same way in every method**: the database default
//! is looked up from the site's region (so a user factor file can give a regional default),
//! else the subject's single cited figure wherever it was measured; it is listed once in the
//! assessment's factors (region asked for, fallback, source), the term cites it, and an
//! assumption names it with the items it applied to. A parameter default is an assumption
//! and a term citing the parameter.

use std::sync::Arc;

use bilan_core::assessment::{Builder, Driver, FactorUse, ItemKind, ItemRef, Term, TermSource};
use bilan_core::factor::{Boundary, Factor, FactorQuery, FactorSet, Lookup, Resolved};
use bilan_core::indicator::Indicator;
use bilan_core::inventory::{FactorOverride, Site};
use bilan_core::method::{Descriptor, MethodError, ParamValue, Parameters};
use bilan_core::region::Region;
use bilan_core::units::{self, Unit};

use crate::wording::{self, GridNoun};

/// The grid subject of the factor database.
pub const GRID: &str = "electricity/grid";
/// The database's default PUE.
pub const DEFAULT_PUE_SUBJECT: &str = "datacentre/pue/industry-average";
/// The database's default on-site WUE (per IT kWh).
pub const DEFAULT_WUE_SUBJECT: &str = "datacentre/wue/us-average";

/// The unit of an electricity factor of `indicator`, per kWh.
pub fn per_kwh(indicator: Indicator) -> &'static Unit {
    match indicator {
        Indicator::Gwp | Indicator::Adpe => &units::KG_PER_KWH,
        Indicator::Water => &units::M3_PER_KWH,
        Indicator::Adpf => &units::MJ_PER_KWH,
        Indicator::Energy => &units::KWH_PER_KWH,
    }
}

/// A site's grid factor for one indicator and boundary.
#[derive(Debug)]
pub enum Grid<'f> {
    /// The site's own figure (`[site.electricity.INDICATOR]`): the method decides whether
    /// its boundary fits, then registers it with [`register_override`].
    Override(&'f FactorOverride),
    /// A database factor of the boundary asked for, possibly reached by region fallback
    /// (the fallback and any quality flag are already warned).
    Found(Resolved<'f>),
    /// An absence record: no citable figure exists.
    Absent {
        /// Why.
        reason: String,
        /// The region the absence was recorded for.
        region: Region,
    },
    /// Nothing of this boundary in the region chain.
    Missing {
        /// The regions tried.
        tried: Vec<Region>,
    },
}

/// The regions tried, as `US-VA, US, WORLD`.
pub fn tried_text(tried: &[Region]) -> String {
    tried
        .iter()
        .map(Region::code)
        .collect::<Vec<_>>()
        .join(", ")
}

/// The grid factor of `site` for `indicator` and `boundary`: the site's own figure first,
/// else the database's. Warnings are worded by `noun`.
pub fn grid<'f>(
    b: &mut Builder,
    factors: &'f FactorSet,
    site: &'f Site,
    indicator: Indicator,
    boundary: Boundary,
    noun: GridNoun,
) -> Grid<'f> {
    if let Some(o) = site.electricity.get(&indicator) {
        return Grid::Override(o);
    }
    grid_database(b, factors, site, indicator, boundary, noun)
}

/// The database's grid factor of `site` (the site's own figure is not looked at).
pub fn grid_database<'f>(
    b: &mut Builder,
    factors: &'f FactorSet,
    site: &Site,
    indicator: Indicator,
    boundary: Boundary,
    noun: GridNoun,
) -> Grid<'f> {
    match grid_lookup(factors, site, indicator, boundary) {
        Lookup::Found(r) => {
            warn_factor(b, site, r.factor, !r.fallback.is_empty(), indicator, noun);
            Grid::Found(r)
        }
        Lookup::Absent { reason, region } => Grid::Absent { reason, region },
        Lookup::Missing { tried, .. } => Grid::Missing { tried },
    }
}

/// The plain lookup of a site's grid factor, without warnings (to compare factors).
pub fn grid_lookup<'f>(
    factors: &'f FactorSet,
    site: &Site,
    indicator: Indicator,
    boundary: Boundary,
) -> Lookup<'f> {
    factors.lookup(&FactorQuery {
        subject: GRID,
        indicator: Some(indicator),
        region: &site.region,
        boundaries: &[boundary],
        preference: &[],
    })
}

/// The factor matching `f` in `boundary`: same subject, indicator, region, year and dataset
/// (a life-cycle and a combustion-only figure of one source, whose difference is the
/// upstream). The last one listed wins, as user layers come after the database.
pub fn matched_pair<'f>(
    factors: &'f FactorSet,
    f: &Factor,
    boundary: Boundary,
) -> Option<&'f Factor> {
    factors
        .for_subject(&f.subject)
        .filter(|x| {
            x.indicator == f.indicator
                && x.boundary == boundary
                && x.region == f.region
                && x.year == f.year
                && x.dataset == f.dataset
        })
        .last()
}

/// Warns that `f` was reached by region fallback, and that its quality is not `ok`.
pub fn warn_factor(
    b: &mut Builder,
    site: &Site,
    f: &Factor,
    fallback: bool,
    indicator: Indicator,
    noun: GridNoun,
) {
    if fallback {
        let missing = noun.missing(indicator, f.boundary, &site.region);
        b.warn(wording::fallback_warning(&site.id, &missing, f));
    }
    if let Some(w) = wording::quality_warning(&site.id, &noun.noun(indicator), f) {
        b.warn(w);
    }
}

/// Registers the site's own grid figure as a factor (`site[ID].electricity.INDICATOR`).
pub fn register_override(
    b: &mut Builder,
    site: &Site,
    indicator: Indicator,
    o: &FactorOverride,
    symbol: &'static str,
    driver: Option<Driver>,
) -> Result<Arc<str>, MethodError> {
    let item = ItemRef::new(ItemKind::Site, site.id.as_str());
    b.override_factor(
        &item.path(&format!("electricity.{indicator}")),
        GRID,
        Some(indicator),
        o,
        symbol,
        per_kwh(indicator),
        driver,
    )
}

/// The location-based grid intensity (GWP) of `site` for a method that takes a site's own
/// figure, else the database's of `boundary`, registered under `symbol` with `driver`; a
/// site figure whose boundary says market-based or residual is refused, since the method
/// is location-based. `method` names the method in the errors.
pub fn location_intensity(
    b: &mut Builder,
    factors: &FactorSet,
    site: &Site,
    boundary: Boundary,
    symbol: &'static str,
    driver: Option<Driver>,
    method: &str,
) -> Result<Arc<str>, MethodError> {
    let item = ItemRef::new(ItemKind::Site, site.id.as_str());
    match intensity(b, factors, site, boundary) {
        Grid::Override(o) if is_market_based(&o.boundary) => Err(MethodError::Input {
            item: item.path("electricity.gwp"),
            message: format!(
                "the grid intensity's boundary is `{}`: {method} uses the location-based intensity of the grid",
                o.boundary
            ),
        }),
        Grid::Override(o) => register_override(b, site, Indicator::Gwp, o, symbol, driver),
        Grid::Found(r) => register_found(b, &r, Indicator::Gwp, symbol, driver),
        Grid::Absent { reason, region } => Err(MethodError::Input {
            item: item.to_string(),
            message: format!(
                "no {boundary} grid intensity for {region}: {reason}; give one under [site.electricity.gwp]"
            ),
        }),
        Grid::Missing { tried } => Err(MethodError::Input {
            item: item.to_string(),
            message: format!(
                "the factor database has no {boundary} grid intensity for {}; give one under [site.electricity.gwp]",
                tried_text(&tried)
            ),
        }),
    }
}

/// Whether a site figure's stated boundary is market-based (or a residual mix), which a
/// location-based method refuses.
pub fn is_market_based(boundary: &str) -> bool {
    let b = boundary.to_lowercase();
    b.contains("market") || b.contains("residual")
}

/// Registers a database grid factor.
pub fn register_found(
    b: &mut Builder,
    r: &Resolved<'_>,
    indicator: Indicator,
    symbol: &'static str,
    driver: Option<Driver>,
) -> Result<Arc<str>, MethodError> {
    b.database_factor(r, symbol, per_kwh(indicator), driver)
}

/// Where a site figure (PUE, WUE) came from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Origin {
    /// The site's own figure.
    Inventory,
    /// The method's parameter.
    Parameter,
    /// The factor database's default, listed in the assessment's factors.
    Database,
}

/// A site figure: its term (tagged with its driver) and, where it is a factor, its id.
#[derive(Clone, Debug)]
pub struct Figure {
    /// The term (`PUE`, dimensionless; `WUE`, L/kWh).
    pub term: Term,
    /// The factor listed for it (always for WUE; for a PUE from the database).
    pub factor: Option<Arc<str>>,
    /// Where it came from.
    pub origin: Origin,
}

/// A site figure, or why there is none.
#[derive(Clone, Debug)]
pub enum SiteFigure {
    /// The site's own figure.
    Override(Figure),
    /// A default (parameter or database), recorded as an assumption on the site.
    Default(Figure),
    /// No figure and no default: the reason, for the method's error or exclusion.
    Missing(String),
}

impl SiteFigure {
    /// The figure, or an input error on the site (the policy of every built-in method).
    pub fn or_error(self, site: &Site) -> Result<Figure, MethodError> {
        match self {
            SiteFigure::Override(f) | SiteFigure::Default(f) => Ok(f),
            SiteFigure::Missing(message) => Err(MethodError::Input {
                item: ItemRef::new(ItemKind::Site, site.id.as_str()).to_string(),
                message,
            }),
        }
    }
}

/// What one method calls its site defaults.
#[derive(Clone, Copy, Debug)]
pub struct Defaults<'a> {
    /// The method's descriptor.
    pub descriptor: &'a Descriptor,
    /// The run's parameters.
    pub params: &'a Parameters,
    /// The factor snapshot.
    pub factors: &'a FactorSet,
}

impl<'a> Defaults<'a> {
    /// The defaults of one run.
    pub fn new(descriptor: &'a Descriptor, params: &'a Parameters, factors: &'a FactorSet) -> Self {
        Defaults {
            descriptor,
            params,
            factors,
        }
    }
}

/// The parameter `grid-boundary` (`life-cycle`, the default, or `combustion`) that
/// [`grid_boundary`] reads, documented with `doc`.
pub fn grid_boundary_param(doc: &str) -> bilan_core::method::ParamSpec {
    bilan_core::method::ParamSpec::new(
        "grid-boundary",
        bilan_core::method::ParamKind::Choice {
            values: vec!["life-cycle".to_owned(), "combustion".to_owned()],
        },
        Some(ParamValue::Text("life-cycle".to_owned())),
        doc,
    )
}

/// The boundary parameter `grid-boundary` asks for: `combustion`, else life-cycle.
pub fn grid_boundary(d: &Descriptor, params: &Parameters) -> Boundary {
    match params.text(d, "grid-boundary") {
        Some("combustion") => Boundary::Combustion,
        _ => Boundary::LifeCycle,
    }
}

/// The site's location-based GWP intensity (a [`grid`] query worded as an intensity).
pub fn intensity<'f>(
    b: &mut Builder,
    factors: &'f FactorSet,
    site: &'f Site,
    boundary: Boundary,
) -> Grid<'f> {
    grid(
        b,
        factors,
        site,
        Indicator::Gwp,
        boundary,
        GridNoun::Intensity,
    )
}

/// The site's PUE: its own, else parameter `default-pue`, else the database default.
pub fn pue(b: &mut Builder, d: Defaults<'_>, site: &Site) -> Result<SiteFigure, MethodError> {
    let item = ItemRef::new(ItemKind::Site, site.id.as_str());
    if let Some(q) = &site.pue {
        let term = Term::new(
            "PUE",
            q.value(),
            "1",
            TermSource::Inventory {
                path: item.path("pue").into(),
            },
        );
        return Ok(SiteFigure::Override(Figure {
            term: term.driver(Driver::FacilityOverhead),
            factor: None,
            origin: Origin::Inventory,
        }));
    }
    let param = "default-pue";
    if let Some(ParamValue::Number(value)) = d.params.effective(d.descriptor, param) {
        b.assume(
            param,
            wording::parameter_default("PUE", param, value),
            Some(item),
        );
        let term = Term::new(
            "PUE",
            *value,
            "1",
            TermSource::Parameter { name: param.into() },
        );
        return Ok(SiteFigure::Default(Figure {
            term: term.driver(Driver::FacilityOverhead),
            factor: None,
            origin: Origin::Parameter,
        }));
    }
    let Some(r) = default_factor(
        d.factors,
        DEFAULT_PUE_SUBJECT,
        None,
        Boundary::FacilityOverhead,
        &site.region,
    ) else {
        return Ok(SiteFigure::Missing(wording::no_default(
            "PUE",
            "pue",
            DEFAULT_PUE_SUBJECT,
            param,
        )));
    };
    let id = b.database_factor(
        &r,
        "PUE",
        &Unit::dimensionless(),
        Some(Driver::FacilityOverhead),
    )?;
    b.assume(
        param,
        wording::database_default("PUE", r.factor),
        Some(item),
    );
    let term = Term::new(
        "PUE",
        r.factor.value.value(),
        "1",
        TermSource::Factor { id: id.clone() },
    );
    Ok(SiteFigure::Default(Figure {
        term: term.driver(Driver::FacilityOverhead),
        factor: Some(id),
        origin: Origin::Database,
    }))
}

/// The site's on-site WUE (per IT kWh): its own, else parameter `default-wue`, else the
/// database default. The term is in L/kWh; the factor (water, m³ per IT kWh) is always
/// listed, so that a contribution can use it.
pub fn wue(b: &mut Builder, d: Defaults<'_>, site: &Site) -> Result<SiteFigure, MethodError> {
    let item = ItemRef::new(ItemKind::Site, site.id.as_str());
    let input_error = |e: &dyn std::fmt::Display| MethodError::Input {
        item: item.to_string(),
        message: e.to_string(),
    };
    if let Some(q) = &site.wue {
        let path = item.path("wue");
        let litres = q.to(&units::L_PER_KWH).map_err(|e| input_error(&e))?;
        let canonical = q.to(&units::M3_PER_KWH).map_err(|e| input_error(&e))?;
        let mut use_ = wue_use(
            format!("inventory:{path}"),
            canonical,
            q.to_string(),
            format!("inventory `{path}`"),
            None,
            "inventory",
            true,
        );
        // As every inventory figure: the subject's indicator is the contribution's.
        use_.indicator = None;
        let id = b.factor(use_);
        let term = Term::new(
            "WUE",
            litres,
            "L/kWh",
            TermSource::Inventory { path: path.into() },
        );
        return Ok(SiteFigure::Override(Figure {
            term,
            factor: Some(id),
            origin: Origin::Inventory,
        }));
    }
    let param = "default-wue";
    if let Some(ParamValue::Quantity(q)) = d.params.effective(d.descriptor, param) {
        let litres = q
            .to(&units::L_PER_KWH)
            .map_err(|e| MethodError::BadParameter {
                method: d.descriptor.id.clone(),
                name: param.into(),
                message: e.to_string(),
            })?;
        let id = b.factor(wue_use(
            format!("default:wue:{litres}"),
            litres / 1000.0,
            format!("{litres} L/kWh"),
            format!("parameter `{param}`"),
            Some(site.region.code().to_owned()),
            "default",
            false,
        ));
        // The assumption cites the factor it makes: that is how the data-quality grade
        // knows the water figure rests on a default, as it does for a database default.
        b.assume(
            param,
            wording::parameter_default_factor("WUE", param, litres, &id),
            Some(item.clone()),
        );
        let term = Term::new(
            "WUE",
            litres,
            "L/kWh",
            TermSource::Parameter { name: param.into() },
        );
        return Ok(SiteFigure::Default(Figure {
            term,
            factor: Some(id),
            origin: Origin::Parameter,
        }));
    }
    let Some(r) = default_factor(
        d.factors,
        DEFAULT_WUE_SUBJECT,
        Some(Indicator::Water),
        Boundary::OnSiteConsumption,
        &site.region,
    ) else {
        return Ok(SiteFigure::Missing(wording::no_default(
            "WUE",
            "wue",
            DEFAULT_WUE_SUBJECT,
            param,
        )));
    };
    let litres = r.factor.value.to(&units::L_PER_KWH)?;
    let id = b.database_factor(&r, "WUE", &units::M3_PER_KWH, None)?;
    b.assume(
        param,
        wording::database_default("WUE", r.factor),
        Some(item),
    );
    let term = Term::new(
        "WUE",
        litres,
        "L/kWh",
        TermSource::Factor { id: id.clone() },
    );
    Ok(SiteFigure::Default(Figure {
        term,
        factor: Some(id),
        origin: Origin::Database,
    }))
}

fn wue_use(
    id: String,
    canonical: f64,
    value: String,
    source: String,
    requested_region: Option<String>,
    basis: &str,
    from_inventory: bool,
) -> FactorUse {
    FactorUse {
        id: id.into(),
        symbol: "WUE".into(),
        canonical,
        canonical_unit: units::M3_PER_KWH.symbol().to_owned().into(),
        driver: None,
        subject: "datacentre/wue".into(),
        indicator: Some(Indicator::Water),
        value,
        boundary: "on-site-consumption".into(),
        region: None,
        requested_region,
        fallback: Vec::new(),
        year: None,
        source,
        licence: None,
        basis: Some(basis.into()),
        quality: None,
        alternatives: Vec::new(),
        from_inventory,
    }
}

/// A database default for a site in `region`: looked up along the region chain, else the
/// subject's single cited figure wherever it was measured (its region is disclosed in the
/// listing and the assumption).
pub fn default_factor<'f>(
    factors: &'f FactorSet,
    subject: &str,
    indicator: Option<Indicator>,
    boundary: Boundary,
    region: &Region,
) -> Option<Resolved<'f>> {
    if let Lookup::Found(r) = factors.lookup(&FactorQuery {
        subject,
        indicator,
        region,
        boundaries: &[boundary],
        preference: &[],
    }) {
        return Some(r);
    }
    let f = factors
        .for_subject(subject)
        .find(|f| f.indicator == indicator && f.boundary == boundary)?;
    Some(Resolved {
        factor: f,
        requested: region.clone(),
        fallback: Vec::new(),
        alternatives: Vec::new(),
    })
}
