//! The async calls (`fitAsync`, `estimateBandwidthAsync`) and their admission, in one place.
//!
//! - Inputs are copied into Rust-owned vectors before the call returns, so the caller may
//!   reuse or change its typed arrays at once. The copies' shape and values are checked on the
//!   pool thread (once, and off the event loop); a bad matrix rejects the promise.
//! - Admission: one process-wide FIFO queue. A call starts when the threads it asks for fit in
//!   the cores that the running calls leave (a call alone always starts), on a rayon pool of its
//!   own (`meanshift::spawn_with_threads`); the promise settles through a deferred. No libuv
//!   thread is held and nothing polls: a call that ends starts the next ones, and runs the
//!   queue's next calls that ask for as many threads on its own pool (a burst of small calls
//!   wakes a pool once). A small fit (`meanshift::ONE_THREAD_TERMS`) asks for one thread.
//! - A [`TaskControl`] shared with JavaScript carries the abort flag (polled by the core before
//!   every seed or round) and the progress counters (read by a JS timer). Aborting a queued call
//!   removes it and rejects it at once.
//! - When a JavaScript environment is torn down (a Worker's `terminate()`, the process
//!   exiting), a cleanup hook aborts that environment's queued and running calls, so the
//!   teardown waits for no fit.

use crate::convert::{
    elements, matrix, native_fit, Data, FitSettings, NativeClimbOptions, NativeClimbs,
    NativeFitOptions,
};
use crate::js_error;
use meanshift::{Elements, MeanShiftError, MeanShiftFit, Observer};
use napi::bindgen_prelude::*;
use napi::JsDeferred;
use napi_derive::napi;
use std::collections::{HashSet, VecDeque};
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, OnceLock};

/// What a call and JavaScript share.
struct Shared {
    aborted: AtomicBool,
    done: AtomicUsize,
    total: AtomicUsize,
    /// The JavaScript environment that made the call (its `napi_env`, as a number).
    env: AtomicUsize,
}

impl Observer for Shared {
    fn is_aborted(&self) -> bool {
        self.aborted.load(Ordering::Relaxed)
    }

    fn on_progress(&self, done: usize, total: usize) {
        self.total.store(total, Ordering::Relaxed);
        // Reports may race across threads: keep the largest count.
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
            shared: Arc::new(Shared {
                aborted: AtomicBool::new(false),
                done: AtomicUsize::new(0),
                total: AtomicUsize::new(0),
                env: AtomicUsize::new(0),
            }),
        }
    }

    /// Asks the call to stop: a queued call is removed and rejects at once; a running one
    /// stops at the core's next check and then rejects. The rejection has code `ABORT_ERR`.
    #[napi]
    pub fn abort(&self) {
        self.shared.aborted.store(true, Ordering::Relaxed);
        let removed = {
            let mut admission = admission();
            let position = admission
                .queue
                .iter()
                .position(|job| Arc::ptr_eq(&job.shared, &self.shared));
            position.and_then(|p| admission.queue.remove(p))
        };
        if let Some(job) = removed {
            job.work.reject(MeanShiftError::Aborted);
        }
    }

    /// The fit's work done so far, in seeds (see `meanshift::Observer`); never decreases.
    #[napi(getter)]
    pub fn done(&self) -> f64 {
        self.shared.done.load(Ordering::Relaxed) as f64
    }

    /// The number of seeds; 0 until the core first reports.
    #[napi(getter)]
    pub fn total(&self) -> f64 {
        self.shared.total.load(Ordering::Relaxed) as f64
    }
}

/// A call's computation and its promise, type-erased for the queue.
trait Work: Send {
    /// Computes (on a pool thread) and settles the promise.
    fn run(self: Box<Self>, observer: &Shared);
    /// Settles the promise with `error` without computing (an abort while queued).
    fn reject(self: Box<Self>, error: MeanShiftError);
}

type Resolver<T> = Box<dyn FnOnce(Env) -> Result<T> + Send>;

/// A call's computation, run on a pool thread with the call's shared state as observer.
type Compute<R> = Box<dyn FnOnce(&Shared) -> meanshift::Result<R> + Send>;

/// One call: `compute` produces the core's result, `finish` turns it into the JS value.
struct Call<T: ToNapiValue + 'static, R: Send + 'static> {
    compute: Compute<R>,
    finish: fn(R) -> T,
    deferred: JsDeferred<T, Resolver<T>>,
    owner: &'static str,
}

/// What a computation ended with: the result, or a panic's message.
type Outcome<R> = std::result::Result<meanshift::Result<R>, String>;

impl<T: ToNapiValue + 'static, R: Send + 'static> Call<T, R> {
    fn settle(
        deferred: JsDeferred<T, Resolver<T>>,
        outcome: Outcome<R>,
        finish: fn(R) -> T,
        owner: &'static str,
    ) {
        deferred.resolve(Box::new(move |env: Env| match outcome {
            Ok(Ok(value)) => Ok(finish(value)),
            Ok(Err(error)) => Err(js_error::from_core(&env, &error, Some(owner))),
            Err(panic) => Err(js_error::internal(&env, &panic)),
        }));
    }
}

impl<T: ToNapiValue + 'static, R: Send + 'static> Work for Call<T, R> {
    fn run(self: Box<Self>, observer: &Shared) {
        let Call {
            compute,
            finish,
            deferred,
            owner,
        } = *self;
        // A panic must not unwind through the pool: it becomes the promise's rejection.
        let outcome = catch_unwind(AssertUnwindSafe(|| compute(observer))).map_err(|panic| {
            panic
                .downcast_ref::<&str>()
                .map(|s| s.to_string())
                .or_else(|| panic.downcast_ref::<String>().cloned())
                .unwrap_or_default()
        });
        Self::settle(deferred, outcome, finish, owner);
    }

    fn reject(self: Box<Self>, error: MeanShiftError) {
        Self::settle(self.deferred, Ok(Err(error)), self.finish, self.owner);
    }
}

struct Job {
    threads: usize,
    shared: Arc<Shared>,
    work: Box<dyn Work>,
}

/// The queue, and the calls running now with the threads their pools hold.
struct Admission {
    queue: VecDeque<Job>,
    running: Vec<Arc<Shared>>,
    busy_threads: usize,
}

static ADMISSION: Mutex<Admission> = Mutex::new(Admission {
    queue: VecDeque::new(),
    running: Vec::new(),
    busy_threads: 0,
});

fn admission() -> MutexGuard<'static, Admission> {
    ADMISSION
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

fn cores() -> usize {
    meanshift::cores()
}

/// Starts queued calls, first come first served, while their threads fit in the cores
/// that the running calls leave (a call alone always starts).
fn pump() {
    loop {
        let job = {
            let mut admission = admission();
            let Some(next) = admission.queue.front() else {
                return;
            };
            let fits =
                admission.running.is_empty() || admission.busy_threads + next.threads <= cores();
            if !fits {
                return;
            }
            let Some(job) = admission.queue.pop_front() else {
                return;
            };
            admission.running.push(Arc::clone(&job.shared));
            admission.busy_threads += job.threads;
            job
        };
        start(job);
    }
}

/// Runs `job` on a pool of its own; when it ends, its room goes to the next calls.
fn start(job: Job) {
    let Job {
        threads,
        shared,
        work,
    } = job;
    // The work moves into the pool; if no pool can be had it is rejected here.
    let slot = Arc::new(Mutex::new(Some(work)));
    let in_pool = Arc::clone(&slot);
    let observer = Arc::clone(&shared);
    let spawned = meanshift::spawn_with_threads(threads, move || {
        let work = in_pool.lock().ok().and_then(|mut w| w.take());
        if let Some(work) = work {
            work.run(&observer);
        }
        // The queue's next calls that ask for as many threads run here, on this
        // pool, one after another: waking a pool's thread costs more than a small
        // fit, so a burst of small calls pays it once, not once a call.
        let mut ended = observer;
        while let Some(next) = next_of_size(&ended, threads) {
            next.work.run(&next.shared);
            ended = next.shared;
        }
        pump();
    });
    if let Err(error) = spawned {
        let work = slot.lock().ok().and_then(|mut w| w.take());
        if let Some(work) = work {
            work.reject(error);
        }
        finished(&shared, threads);
    }
}

/// Ends the running call `ended` (on a pool of `threads` threads) and, when the
/// queue's first call asks for `threads` threads too, admits it in its place (it
/// fits: it takes the room `ended` leaves) and returns it to run on the same pool.
fn next_of_size(ended: &Arc<Shared>, threads: usize) -> Option<Job> {
    let mut admission = admission();
    admission.running.retain(|s| !Arc::ptr_eq(s, ended));
    let same_size = admission
        .queue
        .front()
        .is_some_and(|j| j.threads == threads);
    match same_size.then(|| admission.queue.pop_front()).flatten() {
        Some(job) => {
            admission.running.push(Arc::clone(&job.shared));
            Some(job)
        }
        None => {
            admission.busy_threads -= threads;
            None
        }
    }
}

fn finished(shared: &Arc<Shared>, threads: usize) {
    {
        let mut admission = admission();
        admission.running.retain(|s| !Arc::ptr_eq(s, shared));
        admission.busy_threads -= threads;
    }
    pump();
}

/// Queues a call made from `env`, registering `env`'s cleanup hook the first time.
fn submit(env: &Env, threads: usize, shared: Arc<Shared>, work: Box<dyn Work>) -> Result<()> {
    let env_key = env.raw() as usize;
    shared.env.store(env_key, Ordering::Relaxed);
    watch_teardown(env, env_key)?;
    admission().queue.push_back(Job {
        threads,
        shared,
        work,
    });
    pump();
    Ok(())
}

/// Environments whose teardown aborts their calls.
fn watched() -> MutexGuard<'static, HashSet<usize>> {
    static WATCHED: OnceLock<Mutex<HashSet<usize>>> = OnceLock::new();
    WATCHED
        .get_or_init(Default::default)
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

fn watch_teardown(env: &Env, env_key: usize) -> Result<()> {
    if !watched().insert(env_key) {
        return Ok(());
    }
    env.add_env_cleanup_hook(env_key, |key| {
        watched().remove(&key);
        abort_calls_of(key);
    })?;
    Ok(())
}

/// Aborts the queued and running calls of a torn-down environment. Queued ones are dropped
/// unsettled: their promises went with the environment.
fn abort_calls_of(env_key: usize) {
    let of_env = |shared: &Shared| shared.env.load(Ordering::Relaxed) == env_key;
    let dropped: VecDeque<Job> = {
        let mut admission = admission();
        for shared in admission.running.iter().filter(|s| of_env(s)) {
            shared.aborted.store(true, Ordering::Relaxed);
        }
        let (dropped, kept) = std::mem::take(&mut admission.queue)
            .into_iter()
            .partition(|job| of_env(&job.shared));
        admission.queue = kept;
        dropped
    };
    // Dropped outside the lock: a deferred's drop may call into napi.
    drop(dropped);
    pump();
}

/// A copy of `values` for an async call, or a TooLarge error when the memory for it cannot
/// be had (an allocation failure would abort the process).
fn copy_of<T: Copy>(name: &'static str, values: &[T]) -> meanshift::Result<Vec<T>> {
    let mut copy = Vec::new();
    copy.try_reserve_exact(values.len())
        .map_err(|_| MeanShiftError::TooLarge {
            what: name,
            why: meanshift::TooLarge::Memory {
                bytes: std::mem::size_of_val(values),
            },
        })?;
    copy.extend_from_slice(values);
    Ok(copy)
}

/// A copy of the caller's matrix, owned by the call.
enum Owned {
    F64(Vec<f64>),
    F32(Vec<f32>),
}

impl Owned {
    fn copy(data: &Data) -> meanshift::Result<Self> {
        Self::copy_named("X", data)
    }

    fn copy_named(name: &'static str, data: &Data) -> meanshift::Result<Self> {
        Ok(match elements(data) {
            Elements::F64(d) => Owned::F64(copy_of(name, d)?),
            Elements::F32(d) => Owned::F32(copy_of(name, d)?),
        })
    }

    fn elements(&self) -> Elements<'_> {
        match self {
            Owned::F64(d) => Elements::F64(d),
            Owned::F32(d) => Elements::F32(d),
        }
    }
}

/// Creates the promise, queues `compute` and returns the promise.
fn queue_call<'env, T: ToNapiValue + 'static, R: Send + 'static>(
    env: &'env Env,
    control: &TaskControl,
    threads: usize,
    owner: &'static str,
    compute: Compute<R>,
    finish: fn(R) -> T,
) -> Result<Object<'env>> {
    let (deferred, promise) = env.create_deferred::<T, Resolver<T>>()?;
    let call = Call {
        compute,
        finish,
        deferred,
        owner,
    };
    submit(env, threads, Arc::clone(&control.shared), Box::new(call))?;
    Ok(promise)
}

/// A copy of the sample weights for a call that runs later.
fn weights_copy(weights: Option<&[f64]>) -> meanshift::Result<Option<Vec<f64>>> {
    weights.map(|w| copy_of("sample_weight", w)).transpose()
}

/// `fit` off the JavaScript thread: the same result, bit for bit.
#[napi(catch_unwind, ts_return_type = "Promise<NativeFit>")]
pub fn fit_async<'env>(
    env: &'env Env,
    data: Data,
    n_rows: f64,
    n_cols: f64,
    options: NativeFitOptions,
    control: &TaskControl,
) -> Result<Object<'env>> {
    const OWNER: &str = "MeanShift";
    let prepared = (|| {
        let settings = FitSettings::new(&options)?;
        let threads = meanshift::resolve_threads(settings.n_jobs)?;
        // A small fit runs on one thread whatever nJobs (the same bits): on a pool
        // of one it hands no work to another thread, and two run at once on two cores.
        let given_seeds = options.seeds.as_ref().and(options.seeds_rows);
        let terms = meanshift::fit_terms(
            n_rows as usize,
            n_cols as usize,
            given_seeds.map(|r| r as usize),
        );
        let threads = match terms <= meanshift::ONE_THREAD_TERMS {
            true => 1,
            false => threads,
        };
        let seeds = options
            .seeds
            .as_deref()
            .map(|s| copy_of("seeds", s))
            .transpose()?;
        let weights = weights_copy(options.sample_weight.as_deref())?;
        Ok((settings, threads, Owned::copy(&data)?, seeds, weights))
    })();
    let (settings, threads, x, seeds, weights) =
        prepared.map_err(|e: MeanShiftError| js_error::from_core(env, &e, Some(OWNER)))?;
    let compute = Box::new(
        move |observer: &Shared| -> meanshift::Result<MeanShiftFit> {
            let x = matrix("X", x.elements(), n_rows, n_cols)?;
            let options = settings.options(seeds.as_deref(), weights.as_deref(), x.n_cols())?;
            meanshift::fit_observed(&x, &options, observer)
        },
    );
    queue_call(env, control, threads, OWNER, compute, |model| {
        native_fit(model, |centers, labels| {
            Ok((Float64Array::from(centers), Int32Array::from(labels)))
        })
    })
}

/// `estimateBandwidth` off the JavaScript thread.
#[napi(catch_unwind, ts_return_type = "Promise<number>")]
#[allow(clippy::too_many_arguments)]
pub fn estimate_bandwidth_async<'env>(
    env: &'env Env,
    data: Data,
    n_rows: f64,
    n_cols: f64,
    quantile: f64,
    n_samples: Option<f64>,
    random_state: f64,
    n_jobs: Option<f64>,
    sample_weight: Option<Float64Array>,
    control: &TaskControl,
) -> Result<Object<'env>> {
    const OWNER: &str = "estimateBandwidthAsync";
    let prepared = (|| {
        let (options, threads) =
            crate::convert::bandwidth_settings(quantile, n_samples, random_state, n_jobs)?;
        let weights = weights_copy(sample_weight.as_deref())?;
        Ok((options, threads, Owned::copy(&data)?, weights))
    })();
    let (options, threads, x, weights) =
        prepared.map_err(|e: MeanShiftError| js_error::from_core(env, &e, Some(OWNER)))?;
    let compute = Box::new(move |observer: &Shared| -> meanshift::Result<f64> {
        let x = matrix("X", x.elements(), n_rows, n_cols)?;
        meanshift::estimate_bandwidth_weighted_observed(&x, weights.as_deref(), &options, observer)
    });
    queue_call(env, control, threads, OWNER, compute, |b| b)
}

/// `climbSeeds` off the JavaScript thread: the same climbs, bit for bit.
#[napi(catch_unwind, ts_return_type = "Promise<NativeClimbs>")]
#[allow(clippy::too_many_arguments)]
pub fn climb_seeds_async<'env>(
    env: &'env Env,
    data: Data,
    n_rows: f64,
    n_cols: f64,
    seeds: Data,
    seeds_rows: f64,
    seeds_cols: f64,
    options: NativeClimbOptions,
    control: &TaskControl,
) -> Result<Object<'env>> {
    const OWNER: &str = "climbSeedsAsync";
    let prepared = (|| {
        let weights = weights_copy(options.sample_weight.as_deref())?;
        let options = options.to_core()?;
        let threads = meanshift::resolve_threads(options.n_jobs)?;
        Ok((
            options,
            threads,
            Owned::copy(&data)?,
            Owned::copy_named("seeds", &seeds)?,
            weights,
        ))
    })();
    let (options, threads, x, seeds, weights) =
        prepared.map_err(|e: MeanShiftError| js_error::from_core(env, &e, Some(OWNER)))?;
    let compute = Box::new(
        move |observer: &Shared| -> meanshift::Result<meanshift::ClimbShard> {
            let x = matrix("X", x.elements(), n_rows, n_cols)?;
            let seeds = matrix("seeds", seeds.elements(), seeds_rows, seeds_cols)?;
            let options = meanshift::ClimbOptions {
                sample_weight: weights.as_deref(),
                ..options
            };
            meanshift::climb_seeds_observed(&x, &seeds, &options, observer)
        },
    );
    queue_call(env, control, threads, OWNER, compute, NativeClimbs::from)
}
