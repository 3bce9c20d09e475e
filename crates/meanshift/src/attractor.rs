//! `ClusterAssignment::Attractor`: each sample labelled by the mode its own
//! climb reaches, instead of by its nearest centre.
//!
//! The law: the label of a point is the first cluster centre (in
//! `cluster_centers` order, by decreasing intensity) within the bandwidth of
//! the end of the point's climb. For the end of a seed's climb this is the
//! merge's own decision ([`crate::merge::suppress_near_duplicates`] keeps a
//! mode unless an earlier kept mode lies within the bandwidth, and the first
//! such kept mode is the one that suppressed it): a kept mode is its own
//! centre, a suppressed one belongs to the centre that suppressed it. The
//! same rule maps an end that no seed reached (when the seeds are bins or
//! given), as if it were one more mode of the lowest intensity.
//!
//! A climb that found no point within the bandwidth (only possible for a new
//! point in `predict`: a sample is its own neighbour), or whose end has no
//! centre within the bandwidth, gets `-1` when `cluster_all` is false and the
//! centre nearest to its end (lowest index on ties) when it is true.

use crate::alloc::vec_with_capacity;
use crate::climb::Climbs;
use crate::error::Result;
use crate::index::{for_neighbors, Neighbors};
use rayon::prelude::*;
use rustc_hash::FxHashMap;
use std::hash::{Hash, Hasher};

/// Which climb labels each sample.
pub(crate) struct SampleClimbs {
    /// Starts to climb after the seeds, row-major: one per distinct sample
    /// position (bit for bit) that is no seed's.
    pub extra: Vec<f64>,
    /// For each sample, the index of its climb among the seeds' then the
    /// extra ones; `None` when the seeds are the samples (climb `i` is sample `i`'s).
    pub climb_of: Option<Vec<usize>>,
}

/// A row compared and hashed by its bits: two starts with the same bits climb
/// the same way, so one climb serves both.
struct Bits<'a>(&'a [f64]);

impl PartialEq for Bits<'_> {
    fn eq(&self, other: &Self) -> bool {
        self.0
            .iter()
            .zip(other.0)
            .all(|(a, b)| a.to_bits() == b.to_bits())
    }
}

impl Eq for Bits<'_> {}

impl Hash for Bits<'_> {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.0.iter().for_each(|v| v.to_bits().hash(state));
    }
}

/// The climbs the samples need besides the seeds' (see [`SampleClimbs`]).
pub(crate) fn sample_climbs(points: &[f64], seeds: &[f64], dim: usize) -> Result<SampleClimbs> {
    if std::ptr::eq(points, seeds) {
        return Ok(SampleClimbs {
            extra: Vec::new(),
            climb_of: None,
        });
    }
    let n_seeds = seeds.len() / dim;
    let mut climb_of_start: FxHashMap<Bits, usize> = FxHashMap::default();
    for (i, seed) in seeds.chunks_exact(dim).enumerate() {
        // A later duplicate seed climbs the same way: either serves.
        climb_of_start.entry(Bits(seed)).or_insert(i);
    }
    let mut extra = Vec::new();
    let mut climb_of = vec_with_capacity(points.len() / dim, "labels")?;
    for sample in points.chunks_exact(dim) {
        let next = n_seeds + extra.len() / dim;
        let climb = *climb_of_start.entry(Bits(sample)).or_insert(next);
        if climb == next {
            extra.extend_from_slice(sample);
        }
        climb_of.push(climb);
    }
    Ok(SampleClimbs {
        extra,
        climb_of: Some(climb_of),
    })
}

/// The attractor label of every sample: climb `climb_of[i]` (or `i`) of
/// `climbs` labels sample `i` by the module's law, over `centers` (row-major).
pub(crate) fn attractor_labels(
    climbs: &Climbs,
    climb_of: Option<&[usize]>,
    n_samples: usize,
    centers: &[f64],
    bandwidth: f64,
    cluster_all: bool,
) -> Result<Vec<i32>> {
    let dim = climbs.dim;
    let index = for_neighbors(centers, dim)?;
    let radius2 = bandwidth * bandwidth;
    let mut labels = vec_with_capacity(n_samples, "labels")?;
    labels.par_extend((0..n_samples).into_par_iter().map(|i| {
        let climb = climb_of.map_or(i, |c| c[i]);
        let end = climbs.position(climb);
        let found_points = climbs.intensities[climb] > 0.0;
        label_of_end(index.as_ref(), end, found_points, radius2, cluster_all)
    }));
    Ok(labels)
}

/// The label of a climb that ended at `end` (see the module's law).
fn label_of_end(
    centers: &dyn Neighbors,
    end: &[f64],
    found_points: bool,
    radius2: f64,
    cluster_all: bool,
) -> i32 {
    let mut first = None;
    if found_points {
        centers.for_each_within(end, radius2, &mut |j| {
            first = Some(first.map_or(j, |f: usize| f.min(j)));
        });
    }
    match first {
        Some(j) => j as i32,
        None if cluster_all => centers.nearest(end).0 as i32,
        None => -1,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn samples_that_are_the_seeds_need_no_climb() {
        let points = [0.0, 1.0, 2.0];
        let climbs = sample_climbs(&points, &points, 1).unwrap();
        assert!(climbs.extra.is_empty() && climbs.climb_of.is_none());
    }

    #[test]
    fn a_sample_at_a_seed_or_at_another_sample_shares_its_climb() {
        let points = [0.0, 1.0, 5.0, 1.0, -0.0];
        let seeds = [1.0, 9.0];
        let climbs = sample_climbs(&points, &seeds, 1).unwrap();
        // 0.0 and -0.0 differ in bits: two climbs.
        assert_eq!(climbs.extra, vec![0.0, 5.0, -0.0]);
        assert_eq!(climbs.climb_of, Some(vec![2, 0, 3, 0, 4]));
    }

    #[test]
    fn an_end_goes_to_the_first_centre_within_the_bandwidth_else_the_nearest_or_none() {
        let centers = [0.0, 10.0, 1.5];
        let index = for_neighbors(&centers, 1).unwrap();
        let r2 = 4.0;
        // Within 2 of centres 0 and 2: the first.
        assert_eq!(label_of_end(index.as_ref(), &[1.0], true, r2, false), 0);
        // Within 2 of centre 2 only.
        assert_eq!(label_of_end(index.as_ref(), &[3.4], true, r2, false), 2);
        // Within none: the nearest, or -1.
        assert_eq!(label_of_end(index.as_ref(), &[6.5], true, r2, true), 1);
        assert_eq!(label_of_end(index.as_ref(), &[6.5], true, r2, false), -1);
        // No point found: as if no centre were near.
        assert_eq!(label_of_end(index.as_ref(), &[1.0], false, r2, true), 2);
        assert_eq!(label_of_end(index.as_ref(), &[1.0], false, r2, false), -1);
    }
}
