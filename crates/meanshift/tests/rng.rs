//! `RandomState` against NumPy's legacy `RandomState` streams in `rng.json`, bit for bit.

mod common;

use common::{cases, vec_f64, vec_i64};
use meanshift::RandomState;

fn seed_of(case: &serde_json::Value) -> u32 {
    u32::try_from(case["seed"].as_u64().expect("seed")).expect("seed fits u32")
}

fn assert_bits(what: &str, seed: u32, got: &[f64], expected: &[f64]) {
    assert_eq!(got.len(), expected.len(), "{what} seed {seed}: length");
    for (i, (g, e)) in got.iter().zip(expected).enumerate() {
        assert_eq!(
            g.to_bits(),
            e.to_bits(),
            "{what} seed {seed}: element {i}: got {g:?}, expected {e:?}"
        );
    }
}

#[test]
fn fixture_covers_the_expected_seeds() {
    let seeds: Vec<u32> = cases("rng.json").iter().map(seed_of).collect();
    assert_eq!(seeds, vec![0, 1, 42, 5489, 4_294_967_295]);
}

#[test]
fn raw_uint32_stream() {
    for case in cases("rng.json") {
        let seed = seed_of(&case);
        let expected: Vec<u32> = vec_i64(&case["uint32"])
            .into_iter()
            .map(|v| u32::try_from(v).unwrap())
            .collect();
        assert!(!expected.is_empty());
        let mut rng = RandomState::new(seed);
        let got: Vec<u32> = expected.iter().map(|_| rng.next_u32()).collect();
        assert_eq!(got, expected, "uint32 stream, seed {seed}");
    }
}

#[test]
fn mt19937_reference_output_for_5489() {
    // The reference implementation's first output for the default seed.
    assert_eq!(RandomState::new(5489).next_u32(), 3_499_211_612);
}

#[test]
fn random_sample_stream() {
    for case in cases("rng.json") {
        let seed = seed_of(&case);
        let expected = vec_f64(&case["randomSample"]);
        let mut rng = RandomState::new(seed);
        let got: Vec<f64> = expected.iter().map(|_| rng.random_sample()).collect();
        assert_bits("randomSample", seed, &got, &expected);
    }
}

#[test]
fn normal_stream_including_cached_value() {
    for case in cases("rng.json") {
        let seed = seed_of(&case);
        let expected = vec_f64(&case["normal"]);
        assert_eq!(expected.len() % 2, 1, "an odd count ends on a cached value");
        let mut rng = RandomState::new(seed);
        let got: Vec<f64> = expected.iter().map(|_| rng.normal(0.0, 1.0)).collect();
        assert_bits("normal", seed, &got, &expected);
        // gauss() is the same stream (loc 0, scale 1).
        let mut rng = RandomState::new(seed);
        let got: Vec<f64> = expected.iter().map(|_| rng.gauss()).collect();
        assert_bits("gauss", seed, &got, &expected);
    }
}

#[test]
fn uniform_stream() {
    for case in cases("rng.json") {
        let seed = seed_of(&case);
        let expected = vec_f64(&case["uniform"]);
        let mut rng = RandomState::new(seed);
        let got: Vec<f64> = expected.iter().map(|_| rng.uniform(-10.0, 10.0)).collect();
        assert_bits("uniform(-10, 10)", seed, &got, &expected);
    }
}

#[test]
fn permutations() {
    for case in cases("rng.json") {
        let seed = seed_of(&case);
        for key in ["permutation", "permutation1000"] {
            let n = case[key]["n"].as_u64().expect("n") as usize;
            let expected: Vec<usize> = vec_i64(&case[key]["value"])
                .into_iter()
                .map(|v| v as usize)
                .collect();
            assert_eq!(expected.len(), n);
            let got = RandomState::new(seed).permutation(n);
            assert_eq!(got, expected, "{key} (n = {n}), seed {seed}");
        }
    }
}

#[test]
fn shuffle_matches_permutation() {
    let mut values: Vec<usize> = (0..1000).collect();
    RandomState::new(42).shuffle(&mut values);
    assert_eq!(values, RandomState::new(42).permutation(1000));
}

#[test]
fn interval_is_in_range_and_degenerate_cases() {
    let mut rng = RandomState::new(7);
    assert_eq!(rng.interval(0), 0);
    for max in [1u64, 2, 3, 7, 8, 100, 1 << 31, u64::from(u32::MAX), 1 << 40] {
        for _ in 0..200 {
            assert!(rng.interval(max) <= max);
        }
    }
    assert!(RandomState::new(0).permutation(0).is_empty());
    assert_eq!(RandomState::new(0).permutation(1), vec![0]);
}
