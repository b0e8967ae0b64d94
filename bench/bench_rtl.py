"""(i) The Verilated RTL: simulated clock cycles per second of one neuron core and of a chip's 16
cores (sf_bench_rtl on a CUBA image's cores), beside the trivial LIF Verilator probe built and run
in the same invocation; what running one, and all, of a CUBA image's cores as RTL costs inside the
timed board model; CUBA on `run --target rtl` beside the functional emulator (outputs compared);
and how long the RTL targets take to verilate and build."""
import os
import re
import shutil
import subprocess
import time

from measure import GIB, fmt_mib, fmt_s, log, table, timed
from bench_timing import map_model, same_outputs

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)


def result_lines(text):
    """The `RESULT key=value ...` or `RESULT {json}` lines of a driver's output."""
    import json
    found = []
    for line in text.splitlines():
        if line.startswith('RESULT {'):
            found.append(json.loads(line[len('RESULT '):]))
        elif line.startswith('RESULT '):
            found.append(dict(kv.split('=', 1) for kv in line.split()[1:]))
    return found


def probe(opts, cores, cycles):
    """The peer: Verilator's trivial LIF probe with `cores` cores, built and run here. It is copied
    into the scratch folder first, and its testbench into the folder its objects are made in: the
    makefile Verilator writes looks for the testbench there."""
    source = os.path.join(opts.peers_dir, 'verilator-probe')
    if not os.path.exists(os.path.join(source, 'build_run.sh')):
        return None, f'probe not found at {source}'
    copy = os.path.abspath(os.path.join(opts.scratch, 'verilator-probe'))
    shutil.rmtree(copy, ignore_errors=True)
    shutil.copytree(source, copy)
    for name in os.listdir(copy):
        os.chmod(os.path.join(copy, name), 0o755)
    objects = os.path.join(copy, f'obj_c{cores}_t1')
    os.makedirs(objects, exist_ok=True)
    shutil.copy(os.path.join(copy, 'tb_main.cpp'), objects)
    r = subprocess.run(['bash', os.path.join(copy, 'build_run.sh'), str(cores), '1', str(cycles)],
                       capture_output=True, text=True, env=dict(os.environ, PROBE_OUT=copy))
    if r.returncode != 0:
        return None, f'probe failed: {r.stderr[-300:]}{r.stdout[-300:]}'
    results = result_lines(r.stdout)
    return (float(results[-1]['cycles_per_s']) if results else None), None


def build_time(opts):
    """Seconds to verilate and compile the RTL libraries in a fresh build folder."""
    folder = os.path.join(opts.scratch, 'rtl-build-time')
    shutil.rmtree(folder, ignore_errors=True)
    subprocess.run(['cmake', '-S', REPO, '-B', folder, '-G', 'Ninja', '-DCMAKE_BUILD_TYPE=Release'],
                   check=True, capture_output=True, text=True)
    found = {}
    for target in ('sf_rtl_router', 'sf_rtl_core'):
        t0 = time.monotonic()
        subprocess.run(['cmake', '--build', folder, '-j2', '--target', target], check=True,
                       capture_output=True, text=True)
        found[target] = time.monotonic() - t0
    shutil.rmtree(folder, ignore_errors=True)
    return found


def run_image(opts, sf, image, folder, extra):
    shutil.rmtree(folder, ignore_errors=True)
    os.makedirs(folder)
    r = timed([sf, 'run', image, '-o', folder] + extra, timeout=opts.sim_timeout,
              mem_limit_bytes=opts.mem_limit_gib * GIB)
    note = None
    if r['timed_out'] or r['rc'] != 0:
        note = (f'stopped after {opts.sim_timeout:.0f} s' if r['timed_out']
                else f'failed (exit {r["rc"]}): {r["stderr"][-300:]}')
    return dict(wall_s=r['wall_s'], peak_rss_kib=r['peak_rss_kib'], note=note)


def bench_rtl(opts, sf, scratch, results, generate_cuba):
    log('== (i) Verilated RTL: cycles per second, the RTL inside the timed model, run --target rtl')
    build = os.path.normpath(os.path.join(os.path.dirname(sf), '..', '..'))
    driver = os.path.join(build, 'bench', 'sf_bench_rtl')
    bio = 0.01 if opts.quick else 0.1
    cuba_xml, _ = generate_cuba(scratch, bio)
    cuba = os.path.join(scratch, 'rtl_cuba.sfimg')
    map_model(sf, cuba_xml, cuba, 'spinn5')
    out = results['rtl'] = {}

    steps = 20 if opts.quick else 200
    # The median of five runs, with the slowest and the fastest: other work on the machine only
    # ever slows a run down.
    r = subprocess.run([driver, cuba, '--steps', str(steps), '--repeats', '5'], capture_output=True,
                       text=True)
    ours = {x['what']: x for x in result_lines(r.stdout)} if r.returncode == 0 else {}
    probe_cycles = 2_000_000 if opts.quick else 20_000_000
    peer_one, why_one = probe(opts, 1, probe_cycles)
    peer_chip, why_chip = probe(opts, 16, probe_cycles // 8)
    out['speed'] = dict(ours=ours, probe_one=peer_one, probe_chip=peer_chip)
    rows = []
    for what, peer, why in (('one core', peer_one, why_one), ('chip of 16 cores', peer_chip, why_chip)):
        o = ours.get(what)
        rows.append([what, f'{o["cycles_per_s"] / 1e6:.1f} M (runs {o["slowest_cycles_per_s"] / 1e6:.1f}'
                     f'-{o["fastest_cycles_per_s"] / 1e6:.1f} M)' if o else f'failed: {r.stderr[-200:]}',
                     f'{o["neurons"]}' if o else '?',
                     f'{peer / 1e6:.1f} M' if peer else why])
    out['speed_table'] = table(['RTL', 'spikeforge core cycles/s, median of 5', 'neurons', 'LIF probe cycles/s'],
                               rows)
    log(out['speed_table'])

    # Each run's files against the run it stands in for: the RTL target against the functional
    # emulator, RTL cores in the timed model against the timed model's kernels (late rows in an
    # overloaded step make the timed model's values its own).
    runs = [('functional emulator', 'functional', ['--target', 'functional', '--threads', '1'], None),
            ('timed model, kernels', 'systemc', ['--target', 'systemc'], None),
            ('timed model, core 0 as RTL', 'systemc_rtl1', ['--target', 'systemc', '--rtl-cores', '0'],
             'systemc'),
            ('timed model, every core as RTL', 'systemc_rtl', ['--target', 'systemc', '--rtl-cores', 'all'],
             'systemc'),
            ('run --target rtl (cores and routers)', 'rtl', ['--target', 'rtl'], 'functional')]
    folders = {}
    rows = []
    for label, key, extra, against in runs:
        folders[key] = os.path.join(scratch, f'rtl_{key}')
        res = out[key] = run_image(opts, sf, cuba, folders[key], extra)
        same = ('' if against is None else
                {True: f'yes, as {against}', False: f'no, unlike {against}', None: 'nothing recorded'}[
                    same_outputs(folders[against], folders[key])])
        rows.append([label, fmt_s(res['wall_s']), fmt_mib(res['peak_rss_kib']), same,
                     res['note'] or ''])
    out['runs_table'] = table([f'CUBA {bio * 1e3:g} ms, spinn5', 'wall', 'peak memory',
                               'outputs identical', 'note'], rows)
    log(out['runs_table'])

    out['build_s'] = build_time(opts)
    log('   verilate and build (fresh folder, -j2): ' +
        ', '.join(f'{k} {v:.0f} s' for k, v in out['build_s'].items()))
