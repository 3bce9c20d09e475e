//! The strip test with AVX-512, eight points at a time.

use super::found::{Found, Strip, FOUND_ROWS, STEP};

/// [`super::scalar()`] eight points at a time.
///
/// # Safety
/// The CPU must support AVX-512F and AVX-512VL.
#[target_feature(enable = "avx512f,avx512vl")]
#[inline]
pub(crate) unsafe fn avx512(
    strip: &Strip,
    values: &[[i128; 2]],
    from: usize,
    to: usize,
    found: &mut Found,
) {
    use std::arch::x86_64::*;
    assert!(to <= strip.xs.len() && to <= strip.ys.len());
    let (qx, qy, r2) = (
        _mm512_set1_pd(strip.qx),
        _mm512_set1_pd(strip.qy),
        _mm512_set1_pd(strip.radius2),
    );
    let lanes = _mm512_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15);
    let mut i = from;
    while i < to {
        if found.len > FOUND_ROWS - STEP {
            found.flush(values, strip.weights);
        }
        let left = (to - i).min(8);
        let live = ((1u32 << left) - 1) as __mmask8;
        // SAFETY: masked loads read only the live lanes, i..min(i + 8, to), in bounds.
        let x = _mm512_maskz_loadu_pd(live, strip.xs.as_ptr().add(i));
        let y = _mm512_maskz_loadu_pd(live, strip.ys.as_ptr().add(i));
        let (dx, dy) = (_mm512_sub_pd(x, qx), _mm512_sub_pd(y, qy));
        let d2 = _mm512_add_pd(_mm512_mul_pd(dx, dx), _mm512_mul_pd(dy, dy));
        let inside = _mm512_mask_cmp_pd_mask::<_CMP_LE_OQ>(live, d2, r2);
        // The compress to a register, then a store (a compress to memory is slow
        // on some CPUs). 512 bits wide with a 16-bit mask: LLVM fails on the
        // 256-bit form's 8-bit mask without optimisations (`-C lto` at opt-level 0).
        let rows = _mm512_maskz_compress_epi32(
            __mmask16::from(inside),
            _mm512_add_epi32(_mm512_set1_epi32(i as i32), lanes),
        );
        let rows = _mm512_castsi512_si256(rows);
        // SAFETY: found.len <= FOUND_ROWS - STEP, so 8 rows fit.
        _mm256_storeu_si256(found.rows.as_mut_ptr().add(found.len).cast(), rows);
        found.len += inside.count_ones() as usize;
        i += 8;
    }
}
