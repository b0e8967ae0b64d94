#!/usr/bin/env python3
"""Builds the mapping benchmark's networks in Brian2 (the peer beside `sf_bench_map`).

The same rules as bench/map/networks.cpp, drawn with numpy (another random stream, the same
statistics): IF_curr_exp-like LIF cells with exponential current synapses, 80 % excitatory;
`random` and `distance` with a fixed in-degree, `microcircuit` with Potjans and Diesmann's
probabilities as a fixed total number of synapses per projection. Brian2 runtime mode with the
numpy code generation target (nothing compiled, nothing cached). Timed: drawing the connections
(numpy), Synapses.connect and setting weights and delays, and the first run of one time step
(Brian2 builds its spike queues and synaptic structures there): everything before the network can
simulate. Prints one line: RESULT {json}.

usage: peer_brian2_build.py random|distance|microcircuit [--neurons N] [--in-degree K]
                            [--sigma S] [--scale S] [--seed S]
"""
import argparse
import json
import resource
import sys
import time

import numpy as np

DT_MS = 0.1
PSC_E_NA = 0.08781

NAMES = ['L23E', 'L23I', 'L4E', 'L4I', 'L5E', 'L5I', 'L6E', 'L6I']
FULL = [20683, 5834, 21915, 5479, 4850, 1065, 14395, 2948]
PROBABILITY = [  # targets by row, sources by column
    [0.1009, 0.1689, 0.0437, 0.0818, 0.0323, 0.0, 0.0076, 0.0],
    [0.1346, 0.1371, 0.0316, 0.0515, 0.0755, 0.0, 0.0042, 0.0],
    [0.0077, 0.0059, 0.0497, 0.1350, 0.0067, 0.0003, 0.0453, 0.0],
    [0.0691, 0.0029, 0.0794, 0.1597, 0.0033, 0.0, 0.1057, 0.0],
    [0.1004, 0.0622, 0.0505, 0.0057, 0.0831, 0.3726, 0.0204, 0.0],
    [0.0548, 0.0269, 0.0257, 0.0022, 0.0600, 0.3158, 0.0086, 0.0],
    [0.0156, 0.0066, 0.0211, 0.0166, 0.0572, 0.0197, 0.0396, 0.2252],
    [0.0364, 0.0010, 0.0034, 0.0005, 0.0277, 0.0080, 0.0658, 0.1443],
]
K_EXT = [1600, 1500, 2100, 1900, 2000, 1900, 2900, 2100]


def sheet(n):
    columns = max(1, int(np.ceil(np.sqrt(n))))
    rows = (n + columns - 1) // columns
    return columns, rows


def positions(n):
    columns, rows = sheet(n)
    i = np.arange(n)
    return (i % columns + 0.5) / columns, (i // columns + 0.5) / rows


def distance_sources(rng, n_from, targets_x, targets_y, k, sigma):
    """k sources per target from a Gaussian around it on the unit torus; delays from distance."""
    columns, rows = sheet(n_from)
    tx = np.repeat(targets_x, k)
    ty = np.repeat(targets_y, k)
    sources = np.full(tx.size, -1, dtype=np.int64)
    todo = np.arange(tx.size)
    while todo.size:
        px = (tx[todo] + rng.normal(0.0, sigma, todo.size)) % 1.0
        py = (ty[todo] + rng.normal(0.0, sigma, todo.size)) % 1.0
        c = np.minimum(columns - 1, (px * columns).astype(np.int64))
        r = np.minimum(rows - 1, (py * rows).astype(np.int64))
        idx = r * columns + c
        ok = idx < n_from
        sources[todo[ok]] = idx[ok]
        todo = todo[~ok]
    fx, fy = positions(n_from)
    dx = np.abs(fx[sources] - tx)
    dy = np.abs(fy[sources] - ty)
    dx = np.minimum(dx, 1.0 - dx)
    dy = np.minimum(dy, 1.0 - dy)
    delay_ms = np.maximum(1.0, np.round((1.0 + 10.0 * np.sqrt(dx * dx + dy * dy)) / DT_MS)) * DT_MS
    return sources, delay_ms


def signed_normal(rng, mean, size):
    w = rng.normal(mean, abs(mean) * 0.1, size)
    bad = w * mean <= 0
    while bad.any():
        w[bad] = rng.normal(mean, abs(mean) * 0.1, bad.sum())
        bad = w * mean <= 0
    return w


def draw(opts, rng):
    """Populations [(name, size, i_offset_nA)] and projections [(source, target, exc, i, j, w_nA, delay_ms)]."""
    projections = []
    if opts.kind in ('random', 'distance'):
        n_e = opts.neurons * 4 // 5
        pops = [('E', n_e, 0.6), ('I', opts.neurons - n_e, 0.6)]
        k_e = opts.in_degree * 4 // 5
        for t in range(2):
            tx, ty = positions(pops[t][1])
            for s in range(2):
                k = k_e if s == 0 else opts.in_degree - k_e
                j = np.repeat(np.arange(pops[t][1], dtype=np.int32), k)
                if opts.kind == 'random':
                    i = rng.integers(0, pops[s][1], j.size, dtype=np.int32)
                    d = np.full(j.size, 1.5)
                else:
                    i, d = distance_sources(rng, pops[s][1], tx, ty, k, opts.sigma)
                    i = i.astype(np.int32)
                w = np.full(j.size, PSC_E_NA if s == 0 else -5.0 * PSC_E_NA)
                projections.append((s, t, s == 0, i, j, w, d))
        return pops, projections
    pops = [(NAMES[p], max(1, int(round(FULL[p] * opts.scale))), K_EXT[p] * 8.0 * PSC_E_NA * 0.5e-3)
            for p in range(8)]
    for t in range(8):
        for s in range(8):
            p = PROBABILITY[t][s]
            if p <= 0:
                continue
            n = int(round(np.log(1 - p) / np.log(1 - 1 / (FULL[s] * FULL[t])) * opts.scale))
            exc = s % 2 == 0
            mean = (2.0 if (s == 2 and t == 0) else 1.0) * PSC_E_NA if exc else -4.0 * PSC_E_NA
            delay = 1.5 if exc else 0.75
            i = rng.integers(0, pops[s][1], n, dtype=np.int32)
            j = rng.integers(0, pops[t][1], n, dtype=np.int32)
            w = signed_normal(rng, mean, n)
            d = np.maximum(1.0, np.round(rng.normal(delay, delay * 0.5, n) / DT_MS)) * DT_MS
            projections.append((s, t, exc, i, j, w, d))
    return pops, projections


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('kind', choices=['random', 'distance', 'microcircuit'])
    ap.add_argument('--neurons', type=int, default=10000)
    ap.add_argument('--in-degree', type=int, default=1000)
    ap.add_argument('--sigma', type=float, default=0.05)
    ap.add_argument('--scale', type=float, default=1.0)
    ap.add_argument('--seed', type=int, default=1234)
    opts = ap.parse_args()

    t0 = time.monotonic()
    import brian2 as b2
    b2.prefs.codegen.target = 'numpy'
    b2.defaultclock.dt = DT_MS * b2.ms
    import_s = time.monotonic() - t0

    t0 = time.monotonic()
    rng = np.random.default_rng(opts.seed)
    pops, projections = draw(opts, rng)
    draw_s = time.monotonic() - t0

    t0 = time.monotonic()
    eqs = '''dv/dt = (v_rest - v) / tau_m + (I_e + I_i + I_off) / C_m : volt (unless refractory)
             dI_e/dt = -I_e / tau_s : amp
             dI_i/dt = -I_i / tau_s : amp
             I_off : amp'''
    namespace = dict(v_rest=-65 * b2.mV, tau_m=10 * b2.ms, C_m=250 * b2.pF, tau_s=0.5 * b2.ms)
    groups = []
    for name, size, offset in pops:
        g = b2.NeuronGroup(size, eqs, threshold='v > -50*mV', reset='v = -65*mV', refractory=2 * b2.ms,
                           method='exact', namespace=namespace, name=name)
        g.v = rng.normal(-58.0, 10.0, size) * b2.mV
        g.I_off = offset * b2.nA
        groups.append(g)
    synapses = []
    total = 0
    for s, t, exc, i, j, w, d in projections:
        syn = b2.Synapses(groups[s], groups[t], 'w : amp', on_pre=('I_e_post += w' if exc else 'I_i_post += w'))
        syn.connect(i=i, j=j)
        syn.w = w * b2.nA
        syn.delay = d * b2.ms
        synapses.append(syn)
        total += len(i)
    connect_s = time.monotonic() - t0
    del projections

    t0 = time.monotonic()
    net = b2.Network(groups + synapses)
    net.run(DT_MS * b2.ms, namespace={})
    first_step_s = time.monotonic() - t0

    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print('RESULT ' + json.dumps(dict(
        kind=opts.kind, neurons=int(sum(p[1] for p in pops)), synapses=int(total), brian2=b2.__version__,
        import_s=import_s, draw_s=draw_s, connect_s=connect_s, first_step_s=first_step_s,
        build_s=connect_s + first_step_s, peak_rss_kib=rss)), flush=True)


if __name__ == '__main__':
    sys.exit(main())
