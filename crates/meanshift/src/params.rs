//! Every rule about a parameter's value, written once (scikit-learn's
//! `_parameter_constraints`): the core checks its own options with these, the
//! Node binding converts JavaScript numbers with them, and messages are
//! generated from them. Names are the core's (scikit-learn's) snake_case
//! identifiers; a caller renders them in its own terms (see [`Terms`]).

use crate::error::{Got, MeanShiftError, Result};
pub use crate::rule::{plain_number, Bound, Constraint, PythonTerms, Rule, Terms};

/// The largest whole number a JavaScript number (an `f64`) holds exactly.
pub const MAX_SAFE_INTEGER: f64 = 9_007_199_254_740_991.0;

const fn rule(owner: &'static str, name: &'static str, constraint: Constraint) -> Rule {
    Rule {
        owner,
        name,
        constraint,
        optional: false,
        note: None,
    }
}

const fn int(low: i64, high: Option<u64>) -> Constraint {
    Constraint::Integer {
        low: Bound::Closed(low as f64),
        high: match high {
            Some(h) => Bound::Closed(h as f64),
            None => Bound::Unbounded,
        },
    }
}

/// `MeanShift`'s parameters.
pub mod mean_shift {
    use crate::params::{int, rule, Bound, Constraint, Rule};
    const OWNER: &str = "MeanShift";
    pub const BANDWIDTH: Rule = Rule {
        optional: true,
        ..rule(
            OWNER,
            "bandwidth",
            Constraint::Real {
                low: Bound::Open(0.0),
                high: Bound::Open(f64::INFINITY),
            },
        )
    };
    pub const MIN_BIN_FREQ: Rule = rule(OWNER, "min_bin_freq", int(1, None));
    /// `n_iter_` is reported as a 32-bit count.
    pub const MAX_ITER: Rule = rule(OWNER, "max_iter", int(0, Some(u32::MAX as u64)));
    /// Threads, joblib's convention (see `resolve_threads`, which caps them).
    pub const N_JOBS: Rule = Rule {
        optional: true,
        note: Some("{none} and -1 use all cores"),
        ..rule(OWNER, "n_jobs", Constraint::NonZeroInteger)
    };
    pub const SEEDS: Rule = Rule {
        optional: true,
        ..rule(
            OWNER,
            "seeds",
            Constraint::Described("a matrix with at least one row"),
        )
    };
    /// How samples get their label (`crate::ClusterAssignment`, in this order).
    pub const CLUSTER_ASSIGNMENT: Rule = rule(
        OWNER,
        "cluster_assignment",
        Constraint::OneOf(&["nearest_centroid", "attractor"]),
    );
    /// The climb's kernel (see `Kernel`).
    pub const KERNEL: Rule = rule(
        OWNER,
        "kernel",
        Constraint::OneOf(&["flat", "gaussian", "epanechnikov"]),
    );
    /// How far the Gaussian kernel reaches, in bandwidths.
    pub const KERNEL_CUTOFF: Rule = rule(
        OWNER,
        "kernel_cutoff",
        Constraint::Real {
            low: Bound::Open(0.0),
            high: Bound::Open(f64::INFINITY),
        },
    );
    /// Each row's weight (checked by `weights::check`, errors carry the row).
    pub const SAMPLE_WEIGHT: Rule = Rule {
        optional: true,
        ..rule(
            OWNER,
            "sample_weight",
            Constraint::Described("an array of finite numbers >= 0, one per row of X, not all 0"),
        )
    };
}

/// A bandwidth that must be given (the shard primitives never estimate one).
const fn required_bandwidth(owner: &'static str) -> Rule {
    rule(
        owner,
        "bandwidth",
        Constraint::Real {
            low: Bound::Open(0.0),
            high: Bound::Open(f64::INFINITY),
        },
    )
}

/// `climb_seeds`' parameters: the climbs of a run of a fit's seeds.
pub mod climb_seeds {
    use crate::params::{int, required_bandwidth, Rule};
    const OWNER: &str = "climb_seeds";
    pub const BANDWIDTH: Rule = required_bandwidth(OWNER);
    pub const MAX_ITER: Rule = Rule {
        owner: OWNER,
        ..super::mean_shift::MAX_ITER
    };
    pub const N_JOBS: Rule = Rule {
        owner: OWNER,
        ..super::mean_shift::N_JOBS
    };
    pub const KERNEL: Rule = Rule {
        owner: OWNER,
        ..super::mean_shift::KERNEL
    };
    pub const KERNEL_CUTOFF: Rule = Rule {
        owner: OWNER,
        ..super::mean_shift::KERNEL_CUTOFF
    };
    pub const SAMPLE_WEIGHT: Rule = Rule {
        owner: OWNER,
        ..super::mean_shift::SAMPLE_WEIGHT
    };
    /// The index of the run's first seed among all the fit's seeds (a row index).
    pub const FIRST_SEED: Rule =
        crate::params::rule(OWNER, "first_seed", int(0, Some(u32::MAX as u64)));
    /// How many seeds the whole fit has: at least `first_seed` + the seeds given.
    pub const TOTAL_SEEDS: Rule = Rule {
        optional: true,
        note: Some("at least {first_seed} + the number of seeds given; {none}: just those"),
        ..crate::params::rule(OWNER, "total_seeds", int(0, Some(u32::MAX as u64)))
    };
}

/// `merge_modes`' parameters: the climbs of all seeds merged into centres.
pub mod merge_modes {
    use crate::params::{required_bandwidth, Rule};
    pub const BANDWIDTH: Rule = required_bandwidth("merge_modes");
}

/// `assign_labels`' parameters: rows labelled with their nearest centre.
pub mod assign_labels {
    use crate::params::{required_bandwidth, Rule};
    const OWNER: &str = "assign_labels";
    /// Only read when `cluster_all` is false (the orphans' radius).
    pub const BANDWIDTH: Rule = Rule {
        optional: true,
        note: Some("only read to mark orphans, and then required"),
        ..required_bandwidth(OWNER)
    };
    pub const N_JOBS: Rule = Rule {
        owner: OWNER,
        ..super::mean_shift::N_JOBS
    };
}

/// `estimate_bandwidth`'s parameters.
pub mod estimate_bandwidth {
    use crate::params::{int, rule, Bound, Constraint, Rule};
    const OWNER: &str = "estimate_bandwidth";
    pub const QUANTILE: Rule = rule(
        OWNER,
        "quantile",
        Constraint::Real {
            low: Bound::Closed(0.0),
            high: Bound::Closed(1.0),
        },
    );
    pub const N_SAMPLES: Rule = Rule {
        optional: true,
        ..rule(OWNER, "n_samples", int(1, None))
    };
    /// A seed of NumPy's legacy `RandomState` (32 bits).
    pub const RANDOM_STATE: Rule = rule(OWNER, "random_state", int(0, Some(u32::MAX as u64)));
    pub const N_JOBS: Rule = Rule {
        owner: OWNER,
        ..super::mean_shift::N_JOBS
    };
    pub const SAMPLE_WEIGHT: Rule = Rule {
        owner: OWNER,
        ..super::mean_shift::SAMPLE_WEIGHT
    };
}

/// `get_bin_seeds`'s parameters.
pub mod get_bin_seeds {
    use crate::params::{rule, Bound, Constraint, Rule};
    const OWNER: &str = "get_bin_seeds";
    pub const BIN_SIZE: Rule = rule(
        OWNER,
        "bin_size",
        Constraint::Real {
            low: Bound::Closed(0.0),
            high: Bound::Open(f64::INFINITY),
        },
    );
    pub const MIN_BIN_FREQ: Rule = Rule {
        owner: OWNER,
        ..super::mean_shift::MIN_BIN_FREQ
    };
}

/// `make_blobs`'s parameters.
pub mod make_blobs {
    use crate::params::{int, rule, Bound, Constraint, Rule};
    const OWNER: &str = "make_blobs";
    pub const N_SAMPLES: Rule = rule(OWNER, "n_samples", int(0, None));
    pub const N_FEATURES: Rule = rule(OWNER, "n_features", int(1, None));
    /// A count of random centres (explicit centres are a matrix).
    pub const CENTERS: Rule = rule(OWNER, "centers", int(1, None));
    pub const CLUSTER_STD: Rule = rule(
        OWNER,
        "cluster_std",
        Constraint::Real {
            low: Bound::Closed(0.0),
            high: Bound::Open(f64::INFINITY),
        },
    );
    /// One standard deviation for all centres, or one per centre.
    pub const CLUSTER_STD_COUNT: Rule = rule(
        OWNER,
        "cluster_std",
        Constraint::Described("a number or have one value per centre"),
    );
    pub const CENTER_BOX: Rule = rule(
        OWNER,
        "center_box",
        Constraint::Described("two finite numbers [low, high] with low <= high"),
    );
    pub const RANDOM_STATE: Rule = Rule {
        owner: OWNER,
        ..super::estimate_bandwidth::RANDOM_STATE
    };
}

/// The entry points whose parameters have rules.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EntryPoint {
    MeanShift,
    EstimateBandwidth,
    GetBinSeeds,
    MakeBlobs,
    ClimbSeeds,
    MergeModes,
    AssignLabels,
}

/// Every rule of an entry point, for callers that look rules up by name.
pub fn rules_of(entry: EntryPoint) -> &'static [Rule] {
    match entry {
        EntryPoint::MeanShift => &[
            mean_shift::BANDWIDTH,
            mean_shift::SEEDS,
            mean_shift::MIN_BIN_FREQ,
            mean_shift::MAX_ITER,
            mean_shift::N_JOBS,
            mean_shift::CLUSTER_ASSIGNMENT,
            mean_shift::KERNEL,
            mean_shift::KERNEL_CUTOFF,
            mean_shift::SAMPLE_WEIGHT,
        ],
        EntryPoint::EstimateBandwidth => &[
            estimate_bandwidth::QUANTILE,
            estimate_bandwidth::N_SAMPLES,
            estimate_bandwidth::RANDOM_STATE,
            estimate_bandwidth::N_JOBS,
            estimate_bandwidth::SAMPLE_WEIGHT,
        ],
        EntryPoint::GetBinSeeds => &[get_bin_seeds::BIN_SIZE, get_bin_seeds::MIN_BIN_FREQ],
        EntryPoint::ClimbSeeds => &[
            climb_seeds::BANDWIDTH,
            climb_seeds::MAX_ITER,
            climb_seeds::N_JOBS,
            climb_seeds::FIRST_SEED,
            climb_seeds::TOTAL_SEEDS,
            climb_seeds::KERNEL,
            climb_seeds::KERNEL_CUTOFF,
            climb_seeds::SAMPLE_WEIGHT,
        ],
        EntryPoint::MergeModes => &[merge_modes::BANDWIDTH],
        EntryPoint::AssignLabels => &[assign_labels::BANDWIDTH, assign_labels::N_JOBS],
        EntryPoint::MakeBlobs => &[
            make_blobs::N_SAMPLES,
            make_blobs::N_FEATURES,
            make_blobs::CENTERS,
            make_blobs::CLUSTER_STD,
            make_blobs::CENTER_BOX,
            make_blobs::RANDOM_STATE,
        ],
    }
}

impl Rule {
    fn error(&'static self, got: Got) -> MeanShiftError {
        MeanShiftError::InvalidParameter { rule: self, got }
    }

    /// Whether `value` lies in the rule's interval (whole-number rules aside).
    fn within(&self, value: f64) -> bool {
        let inside = |low: Bound, high: Bound| {
            let above = match low {
                Bound::Closed(l) => value >= l,
                Bound::Open(l) => value > l,
                Bound::Unbounded => !value.is_nan(),
            };
            let below = match high {
                Bound::Closed(h) => value <= h,
                Bound::Open(h) => value < h,
                Bound::Unbounded => !value.is_nan(),
            };
            above && below
        };
        match self.constraint {
            Constraint::Real { low, high } | Constraint::Integer { low, high } => inside(low, high),
            Constraint::NonZeroInteger => value != 0.0,
            Constraint::Described(_) => true,
            // No number is one of a set of names.
            Constraint::OneOf(_) => false,
        }
    }

    /// `value` when it satisfies the rule, else [`MeanShiftError::InvalidParameter`].
    /// Whole-number rules also require a value a JavaScript number holds exactly.
    pub fn check(&'static self, value: f64) -> Result<f64> {
        let whole = value.fract() == 0.0 && value.abs() <= MAX_SAFE_INTEGER;
        let integral = matches!(
            self.constraint,
            Constraint::Integer { .. } | Constraint::NonZeroInteger
        );
        if self.within(value) && (whole || !integral) {
            Ok(value)
        } else {
            Err(self.error(Got::Number(value)))
        }
    }

    /// A count (a whole number ≥ 0) that satisfies the rule.
    pub fn count(&'static self, value: f64) -> Result<usize> {
        let value = self.check(value)?;
        if value < 0.0 {
            return Err(self.error(Got::Number(value)));
        }
        usize::try_from(value as u64).map_err(|_| self.error(Got::Number(value)))
    }

    /// A count the caller already has as an integer, of any size, against the interval.
    pub fn count_of(&'static self, value: usize) -> Result<usize> {
        if self.within(value as f64) {
            Ok(value)
        } else {
            Err(self.error(Got::Number(value as f64)))
        }
    }

    /// A signed whole number that satisfies the rule.
    pub fn integer(&'static self, value: f64) -> Result<i64> {
        Ok(self.check(value)? as i64)
    }

    /// The value of a [`Constraint::OneOf`] rule that `value` spells in the
    /// caller's `terms` (its core spelling), else [`MeanShiftError::InvalidParameter`].
    pub fn one_of(&'static self, value: &str, terms: &dyn Terms) -> Result<&'static str> {
        let values: &[&'static str] = match self.constraint {
            Constraint::OneOf(values) => values,
            _ => &[],
        };
        values
            .iter()
            .find(|v| terms.name(v) == value)
            .copied()
            .ok_or_else(|| self.error(Got::Text(format!("'{value}'"))))
    }

    /// The rule broken by something that is not a number (`got` in the caller's words).
    pub fn broken_by(&'static self, got: String) -> MeanShiftError {
        self.error(Got::Text(got))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn descriptions_follow_scikit_learn() {
        let t = &PythonTerms;
        assert_eq!(
            mean_shift::BANDWIDTH.describe(t),
            "a float in the range (0.0, inf) or None"
        );
        assert_eq!(
            mean_shift::MAX_ITER.describe(t),
            "an int in the range [0, 4294967295]"
        );
        assert_eq!(
            mean_shift::MIN_BIN_FREQ.describe(t),
            "an int in the range [1, inf)"
        );
        assert_eq!(
            mean_shift::N_JOBS.describe(t),
            "a non-zero int or None (None and -1 use all cores)"
        );
        assert_eq!(
            estimate_bandwidth::QUANTILE.describe(t),
            "a float in the range [0.0, 1.0]"
        );
    }

    #[test]
    fn notes_name_parameters_in_the_callers_terms() {
        let text = climb_seeds::TOTAL_SEEDS.describe(&PythonTerms);
        assert!(
            text.ends_with("(at least first_seed + the number of seeds given; None: just those)"),
            "{text}"
        );
    }

    #[test]
    fn checks_follow_the_intervals() {
        assert!(mean_shift::BANDWIDTH.check(0.0).is_err());
        assert!(mean_shift::BANDWIDTH.check(f64::INFINITY).is_err());
        assert!(mean_shift::BANDWIDTH.check(f64::NAN).is_err());
        assert_eq!(mean_shift::BANDWIDTH.check(1e-300).unwrap(), 1e-300);
        assert!(mean_shift::MAX_ITER.count(4_294_967_296.0).is_err());
        assert_eq!(mean_shift::MAX_ITER.count(0.0).unwrap(), 0);
        assert!(mean_shift::MIN_BIN_FREQ.count(1.5).is_err());
        assert!(mean_shift::N_JOBS.integer(0.0).is_err());
        assert_eq!(mean_shift::N_JOBS.integer(-3.0).unwrap(), -3);
        assert!(mean_shift::N_JOBS.integer(1e300).is_err());
        assert!(estimate_bandwidth::QUANTILE
            .check(1.0 + f64::EPSILON)
            .is_err());
        assert!(get_bin_seeds::BIN_SIZE.check(0.0).is_ok());
    }

    #[test]
    fn a_set_of_values_reads_and_checks_in_the_callers_spelling() {
        let rule = &mean_shift::CLUSTER_ASSIGNMENT;
        assert_eq!(
            rule.describe(&PythonTerms),
            "a str among {'nearest_centroid', 'attractor'}"
        );
        assert_eq!(
            rule.one_of("nearest_centroid", &PythonTerms).unwrap(),
            "nearest_centroid"
        );
        assert_eq!(rule.one_of("attractor", &PythonTerms).unwrap(), "attractor");
        let error = rule.one_of("nearest", &PythonTerms).unwrap_err();
        assert_eq!(
            error.to_string(),
            "The 'cluster_assignment' parameter of MeanShift must be a str among {'nearest_centroid', 'attractor'}. Got 'nearest' instead."
        );
        assert_eq!(error.parameter(), Some("cluster_assignment"));
        assert!(rule.check(0.0).is_err());
    }

    #[test]
    fn the_error_names_the_rule_and_the_value() {
        let error = mean_shift::BANDWIDTH.check(-1.0).unwrap_err();
        assert_eq!(
            error.to_string(),
            "The 'bandwidth' parameter of MeanShift must be a float in the range (0.0, inf) or None. Got -1 instead."
        );
        assert_eq!(error.parameter(), Some("bandwidth"));
    }
}
