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
