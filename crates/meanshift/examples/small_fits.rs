//! Times the core alone on small fits (issue 15): the tutorial's blobs with N
//! points, every point a seed, bandwidth estimate_bandwidth(q=0.2, n_samples=500),
//! many fits in a row; for profiling the per-call and per-seed costs:
//!
//! ```sh
//! cargo run -p meanshift --release --example small_fits -- <N> [threads] [seconds] [pool]
//! ```
//! With `pool`, every fit runs inside a pool of `threads` threads (as a large
//! fit would), not on the calling thread.
//!
//! Compare builds with `GLIBC_TUNABLES=glibc.malloc.trim_threshold=100000000`:
//! in this otherwise empty process glibc may give the heap's top back to the
//! system after every fit and fault it in again on the next (45 page faults a
//! 1,000-point fit, a quarter of its time, in one build and none in another).

use meanshift::{estimate_bandwidth, fit, BandwidthOptions, Matrix, MeanShiftOptions};
use std::time::Instant;

mod common;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let n: usize = args.first().and_then(|a| a.parse().ok()).unwrap_or(100);
    let threads: Option<i64> = args.get(1).and_then(|t| t.parse().ok());
    let seconds: f64 = args.get(2).and_then(|s| s.parse().ok()).unwrap_or(2.0);
    let points = common::tutorial_blobs(n.max(100));
    let x = Matrix::from_f64("X", &points[..2 * n], n, 2).expect("valid matrix");
    let bandwidth = if n >= 100 {
        let options = BandwidthOptions {
            quantile: 0.2,
            n_samples: Some(500),
            random_state: 0,
        };
        estimate_bandwidth(&x, &options).expect("a bandwidth")
    } else {
        1.0
    };
    let options = MeanShiftOptions {
        bandwidth: Some(bandwidth),
        n_jobs: threads,
        ..Default::default()
    };
    let pooled = args.get(3).is_some_and(|a| a == "pool");
    let run = || {
        let started = Instant::now();
        let mut fits = 0usize;
        while started.elapsed().as_secs_f64() < seconds {
            for _ in 0..100 {
                std::hint::black_box(fit(&x, &options).expect("a fit"));
            }
            fits += 100;
        }
        (started, fits)
    };
    let (started, fits) = if pooled {
        let threads = threads.map_or_else(meanshift::cores, |t| t as usize);
        meanshift::with_threads(threads, run).expect("a pool")
    } else {
        run()
    };
    let per_fit = started.elapsed().as_secs_f64() / fits as f64;
    println!(
        "{n} points, bandwidth {bandwidth}: {:.2} µs a fit",
        per_fit * 1e6
    );
}
