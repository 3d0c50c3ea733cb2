//! `bilan diff` (being written).

use anyhow::anyhow;

use super::session::Timings;
use crate::args::DiffCommand;
use crate::errors::Failure;
use crate::output::Io;

pub(crate) fn diff(_cmd: DiffCommand, _io: &mut Io<'_>, _timings: &mut Timings) -> Result<(), Failure> {
    Err(Failure::Usage(anyhow!("`bilan diff` is not available yet")))
}
