//! `bilan import KIND FILE…`: an inventory from other tools' files, with a report of what
//! could not be kept on standard error.

use bilan_io::{Format, SourceFile};

use crate::args::ImportCommand;
use crate::errors::Failure;
use crate::output::{Io, write_file};

pub(crate) fn import(cmd: &ImportCommand, io: &mut Io<'_>) -> Result<(), Failure> {
    crate::inputs::regular_files("the file to import", &cmd.files)?;
    crate::inputs::regular_files("--hardware", &cmd.hardware)?;
    if let Some(out) = &cmd.output {
        crate::inputs::output_not_among(out, "a file to import", &cmd.files)?;
        crate::inputs::output_not_among(out, "--hardware", &cmd.hardware)?;
    }
    let files = cmd
        .files
        .iter()
        .map(|p| SourceFile::read(p))
        .collect::<Result<Vec<_>, _>>()?;
    let catalogue = bilan_hardware::Catalogue::load(&cmd.hardware)?;
    let format = match &cmd.output {
        Some(p) if p.extension().is_some_and(|e| e == "json") => Format::Json,
        _ => Format::Toml,
    };
    // The header is a TOML comment: a name's control characters are written escaped, line
    // feeds too, or one would end the comment.
    let names = files
        .iter()
        .map(|f| bilan_units::text::escape(&f.name).replace('\n', "\\u{a}"))
        .collect::<Vec<_>>()
        .join(", ");
    let imported =
        bilan_interop::import_checked(cmd.kind.kind(), files, &catalogue, cmd.per.per())?;
    let inventory = &imported.inventory;
    let header = format!(
        "# Imported by bilan {} from {names} ({}): {} workloads, {} sites, {} fleets.\n# Every item's provenance says where its values come from; `bilan validate` checks it.\n\n",
        env!("CARGO_PKG_VERSION"),
        cmd.kind.kind().id(),
        inventory.workloads.len(),
        inventory.sites.len(),
        inventory.fleets.len(),
    );
    // JSON has no comments: the TOML header's counts are in the note on standard error.
    let write = |w: &mut dyn std::io::Write| {
        if format == Format::Toml {
            w.write_all(header.as_bytes())?;
        }
        imported.write(format, w)
    };
    let report = imported.report.render();
    if !report.is_empty() {
        crate::notices::note(io, report.trim_end());
    }
    match &cmd.output {
        Some(path) => {
            write_file(path, write).map_err(Failure::Other)?;
            let line = format!(
                "wrote {} ({} workloads)",
                path.display(),
                inventory.workloads.len()
            );
            crate::notices::note(io, &line);
        }
        None => {
            let mut text = Vec::new();
            write(&mut text).map_err(|e| Failure::Other(e.into()))?;
            let text = String::from_utf8_lossy(&text);
            let _ = write!(io.stdout, "{}", bilan_units::text::escape(&text));
        }
    }
    Ok(())
}
