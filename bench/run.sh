#!/usr/bin/env bash
# Runs every spikeforge benchmark and prints tables with the peer's figures beside ours.
#
#   bench/run.sh [--quick] [--only loading|cuba|kernel|mapping|host|timing|rtl]
#
#   --quick   smaller sizes for a smoke run (loading up to 1M connections, CUBA 0.1 s,
#             host link with a 24 MB image and fewer steps)
#
# Environment:
#   SF_PEERS_DIR      folder with the peer scripts (default: ../shared/peers relative to the checkout)
#   SF_BUILD_DIR      Release build folder (default: build-bench inside the checkout)
#   SF_SCRATCH_DIR    generated inputs and outputs (default: $SF_BUILD_DIR/bench-scratch)
#   SF_LOAD_TIMEOUT   seconds allowed for one info/validate run (default 600)
#   SF_SIM_TIMEOUT    seconds allowed for one CUBA simulation (default 900)
#   SF_MEM_LIMIT_GIB  address-space limit for spikeforge runs (default 20)
#
# Needs cmake, ninja, a C++17 compiler, python3 and GNU time (/usr/bin/time; Debian package `time`).
# The peer (Brian2) needs: apt-get install -y python3-brian python3-brian-lib
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build_dir="${SF_BUILD_DIR:-$repo/build-bench}"
scratch="${SF_SCRATCH_DIR:-$build_dir/bench-scratch}"
peers="${SF_PEERS_DIR:-$repo/../shared/peers}"

args=()
while [[ $# -gt 0 ]]; do
    case "$1" in
        --quick) args+=(--quick) ;;
        --only) args+=(--only "$2"); shift ;;
        -h|--help) sed -n '2,18p' "$0"; exit 0 ;;
        *) echo "bench/run.sh: unknown argument '$1' (see --help)" >&2; exit 2 ;;
    esac
    shift
done

if ! /usr/bin/time -v true >/dev/null 2>&1; then
    echo "bench/run.sh: GNU time is missing at /usr/bin/time (Debian: apt-get install -y time)" >&2
    exit 2
fi

start=$(date +%s)
echo "== spikeforge benchmarks, $(date -u '+%Y-%m-%d %H:%M:%S UTC')"
echo "   checkout: $repo (commit $(git -C "$repo" rev-parse --short HEAD 2>/dev/null || echo unknown))"
# Uncommitted changes to the sources that make up the binary (read-only: git diff writes nothing).
dirty=$(git -C "$repo" diff --stat HEAD -- CMakeLists.txt cmake lems host mapper emulator firmware rtl 2>/dev/null | tail -1)
if [[ -n "$dirty" ]]; then
    echo "   uncommitted changes in the sources built:$dirty"
fi
echo "   machine:  $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//'), $(awk '/MemTotal/ {printf "%.1f GiB", $2/1048576}' /proc/meminfo)"
echo "   compiler: $(c++ --version 2>/dev/null | head -1)"

# Release build of the spikeforge binary and the mapping driver (the tests are not built here).
if [[ ! -f "$build_dir/build.ninja" ]]; then
    echo "== configuring Release build in $build_dir"
    cmake -S "$repo" -B "$build_dir" -G Ninja -DCMAKE_BUILD_TYPE=Release -DSF_TESTS=OFF >/dev/null
fi
build_type=$(grep -m1 '^CMAKE_BUILD_TYPE:' "$build_dir/CMakeCache.txt" | cut -d= -f2)
if [[ "$build_type" != "Release" ]]; then
    echo "bench/run.sh: $build_dir is a '$build_type' build; use a Release build folder (SF_BUILD_DIR)" >&2
    exit 2
fi
echo "== building spikeforge, sf_bench_map, sf_bench_host and sf_bench_rtl (Release, ninja -j2)"
ninja -C "$build_dir" -j2 spikeforge sf_bench_map sf_bench_host sf_bench_rtl | tail -1
spikeforge="$build_dir/host/cli/spikeforge"

if [[ ! -f "$peers/brian2_bench.py" ]]; then
    echo "   peer not available: no brian2_bench.py in $peers (set SF_PEERS_DIR); spikeforge numbers only"
fi

mkdir -p "$scratch"
python3 "$repo/bench/run_bench.py" --spikeforge "$spikeforge" --scratch "$scratch" --peers-dir "$peers" "${args[@]}"
echo "== bench/run.sh took $(( $(date +%s) - start )) s"
