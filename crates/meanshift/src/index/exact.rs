//! Exact coordinate sums in fixed point.
//!
//! Every finite `f64` is an integer times a power of two. When all values of a
//! feature are multiples of `2^lsb` and no sum of `n` of them can reach 2^126
//! units, the sums can be carried as `i128` integers of `2^lsb` units: exact, so
//! the sum of a set of points is the same however the set was split up (node
//! sums, prefix-sum differences, single points). A mean computed from such a
//! sum depends only on the set of points, as scikit-learn's does (it sums the
//! neighbours in index order), which lets seeds that reach the same neighbour
//! set share the rest of their climb.

/// The fixed-point unit of one feature.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FixedScale {
    /// Values are counted in units of `2^lsb`.
    lsb: i32,
}

/// `x = mantissa * 2^exponent` with an odd mantissa (`None` for 0 and non-finite `x`).
fn odd_decomposition(x: f64) -> Option<(i64, i32)> {
    if x == 0.0 || !x.is_finite() {
        return None;
    }
    let bits = x.to_bits();
    let biased = ((bits >> 52) & 0x7ff) as i32;
    let fraction = bits & ((1u64 << 52) - 1);
    let (mantissa, exponent) = if biased == 0 {
        (fraction, -1074)
    } else {
        (fraction | (1u64 << 52), biased - 1075)
    };
    let zeros = mantissa.trailing_zeros();
    let odd = (mantissa >> zeros) as i64;
    let signed = if x < 0.0 { -odd } else { odd };
    Some((signed, exponent + zeros as i32))
}

/// The lowest and highest set bit over the nonzero `values` (`i32::MAX`,
/// `i32::MIN` when there is none); `None` if one is not finite.
fn bit_span(values: impl Iterator<Item = f64>) -> Option<(i32, i32)> {
    let mut lsb = i32::MAX;
    let mut msb = i32::MIN;
    for x in values {
        if !x.is_finite() {
            return None;
        }
        if let Some((mantissa, exponent)) = odd_decomposition(x) {
            lsb = lsb.min(exponent);
            // Highest set bit of the value.
            msb = msb.max(exponent + 63 - mantissa.unsigned_abs().leading_zeros() as i32);
        }
    }
    Some((lsb, msb))
}

/// The extra bits a sum of up to `max_terms` terms needs: ceil(log2(max_terms)).
fn terms_bits(max_terms: usize) -> i64 {
    i64::from(usize::BITS - max_terms.max(1).saturating_sub(1).leading_zeros())
}

impl FixedScale {
    /// The unit for `values` when any sum of up to `max_terms` of them fits an
    /// `i128` exactly; `None` when the values span too many binary orders of
    /// magnitude (for example 1e-30 next to 1) or one is not finite.
    pub fn for_values(values: impl Iterator<Item = f64>, max_terms: usize) -> Option<Self> {
        let (lsb, msb) = bit_span(values)?;
        if lsb == i32::MAX {
            return Some(Self { lsb: 0 });
        }
        // One value needs msb - lsb + 1 bits; a sum of max_terms of them at most
        // ceil(log2(max_terms)) more; the sign one more; 127 + 1 available.
        let needed = i64::from(msb - lsb) + 1 + terms_bits(max_terms) + 1;
        (needed <= 127).then_some(Self { lsb })
    }

    /// The units of `values` (`x`) and of `weights` (`w`, one per value) when
    /// any sum of up to `max_terms` products `w·x` fits an `i128` exactly as
    /// `to_fixed(w) · to_fixed(x)` in the units of [`Self::times`] of the two.
    pub fn for_products(
        values: impl Iterator<Item = f64>,
        weights: impl Iterator<Item = f64>,
        max_terms: usize,
    ) -> Option<(Self, Self)> {
        let (x_lsb, x_msb) = bit_span(values)?;
        let (w_lsb, w_msb) = bit_span(weights)?;
        if x_lsb == i32::MAX || w_lsb == i32::MAX {
            return Some((Self { lsb: 0 }, Self { lsb: 0 }));
        }
        // A product of fixed values has at most the bits of both; the sum of
        // max_terms of them log2(max_terms) more, and the sign one more.
        let needed =
            i64::from(x_msb - x_lsb + 1) + i64::from(w_msb - w_lsb + 1) + terms_bits(max_terms) + 1;
        (needed <= 127).then_some((Self { lsb: x_lsb }, Self { lsb: w_lsb }))
    }

    /// The unit of a product of a value in `self`'s units and one in `other`'s.
    pub fn times(self, other: Self) -> Self {
        Self {
            lsb: self.lsb + other.lsb,
        }
    }

    /// `x` in units of `2^lsb`, exactly. `x` must be finite and one of the
    /// values the scale was made for (or any multiple of the unit in range).
    #[inline]
    pub fn to_fixed(self, x: f64) -> i128 {
        match odd_decomposition(x) {
            None => 0,
            Some((mantissa, exponent)) => i128::from(mantissa) << (exponent - self.lsb),
        }
    }

    /// The `f64` nearest to `units * 2^lsb` (one rounding, to nearest even,
    /// unless the result is subnormal).
    #[inline]
    pub fn to_f64(self, units: i128) -> f64 {
        let (rounded, shift) = nearest_f64(units);
        times_power_of_two(rounded, self.lsb + shift)
    }
}

/// `v` as `(x, k)` with `x · 2^k` the `f64` nearest to `v` (ties to even): `v`
/// itself when it fits an `i64`, else its top 63 bits with a sticky bit for the
/// rest, converted in one instruction (`__floattidf`, the library's `i128` to
/// `f64`, costs several times more). The sticky bit lies 10 bits below the
/// rounding position, so it decides ties and nothing else: one rounding, the
/// same as converting `v` directly.
#[inline]
fn nearest_f64(v: i128) -> (f64, i32) {
    if let Ok(small) = i64::try_from(v) {
        return (small as f64, 0);
    }
    let magnitude = v.unsigned_abs();
    let shift = 65 - magnitude.leading_zeros(); // leaves 63 bits
    let top = (magnitude >> shift) as u64;
    let sticky = u64::from(magnitude & ((1u128 << shift) - 1) != 0);
    let x = (top | sticky) as i64 as f64;
    (if v < 0 { -x } else { x }, shift as i32)
}

/// `v * 2^k`, exact while the result is a normal number.
fn times_power_of_two(mut v: f64, mut k: i32) -> f64 {
    // 2^±960 and the final factor are all normal numbers.
    const STEP: i32 = 960;
    while k > STEP {
        v *= f64::from_bits(((STEP + 1023) as u64) << 52);
        k -= STEP;
    }
    while k < -STEP {
        v *= f64::from_bits(((1023 - STEP) as u64) << 52);
        k += STEP;
    }
    v * f64::from_bits(((k + 1023) as u64) << 52)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_round_trip_through_fixed_point() {
        let values = [0.1, -2.5, 3.0e-5, 1234.5678, 0.0, -0.0, 6.0, 1.0 / 3.0];
        let scale = FixedScale::for_values(values.iter().copied(), values.len()).unwrap();
        for &x in &values {
            assert_eq!(scale.to_f64(scale.to_fixed(x)), x, "{x}");
        }
    }

    #[test]
    fn sums_are_exact_and_independent_of_grouping() {
        let values: Vec<f64> = (0..1000)
            .map(|i| (i as f64 * 0.7).sin() * 5.0 + 1e-3)
            .collect();
        let scale = FixedScale::for_values(values.iter().copied(), values.len()).unwrap();
        let fixed: Vec<i128> = values.iter().map(|&x| scale.to_fixed(x)).collect();
        let forward: i128 = fixed.iter().sum();
        let halves: i128 =
            fixed[..377].iter().sum::<i128>() + fixed[377..].iter().rev().sum::<i128>();
        assert_eq!(forward, halves);
        // The exact sum rounds once: within half an ulp of the compensated sum.
        let mut hi = 0.0f64;
        let mut lo = 0.0f64;
        for &x in &values {
            let s = hi + x;
            let t = s - hi;
            lo += (hi - (s - t)) + (x - t);
            hi = s;
        }
        let exact = scale.to_f64(forward);
        assert!((exact - (hi + lo)).abs() <= f64::EPSILON * exact.abs());
    }

    #[test]
    fn subnormal_and_huge_values_keep_their_bits() {
        let tiny = f64::from_bits(3); // 3 * 2^-1074
        let scale = FixedScale::for_values([tiny, 2.0 * tiny].into_iter(), 2).unwrap();
        assert_eq!(scale.to_fixed(tiny), 3);
        assert_eq!(scale.to_f64(scale.to_fixed(2.0 * tiny)), 2.0 * tiny);
        let huge = 1.5e300;
        let scale = FixedScale::for_values([huge, -huge].into_iter(), 2).unwrap();
        assert_eq!(scale.to_f64(scale.to_fixed(-huge)), -huge);
    }

    #[test]
    fn wide_sums_round_once_to_the_nearest_f64() {
        // Against the library's conversion, at the edges of i64, on ties (a 1 just
        // past the 53 kept bits, with and without lower bits) and at random.
        let mut cases: Vec<i128> = vec![
            0,
            1,
            -1,
            i128::from(i64::MAX),
            i128::from(i64::MIN),
            i128::from(i64::MAX) + 1,
            i128::from(i64::MIN) - 1,
            (1i128 << 126) - 1,
            -(1i128 << 126) + 1,
        ];
        for shift in [11, 40, 60, 72] {
            for low in [0i128, 1] {
                let tie = ((1i128 << 53) + 1) << shift | (1i128 << (shift - 1)) | low;
                cases.extend([tie, -tie, tie + (1 << shift), -(tie + (1 << shift))]);
            }
        }
        let mut state = 3u64;
        for _ in 0..100_000 {
            state = state
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            let hi = state;
            state = state
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            let v = ((i128::from(hi) << 64) | i128::from(state)) >> (state % 120);
            cases.push(v);
        }
        let scale = FixedScale { lsb: -60 };
        for v in cases {
            assert_eq!(scale.to_f64(v), times_power_of_two(v as f64, -60), "{v}");
        }
    }

    #[test]
    fn too_wide_a_range_has_no_scale() {
        assert_eq!(FixedScale::for_values([1e-30, 1.0].into_iter(), 2), None);
        assert_eq!(FixedScale::for_values([f64::NAN].into_iter(), 1), None);
        // 2^0 and 2^-60 with odd mantissas: 113 bits each, too many for 2^20 terms.
        assert!(FixedScale::for_values([1.0 + f64::EPSILON, 1e-18].into_iter(), 2).is_some());
        assert!(FixedScale::for_values([1.0 + f64::EPSILON, 1e-18].into_iter(), 1 << 20).is_none());
        assert_eq!(
            FixedScale::for_values([0.0, -0.0].into_iter(), 5),
            Some(FixedScale { lsb: 0 })
        );
    }
}
