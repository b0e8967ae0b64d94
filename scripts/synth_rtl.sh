#!/usr/bin/env bash
# Synthesises each RTL design with yosys and fails if the design infers a latch, or if a design
# that keeps its storage in memories infers none. Prints, per design, the cells by type, the
# flip-flops and the memory bits. The neuron core is checked once rtl/core/sf_core.sv exists.
# Logs are in build/synth/.
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v yosys >/dev/null 2>&1; then
    scripts/install-deps.sh
fi

out=build/synth
mkdir -p "$out"

fail() {
    echo "synth_rtl: $*" >&2
    exit 1
}

# The count of cells whose type matches the pattern, in a yosys `stat` report.
cells_matching() {
    awk -v pattern="$2" '$1 ~ pattern && $2 ~ /^[0-9]+$/ { n += $2 } END { print n + 0 }' "$1"
}

# A stat report's "Number of <what>:" value.
stat_number() {
    awk -v what="Number of $2:" 'index($0, what) { print $NF; exit }' "$1"
}

# Each memory cell in a yosys dump: its name, words x bits and read ports.
memory_cells() {
    awk '$1 == "cell" && $2 == "$mem_v2" { name = substr($3, 2) }
        $2 == "\\RD_PORTS" { ports = $3 } $2 == "\\SIZE" { size = $3 }
        $2 == "\\WIDTH" && name != "" {
            printf " %s %dx%d (%d read ports)", name, size, $3, ports; name = "" }' "$1"
}

# The memories' bits in a yosys dump.
memory_bits() {
    awk '$1 == "cell" && $2 == "$mem_v2" { inside = 1 }
        $2 == "\\SIZE" { size = $3 } $2 == "\\WIDTH" && inside { bits += size * $3; inside = 0 }
        END { print bits + 0 }' "$1"
}

# run_yosys NAME TOP CHPARAMS FILES...: elaborates, checks for latches, lists the memories
# inferred and synthesises; the reports go to build/synth/NAME.*.
run_yosys() {
    local name="$1" top="$2" chparams="$3"
    shift 3
    local log="$out/$name.log"
    local script="read_verilog -sv -DSYNTHESIS $*; hierarchy -check -top $top$chparams; proc;
        tee -q -o $out/$name.proc.stat stat;
        memory -nomap; tee -q -o $out/$name.memories dump t:\$mem_v2;
        synth -top $top; tee -q -o $out/$name.synth.stat stat"
    # A latch: a combinational block that leaves a signal unassigned on some path. yosys stops on
    # one in always_comb and makes a latch cell for one in always @*.
    if ! yosys -q -l "$log" -p "$script" >/dev/null 2>&1; then
        if grep -q "Latch inferred" "$log"; then
            fail "$name infers a latch: $(grep "Latch inferred" "$log")"
        fi
        fail "yosys failed on $name: $(grep -m1 ERROR "$log"); see $log"
    fi
    local latches
    latches=$(cells_matching "$out/$name.proc.stat" '^\$(dlatch|adlatch|dlatchsr|latch)$')
    if [ "$latches" -ne 0 ] || grep -q "Latch inferred" "$log"; then
        grep "Latch inferred" "$log" >&2 || true
        fail "$name infers $latches latch(es); see $log"
    fi
}

# synth_design NAME TOP MEMORIES PARAMS FILES...: MEMORIES is "required" (at least one memory
# must be inferred) or why the design's memories are not RAM; PARAMS is "NAME=VALUE ...", each a
# parameter of TOP's file, the last of FILES.
synth_design() {
    local name="$1" top="$2" memories="$3" params="$4"
    shift 4
    local top_file="${*: -1}" chparams="" param
    for param in $params; do
        grep -Eq "parameter[[:space:]]+(int[[:space:]]+)?${param%%=*}\b" "$top_file" ||
            fail "$top has no parameter ${param%%=*} in $top_file; expected one of: $params"
        chparams+=" -chparam ${param%%=*} ${param#*=}"
    done
    run_yosys "$name" "$top" "$chparams" "$@"

    local found bits
    found=$(grep -c '^ *cell \$mem_v2 ' "$out/$name.memories" || true)
    bits=$(memory_bits "$out/$name.memories")
    if [ "$memories" = required ] && [ "$found" -eq 0 ]; then
        fail "$name infers no memory: its storage became flip-flops"
    fi
    # The whole design's figures: yosys lists each module, then (with submodules) the hierarchy's
    # total, in an order that follows the modules' names.
    local stat="$out/$name.synth.total"
    awk '/=== design hierarchy ===/ { text = "" } { text = text $0 "\n" }
        END { printf "%s", text }' "$out/$name.synth.stat" >"$stat"
    echo "$name ($top${params:+ $params}): no latches"
    echo "  memories: $found, $bits bits:$(memory_cells "$out/$name.memories")"
    [ "$memories" = required ] || echo "    $memories"
    echo "  cells $(stat_number "$stat" cells), flip-flops $(cells_matching "$stat" 'DFF')"
    awk '$1 ~ /^\$/ && $2 ~ /^[0-9]+$/ { printf "    %-16s %s\n", $1, $2 }' "$stat"
}

start=$SECONDS
router_memories="the lookup reads every entry each cycle: no RAM has 64 read ports, synth makes"
router_memories+=" them flip-flops"
# 64 entries rather than the emulator's 1024: the logic per entry is the same, the run 16x shorter.
synth_design router sf_router "$router_memories" "ENTRIES=64 CORES=16" \
    rtl/core/sf_isa_pkg.sv rtl/router/sf_router.sv

if [ -f rtl/core/sf_core.sv ]; then
    # Packages first, the top last; small sizes keep the run short.
    core_files=(rtl/core/*_pkg.sv)
    for file in rtl/core/*.sv; do
        case "$file" in *_pkg.sv | rtl/core/sf_core.sv) ;; *) core_files+=("$file") ;; esac
    done
    core_files+=(rtl/core/sf_core.sv)
    core_params="NEURONS=16 STATE_WORDS=128 PROGRAM_WORDS=64 CONSTANT_WORDS=32 TABLE_WORDS=64"
    core_params+=" DELAY_SLOTS=4 CHANNELS=4"
    synth_design core sf_core required "$core_params" "${core_files[@]}"
fi
echo "synth_rtl: done in $((SECONDS - start)) s"
