//! The plan's SQL, written from the telemetry file's schema and the inventory's fleets.
//!
//! Each row becomes `s` and `t1` (its interval, ms since the epoch, the end rounded to the
//! millisecond as the row-checked reader rounds it), `m` (its value in its own unit: energy,
//! or power × hours), `f` (its fleet's place among the inventory's fleets), `b` (its day
//! since the epoch, or its month, year × 12 + month − 1) and `ok` (whether it passes the
//! checks a plan can make). Two queries read it: the summary (rows, devices, gaps, problems
//! by fleet and bucket) and the hours (energy by fleet, bucket, hour and unit).

use std::path::{Path, PathBuf};

use arrow_schema::{DataType, Schema};
use bilan_core::inventory::{Aggregate, Fleet, Telemetry};
use bilan_telemetry::Problem;
use datafusion::error::Result;
use datafusion::prelude::{CsvReadOptions, ParquetReadOptions, SessionContext};

const HOUR_MS: i64 = 3_600_000;
const DAY_MS: i64 = 24 * HOUR_MS;
/// The table the file is registered as.
const TABLE: &str = "telemetry";
/// Decimal places of the exact sums, in each unit.
pub(crate) const SCALE: i8 = 36;
/// The parts' and the sums' type: 256 bits, so that no sum of parts can overflow (a part of
/// 10⁴⁰ units or more is an error).
pub(crate) const DECIMAL: &str = "Decimal256(76, 36)";

/// A telemetry file's plan.
#[derive(Clone, Debug)]
pub struct Plan {
    /// Absolute: a cluster's executors read it too.
    path: PathBuf,
    csv: Option<Schema>,
    /// The row's start, ms since the epoch, `NULL` when it has none.
    start: String,
    /// `power` (else `energy`).
    power: bool,
    /// The row's fleet, as its place among the inventory's fleets.
    fleet: String,
    device: bool,
    aggregate: Aggregate,
}

/// A timestamp as the plan reads it: RFC 3339 with `T`, seconds 00 to 59, up to nine decimals, the
/// zone `Z` or `±HH:MM` right after the time.
const RFC_3339: &str = "^[0-9]{4}-[0-9]{2}-[0-9]{2}[Tt][0-9]{2}:[0-9]{2}:[0-5][0-9](\\.[0-9]{1,9})?([Zz]|[+-][0-9]{2}:[0-9]{2})$";

/// `text` as an SQL string literal.
fn literal(text: &str) -> String {
    format!("'{}'", text.replace('\'', "''"))
}

/// ⌊x ÷ n⌋ of an integer expression (SQL's division truncates towards zero).
fn floor_div(x: &str, n: i64) -> String {
    format!("(({x}) - ((({x}) % {n}) + {n}) % {n}) / {n}")
}

impl Plan {
    /// The plan of `path`, whose rows are of `telemetry` over `fleets`; what the file's
    /// columns do not allow (the row-checked reader says why).
    pub fn new(path: &Path, telemetry: &Telemetry, fleets: &[Fleet]) -> Result<Plan, Vec<Problem>> {
        let schema = bilan_telemetry::schema(path)?;
        let has = |name: &str| {
            schema
                .field_with_name(name)
                .ok()
                .map(|f| f.data_type().clone())
        };
        let refuse = |why: &str| Err(vec![Problem::file(why.to_owned())]);
        let power = match (has("energy"), has("power")) {
            (Some(_), None) => false,
            (None, Some(_)) => true,
            _ => return refuse("a telemetry file meters `energy` or `power`, one of them"),
        };
        if has("interval").is_none() || has("unit").is_none() {
            return refuse("a telemetry file has `interval` and `unit` columns");
        }
        // Numbers as numbers: a cast would read text, which the row-checked reader refuses.
        for name in ["interval", "energy", "power"] {
            if let Some(kind) = has(name)
                && !kind.is_numeric()
            {
                return refuse(&format!("column `{name}` is {kind}, not a number"));
            }
        }
        // DataFusion reads these characters in a path as a pattern.
        if path
            .to_string_lossy()
            .contains(['*', '?', '[', ']', '{', '}'])
        {
            return refuse(&format!(
                "`{}`: the columnar path reads a file name with `*`, `?`, `[`, `]`, `{{` or `}}` as a pattern; rename the file, or use `--engine rows`",
                path.display()
            ));
        }
        let start = match has("timestamp") {
            Some(DataType::Timestamp(_, Some(_))) => {
                "arrow_cast(arrow_cast(\"timestamp\", 'Timestamp(Millisecond, Some(\"UTC\"))'), 'Int64')".to_owned()
            }
            // Text: RFC 3339 with its zone (`Z` or an offset), as the row-checked reader
            // requires; anything else is a problem the row-checked reader names.
            Some(DataType::Utf8 | DataType::LargeUtf8 | DataType::Utf8View) => format!(
                "CASE WHEN regexp_like(trim(\"timestamp\"), '{RFC_3339}') THEN arrow_cast(to_timestamp_millis(trim(\"timestamp\")), 'Int64') END"
            ),
            _ => return refuse("column `timestamp` is neither text nor a timestamp with a time zone"),
        };
        let place = |id: &str| fleets.iter().position(|f| f.id == id);
        let fleet = if has("fleet").is_some() {
            let arms: String = fleets
                .iter()
                .enumerate()
                .map(|(k, f)| format!(" WHEN {} THEN {k}", literal(&f.id)))
                .collect();
            format!(
                "CASE COALESCE(\"fleet\", {}){arms} END",
                literal(&telemetry.fleet)
            )
        } else {
            match place(&telemetry.fleet) {
                Some(k) => format!("arrow_cast({k}, 'Int64')"),
                None => return refuse("the telemetry's `fleet` is unknown"),
            }
        };
        let path = std::path::absolute(path)
            .map_err(|e| vec![Problem::file(format!("`{}`: {e}", path.display()))])?;
        let csv = path
            .extension()
            .and_then(|e| e.to_str())
            .is_some_and(|e| e.eq_ignore_ascii_case("csv"))
            .then_some(schema.clone());
        Ok(Plan {
            path,
            csv,
            start,
            power,
            fleet,
            device: has("device").is_some(),
            aggregate: telemetry.aggregate,
        })
    }

    /// Whether the file meters `power` (else `energy`).
    pub fn power(&self) -> bool {
        self.power
    }

    /// Registers the file in `ctx` as the plan's table.
    pub async fn register(&self, ctx: &SessionContext) -> Result<()> {
        let path = self.path.to_string_lossy();
        // As written: DataFusion's filter on the extension is case-sensitive.
        let extension = self
            .path
            .extension()
            .and_then(|e| e.to_str())
            .map(|e| format!(".{e}"))
            .unwrap_or_default();
        match &self.csv {
            Some(schema) => {
                let options = CsvReadOptions::new()
                    .has_header(true)
                    .schema(schema)
                    .file_extension(&extension);
                ctx.register_csv(TABLE, &path, options).await
            }
            None => {
                let options = ParquetReadOptions::default().file_extension(&extension);
                ctx.register_parquet(TABLE, &path, options).await
            }
        }
    }

    /// The rows, each with `s`, `t1`, `m`, `u`, `f`, `d`, `b`, `h0`, `h1` and `ok`.
    fn rows(&self) -> String {
        let value = if self.power { "power" } else { "energy" };
        let device = if self.device {
            "\"device\""
        } else {
            "arrow_cast(NULL, 'Utf8')"
        };
        let measure = if self.power {
            "v * (arrow_cast(t1 - s, 'Float64') / 3600000.0)"
        } else {
            "v"
        };
        let bucket = match self.aggregate {
            Aggregate::FleetDay => floor_div("s", DAY_MS),
            Aggregate::FleetMonth => "arrow_cast(date_part('year', to_timestamp_millis(s)), 'Int64') * 12 + arrow_cast(date_part('month', to_timestamp_millis(s)), 'Int64') - 1".to_owned(),
        };
        let max = bilan_telemetry::MAX_INTERVAL;
        format!(
            "r AS (SELECT {start} AS s, arrow_cast(\"interval\", 'Float64') AS secs, \
               arrow_cast(\"{value}\", 'Float64') AS v, \"unit\" AS u, {fleet} AS f, \
               {device} AS d FROM {TABLE}), \
             q AS (SELECT s, s + arrow_cast(secs * 1000.0 + 0.5, 'Int64') AS t1, v, u, f, d, \
               COALESCE(s BETWEEN {first} AND {last} AND secs * 1000.0 + 0.5 >= 1.0 \
                 AND secs <= {max:.1} \
                 AND v + 0.0 >= 0 AND v <= 1.7976931348623157e308 AND u IS NOT NULL \
                 AND f IS NOT NULL, false) AS ok FROM r), \
             k AS (SELECT s, t1, {measure} AS m, u, f, d, ok, {bucket} AS b, \
               {h0} AS h0, {h1} AS h1 FROM q)",
            start = self.start,
            first = bilan_telemetry::FIRST_MS,
            last = bilan_telemetry::LAST_MS,
            fleet = self.fleet,
            h0 = floor_div("s", HOUR_MS),
            h1 = floor_div("t1 - 1", HOUR_MS),
        )
    }

    /// By fleet and bucket: `rows`, `devices`, `gaps`, `overlaps`, `bad` (rows that fail a
    /// check) and `first` (the earliest start).
    pub fn summary_sql(&self) -> String {
        let (previous, devices) = if self.device {
            (
                "CASE WHEN d IS NOT NULL THEN LAG(t1) OVER (PARTITION BY d ORDER BY s, t1) END",
                "COUNT(DISTINCT d) FILTER (WHERE ok)",
            )
        } else {
            ("arrow_cast(NULL, 'Int64')", "arrow_cast(0, 'Int64')")
        };
        format!(
            "WITH {rows}, w AS (SELECT *, CASE WHEN ok THEN {previous} END AS p FROM k) \
             SELECT f, b, COUNT(*) FILTER (WHERE ok) AS rows, {devices} AS devices, \
               SUM(CASE WHEN ok AND p < s THEN 1 ELSE 0 END) AS gaps, \
               SUM(CASE WHEN ok AND p > s THEN 1 ELSE 0 END) AS overlaps, \
               SUM(CASE WHEN ok THEN 0 ELSE 1 END) AS bad, \
               MIN(s) FILTER (WHERE ok) AS first \
             FROM w GROUP BY f, b",
            rows = self.rows(),
        )
    }

    /// By fleet, bucket, hour and unit: `part`, the energy (in the unit, or the power's
    /// unit × hours) of the rows' parts in the hour, an exact decimal sum.
    pub fn hours_sql(&self) -> String {
        format!(
            "WITH {rows}, \
             p AS (SELECT f, b, h0 AS h, u, m AS part FROM k WHERE ok AND h1 <= h0 \
               UNION ALL \
               SELECT f, b, h, u, m * arrow_cast(LEAST(t1, (h + 1) * {HOUR_MS}) - GREATEST(s, h * {HOUR_MS}), 'Float64') \
                 / arrow_cast(t1 - s, 'Float64') AS part \
               FROM (SELECT f, b, s, t1, u, m, unnest(range(h0, h1 + 1)) AS h FROM k WHERE ok AND h1 > h0)) \
             SELECT f, b, h, u, SUM(arrow_cast(part, '{DECIMAL}')) AS part \
             FROM p GROUP BY f, b, h, u",
            rows = self.rows(),
        )
    }
}
