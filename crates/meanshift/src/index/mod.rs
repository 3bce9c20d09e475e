//! The query structures the climbs, the bandwidth estimate, the merge and the
//! labels ask.

pub(crate) mod bands;
pub(crate) mod exact;
pub mod neighbors;
pub(crate) mod strip;
pub mod sumtree;
