//! Every structure against a straightforward scan.

mod ball_sums;
mod neighbors;

/// The reference squared euclidean distance, summed in feature order from 0,
/// as every structure (and kiddo) computes it.
pub(super) fn squared_distance(a: &[f64], b: &[f64]) -> f64 {
    a.iter()
        .zip(b)
        .fold(0.0, |acc, (x, y)| acc + (x - y) * (x - y))
}
