//! The 2-D climbing query when many seeds climb: horizontal bands of points
//! sorted by x, with exact prefix sums.
//!
//! The ball meets a band in an x-interval. The band's bucket directory finds
//! the points that can be in the ball at all without a search; those near
//! either end of the interval are tested one by one, and the run between them,
//! which the test proves wholly inside, is counted and summed from prefix sums
//! in O(1). A query visits about `2 * BANDS_PER_RADIUS + 3` bands and tests the
//! points near the circle, with no data-dependent tree walk. When a query
//! reaches few points in y, no bands are built: the rounds' queries go in
//! blocks against every point in reach ([`crate::index::blocks`]).
//!
//! Exactness, as in [`crate::index::sumtree`]: a point is in the ball when
//! `fl(fl(dx²) + fl(dy²)) <= r²`, scikit-learn's test; every shortcut is
//! decided with the same rounded operations on the band's extreme
//! coordinates, which bound every point's by monotonicity of rounding. Sums are
//! fixed-point integers ([`FixedScale`]), so they are exact: a query's answer is
//! a function of the neighbour set alone, whatever the decomposition.

use crate::alloc::vec_with_capacity;
use crate::error::Result;
use crate::index::blocks::{BlockScan, BLOCK};
use crate::index::exact::FixedScale;
use crate::index::strip::{self, Found, Kernel, Strip};
use rayon::prelude::*;

/// Bands per bandwidth: thinner bands mean fewer points tested one by one and
/// more bands visited (8 is the fastest on the tutorial's blobs).
const BANDS_PER_RADIUS: f64 = 6.0;
/// Fewest points to a band, on average, worth a band of its own (see [`band_height`]).
const POINTS_PER_BAND: usize = 32;
/// x-buckets per band height: finer buckets mean fewer points tested beyond
/// the ball's reach and a larger directory.
const BUCKETS_PER_BAND: f64 = 16.0;
/// Up to about this many points in a query's reach in y (see [`BandPlan::window`]),
/// a round's queries test every point there, a block at a time ([`BlockScan`]),
/// rather than walk the bands (without sample weights). The scan's cost grows with
/// those points, the walk's with the points near the circle. On the tutorial's blobs
/// (bandwidth of quantile 0.2) the blocks are 1.7× faster at 100 to 2,000 points,
/// 1.3× at 4,000 (a window of 730), 1.2× at 5,000 (905), even at 7,000 (1,270); with
/// a tiny bandwidth the walk's balls are nearly empty and the crossover is lower:
/// 100,000 points at bandwidth 0.022 (window 710) 7 % faster, 300,000 at 0.007 (680)
/// even, 100,000 at 0.031 (1,000) 10 % slower (`examples/small_fits.rs`,
/// `examples/fixed_bandwidth.rs`). 700 keeps every measured case at least even.
const BLOCK_SCAN_WINDOW: f64 = 700.0;
/// Coordinates must stay below this so that squared distances cannot overflow.
const MAX_COORDINATE: f64 = 1e150;

/// Count and exact coordinate sum of the points within a ball; with sample
/// weights, the sum is of `w·x` and `weight` the exact `Σ w`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct BallTotal {
    pub count: usize,
    pub sum: [i128; 2],
    pub weight: i128,
}

impl BallTotal {
    #[inline(always)]
    fn plus(self, count: usize, sum: [i128; 2], weight: i128) -> Self {
        Self {
            count: self.count + count,
            sum: [self.sum[0] + sum[0], self.sum[1] + sum[1]],
            weight: self.weight + weight,
        }
    }
}

/// One band: its y extent, and its x-buckets. The band is cut into buckets of
/// x from its smallest x, `x0`; `bucket_start[base + k]` is the first point of
/// the band in bucket `k` or later (`k` up to `last + 1`), so the points of an
/// x-interval are found without a search.
#[derive(Debug, Clone, Copy)]
struct Band {
    /// Smallest and largest y (+inf and -inf when empty).
    lo: f64,
    hi: f64,
    x0: f64,
    inv_bucket: f64,
    last: f64,
    base: usize,
}

impl Band {
    /// The index into `bucket_start` of the bucket of `x`: non-decreasing in
    /// `x`, the same function at build and query time.
    #[inline(always)]
    fn bucket(&self, x: f64) -> usize {
        // In 0..=last, so the conversion through i64 is exact (and cheaper than to usize).
        self.base
            + at_most(at_least((x - self.x0) * self.inv_bucket, 0.0), self.last) as i64 as usize
    }
}

/// The band index over 2-D points; see the module documentation.
pub struct BandIndex {
    origin: f64,
    inv_height: f64,
    bands: Vec<Band>,
    /// Each band's bucket directory in turn: see [`Band`].
    bucket_start: Vec<u32>,
    xs: Vec<f64>,
    ys: Vec<f64>,
    /// `prefix[i]` is the exact sum of the first `i` sorted points.
    prefix: Vec<[i128; 2]>,
    /// Each sorted point's exact value (`prefix[i + 1] - prefix[i]`, stored: half
    /// the loads for the points found one by one).
    values: Vec<[i128; 2]>,
    /// The units of `values` and the sums (of `w·x` with weights).
    scales: [FixedScale; 2],
    /// With sample weights: each sorted point's exact weight, their prefix
    /// sums and their unit; empty (`None`) without.
    weights: Vec<i128>,
    weight_prefix: Vec<i128>,
    weight_scale: Option<FixedScale>,
    kernel: Kernel,
    /// For few points in a query's reach: each point in reach tested, a block
    /// of queries at a time (then there are no bands).
    blocks: Option<BlockScan>,
}

/// A band index's layout for some points and bandwidth, made only when exact
/// sums and exact band placement are possible: the checks
/// [`super::select()`] relies on to choose the band index.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct BandPlan {
    /// The coordinates' units.
    scales: [FixedScale; 2],
    /// The weights' unit, with sample weights.
    weight_scale: Option<FixedScale>,
    /// The smallest y: the bottom of band 0.
    origin: f64,
    height: f64,
    n_bands: usize,
    /// The points a query reaches in y if they were spread evenly in y:
    /// `n · min(1, 2 · bandwidth / y extent)`.
    window: f64,
}

impl BandPlan {
    /// The layout for `points` (row-major, 2 values each) and queries of
    /// radius about `bandwidth`; `None` when the data does not suit a band
    /// index: coordinates too large or spanning too many orders of magnitude
    /// for exact sums, or a bandwidth so small against the data's spread or
    /// magnitude that bands would be too many or too thin to place a query
    /// exactly. With `weights` (one per point), the exact sums are of the
    /// products `w·x`, which needs the bits of both.
    pub fn new(points: &[f64], bandwidth: f64, weights: Option<&[f64]>) -> Option<Self> {
        let n = points.len() / 2;
        if n == 0 || n >= u32::MAX as usize || !(bandwidth.is_finite() && bandwidth > 0.0) {
            return None;
        }
        let column = |j: usize| points.iter().skip(j).step_by(2).copied();
        let (scales, weight_scale) = match weights {
            None => (
                [
                    FixedScale::for_values(column(0), n)?,
                    FixedScale::for_values(column(1), n)?,
                ],
                None,
            ),
            Some(w) => {
                let (x, _) = FixedScale::for_products(column(0), w.iter().copied(), n)?;
                let (y, _) = FixedScale::for_products(column(1), w.iter().copied(), n)?;
                // The products are in units of (x's unit) × (the weights' unit).
                let unit = FixedScale::for_values(w.iter().copied(), n)?;
                ([x, y], Some(unit))
            }
        };
        let magnitude = points.iter().fold(0.0f64, |m, v| m.max(v.abs()));
        let (y_min, y_max) = column(1).fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), y| {
            (lo.min(y), hi.max(y))
        });
        let height = bandwidth / BANDS_PER_RADIUS;
        let bands = ((y_max - y_min) / height).floor() + 1.0;
        // Band numbers are computed with rounding errors far below one band when
        // the band height is not below 2^-30 of the coordinates' magnitude.
        let placeable = magnitude < MAX_COORDINATE
            && bandwidth < MAX_COORDINATE
            && height >= magnitude * 2f64.powi(-30)
            && bands <= (4 * n + 16) as f64;
        // Whether there are bands is decided at the thinnest height (the choice
        // of structure, and so the bits, must not depend on the layout); few
        // points then get fewer, taller bands.
        let height = band_height(bandwidth, y_max - y_min, n);
        let bands = ((y_max - y_min) / height).floor() + 1.0;
        placeable.then_some(Self {
            scales,
            weight_scale,
            origin: y_min,
            height,
            n_bands: bands as usize,
            window: n as f64 * (2.0 * bandwidth / (y_max - y_min)).min(1.0),
        })
    }
}

/// Most queries [`BandIndex::ball_totals`] answers in one call.
pub(crate) const QUERY_BLOCK: usize = BLOCK;

/// The bands' height: [`BANDS_PER_RADIUS`] to a bandwidth, but taller when that
/// would leave fewer than [`POINTS_PER_BAND`] points to a band on average (few
/// points: a query then visits fewer, fuller bands, in the limit a scan of the
/// points near its x). The sums are exact, so the height changes the work,
/// never a result.
fn band_height(bandwidth: f64, y_span: f64, n: usize) -> f64 {
    let thinnest = bandwidth / BANDS_PER_RADIUS;
    let full = y_span / (n / POINTS_PER_BAND).max(1) as f64;
    if full > thinnest {
        full
    } else {
        thinnest
    }
}

impl BandIndex {
    /// Builds the index over `points` (row-major, 2 values each), laid out by
    /// `plan` (made for these points).
    pub fn new(points: &[f64], plan: BandPlan, weights: Option<&[f64]>) -> Result<Self> {
        Self::with_kernel(points, plan, weights, Kernel::detect())
    }

    /// The index with the plan for `bandwidth`, which must be possible.
    #[cfg(test)]
    pub(crate) fn planned(points: &[f64], bandwidth: f64) -> Self {
        Self::new(
            points,
            BandPlan::new(points, bandwidth, None).unwrap(),
            None,
        )
        .unwrap()
    }

    /// [`Self::new`] testing points near the circle with `kernel` (which the
    /// CPU must support). `weights` must be those the plan was made for.
    pub(crate) fn with_kernel(
        points: &[f64],
        plan: BandPlan,
        weights: Option<&[f64]>,
        kernel: Kernel,
    ) -> Result<Self> {
        if weights.is_none() && plan.window <= BLOCK_SCAN_WINDOW {
            if let Some(index) = Self::blocks_only(points, &plan, kernel) {
                return Ok(index);
            }
        }
        Self::banded(points, plan, weights, kernel)
    }

    /// The index with bands, whatever the number of points.
    fn banded(
        points: &[f64],
        plan: BandPlan,
        weights: Option<&[f64]>,
        kernel: Kernel,
    ) -> Result<Self> {
        let n = points.len() / 2;
        let BandPlan {
            scales: [scale_x, scale_y],
            weight_scale,
            origin: y_min,
            height,
            n_bands,
            window: _,
        } = plan;
        let inv_height = 1.0 / height;
        let band_of = |y: f64| (((y - y_min) * inv_height) as usize).min(n_bands - 1);

        // Sort by (band, x, original row): a total order, so the layout depends on
        // the data alone.
        let mut order: Vec<u128> = vec_with_capacity(n, "X")?;
        order.par_extend(
            points
                .par_chunks_exact(2)
                .enumerate()
                .map(|(i, p)| sort_key(band_of(p[1]) as u32, p[0], i as u32)),
        );
        order.par_sort_unstable();
        let row = |key: u128| key as u32 as usize;
        let x_of = |key: u128| points[2 * row(key)];
        let y_of = |key: u128| points[2 * row(key) + 1];

        let mut band_start = vec_with_capacity(n_bands + 1, "X")?;
        let mut band_lo = vec_with_capacity(n_bands, "X")?;
        let mut band_hi = vec_with_capacity(n_bands, "X")?;
        band_start.resize(n_bands + 1, 0u32);
        band_lo.resize(n_bands, f64::INFINITY);
        band_hi.resize(n_bands, f64::NEG_INFINITY);
        let mut xs = vec_with_capacity(n, "X")?;
        let mut ys = vec_with_capacity(n, "X")?;
        let mut values = vec_with_capacity(n, "X")?;
        xs.par_extend(order.par_iter().map(|&k| x_of(k)));
        ys.par_extend(order.par_iter().map(|&k| y_of(k)));
        let mut exact_weights: Vec<i128> = Vec::new();
        let mut weight_prefix: Vec<i128> = Vec::new();
        match (weights, weight_scale) {
            (Some(w), Some(unit)) => {
                exact_weights = vec_with_capacity(n, "sample_weight")?;
                exact_weights.par_extend(order.par_iter().map(|&k| unit.to_fixed(w[row(k)])));
                values.par_extend(
                    xs.par_iter()
                        .zip(&ys)
                        .zip(&exact_weights)
                        .map(|((&x, &y), &w)| [w * scale_x.to_fixed(x), w * scale_y.to_fixed(y)]),
                );
                weight_prefix = vec_with_capacity(n + 1, "sample_weight")?;
                let mut running = 0i128;
                weight_prefix.push(running);
                for w in &exact_weights {
                    running += w;
                    weight_prefix.push(running);
                }
            }
            _ => values.par_extend(
                xs.par_iter()
                    .zip(&ys)
                    .map(|(&x, &y)| [scale_x.to_fixed(x), scale_y.to_fixed(y)]),
            ),
        }
        // With weights the sums are of products, in the product of the units.
        let scales = match weight_scale {
            Some(unit) if weights.is_some() => [scale_x.times(unit), scale_y.times(unit)],
            _ => [scale_x, scale_y],
        };
        for (&k, &y) in order.iter().zip(&ys) {
            let b = (k >> 96) as usize;
            band_start[b + 1] += 1;
            band_lo[b] = band_lo[b].min(y);
            band_hi[b] = band_hi[b].max(y);
        }
        let mut prefix = vec_with_capacity(n + 1, "X")?;
        let mut running = [0i128; 2];
        prefix.push(running);
        for value in &values {
            running[0] += value[0];
            running[1] += value[1];
            prefix.push(running);
        }
        for b in 0..n_bands {
            band_start[b + 1] += band_start[b];
        }

        // Buckets of a band height / BUCKETS_PER_BAND, but never more buckets
        // than points in a band: the directory stays within n + 2 * n_bands entries.
        let inv_bucket = inv_height * BUCKETS_PER_BAND;
        let mut bands = vec_with_capacity(n_bands, "X")?;
        let mut bucket_start = vec_with_capacity(n + 2 * n_bands, "X")?;
        for b in 0..n_bands {
            let (start, end) = (band_start[b] as usize, band_start[b + 1] as usize);
            let (x0, extent) = if start == end {
                (0.0, 0.0)
            } else {
                (xs[start], xs[end - 1] - xs[start])
            };
            let wanted = (extent * inv_bucket).floor() + 1.0;
            let most = (end - start + 1) as f64;
            let (buckets, inv_bucket) = if wanted <= most {
                (wanted, inv_bucket)
            } else {
                (most, most / extent)
            };
            let band = Band {
                lo: band_lo[b],
                hi: band_hi[b],
                x0,
                inv_bucket,
                last: buckets - 1.0,
                base: bucket_start.len(),
            };
            // Entry k: the first point in bucket k or later.
            for (i, &x) in xs.iter().enumerate().take(end).skip(start) {
                while bucket_start.len() <= band.bucket(x) {
                    bucket_start.push(i as u32);
                }
            }
            while bucket_start.len() <= band.base + buckets as usize {
                bucket_start.push(end as u32);
            }
            bands.push(band);
        }

        Ok(Self {
            blocks: None,
            origin: y_min,
            inv_height,
            bands,
            bucket_start,
            xs,
            ys,
            prefix,
            values,
            scales,
            weights: exact_weights,
            weight_prefix,
            weight_scale: weight_scale.filter(|_| weights.is_some()),
            kernel,
        })
    }

    /// An index of few points that only block-scans them (no bands); `None`
    /// when the CPU has no block kernel.
    fn blocks_only(points: &[f64], plan: &BandPlan, kernel: Kernel) -> Option<Self> {
        let [scale_x, scale_y] = plan.scales;
        let values: Vec<[i128; 2]> = points
            .chunks_exact(2)
            .map(|p| [scale_x.to_fixed(p[0]), scale_y.to_fixed(p[1])])
            .collect();
        let blocks = BlockScan::new(points, &values, kernel)?;
        Some(Self {
            origin: plan.origin,
            inv_height: 1.0 / plan.height,
            bands: Vec::new(),
            bucket_start: Vec::new(),
            xs: Vec::new(),
            ys: Vec::new(),
            prefix: Vec::new(),
            values: Vec::new(),
            scales: plan.scales,
            weights: Vec::new(),
            weight_prefix: Vec::new(),
            weight_scale: None,
            kernel,
            blocks: Some(blocks),
        })
    }

    /// The count and exact sum of the points `p` with
    /// `fl(fl((p.x - q.x)²) + fl((p.y - q.y)²)) <= radius2` (one query: the
    /// tests' form of [`Self::ball_totals`]).
    #[cfg(test)]
    pub fn ball_total(&self, q: [f64; 2], radius2: f64) -> BallTotal {
        let mut total = [BallTotal::default()];
        match self.blocks {
            Some(_) => self.ball_totals(&[q], radius2, &mut total),
            None => total[0] = self.walk(q, radius2),
        }
        total[0]
    }

    /// [`Self::ball_total`] by walking the bands.
    fn walk(&self, q: [f64; 2], radius2: f64) -> BallTotal {
        let mut found = Found::default();
        let runs = match self.kernel {
            Kernel::Scalar => self.runs_and_strips(q, radius2, &mut found, |s, from, to, found| {
                strip::scalar(s, &self.values, from, to, found)
            }),
            // SAFETY: `Kernel::detect` chose these kernels only if the CPU has the features.
            #[cfg(target_arch = "x86_64")]
            Kernel::Avx2 => unsafe { self.runs_avx2(q, radius2, &mut found) },
            #[cfg(target_arch = "x86_64")]
            Kernel::Avx512 => unsafe { self.runs_avx512(q, radius2, &mut found) },
        };
        found.flush(&self.values, &self.weights);
        runs.plus(found.total, found.sum, found.weight)
    }

    /// [`Self::ball_total`] of each of `queries` (at most [`QUERY_BLOCK`]), in
    /// `out[..queries.len()]`: a block scan for few points, else one by one.
    pub fn ball_totals(&self, queries: &[[f64; 2]], radius2: f64, out: &mut [BallTotal]) {
        match &self.blocks {
            Some(blocks) => blocks.ball_totals(queries, radius2, |k, count, sum| {
                out[k] = BallTotal {
                    count,
                    sum,
                    weight: 0,
                }
            }),
            None => {
                for (q, total) in queries.iter().zip(out) {
                    *total = self.walk(*q, radius2);
                }
            }
        }
    }

    /// [`Self::runs_and_strips`] with the AVX2 strip kernel, compiled for AVX2.
    #[cfg(target_arch = "x86_64")]
    #[target_feature(enable = "avx2")]
    unsafe fn runs_avx2(&self, q: [f64; 2], radius2: f64, found: &mut Found) -> BallTotal {
        self.runs_and_strips(q, radius2, found, |s, from, to, found| {
            // SAFETY: the caller checked the CPU.
            unsafe { strip::avx2(s, &self.values, from, to, found) }
        })
    }

    /// [`Self::runs_and_strips`] with the AVX-512 strip kernel, compiled for AVX-512.
    #[cfg(target_arch = "x86_64")]
    #[target_feature(enable = "avx512f,avx512vl")]
    unsafe fn runs_avx512(&self, q: [f64; 2], radius2: f64, found: &mut Found) -> BallTotal {
        self.runs_and_strips(q, radius2, found, |s, from, to, found| {
            // SAFETY: the caller checked the CPU.
            unsafe { strip::avx512(s, &self.values, from, to, found) }
        })
    }

    /// The count and exact sum of the runs proved inside the ball, while
    /// `test_strip` adds the points near its circle to `found`.
    #[inline(always)]
    fn runs_and_strips(
        &self,
        q: [f64; 2],
        radius2: f64,
        found: &mut Found,
        test_strip: impl Fn(&Strip, usize, usize, &mut Found),
    ) -> BallTotal {
        let [qx, qy] = q;
        let mut count = 0usize;
        let mut sum = [0i128; 2];
        let mut weight = 0i128;
        let weighted = !self.weight_prefix.is_empty();
        let strip = Strip {
            xs: &self.xs,
            ys: &self.ys,
            qx,
            qy,
            radius2,
            weights: &self.weights,
        };
        let last = self.bands.len() - 1;
        let radius = radius2.sqrt();
        // One band of slack on each side covers the rounding of band numbers.
        let first_band = ((qy - radius - self.origin) * self.inv_height).floor() - 1.0;
        let last_band = ((qy + radius - self.origin) * self.inv_height).floor() + 1.0;
        if !(last_band >= 0.0 && first_band <= last as f64) {
            return BallTotal { count, sum, weight };
        }
        let first_band = first_band.max(0.0) as usize;
        let last_band = (last_band as usize).min(last);
        // Margin for the rounding of qx ± a width (checked below).
        let q_pad = qx.abs() * (4.0 * f64::EPSILON) + f64::MIN_POSITIVE;
        for band in &self.bands[first_band..=last_band] {
            let below = band.lo - qy;
            let above = band.hi - qy;
            let (below2, above2) = (below * below, above * above);
            // Bounds on fl(dy²) over the band (an empty band has below = +inf: skipped).
            let near = if below > 0.0 {
                below2
            } else if above < 0.0 {
                above2
            } else {
                0.0
            };
            if near > radius2 {
                continue;
            }
            let far = at_least(below2, above2);
            // Points left of x_left or right of x_right fail the test even at the
            // band's nearest y: only the buckets between are looked at.
            let reach = (radius2 - near).sqrt();
            let reach = reach + reach * 2f64.powi(-20) + q_pad;
            let (mut x_left, mut x_right) = (qx - reach, qx + reach);
            if !(fails_at(x_left, qx, near, radius2) && fails_at(x_right, qx, near, radius2)) {
                x_left = beyond(qx, reach, -1.0, near, radius2);
                x_right = beyond(qx, reach, 1.0, near, radius2);
            }
            let from = self.bucket_start[band.bucket(x_left)] as usize;
            let to = self.bucket_start[band.bucket(x_right) + 1] as usize;
            // Points strictly between the buckets of x_in_left and x_in_right pass
            // the test even at the band's farthest y: a run taken from the prefix
            // sums. The rest of from..to is tested point by point.
            if far <= radius2 {
                let inner = (radius2 - far).sqrt();
                let inner = at_least(inner - inner * 2f64.powi(-20) - q_pad, 0.0);
                let (mut x_in_left, mut x_in_right) = (qx - inner, qx + inner);
                if !(passes_at(x_in_left, qx, far, radius2)
                    && passes_at(x_in_right, qx, far, radius2))
                {
                    x_in_left = within(qx, inner, -1.0, far, radius2);
                    x_in_right = within(qx, inner, 1.0, far, radius2);
                }
                let start = self.bucket_start[band.bucket(x_in_left) + 1] as usize;
                let end = self.bucket_start[band.bucket(x_in_right)] as usize;
                if start < end {
                    test_strip(&strip, from, start, found);
                    test_strip(&strip, end, to, found);
                    count += end - start;
                    let (hi, lo) = (&self.prefix[end], &self.prefix[start]);
                    sum[0] += hi[0] - lo[0];
                    sum[1] += hi[1] - lo[1];
                    if weighted {
                        weight += self.weight_prefix[end] - self.weight_prefix[start];
                    }
                    continue;
                }
            }
            test_strip(&strip, from, to, found);
        }
        BallTotal { count, sum, weight }
    }

    /// The mean of a ball's points as `f64` (the exact sum rounded once, then
    /// divided by the count, or by the exact total weight rounded once), or
    /// `None` for an empty ball (or one whose points all weigh 0).
    pub fn mean(&self, total: &BallTotal) -> Option<[f64; 2]> {
        let n = self.intensity(total);
        if n == 0.0 {
            return None;
        }
        Some([
            self.scales[0].to_f64(total.sum[0]) / n,
            self.scales[1].to_f64(total.sum[1]) / n,
        ])
    }

    /// The ball's count, or its total weight with sample weights.
    pub fn intensity(&self, total: &BallTotal) -> f64 {
        match self.weight_scale {
            Some(unit) => unit.to_f64(total.weight),
            None => total.count as f64,
        }
    }
}

/// A key whose order is (band, x, row), x by `f64::total_cmp`: a total order,
/// so the layout depends on the data alone, and one integer to compare.
fn sort_key(band: u32, x: f64, row: u32) -> u128 {
    let bits = x.to_bits();
    // Negative numbers in reverse, below the positive ones.
    let ordered = if bits >> 63 == 1 {
        !bits
    } else {
        bits | (1 << 63)
    };
    (u128::from(band) << 96) | (u128::from(ordered) << 32) | u128::from(row)
}

/// `max(a, b)` for numbers that are not NaN, in one instruction (`f64::max`
/// spends more on NaN handling).
#[inline(always)]
fn at_least(a: f64, b: f64) -> f64 {
    if a > b {
        a
    } else {
        b
    }
}

/// `min(a, b)` for numbers that are not NaN.
#[inline(always)]
fn at_most(a: f64, b: f64) -> f64 {
    if a < b {
        a
    } else {
        b
    }
}

/// Whether a point at `x`, at the band's nearest y, fails the test.
#[inline(always)]
fn fails_at(x: f64, qx: f64, near: f64, radius2: f64) -> bool {
    let dx = x - qx;
    dx * dx + near > radius2
}

/// Whether a point at `x`, at the band's farthest y, passes the test.
#[inline(always)]
fn passes_at(x: f64, qx: f64, far: f64, radius2: f64) -> bool {
    let dx = x - qx;
    dx * dx + far <= radius2
}

/// An x on the side `direction` (-1 left, +1 right) of `q`, at least `reach`
/// away, where a point at the band's nearest y fails the test; every x farther
/// out fails too (|fl(x - q)| only grows). For when `q ± reach` does not.
#[cold]
fn beyond(q: f64, reach: f64, direction: f64, near: f64, radius2: f64) -> f64 {
    let mut pad = reach * 2f64.powi(-20) + f64::MIN_POSITIVE;
    loop {
        let x = q + direction * (reach + pad);
        if fails_at(x, q, near, radius2) {
            return x;
        }
        pad *= 2.0;
    }
}

/// An x on the side `direction` of `q`, at most `inner` away, where a point at
/// the band's farthest y passes the test (`far <= radius2`, so `x = q` does);
/// every x nearer to `q` does too. For when `q ± inner` does not.
#[cold]
fn within(q: f64, inner: f64, direction: f64, far: f64, radius2: f64) -> f64 {
    let mut pad = inner * 2f64.powi(-20) + f64::MIN_POSITIVE;
    loop {
        if pad >= inner {
            return q;
        }
        let x = q + direction * (inner - pad);
        if passes_at(x, q, far, radius2) {
            return x;
        }
        pad *= 2.0;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn brute(points: &[f64], q: [f64; 2], radius2: f64, index: &BandIndex) -> BallTotal {
        let mut count = 0;
        let mut sum = [0i128; 2];
        for p in points.chunks_exact(2) {
            let (dx, dy) = (p[0] - q[0], p[1] - q[1]);
            if dx * dx + dy * dy <= radius2 {
                count += 1;
                sum[0] += index.scales[0].to_fixed(p[0]);
                sum[1] += index.scales[1].to_fixed(p[1]);
            }
        }
        BallTotal {
            count,
            sum,
            weight: 0,
        }
    }

    fn lcg(state: &mut u64) -> f64 {
        *state = state
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (*state >> 11) as f64 / (1u64 << 53) as f64
    }

    #[test]
    fn queries_equal_brute_force_on_random_points() {
        let mut state = 7;
        let points: Vec<f64> = (0..6000).map(|_| lcg(&mut state) * 4.0 - 1.0).collect();
        for (&bandwidth, kernel) in [0.01, 0.3, 1.0, 5.0, 100.0]
            .iter()
            .flat_map(|b| Kernel::all_available().into_iter().map(move |k| (b, k)))
        {
            let plan = BandPlan::new(&points, bandwidth, None).unwrap();
            let index = BandIndex::with_kernel(&points, plan, None, kernel).unwrap();
            for k in 0..300 {
                let q = if k % 3 == 0 {
                    [points[2 * k], points[2 * k + 1]]
                } else {
                    [lcg(&mut state) * 6.0 - 2.0, lcg(&mut state) * 6.0 - 2.0]
                };
                let r2 = bandwidth * bandwidth;
                assert_eq!(
                    index.ball_total(q, r2),
                    brute(&points, q, r2, &index),
                    "{bandwidth} {q:?} {kernel:?}"
                );
            }
        }
    }

    #[test]
    fn points_exactly_on_the_circle_and_duplicates_count_as_brute_force_does() {
        // A grid with spacing 1/8 and radius 1: many points at distance exactly 1.
        let mut points = Vec::new();
        for i in -20..=20 {
            for j in -20..=20 {
                points.extend([i as f64 / 8.0, j as f64 / 8.0]);
                if (i + j) % 7 == 0 {
                    points.extend([i as f64 / 8.0, j as f64 / 8.0]);
                }
            }
        }
        for kernel in Kernel::all_available() {
            let plan = BandPlan::new(&points, 1.0, None).unwrap();
            let index = BandIndex::with_kernel(&points, plan, None, kernel).unwrap();
            for q in [
                [0.0, 0.0],
                [0.125, -0.5],
                [0.1, 0.2],
                [2.5, 2.5],
                [-3.0, 0.0],
                [0.6, 0.8],
            ] {
                assert_eq!(
                    index.ball_total(q, 1.0),
                    brute(&points, q, 1.0, &index),
                    "{q:?} {kernel:?}"
                );
            }
        }
    }

    /// `ball_totals` of `queries` in blocks of every size up to [`QUERY_BLOCK`],
    /// against brute force.
    fn check_blocks(points: &[f64], queries: &[[f64; 2]], radius2: f64, index: &BandIndex) {
        for size in [1, 3, QUERY_BLOCK - 1, QUERY_BLOCK] {
            for block in queries.chunks(size) {
                let mut out = [BallTotal::default(); QUERY_BLOCK];
                index.ball_totals(block, radius2, &mut out);
                for (q, total) in block.iter().zip(&out) {
                    assert_eq!(*total, brute(points, *q, radius2, index), "{q:?} {size}");
                }
            }
        }
    }

    #[test]
    fn block_scans_and_walks_equal_brute_force_for_every_kernel_and_size() {
        let mut state = 5;
        let mut both = [false; 2];
        // Coordinates near 1 and near 1e100 (the windows' rounding margins scale with them).
        for (n, scale) in [1, 2, 7, 8, 9, 63, 100, 1000, 3000, 500]
            .into_iter()
            .zip([1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1e100])
        {
            let points: Vec<f64> = (0..2 * n)
                .map(|_| (lcg(&mut state) * 4.0 - 1.0) * scale)
                .collect();
            let mut queries: Vec<[f64; 2]> = points.chunks_exact(2).map(|p| [p[0], p[1]]).collect();
            queries.extend((0..50).map(|_| {
                [
                    (lcg(&mut state) * 6.0 - 2.0) * scale,
                    (lcg(&mut state) * 6.0 - 2.0) * scale,
                ]
            }));
            for kernel in Kernel::all_available() {
                for bandwidth in [0.05 * scale, 0.7 * scale, 10.0 * scale] {
                    // Thin bands for a few spread points: no band index at all.
                    let Some(plan) = BandPlan::new(&points, bandwidth, None) else {
                        assert!(n < 9 || bandwidth < 0.1 * scale, "{n} {bandwidth}");
                        continue;
                    };
                    let index = BandIndex::with_kernel(&points, plan, None, kernel).unwrap();
                    let blocks = kernel != Kernel::Scalar && plan.window <= BLOCK_SCAN_WINDOW;
                    assert_eq!(index.blocks.is_some(), blocks);
                    both[usize::from(blocks)] = true;
                    check_blocks(&points, &queries, bandwidth * bandwidth, &index);
                }
            }
        }
        assert_eq!(both, [true, true], "both the walk and the blocks tested");
    }

    #[test]
    fn block_scans_count_points_on_the_circle_and_keep_every_limb() {
        // A grid with points at distance exactly 1 (and duplicates).
        let mut grid = Vec::new();
        for i in -8..=8 {
            for j in -8..=8 {
                grid.extend([i as f64 / 8.0, j as f64 / 8.0]);
            }
        }
        grid.extend([0.5, 0.5, 0.5, 0.5]);
        // The grid, a point of 2^-60 units and points 2^30 away: sums of 2^90
        // units, in all three limbs, of both signs; some exactly on a circle of 2^30.
        let mut wide = grid.clone();
        let far = 2f64.powi(30);
        wide.extend([2f64.powi(-60), -3.0 * 2f64.powi(-58)]);
        wide.extend([far, 0.0, -far, far / 2.0, 0.0, -far, far, far]);
        let queries = [
            [0.0, 0.0],
            [0.125, -0.5],
            [0.6, 0.8],
            [0.5, 0.5],
            [far, 0.0],
            [0.0, 1.0],
            [-far / 2.0, 0.0],
        ];
        for kernel in Kernel::all_available() {
            for (points, radius2) in [(&grid, 1.0), (&wide, far * far)] {
                let plan = BandPlan::new(points, radius2.sqrt(), None).unwrap();
                let index = BandIndex::with_kernel(points, plan, None, kernel).unwrap();
                check_blocks(points, &queries, radius2, &index);
            }
        }
    }

    #[test]
    fn sort_keys_order_by_band_then_x_by_total_cmp_then_row() {
        let xs = [-1e300, -2.5, -1e-310, -0.0, 0.0, 1e-310, 3.0, f64::MAX];
        let mut entries = Vec::new();
        for band in [0u32, 1, 7] {
            for &x in &xs {
                for row in [0u32, 5] {
                    entries.push((band, x, row));
                }
            }
        }
        for a in &entries {
            for b in &entries {
                let expected = a.0.cmp(&b.0).then(a.1.total_cmp(&b.1)).then(a.2.cmp(&b.2));
                assert_eq!(
                    sort_key(a.0, a.1, a.2).cmp(&sort_key(b.0, b.1, b.2)),
                    expected,
                    "{a:?} {b:?}"
                );
            }
        }
    }

    #[test]
    fn no_plan_for_unsuitable_data() {
        // Exact sums impossible.
        assert!(BandPlan::new(&[1e-30, 0.0, 1.0, 0.0], 1.0, None).is_none());
        // Bands would be thinner than the coordinates' rounding.
        assert!(BandPlan::new(&[1e6, 1e6, 1e6, 1e6 + 1.0], 1e-9, None).is_none());
        // Too many bands for the points.
        assert!(BandPlan::new(&[0.0, 0.0, 0.0, 1e6], 1e-3, None).is_none());
        assert!(BandPlan::new(&[0.0, 0.0, 1e200, 0.0], 1.0, None).is_none());
        assert!(BandPlan::new(&[0.0, 0.0], 1.0, None).is_some());
    }

    #[test]
    fn a_single_point_and_identical_points() {
        let points = [2.0, 3.0, 2.0, 3.0, 2.0, 3.0];
        let index = BandIndex::planned(&points, 0.5);
        let total = index.ball_total([2.0, 3.0], 0.25);
        assert_eq!(total.count, 3);
        assert_eq!(index.mean(&total), Some([2.0, 3.0]));
        assert_eq!(index.ball_total([2.6, 3.0], 0.25).count, 0);
        assert_eq!(index.mean(&index.ball_total([9.0, 9.0], 0.25)), None);
    }

    #[test]
    fn few_points_get_taller_bands_and_the_same_answers() {
        // Below POINTS_PER_BAND points a band, bands grow taller than a sixth of
        // the bandwidth, down to one band: answers stay brute force's.
        let mut state = 11;
        for n in [1, 5, 40, 100, 300, 1000, 2500] {
            let points: Vec<f64> = (0..2 * n).map(|_| lcg(&mut state) * 6.0 - 1.0).collect();
            for &bandwidth in &[0.05, 0.3, 0.6, 2.0, 50.0] {
                let Some(plan) = BandPlan::new(&points, bandwidth, None) else {
                    continue;
                };
                assert!(plan.height >= bandwidth / BANDS_PER_RADIUS);
                assert!(
                    plan.n_bands <= (n / POINTS_PER_BAND).max(1) + 1
                        || plan.height == bandwidth / BANDS_PER_RADIUS
                );
                for kernel in Kernel::all_available() {
                    // The walk, which serves few points with sample weights.
                    let index = BandIndex::banded(&points, plan, None, kernel).unwrap();
                    assert!(index.blocks.is_none());
                    for k in 0..100 {
                        let q = if k % 2 == 0 {
                            [points[2 * (k % n)], points[2 * (k % n) + 1]]
                        } else {
                            [lcg(&mut state) * 8.0 - 2.0, lcg(&mut state) * 8.0 - 2.0]
                        };
                        let r2 = bandwidth * bandwidth;
                        assert_eq!(
                            index.ball_total(q, r2),
                            brute(&points, q, r2, &index),
                            "{n} {bandwidth} {q:?} {kernel:?}"
                        );
                    }
                }
            }
        }
    }
}
