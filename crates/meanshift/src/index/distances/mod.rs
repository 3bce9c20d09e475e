//! Squared distances from one query to blocks of points, in the widest vector
//! instructions the CPU has: the inner loop of the ball tree's leaves.
//!
//! Points are stored transposed in blocks of [`LANES`]: block `b` holds, for
//! each feature `j`, the values of points `LANES*b ..`. Every kernel computes
//! each lane's `fl(… fl(fl((p₀ - q₀)²) + fl((p₁ - q₁)²)) … + fl((p_d - q_d)²))`,
//! summed in feature order from 0 with separate multiply and add (no fused
//! multiply-add), which is the scan's and scikit-learn's test: the choice of
//! kernel changes the speed, never a bit.

#[cfg(target_arch = "x86_64")]
mod avx2;
#[cfg(target_arch = "x86_64")]
mod avx512;
mod scalar;

/// Points per block: one AVX-512 register of f64, two AVX2 ones.
pub(crate) const LANES: usize = 8;

/// One feature of a block of points.
pub(crate) type Lanes = [f64; LANES];

pub(crate) use super::instruction_set::Kernel;

impl Kernel {
    /// Writes to `out[LANES*b + l]` the squared distance from `query` to lane
    /// `l` of block `b`, for every block of `blocks` (`query.len()` entries
    /// per block; `out.len() == LANES * blocks.len() / query.len()`).
    #[inline]
    pub fn squared_distances(self, blocks: &[Lanes], query: &[f64], out: &mut [f64]) {
        let dim = query.len();
        assert!(
            dim > 0 && blocks.len().is_multiple_of(dim) && out.len() * dim == blocks.len() * LANES
        );
        match self {
            Kernel::Scalar => scalar::squared_distances(blocks, query, out),
            // SAFETY: `detect` and `all_available` return only kernels the CPU
            // runs; the lengths were checked above.
            #[cfg(target_arch = "x86_64")]
            Kernel::Avx2 => unsafe { avx2::squared_distances(blocks, query, out) },
            #[cfg(target_arch = "x86_64")]
            Kernel::Avx512 => unsafe { avx512::squared_distances(blocks, query, out) },
        }
    }

    /// Adds to `sum` every row `t` of `rows` (row-major, `sum.len()` values
    /// each) whose bit `t` is set in `found`, in increasing `t`, and clears
    /// `found`. Each element is the same chain of additions in every kernel.
    #[inline]
    pub fn sum_marked(self, found: &mut [u64], rows: &[f64], sum: &mut [f64]) {
        assert!(rows.len() >= found.len().saturating_sub(1) * 64 * sum.len());
        match self {
            Kernel::Scalar => scalar::sum_marked(found, rows, sum),
            // SAFETY: as above; rows are indexed with bounds checks.
            #[cfg(target_arch = "x86_64")]
            Kernel::Avx2 => unsafe { avx2::sum_marked(found, rows, sum) },
            #[cfg(target_arch = "x86_64")]
            Kernel::Avx512 => unsafe { avx512::sum_marked(found, rows, sum) },
        }
    }

    /// The euclidean distance from `a` to `b` in a fixed order other than the
    /// features' (independent chains, so that it vectorises): for
    /// bounds, which hold for any order.
    #[inline]
    pub fn bound_distance(self, a: &[f64], b: &[f64]) -> f64 {
        assert_eq!(a.len(), b.len());
        match self {
            Kernel::Scalar => scalar::bound_distance(a, b),
            // SAFETY: as above.
            #[cfg(target_arch = "x86_64")]
            Kernel::Avx2 => unsafe { avx2::bound_distance(a, b) },
            #[cfg(target_arch = "x86_64")]
            Kernel::Avx512 => unsafe { avx512::bound_distance(a, b) },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_kernel_has_the_bits_of_the_feature_order_sum() {
        let mut state = 5u64;
        let mut next = || {
            state = state
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            ((state >> 11) as f64 / (1u64 << 53) as f64 - 0.5) * 20.0
        };
        for dim in [1, 2, 3, 17, 64, 385] {
            for n_blocks in [1, 2, 3, 4, 5, 9] {
                let blocks: Vec<Lanes> = (0..n_blocks * dim)
                    .map(|_| std::array::from_fn(|_| next()))
                    .collect();
                let query: Vec<f64> = (0..dim).map(|_| next()).collect();
                let want: Vec<u64> = (0..n_blocks * LANES)
                    .map(|i| {
                        let (b, l) = (i / LANES, i % LANES);
                        (0..dim)
                            .fold(0.0, |acc, j| {
                                let d = blocks[b * dim + j][l] - query[j];
                                acc + d * d
                            })
                            .to_bits()
                    })
                    .collect();
                for kernel in Kernel::all_available() {
                    let mut out = vec![0.0; n_blocks * LANES];
                    kernel.squared_distances(&blocks, &query, &mut out);
                    let got: Vec<u64> = out.iter().map(|v| v.to_bits()).collect();
                    assert_eq!(got, want, "{kernel:?} dim {dim} blocks {n_blocks}");
                }
            }
        }
    }

    #[test]
    fn every_kernel_sums_the_marked_rows_and_bounds_alike() {
        let mut state = 9u64;
        let mut next = || {
            state = state
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            state
        };
        for dim in [1, 7, 8, 17, 64, 385] {
            let n: usize = 300;
            let rows: Vec<f64> = (0..n * dim)
                .map(|_| (next() >> 11) as f64 / (1u64 << 40) as f64 - 1000.0)
                .collect();
            // About a quarter of the rows marked; none past the last row.
            let mut found: Vec<u64> = (0..n.div_ceil(64)).map(|_| next() & next()).collect();
            *found.last_mut().unwrap() &= u64::MAX >> (64 - n % 64);
            let mut want = vec![0.0; dim];
            for t in (0..n).filter(|t| found[t / 64] >> (t % 64) & 1 == 1) {
                for (s, v) in want.iter_mut().zip(&rows[t * dim..(t + 1) * dim]) {
                    *s += v;
                }
            }
            let (a, b) = (&rows[..dim], &rows[dim..2 * dim]);
            let bound = Kernel::Scalar.bound_distance(a, b);
            let exact = a
                .iter()
                .zip(b)
                .fold(0.0, |s, (x, y)| s + (x - y) * (x - y))
                .sqrt();
            assert!((bound - exact).abs() <= 1e-13 * exact, "{bound} {exact}");
            for kernel in Kernel::all_available() {
                let mut marks = found.clone();
                let mut sum = vec![0.0; dim];
                kernel.sum_marked(&mut marks, &rows, &mut sum);
                let bits = |v: &[f64]| v.iter().map(|x| x.to_bits()).collect::<Vec<_>>();
                assert_eq!(bits(&sum), bits(&want), "{kernel:?} {dim}");
                assert!(marks.iter().all(|w| *w == 0), "{kernel:?} clears the marks");
                assert_eq!(
                    kernel.bound_distance(a, b).to_bits(),
                    bound.to_bits(),
                    "{kernel:?} {dim}"
                );
            }
        }
    }

    #[test]
    fn nan_lanes_stay_nan() {
        // Padding lanes hold NaN, so that no radius takes them in.
        let blocks = vec![[f64::NAN; LANES]; 3];
        for kernel in Kernel::all_available() {
            let mut out = vec![0.0; LANES];
            kernel.squared_distances(&blocks, &[1.0, 2.0, 3.0], &mut out);
            assert!(out.iter().all(|d| d.is_nan()), "{kernel:?}");
        }
    }
}
