//! Ctrl-C and termination requests while a command is measured.
//!
//! While a measurement runs, SIGINT and SIGTERM only set flags (through `signal-hook`): the
//! run loop then stops the command and the measurement is still written, marked
//! interrupted. Tests set the same flags with [`Interrupt::interrupt`] and
//! [`Interrupt::terminate`], without any signal.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use signal_hook::SigId;
use signal_hook::consts::{SIGINT, SIGTERM};

/// The interrupt requests of one measurement.
#[derive(Debug, Default)]
pub struct Interrupt {
    int: Arc<AtomicBool>,
    term: Arc<AtomicBool>,
    registered: Vec<SigId>,
}

impl Interrupt {
    /// Flags that only [`Interrupt::interrupt`] and [`Interrupt::terminate`] set.
    pub fn new() -> Interrupt {
        Interrupt::default()
    }

    /// Flags that SIGINT (Ctrl-C) and SIGTERM set, until this is dropped. The process
    /// then no longer dies of either: a signal arriving afterwards, while the measurement
    /// is written, is ignored.
    pub fn register() -> std::io::Result<Interrupt> {
        let mut interrupt = Interrupt::default();
        interrupt.registered.push(signal_hook::flag::register(
            SIGINT,
            Arc::clone(&interrupt.int),
        )?);
        interrupt.registered.push(signal_hook::flag::register(
            SIGTERM,
            Arc::clone(&interrupt.term),
        )?);
        Ok(interrupt)
    }

    /// As Ctrl-C would.
    pub fn interrupt(&self) {
        self.int.store(true, Ordering::SeqCst);
    }

    /// As SIGTERM would.
    pub fn terminate(&self) {
        self.term.store(true, Ordering::SeqCst);
    }

    /// Whether Ctrl-C came since the last call.
    pub(crate) fn take_interrupt(&self) -> bool {
        self.int.swap(false, Ordering::SeqCst)
    }

    /// Whether SIGTERM came since the last call.
    pub(crate) fn take_terminate(&self) -> bool {
        self.term.swap(false, Ordering::SeqCst)
    }
}

impl Drop for Interrupt {
    fn drop(&mut self) {
        for id in self.registered.drain(..) {
            signal_hook::low_level::unregister(id);
        }
    }
}
