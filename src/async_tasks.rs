//! The async twins (`fitAsync`, `estimateBandwidthAsync`): napi `AsyncTask`s whose
//! `compute` runs on a libuv thread and hands the work to the core's rayon pool.
//!
//! - Inputs are copied into Rust-owned vectors before the task is queued, so the
//!   caller may reuse or change its typed arrays as soon as the call returns.
//! - A [`TaskControl`] shared with JavaScript carries the abort flag (polled by the
//!   core before every seed) and the progress counters (read by a JS timer).
//! - Admission ([`Slot`]), process-wide: a libuv thread sleeps in
//!   `ThreadPool::install` for the whole computation, so at most half of libuv's
//!   threadpool computes (32 concurrent fits must not hold all 4 threads that fs,
//!   dns and crypto need), and the running tasks' threads never exceed the cores
//!   (each runs on a rayon pool of its own, see `meanshift::with_threads`). When a
//!   task cannot start the call returns `null`, copying nothing, and the
//!   TypeScript layer keeps the request in its queue.

use crate::{
    bandwidth_on_threads, bandwidth_options, invalid, n_jobs, whole, Data, FitSettings, NativeFit,
    NativeFitOptions,
};
use meanshift::{Elements, Matrix, MeanShiftFit, Observer};
use napi::bindgen_prelude::*;
use napi_derive::napi;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, OnceLock};

/// What a running task and JavaScript share.
#[derive(Default)]
struct Shared {
    aborted: AtomicBool,
    done: AtomicUsize,
    total: AtomicUsize,
}

impl Observer for Shared {
    fn is_aborted(&self) -> bool {
        self.aborted.load(Ordering::Relaxed)
    }

    fn on_progress(&self, done: usize, total: usize) {
        self.total.store(total, Ordering::Relaxed);
        // Seeds finish out of order across threads: keep the largest count.
        self.done.fetch_max(done, Ordering::Relaxed);
    }
}

/// Abort flag and progress counters of one async call.
#[napi]
pub struct TaskControl {
    shared: Arc<Shared>,
}

#[napi]
impl TaskControl {
    #[napi(constructor)]
    #[allow(clippy::new_without_default)]
    pub fn new() -> Self {
        Self {
            shared: Arc::default(),
        }
    }

    /// Asks the task to stop: the core checks before every seed (and every row of
    /// a bandwidth estimate), and the promise then rejects with status `Cancelled`.
    #[napi]
    pub fn abort(&self) {
        self.shared.aborted.store(true, Ordering::Relaxed);
    }

    /// Seeds whose climb has finished (never decreases).
    #[napi(getter)]
    pub fn done(&self) -> f64 {
        self.shared.done.load(Ordering::Relaxed) as f64
    }

    /// Seeds in all; 0 until the first seed has finished.
    #[napi(getter)]
    pub fn total(&self) -> f64 {
        self.shared.total.load(Ordering::Relaxed) as f64
    }
}

/// Tasks computing now and the threads their pools hold.
static BUDGET: Mutex<(usize, usize)> = Mutex::new((0, 0));

fn budget() -> std::sync::MutexGuard<'static, (usize, usize)> {
    BUDGET
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// At most half of libuv's threadpool (`UV_THREADPOOL_SIZE`, 4 by default) computes fits.
fn max_running() -> usize {
    static MAX: OnceLock<usize> = OnceLock::new();
    *MAX.get_or_init(|| {
        let pool = std::env::var("UV_THREADPOOL_SIZE")
            .ok()
            .and_then(|v| v.trim().parse::<usize>().ok())
            .filter(|&n| n > 0)
            .unwrap_or(4);
        (pool / 2).max(1)
    })
}

/// The right to compute with `threads` threads, released on drop.
struct Slot {
    threads: usize,
}

impl Slot {
    /// A task starts when fewer than [`max_running`] run and its threads fit in
    /// the cores left by the running ones (or nothing runs): concurrent fits
    /// never ask for more threads than the machine has.
    fn try_acquire(n_jobs: Option<i64>) -> Result<Option<Slot>> {
        let threads = meanshift::resolve_threads(n_jobs).map_err(crate::to_js_error)?;
        let cores = meanshift::resolve_threads(None).map_err(crate::to_js_error)?;
        let mut budget = budget();
        let (tasks, busy) = *budget;
        if tasks >= max_running() || (tasks > 0 && busy + threads > cores) {
            return Ok(None);
        }
        *budget = (tasks + 1, busy + threads);
        Ok(Some(Slot { threads }))
    }
}

impl Drop for Slot {
    fn drop(&mut self) {
        let mut budget = budget();
        budget.0 -= 1;
        budget.1 -= self.threads;
    }
}

/// A copy of the caller's matrix, owned by the task.
enum Owned {
    F64(Vec<f64>),
    F32(Vec<f32>),
}

impl Owned {
    fn copy(data: &Data) -> Result<Self> {
        Ok(match data {
            Either::A(d) => Owned::F64(copy_of("X", d)?),
            Either::B(d) => Owned::F32(copy_of("X", d)?),
        })
    }

    fn matrix(&self, n_rows: usize, n_cols: usize) -> Result<Matrix<'_>> {
        let elements = match self {
            Owned::F64(d) => Elements::F64(d),
            Owned::F32(d) => Elements::F32(d),
        };
        Matrix::new("X", elements, n_rows, n_cols).map_err(crate::to_js_error)
    }
}

/// A copy of `values` for a task, or a RangeError when the memory for it cannot be had: an
/// allocation failure would abort the process.
fn copy_of<T: Copy>(name: &str, values: &[T]) -> Result<Vec<T>> {
    let mut copy = Vec::new();
    copy.try_reserve_exact(values.len()).map_err(|_| {
        invalid(format!(
            "{name} is too large: its copy for the async call ({} values) does not fit in memory.",
            values.len()
        ))
    })?;
    copy.extend_from_slice(values);
    Ok(copy)
}

/// Runs `work`, turning a panic into an error: `compute` runs on a libuv thread
/// where an unwinding panic would abort the process.
fn guarded<T>(work: impl FnOnce() -> Result<T>) -> Result<T> {
    catch_unwind(AssertUnwindSafe(work)).unwrap_or_else(|panic| {
        let detail = panic
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| panic.downcast_ref::<String>().cloned())
            .unwrap_or_default();
        Err(Error::new(
            Status::GenericFailure,
            format!("fast-meanshift: internal error (panic) {detail}"),
        ))
    })
}

pub struct FitTask {
    x: Owned,
    n_rows: usize,
    n_cols: usize,
    seeds: Option<Vec<f64>>,
    settings: FitSettings,
    shared: Arc<Shared>,
    slot: Option<Slot>,
}

impl Task for FitTask {
    type Output = MeanShiftFit;
    type JsValue = NativeFit;

    fn compute(&mut self) -> Result<MeanShiftFit> {
        // The slot is free again as soon as the work is, even if the
        // completion callback never runs (a Worker torn down meanwhile).
        let _slot = self.slot.take();
        guarded(|| {
            let x = self.x.matrix(self.n_rows, self.n_cols)?;
            self.settings
                .fit(&x, self.seeds.as_deref(), self.shared.as_ref())
        })
    }

    fn resolve(&mut self, _env: Env, output: MeanShiftFit) -> Result<NativeFit> {
        Ok(output.into())
    }
}

/// `fit` off the JavaScript thread. Returns `null` (and copies nothing) when the
/// process already runs its maximum of tasks: the caller retries later.
#[napi(catch_unwind, ts_return_type = "Promise<NativeFit> | null")]
pub fn fit_async(
    data: Data,
    n_rows: f64,
    n_cols: f64,
    options: NativeFitOptions,
    control: &TaskControl,
) -> Result<Option<AsyncTask<FitTask>>> {
    let settings = FitSettings::new(&options)?;
    let n_rows = whole("shape[0]", n_rows)?;
    let n_cols = whole("shape[1]", n_cols)?;
    let Some(slot) = Slot::try_acquire(settings.n_jobs)? else {
        return Ok(None);
    };
    Ok(Some(AsyncTask::new(FitTask {
        x: Owned::copy(&data)?,
        n_rows,
        n_cols,
        seeds: options
            .seeds
            .as_deref()
            .map(|seeds| copy_of("seeds", seeds))
            .transpose()?,
        settings,
        shared: Arc::clone(&control.shared),
        slot: Some(slot),
    })))
}

pub struct BandwidthTask {
    x: Owned,
    n_rows: usize,
    n_cols: usize,
    options: meanshift::BandwidthOptions,
    n_jobs: Option<i64>,
    shared: Arc<Shared>,
    slot: Option<Slot>,
}

impl Task for BandwidthTask {
    type Output = f64;
    type JsValue = f64;

    fn compute(&mut self) -> Result<f64> {
        let _slot = self.slot.take();
        guarded(|| {
            let x = self.x.matrix(self.n_rows, self.n_cols)?;
            bandwidth_on_threads(&x, &self.options, self.n_jobs, self.shared.as_ref())
        })
    }

    fn resolve(&mut self, _env: Env, output: f64) -> Result<f64> {
        Ok(output)
    }
}

/// `estimateBandwidth` off the JavaScript thread; `null` when no slot is free.
#[napi(catch_unwind, ts_return_type = "Promise<number> | null")]
#[allow(clippy::too_many_arguments)]
pub fn estimate_bandwidth_async(
    data: Data,
    n_rows: f64,
    n_cols: f64,
    quantile: f64,
    n_samples: Option<f64>,
    random_state: f64,
    n_jobs_option: Option<f64>,
    control: &TaskControl,
) -> Result<Option<AsyncTask<BandwidthTask>>> {
    let options = bandwidth_options(n_samples, random_state, quantile)?;
    let n_jobs = n_jobs(n_jobs_option)?;
    let n_rows = whole("shape[0]", n_rows)?;
    let n_cols = whole("shape[1]", n_cols)?;
    let Some(slot) = Slot::try_acquire(n_jobs)? else {
        return Ok(None);
    };
    Ok(Some(AsyncTask::new(BandwidthTask {
        x: Owned::copy(&data)?,
        n_rows,
        n_cols,
        options,
        n_jobs,
        shared: Arc::clone(&control.shared),
        slot: Some(slot),
    })))
}
