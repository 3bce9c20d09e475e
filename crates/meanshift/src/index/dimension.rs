//! The one dispatch from a run-time number of features to a const generic:
//! the trees store points as `[f64; D]`, so that distance loops unroll.

/// The largest number of features served by a tree; above it, the scan.
pub(crate) const MAX_TREE_DIM: usize = 16;

/// Something built for points of `D` features.
pub(crate) trait ForDimension {
    type Output;
    fn build<const D: usize>(self) -> Self::Output;
}

/// `what.build::<dim>()` for `dim` in `1..=MAX_TREE_DIM`, `None` otherwise.
pub(crate) fn for_dimension<F: ForDimension>(dim: usize, what: F) -> Option<F::Output> {
    macro_rules! dispatch {
        ($($d:literal)*) => {
            match dim {
                $($d => Some(what.build::<$d>()),)*
                _ => None,
            }
        };
    }
    dispatch!(1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16)
}

#[cfg(test)]
mod tests {
    use super::*;

    struct Dimension;
    impl ForDimension for Dimension {
        type Output = usize;
        fn build<const D: usize>(self) -> usize {
            D
        }
    }

    #[test]
    fn every_tree_dimension_and_no_other_is_dispatched() {
        for dim in 1..=MAX_TREE_DIM {
            assert_eq!(for_dimension(dim, Dimension), Some(dim));
        }
        assert_eq!(for_dimension(0, Dimension), None);
        assert_eq!(for_dimension(MAX_TREE_DIM + 1, Dimension), None);
    }
}
