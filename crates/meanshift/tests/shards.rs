//! The shard primitives composed in any split give `fit`'s bits: seeds → runs
//! of seeds climbed → merged in any order → rows labelled in pieces.

mod common;

use common::same_bits;
use meanshift::{
    assign_labels, climb_seeds, fit, make_blobs, merge_modes, seeds_for, BlobsOptions, Centers,
    ClimbOptions, ClimbShard, LabelOptions, Matrix, MeanShiftError, MeanShiftOptions,
};

fn blobs(n_samples: usize, n_features: usize, k: usize, std: f64, random_state: u32) -> Vec<f64> {
    make_blobs(&BlobsOptions {
        n_samples,
        n_features,
        centers: Centers::Count(k),
        cluster_std: vec![std],
        random_state,
        ..Default::default()
    })
    .unwrap()
    .x
}

/// Splits `n` into `k` runs at pseudo-random cut points (some runs empty).
fn cuts(n: usize, k: usize, salt: u64) -> Vec<(usize, usize)> {
    let mut state = salt
        .wrapping_mul(6364136223846793005)
        .wrapping_add(1442695040888963407);
    let mut points: Vec<usize> = (0..k.saturating_sub(1))
        .map(|_| {
            state = state.wrapping_mul(6364136223846793005).wrapping_add(1);
            ((state >> 33) as usize) % (n + 1)
        })
        .collect();
    points.push(0);
    points.push(n);
    points.sort_unstable();
    points.windows(2).map(|w| (w[0], w[1])).collect()
}

/// Runs the split fit and checks it against `fit`.
fn check(what: &str, data: &[f64], dim: usize, options: MeanShiftOptions, shards: usize) {
    let n = data.len() / dim;
    let x = Matrix::from_f64("X", data, n, dim).unwrap();
    let whole = fit(&x, &options).unwrap();
    let seeds = seeds_for(&x, &options).unwrap();
    assert_eq!(
        seeds.bandwidth.to_bits(),
        whole.bandwidth.to_bits(),
        "{what}: bandwidth"
    );
    let mut climbed: Vec<ClimbShard> = cuts(seeds.n_seeds(), shards, shards as u64)
        .into_iter()
        .map(|(start, end)| {
            let run = &seeds.seeds[start * dim..end * dim];
            let run = Matrix::from_f64("seeds", run, end - start, dim).unwrap();
            let options = ClimbOptions {
                bandwidth: seeds.bandwidth,
                max_iter: options.max_iter,
                first_seed: start,
                total_seeds: Some(seeds.n_seeds()),
                n_jobs: Some(1),
                kernel: options.kernel,
                kernel_cutoff: options.kernel_cutoff,
                sample_weight: options.sample_weight,
            };
            climb_seeds(&x, &run, &options).unwrap()
        })
        .collect();
    climbed.reverse();
    let modes = merge_modes(&climbed, seeds.bandwidth).unwrap();
    assert!(
        same_bits(&modes.cluster_centers, &whole.cluster_centers),
        "{what} ({shards} shards): centres {:?} != {:?}",
        modes.cluster_centers,
        whole.cluster_centers
    );
    assert_eq!(modes.n_iter, whole.n_iter, "{what}: n_iter");
    let centers =
        Matrix::from_f64("centers", &modes.cluster_centers, modes.n_clusters(), dim).unwrap();
    let mut labels = Vec::new();
    for (start, end) in cuts(n, shards + 1, 7) {
        let rows = Matrix::from_f64("X", &data[start * dim..end * dim], end - start, dim).unwrap();
        let label_options = LabelOptions {
            cluster_all: options.cluster_all,
            bandwidth: Some(seeds.bandwidth),
            n_jobs: Some(2),
        };
        labels.extend(assign_labels(&rows, &centers, &label_options).unwrap());
    }
    assert_eq!(labels, whole.labels, "{what}: labels");
}

#[test]
fn split_fits_give_fits_bits() {
    let two_d = blobs(3_000, 2, 4, 0.8, 3);
    for shards in [1, 2, 5, 17] {
        // Every point a seed: the lock-step rounds in the whole fit, fewer seeds per run.
        check(
            "2-D rounds",
            &two_d,
            2,
            MeanShiftOptions {
                bandwidth: Some(1.2),
                ..Default::default()
            },
            shards,
        );
        check(
            "2-D bins, orphans",
            &two_d,
            2,
            MeanShiftOptions {
                bandwidth: Some(0.9),
                bin_seeding: true,
                cluster_all: false,
                ..Default::default()
            },
            shards,
        );
    }
    let three_d = blobs(800, 3, 3, 1.0, 11);
    check(
        "3-D tree",
        &three_d,
        3,
        MeanShiftOptions {
            bandwidth: Some(2.0),
            ..Default::default()
        },
        6,
    );
    let high = blobs(300, 20, 3, 1.0, 5);
    check(
        "20-D scan",
        &high,
        20,
        MeanShiftOptions {
            bandwidth: Some(6.0),
            max_iter: 4,
            ..Default::default()
        },
        4,
    );
    // Weights (some 0) and kernels: the same law.
    let weights: Vec<f64> = (0..3_000).map(|i| ((i * 7) % 5) as f64 * 0.75).collect();
    for shards in [1, 4] {
        check(
            "2-D weighted rounds",
            &two_d,
            2,
            MeanShiftOptions {
                bandwidth: Some(1.2),
                sample_weight: Some(&weights),
                ..Default::default()
            },
            shards,
        );
        check(
            "2-D weighted bins",
            &two_d,
            2,
            MeanShiftOptions {
                bandwidth: Some(0.9),
                bin_seeding: true,
                sample_weight: Some(&weights),
                ..Default::default()
            },
            shards,
        );
    }
    check(
        "3-D weighted tree",
        &three_d,
        3,
        MeanShiftOptions {
            bandwidth: Some(2.0),
            sample_weight: Some(&weights[..800]),
            ..Default::default()
        },
        5,
    );
    for kernel in [meanshift::Kernel::Gaussian, meanshift::Kernel::Epanechnikov] {
        check(
            "2-D kernel",
            &two_d[..1_200],
            2,
            MeanShiftOptions {
                bandwidth: Some(1.2),
                kernel,
                kernel_cutoff: 2.0,
                sample_weight: Some(&weights[..600]),
                max_iter: 30,
                ..Default::default()
            },
            3,
        );
        check(
            "20-D kernel scan",
            &high,
            20,
            MeanShiftOptions {
                bandwidth: Some(6.0),
                kernel,
                max_iter: 10,
                ..Default::default()
            },
            3,
        );
    }
    check(
        "estimated bandwidth, bins",
        &two_d[..1_000],
        2,
        MeanShiftOptions {
            bin_seeding: true,
            ..Default::default()
        },
        3,
    );
}

/// Two seeds that end at the same position bit for bit with different counts:
/// scikit-learn keeps the later seed's count, so the order of the seeds
/// decides the centres' order. Merged shards are put back in seed order.
#[test]
fn the_later_seeds_count_wins_whatever_the_order_of_the_shards() {
    // From 0.5 the ball of radius 0.5 holds {1}; from 1 it holds {1, 1 + 2^-52}, whose
    // mean rounds to 1 as well. One step each (max_iter 0).
    let x = [1.0, 1.0 + f64::EPSILON, 5.0];
    let x = Matrix::from_f64("X", &x, 3, 1).unwrap();
    let seeds_in = |order: &[f64]| {
        let options = ClimbOptions {
            bandwidth: 0.5,
            max_iter: 0,
            ..Default::default()
        };
        let fit_with = |seeds: &[f64]| {
            let seeds = Matrix::from_f64("seeds", seeds, seeds.len(), 1).unwrap();
            fit(
                &x,
                &MeanShiftOptions {
                    bandwidth: Some(0.5),
                    max_iter: 0,
                    seeds: Some(seeds),
                    ..Default::default()
                },
            )
            .unwrap()
            .cluster_centers
        };
        let whole = fit_with(order);
        let shards: Vec<ClimbShard> = order
            .iter()
            .enumerate()
            .rev()
            .map(|(i, s)| {
                let seed = [*s];
                let seed = Matrix::from_f64("seeds", &seed, 1, 1).unwrap();
                let options = ClimbOptions {
                    first_seed: i,
                    total_seeds: Some(3),
                    ..options
                };
                climb_seeds(&x, &seed, &options).unwrap()
            })
            .collect();
        (whole, merge_modes(&shards, 0.5).unwrap().cluster_centers)
    };
    assert_eq!(seeds_in(&[0.5, 1.0, 5.0]), (vec![1.0, 5.0], vec![1.0, 5.0]));
    assert_eq!(seeds_in(&[1.0, 0.5, 5.0]), (vec![5.0, 1.0], vec![5.0, 1.0]));
}

#[test]
fn bad_shards_are_errors() {
    let x = [0.0, 0.0, 1.0, 1.0];
    let x = Matrix::from_f64("X", &x, 2, 2).unwrap();
    let empty = Matrix::from_f64("seeds", &[], 0, 2).unwrap();
    let none = climb_seeds(&x, &empty, &ClimbOptions::default()).unwrap();
    assert_eq!(none.n_seeds(), 0);
    assert!(matches!(
        merge_modes(&[none.clone()], 1.0),
        Err(MeanShiftError::Empty {
            matrix: "climbs",
            ..
        })
    ));
    assert!(matches!(
        merge_modes(&[], 1.0),
        Err(MeanShiftError::Empty { .. })
    ));
    let bad = ClimbOptions {
        bandwidth: 0.0,
        ..Default::default()
    };
    assert_eq!(
        climb_seeds(&x, &x, &bad).unwrap_err().parameter(),
        Some("bandwidth")
    );
    let far = [100.0, 100.0];
    let far = Matrix::from_f64("seeds", &far, 1, 2).unwrap();
    let lost = climb_seeds(&x, &far, &ClimbOptions::default()).unwrap();
    assert!(matches!(
        merge_modes(&[lost.clone()], 1.0),
        Err(MeanShiftError::NoPointWithinBandwidth { .. })
    ));
    let mut wide = lost.clone();
    wide.n_features = 3;
    assert!(matches!(
        merge_modes(&[lost.clone(), wide], 1.0),
        Err(MeanShiftError::Features { .. })
    ));
    let mut short = lost;
    short.n_iter.clear();
    assert!(matches!(
        merge_modes(&[short], 1.0),
        Err(MeanShiftError::Shape { .. })
    ));
    let centers = Matrix::from_f64("centers", &[0.0, 0.0], 1, 2).unwrap();
    let orphans = LabelOptions {
        cluster_all: false,
        ..Default::default()
    };
    assert_eq!(
        assign_labels(&x, &centers, &orphans)
            .unwrap_err()
            .parameter(),
        Some("bandwidth")
    );
}
