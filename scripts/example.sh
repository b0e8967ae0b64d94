#!/usr/bin/env bash
# Builds spikeforge, simulates the bundled example network in double precision, then compiles it
# for the default board's neuron cores and runs it there in fixed point. Recordings go to
# build/example-output/float and build/example-output/fixed, the quantisation report beside them.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/build.sh
model=examples/balanced_network/LEMS_balanced_network.xml
out=build/example-output
rm -rf "$out"
mkdir -p "$out"
build/release/host/cli/spikeforge info "$model"
build/release/host/cli/spikeforge simulate "$model" -o "$out/float"
build/release/host/cli/spikeforge compile "$model" --board spinn5 > "$out/quantisation-report.txt"
echo "quantisation report: $out/quantisation-report.txt"
build/release/host/cli/spikeforge simulate --backend fixed --board spinn5 "$model" -o "$out/fixed"
