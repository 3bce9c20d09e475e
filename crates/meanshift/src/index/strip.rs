//! Testing the points near a ball's circle, one by one: the inner loop of the
//! band index, in the widest vector instructions the CPU has.
//!
//! Every kernel computes scikit-learn's test `fl(fl(dx²) + fl(dy²)) <= r²` with
//! the same IEEE operations on each point (no fused multiply-add), so they all
//! find the same points: the choice changes the speed, never a result. The
//! vector kernels pack the rows of the points found with a compress (AVX-512)
//! or a table of packed lane numbers (AVX2) instead of a branch per point.

/// Rows of points found one by one, summed in batches (a masked 128-bit addition
/// per point tested costs more).
pub(crate) const FOUND_ROWS: usize = 128;

/// The points found inside: rows not yet summed, and the count and exact sum
/// of the others.
pub(crate) struct Found {
    rows: [u32; FOUND_ROWS],
    len: usize,
    pub total: usize,
    pub sum: [i128; 2],
}

impl Default for Found {
    fn default() -> Self {
        Self {
            rows: [0; FOUND_ROWS],
            len: 0,
            total: 0,
            sum: [0; 2],
        }
    }
}

impl Found {
    /// Adds the noted rows' exact values (`values[row]`) to the sum.
    pub fn flush(&mut self, values: &[[i128; 2]]) {
        // Sums in locals: kept in registers, not stored back per row.
        let [mut sum_x, mut sum_y] = self.sum;
        for &i in &self.rows[..self.len] {
            let v = &values[i as usize];
            sum_x += v[0];
            sum_y += v[1];
        }
        self.sum = [sum_x, sum_y];
        self.total += self.len;
        self.len = 0;
    }
}

/// The instruction set a strip test runs on, chosen once per index.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kernel {
    Scalar,
    #[cfg(target_arch = "x86_64")]
    Avx2,
    #[cfg(target_arch = "x86_64")]
    Avx512,
}

impl Kernel {
    /// Every kernel, fastest first.
    const ALL: &'static [Kernel] = &[
        #[cfg(target_arch = "x86_64")]
        Kernel::Avx512,
        #[cfg(target_arch = "x86_64")]
        Kernel::Avx2,
        Kernel::Scalar,
    ];

    /// Whether this CPU runs the kernel.
    fn runs_here(self) -> bool {
        match self {
            Kernel::Scalar => true,
            #[cfg(target_arch = "x86_64")]
            Kernel::Avx2 => is_x86_feature_detected!("avx2"),
            #[cfg(target_arch = "x86_64")]
            Kernel::Avx512 => {
                is_x86_feature_detected!("avx512f") && is_x86_feature_detected!("avx512vl")
            }
        }
    }

    /// The fastest kernel this CPU runs.
    pub fn detect() -> Self {
        Self::ALL
            .iter()
            .copied()
            .find(|k| k.runs_here())
            .unwrap_or(Kernel::Scalar)
    }

    /// Every kernel this CPU runs (for tests that compare them).
    #[cfg(test)]
    pub fn all_available() -> Vec<Self> {
        Self::ALL
            .iter()
            .copied()
            .filter(|k| k.runs_here())
            .collect()
    }
}

/// The points a strip test reads and the query it tests them against.
pub(crate) struct Strip<'a> {
    pub xs: &'a [f64],
    pub ys: &'a [f64],
    pub qx: f64,
    pub qy: f64,
    pub radius2: f64,
}

/// Most rows a kernel adds between two checks for room.
const STEP: usize = 8;

/// Tests the points `from..to` (`to <= xs.len()`), noting the rows inside in
/// `found`, which sums them from `values` (each point's exact value).
#[inline(always)]
pub(crate) fn scalar(
    strip: &Strip,
    values: &[[i128; 2]],
    from: usize,
    to: usize,
    found: &mut Found,
) {
    let (xs, ys) = (&strip.xs[..to], &strip.ys[..to]);
    let mut i = from;
    while i < to {
        if found.len > FOUND_ROWS - STEP {
            found.flush(values);
        }
        let end = to.min(i + STEP);
        for k in i..end {
            let (dx, dy) = (xs[k] - strip.qx, ys[k] - strip.qy);
            let inside = dx * dx + dy * dy <= strip.radius2;
            // Branch-free: about half of the points near the circle are inside.
            found.rows[found.len % FOUND_ROWS] = k as u32;
            found.len += usize::from(inside);
        }
        i = end;
    }
}

/// [`scalar`] four points at a time.
///
/// # Safety
/// The CPU must support AVX2.
#[cfg(target_arch = "x86_64")]
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
            found.flush(values);
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

/// [`scalar`] eight points at a time.
///
/// # Safety
/// The CPU must support AVX-512F and AVX-512VL.
#[cfg(target_arch = "x86_64")]
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
            found.flush(values);
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
        found.flush(values);
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
