//! The block scan with AVX2: four queries, one per lane, twice.

use super::{Lanes, BLOCK};

/// Sets `lanes` to the count and the sums of the first `WIDTH` limbs of the
/// points within `radius2` of each query `(qx[k], qy[k])` (lanes of NaN: none).
///
/// # Safety
/// The CPU must support AVX2.
#[target_feature(enable = "avx2")]
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
    const HALF: usize = BLOCK / 2;
    let n = xs.len().min(ys.len()).min(limbs.len());
    let r2 = _mm256_set1_pd(radius2);
    for half in 0..2 {
        let at = half * HALF;
        // Lanes past the queries hold NaN: a half with no query is not scanned.
        if qx[at..at + HALF].iter().all(|x| x.is_nan()) {
            continue;
        }
        // SAFETY: at + 4 <= BLOCK.
        let (qx, qy) = (
            _mm256_loadu_pd(qx.as_ptr().add(at)),
            _mm256_loadu_pd(qy.as_ptr().add(at)),
        );
        let mut count = _mm256_setzero_si256();
        let mut sums = [_mm256_setzero_si256(); WIDTH];
        for i in 0..n {
            let dx = _mm256_sub_pd(_mm256_set1_pd(xs[i]), qx);
            let dy = _mm256_sub_pd(_mm256_set1_pd(ys[i]), qy);
            let d2 = _mm256_add_pd(_mm256_mul_pd(dx, dx), _mm256_mul_pd(dy, dy));
            // All ones (-1) in the lanes inside.
            let inside = _mm256_castpd_si256(_mm256_cmp_pd::<_CMP_LE_OQ>(d2, r2));
            count = _mm256_sub_epi64(count, inside);
            for (sum, &limb) in sums.iter_mut().zip(&limbs[i][..WIDTH]) {
                *sum = _mm256_add_epi64(*sum, _mm256_and_si256(inside, _mm256_set1_epi64x(limb)));
            }
        }
        // SAFETY: at + 4 <= BLOCK in every destination.
        _mm256_storeu_si256(lanes.count.as_mut_ptr().add(at).cast(), count);
        for (out, sum) in lanes.limbs.iter_mut().zip(sums) {
            _mm256_storeu_si256(out.as_mut_ptr().add(at).cast(), sum);
        }
    }
}
