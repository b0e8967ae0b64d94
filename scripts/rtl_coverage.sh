#!/usr/bin/env bash
# Reports the RTL's coverage from the test suite: line and toggle coverage per module and every
# functional bin (the designs' `cover property` statements) with its count, the uncovered bins
# listed under a heading of their own (docs/rtl.md, "Coverage").
#
#   scripts/rtl_coverage.sh                    configures and builds build/coverage (Release,
#                                              SF_RTL_COVERAGE=ON), runs the RTL tests, reports
#   scripts/rtl_coverage.sh BUILD_DIR          the same with a build configured with
#                                              SF_RTL_COVERAGE=ON
#   scripts/rtl_coverage.sh --report-only BUILD_DIR
#                                              reports the data already in BUILD_DIR/rtl-coverage
#                                              (from tests run with SF_RTL_COVERAGE_DIR there)
#
# The RTL tests are those tagged [rtl] in every test executable. Exits 0 with uncovered bins (it
# is a report), non-zero when no coverage data was written.
set -euo pipefail
cd "$(dirname "$0")/.."

fail() {
    echo "rtl_coverage: $*" >&2
    exit 1
}

report_only=0
if [ "${1:-}" = --report-only ]; then
    report_only=1
    shift
    [ $# -eq 1 ] || fail "--report-only needs the build directory"
fi
[ $# -le 1 ] || fail "expected at most one build directory, got: $*"
build="${1:-build/coverage}"
data="$build/rtl-coverage"

if [ "$report_only" = 0 ]; then
    if [ $# -eq 0 ]; then
        cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release -DSF_RTL_COVERAGE=ON >/dev/null
    fi
    grep -q '^SF_RTL_COVERAGE:BOOL=ON$' "$build/CMakeCache.txt" 2>/dev/null ||
        fail "$build is not a build configured with -DSF_RTL_COVERAGE=ON"
    cmake --build "$build" -j2 --target sf_tests_emulator
    rm -rf "$data"
    mkdir -p "$data"
    for tests in "$build"/tests/sf_tests_*; do
        [ -x "$tests" ] || continue
        # Catch2 exits with the number of tags it listed.
        tags="$("$tests" --list-tags || true)"
        [[ "$tags" == *"[rtl]"* ]] || continue
        echo "rtl_coverage: running $tests [rtl]"
        SF_RTL_COVERAGE_DIR="$(cd "$data" && pwd)" "$tests" "[rtl]" | tail -n 2
    done
fi

shopt -s nullglob
files=("$data"/*.dat)
if [ ${#files[@]} -eq 0 ]; then
    fail "no coverage data in $data: is the build configured with -DSF_RTL_COVERAGE=ON," \
        "and did the tests run with SF_RTL_COVERAGE_DIR=$data?"
fi

merged="$build/rtl-coverage.dat"
verilator_coverage --write "$merged" --write-info "$build/rtl-coverage.info" "${files[@]}" \
    >/dev/null
echo "rtl_coverage: merged ${#files[@]} files into $merged (lcov: $build/rtl-coverage.info)"
python3 scripts/rtl_coverage_report.py "$merged"
