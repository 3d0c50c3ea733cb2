//! Grid intensity series shipped in the binary, for an inventory that has no hourly dataset
//! of its own: `[[grid-series]] embedded = "eia930-ciso-2022"`.
//!
//! A shipped series is kept as the generation by energy source it is built from, and its
//! intensity is derived when it is used, with the emission rates below: the rates and the
//! derivation are stated in its `source`, so a reader can redo the figure from the shipped
//! file (`crates/bilan-io/data/grid-series/README.md`).

use bilan_core::series::Series;
use jiff::{SignedDuration, Timestamp};

/// A grid series shipped with bilan.
#[derive(Clone, Copy)]
pub struct Embedded {
    /// The name an inventory gives in `embedded`.
    pub id: &'static str,
    /// What it is, in a few words.
    pub title: &'static str,
    /// The dataset, its publisher, and how the extract was obtained.
    dataset: &'static str,
    /// The licence the figures ship under.
    pub licence: &'static str,
    /// The extract: `hour-start` (RFC 3339, UTC), then the net generation of each source
    /// in MWh (the mean MW over the hour), in the order of [`RATES`]; a row whose
    /// generation is all empty is an hour missing from the source.
    text: &'static str,
}

impl std::fmt::Debug for Embedded {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Embedded")
            .field("id", &self.id)
            .finish_non_exhaustive()
    }
}

/// Every shipped series.
pub const EMBEDDED: [Embedded; 1] = [Embedded {
    id: "eia930-ciso-2022",
    title: "California ISO (CISO), 2022, hourly, life-cycle",
    dataset: "U.S. EIA, Form EIA-930 (Hourly Electric Grid Monitor): net generation by energy source of balancing authority CISO (California ISO), every hour of 2022 in UTC, from EIA's bulk file EBA.zip as extracted in HewlettPackard/dc-rl (data/CarbonIntensity, MIT); generation within the balancing authority only, imports excluded",
    licence: "public domain (U.S. government work: EIA-930); extract: HewlettPackard/dc-rl, MIT",
    text: include_str!("../../data/grid-series/eia930-ciso-2022.csv"),
}];

/// Life-cycle emission rate of each source, in gCO2e/kWh, with its basis, in the order of
/// the extract's columns.
pub const RATES: [(&str, f64, &str); 8] = [
    ("wind", 11.0, AR5),
    ("solar", 48.0, "IPCC AR5, PV utility"),
    ("hydro", 24.0, AR5),
    (
        "oil",
        671.0,
        "coal's 820 × the IPCC 2006 default CO2 factors of residual fuel oil (77,400 kg/TJ) ÷ other bituminous coal (94,600 kg/TJ)",
    ),
    ("gas", 490.0, "IPCC AR5, gas CCGT"),
    ("coal", 820.0, "IPCC AR5, coal PC"),
    ("nuclear", 12.0, AR5),
    (
        "other",
        230.0,
        "IPCC AR5, dedicated biomass, for what EIA-930 groups as other (geothermal, biomass, storage…)",
    ),
];

const AR5: &str = "IPCC AR5";

/// The source of the rates named `IPCC AR5` in [`RATES`].
const AR5_TABLE: &str = "IPCC AR5 WG3 Annex III, Table A.III.2, life-cycle medians";

/// The shipped series named `id`, if there is one.
pub fn find(id: &str) -> Option<&'static Embedded> {
    EMBEDDED.iter().find(|e| e.id == id)
}

/// The names of the shipped series, for an error that lists them.
pub fn names() -> String {
    EMBEDDED
        .iter()
        .map(|e| format!("`{}` ({})", e.id, e.title))
        .collect::<Vec<_>>()
        .join(", ")
}

/// A shipped series as used: its intensity and the source that says how it was derived.
#[derive(Clone, Debug)]
pub struct Derived {
    /// The intensity, in kgCO2e/kWh, one value per hour.
    pub series: Series,
    /// The dataset, the rates, and the hours filled.
    pub source: String,
}

impl Embedded {
    /// The intensity of each hour, `Σ generation × rate ÷ Σ generation`; an hour missing
    /// from the source takes the mean of the hours either side, and the source says which.
    /// An error is a defect of the shipped file (the tests derive every series).
    pub fn derive(&self) -> Result<Derived, String> {
        let mut lines = self.text.lines().enumerate();
        let header = lines.next().map(|(_, h)| h).unwrap_or_default();
        let expected: Vec<&str> = std::iter::once("hour-start")
            .chain(RATES.iter().map(|r| r.0))
            .collect();
        if header.split(',').ne(expected.iter().copied()) {
            return Err(format!(
                "{}: the header is `{header}`, expected `{}`",
                self.id,
                expected.join(",")
            ));
        }
        let mut start = None;
        let mut values: Vec<Option<f64>> = Vec::new();
        for (n, line) in lines {
            let row = n + 1;
            let mut fields = line.split(',');
            let at: Timestamp = fields
                .next()
                .unwrap_or_default()
                .parse()
                .map_err(|e| format!("{}, row {row}: {e}", self.id))?;
            let first = *start.get_or_insert(at);
            let hours = i64::try_from(values.len()).unwrap_or(i64::MAX);
            if at.duration_since(first) != SignedDuration::from_hours(hours) {
                return Err(format!(
                    "{}, row {row}: {at} does not follow the previous hour",
                    self.id
                ));
            }
            values.push(intensity(fields).map_err(|e| format!("{}, row {row}: {e}", self.id))?);
        }
        let (values, filled) = fill(&values).map_err(|e| format!("{}: {e}", self.id))?;
        let first = start.ok_or_else(|| format!("{}: no rows", self.id))?;
        let step = SignedDuration::from_hours(1);
        let filled: Vec<String> = filled
            .iter()
            .map(|&k| {
                let k = i32::try_from(k).unwrap_or(i32::MAX);
                first.saturating_add(step * k).map_or_else(
                    |_| String::from("?"),
                    |t| t.strftime("%Y-%m-%dT%H:%MZ").to_string(),
                )
            })
            .collect();
        Ok(Derived {
            source: self.source(&filled),
            series: Series {
                file: format!("<embedded grid series {}>", self.id),
                start: first,
                step,
                values,
            },
        })
    }

    fn source(&self, filled: &[String]) -> String {
        let rates: Vec<String> = RATES
            .iter()
            .map(|(name, rate, basis)| format!("{name} {rate} ({basis})"))
            .collect();
        let gaps = match filled.len() {
            0 => String::new(),
            n => format!(
                "; {n} hour(s) missing from the source take the mean of the hours either side: {}",
                filled.join(", ")
            ),
        };
        format!(
            "{}; intensity = Σ generation × life-cycle rate ÷ Σ generation, rates in gCO2e/kWh: {} ({AR5}: {AR5_TABLE}){gaps}",
            self.dataset,
            rates.join(", "),
        )
    }
}

/// The intensity of one hour in kgCO2e/kWh from its generation by source, `None` when the
/// hour is missing (every field empty).
fn intensity<'a>(fields: impl Iterator<Item = &'a str>) -> Result<Option<f64>, String> {
    let fields: Vec<&str> = fields.collect();
    if fields.len() != RATES.len() {
        return Err(format!(
            "{} fields of generation, expected {}",
            fields.len(),
            RATES.len()
        ));
    }
    if fields.iter().all(|f| f.is_empty()) {
        return Ok(None);
    }
    let (mut emitted, mut generated) = (0.0, 0.0);
    for (field, (name, rate, _)) in fields.iter().zip(RATES) {
        let mwh: f64 = field
            .parse()
            .map_err(|_| format!("{name} `{field}` is not a number"))?;
        if !mwh.is_finite() || mwh < 0.0 {
            return Err(format!("{name} `{field}` is not a generation (≥ 0 MWh)"));
        }
        emitted += mwh * rate;
        generated += mwh;
    }
    if generated <= 0.0 {
        return Err("no generation in the hour".to_owned());
    }
    // g/kWh = kg/MWh; the series' unit is kg/kWh.
    Ok(Some(emitted / generated / 1000.0))
}

/// The values with each missing one replaced by the mean of its neighbours, and the indices
/// filled. Two missing hours in a row, or one at either end, are an error: a mean of
/// neighbours would no longer be a neighbour's.
fn fill(values: &[Option<f64>]) -> Result<(Vec<f64>, Vec<usize>), String> {
    let mut out = Vec::with_capacity(values.len());
    let mut filled = Vec::new();
    for (k, v) in values.iter().enumerate() {
        let value = match v {
            Some(v) => *v,
            None => {
                let before = k.checked_sub(1).and_then(|b| values[b]);
                let after = values.get(k + 1).copied().flatten();
                let (Some(b), Some(a)) = (before, after) else {
                    return Err(format!(
                        "hour {k} is missing and has no known hour on both sides"
                    ));
                };
                filled.push(k);
                (a + b) / 2.0
            }
        };
        out.push(value);
    }
    Ok((out, filled))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_shipped_series_derives_a_year_of_hours() {
        for e in &EMBEDDED {
            let d = e.derive().unwrap_or_else(|err| panic!("{err}"));
            assert_eq!(d.series.values.len(), 8760, "{}", e.id);
            assert!(
                d.series
                    .values
                    .iter()
                    .all(|v| v.is_finite() && (0.011..=0.820).contains(v)),
                "{}: every hour lies between the lowest and highest rate",
                e.id
            );
        }
    }

    #[test]
    fn ciso_2022_is_the_hour_by_hour_mix_of_the_extract() {
        let d = find("eia930-ciso-2022").unwrap().derive().unwrap();
        assert_eq!(d.series.start.to_string(), "2022-01-01T00:00:00Z");
        // First row: wind 3130, solar 1367, hydro 2304, oil 44, gas 6764, coal 19,
        // nuclear 2265, other 189 MWh.
        let emitted = 3130.0 * 11.0
            + 1367.0 * 48.0
            + 2304.0 * 24.0
            + 44.0 * 671.0
            + 6764.0 * 490.0
            + 19.0 * 820.0
            + 2265.0 * 12.0
            + 189.0 * 230.0;
        let generated = 3130.0 + 1367.0 + 2304.0 + 44.0 + 6764.0 + 19.0 + 2265.0 + 189.0;
        assert!((d.series.values[0] - emitted / generated / 1000.0).abs() < 1e-15);
        // 2022-01-05T10:00Z (hour 106) is missing from the source: the mean of 09:00 and 11:00.
        let v = &d.series.values;
        assert_eq!(v[106], (v[105] + v[107]) / 2.0);
        assert!(d.source.contains(
            "3 hour(s) missing from the source take the mean of the hours either side: 2022-01-05T10:00Z, 2022-05-17T18:00Z, 2022-06-13T18:00Z"
        ));
        assert!(d.source.contains("gas 490 (IPCC AR5, gas CCGT)"));
        // The year's mean: a gas-led mix with a fifth of solar.
        let mean = d.series.mean();
        assert!((0.2..0.3).contains(&mean), "{mean}");
    }

    #[test]
    fn a_missing_hour_needs_known_neighbours() {
        assert_eq!(
            fill(&[Some(1.0), None, Some(3.0)]).unwrap(),
            (vec![1.0, 2.0, 3.0], vec![1])
        );
        assert!(fill(&[None, Some(1.0)]).is_err());
        assert!(fill(&[Some(1.0), None, None, Some(1.0)]).is_err());
        assert!(fill(&[Some(1.0), None]).is_err());
    }

    #[test]
    fn a_bad_generation_is_refused() {
        let row = |s: &'static str| intensity(s.split(','));
        assert_eq!(row(",,,,,,,"), Ok(None));
        assert!(row("1,2,3").is_err());
        assert!(row("1,0,0,0,0,0,0,-1").unwrap_err().contains("other `-1`"));
        assert!(
            row("0,0,0,0,0,0,0,0")
                .unwrap_err()
                .contains("no generation")
        );
        assert!(row("x,0,0,0,0,0,0,0").unwrap_err().contains("wind `x`"));
    }
}
