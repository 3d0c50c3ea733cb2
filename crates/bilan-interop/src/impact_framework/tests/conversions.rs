//! Values bilan cannot hold: a period past the last date bilan's dates hold, NaN and
//! infinities, a region it does not know. Each is a located error, or a line of the import
//! report, never a field silently left out or a made-up default.

use bilan_core::inventory::{Date, Period, Phase};

use super::refusals::{OPERATIONAL, SERVER, manifest};
use super::*;
use crate::draft::{self, Draft};
use crate::impact_framework::build;

/// A plugin computing `energy` as IT energy × PUE.
const APPLY_PUE: &str = "    apply-pue:\n      method: Multiply\n      path: builtin\n      config: {input-parameters: [energy-it, pue], output-parameter: energy}\n";

/// The one error of `file`'s refusal at `path`, its message.
fn error_at(file: &SourceFile, path: &str) -> String {
    let e = refusal(file);
    e.errors
        .iter()
        .find(|x| x.key_path.as_deref() == Some(path) && x.line.is_some())
        .map(|x| x.message.clone())
        .unwrap_or_else(|| panic!("no located error at {path}: {}", messages(&e)))
}

fn utc(text: &str) -> jiff::Timestamp {
    text.parse().expect("timestamp")
}

fn date(y: i16, m: i8, d: i8) -> Date {
    Date::new(y, m, d).expect("date")
}

#[test]
fn an_observation_ending_past_9999_is_refused_at_its_duration() {
    // 1e12 s is about 31,700 years: the period cannot be formed, even beside a normal
    // observation that would give the reporting year.
    let file = manifest(
        OPERATIONAL,
        "",
        &SERVER.replacen("duration: 3600", "duration: 1e12", 1),
    );
    let message = error_at(&file, "tree.children.server.inputs[0].duration");
    assert!(
        message.contains("2026-11-02T00:00:00Z + 1000000000000 s")
            && message.contains("ends after 9999-12-30T22:00:00Z, the last instant")
            && message.contains("period cannot be formed"),
        "{message}"
    );
    // A duration given in `defaults` is refused where it is written.
    let file = manifest(
        OPERATIONAL,
        "",
        &SERVER
            .replace("cloud/region: FR}", "cloud/region: FR, duration: 1e12}")
            .replace("duration: 3600, ", ""),
    );
    assert!(
        error_at(&file, "tree.children.server.defaults.duration").contains("ends after 9999"),
        "{}",
        messages(&refusal(&file))
    );
}

#[test]
fn a_period_is_the_utc_days_of_the_observation_or_why_not() {
    let day = |y, m, d| date(y, m, d);
    assert_eq!(
        build::period(utc("2026-11-02T00:00:00Z"), 3600.0),
        Ok(Period {
            start: day(2026, 11, 2),
            end: day(2026, 11, 2)
        })
    );
    // The end instant is excluded: one full day is one day.
    assert_eq!(
        build::period(utc("2026-11-02T00:00:00Z"), 86_400.0).map(|p| p.end),
        Ok(day(2026, 11, 2))
    );
    assert_eq!(
        build::period(utc("9999-12-30T00:00:00Z"), 3600.0).map(|p| p.end),
        Ok(day(9999, 12, 30))
    );
    for duration in [1e12, 1e300, 86_400.0 * 400.0] {
        let why = build::period(utc("9999-01-01T00:00:00Z"), duration)
            .expect_err("past the last instant bilan holds");
        assert!(
            why.contains("ends after 9999-12-30T22:00:00Z"),
            "{duration}: {why}"
        );
    }
}

#[test]
fn the_reporting_period_is_never_made_up() {
    let mut d = Draft::new("s", "d");
    let site = d.site(
        bilan_core::region::Region::world(),
        None,
        None,
        bilan_core::inventory::Ownership::Owned,
        None,
    );
    d.workload(draft::workload("w", Phase::Inference, site.clone()));
    assert!(
        d.clone().finish_dated().is_none(),
        "no workload is dated: no year to report"
    );
    let mut w = draft::workload("v", Phase::Inference, site);
    w.period = Some(Period {
        start: date(2026, 11, 2),
        end: date(2027, 1, 3),
    });
    d.workload(w);
    let inv = d.finish_dated().expect("dated");
    assert_eq!(
        inv.system.period,
        draft::year_span(2026, 2027).expect("span")
    );
    // Imported: the years the observations span.
    let import = import_file(&manifest(OPERATIONAL, "", SERVER));
    assert_eq!(
        import.inventory.system.period,
        draft::year_span(2026, 2026).expect("span")
    );
}

#[test]
fn non_finite_values_are_refused_where_they_are_written() {
    for (file, path) in [
        // No pipeline: the intensity becomes the site's factor, which cannot be NaN.
        (
            manifest(
                OPERATIONAL,
                "",
                &SERVER
                    .replace("compute: [operational-carbon]", "compute: []")
                    .replace("grid/carbon-intensity: 56", "grid/carbon-intensity: .nan"),
            ),
            "tree.children.server.defaults.grid/carbon-intensity",
        ),
        // The PUE the energy is multiplied by becomes the site's PUE.
        (
            manifest(
                APPLY_PUE,
                "",
                &SERVER
                    .replace("compute: [operational-carbon]", "compute: [apply-pue]")
                    .replace("cloud/region: FR}", "cloud/region: FR, pue: .inf}")
                    .replace("energy: ", "energy-it: "),
            ),
            "tree.children.server.defaults.pue",
        ),
        (
            manifest(
                OPERATIONAL,
                "",
                &SERVER.replace("energy: 1.5", "energy: -.inf"),
            ),
            "tree.children.server.inputs[1].energy",
        ),
    ] {
        let message = error_at(&file, path);
        assert!(message.contains("not a finite number"), "{path}: {message}");
    }
}

#[test]
fn a_region_bilan_does_not_know_is_listed_not_silently_replaced() {
    let file = manifest(
        OPERATIONAL,
        "",
        &SERVER.replace("cloud/region: FR", "cloud/region: eu-west-1"),
    );
    let import = import_file(&file);
    assert_eq!(import.inventory.sites.len(), 1);
    assert_eq!(import.inventory.sites[0].region.code(), "WORLD");
    let lost: Vec<_> = import
        .report
        .lost
        .iter()
        .filter(|l| l.what.contains("eu-west-1"))
        .collect();
    assert_eq!(lost.len(), 1, "once for both observations: {lost:?}");
    assert_eq!(lost[0].at, "tree.children.server.defaults.cloud/region");
    assert!(lost[0].why.contains("WORLD"), "{}", lost[0].why);
    // A region it knows is not listed.
    let import = import_file(&manifest(OPERATIONAL, "", SERVER));
    assert_eq!(import.inventory.sites[0].region.code(), "FR");
    assert!(
        !import.report.lost.iter().any(|l| l.what.contains("region")),
        "{:?}",
        import.report.lost
    );
}

#[test]
fn a_functional_unit_removed_after_the_sci_is_refused_not_counted_as_zero() {
    let plugins = format!(
        "{OPERATIONAL}    sci:\n      method: Sci\n      path: builtin\n      config: {{functional-unit: requests}}\n    rename:\n      method: Copy\n      path: builtin\n      config: {{from: requests, to: calls, keep-existing: false}}\n"
    );
    let child = SERVER
        .replace(
            "compute: [operational-carbon]",
            "compute: [operational-carbon, sci, rename]",
        )
        .replace("energy: 2.5", "energy: 2.5, requests: 10")
        .replace("energy: 1.5", "energy: 1.5, requests: 20");
    let message = error_at(
        &manifest(&plugins, "", &child),
        "tree.children.server.inputs[0].requests",
    );
    assert!(
        message.contains("removed it") && message.contains("R is unknown"),
        "{message}"
    );
}
