#!/usr/bin/env python3
"""Measures the fidelity of spikeforge's fixed-point backend (Python 3, standard library only).

Runs every example of the NeuroML2/LEMS conformance corpus with
`spikeforge simulate --backend fixed --board spinn5` (forward Euler and `--integrator exact`) and
compares each output file with the jLEMS reference output of the same name; runs the user-defined
example (examples/user_defined) and the CUBA network (bench/gen_network.py cuba --bio 1) with both
the float simulator and the fixed backend and compares the two; writes every figure to a results
file (JSON), which fidelity_report.py turns into docs/fidelity.md. bench/fidelity.py does both.

usage:
  bench/fidelity_measure.py [--spikeforge PATH] [--corpus DIR] [--results FILE] [--scratch DIR]
                            [--no-cuba] [--only Ex0_IaF,Ex8_AdEx,...]

  --spikeforge  the built tool (default: build/release/host/cli/spikeforge in the checkout)
  --corpus      the conformance corpus, the folder holding derived/ and reference/
                (default: $SF_CONFORMANCE_DIR, else ../shared/conformance beside the checkout)
  --results     the results file to write (default: build/fidelity.json in the checkout)
  --scratch     folder for outputs (default: a temporary folder, removed afterwards)

Metrics (every number is measured in the run that writes the results):
  traces  per recorded column, |ours - reference| relative to the range of the reference column
          (its magnitude when constant): the RMS and the maximum over all samples; also the maximum
          when our column is shifted one step earlier or later, and the first time it exceeds 1 %.
  spikes  per EventSelection: reference count, our count, and the error of spike times over paired
          spikes in time steps (pairs from an alignment that leaves a spike unpaired rather than
          pair it with one more than half the train's shortest interval away).
  two references  the share of reference spikes that the fixed run has within one step, against
          the first reference (jLEMS, whose time is a running sum of dt; for the user-defined
          example the float simulator, which keeps time the same way) and against the float
          simulator keeping time as step x dt (`--time steps`, as the cores count steps); and the
          share of the first's spikes that the second has within one step.
  stochastic sources (Poisson generators): their counts against rate x duration, in standard
          deviations of the count (sqrt(rate x duration) for a Poisson process).
  CUBA    population rate error (%), excitatory and inhibitory rates, Pearson correlation of the
          4000 neurons' spike counts, fixed against float.
Takes three to five minutes on 2 cores.
"""
import argparse
import datetime
import gzip
import math
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import xml.etree.ElementTree as ET

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import machine  # noqa: E402
from fidelity_common import (BOARD, DEFAULT_CORPUS, DEFAULT_RESULTS, DEFAULT_SPIKEFORGE, HERE, REPO,  # noqa: E402
                             log, save_results)

GEN = os.path.join(HERE, 'gen_network.py')
USER_DEFINED = os.path.join(REPO, 'examples', 'user_defined', 'LEMS_eif_user_defined.xml')
CHAIN = os.path.join(REPO, 'examples', 'refractory_ties', 'LEMS_refractory_chain.xml')

# The corpus examples in the order of the conformance table.
EXAMPLES = ['Ex0_IaF', 'Ex2_Izh', 'Ex8_AdEx', 'Ex9_FN', 'Ex11_STDP', 'Ex12_Net2', 'Ex13_Instances',
            'Ex14_PyNN', 'Ex16_Inputs', 'Ex19_GapJunctions', 'Ex19a_GapJunctionInstances',
            'Ex20_AnalogSynapses', 'Ex21_CurrentBasedSynapses', 'Ex22_PinskyRinzelCA3', 'Ex23_Spiketimes',
            'Ex27_MultiSynapses']
# Spike sources that draw random numbers, by component type.
STOCHASTIC_SOURCES = ('spikeGeneratorPoisson', 'spikeGeneratorRefPoisson', 'spikeGeneratorRandom',
                      'SpikeSourcePoisson')
# Component types whose inputs are random: the spikes of a cell they drive are comparable in
# statistics only.
STOCHASTIC_INPUTS = ('poissonFiringSynapse', 'transientPoissonFiringSynapse') + STOCHASTIC_SOURCES


# ---------------------------------------------------------------- machine and checkout

def machine_info():
    return dict(date=datetime.datetime.now().astimezone().strftime('%Y-%m-%d %H:%M %Z'),
                cores=machine.cores(), cpu=machine.cpu_model(), mem_gib=machine.memory_gib())


def checkout_info():
    def git(*args):
        r = subprocess.run(['git', '-C', REPO] + list(args), capture_output=True, text=True)
        return r.stdout.strip() if r.returncode == 0 else ''
    commit = git('rev-parse', '--short', 'HEAD') or 'unknown'
    # Uncommitted changes to the sources that make up the binary (read-only).
    dirty = git('diff', '--stat', 'HEAD', '--', 'CMakeLists.txt', 'cmake', 'lems', 'host', 'mapper',
                'emulator', 'firmware', 'rtl', 'boards')
    return commit, dirty.splitlines()[-1].strip() if dirty else ''


# ---------------------------------------------------------------- reading files

def read_table(path):
    """Rows of floats from a whitespace-separated file, plain or gzip-compressed."""
    opener = gzip.open if path.endswith('.gz') else open
    with opener(path, 'rt') as f:
        return [[float(x) for x in line.split()] for line in f if line.strip()]


def read_spikes(path, id_first=None):
    """{id: [times]} from a TIME_ID or ID_TIME spike file; the order is guessed from the first line
    (the id is an integer without a decimal point) unless given."""
    opener = gzip.open if path.endswith('.gz') else open
    trains = {}
    with opener(path, 'rt') as f:
        lines = [line.split() for line in f if line.strip()]
    if id_first is None:
        id_first = bool(lines) and re.fullmatch(r'-?\d+', lines[0][0]) is not None \
            and re.fullmatch(r'-?\d+', lines[0][1]) is None
    for parts in lines:
        sid, t = (parts[0], parts[1]) if id_first else (parts[1], parts[0])
        trains.setdefault(sid, []).append(float(t))
    for times in trains.values():
        times.sort()
    return trains, id_first


def reference_for(corpus, example, name):
    for variant in ('derived', 'original'):
        for candidate in (name + '.gz', name):
            path = os.path.join(corpus, 'reference', example, variant, candidate)
            if os.path.isfile(path):
                return path
    return None


def local(tag):
    return tag.rsplit('}', 1)[-1]


def cell_path(ref):
    """A cell reference as an EventSelection writes it: '../pop[3]' -> 'pop[3]'."""
    ref = (ref or '').strip()
    while ref.startswith('../'):
        ref = ref[3:]
    return ref


class model_info:
    """What the report needs from a LEMS file and the files it includes: the quantity of every
    output column, the select path of every EventSelection, populations, components, inputs and
    spike connections."""

    def __init__(self, path):
        self.columns = {}      # output file name -> [quantity]
        self.selections = {}   # spike file name -> {id: select}
        self.populations = {}  # population id -> component id
        self.components = {}   # component id -> (type, attributes)
        self.inputs = []       # (target cell, input component id)
        self.connections = []  # (source cell, target cell, zero delay: delivered in the sending step)
        self._random = None    # cells that random numbers reach, once asked
        self._read(path, set())

    def _read(self, path, seen):
        path = os.path.normpath(path)
        if path in seen or not os.path.isfile(path):
            return
        seen.add(path)
        try:
            root = ET.parse(path).getroot()
        except ET.ParseError as e:
            log(f'   fidelity.py: cannot read {path}: {e}')
            return
        for e in root.iter():
            tag = local(e.tag)
            if tag == 'Include':
                self._read(os.path.join(os.path.dirname(path), e.get('file', '')), seen)
            elif tag == 'OutputFile':
                name = os.path.basename(e.get('fileName', ''))
                self.columns[name] = [c.get('quantity', '') for c in e if local(c.tag) == 'OutputColumn']
            elif tag == 'EventOutputFile':
                name = os.path.basename(e.get('fileName', ''))
                self.selections[name] = {s.get('id'): s.get('select', '') for s in e
                                         if local(s.tag) == 'EventSelection'}
            elif tag == 'population':
                self.populations[e.get('id')] = e.get('component')
            elif tag == 'explicitInput':
                self.inputs.append((e.get('target', ''), e.get('input', '')))
            elif tag in ('synapticConnection', 'synapticConnectionWD'):
                zero = tag == 'synapticConnection'
                self.connections.append((cell_path(e.get('from')), cell_path(e.get('to')), zero))
            elif tag == 'projection':
                for c in e:
                    if local(c.tag) in ('connection', 'connectionWD'):
                        self.connections.append((cell_path(c.get('preCellId')), cell_path(c.get('postCellId')),
                                                 local(c.tag) == 'connection'))
            elif e.get('id') is not None and tag not in ('Simulation', 'network', 'projection', 'Display', 'Line',
                                                         'OutputColumn', 'EventSelection', 'instance', 'spike'):
                self.components.setdefault(e.get('id'), (tag, dict(e.attrib)))

    def component_of(self, select):
        """(type, attributes) of the cell a select path names, or (None, {})."""
        pop = re.split(r'[\[/]', select, maxsplit=1)[0]
        return self.components.get(self.populations.get(pop), (None, {}))

    def is_source(self, select):
        """A spike source (generator, array, Poisson source) rather than a cell with a membrane."""
        kind = self.component_of(select)[0] or ''
        return kind.startswith('spike') or kind.startswith('SpikeSource') or kind == 'timedSynapticInput'

    def random_inputs(self, select):
        """Random inputs (Poisson firing synapses) attached to the cell a select path names."""
        return [inp for target, inp in self.inputs
                if target == select and self.components.get(inp, ('',))[0] in STOCHASTIC_INPUTS]

    def randomly_driven(self, select):
        """Whether random numbers reach the cell: a random input, a random source upstream, or a
        cell upstream that is randomly driven."""
        if self._random is None:
            driven = {t for t, inp in self.inputs if self.components.get(inp, ('',))[0] in STOCHASTIC_INPUTS}
            driven |= {s for s, _, _ in self.connections if self.component_of(s)[0] in STOCHASTIC_SOURCES}
            changed = True
            while changed:
                changed = False
                for s, t, _ in self.connections:
                    if s in driven and t not in driven:
                        driven.add(t)
                        changed = True
            self._random = driven
        return select in self._random

    def zero_delay_sources(self, select):
        return [s for s, t, zero in self.connections if t == select and zero]

    def summary(self):
        """What the report reads of the model: populations, components and spike connections."""
        return dict(populations=self.populations, components=self.components, connections=self.connections)


# ---------------------------------------------------------------- comparing

def column_stats(a, b):
    """Deviation of our column a from the reference column b, relative to b's range (its
    magnitude when constant): RMS and maximum, the maximum with ours shifted one step earlier and
    later, the sample of the maximum and the first sample past 1 %; upward crossings of the middle
    of b's range and drops (a value below the one before: resets of a time-since variable)."""
    n = len(b)
    low, high = min(b), max(b)
    scale = (high - low) if high > low else max(abs(high), 1e-30)
    dev = [abs(x - y) for x, y in zip(a, b)]
    worst = max(range(n), key=dev.__getitem__)
    first = next((k for k in range(n) if dev[k] > 0.01 * scale), None)
    earlier = max((abs(a[k + 1] - b[k]) for k in range(n - 1)), default=dev[0])
    later = max((abs(a[k - 1] - b[k]) for k in range(1, n)), default=dev[0])
    middle = low + 0.5 * (high - low)

    def crossings(x):
        return sum(1 for p, q in zip(x, x[1:]) if p <= middle < q)

    def drops(x):
        return sum(1 for p, q in zip(x, x[1:]) if q < p)
    return dict(rms=math.sqrt(sum(d * d for d in dev) / n) / scale, max=dev[worst] / scale, at_max=worst,
                max_earlier=earlier / scale, max_later=later / scale, first_1pct=first,
                crossings=(crossings(b), crossings(a)) if high > low else None, drops=(drops(b), drops(a)))


def align(ours, ref, dt):
    """Pairs (our time, reference time) of a monotone alignment with the least summed error, where
    leaving a spike unpaired costs half the shortest interval of either train (at least dt)."""
    isis = [y - x for t in (ours, ref) for x, y in zip(t, t[1:])]
    gap = max(dt, 0.5 * min(isis)) if isis else 1e9
    n, m = len(ours), len(ref)
    if n == m and all(abs(x - y) < gap for x, y in zip(ours, ref)):
        return list(zip(ours, ref))
    cost = [[0.0] * (m + 1) for _ in range(n + 1)]
    move = [[0] * (m + 1) for _ in range(n + 1)]
    for i in range(1, n + 1):
        cost[i][0], move[i][0] = i * gap, 1
    for j in range(1, m + 1):
        cost[0][j], move[0][j] = j * gap, 2
    for i in range(1, n + 1):
        for j in range(1, m + 1):
            options = (cost[i - 1][j - 1] + abs(ours[i - 1] - ref[j - 1]), cost[i - 1][j] + gap,
                       cost[i][j - 1] + gap)
            k = min(range(3), key=options.__getitem__)
            cost[i][j], move[i][j] = options[k], k
    pairs = []
    i, j = n, m
    while i > 0 or j > 0:
        k = move[i][j] if i > 0 and j > 0 else (1 if i > 0 else 2)
        if k == 0:
            pairs.append((ours[i - 1], ref[j - 1]))
            i, j = i - 1, j - 1
        elif k == 1:
            i -= 1
        else:
            j -= 1
    pairs.reverse()
    return pairs


def compare_trains(ours, ref, dt):
    pairs = align(ours, ref, dt)
    errors = [abs(a - b) / dt for a, b in pairs]
    return dict(ref=len(ref), ours=len(ours), diff=len(ours) - len(ref), paired=len(pairs),
                max_err=max(errors) if errors else None,
                mean_err=sum(errors) / len(errors) if errors else None,
                within_one=sum(1 for e in errors if e <= 1.0 + 1e-6),
                offsets=sorted({round((a - b) / dt) for a, b in pairs if abs(a - b) > 0.5 * dt}),
                first_off=next((b for a, b in pairs if abs(a - b) > 0.5 * dt), None),
                ref_steps=[round(x / dt) for x in ref], our_steps=[round(x / dt) for x in ours])


def hold_and_integration(v, spike_steps):
    """After each spike at step s: how many samples from s + 1 on keep the value v[s + 1] (the reset
    held through the refractory period), and how many steps the cell then integrates until its
    next spike."""
    holds, integrations = [], []
    for s, nxt in zip(spike_steps, spike_steps[1:] + [None]):
        if s + 1 >= len(v):
            break
        r, j = v[s + 1], s + 1
        while j < len(v) and v[j] == r:
            j += 1
        holds.append(j - (s + 1))
        if nxt is not None:
            integrations.append(nxt - j)
    return holds, integrations


def compare_outputs(run_result, reference_of, info):
    """Compares every file of a run with its reference (reference_of(name) -> path or None).
    Returns dict(traces [row], trains [row], problems [str])."""
    dt = run_result['dt']
    out = dict(traces=[], trains=[], problems=[])
    files = sorted(run_result['files'].items(), key=lambda f: (not f[0].endswith('.spikes'), f[0]))
    seen_quantities, seen_selects = set(), set()
    wanted = {}  # a membrane column of a train that differs -> its train
    for name, path in files:
        ref = reference_of(name)
        if ref is None:
            out['problems'].append(f'{name}: no reference output')
            continue
        if name.endswith('.spikes'):
            theirs, id_first = read_spikes(ref)
            mine, _ = read_spikes(path, id_first)
            selects = info.selections.get(name, {})
            for sid in sorted(set(theirs) | set(mine) | set(selects), key=lambda s: (len(s), s)):
                select = selects.get(sid, sid)
                row = compare_trains(mine.get(sid, []), theirs.get(sid, []), dt)
                kind, attrs = info.component_of(select)
                row.update(file=name, id=sid, select=select, duplicate=select in seen_selects,
                           source_type=kind if kind in STOCHASTIC_SOURCES else None, source_attrs=attrs,
                           component_type=kind, is_source=info.is_source(select),
                           random=info.randomly_driven(select) or kind in STOCHASTIC_SOURCES,
                           random_inputs=info.random_inputs(select),
                           zero_delay_from=info.zero_delay_sources(select))
                seen_selects.add(select)
                out['trains'].append(row)
                if not row['duplicate'] and (row['offsets'] or row['diff']):
                    for member in ('v', 'V'):
                        wanted[f'{select}/{member}'] = row
        else:
            ours, theirs = read_table(path), read_table(ref)
            if len(ours) != len(theirs) or (theirs and any(len(r) != len(theirs[0]) for r in ours)):
                out['problems'].append(f'{name}: {len(ours)} rows, the reference has {len(theirs)}'
                                       if len(ours) != len(theirs) else f'{name}: rows of other widths')
                continue
            quantities = info.columns.get(name, [])
            for c in range(1, len(theirs[0]) if theirs else 0):
                q = quantities[c - 1] if c - 1 < len(quantities) else f'column {c}'
                a = [r[c] for r in ours]
                b = [r[c] for r in theirs]
                row = column_stats(a, b)
                row.update(file=name, quantity=q, duplicate=q in seen_quantities,
                           at_max=theirs[row['at_max']][0],
                           first_1pct=None if row['first_1pct'] is None else theirs[row['first_1pct']][0],
                           is_source=info.is_source(q.rsplit('/', 1)[0]),
                           random=info.randomly_driven(q.split('/')[0]) or info.is_source(q.split('/')[0])
                           and info.component_of(q.split('/')[0])[0] in STOCHASTIC_SOURCES)
                seen_quantities.add(q)
                out['traces'].append(row)
                train = wanted.pop(q, None)
                if train is not None:
                    train['hold_ref'], train['integration_ref'] = hold_and_integration(b, train['ref_steps'])
                    train['hold_ours'], train['integration_ours'] = hold_and_integration(a, train['our_steps'])
    return out


# ---------------------------------------------------------------- running

SUMMARY_RE = re.compile(r'simulation (\S+) on (\d+) cores? of board (\S+) \(fixed point\): (\d+) steps of (\S+) ms, '
                        r'(\d+) neurons, (\d+) spikes, (\d+) synaptic events')
COUNTERS_RE = re.compile(r'saturated results (\d+), input overflows (\d+), dropped synaptic words (\d+), '
                         r'program faults (\d+), words held for long delays (\d+)')
FLOAT_RE = re.compile(r'(\d+) steps of (\S+) ms')


def run(cmd, timeout=1800):
    start = time.monotonic()
    try:
        r = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout)
        rc, out, err = r.returncode, r.stdout, r.stderr
    except subprocess.TimeoutExpired as e:
        rc, out, err = None, e.stdout or '', f'stopped after {timeout} s'
    return dict(rc=rc, stdout=out if isinstance(out, str) else out.decode(),
                stderr=err if isinstance(err, str) else err.decode(), wall_s=time.monotonic() - start)


def simulate(sf, model, outdir, backend, integrator='euler', time=None):
    """Runs one simulation (`time`: the --time choice, else the default); returns dict(ok, message,
    files {name: path}, dt, steps, counters, summary lines, warnings, wall_s)."""
    if os.path.isdir(outdir):
        shutil.rmtree(outdir)
    os.makedirs(outdir)
    cmd = [sf, 'simulate', model, '-o', outdir]
    if backend == 'fixed':
        cmd += ['--backend', 'fixed', '--board', BOARD, '--integrator', integrator]
    if time:
        cmd += ['--time', time]
    r = run(cmd)
    res = dict(ok=r['rc'] == 0, wall_s=r['wall_s'], files={}, rc=r['rc'], command=cmd)
    errors = [l for l in r['stderr'].splitlines() if l.strip() and not l.startswith('warning: ')]
    res['warnings'] = [l[len('warning: '):] for l in r['stderr'].splitlines() if l.startswith('warning: ')]
    if r['rc'] != 0:
        res['message'] = ' '.join(errors) or f'exit {r["rc"]}'
        return res
    for line in r['stdout'].splitlines():
        if line.startswith('wrote '):
            path = line[len('wrote '):].strip()
            res['files'][os.path.basename(path)] = path
    res['summary_lines'] = [l for l in r['stdout'].splitlines() if not l.startswith('wrote ')]
    m = SUMMARY_RE.search(r['stdout'])
    if m:
        res.update(cores=int(m.group(2)), steps=int(m.group(4)), dt=float(m.group(5)) * 1e-3,
                   neurons=int(m.group(6)), spikes=int(m.group(7)), synaptic_events=int(m.group(8)))
    else:
        m = FLOAT_RE.search(r['stdout'])
        if m:
            res.update(steps=int(m.group(1)), dt=float(m.group(2)) * 1e-3)
    m = COUNTERS_RE.search(r['stdout'])
    if m:
        res['counters'] = dict(zip(('saturations', 'input_overflows', 'dropped', 'faults', 'held'),
                                   (int(x) for x in m.groups())))
    return res


def probe_random_inputs(sf, model, info, recorded, outdir, main_run, corpus, example):
    """Poisson firing synapses whose events no output file records: a copy of the model that also
    records their next event time (tnextUsed, a state variable the program keeps anyway) is run
    with the fixed backend and with the float simulator (which reproduces the reference's random
    draws), and every increase of that time counts one event. The cores' `rand` hashes the
    instruction's position, so a recording that changed the program would draw other numbers: the
    probe's spike trains are compared with the main run's. Returns None when every such input is
    recorded."""
    targets = [(t, inp) for t, inp in info.inputs
               if info.components.get(inp, ('',))[0] in ('poissonFiringSynapse', 'transientPoissonFiringSynapse')
               and f'{t}/{inp}/tsince' not in recorded]
    if not targets:
        return None
    folder = os.path.dirname(os.path.abspath(model))
    with open(model) as f:
        text = f.read()

    def absolute(m):
        path = os.path.join(folder, m.group(2))
        return m.group(1) + (path if os.path.isfile(path) else m.group(2)) + '"'
    text = re.sub(r'(<Include\s+file=")([^"]+)"', absolute, text)
    columns = ''.join(f'\n            <OutputColumn id="p{k}" quantity="{t}/{inp}/tnextUsed"/>'
                      for k, (t, inp) in enumerate(targets))
    probe = f'\n        <OutputFile id="fidelity_probe" fileName="fidelity_probe.dat">{columns}\n        </OutputFile>\n    '
    cut = text.rindex('</Simulation>')
    os.makedirs(outdir, exist_ok=True)
    probe_model = os.path.join(outdir, 'probe.xml')
    with open(probe_model, 'w') as f:
        f.write(text[:cut] + probe + text[cut:])
    result = dict(rows=[dict(target=t, input=inp, kind=info.components[inp][0], attrs=info.components[inp][1])
                        for t, inp in targets])
    for label, backend in (('ours', 'fixed'), ('ref', 'float')):
        r = simulate(sf, probe_model, os.path.join(outdir, backend), backend)
        if not r['ok']:
            result['message'] = f'{backend} run of the probe: {r["message"]}'
            return result
        table_ = read_table(r['files']['fidelity_probe.dat'])
        for k, row in enumerate(result['rows']):
            x = [line[k + 1] for line in table_]
            row[label] = sum(1 for p, q in zip(x, x[1:]) if q > p)
        spikes = {name: read_spikes(path)[0] for name, path in r['files'].items() if name.endswith('.spikes')}
        if backend == 'fixed':
            result['same_as_main'] = all(read_spikes(main_run['files'][name])[0] == trains
                                         for name, trains in spikes.items() if name in main_run['files'])
        else:
            result['float_is_reference'] = all(
                read_spikes(reference_for(corpus, example, name))[0] == trains
                for name, trains in spikes.items() if reference_for(corpus, example, name))
    return result


def table_errors(report):
    """(group, table, percent of its range) of every lookup table in a quantisation report whose
    largest error exceeds 1 % of its range."""
    rows, group = [], ''
    for line in report.splitlines():
        m = re.match(r'== (\S+)', line)
        if m:
            group = m.group(1)
        m = re.match(r'    (.+): (\d+) samples, max error (\S+) \((\S+) % of the range\)(.*)$', line)
        if m and float(m.group(4)) > 1.0:
            rows.append((group, m.group(1), float(m.group(4)), m.group(3), m.group(5).strip(', ')))
    return rows


def manifest_classes(corpus):
    """The class of every example as the corpus's MANIFEST.md gives it (point, point network, ...)."""
    classes, current = {}, None
    try:
        with open(os.path.join(corpus, 'MANIFEST.md')) as f:
            for line in f:
                m = re.match(r'### (LEMS_NML2_\S+)', line)
                if m:
                    current = m.group(1)
                m = re.match(r'- \*\*Class\*\*: (.*)', line)
                if m and current:
                    classes[current] = m.group(1).strip()
    except OSError:
        pass
    return classes


def within_one_step(trains):
    """(spikes within one step of their reference spike, reference spikes) over the deterministic
    trains, each counted once."""
    rows = [t for t in trains if not t['duplicate'] and not t['random']]
    return sum(t['within_one'] for t in rows), sum(t['ref'] for t in rows)


def against_step_time(sf, model, outdir, fixed, info, reference_of):
    """The float simulator keeping time as step x dt (`--time steps`) as a second reference: the
    fixed run against the first reference (whose time is a running sum of dt) and against this one,
    and this one against the first, as (within one step, spikes) pairs. What the fixed backend
    changes against the second is quantisation; what the second changes against the first is the
    first's rounding of time."""
    steps_run = simulate(sf, model, outdir, 'float', time='steps')
    if not steps_run['ok']:
        return dict(ok=False, message=steps_run['message'])
    fixed_vs_steps = compare_outputs(fixed, lambda name: steps_run['files'].get(name), info)
    steps_vs_reference = compare_outputs(steps_run, reference_of, info)
    populations = info.summary()['populations']
    regular = [t for t in fixed_vs_steps['trains']
               if 'chaos' not in (populations.get(re.split(r'[\[/]', t['select'])[0], '') or '').lower()]
    return dict(ok=True, fixed_vs_reference=within_one_step(fixed['trains']),
                fixed_vs_steps=within_one_step(fixed_vs_steps['trains']),
                fixed_vs_steps_regular=within_one_step(regular),
                steps_vs_reference=within_one_step(steps_vs_reference['trains']),
                wall_s=steps_run['wall_s'])


def run_corpus(sf, corpus, scratch, only=None):
    classes = manifest_classes(corpus)
    results = []
    for short in EXAMPLES:
        if only and short not in only:
            continue
        example = 'LEMS_NML2_' + short
        model = os.path.join(corpus, 'derived', example + '.ref.xml')
        if not os.path.isfile(model):
            continue
        info = model_info(model)
        entry = dict(example=example, short=short, runs={}, info=info.summary(), kind=classes.get(example, ''))
        for integrator in ('euler', 'exact'):
            log(f'   {short}: fixed, {integrator} ...')
            r = simulate(sf, model, os.path.join(scratch, integrator, example), 'fixed', integrator)
            if r['ok']:
                r['length'] = r['steps'] * r['dt']
                r.update(compare_outputs(r, lambda name: reference_for(corpus, example, name), info))
            entry['runs'][integrator] = r
        entry['tables'] = table_errors(run([sf, 'compile', model, '--board', BOARD])['stdout'])
        compiled = run([sf, 'compile', model, '--board', BOARD, '--integrator', 'exact'])
        entry['exact_notes'] = re.findall(r'^    \S.*: (exact for .*|forward Euler.*)$', compiled['stdout'], re.M)
        r = entry['runs']['euler']
        if r['ok']:
            log(f'   {short}: float, --time steps ...')
            entry['step_time'] = against_step_time(sf, model, os.path.join(scratch, 'steps', example), r, info,
                                                   lambda name: reference_for(corpus, example, name))
            recorded = {c['quantity'] for c in r['traces']}
            probe = probe_random_inputs(sf, model, info, recorded, os.path.join(scratch, 'probe', example), r,
                                        corpus, example)
            if probe is not None:
                log(f'   {short}: Poisson inputs recorded, fixed and float ...')
                entry['probe'] = probe
        results.append(entry)
    return results


def run_user_defined(sf, scratch):
    """The user-defined example: the fixed backend (both integrators) against spikeforge's float
    simulator, which reproduces the reference on the corpus."""
    if not os.path.isfile(USER_DEFINED):
        return None
    info = model_info(USER_DEFINED)
    log('   user-defined example: float ...')
    flt = simulate(sf, USER_DEFINED, os.path.join(scratch, 'user_defined', 'float'), 'float')
    entry = dict(example=os.path.relpath(USER_DEFINED, REPO), short='user_defined', float=flt, runs={},
                 info=info.summary())
    for integrator in ('euler', 'exact'):
        log(f'   user-defined example: fixed, {integrator} ...')
        r = simulate(sf, USER_DEFINED, os.path.join(scratch, 'user_defined', integrator), 'fixed', integrator)
        if r['ok'] and flt['ok']:
            r['length'] = r['steps'] * r['dt']
            r.update(compare_outputs(r, lambda name: flt['files'].get(name), info))
        elif r['ok']:
            r['ok'], r['message'] = False, 'the float run failed: ' + flt['message']
        entry['runs'][integrator] = r
    r = entry['runs']['euler']
    if r['ok'] and flt['ok']:
        log('   user-defined example: float, --time steps ...')
        entry['step_time'] = against_step_time(sf, USER_DEFINED, os.path.join(scratch, 'user_defined', 'steps'), r,
                                               info, lambda name: flt['files'].get(name))
    compiled = run([sf, 'compile', USER_DEFINED, '--board', BOARD, '--integrator', 'exact'])
    entry['exact_notes'] = re.findall(r'^    \S.*: (exact for .*|forward Euler.*)$', compiled['stdout'], re.M)
    return entry


# The chain's runs: label, backend, --time choice.
CHAIN_RUNS = [('float', 'float', None), ('float, --time steps', 'float', 'steps'), ('fixed', 'fixed', None)]


def run_chain(sf, scratch):
    """A network of refractory cells that is not chaotic (examples/refractory_ties): its refractory
    periods and synaptic delays all end on whole-step ties. The fixed backend and the float
    simulator's default (accumulated) time against the float simulator keeping time as steps."""
    if not os.path.isfile(CHAIN):
        return None
    info = model_info(CHAIN)
    runs = {}
    for label, backend, keeping in CHAIN_RUNS:
        log(f'   refractory chain: {label} ...')
        runs[label] = simulate(sf, CHAIN, os.path.join(scratch, 'chain', re.sub(r'\W+', '_', label)), backend,
                               time=keeping)
    entry = dict(example=os.path.relpath(CHAIN, REPO), runs={})
    steps_run = runs['float, --time steps']
    for label, r in runs.items():
        row = dict(ok=r['ok'], message=r.get('message'), counters=r.get('counters'))
        if r['ok'] and steps_run['ok']:
            r['length'] = r['steps'] * r['dt']
            trains = compare_outputs(r, lambda name: steps_run['files'].get(name), info)['trains']
            rows = [t for t in trains if not t['duplicate']]
            row.update(spikes=sum(t['ours'] for t in rows), cells=len(rows),
                       within=within_one_step(trains),
                       cells_off=sorted(t['select'] for t in rows if t['within_one'] < t['ref'] or t['diff']),
                       max_err=max((t['max_err'] or 0 for t in rows), default=0))
        entry['runs'][label] = row
    return entry


def cuba_spikes(path, dt):
    """(step, neuron) of every spike of a CUBA spike file."""
    spikes = []
    with open(path) as f:
        for line in f:
            parts = line.split()
            if len(parts) == 2:
                spikes.append((round(float(parts[0]) / dt), int(parts[1])))
    return spikes


def pearson(x, y):
    n = len(x)
    mx, my = sum(x) / n, sum(y) / n
    sxy = sum((a - mx) * (b - my) for a, b in zip(x, y))
    sxx = sum((a - mx) ** 2 for a in x)
    syy = sum((b - my) ** 2 for b in y)
    return sxy / math.sqrt(sxx * syy) if sxx > 0 and syy > 0 else float('nan')


# CUBA runs: label, backend, integrator, change to the generated file (old, new) or None. The two
# float controls tell chaos from error: one with El moved by 1 nV (a few units of the cores' 2^-32 V
# membrane word), one with other initial potentials (the Simulation's seed; same connections).
CUBA_RUNS = [('float', 'float', 'euler', None),
             ('float, --time steps', 'float', 'euler', None),
             ('fixed', 'fixed', 'euler', None),
             ('fixed, exact', 'fixed', 'exact', None),
             ('float, El + 1 nV', 'float', 'euler', ('El="-49mV"', 'El="-49.000001mV"')),
             ('float, other seed', 'float', 'euler', ('target="net" seed="1234"', 'target="net" seed="4321"'))]


def cuba_against(r, base, dt):
    """Run r against run base: rate error, per-neuron rate correlation, neurons with the same
    count, the first spike in one and not the other, the share of base's spikes r has too."""
    differ = sorted(r['spikes'] ^ base['spikes'])
    early = [x for x in base['spikes'] if x[0] * dt < 0.1]
    return dict(rate_error_pct=100.0 * (r['rate'] - base['rate']) / base['rate'],
                correlation=pearson(r['counts'], base['counts']),
                same_count=sum(1 for x, y in zip(r['counts'], base['counts']) if x == y),
                first_difference=differ[0][0] * dt if differ else None,
                same_early=sum(1 for x in early if x in r['spikes']) / len(early) if early else None,
                same_all=len(r['spikes'] & base['spikes']) / len(base['spikes']) if base['spikes'] else None)


def run_cuba(sf, scratch, bio=1.0):
    path = os.path.join(scratch, 'cuba.xml')
    gen = subprocess.run([sys.executable, GEN, 'cuba', '--bio', f'{bio:g}', '-o', path], check=True,
                         capture_output=True, text=True).stdout.strip()
    with open(path) as f:
        text = f.read()
    n, n_e, dt = 4000, 3200, 1e-4
    res = dict(bio=bio, generated=gen, runs={})
    for label, backend, integrator, change in CUBA_RUNS:
        model = path
        if change:
            if change[0] not in text:
                res['runs'][label] = dict(ok=False, message=f'{change[0]} not found in the generated file')
                continue
            model = os.path.join(scratch, 'cuba_variant.xml')
            with open(model, 'w') as f:
                f.write(text.replace(change[0], change[1]))
        log(f'   CUBA: {label} ...')
        r = simulate(sf, model, os.path.join(scratch, 'cuba_' + re.sub(r'\W+', '_', label)), backend, integrator,
                     time='steps' if '--time steps' in label else None)
        if r['ok']:
            spikes = cuba_spikes(r['files']['cuba.spikes'], dt)
            counts = [0] * n
            for _, i in spikes:
                counts[i] += 1
            r.update(spikes=set(spikes), counts=counts, rate=len(spikes) / n / bio,
                     rate_exc=sum(counts[:n_e]) / n_e / bio, rate_inh=sum(counts[n_e:]) / (n - n_e) / bio)
        res['runs'][label] = r
    base = res['runs']['float']
    for label, r in res['runs'].items():
        if label == 'float' or not r['ok'] or not base['ok']:
            continue
        r.update(cuba_against(r, base, dt))
    fixed, steps = res['runs'].get('fixed'), res['runs'].get('float, --time steps')
    if fixed and steps and fixed['ok'] and steps['ok']:
        res['fixed_vs_steps'] = cuba_against(fixed, steps, dt)
    compiled = run([sf, 'compile', path, '--board', BOARD, '--integrator', 'exact'])
    res['exact_notes'] = re.findall(r'^    \S.*: (exact for .*|forward Euler.*)$', compiled['stdout'], re.M)
    for r in res['runs'].values():
        r.pop('spikes', None)
    for f in (path, os.path.join(scratch, 'cuba_variant.xml')):
        if os.path.exists(f):
            os.remove(f)
    return res


def measure(sf, corpus, scratch, only=None, cuba=True, command='bench/fidelity.py'):
    """Every measurement, as the results file holds them; `command` is what the document says
    produced them."""
    start = time.monotonic()
    mi = machine_info()
    commit, dirty = checkout_info()
    log(f'== fidelity of the fixed backend: {mi["cpu"]}, {mi["cores"]} cores; commit {commit}; {sf}')
    data = dict(machine=mi, commit=commit, dirty=dirty, command=command)
    data['corpus'] = run_corpus(sf, corpus, scratch, only)
    data['user'] = run_user_defined(sf, scratch)
    data['chain'] = run_chain(sf, scratch)
    data['cuba'] = run_cuba(sf, scratch) if cuba else None
    data['wall_s'] = time.monotonic() - start
    return data


def add_options(p):
    """The measurement's options, shared with fidelity.py."""
    p.add_argument('--spikeforge', default=DEFAULT_SPIKEFORGE,
                   help='the built tool (default: build/release/host/cli/spikeforge)')
    p.add_argument('--corpus', default=DEFAULT_CORPUS,
                   help='the conformance corpus (default: $SF_CONFORMANCE_DIR, else ../shared/conformance)')
    p.add_argument('--results', default=DEFAULT_RESULTS,
                   help='the results file to write (default: build/fidelity.json)')
    p.add_argument('--scratch', help='folder for outputs (default: a temporary folder, removed afterwards)')
    p.add_argument('--no-cuba', action='store_true', help='leave out the CUBA network')
    p.add_argument('--only', help='comma-separated corpus examples to run (e.g. Ex0_IaF,Ex8_AdEx); default: all')


def run_measurements(opts):
    """Measures as the parsed options say and writes the results file."""
    sf = os.path.abspath(opts.spikeforge)
    if not os.access(sf, os.X_OK):
        raise SystemExit(f'fidelity: {sf} is not an executable (build it, or give --spikeforge)')
    corpus = os.path.abspath(opts.corpus)
    if not os.path.isdir(os.path.join(corpus, 'reference')):
        raise SystemExit(f'fidelity: no conformance corpus at {corpus} (give --corpus or set SF_CONFORMANCE_DIR)')
    command = 'bench/fidelity.py'
    if sf != DEFAULT_SPIKEFORGE:
        command += ' --spikeforge ' + os.path.relpath(sf, REPO)
    if opts.no_cuba:
        command += ' --no-cuba'
    if opts.only:
        command += ' --only ' + opts.only
    scratch = opts.scratch or tempfile.mkdtemp(prefix='sf_fidelity_')
    os.makedirs(scratch, exist_ok=True)
    try:
        data = measure(sf, corpus, scratch, opts.only.split(',') if opts.only else None, not opts.no_cuba, command)
    finally:
        if not opts.scratch:
            shutil.rmtree(scratch, ignore_errors=True)
    save_results(opts.results, data)
    log(f'== wrote {opts.results} ({data["wall_s"]:.0f} s)')


def main(argv):
    p = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    add_options(p)
    run_measurements(p.parse_args(argv))


if __name__ == '__main__':
    main(sys.argv[1:])
