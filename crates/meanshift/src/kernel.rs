//! The climb's kernel: how much each point within reach pulls a step
//! (scikit-learn's mean shift is the flat kernel).

use crate::error::Result;
use crate::params::mean_shift as rules;

/// The kernel of a climb step. A step moves to `Σ wᵢ K(dᵢ) xᵢ / Σ wᵢ K(dᵢ)`
/// over the points within reach (`wᵢ` the sample weight, `dᵢ` the distance to
/// the current position, `h` the bandwidth).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Kernel {
    /// `K = 1` for `d <= h`: scikit-learn's mean shift.
    #[default]
    Flat,
    /// `K = exp(-d² / (2h²))` for `d <= kernel_cutoff · h`.
    Gaussian,
    /// `K = 1 - d²/h²` for `d <= h`.
    Epanechnikov,
}

impl Kernel {
    /// The kernel named `name`, one of [`rules::KERNEL`]'s values (spelled
    /// alike in every caller's terms).
    pub fn parse(name: &str) -> Result<Self> {
        match name {
            "flat" => Ok(Self::Flat),
            "gaussian" => Ok(Self::Gaussian),
            "epanechnikov" => Ok(Self::Epanechnikov),
            other => Err(rules::KERNEL.broken_by(format!("'{other}'"))),
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Self::Flat => "flat",
            Self::Gaussian => "gaussian",
            Self::Epanechnikov => "epanechnikov",
        }
    }
}

/// A kernel evaluated on squared distances, for a bandwidth.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum Profile {
    Flat,
    /// `exp(-d² · scale)`, `scale = 1 / (2h²)`.
    Gaussian {
        scale: f64,
    },
    /// `1 - d² · scale`, `scale = 1 / h²`.
    Epanechnikov {
        scale: f64,
    },
}

impl Profile {
    /// The profile of `kernel` for `bandwidth`, and the squared radius of its reach.
    pub fn new(kernel: Kernel, bandwidth: f64, cutoff: f64) -> (Self, f64) {
        let h2 = bandwidth * bandwidth;
        match kernel {
            Kernel::Flat => (Self::Flat, h2),
            Kernel::Gaussian => {
                let reach = cutoff * bandwidth;
                (
                    Self::Gaussian {
                        scale: 1.0 / (2.0 * h2),
                    },
                    reach * reach,
                )
            }
            Kernel::Epanechnikov => (Self::Epanechnikov { scale: 1.0 / h2 }, h2),
        }
    }

    /// `K(d)` for a point within reach at squared distance `d2`.
    #[inline(always)]
    pub fn at(self, d2: f64) -> f64 {
        match self {
            Self::Flat => 1.0,
            Self::Gaussian { scale } => (-d2 * scale).exp(),
            Self::Epanechnikov { scale } => 1.0 - d2 * scale,
        }
    }
}
