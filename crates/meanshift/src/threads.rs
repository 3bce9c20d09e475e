//! Thread control: `n_jobs` in scikit-learn's sense, served by reused rayon pools.

use crate::error::{MeanShiftError, Result};
use crate::params::mean_shift::N_JOBS;
use rayon::{ThreadPool, ThreadPoolBuilder};
use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock};

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

/// Runs `work` on the calling thread (see [`on_calling_thread`]) with a pool of
/// `helpers` other threads (`helpers >= 1`), which no other call uses meanwhile,
/// for work `work` hands to them and waits for: one hand-off each way, however
/// many parallel iterators `work` runs on the calling thread.
pub fn with_helpers<R>(helpers: usize, work: impl FnOnce(&ThreadPool) -> R) -> Result<R> {
    let lease = Lease::take(helpers)?;
    on_calling_thread(|| work(&lease.pool))
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
}
