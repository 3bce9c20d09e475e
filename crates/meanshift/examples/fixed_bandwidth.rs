//! Times one fit (1 thread) of N points of the tutorial's blobs at a given
//! bandwidth, every point a seed: for choices that depend on the bandwidth,
//! such as when the 2-D block scan replaces the bands.
//!
//! ```sh
//! cargo run -p meanshift --release --example fixed_bandwidth -- <N> <bandwidth>
//! ```

use meanshift::{fit, Matrix, MeanShiftOptions};
use std::time::Instant;

mod common;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let n: usize = args.first().and_then(|a| a.parse().ok()).expect("<N>");
    let bandwidth: f64 = args
        .get(1)
        .and_then(|a| a.parse().ok())
        .expect("<bandwidth>");
    let points = common::tutorial_blobs(n);
    let x = Matrix::from_f64("X", &points, n, 2).expect("valid matrix");
    let options = MeanShiftOptions {
        bandwidth: Some(bandwidth),
        n_jobs: Some(1),
        ..Default::default()
    };
    let started = Instant::now();
    let model = fit(&x, &options).expect("a fit");
    println!(
        "{n} points, bandwidth {bandwidth}: {:.1} ms, {} clusters",
        started.elapsed().as_secs_f64() * 1e3,
        model.n_clusters()
    );
}
