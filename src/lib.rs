//! The Node.js binding of the `meanshift` core. It converts values (`convert`), maps
//! errors (`js_error`) and runs the async calls (`async_tasks`); every algorithm and every
//! rule about values lives in `crates/meanshift`.
//!
//! Matrices arrive as a flat `Float64Array` or `Float32Array` plus a shape, read in place
//! (no copy on the JavaScript side). Every export catches panics so that nothing can
//! unwind into Node.

// No unwrap/expect outside tests: a bad argument must become a JS error, never a panic.
#![cfg_attr(not(test), deny(clippy::unwrap_used, clippy::expect_used))]

mod async_tasks;
mod convert;
mod js_error;

use convert::{
    bandwidth_settings, bin_seeds_options, elements, matrix, native_fit, Data, FitSettings,
    NativeAttractorOptions, NativeBinSeeds, NativeBlobs, NativeBlobsOptions, NativeClimbOptions,
    NativeClimbs, NativeFit, NativeFitOptions, NativeLabelOptions, NativeModes, NativeSeeds,
};
use meanshift::{params::mean_shift, SeedPrecision, Unobserved};
use napi::bindgen_prelude::*;
use napi_derive::napi;

/// Runs `work`, turning a core error into the JavaScript error for `owner`'s caller.
fn with_errors<T>(
    env: &Env,
    owner: &str,
    work: impl FnOnce() -> meanshift::Result<T>,
) -> Result<T> {
    work().map_err(|error| js_error::from_core(env, &error, Some(owner)))
}

#[napi(catch_unwind, ts_return_type = "NativeFit")]
pub fn fit<'env>(
    env: &'env Env,
    data: Data,
    n_rows: f64,
    n_cols: f64,
    options: NativeFitOptions,
) -> Result<NativeFit<Float64ArraySlice<'env>, Int32ArraySlice<'env>>> {
    let model = with_errors(env, "MeanShift", || {
        let x = matrix("X", elements(&data), n_rows, n_cols)?;
        let settings = FitSettings::new(&options)?;
        let options = settings.options(
            options.seeds.as_deref(),
            options.sample_weight.as_deref(),
            x.n_cols(),
        )?;
        // Unobserved: a small fit may climb in parts on all its threads.
        meanshift::fit(&x, &options)
    })?;
    // Copies in memory JavaScript allocated: an array over Rust's memory (an external
    // array buffer) costs a finalizer and more garbage-collection work than copying a
    // small result.
    native_fit(model, |centers, labels| {
        Ok((
            Float64ArraySlice::copy_from(env, &centers)?,
            Int32ArraySlice::copy_from(env, &labels)?,
        ))
    })
}

/// `predict` by nearest centre. `clusterAssignment` is checked by the core's rule here; the
/// TypeScript layer sends `'attractor'` to [`predict_attractors`] with the training data.
#[napi(catch_unwind)]
#[allow(clippy::too_many_arguments)]
pub fn predict(
    env: &Env,
    data: Data,
    n_rows: f64,
    n_cols: f64,
    centers: Float64Array,
    n_features: u32,
    n_jobs: Option<f64>,
    cluster_assignment: Option<String>,
) -> Result<Int32Array> {
    with_errors(env, "MeanShift", || {
        let assignment = convert::cluster_assignment(cluster_assignment.as_deref())?;
        if assignment != meanshift::ClusterAssignment::NearestCentroid {
            return Err(mean_shift::CLUSTER_ASSIGNMENT
                .broken_by("'attractor' without the training data".into()));
        }
        let x = matrix("X", elements(&data), n_rows, n_cols)?;
        let n_jobs = convert::n_jobs(&mean_shift::N_JOBS, n_jobs)?;
        Ok(meanshift::predict(&x, &centers, n_features as usize, n_jobs)?.into())
    })
}

/// `predict` with `clusterAssignment: 'attractor'`: every row climbs over the training
/// data `training` (`n_cols` features a row) and takes its climb's attractor's label.
#[napi(catch_unwind)]
#[allow(clippy::too_many_arguments)]
pub fn predict_attractors(
    env: &Env,
    data: Data,
    n_rows: f64,
    n_cols: f64,
    training: Data,
    training_rows: f64,
    training_cols: f64,
    centers: Float64Array,
    options: NativeAttractorOptions,
) -> Result<Int32Array> {
    with_errors(env, "MeanShift", || {
        let x = matrix("X", elements(&data), n_rows, n_cols)?;
        let training = matrix("X", elements(&training), training_rows, training_cols)?;
        let n_jobs = convert::n_jobs(&mean_shift::N_JOBS, options.n_jobs)?;
        let model = options.model(training, &centers)?;
        Ok(meanshift::predict_attractors(&x, &model, n_jobs)?.into())
    })
}

#[napi(catch_unwind)]
#[allow(clippy::too_many_arguments)]
pub fn estimate_bandwidth(
    env: &Env,
    data: Data,
    n_rows: f64,
    n_cols: f64,
    quantile: f64,
    n_samples: Option<f64>,
    random_state: f64,
    n_jobs: Option<f64>,
    sample_weight: Option<Float64Array>,
) -> Result<f64> {
    with_errors(env, "estimateBandwidth", || {
        let (options, threads) = bandwidth_settings(quantile, n_samples, random_state, n_jobs)?;
        let x = matrix("X", elements(&data), n_rows, n_cols)?;
        meanshift::with_threads(threads, || {
            meanshift::estimate_bandwidth_weighted_observed(
                &x,
                sample_weight.as_deref(),
                &options,
                &Unobserved,
            )
        })?
    })
}

#[napi(catch_unwind)]
pub fn get_bin_seeds(
    env: &Env,
    data: Data,
    n_rows: f64,
    n_cols: f64,
    bin_size: f64,
    min_bin_freq: f64,
) -> Result<NativeBinSeeds> {
    with_errors(env, "getBinSeeds", || {
        let (bin_size, min_bin_freq) = bin_seeds_options(bin_size, min_bin_freq)?;
        let x = matrix("X", elements(&data), n_rows, n_cols)?;
        let binned = meanshift::get_bin_seeds(&x, bin_size, min_bin_freq, SeedPrecision::Float32)?;
        Ok(NativeBinSeeds {
            n_seeds: (binned.seeds.len() / x.n_cols().max(1)) as u32,
            seeds: binned.seeds.into(),
            warning: binned.warning,
        })
    })
}

#[napi(catch_unwind)]
pub fn make_blobs(env: &Env, options: NativeBlobsOptions) -> Result<NativeBlobs> {
    with_errors(env, "makeBlobs", || {
        let blobs = meanshift::make_blobs(&options.to_core()?)?;
        Ok(NativeBlobs {
            n_samples: blobs.n_samples as u32,
            n_features: blobs.n_features as u32,
            x: blobs.x.into(),
            y: blobs.y.into(),
        })
    })
}

/// Throws the TypeError for `parameter` of `owner` given a value of the wrong JavaScript
/// type (`got` describes it), worded from the core's rule for the parameter: the TypeScript
/// layer sees the type, the core owns the rule.
#[napi(catch_unwind, ts_return_type = "never")]
pub fn throw_parameter_type_error(
    env: &Env,
    owner: String,
    parameter: String,
    got: String,
) -> Result<()> {
    Err(js_error::wrong_type(env, &owner, &parameter, got))
}

/// Checks `fit`'s options against the core's rules without fitting (`MeanShift.fromJSON`).
#[napi(catch_unwind)]
pub fn check_fit_options(env: &Env, options: NativeFitOptions) -> Result<()> {
    with_errors(env, "MeanShift", || FitSettings::new(&options).map(|_| ()))
}

/// The seeds `fit` would climb, and its bandwidth (estimated when not given).
#[napi(catch_unwind)]
pub fn seeds_for(
    env: &Env,
    data: Data,
    n_rows: f64,
    n_cols: f64,
    options: NativeFitOptions,
) -> Result<NativeSeeds> {
    with_errors(env, "seedsFor", || {
        let x = matrix("X", elements(&data), n_rows, n_cols)?;
        let settings = FitSettings::new(&options)?;
        let options = settings.options(
            options.seeds.as_deref(),
            options.sample_weight.as_deref(),
            x.n_cols(),
        )?;
        Ok(meanshift::seeds_for(&x, &options)?.into())
    })
}

/// The climbs from a run of a fit's seeds.
#[napi(catch_unwind)]
#[allow(clippy::too_many_arguments)]
pub fn climb_seeds(
    env: &Env,
    data: Data,
    n_rows: f64,
    n_cols: f64,
    seeds: Data,
    seeds_rows: f64,
    seeds_cols: f64,
    options: NativeClimbOptions,
) -> Result<NativeClimbs> {
    with_errors(env, "climbSeeds", || {
        let x = matrix("X", elements(&data), n_rows, n_cols)?;
        let seeds = matrix("seeds", elements(&seeds), seeds_rows, seeds_cols)?;
        let core = meanshift::ClimbOptions {
            sample_weight: options.sample_weight.as_deref(),
            ..options.to_core()?
        };
        Ok(meanshift::climb_seeds(&x, &seeds, &core)?.into())
    })
}

/// The centres from the climbs of all a fit's seeds, in any number of runs, in any order.
#[napi(catch_unwind)]
pub fn merge_modes(env: &Env, climbs: Vec<NativeClimbs>, bandwidth: f64) -> Result<NativeModes> {
    with_errors(env, "mergeModes", || {
        let shards = climbs
            .iter()
            .map(NativeClimbs::to_core)
            .collect::<meanshift::Result<Vec<_>>>()?;
        Ok(meanshift::merge_modes(&shards, bandwidth)?.into())
    })
}

/// The label of each row: its nearest centre, or -1 (orphans, when `clusterAll` is false).
#[napi(catch_unwind)]
#[allow(clippy::too_many_arguments)]
pub fn assign_labels(
    env: &Env,
    data: Data,
    n_rows: f64,
    n_cols: f64,
    centers: Data,
    centers_rows: f64,
    centers_cols: f64,
    options: NativeLabelOptions,
) -> Result<Int32Array> {
    with_errors(env, "assignLabels", || {
        let x = matrix("X", elements(&data), n_rows, n_cols)?;
        let centers = matrix("centers", elements(&centers), centers_rows, centers_cols)?;
        Ok(meanshift::assign_labels(&x, &centers, &options.to_core()?)?.into())
    })
}
