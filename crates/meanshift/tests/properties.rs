//! Issue #7: property tests (proptest) for the core's entry points. Random matrices and options,
//! valid or not, never panic (errors are fine); successful fits keep labels in range and
//! `n_iter <= max_iter`, and give the same bits on 1 and on 2 threads.
//!
//! Case counts are modest so that `cargo test` stays fast; `PROPTEST_CASES=5000` searches longer.

use meanshift::{
    estimate_bandwidth, fit, get_bin_seeds, make_blobs, predict, with_threads, BandwidthOptions,
    BlobsOptions, Centers, Matrix, MeanShiftError, MeanShiftFit, MeanShiftOptions, SeedPrecision,
    TooLarge,
};
use proptest::prelude::*;

/// Any f64, weighted towards the awkward ones.
fn any_value() -> impl Strategy<Value = f64> + Clone {
    prop_oneof![
        6 => (-8i32..=8).prop_map(|v| f64::from(v) / 2.0),
        4 => -10.0f64..10.0,
        1 => Just(f64::NAN),
        1 => Just(f64::INFINITY),
        1 => Just(f64::NEG_INFINITY),
        1 => Just(-0.0),
        1 => Just(f64::MAX),
        1 => Just(f64::MIN_POSITIVE / 4.0),
        1 => any::<f64>(),
    ]
}

/// Small finite data with ties and duplicates: values on a half-integer grid or continuous.
fn finite_value() -> impl Strategy<Value = f64> + Clone {
    prop_oneof![(-8i32..=8).prop_map(|v| f64::from(v) / 2.0), -10.0f64..10.0]
}

/// A row-major matrix `(data, n_rows, n_cols)` of 1..60 rows and 1..5 columns.
fn matrix(
    value: impl Strategy<Value = f64> + Clone,
) -> impl Strategy<Value = (Vec<f64>, usize, usize)> {
    (1usize..=60, 1usize..=5).prop_flat_map(move |(rows, cols)| {
        proptest::collection::vec(value.clone(), rows * cols)
            .prop_map(move |data| (data, rows, cols))
    })
}

fn bandwidth() -> impl Strategy<Value = Option<f64>> {
    prop_oneof![
        6 => (0.05f64..8.0).prop_map(Some),
        1 => Just(None),
        1 => Just(Some(0.0)),
        1 => Just(Some(-1.0)),
        1 => Just(Some(f64::NAN)),
        1 => Just(Some(f64::INFINITY)),
        1 => Just(Some(1e-300)),
        1 => Just(Some(1e300)),
    ]
}

fn n_jobs() -> impl Strategy<Value = Option<i64>> {
    prop_oneof![
        Just(None),
        Just(Some(1)),
        Just(Some(2)),
        Just(Some(-1)),
        Just(Some(-3)),
        Just(Some(0)),
        Just(Some(i64::MIN))
    ]
}

#[derive(Debug, Clone)]
struct Options {
    bandwidth: Option<f64>,
    bin_seeding: bool,
    min_bin_freq: usize,
    cluster_all: bool,
    max_iter: usize,
    n_jobs: Option<i64>,
    /// Seeds: `(data, n_rows)`, their width that of `data.len() / n_rows`.
    seeds: Option<(Vec<f64>, usize)>,
}

fn options(n_cols: usize) -> impl Strategy<Value = Options> {
    let seeds = prop_oneof![
        3 => Just(None),
        // Seeds of X's width, or of another width (an error), or empty.
        1 => (0usize..4, prop_oneof![Just(n_cols), 1usize..=6])
            .prop_flat_map(|(rows, cols)| proptest::collection::vec(any_value(), rows * cols).prop_map(move |d| Some((d, rows))))
    ];
    (
        bandwidth(),
        any::<bool>(),
        prop_oneof![Just(0usize), 1usize..=3, Just(usize::MAX)],
        any::<bool>(),
        prop_oneof![0usize..=60, Just(usize::MAX)],
        n_jobs(),
        seeds,
    )
        .prop_map(
            |(bandwidth, bin_seeding, min_bin_freq, cluster_all, max_iter, n_jobs, seeds)| {
                Options {
                    bandwidth,
                    bin_seeding,
                    min_bin_freq,
                    cluster_all,
                    max_iter,
                    n_jobs,
                    seeds,
                }
            },
        )
}

fn run_fit(
    data: &[f64],
    rows: usize,
    cols: usize,
    o: &Options,
    n_jobs: Option<i64>,
) -> Result<MeanShiftFit, MeanShiftError> {
    let x = Matrix::from_f64("X", data, rows, cols)?;
    let seeds = match &o.seeds {
        Some((d, r)) => Some(Matrix::from_f64(
            "seeds",
            d,
            *r,
            d.len().checked_div(*r).unwrap_or(0),
        )?),
        None => None,
    };
    fit(
        &x,
        &MeanShiftOptions {
            bandwidth: o.bandwidth,
            seeds,
            bin_seeding: o.bin_seeding,
            min_bin_freq: o.min_bin_freq,
            cluster_all: o.cluster_all,
            max_iter: o.max_iter,
            n_jobs,
            ..Default::default()
        },
    )
}

fn check_fit(model: &MeanShiftFit, rows: usize, o: &Options) -> Result<(), TestCaseError> {
    let k = model.n_clusters();
    prop_assert!(k > 0);
    prop_assert_eq!(model.labels.len(), rows);
    let low = if o.cluster_all { 0 } else { -1 };
    for &l in &model.labels {
        prop_assert!(
            l >= low && (l as i64) < k as i64,
            "label {} out of [{}, {})",
            l,
            low,
            k
        );
    }
    prop_assert!(
        model.n_iter <= o.max_iter,
        "n_iter {} > max_iter {}",
        model.n_iter,
        o.max_iter
    );
    Ok(())
}

fn same_bits(a: &[f64], b: &[f64]) -> bool {
    a.len() == b.len() && a.iter().zip(b).all(|(x, y)| x.to_bits() == y.to_bits())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 96, ..ProptestConfig::default() })]

    /// Anything at all (NaN, infinities, bad options, seeds of the wrong width): a result or an
    /// error, never a panic; a result keeps its invariants.
    #[test]
    fn fit_never_panics_on_anything((data, rows, cols) in matrix(any_value()), o in options(3)) {
        if let Ok(model) = run_fit(&data, rows, cols, &o, o.n_jobs) {
            check_fit(&model, rows, &o)?;
            // Means of values near f64::MAX overflow to infinity, as NumPy's do; below that the
            // centres are finite.
            if data.iter().all(|v| v.abs() <= 1e150) {
                prop_assert!(model.cluster_centers.iter().all(|v| v.is_finite()));
            }
        }
    }

    /// Finite data, valid options: labels in range, n_iter <= max_iter, predict = labels when
    /// cluster_all, and the same bits on 1 and on 2 threads.
    #[test]
    fn fit_on_finite_data((data, rows, cols) in matrix(finite_value()), bw in 0.05f64..8.0, bin_seeding in any::<bool>(),
                          cluster_all in any::<bool>(), max_iter in 0usize..=60, min_bin_freq in 1usize..=3) {
        let o = Options { bandwidth: Some(bw), bin_seeding, min_bin_freq, cluster_all, max_iter, n_jobs: None, seeds: None };
        let one = with_threads(1, || run_fit(&data, rows, cols, &o, None)).expect("a pool of 1 thread");
        let two = with_threads(2, || run_fit(&data, rows, cols, &o, None)).expect("a pool of 2 threads");
        match (one, two) {
            (Ok(a), Ok(b)) => {
                check_fit(&a, rows, &o)?;
                prop_assert!(same_bits(&a.cluster_centers, &b.cluster_centers));
                prop_assert_eq!(&a.labels, &b.labels);
                prop_assert_eq!(a.n_iter, b.n_iter);
                if cluster_all {
                    let x = Matrix::from_f64("X", &data, rows, cols).expect("valid X");
                    let predicted = predict(&x, &a.cluster_centers, a.n_features, Some(1)).expect("predict");
                    prop_assert_eq!(predicted, a.labels);
                }
            }
            (Err(a), Err(b)) => {
                prop_assert_eq!(&a, &b);
                prop_assert!(matches!(a, MeanShiftError::NoPointWithinBandwidth { .. } | MeanShiftError::NoBinSeeds { .. }), "{}", a);
            }
            (a, b) => prop_assert!(false, "1 thread: {:?}, 2 threads: {:?}", a.map(|_| ()), b.map(|_| ())),
        }
    }

    /// predict with any centres and widths: a result of one label per row in range, or an error.
    #[test]
    fn predict_never_panics((data, rows, cols) in matrix(any_value()), centers in proptest::collection::vec(any_value(), 0..12),
                            n_features in 0usize..6, jobs in n_jobs()) {
        if let Ok(x) = Matrix::from_f64("X", &data, rows, cols) {
            if let Ok(labels) = predict(&x, &centers, n_features, jobs) {
                prop_assert_eq!(labels.len(), rows);
                let k = centers.len() / n_features.max(1);
                prop_assert!(labels.iter().all(|&l| l >= 0 && (l as usize) < k));
            }
        }
    }

    /// estimate_bandwidth with any quantile and n_samples: a finite non-negative number or an error.
    #[test]
    fn estimate_bandwidth_never_panics((data, rows, cols) in matrix(any_value()), quantile in any_value(),
                                       n_samples in prop_oneof![Just(None), (0usize..80).prop_map(Some), Just(Some(usize::MAX))],
                                       random_state in any::<u32>()) {
        if let Ok(x) = Matrix::from_f64("X", &data, rows, cols) {
            if let Ok(bw) = estimate_bandwidth(&x, &BandwidthOptions { quantile, n_samples, random_state }) {
                // A mean of distances near f64::MAX overflows to infinity, as NumPy's does.
                prop_assert!(bw >= 0.0, "bandwidth {}", bw);
                if data.iter().all(|v| v.abs() <= 1e150) {
                    prop_assert!(bw.is_finite(), "bandwidth {}", bw);
                }
            }
        }
    }

    /// get_bin_seeds with any bin size and min_bin_freq: seeds of X's width, or an error.
    #[test]
    fn get_bin_seeds_never_panics((data, rows, cols) in matrix(any_value()), bin_size in any_value(),
                                  min_bin_freq in prop_oneof![Just(0usize), 1usize..=4, Just(usize::MAX)], f32_bins in any::<bool>()) {
        if let Ok(x) = Matrix::from_f64("X", &data, rows, cols) {
            let precision = if f32_bins { SeedPrecision::Float32 } else { SeedPrecision::Float64 };
            if let Ok(seeds) = get_bin_seeds(&x, bin_size, min_bin_freq, precision) {
                prop_assert_eq!(seeds.seeds.len() % cols, 0);
            }
        }
    }

    /// Shapes that disagree with the data, overflow, or have no rows or columns: an error, no panic.
    #[test]
    fn matrix_shapes_never_panic(len in 0usize..20, rows in prop_oneof![0usize..10, Just(usize::MAX), Just(1usize << 33)],
                                 cols in prop_oneof![0usize..10, Just(usize::MAX), Just(1usize << 31)]) {
        let data = vec![1.0; len];
        if let Ok(x) = Matrix::from_f64("X", &data, rows, cols) {
            prop_assert_eq!(x.n_rows() * x.n_cols(), len);
        }
    }

    /// make_blobs with small sizes and any other parameter: a result of the asked size, or an error.
    #[test]
    fn make_blobs_never_panics(n_samples in 0usize..200, n_features in 0usize..6, count in 0usize..6,
                               fixed in proptest::option::of(proptest::collection::vec(any_value(), 0..12)),
                               std in proptest::collection::vec(any_value(), 0..4), lo in any_value(), hi in any_value(),
                               shuffle in any::<bool>(), random_state in any::<u32>()) {
        let centers = match fixed {
            Some(values) => Centers::Fixed { n_centers: count, values },
            None => Centers::Count(count),
        };
        let options = BlobsOptions { n_samples, n_features, centers, cluster_std: std, center_box: (lo, hi), shuffle, random_state };
        if let Ok(blobs) = make_blobs(&options) {
            prop_assert_eq!(blobs.y.len(), n_samples);
            prop_assert_eq!(blobs.x.len(), n_samples * blobs.n_features);
        }
    }
}

/// Requests beyond MAX_BLOB_VALUES are an error before any allocation (an allocation failure
/// would abort the process), whatever the product of the sizes, overflowing ones included.
#[test]
fn make_blobs_too_large_is_an_error_not_an_abort() {
    use meanshift::MAX_BLOB_VALUES;
    for (n_samples, n_features, centers) in [
        (MAX_BLOB_VALUES + 1, 1, Centers::Count(3)),
        (1_000_000_000_000, 2, Centers::Count(3)),
        (usize::MAX, 2, Centers::Count(3)),
        (10, 1 << 30, Centers::Count(1)),
        (10, 2, Centers::Count(1 << 30)),
        (10, 2, Centers::Count(usize::MAX)),
    ] {
        let options = BlobsOptions {
            n_samples,
            n_features,
            centers,
            ..Default::default()
        };
        match make_blobs(&options) {
            Err(MeanShiftError::TooLarge {
                what,
                why: TooLarge::Blobs { max, .. },
            }) => {
                assert!(what == "n_samples" || what == "centers", "{what}");
                assert_eq!(max, MAX_BLOB_VALUES);
            }
            other => panic!(
                "{n_samples} × {n_features}: {:?}",
                other.map(|b| b.n_samples)
            ),
        }
    }
}
