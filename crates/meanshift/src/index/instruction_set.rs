//! The instruction sets the SIMD kernels are written for (one file per set in
//! `strip/` and `distances/`), and the choice among them, made once per index
//! at run time: every kernel gives the same bits, so only the speed depends on
//! the CPU.

/// The instruction set a kernel runs on. AVX-512 needs the F and VL
/// extensions (the strip tests use 256-bit masked stores).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kernel {
    Scalar,
    #[cfg(target_arch = "x86_64")]
    Avx2,
    #[cfg(target_arch = "x86_64")]
    Avx512,
}

impl Kernel {
    /// Every kernel, fastest first.
    const ALL: &'static [Kernel] = &[
        #[cfg(target_arch = "x86_64")]
        Kernel::Avx512,
        #[cfg(target_arch = "x86_64")]
        Kernel::Avx2,
        Kernel::Scalar,
    ];

    /// Whether this CPU runs the kernel.
    fn runs_here(self) -> bool {
        match self {
            Kernel::Scalar => true,
            #[cfg(target_arch = "x86_64")]
            Kernel::Avx2 => is_x86_feature_detected!("avx2"),
            #[cfg(target_arch = "x86_64")]
            Kernel::Avx512 => {
                is_x86_feature_detected!("avx512f") && is_x86_feature_detected!("avx512vl")
            }
        }
    }

    /// The fastest kernel this CPU runs.
    pub fn detect() -> Self {
        Self::ALL
            .iter()
            .copied()
            .find(|k| k.runs_here())
            .unwrap_or(Kernel::Scalar)
    }

    /// Every kernel this CPU runs (for tests that compare them).
    #[cfg(test)]
    pub fn all_available() -> Vec<Self> {
        Self::ALL
            .iter()
            .copied()
            .filter(|k| k.runs_here())
            .collect()
    }
}
