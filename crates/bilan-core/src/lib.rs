//! The domain model of bilan and the **API boundary** for methodology plugins.
//!
//! This crate says what an AI system's environmental inventory is ([`inventory`]), what an
//! impact factor is and how one is looked up ([`factor`]), what a methodology is ([`method`])
//! and what it returns ([`assessment`]): totals, breakdowns and an audit trail in which every
//! number can be recomputed from its terms.
//!
//! It does no I/O and never panics on user input. Everything a plugin sees crosses the plugin
//! boundary as the serde form of these types, so changes here follow semver: [`API_VERSION`]
//! is this crate's version and a plugin built against `X.Y` is accepted by hosts `^X.Y`.

/// Checks, when compiling, that `$ty::ALL` lists the variants in declaration order, so that
/// `$ty::index` (`self as usize`) is a value's place in it.
macro_rules! all_in_declaration_order {
    ($ty:ident) => {
        const _: () = {
            let mut i = 0;
            while i < $ty::ALL.len() {
                assert!($ty::ALL[i] as usize == i);
                i += 1;
            }
        };
    };
}

pub mod assessment;
mod derived;
mod descriptor;
mod driver;
pub mod factor;
pub mod figure;
pub mod indicator;
pub mod inventory;
pub mod item;
pub mod method;
pub mod quality;
pub mod region;
pub mod series;
pub mod suggest;
pub mod unique;
pub mod units;

pub use assessment::{
    Aspect, Assessment, Assumption, Contribution, Disclosure, Driver, Exclusion, FactorUse,
    FunctionalUnitResult, IndicatorCoverage, IndicatorValue, ItemKind, ItemRef, Stage, Term,
    TermSource,
};
pub use derived::Derived;
pub use factor::{Basis, Boundary, Factor, FactorQuery, FactorSet, Lookup, Resolved};
pub use figure::FigurePath;
pub use indicator::Indicator;
pub use inventory::{Inventory, Phase};
pub use method::{
    BaseRun, Descriptor, MethodError, MethodRef, Methodology, ParamKind, ParamSpec, ParamValue,
    Parameters, RuleSpec,
};
pub use region::Region;

/// The version of the plugin-facing API: this crate's version.
pub const API_VERSION: &str = env!("CARGO_PKG_VERSION");

/// Version of the inventory file format this build reads and writes.
pub const INVENTORY_SCHEMA: u32 = 1;
