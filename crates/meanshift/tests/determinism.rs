//! Results do not depend on the number of threads, and repeated fits are bit-identical.

mod common;

use common::same_bits;
use meanshift::{
    estimate_bandwidth, fit, make_blobs, predict, with_threads, BandwidthOptions, Blobs,
    BlobsOptions, Centers, Matrix, MeanShiftFit, MeanShiftOptions,
};

fn blobs(n_samples: usize, n_features: usize, k: usize, std: f64, random_state: u32) -> Blobs {
    make_blobs(&BlobsOptions {
        n_samples,
        n_features,
        centers: Centers::Count(k),
        cluster_std: vec![std],
        random_state,
        ..Default::default()
    })
    .unwrap()
}

fn assert_same_fit(what: &str, a: &MeanShiftFit, b: &MeanShiftFit) {
    assert_eq!(a.n_features, b.n_features, "{what}: n_features");
    assert_eq!(a.n_clusters(), b.n_clusters(), "{what}: number of centres");
    assert!(
        same_bits(&a.cluster_centers, &b.cluster_centers),
        "{what}: centres not bit-identical"
    );
    assert_eq!(a.labels, b.labels, "{what}: labels");
    assert_eq!(a.n_iter, b.n_iter, "{what}: n_iter");
    assert_eq!(
        a.bandwidth.to_bits(),
        b.bandwidth.to_bits(),
        "{what}: bandwidth"
    );
    assert_eq!(a.warnings, b.warnings, "{what}: warnings");
}

/// Fits with n_jobs 1, 2 and None (all cores) and checks the three results agree to the bit;
/// returns the serial fit.
fn check_thread_independence(what: &str, x: &Matrix, base: MeanShiftOptions) -> MeanShiftFit {
    let serial = fit(
        x,
        &MeanShiftOptions {
            n_jobs: Some(1),
            ..base
        },
    )
    .unwrap();
    for n_jobs in [Some(2), None, Some(-1)] {
        let other = fit(x, &MeanShiftOptions { n_jobs, ..base }).unwrap();
        assert_same_fit(
            &format!("{what}, n_jobs {n_jobs:?} vs Some(1)"),
            &serial,
            &other,
        );
    }
    serial
}

#[test]
fn fit_2d_blobs_is_thread_count_independent() {
    let b = blobs(3000, 2, 5, 1.0, 3);
    let x = Matrix::from_f64("X", &b.x, b.n_samples, b.n_features).unwrap();
    let fixed = check_thread_independence(
        "2-D bandwidth 1.0",
        &x,
        MeanShiftOptions {
            bandwidth: Some(1.0),
            ..Default::default()
        },
    );
    assert!(
        fixed.n_clusters() >= 3,
        "expected several clusters, got {}",
        fixed.n_clusters()
    );
    let orphans = check_thread_independence(
        "2-D bandwidth 0.6, clusterAll false",
        &x,
        MeanShiftOptions {
            bandwidth: Some(0.6),
            cluster_all: false,
            ..Default::default()
        },
    );
    assert!(orphans.labels.iter().all(|&l| l >= -1));
    // The bandwidth estimated inside fit (quadratic estimate on all rows) as well.
    let estimated =
        check_thread_independence("2-D bandwidth estimated", &x, MeanShiftOptions::default());
    assert!(estimated.bandwidth > 0.0);

    // predict does not depend on the thread count either.
    let serial = predict(&x, &fixed.cluster_centers, 2, Some(1)).unwrap();
    assert_eq!(
        predict(&x, &fixed.cluster_centers, 2, Some(2)).unwrap(),
        serial
    );
    assert_eq!(
        predict(&x, &fixed.cluster_centers, 2, None).unwrap(),
        serial
    );
    assert_eq!(
        serial, fixed.labels,
        "predict on the training data equals labels (cluster_all)"
    );
}

#[test]
fn fit_5d_bin_seeding_is_thread_count_independent() {
    let b = blobs(3000, 5, 4, 1.5, 5);
    let x = Matrix::from_f64("X", &b.x, b.n_samples, b.n_features).unwrap();
    let given = check_thread_independence(
        "5-D bin seeding bandwidth 2.5 minBinFreq 3",
        &x,
        MeanShiftOptions {
            bandwidth: Some(2.5),
            bin_seeding: true,
            min_bin_freq: 3,
            ..Default::default()
        },
    );
    assert!(given.n_clusters() >= 2);
    check_thread_independence(
        "5-D bin seeding bandwidth estimated",
        &x,
        MeanShiftOptions {
            bin_seeding: true,
            ..Default::default()
        },
    );
}

#[test]
fn estimate_bandwidth_is_thread_count_independent() {
    for (b, label) in [
        (blobs(3000, 2, 5, 1.0, 3), "2-D"),
        (blobs(3000, 5, 4, 1.5, 5), "5-D"),
    ] {
        let x = Matrix::from_f64("X", &b.x, b.n_samples, b.n_features).unwrap();
        for options in [
            BandwidthOptions::default(),
            BandwidthOptions {
                quantile: 0.1,
                n_samples: Some(1000),
                random_state: 9,
            },
        ] {
            let one = with_threads(1, || estimate_bandwidth(&x, &options))
                .unwrap()
                .unwrap();
            let two = with_threads(2, || estimate_bandwidth(&x, &options))
                .unwrap()
                .unwrap();
            assert!(one > 0.0);
            assert_eq!(
                one.to_bits(),
                two.to_bits(),
                "{label} {options:?}: {one} vs {two}"
            );
        }
    }
}

#[test]
fn fitting_twice_gives_the_same_bits() {
    let b = blobs(3000, 2, 5, 1.0, 3);
    let x = Matrix::from_f64("X", &b.x, b.n_samples, b.n_features).unwrap();
    let options = MeanShiftOptions {
        bandwidth: Some(1.0),
        ..Default::default()
    };
    let first = fit(&x, &options).unwrap();
    let second = fit(&x, &options).unwrap();
    assert_same_fit("2-D refit", &first, &second);
    assert_eq!(first, second);

    let b5 = blobs(3000, 5, 4, 1.5, 5);
    let x5 = Matrix::from_f64("X", &b5.x, b5.n_samples, b5.n_features).unwrap();
    let options = MeanShiftOptions {
        bandwidth: Some(2.5),
        bin_seeding: true,
        min_bin_freq: 3,
        ..Default::default()
    };
    assert_same_fit(
        "5-D refit",
        &fit(&x5, &options).unwrap(),
        &fit(&x5, &options).unwrap(),
    );

    // make_blobs itself is deterministic.
    assert_eq!(blobs(3000, 2, 5, 1.0, 3), b);
}

#[test]
fn weighted_and_kernel_fits_are_thread_count_independent() {
    let weights: Vec<f64> = (0..3000).map(|i| ((i * 13) % 7) as f64 * 0.625).collect();
    for (dim, bandwidth) in [(2, 1.0), (3, 1.5), (20, 6.0)] {
        let n = if dim == 20 { 400 } else { 3000 };
        let b = blobs(n, dim, 4, 1.0, 5);
        let x = Matrix::from_f64("X", &b.x, b.n_samples, b.n_features).unwrap();
        for kernel in [
            meanshift::Kernel::Flat,
            meanshift::Kernel::Gaussian,
            meanshift::Kernel::Epanechnikov,
        ] {
            for sample_weight in [None, Some(&weights[..n])] {
                check_thread_independence(
                    &format!("{dim}-D {kernel:?}, weights {}", sample_weight.is_some()),
                    &x,
                    MeanShiftOptions {
                        bandwidth: Some(bandwidth),
                        kernel,
                        sample_weight,
                        max_iter: 40,
                        ..Default::default()
                    },
                );
            }
        }
        check_thread_independence(
            &format!("{dim}-D weighted bins"),
            &x,
            MeanShiftOptions {
                bandwidth: Some(bandwidth),
                bin_seeding: true,
                sample_weight: Some(&weights[..n]),
                ..Default::default()
            },
        );
    }
}

#[test]
fn high_dimensional_lockstep_fits_are_thread_count_independent() {
    // Above 16 features: the ball tree, every point a seed, climbs in lock-step;
    // 5,000 points, so that the tree's top nodes are built in parallel.
    for (dim, bandwidth) in [(20, 6.0), (48, 9.0)] {
        let b = blobs(5000, dim, 5, 1.0, 11);
        let x = Matrix::from_f64("X", &b.x, b.n_samples, b.n_features).unwrap();
        let serial = check_thread_independence(
            &format!("{dim}-D every point a seed"),
            &x,
            MeanShiftOptions {
                bandwidth: Some(bandwidth),
                ..Default::default()
            },
        );
        assert!(serial.n_clusters() >= 2, "{dim}-D: {}", serial.n_clusters());
    }
}
