//! The core's error type. The Node binding maps each variant to a JS error;
//! the core itself never panics on user input.

use thiserror::Error;

/// Everything that can go wrong in the core, with messages a person can act on.
#[derive(Debug, Clone, PartialEq, Error)]
pub enum MeanShiftError {
    /// The input has no rows (or no columns).
    #[error("Found array with {n_rows} sample(s) (shape=({n_rows}, {n_cols})) while a minimum of 1 is required{by}.")]
    Empty {
        n_rows: usize,
        n_cols: usize,
        /// " by MeanShift" or similar, for scikit-learn's wording.
        by: &'static str,
    },

    /// `data.len()` does not match `n_rows * n_cols`, or the shape overflows.
    #[error("'{name}' has {len} values, but its shape [{n_rows}, {n_cols}] needs {expected}.")]
    Shape {
        name: &'static str,
        len: usize,
        n_rows: usize,
        n_cols: usize,
        expected: String,
    },

    /// A NaN or infinite value.
    #[error("Input {name} contains {what} (row {row}, column {col}).")]
    NonFinite {
        name: &'static str,
        what: &'static str,
        row: usize,
        col: usize,
    },

    /// Data whose feature count disagrees with the model's or with X's.
    #[error(
        "{name} has {got} features, but {expecting} is expecting {expected} features as input."
    )]
    Features {
        name: &'static str,
        got: usize,
        expected: usize,
        expecting: &'static str,
    },

    /// A parameter outside its valid range.
    #[error("The '{name}' parameter {rule}. Got {got} instead.")]
    Parameter {
        name: &'static str,
        rule: &'static str,
        got: String,
    },

    /// No seed had any training point within the bandwidth (scikit-learn's ValueError).
    #[error("No point was within bandwidth={bandwidth:.6} of any seed. Try a different seeding strategy or increase the bandwidth.")]
    NoPointWithinBandwidth { bandwidth: f64 },

    /// Bin seeding produced no seed (no bin holds `min_bin_freq` points).
    #[error("Bin seeding found no seed: no bin of size {bin_size} holds at least minBinFreq={min_bin_freq} points. Lower 'minBinFreq', increase the bandwidth or set 'binSeeding' to false.")]
    NoBinSeeds { bin_size: f64, min_bin_freq: usize },

    /// An input whose size the core cannot index or allocate.
    #[error("{what} is too large: {detail}.")]
    TooLarge { what: &'static str, detail: String },

    /// The caller asked the computation to stop.
    #[error("The operation was aborted.")]
    Aborted,

    /// A rayon thread pool could not be created.
    #[error("Could not start a thread pool with {threads} threads: {reason}.")]
    ThreadPool { threads: usize, reason: String },
}

impl MeanShiftError {
    /// True when the error is the caller's input or options (as opposed to an outcome
    /// of the algorithm such as [`MeanShiftError::NoPointWithinBandwidth`]).
    pub fn is_invalid_argument(&self) -> bool {
        matches!(
            self,
            Self::Empty { .. }
                | Self::Shape { .. }
                | Self::NonFinite { .. }
                | Self::Features { .. }
                | Self::Parameter { .. }
                | Self::TooLarge { .. }
        )
    }
}

pub type Result<T> = std::result::Result<T, MeanShiftError>;
