//! The fuzz harness's body, kept in the crate so that stable `cargo test` can
//! replay saved inputs (`fuzz/regressions/`) exactly as the fuzzer ran them.
//! Public only with the `fuzzing` feature, which the fuzz crate enables.

use crate::{
    estimate_bandwidth, fit, get_bin_seeds, predict, predict_attractors, AttractorModel,
    BandwidthOptions, ClusterAssignment, Matrix, MeanShiftOptions, SeedPrecision,
};

/// A value from two bytes: mostly a coarse grid (many exact ties and boundary
/// distances), sometimes an extreme or special value.
fn value(bytes: [u8; 2]) -> f64 {
    let v = u16::from_le_bytes(bytes);
    if v >> 12 == 0 {
        const SPECIAL: [f64; 8] = [
            0.0,
            -0.0,
            1e300,
            -1e300,
            f64::MAX,
            f64::MIN_POSITIVE,
            1e154,
            -3.5,
        ];
        SPECIAL[usize::from(v & 7)]
    } else {
        (f64::from(v & 0x0fff) - 2048.0) / 64.0
    }
}

/// Decodes `data` into a matrix and options and calls every entry point.
/// Errors are fine; a panic, or a result breaking an invariant, is a bug.
pub fn check_entry_points(data: &[u8]) {
    let [dim, flags, max_iter, min_bin_freq, bandwidth, quantile, n_samples, seed, rest @ ..] =
        data
    else {
        return;
    };
    let dim = 1 + usize::from(dim % 20); // 1..=20: the trees and the scans
    let values: Vec<f64> = rest.chunks_exact(2).map(|c| value([c[0], c[1]])).collect();
    let n = values.len() / dim;
    let Ok(x) = Matrix::from_f64("X", &values[..n * dim], n, dim) else {
        return;
    };
    let max_iter = usize::from(*max_iter % 40);
    let min_bin_freq = 1 + usize::from(min_bin_freq % 4);
    let bin_size = f64::from(*bandwidth) / 16.0;
    let options = MeanShiftOptions {
        bandwidth: (*bandwidth != 0).then_some(bin_size),
        seeds: None,
        bin_seeding: flags & 1 != 0,
        min_bin_freq,
        cluster_all: flags & 2 != 0,
        max_iter,
        n_jobs: Some(1 + i64::from(flags >> 7)),
        cluster_assignment: match flags & 4 {
            0 => ClusterAssignment::NearestCentroid,
            _ => ClusterAssignment::Attractor,
        },
        ..Default::default()
    };
    if let Ok(model) = fit(&x, &options) {
        let clusters = model.n_clusters() as i32;
        assert!(
            model.n_iter <= max_iter,
            "n_iter {} > max_iter {max_iter}",
            model.n_iter
        );
        assert!(
            model.labels.iter().all(|&l| l >= -1 && l < clusters),
            "label out of range"
        );
        assert_eq!(model.labels.len(), n);
        if let Ok(predicted) = predict(&x, &model.cluster_centers, dim, Some(1)) {
            assert!(
                predicted.iter().all(|&l| l >= 0 && l < clusters),
                "predict out of range"
            );
        }
        if options.cluster_assignment == ClusterAssignment::Attractor {
            let attractors = AttractorModel {
                x,
                cluster_centers: &model.cluster_centers,
                bandwidth: model.bandwidth,
                max_iter,
                cluster_all: options.cluster_all,
                n_seeds: model.n_seeds,
                kernel: options.kernel,
                kernel_cutoff: options.kernel_cutoff,
                sample_weight: options.sample_weight,
            };
            // The training samples climb again to their fit labels.
            if let Ok(predicted) = predict_attractors(&x, &attractors, Some(1)) {
                assert_eq!(predicted, model.labels, "predict_attractors(X) != labels");
            }
        }
    }
    let bandwidth_options = BandwidthOptions {
        quantile: f64::from(*quantile) / 255.0,
        n_samples: (*n_samples != 0).then_some(usize::from(*n_samples)),
        random_state: u32::from(*seed),
    };
    if let Ok(b) = estimate_bandwidth(&x, &bandwidth_options) {
        assert!(b >= 0.0 || b.is_nan(), "negative bandwidth {b}");
    }
    let _ = get_bin_seeds(&x, bin_size, min_bin_freq, SeedPrecision::Float32);
}

#[cfg(test)]
mod tests {
    /// Replays the saved fuzz inputs (`fuzz/regressions/`: every crash the fuzzer
    /// found, plus seed inputs) through the same harness on stable Rust.
    #[test]
    fn saved_fuzz_inputs_run_clean() {
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/fuzz/regressions");
        let mut count = 0;
        for entry in std::fs::read_dir(dir).expect("fuzz/regressions exists") {
            let path = entry.expect("readable entry").path();
            if path.extension().is_some_and(|e| e == "md") {
                continue;
            }
            let data = std::fs::read(&path).expect("readable input");
            super::check_entry_points(&data);
            count += 1;
        }
        assert!(count > 0, "no saved inputs in {dir}");
    }
}
