//! Squared distances with AVX-512: a block of eight points in one register.

use super::{Lanes, LANES};
use std::arch::x86_64::*;

/// [`super::scalar`]'s sums, four blocks (four registers of independent sums)
/// at a time.
///
/// # Safety
/// The CPU must support AVX-512F; `blocks.len() == out.len() / LANES * query.len()`.
#[target_feature(enable = "avx512f")]
pub(super) unsafe fn squared_distances(blocks: &[Lanes], query: &[f64], out: &mut [f64]) {
    let dim = query.len();
    let n_blocks = out.len() / LANES;
    let base = blocks.as_ptr().cast::<f64>();
    let mut b = 0;
    while b + 4 <= n_blocks {
        let mut acc = [_mm512_setzero_pd(); 4];
        for (j, &q) in query.iter().enumerate() {
            let q = _mm512_set1_pd(q);
            for (k, a) in acc.iter_mut().enumerate() {
                // SAFETY: block b + k < n_blocks, feature j < dim: in bounds.
                let d = _mm512_sub_pd(_mm512_loadu_pd(base.add(((b + k) * dim + j) * LANES)), q);
                *a = _mm512_add_pd(*a, _mm512_mul_pd(d, d));
            }
        }
        for (k, a) in acc.iter().enumerate() {
            // SAFETY: out holds LANES values per block.
            _mm512_storeu_pd(out.as_mut_ptr().add((b + k) * LANES), *a);
        }
        b += 4;
    }
    while b < n_blocks {
        let mut a = _mm512_setzero_pd();
        for (j, &q) in query.iter().enumerate() {
            // SAFETY: as above.
            let d = _mm512_sub_pd(
                _mm512_loadu_pd(base.add((b * dim + j) * LANES)),
                _mm512_set1_pd(q),
            );
            a = _mm512_add_pd(a, _mm512_mul_pd(d, d));
        }
        _mm512_storeu_pd(out.as_mut_ptr().add(b * LANES), a);
        b += 1;
    }
}

/// [`super::scalar`]'s row sums, compiled for avx512f.
///
/// # Safety
/// The CPU must support avx512f.
#[target_feature(enable = "avx512f")]
pub(super) unsafe fn sum_marked(found: &mut [u64], rows: &[f64], sum: &mut [f64]) {
    super::scalar::sum_marked(found, rows, sum);
}

/// [`super::scalar`]'s bound distance, compiled for avx512f.
///
/// # Safety
/// The CPU must support avx512f.
#[target_feature(enable = "avx512f")]
pub(super) unsafe fn bound_distance(a: &[f64], b: &[f64]) -> f64 {
    super::scalar::bound_distance(a, b)
}
