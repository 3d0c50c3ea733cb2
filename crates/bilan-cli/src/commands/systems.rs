//! `bilan compare A B C…`: several systems side by side under each method (a league table).

use anyhow::anyhow;

use super::session::Timings;
use crate::args::CompareCommand;
use crate::errors::Failure;
use crate::output::Io;

pub(crate) fn compare(
    cmd: &CompareCommand,
    _io: &mut Io<'_>,
    _timings: &mut Timings,
) -> Result<(), Failure> {
    Err(Failure::Usage(anyhow!(
        "comparing {} systems is not available yet",
        cmd.inventories.len()
    )))
}
