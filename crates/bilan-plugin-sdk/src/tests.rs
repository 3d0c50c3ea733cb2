use bilan_core::assessment::{Assessment, Builder};
use bilan_core::factor::FactorSet;
use bilan_core::indicator::Indicator;
use bilan_core::inventory::Inventory;
use bilan_core::method::{Descriptor, MethodError, Methodology, Parameters};
use bilan_plugin_abi::wire::{AssessRequest, AssessResponse, Manifest, PluginError};
use bilan_plugin_abi::{RawBuf, RawSlice, Status};

use super::*;

/// Assesses nothing; errors on an inventory named `error`, panics on one named `panic`.
struct Toy(Descriptor);

impl Toy {
    fn new() -> Toy {
        Toy(Descriptor {
            id: "toy".into(),
            name: "Toy".into(),
            version: semver::Version::new(0, 1, 0),
            summary: "nothing".into(),
            indicators: vec![Indicator::Gwp],
            boundary: "none".into(),
            parameters: Vec::new(),
            rules: Vec::new(),
            references: Vec::new(),
        })
    }
}

impl Methodology for Toy {
    fn descriptor(&self) -> &Descriptor {
        &self.0
    }

    fn assess(
        &self,
        inventory: &Inventory,
        _: &FactorSet,
        parameters: &Parameters,
    ) -> Result<Assessment, MethodError> {
        match inventory.system.name.as_str() {
            "error" => Err(MethodError::Input {
                item: "system".into(),
                message: "refused".into(),
            }),
            "panic" => panic!("toy panics"),
            _ => Ok(Builder::new(&self.0, parameters).finish()),
        }
    }
}

static TOY: std::sync::LazyLock<Box<dyn Handler>> = std::sync::LazyLock::new(|| {
    Box::new(Plugin::new("toy-plugin", "1.2.3", vec![boxed(Toy::new())]))
});

fn toy() -> &'static dyn Handler {
    &**TOY
}

fn inventory(name: &str) -> Inventory {
    serde_json::from_value(serde_json::json!({
        "schema": 1,
        "system": {"name": name, "period": {"start": "2025-01-01", "end": "2025-12-31"}},
    }))
    .expect("a minimal inventory")
}

fn request(method: &str, name: &str) -> Vec<u8> {
    serde_json::to_vec(&AssessRequest {
        schema: 1,
        method: method.into(),
        inventory: Cow::Owned(inventory(name)),
        factors: Cow::Owned(FactorSet::default()),
        parameters: Cow::Owned(Parameters::default()),
    })
    .expect("serialise")
}

/// Calls `invoke` through the same function the C table points to.
fn call(op: &str, input: &[u8]) -> (u32, Vec<u8>) {
    let mut out = RawBuf::EMPTY;
    // SAFETY: both slices outlive the call and `out` is a valid local.
    let status = unsafe {
        ffi::invoke(
            toy,
            RawSlice::new(op.as_bytes()),
            RawSlice::new(input),
            &mut out,
        )
    };
    // SAFETY: `out` was written by this library's `respond`; taken back once.
    (status, unsafe { out.into_vec() })
}

#[test]
fn the_manifest_names_the_plugin_its_api_and_its_methods() {
    let mut out = RawBuf::EMPTY;
    // SAFETY: `out` is a valid local.
    let status = unsafe { ffi::manifest(toy, &mut out) };
    assert_eq!(Status::from_code(status), Some(Status::Ok));
    // SAFETY: written by `respond`, taken back once.
    let bytes = unsafe { out.into_vec() };
    let m: Manifest = serde_json::from_slice(&bytes).expect("manifest JSON");
    assert_eq!(
        (m.name.as_str(), m.version.as_str()),
        ("toy-plugin", "1.2.3")
    );
    assert_eq!(m.api_version, bilan_core::API_VERSION);
    assert_eq!(m.methodologies.len(), 1);
    assert_eq!(m.methodologies[0].id, "toy");
    assert!(
        m.build.target.contains(std::env::consts::OS),
        "{:?}",
        m.build
    );
}

#[test]
fn assess_returns_the_assessment_as_json() {
    let (status, bytes) = call("assess", &request("toy", "fine"));
    assert_eq!(Status::from_code(status), Some(Status::Ok));
    let r: AssessResponse<'static> = serde_json::from_slice(&bytes).expect("response");
    assert_eq!(r.assessment.method.id, "toy");
}

#[test]
fn a_method_error_keeps_its_kind() {
    let (status, bytes) = call("assess", &request("toy", "error"));
    assert_eq!(Status::from_code(status), Some(Status::Error));
    let e: PluginError = serde_json::from_slice(&bytes).expect("error JSON");
    assert_eq!(e.code, "method-error");
    assert!(matches!(e.error, Some(MethodError::Input { .. })), "{e:?}");
}

#[test]
fn a_panic_is_caught_and_reported_with_its_message() {
    let (status, bytes) = call("assess", &request("toy", "panic"));
    assert_eq!(Status::from_code(status), Some(Status::Panic));
    let e: PluginError = serde_json::from_slice(&bytes).expect("error JSON");
    assert_eq!(
        (e.code.as_str(), e.message.as_str()),
        ("panic", "toy panics")
    );
}

#[test]
fn bad_requests_unknown_methods_and_operations_are_errors() {
    for (op, input, code) in [
        ("assess", b"{not json".to_vec(), "bad-request"),
        ("assess", request("nope", "fine"), "unknown-method"),
        ("explode", Vec::new(), "unknown-op"),
    ] {
        let (status, bytes) = call(op, &input);
        assert_eq!(Status::from_code(status), Some(Status::Error), "{op}");
        let e: PluginError = serde_json::from_slice(&bytes).expect("error JSON");
        assert_eq!(e.code, code, "{}", e.message);
    }
}

#[test]
fn a_null_out_pointer_is_an_error_not_a_crash() {
    // SAFETY: a null `out` is allowed and must not be written.
    let status = unsafe { ffi::manifest(toy, std::ptr::null_mut()) };
    assert_eq!(Status::from_code(status), Some(Status::Error));
}
