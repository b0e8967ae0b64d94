#!/usr/bin/env bash
# Builds spikeforge, maps the bundled example network onto the default board (spinn5), runs the board
# image on the functional emulator, and simulates the network in double precision for comparison.
# Recordings go to build/example-output/board and build/example-output/float, the image to
# build/example-output/net.sfimg; pictures of the board run's spikes, of both runs' spikes
# together and of the board's use go beside it, and it ends with the two runs compared at a glance.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/build.sh
model=examples/balanced_network/LEMS_balanced_network.xml
out=build/example-output
rm -rf "$out"
mkdir -p "$out"
build/release/host/cli/spikeforge info "$model"
build/release/host/cli/spikeforge map "$model" --board spinn5 -o "$out/net.sfimg"
build/release/host/cli/spikeforge inspect "$out/net.sfimg"
build/release/host/cli/spikeforge run "$out/net.sfimg" -o "$out/board"
build/release/host/cli/spikeforge simulate "$model" -o "$out/float"
build/release/host/cli/spikeforge plot raster "$out/board/balanced.spikes" -o "$out/raster.png"
build/release/host/cli/spikeforge plot overlay "$out/float/balanced.spikes" "$out/board/balanced.spikes" \
    -o "$out/raster-float-vs-board.png"
build/release/host/cli/spikeforge plot board "$out/net.sfimg" -o "$out/board.png"
build/release/host/cli/spikeforge compare "$out/float/balanced.spikes" "$out/board/balanced.spikes" \
    --dt 0.025ms
