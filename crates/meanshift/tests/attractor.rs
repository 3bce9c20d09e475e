//! `cluster_assignment: Attractor`: the law (a sample's label is the first
//! centre within the bandwidth of its own climb's end), checked against the
//! core's climbs (`climb_seeds`), on data where it differs from the nearest
//! centre and where it does not.

use meanshift::{
    climb_seeds, estimate_bandwidth, fit, make_blobs, predict_attractors, seeds_for,
    AttractorModel, BandwidthOptions, BlobsOptions, Centers, ClimbOptions, ClusterAssignment,
    Kernel, Matrix, MeanShiftFit, MeanShiftOptions,
};

const ATTRACTOR: ClusterAssignment = ClusterAssignment::Attractor;

fn m(data: &[f64], n_cols: usize) -> Matrix<'_> {
    Matrix::from_f64("X", data, data.len() / n_cols, n_cols).unwrap()
}

/// `examples/data/moons.csv` (written by `scripts/make-moons.mjs`): 150 rows of the
/// upper moon, then 150 of the lower one.
fn moons() -> Vec<f64> {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../examples/data/moons.csv");
    let text = std::fs::read_to_string(path).unwrap();
    text.lines()
        .skip(1)
        .flat_map(|line| line.split(',').map(|v| v.parse::<f64>().unwrap()))
        .collect()
}

/// Two long thin strips side by side (x spread 0.2 around 0 and 1.4, y spread 4),
/// 200 points each, and which strip each point is in.
fn strips() -> (Vec<f64>, Vec<i32>) {
    let blobs = make_blobs(&BlobsOptions {
        n_samples: 400,
        centers: Centers::Fixed {
            values: vec![0.0, 0.0, 1.0, 0.0],
            n_centers: 2,
        },
        ..Default::default()
    })
    .unwrap();
    let x = blobs
        .x
        .chunks_exact(2)
        .zip(&blobs.y)
        .flat_map(|(p, &y)| {
            let y = f64::from(y);
            [y * 1.4 + (p[0] - y) * 0.2, p[1] * 4.0]
        })
        .collect();
    (x, blobs.y)
}

/// The first centre within `bandwidth` of `end`, by brute force in the core's arithmetic
/// (`Σ (c - e)²` in feature order, boundary included); else the nearest, or -1.
fn first_centre_within(
    end: &[f64],
    intensity: f64,
    model: &MeanShiftFit,
    cluster_all: bool,
) -> i32 {
    let d2 = |c: &[f64]| -> f64 { c.iter().zip(end).map(|(a, b)| (a - b) * (a - b)).sum() };
    let centers = model.cluster_centers.chunks_exact(model.n_features);
    let radius2 = model.bandwidth * model.bandwidth;
    if intensity > 0.0 {
        if let Some(j) = centers.clone().position(|c| d2(c) <= radius2) {
            return j as i32;
        }
    }
    if !cluster_all {
        return -1;
    }
    let mut best = (0, f64::INFINITY);
    for (j, c) in centers.enumerate() {
        if d2(c) < best.1 {
            best = (j, d2(c));
        }
    }
    best.0 as i32
}

/// Checks the law for every sample of `data`: its climb (from the sample, on the fit's
/// structure: `total_seeds` = the fit's seeds) ends within the bandwidth of its label's
/// centre and of no earlier one. Returns the model.
fn check_law(data: &[f64], dim: usize, options: &MeanShiftOptions) -> MeanShiftFit {
    let x = m(data, dim);
    let model = fit(&x, options).unwrap();
    let n_seeds = seeds_for(&x, options).unwrap().n_seeds();
    assert_eq!(model.n_seeds, n_seeds);
    let climbs = climb_on_fit_structure(&x, &model, options);
    for (i, label) in model.labels.iter().enumerate() {
        let end = &climbs.positions[i * dim..(i + 1) * dim];
        let expected = first_centre_within(end, climbs.intensities[i], &model, options.cluster_all);
        assert_eq!(*label, expected, "sample {i}");
    }
    model
}

/// Every sample's climb on the fit's structure: `climb_seeds` from the samples, in
/// runs of at most the fit's seed count, each run told the fit's total.
fn climb_on_fit_structure(
    x: &Matrix,
    model: &MeanShiftFit,
    options: &MeanShiftOptions,
) -> meanshift::ClimbShard {
    let dim = x.n_cols();
    let data = x.to_f64().unwrap();
    let mut positions = Vec::new();
    let mut intensities = Vec::new();
    for run in data.chunks(model.n_seeds * dim) {
        let seeds = Matrix::from_f64("seeds", run, run.len() / dim, dim).unwrap();
        let shard = climb_seeds(
            x,
            &seeds,
            &ClimbOptions {
                bandwidth: model.bandwidth,
                max_iter: options.max_iter,
                kernel: options.kernel,
                kernel_cutoff: options.kernel_cutoff,
                sample_weight: options.sample_weight,
                total_seeds: Some(model.n_seeds),
                ..Default::default()
            },
        )
        .unwrap();
        positions.extend(shard.positions);
        intensities.extend(shard.intensities);
    }
    meanshift::ClimbShard {
        first_seed: 0,
        n_features: dim,
        n_iter: vec![0; intensities.len()],
        positions,
        intensities,
    }
}

fn options(bandwidth: f64) -> MeanShiftOptions<'static> {
    MeanShiftOptions {
        bandwidth: Some(bandwidth),
        cluster_assignment: ATTRACTOR,
        ..Default::default()
    }
}

/// Points whose label's centre lies on the other side of `split` (in x) from their group.
fn crossings(model: &MeanShiftFit, groups: &[i32], split: f64) -> usize {
    model
        .labels
        .iter()
        .zip(groups)
        .filter(|(&l, &g)| {
            let centre_x = model.cluster_centers[l as usize * model.n_features];
            i32::from(centre_x > split) != g
        })
        .count()
}

#[test]
fn on_two_strips_side_by_side_attractors_stay_in_their_strip_where_nearest_centres_do_not() {
    let (data, strip) = strips();
    let attractor = check_law(&data, 2, &options(0.9));
    let nearest = fit(
        &m(&data, 2),
        &MeanShiftOptions {
            cluster_assignment: ClusterAssignment::NearestCentroid,
            ..options(0.9)
        },
    )
    .unwrap();
    assert_eq!(
        attractor.cluster_centers, nearest.cluster_centers,
        "the same centres"
    );
    assert_eq!(attractor.n_iter, nearest.n_iter);
    assert_ne!(attractor.labels, nearest.labels);
    assert_eq!(crossings(&attractor, &strip, 0.7), 0);
    assert!(crossings(&nearest, &strip, 0.7) >= 10);
}

#[test]
fn on_the_moons_attractors_cross_between_moons_less_than_nearest_centres() {
    let data = moons();
    let moon: Vec<i32> = (0..300).map(|i| i32::from(i >= 150)).collect();
    let attractor = check_law(&data, 2, &options(0.4));
    let nearest = fit(
        &m(&data, 2),
        &MeanShiftOptions {
            cluster_assignment: ClusterAssignment::NearestCentroid,
            ..options(0.4)
        },
    )
    .unwrap();
    assert_eq!(attractor.cluster_centers, nearest.cluster_centers);
    let differ = attractor
        .labels
        .iter()
        .zip(&nearest.labels)
        .filter(|(a, b)| a != b)
        .count();
    assert!(differ >= 20, "{differ} labels differ");
    // Points whose cluster holds more points of the other moon than of their own.
    let mixed = |labels: &[i32]| -> usize {
        let k = labels.iter().max().map_or(0, |&l| l as usize + 1);
        let mut counts = vec![[0usize; 2]; k];
        for (&l, &g) in labels.iter().zip(&moon) {
            counts[l as usize][g as usize] += 1;
        }
        counts.iter().map(|c| c[0].min(c[1])).sum()
    };
    assert!(
        mixed(&attractor.labels) < mixed(&nearest.labels),
        "attractor {} vs nearest {}",
        mixed(&attractor.labels),
        mixed(&nearest.labels)
    );
}

#[test]
fn on_the_tutorial_blobs_attractors_are_the_nearest_centres() {
    let blobs = make_blobs(&BlobsOptions {
        n_samples: 1000,
        centers: Centers::Fixed {
            values: vec![5.0, 5.0, 3.0, 3.0, 1.0, 1.0],
            n_centers: 3,
        },
        cluster_std: vec![0.3],
        ..Default::default()
    })
    .unwrap();
    let x = m(&blobs.x, 2);
    let bandwidth = estimate_bandwidth(
        &x,
        &BandwidthOptions {
            quantile: 0.2,
            n_samples: Some(500),
            random_state: 0,
        },
    )
    .unwrap();
    let attractor = check_law(&blobs.x, 2, &options(bandwidth));
    let nearest = fit(
        &x,
        &MeanShiftOptions {
            bandwidth: Some(bandwidth),
            ..Default::default()
        },
    )
    .unwrap();
    assert_eq!(attractor.n_clusters(), 3);
    assert_eq!(attractor.labels, nearest.labels);
}

#[test]
fn with_bin_seeds_every_sample_climbs_and_follows_the_law() {
    let (data, _) = strips();
    let options = MeanShiftOptions {
        bin_seeding: true,
        ..options(0.9)
    };
    let model = check_law(&data, 2, &options);
    assert!(model.n_seeds < 400, "{} bin seeds", model.n_seeds);
}

#[test]
fn with_weights_and_smooth_kernels_every_sample_follows_the_law_and_predict_agrees() {
    let (data, _) = strips();
    // Whole weights 0 to 3: rows of weight 0 seed nothing but climb for their label.
    let weights: Vec<f64> = (0..400).map(|i| f64::from((i * 7 % 4) as u32)).collect();
    for (kernel, bin_seeding) in [
        (Kernel::Flat, false),
        (Kernel::Gaussian, false),
        (Kernel::Epanechnikov, true),
    ] {
        let options = MeanShiftOptions {
            kernel,
            bin_seeding,
            sample_weight: Some(&weights),
            ..options(0.9)
        };
        let model = check_law(&data, 2, &options);
        let x = m(&data, 2);
        let attractors = AttractorModel {
            x,
            cluster_centers: &model.cluster_centers,
            bandwidth: model.bandwidth,
            max_iter: options.max_iter,
            cluster_all: options.cluster_all,
            n_seeds: model.n_seeds,
            kernel,
            kernel_cutoff: options.kernel_cutoff,
            sample_weight: options.sample_weight,
        };
        assert_eq!(
            predict_attractors(&x, &attractors, Some(2)).unwrap(),
            model.labels,
            "{kernel:?}"
        );
    }
}

#[test]
fn with_given_seeds_every_sample_climbs_and_follows_the_law() {
    let data = moons();
    // Some rows of X (their climbs are shared) and some points off the data.
    let mut seeds: Vec<f64> = data[..20].to_vec();
    seeds.extend([0.0, 0.25, 1.0, 0.0, 2.0, 0.25, -1.0, 0.0]);
    let seeds = Matrix::from_f64("seeds", &seeds, seeds.len() / 2, 2).unwrap();
    for cluster_all in [true, false] {
        check_law(
            &data,
            2,
            &MeanShiftOptions {
                seeds: Some(seeds),
                cluster_all,
                ..options(0.4)
            },
        );
    }
}

#[test]
fn an_isolated_point_no_seed_reaches_is_an_orphan_unless_cluster_all() {
    // A blob and a far point; the seeds are in the blob only.
    let mut data: Vec<f64> = (0..20)
        .flat_map(|i| [f64::from(i % 5) * 0.1, f64::from(i / 5) * 0.1])
        .collect();
    data.extend([50.0, 50.0]);
    let seeds = [0.2, 0.2];
    let seeds = Matrix::from_f64("seeds", &seeds, 1, 2).unwrap();
    for (cluster_all, expected) in [(false, -1), (true, 0)] {
        let model = check_law(
            &data,
            2,
            &MeanShiftOptions {
                seeds: Some(seeds),
                cluster_all,
                ..options(1.0)
            },
        );
        assert_eq!(model.n_clusters(), 1);
        assert_eq!(model.labels[20], expected);
        assert!(model.labels[..20].iter().all(|&l| l == 0));
    }
}

#[test]
fn predict_climbs_new_points_as_the_fit_climbed_its_samples() {
    let data = moons();
    for bin_seeding in [false, true] {
        for cluster_all in [true, false] {
            let options = MeanShiftOptions {
                bin_seeding,
                cluster_all,
                ..options(0.4)
            };
            let x = m(&data, 2);
            let model = fit(&x, &options).unwrap();
            let attractors = AttractorModel {
                x,
                cluster_centers: &model.cluster_centers,
                bandwidth: model.bandwidth,
                max_iter: options.max_iter,
                cluster_all,
                n_seeds: model.n_seeds,
                kernel: options.kernel,
                kernel_cutoff: options.kernel_cutoff,
                sample_weight: options.sample_weight,
            };
            assert_eq!(
                predict_attractors(&x, &attractors, Some(2)).unwrap(),
                model.labels
            );
            // A point far from the data finds no neighbour.
            let far = [10.0, 10.0];
            let label = predict_attractors(&m(&far, 2), &attractors, None).unwrap()[0];
            assert_eq!(label >= 0, cluster_all, "label {label}");
        }
    }
}

#[test]
fn attractor_labels_are_the_same_for_any_number_of_threads() {
    let (data, _) = strips();
    for bin_seeding in [false, true] {
        let base = MeanShiftOptions {
            bin_seeding,
            n_jobs: Some(1),
            ..options(0.9)
        };
        let one = fit(&m(&data, 2), &base).unwrap();
        for n_jobs in [2, 4] {
            let other = fit(
                &m(&data, 2),
                &MeanShiftOptions {
                    n_jobs: Some(n_jobs),
                    ..base
                },
            )
            .unwrap();
            assert_eq!(other, one, "n_jobs {n_jobs}, bin_seeding {bin_seeding}");
        }
    }
}
