#!/usr/bin/env bash
# Checks every C++ file's format, lists functions grown too long, lints and synthesises the RTL,
# cross-compiles the firmware for a board's Arm core, then builds spikeforge and runs every test
# three ways: the Release build (warnings as errors) with the whole suite, an AddressSanitizer +
# UndefinedBehaviorSanitizer build with the whole suite (its RTL tests also give the RTL's
# coverage report), and a short libFuzzer run of every fuzz target.
#
# A function over the length limit fails the run; SF_LONG_FUNCTIONS_FATAL=0 makes it a warning.
# SF_FUZZ_SECONDS sets each fuzz target's run (default 5; longer runs by hand find more).
set -euo pipefail
cd "$(dirname "$0")/.."
jobs="$(nproc)"
fuzz_seconds="${SF_FUZZ_SECONDS:-5}"
long_functions_fatal="${SF_LONG_FUNCTIONS_FATAL:-1}"

# Each phase's wall time, printed as it ends, so that the suite's time stays in view.
phase_started=$SECONDS
phase_done() {
    echo "== $1: $((SECONDS - phase_started)) s (total $SECONDS s)"
    phase_started=$SECONDS
}

scripts/check_format.sh

# Exit status 1 means long functions were found; anything else is the script failing.
long_status=0
python3 scripts/long_functions.py lems/src mapper/src emulator/src firmware host || long_status=$?
if [ "$long_status" -eq 1 ] && [ "$long_functions_fatal" != 1 ]; then
    echo "warning: the functions above are longer than the limit"
elif [ "$long_status" -ne 0 ]; then
    exit "$long_status"
fi
phase_done "format and function lengths"

scripts/install-deps.sh
phase_done "dependencies"

# The RTL with every Verilator lint warning on: any warning fails. Then synthesised: no latch.
# Both run on one core beside the builds below, their output shown when the Release build is done.
mkdir -p build
(scripts/check_rtl.sh && scripts/synth_rtl.sh) >build/rtl-checks.log 2>&1 &
rtl_checks=$!

# The firmware as a board's Arm core would run it: it must compile freestanding and fit.
scripts/cross_firmware.sh
phase_done "firmware cross-compiled"

scripts/build.sh
rtl_status=0
wait "$rtl_checks" || rtl_status=$?
cat build/rtl-checks.log
if [ "$rtl_status" -ne 0 ]; then
    echo "RTL lint or synthesis failed (status $rtl_status)"
    exit "$rtl_status"
fi
phase_done "Release build, RTL lint and synthesis"
ctest --test-dir build/release --output-on-failure -j"$jobs"
phase_done "Release tests"

# -O1 with line tables only: the sanitizers' usual setting, and half the compile time of -O2 -g.
# Most test executables' own files at -O0, which under the sanitizers compiles them in half the
# time of -O1; those of the emulator and the conformance set stay at -O1, since their own code
# compares long runs (at -O0 the emulator's tests took 12-16 % longer and the conformance set's
# 38 %, more than the compile time saved).
# The RTL is verilated with coverage here too, so that this run's RTL tests also give the RTL's
# coverage report without a build of its own. The benchmarks' drivers, built by the Release build
# already, are left out; so are the fuzz targets' replay drivers (the fuzzing below runs every
# seed corpus under AddressSanitizer and UndefinedBehaviorSanitizer first) and MPI (OpenMPI is
# noisy under AddressSanitizer; the Release run tests the runs over MPI ranks, and the spreading
# itself is tested here without MPI).
cmake -S . -B build/sanitize -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="-O1 -g1 -DNDEBUG" -DSF_SANITIZE=ON -DSF_RTL_COVERAGE=ON \
    -DSF_TEST_OPTIMIZATION=-O0 -DSF_BENCH=OFF -DSF_FUZZ_REPLAY=OFF -DSF_MPI=OFF >/dev/null
cmake --build build/sanitize -j"$jobs"
phase_done "sanitizer build"
rm -rf build/sanitize/rtl-coverage
# Left to the Release run, which runs them in full: the four end-to-end runs of whole images on
# the RTL (run --target rtl, --rtl-cores, serve --target rtl) and the conformance set on the RTL
# core, which take minutes under the sanitizers and check nothing the sanitized [rtl] tests of the
# harness (random networks and programs, the bundled example, the user-defined cell) do not; the whole
# conformance set through the network IR runner, whose code the other network IR tests run here;
# the conformance set's native programs (the cores' and the float simulator's) and population
# alignment, whose code the random programs, the engine-order networks and the sparse networks run
# here; and the command line's progress-line and native-code runs,
# which run the whole example to see the same files as the Release run does (the progress line's
# own tests and the native programs' random tests run here); the float simulator's two longest
# conformance examples (Ex16's inputs, Ex27's synapses: half a minute each here; the other examples
# run here), and the bundled example over ranks and the conformance set on threads, whose code the
# random networks over ranks and the bundled example on threads run here.
# The RTL's random programs run 150 here (400 in the Release run): enough for every coverage bin
# many times over.
SF_RTL_COVERAGE_DIR="$PWD/build/sanitize/rtl-coverage" SF_RTL_PROGRAMS=150 \
    ctest --test-dir build/sanitize --output-on-failure -j"$jobs" \
    -E "target rtl:|rtl-cores:|rtl core: conformance examples|network IR: conformance examples run as flattened neurons|native code records what the kernel records on|float kernels compiled write what the interpreter writes|population alignment: the conformance examples|the formats are the same with the range run on threads|conformance: LEMS_NML2_Ex16_Inputs|conformance: LEMS_NML2_Ex27_MultiSynapses|the bundled example over 2, 3 and 5 ranks|lockstep threads: conformance examples|cli: simulate shows a progress line|cli: no progress line|native-code always writes the files of never|without a compiler is refused"
scripts/rtl_coverage.sh --report-only build/sanitize
phase_done "sanitizer tests and RTL coverage"

# -O1 without debug information: a short run's coverage needs no more, and it compiles in less time.
cmake -S . -B build/fuzz -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_CXX_COMPILER=clang++ \
    -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="-O1 -DNDEBUG" -DSF_FUZZ=ON -DSF_WERROR=OFF >/dev/null
targets=$(cd tests/fuzz && ls fuzz_*.cpp | sed 's/\.cpp$//')
# shellcheck disable=SC2086
cmake --build build/fuzz -j"$jobs" --target $targets
phase_done "fuzz build"
# One target per core at a time, each printing its end when it is done. A finding is written under
# build/, not into the checkout.
fuzz_one() {
    local target=$1 scratch="build/fuzz/corpus/$1" status=0
    mkdir -p "$scratch"
    "build/fuzz/tests/fuzz/$target" -max_total_time="$fuzz_seconds" -timeout=10 -rss_limit_mb=4096 \
        -artifact_prefix="build/fuzz/findings-$target-" -print_final_stats=1 \
        "$scratch" "tests/fuzz/corpus/$target" >"build/fuzz/$target.log" 2>&1 || status=$?
    echo "fuzzed $target for ${fuzz_seconds}s: status $status"
    tail -n 12 "build/fuzz/$target.log"
    return "$status"
}
export -f fuzz_one
export fuzz_seconds
# shellcheck disable=SC2086
printf '%s\n' $targets | xargs -P "$jobs" -I{} bash -c 'fuzz_one "$1"' _ {}
echo "fuzz: ran $(echo $targets | wc -w) targets for ${fuzz_seconds}s each without a finding"
phase_done "fuzzing"
