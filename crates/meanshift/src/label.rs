//! Labelling: the nearest cluster centre of each point (`fit`'s labels and
//! `predict`).

use crate::alloc::vec_with_capacity;
use crate::error::Result;
use crate::index::for_neighbors;
use rayon::prelude::*;

/// The index of the nearest centre of each point (lowest index on ties); with
/// `orphan_radius`, points farther than it from every centre get `-1`.
pub(crate) fn assign_labels(
    points: &[f64],
    centers: &[f64],
    dim: usize,
    orphan_radius: Option<f64>,
) -> Result<Vec<i32>> {
    let index = for_neighbors(centers, dim)?;
    let mut labels = vec_with_capacity(points.len() / dim, "labels")?;
    labels.par_extend(points.par_chunks_exact(dim).map(|p| {
        let (nearest, d2) = index.nearest(p);
        match orphan_radius {
            Some(r) if d2.sqrt() > r => -1,
            _ => nearest as i32,
        }
    }));
    Ok(labels)
}
