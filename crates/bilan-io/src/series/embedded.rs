//! Grid intensity series shipped in the binary, for an inventory that has no hourly dataset
//! of its own: `[[grid-series]] embedded = "eia930-erco-2022"`.
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
    /// The extract: `hour-end` (RFC 3339, UTC: EIA-930 labels each hour by its end), then
    /// the net generation of each source in MWh (the mean MW over the hour), in the order of
    /// [`RATES`]; a row whose generation is all empty is an hour missing from the source.
    text: &'static str,
    /// The first hour the series covers, and the hour after its last: hours of the source
    /// outside are left out, and missing hours at its end are filled (and said).
    span: (&'static str, &'static str),
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
    id: "eia930-erco-2022",
    title: "ERCOT (ERCO, Texas), 2022, hourly, life-cycle",
    dataset: "U.S. EIA, Form EIA-930 (Hourly Electric Grid Monitor): net generation by energy source of balancing authority ERCO (Electric Reliability Council of Texas), 2022, from EIA's bulk file EBA.zip as extracted in HewlettPackard/dc-rl (data/CarbonIntensity, MIT); each hour read as the hour before its EIA label (EIA labels hours by their end); generation within the balancing authority only, imports excluded",
    licence: "public domain (U.S. government work: EIA-930); extract: HewlettPackard/dc-rl, MIT",
    text: include_str!("../../data/grid-series/eia930-erco-2022.csv"),
    span: ("2022-01-01T00:00:00Z", "2023-01-01T00:00:00Z"),
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
    /// The intensity of each hour of its span, `Σ generation × rate ÷ Σ generation`; an
    /// hour missing from the source takes the mean of the hours either side, and the last
    /// hour, when the source ends one short (EIA files it with the next year), the value of
    /// the hour before; the source says which. An error is a defect of the shipped file (the
    /// tests derive every series).
    pub fn derive(&self) -> Result<Derived, String> {
        let fail = |e: String| format!("{}: {e}", self.id);
        let hour = SignedDuration::from_hours(1);
        let parse = |t: &str| {
            t.parse::<Timestamp>()
                .map_err(|e| fail(format!("`{t}`: {e}")))
        };
        let (from, to) = (parse(self.span.0)?, parse(self.span.1)?);
        let mut lines = self.text.lines().enumerate();
        let header = lines.next().map(|(_, h)| h).unwrap_or_default();
        let expected: Vec<&str> = std::iter::once("hour-end")
            .chain(RATES.iter().map(|r| r.0))
            .collect();
        if header.split(',').ne(expected.iter().copied()) {
            return Err(fail(format!(
                "the header is `{header}`, expected `{}`",
                expected.join(",")
            )));
        }
        let mut values: Vec<Option<f64>> = Vec::new();
        let mut previous: Option<Timestamp> = None;
        for (n, line) in lines {
            let row = n + 1;
            let mut fields = line.split(',');
            let end = parse(fields.next().unwrap_or_default())?;
            if previous.is_some_and(|p| end.duration_since(p) != hour) {
                return Err(fail(format!(
                    "row {row}: {end} does not follow the hour before"
                )));
            }
            previous = Some(end);
            let start = end - hour;
            if start < from || start >= to {
                continue;
            }
            if values.is_empty() && start != from {
                return Err(fail(format!("the source starts at {start}, after {from}")));
            }
            values.push(intensity(fields).map_err(|e| fail(format!("row {row}: {e}")))?);
        }
        let hours = usize::try_from(to.duration_since(from).as_hours()).unwrap_or(0);
        let carried = hours.saturating_sub(values.len());
        if carried > 1 || values.len() > hours {
            return Err(fail(format!(
                "{} hours from {from}, expected {hours}",
                values.len()
            )));
        }
        if carried == 1 {
            values.push(values.last().copied().flatten());
        }
        let (values, filled) = fill(&values).map_err(fail)?;
        let at = |k: usize| {
            let k = i32::try_from(k).unwrap_or(i32::MAX);
            from.saturating_add(hour * k).map_or_else(
                |_| String::from("?"),
                |t| t.strftime("%Y-%m-%dT%H:%MZ").to_string(),
            )
        };
        let filled: Vec<String> = filled.into_iter().map(at).collect();
        let carried = (carried == 1).then(|| at(hours - 1));
        Ok(Derived {
            source: self.source(&filled, carried.as_deref()),
            series: Series {
                file: format!("<embedded grid series {}>", self.id),
                start: from,
                step: hour,
                values,
            },
        })
    }

    fn source(&self, filled: &[String], carried: Option<&str>) -> String {
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
        let last = carried.map_or(String::new(), |at| {
            format!("; the last hour, {at}, which EIA files with the next year, takes the value of the hour before")
        });
        format!(
            "{}; intensity = Σ generation × life-cycle rate ÷ Σ generation, rates in gCO2e/kWh: {} ({AR5}: {AR5_TABLE}){gaps}{last}",
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
    fn erco_2022_is_the_hour_by_hour_mix_of_the_extract_an_hour_before_its_label() {
        let d = find("eia930-erco-2022").unwrap().derive().unwrap();
        assert_eq!(d.series.start.to_string(), "2022-01-01T00:00:00Z");
        let mix = |mwh: [f64; 8]| {
            let emitted: f64 = mwh.iter().zip(RATES).map(|(m, r)| m * r.1).sum();
            emitted / mwh.iter().sum::<f64>() / 1000.0
        };
        // The extract's second row, labelled 2022-01-01T01:00Z, is the first hour of 2022;
        // its first row (the last hour of 2021) is left out.
        let first = mix([18425.0, 0.0, 8.0, 0.0, 13522.0, 9141.0, 5100.0, 58.0]);
        assert!((d.series.values[0] - first).abs() < 1e-15);
        // Its last row, labelled 2022-12-31T23:00Z, is the hour before; the year's last hour
        // is filed by EIA with 2023, so it takes that value, and the source says so.
        let last = mix([16534.0, 3696.0, 40.0, 0.0, 10846.0, 4578.0, 5125.0, 320.0]);
        let v = &d.series.values;
        assert!((v[8758] - last).abs() < 1e-15);
        assert_eq!(v[8759], v[8758]);
        assert!(d.source.contains(
            "the last hour, 2022-12-31T23:00Z, which EIA files with the next year, takes the value of the hour before"
        ));
        assert!(d.source.contains("gas 490 (IPCC AR5, gas CCGT)"));
        assert!(!d.source.contains("missing from the source"));
        // The year's mean: a gas-led mix with a quarter of wind and a sixth of coal.
        let mean = d.series.mean();
        assert!((0.3..0.4).contains(&mean), "{mean}");
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

    /// A shipped file that skips an hour, starts late or ends short is refused, naming the
    /// series and the row.
    #[test]
    fn a_damaged_extract_is_refused() {
        let damaged = |text: &'static str| Embedded {
            text,
            span: ("2022-01-01T00:00:00Z", "2022-01-01T03:00:00Z"),
            ..EMBEDDED[0]
        };
        const HEAD: &str = "hour-end,wind,solar,hydro,oil,gas,coal,nuclear,other\n";
        const ROW: &str = ",1,0,0,0,1,0,0,0\n";
        let ok = format!(
            "{HEAD}2022-01-01T01:00:00Z{ROW}2022-01-01T02:00:00Z{ROW}2022-01-01T03:00:00Z{ROW}"
        );
        let ok: &'static str = Box::leak(ok.into_boxed_str());
        assert_eq!(damaged(ok).derive().unwrap().series.values.len(), 3);
        let skipped = format!("{HEAD}2022-01-01T01:00:00Z{ROW}2022-01-01T03:00:00Z{ROW}");
        let err = damaged(Box::leak(skipped.into_boxed_str()))
            .derive()
            .unwrap_err();
        assert!(
            err.contains("eia930-erco-2022: row 3: 2022-01-01T03:00:00Z does not follow"),
            "{err}"
        );
        let late = format!("{HEAD}2022-01-01T02:00:00Z{ROW}2022-01-01T03:00:00Z{ROW}");
        let err = damaged(Box::leak(late.into_boxed_str()))
            .derive()
            .unwrap_err();
        assert!(
            err.contains("the source starts at 2022-01-01T01:00:00Z"),
            "{err}"
        );
        let short = format!("{HEAD}2022-01-01T01:00:00Z{ROW}");
        let err = damaged(Box::leak(short.into_boxed_str()))
            .derive()
            .unwrap_err();
        assert!(
            err.contains("1 hours from 2022-01-01T00:00:00Z, expected 3"),
            "{err}"
        );
    }
}
