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

    /// The run of another method this one starts from, whole, before it changes the result
    /// (a declarative method's base): that method, the parameters this one gives it, and the
    /// run's factors unchanged. `None` (the default) when the method starts from nothing, or
    /// changes the factors its base sees. A runner that runs the same method with the same
    /// parameters in the same comparison may hand its assessment over
    /// ([`Methodology::assess_from`]) rather than have it made twice.
    fn base_run(&self, parameters: &Parameters) -> Option<BaseRun<'_>> {
        let _ = parameters;
        None
    }

    /// [`Methodology::assess_in`] from `base`, the assessment of the same inventory and
    /// factors by the method and parameters of [`Methodology::base_run`]: the same result,
    /// without making `base` again. The default makes everything again.
    fn assess_from(
        &self,
        inventory: &Derived<'_>,
        factors: &FactorSet,
        parameters: &Parameters,
        base: Assessment,
    ) -> Result<Assessment, MethodError> {
        drop(base);
        self.assess_in(inventory, factors, parameters)
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

/// What [`Methodology::base_run`] answers: the method run first, and its parameters.
pub struct BaseRun<'m> {
    /// The method.
    pub method: &'m dyn Methodology,
    /// The parameters it is given.
    pub parameters: Parameters,
}

impl std::fmt::Debug for BaseRun<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("BaseRun")
            .field("method", &self.method.descriptor().id)
            .field("parameters", &self.parameters)
            .finish()
    }
}

impl BaseRun<'_> {
    /// Whether `method` with `parameters` makes this run: the same method object, and every
    /// parameter of its descriptor the same once defaults are applied.
    pub fn is(&self, method: &dyn Methodology, parameters: &Parameters) -> bool {
        if !std::ptr::addr_eq(self.method, method) {
            return false;
        }
        let d = method.descriptor();
        let known = |p: &Parameters| p.0.keys().all(|k| d.parameter(k).is_some());
        known(parameters)
            && known(&self.parameters)
            && d.parameters.iter().all(|spec| {
                let of = |p: &Parameters| p.get(&spec.name).or(spec.default.as_ref()).cloned();
                of(parameters) == of(&self.parameters)
            })
    }
}
