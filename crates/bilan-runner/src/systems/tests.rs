use super::decompose::lmdi;
use super::explained::{DriverAmount, SystemDriver};

fn sum(p: &[DriverAmount]) -> f64 {
    p.iter().map(|d| d.amount).sum()
}

#[test]
fn lmdi_pieces_add_up_to_the_change() {
    // X = V × e × u × g on each side.
    let a = [1e12, 2e-4, 1.2, 0.4];
    let b = [3e12, 1.5e-4, 1.1, 0.05];
    let xa: f64 = a.iter().product();
    let xb: f64 = b.iter().product();
    let drivers = [
        SystemDriver::Volume,
        SystemDriver::EnergyPerUnit,
        SystemDriver::Pue,
        SystemDriver::Grid,
    ];
    let c: Vec<_> = drivers
        .iter()
        .zip(a.iter().zip(&b))
        .map(|(d, (x, y))| (*d, *x, *y))
        .collect();
    let p = lmdi(&c, xa, xb).unwrap();
    assert!(((xb - xa) - sum(&p)).abs() <= 1e-9 * (xb - xa).abs());
    // Each piece is L(X_B, X_A) ln(k_B / k_A).
    let l = (xb - xa) / (xb / xa).ln();
    for (piece, (_, x, y)) in p.iter().zip(&c) {
        assert!((piece.amount - l * (y / x).ln()).abs() <= 1e-9 * (xb - xa).abs());
    }
    // The grid fell: its piece is negative; volume rose: positive.
    assert!(p[3].amount < 0.0 && p[0].amount > 0.0);
}

#[test]
fn lmdi_with_no_change_is_zero_and_cancelling_factors_are_split() {
    let c = [
        (SystemDriver::Volume, 2.0, 4.0),
        (SystemDriver::Grid, 1.0, 0.5),
    ];
    let p = lmdi(&c, 2.0, 2.0).unwrap();
    assert!(sum(&p).abs() < 1e-15);
    assert!((p[0].amount - 2.0 * 2f64.ln()).abs() < 1e-12);
    assert!(p.iter().all(|d| d.amount.is_finite()));
}

#[test]
fn lmdi_refuses_zeros_and_signs() {
    assert!(lmdi(&[(SystemDriver::Grid, 0.0, 1.0)], 0.0, 1.0).is_none());
    assert!(lmdi(&[(SystemDriver::Grid, -1.0, 1.0)], -1.0, 1.0).is_none());
}
