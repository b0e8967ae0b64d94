#!/usr/bin/env python3
"""Generate NeuroML2/LEMS benchmark networks for spikeforge (Python 3, standard library only).

Two kinds of network, both deterministic for a given --seed:

  load  N neurons of iafCell in two populations (80 % "popE", 20 % "popI") and M explicit
        <connection> elements spread over the four projections E->E, E->I, I->E, I->I in
        proportion to pre x post size, through two expOneSynapse components. Pre and post cells
        are drawn uniformly at random. The Simulation is 1 ms long: the file exists to measure
        loading (spikeforge validate / info), not dynamics.

  cuba  The Vogels-Abbott (2005) CUBA benchmark as in Brian2's example and brian2_bench.py:
        4000 LIF cells (cells 0..3199 excitatory, 3200..3999 inhibitory) in one population,
        Bernoulli connectivity p = 0.02 (autapses allowed, as Brian2's connect(p=...) does), dt 0.1 ms.
        Written with a user-defined cell and synapse type (see CUBA_TYPES below) so that the
        model is exactly CUBA; every connection is one synapse instance attached to its post cell.
        All spikes are written to an EventOutputFile (TIME_ID, one line per spike).

usage:
  gen_network.py load --neurons N --connections M [--seed S] -o FILE
  gen_network.py cuba [--bio SECONDS] [--seed S] [--no-record] [--pre-per-projection K] -o FILE

Prints one line "generated FILE: N cells, M connections, B bytes".
"""
import argparse
import math
import os
import random
import sys

HEADER = '<?xml version="1.0" encoding="UTF-8"?>\n<Lems xmlns="http://www.neuroml.org/lems/0.7.6">\n'
FOOTER = '</Lems>\n'
CHUNK = 200_000  # connections per write() call


def write_connections(out, rng, n_connections, pre_pop, n_pre, post_pop, n_post, first_id):
    """Writes n_connections <connection> elements with uniformly random pre and post cells."""
    written = 0
    rand = rng.randrange
    while written < n_connections:
        count = min(CHUNK, n_connections - written)
        base = first_id + written
        out.write(''.join(
            f'            <connection id="{base + k}" preCellId="../{pre_pop}[{rand(n_pre)}]" '
            f'postCellId="../{post_pop}[{rand(n_post)}]"/>\n'
            for k in range(count)))
        written += count


def generate_load(path, neurons, connections, seed):
    rng = random.Random(seed)
    n_e = int(round(neurons * 0.8))
    n_i = neurons - n_e
    if n_e <= 0 or n_i <= 0:
        raise SystemExit('--neurons must be at least 2')
    pops = [('popE', n_e), ('popI', n_i)]
    # Split M over the four projections in proportion to pre x post size; the last takes the rest.
    projections = []
    assigned = 0
    pairs = [(a, b) for a in pops for b in pops]
    for k, (pre, post) in enumerate(pairs):
        if k == len(pairs) - 1:
            m = connections - assigned
        else:
            m = int(connections * (pre[1] * post[1]) / (neurons * neurons))
        assigned += m
        projections.append((pre, post, m))
    with open(path, 'w', encoding='utf-8', buffering=1 << 20) as out:
        out.write(HEADER)
        out.write('    <Include file="Cells.xml"/>\n    <Include file="Networks.xml"/>\n'
                  '    <Include file="Simulation.xml"/>\n\n')
        out.write('    <iafCell id="iaf" C="1nF" leakConductance="50nS" leakReversal="-65mV" '
                  'thresh="-50mV" reset="-65mV"/>\n')
        out.write('    <expOneSynapse id="synE" gbase="1nS" erev="0mV" tauDecay="5ms"/>\n')
        out.write('    <expOneSynapse id="synI" gbase="2nS" erev="-80mV" tauDecay="10ms"/>\n\n')
        out.write('    <network id="net">\n')
        for name, size in pops:
            out.write(f'        <population id="{name}" component="iaf" size="{size}"/>\n')
        for (pre, n_pre), (post, n_post), m in projections:
            syn = 'synE' if pre == 'popE' else 'synI'
            out.write(f'        <projection id="{pre}_{post}" presynapticPopulation="{pre}" '
                      f'postsynapticPopulation="{post}" synapse="{syn}">\n')
            write_connections(out, rng, m, pre, n_pre, post, n_post, 0)
            out.write('        </projection>\n')
        out.write('    </network>\n\n')
        out.write('    <Simulation id="sim" length="1ms" step="0.1ms" target="net"/>\n')
        out.write('    <Target component="sim"/>\n')
        out.write(FOOTER)
    return neurons, connections


# The CUBA cell and synapse. Brian2's model is
#     dv/dt = (ge + gi - (v - El)) / taum  (unless refractory),  dge/dt = -ge/taue,  dgi/dt = -gi/taui,
#     on a presynaptic spike: ge += we (or gi += wi), threshold v > Vt, reset v = Vr, refractory 5 ms.
# In NeuroML a synapse is a current source attached to the post cell, so each synapse holds a
# voltage-like variable x (Brian2's ge or gi contribution of that one connection), decays with its
# own tau, jumps by weight * jump on each event, and exposes i = gL * x. The cell integrates
#     C dv/dt = gL (El - v) + sum(i)   <=>   dv/dt = (sum(x) - (v - El)) / taum   with taum = C / gL,
# which is CUBA exactly (the sum over a cell's synapses of x is ge + gi).
CUBA_TYPES = '''    <ComponentType name="cubaCell" extends="baseCellMembPotCap"
            description="Vogels-Abbott CUBA LIF cell: C dv/dt = gL (El - v) + iSyn, v uniform in [Vr, Vt) at start, v held at Vr for tref after a spike">
        <Parameter name="gL" dimension="conductance"/>
        <Parameter name="El" dimension="voltage"/>
        <Parameter name="Vt" dimension="voltage"/>
        <Parameter name="Vr" dimension="voltage"/>
        <Parameter name="tref" dimension="time"/>
        <Attachments name="synapses" type="basePointCurrent"/>
        <Dynamics>
            <StateVariable name="v" dimension="voltage" exposure="v"/>
            <StateVariable name="lastSpikeTime" dimension="time"/>
            <DerivedVariable name="iSyn" dimension="current" exposure="iSyn" select="synapses[*]/i" reduce="add"/>
            <DerivedVariable name="iMemb" dimension="current" exposure="iMemb" value="gL * (El - v) + iSyn"/>
            <OnStart>
                <StateAssignment variable="v" value="Vr + random(Vt - Vr)"/>
            </OnStart>
            <Regime name="refractory">
                <OnEntry>
                    <StateAssignment variable="lastSpikeTime" value="t"/>
                    <StateAssignment variable="v" value="Vr"/>
                </OnEntry>
                <OnCondition test="t .gt. lastSpikeTime + tref">
                    <Transition regime="integrating"/>
                </OnCondition>
            </Regime>
            <Regime name="integrating" initial="true">
                <TimeDerivative variable="v" value="iMemb / C"/>
                <OnCondition test="v .gt. Vt">
                    <EventOut port="spike"/>
                    <Transition regime="refractory"/>
                </OnCondition>
            </Regime>
        </Dynamics>
    </ComponentType>

    <ComponentType name="cubaSynapse" extends="baseCurrentBasedSynapse"
            description="CUBA voltage-jump synapse: x jumps by weight * jump per event, decays with tau; i = gL * x (gL of the post cell)">
        <Parameter name="tau" dimension="time"/>
        <Parameter name="jump" dimension="voltage"/>
        <Parameter name="gL" dimension="conductance"/>
        <Property name="weight" dimension="none" defaultValue="1"/>
        <Dynamics>
            <StateVariable name="x" dimension="voltage"/>
            <DerivedVariable name="i" dimension="current" exposure="i" value="gL * x"/>
            <TimeDerivative variable="x" value="-x / tau"/>
            <OnStart>
                <StateAssignment variable="x" value="0"/>
            </OnStart>
            <OnEvent port="in">
                <StateAssignment variable="x" value="x + weight * jump"/>
            </OnEvent>
        </Dynamics>
    </ComponentType>
'''


def bernoulli_targets(rng, n_post, p):
    """Indices j in [0, n_post) each kept with probability p (geometric skipping, exact Bernoulli)."""
    log_q = math.log(1.0 - p)
    j = -1
    while True:
        u = rng.random()
        j += 1 + int(math.log(1.0 - u) / log_q)
        if j >= n_post:
            return
        yield j


def generate_cuba(path, bio_s, seed, record=True, pre_per_projection=0):
    rng = random.Random(seed)
    n, n_e, p = 4000, 3200, 0.02
    if pre_per_projection <= 0:
        pre_per_projection = n  # the textbook form: one projection exc, one inh
    lines = []
    n_conn = {'exc': 0, 'inh': 0}
    with open(path, 'w', encoding='utf-8', buffering=1 << 20) as out:
        out.write(HEADER)
        out.write('    <!-- Vogels-Abbott (2005) CUBA benchmark with Brian2\'s parameters; generated by '
                  f'bench/gen_network.py cuba --seed {seed} --bio {bio_s:g} --pre-per-projection {pre_per_projection} -->\n')
        out.write('    <Include file="Cells.xml"/>\n    <Include file="Networks.xml"/>\n'
                  '    <Include file="Simulation.xml"/>\n\n')
        out.write(CUBA_TYPES)
        out.write('\n    <!-- taum = C / gL = 20 ms; we = 60 * 0.27 / 10 mV = 1.62 mV; wi = -20 * 4.5 / 10 mV = -9 mV -->\n')
        out.write('    <cubaCell id="lif" C="200pF" gL="10nS" El="-49mV" Vt="-50mV" Vr="-60mV" tref="5ms"/>\n')
        out.write('    <cubaSynapse id="synE" tau="5ms" jump="1.62mV" gL="10nS"/>\n')
        out.write('    <cubaSynapse id="synI" tau="10ms" jump="-9mV" gL="10nS"/>\n\n')
        out.write('    <network id="net">\n')
        out.write(f'        <population id="pop" component="lif" size="{n}"/>\n')
        # Every connection delays its spike by one time step: Brian2 applies a spike of step n to
        # ge or gi at the end of that step, so it reaches v from step n + 1 on, for every cell alike.
        # (Zero-delay LEMS connections would reach the cells after the sender within step n.)
        for proj, syn, pre_range in (('exc', 'synE', range(0, n_e)), ('inh', 'synI', range(n_e, n))):
            # Consecutive presynaptic cells are grouped into projections of `pre_per_projection` cells
            # (all of them with pre = post = pop and the same synapse): the connections, their order
            # and the random draws do not depend on the grouping.
            k = 0
            for first in range(pre_range.start, pre_range.stop, pre_per_projection):
                last = min(first + pre_per_projection, pre_range.stop)
                name = proj if pre_per_projection >= len(pre_range) else f'{proj}{first}'
                out.write(f'        <projection id="{name}" presynapticPopulation="pop" '
                          f'postsynapticPopulation="pop" synapse="{syn}">\n')
                k_local = 0
                for i in range(first, last):
                    lines.clear()
                    for j in bernoulli_targets(rng, n, p):
                        lines.append(f'            <connectionWD id="{k_local}" preCellId="../pop[{i}]" '
                                     f'postCellId="../pop[{j}]" weight="1" delay="0.1ms"/>\n')
                        k_local += 1
                    out.write(''.join(lines))
                k += k_local
                out.write('        </projection>\n')
            n_conn[proj] = k
        out.write('    </network>\n\n')
        out.write(f'    <Simulation id="sim" length="{bio_s * 1000:g}ms" step="0.1ms" target="net" seed="{seed}">\n')
        if record:
            out.write('        <EventOutputFile id="spikes" fileName="cuba.spikes" format="TIME_ID">\n')
            out.write(''.join(f'            <EventSelection id="{i}" select="pop[{i}]" eventPort="spike"/>\n'
                              for i in range(n)))
            out.write('        </EventOutputFile>\n')
        out.write('    </Simulation>\n')
        out.write('    <Target component="sim"/>\n')
        out.write(FOOTER)
    return n, n_conn['exc'] + n_conn['inh']


def main(argv):
    parser = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    sub = parser.add_subparsers(dest='kind', required=True)
    load = sub.add_parser('load', help='N iafCell neurons, M random <connection> elements')
    load.add_argument('--neurons', type=int, required=True)
    load.add_argument('--connections', type=int, required=True)
    load.add_argument('--seed', type=int, default=1234)
    load.add_argument('-o', '--output', required=True)
    cuba = sub.add_parser('cuba', help='Vogels-Abbott CUBA, 4000 LIF cells, p = 0.02')
    cuba.add_argument('--bio', type=float, default=1.0, help='biological time in seconds (default 1)')
    cuba.add_argument('--seed', type=int, default=1234)
    cuba.add_argument('--no-record', action='store_true', help='no EventOutputFile')
    cuba.add_argument('--pre-per-projection', type=int, default=0,
                      help='presynaptic cells per <projection> (default 0: all, i.e. the textbook two '
                           'projections exc and inh; 1 gives 4000 projections of ~80 connections). '
                           'The connections and their order do not depend on it')
    cuba.add_argument('-o', '--output', required=True)
    args = parser.parse_args(argv)
    os.makedirs(os.path.dirname(os.path.abspath(args.output)), exist_ok=True)
    if args.kind == 'load':
        cells, conns = generate_load(args.output, args.neurons, args.connections, args.seed)
    else:
        cells, conns = generate_cuba(args.output, args.bio, args.seed, record=not args.no_record,
                                    pre_per_projection=args.pre_per_projection)
    print(f'generated {args.output}: {cells} cells, {conns} connections, {os.path.getsize(args.output)} bytes')


if __name__ == '__main__':
    main(sys.argv[1:])
