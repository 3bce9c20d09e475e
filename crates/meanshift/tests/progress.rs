//! Progress tells the truth: from 10 % of a fit's time on, `done / total`
//! stays within a factor of 2 of the fraction of the time elapsed, both at
//! every call and as a progress bar shows it (the last call's value), for the
//! three ways seeds climb. Each fit takes about 1 to 3 s in release on a
//! 2-core machine; the fits run one at a time (a second time if the first
//! one's timing fails, see [`check_progress`]).

use meanshift::{
    estimate_bandwidth, fit_observed, make_blobs, BandwidthOptions, BlobsOptions, Centers, Matrix,
    MeanShiftOptions, Observer,
};
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// The fits must not share the machine with each other.
static ONE_AT_A_TIME: Mutex<()> = Mutex::new(());

/// Debug builds are far slower: smaller fits keep them short.
fn scaled(n: usize) -> usize {
    if cfg!(debug_assertions) {
        n / 10
    } else {
        n
    }
}

struct Recorder {
    start: Instant,
    calls: Mutex<Vec<(Duration, usize, usize)>>,
}

impl Observer for Recorder {
    fn on_progress(&self, done: usize, total: usize) {
        let at = self.start.elapsed();
        self.calls
            .try_lock()
            .expect("one call at a time")
            .push((at, done, total));
    }
}

/// Makes the data (alone on the machine too) and fits it with a bandwidth,
/// recording every progress call with its time, and checks the calls against
/// the time the fit took. The timing is checked on a second fit only if the
/// first one's fails: this 2-core VM sometimes stalls a process for a fifth of
/// a second, which puts any honest bar ahead of the time before the stall (a
/// wrong estimate fails both fits).
fn check_progress(what: &str, data: impl FnOnce() -> Vec<f64>, dim: usize, bandwidth: f64) {
    let _alone = ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner());
    let x = data();
    let x = Matrix::from_f64("X", &x, x.len() / dim, dim).unwrap();
    let Err(first) = fit_and_check(what, &x, bandwidth) else {
        return;
    };
    eprintln!("{what}: first fit off, once more: {first}");
    if let Err(second) = fit_and_check(what, &x, bandwidth) {
        panic!("{what}: both fits off:\n{first}\n{second}");
    }
}

/// One recorded fit: panics if the calls break their rules, `Err` if progress
/// and time part by more than a factor of 2 from 10 % of the time on.
fn fit_and_check(what: &str, x: &Matrix, bandwidth: f64) -> Result<(), String> {
    let options = MeanShiftOptions {
        bandwidth: Some(bandwidth),
        ..Default::default()
    };
    let recorder = Recorder {
        start: Instant::now(),
        calls: Mutex::new(Vec::new()),
    };
    fit_observed(x, &options, &recorder).unwrap();
    let elapsed = recorder.start.elapsed().as_secs_f64();
    let calls = recorder.calls.into_inner().unwrap();
    let summary = |calls: &[(Duration, usize, usize)]| -> String {
        let step = (calls.len() / 40).max(1);
        calls
            .iter()
            .step_by(step)
            .map(|(at, done, total)| {
                format!(
                    "{:.0}%:{:.0}%",
                    100.0 * at.as_secs_f64() / elapsed,
                    100.0 * *done as f64 / *total as f64
                )
            })
            .collect::<Vec<_>>()
            .join(" ")
    };
    eprintln!("{what}: {elapsed:.2} s, {} calls", calls.len());

    assert!(!calls.is_empty(), "{what}: no progress");
    assert!(
        calls.windows(2).all(|w| w[0].1 < w[1].1),
        "{what}: done did not grow"
    );
    let ((_, done, total), before) = calls.split_last().unwrap();
    assert!(
        before.iter().all(|(_, done, total)| done < total),
        "{what}: done reached the total before the end"
    );
    assert_eq!(done, total, "{what}: the last call is not done == total");

    let fraction = |done: usize, total: usize| done as f64 / total as f64;
    let within_2 = |progress: f64, time: f64| progress >= 0.5 * time && progress <= 2.0 * time;
    let (least, most) = calls
        .iter()
        .filter(|(at, _, _)| at.as_secs_f64() >= 0.1 * elapsed)
        .map(|&(at, done, total)| fraction(done, total) * elapsed / at.as_secs_f64())
        .fold((f64::INFINITY, 0.0f64), |(lo, hi), r| {
            (lo.min(r), hi.max(r))
        });
    eprintln!("{what}: progress / time from 10 % of the time on: {least:.2} to {most:.2}");
    for &(at, done, total) in &calls {
        let time = at.as_secs_f64() / elapsed;
        if time >= 0.1 && !within_2(fraction(done, total), time) {
            return Err(format!(
                "{what}: {done}/{total} at {:.0}% of the time: {}",
                100.0 * time,
                summary(&calls)
            ));
        }
    }
    for percent in (10..=100).step_by(5) {
        let time = f64::from(percent) / 100.0;
        let shown = calls
            .iter()
            .take_while(|(at, _, _)| at.as_secs_f64() <= time * elapsed)
            .last()
            .map_or(0.0, |&(_, done, total)| fraction(done, total));
        if !within_2(shown, time) {
            return Err(format!(
                "{what}: a bar shows {:.0}% at {percent}% of the time: {}",
                100.0 * shown,
                summary(&calls)
            ));
        }
    }
    Ok(())
}

#[test]
fn two_dimensional_seeds_in_lock_step() {
    // The tutorial's blobs, every point a seed: the band index and rounds.
    let n = scaled(100_000);
    let blobs = || {
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
        .unwrap()
        .x
    };
    let bandwidth = estimate_bandwidth(
        &Matrix::from_f64("X", &blobs(), n, 2).unwrap(),
        &BandwidthOptions {
            quantile: 0.2,
            n_samples: Some(500),
            random_state: 0,
        },
    )
    .unwrap();
    check_progress("2-D, lock-step", blobs, 2, bandwidth);
}

#[test]
fn three_dimensional_seeds_on_the_sum_tree() {
    let n = scaled(20_000);
    let blobs = || {
        make_blobs(&BlobsOptions {
            n_samples: n,
            n_features: 3,
            centers: Centers::Count(5),
            cluster_std: vec![1.0],
            random_state: 1,
            ..Default::default()
        })
        .unwrap()
        .x
    };
    check_progress("3-D, sum tree", blobs, 3, 1.5);
}

#[test]
fn forty_dimensional_seeds_in_lock_step_on_the_ball_tree() {
    let n = scaled(36_000);
    let blobs = || {
        make_blobs(&BlobsOptions {
            n_samples: n,
            n_features: 40,
            centers: Centers::Count(6),
            cluster_std: vec![1.0],
            random_state: 2,
            ..Default::default()
        })
        .unwrap()
        .x
    };
    check_progress("40-D, ball tree", blobs, 40, 12.0);
}

#[test]
fn forty_dimensional_noise_whose_climbs_hardly_meet() {
    // Uniform noise: above 16 features the seeds climb in lock-step, and here
    // few of them reach the same position (2,882 clusters of 6,000 points), so
    // the rounds after the first carry most of the work (their queries slower
    // than the first's).
    let n = scaled(6_000);
    let noise = || {
        let mut rng = meanshift::RandomState::new(3);
        (0..n * 40).map(|_| rng.uniform(0.0, 10.0)).collect()
    };
    check_progress("40-D noise, lock-step", noise, 40, 17.0);
}
