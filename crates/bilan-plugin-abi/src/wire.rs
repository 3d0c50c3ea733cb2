//! The JSON that crosses the boundary: the manifest, the `assess` request and response, and
//! errors.
//!
//! Rules (rust-analyzer's "serialization invariant"): kebab-case keys, a top-level `schema`
//! integer ([`WIRE_SCHEMA`]), new keys optional with defaults, and **no**
//! `deny_unknown_fields`, so a host can read a newer plugin's additions and the reverse. The
//! domain types inside (`Inventory`, `FactorSet`, `Parameters`, `Descriptor`, `Assessment`,
//! `MethodError`) are `bilan-core`'s serde forms; their compatibility is what the API version
//! promises.

use std::borrow::Cow;

use bilan_core::assessment::Assessment;
use bilan_core::factor::FactorSet;
use bilan_core::inventory::Inventory;
use bilan_core::method::{Descriptor, MethodError, Parameters};
use serde::{Deserialize, Serialize};

/// Version of the envelopes in this module.
pub const WIRE_SCHEMA: u32 = 1;

/// The operation that assesses an inventory: input [`AssessRequest`], output
/// [`AssessResponse`].
pub const OP_ASSESS: &str = "assess";

/// Error code: the request could not be read.
pub const CODE_BAD_REQUEST: &str = "bad-request";
/// Error code: the request names a method the plugin does not have.
pub const CODE_UNKNOWN_METHOD: &str = "unknown-method";
/// Error code: an operation the plugin does not know.
pub const CODE_UNKNOWN_OP: &str = "unknown-op";
/// Error code: the method refused the inventory ([`PluginError::error`] has the details).
pub const CODE_METHOD_ERROR: &str = "method-error";
/// Error code: the plugin panicked (with [`crate::Status::Panic`]).
pub const CODE_PANIC: &str = "panic";

/// What a plugin says of itself, returned by `manifest`.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub struct Manifest {
    /// [`WIRE_SCHEMA`].
    pub schema: u32,
    /// The plugin's name (its crate name).
    pub name: String,
    /// The plugin's version (semver).
    pub version: String,
    /// The `bilan-core` version the plugin was built against; the host must match
    /// `^api-version`.
    pub api_version: String,
    /// The methodologies it provides.
    pub methodologies: Vec<Descriptor>,
    /// How it was built, for diagnostics.
    #[serde(default)]
    pub build: Build,
    /// Optional capabilities; unknown ones are ignored by the host.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub features: Vec<String>,
}

/// How a plugin was built.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub struct Build {
    /// Architecture and operating system, e.g. `x86_64-linux`.
    #[serde(default)]
    pub target: String,
    /// `debug` or `release`.
    #[serde(default)]
    pub profile: String,
    /// Version of `bilan-plugin-sdk`, if the plugin used it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sdk: Option<String>,
}

/// The input of [`OP_ASSESS`]. Borrowed when the host writes it, owned when a plugin reads
/// it.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub struct AssessRequest<'a> {
    /// [`WIRE_SCHEMA`].
    pub schema: u32,
    /// Id of the methodology to run (one of the manifest's).
    pub method: Cow<'a, str>,
    /// The inventory (validated by the host).
    pub inventory: Cow<'a, Inventory>,
    /// The factor snapshot.
    pub factors: Cow<'a, FactorSet>,
    /// Parameter values given by the user.
    #[serde(default)]
    pub parameters: Cow<'a, Parameters>,
}

/// The output of [`OP_ASSESS`] on success.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub struct AssessResponse<'a> {
    /// [`WIRE_SCHEMA`].
    pub schema: u32,
    /// The assessment, audit trail included.
    pub assessment: Cow<'a, Assessment>,
}

/// The payload of [`crate::Status::Error`] and [`crate::Status::Panic`].
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub struct PluginError {
    /// [`WIRE_SCHEMA`].
    #[serde(default = "schema_1")]
    pub schema: u32,
    /// One of the `CODE_*` constants, or a plugin's own.
    pub code: String,
    /// For people.
    pub message: String,
    /// The method's typed error, when `code` is [`CODE_METHOD_ERROR`]; the host passes it
    /// on unchanged, so a plugin's errors read like a built-in's.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<MethodError>,
}

fn schema_1() -> u32 {
    WIRE_SCHEMA
}

impl PluginError {
    /// An error with `code` and `message`.
    pub fn new(code: &str, message: impl Into<String>) -> PluginError {
        PluginError {
            schema: WIRE_SCHEMA,
            code: code.to_owned(),
            message: message.into(),
            error: None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn envelopes_tolerate_unknown_keys_and_missing_optional_ones() {
        let m: Manifest = serde_json::from_str(
            r#"{"schema":1,"name":"p","version":"1.0.0","api-version":"0.1.0",
                "methodologies":[],"from-the-future":true}"#,
        )
        .expect("unknown keys are ignored");
        assert_eq!(m.api_version, "0.1.0");
        assert!(m.build.target.is_empty());
        let e: PluginError =
            serde_json::from_str(r#"{"code":"x","message":"y","later":1}"#).expect("tolerant");
        assert_eq!((e.schema, e.code.as_str()), (1, "x"));
    }

    #[test]
    fn method_errors_keep_their_kind_across_the_wire() {
        let mut e = PluginError::new(CODE_METHOD_ERROR, "w: no energy");
        e.error = Some(MethodError::Input {
            item: "workload `w`".into(),
            message: "no energy".into(),
        });
        let text = serde_json::to_string(&e).expect("serialise");
        let back: PluginError = serde_json::from_str(&text).expect("parse");
        assert_eq!(back.error, e.error);
    }
}
