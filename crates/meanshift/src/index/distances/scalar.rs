//! Squared distances in plain code, for any CPU.

use super::{Lanes, LANES};

/// [`super::Kernel::squared_distances`]: every lane's sum in feature order.
/// Four blocks at a time, so that 32 independent sums overlap their additions
/// (one point's sum waits on each of its additions in turn).
#[inline(always)]
pub(super) fn squared_distances(blocks: &[Lanes], query: &[f64], out: &mut [f64]) {
    let dim = query.len();
    let mut quads = blocks.chunks_exact(4 * dim);
    let mut outs = out.chunks_exact_mut(4 * LANES);
    for (quad, out) in (&mut quads).zip(&mut outs) {
        let mut acc = [[0.0; LANES]; 4];
        for (j, q) in query.iter().enumerate() {
            for (k, acc) in acc.iter_mut().enumerate() {
                let values = &quad[k * dim + j];
                for l in 0..LANES {
                    let d = values[l] - q;
                    acc[l] += d * d;
                }
            }
        }
        for (o, a) in out.chunks_exact_mut(LANES).zip(&acc) {
            o.copy_from_slice(a);
        }
    }
    for (block, out) in quads
        .remainder()
        .chunks_exact(dim)
        .zip(outs.into_remainder().chunks_exact_mut(LANES))
    {
        let mut acc = [0.0; LANES];
        for (values, q) in block.iter().zip(query) {
            for l in 0..LANES {
                let d = values[l] - q;
                acc[l] += d * d;
            }
        }
        out.copy_from_slice(&acc);
    }
}

/// [`super::Kernel::sum_marked`]: each marked row added to `sum` element by
/// element, rows in increasing order (the vector width changes no bit: each
/// element's sum is the same chain of additions).
#[inline(always)]
pub(super) fn sum_marked(found: &mut [u64], rows: &[f64], sum: &mut [f64]) {
    let dim = sum.len();
    for (w, word) in found.iter_mut().enumerate() {
        let mut bits = std::mem::take(word);
        while bits != 0 {
            let t = w * 64 + bits.trailing_zeros() as usize;
            bits &= bits - 1;
            for (s, v) in sum.iter_mut().zip(&rows[t * dim..(t + 1) * dim]) {
                *s += v;
            }
        }
    }
}

/// [`super::Kernel::bound_distance`]: [`CHAINS`] independent chains (feature
/// `j` in chain `j % CHAINS`, so that the additions overlap instead of waiting
/// on each other), then the chains added in turn; the order is fixed, so every
/// kernel has its bits.
#[inline(always)]
pub(super) fn bound_distance(a: &[f64], b: &[f64]) -> f64 {
    const CHAINS: usize = 32;
    let mut acc = [0.0; CHAINS];
    let mut pairs = a.chunks_exact(CHAINS).zip(b.chunks_exact(CHAINS));
    for (x, y) in &mut pairs {
        for l in 0..CHAINS {
            let d = x[l] - y[l];
            acc[l] += d * d;
        }
    }
    let tail = a.len() - a.len() % CHAINS;
    for (l, (x, y)) in a[tail..].iter().zip(&b[tail..]).enumerate() {
        acc[l] += (x - y) * (x - y);
    }
    acc.iter().fold(0.0, |s, v| s + v).sqrt()
}
