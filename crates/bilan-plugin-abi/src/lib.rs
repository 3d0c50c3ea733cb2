//! The contract between bilan and methodology plugins loaded at run time.
//!
//! Rust has no stable ABI, so nothing of Rust's layout crosses the boundary: a plugin
//! library exports two C functions and a `#[repr(C)]` table of four function pointers, and
//! every piece of domain data crosses as **JSON bytes** ([`wire`]). Only pointers, lengths and
//! `u32` codes cross; each side frees only what it allocated.
//!
//! Two version numbers, checked in this order by the host:
//!
//! 1. [`ABI_VERSION`], an integer for the shape of this C table. It changes almost never; a
//!    change also renames the entry symbol ([`ENTRY_SYMBOL_V1`] → `…_v2`), so a host can
//!    never call a table of the wrong shape.
//! 2. The **API version**, the semver version of `bilan-core` the plugin was built against
//!    ([`wire::Manifest::api_version`]): the JSON schema of inventories, factors and
//!    assessments. A host accepts a plugin when its own `bilan-core` version matches
//!    `^api_version`, like a cargo dependency (pre-1.0: the minor version must match).
//!
//! The handshake (`docs/plugins.md`): call [`ABI_VERSION_SYMBOL`] and compare with
//! [`ABI_VERSION`]; look up [`ENTRY_SYMBOL_V1`] and call it for the [`PluginVTable`]; call
//! [`PluginVTable::manifest`] for the [`wire::Manifest`]; check the API version; then call
//! [`PluginVTable::invoke`] with [`wire::OP_ASSESS`] for each assessment. Libraries are never
//! unloaded.
//!
//! This crate holds types and constants only; the plugin side is `bilan-plugin-sdk`, the
//! host side `bilan-plugin-host`.

#![allow(unsafe_code)]
#![warn(
    clippy::undocumented_unsafe_blocks,
    clippy::multiple_unsafe_ops_per_block
)]

pub mod wire;

use std::ffi::CStr;

/// Version of the C table. A plugin whose [`ABI_VERSION_SYMBOL`] returns another value is
/// refused before anything else is read from it.
pub const ABI_VERSION: u32 = 1;

/// `extern "C" fn() -> u32`: the ABI version the library was built for ([`AbiVersionFn`]).
pub const ABI_VERSION_SYMBOL: &CStr = c"bilan_plugin_abi_version";

/// `extern "C" fn() -> *const PluginVTable`: the entry point of ABI version 1
/// ([`EntryFnV1`]). The pointer must refer to a table that lives as long as the library
/// (a `static`).
pub const ENTRY_SYMBOL_V1: &CStr = c"bilan_plugin_entry_v1";

/// The type of [`ABI_VERSION_SYMBOL`].
pub type AbiVersionFn = unsafe extern "C" fn() -> u32;

/// The type of [`ENTRY_SYMBOL_V1`].
pub type EntryFnV1 = unsafe extern "C" fn() -> *const PluginVTable;

/// Bytes lent by the caller for the duration of one call (never freed by the callee).
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct RawSlice {
    /// First byte; may be null when `len` is 0.
    pub ptr: *const u8,
    /// Number of bytes.
    pub len: usize,
}

impl RawSlice {
    /// Lends `bytes`; the slice must outlive the call it is passed to.
    pub fn new(bytes: &[u8]) -> RawSlice {
        RawSlice {
            ptr: bytes.as_ptr(),
            len: bytes.len(),
        }
    }

    /// The bytes.
    ///
    /// # Safety
    ///
    /// `ptr` must be null with `len` 0, or point to `len` initialised bytes that stay valid
    /// and unmodified for `'a`.
    pub unsafe fn as_bytes<'a>(&self) -> &'a [u8] {
        if self.ptr.is_null() || self.len == 0 {
            return &[];
        }
        // SAFETY: non-null, and the caller guarantees `len` readable bytes for `'a`.
        unsafe { std::slice::from_raw_parts(self.ptr, self.len) }
    }
}

/// Bytes allocated by the plugin and handed to the host, which reads them and gives them
/// back with [`PluginVTable::free_buf`] (never with its own allocator).
#[repr(C)]
#[derive(Debug)]
pub struct RawBuf {
    /// First byte; null for an empty buffer.
    pub ptr: *mut u8,
    /// Number of initialised bytes.
    pub len: usize,
    /// Capacity of the allocation (the plugin needs it to free the buffer).
    pub cap: usize,
}

impl RawBuf {
    /// An empty buffer: what the host passes in and what needs no freeing.
    pub const EMPTY: RawBuf = RawBuf {
        ptr: std::ptr::null_mut(),
        len: 0,
        cap: 0,
    };

    /// Hands `bytes` over; the allocation must come back through [`RawBuf::into_vec`] in the
    /// same library.
    pub fn from_vec(bytes: Vec<u8>) -> RawBuf {
        let mut bytes = std::mem::ManuallyDrop::new(bytes);
        RawBuf {
            ptr: bytes.as_mut_ptr(),
            len: bytes.len(),
            cap: bytes.capacity(),
        }
    }

    /// Takes back a buffer made by [`RawBuf::from_vec`].
    ///
    /// # Safety
    ///
    /// `self` must be null, or come unchanged from [`RawBuf::from_vec`] **in this library**
    /// (same allocator) and not have been taken back before.
    pub unsafe fn into_vec(self) -> Vec<u8> {
        if self.ptr.is_null() {
            return Vec::new();
        }
        // SAFETY: the caller guarantees the parts come from `Vec::into_raw_parts`-style
        // decomposition of a `Vec<u8>` allocated by this library's global allocator.
        unsafe { Vec::from_raw_parts(self.ptr, self.len, self.cap) }
    }
}

/// What a call returned; the payload is JSON in every case. Crosses as a `u32`
/// ([`Status::code`]), so an unknown value from a plugin is an error, never undefined
/// behaviour.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Status {
    /// Success: the payload is the result ([`wire::Manifest`], [`wire::AssessResponse`]).
    Ok,
    /// A reported failure: the payload is a [`wire::PluginError`].
    Error,
    /// The plugin panicked; the panic was caught and the payload is a [`wire::PluginError`]
    /// with code `panic` and the panic message.
    Panic,
}

impl Status {
    /// The code that crosses the boundary.
    pub fn code(self) -> u32 {
        match self {
            Status::Ok => 0,
            Status::Error => 1,
            Status::Panic => 2,
        }
    }

    /// The status of a code, `None` if unknown.
    pub fn from_code(code: u32) -> Option<Status> {
        match code {
            0 => Some(Status::Ok),
            1 => Some(Status::Error),
            2 => Some(Status::Panic),
            _ => None,
        }
    }
}

/// The table a plugin of ABI version 1 exports through [`ENTRY_SYMBOL_V1`].
///
/// Every function may be called from several threads at once and must not unwind (the SDK
/// catches panics and returns [`Status::Panic`]). Each writes its payload to `out`, which
/// the host initialises to [`RawBuf::EMPTY`] and later passes to `free_buf`.
#[repr(C)]
#[derive(Debug)]
pub struct PluginVTable {
    /// [`ABI_VERSION`] again, checked by the host as a guard against a mismatched table.
    pub abi_version: u32,
    /// Writes the [`wire::Manifest`] as JSON; returns a [`Status`] code.
    pub manifest: unsafe extern "C" fn(out: *mut RawBuf) -> u32,
    /// Runs the operation `op` (UTF-8, e.g. [`wire::OP_ASSESS`]) on the JSON `input`, writes
    /// the JSON result; returns a [`Status`] code.
    pub invoke: unsafe extern "C" fn(op: RawSlice, input: RawSlice, out: *mut RawBuf) -> u32,
    /// Frees a buffer this library wrote to an `out` parameter.
    pub free_buf: unsafe extern "C" fn(buf: RawBuf),
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn status_codes_round_trip_and_unknown_codes_are_refused() {
        for s in [Status::Ok, Status::Error, Status::Panic] {
            assert_eq!(Status::from_code(s.code()), Some(s));
        }
        assert_eq!(Status::from_code(3), None);
        assert_eq!(Status::from_code(u32::MAX), None);
    }

    #[test]
    fn buffers_round_trip_and_empty_ones_are_empty() {
        let buf = RawBuf::from_vec(b"{\"schema\":1}".to_vec());
        assert_eq!(buf.len, 12);
        // SAFETY: `buf` comes from `from_vec` in this crate and is taken back once.
        let back = unsafe { buf.into_vec() };
        assert_eq!(back, b"{\"schema\":1}");
        // SAFETY: a null buffer is always accepted.
        assert!(unsafe { RawBuf::EMPTY.into_vec() }.is_empty());
        let slice = RawSlice::new(b"assess");
        // SAFETY: the bytes are a static literal.
        assert_eq!(unsafe { slice.as_bytes() }, b"assess");
        let empty = RawSlice {
            ptr: std::ptr::null(),
            len: 5,
        };
        // SAFETY: a null pointer yields an empty slice without reading.
        assert!(unsafe { empty.as_bytes() }.is_empty());
    }

    #[test]
    fn symbol_names_are_versioned() {
        assert_eq!(ABI_VERSION, 1);
        assert!(
            ENTRY_SYMBOL_V1
                .to_str()
                .is_ok_and(|s| s.ends_with(&format!("_v{ABI_VERSION}")))
        );
    }
}
