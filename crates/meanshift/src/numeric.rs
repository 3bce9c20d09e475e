//! Floating-point reductions in NumPy's order, so sums round as they do in scikit-learn.

/// NumPy's pairwise summation of a contiguous `float64` array (`np.add.reduce`):
/// blocks of up to 128 values are summed with 8 accumulators, larger arrays are
/// split in two at a multiple of 8 and the halves added.
pub(crate) fn numpy_sum(values: &[f64]) -> f64 {
    0.0 + pairwise_sum(values)
}

fn pairwise_sum(a: &[f64]) -> f64 {
    let n = a.len();
    if n < 8 {
        let mut res = 0.0;
        for &v in a {
            res += v;
        }
        res
    } else if n <= 128 {
        let mut r = [0.0; 8];
        r.copy_from_slice(&a[..8]);
        let whole = n - n % 8;
        let mut i = 8;
        while i < whole {
            for (acc, &v) in r.iter_mut().zip(&a[i..i + 8]) {
                *acc += v;
            }
            i += 8;
        }
        let mut res = ((r[0] + r[1]) + (r[2] + r[3])) + ((r[4] + r[5]) + (r[6] + r[7]));
        for &v in &a[whole..] {
            res += v;
        }
        res
    } else {
        let mut n2 = n / 2;
        n2 -= n2 % 8;
        pairwise_sum(&a[..n2]) + pairwise_sum(&a[n2..])
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rng::RandomState;

    /// NumPy's pairwise summation written out independently: n < 8 sequential from 0.0;
    /// n <= 128 eight accumulators, combined ((0+1)+(2+3))+((4+5)+(6+7)), then the tail;
    /// otherwise split at n/2 rounded down to a multiple of 8. np.add.reduce starts from 0.0.
    fn reference_pairwise(a: &[f64]) -> f64 {
        let n = a.len();
        if n < 8 {
            let mut s = 0.0;
            for v in a {
                s += v;
            }
            s
        } else if n <= 128 {
            let mut acc = [a[0], a[1], a[2], a[3], a[4], a[5], a[6], a[7]];
            let mut i = 8;
            while i + 8 <= n {
                for j in 0..8 {
                    acc[j] += a[i + j];
                }
                i += 8;
            }
            let mut s =
                ((acc[0] + acc[1]) + (acc[2] + acc[3])) + ((acc[4] + acc[5]) + (acc[6] + acc[7]));
            while i < n {
                s += a[i];
                i += 1;
            }
            s
        } else {
            let half = n / 2 / 8 * 8;
            reference_pairwise(&a[..half]) + reference_pairwise(&a[half..])
        }
    }

    fn reference_numpy_sum(a: &[f64]) -> f64 {
        0.0 + reference_pairwise(a)
    }

    #[test]
    fn numpy_sum_hand_computed() {
        // [1e16, 1, 1, ...]: 1e16 + 1 rounds back to 1e16 (ties to even), so the result
        // records exactly which ones were added to each other before meeting 1e16.
        let big_then_ones = |n: usize| -> Vec<f64> {
            std::iter::once(1e16)
                .chain(std::iter::repeat_n(1.0, n - 1))
                .collect()
        };
        for (n, excess) in [
            (7usize, 0.0),
            (8, 6.0),
            (9, 8.0),
            (128, 112.0),
            (129, 120.0),
            (1000, 986.0),
        ] {
            let values = big_then_ones(n);
            assert_eq!(numpy_sum(&values), 1e16 + excess, "n = {n}");
            assert_eq!(
                reference_numpy_sum(&values),
                1e16 + excess,
                "reference, n = {n}"
            );
            // A plain left-to-right sum loses every one.
            assert_eq!(values.iter().fold(0.0, |a, b| a + b), 1e16);
        }
        assert_eq!(numpy_sum(&[]), 0.0);
        assert_eq!(numpy_sum(&[0.1, 0.2]), 0.1 + 0.2);
    }

    #[test]
    fn numpy_sum_matches_reference_on_random_data() {
        let mut rng = RandomState::new(2024);
        let mut differs_from_sequential = 0;
        for &n in &[
            1usize, 2, 7, 8, 9, 15, 16, 17, 127, 128, 129, 135, 136, 255, 256, 257, 500, 1000,
            1001, 4099,
        ] {
            for trial in 0..4 {
                // Wide dynamic range and mixed signs so the summation order shows in the bits.
                let values: Vec<f64> = (0..n)
                    .map(|_| rng.gauss() * 2f64.powi(rng.interval(40) as i32 - 20))
                    .collect();
                let got = numpy_sum(&values);
                let expected = reference_numpy_sum(&values);
                assert_eq!(
                    got.to_bits(),
                    expected.to_bits(),
                    "n = {n} trial {trial}: {got:e} vs {expected:e}"
                );
                if got.to_bits() != values.iter().fold(0.0, |a, b| a + b).to_bits() {
                    differs_from_sequential += 1;
                }
            }
        }
        assert!(
            differs_from_sequential > 10,
            "the data do not distinguish pairwise from sequential summation"
        );
    }
}
