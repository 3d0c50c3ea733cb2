//! Loading methodology plugins: the only crate that calls `libloading`.
//!
//! [`load`] opens a library **the user named** (bilan never scans directories), checks it in
//! this order and wraps each of its methods as a [`DynamicMethodology`], which implements
//! [`Methodology`] like any built-in method:
//!
//! 1. check that it is a regular file and hash it (SHA-256, streamed); with a pin, refuse a library whose hash differs
//!    **before** loading it;
//! 2. load it. *Loading runs the library's initialisers*: naming a plugin is trusting it, as
//!    with any program one runs;
//! 3. read `bilan_plugin_abi_version` and require [`ABI_VERSION`];
//! 4. read the versioned entry `bilan_plugin_entry_v1` and its table;
//! 5. read the manifest (JSON) and check it;
//! 6. require the host's `bilan-core` version to match `^api-version` of the plugin (semver,
//!    pre-release tags ignored; below 1.0 a minor version is a breaking one).
//!
//! Each failure is a typed [`LoadError`] whose message names the path and what was expected.
//! Libraries are **never unloaded** (a loaded library's code and statics may be referenced
//! for the rest of the process; several platforms cannot unload safely anyway).
//!
//! Calls go through JSON: [`DynamicMethodology::assess`] serialises the inventory, factors and
//! parameters, and reads back an [`Assessment`]. An answer that is not JSON, not an
//! assessment, an assessment of another method, or one whose audit trail does not reproduce
//! ([`Assessment::check`]) becomes a [`MethodError`], as does a caught panic: the runner turns
//! it into an error row and the other methods still report. A crash (segfault, abort) in a
//! plugin cannot be caught in process.
//!
//! A pin protects against a library that changed since it was reviewed; the file is read
//! once for hashing and then loaded by path, so it does not protect against someone who can
//! replace the file in between (keep plugins where only trusted users can write).

#![allow(unsafe_code)]
#![warn(
    clippy::undocumented_unsafe_blocks,
    clippy::multiple_unsafe_ops_per_block
)]

use std::borrow::Cow;
use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use bilan_core::assessment::Assessment;
use bilan_core::factor::FactorSet;
use bilan_core::inventory::Inventory;
use bilan_core::method::{Descriptor, MethodError, Methodology, Parameters};
use bilan_plugin_abi::wire::{
    AssessRequest, AssessResponse, Manifest, OP_ASSESS, PluginError, WIRE_SCHEMA,
};
use bilan_plugin_abi::{
    ABI_VERSION, ABI_VERSION_SYMBOL, AbiVersionFn, ENTRY_SYMBOL_V1, EntryFnV1, PluginVTable,
    RawBuf, RawSlice, Status,
};
use libloading::Library;
use serde::Serialize;
use sha2::{Digest as _, Sha256};

/// Why a library was not loaded. Every message names the library's path.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum LoadError {
    /// The file cannot be read.
    #[error("cannot read plugin `{path}`: {message}")]
    Read {
        /// The path.
        path: String,
        /// The system's message.
        message: String,
    },
    /// A pin that is not a SHA-256.
    #[error("plugin `{path}`: `{pin}` is not a SHA-256 pin (expected 64 hexadecimal digits)")]
    BadPin {
        /// The path.
        path: String,
        /// The pin given.
        pin: String,
    },
    /// The library's hash differs from its pin; it was not loaded.
    #[error(
        "plugin `{path}`: SHA-256 mismatch: pinned {pinned}, found {found}; the library changed since it was pinned and was not loaded"
    )]
    PinMismatch {
        /// The path.
        path: String,
        /// The pin.
        pinned: String,
        /// The file's hash.
        found: String,
    },
    /// The system loader refused the file.
    #[error("`{path}` is not a loadable library: {message}")]
    NotALibrary {
        /// The path.
        path: String,
        /// The loader's message.
        message: String,
    },
    /// A symbol every plugin exports is absent.
    #[error(
        "plugin `{path}`: missing symbol `{symbol}` (not a bilan plugin, or one built for another ABI)"
    )]
    MissingSymbol {
        /// The path.
        path: String,
        /// The symbol.
        symbol: String,
    },
    /// Built for another version of the C table.
    #[error("plugin `{path}` was built for ABI v{found}, this host supports v{supported}")]
    AbiMismatch {
        /// The path.
        path: String,
        /// The plugin's ABI version.
        found: u32,
        /// [`ABI_VERSION`].
        supported: u32,
    },
    /// The entry point returned no table, or one that contradicts the ABI version.
    #[error("plugin `{path}`: invalid entry table: {message}")]
    BadTable {
        /// The path.
        path: String,
        /// What is wrong.
        message: String,
    },
    /// The manifest cannot be read or is inconsistent.
    #[error("plugin `{path}`: malformed manifest: {message}")]
    Manifest {
        /// The path.
        path: String,
        /// What is wrong.
        message: String,
    },
    /// Built against a `bilan-core` this host does not satisfy.
    #[error(
        "plugin `{path}`: plugin API {plugin} is not compatible with host API {host} (requires ^{plugin})"
    )]
    ApiIncompatible {
        /// The path.
        path: String,
        /// The plugin's API version.
        plugin: String,
        /// [`bilan_core::API_VERSION`].
        host: String,
    },
}

/// The SHA-256 of a file, lower-case hex. The file is streamed through the hash, never read
/// whole; what is not a regular file (a device such as `/dev/zero`, a directory, a FIFO)
/// is refused rather than read.
pub fn sha256_file(path: &Path) -> Result<String, LoadError> {
    let read_error = |message: String| LoadError::Read {
        path: path.display().to_string(),
        message,
    };
    let mut file = open_regular(path).map_err(read_error)?;
    let mut hasher = Sha256::new();
    std::io::copy(&mut file, &mut hasher).map_err(|e| read_error(e.to_string()))?;
    Ok(hex(&hasher.finalize()))
}

/// Opens `path` for reading if it is a regular file (after symbolic links). Checked before
/// opening, so that a FIFO does not block the open, and again on the open handle, so that
/// the file read is the file checked.
fn open_regular(path: &Path) -> Result<std::fs::File, String> {
    const EXPECTED: &str =
        "not a regular file (a plugin is a library file, not a device, a directory or a pipe)";
    let before = std::fs::metadata(path).map_err(|e| e.to_string())?;
    if !before.is_file() {
        return Err(EXPECTED.to_owned());
    }
    let file = std::fs::File::open(path).map_err(|e| e.to_string())?;
    let after = file.metadata().map_err(|e| e.to_string())?;
    if !after.is_file() {
        return Err(EXPECTED.to_owned());
    }
    Ok(file)
}

/// Lower-case hex.
fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
fn sha256_hex(bytes: &[u8]) -> String {
    hex(&Sha256::digest(bytes))
}

/// Whether a host whose API is `host` can load a plugin built against `plugin`: `host`
/// matches `^plugin`, pre-release tags ignored (a nightly is its release).
pub fn api_compatible(plugin: &str, host: &str) -> Result<bool, semver::Error> {
    let mut plugin = semver::Version::parse(plugin)?;
    let mut host = semver::Version::parse(host)?;
    plugin.pre = semver::Prerelease::EMPTY;
    host.pre = semver::Prerelease::EMPTY;
    let requirement = semver::VersionReq {
        comparators: vec![semver::Comparator {
            op: semver::Op::Caret,
            major: plugin.major,
            minor: Some(plugin.minor),
            patch: Some(plugin.patch),
            pre: semver::Prerelease::EMPTY,
        }],
    };
    Ok(requirement.matches(&host))
}

/// An error with its sources, `a: b: c` (the loader's reason is a source of libloading's
/// error).
fn with_sources(e: &dyn std::error::Error) -> String {
    let mut text = e.to_string();
    let mut source = e.source();
    while let Some(s) = source {
        text.push_str(": ");
        text.push_str(&s.to_string());
        source = s.source();
    }
    text
}

/// A library read, hashed and loaded (and leaked: never unloaded).
struct Opened {
    path: PathBuf,
    shown: String,
    sha256: String,
    library: &'static Library,
}

fn open(path: &Path, pin: Option<&str>) -> Result<Opened, LoadError> {
    let shown = path.display().to_string();
    let sha256 = sha256_file(path)?;
    if let Some(pin) = pin {
        let pinned = pin.trim().to_ascii_lowercase();
        if pinned.len() != 64 || !pinned.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Err(LoadError::BadPin {
                path: shown,
                pin: pin.to_owned(),
            });
        }
        if pinned != sha256 {
            return Err(LoadError::PinMismatch {
                path: shown,
                pinned,
                found: sha256,
            });
        }
    }
    // An absolute path, so that the system loader never searches its library path for a
    // bare file name: the file loaded is the file hashed.
    let absolute = std::path::absolute(path).map_err(|e| LoadError::Read {
        path: shown.clone(),
        message: e.to_string(),
    })?;
    // SAFETY: loading runs the library's initialisers, arbitrary code. The user named this
    // file explicitly (`--plugin` or a `--config` file they passed), which is the decision to
    // trust it; its pin, if any, has been checked. The library is never unloaded, so no
    // termination routine runs while its code or data may still be referenced.
    let library = unsafe { Library::new(&absolute) }.map_err(|e| LoadError::NotALibrary {
        path: shown.clone(),
        message: with_sources(&e),
    })?;
    let library: &'static Library = Box::leak(Box::new(library));
    tracing::debug!(path = %shown, %sha256, "plugin library loaded");
    Ok(Opened {
        path: path.to_path_buf(),
        shown,
        sha256,
        library,
    })
}

impl Opened {
    fn missing(&self, symbol: &std::ffi::CStr) -> LoadError {
        LoadError::MissingSymbol {
            path: self.shown.clone(),
            symbol: symbol.to_string_lossy().into_owned(),
        }
    }

    /// The library's ABI version.
    fn abi_version(&self) -> Result<u32, LoadError> {
        // SAFETY: `bilan_plugin_abi_version` is, by the plugin contract of every ABI version,
        // an `extern "C" fn() -> u32`; the symbol cannot outlive the leaked library.
        let f: AbiVersionFn = unsafe { self.library.get::<AbiVersionFn>(ABI_VERSION_SYMBOL) }
            .map(|s| *s)
            .map_err(|_| self.missing(ABI_VERSION_SYMBOL))?;
        // SAFETY: a function without arguments of the type above; the library stays loaded.
        Ok(unsafe { f() })
    }

    /// The table of ABI version 1, after the ABI version was checked.
    fn table(&self) -> Result<&'static PluginVTable, LoadError> {
        // SAFETY: the library declared ABI version 1, whose entry symbol has this type.
        let entry: EntryFnV1 = unsafe { self.library.get::<EntryFnV1>(ENTRY_SYMBOL_V1) }
            .map(|s| *s)
            .map_err(|_| self.missing(ENTRY_SYMBOL_V1))?;
        // SAFETY: a function without arguments of the ABI v1 entry type.
        let table = unsafe { entry() };
        if table.is_null() {
            return Err(LoadError::BadTable {
                path: self.shown.clone(),
                message: "`bilan_plugin_entry_v1` returned a null pointer".to_owned(),
            });
        }
        // SAFETY: ABI v1 requires the pointer to refer to a `PluginVTable` that lives as long
        // as the library (a static); the library is never unloaded, hence `'static`.
        let table: &'static PluginVTable = unsafe { &*table };
        if table.abi_version != ABI_VERSION {
            return Err(LoadError::BadTable {
                path: self.shown.clone(),
                message: format!(
                    "the table says ABI v{}, the library said v{ABI_VERSION}",
                    table.abi_version
                ),
            });
        }
        Ok(table)
    }

    fn manifest(&self, table: &'static PluginVTable) -> Result<Manifest, LoadError> {
        let bad = |message: String| LoadError::Manifest {
            path: self.shown.clone(),
            message,
        };
        let mut out = RawBuf::EMPTY;
        // SAFETY: `out` is a valid local the plugin writes once; ABI v1 contract.
        let code = unsafe { (table.manifest)(&mut out) };
        let payload = take(table, out).map_err(&bad)?;
        match Status::from_code(code) {
            Some(Status::Ok) => {}
            Some(Status::Error) | Some(Status::Panic) => {
                return Err(bad(format!(
                    "the plugin failed to describe itself: {}",
                    error_text(&payload)
                )));
            }
            None => return Err(bad(format!("unknown status code {code}"))),
        }
        let manifest: Manifest =
            serde_json::from_slice(&payload).map_err(|e| bad(e.to_string()))?;
        if manifest.schema != WIRE_SCHEMA {
            return Err(bad(format!(
                "manifest schema {} (this host reads {WIRE_SCHEMA})",
                manifest.schema
            )));
        }
        if manifest.name.trim().is_empty() {
            return Err(bad("the plugin has no name".to_owned()));
        }
        if let Err(e) = semver::Version::parse(&manifest.version) {
            return Err(bad(format!(
                "plugin version `{}` is not semver: {e}",
                manifest.version
            )));
        }
        if let Err(e) = semver::Version::parse(&manifest.api_version) {
            return Err(bad(format!(
                "API version `{}` is not semver: {e}",
                manifest.api_version
            )));
        }
        if manifest.methodologies.is_empty() {
            return Err(bad("the plugin provides no methodology".to_owned()));
        }
        let mut ids: Vec<&str> = manifest
            .methodologies
            .iter()
            .map(|d| d.id.as_str())
            .collect();
        ids.sort_unstable();
        if let Some(w) = ids.windows(2).find(|w| w[0] == w[1]) {
            return Err(bad(format!("methodology `{}` is listed twice", w[0])));
        }
        Ok(manifest)
    }

    fn check_api(&self, manifest: &Manifest) -> Result<(), LoadError> {
        let host = bilan_core::API_VERSION;
        match api_compatible(&manifest.api_version, host) {
            Ok(true) => Ok(()),
            Ok(false) => Err(LoadError::ApiIncompatible {
                path: self.shown.clone(),
                plugin: manifest.api_version.clone(),
                host: host.to_owned(),
            }),
            Err(e) => Err(LoadError::Manifest {
                path: self.shown.clone(),
                message: format!("API version `{}`: {e}", manifest.api_version),
            }),
        }
    }
}

/// Copies a plugin's buffer and gives it back to the plugin.
fn take(table: &PluginVTable, buf: RawBuf) -> Result<Vec<u8>, String> {
    if buf.ptr.is_null() {
        return if buf.len == 0 {
            Ok(Vec::new())
        } else {
            Err(format!("a null buffer of {} bytes", buf.len))
        };
    }
    if buf.len > isize::MAX as usize || buf.len > buf.cap {
        // Not read, and not freed either: its parts cannot be trusted.
        return Err(format!(
            "an invalid buffer (length {}, capacity {})",
            buf.len, buf.cap
        ));
    }
    // SAFETY: ABI v1: the plugin wrote `len` initialised bytes at `ptr`, valid until the
    // buffer is given back with `free_buf`.
    let bytes = unsafe { std::slice::from_raw_parts(buf.ptr, buf.len) }.to_vec();
    // SAFETY: the buffer was written by this plugin to an `out` parameter; freed once.
    unsafe { (table.free_buf)(buf) };
    Ok(bytes)
}

/// The message of an error payload, or the payload itself.
fn error_text(payload: &[u8]) -> String {
    match serde_json::from_slice::<PluginError>(payload) {
        Ok(e) => format!("{}: {}", e.code, e.message),
        Err(_) => format!("(unreadable error) {}", String::from_utf8_lossy(payload)),
    }
}

struct Loaded {
    path: PathBuf,
    shown: String,
    sha256: String,
    manifest: Manifest,
    table: &'static PluginVTable,
}

/// A loaded plugin library. Cheap to clone; the library stays loaded for the life of the
/// process.
#[derive(Clone)]
pub struct Plugin {
    inner: Arc<Loaded>,
}

impl fmt::Debug for Plugin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Plugin")
            .field("path", &self.inner.path)
            .field("sha256", &self.inner.sha256)
            .field("name", &self.inner.manifest.name)
            .field("version", &self.inner.manifest.version)
            .finish()
    }
}

/// Loads the plugin at `path` (see the crate documentation for the checks); with `pin`, the
/// library must have that SHA-256 (hex) or it is not loaded.
pub fn load(path: &Path, pin: Option<&str>) -> Result<Plugin, LoadError> {
    let opened = open(path, pin)?;
    let found = opened.abi_version()?;
    if found != ABI_VERSION {
        return Err(LoadError::AbiMismatch {
            path: opened.shown,
            found,
            supported: ABI_VERSION,
        });
    }
    let table = opened.table()?;
    let manifest = opened.manifest(table)?;
    opened.check_api(&manifest)?;
    tracing::info!(
        path = %opened.shown,
        plugin = %manifest.name,
        version = %manifest.version,
        api = %manifest.api_version,
        "plugin loaded"
    );
    Ok(Plugin {
        inner: Arc::new(Loaded {
            path: opened.path,
            shown: opened.shown,
            sha256: opened.sha256,
            manifest,
            table,
        }),
    })
}

impl Plugin {
    /// The path it was loaded from, as given.
    pub fn path(&self) -> &Path {
        &self.inner.path
    }

    /// The library's SHA-256 (hex).
    pub fn sha256(&self) -> &str {
        &self.inner.sha256
    }

    /// Its manifest.
    pub fn manifest(&self) -> &Manifest {
        &self.inner.manifest
    }

    /// `name version`, for reports.
    pub fn label(&self) -> String {
        format!(
            "{} {}",
            self.inner.manifest.name, self.inner.manifest.version
        )
    }

    /// Its methods, in manifest order.
    pub fn methodologies(&self) -> Vec<DynamicMethodology> {
        self.inner
            .manifest
            .methodologies
            .iter()
            .map(|d| DynamicMethodology {
                descriptor: d.clone(),
                plugin: self.clone(),
            })
            .collect()
    }

    /// Calls `invoke`: the status code and the payload.
    fn invoke(&self, op: &str, input: &[u8]) -> (u32, Result<Vec<u8>, String>) {
        let table = self.inner.table;
        let mut out = RawBuf::EMPTY;
        // SAFETY: `op` and `input` outlive the call, `out` is a valid local written once; the
        // table is the plugin's static (ABI v1) and the library is never unloaded.
        let code =
            unsafe { (table.invoke)(RawSlice::new(op.as_bytes()), RawSlice::new(input), &mut out) };
        (code, take(table, out))
    }
}

/// One method of a plugin, usable wherever a [`Methodology`] is.
#[derive(Clone, Debug)]
pub struct DynamicMethodology {
    descriptor: Descriptor,
    plugin: Plugin,
}

impl DynamicMethodology {
    /// The plugin it comes from.
    pub fn plugin(&self) -> &Plugin {
        &self.plugin
    }

    fn fail(&self, message: impl fmt::Display) -> MethodError {
        MethodError::Other(format!(
            "plugin `{}` (`{}`): {message}",
            self.plugin.label(),
            self.plugin.inner.shown
        ))
    }

    fn read_assessment(&self, payload: &[u8]) -> Result<Assessment, MethodError> {
        let response: AssessResponse<'static> =
            serde_json::from_slice(payload).map_err(|e| match e.classify() {
                serde_json::error::Category::Data => {
                    self.fail(format!("returned JSON that is not an assessment: {e}"))
                }
                _ => self.fail(format!("returned malformed JSON: {e}")),
            })?;
        if response.schema != WIRE_SCHEMA {
            return Err(self.fail(format!(
                "answered in wire schema {}, this host reads {WIRE_SCHEMA}",
                response.schema
            )));
        }
        let assessment = response.assessment.into_owned();
        let asked = self.descriptor.method_ref();
        if assessment.method != asked {
            return Err(self.fail(format!(
                "returned an assessment of `{}` when asked for `{asked}`",
                assessment.method
            )));
        }
        assessment.check().map_err(|e| {
            self.fail(format!(
                "returned an assessment whose audit trail does not reproduce: {e}"
            ))
        })?;
        Ok(assessment)
    }

    fn read_error(&self, payload: &[u8]) -> MethodError {
        match serde_json::from_slice::<PluginError>(payload) {
            Ok(PluginError { error: Some(e), .. }) => e,
            Ok(e) => self.fail(format!("{}: {}", e.code, e.message)),
            Err(e) => self.fail(format!("returned an error that is not valid JSON: {e}")),
        }
    }
}

impl Methodology for DynamicMethodology {
    fn descriptor(&self) -> &Descriptor {
        &self.descriptor
    }

    fn assess(
        &self,
        inventory: &Inventory,
        factors: &FactorSet,
        parameters: &Parameters,
    ) -> Result<Assessment, MethodError> {
        let request = AssessRequest {
            schema: WIRE_SCHEMA,
            method: Cow::Borrowed(&self.descriptor.id),
            inventory: Cow::Borrowed(inventory),
            factors: Cow::Borrowed(factors),
            parameters: Cow::Borrowed(parameters),
        };
        let input = serde_json::to_vec(&request)
            .map_err(|e| self.fail(format!("cannot serialise the request: {e}")))?;
        let (code, payload) = self.plugin.invoke(OP_ASSESS, &input);
        let payload = payload.map_err(|e| self.fail(format!("returned {e}")))?;
        match Status::from_code(code) {
            Some(Status::Ok) => self.read_assessment(&payload).map(|mut a| {
                a.warnings
                    .extend(bilan_core::series::not_carried(inventory));
                a
            }),
            Some(Status::Error) => Err(self.read_error(&payload)),
            Some(Status::Panic) => {
                let message = serde_json::from_slice::<PluginError>(&payload)
                    .map(|e| e.message)
                    .unwrap_or_else(|_| String::from_utf8_lossy(&payload).into_owned());
                Err(self.fail(format!("panicked: {message}")))
            }
            None => Err(self.fail(format!("returned an unknown status code {code}"))),
        }
    }
}

/// What `bilan plugins inspect` shows: read without running any method.
#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "kebab-case")]
pub struct Inspection {
    /// The path, as given.
    pub path: String,
    /// The library's SHA-256 (hex).
    pub sha256: String,
    /// The ABI version it was built for.
    pub abi_version: u32,
    /// The ABI version of this host.
    pub host_abi_version: u32,
    /// The API version of this host.
    pub host_api_version: String,
    /// The manifest; absent when the ABI differs (its table cannot be read safely).
    pub manifest: Option<Manifest>,
    /// Why [`load`] would refuse the library, if it would.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub problem: Option<String>,
}

/// Reads a library's ABI version, manifest and hash without running any of its methods
/// (loading it still runs its initialisers and its `manifest` function). A library whose
/// ABI or API this host does not support is described with the [`Inspection::problem`];
/// one that cannot be read that far is an error.
pub fn inspect(path: &Path) -> Result<Inspection, LoadError> {
    let opened = open(path, None)?;
    let abi_version = opened.abi_version()?;
    let mut inspection = Inspection {
        path: opened.shown.clone(),
        sha256: opened.sha256.clone(),
        abi_version,
        host_abi_version: ABI_VERSION,
        host_api_version: bilan_core::API_VERSION.to_owned(),
        manifest: None,
        problem: None,
    };
    if abi_version != ABI_VERSION {
        inspection.problem = Some(
            LoadError::AbiMismatch {
                path: opened.shown,
                found: abi_version,
                supported: ABI_VERSION,
            }
            .to_string(),
        );
        return Ok(inspection);
    }
    let table = opened.table()?;
    let manifest = opened.manifest(table)?;
    inspection.problem = opened.check_api(&manifest).err().map(|e| e.to_string());
    inspection.manifest = Some(manifest);
    Ok(inspection)
}

#[cfg(test)]
mod tests;
