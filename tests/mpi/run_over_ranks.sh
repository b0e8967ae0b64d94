#!/usr/bin/env bash
# `mpirun -np N spikeforge run`: the bundled example mapped onto a board of small chips, run in one
# process and over 1, 2 and 3 ranks (its first 150 ms); every file written must be the same byte for byte, and so must
# the JSON report's counters. Then what a run over ranks refuses: more ranks than chips, another
# target than functional, an output folder that cannot be written, a broken image; each must end
# every rank with exit status 2, the message given once and no file written.
# Arguments: spikeforge, mpirun, the model, the board description, and what to check: "runs" or
# "refusals".
set -uo pipefail
spikeforge="$1"
mpirun="$2"
model="$3"
board="$4"
part="$5"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

fail() {
    echo "FAIL: $*" >&2
    exit 1
}
ranks() {
    local count="$1"
    shift
    "$mpirun" --allow-run-as-root --oversubscribe -np "$count" "$spikeforge" "$@"
}
# The JSON report without what may differ between runs: wall time, threads, files, "mpi" and
# "native_code" (how the programs ran, not what they computed).
counters() {
    python3 -c 'import json, sys
r = json.load(open(sys.argv[1]))
for key in ("wall_seconds", "threads", "files_written", "mpi", "native_code"):
    r.pop(key)
print(json.dumps(r, sort_keys=True))' "$1"
}

# The first 150 ms of the model: its first spikes come after 10 ms, and every rank must have
# stepped, exchanged and recorded hundreds of them; the test stays short on a loaded machine.
sed 's/length="500ms"/length="150ms"/' "$model" >"$work/model.xml"
grep -q 'length="150ms"' "$work/model.xml" || fail "the model's length is not 500ms"
"$spikeforge" map "$work/model.xml" --out "$work/net.sfimg" --board "$board" >/dev/null ||
    fail "map"
"$spikeforge" run "$work/net.sfimg" -o "$work/one" --report "$work/one.json" \
    >"$work/one.txt" || fail "the run in one process"
[ "$(ls "$work/one" | wc -l)" -ge 2 ] || fail "the run in one process wrote no recordings"
check_runs() {
    for n in 1 2 3; do
        ranks "$n" run "$work/net.sfimg" -o "$work/np$n" --report "$work/np$n.json" \
            >"$work/np$n.txt" 2>"$work/np$n.err" || fail "$n ranks: $(cat "$work/np$n.err")"
        diff -r "$work/one" "$work/np$n" || fail "$n ranks wrote other files than one process"
        [ "$(counters "$work/one.json")" = "$(counters "$work/np$n.json")" ] ||
            fail "$n ranks: the report's counters differ from one process's"
        # The counter lines of the text report, without the wall time.
        diff <(sed -n '2,3p' "$work/one.txt") <(sed -n '2,3p' "$work/np$n.txt") ||
            fail "$n ranks: the text report's counters differ"
        [ "$(grep -c '^ran ' "$work/np$n.txt")" = 1 ] ||
            fail "$n ranks: the report is not printed once"
    done
    grep -q '^MPI: 3 ranks; chips per rank [0-9]*/[0-9]*/[0-9]*; cores per rank ' "$work/np3.txt" ||
        fail "3 ranks: no MPI line in the report: $(cat "$work/np3.txt")"
    # Cores of 8 neurons: 40 excitatory cells on 5, 10 inhibitory ones on 2, over the 4 chips.
    python3 -c 'import json, sys
m = json.load(open(sys.argv[1]))["mpi"]
assert m["ranks"] == 3 and sum(m["chips_per_rank"]) == 4 and sum(m["cores_per_rank"]) == 7, m' \
        "$work/np3.json" || fail "3 ranks: the report's mpi section"
    # Native code: each rank compiles its own cores' programs; the files are the kernel's.
    ranks 2 run "$work/net.sfimg" -o "$work/native" --report "$work/native.json" \
        --native-code always >"$work/native.txt" 2>"$work/native.err" ||
        fail "2 ranks with native code: $(cat "$work/native.err")"
    diff -r "$work/one" "$work/native" || fail "2 ranks with native code wrote other files"
    [ "$(counters "$work/one.json")" = "$(counters "$work/native.json")" ] ||
        fail "2 ranks with native code: the report's counters differ"
    python3 -c 'import json, sys
n = json.load(open(sys.argv[1]))["native_code"]
assert n["used"] and n["programs"] >= 1 and n["kernel_cores"] == 0, n' "$work/native.json" ||
        fail "2 ranks with native code: the report's native_code section"
    grep -q "^neuron programs (rank 0's cores): native code (" "$work/native.txt" ||
        fail "2 ranks with native code: no line says so: $(cat "$work/native.txt")"
    echo "runs over 1, 2 and 3 ranks write what one process writes, with native code too"
}

# Refused: exit status 2 on every rank, the message once, nothing written.
expect_refused() {
    local what="$1" message="$2"
    shift 2
    rm -rf "$work/out"
    ranks "$@" >"$work/refused.txt" 2>"$work/refused.err"
    local status=$?
    [ "$status" = 2 ] || fail "$what: exit status $status, not 2: $(cat "$work/refused.err")"
    [ "$(grep -c "^spikeforge run: .*$message" "$work/refused.err")" = 1 ] ||
        fail "$what: the message is not given once: $(cat "$work/refused.err")"
    [ ! -e "$work/out" ] || [ -z "$(ls -A "$work/out")" ] || fail "$what: files were written"
}
check_refusals() {
    expect_refused "more ranks than chips" "5 ranks but the image has 4 chips" \
        5 run "$work/net.sfimg" -o "$work/out"
    expect_refused "the systemc target" "runs over MPI ranks .* are for the functional target" \
        2 run "$work/net.sfimg" --target systemc -o "$work/out"
    expect_refused "a board by URL" "--url runs in one process" \
        2 run "$work/net.sfimg" --url emu://functional -o "$work/out"
    touch "$work/a-file"
    expect_refused "an output folder that cannot be made" "cannot write into the output folder" \
        2 run "$work/net.sfimg" -o "$work/a-file/out"
    head -c 4000 "$work/net.sfimg" >"$work/broken.sfimg"
    expect_refused "a broken image" "broken.sfimg" 3 run "$work/broken.sfimg" -o "$work/out"
    # A command line every rank finds wrong: rank 0 alone says so.
    ranks 2 run "$work/missing.sfimg" >"$work/usage.txt" 2>"$work/usage.err"
    [ "$?" = 2 ] || fail "a missing image: exit status is not 2: $(cat "$work/usage.err")"
    [ "$(grep -c "File does not exist" "$work/usage.err")" = 1 ] ||
        fail "a missing image: the message is not given once: $(cat "$work/usage.err")"
    echo "refusals end every rank with exit status 2, the message given once"
}

case "$part" in
runs) check_runs ;;
refusals) check_refusals ;;
*) fail "unknown part $part (runs or refusals)" ;;
esac
