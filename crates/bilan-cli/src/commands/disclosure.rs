//! `bilan assess INVENTORY -m METHOD -f disclosure|disclosure-md|disclosure-html`: the
//! document a vendor publishes.

use anyhow::anyhow;
use bilan_core::assessment::Assessment;

use super::session::Session;
use crate::args::AssessCommand;
use crate::errors::Failure;
use crate::output::Io;

pub(crate) fn write(
    cmd: &AssessCommand,
    _session: &Session,
    _assessment: &Assessment,
    _io: &mut Io<'_>,
) -> Result<(), Failure> {
    Err(Failure::Usage(anyhow!(
        "-f {} is not available yet",
        cmd.common.format.id()
    )))
}
