#!/usr/bin/env bash
# Lints the RTL with every Verilator warning on; any warning fails. Waivers, each with its reason,
# are in rtl/lint_waivers.vlt.
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v verilator >/dev/null 2>&1; then
    scripts/install-deps.sh
fi

verilator --lint-only -Wall --top-module sf_router \
    rtl/lint_waivers.vlt rtl/core/sf_isa_pkg.sv rtl/router/sf_router.sv
echo "rtl lint: sf_router clean"

verilator --lint-only -Wall --top-module sf_core rtl/lint_waivers.vlt rtl/core/sf_isa_pkg.sv \
    rtl/core/sf_core_pkg.sv rtl/core/sf_core_ram.sv rtl/core/sf_core_state_ram.sv \
    rtl/core/sf_core_mix.sv rtl/core/sf_core_decode.sv rtl/core/sf_core_execute.sv \
    rtl/core/sf_core_late.sv rtl/core/sf_core_ring.sv rtl/core/sf_core_sequencer.sv \
    rtl/core/sf_core_config.sv rtl/core/sf_core.sv
echo "rtl lint: sf_core clean"

# Every file of rtl/ at once, packages first and no top named: what any lint of the folder sees.
mapfile -t designs < <(ls rtl/core/*.sv rtl/router/*.sv | grep -v '_pkg\.sv$')
verilator --lint-only -Wall rtl/core/sf_isa_pkg.sv rtl/core/sf_core_pkg.sv "${designs[@]}"
echo "rtl lint: all of rtl/ clean"
