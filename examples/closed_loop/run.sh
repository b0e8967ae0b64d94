#!/bin/sh
# Maps the controller, serves the functional emulator on loopback, and runs the closed loop
# against it; the trajectory and the loop latency per step go to closed_loop.trajectory.csv.
#   examples/closed_loop/run.sh [BUILD_DIR]   (default build/release, made by scripts/build.sh)
set -eu
here=$(cd "$(dirname "$0")" && pwd)
build=${1:-"$here/../../build/release"}
spikeforge="$build/host/cli/spikeforge"
program="$build/examples/closed_loop/closed_loop"
for binary in "$spikeforge" "$program"; do
    [ -x "$binary" ] || { echo "missing $binary: run scripts/build.sh first" >&2; exit 2; }
done
work=$(mktemp -d)
"$spikeforge" map "$here/LEMS_closed_loop.xml" -o "$work/closed_loop.sfimg" >/dev/null
"$spikeforge" serve --target functional --port 0 --pace lockstep >"$work/serve.log" 2>&1 &
server=$!
trap 'kill $server 2>/dev/null || true; rm -rf "$work"' EXIT
url=""
for _ in $(seq 100); do
    url=$(sed -n 's/^serving .* on \(udp:[^ ]*\).*/\1/p' "$work/serve.log")
    [ -n "$url" ] && break
    sleep 0.1
done
[ -n "$url" ] || { cat "$work/serve.log" >&2; exit 1; }
"$program" "$work/closed_loop.sfimg" --url "$url" --out closed_loop.trajectory.csv
