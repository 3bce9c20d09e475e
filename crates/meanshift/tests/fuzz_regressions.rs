//! Replays the saved fuzz inputs (`fuzz/regressions/`: every crash the fuzzer
//! found, plus seed inputs) through the same harness on stable Rust.

#[test]
fn saved_fuzz_inputs_run_clean() {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/fuzz/regressions");
    let mut count = 0;
    for entry in std::fs::read_dir(dir).expect("fuzz/regressions exists") {
        let path = entry.expect("readable entry").path();
        if path.extension().is_some_and(|e| e == "md") {
            continue;
        }
        let data = std::fs::read(&path).expect("readable input");
        meanshift::fuzzing::check_entry_points(&data);
        count += 1;
    }
    assert!(count > 0, "no saved inputs in {dir}");
}
