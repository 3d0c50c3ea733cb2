//! The plugin SDK: turn [`Methodology`] implementations into a library bilan loads at run
//! time.
//!
//! ```ignore
//! // Cargo.toml: [lib] crate-type = ["cdylib", "rlib"]
//! bilan_plugin_sdk::export_plugin!(MyMethod::default);
//! // or several methods in one library:
//! bilan_plugin_sdk::export_plugin!(MyMethod::default, || Other::new(42));
//! ```
//!
//! [`export_plugin!`] generates the two exported C symbols of `bilan-plugin-abi`
//! (`bilan_plugin_abi_version`, `bilan_plugin_entry_v1`) and the static table behind them.
//! Behind the table, [`Plugin`] answers in JSON:
//!
//! * `manifest`: the plugin's name and version (its crate's `CARGO_PKG_NAME` and
//!   `CARGO_PKG_VERSION`), the `bilan-core` version it was built against
//!   ([`bilan_core::API_VERSION`]), every method's [`Descriptor`] and how it was built;
//! * `invoke("assess", {schema, method, inventory, factors, parameters})`: runs the method
//!   and returns `{schema, assessment}`, or a [`PluginError`] whose `error` carries the
//!   method's typed [`MethodError`].
//!
//! Every exported function runs under [`std::panic::catch_unwind`]: a panic becomes
//! [`Status::Panic`] with its message, never an unwind across the C boundary (which would
//! abort the host). Plugins must therefore be built with `panic = "unwind"` (the default).
//! Buffers the plugin hands out are freed only by its own `free_buf`.
//!
//! Methods run in the plugin exactly as they would linked into bilan: the methods are
//! constructed once, on first use, and may be called from several threads at once
//! ([`Methodology`] is `Send + Sync`).

#![allow(unsafe_code)]
#![warn(
    clippy::undocumented_unsafe_blocks,
    clippy::multiple_unsafe_ops_per_block
)]

use std::borrow::Cow;
use std::panic::{AssertUnwindSafe, catch_unwind};

pub use bilan_core;
/// The method kit the built-in methods use: site PUE, WUE and grid factors, embodied
/// factors, shared terms and their wording. Resolve through it to behave like them.
pub use bilan_method_kit as kit;
pub use bilan_plugin_abi as abi;

use bilan_core::method::{Descriptor, MethodError, Methodology};
use bilan_plugin_abi::Status;
use bilan_plugin_abi::wire::{
    AssessRequest, AssessResponse, Build, CODE_BAD_REQUEST, CODE_METHOD_ERROR, CODE_PANIC,
    CODE_UNKNOWN_METHOD, CODE_UNKNOWN_OP, Manifest, OP_ASSESS, PluginError, WIRE_SCHEMA,
};

/// Version of this SDK, recorded in manifests.
pub const SDK_VERSION: &str = env!("CARGO_PKG_VERSION");

/// Exports methodologies from this crate's library: give one constructor per method (a
/// path such as `MyMethod::default`, or a closure), in the order `bilan methods` should
/// list them. Use once per library, in a crate with `crate-type = ["cdylib", "rlib"]`.
#[macro_export]
macro_rules! export_plugin {
    ($($make:expr),+ $(,)?) => {
        $crate::export_handler!($crate::abi::ABI_VERSION, || {
            $crate::Plugin::new(
                ::core::env!("CARGO_PKG_NAME"),
                ::core::env!("CARGO_PKG_VERSION"),
                ::std::vec![$($crate::boxed(($make)())),+],
            )
        });
    };
}

/// Exports any [`Handler`] with the given ABI version: the byte-level layer under
/// [`export_plugin!`]. Not for plugins: bilan's tests use it to build libraries that break
/// the contract on purpose (another ABI version, malformed JSON), in safe Rust.
#[doc(hidden)]
#[macro_export]
macro_rules! export_handler {
    ($abi:expr, $make:expr) => {
        static __BILAN_PLUGIN_HANDLER: ::std::sync::LazyLock<
            ::std::boxed::Box<dyn $crate::Handler>,
        > = ::std::sync::LazyLock::new(|| ::std::boxed::Box::new(($make)()));

        fn __bilan_plugin_handler() -> &'static dyn $crate::Handler {
            &**__BILAN_PLUGIN_HANDLER
        }

        /// The ABI version this library was built for (`bilan-plugin-abi`).
        #[unsafe(no_mangle)]
        pub extern "C" fn bilan_plugin_abi_version() -> u32 {
            $abi
        }

        /// The plugin's table (ABI version 1).
        #[unsafe(no_mangle)]
        pub extern "C" fn bilan_plugin_entry_v1() -> *const $crate::abi::PluginVTable {
            static VTABLE: $crate::abi::PluginVTable = $crate::abi::PluginVTable {
                abi_version: $abi,
                manifest: __bilan_plugin_manifest,
                invoke: __bilan_plugin_invoke,
                free_buf: $crate::ffi::free_buf,
            };
            &VTABLE
        }

        unsafe extern "C" fn __bilan_plugin_manifest(out: *mut $crate::abi::RawBuf) -> u32 {
            // SAFETY: the host's obligations on `out` (valid for one write) are those of
            // `ffi::manifest`.
            unsafe { $crate::ffi::manifest(__bilan_plugin_handler, out) }
        }

        unsafe extern "C" fn __bilan_plugin_invoke(
            op: $crate::abi::RawSlice,
            input: $crate::abi::RawSlice,
            out: *mut $crate::abi::RawBuf,
        ) -> u32 {
            // SAFETY: the host's obligations on `op`, `input` and `out` are those of
            // `ffi::invoke`.
            unsafe { $crate::ffi::invoke(__bilan_plugin_handler, op, input, out) }
        }
    };
}

/// Boxes a method for [`Plugin::new`] (used by [`export_plugin!`]).
pub fn boxed<M: Methodology + 'static>(method: M) -> Box<dyn Methodology> {
    Box::new(method)
}

/// A JSON payload and whether it reports success.
#[derive(Debug)]
pub enum Reply {
    /// [`Status::Ok`].
    Ok(Vec<u8>),
    /// [`Status::Error`]: a [`PluginError`].
    Error(Vec<u8>),
}

impl Reply {
    /// `value` as JSON (an error reply if it cannot be serialised).
    pub fn json<T: serde::Serialize>(value: &T) -> Reply {
        match serde_json::to_vec(value) {
            Ok(bytes) => Reply::Ok(bytes),
            Err(e) => Reply::error(
                CODE_METHOD_ERROR,
                format!("the plugin cannot serialise its answer: {e}"),
            ),
        }
    }

    /// An error reply.
    pub fn error(code: &str, message: impl Into<String>) -> Reply {
        Reply::plugin_error(&PluginError::new(code, message))
    }

    fn plugin_error(e: &PluginError) -> Reply {
        Reply::Error(error_bytes(e))
    }
}

/// Serialises an error; falls back to a fixed text if even that fails.
fn error_bytes(e: &PluginError) -> Vec<u8> {
    serde_json::to_vec(e).unwrap_or_else(|_| {
        br#"{"schema":1,"code":"internal","message":"the plugin cannot serialise an error"}"#
            .to_vec()
    })
}

/// What answers the host's calls behind the C table. [`Plugin`] is the implementation
/// plugins use.
pub trait Handler: Send + Sync + 'static {
    /// The manifest, as JSON.
    fn manifest(&self) -> Reply;
    /// Runs `op` on the JSON `input`.
    fn invoke(&self, op: &str, input: &[u8]) -> Reply;
}

/// A plugin: a name, a version and its methodologies.
pub struct Plugin {
    name: String,
    version: String,
    methods: Vec<Box<dyn Methodology>>,
}

impl std::fmt::Debug for Plugin {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Plugin")
            .field("name", &self.name)
            .field("version", &self.version)
            .field(
                "methods",
                &self
                    .methods
                    .iter()
                    .map(|m| &m.descriptor().id)
                    .collect::<Vec<_>>(),
            )
            .finish()
    }
}

impl Plugin {
    /// A plugin named `name` (semver `version`) providing `methods`.
    pub fn new(
        name: impl Into<String>,
        version: impl Into<String>,
        methods: Vec<Box<dyn Methodology>>,
    ) -> Plugin {
        Plugin {
            name: name.into(),
            version: version.into(),
            methods,
        }
    }

    /// The descriptors of its methods.
    pub fn descriptors(&self) -> Vec<Descriptor> {
        self.methods
            .iter()
            .map(|m| m.descriptor().clone())
            .collect()
    }

    /// What the library says of itself.
    pub fn manifest_data(&self) -> Manifest {
        Manifest {
            schema: WIRE_SCHEMA,
            name: self.name.clone(),
            version: self.version.clone(),
            api_version: bilan_core::API_VERSION.to_owned(),
            methodologies: self.descriptors(),
            build: Build {
                target: format!("{}-{}", std::env::consts::ARCH, std::env::consts::OS),
                profile: if cfg!(debug_assertions) {
                    "debug"
                } else {
                    "release"
                }
                .to_owned(),
                sdk: Some(SDK_VERSION.to_owned()),
            },
            features: Vec::new(),
        }
    }

    /// Answers an `assess` request (JSON in, JSON out), as the C entry point does; plugin
    /// tests can call it directly.
    pub fn assess_json(&self, input: &[u8]) -> Reply {
        let request: AssessRequest<'static> = match serde_json::from_slice(input) {
            Ok(r) => r,
            Err(e) => {
                return Reply::error(
                    CODE_BAD_REQUEST,
                    format!("cannot read the assess request: {e}"),
                );
            }
        };
        if request.schema != WIRE_SCHEMA {
            return Reply::error(
                CODE_BAD_REQUEST,
                format!(
                    "assess request schema {} is not supported (this plugin reads {WIRE_SCHEMA})",
                    request.schema
                ),
            );
        }
        let Some(method) = self
            .methods
            .iter()
            .find(|m| m.descriptor().id == request.method)
        else {
            return Reply::error(
                CODE_UNKNOWN_METHOD,
                format!(
                    "plugin `{}` has no method `{}` (it has: {})",
                    self.name,
                    request.method,
                    self.methods
                        .iter()
                        .map(|m| m.descriptor().id.as_str())
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            );
        };
        match method.assess(&request.inventory, &request.factors, &request.parameters) {
            Ok(assessment) => Reply::json(&AssessResponse {
                schema: WIRE_SCHEMA,
                assessment: Cow::Owned(assessment),
            }),
            Err(e) => Reply::plugin_error(&method_error(e)),
        }
    }
}

fn method_error(e: MethodError) -> PluginError {
    let mut out = PluginError::new(CODE_METHOD_ERROR, e.to_string());
    out.error = Some(e);
    out
}

impl Handler for Plugin {
    fn manifest(&self) -> Reply {
        Reply::json(&self.manifest_data())
    }

    fn invoke(&self, op: &str, input: &[u8]) -> Reply {
        match op {
            OP_ASSESS => self.assess_json(input),
            _ => Reply::error(
                CODE_UNKNOWN_OP,
                format!(
                    "plugin `{}` does not know the operation `{op}` (it knows: {OP_ASSESS})",
                    self.name
                ),
            ),
        }
    }
}

fn panic_message(panic: &(dyn std::any::Any + Send)) -> String {
    panic
        .downcast_ref::<&str>()
        .map(|s| (*s).to_owned())
        .or_else(|| panic.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "a panic without a message".to_owned())
}

/// The functions behind the C table, called by the code [`export_handler!`] generates.
#[doc(hidden)]
pub mod ffi {
    use super::*;
    use bilan_plugin_abi::{RawBuf, RawSlice};

    /// Runs `answer` under `catch_unwind` and writes its payload to `out`.
    ///
    /// # Safety
    ///
    /// `out` must be null (the call then fails) or valid for one write of a [`RawBuf`].
    unsafe fn respond(out: *mut RawBuf, answer: impl FnOnce() -> Reply) -> u32 {
        if out.is_null() {
            return Status::Error.code();
        }
        let (status, bytes) = match catch_unwind(AssertUnwindSafe(answer)) {
            Ok(Reply::Ok(bytes)) => (Status::Ok, bytes),
            Ok(Reply::Error(bytes)) => (Status::Error, bytes),
            Err(panic) => {
                let message = panic_message(panic.as_ref());
                // Dropping a payload can itself panic; keep that inside the library too.
                let _ = catch_unwind(AssertUnwindSafe(move || drop(panic)));
                (
                    Status::Panic,
                    error_bytes(&PluginError::new(CODE_PANIC, message)),
                )
            }
        };
        // SAFETY: `out` is non-null and the caller guarantees it is valid for one write.
        unsafe { out.write(RawBuf::from_vec(bytes)) };
        status.code()
    }

    /// `PluginVTable::manifest`.
    ///
    /// # Safety
    ///
    /// `out` must be null or valid for one write of a [`RawBuf`].
    pub unsafe fn manifest(handler: fn() -> &'static dyn Handler, out: *mut RawBuf) -> u32 {
        // SAFETY: forwarded to the caller.
        unsafe { respond(out, || handler().manifest()) }
    }

    /// `PluginVTable::invoke`.
    ///
    /// # Safety
    ///
    /// `op` and `input` must be readable for the duration of the call (see
    /// [`RawSlice::as_bytes`]); `out` must be null or valid for one write of a [`RawBuf`].
    pub unsafe fn invoke(
        handler: fn() -> &'static dyn Handler,
        op: RawSlice,
        input: RawSlice,
        out: *mut RawBuf,
    ) -> u32 {
        let answer = || {
            // SAFETY: the host lends both slices for the duration of this call.
            let op = unsafe { op.as_bytes() };
            // SAFETY: as above.
            let input = unsafe { input.as_bytes() };
            match std::str::from_utf8(op) {
                Ok(op) => handler().invoke(op, input),
                Err(_) => Reply::error(CODE_UNKNOWN_OP, "the operation name is not UTF-8"),
            }
        };
        // SAFETY: forwarded to the caller.
        unsafe { respond(out, answer) }
    }

    /// `PluginVTable::free_buf`.
    ///
    /// # Safety
    ///
    /// `buf` must be one this library wrote to an `out` parameter, freed once.
    pub unsafe extern "C" fn free_buf(buf: RawBuf) {
        let _ = catch_unwind(AssertUnwindSafe(|| {
            // SAFETY: the caller returns a buffer made by `RawBuf::from_vec` in this library.
            drop(unsafe { buf.into_vec() })
        }));
    }
}

#[cfg(test)]
mod tests;
