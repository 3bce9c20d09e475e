//! What the timing examples share (`mod common;` in each).

use meanshift::{make_blobs, BlobsOptions, Centers};

/// `n` points of the tutorial's blobs, row-major (the benchmarks' W1 rule:
/// centres (5,5), (3,3), (1,1), std 0.3, random_state 0).
pub fn tutorial_blobs(n: usize) -> Vec<f64> {
    make_blobs(&BlobsOptions {
        n_samples: n,
        centers: Centers::Fixed {
            values: vec![5.0, 5.0, 3.0, 3.0, 1.0, 1.0],
            n_centers: 3,
        },
        cluster_std: vec![0.3],
        random_state: 0,
        ..Default::default()
    })
    .expect("valid blobs")
    .x
}
