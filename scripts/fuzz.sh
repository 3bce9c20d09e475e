#!/usr/bin/env bash
# Fuzzes every core entry point for a bounded time (default 120 s):
#   bash scripts/fuzz.sh [seconds]
# Needs a nightly toolchain (`rustup toolchain install nightly`) and cargo-fuzz
# (`cargo install cargo-fuzz`). A crash leaves its input in
# crates/meanshift/fuzz/artifacts/entry_points/: copy it to
# crates/meanshift/fuzz/regressions/ so `cargo test` replays it on stable.
set -euo pipefail
seconds="${1:-120}"
cd "$(dirname "$0")/../crates/meanshift"
rustup toolchain list | grep -q nightly || { echo "fuzz.sh: needs a nightly toolchain (rustup toolchain install nightly)" >&2; exit 1; }
cargo fuzz --version >/dev/null 2>&1 || { echo "fuzz.sh: needs cargo-fuzz (cargo install cargo-fuzz)" >&2; exit 1; }
# Start from the saved inputs; new interesting inputs go to a scratch corpus (not committed).
mkdir -p fuzz/corpus/entry_points
cp -n fuzz/regressions/seed-* fuzz/corpus/entry_points/ 2>/dev/null || true
exec cargo +nightly fuzz run entry_points fuzz/corpus/entry_points -- \
  -max_total_time="$seconds" -max_len=4096 -rss_limit_mb=4096
