//! A read-only, row-major view over caller-owned `f64` or `f32` data.

use crate::error::{MeanShiftError, Result, TooLarge};

/// The element storage of a [`Matrix`]: borrowed, never copied by the view.
#[derive(Debug, Clone, Copy)]
pub enum Elements<'a> {
    F64(&'a [f64]),
    F32(&'a [f32]),
}

/// A validated row-major matrix: `n_rows * n_cols` finite values.
#[derive(Debug, Clone, Copy)]
pub struct Matrix<'a> {
    name: &'static str,
    elements: Elements<'a>,
    n_rows: usize,
    n_cols: usize,
}

impl<'a> Matrix<'a> {
    /// Checks the shape against the data and that every value is finite.
    ///
    /// `name` ("X", "seeds", ...) is used in error messages. Empty matrices are
    /// accepted here; each algorithm states its own minimum.
    pub fn new(
        name: &'static str,
        elements: Elements<'a>,
        n_rows: usize,
        n_cols: usize,
    ) -> Result<Self> {
        let len = match elements {
            Elements::F64(d) => d.len(),
            Elements::F32(d) => d.len(),
        };
        let expected = n_rows.checked_mul(n_cols);
        if expected != Some(len) {
            return Err(MeanShiftError::Shape {
                matrix: name,
                len,
                n_rows,
                n_cols,
                expected,
            });
        }
        if n_rows > u32::MAX as usize {
            return Err(MeanShiftError::TooLarge {
                what: name,
                why: TooLarge::Rows {
                    n_rows,
                    max: u32::MAX as usize,
                },
            });
        }
        let matrix = Self {
            name,
            elements,
            n_rows,
            n_cols,
        };
        matrix.check_finite()?;
        Ok(matrix)
    }

    /// Convenience constructor for `f64` data.
    pub fn from_f64(
        name: &'static str,
        data: &'a [f64],
        n_rows: usize,
        n_cols: usize,
    ) -> Result<Self> {
        Self::new(name, Elements::F64(data), n_rows, n_cols)
    }

    /// Convenience constructor for `f32` data.
    pub fn from_f32(
        name: &'static str,
        data: &'a [f32],
        n_rows: usize,
        n_cols: usize,
    ) -> Result<Self> {
        Self::new(name, Elements::F32(data), n_rows, n_cols)
    }

    fn check_finite(&self) -> Result<()> {
        let name = self.name;
        let bad = match self.elements {
            Elements::F64(d) => d.iter().position(|v| !v.is_finite()).map(|i| (i, d[i])),
            Elements::F32(d) => d
                .iter()
                .position(|v| !v.is_finite())
                .map(|i| (i, f64::from(d[i]))),
        };
        match bad {
            None => Ok(()),
            Some((i, value)) => Err(MeanShiftError::NonFinite {
                matrix: name,
                value,
                row: i / self.n_cols,
                column: i % self.n_cols,
            }),
        }
    }

    /// Fails with scikit-learn's "Found array with 0 sample(s)" (or "0 feature(s)")
    /// error when there is no row or no column; `by` names the estimator requiring data.
    pub fn require_non_empty(&self, by: Option<&'static str>) -> Result<()> {
        if self.n_rows == 0 || self.n_cols == 0 {
            return Err(MeanShiftError::Empty {
                matrix: self.name,
                n_rows: self.n_rows,
                n_cols: self.n_cols,
                by,
            });
        }
        Ok(())
    }

    /// One entry of a shape given as a number (a JavaScript caller's): a whole
    /// number ≥ 0 that a JavaScript number holds exactly.
    pub fn dimension(matrix: &'static str, axis: usize, value: f64) -> Result<usize> {
        if value.fract() == 0.0 && (0.0..=crate::params::MAX_SAFE_INTEGER).contains(&value) {
            Ok(value as usize)
        } else {
            Err(MeanShiftError::Dimension {
                matrix,
                axis,
                got: value,
            })
        }
    }

    /// The matrix's identifier in messages (`X`, `seeds`).
    pub fn name(&self) -> &'static str {
        self.name
    }

    pub fn n_rows(&self) -> usize {
        self.n_rows
    }

    pub fn n_cols(&self) -> usize {
        self.n_cols
    }

    pub fn elements(&self) -> Elements<'a> {
        self.elements
    }

    /// The values as `f64`, row-major: borrowed for `f64` data, converted (exactly) for `f32`.
    pub fn to_f64(&self) -> Result<std::borrow::Cow<'a, [f64]>> {
        match self.elements {
            Elements::F64(d) => Ok(std::borrow::Cow::Borrowed(d)),
            Elements::F32(d) => {
                let mut values = crate::alloc::vec_with_capacity(d.len(), "X")?;
                values.extend(d.iter().map(|&v| f64::from(v)));
                Ok(std::borrow::Cow::Owned(values))
            }
        }
    }
}
