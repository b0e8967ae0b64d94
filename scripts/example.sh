#!/usr/bin/env bash
# Builds spikeforge and simulates the bundled example network, writing its recordings to
# build/example-output.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/build.sh
out=build/example-output
rm -rf "$out"
build/release/host/cli/spikeforge info examples/balanced_network/LEMS_balanced_network.xml
build/release/host/cli/spikeforge simulate examples/balanced_network/LEMS_balanced_network.xml -o "$out"
