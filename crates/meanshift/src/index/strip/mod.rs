//! Testing the points near a ball's circle, one by one: the inner loop of the
//! band index, in the widest vector instructions the CPU has.
//!
//! Every kernel computes scikit-learn's test `fl(fl(dx²) + fl(dy²)) <= r²` with
//! the same IEEE operations on each point (no fused multiply-add), so they all
//! find the same points: the choice changes the speed, never a result. The
//! vector kernels pack the rows of the points found with a compress (AVX-512)
//! or a table of packed lane numbers (AVX2) instead of a branch per point.

#[cfg(target_arch = "x86_64")]
mod avx2;
#[cfg(target_arch = "x86_64")]
mod avx512;
mod found;
mod scalar;

#[cfg(target_arch = "x86_64")]
pub(crate) use avx2::avx2;
#[cfg(target_arch = "x86_64")]
pub(crate) use avx512::avx512;
pub(crate) use found::{Found, Strip};
pub(crate) use scalar::scalar;

pub(crate) use super::instruction_set::Kernel;

#[cfg(test)]
mod tests {
    use super::*;

    /// Runs `kernel` on `from..to`, returning the count and sum of the points found.
    fn run(
        kernel: Kernel,
        strip: &Strip,
        values: &[[i128; 2]],
        from: usize,
        to: usize,
    ) -> (usize, [i128; 2]) {
        let mut found = Found::default();
        match kernel {
            Kernel::Scalar => scalar(strip, values, from, to, &mut found),
            // SAFETY: `all_available` lists only kernels the CPU runs.
            #[cfg(target_arch = "x86_64")]
            Kernel::Avx2 => unsafe { avx2(strip, values, from, to, &mut found) },
            #[cfg(target_arch = "x86_64")]
            Kernel::Avx512 => unsafe { avx512(strip, values, from, to, &mut found) },
        }
        found.flush(values, &[]);
        (found.total, found.sum)
    }

    #[test]
    fn every_kernel_finds_the_points_the_test_accepts_for_any_range() {
        let mut state = 11u64;
        let mut next = || {
            state = state
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            (state >> 11) as f64 / (1u64 << 53) as f64
        };
        let n = 700;
        let xs: Vec<f64> = (0..n).map(|_| next() * 2.0 - 1.0).collect();
        let ys: Vec<f64> = (0..n).map(|_| next() * 2.0 - 1.0).collect();
        // Distinct values per row, so that a wrong row changes the sum.
        let values: Vec<[i128; 2]> = (0..n as i128).map(|i| [i * 1_000_003, -i * i]).collect();
        let strip = Strip {
            xs: &xs,
            ys: &ys,
            qx: 0.1,
            qy: -0.2,
            radius2: 0.5,
            weights: &[],
        };
        let mut ranges = vec![
            (0, n),
            (0, 0),
            (n, n),
            (3, 4),
            (5, 12),
            (17, 26),
            (n - 9, n),
        ];
        for _ in 0..200 {
            let a = (next() * n as f64) as usize;
            let b = (next() * n as f64) as usize;
            ranges.push((a.min(b), a.max(b)));
        }
        for (from, to) in ranges {
            let expected = (from..to)
                .filter(|&k| {
                    let (dx, dy) = (xs[k] - strip.qx, ys[k] - strip.qy);
                    dx * dx + dy * dy <= strip.radius2
                })
                .fold((0, [0i128; 2]), |(c, s), k| {
                    (c + 1, [s[0] + values[k][0], s[1] + values[k][1]])
                });
            for kernel in Kernel::all_available() {
                assert_eq!(
                    run(kernel, &strip, &values, from, to),
                    expected,
                    "{kernel:?} {from}..{to}"
                );
            }
        }
    }
}
