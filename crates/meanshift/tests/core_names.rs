//! The core speaks its own (scikit-learn's) snake_case names; the Node binding
//! alone turns them into the library's camelCase ones. A JavaScript option or
//! function name in the core's sources would be a message the binding cannot
//! rename, so this test reads them all and fails on any.

use std::path::Path;

/// The JavaScript API's camelCase names that have a snake_case twin in the core.
const JS_NAMES: &[&str] = &[
    "binSeeding",
    "minBinFreq",
    "clusterAll",
    "maxIter",
    "nJobs",
    "nSamples",
    "nFeatures",
    "randomState",
    "binSize",
    "clusterStd",
    "centerBox",
    "clusterCenters",
    "firstSeed",
    "totalSeeds",
    "makeBlobs",
    "estimateBandwidth",
    "getBinSeeds",
    "climbSeeds",
    "mergeModes",
    "assignLabels",
    "seedsFor",
];

fn rust_files(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
    for entry in std::fs::read_dir(dir).expect("readable source folder") {
        let path = entry.expect("a directory entry").path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

#[test]
fn the_core_names_no_javascript_option() {
    let mut files = Vec::new();
    rust_files(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("src"),
        &mut files,
    );
    assert!(files.len() > 20, "found only {} source files", files.len());
    let mut found = Vec::new();
    for file in &files {
        let text = std::fs::read_to_string(file).expect("a readable source file");
        for (n, line) in text.lines().enumerate() {
            for name in JS_NAMES.iter().filter(|name| line.contains(*name)) {
                found.push(format!("{}:{}: {name}", file.display(), n + 1));
            }
        }
    }
    assert!(
        found.is_empty(),
        "JavaScript names in the core:\n{}",
        found.join("\n")
    );
}
