use bilan_core::inventory::{Date, OutsidePeriod, Period, Phase};

use crate::record::{Identity, energy, quantity, time, workload};
use crate::{Exit, Finished};

use super::{context, finished, secs};

fn identity() -> Identity {
    Identity {
        id: "m1".to_owned(),
        phase: Phase::Development,
        site: "lab".to_owned(),
        fleet: None,
    }
}

fn year(y: i16) -> Period {
    Period {
        start: Date::new(y, 1, 1).expect("date"),
        end: Date::new(y, 12, 31).expect("date"),
    }
}

fn text(q: &Option<bilan_units::Quantity>) -> String {
    q.as_ref().map(ToString::to_string).unwrap_or_default()
}

#[test]
fn quantities_are_rounded_to_what_was_measured() {
    assert_eq!(energy(18_000.0).to_string(), "0.005 kWh");
    assert_eq!(energy(1.0).to_string(), "0.0000002777778 kWh");
    assert_eq!(quantity(0.1 + 0.2, "W", 5).to_string(), "0.3 W");
    assert_eq!(time(secs(61.23456)).to_string(), "61.235 s");
    assert_eq!(time(secs(7200.0)).to_string(), "2 h");
}

#[test]
#[should_panic(expected = "not finite")]
fn a_reading_that_is_not_finite_is_never_written_as_a_number() {
    let _ = quantity(f64::NAN, "W", 3);
}

#[test]
fn gpus_give_the_energy_and_rapl_the_host_overhead() {
    let f = finished("2026-06-15T10:00:00Z");
    let w = workload(&identity(), &context(), &f, &year(2026));
    assert_eq!(text(&w.energy), "0.008333333 kWh");
    assert_eq!(text(&w.host_overhead), "0.0017 kWh");
    assert_eq!(w.devices, Some(2.0));
    assert_eq!(text(&w.device_hours), "0.03333333 GPU·h");
    assert_eq!(text(&w.duration), "60 s");
    let p = w.period.expect("a period");
    assert_eq!(
        (p.start.to_string(), p.end.to_string()),
        ("2026-06-15".to_owned(), "2026-06-15".to_owned())
    );
    assert!(w.outside_period.is_none());
    let m = w.measurement.expect("a measurement");
    assert_eq!(m.method, "nvml-energy-counter, rapl-powercap");
    assert_eq!(m.started.as_deref(), Some("2026-06-15T10:00:00Z"));
    assert_eq!(m.samples, Some(61));
    assert_eq!(m.exit_code, Some(0));
    assert_eq!(m.driver_version.as_deref(), Some("550.54.15"));
    assert_eq!(m.host.as_deref(), Some("gpu-box"));
    // A device lost on the way makes the measurement incomplete.
    assert!(m.interrupted);
    let d0 = &m.devices[0];
    assert_eq!(d0.model.as_deref(), Some("nvidia-h100-sxm-80gb"));
    assert_eq!(text(&d0.energy), "0.005 kWh");
    assert_eq!(
        d0.mean_power.as_ref().expect("measured").to_string(),
        "300 W"
    );
    assert_eq!(
        d0.peak_power.as_ref().expect("measured").to_string(),
        "412 W"
    );
    assert!(d0.measured_for.is_none(), "measured the whole time");
    let d1 = &m.devices[1];
    assert_eq!(
        d1.mean_power.as_ref().expect("measured").to_string(),
        "300 W"
    );
    assert_eq!(
        d1.peak_power.as_ref().expect("measured").to_string(),
        "330 W"
    );
    assert_eq!(text(&d1.measured_for), "40 s");
    let rapl: Vec<String> = m
        .rapl
        .iter()
        .map(|r| format!("{} {}", r.domain, r.energy))
        .collect();
    assert_eq!(rapl, ["package-0 0.0015 kWh", "dram 0.0002 kWh"]);
    assert_eq!(m.notes.len(), 1, "{:?}", m.notes);
}

#[test]
fn cpu_only_gives_the_rapl_energy_and_no_device() {
    let mut f = finished("2026-06-15T10:00:00Z");
    f.readings.devices.clear();
    f.readings.notes.clear();
    f.readings.incomplete = false;
    let w = workload(&identity(), &context(), &f, &year(2026));
    assert_eq!(text(&w.energy), "0.0017 kWh");
    assert!(w.host_overhead.is_none() && w.devices.is_none() && w.device_hours.is_none());
    let m = w.measurement.expect("a measurement");
    assert_eq!(m.method, "rapl-powercap");
    assert!(m.driver_version.is_none());
    assert!(!m.interrupted);
    assert!(
        m.notes[0].starts_with("CPU-only measurement"),
        "{:?}",
        m.notes
    );
}

#[test]
fn an_interrupted_command_is_marked_and_its_signal_noted() {
    let mut f: Finished = finished("2026-06-15T10:00:00Z");
    f.readings.incomplete = false;
    f.interrupted = true;
    f.exit = Exit::Signal(2);
    let m = workload(&identity(), &context(), &f, &year(2026))
        .measurement
        .expect("a measurement");
    assert!(m.interrupted);
    assert_eq!(m.exit_code, None);
    assert!(
        m.notes
            .iter()
            .any(|n| n.contains("was killed by SIGINT (signal 2)")),
        "{:?}",
        m.notes
    );
}

#[test]
fn a_run_across_the_new_year_is_prorated_and_says_so() {
    let f = finished("2026-12-31T23:59:30Z");
    let w = workload(&identity(), &context(), &f, &year(2026));
    let p = w.period.expect("a period");
    assert_eq!(p.end.to_string(), "2027-01-01");
    assert_eq!(w.outside_period, Some(OutsidePeriod::Prorate));
    let m = w.measurement.expect("a measurement");
    assert!(
        m.notes.iter().any(|n| n.contains("prorate")),
        "{:?}",
        m.notes
    );
}

#[test]
fn a_gpu_that_drew_power_while_its_counter_stood_still_leaves_the_energy_unknown() {
    // Its counter read the same value for 60 s while it drew 412 W: 0 kWh would be a silent
    // 0, so no `energy` is written, and a note says why.
    let mut f = finished("2026-06-15T10:00:00Z");
    f.readings.devices[0].energy_j = 0.0;
    let w = workload(&identity(), &context(), &f, &year(2026));
    assert!(w.energy.is_none(), "{:?}", w.energy);
    let notes = &w.measurement.as_ref().expect("measurement").notes;
    assert!(
        notes.iter().any(|n| n.starts_with(
            "GPU 0 (NVIDIA H100 80GB HBM3): its energy counter did not advance over 60.0 s while it drew up to 412 W"
        )),
        "{notes:?}"
    );
    // Its own record says the same: no energy and no mean power, only the power sampled.
    let d0 = &w.measurement.as_ref().expect("measurement").devices[0];
    assert!(d0.energy.is_none() && d0.mean_power.is_none(), "{d0:?}");
    assert_eq!(text(&d0.peak_power), "412 W");
    // A GPU that counted nothing and drew nothing (idle, or no power reading) is not flagged.
    f.readings.devices[0].peak_sampled_w = Some(0.0);
    assert!(
        workload(&identity(), &context(), &f, &year(2026))
            .energy
            .is_some()
    );
}
