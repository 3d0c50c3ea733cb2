use std::process::Command;
use std::time::{Duration, Instant};

use crate::simulated::Simulated;
use crate::{Backend, Exit, Finished, Interrupt, MeasureError, RunConfig, Sampler, run};

use super::gpu;

fn sampler() -> Sampler {
    let mut one = gpu("NVIDIA A100-SXM4-40GB", &[0]);
    one.step_mj = 10_000;
    one.power_mw = vec![250_000];
    let mut sim = Simulated::new(vec![one]);
    let infos = sim.devices().expect("devices");
    Sampler::start(Some(Box::new(sim)), &infos, None).expect("first readings")
}

fn quick() -> RunConfig {
    RunConfig {
        interval: Duration::from_millis(50),
        grace: Duration::from_millis(100),
        kill_after: Duration::from_millis(500),
    }
}

fn sh(script: &str) -> Command {
    let mut c = Command::new("sh");
    c.args(["-c", script]);
    c
}

fn measure(script: &str, interrupt: &Interrupt) -> Finished {
    run(&mut sh(script), sampler(), interrupt, &quick()).expect("runs")
}

#[test]
fn the_exit_code_is_passed_through() {
    let f = measure("exit 3", &Interrupt::new());
    assert_eq!(f.exit, Exit::Code(3));
    assert_eq!(f.exit.code(), 3);
    assert_eq!(f.exit.exit_code(), Some(3));
    assert!(!f.interrupted);
    assert_eq!(measure("true", &Interrupt::new()).exit.code(), 0);
}

#[test]
fn death_by_a_signal_is_128_plus_the_signal() {
    let f = measure("kill -TERM $$", &Interrupt::new());
    assert_eq!(f.exit, Exit::Signal(15));
    assert_eq!(f.exit.code(), 143);
    assert_eq!(f.exit.exit_code(), None);
    assert_eq!(f.exit.to_string(), "was killed by SIGTERM (signal 15)");
    assert_eq!(Exit::Signal(9).code(), 137);
    assert_eq!(Exit::Code(256 + 7).code(), 7);
}

#[test]
fn the_counters_are_sampled_while_the_command_runs() {
    let f = measure("sleep 0.4", &Interrupt::new());
    let r = &f.readings;
    assert!(r.duration >= Duration::from_millis(400), "{:?}", r.duration);
    // A sample every 50 ms over 0.4 s, the first and the last: about 10.
    assert!(r.samples >= 6, "{} samples", r.samples);
    // 10 J per reading after the first.
    let expected = (r.samples - 1) as f64 * 10.0;
    assert!((r.devices[0].energy_j - expected).abs() < 1e-9, "{r:?}");
    assert_eq!(r.devices[0].peak_sampled_w, Some(250.0));
}

#[test]
fn ctrl_c_stops_the_command_and_keeps_what_was_measured() {
    let interrupt = Interrupt::new();
    let started = Instant::now();
    let f = std::thread::scope(|s| {
        s.spawn(|| {
            std::thread::sleep(Duration::from_millis(200));
            interrupt.interrupt();
        });
        measure("exec sleep 30", &interrupt)
    });
    assert!(
        started.elapsed() < Duration::from_secs(10),
        "{:?}",
        started.elapsed()
    );
    assert!(f.interrupted);
    // Not stopped by the terminal's Ctrl-C (this test sends none), so SIGTERM after the
    // grace period.
    assert_eq!(f.exit, Exit::Signal(15));
    assert_eq!(f.exit.code(), 143);
    assert!(f.readings.samples >= 3, "{:?}", f.readings);
    assert!(f.readings.devices[0].energy_j > 0.0);
}

#[test]
fn a_command_that_ignores_sigterm_is_killed() {
    let interrupt = Interrupt::new();
    let f = std::thread::scope(|s| {
        s.spawn(|| {
            std::thread::sleep(Duration::from_millis(100));
            interrupt.terminate();
        });
        measure("trap '' TERM; exec sleep 30", &interrupt)
    });
    assert!(f.interrupted);
    assert_eq!(f.exit, Exit::Signal(9));
}

#[test]
fn a_second_ctrl_c_kills_at_once() {
    let interrupt = Interrupt::new();
    let config = RunConfig {
        grace: Duration::from_secs(60),
        ..quick()
    };
    let started = Instant::now();
    let f = std::thread::scope(|s| {
        s.spawn(|| {
            std::thread::sleep(Duration::from_millis(100));
            interrupt.interrupt();
            std::thread::sleep(Duration::from_millis(100));
            interrupt.interrupt();
        });
        run(&mut sh("exec sleep 30"), sampler(), &interrupt, &config).expect("runs")
    });
    assert!(started.elapsed() < Duration::from_secs(10));
    assert_eq!(f.exit, Exit::Signal(9));
    assert!(f.interrupted);
}

#[test]
fn a_command_that_cannot_start_is_an_error_naming_it() {
    let e = run(
        &mut Command::new("/nonexistent/train"),
        sampler(),
        &Interrupt::new(),
        &quick(),
    )
    .expect_err("no such command");
    assert!(matches!(e, MeasureError::Spawn { .. }), "{e:?}");
    assert!(
        e.to_string().starts_with("cannot run `/nonexistent/train`"),
        "{e}"
    );
}

#[test]
fn commands_are_shown_as_a_shell_would_read_them() {
    assert_eq!(
        crate::shell_words(&["python", "train.py", "--lr=3e-4", "a b", "it's", ""]),
        r#"python train.py --lr=3e-4 'a b' 'it'\''s' ''"#
    );
}
