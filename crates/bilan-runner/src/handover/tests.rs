//! A base run is made once when the comparison runs it too, and the results are those of
//! each method's own run.

use std::sync::atomic::{AtomicUsize, Ordering};

use bilan_core::method::{BaseRun, Descriptor, MethodError, ParamValue};
use bilan_core::{Assessment, Derived, FactorSet, Inventory, Methodology, Parameters};

use crate::tests::example;
use crate::{Items, MethodRun, Origin, compare, compare_with, run, run_figures};

/// ADEME, counting its runs.
#[derive(Default)]
struct Counted(bilan_plugin_ademe::AdemeLca, AtomicUsize);

impl Methodology for Counted {
    fn descriptor(&self) -> &Descriptor {
        self.0.descriptor()
    }
    fn assess(
        &self,
        inv: &Inventory,
        factors: &FactorSet,
        p: &Parameters,
    ) -> Result<Assessment, MethodError> {
        self.assess_in(&Derived::new(inv), factors, p)
    }
    fn assess_in(
        &self,
        inv: &Derived<'_>,
        factors: &FactorSet,
        p: &Parameters,
    ) -> Result<Assessment, MethodError> {
        self.1.fetch_add(1, Ordering::SeqCst);
        self.0.assess_in(inv, factors, p)
    }
}

/// A method that starts from `base` run with `given`, renames it and drops its water.
struct Extending<'b> {
    base: &'b Counted,
    given: Parameters,
    descriptor: Descriptor,
    handed: AtomicUsize,
}

impl Extending<'_> {
    fn apply(&self, mut a: Assessment) -> Assessment {
        a.method = self.descriptor.method_ref();
        for c in &mut a.contributions {
            c.retain_values(|v| v.indicator != bilan_core::Indicator::Water);
        }
        a.contributions.retain(|c| !c.values.is_empty());
        a.warnings.push("extended".into());
        a
    }
}

impl Methodology for Extending<'_> {
    fn descriptor(&self) -> &Descriptor {
        &self.descriptor
    }
    fn assess(
        &self,
        inv: &Inventory,
        factors: &FactorSet,
        p: &Parameters,
    ) -> Result<Assessment, MethodError> {
        self.assess_in(&Derived::new(inv), factors, p)
    }
    fn assess_in(
        &self,
        inv: &Derived<'_>,
        factors: &FactorSet,
        _: &Parameters,
    ) -> Result<Assessment, MethodError> {
        Ok(self.apply(self.base.assess_in(inv, factors, &self.given)?))
    }
    fn base_run(&self, _: &Parameters) -> Option<BaseRun<'_>> {
        Some(BaseRun {
            method: self.base,
            parameters: self.given.clone(),
        })
    }
    fn assess_from(
        &self,
        _: &Derived<'_>,
        _: &FactorSet,
        _: &Parameters,
        base: Assessment,
    ) -> Result<Assessment, MethodError> {
        self.handed.fetch_add(1, Ordering::SeqCst);
        Ok(self.apply(base))
    }
}

fn extending<'b>(base: &'b Counted, given: Parameters) -> Extending<'b> {
    let mut descriptor = base.descriptor().clone();
    descriptor.id = "extending".into();
    Extending {
        base,
        given,
        descriptor,
        handed: AtomicUsize::new(0),
    }
}

fn runs<'m>(base: &'m Counted, then: &'m Extending<'_>, given: Parameters) -> [MethodRun<'m>; 2] {
    [
        MethodRun {
            method: then,
            parameters: Parameters::default(),
            origin: Origin::File {
                path: "extending.toml".into(),
                sha256: String::new(),
            },
        },
        MethodRun {
            method: base,
            parameters: given,
            origin: Origin::Builtin,
        },
    ]
}

#[test]
fn a_base_run_the_comparison_makes_is_handed_over_with_the_same_results() {
    let factors = bilan_factors::embedded().expect("factors");
    let base = Counted::default();
    // The base's defaults, written out, are its defaults.
    let mut written = Parameters::default();
    written.set("utilisation-divisor", ParamValue::Text("off".into()));
    let then = extending(&base, written);
    let methods = runs(&base, &then, Parameters::default());
    for name in ["llama-3.1.toml", "gpu-cluster-purchase.toml"] {
        let inv = example(name);
        let items = Items::of(&inv);
        let before = base.1.load(Ordering::SeqCst);
        let mut lean = run_figures(&items, factors, &methods);
        assert_eq!(
            base.1.load(Ordering::SeqCst) - before,
            1,
            "{name}: made once"
        );
        let mut full = run(&inv, factors, &methods);
        let expected = serde_json::to_value(compare(&inv, &mut full)).expect("serialises");
        let actual = serde_json::to_value(compare_with(&items, &mut lean)).expect("serialises");
        assert_eq!(actual, expected, "{name}");
    }
    assert_eq!(then.handed.load(Ordering::SeqCst), 2);
}

#[test]
fn a_base_run_with_other_parameters_is_made_apart() {
    let factors = bilan_factors::embedded().expect("factors");
    let base = Counted::default();
    let mut other = Parameters::default();
    other.set("default-pue", ParamValue::Number(2.0));
    let then = extending(&base, other);
    let methods = runs(&base, &then, Parameters::default());
    let items_of = example("llama-3.1.toml");
    let items = Items::of(&items_of);
    run_figures(&items, factors, &methods);
    assert_eq!(base.1.load(Ordering::SeqCst), 2);
    assert_eq!(then.handed.load(Ordering::SeqCst), 0);
}
