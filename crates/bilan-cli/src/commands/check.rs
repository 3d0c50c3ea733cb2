//! `bilan check` (being written).

use anyhow::anyhow;

use super::session::Timings;
use crate::args::CheckCommand;
use crate::errors::Failure;
use crate::output::Io;

pub(crate) fn check(_cmd: CheckCommand, _io: &mut Io<'_>, _timings: &mut Timings) -> Result<(), Failure> {
    Err(Failure::Usage(anyhow!("`bilan check` is not available yet")))
}
