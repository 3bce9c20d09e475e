//! The core's error type: data, not text. Each variant carries what a program
//! needs (the rule broken, the matrix and the row/column), in the core's own
//! snake_case identifiers; [`MeanShiftError::message`] renders it in a caller's
//! terms (the Node binding's camelCase, or scikit-learn's words for `Display`).
//! The core never panics on user input.

use crate::rule::{PythonTerms, Rule, Terms};

/// A value that broke a rule.
#[derive(Debug, Clone, PartialEq)]
pub enum Got {
    Number(f64),
    /// Something that is not a number, described by the caller.
    Text(String),
}

/// Why an input is too large to handle.
#[derive(Debug, Clone, PartialEq)]
pub enum TooLarge {
    /// A working buffer of this many bytes could not be allocated.
    Memory { bytes: usize },
    /// More rows than the core indexes.
    Rows { n_rows: usize, max: usize },
    /// `make_blobs` would generate more than `max` values.
    Blobs {
        count: usize,
        /// `centres` or `samples`.
        unit: &'static str,
        n_features: usize,
        max: usize,
    },
}

/// What is wrong with a `sample_weight`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum WeightProblem {
    /// Not one weight per row of X.
    Length { got: usize, expected: usize },
    /// A NaN or infinite weight (at `row`).
    NonFinite,
    /// A weight below 0 (at `row`).
    Negative,
    /// Every weight is 0: no point has any mass.
    AllZero,
}

/// Everything that can go wrong in the core.
#[derive(Debug, Clone, PartialEq)]
pub enum MeanShiftError {
    /// A parameter outside its rule (the rules are in `params.rs`).
    InvalidParameter { rule: &'static Rule, got: Got },

    /// A matrix with no rows, or rows of no features.
    Empty {
        matrix: &'static str,
        n_rows: usize,
        n_cols: usize,
        /// The estimator that requires data (`MeanShift`), if any.
        by: Option<&'static str>,
    },

    /// The values do not fill the shape (`expected` is `None` when the shape overflows).
    Shape {
        matrix: &'static str,
        len: usize,
        n_rows: usize,
        n_cols: usize,
        expected: Option<usize>,
    },

    /// A shape entry that is not a whole number ≥ 0.
    Dimension {
        matrix: &'static str,
        axis: usize,
        got: f64,
    },

    /// A NaN or infinite value.
    NonFinite {
        matrix: &'static str,
        value: f64,
        row: usize,
        column: usize,
    },

    /// A `sample_weight` that is not finite values >= 0, one per row, not all 0;
    /// `row` and `value` name the first bad weight when there is one.
    Weight {
        problem: WeightProblem,
        row: Option<usize>,
        value: f64,
    },

    /// A matrix whose feature count disagrees with the model's or with X's.
    Features {
        matrix: &'static str,
        got: usize,
        expected: usize,
        by: &'static str,
    },

    /// No seed had any training point within the bandwidth (scikit-learn's ValueError).
    NoPointWithinBandwidth { bandwidth: f64 },

    /// Bin seeding produced no seed (no bin holds `min_bin_freq` points).
    NoBinSeeds { bin_size: f64, min_bin_freq: usize },

    /// An input the core cannot index or allocate; `what` is the matrix or parameter.
    TooLarge { what: &'static str, why: TooLarge },

    /// The caller asked the computation to stop.
    Aborted,

    /// A rayon thread pool could not be created.
    ThreadPool { threads: usize, reason: String },
}

impl MeanShiftError {
    /// True when the error is the caller's input or options (as opposed to an outcome
    /// of the algorithm such as [`MeanShiftError::NoPointWithinBandwidth`]).
    pub fn is_invalid_argument(&self) -> bool {
        matches!(
            self,
            Self::InvalidParameter { .. }
                | Self::Empty { .. }
                | Self::Shape { .. }
                | Self::Dimension { .. }
                | Self::NonFinite { .. }
                | Self::Features { .. }
                | Self::Weight { .. }
                | Self::TooLarge { .. }
        )
    }

    /// The parameter or matrix the error concerns (core identifier).
    pub fn parameter(&self) -> Option<&'static str> {
        match self {
            Self::InvalidParameter { rule, .. } => Some(rule.name),
            Self::Empty { matrix, .. }
            | Self::Shape { matrix, .. }
            | Self::Dimension { matrix, .. }
            | Self::NonFinite { matrix, .. }
            | Self::Features { matrix, .. } => Some(matrix),
            Self::TooLarge { what, .. } => Some(what),
            Self::Weight { .. } => Some("sample_weight"),
            Self::NoBinSeeds { .. } => Some("min_bin_freq"),
            Self::NoPointWithinBandwidth { .. } => Some("bandwidth"),
            Self::Aborted | Self::ThreadPool { .. } => None,
        }
    }

    /// The message in `terms`, worded as scikit-learn words it where it has one.
    /// `owner` names the entry point the caller called, when it is not the rule's own
    /// (an async twin of `estimate_bandwidth`, say).
    pub fn message(&self, terms: &dyn Terms, owner: Option<&str>) -> String {
        let name = |id: &str| terms.name(id);
        match self {
            Self::InvalidParameter { rule, got } => {
                let got = match got {
                    Got::Number(v) => terms.number(*v),
                    Got::Text(t) => t.clone(),
                };
                let owner = owner.map_or_else(|| name(rule.owner), str::to_string);
                format!(
                    "The '{}' parameter of {owner} must be {}. Got {got} instead.",
                    name(rule.name),
                    rule.describe(terms)
                )
            }
            Self::Empty {
                n_rows,
                n_cols,
                by,
                ..
            } => {
                // scikit-learn's check_array: samples first, then features.
                let (count, what) = if *n_rows == 0 {
                    (n_rows, "sample(s)")
                } else {
                    (n_cols, "feature(s)")
                };
                let by = by.map(|b| format!(" by {}", name(b))).unwrap_or_default();
                format!("Found array with {count} {what} (shape=({n_rows}, {n_cols})) while a minimum of 1 is required{by}.")
            }
            Self::Shape {
                matrix,
                len,
                n_rows,
                n_cols,
                expected,
            } => {
                let expected = match expected {
                    Some(e) => e.to_string(),
                    None => "more values than fit in memory".into(),
                };
                format!(
                    "{}.data has {len} values, but its shape [{n_rows}, {n_cols}] needs {expected}.",
                    name(matrix)
                )
            }
            Self::Dimension { matrix, axis, got } => format!(
                "{}.shape[{axis}] must be a non-negative integer. Got {} instead.",
                name(matrix),
                terms.number(*got)
            ),
            Self::NonFinite {
                matrix,
                value,
                row,
                column,
            } => format!(
                "Input {} contains {} (row {row}, column {column}).",
                name(matrix),
                if value.is_nan() { "NaN" } else { "infinity" }
            ),
            Self::Features {
                matrix,
                got,
                expected,
                by,
            } => format!(
                "{} has {got} features, but {} is expecting {expected} features as input.",
                name(matrix),
                name(by)
            ),
            Self::Weight {
                problem,
                row,
                value,
            } => {
                let weight = name("sample_weight");
                let at = row.map(|r| format!("{weight}[{r}]")).unwrap_or(weight.clone());
                match problem {
                    WeightProblem::Length { got, expected } => format!(
                        "{weight} has {got} values, but X has {expected} rows: one weight per row is required."
                    ),
                    WeightProblem::NonFinite => format!(
                        "Input {weight} contains {} (row {}).",
                        if value.is_nan() { "NaN" } else { "infinity" },
                        row.unwrap_or(0)
                    ),
                    WeightProblem::Negative => format!(
                        "{at} must be a finite number >= 0. Got {} instead.",
                        terms.number(*value)
                    ),
                    WeightProblem::AllZero => format!(
                        "{weight} must not be all 0: at least one row needs a positive weight."
                    ),
                }
            }
            Self::NoPointWithinBandwidth { bandwidth } => format!(
                "No point was within bandwidth={bandwidth:.6} of any seed. Try a different seeding strategy or increase the bandwidth."
            ),
            Self::NoBinSeeds {
                bin_size,
                min_bin_freq,
            } => format!(
                "Bin seeding found no seed: no bin of size {bin_size} holds at least {}={min_bin_freq} points. Lower '{}', increase the bandwidth or set '{}' to false.",
                name("min_bin_freq"),
                name("min_bin_freq"),
                name("bin_seeding")
            ),
            Self::TooLarge { what, why } => {
                let why = match why {
                    TooLarge::Memory { bytes } => {
                        format!("its working copy needs {bytes} bytes, which could not be allocated")
                    }
                    TooLarge::Rows { n_rows, max } => {
                        format!("{n_rows} rows; at most {max} are supported")
                    }
                    TooLarge::Blobs {
                        count,
                        unit,
                        n_features,
                        max,
                    } => format!(
                        "{count} {unit} × {n_features} features is more than the {max} values {} generates at most",
                        name("make_blobs")
                    ),
                };
                format!("{} is too large: {why}.", name(what))
            }
            Self::Aborted => "The operation was aborted.".into(),
            Self::ThreadPool { threads, reason } => {
                format!("Could not start a thread pool with {threads} threads: {reason}.")
            }
        }
    }
}

impl std::fmt::Display for MeanShiftError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message(&PythonTerms, None))
    }
}

impl std::error::Error for MeanShiftError {}

pub type Result<T> = std::result::Result<T, MeanShiftError>;
