"""(h) The timed board model (`spikeforge run --target systemc`) beside the functional emulator on
the same image in the same invocation: CUBA at 0.1 ms steps on spinn5, the full microcircuit,
the bundled example on two bss2 chips at 1000x, and the microcircuit on a spinn5 whose links are narrowed
until packets are dropped. For each: wall time and peak memory of both runs, whether the outputs
are identical, and the model's answer to "does it run in real time"."""
import filecmp
import os
import re
import shutil
import subprocess
import time

from measure import GIB, fmt_mib, fmt_s, log, table, timed

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)
EXAMPLE = os.path.join(REPO, 'examples', 'balanced_network', 'LEMS_balanced_network.xml')


def same_outputs(a, b):
    """Whether two output folders hold the same files with the same bytes; None when the run
    records nothing."""
    names_a = sorted(os.listdir(a))
    if not names_a and not os.listdir(b):
        return None
    if names_a != sorted(os.listdir(b)):
        return False
    return all(filecmp.cmp(os.path.join(a, n), os.path.join(b, n), shallow=False)
               for n in names_a if os.path.isfile(os.path.join(a, n)))


def run_pair(opts, sf, image, scratch, label, board_args=()):
    """The image on the functional emulator, then on the timed model; both timed."""
    out = {}
    folders = {}
    for target in ('functional', 'systemc'):
        folder = os.path.join(scratch, f'timing_{label}_{target}')
        shutil.rmtree(folder, ignore_errors=True)
        os.makedirs(folder)
        folders[target] = folder
        extra = list(board_args) + ['--real-time-check'] if target == 'systemc' else ['--threads', '1']
        r = timed([sf, 'run', image, '--target', target, '-o', folder] + extra,
                  timeout=opts.sim_timeout, mem_limit_bytes=opts.mem_limit_gib * GIB)
        res = dict(wall_s=r['wall_s'], peak_rss_kib=r['peak_rss_kib'], rc=r['rc'])
        if r['timed_out'] or r['rc'] not in (0, 1):
            res['note'] = (f'stopped after {opts.sim_timeout:.0f} s' if r['timed_out']
                           else f'failed (exit {r["rc"]}): {r["stderr"][-300:]}')
        res['stdout'] = r['stdout']
        out[target] = res
    sc = out['systemc']
    m = re.search(r'timing: (\d+) steps of (\S+) ms \((\S+) us on the board\), (\d+) router cycles '
                  r'simulated in (\S+) s', sc['stdout'])
    if m:
        sc.update(steps=int(m.group(1)), step_ms=float(m.group(2)), board_us=float(m.group(3)),
                  router_cycles=int(m.group(4)), model_s=float(m.group(5)))
    verdict = [l for l in sc['stdout'].splitlines() if 'real time' in l and ': ' in l]
    sc['verdict'] = verdict[-1] if verdict else '(no verdict printed)'
    totals = re.search(r'overruns (\d+), late rows (\d+) .*?emergency routes (\d+), dropped (\d+), '
                       r're-injected (\d+), lost (\d+)', sc['stdout'])
    if totals:
        sc.update(dict(zip(('overruns', 'late_rows', 'emergency', 'dropped', 'reinjected', 'lost'),
                           (int(x) for x in totals.groups()))))
    out['identical'] = same_outputs(folders['functional'], folders['systemc'])
    return out


def map_model(sf, model, image, board):
    subprocess.run([sf, 'map', model, '--board', board, '-o', image], check=True,
                   capture_output=True, text=True)


def narrowed_spinn5(scratch, packets_per_second):
    """spinn5 with every link carrying `packets_per_second`."""
    with open(os.path.join(REPO, 'boards', 'spinn5.xml')) as f:
        text = f.read()
    text = re.sub(r'link_bandwidth="\d+"', f'link_bandwidth="{packets_per_second}"', text)
    path = os.path.join(scratch, 'spinn5_narrow.xml')
    with open(path, 'w') as f:
        f.write(text)
    return path


def images(opts, sf, scratch, generate_cuba):
    build = os.path.normpath(os.path.join(os.path.dirname(sf), '..', '..'))
    bench_map = os.path.join(build, 'bench', 'sf_bench_map')
    bio = 0.1 if opts.quick else 1.0
    cuba_xml, _ = generate_cuba(scratch, bio)
    cuba = os.path.join(scratch, 'timing_cuba.sfimg')
    map_model(sf, cuba_xml, cuba, 'spinn5')
    scale = '0.05' if opts.quick else '1'
    micro = os.path.join(scratch, f'timing_microcircuit_{scale}.sfimg')
    t0 = time.monotonic()
    subprocess.run([bench_map, 'microcircuit', '--scale', scale, '-o', micro, '--keep'],
                   check=True, capture_output=True, text=True)
    log(f'   microcircuit x {scale} mapped onto spinn5 in {time.monotonic() - t0:.1f} s')
    example = os.path.join(scratch, 'timing_example_bss2.sfimg')
    # Its cells are grouped onto 4 cores, more than one bss2 chip's 2: two chips joined.
    map_model(sf, EXAMPLE, example, 'bss2 x 2')
    return [(f'CUBA {bio:g} s, 0.1 ms steps, spinn5', 'cuba', cuba, ()),
            (f'microcircuit x {scale}, 100 ms, spinn5', 'microcircuit', micro, ()),
            ('bundled example, bss2 x 2 at 1000x', 'example_bss2', example, ()),
            (f'microcircuit x {scale}, spinn5 with links narrowed to 50,000 packets/s',
             'overloaded', micro, ('--board', narrowed_spinn5(scratch, 50000)))]


def bench_timing(opts, sf, scratch, results, generate_cuba):
    log('== (h) timed board model (run --target systemc) beside the functional emulator, same image')
    rows = []
    verdicts = []
    results['timing'] = {}
    for label, key, image, board_args in images(opts, sf, scratch, generate_cuba):
        pair = run_pair(opts, sf, image, scratch, key, board_args)
        f, s = pair['functional'], pair['systemc']
        for part in (f, s):
            part.pop('stdout', None)
        results['timing'][key] = pair
        ratio = s['wall_s'] / f['wall_s'] if f.get('wall_s') else float('nan')
        board_per_wall = (s['steps'] * s['board_us'] * 1e-6 / s['model_s']
                          if s.get('model_s') else float('nan'))
        rows.append([label, fmt_s(f['wall_s']), fmt_mib(f['peak_rss_kib']), fmt_s(s['wall_s']),
                     fmt_mib(s['peak_rss_kib']), f'{ratio:.2f}x', f'{board_per_wall:.3g}',
                     {True: 'yes', False: 'no', None: 'nothing recorded'}[pair['identical']],
                     f"{s.get('overruns', '?')}/{s.get('late_rows', '?')}/{s.get('dropped', '?')}"
                     f"/{s.get('reinjected', '?')}/{s.get('lost', '?')}"])
        verdicts.append(f'{label}: {s["verdict"]}')
        for part in (f, s):
            if 'note' in part:
                verdicts.append(f'{label}: {part["note"]}')
    results['timing_table'] = table(
        ['network', 'functional wall', 'functional peak', 'timed wall', 'timed peak', 'timed / functional',
         'board seconds per wall second', 'outputs identical', 'overruns/late rows/dropped/re-injected/lost'],
        rows)
    log(results['timing_table'])
    for v in verdicts:
        log('   ' + v)
    results['timing_verdicts'] = verdicts
