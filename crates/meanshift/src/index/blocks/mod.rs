//! Few 2-D points: every point tested against a block of queries at once, one
//! query per vector lane, the points found summed in the lanes as they are
//! found (no list of rows, no branch per point).
//!
//! Below a few hundred points the band index's walk and its row lists cost
//! more than testing every point: one lock-step round's queries, a block of 8
//! (AVX-512) or 4 (AVX2) at a time, each point loaded once per block.
//!
//! Exactness: each lane computes the band index's test `fl(fl(dx²) + fl(dy²)) <= r²`
//! with the same IEEE operations (no fused multiply-add), so it finds the same
//! points; the sums are the same fixed-point integers ([`super::exact`]), split
//! into three 42-bit limbs that add up in 64-bit lanes without overflow (at
//! most [`MAX_POINTS`] terms of under 2^42 each), and rejoined exactly. A
//! block's totals are therefore the band index's, bit for bit: the choice
//! changes the speed, never a result.

#[cfg(target_arch = "x86_64")]
mod avx2;
#[cfg(target_arch = "x86_64")]
mod avx512;

use super::instruction_set::Kernel;

/// Most points a block scan is built for (fewer than 2^21 keeps every limb sum
/// below 2^63); the band index chooses it up to [`super::bands`]'s threshold.
pub(crate) const MAX_POINTS: usize = 1 << 20;

/// Bits of a limb.
const LIMB_BITS: u32 = 42;

/// Queries in a block: the widest kernel's lanes.
pub(crate) const BLOCK: usize = 8;

/// A block scan's own data about the points (their coordinates are the band
/// index's): the exact values' limbs.
pub(crate) struct BlockScan {
    /// Per point: x's three limbs, then y's (low to high; the high one signed).
    limbs: Vec<[i64; 6]>,
    kernel: Kernel,
}

/// `v` as three limbs, low to high: `v = l0 + l1·2^42 + l2·2^84`, `l0` and `l1`
/// in `0..2^42`, `l2` signed (the exact values stay below 2^126 in magnitude).
fn limbs_of(v: i128) -> [i64; 3] {
    let mask = (1i128 << LIMB_BITS) - 1;
    [
        (v & mask) as i64,
        ((v >> LIMB_BITS) & mask) as i64,
        (v >> (2 * LIMB_BITS)) as i64,
    ]
}

/// The integer whose limbs sum to `sums` (each a sum of limbs of one rank).
fn joined(sums: [i64; 3]) -> i128 {
    i128::from(sums[0])
        + (i128::from(sums[1]) << LIMB_BITS)
        + (i128::from(sums[2]) << (2 * LIMB_BITS))
}

/// The sums of one block: per lane, the count and each limb's sum.
#[derive(Default)]
pub(super) struct Lanes {
    pub count: [i64; BLOCK],
    /// x's limbs low to high, then y's.
    pub limbs: [[i64; BLOCK]; 6],
}

impl BlockScan {
    /// The scan of points with exact values `values`, or `None` when the CPU
    /// has no vector kernel for it (the caller queries one by one) or there are
    /// more than [`MAX_POINTS`] points.
    pub fn new(values: &[[i128; 2]], kernel: Kernel) -> Option<Self> {
        if kernel == Kernel::Scalar || values.len() > MAX_POINTS {
            return None;
        }
        let limbs = values
            .iter()
            .map(|v| {
                let ([x0, x1, x2], [y0, y1, y2]) = (limbs_of(v[0]), limbs_of(v[1]));
                [x0, x1, x2, y0, y1, y2]
            })
            .collect();
        Some(Self { limbs, kernel })
    }

    /// Calls `total(k, count, sum)` with the count and exact sum of the points
    /// (at `xs`, `ys`, as many as values) within `radius2` of each query `k`
    /// (at most [`BLOCK`]).
    pub fn ball_totals(
        &self,
        (xs, ys): (&[f64], &[f64]),
        queries: &[[f64; 2]],
        radius2: f64,
        mut total: impl FnMut(usize, usize, [i128; 2]),
    ) {
        debug_assert!(queries.len() <= BLOCK);
        // Lanes past the queries test against NaN: never inside.
        let mut qx = [f64::NAN; BLOCK];
        let mut qy = [f64::NAN; BLOCK];
        for (k, q) in queries.iter().enumerate() {
            (qx[k], qy[k]) = (q[0], q[1]);
        }
        let mut lanes = Lanes::default();
        match self.kernel {
            // SAFETY: `Kernel::detect` chose these kernels only if the CPU has the features.
            #[cfg(target_arch = "x86_64")]
            Kernel::Avx512 => unsafe {
                avx512::block(xs, ys, &self.limbs, &qx, &qy, radius2, &mut lanes)
            },
            #[cfg(target_arch = "x86_64")]
            Kernel::Avx2 => unsafe {
                avx2::block(xs, ys, &self.limbs, &qx, &qy, radius2, &mut lanes)
            },
            // `new` makes no scan for the scalar kernel.
            Kernel::Scalar => unreachable!("no block scan without vector instructions"),
        }
        for k in 0..queries.len() {
            let limb = |j: usize| lanes.limbs[j][k];
            let sum = [
                joined([limb(0), limb(1), limb(2)]),
                joined([limb(3), limb(4), limb(5)]),
            ];
            total(k, lanes.count[k] as usize, sum);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn limbs_rejoin_to_the_value_and_sums_of_limbs_to_the_sum() {
        let values: Vec<i128> = vec![
            0,
            1,
            -1,
            (1 << 42) - 1,
            1 << 42,
            -(1 << 84),
            (1i128 << 125) - 12345,
            -(1i128 << 125) + 777,
            0x1234_5678_9abc_def0_1234_5678,
        ];
        for &v in &values {
            assert_eq!(joined(limbs_of(v)), v, "{v}");
        }
        let mut sums = [0i64; 3];
        for &v in &values[..8] {
            for (s, l) in sums.iter_mut().zip(limbs_of(v)) {
                *s += l;
            }
        }
        assert_eq!(joined(sums), values[..8].iter().sum::<i128>());
    }
}
