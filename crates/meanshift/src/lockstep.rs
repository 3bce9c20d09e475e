//! Climbing seeds of any dimension together, one step per round, each
//! distinct position queried once (the climbs on the ball tree, above 16
//! features).
//!
//! A step is a pure function of the position (a [`Step`] answers the same
//! position with the same bits), and every seed still climbing in round `r`
//! has completed `r` iterations, so seeds that reach the same position (bit
//! for bit) agree on everything that follows. With every point a seed this is
//! most of the work: on clustered data the seeds of a cluster find one
//! neighbour set after a step or two, and the index-order sums of equal sets
//! are equal bits, so a cluster's thousands of climbs become one.
//! [`crate::rounds`] does the same for the 2-D band index, keyed by the
//! position's 128 bits; here positions are hashed and compared whole.
//!
//! Grouping changes only the work done, never a result: results do not depend
//! on the thread count.
//!
//! Progress counts each distinct position's query as it is made, inside a
//! round's parallel loop, so that the first round (with every point a seed,
//! nearly all the work) moves the bar while it runs.

use crate::climb::{moved_and_stops, stop_distance, Climbs};
use crate::index::Step;
use crate::observer::Observer;
use crate::progress::{Progress, Tally};
use rayon::prelude::*;
use std::cmp::Ordering;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering::Relaxed};
use std::time::{Duration, Instant};

/// Seeds at the same position, which climb as one from there on. Members are
/// a linked list through `next_member`, so that merging two groups is O(1).
#[derive(Clone, Copy)]
struct Group {
    first: u32,
    last: u32,
}

/// The end of a member list.
const NO_MEMBER: u32 = u32::MAX;

/// FxHash's multiplier over a position's bits, word by word.
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

/// Seeds climbed alone first, spread over the seeds, to estimate the work
/// of the rounds after the first (their results are the lock-step's bits:
/// only the time is spent twice).
const SAMPLE: usize = 48;

/// What the sampled climbs say: their lengths in queries, the share of
/// distinct positions after their first move (among those that went on), and
/// a later query's time over a first query's.
struct Sample {
    lengths: Vec<usize>,
    share: f64,
    ratio: f64,
    /// The median time of a first query, in seconds.
    first_time: f64,
}

impl Sample {
    fn of(
        seeds: &[f64],
        dim: usize,
        index: &dyn Step,
        (bandwidth, max_iter): (f64, usize),
    ) -> Self {
        let n = seeds.len() / dim;
        let stop = stop_distance(bandwidth);
        let picks: Vec<usize> = (0..SAMPLE.min(n)).map(|i| i * n / SAMPLE.min(n)).collect();
        // (queries, hash after the first move, first query's time, later queries' time)
        let climbs: Vec<(usize, Option<u64>, f64, f64)> = picks
            .par_iter()
            .map(|&i| {
                let mut position = seeds[i * dim..(i + 1) * dim].to_vec();
                let mut mean = vec![0.0; dim];
                let (mut first_hash, mut first, mut later) = (None, 0.0, 0.0);
                let mut completed = 0;
                loop {
                    let start = Instant::now();
                    mean.fill(0.0);
                    let sum = index.step(&position, &mut mean);
                    let took = start.elapsed().as_secs_f64();
                    if completed == 0 {
                        first = took;
                    } else {
                        later += took;
                    }
                    if sum == 0.0 {
                        break;
                    }
                    mean.iter_mut().for_each(|m| *m /= sum);
                    let ends = moved_and_stops(&mut position, &mean, stop, completed, max_iter);
                    if completed == 0 && !ends {
                        first_hash = Some(hash(&position));
                    }
                    if ends {
                        break;
                    }
                    completed += 1;
                }
                (completed + 1, first_hash, first, later)
            })
            .collect();
        let mut hashes: Vec<u64> = climbs.iter().filter_map(|c| c.1).collect();
        let went_on = hashes.len();
        hashes.sort_unstable();
        hashes.dedup();
        let share = if went_on == 0 {
            1.0
        } else {
            hashes.len() as f64 / went_on as f64
        };
        let first: f64 = climbs.iter().map(|c| c.2).sum::<f64>() / climbs.len().max(1) as f64;
        let later_queries: usize = climbs.iter().map(|c| c.0 - 1).sum();
        let later: f64 = climbs.iter().map(|c| c.3).sum::<f64>();
        let ratio = if later_queries == 0 || first <= 0.0 {
            1.0
        } else {
            (later / later_queries as f64 / first).clamp(0.01, 100.0)
        };
        Sample {
            lengths: climbs.iter().map(|c| c.0).collect(),
            share,
            ratio,
            // The median (the mean would do for the ratio's scale, but the
            // build is priced with this one alone): a sampled query runs on a
            // cold cache now and then, the first round's sorted ones seldom do.
            first_time: {
                let mut times: Vec<f64> = climbs.iter().map(|c| c.2).collect();
                times.sort_unstable_by(f64::total_cmp);
                times.get(times.len() / 2).copied().unwrap_or(0.0)
            },
        }
    }

    /// Queries a group querying in round `round` makes after it, on average
    /// over the sampled climbs that long.
    fn left_after(&self, round: usize) -> f64 {
        let (mut left, mut count) = (0usize, 0usize);
        for &l in &self.lengths {
            if l > round {
                left += l - round - 1;
                count += 1;
            }
        }
        if count == 0 {
            0.0
        } else {
            left as f64 / count as f64
        }
    }
}

/// Climbs every seed (row-major, `dim` values each) as
/// `crate::climb::climb` (the reference in tests) would on `index`; `None` if `observer` asked to
/// stop (polled before every query).
///
/// Each round hashes the groups' positions, sorts them (the hash, then the
/// bits), merges the groups at equal positions, queries each remaining
/// position once (in parallel) and moves every group; groups whose climb
/// ended hand their position, intensity and iteration count to their members.
///
/// Progress: the work is the queries, in units of a sixteenth of a first
/// round's query; a later query (from a mean, often among more points) is
/// priced at the ratio of its time to a first one's: the [`Sample`]'s until a
/// later round has run, then that round's own. A round's queries are known
/// when it starts (its distinct positions); the rounds after it are estimated
/// from the sample of seeds climbed alone first: in the first round, each
/// start has the sample's later queries, times the share of distinct
/// positions after a move; in later rounds, each group has the queries left
/// to the sampled climbs that lasted as long. The index's `build` (and the
/// sample) count as the work the first round does in as long.
pub(crate) fn climb_in_lockstep(
    seeds: &[f64],
    dim: usize,
    index: &dyn Step,
    (bandwidth, max_iter): (f64, usize),
    build: Duration,
    observer: &dyn Observer,
) -> Option<Climbs> {
    let stop = stop_distance(bandwidth);
    let total = seeds.len() / dim;
    // Every seed's entry is set when its group's climb ends.
    let mut climbs = Climbs::zeroed(total, dim);
    let mut next_member = vec![NO_MEMBER; total];
    let mut groups: Vec<Group> = (0..total as u32)
        .map(|i| Group { first: i, last: i })
        .collect();
    // Row g: group g's position (then, after the query, the mean it moves to).
    let mut positions = seeds.to_vec();
    let mut means: Vec<f64> = Vec::with_capacity(positions.len());
    let mut totals: Vec<f64> = Vec::with_capacity(total);
    let mut order: Vec<(u64, u32)> = Vec::with_capacity(total);
    let mut merged: Vec<Group> = Vec::with_capacity(total);
    let climbing = Instant::now();
    let sample = Sample::of(seeds, dim, index, (bandwidth, max_iter));
    let build = build + climbing.elapsed();
    let progress = Progress::new(observer, total);
    // A first round's query is `UNIT` units; `later` a later round's.
    const UNIT: usize = 16;
    let price = |ratio: f64| ((UNIT as f64 * ratio).round() as usize).clamp(1, 100 * UNIT);
    let mut later_unit = price(sample.ratio);
    // The index's build (and the sample) is work of the fit too: priced at
    // once from the sample's first queries (so that the bar moves as soon as
    // the climbs start), then at the first round's rate measured over its
    // first queries, whichever is more.
    let threads = rayon::current_num_threads().max(1) as f64;
    let build_units = |queries_per_second: f64| {
        (queries_per_second * build.as_secs_f64()).min(10.0 * total as f64) * UNIT as f64
    };
    let mut provisional = if sample.first_time > 0.0 {
        build_units(threads / sample.first_time) as usize
    } else {
        0
    };
    let build_unpriced = AtomicBool::new(!build.is_zero());
    let first_queries = AtomicUsize::new(0);
    let mut first_query_time = 0.0;
    let mut round = 0;
    while !groups.is_empty() {
        // Equal positions next to each other.
        order.clear();
        order.par_extend(
            positions
                .par_chunks_exact(dim)
                .enumerate()
                .map(|(g, p)| (hash(p), g as u32)),
        );
        let row = |g: u32| &positions[g as usize * dim..(g as usize + 1) * dim];
        order.par_sort_unstable_by(|a, b| {
            a.0.cmp(&b.0)
                .then_with(|| cmp_bits(row(a.1), row(b.1)))
                .then(a.1.cmp(&b.1))
        });
        // The distinct positions go to `means` (free until the queries),
        // which then swaps with `positions`.
        merged.clear();
        means.clear();
        let same =
            |a: &(u64, u32), b: &(u64, u32)| a.0 == b.0 && cmp_bits(row(a.1), row(b.1)).is_eq();
        for run in order.chunk_by(same) {
            let mut group = groups[run[0].1 as usize];
            for &(_, other) in &run[1..] {
                let other = groups[other as usize];
                next_member[group.last as usize] = other.first;
                group.last = other.last;
            }
            merged.push(group);
            means.extend_from_slice(row(run[0].1));
        }
        std::mem::swap(&mut groups, &mut merged);
        std::mem::swap(&mut positions, &mut means);

        // One query per distinct position, counted as it is made.
        let queries = groups.len();
        let (unit, later) = if round == 0 {
            (UNIT, queries as f64 * sample.left_after(0) * sample.share)
        } else {
            (later_unit, queries as f64 * sample.left_after(round))
        };
        let later = (later * later_unit as f64) as usize;
        progress.estimate(progress.done() + provisional + queries * unit + later);
        progress.add(provisional);
        let provisional = std::mem::take(&mut provisional);
        let round_start = Instant::now();
        let rate_after = (queries / 256).max(16);
        means.clear();
        means.resize(positions.len(), 0.0);
        totals.clear();
        totals.par_extend(
            positions
                .par_chunks_exact(dim)
                .zip(means.par_chunks_exact_mut(dim))
                .map_init(
                    || Tally::weighted(&progress, unit),
                    |tally, (position, mean)| {
                        if observer.is_aborted() {
                            return 0.0;
                        }
                        let sum = index.step(position, mean);
                        tally.count();
                        if round == 0 && build_unpriced.load(Relaxed) {
                            let made = first_queries.fetch_add(1, Relaxed) + 1;
                            if made >= rate_after && build_unpriced.swap(false, Relaxed) {
                                let rate = made as f64 / round_start.elapsed().as_secs_f64();
                                let more = (build_units(rate) as usize).saturating_sub(provisional);
                                progress.estimate(progress.total().saturating_add(more));
                                progress.add(more);
                            }
                        }
                        sum
                    },
                ),
        );
        if observer.is_aborted() {
            return None;
        }
        // What a query of this round took: the price of later ones.
        let query_time = round_start.elapsed().as_secs_f64() / queries.max(1) as f64;
        if round == 0 {
            first_query_time = query_time;
        } else if first_query_time > 0.0 {
            later_unit = price(query_time / first_query_time);
        }
        // Move every group; `ends[g]`: its climb ended this round.
        let ends: Vec<bool> = positions
            .par_chunks_exact_mut(dim)
            .zip(means.par_chunks_exact_mut(dim))
            .zip(totals.par_iter())
            .map(|((position, mean), &sum)| {
                if sum == 0.0 {
                    return true;
                }
                mean.iter_mut().for_each(|s| *s /= sum);
                moved_and_stops(position, mean, stop, round, max_iter)
            })
            .collect();

        // Ended groups hand their result to their members; the others go on.
        // The positions of the groups going on are moved up in place.
        merged.clear();
        for (g, group) in groups.iter().enumerate() {
            let position = &positions[g * dim..(g + 1) * dim];
            if !ends[g] {
                let to = merged.len() * dim;
                merged.push(*group);
                positions.copy_within(g * dim..(g + 1) * dim, to);
                continue;
            }
            let mut member = group.first;
            while member != NO_MEMBER {
                let m = member as usize;
                climbs.positions[m * dim..(m + 1) * dim].copy_from_slice(position);
                climbs.intensities[m] = totals[g];
                climbs.completed[m] = round;
                member = next_member[m];
            }
        }
        positions.truncate(merged.len() * dim);
        std::mem::swap(&mut groups, &mut merged);
        round += 1;
    }
    progress.finish();
    Some(climbs)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::blobs::{make_blobs, BlobsOptions, Centers};
    use crate::climb::climb;
    use crate::index::{for_climbs, ClimbIndex, ClimbKind};
    use crate::observer::Unobserved;
    use crate::rng::RandomState;
    use crate::threads::with_threads;

    /// Blobs with duplicated rows, plus seeds far away and between blobs.
    fn blobs(dim: usize) -> (Vec<f64>, Vec<f64>) {
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

    /// Uniform random points in a cube, rounded to a grid so that some rows repeat.
    fn uniform(n: usize, dim: usize, seed: u32) -> Vec<f64> {
        let mut rng = RandomState::new(seed);
        (0..n * dim)
            .map(|_| (rng.uniform(0.0, 20.0)).round() / 2.0)
            .collect()
    }

    fn index_for<'a>(
        points: &'a [f64],
        dim: usize,
        seeds: usize,
        bandwidth: f64,
    ) -> Box<dyn Step + 'a> {
        match for_climbs(points, dim, seeds, &ClimbKind::flat(bandwidth)).unwrap() {
            ClimbIndex::Steps(steps) | ClimbIndex::Lockstep(steps) => steps,
            ClimbIndex::Bands(_) => panic!("bands in {dim}-D"),
        }
    }

    fn check(points: &[f64], seeds: &[f64], dim: usize, bandwidth: f64, what: &str) {
        let index = index_for(points, dim, seeds.len() / dim, bandwidth);
        for max_iter in [0, 1, 2, 300] {
            let mut alone = Climbs::with_capacity(seeds.len() / dim, dim);
            for s in seeds.chunks_exact(dim) {
                alone.push(&climb(s, index.as_ref(), bandwidth, max_iter));
            }
            for threads in [1, 2, 3] {
                let together = with_threads(threads, || {
                    climb_in_lockstep(
                        seeds,
                        dim,
                        index.as_ref(),
                        (bandwidth, max_iter),
                        Duration::ZERO,
                        &Unobserved,
                    )
                })
                .unwrap()
                .unwrap();
                // Bits: positions and intensities compared as bits.
                let bits = |c: &Climbs| -> (Vec<u64>, Vec<u64>, Vec<usize>) {
                    (
                        c.positions.iter().map(|v| v.to_bits()).collect(),
                        c.intensities.iter().map(|v| v.to_bits()).collect(),
                        c.completed.clone(),
                    )
                };
                assert!(
                    bits(&together) == bits(&alone),
                    "{what} {dim}-D bandwidth {bandwidth} max_iter {max_iter} threads {threads}"
                );
            }
        }
    }

    #[test]
    fn lockstep_gives_the_bits_of_every_seed_climbing_alone() {
        for dim in [1, 3, 17, 40] {
            let (points, seeds) = blobs(dim);
            for bandwidth in [0.5, 3.0, 2.0 * dim as f64] {
                check(&points, &seeds, dim, bandwidth, "blobs");
            }
        }
    }

    #[test]
    fn lockstep_on_random_data_of_17_to_64_features() {
        for (i, dim) in [17, 23, 32, 48, 64].into_iter().enumerate() {
            let points = uniform(300, dim, i as u32);
            let mut seeds = points.clone();
            seeds.extend(uniform(20, dim, 100 + i as u32));
            // Radii that reach few, some and most of the points.
            let scale = (dim as f64).sqrt() * 5.0;
            for bandwidth in [0.5 * scale, 0.8 * scale, scale, 1.5 * scale] {
                check(&points, &seeds, dim, bandwidth, "uniform");
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
        let index = index_for(&points, 3, 2, 2.0);
        let got = climb_in_lockstep(
            &points,
            3,
            index.as_ref(),
            (2.0, 300),
            Duration::ZERO,
            &Stop,
        );
        assert_eq!(got, None);
    }
}
