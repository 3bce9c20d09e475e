//! Thread control: `n_jobs` in scikit-learn's sense, served by reused rayon pools.

use crate::error::{MeanShiftError, Result};
use crate::params::mean_shift::N_JOBS;
use rayon::{ThreadPool, ThreadPoolBuilder};
use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, AtomicU8, Ordering};
use std::sync::{Arc, Mutex, OnceLock};
use std::time::{Duration, Instant};

/// The most threads one computation uses: a larger `n_jobs` is served with this many
/// (joblib accepts any count; threads beyond the cores only cost memory).
pub const MAX_THREADS: usize = 1024;

/// Resolves `n_jobs` like joblib: `None` or `-1` → all cores, `k > 0` → `k` (at most
/// [`MAX_THREADS`]), `k < -1` → `cores + 1 + k` (at least 1). `0` breaks the rule
/// [`crate::params::mean_shift::N_JOBS`].
pub fn resolve_threads(n_jobs: Option<i64>) -> Result<usize> {
    let cores = cores();
    match n_jobs {
        None | Some(-1) => Ok(cores),
        Some(k) if k > 0 => Ok(usize::try_from(k).unwrap_or(usize::MAX).min(MAX_THREADS)),
        Some(k) => {
            N_JOBS.integer(k as f64)?;
            Ok((cores as i64 + 1 + k).max(1) as usize)
        }
    }
}

/// The cores this process may use, read once: on Linux `available_parallelism`
/// reads cgroup files, several microseconds a call, which a small fit would
/// pay on every call (rayon reads it once too).
pub fn cores() -> usize {
    static CORES: OnceLock<usize> = OnceLock::new();
    *CORES.get_or_init(|| std::thread::available_parallelism().map_or(1, |n| n.get()))
}

/// Idle pools by size. A pool serves one computation at a time: two
/// computations sharing a pool interleave their jobs (a worker waiting in one
/// steals the other's), so one of them, or its abort, waits for the other.
static IDLE: OnceLock<Mutex<HashMap<usize, Vec<Arc<ThreadPool>>>>> = OnceLock::new();

fn idle() -> std::sync::MutexGuard<'static, HashMap<usize, Vec<Arc<ThreadPool>>>> {
    IDLE.get_or_init(Default::default)
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// A pool taken from [`IDLE`] (or built) for one computation, given back on drop
/// (a panic included).
struct Lease {
    threads: usize,
    pool: Arc<ThreadPool>,
}

impl Lease {
    fn take(threads: usize) -> Result<Self> {
        let pool = match idle().get_mut(&threads).and_then(Vec::pop) {
            Some(pool) => pool,
            None => Arc::new(
                ThreadPoolBuilder::new()
                    .num_threads(threads)
                    .thread_name(|i| format!("meanshift-{i}"))
                    .build()
                    .map_err(|e| MeanShiftError::ThreadPool {
                        threads,
                        reason: e.to_string(),
                    })?,
            ),
        };
        Ok(Self { threads, pool })
    }
}

impl Drop for Lease {
    fn drop(&mut self) {
        idle()
            .entry(self.threads)
            .or_default()
            .push(Arc::clone(&self.pool));
    }
}

/// Runs `work` on a pool of exactly `threads` threads, which no other call uses
/// meanwhile. Pools are kept and reused: sequential calls never create threads,
/// and concurrent calls create at most one pool per call running at once.
pub fn with_threads<R: Send>(threads: usize, work: impl FnOnce() -> R + Send) -> Result<R> {
    // Already on a pool of this size (a task started by `spawn_with_threads`, or the
    // calling thread's own pool of one): run here rather than block this thread on a
    // second pool.
    if rayon::current_thread_index().is_some() && rayon::current_num_threads() == threads {
        return Ok(work());
    }
    if threads == 1 && rayon::current_thread_index().is_none() {
        return on_calling_thread(work);
    }
    let lease = Lease::take(threads)?;
    Ok(lease.pool.install(work))
}

/// Runs `work` on the calling thread, handing nothing to another thread: on the
/// pool this thread works for, whatever its size, or else on a pool of one thread
/// that is this thread itself (built the first time, kept for the thread's life),
/// so that the parallel iterators inside `work` run here, in order, instead of
/// on rayon's global pool. Handing work to a pool and back costs two wake-ups
/// across threads, tens of microseconds: more than a small fit's whole work.
///
/// Results do not depend on the threads, so this gives the bits of any pool.
/// rayon leaks a pool made of the calling thread when that thread ends (a few
/// kilobytes, once per thread that ever runs a small fit).
pub fn on_calling_thread<R>(work: impl FnOnce() -> R) -> Result<R> {
    thread_local! {
        static OWN_POOL: std::cell::OnceCell<ThreadPool> = const { std::cell::OnceCell::new() };
    }
    if rayon::current_thread_index().is_none() {
        OWN_POOL.with(|own| {
            if own.get().is_some() {
                return Ok(());
            }
            let pool = ThreadPoolBuilder::new()
                .num_threads(1)
                .use_current_thread()
                .build()
                .map_err(|e| MeanShiftError::ThreadPool {
                    threads: 1,
                    reason: e.to_string(),
                })?;
            // Set once: the thread belongs to this pool from now on.
            let _ = own.set(pool);
            Ok(())
        })?;
    }
    Ok(work())
}

/// Runs `work` on the calling thread (see [`on_calling_thread`]) with `helpers`
/// other threads (`helpers >= 1`, a pool no other call uses meanwhile) awake
/// for the parts `work` hands them ([`Helpers::spawn`]).
pub fn with_helpers<R>(helpers: usize, work: impl FnOnce(&Helpers) -> R) -> Result<R> {
    let lease = Lease::take(helpers)?;
    let standby = Arc::new(Standby::default());
    for _ in 0..helpers {
        let standby = Arc::clone(&standby);
        lease.pool.spawn(move || standby.stand_by());
    }
    // Dropped before the lease (a panic included): nobody stands by any more.
    let _closing = Closing(Arc::clone(&standby));
    let helpers = Helpers {
        pool: &lease.pool,
        standby,
        count: helpers,
    };
    on_calling_thread(|| work(&helpers))
}

/// Threads for the parts of one computation ([`with_helpers`]). They are woken
/// when the computation starts and stand by until it hands them its first part,
/// after its preparations: waking a sleeping thread only then took ~30 µs on
/// this VM, a tenth of a 1,000-point fit. A part no helper has started when its
/// result is wanted runs on the caller ([`Pending::join`]).
pub struct Helpers<'a> {
    pool: &'a ThreadPool,
    standby: Arc<Standby>,
    count: usize,
}

/// Why the helpers stop standing by.
#[derive(Default)]
struct Standby {
    handed_over: AtomicBool,
    closed: AtomicBool,
}

/// Sets [`Standby::closed`] when dropped.
struct Closing(Arc<Standby>);

impl Drop for Closing {
    fn drop(&mut self) {
        self.0.closed.store(true, Ordering::Release);
    }
}

impl Standby {
    /// Keeps the thread awake until a part is handed over (it then finds the
    /// part among the pool's jobs at once) or the computation ends. A thread
    /// may also start this while it waits inside a part for another thread (a
    /// part's parallel iterators): a part was handed over, so it returns at once.
    fn stand_by(&self) {
        let mut backoff = Backoff::new();
        while !self.handed_over.load(Ordering::Acquire) && !self.closed.load(Ordering::Acquire) {
            backoff.wait();
        }
    }
}

/// Waiting for another thread without a lock: spinning first (the wait is
/// usually microseconds), then yielding, then napping between looks (a fit
/// that first estimates its bandwidth keeps its helpers waiting for long).
struct Backoff {
    since: Instant,
    looks: u32,
}

impl Backoff {
    const SPIN: Duration = Duration::from_micros(100);
    const YIELD: Duration = Duration::from_millis(2);
    const NAP: Duration = Duration::from_micros(50);

    fn new() -> Self {
        Self {
            since: Instant::now(),
            looks: 0,
        }
    }

    fn wait(&mut self) {
        self.looks = self.looks.wrapping_add(1);
        // The clock is read every 64 looks only.
        if !self.looks.is_multiple_of(64) {
            return std::hint::spin_loop();
        }
        let waited = self.since.elapsed();
        if waited < Self::SPIN {
            std::hint::spin_loop();
        } else if waited < Self::YIELD {
            std::thread::yield_now();
        } else {
            std::thread::sleep(Self::NAP);
        }
    }
}

/// A part's states: handed over, started by a helper or the caller, ended.
const QUEUED: u8 = 0;
const RUNNING: u8 = 1;
const DONE: u8 = 2;

type Work<R> = Box<dyn FnOnce() -> R + Send>;

/// One part: its work until someone starts it, then its result (or its panic).
/// The locks are never held while a part runs, so they are never poisoned.
struct Slot<R> {
    state: AtomicU8,
    work: Mutex<Option<Work<R>>>,
    result: Mutex<Option<std::thread::Result<R>>>,
}

impl<R> Slot<R> {
    /// Runs the part unless someone has started it.
    fn run(&self) {
        if self
            .state
            .compare_exchange(QUEUED, RUNNING, Ordering::AcqRel, Ordering::Acquire)
            .is_err()
        {
            return;
        }
        let work = self.work.lock().ok().and_then(|mut w| w.take());
        if let Some(work) = work {
            let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(work));
            if let Ok(mut slot) = self.result.lock() {
                *slot = Some(result);
            }
        }
        self.state.store(DONE, Ordering::Release);
    }
}

/// A part handed to the helpers: [`Pending::join`] gives its result.
pub struct Pending<R> {
    slot: Arc<Slot<R>>,
}

impl<R: Send + 'static> Pending<R> {
    /// The part's result: run here if no helper has started it, else waited for
    /// (spinning: the part is running). A panic in the part resumes here.
    pub fn join(self) -> R {
        self.slot.run();
        let mut backoff = Backoff::new();
        while self.slot.state.load(Ordering::Acquire) != DONE {
            backoff.wait();
        }
        let result = self.slot.result.lock().ok().and_then(|mut r| r.take());
        match result {
            Some(Ok(value)) => value,
            Some(Err(panic)) => std::panic::resume_unwind(panic),
            None => panic!("a part ended without a result"),
        }
    }
}

impl Helpers<'_> {
    /// The helper threads.
    pub fn count(&self) -> usize {
        self.count
    }

    /// Hands `work` to the helpers (first handed over, first taken).
    pub fn spawn<R: Send + 'static>(
        &self,
        work: impl FnOnce() -> R + Send + 'static,
    ) -> Pending<R> {
        let slot = Arc::new(Slot {
            state: AtomicU8::new(QUEUED),
            work: Mutex::new(Some(Box::new(work) as Work<R>)),
            result: Mutex::new(None),
        });
        let part = Arc::clone(&slot);
        self.pool.spawn(move || part.run());
        self.standby.handed_over.store(true, Ordering::Release);
        Pending { slot }
    }
}

/// Starts `work` on a pool of exactly `threads` threads, which no other call uses
/// until `work` returns, and returns at once: the caller's thread never waits (the
/// Node binding's async calls run this way, holding no libuv thread).
pub fn spawn_with_threads(threads: usize, work: impl FnOnce() + Send + 'static) -> Result<()> {
    let lease = Lease::take(threads)?;
    let pool = Arc::clone(&lease.pool);
    pool.spawn(move || {
        // Given back when the work ends, a panic included.
        let _lease = lease;
        work();
    });
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn idle_of(threads: usize) -> usize {
        idle().get(&threads).map_or(0, Vec::len)
    }

    // Sizes no other test uses, so that tests running in parallel do not interfere.
    #[test]
    fn sequential_calls_reuse_one_pool() {
        for _ in 0..20 {
            assert_eq!(with_threads(7, rayon::current_num_threads).unwrap(), 7);
        }
        assert_eq!(idle_of(7), 1);
    }

    #[test]
    fn concurrent_calls_get_their_own_pool() {
        let barrier = std::sync::Barrier::new(2);
        std::thread::scope(|scope| {
            for _ in 0..2 {
                scope.spawn(|| with_threads(5, || barrier.wait()).unwrap());
            }
        });
        assert_eq!(idle_of(5), 2);
        with_threads(5, || ()).unwrap();
        assert_eq!(idle_of(5), 2);
    }

    #[test]
    fn a_panic_gives_the_pool_back() {
        let result = std::panic::catch_unwind(|| with_threads(6, || panic!("boom")));
        assert!(result.is_err());
        assert_eq!(idle_of(6), 1);
    }

    #[test]
    fn helpers_give_each_part_its_result_and_stop_standing_by_when_the_work_ends() {
        for _ in 0..50 {
            let sums = with_helpers(9, |helpers| {
                assert_eq!(helpers.count(), 9);
                let parts: Vec<_> = (0..6u64)
                    .map(|p| helpers.spawn(move || (p * 1000..(p + 1) * 1000).sum::<u64>()))
                    .collect();
                parts.into_iter().map(Pending::join).collect::<Vec<_>>()
            })
            .unwrap();
            let expected: Vec<u64> = (0..6u64)
                .map(|p| (p * 1000..(p + 1) * 1000).sum())
                .collect();
            assert_eq!(sums, expected);
        }
        // All nine threads of the pool are free again: a broadcast needs each of them.
        let ran = with_threads(9, || rayon::broadcast(|_| 1).len()).unwrap();
        assert_eq!(ran, 9);
        assert_eq!(idle_of(9), 1);
    }

    #[test]
    fn the_caller_runs_a_part_no_helper_has_started() {
        // On a thread of its own, so that a hang fails the test instead of stalling it.
        let (done, finished) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            let caller = std::thread::current().id();
            for _ in 0..20 {
                with_helpers(1, |helpers| {
                    // The one helper, if it takes the first part, waits in it until the
                    // second part is done: only the caller can run that one.
                    let released = Arc::new(AtomicBool::new(false));
                    let first = {
                        let released = Arc::clone(&released);
                        helpers.spawn(move || {
                            while !released.load(Ordering::Acquire) {
                                std::hint::spin_loop();
                            }
                        })
                    };
                    let second = helpers.spawn(|| std::thread::current().id());
                    assert_eq!(second.join(), caller);
                    released.store(true, Ordering::Release);
                    first.join();
                })
                .unwrap();
            }
            done.send(()).unwrap();
        });
        let waited = finished.recv_timeout(Duration::from_secs(20));
        assert!(waited.is_ok(), "the caller waited for a part nobody ran");
    }

    #[test]
    fn parts_with_parallel_iterators_never_wait_on_a_helper_standing_by_on_top_of_them() {
        use rayon::prelude::*;
        // A helper that steals a piece of a part and waits inside it may start a
        // job standing by meanwhile; it must not stand by for the part it is in.
        let (done, finished) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            let values: Arc<Vec<f64>> = Arc::new((0..50_000).map(f64::from).collect());
            let expected: f64 = values.iter().map(|v| v.sqrt()).sum();
            for _ in 0..100 {
                let sums = with_helpers(10, |helpers| {
                    let parts: Vec<_> = (0..6)
                        .map(|_| {
                            let values = Arc::clone(&values);
                            helpers.spawn(move || {
                                // Pieces summed in a fixed tree: the same sum on any thread.
                                values
                                    .par_chunks(1000)
                                    .map(|c| c.iter().map(|v| v.sqrt()).sum::<f64>())
                                    .collect::<Vec<_>>()
                                    .iter()
                                    .sum::<f64>()
                            })
                        })
                        .collect();
                    parts.into_iter().map(Pending::join).collect::<Vec<_>>()
                })
                .unwrap();
                assert!(sums.iter().all(|s| (s - expected).abs() <= 1e-6 * expected));
            }
            done.send(()).unwrap();
        });
        let waited = finished.recv_timeout(Duration::from_secs(60));
        assert!(waited.is_ok(), "a part waited for ever");
    }

    #[test]
    fn a_panic_in_a_part_resumes_in_the_caller_and_the_helpers_go_back() {
        let result = std::panic::catch_unwind(|| {
            with_helpers(11, |helpers| {
                let parts: Vec<_> = (0..4)
                    .map(|p| {
                        helpers.spawn(move || {
                            assert!(p != 2, "part {p} failed");
                            p
                        })
                    })
                    .collect();
                parts.into_iter().map(Pending::join).sum::<i32>()
            })
        });
        let panic = result.expect_err("the part's panic");
        assert_eq!(
            panic.downcast_ref::<String>().map(String::as_str),
            Some("part 2 failed")
        );
        let ran = with_threads(11, || rayon::broadcast(|_| 1).len()).unwrap();
        assert_eq!(ran, 11);
    }
}
