//! Exact conversion factors: reduced fractions of `u128`, with an `f64` fallback.

/// A positive conversion factor.
///
/// Factors are kept as reduced fractions so that chains such as
/// `kWh -> J -> MJ` stay exact. When a product of fractions would overflow
/// `u128` (only for absurd unit expressions such as `ZFLOP^9`), the factor
/// falls back to an `f64` approximation.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) enum Factor {
    /// `num / den`, reduced, both non-zero.
    Exact { num: u128, den: u128 },
    /// Approximate factor, used after an overflow of the exact representation.
    Approx(f64),
}

/// Largest integer below which every integer is exactly representable as `f64`.
const F64_EXACT_LIMIT: u128 = 1 << 53;

const fn gcd(mut a: u128, mut b: u128) -> u128 {
    // In 64 bits when both fit, as the units of an inventory's quantities do: a 128-bit
    // remainder is a library call, on the path of every conversion.
    if a <= u64::MAX as u128 && b <= u64::MAX as u128 {
        return gcd64(a as u64, b as u64) as u128;
    }
    while b != 0 {
        let r = a % b;
        a = b;
        b = r;
    }
    a
}

const fn gcd64(mut a: u64, mut b: u64) -> u64 {
    while b != 0 {
        let r = a % b;
        a = b;
        b = r;
    }
    a
}

/// `n` as the nearest `f64`; `n` below 2^53 converts exactly, through 64 bits (a 128-bit
/// conversion is a library call).
fn to_f64(n: u128) -> f64 {
    if n < F64_EXACT_LIMIT {
        n as u64 as f64
    } else {
        n as f64
    }
}

impl Factor {
    pub(crate) const ONE: Factor = Factor::Exact { num: 1, den: 1 };

    /// `num / den`, reduced. Both must be non-zero (table constants only).
    pub(crate) const fn ratio(num: u128, den: u128) -> Factor {
        let g = gcd(num, den);
        Factor::Exact {
            num: num / g,
            den: den / g,
        }
    }

    pub(crate) fn as_f64(self) -> f64 {
        match self {
            // `as` is the documented rounding conversion here: exact below 2^53,
            // nearest representable value above.
            Factor::Exact { num, den } => to_f64(num) / to_f64(den),
            Factor::Approx(f) => f,
        }
    }

    pub(crate) fn recip(self) -> Factor {
        match self {
            Factor::Exact { num, den } => Factor::Exact { num: den, den: num },
            Factor::Approx(f) => Factor::Approx(1.0 / f),
        }
    }

    pub(crate) fn mul(self, other: Factor) -> Factor {
        // Multiplying by one is common (a unit converted to itself) and exact either way;
        // skipping it spares the 128-bit divisions of the reduction.
        if other == Factor::ONE {
            return self;
        }
        if self == Factor::ONE {
            return other;
        }
        if let (Factor::Exact { num: an, den: ad }, Factor::Exact { num: bn, den: bd }) =
            (self, other)
        {
            let g1 = gcd(an, bd);
            let g2 = gcd(bn, ad);
            let num = (an / g1).checked_mul(bn / g2);
            let den = (ad / g2).checked_mul(bd / g1);
            if let (Some(num), Some(den)) = (num, den) {
                return Factor::Exact { num, den };
            }
        }
        Factor::Approx(self.as_f64() * other.as_f64())
    }

    pub(crate) fn div(self, other: Factor) -> Factor {
        if let Factor::Exact { .. } = self
            && self == other
        {
            return Factor::ONE;
        }
        self.mul(other.recip())
    }

    pub(crate) fn powi(self, n: i8) -> Factor {
        let base = if n < 0 { self.recip() } else { self };
        let mut result = Factor::ONE;
        for _ in 0..n.unsigned_abs() {
            result = result.mul(base);
        }
        result
    }

    /// `value * self`, rounding once whenever that is possible.
    ///
    /// - `num / 1`: `value * num`;
    /// - `1 / den`: `value / den`;
    /// - otherwise `value * num / den`, which is exact for the first step
    ///   whenever `value * num` is (e.g. integers), and `value * (num / den)`
    ///   when the integers are too large for `f64` or the product overflows.
    pub(crate) fn apply(self, value: f64) -> f64 {
        match self {
            Factor::Exact { num, den } if num < F64_EXACT_LIMIT && den < F64_EXACT_LIMIT => {
                let (n, d) = (to_f64(num), to_f64(den));
                if den == 1 {
                    value * n
                } else if num == 1 {
                    value / d
                } else {
                    let product = value * n;
                    if product.is_finite() {
                        product / d
                    } else {
                        value * (n / d)
                    }
                }
            }
            other => value * other.as_f64(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::Factor;

    #[test]
    fn reduces_and_multiplies_exactly() {
        let kwh = Factor::ratio(3_600_000, 1);
        let mj = Factor::ratio(1_000_000, 1);
        assert_eq!(kwh.div(mj), Factor::Exact { num: 18, den: 5 });
        assert_eq!(Factor::ratio(10, 1000), Factor::Exact { num: 1, den: 100 });
        assert_eq!(
            Factor::ratio(1000, 1).powi(-2),
            Factor::Exact {
                num: 1,
                den: 1_000_000
            }
        );
    }

    /// The 64-bit paths give what the 128-bit arithmetic gives, on both sides of the
    /// bounds where they stop applying.
    #[test]
    fn the_64_bit_paths_agree_with_128_bit_arithmetic() {
        fn gcd128(mut a: u128, mut b: u128) -> u128 {
            while b != 0 {
                (a, b) = (b, a % b);
            }
            a
        }
        let edges: Vec<u128> = [
            0u128,
            1,
            2,
            3,
            10,
            360,
            3_600_000,
            1 << 52,
            1 << 53,
            1 << 63,
        ]
        .into_iter()
        .chain([u64::MAX as u128, u64::MAX as u128 + 1, u128::MAX])
        .flat_map(|n| [n.saturating_sub(1), n, n.saturating_add(1)])
        .collect();
        for &a in &edges {
            assert_eq!(super::to_f64(a).to_bits(), (a as f64).to_bits(), "{a}");
            for &b in &edges {
                assert_eq!(super::gcd(a, b), gcd128(a, b), "gcd({a}, {b})");
            }
        }
    }

    #[test]
    fn overflow_falls_back_to_f64() {
        let big = Factor::ratio(1_000_000_000_000_000_000_000, 1);
        let product = big.powi(3);
        assert!(matches!(product, Factor::Approx(_)));
        assert!((product.as_f64() / 1e63 - 1.0).abs() < 1e-15);
    }
}
