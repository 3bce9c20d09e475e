//! Mean shift clustering with scikit-learn's exact semantics.
//!
//! The crate reproduces `sklearn.cluster.MeanShift`, `mean_shift`,
//! `estimate_bandwidth`, `get_bin_seeds` and `sklearn.datasets.make_blobs`
//! (with NumPy's legacy `RandomState`), so that results match scikit-learn's on
//! the same data. Seeds climb in parallel with rayon; neighbours come from a
//! kiddo KD-tree. Results do not depend on the number of threads.
//!
//! ```
//! use meanshift::{fit, Matrix, MeanShiftOptions};
//! let x = [1.0, 1.0, 2.0, 1.0, 1.0, 0.0, 4.0, 7.0, 3.0, 5.0, 3.0, 6.0];
//! let x = Matrix::from_f64("X", &x, 6, 2).unwrap();
//! let model = fit(&x, &MeanShiftOptions { bandwidth: Some(2.0), ..Default::default() }).unwrap();
//! assert_eq!(model.labels, vec![1, 1, 1, 0, 0, 0]);
//! assert_eq!(model.n_iter, 2);
//! ```

// No unwrap/expect outside tests: user input must end in a MeanShiftError, never a panic.
#![cfg_attr(not(test), deny(clippy::unwrap_used, clippy::expect_used))]

mod alloc;
mod attractor;
mod bandwidth;
mod blobs;
mod climb;
mod error;
mod fit;
#[cfg(any(test, feature = "fuzzing"))]
#[doc(hidden)]
pub mod fuzzing;
mod index;
mod kernel;
mod label;
mod lockstep;
mod matrix;
mod merge;
mod numeric;
mod observer;
pub mod params;
mod progress;
mod rng;
mod rounds;
mod rule;
mod seeding;
mod shards;
mod threads;
mod weights;

pub use bandwidth::{
    estimate_bandwidth, estimate_bandwidth_observed, estimate_bandwidth_weighted_observed,
    BandwidthOptions,
};
pub use blobs::{make_blobs, Blobs, BlobsOptions, Centers, MAX_BLOB_VALUES};
pub use error::{Got, MeanShiftError, Result, TooLarge, WeightProblem};
pub use fit::{
    fit, fit_observed, fit_terms, predict, predict_attractors, AttractorModel, ClusterAssignment,
    MeanShiftFit, MeanShiftOptions, CALLING_THREAD_TERMS, ONE_THREAD_TERMS,
};
pub use kernel::Kernel;
pub use matrix::{Elements, Matrix};
pub use observer::{Observer, Unobserved};
pub use params::{EntryPoint, Rule, Terms};
pub use rng::RandomState;
pub use seeding::{get_bin_seeds, BinSeeds, SeedPrecision};
pub use shards::{
    assign_labels, climb_seeds, climb_seeds_observed, merge_modes, seeds_for, ClimbOptions,
    ClimbShard, FitSeeds, LabelOptions, Modes,
};
pub use threads::{
    cores, on_calling_thread, resolve_threads, spawn_with_threads, with_threads, MAX_THREADS,
};
