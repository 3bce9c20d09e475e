//! Every core entry point on arbitrary bytes: see `meanshift::fuzzing`.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| meanshift::fuzzing::check_entry_points(data));
