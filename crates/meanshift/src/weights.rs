//! `sample_weight`: one finite weight >= 0 per row, not all 0.
//!
//! Weights all equal to `c` climb exactly as no weights (the weighted mean is
//! the plain mean), with intensities `c` times the counts: weights all 1 give
//! the unweighted fit's bits, whatever structure the climbs use.

use crate::error::{MeanShiftError, Result, WeightProblem};

/// Checked weights.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum Weights<'a> {
    /// Every row weighs the same (1 when no weights were given).
    Uniform(f64),
    /// At least two rows weigh differently.
    Varying(&'a [f64]),
}

impl<'a> Weights<'a> {
    /// The weights of `n_rows` rows: `None` is every row weighing 1.
    pub fn check(weights: Option<&'a [f64]>, n_rows: usize) -> Result<Self> {
        let Some(w) = weights else {
            return Ok(Self::Uniform(1.0));
        };
        let bad = |problem, row: Option<usize>, value| MeanShiftError::Weight {
            problem,
            row,
            value,
        };
        if w.len() != n_rows {
            let length = WeightProblem::Length {
                got: w.len(),
                expected: n_rows,
            };
            return Err(bad(length, None, f64::NAN));
        }
        for (row, &value) in w.iter().enumerate() {
            if !value.is_finite() {
                return Err(bad(WeightProblem::NonFinite, Some(row), value));
            }
            if value < 0.0 {
                return Err(bad(WeightProblem::Negative, Some(row), value));
            }
        }
        if w.iter().all(|&v| v == 0.0) {
            return Err(bad(WeightProblem::AllZero, None, 0.0));
        }
        Ok(match w.first() {
            Some(&first) if w.iter().all(|&v| v == first) => Self::Uniform(first),
            _ => Self::Varying(w),
        })
    }

    /// The per-row weights when they vary.
    pub fn varying(self) -> Option<&'a [f64]> {
        match self {
            Self::Varying(w) => Some(w),
            Self::Uniform(_) => None,
        }
    }

    /// The weight of `row`.
    #[inline]
    pub fn of(self, row: usize) -> f64 {
        match self {
            Self::Uniform(c) => c,
            Self::Varying(w) => w[row],
        }
    }

    /// What climbs that ignore the weights (uniform ones) multiply their
    /// intensities (counts) by.
    pub fn intensity_scale(self) -> f64 {
        match self {
            Self::Uniform(c) => c,
            Self::Varying(_) => 1.0,
        }
    }
}
