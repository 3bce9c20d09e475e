//! Few 2-D points in a query's reach: every one tested against a block of
//! queries at once, one query per vector lane, the points found summed in the
//! lanes as they are found (no list of rows, no branch per point).
//!
//! When a query reaches up to about 700 points in y, the band index's
//! walk and its row lists cost more than testing every point in reach: one
//! lock-step round's queries, a block of 8 (AVX-512) or 4 (AVX2) at a time
//! (neighbours in the round's order, sorted by position, so their ys are
//! close), each point whose y one of them can reach loaded once per block (the
//! points are sorted by y).
//!
//! Exactness: each lane computes the band index's test `fl(fl(dx²) + fl(dy²)) <= r²`
//! with the same IEEE operations (no fused multiply-add), so it finds the same
//! points, and the points left out of a block's window fail it ([`beyond`]).
//! The sums are the same fixed-point integers ([`super::exact`]), split into
//! three 42-bit limbs (two when every value is below 2^83 in magnitude) that
//! add up in 64-bit lanes without overflow (at most [`MAX_POINTS`] terms of
//! under 2^42 each), and rejoined exactly. A block's totals are therefore the
//! band index's, bit for bit: the choice changes the speed, never a result.

#[cfg(target_arch = "x86_64")]
mod avx2;
#[cfg(target_arch = "x86_64")]
mod avx512;

use super::instruction_set::Kernel;

/// Most points a block scan is built for (fewer than 2^21 keeps every limb sum
/// below 2^63); the band index chooses it for far fewer in a query's reach.
pub(crate) const MAX_POINTS: usize = 1 << 20;

/// Bits of a limb.
const LIMB_BITS: u32 = 42;

/// Queries in a block: the widest kernel's lanes.
pub(crate) const BLOCK: usize = 8;

/// The points of a block scan, sorted by y: a block's queries test only the
/// points whose y they can reach.
pub(crate) struct BlockScan {
    xs: Vec<f64>,
    ys: Vec<f64>,
    /// Per point: the limbs of x and y, low to high (the high ones signed):
    /// `[x0, x1, y0, y1, x2, y2]`, so that values below 2^83 in magnitude, whose
    /// top limbs are 0, are summed from the first four alone.
    limbs: Vec<[i64; 6]>,
    /// How many of each point's limbs are summed: 4 or 6.
    width: usize,
    kernel: Kernel,
}

/// `v` as limbs, low to high, `v = l0 + l1·2^42 + l2·2^84`: with `three`, `l0`
/// and `l1` in `0..2^42` and `l2` signed (the exact values stay below 2^126 in
/// magnitude); else `l0` in `0..2^42`, `l1` signed and `l2 = 0`, for `v` below
/// 2^83 in magnitude (so `|l1| < 2^41`).
fn limbs_of(v: i128, three: bool) -> [i64; 3] {
    let mask = (1i128 << LIMB_BITS) - 1;
    if three {
        [
            (v & mask) as i64,
            ((v >> LIMB_BITS) & mask) as i64,
            (v >> (2 * LIMB_BITS)) as i64,
        ]
    } else {
        [(v & mask) as i64, (v >> LIMB_BITS) as i64, 0]
    }
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
    /// In the order of [`BlockScan`]'s limbs (the last two 0 for a width of 4).
    pub limbs: [[i64; BLOCK]; 6],
}

impl BlockScan {
    /// The scan of `points` (row-major, 2 values each) with exact values
    /// `values` (one per point), or `None` when the CPU has no vector kernel for
    /// it (the caller queries one by one) or there are more than [`MAX_POINTS`].
    pub fn new(points: &[f64], values: &[[i128; 2]], kernel: Kernel) -> Option<Self> {
        if kernel == Kernel::Scalar || values.len() > MAX_POINTS {
            return None;
        }
        // By y (the order of equal ys changes no sum: they are exact).
        let mut order: Vec<usize> = (0..values.len()).collect();
        order.sort_unstable_by(|&a, &b| points[2 * a + 1].total_cmp(&points[2 * b + 1]));
        let short = |v: i128| v.unsigned_abs() < 1 << (2 * LIMB_BITS - 1);
        let three = !values.iter().all(|v| short(v[0]) && short(v[1]));
        let limbs = order
            .iter()
            .map(|&i| {
                let [x0, x1, x2] = limbs_of(values[i][0], three);
                let [y0, y1, y2] = limbs_of(values[i][1], three);
                [x0, x1, y0, y1, x2, y2]
            })
            .collect();
        let width = if three { 6 } else { 4 };
        Some(Self {
            width,
            xs: order.iter().map(|&i| points[2 * i]).collect(),
            ys: order.iter().map(|&i| points[2 * i + 1]).collect(),
            limbs,
            kernel,
        })
    }

    /// Calls `total(k, count, sum)` with the count and exact sum of the points
    /// within `radius2` of each query `k` (at most [`BLOCK`]).
    pub fn ball_totals(
        &self,
        queries: &[[f64; 2]],
        radius2: f64,
        mut total: impl FnMut(usize, usize, [i128; 2]),
    ) {
        debug_assert!(!queries.is_empty() && queries.len() <= BLOCK);
        // Lanes past the queries test against NaN: never inside.
        let mut qx = [f64::NAN; BLOCK];
        let mut qy = [f64::NAN; BLOCK];
        for (k, q) in queries.iter().enumerate() {
            (qx[k], qy[k]) = (q[0], q[1]);
        }
        let (lowest, highest) = queries
            .iter()
            .fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), q| {
                (lo.min(q[1]), hi.max(q[1]))
            });
        let reach = reach(radius2, lowest.abs().max(highest.abs()));
        let (below, above) = (
            beyond(lowest, reach, -1.0, radius2),
            beyond(highest, reach, 1.0, radius2),
        );
        let from = self.ys.partition_point(|&y| y < below);
        let to = self.ys.partition_point(|&y| y <= above);
        let window = from..to.max(from);
        let (xs, ys, limbs) = (
            &self.xs[window.clone()],
            &self.ys[window.clone()],
            &self.limbs[window],
        );
        let mut lanes = Lanes::default();
        match self.kernel {
            // SAFETY: `Kernel::detect` chose these kernels only if the CPU has the features.
            #[cfg(target_arch = "x86_64")]
            Kernel::Avx512 => unsafe {
                match self.width {
                    4 => avx512::block::<4>(xs, ys, limbs, &qx, &qy, radius2, &mut lanes),
                    _ => avx512::block::<6>(xs, ys, limbs, &qx, &qy, radius2, &mut lanes),
                }
            },
            #[cfg(target_arch = "x86_64")]
            Kernel::Avx2 => unsafe {
                match self.width {
                    4 => avx2::block::<4>(xs, ys, limbs, &qx, &qy, radius2, &mut lanes),
                    _ => avx2::block::<6>(xs, ys, limbs, &qx, &qy, radius2, &mut lanes),
                }
            },
            // `new` makes no scan for the scalar kernel.
            Kernel::Scalar => unreachable!("no block scan without vector instructions"),
        }
        for k in 0..queries.len() {
            let limb = |j: usize| lanes.limbs[j][k];
            let sum = [
                joined([limb(0), limb(1), limb(4)]),
                joined([limb(2), limb(3), limb(5)]),
            ];
            total(k, lanes.count[k] as usize, sum);
        }
    }
}

/// A distance in y beyond which a point fails the test even at the query's x:
/// the radius, widened for the rounding of the radius's square root and of
/// coordinates up to `magnitude` (checked exactly by [`beyond`]).
fn reach(radius2: f64, magnitude: f64) -> f64 {
    let reach = radius2.sqrt();
    reach + reach * 2f64.powi(-20) + magnitude * (4.0 * f64::EPSILON) + f64::MIN_POSITIVE
}

/// A y on the side `direction` (-1 below, +1 above) of `qy`, `reach` or more
/// away, where `fl(fl(y - qy)²) > radius2`: every y farther out fails the test
/// for this query and for every query on the other side of it (`|fl(y - q)|`
/// only grows as they part, and `d² = fl(fl(dx²) + fl(dy²)) >= fl(dy²)`).
fn beyond(qy: f64, reach: f64, direction: f64, radius2: f64) -> f64 {
    let mut pad = 0.0;
    loop {
        let y = qy + direction * (reach + pad);
        let dy = y - qy;
        if dy * dy > radius2 {
            return y;
        }
        pad = if pad == 0.0 {
            reach * 2f64.powi(-20) + f64::MIN_POSITIVE
        } else {
            pad * 2.0
        };
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
            -(1i128 << 82) - 5,
            (1i128 << 83) - 1,
            -(1i128 << 83) + 1,
            -987_654_321,
        ];
        for &v in &values {
            assert_eq!(joined(limbs_of(v, true)), v, "{v}");
        }
        let short: Vec<i128> = values
            .iter()
            .copied()
            .filter(|v| v.unsigned_abs() < 1 << 83)
            .collect();
        for &v in &short {
            assert_eq!(joined(limbs_of(v, false)), v, "{v}");
            assert_eq!(limbs_of(v, false)[2], 0);
        }
        let mut two = [0i64; 3];
        for &v in &short {
            for (s, l) in two.iter_mut().zip(limbs_of(v, false)) {
                *s += l;
            }
        }
        assert_eq!(joined(two), short.iter().sum::<i128>());
        let mut sums = [0i64; 3];
        for &v in &values[..8] {
            for (s, l) in sums.iter_mut().zip(limbs_of(v, true)) {
                *s += l;
            }
        }
        assert_eq!(joined(sums), values[..8].iter().sum::<i128>());
    }
}
