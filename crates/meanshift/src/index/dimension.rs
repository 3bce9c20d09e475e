//! The one dispatch from a run-time number of features to a const generic:
//! the trees store points as `[f64; D]`, so that distance loops unroll.
//! kiddo's tree is built for each number of features; the sum tree for fewer
//! widths, the features padded with zeros up to the next one.

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

/// `what.build::<D>()` for the sum tree's width `D >= dim` (1, 2, 3, 4, 6, 8,
/// 12 or 16), `None` above [`MAX_TREE_DIM`].
///
/// Padding keeps every bit: a zero feature adds `+0.0` to each squared
/// distance and box bound, and the widest-spread split never picks it (ties
/// go to the lowest feature). The rows' size in bytes stays on the same side
/// of 96 (the standard library's choice between its two partitions in
/// `select_nth_unstable`), so the tree orders its points as unpadded. Halving
/// the widths halves the binary's sum-tree code (issue 13's size limit).
pub(crate) fn for_padded_dimension<F: ForDimension>(dim: usize, what: F) -> Option<F::Output> {
    match dim {
        1 => Some(what.build::<1>()),
        2 => Some(what.build::<2>()),
        3 => Some(what.build::<3>()),
        4 => Some(what.build::<4>()),
        5..=6 => Some(what.build::<6>()),
        7..=8 => Some(what.build::<8>()),
        9..=12 => Some(what.build::<12>()),
        13..=16 => Some(what.build::<16>()),
        _ => None,
    }
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

    #[test]
    fn padded_widths_cover_every_tree_dimension_on_the_same_side_of_96_bytes() {
        for dim in 1..=MAX_TREE_DIM {
            let width = for_padded_dimension(dim, Dimension).unwrap();
            assert!(width >= dim);
            assert_eq!(
                8 * width <= 96,
                8 * dim <= 96,
                "{dim} features padded to {width}"
            );
        }
        assert_eq!(for_padded_dimension(0, Dimension), None);
        assert_eq!(for_padded_dimension(MAX_TREE_DIM + 1, Dimension), None);
    }
}
