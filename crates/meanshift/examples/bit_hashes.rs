//! One line per data set: a hash of every fit's bits (centres, labels,
//! `n_iter`) for 1 to 20 features, with every kind of seeds, weights, kernels
//! and attractor labels, and the estimated bandwidth's bits. An optimisation
//! that must keep the results is checked by running this before and after it
//! and comparing the outputs:
//!
//! ```sh
//! cargo run --release -p meanshift --example bit_hashes > before.txt
//! # ... the change ...
//! cargo run --release -p meanshift --example bit_hashes | diff before.txt -
//! ```

use meanshift::{
    estimate_bandwidth, fit, make_blobs, BandwidthOptions, BlobsOptions, Centers,
    ClusterAssignment, Kernel, Matrix, MeanShiftFit, MeanShiftOptions,
};

/// FNV-1a over 64-bit words.
fn hash(words: impl Iterator<Item = u64>) -> u64 {
    words.fold(0xcbf2_9ce4_8422_2325, |h, w| {
        (h ^ w).wrapping_mul(0x100_0000_01b3)
    })
}

/// `options` with the bandwidth and the 40 given seeds.
fn given<'a>(
    options: MeanShiftOptions<'a>,
    bandwidth: f64,
    seeds: Matrix<'a>,
) -> MeanShiftOptions<'a> {
    MeanShiftOptions {
        bandwidth: Some(bandwidth),
        seeds: Some(seeds),
        ..options
    }
}

fn bits(model: &MeanShiftFit) -> u64 {
    let centres = model.cluster_centers.iter().map(|c| c.to_bits());
    let labels = model.labels.iter().map(|&l| l as u64);
    hash(centres.chain(labels).chain([model.n_iter as u64]))
}

fn main() {
    for dim in 1..=20usize {
        for case in 0..3u32 {
            let n = [300, 1200, 2500][case as usize];
            let x = make_blobs(&BlobsOptions {
                n_samples: n,
                n_features: dim,
                centers: Centers::Count(3 + case as usize),
                cluster_std: vec![0.5 + f64::from(case) * 0.4],
                random_state: case + dim as u32 * 7,
                ..Default::default()
            })
            .expect("blobs")
            .x;
            let matrix = Matrix::from_f64("X", &x, n, dim).expect("X");
            let bandwidth =
                estimate_bandwidth(&matrix, &BandwidthOptions::default()).expect("bandwidth");
            let weights: Vec<f64> = (0..n).map(|i| ((i * 7) % 5) as f64 * 0.25 + 0.1).collect();
            let seeds = Matrix::from_f64("seeds", &x[..dim * 40], 40, dim).expect("seeds");
            let fits = [
                (
                    "every",
                    MeanShiftOptions {
                        bandwidth: Some(bandwidth),
                        ..Default::default()
                    },
                ),
                (
                    "bins",
                    MeanShiftOptions {
                        bandwidth: Some(bandwidth),
                        bin_seeding: true,
                        ..Default::default()
                    },
                ),
                (
                    "given",
                    given(MeanShiftOptions::default(), bandwidth, seeds),
                ),
                (
                    "weighted",
                    given(
                        MeanShiftOptions {
                            sample_weight: Some(&weights),
                            ..Default::default()
                        },
                        bandwidth,
                        seeds,
                    ),
                ),
                (
                    "gaussian",
                    given(
                        MeanShiftOptions {
                            kernel: Kernel::Gaussian,
                            ..Default::default()
                        },
                        bandwidth,
                        seeds,
                    ),
                ),
                (
                    "epanechnikov-weighted",
                    given(
                        MeanShiftOptions {
                            kernel: Kernel::Epanechnikov,
                            sample_weight: Some(&weights),
                            ..Default::default()
                        },
                        bandwidth,
                        seeds,
                    ),
                ),
                (
                    "attractor",
                    given(
                        MeanShiftOptions {
                            cluster_assignment: ClusterAssignment::Attractor,
                            ..Default::default()
                        },
                        bandwidth,
                        seeds,
                    ),
                ),
            ];
            let mut line = format!(
                "{dim} features, case {case}: bandwidth {:016x}",
                bandwidth.to_bits()
            );
            for (name, options) in fits {
                let model = fit(&matrix, &options).expect("fit");
                line += &format!(" {name} {:016x}", bits(&model));
            }
            println!("{line}");
        }
    }
}
