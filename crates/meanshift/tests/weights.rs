//! Issue 16: sample weights and kernels. The laws of weights as property tests
//! (whole weights = rows repeated; weights all 1 = no weights, bit for bit;
//! weights × 2^k = the same bits), and the Gaussian and Epanechnikov kernels
//! against a short plain implementation written here.

mod common;

use common::same_bits;
use meanshift::{
    estimate_bandwidth_weighted_observed, fit, make_blobs, BandwidthOptions, BlobsOptions, Centers,
    Kernel, Matrix, MeanShiftError, MeanShiftFit, MeanShiftOptions, Unobserved, WeightProblem,
};
use proptest::prelude::*;

fn blobs(n: usize, dim: usize, k: usize, std: f64, seed: u32) -> Vec<f64> {
    make_blobs(&BlobsOptions {
        n_samples: n,
        n_features: dim,
        centers: Centers::Count(k),
        cluster_std: vec![std],
        random_state: seed,
        ..Default::default()
    })
    .unwrap()
    .x
}

fn fit_with(
    data: &[f64],
    dim: usize,
    options: MeanShiftOptions,
) -> Result<MeanShiftFit, MeanShiftError> {
    let x = Matrix::from_f64("X", data, data.len() / dim, dim).unwrap();
    fit(&x, &options)
}

/// Each row repeated its weight's number of times, and the index of each repeated row.
fn repeated(data: &[f64], dim: usize, weights: &[u32]) -> (Vec<f64>, Vec<usize>) {
    let mut out = Vec::new();
    let mut first = Vec::new();
    for (i, (row, &w)) in data.chunks_exact(dim).zip(weights).enumerate() {
        for _ in 0..w {
            first.push(i);
            out.extend_from_slice(row);
        }
    }
    (out, first)
}

fn assert_repetition_law(
    data: &[f64],
    dim: usize,
    weights: &[u32],
    base: MeanShiftOptions,
) -> Result<(), TestCaseError> {
    let h = base.bandwidth.unwrap();
    let w: Vec<f64> = weights.iter().map(|&w| f64::from(w)).collect();
    let (rows, origin) = repeated(data, dim, weights);
    let weighted = fit_with(
        data,
        dim,
        MeanShiftOptions {
            sample_weight: Some(&w),
            ..base
        },
    );
    let plain = fit_with(&rows, dim, base);
    let (weighted, plain) = match (weighted, plain) {
        (Ok(a), Ok(b)) => (a, b),
        (Err(a), Err(b)) => {
            prop_assert_eq!(a, b);
            return Ok(());
        }
        (a, b) => return Err(TestCaseError::fail(format!("{a:?} vs {b:?}"))),
    };
    prop_assert_eq!(weighted.n_iter, plain.n_iter, "n_iter");
    prop_assert_eq!(weighted.n_clusters(), plain.n_clusters(), "clusters");
    for (a, b) in weighted.cluster_centers.iter().zip(&plain.cluster_centers) {
        prop_assert!(
            (a - b).abs() <= 1e-9 * h,
            "centres {:?} vs {:?}",
            weighted.cluster_centers,
            plain.cluster_centers
        );
    }
    for (k, &row) in origin.iter().enumerate() {
        prop_assert_eq!(
            weighted.labels[row],
            plain.labels[k],
            "label of row {}",
            row
        );
    }
    Ok(())
}

fn power_of_two_scaled(weights: &[f64], k: i32) -> Vec<f64> {
    weights.iter().map(|w| w * 2f64.powi(k)).collect()
}

fn assert_same_fit(a: &MeanShiftFit, b: &MeanShiftFit) -> Result<(), TestCaseError> {
    prop_assert!(
        same_bits(&a.cluster_centers, &b.cluster_centers),
        "{:?} vs {:?}",
        a.cluster_centers,
        b.cluster_centers
    );
    prop_assert_eq!(&a.labels, &b.labels);
    prop_assert_eq!(a.n_iter, b.n_iter);
    Ok(())
}

fn kernel() -> impl Strategy<Value = Kernel> {
    prop_oneof![
        Just(Kernel::Flat),
        Just(Kernel::Gaussian),
        Just(Kernel::Epanechnikov)
    ]
}

/// 8..80 rows of 1..4 features (2-D half the time: the band index), continuous values.
fn data() -> impl Strategy<Value = (Vec<f64>, usize)> {
    prop_oneof![Just(2usize), 1usize..=4].prop_flat_map(|dim| {
        (8usize..80).prop_flat_map(move |n| {
            proptest::collection::vec(-5.0f64..5.0, n * dim).prop_map(move |d| (d, dim))
        })
    })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    #[test]
    fn whole_weights_equal_repeated_rows((data, dim) in data(), seed in any::<u64>(), bandwidth in 0.5f64..4.0, bins in any::<bool>()) {
        let n = data.len() / dim;
        let mut state = seed | 1;
        let mut weights: Vec<u32> = (0..n).map(|_| {
            state ^= state << 13; state ^= state >> 7; state ^= state << 17;
            (state % 5) as u32
        }).collect();
        weights[0] = weights[0].max(1);
        assert_repetition_law(&data, dim, &weights, MeanShiftOptions {
            bandwidth: Some(bandwidth),
            bin_seeding: bins,
            min_bin_freq: 2,
            ..Default::default()
        })?;
    }

    #[test]
    fn weights_all_one_are_no_weights((data, dim) in data(), bandwidth in 0.5f64..4.0, kernel in kernel()) {
        let ones = vec![1.0; data.len() / dim];
        let base = MeanShiftOptions { bandwidth: Some(bandwidth), kernel, max_iter: 60, ..Default::default() };
        let none = fit_with(&data, dim, base).unwrap();
        let all_one = fit_with(&data, dim, MeanShiftOptions { sample_weight: Some(&ones), ..base }).unwrap();
        assert_same_fit(&none, &all_one)?;
    }

    #[test]
    fn weights_times_a_power_of_two_give_the_same_bits((data, dim) in data(), bandwidth in 0.5f64..4.0, kernel in kernel(), k in -8i32..8, seed in any::<u64>()) {
        let n = data.len() / dim;
        let mut state = seed | 1;
        let weights: Vec<f64> = (0..n).map(|_| {
            state ^= state << 13; state ^= state >> 7; state ^= state << 17;
            ((state % 9) as f64) * 0.375 + 0.125
        }).collect();
        let base = MeanShiftOptions { bandwidth: Some(bandwidth), kernel, max_iter: 60, ..Default::default() };
        let a = fit_with(&data, dim, MeanShiftOptions { sample_weight: Some(&weights), ..base }).unwrap();
        let scaled = power_of_two_scaled(&weights, k);
        let b = fit_with(&data, dim, MeanShiftOptions { sample_weight: Some(&scaled), ..base }).unwrap();
        assert_same_fit(&a, &b)?;
    }
}

#[test]
fn whole_weights_equal_repeated_rows_on_blobs_with_every_structure() {
    // 2-D (bands), 3-D (sum tree), 20-D (scan), and uniform weights 3.
    for (dim, n, h) in [(2, 2000, 0.8), (3, 600, 1.5), (20, 150, 6.0)] {
        let data = blobs(n, dim, 3, 1.0, 9);
        let weights: Vec<u32> = (0..n).map(|i| ((i * 31) % 5) as u32).collect();
        assert_repetition_law(
            &data,
            dim,
            &weights,
            MeanShiftOptions {
                bandwidth: Some(h),
                ..Default::default()
            },
        )
        .unwrap();
        assert_repetition_law(
            &data,
            dim,
            &vec![3; n],
            MeanShiftOptions {
                bandwidth: Some(h),
                ..Default::default()
            },
        )
        .unwrap();
    }
}

#[test]
fn weighted_bandwidth_equals_repeated_rows() {
    let data = blobs(300, 2, 3, 1.0, 4);
    let weights: Vec<u32> = (0..300)
        .map(|i| ((i * 7) % 4) as u32 + u32::from(i == 0))
        .collect();
    let w: Vec<f64> = weights.iter().map(|&w| f64::from(w)).collect();
    let (rows, _) = repeated(&data, 2, &weights);
    for quantile in [0.1, 0.3, 0.77] {
        let options = BandwidthOptions {
            quantile,
            ..Default::default()
        };
        let x = Matrix::from_f64("X", &data, 300, 2).unwrap();
        let weighted =
            estimate_bandwidth_weighted_observed(&x, Some(&w), &options, &Unobserved).unwrap();
        let r = Matrix::from_f64("X", &rows, rows.len() / 2, 2).unwrap();
        let plain = meanshift::estimate_bandwidth(&r, &options).unwrap();
        assert!(
            (weighted - plain).abs() <= 1e-12 * plain,
            "{quantile}: {weighted} vs {plain}"
        );
        let ones = vec![1.0; 300];
        let with_ones =
            estimate_bandwidth_weighted_observed(&x, Some(&ones), &options, &Unobserved).unwrap();
        assert_eq!(
            with_ones.to_bits(),
            meanshift::estimate_bandwidth(&x, &options)
                .unwrap()
                .to_bits()
        );
    }
}

#[test]
fn a_point_of_weight_zero_moves_nothing_but_is_labelled() {
    // A far point of weight 0: no seed, no centre, still labelled (nearest centre, or -1).
    let data = [0.0, 0.0, 0.5, 0.0, 0.0, 0.5, 50.0, 50.0];
    let weights = [1.0, 2.0, 1.0, 0.0];
    let model = fit_with(
        &data,
        2,
        MeanShiftOptions {
            bandwidth: Some(1.0),
            sample_weight: Some(&weights),
            ..Default::default()
        },
    )
    .unwrap();
    assert_eq!(model.n_clusters(), 1);
    assert_eq!(model.labels, vec![0, 0, 0, 0]);
    let centre = &model.cluster_centers;
    assert!(
        (centre[0] - 0.25).abs() < 1e-15 && (centre[1] - 0.125).abs() < 1e-15,
        "{centre:?}"
    );
    let orphans = fit_with(
        &data,
        2,
        MeanShiftOptions {
            bandwidth: Some(1.0),
            sample_weight: Some(&weights),
            cluster_all: false,
            ..Default::default()
        },
    )
    .unwrap();
    assert_eq!(orphans.labels, vec![0, 0, 0, -1]);
    // A seed whose reach holds only weight 0 ends with no neighbours: discarded.
    let seeds = [50.0, 50.0, 0.0, 0.0];
    let seeds = Matrix::from_f64("seeds", &seeds, 2, 2).unwrap();
    let model = fit_with(
        &data,
        2,
        MeanShiftOptions {
            bandwidth: Some(1.0),
            sample_weight: Some(&weights),
            seeds: Some(seeds),
            ..Default::default()
        },
    )
    .unwrap();
    assert_eq!(model.n_clusters(), 1);
}

#[test]
fn bad_weights_are_errors_with_the_row() {
    let data = [0.0, 1.0, 2.0, 3.0];
    let err = |w: &[f64]| {
        fit_with(
            &data,
            1,
            MeanShiftOptions {
                bandwidth: Some(1.0),
                sample_weight: Some(w),
                ..Default::default()
            },
        )
        .unwrap_err()
    };
    let weight = |problem, row, value: f64| (problem, row, value.to_bits());
    let got = |e: MeanShiftError| match e {
        MeanShiftError::Weight {
            problem,
            row,
            value,
        } => (problem, row, value.to_bits()),
        other => panic!("{other:?}"),
    };
    assert_eq!(
        got(err(&[1.0, 1.0, 1.0, -2.0])),
        weight(WeightProblem::Negative, Some(3), -2.0)
    );
    assert_eq!(
        got(err(&[1.0, f64::NAN, 1.0, 1.0])),
        weight(WeightProblem::NonFinite, Some(1), f64::NAN)
    );
    assert_eq!(
        got(err(&[0.0; 4])),
        weight(WeightProblem::AllZero, None, 0.0)
    );
    assert_eq!(
        got(err(&[1.0; 3])).0,
        WeightProblem::Length {
            got: 3,
            expected: 4
        }
    );
    assert_eq!(
        err(&[1.0, 1.0, 1.0, -2.0]).to_string(),
        "sample_weight[3] must be a finite number >= 0. Got -2 instead."
    );
    assert_eq!(
        err(&[1.0, 1.0, 1.0, -2.0]).parameter(),
        Some("sample_weight")
    );
    let cutoff = fit_with(
        &data,
        1,
        MeanShiftOptions {
            bandwidth: Some(1.0),
            kernel: Kernel::Gaussian,
            kernel_cutoff: 0.0,
            ..Default::default()
        },
    )
    .unwrap_err();
    assert_eq!(cutoff.parameter(), Some("kernel_cutoff"));
    assert_eq!(Kernel::parse("triangle").unwrap_err().to_string(), "The 'kernel' parameter of MeanShift must be a str among {'flat', 'gaussian', 'epanechnikov'}. Got 'triangle' instead.");
}

/// The plain kernel mean shift the issue defines: every point tested, in row order.
fn reference(
    data: &[f64],
    dim: usize,
    weights: Option<&[f64]>,
    h: f64,
    kernel: Kernel,
    cutoff: f64,
    max_iter: usize,
) -> (Vec<f64>, Vec<i32>, usize) {
    let n = data.len() / dim;
    let w = |i: usize| weights.map_or(1.0, |w| w[i]);
    let row = |i: usize| &data[i * dim..(i + 1) * dim];
    let d2 = |a: &[f64], b: &[f64]| a.iter().zip(b).fold(0.0, |s, (x, y)| s + (x - y) * (x - y));
    let reach = if kernel == Kernel::Gaussian {
        cutoff * h
    } else {
        h
    };
    let k = |d2: f64| match kernel {
        Kernel::Flat => 1.0,
        Kernel::Gaussian => (-d2 * (1.0 / (2.0 * h * h))).exp(),
        Kernel::Epanechnikov => 1.0 - d2 * (1.0 / (h * h)),
    };
    let mut modes: Vec<(Vec<f64>, f64)> = Vec::new();
    let mut n_iter = 0;
    for s in (0..n).filter(|&i| w(i) > 0.0) {
        let mut pos = row(s).to_vec();
        let mut completed = 0;
        loop {
            let (mut total, mut sum) = (0.0, vec![0.0; dim]);
            for i in 0..n {
                let dd = d2(row(i), &pos);
                if dd <= reach * reach {
                    let pull = w(i) * k(dd);
                    total += pull;
                    sum.iter_mut().zip(row(i)).for_each(|(s, x)| *s += pull * x);
                }
            }
            if total == 0.0 {
                break;
            }
            let mean: Vec<f64> = sum.iter().map(|s| s / total).collect();
            let shift = d2(&mean, &pos).sqrt();
            pos = mean;
            if shift <= 1e-3 * h || completed == max_iter {
                match modes.iter_mut().find(|m| m.0 == pos) {
                    Some(m) => m.1 = total,
                    None => modes.push((pos.clone(), total)),
                }
                break;
            }
            completed += 1;
        }
        n_iter = n_iter.max(completed);
    }
    modes.sort_by(|a, b| {
        b.1.total_cmp(&a.1)
            .then_with(|| b.0.partial_cmp(&a.0).unwrap())
    });
    let mut kept: Vec<Vec<f64>> = Vec::new();
    for (m, _) in modes {
        if kept.iter().all(|c| d2(c, &m) > h * h) {
            kept.push(m);
        }
    }
    let labels = (0..n)
        .map(|i| {
            let mut best = (0, f64::INFINITY);
            for (c, centre) in kept.iter().enumerate() {
                let dd = d2(row(i), centre);
                if dd < best.1 {
                    best = (c, dd);
                }
            }
            best.0 as i32
        })
        .collect();
    (kept.concat(), labels, n_iter)
}

#[test]
fn kernels_match_the_plain_reference_on_six_data_sets() {
    let sets: [(&str, usize, usize, f64); 6] = [
        ("1-D", 1, 300, 0.8),
        ("2-D", 2, 600, 1.0),
        ("3-D", 3, 400, 1.5),
        ("5-D", 5, 300, 2.0),
        ("8-D", 8, 300, 3.0),
        ("20-D", 20, 150, 6.0),
    ];
    for (name, dim, n, h) in sets {
        let data = blobs(n, dim, 3, 1.0, 21);
        let weights: Vec<f64> = (0..n).map(|i| ((i * 17) % 6) as f64 * 0.5).collect();
        for kernel in [Kernel::Gaussian, Kernel::Epanechnikov, Kernel::Flat] {
            for (cutoff, sample_weight) in [(3.0, None), (2.0, Some(&weights[..]))] {
                let options = MeanShiftOptions {
                    bandwidth: Some(h),
                    kernel,
                    kernel_cutoff: cutoff,
                    sample_weight,
                    max_iter: 300,
                    ..Default::default()
                };
                let model = fit_with(&data, dim, options).unwrap();
                let (centres, labels, n_iter) =
                    reference(&data, dim, sample_weight, h, kernel, cutoff, 300);
                let what = format!("{name} {kernel:?} weights {}", sample_weight.is_some());
                assert_eq!(model.n_iter, n_iter, "{what}: n_iter");
                assert_eq!(
                    model.cluster_centers.len(),
                    centres.len(),
                    "{what}: centres {:?} vs {centres:?}",
                    model.cluster_centers
                );
                for (a, b) in model.cluster_centers.iter().zip(&centres) {
                    assert!(
                        (a - b).abs() <= 1e-9 * h,
                        "{what}: {:?} vs {centres:?}",
                        model.cluster_centers
                    );
                }
                assert_eq!(model.labels, labels, "{what}: labels");
            }
        }
    }
}
