//! Squared distances with AVX2: a block of eight points in two registers.

use super::{Lanes, LANES};
use std::arch::x86_64::*;

/// [`super::scalar`]'s sums, four blocks (eight registers of independent sums)
/// at a time.
///
/// # Safety
/// The CPU must support AVX2; `blocks.len() == out.len() / LANES * query.len()`.
#[target_feature(enable = "avx2")]
pub(super) unsafe fn squared_distances(blocks: &[Lanes], query: &[f64], out: &mut [f64]) {
    let dim = query.len();
    let n_blocks = out.len() / LANES;
    let base = blocks.as_ptr().cast::<f64>();
    let mut b = 0;
    while b + 4 <= n_blocks {
        let mut acc = [_mm256_setzero_pd(); 8];
        for (j, &q) in query.iter().enumerate() {
            let q = _mm256_set1_pd(q);
            for (k, pair) in acc.chunks_exact_mut(2).enumerate() {
                // SAFETY: block b + k < n_blocks, feature j < dim: in bounds.
                let p = base.add(((b + k) * dim + j) * LANES);
                let lo = _mm256_sub_pd(_mm256_loadu_pd(p), q);
                let hi = _mm256_sub_pd(_mm256_loadu_pd(p.add(4)), q);
                pair[0] = _mm256_add_pd(pair[0], _mm256_mul_pd(lo, lo));
                pair[1] = _mm256_add_pd(pair[1], _mm256_mul_pd(hi, hi));
            }
        }
        for (k, a) in acc.iter().enumerate() {
            // SAFETY: out holds LANES values per block.
            _mm256_storeu_pd(out.as_mut_ptr().add(b * LANES + 4 * k), *a);
        }
        b += 4;
    }
    while b < n_blocks {
        let (mut lo_acc, mut hi_acc) = (_mm256_setzero_pd(), _mm256_setzero_pd());
        for (j, &q) in query.iter().enumerate() {
            let q = _mm256_set1_pd(q);
            // SAFETY: as above.
            let p = base.add((b * dim + j) * LANES);
            let lo = _mm256_sub_pd(_mm256_loadu_pd(p), q);
            let hi = _mm256_sub_pd(_mm256_loadu_pd(p.add(4)), q);
            lo_acc = _mm256_add_pd(lo_acc, _mm256_mul_pd(lo, lo));
            hi_acc = _mm256_add_pd(hi_acc, _mm256_mul_pd(hi, hi));
        }
        _mm256_storeu_pd(out.as_mut_ptr().add(b * LANES), lo_acc);
        _mm256_storeu_pd(out.as_mut_ptr().add(b * LANES + 4), hi_acc);
        b += 1;
    }
}

/// [`super::scalar`]'s row sums, compiled for avx2.
///
/// # Safety
/// The CPU must support avx2.
#[target_feature(enable = "avx2")]
pub(super) unsafe fn sum_marked(found: &mut [u64], rows: &[f64], sum: &mut [f64]) {
    super::scalar::sum_marked(found, rows, sum);
}

/// [`super::scalar`]'s bound distance, compiled for avx2.
///
/// # Safety
/// The CPU must support avx2.
#[target_feature(enable = "avx2")]
pub(super) unsafe fn bound_distance(a: &[f64], b: &[f64]) -> f64 {
    super::scalar::bound_distance(a, b)
}
