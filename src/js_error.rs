//! Core errors become JavaScript errors here and nowhere else: the class, a stable
//! `code`, the message in the library's camelCase terms, and the fields a program
//! acts on (`parameter`, `row`, `column`). The codes are listed in the README.

use meanshift::params::{plain_number, rules_of, EntryPoint, Terms};
use meanshift::{MeanShiftError, WeightProblem};
use napi::bindgen_prelude::*;
use napi::{JsRangeError, JsTypeError};

/// The library's JavaScript terms: camelCase names, `null`, JavaScript's numbers.
pub(crate) struct JsTerms;

impl Terms for JsTerms {
    fn name(&self, identifier: &str) -> String {
        camel_case(identifier)
    }

    fn none(&self) -> &'static str {
        "null"
    }

    fn number(&self, value: f64) -> String {
        if value.is_nan() {
            "NaN".into()
        } else {
            plain_number(value, "Infinity")
        }
    }
}

/// `min_bin_freq` → `minBinFreq`; identifiers without `_` (`X`, `MeanShift`) stay.
fn camel_case(identifier: &str) -> String {
    let mut out = String::with_capacity(identifier.len());
    let mut upper = false;
    for c in identifier.chars() {
        if c == '_' {
            upper = true;
        } else if upper {
            out.extend(c.to_uppercase());
            upper = false;
        } else {
            out.push(c);
        }
    }
    out
}

/// `minBinFreq` → `min_bin_freq`.
fn snake_case(name: &str) -> String {
    let mut out = String::with_capacity(name.len() + 4);
    for c in name.chars() {
        if c.is_ascii_uppercase() {
            out.push('_');
            out.push(c.to_ascii_lowercase());
        } else {
            out.push(c);
        }
    }
    out
}

/// The stable `code` of each core error.
fn code(error: &MeanShiftError) -> &'static str {
    match error {
        MeanShiftError::InvalidParameter { .. } => "ERR_OUT_OF_RANGE",
        MeanShiftError::Empty { .. } => "ERR_EMPTY_INPUT",
        MeanShiftError::Shape { .. } | MeanShiftError::Dimension { .. } => "ERR_INVALID_SHAPE",
        MeanShiftError::NonFinite { .. } => "ERR_NON_FINITE",
        MeanShiftError::Features { .. } => "ERR_FEATURE_MISMATCH",
        MeanShiftError::TooLarge { .. } => "ERR_TOO_LARGE",
        MeanShiftError::NoPointWithinBandwidth { .. } => "ERR_NO_POINT_WITHIN_BANDWIDTH",
        MeanShiftError::NoBinSeeds { .. } => "ERR_NO_BIN_SEEDS",
        MeanShiftError::Aborted => "ABORT_ERR",
        MeanShiftError::ThreadPool { .. } => "ERR_THREAD_POOL",
        MeanShiftError::Weight { problem, .. } => match problem {
            WeightProblem::NonFinite => "ERR_NON_FINITE",
            WeightProblem::Length { .. } => "ERR_INVALID_SHAPE",
            WeightProblem::Negative | WeightProblem::AllZero => "ERR_INVALID_WEIGHT",
        },
    }
}

enum Class {
    Error,
    TypeError,
    RangeError,
}

/// Builds the JS error object and wraps it so that returning it throws (or rejects with) it.
fn build(env: &Env, class: Class, code: &str, message: String, fields: &[(&str, Field)]) -> Error {
    let error = Error::new(code.to_string(), message);
    let value = match class {
        Class::Error => napi::JsError::from(error).into_unknown(*env),
        Class::TypeError => JsTypeError::from(error).into_unknown(*env),
        Class::RangeError => JsRangeError::from(error).into_unknown(*env),
    };
    if let Ok(mut object) = value.coerce_to_object() {
        for (name, field) in fields {
            let _ = match field {
                Field::Text(t) => object.set_named_property(name, t.as_str()),
                Field::Index(i) => object.set_named_property(name, *i as f64),
                Field::Number(v) => object.set_named_property(name, *v),
            };
        }
    }
    Error::from(value)
}

enum Field {
    Text(String),
    Index(usize),
    Number(f64),
}

/// The JavaScript error for a core error raised by `owner` (the function the caller
/// called, e.g. `estimateBandwidthAsync`; `None` keeps the rule's own).
pub(crate) fn from_core(env: &Env, error: &MeanShiftError, owner: Option<&str>) -> Error {
    let class = if error.is_invalid_argument() {
        Class::RangeError
    } else {
        Class::Error
    };
    let mut fields = Vec::new();
    if let Some(parameter) = error.parameter() {
        fields.push(("parameter", Field::Text(camel_case(parameter))));
    }
    match error {
        MeanShiftError::NonFinite { row, column, .. } => {
            fields.push(("row", Field::Index(*row)));
            fields.push(("column", Field::Index(*column)));
        }
        MeanShiftError::Weight { row: Some(row), .. } => {
            fields.push(("row", Field::Index(*row)));
        }
        // What a caller needs to word its own advice (the CLI names its flags).
        MeanShiftError::NoPointWithinBandwidth { bandwidth } => {
            fields.push(("bandwidth", Field::Number(*bandwidth)));
        }
        MeanShiftError::NoBinSeeds {
            bin_size,
            min_bin_freq,
        } => {
            fields.push(("binSize", Field::Number(*bin_size)));
            fields.push(("minBinFreq", Field::Index(*min_bin_freq)));
        }
        _ => {}
    }
    build(
        env,
        class,
        code(error),
        error.message(&JsTerms, owner),
        &fields,
    )
}

/// The entry point whose rules a JavaScript function checks.
fn entry_point(owner: &str) -> Option<EntryPoint> {
    Some(match owner {
        "MeanShift" | "meanShift" | "meanShiftAsync" => EntryPoint::MeanShift,
        "estimateBandwidth" | "estimateBandwidthAsync" => EntryPoint::EstimateBandwidth,
        "getBinSeeds" => EntryPoint::GetBinSeeds,
        "makeBlobs" => EntryPoint::MakeBlobs,
        "seedsFor" => EntryPoint::MeanShift,
        "climbSeeds" | "climbSeedsAsync" => EntryPoint::ClimbSeeds,
        "mergeModes" => EntryPoint::MergeModes,
        "assignLabels" => EntryPoint::AssignLabels,
        _ => return None,
    })
}

/// The TypeError for a parameter given a value of the wrong JavaScript type (which only
/// JavaScript can see), worded from the parameter's rule; `got` describes the value.
pub(crate) fn wrong_type(env: &Env, owner: &str, parameter: &str, got: String) -> Error {
    let snake = snake_case(parameter);
    let rule =
        entry_point(owner).and_then(|entry| rules_of(entry).iter().find(|rule| rule.name == snake));
    let message = match rule {
        Some(rule) => rule.broken_by(got).message(&JsTerms, Some(owner)),
        None => {
            return build(
                env,
                Class::Error,
                "ERR_INTERNAL",
                format!("fast-meanshift: no rule for the '{parameter}' parameter of {owner}."),
                &[],
            )
        }
    };
    build(
        env,
        Class::TypeError,
        "ERR_INVALID_ARG_TYPE",
        message,
        &[("parameter", Field::Text(parameter.to_string()))],
    )
}

/// The error for a panic caught at the boundary: a bug, reported instead of unwinding into Node.
pub(crate) fn internal(env: &Env, detail: &str) -> Error {
    build(
        env,
        Class::Error,
        "ERR_INTERNAL",
        format!("fast-meanshift: internal error (panic) {detail}"),
        &[],
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_convert_both_ways() {
        for (snake, camel) in [
            ("min_bin_freq", "minBinFreq"),
            ("X", "X"),
            ("cluster_centers", "clusterCenters"),
            ("n_jobs", "nJobs"),
            ("make_blobs", "makeBlobs"),
        ] {
            assert_eq!(camel_case(snake), camel);
            if snake != "X" {
                assert_eq!(snake_case(camel), snake);
            }
        }
    }
}
