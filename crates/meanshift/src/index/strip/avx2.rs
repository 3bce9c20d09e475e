//! The strip test with AVX2, four points at a time.

use super::found::{Found, Strip, FOUND_ROWS, STEP};

/// [`super::scalar()`] four points at a time.
///
/// # Safety
/// The CPU must support AVX2.
#[target_feature(enable = "avx2")]
#[inline]
pub(crate) unsafe fn avx2(
    strip: &Strip,
    values: &[[i128; 2]],
    from: usize,
    to: usize,
    found: &mut Found,
) {
    use std::arch::x86_64::*;
    /// For each 4-bit mask, the numbers of its set lanes, packed to the front.
    const PACKED_LANES: [[u32; 4]; 16] = {
        let mut table = [[0; 4]; 16];
        let mut mask = 0;
        while mask < 16 {
            let (mut lane, mut n) = (0, 0);
            while lane < 4 {
                if mask & (1 << lane) != 0 {
                    table[mask][n] = lane as u32;
                    n += 1;
                }
                lane += 1;
            }
            mask += 1;
        }
        table
    };
    assert!(to <= strip.xs.len() && to <= strip.ys.len());
    let (qx, qy, r2) = (
        _mm256_set1_pd(strip.qx),
        _mm256_set1_pd(strip.qy),
        _mm256_set1_pd(strip.radius2),
    );
    let lane_numbers = _mm256_setr_epi64x(0, 1, 2, 3);
    let mut i = from;
    while i < to {
        if found.len > FOUND_ROWS - STEP {
            found.flush(values, strip.weights);
        }
        let left = (to - i).min(4);
        let live = _mm256_cmpgt_epi64(_mm256_set1_epi64x(left as i64), lane_numbers);
        // SAFETY: masked loads read only the live lanes, i..min(i + 4, to), in bounds.
        let x = _mm256_maskload_pd(strip.xs.as_ptr().add(i), live);
        let y = _mm256_maskload_pd(strip.ys.as_ptr().add(i), live);
        let (dx, dy) = (_mm256_sub_pd(x, qx), _mm256_sub_pd(y, qy));
        let d2 = _mm256_add_pd(_mm256_mul_pd(dx, dx), _mm256_mul_pd(dy, dy));
        let inside = _mm256_cmp_pd::<_CMP_LE_OQ>(d2, r2);
        let inside = _mm256_movemask_pd(_mm256_and_pd(inside, _mm256_castsi256_pd(live)));
        let lanes = _mm_loadu_si128(PACKED_LANES[inside as usize].as_ptr().cast());
        let rows = _mm_add_epi32(_mm_set1_epi32(i as i32), lanes);
        // SAFETY: found.len <= FOUND_ROWS - STEP, so 4 rows fit.
        _mm_storeu_si128(found.rows.as_mut_ptr().add(found.len).cast(), rows);
        found.len += inside.count_ones() as usize;
        i += 4;
    }
}
