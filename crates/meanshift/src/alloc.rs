//! Fallible allocation of the large buffers: one that cannot be had is an
//! error the caller sees, not an abort of the host process (Rust's default).

use crate::error::{MeanShiftError, Result, TooLarge};

/// An empty vector with room for exactly `len` elements.
pub(crate) fn vec_with_capacity<T>(len: usize, what: &'static str) -> Result<Vec<T>> {
    let mut v = Vec::new();
    v.try_reserve_exact(len)
        .map_err(|_| MeanShiftError::TooLarge {
            what,
            why: TooLarge::Memory {
                bytes: len.saturating_mul(std::mem::size_of::<T>()),
            },
        })?;
    Ok(v)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_impossible_buffer_is_an_error_not_an_abort() {
        let result = vec_with_capacity::<f64>(usize::MAX / 4, "X");
        assert!(
            matches!(result, Err(MeanShiftError::TooLarge { what: "X", .. })),
            "{result:?}"
        );
        assert_eq!(
            vec_with_capacity::<f64>(10, "X").map(|v| v.capacity()),
            Ok(10)
        );
    }
}
