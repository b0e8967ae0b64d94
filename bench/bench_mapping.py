"""(d) Mapping: generated networks mapped onto spinn5 by `sf_bench_map` (map/map_bench.cpp),
each beside Brian2 building the same network (peer_brian2_build.py) in the same invocation; then
the functional emulator's speed on CUBA (`spikeforge run`) and on the microcircuit.
"""
import json
import os
import re
import sys

from measure import GIB, fmt_mib, fmt_s, log, table, timed

HERE = os.path.dirname(os.path.abspath(__file__))
PEER = os.path.join(HERE, 'peer_brian2_build.py')
PYTHON = '/usr/bin/python3'


def sizes(quick):
    """(label, arguments) of every network, smallest first within a kind."""
    if quick:
        return [('random 10k, in-degree 100', ['random', '--neurons', '10000', '--in-degree', '100']),
                ('distance 10k, in-degree 100', ['distance', '--neurons', '10000', '--in-degree', '100']),
                ('microcircuit x 0.05', ['microcircuit', '--scale', '0.05'])]
    return [('random 10k, in-degree 1000', ['random', '--neurons', '10000', '--in-degree', '1000']),
            ('random 100k, in-degree 1000', ['random', '--neurons', '100000', '--in-degree', '1000']),
            ('distance 10k, in-degree 1000', ['distance', '--neurons', '10000', '--in-degree', '1000']),
            ('distance 100k, in-degree 1000', ['distance', '--neurons', '100000', '--in-degree', '1000']),
            ('microcircuit x 0.1', ['microcircuit', '--scale', '0.1']),
            ('microcircuit x 0.5', ['microcircuit', '--scale', '0.5']),
            ('microcircuit x 1 (full)', ['microcircuit', '--scale', '1'])]


def result_line(stdout):
    for line in stdout.splitlines():
        if line.startswith('RESULT '):
            return json.loads(line[len('RESULT '):])
    return None


def run_ours(opts, bench_map, args, extra=()):
    r = timed([bench_map] + args + ['--board', 'spinn5'] + list(extra), timeout=opts.sim_timeout,
              mem_limit_bytes=opts.mem_limit_gib * GIB)
    res = result_line(r['stdout']) or {}
    res.update(wall_s=r['wall_s'], peak_rss_kib_time=r['peak_rss_kib'], rc=r['rc'])
    if r['timed_out']:
        res['note'] = f'stopped after {opts.sim_timeout:.0f} s'
    elif r['rc'] != 0 or 'map_s' not in res:
        res['note'] = f'failed (exit {r["rc"]}): {r["program_stderr"][-300:]}'
    return res


def run_peer(opts, args):
    if not os.path.exists(PYTHON):
        return dict(unavailable='peer not available: /usr/bin/python3 missing')
    r = timed([PYTHON, PEER] + args, timeout=opts.sim_timeout, mem_limit_bytes=opts.mem_limit_gib * GIB)
    res = result_line(r['stdout'])
    if res is None:
        if 'No module named' in r['stderr']:
            return dict(unavailable='peer not available: Brian2 is not installed '
                                    '(apt-get install -y python3-brian python3-brian-lib)')
        return dict(note=(f'stopped after {opts.sim_timeout:.0f} s' if r['timed_out']
                          else f'failed (exit {r["rc"]}): {r["program_stderr"][-300:]}'),
                    peak_rss_kib=r['peak_rss_kib'])
    res.update(wall_s=r['wall_s'], peak_rss_kib_time=r['peak_rss_kib'])
    return res


def growth(points):
    """The exponent b of time ~ size^b between the first and last point of a kind."""
    import math
    if len(points) < 2:
        return None
    (s0, t0), (s1, t1) = points[0], points[-1]
    if s0 <= 0 or s1 <= s0 or t0 <= 0 or t1 <= 0:
        return None
    return math.log(t1 / t0) / math.log(s1 / s0)


def bench_mapping_networks(opts, bench_map, results):
    log('== (d) mapping onto spinn5 (sf_bench_map: quantise, partition, place, route and compress, '
        'synaptic matrices, encode, write), beside Brian2 building the same network')
    rows = []
    runs = []
    for label, args in sizes(opts.quick):
        log(f'   {label}: spikeforge ...')
        ours = run_ours(opts, bench_map, args)
        log(f'   {label}: Brian2 ...')
        peer = run_peer(opts, args)
        runs.append(dict(label=label, args=args, ours=ours, peer=peer))
        if 'note' in ours:
            log('     spikeforge: ' + ours['note'])
        if 'note' in peer or 'unavailable' in peer:
            log('     Brian2: ' + peer.get('note', peer.get('unavailable', '')))
        ok = 'map_s' in ours
        to_file = ours['map_s'] + ours['encode_s'] + ours['save_s'] if ok else None
        rows.append([
            label,
            f'{ours["neurons"]} / {ours["synapses"] / 1e6:.1f} M' if ok else '—',
            f'{ours["cores"]} cores, {ours["chips"]} chips' if ok else '—',
            (f'{fmt_s(ours["quantise_s"])} / {fmt_s(ours["partition_s"])} / {fmt_s(ours["placement_s"])} / '
             f'{fmt_s(ours["routing_s"])} / {fmt_s(ours["matrix_s"])} / {fmt_s(ours["encode_s"] + ours["save_s"])}')
            if ok else '—',
            f'{fmt_s(to_file)} s' if ok else ours.get('note', '—'),
            fmt_mib(ours.get('peak_rss_kib_time')) if ok else '—',
            f'{ours["largest_table_before"]} -> {ours["largest_table_after"]}' if ok else '—',
            f'{fmt_s(peer["build_s"])} s' if 'build_s' in peer else peer.get('note', peer.get('unavailable', '—')),
            fmt_mib(peer.get('peak_rss_kib_time')) if 'build_s' in peer else '—',
            f'{fmt_s(ours["build_s"])} s' if ok else '—',
        ])
    results['mapping_runs'] = runs
    results['mapping_table'] = table(
        ['network', 'neurons / synapses', 'used (spinn5)',
         'ours: quantise / partition / place / route / matrices / write (s)', 'ours: network to image file',
         'ours: peak RSS', 'largest routing table before -> after compression',
         'Brian2: connect + first step', 'Brian2: peak RSS', 'ours: generating the network (not mapping)'], rows)
    log()
    log(results['mapping_table'])
    notes = []
    for kind in ('random', 'distance', 'microcircuit'):
        points = [(r['ours']['synapses'], r['ours']['map_s'] + r['ours']['encode_s'] + r['ours']['save_s'])
                  for r in runs if r['args'][0] == kind and 'map_s' in r['ours']]
        b = growth(points)
        if b is not None:
            notes.append(f'{kind}: time grows as synapses^{b:.2f} from {points[0][0] / 1e6:.1f} M to '
                         f'{points[-1][0] / 1e6:.1f} M synapses')
    full = [r for r in runs if r['label'].startswith('microcircuit x 1 ')]
    if full and 'map_s' in full[0]['ours']:
        o = full[0]['ours']
        t = o['map_s'] + o['encode_s'] + o['save_s']
        gib = o['peak_rss_kib_time'] / (1 << 20)
        notes.append(f'goal (full microcircuit mapped, routed, compressed and written in < 2 min and < 12 GiB): '
                     f'{"met" if t < 120 and gib < 12 else "not met"} ({fmt_s(t)} s, {gib:.2f} GiB)')
    results['mapping_notes'] = notes
    for n in notes:
        log('   ' + n)
    log()


def run_cuba_functional(opts, sf, path, scratch, threads):
    """CUBA's model mapped on the fly and run on the functional emulator on `threads` threads."""
    outdir = os.path.join(scratch, f'cuba_functional_out_{threads}')
    os.makedirs(outdir, exist_ok=True)
    r = timed([sf, 'run', path, '--board', 'spinn5', '-o', outdir, '--threads', str(threads)],
              timeout=opts.sim_timeout, mem_limit_bytes=opts.mem_limit_gib * GIB)
    m = re.search(r'functional emulator: (\d+) steps, .*?, (\d+) spikes, (\d+) synaptic events, (\S+) s '
                  r'on (\d+) threads?', r['stdout'])
    cuba = dict(wall_s=r['wall_s'], rc=r['rc'], threads_asked=threads)
    if m:
        steps, spikes, events, run_s = int(m.group(1)), int(m.group(2)), int(m.group(3)), float(m.group(4))
        cuba.update(steps=steps, spikes=spikes, events=events, run_s=run_s, bio_s=steps * 1e-4,
                    threads=int(m.group(5)))
        packets = re.search(r'routers: (\d+) packets', r['stdout'])
        cuba['packets'] = int(packets.group(1)) if packets else None
    else:
        cuba['note'] = f'failed (exit {r["rc"]}): {r["program_stderr"][-300:]}'
    return cuba, outdir


def cuba_row(cuba):
    if 'run_s' not in cuba:
        return ['CUBA', str(cuba['threads_asked']), '—', '—', '—', '—', cuba['note'], '—', '—', '—']
    steps, events, run_s = cuba['steps'], cuba['events'], cuba['run_s']
    return ['CUBA (4000 cells, 16 spinn5 cores)', str(cuba['threads']), f'{steps * 1e-4:g} s',
            str(cuba['spikes']), str(events), str(cuba['packets']) if cuba['packets'] is not None else '—',
            f'{fmt_s(run_s)} s', f'{fmt_s(cuba["wall_s"])} s',
            f'{events / run_s / 1e6:.3g} M' if run_s > 0 else '—', f'{run_s / (steps * 1e-4):.3g}']


def microcircuit_row(mc, scale, threads):
    if 'run_s' not in mc:
        return [f'microcircuit x {scale}', str(threads), '—', '—', '—', '—', mc.get('note', 'failed'), '—', '—',
                '—']
    return [f'microcircuit x {scale} ({mc["cores"]} spinn5 cores)', str(threads), f'{mc["run_bio_s"]:g} s',
            str(mc['spikes']), str(mc['synaptic_events']), str(mc['packets']), f'{fmt_s(mc["run_s"])} s',
            f'{fmt_s(mc["wall_s"])} s',
            f'{mc["synaptic_events"] / mc["run_s"] / 1e6:.3g} M' if mc['run_s'] > 0 else '—',
            f'{mc["run_s"] / mc["run_bio_s"]:.3g}']


def same_files(a, b):
    names = sorted(os.listdir(a))
    if names != sorted(os.listdir(b)):
        return False
    for n in names:
        with open(os.path.join(a, n), 'rb') as x, open(os.path.join(b, n), 'rb') as y:
            if x.read() != y.read():
                return False
    return True


def bench_emulator_speed(opts, sf, bench_map, scratch, results, generate_cuba):
    bio = 0.1 if opts.quick else 1.0
    every = max(1, os.cpu_count() or 1)
    counts = [1] if every == 1 else [1, every]
    log(f'== (e) functional emulator: CUBA ({bio:g} s) and the microcircuit, synaptic events per second and '
        f'time per biological second, on 1 host thread and on all {every} (--threads)')
    rows = []
    path, _ = generate_cuba(scratch, bio)
    folders = {}
    for threads in counts:
        cuba, folders[threads] = run_cuba_functional(opts, sf, path, scratch, threads)
        results[f'emulator_cuba_threads_{threads}'] = cuba
        if threads == 1:
            results['emulator_cuba'] = cuba
        rows.append(cuba_row(cuba))
    if len(counts) > 1:
        results['emulator_cuba_same_files'] = same_files(folders[1], folders[every])
        log(f'   CUBA on {every} threads wrote the files of 1 thread byte for byte: '
            f'{"yes" if results["emulator_cuba_same_files"] else "NO"}')
    os.remove(path)
    run_ms = '20' if opts.quick else '100'
    scale = '0.05' if opts.quick else '1'
    for threads in counts:
        mc = run_ours(opts, bench_map, ['microcircuit', '--scale', scale],
                      extra=['--run-ms', run_ms, '--threads', str(threads)])
        results[f'emulator_microcircuit_threads_{threads}'] = mc
        if threads == 1:
            results['emulator_microcircuit'] = mc
        rows.append(microcircuit_row(mc, scale, threads))
    results['emulator_table'] = table(
        ['network', 'threads', 'biological time', 'spikes', 'synaptic events', 'packets through routers',
         'emulator run', 'process wall (with mapping)', 'synaptic events / s', 'run time / biological time'], rows)
    log()
    log(results['emulator_table'])
    log()


def bench_mapping(opts, sf, scratch, results, generate_cuba):
    bench_map = os.path.join(os.path.dirname(sf), '..', '..', 'bench', 'sf_bench_map')
    bench_map = os.path.normpath(bench_map)
    if not os.path.exists(bench_map):
        log(f'== (d) mapping: {bench_map} is missing (bench/run.sh builds it)')
        return
    bench_mapping_networks(opts, bench_map, results)
    bench_emulator_speed(opts, sf, bench_map, scratch, results, generate_cuba)


if __name__ == '__main__':
    sys.exit('run through bench/run.sh')
