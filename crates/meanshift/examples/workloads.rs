//! Times the core alone on the benchmark workloads (no Node), for profiling
//! with `perf` or `valgrind --tool=callgrind`:
//!
//! ```sh
//! cargo run -p meanshift --release --example workloads -- W1 [threads] [repeats]
//! ```
//! Workloads: W1 (tutorial, every point a seed), W2 (1M points, bin seeding),
//! W5 (W1's data, bandwidth estimated on all samples), S<N> (N points, bin seeding),
//! W6 (20,000 × 64 blobs as float32, 16 centres) and W7 (10,000 × 384 as float32,
//! 20 centres), every point a seed.

use meanshift::{
    estimate_bandwidth, fit, make_blobs, BandwidthOptions, BlobsOptions, Centers, Matrix,
    MeanShiftOptions,
};
use std::time::Instant;

mod common;
use common::tutorial_blobs;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let workload = args.first().map_or("W1", String::as_str);
    let threads: Option<i64> = args.get(1).and_then(|t| t.parse().ok());
    let repeats: usize = args.get(2).and_then(|r| r.parse().ok()).unwrap_or(3);
    if let Some(spec) = workload.strip_prefix("F:") {
        return run_file(spec, threads, repeats);
    }
    if let Some((n, dim, centers, quantile)) = match workload {
        "W6" => Some((20_000, 64, 16, 0.05)),
        "W7" => Some((10_000, 384, 20, 0.04)),
        _ => None,
    } {
        return run_high_dimensional(workload, n, dim, centers, quantile, threads, repeats);
    }
    let (n, bin_seeding, estimate_in_fit) = match workload {
        "W1" => (10_000, false, false),
        "W2" => (1_000_000, true, false),
        "W5" => (10_000, false, true),
        s if s.starts_with('S') => (s[1..].parse().expect("S<N>"), true, false),
        other => panic!("unknown workload {other}"),
    };
    let data = tutorial_blobs(n);
    let x = Matrix::from_f64("X", &data, n, 2).expect("finite data");
    let bandwidth = if estimate_in_fit {
        None
    } else {
        let options = BandwidthOptions {
            quantile: 0.2,
            n_samples: Some(500),
            random_state: 0,
        };
        Some(estimate_bandwidth(&x, &options).expect("bandwidth"))
    };
    let options = MeanShiftOptions {
        bandwidth,
        bin_seeding,
        n_jobs: threads,
        ..Default::default()
    };
    time_fits(&format!("{workload} n={n}"), &x, &options, repeats);
}

/// `F:<path>:<dim>[:bin]`: raw little-endian f64 rows from a file: the digits for W4
/// (quantile 0.2 on 500 rows), or china.jpg's pixels with `:bin` for W3 (quantile 0.1 on 1000).
fn run_file(spec: &str, threads: Option<i64>, repeats: usize) {
    let parts: Vec<&str> = spec.split(':').collect();
    let bytes = std::fs::read(parts[0]).expect("readable file");
    let dim: usize = parts[1].parse().expect("dim");
    let data: Vec<f64> = bytes
        .chunks_exact(8)
        .map(|b| f64::from_le_bytes(b.try_into().expect("8 bytes")))
        .collect();
    let n = data.len() / dim;
    let x = Matrix::from_f64("X", &data, n, dim).expect("finite data");
    let bin_seeding = parts.get(2) == Some(&"bin");
    // W3's rule for china.jpg's pixels (with `:bin`), W4's for the digits.
    let (quantile, n_samples) = if bin_seeding { (0.1, 1000) } else { (0.2, 500) };
    let options = BandwidthOptions {
        quantile,
        n_samples: Some(n_samples),
        random_state: 0,
    };
    let bandwidth = Some(estimate_bandwidth(&x, &options).expect("bandwidth"));
    let options = MeanShiftOptions {
        bandwidth,
        bin_seeding,
        n_jobs: threads,
        ..Default::default()
    };
    time_fits(
        &format!("{} n={n} dim={dim}", parts[0]),
        &x,
        &options,
        repeats,
    );
}

/// W6/W7: `make_blobs(n, dim, centers, std 1, random_state 0)` cast to float32
/// (as the benchmark does), bandwidth `estimate_bandwidth(quantile, n_samples=1000)`.
fn run_high_dimensional(
    workload: &str,
    n: usize,
    dim: usize,
    centers: usize,
    quantile: f64,
    threads: Option<i64>,
    repeats: usize,
) {
    let blobs = make_blobs(&BlobsOptions {
        n_samples: n,
        n_features: dim,
        centers: Centers::Count(centers),
        random_state: 0,
        ..Default::default()
    })
    .expect("valid blobs");
    let data: Vec<f32> = blobs.x.iter().map(|&v| v as f32).collect();
    let x = Matrix::from_f32("X", &data, n, dim).expect("finite data");
    let options = BandwidthOptions {
        quantile,
        n_samples: Some(1000),
        random_state: 0,
    };
    let options = MeanShiftOptions {
        bandwidth: Some(estimate_bandwidth(&x, &options).expect("bandwidth")),
        n_jobs: threads,
        ..Default::default()
    };
    time_fits(
        &format!("{workload} n={n} dim={dim}"),
        &x,
        &options,
        repeats,
    );
}

/// Fits `repeats` times, printing the time of each fit with the model's summary.
fn time_fits(label: &str, x: &Matrix, options: &MeanShiftOptions, repeats: usize) {
    for _ in 0..repeats {
        let start = Instant::now();
        let model = fit(x, options).expect("fit");
        let seconds = start.elapsed().as_secs_f64();
        println!(
            "{label} threads={:?} clusters={} n_iter={} bandwidth={:.6} fit={seconds:.4}s",
            options.n_jobs,
            model.n_clusters(),
            model.n_iter,
            model.bandwidth
        );
    }
}
