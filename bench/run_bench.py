#!/usr/bin/env python3
"""spikeforge benchmarks (Python 3, standard library only). Normally started by bench/run.sh.

  (a) loading: `spikeforge info` and `spikeforge validate` on generated networks of N iafCell
      neurons and M <connection> elements; wall seconds and peak memory from /usr/bin/time -v.
  (b) simulation: Vogels-Abbott CUBA (4000 LIF, p = 0.02, dt 0.1 ms) with `spikeforge simulate`,
      beside Brian2 cpp_standalone (the peer script brian2_bench.py) run in the same invocation.
  (c) kernel: the same CUBA network through `spikeforge simulate --backend fixed --board spinn5`
      (the firmware kernel, every core on one host thread), and again with --native-code always
      (the programs compiled to machine code for the run): neuron updates and synaptic events per
      second beside Brian2 cpp_standalone, in the same invocation.
  (d) mapping: random, distance-dependent and cortical-microcircuit networks up to 0.3 billion
      synapses mapped onto spinn5 (bench_mapping.py), beside Brian2 building the same networks.
  (e) functional emulator: CUBA and the microcircuit run from their board images.
  (g) host link: image load, live input and the closed-loop round trip over loopback UDP against
      `spikeforge serve`, directly and through a relay dropping 1 % of datagrams.
  (h) timed board model: `spikeforge run --target systemc` beside the functional emulator on CUBA,
      the microcircuit, the bundled example on bss2 and an overloaded board (bench_timing.py).
  (i) RTL: the Verilated core's cycles per second beside Verilator's LIF probe, RTL cores inside
      the timed model, and CUBA on `run --target rtl` (bench_rtl.py).

Every number printed is measured in this invocation; nothing is extrapolated.
"""
import argparse
import datetime
import json
import os
import platform
import re
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import machine  # noqa: E402
from measure import GIB, fmt_mib, fmt_n, fmt_s, log, table, timed  # noqa: E402
import bench_mapping  # noqa: E402
import bench_host  # noqa: E402
import bench_timing  # noqa: E402
import bench_rtl  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
GEN = os.path.join(HERE, 'gen_network.py')


# ---------------------------------------------------------------- machine

def machine_info():
    return dict(date=datetime.datetime.now().astimezone().isoformat(timespec='seconds'),
                nproc=machine.cores(), cpu=machine.cpu_model(), mem_gib=round(machine.memory_gib(), 1),
                kernel=platform.release(), python=platform.python_version())


# ---------------------------------------------------------------- (a) loading

def generate(args_list, path):
    if os.path.exists(path):
        os.remove(path)
    t0 = time.monotonic()
    out = subprocess.run([sys.executable, GEN] + args_list + ['-o', path], check=True,
                         capture_output=True, text=True).stdout
    return time.monotonic() - t0, os.path.getsize(path), out.strip()


def bench_loading(opts, sf, scratch, results):
    log('== (a) loading generated networks: spikeforge info / validate under /usr/bin/time -v')
    log('   info = read XML, resolve types and components; validate = that plus building the runtime '
        '(one instance per cell and per synapse, every connection wired), as `simulate` does before step 0')
    if opts.quick:
        info_sizes = [(1_000, 100_000), (10_000, 1_000_000)]
        validate_sizes = [(100, 10_000), (200, 20_000), (400, 40_000)]
    else:
        info_sizes = [(10_000, 1_000_000), (20_000, 2_000_000), (50_000, 5_000_000), (100_000, 10_000_000)]
        validate_sizes = [(100, 10_000), (200, 20_000), (400, 40_000), (800, 80_000),
                          (10_000, 1_000_000), (20_000, 2_000_000), (50_000, 5_000_000), (100_000, 10_000_000)]
    info_sizes = set(info_sizes)
    validate_sizes = set(validate_sizes)
    rows = []
    validate_stopped = None  # once a validate size is stopped, larger ones are not started
    for n, m in sorted(info_sizes | validate_sizes, key=lambda s: (s[1], s[0])):
        path = os.path.join(scratch, f'load_{n}_{m}.xml')
        gen_s, size, _ = generate(['load', '--neurons', str(n), '--connections', str(m), '--seed', '1234'], path)
        entry = dict(neurons=n, connections=m, file_bytes=size, generate_s=gen_s)
        for command, wanted in (('info', info_sizes), ('validate', validate_sizes)):
            if (n, m) not in wanted:
                continue
            if command == 'validate' and validate_stopped is not None:
                entry[command] = dict(skipped=f'not run: {fmt_n(validate_stopped[0])} neurons / '
                                              f'{fmt_n(validate_stopped[1])} connections already exceeded '
                                              f'the {opts.timeout:.0f} s limit')
                log(f'   {command:8} {fmt_n(n):>5} neurons {fmt_n(m):>4} connections: {entry[command]["skipped"]}')
                continue
            r = timed([sf, command, path], timeout=opts.timeout, mem_limit_bytes=opts.mem_limit_gib * GIB)
            ok = r['rc'] == 0 and not r['timed_out']
            res = dict(wall_s=r['wall_s'], peak_rss_kib=r['peak_rss_kib'], rc=r['rc'], timed_out=r['timed_out'],
                       user_s=r.get('user_s'), sys_s=r.get('sys_s'))
            if r['timed_out']:
                res['note'] = f'stopped after {opts.timeout:.0f} s, not finished'
                if command == 'validate':
                    validate_stopped = (n, m)
            elif not ok:
                msg = r['program_stderr'].splitlines()[-1] if r['program_stderr'] else f'exit {r["rc"]}'
                res['note'] = f'failed (exit {r["rc"]}): {msg[:160]}'
                if 'bad_alloc' in msg:
                    res['note'] += f' — out of memory under the {opts.mem_limit_gib:g} GiB address-space limit'
            entry[command] = res
            log(f'   {command:8} {fmt_n(n):>5} neurons {fmt_n(m):>4} connections ({size / 1e6:.0f} MB): '
                f'{"> " if r["timed_out"] else ""}{fmt_s(res["wall_s"])} s, peak {fmt_mib(res["peak_rss_kib"])}'
                + (f'  [{res["note"]}]' if 'note' in res else ''))
        rows.append(entry)
        os.remove(path)  # big generated files are not kept
    results['loading'] = rows

    def cell(e, command):
        r = e.get(command)
        if r is None:
            return ('', '')
        if 'skipped' in r:
            return ('not run', '')
        wall = ('> ' if r['timed_out'] else '') + fmt_s(r['wall_s']) + ' s'
        if r.get('note') and not r['timed_out']:
            wall += ' (failed: out of memory)' if 'bad_alloc' in r['note'] else ' (failed)'
        return (wall, fmt_mib(r['peak_rss_kib']) + (' (when stopped)' if r['timed_out'] else ''))

    trows = []
    for e in rows:
        i, v = cell(e, 'info'), cell(e, 'validate')
        per_conn = ''
        if e.get('info') and not e['info'].get('timed_out') and e['info'].get('peak_rss_kib'):
            per_conn = f'{e["info"]["peak_rss_kib"] * 1024 / e["connections"]:.0f} B'
        trows.append([fmt_n(e['neurons']), fmt_n(e['connections']), f'{e["file_bytes"] / 1e6:.0f} MB',
                      i[0], i[1], per_conn, v[0], v[1]])
    results['loading_table'] = table(
        ['neurons', 'connections', 'file', 'info wall', 'info peak RSS', 'info RSS / connection',
         'validate wall', 'validate peak RSS'], trows)
    log()
    log(results['loading_table'])
    log()


# ---------------------------------------------------------------- (b) CUBA

def parse_summary(stdout):
    m = re.search(r'(\d+) steps of (\S+) ms, (\d+) instances, (\d+) events sent, (\d+) delivered', stdout)
    b = re.search(r'build (\S+) s, run (\S+) s', stdout)
    if not m or not b:
        return None
    return dict(steps=int(m.group(1)), step_ms=float(m.group(2)), instances=int(m.group(3)),
                events_sent=int(m.group(4)), events_delivered=int(m.group(5)),
                build_s=float(b.group(1)), run_s=float(b.group(2)))


def generate_cuba(scratch, bio):
    """Writes the CUBA network of bench (b) for `bio` seconds; returns (path, connections)."""
    path = os.path.join(scratch, f'cuba_{bio:g}s.xml')
    gen_s, size, gen_out = generate(['cuba', '--bio', f'{bio:g}', '--seed', '1234'], path)
    return path, int(re.search(r'(\d+) connections', gen_out).group(1))


def run_spikeforge_cuba(opts, sf, scratch, bio, network=None):
    """The float simulator on CUBA. `network` = (path, connections) of a file generated already
    (then kept); otherwise the file is generated here and deleted after the run."""
    path, n_syn = network if network else generate_cuba(scratch, bio)
    outdir = os.path.join(scratch, f'cuba_{bio:g}s_out')
    os.makedirs(outdir, exist_ok=True)
    spikes_file = os.path.join(outdir, 'cuba.spikes')
    if os.path.exists(spikes_file):
        os.remove(spikes_file)
    log(f'   spikeforge simulate {os.path.relpath(path)} ({n_syn} connections, {bio:g} s biological) ...')
    r = timed([sf, 'simulate', path, '-o', outdir], timeout=opts.sim_timeout,
              mem_limit_bytes=opts.mem_limit_gib * GIB)
    res = dict(bio_s=bio, n_synapses=n_syn, wall_s=r['wall_s'], peak_rss_kib=r['peak_rss_kib'],
               rc=r['rc'], timed_out=r['timed_out'])
    if r['timed_out'] or r['rc'] != 0:
        res['note'] = (f'stopped after {opts.sim_timeout:.0f} s' if r['timed_out']
                       else f'failed: {r["program_stderr"][-300:]}')
        return res
    s = parse_summary(r['stdout'])
    res.update(s or {})
    spikes = []
    with open(spikes_file) as f:
        for line in f:
            parts = line.split()
            if len(parts) == 2:
                spikes.append((float(parts[0]), int(parts[1])))
    n_e = 3200
    res['spikes'] = len(spikes)
    res['spikes_exc'] = sum(1 for _, i in spikes if i < n_e)
    res['rate_hz'] = len(spikes) / 4000 / bio
    res['rate_exc_hz'] = res['spikes_exc'] / n_e / bio
    res['rate_inh_hz'] = (len(spikes) - res['spikes_exc']) / 800 / bio
    # population rate in 10 ms bins after the first 50 ms (the start transient)
    bins = {}
    for t, _ in spikes:
        if t >= 0.05:
            bins[int(t / 0.01)] = bins.get(int(t / 0.01), 0) + 1
    nbins = max(1, int(round((bio - 0.05) / 0.01)))
    rates = [bins.get(k, 0) / 4000 / 0.01 for k in range(5, 5 + nbins)]
    res['rate_bins_min_hz'] = min(rates) if rates else None
    res['rate_bins_max_hz'] = max(rates) if rates else None
    if s:
        res['events_per_s'] = s['events_delivered'] / s['run_s'] if s['run_s'] > 0 else None
        res['load_s'] = r['wall_s'] - s['build_s'] - s['run_s']
    if not network:
        os.remove(path)
    return res


def run_brian2(opts, scratch, bio):
    script = os.path.join(opts.peers_dir, 'brian2_bench.py')
    if not os.path.isfile(script):
        return dict(unavailable=f'peer not available: {script} not found (set SF_PEERS_DIR)')
    probe = subprocess.run(['/usr/bin/python3', '-c', 'import brian2'], capture_output=True, text=True)
    if probe.returncode != 0:
        return dict(unavailable='peer not available: /usr/bin/python3 cannot import brian2 '
                                '(apt-get install -y python3-brian python3-brian-lib)')
    env = dict(os.environ, BRIAN2_OUT=os.path.join(scratch, 'brian2_out'))
    log(f'   Brian2: /usr/bin/python3 {script} cuba {bio:g} cpp_standalone ...')
    r = timed(['/usr/bin/python3', script, 'cuba', f'{bio:g}', 'cpp_standalone'], timeout=opts.sim_timeout, env=env)
    m = re.search(r'^RESULT (\{.*\})$', r['stdout'], re.M)
    if r['timed_out'] or not m:
        return dict(unavailable=f'peer failed (exit {r["rc"]}): {r["program_stderr"][-300:]}')
    res = json.loads(m.group(1))
    res['process_wall_s'] = r['wall_s']
    res['process_peak_rss_kib'] = r['peak_rss_kib']
    return res


def bench_cuba(opts, sf, scratch, results):
    bio = 0.1 if opts.quick else 1.0
    log(f'== (b) Vogels-Abbott CUBA, 4000 LIF, p = 0.02, dt 0.1 ms, {bio:g} s biological time')
    sfr = run_spikeforge_cuba(opts, sf, scratch, bio)
    if sfr.get('timed_out') and bio > 0.1:
        log(f'   spikeforge did not finish {bio:g} s within {opts.sim_timeout:.0f} s; measuring 0.1 s instead')
        results['cuba_stopped'] = sfr
        bio = 0.1
        sfr = run_spikeforge_cuba(opts, sf, scratch, bio)
    results['cuba_spikeforge'] = sfr
    br = run_brian2(opts, scratch, bio)
    results['cuba_brian2'] = br
    if 'unavailable' in br:
        log('   ' + br['unavailable'])
    if 'note' in sfr:
        log('   spikeforge: ' + sfr['note'])

    def g(d, k, f=fmt_s):
        v = d.get(k)
        return '—' if v is None else f(v)

    peer = 'unavailable' not in br
    rows = [
        ['biological time', f'{bio:g} s', f'{br["bio_s"]:g} s' if peer else '—'],
        ['cells / synapses', f'4000 / {sfr.get("n_synapses", "—")}', f'{br["N"]} / {br["n_synapses"]}' if peer else '—'],
        ['runtime instances (simulate summary)', g(sfr, 'instances', str), ''],
        ['spikes (spike file lines; events sent)', f'{sfr["spikes"]} ({sfr["events_sent"]})' if 'spikes' in sfr else '—',
         g(br, 'spikes', str)],
        ['mean rate (exc / inh)',
         f'{sfr["rate_hz"]:.2f} Hz ({sfr["rate_exc_hz"]:.2f} / {sfr["rate_inh_hz"]:.2f})' if 'rate_hz' in sfr else '—',
         f'{br["mean_rate_hz"]:.2f} Hz' if peer else '—'],
        ['synaptic events delivered', g(sfr, 'events_delivered', str), g(br, 'syn_events', str)],
        ['simulation loop', g(sfr, 'run_s') + ' s', g(br, 'sim_loop_s') + ' s'],
        ['synaptic events / s (loop)', g(sfr, 'events_per_s', lambda v: f'{v / 1e6:.3g} M'),
         g(br, 'syn_events_per_s', lambda v: f'{v / 1e6:.3g} M')],
        ['loop wall / biological time', f'{sfr["run_s"] / bio:.3g}' if 'run_s' in sfr else '—',
         f'{br["sim_loop_s"] / bio:.3g}' if peer else '—'],
        ['setup', (f'{fmt_s(sfr["load_s"])} s load + {fmt_s(sfr["build_s"])} s build' if 'build_s' in sfr else '—'),
         (f'{fmt_s(br["codegen_compile_s"])} s codegen+compile, {fmt_s(br["binary_wall_s"] - br["sim_loop_s"])} s '
          f'binary outside the loop' if peer else '—')],
        ['whole process wall', g(sfr, 'wall_s') + ' s', g(br, 'process_wall_s') + ' s' if peer else '—'],
        ['peak RSS', fmt_mib(sfr.get('peak_rss_kib')),
         (fmt_mib(max(br['peak_rss_self_MiB'], br['peak_rss_children_MiB']) * 1024) + ' (max of python, binary)')
         if peer else '—'],
    ]
    if 'run_s' in sfr and peer and br.get('sim_loop_s'):
        rows.append(['loop time ratio spikeforge / Brian2', f'{sfr["run_s"] / br["sim_loop_s"]:.2f}x', ''])
    results['cuba_table'] = table(['CUBA', 'spikeforge simulate (float)', 'Brian2 2.5.1 cpp_standalone'], rows)
    log()
    log(results['cuba_table'])
    if 'rate_hz' in sfr:
        plausible = 1.0 <= sfr['rate_hz'] <= 50.0
        results['cuba_rate_check'] = (f'population rate {sfr["rate_hz"]:.2f} Hz (10 ms bins after 50 ms: '
                                      f'{sfr["rate_bins_min_hz"]:.1f}–{sfr["rate_bins_max_hz"]:.1f} Hz): '
                                      + ('plausible for CUBA' if plausible else 'IMPLAUSIBLE: silent or exploding'))
        log('   ' + results['cuba_rate_check'])
    log()


# ---------------------------------------------------------------- (c) fixed-point kernel on CUBA

def parse_fixed_summary(stdout):
    """The summary of `spikeforge simulate --backend fixed`."""
    m = re.search(r'on (\d+) cores? of board (\S+) \(fixed point\): (\d+) steps of (\S+) ms, (\d+) neurons, '
                  r'(\d+) spikes, (\d+) synaptic events', stdout)
    t = re.search(r'compile (\S+) s, run (\S+) s \(neuron updates (\S+) s, spike delivery (\S+) s\)', stdout)
    c = re.search(r'saturated results (\d+), input overflows (\d+), dropped synaptic words (\d+), '
                  r'program faults (\d+), words held for long delays (\d+)', stdout)
    if not m or not t:
        return None
    res = dict(cores=int(m.group(1)), board=m.group(2), steps=int(m.group(3)), step_ms=float(m.group(4)),
               neurons=int(m.group(5)), spikes=int(m.group(6)), syn_events=int(m.group(7)),
               compile_s=float(t.group(1)), run_s=float(t.group(2)), update_s=float(t.group(3)),
               delivery_s=float(t.group(4)))
    if c:
        res.update(saturated=int(c.group(1)), input_overflows=int(c.group(2)), dropped_words=int(c.group(3)),
                   program_faults=int(c.group(4)), held_words=int(c.group(5)))
    return res


def parse_program_length(report):
    """Instructions per neuron update from `spikeforge compile`'s report: each group's line
    `== LABEL (TYPE): N neurons, K instructions, ...`; with several groups, weighted by neurons."""
    groups = [(int(n), int(k)) for n, k in re.findall(r'^== .*?: (\d+) neurons, (\d+) instructions', report, re.M)]
    if not groups:
        return None, []
    total = sum(n for n, _ in groups)
    return sum(n * k for n, k in groups) / total, groups


def run_kernel_cuba(opts, sf, scratch, bio, network, board, native='never'):
    """`native`: the --native-code choice (never: the kernel's op loop; always: the programs
    compiled to machine code for the run)."""
    path, n_syn = network
    res = dict(bio_s=bio, n_synapses=n_syn, board=board, native_code=native)
    log(f'   spikeforge compile {os.path.relpath(path)} --board {board} ...')
    r = timed([sf, 'compile', path, '--board', board], timeout=opts.sim_timeout,
              mem_limit_bytes=opts.mem_limit_gib * GIB)
    if r['timed_out'] or r['rc'] != 0:
        res['compile_note'] = (f'stopped after {opts.sim_timeout:.0f} s' if r['timed_out']
                               else f'failed: {r["program_stderr"][-300:]}')
    else:
        res['instructions'], res['program_groups'] = parse_program_length(r['stdout'])
        res['compile_cmd_wall_s'] = r['wall_s']
    outdir = os.path.join(scratch, f'cuba_{bio:g}s_fixed_out')
    os.makedirs(outdir, exist_ok=True)
    spikes_file = os.path.join(outdir, 'cuba.spikes')
    if os.path.exists(spikes_file):
        os.remove(spikes_file)
    log(f'   spikeforge simulate --backend fixed --board {board} --native-code {native} {os.path.relpath(path)} ...')
    r = timed([sf, 'simulate', '--backend', 'fixed', '--board', board, path, '-o', outdir, '--threads', '1',
               '--native-code', native],
              timeout=opts.sim_timeout, mem_limit_bytes=opts.mem_limit_gib * GIB)
    res.update(wall_s=r['wall_s'], peak_rss_kib=r['peak_rss_kib'], rc=r['rc'], timed_out=r['timed_out'])
    s = parse_fixed_summary(r['stdout'])
    if r['timed_out'] or s is None:
        res['note'] = (f'stopped after {opts.sim_timeout:.0f} s' if r['timed_out']
                       else f'failed (exit {r["rc"]}): {r["program_stderr"][-300:]}')
        return res
    res.update(s)
    n = re.search(r'neuron programs: native code \((\d+) programs?, compiled in (\S+) s\)', r['stdout'])
    if n:
        res.update(native_programs=int(n.group(1)), native_compile_s=float(n.group(2)))
    if r['rc'] != 0:  # exit 1 after program faults; the figures are still reported
        res['note'] = f'exit {r["rc"]}: {r["program_stderr"][-300:]}'
    elif r['program_stderr']:
        res['warnings'] = r['program_stderr'][-300:]
    if os.path.exists(spikes_file):
        with open(spikes_file) as f:
            res['spike_file_lines'] = sum(1 for line in f if len(line.split()) == 2)
    updates = s['neurons'] * s['steps']
    res['neuron_updates'] = updates
    res['updates_per_s'] = updates / s['update_s'] if s['update_s'] > 0 else None
    res['events_per_delivery_s'] = s['syn_events'] / s['delivery_s'] if s['delivery_s'] > 0 else None
    res['events_per_run_s'] = s['syn_events'] / s['run_s'] if s['run_s'] > 0 else None
    res['rate_hz'] = s['spikes'] / s['neurons'] / bio
    res['outside_s'] = r['wall_s'] - s['compile_s'] - s['run_s']
    return res


def bench_kernel(opts, sf, scratch, results):
    bio = 0.1 if opts.quick else 1.0
    board = 'spinn5'
    log(f'== (c) fixed-point kernel on CUBA ({bio:g} s biological time, board {board}, one host thread), '
        f'beside Brian2 cpp_standalone')
    network = generate_cuba(scratch, bio)
    kr = run_kernel_cuba(opts, sf, scratch, bio, network, board)
    results['kernel_spikeforge'] = kr
    if 'note' in kr:
        log('   spikeforge (fixed): ' + kr['note'])
    kn = run_kernel_cuba(opts, sf, scratch, bio, network, board, native='always')
    results['kernel_native'] = kn
    if 'note' in kn:
        log('   spikeforge (fixed, native code): ' + kn['note'])
    # The float backend and Brian2 on the same network: taken from (b) when it ran in this
    # invocation for the same biological time, otherwise run here.
    fl = results.get('cuba_spikeforge')
    float_source = '(b), this invocation'
    if not fl or fl.get('bio_s') != bio or 'run_s' not in fl:
        fl = run_spikeforge_cuba(opts, sf, scratch, bio, network)
        float_source = 'run here'
    results['kernel_float'] = dict(fl, source=float_source)
    br = results.get('cuba_brian2')
    brian_source = '(b), this invocation'
    if not br or 'unavailable' in br or br.get('bio_s') != bio:
        br = run_brian2(opts, scratch, bio)
        brian_source = 'run here'
    results['kernel_brian2'] = dict(br, source=brian_source)
    os.remove(network[0])
    if 'unavailable' in br:
        log('   ' + br['unavailable'])
    peer = 'unavailable' not in br
    ok = 'run_s' in kr

    def k(key, f=fmt_s, unit=''):
        v = kr.get(key)
        return '—' if v is None else f(v) + unit

    def b(key, f=fmt_s, unit=''):
        v = br.get(key) if peer else None
        return '—' if v is None else f(v) + unit

    def mega(v):
        return f'{v / 1e6:.3g} M'

    steps_b = int(round(br['bio_s'] / 1e-4)) if peer else None
    b_updates = br['N'] * steps_b / br['sim_loop_s'] if peer and br.get('sim_loop_s') else None
    b_events = br['syn_events'] / br['sim_loop_s'] if peer and br.get('sim_loop_s') else None
    rows = [
        ['neurons / synapses', f'{kr["neurons"]} / {kr["n_synapses"]}' if ok else f'— / {kr["n_synapses"]}',
         f'{br["N"]} / {br["n_synapses"]}' if peer else '—'],
        ['time steps (0.1 ms)', k('steps', str), str(steps_b) if peer else '—'],
        ['spikes (mean rate)', f'{kr["spikes"]} ({kr["rate_hz"]:.2f} Hz)' if ok else '—',
         f'{br["spikes"]} ({br["mean_rate_hz"]:.2f} Hz)' if peer else '—'],
        ['synaptic events', k('syn_events', str), b('syn_events', str)],
        ['loop time (ours: run; Brian2: sim_loop_s)', k('run_s', unit=' s'), b('sim_loop_s', unit=' s')],
        ['  of which neuron updates / spike delivery',
         f'{fmt_s(kr["update_s"])} s / {fmt_s(kr["delivery_s"])} s' if ok else '—', '(not split)'],
        ['loop time with --native-code always (neuron updates; compiling the programs)',
         (f'{fmt_s(kn["run_s"])} s ({fmt_s(kn["update_s"])} s; '
          f'{fmt_s(kn["native_compile_s"]) if "native_compile_s" in kn else "—"} s)') if 'run_s' in kn else '—',
         b('sim_loop_s', unit=' s')],
        ['neuron updates / s with native code (over neuron-update time)',
         mega(kn['neuron_updates'] / kn['update_s']) if kn.get('update_s') else '—',
         mega(b_updates) if b_updates else '—'],
        ['same spikes with native code as with the kernel',
         ('yes' if kn.get('spikes') == kr.get('spikes') and kn.get('spike_file_lines') == kr.get('spike_file_lines')
          else 'NO') if 'run_s' in kn and ok else '—', ''],
        ['neuron updates / s (ours: over neuron-update time; Brian2: over loop)',
         k('updates_per_s', mega), mega(b_updates) if b_updates else '—'],
        ['synaptic events / s over spike-delivery time (kernel synaptic rate)',
         k('events_per_delivery_s', mega), '(not split)'],
        ['synaptic events / s over the whole loop', k('events_per_run_s', mega), mega(b_events) if b_events else '—'],
        ['instructions per neuron update (compile report)',
         ('—' if kr.get('instructions') is None else f'{kr["instructions"]:g}'), '(compiled C++)'],
        ['compile (ours: flatten + quantise + load cores; Brian2: codegen + C++ compile)',
         k('compile_s', unit=' s'), b('codegen_compile_s', unit=' s')],
        ['whole process wall', k('wall_s', unit=' s'), b('process_wall_s', unit=' s')],
        ['peak RSS', fmt_mib(kr.get('peak_rss_kib')),
         (fmt_mib(max(br['peak_rss_self_MiB'], br['peak_rss_children_MiB']) * 1024) + ' (max of python, binary)')
         if peer else '—'],
        [f'float backend loop, events / s over it ({float_source})',
         f'{fmt_s(fl["run_s"])} s, {mega(fl["events_per_s"])}' if fl.get('events_per_s') else '—', ''],
        ['fixed-point counters: saturated, input overflows, dropped, faults',
         (f'{kr["saturated"]}, {kr["input_overflows"]}, {kr["dropped_words"]}, {kr["program_faults"]}'
          if 'saturated' in kr else '—'), ''],
    ]
    if ok and peer and b_events:
        rows.append(['ratio ours / Brian2: events/s (delivery; whole loop), updates/s',
                     f'{kr["events_per_delivery_s"] / b_events:.2f}x; {kr["events_per_run_s"] / b_events:.2f}x, '
                     f'{kr["updates_per_s"] / b_updates:.2f}x', ''])
    results['kernel_table'] = table(
        [f'CUBA, {bio:g} s', f'spikeforge fixed ({board}, {kr.get("cores", "?")} cores, 1 host thread)',
         f'Brian2 2.5.1 cpp_standalone ({brian_source})'], rows)
    log()
    log(results['kernel_table'])
    if ok and peer and b_events:
        def verdict(v):
            return 'met' if v >= b_events else 'not met'
        results['kernel_goal'] = (
            f'goal (synaptic events/s >= Brian2\'s {mega(b_events)}/s): '
            f'{verdict(kr["events_per_delivery_s"])} by the kernel\'s synaptic rate ({mega(kr["events_per_delivery_s"])}/s), '
            f'{verdict(kr["events_per_run_s"])} over the whole loop ({mega(kr["events_per_run_s"])}/s)')
        log('   ' + results['kernel_goal'])
    log()


# ---------------------------------------------------------------- main

def main():
    p = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    p.add_argument('--spikeforge', required=True)
    p.add_argument('--scratch', required=True)
    p.add_argument('--quick', action='store_true')
    p.add_argument('--peers-dir', required=True)
    p.add_argument('--only', choices=['loading', 'cuba', 'kernel', 'mapping', 'host', 'timing', 'rtl'])
    p.add_argument('--timeout', type=float, default=float(os.environ.get('SF_LOAD_TIMEOUT', 600)),
                   help='seconds allowed for one info/validate run (default 600)')
    p.add_argument('--sim-timeout', type=float, default=float(os.environ.get('SF_SIM_TIMEOUT', 900)),
                   help='seconds allowed for the CUBA simulation (default 900)')
    p.add_argument('--mem-limit-gib', type=float, default=float(os.environ.get('SF_MEM_LIMIT_GIB', 20)),
                   help='address-space limit for spikeforge runs (default 20 GiB)')
    opts = p.parse_args()
    os.makedirs(opts.scratch, exist_ok=True)
    sf = os.path.abspath(opts.spikeforge)
    t0 = time.monotonic()
    mi = machine_info()
    results = dict(machine=mi, quick=opts.quick, command=' '.join(['bench/run.sh'] + (['--quick'] if opts.quick else [])
                                                                + (['--only', opts.only] if opts.only else [])))
    log(f'== machine: {mi["cpu"]}, {mi["nproc"]} cores, {mi["mem_gib"]} GiB memory; Linux {mi["kernel"]}; {mi["date"]}')
    log(f'   limits: {opts.timeout:.0f} s per load run, {opts.sim_timeout:.0f} s per simulation, '
        f'{opts.mem_limit_gib:g} GiB address space; peers: {opts.peers_dir}')
    log()
    if opts.only in (None, 'loading'):
        bench_loading(opts, sf, opts.scratch, results)
    if opts.only in (None, 'cuba'):
        bench_cuba(opts, sf, opts.scratch, results)
    if opts.only in (None, 'kernel'):
        bench_kernel(opts, sf, opts.scratch, results)
    if opts.only in (None, 'mapping'):
        bench_mapping.bench_mapping(opts, sf, opts.scratch, results, generate_cuba)
    if opts.only in (None, 'host'):
        bench_host.bench_host(opts, sf, opts.scratch, results)
    if opts.only in (None, 'timing'):
        bench_timing.bench_timing(opts, sf, opts.scratch, results, generate_cuba)
    if opts.only in (None, 'rtl'):
        bench_rtl.bench_rtl(opts, sf, opts.scratch, results, generate_cuba)
    results['total_s'] = time.monotonic() - t0
    out = os.path.join(opts.scratch, 'results.json')
    with open(out, 'w') as f:
        json.dump(results, f, indent=1)
    log(f'== benchmarks took {results["total_s"]:.0f} s; results in {out}')


if __name__ == '__main__':
    main()
