//! Thread control: `n_jobs` in scikit-learn's sense, served by reused rayon pools.

use crate::error::{MeanShiftError, Result};
use rayon::{ThreadPool, ThreadPoolBuilder};
use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock};

/// Resolves `n_jobs` like joblib: `None` or `-1` → all cores, `k > 0` → `k`,
/// `k < -1` → `cores + 1 + k` (at least 1). `0` is an error.
pub fn resolve_threads(n_jobs: Option<i64>) -> Result<usize> {
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    match n_jobs {
        None | Some(-1) => Ok(cores),
        Some(0) => Err(MeanShiftError::Parameter {
            name: "nJobs",
            rule: "must be a non-zero integer or null (null and -1 use all cores)",
            got: "0".into(),
        }),
        Some(k) if k > 0 => Ok(usize::try_from(k).unwrap_or(usize::MAX).min(1024)),
        Some(k) => Ok((cores as i64 + 1 + k).max(1) as usize),
    }
}

/// Runs `work` on a pool of exactly `threads` threads. Pools are built once per
/// size and kept, so repeated calls do not create threads.
pub fn with_threads<R: Send>(threads: usize, work: impl FnOnce() -> R + Send) -> Result<R> {
    static POOLS: OnceLock<Mutex<HashMap<usize, Arc<ThreadPool>>>> = OnceLock::new();
    let pools = POOLS.get_or_init(Default::default);
    let pool = {
        let mut pools = pools
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        match pools.get(&threads) {
            Some(pool) => Arc::clone(pool),
            None => {
                let pool = ThreadPoolBuilder::new()
                    .num_threads(threads)
                    .thread_name(|i| format!("meanshift-{i}"))
                    .build()
                    .map_err(|e| MeanShiftError::ThreadPool {
                        threads,
                        reason: e.to_string(),
                    })?;
                let pool = Arc::new(pool);
                pools.insert(threads, Arc::clone(&pool));
                pool
            }
        }
    };
    Ok(pool.install(work))
}
