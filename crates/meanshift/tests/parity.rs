//! The core against scikit-learn 1.9 / NumPy 2.4 fixtures in `__test__/fixtures/`.
//!
//! Each test walks every case of one fixture file, collects a one-line summary per
//! failing case (with the case's name) and fails at the end, so one run shows all
//! discrepancies. Run with `--nocapture` to also see the per-file statistics.

mod common;

use common::{cases, f64_of, name_of, rows, vec_f64, vec_i64};
use meanshift::{
    estimate_bandwidth, fit, get_bin_seeds, make_blobs, predict, BandwidthOptions, BlobsOptions,
    Centers, Matrix, MeanShiftOptions, RandomState, SeedPrecision,
};
use serde_json::Value;

/// Relative tolerance for bandwidths (estimated in fit or by estimate_bandwidth).
const BANDWIDTH_RTOL: f64 = 1e-12;
/// Centres must agree within this fraction of the bandwidth, per coordinate.
const CENTER_TOL: f64 = 1e-6;

fn close_rel(got: f64, expected: f64, rtol: f64) -> bool {
    if expected == 0.0 {
        got == 0.0
    } else {
        ((got - expected) / expected).abs() <= rtol
    }
}

fn finish(file: &str, failures: &[String], total: usize) {
    if !failures.is_empty() {
        for f in failures {
            eprintln!("FAIL [{file}] {f}");
        }
        panic!(
            "{file}: {} of {total} cases failed (see the FAIL lines above)",
            failures.len()
        );
    }
}

// --------------------------------------------------------------------------- meanshift.json

/// Owned storage for a matrix built from JSON in the case's dtype.
enum Data {
    F64(Vec<f64>),
    F32(Vec<f32>),
}

impl Data {
    fn new(values: Vec<f64>, float32: bool) -> Self {
        if float32 {
            let narrowed: Vec<f32> = values.iter().map(|&v| v as f32).collect();
            // The fixture stores float32 values widened to float64: narrowing is exact.
            assert!(
                narrowed
                    .iter()
                    .zip(&values)
                    .all(|(&n, &v)| f64::from(n) == v),
                "fixture value not a float32"
            );
            Data::F32(narrowed)
        } else {
            Data::F64(values)
        }
    }

    fn matrix(&self, name: &'static str, n_rows: usize, n_cols: usize) -> Matrix<'_> {
        match self {
            Data::F64(d) => Matrix::from_f64(name, d, n_rows, n_cols),
            Data::F32(d) => Matrix::from_f32(name, d, n_rows, n_cols),
        }
        .expect("valid fixture matrix")
    }
}

#[derive(Default)]
struct MeanShiftStats {
    compared: usize,
    errors: usize,
    divergences: usize,
    bit_exact_centers: usize,
    worst_center_ratio: f64,
    worst_center_case: String,
    float32_vs_sklearn_float32: Vec<String>,
}

/// Compares a fit with an "expected" block; returns a description of every mismatch.
fn compare_fit(
    case: &Value,
    float32: bool,
    expected: &Value,
    stats: &mut MeanShiftStats,
) -> Vec<String> {
    let mut problems = Vec::new();
    let d = rows(&case["X"]).2;
    let (bandwidth_given, fitted) = fit_case(case, float32);
    let model = match fitted {
        Ok(m) => m,
        Err(e) => return vec![format!("fit failed: {e}")],
    };

    let bw = f64_of(&expected["bandwidth"]);
    if !bandwidth_given {
        if !close_rel(model.bandwidth, bw, BANDWIDTH_RTOL) {
            problems.push(format!(
                "estimated bandwidth {} vs expected {} (rel {:.3e})",
                model.bandwidth,
                bw,
                ((model.bandwidth - bw) / bw).abs()
            ));
        }
    } else if model.bandwidth != bw {
        problems.push(format!("bandwidth {} vs given {}", model.bandwidth, bw));
    }

    let (ec, ecn, ecd) = rows(&expected["clusterCenters"]);
    if model.n_features != d || ecd != d {
        problems.push(format!(
            "n_features {} (expected centres have {ecd}, X has {d})",
            model.n_features
        ));
    }
    if model.n_clusters() != ecn {
        problems.push(format!("{} centres vs expected {ecn}", model.n_clusters()));
    } else {
        let max_diff = model
            .cluster_centers
            .iter()
            .zip(&ec)
            .map(|(a, b)| (a - b).abs())
            .fold(0.0, f64::max);
        let tol = CENTER_TOL * bw;
        if max_diff > tol {
            problems.push(format!(
                "centres differ: max abs diff {max_diff:e} > {tol:e} (1e-6 * bandwidth)"
            ));
        }
        let ratio = if bw > 0.0 {
            max_diff / bw
        } else if max_diff > 0.0 {
            f64::INFINITY
        } else {
            0.0
        };
        if ratio >= stats.worst_center_ratio {
            stats.worst_center_ratio = ratio;
            stats.worst_center_case = name_of(case);
        }
        if common::same_bits(&model.cluster_centers, &ec) {
            stats.bit_exact_centers += 1;
        }
    }

    let labels: Vec<i64> = model.labels.iter().map(|&l| i64::from(l)).collect();
    let elabels = vec_i64(&expected["labels"]);
    if labels != elabels {
        let differing = labels.iter().zip(&elabels).filter(|(a, b)| a != b).count();
        problems.push(format!(
            "labels differ at {differing} of {} points (first at {:?})",
            elabels.len(),
            labels.iter().zip(&elabels).position(|(a, b)| a != b)
        ));
    }
    let n_iter = expected["nIter"].as_u64().unwrap() as usize;
    if model.n_iter != n_iter {
        problems.push(format!("nIter {} vs expected {n_iter}", model.n_iter));
    }
    let expect_warnings = case
        .get("warnings")
        .and_then(Value::as_array)
        .map_or(0, Vec::len);
    if model.warnings.len() != expect_warnings {
        problems.push(format!(
            "{} warnings vs expected {expect_warnings}: {:?}",
            model.warnings.len(),
            model.warnings
        ));
    }

    let (pv, pn, pd) = rows(&expected["predictX"]);
    let p_data = Data::new(pv, float32);
    let px = p_data.matrix("X", pn, pd);
    match predict(&px, &model.cluster_centers, model.n_features, None) {
        Ok(p) => {
            let p: Vec<i64> = p.iter().map(|&l| i64::from(l)).collect();
            let ep = vec_i64(&expected["predict"]);
            if p != ep {
                let differing = p.iter().zip(&ep).filter(|(a, b)| a != b).count();
                problems.push(format!(
                    "predict differs at {differing} of {} points",
                    ep.len()
                ));
            }
        }
        Err(e) => problems.push(format!("predict failed: {e}")),
    }

    // Information only: how the float32 input compares with scikit-learn's own float32 run.
    if float32 {
        let e32 = &case["expected"];
        let (c32, n32, _) = rows(&e32["clusterCenters"]);
        let same_labels = labels == vec_i64(&e32["labels"]);
        let max_diff = if n32 == model.n_clusters() {
            format!(
                "{:e}",
                model
                    .cluster_centers
                    .iter()
                    .zip(&c32)
                    .map(|(a, b)| (a - b).abs())
                    .fold(0.0, f64::max)
            )
        } else {
            "n/a".into()
        };
        stats.float32_vs_sklearn_float32.push(format!(
            "{}: vs scikit-learn's float32 run: {} vs {n32} centres, max centre diff {max_diff}, labels {}, nIter {} vs {}",
            name_of(case),
            model.n_clusters(),
            if same_labels { "equal" } else { "differ" },
            model.n_iter,
            e32["nIter"]
        ));
    }
    stats.compared += 1;
    problems
}

#[test]
fn meanshift_fixtures() {
    let all = cases("meanshift.json");
    assert!(all.len() >= 35, "meanshift.json has {} cases", all.len());
    let mut failures = Vec::new();
    let mut stats = MeanShiftStats::default();
    for case in &all {
        let name = name_of(case);
        let float32 = match case["dtype"].as_str() {
            Some("float64") => false,
            Some("float32") => true,
            other => panic!("{name}: unknown dtype {other:?}"),
        };
        let expected_error = if let Some(err) = case.get("errorNormalized") {
            Some(err.as_str().unwrap().to_string())
        } else if case.get("divergence").is_some() {
            stats.divergences += 1;
            Some("No point was within bandwidth=0.000000 of any seed. Try a different seeding strategy or increase the bandwidth.".to_string())
        } else {
            None
        };
        let problems = if let Some(message) = expected_error {
            stats.errors += 1;
            check_error_case(case, float32, &message)
        } else {
            let expected = if float32 {
                &case["expectedFloat64"]
            } else {
                &case["expected"]
            };
            assert!(expected.is_object(), "{name}: no expected block");
            compare_fit(case, float32, expected, &mut stats)
        };
        if !problems.is_empty() {
            failures.push(format!("{name}: {}", problems.join("; ")));
        }
    }
    eprintln!(
        "meanshift.json: {} cases, {} fits compared, {} error cases ({} of them divergences), centres bit-identical in {} fits, worst centre diff {:.3e} x bandwidth ({})",
        all.len(),
        stats.compared,
        stats.errors,
        stats.divergences,
        stats.bit_exact_centers,
        stats.worst_center_ratio,
        stats.worst_center_case
    );
    for line in &stats.float32_vs_sklearn_float32 {
        eprintln!("  info {line}");
    }
    finish("meanshift.json", &failures, all.len());
}

/// Fits a fixture case's X with its options (seeds included) and reports whether
/// a bandwidth was given.
fn fit_case(case: &Value, float32: bool) -> (bool, meanshift::Result<meanshift::MeanShiftFit>) {
    let (xv, n, d) = rows(&case["X"]);
    let x_data = Data::new(xv, float32);
    let x = x_data.matrix("X", n, d);
    let opts = &case["options"];
    let seeds_data = if opts["seeds"].is_null() {
        None
    } else {
        Some(rows(&opts["seeds"]))
    };
    let seeds_store = seeds_data
        .as_ref()
        .map(|(v, _, _)| Data::new(v.clone(), float32));
    let seeds = match (&seeds_data, &seeds_store) {
        (Some((_, sn, sd)), Some(store)) => Some(store.matrix("seeds", *sn, *sd)),
        _ => None,
    };
    let options = MeanShiftOptions {
        bandwidth: opts["bandwidth"].as_f64(),
        seeds,
        bin_seeding: opts["binSeeding"].as_bool().unwrap(),
        min_bin_freq: opts["minBinFreq"].as_u64().unwrap() as usize,
        cluster_all: opts["clusterAll"].as_bool().unwrap(),
        max_iter: opts["maxIter"].as_u64().unwrap() as usize,
        n_jobs: None,
        ..Default::default()
    };
    (options.bandwidth.is_some(), fit(&x, &options))
}

fn check_error_case(case: &Value, float32: bool, message: &str) -> Vec<String> {
    match fit_case(case, float32).1 {
        Ok(m) => {
            vec![format!(
                "expected error {message:?}, got a fit with {} centres, nIter {}",
                m.n_clusters(),
                m.n_iter
            )]
        }
        Err(e) if e.to_string() == message => vec![],
        Err(e) => vec![format!(
            "error message {:?} vs expected {message:?}",
            e.to_string()
        )],
    }
}

// --------------------------------------------------------------------------- estimate_bandwidth.json

#[test]
fn estimate_bandwidth_fixtures() {
    let all = cases("estimate_bandwidth.json");
    assert!(all.len() >= 20);
    let mut failures = Vec::new();
    let mut bit_exact = 0;
    let mut worst = (0.0f64, String::new());
    for case in &all {
        let name = name_of(case);
        let (xv, n, d) = rows(&case["X"]);
        let x = Matrix::from_f64("X", &xv, n, d).unwrap();
        let n_samples = case["nSamples"].as_u64().map(|v| v as usize);
        let random_state = u32::try_from(case["randomState"].as_u64().unwrap()).unwrap();
        let options = BandwidthOptions {
            quantile: f64_of(&case["quantile"]),
            n_samples,
            random_state,
        };
        let expected = f64_of(&case["expected"]);
        let mut problems = Vec::new();
        // The subsample rows NumPy chose.
        if let (Some(m), Some(rows_used)) = (n_samples, case.get("rows")) {
            let want: Vec<usize> = vec_i64(rows_used).into_iter().map(|v| v as usize).collect();
            let got: Vec<usize> = RandomState::new(random_state)
                .permutation(n)
                .into_iter()
                .take(m)
                .collect();
            if got != want {
                problems.push("subsample rows differ from NumPy's permutation".to_string());
            }
        }
        match estimate_bandwidth(&x, &options) {
            Ok(got) => {
                if got.to_bits() == expected.to_bits() || (got == 0.0 && expected == 0.0) {
                    bit_exact += 1;
                }
                let rel = if expected == 0.0 {
                    if got == 0.0 {
                        0.0
                    } else {
                        f64::INFINITY
                    }
                } else {
                    ((got - expected) / expected).abs()
                };
                if rel >= worst.0 {
                    worst = (rel, name.clone());
                }
                if !close_rel(got, expected, BANDWIDTH_RTOL) {
                    problems.push(format!(
                        "got {got:?}, expected {expected:?} (rel {rel:.3e})"
                    ));
                } else if got.to_bits() != expected.to_bits() {
                    eprintln!("  info estimate_bandwidth {name}: not bit-exact: got {got:?}, expected {expected:?} (rel {rel:.3e})");
                }
            }
            Err(e) => problems.push(format!("failed: {e}")),
        }
        if !problems.is_empty() {
            failures.push(format!("{name}: {}", problems.join("; ")));
        }
    }
    eprintln!(
        "estimate_bandwidth.json: {} cases, {bit_exact} bit-exact, worst relative diff {:.3e} ({})",
        all.len(),
        worst.0,
        worst.1
    );
    finish("estimate_bandwidth.json", &failures, all.len());
}

// --------------------------------------------------------------------------- bin_seeds.json

#[test]
fn bin_seeds_fixtures() {
    let all = cases("bin_seeds.json");
    assert!(all.len() >= 12);
    let mut failures = Vec::new();
    for case in &all {
        let name = name_of(case);
        let (xv, n, d) = rows(&case["X"]);
        let x = Matrix::from_f64("X", &xv, n, d).unwrap();
        let bin_size = f64_of(&case["binSize"]);
        let min_bin_freq = case["minBinFreq"].as_u64().unwrap() as usize;
        let expected_rows = case["expected"].as_array().unwrap();
        let expected: Vec<f64> = expected_rows.iter().flat_map(vec_f64).collect();
        let mut problems = Vec::new();
        match get_bin_seeds(&x, bin_size, min_bin_freq, SeedPrecision::Float32) {
            Ok(got) => {
                // `==` (not bits): -0.0 and 0.0 are the same seed.
                if got.seeds.len() != expected.len() {
                    problems.push(format!(
                        "{} seeds vs expected {}",
                        got.seeds.len() / d.max(1),
                        expected_rows.len()
                    ));
                } else if let Some(i) = got.seeds.iter().zip(&expected).position(|(a, b)| a != b) {
                    problems.push(format!(
                        "seed {} coordinate {}: got {:?}, expected {:?}",
                        i / d,
                        i % d,
                        got.seeds[i],
                        expected[i]
                    ));
                }
                let warns = case["warns"].as_bool().unwrap();
                if got.warning.is_some() != warns {
                    problems.push(format!(
                        "warning {:?}, expected warns = {warns}",
                        got.warning
                    ));
                } else if let (Some(w), Some(ew)) = (&got.warning, case["warning"].as_str()) {
                    if w != ew {
                        problems.push(format!("warning text {w:?} vs {ew:?}"));
                    }
                }
            }
            Err(e) => problems.push(format!("failed: {e}")),
        }
        if !problems.is_empty() {
            failures.push(format!("{name}: {}", problems.join("; ")));
        }
    }
    finish("bin_seeds.json", &failures, all.len());
}

// --------------------------------------------------------------------------- make_blobs.json

#[test]
fn make_blobs_fixtures() {
    let all = cases("make_blobs.json");
    assert!(all.len() >= 8);
    let mut failures = Vec::new();
    for case in &all {
        let name = name_of(case);
        let o = &case["options"];
        let centers = match &o["centers"] {
            Value::Null => Centers::Count(3),
            Value::Number(k) => Centers::Count(k.as_u64().unwrap() as usize),
            list @ Value::Array(_) => {
                let (values, n_centers, _) = rows(list);
                Centers::Fixed { values, n_centers }
            }
            other => panic!("{name}: centers {other}"),
        };
        let cluster_std = match &o["clusterStd"] {
            Value::Number(s) => vec![s.as_f64().unwrap()],
            list @ Value::Array(_) => vec_f64(list),
            other => panic!("{name}: clusterStd {other}"),
        };
        let center_box = vec_f64(&o["centerBox"]);
        let options = BlobsOptions {
            n_samples: o["nSamples"].as_u64().unwrap() as usize,
            n_features: o["nFeatures"].as_u64().unwrap() as usize,
            centers,
            cluster_std,
            center_box: (center_box[0], center_box[1]),
            shuffle: o["shuffle"].as_bool().unwrap(),
            random_state: u32::try_from(o["randomState"].as_u64().unwrap()).unwrap(),
        };
        let (ex, en, ed) = rows(&case["X"]);
        let ey = vec_i64(&case["y"]);
        let mut problems = Vec::new();
        match make_blobs(&options) {
            Ok(b) => {
                if (b.n_samples, b.n_features) != (en, ed) {
                    problems.push(format!(
                        "shape ({}, {}) vs ({en}, {ed})",
                        b.n_samples, b.n_features
                    ));
                }
                if !common::same_bits(&b.x, &ex) {
                    let first =
                        b.x.iter()
                            .zip(&ex)
                            .position(|(a, e)| a.to_bits() != e.to_bits());
                    problems.push(format!(
                        "X not bit-identical (first difference at flat index {first:?})"
                    ));
                }
                let y: Vec<i64> = b.y.iter().map(|&v| i64::from(v)).collect();
                if y != ey {
                    problems.push("y differs".to_string());
                }
            }
            Err(e) => problems.push(format!("failed: {e}")),
        }
        if !problems.is_empty() {
            failures.push(format!("{name}: {}", problems.join("; ")));
        }
    }
    finish("make_blobs.json", &failures, all.len());
}
