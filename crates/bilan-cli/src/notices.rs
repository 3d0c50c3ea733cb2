//! What bilan tells the user on stderr besides its report, through one channel: warnings
//! and notes as short human lines (no timestamp, no colour unless stderr is a terminal and
//! `NO_COLOR` is unset), silenced by `-q` which leaves only errors; and, on a terminal, a
//! spinner for work that lasts over a second.

use std::io::{IsTerminal as _, Write};
use std::sync::mpsc;
use std::thread::JoinHandle;
use std::time::Duration;

use crate::output::Io;

/// Writes `warning: TEXT` unless the run is quiet.
pub(crate) fn warning(io: &mut Io<'_>, text: &str) {
    note(io, &format!("warning: {text}"));
}

/// Writes `text` as it is unless the run is quiet.
pub(crate) fn note(io: &mut Io<'_>, text: &str) {
    if !io.quiet {
        crate::errors::print(io.stderr, text);
    }
}

/// How long work runs before its spinner appears.
const DELAY: Duration = Duration::from_secs(1);

/// A spinner with a message on the process's stderr, shown once the work has lasted
/// [`DELAY`], only when stderr is a terminal and the run is neither quiet nor in process
/// (a test, an embedding); it is cleared when dropped.
pub(crate) struct Spinner {
    done: Option<mpsc::Sender<()>>,
    thread: Option<JoinHandle<()>>,
}

impl Spinner {
    pub(crate) fn start(io: &Io<'_>, message: String) -> Spinner {
        if io.quiet || !io.exiting || !std::io::stderr().is_terminal() {
            return Spinner {
                done: None,
                thread: None,
            };
        }
        let (done, wait) = mpsc::channel::<()>();
        let thread = std::thread::spawn(move || {
            if wait.recv_timeout(DELAY) != Err(mpsc::RecvTimeoutError::Timeout) {
                return;
            }
            let bar = indicatif::ProgressBar::new_spinner();
            bar.set_message(message);
            bar.enable_steady_tick(Duration::from_millis(120));
            let _ = wait.recv();
            bar.finish_and_clear();
            let _ = std::io::stderr().flush();
        });
        Spinner {
            done: Some(done),
            thread: Some(thread),
        }
    }
}

impl Drop for Spinner {
    fn drop(&mut self) {
        drop(self.done.take());
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

impl std::fmt::Debug for Spinner {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Spinner")
    }
}
