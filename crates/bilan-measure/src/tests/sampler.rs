use crate::simulated::{Simulated, SimulatedDevice};
use crate::{Backend, DeviceInfo, MeasureError, Rapl, Readings, Sampler};

use super::rapl::{set, zone};
use super::{gpu, secs};

fn start(devices: Vec<SimulatedDevice>) -> Sampler {
    let mut sim = Simulated::new(devices);
    let infos: Vec<DeviceInfo> = sim.devices().expect("devices");
    Sampler::start(Some(Box::new(sim)), &infos, None).expect("first readings")
}

/// Samples at 1 s, 2 s… and finishes at `n` s.
fn run_for(mut sampler: Sampler, n: u32) -> Readings {
    for s in 1..n {
        sampler.sample(secs(f64::from(s)));
    }
    sampler.finish(secs(f64::from(n)))
}

#[test]
fn energy_is_the_counters_advance_and_power_its_peak_sample() {
    let mut a = gpu("NVIDIA H100 80GB HBM3", &[1_000, 301_000, 651_000, 951_000]);
    a.power_mw = vec![290_000, 310_000, 355_000, 300_000];
    let mut b = gpu("NVIDIA H100 80GB HBM3", &[50, 100_050, 200_050, 300_050]);
    b.power_mw = vec![100_000];
    let r = run_for(start(vec![a, b]), 3);
    assert_eq!(r.samples, 4);
    assert_eq!(r.duration, secs(3.0));
    assert_eq!(r.devices.len(), 2);
    assert!(
        (r.devices[0].energy_j - 950.0).abs() < 1e-9,
        "{:?}",
        r.devices[0]
    );
    assert!((r.devices[1].energy_j - 300.0).abs() < 1e-9);
    assert_eq!(r.devices[0].peak_sampled_w, Some(355.0));
    assert!((r.devices[0].peak_interval_w - 350.0).abs() < 1e-9);
    assert_eq!(r.devices[0].measured_for, secs(3.0));
    assert!(!r.incomplete);
    assert!(r.notes.is_empty(), "{:?}", r.notes);
    assert_eq!(r.driver_version.as_deref(), Some("simulated"));
}

#[test]
fn an_nvml_counter_that_wraps_loses_nothing() {
    let mut a = gpu("A", &[u64::MAX - 499, 500, 1_500]);
    a.power_mw = vec![1_000];
    let r = run_for(start(vec![a]), 2);
    assert!(
        (r.devices[0].energy_j - 2.0).abs() < 1e-12,
        "{:?}",
        r.devices[0]
    );
    assert!(r.notes.is_empty(), "{:?}", r.notes);
}

#[test]
fn a_gpu_that_disappears_keeps_its_energy_up_to_its_last_good_reading() {
    let steady = gpu("GPU A", &[0, 100_000, 200_000, 300_000, 400_000]);
    let mut lost = gpu("GPU B", &[0, 100_000, 200_000, 300_000, 400_000]);
    lost.lost_after = Some(3); // readings 0, 1, 2 succeed: at 0 s, 1 s, 2 s
    let r = run_for(start(vec![steady, lost]), 4);
    assert!((r.devices[0].energy_j - 400.0).abs() < 1e-9);
    assert_eq!(r.devices[0].measured_for, secs(4.0));
    assert!(
        (r.devices[1].energy_j - 200.0).abs() < 1e-9,
        "{:?}",
        r.devices[1]
    );
    assert_eq!(r.devices[1].measured_for, secs(2.0));
    assert!(r.incomplete);
    let note = r
        .notes
        .iter()
        .find(|n| n.starts_with("GPU 1 (GPU B) could not be read from 3.0 s on"))
        .unwrap_or_else(|| panic!("{:?}", r.notes));
    assert!(note.contains("fell off the bus"), "{note}");
    assert!(note.contains("over 2.0 s of the 4.0 s measured"), "{note}");
}

#[test]
fn a_failed_reading_followed_by_a_good_one_loses_nothing() {
    let mut flaky = gpu("A", &[0, 1_000, 2_000, 3_000]);
    flaky.fail_reads = vec![1];
    let r = run_for(start(vec![flaky]), 3);
    // The readings: 0 (0 s), fails (1 s), 2,000 (2 s), 3,000 (3 s): all counted.
    assert!(
        (r.devices[0].energy_j - 3.0).abs() < 1e-12,
        "{:?}",
        r.devices[0]
    );
    assert_eq!(r.devices[0].measured_for, secs(3.0));
    assert!(!r.incomplete);
    assert!(
        r.notes[0].contains("1 reading failed (the first at 1.0 s"),
        "{:?}",
        r.notes
    );
}

#[test]
fn a_counter_reset_is_counted_from_zero_and_noted() {
    let r = run_for(
        start(vec![gpu("A", &[5_000_000, 6_000_000, 1_000, 2_000])]),
        3,
    );
    // 1,000,000 before the reset, 1,000 counted by the restarted counter, then 1,000.
    assert!(
        (r.devices[0].energy_j - 1_002.0).abs() < 1e-9,
        "{:?}",
        r.devices[0]
    );
    assert!(
        r.notes[0].contains("went back from 6000000 to 1000 mJ at 2.0 s"),
        "{:?}",
        r.notes
    );
}

#[test]
fn a_gpu_without_power_readings_takes_its_peak_from_the_counter() {
    let r = run_for(start(vec![gpu("A", &[0, 100_000, 400_000])]), 2);
    assert_eq!(r.devices[0].peak_sampled_w, None);
    assert!((r.devices[0].peak_interval_w - 300.0).abs() < 1e-9);
    assert!(
        r.notes[0].contains("gave no power reading"),
        "{:?}",
        r.notes
    );
}

#[test]
fn a_gpu_without_an_energy_counter_is_refused_before_the_run() {
    let mut sim = Simulated::new(vec![gpu("Tesla P100-PCIE-16GB", &[])]);
    let infos = sim.devices().expect("devices");
    let e = Sampler::start(Some(Box::new(sim)), &infos, None).expect_err("no counter");
    assert!(matches!(e, MeasureError::Counter(_)), "{e:?}");
    let text = e.to_string();
    assert!(
        text.starts_with("GPU 0 (Tesla P100-PCIE-16GB) has no energy counter"),
        "{text}"
    );
    assert!(text.contains("Volta or later"), "{text}");
}

#[test]
fn no_gpu_is_an_error() {
    let e = Simulated::new(Vec::new()).devices().expect_err("no GPU");
    assert!(e.to_string().contains("finds no NVIDIA GPU"), "{e}");
}

#[test]
fn rapl_counters_are_read_with_their_wrap() {
    let dir = tempfile::tempdir().expect("temp dir");
    let d = dir.path();
    zone(d, "intel-rapl:0", "package-0", 999_000, 1_000_000);
    zone(d, "intel-rapl:0:0", "dram", 10, 1_000_000);
    let rapl = Rapl::discover(d).expect("rapl");
    let mut sampler = Sampler::start(None, &[], Some(rapl)).expect("first readings");
    set(d, "intel-rapl:0", 199_000); // wrapped: +200,001 µJ
    set(d, "intel-rapl:0:0", 200_010);
    sampler.sample(secs(1.0));
    set(d, "intel-rapl:0", 599_000); // +400,000 µJ
    set(d, "intel-rapl:0:0", 400_010);
    let r = sampler.finish(secs(2.0));
    assert!(r.devices.is_empty());
    assert_eq!(r.rapl.len(), 2);
    assert_eq!(r.rapl[0].name, "package-0");
    assert!(
        (r.rapl[0].energy_j - 0.600_001).abs() < 1e-12,
        "{:?}",
        r.rapl[0]
    );
    assert!((r.rapl[1].energy_j - 0.4).abs() < 1e-12, "{:?}", r.rapl[1]);
    assert!(r.driver_version.is_none());
}

#[test]
fn a_rapl_counter_that_stops_answering_is_noted() {
    let dir = tempfile::tempdir().expect("temp dir");
    let d = dir.path();
    zone(d, "intel-rapl:0", "package-0", 0, 1_000_000);
    let rapl = Rapl::discover(d).expect("rapl");
    let mut sampler = Sampler::start(None, &[], Some(rapl)).expect("first readings");
    set(d, "intel-rapl:0", 1_000);
    sampler.sample(secs(1.0));
    std::fs::remove_file(d.join("intel-rapl:0/energy_uj")).expect("remove");
    let r = sampler.finish(secs(2.0));
    assert!((r.rapl[0].energy_j - 0.001).abs() < 1e-12);
    assert_eq!(r.rapl[0].measured_for, secs(1.0));
    assert!(r.incomplete);
    assert!(
        r.notes
            .iter()
            .any(|n| n.starts_with("RAPL package-0 could not be read from 2.0 s on")),
        "{:?}",
        r.notes
    );
}
