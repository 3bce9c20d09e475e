//! The strip test in plain code, for any CPU.

use super::found::{Found, Strip, FOUND_ROWS, STEP};

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
            found.flush(values, strip.weights);
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
