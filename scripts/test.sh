#!/usr/bin/env bash
# Builds spikeforge and runs every test three ways: the Release build (warnings as errors) with the
# whole suite, an AddressSanitizer + UndefinedBehaviorSanitizer build with the whole suite, and a
# short libFuzzer run of every fuzz target.
set -euo pipefail
cd "$(dirname "$0")/.."
jobs="$(nproc)"
fuzz_seconds="${SF_FUZZ_SECONDS:-30}"

scripts/build.sh
ctest --test-dir build/release --output-on-failure -j"$jobs"

# -O1 with line tables only: the sanitizers' usual setting, and half the compile time of -O2 -g.
cmake -S . -B build/sanitize -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="-O1 -g1 -DNDEBUG" -DSF_SANITIZE=ON >/dev/null
cmake --build build/sanitize -j"$jobs"
ctest --test-dir build/sanitize --output-on-failure -j"$jobs"

cmake -S . -B build/fuzz -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_CXX_COMPILER=clang++ \
    -DSF_FUZZ=ON -DSF_WERROR=OFF >/dev/null
targets=$(cd tests/fuzz && ls fuzz_*.cpp | sed 's/\.cpp$//')
# shellcheck disable=SC2086
cmake --build build/fuzz -j"$jobs" --target $targets
for target in $targets; do
    scratch="build/fuzz/corpus/$target"
    mkdir -p "$scratch"
    echo "fuzzing $target for ${fuzz_seconds}s"
    "build/fuzz/tests/fuzz/$target" -max_total_time="$fuzz_seconds" -timeout=10 -rss_limit_mb=4096 \
        -print_final_stats=1 "$scratch" "tests/fuzz/corpus/$target" 2>&1 | tail -n 12
done
echo "fuzz: ran $(echo $targets | wc -w) targets for ${fuzz_seconds}s each without a finding"
