//! Running the command while its counters are sampled.
//!
//! The command inherits bilan's standard streams and process group, so a Ctrl-C at the
//! terminal reaches it directly. On Ctrl-C bilan gives it [`RunConfig::grace`] to stop on
//! its own (a training script may save a checkpoint), then sends it SIGTERM, then SIGKILL
//! after [`RunConfig::kill_after`]; a second Ctrl-C kills it at once. SIGTERM to bilan (a job
//! scheduler stopping it) is passed on to the command at once. Either way the measurement
//! goes on until the command has ended, and is marked interrupted.

use std::ffi::OsStr;
use std::os::unix::process::ExitStatusExt as _;
use std::process::Command;
use std::time::{Duration, Instant};

use rustix::process::{Pid, Signal, kill_process};

use crate::{Interrupt, MeasureError, Readings, Sampler};

/// How often the loop checks the command and the interrupt flags between samples.
const POLL: Duration = Duration::from_millis(20);

/// How a command is sampled and stopped.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RunConfig {
    /// Time between two samples.
    pub interval: Duration,
    /// After Ctrl-C, how long the command may take to stop on its own before SIGTERM.
    pub grace: Duration,
    /// After SIGTERM, how long before SIGKILL.
    pub kill_after: Duration,
}

impl Default for RunConfig {
    fn default() -> Self {
        RunConfig {
            interval: Duration::from_secs(1),
            grace: Duration::from_secs(5),
            kill_after: Duration::from_secs(10),
        }
    }
}

/// How the command ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Exit {
    /// It exited with this code.
    Code(i32),
    /// A signal killed it.
    Signal(i32),
}

impl Exit {
    /// The exit code bilan passes on: the command's own, or 128 + the signal that killed it
    /// (as shells report it).
    pub fn code(self) -> u8 {
        match self {
            Exit::Code(c) => (c & 0xff) as u8,
            Exit::Signal(s) => u8::try_from(128 + s.clamp(0, 127)).unwrap_or(255),
        }
    }

    /// The command's own exit code, when it exited on its own.
    pub fn exit_code(self) -> Option<i32> {
        match self {
            Exit::Code(c) => Some(c),
            Exit::Signal(_) => None,
        }
    }
}

impl std::fmt::Display for Exit {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Exit::Code(c) => write!(f, "exited with code {c}"),
            Exit::Signal(s) => {
                let name = signal_hook::low_level::signal_name(*s).unwrap_or("a signal");
                write!(f, "was killed by {name} (signal {s})")
            }
        }
    }
}

/// A command measured.
#[derive(Clone, Debug, PartialEq)]
pub struct Finished {
    /// How it ended.
    pub exit: Exit,
    /// Whether Ctrl-C or SIGTERM stopped it.
    pub interrupted: bool,
    /// What the counters counted.
    pub readings: Readings,
}

/// The command line as a POSIX shell would take it back: words with anything but
/// `[A-Za-z0-9_./:=,+@%-]` in single quotes.
pub fn shell_words(words: &[impl AsRef<OsStr>]) -> String {
    words
        .iter()
        .map(|w| {
            let w = w.as_ref().to_string_lossy();
            let plain = !w.is_empty()
                && w.chars()
                    .all(|c| c.is_ascii_alphanumeric() || "_./:=,+@%-".contains(c));
            if plain {
                w.into_owned()
            } else {
                format!("'{}'", w.replace('\'', r"'\''"))
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}

fn send(pid: Pid, signal: Signal) {
    // The command may have ended in between: nothing to stop then.
    let _ = kill_process(pid, signal);
}

/// Runs `command`, sampling `sampler` every [`RunConfig::interval`] until it ends, and
/// stopping it when `interrupt` says so (see the module documentation). The first reading
/// was taken by [`Sampler::start`]; the last is taken as soon as the command has ended.
pub fn run(
    command: &mut Command,
    mut sampler: Sampler,
    interrupt: &Interrupt,
    config: &RunConfig,
) -> Result<Finished, MeasureError> {
    let origin = sampler.origin();
    let shown = shell_words(
        &std::iter::once(command.get_program())
            .chain(command.get_args())
            .collect::<Vec<_>>(),
    );
    let mut child = command.spawn().map_err(|source| MeasureError::Spawn {
        command: shown,
        source,
    })?;
    let pid = Pid::from_child(&child);
    let interval = config.interval.max(Duration::from_millis(1));
    let mut next = interval;
    let mut interrupted = false;
    let mut ctrl_c: Option<Instant> = None;
    let mut terminated: Option<Instant> = None;
    let mut killed = false;
    let status = loop {
        if let Some(status) = child.try_wait().map_err(MeasureError::Wait)? {
            break status;
        }
        let now = Instant::now();
        if interrupt.take_interrupt() {
            interrupted = true;
            if ctrl_c.is_none() {
                ctrl_c = Some(now);
            } else if !killed {
                let _ = child.kill();
                killed = true;
            }
        }
        if interrupt.take_terminate() {
            interrupted = true;
            if terminated.is_none() {
                send(pid, Signal::TERM);
                terminated = Some(now);
            }
        }
        if let Some(at) = ctrl_c
            && terminated.is_none()
            && now.duration_since(at) >= config.grace
        {
            send(pid, Signal::TERM);
            terminated = Some(now);
        }
        if let Some(at) = terminated
            && !killed
            && now.duration_since(at) >= config.kill_after
        {
            let _ = child.kill();
            killed = true;
        }
        let elapsed = now.duration_since(origin);
        if elapsed >= next {
            sampler.sample(elapsed);
            while next <= elapsed {
                next += interval;
            }
        }
        let wait = next.saturating_sub(origin.elapsed());
        std::thread::sleep(wait.min(POLL));
    };
    // An interrupt that came as the command ended counts too.
    interrupted |= interrupt.take_interrupt() | interrupt.take_terminate();
    let readings = sampler.finish(origin.elapsed());
    let exit = match (status.code(), status.signal()) {
        (Some(code), _) => Exit::Code(code),
        (None, Some(signal)) => Exit::Signal(signal),
        (None, None) => Exit::Code(255),
    };
    Ok(Finished {
        exit,
        interrupted,
        readings,
    })
}
