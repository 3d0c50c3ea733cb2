//! The file's columns: CSV (through `arrow-csv`) or Parquet (through `parquet`'s Arrow
//! reader), handed on in record batches, each with the row number of its first row.

use std::fs::File;
use std::io::{BufRead as _, BufReader};
use std::path::Path;
use std::sync::Arc;

use arrow_array::RecordBatch;
use arrow_schema::{DataType, Field, Schema};

use crate::Problem;

/// Rows per batch.
const BATCH: usize = 64 * 1024;

/// The columns a telemetry file may have.
pub(crate) const KNOWN: [&str; 7] = [
    "timestamp",
    "interval",
    "energy",
    "power",
    "unit",
    "device",
    "fleet",
];

fn cannot(path: &Path, e: impl std::fmt::Display) -> Vec<Problem> {
    vec![Problem::file(format!(
        "cannot read `{}`: {e}",
        path.display()
    ))]
}

/// Checks the column names of a header: every one known, none twice.
fn check_names<'a>(names: impl Iterator<Item = &'a str>) -> Result<(), Vec<Problem>> {
    let mut seen: Vec<&str> = Vec::new();
    for name in names {
        if !KNOWN.contains(&name) {
            return Err(vec![Problem::file(format!(
                "unknown column `{name}`: a telemetry file has `timestamp`, `interval`, `energy` or `power`, `unit`, and optionally `device` and `fleet`"
            ))]);
        }
        if seen.contains(&name) {
            return Err(vec![Problem::file(format!(
                "column `{name}` appears twice"
            ))]);
        }
        seen.push(name);
    }
    Ok(())
}

/// The record batches of a file, in order.
pub(crate) type Batches = Box<dyn Iterator<Item = Result<RecordBatch, Vec<Problem>>> + Send>;

/// A telemetry file's format, by its extension.
enum Format {
    Csv,
    Parquet,
}

fn format(path: &Path) -> Result<Format, Vec<Problem>> {
    let extension = path
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase);
    match extension.as_deref() {
        Some("csv") => Ok(Format::Csv),
        Some("parquet") | Some("pq") => Ok(Format::Parquet),
        _ => Err(vec![Problem::file(format!(
            "`{}`: a telemetry file is CSV (`.csv`) or Parquet (`.parquet`)",
            path.display()
        ))]),
    }
}

/// The batches of a CSV (`.csv`) or Parquet (`.parquet`) file.
pub(crate) fn batches(path: &Path) -> Result<Batches, Vec<Problem>> {
    match format(path)? {
        Format::Csv => csv_batches(path),
        Format::Parquet => parquet_batches(path),
    }
}

/// The schema the file's batches have, its column names checked, read from the CSV header
/// or the Parquet footer: no row is decoded.
pub(crate) fn schema(path: &Path) -> Result<Schema, Vec<Problem>> {
    match format(path)? {
        Format::Csv => Ok(Schema::new(
            csv_names(path)?
                .iter()
                .map(|n| csv_field(n))
                .collect::<Vec<_>>(),
        )),
        Format::Parquet => {
            let builder = parquet_builder(path)?;
            Ok(builder.schema().as_ref().clone())
        }
    }
}

/// A Parquet file's reader builder, its column names checked.
fn parquet_builder(
    path: &Path,
) -> Result<parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder<File>, Vec<Problem>> {
    let file = File::open(path).map_err(|e| cannot(path, e))?;
    let builder = parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder::try_new(file)
        .map_err(|e| cannot(path, e))?;
    check_names(builder.schema().fields().iter().map(|f| f.name().as_str()))?;
    Ok(builder)
}

/// The names of a CSV file's columns, checked.
fn csv_names(path: &Path) -> Result<Vec<String>, Vec<Problem>> {
    let file = File::open(path).map_err(|e| cannot(path, e))?;
    let mut header = String::new();
    BufReader::new(&file)
        .read_line(&mut header)
        .map_err(|e| cannot(path, e))?;
    let names: Vec<String> = header
        .trim_end_matches(['\r', '\n'])
        .split(',')
        .map(|n| n.trim().trim_matches('"').to_owned())
        .collect();
    check_names(names.iter().map(String::as_str))?;
    Ok(names)
}

/// The Arrow field of a CSV column: the numbers as 64-bit floats, the rest as text.
fn csv_field(name: &str) -> Field {
    let numeric = matches!(name, "interval" | "energy" | "power");
    let kind = if numeric {
        DataType::Float64
    } else {
        DataType::Utf8
    };
    Field::new(name, kind, true)
}

/// Reads a CSV file in batches: text columns as text, numbers as 64-bit floats.
fn csv_batches(path: &Path) -> Result<Batches, Vec<Problem>> {
    let names = csv_names(path)?;
    let fields: Vec<Field> = names.iter().map(|n| csv_field(n)).collect();
    let file = File::open(path).map_err(|e| cannot(path, e))?;
    let reader = arrow_csv::ReaderBuilder::new(Arc::new(Schema::new(fields)))
        .with_header(true)
        .with_batch_size(BATCH)
        .build(file)
        .map_err(|e| cannot(path, e))?;
    // arrow-csv names the line of a value it cannot parse.
    Ok(Box::new(reader.map(|b| {
        b.map_err(|e| vec![Problem::file(e.to_string())])
    })))
}

/// Hands each batch of `batches` to `each` with the number of its first row, decoding the
/// next batches on another thread meanwhile (a few batches ahead, no more): decoding and
/// checking overlap, and the rows are still checked in the file's order.
pub(crate) fn pipelined(
    batches: Batches,
    mut each: impl FnMut(&RecordBatch, u64) -> Result<(), Vec<Problem>>,
) -> Result<(), Vec<Problem>> {
    std::thread::scope(|scope| {
        let (send, receive) = std::sync::mpsc::sync_channel(2);
        scope.spawn(move || {
            for batch in batches {
                let failed = batch.is_err();
                // The receiver stops at an error of its own: then nothing more is needed.
                if send.send(batch).is_err() || failed {
                    break;
                }
            }
        });
        let mut first = 1u64;
        for batch in receive {
            let batch = batch?;
            each(&batch, first)?;
            first += batch.num_rows() as u64;
        }
        Ok(())
    })
}

/// Like [`pipelined`], with a third stage: `check` fills a `T` from each batch on one thread
/// while the next batches decode on another, and `consume` takes them in order on the
/// calling thread. Spent `T`s go back to `check` to be filled again.
pub(crate) fn staged<T: Default + Send>(
    batches: Batches,
    mut check: impl FnMut(&RecordBatch, u64, &mut T) -> Result<(), Vec<Problem>> + Send,
    mut consume: impl FnMut(&mut T),
) -> Result<(), Vec<Problem>> {
    std::thread::scope(|scope| {
        let (send, receive) = std::sync::mpsc::sync_channel::<T>(2);
        let (back, spent) = std::sync::mpsc::channel::<T>();
        let checking = scope.spawn(move || {
            pipelined(batches, |batch, first| {
                let mut filled = spent.try_recv().unwrap_or_default();
                check(batch, first, &mut filled)?;
                // The calling thread takes every one until this thread stops, unless it
                // panicked: then the rest of the file is not read.
                send.send(filled).map_err(|_| Vec::new())
            })
        });
        for mut filled in receive {
            consume(&mut filled);
            let _ = back.send(filled);
        }
        checking
            .join()
            .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
    })
}

/// Reads a Parquet file in batches, as its schema types it.
fn parquet_batches(path: &Path) -> Result<Batches, Vec<Problem>> {
    let reader = parquet_builder(path)?
        .with_batch_size(BATCH)
        .build()
        .map_err(|e| cannot(path, e))?;
    let shown = path.display().to_string();
    Ok(Box::new(reader.map(move |b| {
        b.map_err(|e| vec![Problem::file(format!("cannot read `{shown}`: {e}"))])
    })))
}
