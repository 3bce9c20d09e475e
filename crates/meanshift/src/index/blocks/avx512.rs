//! The block scan with AVX-512: eight queries, one per lane.

use super::{Lanes, BLOCK};

/// Sets `lanes` to the count and the sums of the first `WIDTH` limbs of the
/// points within `radius2` of each query `(qx[k], qy[k])`.
///
/// # Safety
/// The CPU must support AVX-512F.
#[target_feature(enable = "avx512f")]
pub(super) unsafe fn block<const WIDTH: usize>(
    xs: &[f64],
    ys: &[f64],
    limbs: &[[i64; 6]],
    qx: &[f64; BLOCK],
    qy: &[f64; BLOCK],
    radius2: f64,
    lanes: &mut Lanes,
) {
    use std::arch::x86_64::*;
    let n = xs.len().min(ys.len()).min(limbs.len());
    // SAFETY: the arrays hold BLOCK = 8 values each.
    let (qx, qy) = (_mm512_loadu_pd(qx.as_ptr()), _mm512_loadu_pd(qy.as_ptr()));
    let r2 = _mm512_set1_pd(radius2);
    let one = _mm512_set1_epi64(1);
    let mut count = _mm512_setzero_si512();
    let mut sums = [_mm512_setzero_si512(); WIDTH];
    for i in 0..n {
        let dx = _mm512_sub_pd(_mm512_set1_pd(xs[i]), qx);
        let dy = _mm512_sub_pd(_mm512_set1_pd(ys[i]), qy);
        let d2 = _mm512_add_pd(_mm512_mul_pd(dx, dx), _mm512_mul_pd(dy, dy));
        let inside = _mm512_cmp_pd_mask::<_CMP_LE_OQ>(d2, r2);
        count = _mm512_mask_add_epi64(count, inside, count, one);
        for (sum, &limb) in sums.iter_mut().zip(&limbs[i][..WIDTH]) {
            *sum = _mm512_mask_add_epi64(*sum, inside, *sum, _mm512_set1_epi64(limb));
        }
    }
    // SAFETY: each destination holds BLOCK = 8 i64.
    _mm512_storeu_si512(lanes.count.as_mut_ptr().cast(), count);
    for (out, sum) in lanes.limbs.iter_mut().zip(sums) {
        _mm512_storeu_si512(out.as_mut_ptr().cast(), sum);
    }
}
