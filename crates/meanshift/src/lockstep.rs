//! Climbing seeds of any dimension together, one step per round, each
//! distinct position queried once.
//!
//! A step is a pure function of the position (every [`BallSum`] answers the
//! same position with the same bits), and every seed still climbing in round
//! `r` has completed `r` iterations, so seeds that reach the same position
//! (bit for bit) agree on everything that follows. With every point a seed
//! this is most of the work: on clustered data the seeds of a cluster find one
//! neighbour set after their first step, and the index-order sums of equal
//! sets are equal bits, so a cluster's thousands of climbs become one.
//! [`crate::rounds`] does the same for the 2-D band index, keyed by the
//! position's 128 bits; here positions are hashed and compared whole.
//!
//! Grouping changes only the work done, never a result: results do not depend
//! on the thread count.

use crate::climb::{moved_and_stops, stop_distance, Climbs};
use crate::index::BallSum;
use crate::observer::Observer;
use rayon::prelude::*;
use std::cmp::Ordering;

/// Seeds at the same position, which climb as one from there on. Members are
/// a linked list through `next_member`, so that merging two groups is O(1).
#[derive(Clone, Copy)]
struct Group {
    first: u32,
    last: u32,
}

/// The end of a member list.
const NO_MEMBER: u32 = u32::MAX;

/// FxHash's multiplier: a position's bits, word by word.
fn hash(position: &[f64]) -> u64 {
    position.iter().fold(0u64, |h, v| {
        (h.rotate_left(5) ^ v.to_bits()).wrapping_mul(0x51_7c_c1_b7_27_22_0a_95)
    })
}

/// A total order on positions' bits (equal bits, equal positions).
fn cmp_bits(a: &[f64], b: &[f64]) -> Ordering {
    a.iter()
        .map(|v| v.to_bits())
        .cmp(b.iter().map(|v| v.to_bits()))
}

/// Climbs every seed (row-major, `dim` values each) as [`crate::climb::climb`]
/// would on `index`; `None` if `observer` asked to stop (polled before every
/// query).
///
/// Each round hashes the groups' positions, sorts them (the index's locality
/// key, the hash, then the bits),
/// merges the groups at equal positions, queries each remaining position once
/// (in parallel) and moves every group; groups whose climb ended hand their
/// position, intensity and iteration count to their members.
pub(crate) fn climb_in_lockstep(
    seeds: &[f64],
    dim: usize,
    index: &dyn BallSum,
    bandwidth: f64,
    max_iter: usize,
    observer: &dyn Observer,
) -> Option<Climbs> {
    let radius2 = bandwidth * bandwidth;
    let stop = stop_distance(bandwidth);
    let total = seeds.len() / dim;
    // Every seed's entry is set when its group's climb ends.
    let mut climbs = Climbs {
        dim,
        positions: vec![0.0; total * dim],
        intensities: vec![0; total],
        completed: vec![0; total],
    };
    let mut next_member = vec![NO_MEMBER; total];
    let mut groups: Vec<Group> = (0..total as u32)
        .map(|i| Group { first: i, last: i })
        .collect();
    // Row g: group g's position (then, after the query, the mean it moves to).
    let mut positions = seeds.to_vec();
    let mut means: Vec<f64> = Vec::with_capacity(positions.len());
    let mut counts: Vec<usize> = Vec::with_capacity(total);
    let mut order: Vec<(u64, u64, u32)> = Vec::with_capacity(total);
    let mut merged: Vec<Group> = Vec::with_capacity(total);
    let mut merged_positions: Vec<f64> = Vec::with_capacity(positions.len());
    let mut done = 0;
    let mut round = 0;
    while !groups.is_empty() {
        // Equal positions next to each other, and positions that read the
        // same part of the index near each other.
        order.clear();
        order.par_extend(
            positions
                .par_chunks_exact(dim)
                .enumerate()
                .map(|(g, p)| (index.locality(p), hash(p), g as u32)),
        );
        let row = |g: u32| &positions[g as usize * dim..(g as usize + 1) * dim];
        order.par_sort_unstable_by(|a, b| {
            (a.0, a.1)
                .cmp(&(b.0, b.1))
                .then_with(|| cmp_bits(row(a.2), row(b.2)))
                .then(a.2.cmp(&b.2))
        });
        merged.clear();
        merged_positions.clear();
        let same = |a: &(u64, u64, u32), b: &(u64, u64, u32)| {
            a.1 == b.1 && cmp_bits(row(a.2), row(b.2)).is_eq()
        };
        for run in order.chunk_by(same) {
            let mut group = groups[run[0].2 as usize];
            for &(_, _, other) in &run[1..] {
                let other = groups[other as usize];
                next_member[group.last as usize] = other.first;
                group.last = other.last;
            }
            merged.push(group);
            merged_positions.extend_from_slice(row(run[0].2));
        }
        std::mem::swap(&mut groups, &mut merged);
        std::mem::swap(&mut positions, &mut merged_positions);

        // One query per distinct position.
        means.clear();
        means.resize(positions.len(), 0.0);
        counts.clear();
        counts.par_extend(
            positions
                .par_chunks_exact(dim)
                .zip(means.par_chunks_exact_mut(dim))
                .map(|(position, mean)| {
                    if observer.is_aborted() {
                        return 0;
                    }
                    index.ball_sum(position, radius2, mean)
                }),
        );
        if observer.is_aborted() {
            return None;
        }
        // Move every group; `ends[g]`: its climb ended this round.
        let ends: Vec<bool> = positions
            .par_chunks_exact_mut(dim)
            .zip(means.par_chunks_exact_mut(dim))
            .zip(counts.par_iter())
            .map(|((position, mean), &count)| {
                if count == 0 {
                    return true;
                }
                let n = count as f64;
                mean.iter_mut().for_each(|s| *s /= n);
                moved_and_stops(position, mean, stop, round, max_iter)
            })
            .collect();

        // Ended groups hand their result to their members; the others go on.
        merged.clear();
        merged_positions.clear();
        for (g, group) in groups.iter().enumerate() {
            let position = &positions[g * dim..(g + 1) * dim];
            if !ends[g] {
                merged.push(*group);
                merged_positions.extend_from_slice(position);
                continue;
            }
            let mut member = group.first;
            while member != NO_MEMBER {
                let m = member as usize;
                climbs.positions[m * dim..(m + 1) * dim].copy_from_slice(position);
                climbs.intensities[m] = counts[g];
                climbs.completed[m] = round;
                done += 1;
                observer.on_progress(done, total);
                member = next_member[m];
            }
        }
        std::mem::swap(&mut groups, &mut merged);
        std::mem::swap(&mut positions, &mut merged_positions);
        round += 1;
    }
    Some(climbs)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::blobs::{make_blobs, BlobsOptions, Centers};
    use crate::climb::climb;
    use crate::index::{for_climbs, ClimbIndex};
    use crate::observer::Unobserved;
    use crate::threads::with_threads;

    /// Blobs with duplicated rows, plus seeds far away and between blobs.
    fn data(dim: usize) -> (Vec<f64>, Vec<f64>) {
        let blobs = make_blobs(&BlobsOptions {
            n_samples: 600,
            n_features: dim,
            centers: Centers::Count(4),
            random_state: 7,
            ..Default::default()
        })
        .unwrap();
        let mut points = blobs.x;
        points.extend_from_within(..100 * dim);
        let mut seeds = points.clone();
        seeds.extend(std::iter::repeat_n(1e3, dim));
        seeds.extend(std::iter::repeat_n(0.0, dim));
        (points, seeds)
    }

    #[test]
    fn lockstep_equals_every_seed_climbing_alone() {
        for dim in [1, 3, 17, 40] {
            let (points, seeds) = data(dim);
            for bandwidth in [0.5, 3.0, 2.0 * dim as f64] {
                let ClimbIndex::BallSums(index) =
                    for_climbs(&points, dim, seeds.len() / dim, bandwidth).unwrap()
                else {
                    panic!("bands in {dim}-D");
                };
                for max_iter in [0, 1, 2, 300] {
                    let mut alone = Climbs::with_capacity(seeds.len() / dim, dim);
                    for s in seeds.chunks_exact(dim) {
                        alone.push(&climb(s, index.as_ref(), bandwidth, max_iter));
                    }
                    assert!(alone.intensities.contains(&0));
                    for threads in [1, 2] {
                        let together = with_threads(threads, || {
                            climb_in_lockstep(
                                &seeds,
                                dim,
                                index.as_ref(),
                                bandwidth,
                                max_iter,
                                &Unobserved,
                            )
                        })
                        .unwrap();
                        assert_eq!(
                            together.as_ref(),
                            Some(&alone),
                            "{dim} {bandwidth} {max_iter} {threads}"
                        );
                    }
                }
            }
        }
    }

    #[test]
    fn an_abort_stops_the_lockstep() {
        struct Stop;
        impl Observer for Stop {
            fn is_aborted(&self) -> bool {
                true
            }
        }
        let points = [0.0, 0.0, 0.0, 1.0, 1.0, 1.0];
        let ClimbIndex::BallSums(index) = for_climbs(&points, 3, 2, 2.0).unwrap() else {
            panic!("bands in 3-D");
        };
        let got = climb_in_lockstep(&points, 3, index.as_ref(), 2.0, 300, &Stop);
        assert_eq!(got, None);
    }
}
