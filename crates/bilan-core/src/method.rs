//! The methodology trait and its self-description.
//!
//! A [`Descriptor`] says what a method computes and how: its indicators, boundary, typed
//! parameters with defaults, and the rules it applies (how it treats capital goods,
//! electricity, water…), each tagged with the [`Driver`] it bears on so a runner can explain
//! why two methods differ.

use crate::assessment::Assessment;
use crate::derived::Derived;
pub use crate::descriptor::{
    Descriptor, MethodError, MethodRef, ParamKind, ParamSpec, ParamValue, Parameters, RuleSpec,
};
use crate::factor::FactorSet;
use crate::inventory::Inventory;

/// An accounting methodology.
///
/// Implementations must be deterministic: the same inventory, factors and parameters give
/// the same assessment, contributions in the same order.
pub trait Methodology: Send + Sync {
    /// What the method is.
    fn descriptor(&self) -> &Descriptor;

    /// Assesses `inventory` with `factors`. `parameters` have been checked against the
    /// descriptor. The inventory has passed [`Inventory::validate`].
    fn assess(
        &self,
        inventory: &Inventory,
        factors: &FactorSet,
        parameters: &Parameters,
    ) -> Result<Assessment, MethodError>;

    /// [`Methodology::assess`] within a run of several methods on one inventory: `inventory`
    /// holds what they derive from it alike, derived once for all of them. A method that
    /// derives nothing of it need not implement this.
    fn assess_in(
        &self,
        inventory: &Derived<'_>,
        factors: &FactorSet,
        parameters: &Parameters,
    ) -> Result<Assessment, MethodError> {
        self.assess(inventory, factors, parameters)
    }

    /// The parameter defaults the method gives with a distribution (a declarative file's
    /// `default-pue = "2.0 ± 0.2"`): their nominal values are its defaults.
    fn uncertain_parameters(&self) -> Vec<(String, bilan_units::UncertainQuantity)> {
        Vec::new()
    }

    /// The percentile the method reports as its headline figure when uncertainty is
    /// propagated (`p95`, `median`), if it has such a policy; the point value otherwise.
    fn headline(&self) -> Option<&str> {
        None
    }
}
