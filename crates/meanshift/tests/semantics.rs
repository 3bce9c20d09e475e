//! Spec facts that the scikit-learn fixtures do not pin down directly.

use meanshift::{
    estimate_bandwidth, fit, get_bin_seeds, make_blobs, predict, BandwidthOptions, BlobsOptions,
    Centers, Matrix, MeanShiftError, MeanShiftOptions, SeedPrecision,
};

fn m<'a>(data: &'a [f64], n_cols: usize) -> Matrix<'a> {
    Matrix::from_f64("X", data, data.len() / n_cols, n_cols).unwrap()
}

// --------------------------------------------------------------------------- hill climbing

/// X = [0, 1, 2, 10] (1-D), bandwidth 1.5, one seed at 0:
/// move 1: neighbours {0, 1} -> 0.5; move 2: {0, 1, 2} (2 is exactly on the radius) -> 1.0;
/// move 3: {0, 1, 2} -> 1.0, shift 0 -> stop.
const LINE: [f64; 4] = [0.0, 1.0, 2.0, 10.0];

#[test]
fn max_iter_zero_still_moves_once() {
    let x = m(&LINE, 1);
    let seeds = [0.0];
    let seeds = Matrix::from_f64("seeds", &seeds, 1, 1).unwrap();
    let model = fit(
        &x,
        &MeanShiftOptions {
            bandwidth: Some(1.5),
            seeds: Some(seeds),
            max_iter: 0,
            ..Default::default()
        },
    )
    .unwrap();
    assert_eq!(
        model.cluster_centers,
        vec![0.5],
        "the seed moved once, to the mean of its neighbours"
    );
    assert_eq!(model.n_iter, 0);
}

#[test]
fn discarded_seeds_still_count_for_n_iter_and_far_seeds_alone_fail() {
    let x = m(&LINE, 1);
    let seeds = [0.0, 5.0];
    let seeds = Matrix::from_f64("seeds", &seeds, 2, 1).unwrap();
    let model = fit(
        &x,
        &MeanShiftOptions {
            bandwidth: Some(1.5),
            seeds: Some(seeds),
            ..Default::default()
        },
    )
    .unwrap();
    assert_eq!(model.cluster_centers, vec![1.0]);
    assert_eq!(model.n_iter, 2);

    let far = [5.0, -5.0];
    let far = Matrix::from_f64("seeds", &far, 2, 1).unwrap();
    let err = fit(
        &x,
        &MeanShiftOptions {
            bandwidth: Some(1.5),
            seeds: Some(far),
            ..Default::default()
        },
    )
    .unwrap_err();
    assert_eq!(
        err,
        MeanShiftError::NoPointWithinBandwidth { bandwidth: 1.5 }
    );
    assert_eq!(
        err.to_string(),
        "No point was within bandwidth=1.500000 of any seed. Try a different seeding strategy or increase the bandwidth."
    );
}

// --------------------------------------------------------------------------- ordering of centres

const SPEC_X: [f64; 12] = [1.0, 1.0, 2.0, 1.0, 1.0, 0.0, 4.0, 7.0, 3.0, 5.0, 3.0, 6.0];
const SPEC_X_REORDERED: [f64; 12] = [4.0, 7.0, 3.0, 5.0, 3.0, 6.0, 1.0, 1.0, 2.0, 1.0, 1.0, 0.0];

#[test]
fn intensity_tie_is_broken_by_the_position_tuple() {
    let options = MeanShiftOptions {
        bandwidth: Some(2.0),
        ..Default::default()
    };
    let a = fit(&m(&SPEC_X, 2), &options).unwrap();
    let b = fit(&m(&SPEC_X_REORDERED, 2), &options).unwrap();
    // Both modes have intensity 3: the larger tuple (3.33, 6) comes first either way.
    assert_eq!(a.labels, vec![1, 1, 1, 0, 0, 0]);
    assert_eq!(b.labels, vec![0, 0, 0, 1, 1, 1]);
    assert_eq!(a.cluster_centers, b.cluster_centers);
    assert_eq!(a.n_iter, 2);
    let c = &a.cluster_centers;
    assert!(
        (c[0] - 10.0 / 3.0).abs() < 1e-12
            && c[1] == 6.0
            && (c[2] - 4.0 / 3.0).abs() < 1e-12
            && (c[3] - 2.0 / 3.0).abs() < 1e-12,
        "{c:?}"
    );
    let p = [0.0, 0.0, 5.0, 5.0];
    assert_eq!(
        predict(&m(&p, 2), &a.cluster_centers, 2, None).unwrap(),
        vec![1, 0]
    );
}

#[test]
fn intensity_tie_in_one_dimension_first_coordinate_decides() {
    // Two pairs, each mode with intensity 2; the larger position comes first whatever the order.
    let options = MeanShiftOptions {
        bandwidth: Some(1.0),
        ..Default::default()
    };
    let a = fit(&m(&[0.0, 0.5, 5.0, 5.5], 1), &options).unwrap();
    let b = fit(&m(&[5.0, 5.5, 0.0, 0.5], 1), &options).unwrap();
    assert_eq!(a.cluster_centers, vec![5.25, 0.25]);
    assert_eq!(b.cluster_centers, vec![5.25, 0.25]);
    assert_eq!(a.labels, vec![1, 1, 0, 0]);
    assert_eq!(b.labels, vec![0, 0, 1, 1]);
    // Higher intensity beats a larger position.
    let c = fit(&m(&[0.0, 0.5, 0.25, 5.0, 5.5], 1), &options).unwrap();
    assert_eq!(c.cluster_centers, vec![0.25, 5.25]);
}

// --------------------------------------------------------------------------- orphans

fn spec_blobs() -> Vec<f64> {
    make_blobs(&BlobsOptions {
        n_samples: 300,
        centers: Centers::Fixed {
            values: vec![11.0, 11.0, 9.0, 9.0, 11.0, 9.0],
            n_centers: 3,
        },
        cluster_std: vec![0.4],
        random_state: 11,
        ..Default::default()
    })
    .unwrap()
    .x
}

#[test]
fn orphans_get_minus_one_only_without_cluster_all_and_predict_never() {
    let x = [0.0, 0.25, 0.5, 10.0];
    let x = m(&x, 1);
    let seeds = [0.0];
    let seeds = Matrix::from_f64("seeds", &seeds, 1, 1).unwrap();
    let base = MeanShiftOptions {
        bandwidth: Some(1.0),
        seeds: Some(seeds),
        ..Default::default()
    };
    let all = fit(&x, &base).unwrap();
    assert_eq!(all.cluster_centers, vec![0.25]);
    assert_eq!(all.labels, vec![0, 0, 0, 0]);
    let some = fit(
        &x,
        &MeanShiftOptions {
            cluster_all: false,
            ..base
        },
    )
    .unwrap();
    assert_eq!(some.labels, vec![0, 0, 0, -1]);
    assert_eq!(
        predict(&x, &some.cluster_centers, 1, None).unwrap(),
        vec![0, 0, 0, 0]
    );
    // Exactly at the bandwidth is not an orphan: -1 and 1 are at distance 1 from the centre 0.
    let edge = [-1.0, 0.0, 1.0, 2.5];
    let zero = [0.0];
    let zero = Matrix::from_f64("seeds", &zero, 1, 1).unwrap();
    let edge_fit = fit(
        &m(&edge, 1),
        &MeanShiftOptions {
            cluster_all: false,
            seeds: Some(zero),
            ..base
        },
    )
    .unwrap();
    assert_eq!(edge_fit.cluster_centers, vec![0.0]);
    assert_eq!(edge_fit.labels, vec![0, 0, 0, -1]);

    // The spec's blobs: 4 distinct labels, the smallest -1; predict never -1.
    let blobs = spec_blobs();
    let xb = m(&blobs, 2);
    let model = fit(
        &xb,
        &MeanShiftOptions {
            bandwidth: Some(1.2),
            cluster_all: false,
            ..Default::default()
        },
    )
    .unwrap();
    let mut distinct = model.labels.clone();
    distinct.sort_unstable();
    distinct.dedup();
    assert_eq!(distinct, vec![-1, 0, 1, 2]);
    let predicted = predict(&xb, &model.cluster_centers, 2, None).unwrap();
    assert!(predicted.iter().all(|&l| l >= 0));
    // Where fit did not give -1, predict agrees with the label.
    for (l, p) in model.labels.iter().zip(&predicted) {
        if *l >= 0 {
            assert_eq!(l, p);
        }
    }
}

// --------------------------------------------------------------------------- bin seeding

#[test]
fn bin_seeding_without_any_seed_is_a_clear_error() {
    let x = [0.0, 1.0, 2.0];
    let x = m(&x, 1);
    let binned = get_bin_seeds(&x, 1.0, 2, SeedPrecision::Float32).unwrap();
    assert!(binned.seeds.is_empty() && binned.warning.is_none());
    let err = fit(
        &x,
        &MeanShiftOptions {
            bandwidth: Some(1.0),
            bin_seeding: true,
            min_bin_freq: 2,
            ..Default::default()
        },
    )
    .unwrap_err();
    assert_eq!(
        err,
        MeanShiftError::NoBinSeeds {
            bin_size: 1.0,
            min_bin_freq: 2
        }
    );
    assert!(!err.is_invalid_argument());
}

#[test]
fn bin_seeding_falls_back_to_the_data_with_a_warning() {
    let x = [0.0, 1.0, 2.0];
    let x = m(&x, 1);
    let model = fit(
        &x,
        &MeanShiftOptions {
            bandwidth: Some(0.4),
            bin_seeding: true,
            ..Default::default()
        },
    )
    .unwrap();
    assert_eq!(
        model.warnings,
        vec![
            "Binning data failed with provided bin_size=0.400000, using data points as seeds."
                .to_string()
        ]
    );
    assert_eq!(model.cluster_centers.len(), 3);
}

#[test]
fn bin_rounding_is_half_to_even_and_first_occurrence_ordered() {
    let x = [2.5, 0.5, 1.5, -0.5, -1.5, 3.5];
    let got = get_bin_seeds(&m(&x, 1), 1.0, 1, SeedPrecision::Float64).unwrap();
    // 2.5 -> 2, 0.5 -> 0, 1.5 -> 2, -0.5 -> -0 (== 0), -1.5 -> -2, 3.5 -> 4
    assert_eq!(got.seeds, vec![2.0, 0.0, -2.0, 4.0]);
    assert!(got.warning.is_none());
}

// --------------------------------------------------------------------------- input validation

#[test]
fn seeds_with_the_wrong_width_are_rejected() {
    let seeds = [1.0, 1.0, 1.0];
    let seeds = Matrix::from_f64("seeds", &seeds, 1, 3).unwrap();
    let err = fit(
        &m(&SPEC_X, 2),
        &MeanShiftOptions {
            bandwidth: Some(2.0),
            seeds: Some(seeds),
            ..Default::default()
        },
    )
    .unwrap_err();
    assert!(
        matches!(
            err,
            MeanShiftError::Features {
                matrix: "seeds",
                got: 3,
                expected: 2,
                ..
            }
        ),
        "{err:?}"
    );
    assert!(err.is_invalid_argument());
}

#[test]
fn non_finite_input_names_row_and_column() {
    let mut data = SPEC_X;
    data[3] = f64::NAN; // row 1, column 1
    let err = Matrix::from_f64("X", &data, 6, 2).unwrap_err();
    assert!(
        matches!(
            err,
            MeanShiftError::NonFinite {
                matrix: "X",
                value,
                row: 1,
                column: 1
            } if value.is_nan()
        ),
        "{err:?}"
    );
    assert_eq!(err.to_string(), "Input X contains NaN (row 1, column 1).");

    let mut data = SPEC_X;
    data[10] = f64::NEG_INFINITY; // row 5, column 0
    let err = Matrix::from_f64("X", &data, 6, 2).unwrap_err();
    assert!(
        matches!(
            err,
            MeanShiftError::NonFinite {
                matrix: "X",
                value,
                row: 5,
                column: 0
            } if value.is_infinite()
        ),
        "{err:?}"
    );

    let data32 = [1.0f32, f32::NAN];
    let err = Matrix::from_f32("seeds", &data32, 1, 2).unwrap_err();
    assert!(
        matches!(
            err,
            MeanShiftError::NonFinite {
                matrix: "seeds",
                value,
                row: 0,
                column: 1
            } if value.is_nan()
        ),
        "{err:?}"
    );
}

#[test]
fn messages_users_know() {
    let x = m(&SPEC_X, 2);
    let err = fit(
        &x,
        &MeanShiftOptions {
            bandwidth: Some(-1.0),
            ..Default::default()
        },
    )
    .unwrap_err();
    assert!(
        err.to_string().starts_with(
            "The 'bandwidth' parameter of MeanShift must be a float in the range (0.0, inf)"
        ),
        "{err}"
    );
    assert!(err.to_string().ends_with("Got -1 instead."), "{err}");
    // A user-given bandwidth of 0 is invalid (an estimated 0 is accepted).
    assert!(fit(
        &x,
        &MeanShiftOptions {
            bandwidth: Some(0.0),
            ..Default::default()
        }
    )
    .is_err());

    let three = [0.0; 6];
    let err = predict(&m(&three, 3), &[1.0, 1.0], 2, None).unwrap_err();
    assert_eq!(
        err.to_string(),
        "X has 3 features, but MeanShift is expecting 2 features as input."
    );

    let empty: [f64; 0] = [];
    let err = fit(
        &Matrix::from_f64("X", &empty, 0, 2).unwrap(),
        &MeanShiftOptions::default(),
    )
    .unwrap_err();
    assert_eq!(
        err.to_string(),
        "Found array with 0 sample(s) (shape=(0, 2)) while a minimum of 1 is required by MeanShift."
    );
}

#[test]
fn estimated_zero_bandwidth_is_accepted() {
    let x = [1.0, 1.0, 1.0, 2.0, 2.0, 2.0, 3.0, 3.0];
    let x = m(&x, 1);
    assert_eq!(
        estimate_bandwidth(&x, &BandwidthOptions::default()).unwrap(),
        0.0
    );
    for bin_seeding in [false, true] {
        let model = fit(
            &x,
            &MeanShiftOptions {
                bin_seeding,
                ..Default::default()
            },
        )
        .unwrap();
        assert_eq!(model.bandwidth, 0.0);
        // Intensities 3, 3, 2: the tie between 1 and 2 goes to the larger position.
        assert_eq!(model.cluster_centers, vec![2.0, 1.0, 3.0]);
        assert_eq!(model.labels, vec![1, 1, 1, 0, 0, 0, 2, 2]);
    }
    // n_samples = 1 gives 0; quantile outside [0, 1] and n_samples 0 are rejected.
    let blobs = spec_blobs();
    let xb = m(&blobs, 2);
    assert_eq!(
        estimate_bandwidth(
            &xb,
            &BandwidthOptions {
                n_samples: Some(1),
                ..Default::default()
            }
        )
        .unwrap(),
        0.0
    );
    let bw = estimate_bandwidth(
        &xb,
        &BandwidthOptions {
            n_samples: Some(200),
            ..Default::default()
        },
    )
    .unwrap();
    assert!((0.9..=1.5).contains(&bw), "{bw}");
    assert!(estimate_bandwidth(
        &xb,
        &BandwidthOptions {
            quantile: 1.5,
            ..Default::default()
        }
    )
    .is_err());
    assert!(estimate_bandwidth(
        &xb,
        &BandwidthOptions {
            n_samples: Some(0),
            ..Default::default()
        }
    )
    .is_err());
}

/// Regression: a matrix with rows but no columns is an error, not a panic in `chunks_exact(0)`.
#[test]
fn get_bin_seeds_on_zero_columns_does_not_panic() {
    let empty: [f64; 0] = [];
    let x = Matrix::from_f64("X", &empty, 3, 0).unwrap();
    let outcome = std::panic::catch_unwind(|| get_bin_seeds(&x, 1.0, 1, SeedPrecision::Float32));
    assert!(outcome.is_ok(), "get_bin_seeds panicked on a 3x0 matrix");
    assert!(matches!(
        outcome.unwrap(),
        Err(meanshift::MeanShiftError::Empty { .. })
    ));
}

/// An observer sees the work done grow, in seeds (`done < total` until a last
/// call with `done == total`), one call at a time, and can stop a fit.
#[test]
fn observer_reports_progress_and_aborts() {
    use meanshift::{fit_observed, MeanShiftError, Observer};
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::sync::Mutex;

    struct Watch {
        calls: Mutex<Vec<(usize, usize)>>,
        count: AtomicUsize,
        abort_after: usize,
    }
    impl Watch {
        fn new(abort_after: usize) -> Self {
            Self {
                calls: Mutex::new(Vec::new()),
                count: AtomicUsize::new(0),
                abort_after,
            }
        }
    }
    impl Observer for Watch {
        fn is_aborted(&self) -> bool {
            self.count.load(Ordering::Relaxed) >= self.abort_after
        }
        fn on_progress(&self, done: usize, total: usize) {
            // Calls come one at a time: the lock is never contended.
            let mut calls = self.calls.try_lock().expect("calls one at a time");
            calls.push((done, total));
            self.count.fetch_add(1, Ordering::Relaxed);
        }
    }
    let blobs = meanshift::make_blobs(&meanshift::BlobsOptions {
        n_samples: 500,
        ..Default::default()
    })
    .unwrap();
    let x = Matrix::from_f64("X", &blobs.x, 500, 2).unwrap();
    for (bandwidth, dim) in [(2.0, 2), (2.0, 1)] {
        // 2-D: seeds in lock-step; 1-D: one climb per seed.
        let x = if dim == 2 {
            x
        } else {
            Matrix::from_f64("X", &blobs.x, 1000, 1).unwrap()
        };
        let options = MeanShiftOptions {
            bandwidth: Some(bandwidth),
            ..Default::default()
        };
        let all = Watch::new(usize::MAX);
        let model = fit_observed(&x, &options, &all).unwrap();
        let calls = all.calls.into_inner().unwrap();
        assert!(calls.windows(2).all(|w| w[0].0 < w[1].0), "{calls:?}");
        // In seeds: the total is the number of seeds, reached only at the end.
        let (last, before) = calls.split_last().unwrap();
        assert!(
            before.iter().all(|&(d, t)| d < t && t == x.n_rows()),
            "{calls:?}"
        );
        assert_eq!(*last, (x.n_rows(), x.n_rows()));
        assert_eq!(model, meanshift::fit(&x, &options).unwrap());

        let stop = Watch::new(1);
        assert_eq!(
            fit_observed(&x, &options, &stop),
            Err(MeanShiftError::Aborted)
        );
        let calls = stop.calls.into_inner().unwrap();
        assert!(
            calls.len() < 10 && calls.iter().all(|(d, t)| d < t),
            "{calls:?}"
        );
    }

    let options = MeanShiftOptions {
        bandwidth: None,
        ..Default::default()
    };
    let at_once = Watch::new(0);
    assert_eq!(
        fit_observed(&x, &options, &at_once),
        Err(MeanShiftError::Aborted)
    );
}
