//! Shared helpers for the integration tests: fixture loading and JSON conversions.
#![allow(dead_code)]

use serde_json::Value;

/// Loads `__test__/fixtures/<name>` (relative to the repository root).
pub fn fixture(name: &str) -> Value {
    let path = format!(
        "{}/../../__test__/fixtures/{}",
        env!("CARGO_MANIFEST_DIR"),
        name
    );
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("cannot read {path}: {e}"));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("cannot parse {path}: {e}"))
}

/// The `cases` array of a fixture file.
pub fn cases(name: &str) -> Vec<Value> {
    fixture(name)["cases"]
        .as_array()
        .expect("cases array")
        .clone()
}

pub fn f64_of(v: &Value) -> f64 {
    v.as_f64().unwrap_or_else(|| panic!("not a number: {v}"))
}

pub fn vec_f64(v: &Value) -> Vec<f64> {
    v.as_array()
        .unwrap_or_else(|| panic!("not an array: {v}"))
        .iter()
        .map(f64_of)
        .collect()
}

pub fn vec_i64(v: &Value) -> Vec<i64> {
    v.as_array()
        .unwrap_or_else(|| panic!("not an array: {v}"))
        .iter()
        .map(|x| x.as_i64().unwrap_or_else(|| panic!("not an int: {x}")))
        .collect()
}

/// A matrix given as an array of rows: (row-major values, n_rows, n_cols).
pub fn rows(v: &Value) -> (Vec<f64>, usize, usize) {
    let rows = v
        .as_array()
        .unwrap_or_else(|| panic!("not an array of rows: {v}"));
    let n_cols = rows.first().map_or(0, |r| r.as_array().expect("row").len());
    let mut data = Vec::with_capacity(rows.len() * n_cols);
    for r in rows {
        let r = vec_f64(r);
        assert_eq!(r.len(), n_cols, "ragged matrix");
        data.extend(r);
    }
    (data, rows.len(), n_cols)
}

pub fn name_of(case: &Value) -> String {
    case["name"].as_str().unwrap_or("<unnamed>").to_string()
}

/// Bit-level equality treating -0.0 and 0.0 as different (use for "bit-identical").
pub fn same_bits(a: &[f64], b: &[f64]) -> bool {
    a.len() == b.len() && a.iter().zip(b).all(|(x, y)| x.to_bits() == y.to_bits())
}
