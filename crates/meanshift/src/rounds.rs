//! Climbing many 2-D seeds together, one step per round, each distinct
//! position queried once.
//!
//! With exact sums ([`BandIndex`]) a step's result depends only on the
//! position, so seeds that meet at the same position (bit for bit) share the
//! rest of their climb: scikit-learn's own sums have this property, and on the
//! tutorial's blobs about 40 % of all steps are repeats. Each round sorts the
//! groups of seeds by position (merging those that met), joins them with the
//! steps computed in the last [`GENERATIONS`]` - 1` rounds (kept sorted by
//! position: a merge, no hashing), queries the positions not found, then moves
//! every group; all in parallel, the join and the moves on pieces of the
//! sorted groups that never split equal positions. Which positions are
//! remembered, and where the pieces end, change only the work done, never a
//! result, so results do not depend on threads.

use crate::climb::{move_to, stop_distance, stops, Climbs};
use crate::index::{BallTotal, BandIndex, QUERY_BLOCK};
use crate::observer::{Observer, Unobserved};
use crate::progress::{Progress, Tally};
use crate::threads::{Helpers, Pending};
use rayon::prelude::*;
use std::sync::atomic::{AtomicU32, Ordering::Relaxed};
use std::sync::Arc;

/// Rounds whose steps are kept, this one and the two before (bounds the memory
/// to a few times the number of seeds; on the tutorial's blobs the two earlier
/// rounds save 3 % of the queries, keeping all of them 1 % more).
const GENERATIONS: usize = 3;

/// The bits of a position, y's above x's: equal keys, equal steps, and sorted
/// keys put queries that read the same bands next to each other. One integer,
/// so that comparisons are two instructions.
type Key = u128;

fn key(position: [f64; 2]) -> Key {
    (u128::from(position[1].to_bits()) << 64) | u128::from(position[0].to_bits())
}

fn position(key: &Key) -> [f64; 2] {
    [
        f64::from_bits(*key as u64),
        f64::from_bits((*key >> 64) as u64),
    ]
}

/// Where a step from a position leads: the ball's mean and intensity (its
/// count, or total weight; `None`, 0 for an empty ball).
#[derive(Clone, Copy, Default)]
struct Step {
    mean: Option<[f64; 2]>,
    intensity: f64,
}

/// The steps from `keys` (at most [`QUERY_BLOCK`], neighbours in the round's
/// sorted order) into `steps`.
fn query_block(index: &BandIndex, keys: &[Key], radius2: f64, steps: &mut [Step]) {
    let mut positions = [[0.0; 2]; QUERY_BLOCK];
    for (p, k) in positions.iter_mut().zip(keys) {
        *p = position(k);
    }
    let mut balls = [BallTotal::default(); QUERY_BLOCK];
    index.ball_totals(&positions[..keys.len()], radius2, &mut balls);
    for (step, ball) in steps.iter_mut().zip(&balls) {
        *step = Step {
            mean: index.mean(ball),
            intensity: index.intensity(ball),
        };
    }
}

/// The steps computed in one round, sorted by position.
#[derive(Default)]
struct Generation {
    keys: Vec<Key>,
    steps: Vec<Step>,
}

impl Generation {
    /// The index of `key`, searching forwards from `cursor` (keys are looked up
    /// in increasing order).
    fn find(&self, key: &Key, cursor: &mut usize) -> Option<usize> {
        while *cursor < self.keys.len() && self.keys[*cursor] < *key {
            *cursor += 1;
        }
        (self.keys.get(*cursor) == Some(key)).then_some(*cursor)
    }
}

/// Where a seed's step of this round is: `generations[generation].steps[index]`.
#[derive(Clone, Copy, Default)]
struct Source {
    generation: u32,
    index: u32,
}

/// Seeds at the same position, which climb as one from there on. Members are a
/// linked list through `next_member`, so that merging two groups is O(1).
#[derive(Clone, Copy)]
struct Group {
    /// The position's bits: the group sorts by it, without a separate index.
    key: Key,
    first: u32,
    last: u32,
    /// `log2(last move / stop length)`, NaN before the first move: for the
    /// progress estimate only (it fits in the padding after `last`).
    level: f32,
}

/// The end of a member list.
const NO_MEMBER: u32 = u32::MAX;

/// A piece of one round: the groups merged from a stretch of the sorted
/// groups, where each one's step is, the positions it queries, and (after the
/// moves) which groups ended with which intensity.
#[derive(Default)]
struct Piece {
    merged: Vec<Group>,
    /// A fresh position's index is first within the piece, then within the round.
    sources: Vec<Source>,
    fresh: Vec<Key>,
    outcomes: Vec<Option<f64>>,
    outlook: Outlook,
}

/// How the groups climb, for the progress estimate. Near a mode a climb's
/// moves shrink about geometrically, and the last one is of length 0 (the
/// neighbours no longer change): a group whose move was `2^level` times the
/// stop length has about `level / fall - 1` moves left, `fall` being how much
/// a group's level falls a round (1.2 to 1.7 on the tutorial's blobs). Climbs
/// that wander (uniform data) have no such fall: there, the share of groups
/// that ended in the last round says how long the others last.
#[derive(Clone, Copy)]
struct Pace {
    /// `1 / fall`.
    per_fall: f64,
    /// Rounds a group still climbing lasts, from the share that ended last round.
    life: f64,
}

impl Pace {
    /// Before anything is measured: the tutorial's blobs'.
    const PRIOR: Pace = Pace {
        per_fall: 1.0 / 1.5,
        life: f64::INFINITY,
    };

    /// The moves left to a group whose last move was `2^level` stop lengths,
    /// with at most `most` (>= 1) rounds left.
    #[inline]
    fn moves_left(&self, level: f32, most: f64) -> f64 {
        (f64::from(level) * self.per_fall - 1.0)
            .min(self.life)
            .clamp(1.0, most)
    }
}

/// What the moves of one round say about the moves left.
#[derive(Clone, Copy, Default)]
struct Outlook {
    /// The groups still climbing, and their moves left.
    climbing: usize,
    moves: f64,
    /// The falls in level of the groups that moved twice, and their number.
    falls: f64,
    fell: usize,
}

impl Outlook {
    fn add(&mut self, other: &Outlook) {
        self.climbing += other.climbing;
        self.moves += other.moves;
        self.falls += other.falls;
        self.fell += other.fell;
    }

    /// The pace measured in a round where `moved` groups moved.
    fn pace(&self, moved: usize, previous: Pace) -> Pace {
        // Below this, levels hardly fall: the life bounds the estimate.
        const LEAST_FALL: f64 = 0.25;
        let per_fall = if self.fell == 0 {
            previous.per_fall
        } else {
            1.0 / (self.falls / self.fell as f64).max(LEAST_FALL)
        };
        let ended = moved - self.climbing;
        let life = if ended == 0 {
            f64::INFINITY
        } else {
            moved as f64 / ended as f64
        };
        Pace { per_fall, life }
    }
}

/// About `log2(x)` (within 0.09) for a positive normal `x`, from its bits: cheaper
/// than `log2`, and precise enough for an estimate.
#[inline]
fn approx_log2(x: f64) -> f32 {
    // A positive x has its sign bit clear: the bits convert as an i64, in one instruction.
    (x.to_bits() as i64 as f64 * (1.0 / (1u64 << 52) as f64) - 1023.0) as f32
}

/// The sorted groups are joined in pieces of about this many, in parallel.
const PIECE: usize = 1024;

/// Where the pieces of `groups` (sorted) start: about every [`PIECE`] groups,
/// never inside a run of equal positions.
fn piece_starts(groups: &[Group], starts: &mut Vec<usize>) {
    starts.clear();
    let pieces = groups.len().div_ceil(PIECE).max(1);
    for p in 0..pieces {
        let mut start = (p * groups.len() / pieces).max(starts.last().copied().unwrap_or(0));
        while start > 0 && start < groups.len() && groups[start - 1].key == groups[start].key {
            start += 1;
        }
        starts.push(start);
    }
    starts.push(groups.len());
}

/// Merges the groups that met in `groups` (sorted, whole runs of equal
/// positions) and joins them with the steps of the two earlier rounds (newest
/// first, one forward cursor in each, starting where the piece's first key
/// would be); positions not found are to be queried this round.
fn join(
    groups: &[Group],
    generations: &[Generation; GENERATIONS],
    round: usize,
    next_member: &[AtomicU32],
    piece: &mut Piece,
) {
    let current = round % GENERATIONS;
    let (previous, older) = ((round + 2) % GENERATIONS, (round + 1) % GENERATIONS);
    piece.merged.clear();
    piece.sources.clear();
    piece.fresh.clear();
    let Some(first) = groups.first() else {
        return;
    };
    let mut in_previous = generations[previous]
        .keys
        .partition_point(|k| *k < first.key);
    let mut in_older = generations[older].keys.partition_point(|k| *k < first.key);
    for run in groups.chunk_by(|a, b| a.key == b.key) {
        let mut group = run[0];
        for other in &run[1..] {
            next_member[group.last as usize].store(other.first, Relaxed);
            group.last = other.last;
        }
        piece.merged.push(group);
        let k = group.key;
        let (generation, index) = if let Some(i) = generations[previous].find(&k, &mut in_previous)
        {
            (previous, i)
        } else if let Some(i) = generations[older].find(&k, &mut in_older) {
            (older, i)
        } else {
            piece.fresh.push(k);
            (current, piece.fresh.len() - 1)
        };
        piece.sources.push(Source {
            generation: generation as u32,
            index: index as u32,
        });
    }
}

/// Moves the piece's groups by their steps (`fresh_offset`: where the piece's
/// fresh positions start in this round's steps), noting those whose climb
/// ended, and the outlook of the others at `pace` (`None`: progress is not
/// watched, no outlook).
fn move_groups(
    piece: &mut Piece,
    generations: &[Generation; GENERATIONS],
    round: usize,
    fresh_offset: usize,
    (stop, max_iter): (f64, usize),
    pace: Option<Pace>,
) {
    // Rounds left before max_iter ends every climb (at least 1 for a group
    // that goes on).
    let most = max_iter.saturating_sub(round).max(1) as f64;
    let current = (round % GENERATIONS) as u32;
    piece.outcomes.clear();
    piece.outlook = Outlook::default();
    for (g, from) in piece.merged.iter_mut().zip(&piece.sources) {
        let index = from.index as usize
            + if from.generation == current {
                fresh_offset
            } else {
                0
            };
        let Step { mean, intensity } = generations[from.generation as usize].steps[index];
        let ends = match mean {
            None => true,
            Some(mean) => {
                let mut at = position(&g.key);
                let shift = move_to(&mut at, &mean);
                g.key = key(at);
                let ends = stops(shift, stop, round, max_iter);
                if let (false, Some(pace)) = (ends, pace) {
                    let outlook = &mut piece.outlook;
                    let now = approx_log2(shift / stop);
                    outlook.climbing += 1;
                    outlook.moves += pace.moves_left(now, most);
                    if !g.level.is_nan() {
                        outlook.falls += f64::from(g.level - now);
                        outlook.fell += 1;
                    }
                    g.level = now;
                }
                ends
            }
        };
        piece.outcomes.push(ends.then_some(intensity));
    }
}

/// Climbs every seed (row-major, 2 values each) as [`crate::climb`] would with
/// the same index; `None` if `observer` asked to stop.
///
/// All seeds still climbing have completed the same number of iterations (one
/// per round), so seeds at the same position agree on everything that follows:
/// each round works on groups of them, not on single seeds. Every part of a
/// round but the hand-over of ended climbs runs in parallel, on pieces that
/// never split a run of equal positions.
///
/// Progress counts the queries as they are made, of a total re-estimated
/// after every round: the queries made, and the moves the groups still
/// climbing have left ([`Outlook`]) times the share of groups that queried in
/// the last round (the others reused a step).
pub(crate) fn climb_in_rounds(
    seeds: &[f64],
    index: &BandIndex,
    bandwidth: f64,
    max_iter: usize,
    observer: &dyn Observer,
) -> Option<Climbs> {
    let radius2 = bandwidth * bandwidth;
    let stop = stop_distance(bandwidth);
    let total = seeds.len() / 2;
    // Every seed's entry is set when its group's climb ends.
    let mut climbs = Climbs::zeroed(total, 2);
    let next_member: Vec<AtomicU32> = (0..total).map(|_| AtomicU32::new(NO_MEMBER)).collect();
    let mut groups: Vec<Group> = seeds
        .chunks_exact(2)
        .enumerate()
        .map(|(i, s)| Group {
            key: key([s[0], s[1]]),
            first: i as u32,
            last: i as u32,
            level: f32::NAN,
        })
        .collect();
    // Steps of round r in generations[r % GENERATIONS]. Buffers are reused
    // across rounds (fresh memory costs a page fault per 4 KiB), with room for
    // every seed from the start (growing by doubling would copy).
    let mut generations: [Generation; GENERATIONS] = Default::default();
    for generation in &mut generations {
        generation.keys.reserve_exact(total);
        generation.steps.reserve_exact(total);
    }
    let mut fresh: Vec<Key> = Vec::with_capacity(total);
    let mut pieces: Vec<Piece> = Vec::new();
    let (mut starts, mut fresh_offsets) = (Vec::new(), Vec::new());
    let progress = Progress::new(observer, total);
    let watched = observer.watches_progress();
    // Before any move, a guess: five queries a seed.
    let mut queries_left = 5.0 * total as f64;
    let mut pace = Pace::PRIOR;
    let mut round = 0;
    while !groups.is_empty() {
        groups.par_sort_unstable_by_key(|g| g.key);
        piece_starts(&groups, &mut starts);
        let n_pieces = starts.len() - 1;
        if pieces.len() < n_pieces {
            pieces.resize_with(n_pieces, Piece::default);
        }
        pieces[..n_pieces]
            .par_iter_mut()
            .zip(starts.par_windows(2))
            .for_each(|(piece, range)| {
                join(
                    &groups[range[0]..range[1]],
                    &generations,
                    round,
                    &next_member,
                    piece,
                )
            });
        // This round's positions to query, in order (kept sorted for the next rounds).
        fresh.clear();
        fresh_offsets.clear();
        for piece in &pieces[..n_pieces] {
            fresh_offsets.push(fresh.len());
            fresh.extend_from_slice(&piece.fresh);
        }
        let this = &mut generations[round % GENERATIONS];
        std::mem::swap(&mut this.keys, &mut fresh);
        let queries = this.keys.len();
        progress.estimate(progress.done() + queries.max(queries_left as usize));
        this.steps.clear();
        this.steps.resize(queries, Step::default());
        this.steps
            .par_chunks_mut(QUERY_BLOCK)
            .zip(this.keys.par_chunks(QUERY_BLOCK))
            .for_each_init(
                || Tally::new(&progress),
                |tally, (steps, keys)| {
                    if observer.is_aborted() {
                        return;
                    }
                    query_block(index, keys, radius2, steps);
                    for _ in keys {
                        tally.count();
                    }
                },
            );
        if observer.is_aborted() {
            return None;
        }
        pieces[..n_pieces]
            .par_iter_mut()
            .zip(fresh_offsets.par_iter())
            .for_each(|(piece, &offset)| {
                move_groups(
                    piece,
                    &generations,
                    round,
                    offset,
                    (stop, max_iter),
                    watched.then_some(pace),
                )
            });
        let mut outlook = Outlook::default();
        let merged: usize = pieces[..n_pieces].iter().map(|p| p.merged.len()).sum();
        // Groups still climbing go on; ended ones hand the result to their members.
        groups.clear();
        for piece in &pieces[..n_pieces] {
            outlook.add(&piece.outlook);
            for (group, outcome) in piece.merged.iter().zip(&piece.outcomes) {
                let Some(intensity) = *outcome else {
                    groups.push(*group);
                    continue;
                };
                let mut member = group.first;
                while member != NO_MEMBER {
                    let m = member as usize;
                    climbs.positions[2 * m..2 * m + 2].copy_from_slice(&position(&group.key));
                    climbs.intensities[m] = intensity;
                    climbs.completed[m] = round;
                    member = next_member[m].load(Relaxed);
                }
            }
        }
        let share = queries as f64 / merged.max(1) as f64;
        queries_left = outlook.moves * share;
        pace = outlook.pace(merged, pace);
        round += 1;
    }
    progress.finish();
    Some(climbs)
}

/// [`climb_in_rounds`] in parts, one on the calling thread and one on each of
/// `helpers`' threads, each part's seeds in rounds of their own: the same
/// climbs (a seed's climb depends on its position alone), in seed order. The
/// parts are stretches of the seeds sorted by y, so that seeds bound for the
/// same mode tend to share a part: the steps two parts both take (where their
/// seeds would have met) are few. One hand-off to the helpers and one back,
/// where parallel rounds hand off several times a round; a part no helper has
/// started by the time the calling thread finished its own is climbed there
/// too. Unobserved: progress counts one set of rounds.
pub(crate) fn climb_in_parts(
    seeds: &[f64],
    index: &Arc<BandIndex>,
    bandwidth: f64,
    max_iter: usize,
    helpers: &Helpers,
) -> Climbs {
    let rows = seeds.len() / 2;
    let parts = helpers.count() + 1;
    let mut by_y: Vec<usize> = (0..rows).collect();
    by_y.sort_unstable_by(|&a, &b| seeds[2 * a + 1].total_cmp(&seeds[2 * b + 1]));
    let stretch = |p: usize| &by_y[p * rows / parts..(p + 1) * rows / parts];
    let seeds_of = |p: usize| -> Vec<f64> {
        stretch(p)
            .iter()
            .flat_map(|&i| [seeds[2 * i], seeds[2 * i + 1]])
            .collect()
    };
    // The helpers' parts own their seeds and share the index.
    let theirs: Vec<_> = (1..parts)
        .map(|p| {
            let (seeds, index) = (seeds_of(p), Arc::clone(index));
            helpers.spawn(move || climb_in_rounds(&seeds, &index, bandwidth, max_iter, &Unobserved))
        })
        .collect();
    let own = climb_in_rounds(&seeds_of(0), index, bandwidth, max_iter, &Unobserved);
    let climbed = std::iter::once(own).chain(theirs.into_iter().map(Pending::join));
    // Back in seed order.
    let mut climbs = Climbs::zeroed(rows, 2);
    for (p, part) in climbed.enumerate() {
        // An unobserved climb is never aborted.
        let Some(part) = part else { continue };
        for (k, &i) in stretch(p).iter().enumerate() {
            climbs.positions[2 * i..2 * i + 2].copy_from_slice(part.position(k));
            climbs.intensities[i] = part.intensities[k];
            climbs.completed[i] = part.completed[k];
        }
    }
    climbs
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::blobs::{make_blobs, BlobsOptions};
    use crate::climb::{moved_and_stops, Climb};
    use crate::threads::{with_helpers, with_threads};

    /// The reference: one seed climbing alone, one query per step.
    fn climb_alone(seed: [f64; 2], index: &BandIndex, bandwidth: f64, max_iter: usize) -> Climb {
        let mut position = seed;
        let mut completed = 0;
        loop {
            let ball = index.ball_total(position, bandwidth * bandwidth);
            let Some(mean) = index.mean(&ball) else {
                return Climb {
                    position: position.to_vec(),
                    intensity: 0.0,
                    completed,
                };
            };
            if moved_and_stops(
                &mut position,
                &mean,
                stop_distance(bandwidth),
                completed,
                max_iter,
            ) {
                return Climb {
                    position: position.to_vec(),
                    intensity: index.intensity(&ball),
                    completed,
                };
            }
            completed += 1;
        }
    }

    /// `n` blobs' points, the first `repeated` of them twice, and the seeds:
    /// every point, then one far away, one between blobs and a duplicate.
    fn points_and_seeds(n: usize, random_state: u32, repeated: usize) -> (Vec<f64>, Vec<f64>) {
        let blobs = make_blobs(&BlobsOptions {
            n_samples: n,
            random_state,
            ..Default::default()
        })
        .unwrap();
        let mut points = blobs.x;
        points.extend_from_within(..2 * repeated);
        let mut seeds = points.clone();
        seeds.extend([1e3, 1e3, 0.0, 0.0, points[0], points[1]]);
        (points, seeds)
    }

    #[test]
    fn rounds_equal_every_seed_climbing_alone() {
        let (points, seeds) = points_and_seeds(1500, 3, 200);
        for bandwidth in [0.3, 1.5, 4.0] {
            let index = BandIndex::planned(&points, bandwidth);
            for max_iter in [0, 1, 2, 300] {
                let mut alone = Climbs::with_capacity(seeds.len() / 2, 2);
                for s in seeds.chunks_exact(2) {
                    alone.push(&climb_alone([s[0], s[1]], &index, bandwidth, max_iter));
                }
                assert!(alone.intensities.contains(&0.0));
                for threads in [1, 2] {
                    let together = with_threads(threads, || {
                        climb_in_rounds(&seeds, &index, bandwidth, max_iter, &Unobserved)
                    })
                    .unwrap();
                    assert_eq!(
                        together.as_ref(),
                        Some(&alone),
                        "{bandwidth} {max_iter} {threads}"
                    );
                }
            }
        }
    }

    #[test]
    fn parts_climb_as_the_rounds_do_in_seed_order() {
        let (points, seeds) = points_and_seeds(1200, 4, 150);
        for helpers in [1, 2, 4] {
            for bandwidth in [0.3, 1.5] {
                let index = Arc::new(BandIndex::planned(&points, bandwidth));
                // Fewer seeds than parts, one, none, and many, with equal ys across parts.
                for rows in [0, 1, 2, 3, seeds.len() / 2] {
                    let seeds = &seeds[..2 * rows];
                    for max_iter in [0, 2, 300] {
                        let rounds =
                            climb_in_rounds(seeds, &index, bandwidth, max_iter, &Unobserved);
                        let parts = with_helpers(helpers, |helpers| {
                            climb_in_parts(seeds, &index, bandwidth, max_iter, helpers)
                        })
                        .unwrap();
                        assert_eq!(
                            Some(parts),
                            rounds,
                            "{helpers} {bandwidth} {rows} {max_iter}"
                        );
                    }
                }
            }
        }
    }

    #[test]
    fn pieces_cover_the_groups_and_never_split_equal_positions() {
        // Runs of equal keys of every length up to 2,500, across piece boundaries.
        let mut groups = Vec::new();
        for (run, length) in [3, 1, 2500, 1, 700, 1024, 1025, 2, 1]
            .into_iter()
            .enumerate()
        {
            for _ in 0..length {
                groups.push(Group {
                    key: run as Key,
                    first: 0,
                    last: 0,
                    level: f32::NAN,
                });
            }
        }
        for n in [0, 1, 1024, 1025, 3000, groups.len()] {
            let mut starts = Vec::new();
            piece_starts(&groups[..n], &mut starts);
            assert_eq!((starts[0], starts[starts.len() - 1]), (0, n));
            assert!(starts.windows(2).all(|w| w[0] <= w[1]), "{starts:?}");
            for &s in &starts[1..starts.len() - 1] {
                assert!(
                    s == n || groups[s - 1].key != groups[s].key,
                    "{n}: {starts:?}"
                );
            }
        }
    }

    #[test]
    fn approx_log2_is_within_a_tenth() {
        for x in [
            1.0,
            1.5,
            2.0,
            3.0,
            1000.0,
            1e-3,
            12345.678,
            1e300,
            f64::MIN_POSITIVE,
        ] {
            let error = f64::from(approx_log2(x)) - x.log2();
            assert!(error.abs() < 0.09, "{x}: {error}");
        }
    }

    #[test]
    fn an_abort_stops_the_rounds() {
        struct Stop;
        impl Observer for Stop {
            fn is_aborted(&self) -> bool {
                true
            }
        }
        let points = [0.0, 0.0, 1.0, 1.0];
        let index = BandIndex::planned(&points, 2.0);
        assert_eq!(climb_in_rounds(&points, &index, 2.0, 300, &Stop), None);
    }
}
