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
/// element's sum is the same chain of additions). [`WIDTH`] features at a
/// time, their sums held in registers over all the rows (a row at a time,
/// every sum went through memory for each row: a quarter of W4's time).
#[inline(always)]
pub(super) fn sum_marked(found: &mut [u64], rows: &[f64], sum: &mut [f64]) {
    let dim = sum.len();
    for (c, chunk) in sum.chunks_mut(WIDTH).enumerate() {
        let from = c * WIDTH;
        if let Ok(chunk) = <&mut [f64; WIDTH]>::try_from(&mut *chunk) {
            let mut acc = *chunk;
            for t in marked(found) {
                let row = &rows[t * dim + from..t * dim + from + WIDTH];
                for (a, v) in acc.iter_mut().zip(row) {
                    *a += v;
                }
            }
            *chunk = acc;
        } else {
            for t in marked(found) {
                let row = &rows[t * dim + from..t * dim + from + chunk.len()];
                for (s, v) in chunk.iter_mut().zip(row) {
                    *s += v;
                }
            }
        }
    }
    found.fill(0);
}

/// The marked rows of `found`, in increasing order.
#[inline(always)]
fn marked(found: &[u64]) -> impl Iterator<Item = usize> + '_ {
    found.iter().enumerate().flat_map(|(w, &word)| {
        let mut bits = word;
        std::iter::from_fn(move || {
            (bits != 0).then(|| {
                let t = w * 64 + bits.trailing_zeros() as usize;
                bits &= bits - 1;
                t
            })
        })
    })
}

/// Features whose sums [`sum_marked`] keeps in registers: four AVX-512
/// registers, eight AVX2 ones.
const WIDTH: usize = 32;

/// [`super::Kernel::bound_distance`]: [`CHAINS`] independent chains (feature
/// `j` in chain `j % CHAINS`, so that the additions overlap instead of waiting
/// on each other), then the chains added pairwise; the order is fixed, so every
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
    // The chains added pairwise (halves onto halves), not in turn: 32
    // dependent additions were most of a 64-feature node's test.
    let mut width = CHAINS;
    while width > 1 {
        width /= 2;
        for l in 0..width {
            acc[l] += acc[l + width];
        }
    }
    acc[0].sqrt()
}
