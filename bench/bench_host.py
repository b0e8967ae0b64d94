"""(g) Host link: image load, sustained live input and the closed-loop round trip over loopback UDP
against a `spikeforge serve` child, directly and through a relay that drops 1 % of the datagrams
(`sf_bench_host`, host/host_bench.cpp). Standard library only; started by run_bench.py."""
import json
import os
import re
import signal
import subprocess
import time

from measure import log

HERE = os.path.dirname(os.path.abspath(__file__))
CLOSED_LOOP = os.path.join(HERE, '..', 'examples', 'closed_loop', 'LEMS_closed_loop.xml')


def write_input_network(path, drive, cells):
    """A host-driven population `drive` (a spikeArray without spikes of its own) of `drive` cells,
    each projecting onto one of `cells` integrate-and-fire cells (cell i onto i mod cells)."""
    lines = ['<Lems>',
             '    <!-- The live-input benchmark network: every spike of `drive` comes from the host. -->',
             '    <Target component="sim"/>',
             '    <Include file="Cells.xml"/>', '    <Include file="Networks.xml"/>',
             '    <Include file="Simulation.xml"/>',
             '    <spikeArray id="hostDriven"/>',
             '    <iafRefCell id="target" C="250pF" leakConductance="12.5nS" leakReversal="-65mV" '
             'thresh="-50mV" reset="-65mV" refract="2ms"/>',
             '    <expOneSynapse id="driveSyn" gbase="1nS" erev="0mV" tauDecay="2ms"/>',
             '    <network id="net">',
             f'        <population id="drive" component="hostDriven" size="{drive}"/>',
             f'        <population id="cells" component="target" size="{cells}"/>',
             '        <projection id="driveCells" presynapticPopulation="drive" '
             'postsynapticPopulation="cells" synapse="driveSyn">']
    for i in range(drive):
        lines.append(f'            <connectionWD id="{i}" preCellId="../drive[{i}]" '
                     f'postCellId="../cells[{i % cells}]" weight="1" delay="1ms"/>')
    lines += ['        </projection>', '    </network>',
              '    <Simulation id="sim" length="1000ms" step="1ms" target="net"/>', '</Lems>']
    with open(path, 'w') as f:
        f.write('\n'.join(lines) + '\n')


def start_server(sf, log_path):
    """Starts `spikeforge serve` in lockstep on a free loopback port; returns (process, url)."""
    out = open(log_path, 'w')
    proc = subprocess.Popen([sf, 'serve', '--target', 'functional', '--port', '0', '--pace', 'lockstep'],
                            stdout=out, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        with open(log_path) as f:
            m = re.search(r'^serving .* on (udp://\S+)', f.read(), re.M)
        if m:
            return proc, m.group(1)
        if proc.poll() is not None:
            break
        time.sleep(0.05)
    proc.kill()
    with open(log_path) as f:
        raise RuntimeError(f'spikeforge serve did not start listening: {f.read()[-400:]}')


def stop_server(proc):
    proc.send_signal(signal.SIGTERM)
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


def bench_host(opts, sf, scratch, results):
    build = os.path.normpath(os.path.join(os.path.dirname(sf), '..', '..'))
    bench_map = os.path.join(build, 'bench', 'sf_bench_map')
    bench_host_bin = os.path.join(build, 'bench', 'sf_bench_host')
    scale = '0.02' if opts.quick else '0.1'
    input_steps = '500' if opts.quick else '10000'
    keys = '40,362,1448' if opts.quick else '40,362,1448,4096'
    loop_steps = '1000' if opts.quick else '5000'
    log(f'== (g) host link over loopback UDP against `spikeforge serve --pace lockstep`, directly and '
        f'through a relay dropping 1 % of datagrams')

    load_image = os.path.join(scratch, f'host_microcircuit_{scale}.sfimg')
    t0 = time.monotonic()
    subprocess.run([bench_map, 'microcircuit', '--scale', scale, '-o', load_image, '--keep'],
                   check=True, capture_output=True, text=True)
    log(f'   load image: microcircuit x {scale} mapped onto spinn5 in {time.monotonic() - t0:.1f} s, '
        f'{os.path.getsize(load_image) / 1e6:.1f} MB')
    input_xml = os.path.join(scratch, 'host_input.xml')
    input_image = os.path.join(scratch, 'host_input.sfimg')
    write_input_network(input_xml, 4096, 256)
    subprocess.run([sf, 'map', input_xml, '-o', input_image], check=True, capture_output=True, text=True)
    loop_image = os.path.join(scratch, 'host_closed_loop.sfimg')
    subprocess.run([sf, 'map', os.path.normpath(CLOSED_LOOP), '-o', loop_image], check=True,
                   capture_output=True, text=True)
    log(f'   input image: 4096 host-driven cells onto 256 iafRefCells; loop image: '
        f'examples/closed_loop (40 host-driven cells, 40 watched)')

    proc, url = start_server(sf, os.path.join(scratch, 'host_serve.log'))
    log(f'   server: {url} (pace lockstep); load average before: '
        + ' '.join(f'{x:.2f}' for x in os.getloadavg()))
    try:
        run = subprocess.run([bench_host_bin, '--url', url, '--load-image', load_image,
                              '--input-image', input_image, '--input-population', 'drive',
                              '--loop-image', loop_image, '--input-steps', input_steps,
                              '--keys-per-step', keys, '--loop-steps', loop_steps],
                             capture_output=True, text=True, timeout=1800)
    finally:
        stop_server(proc)
    log('   load average after (1, 5, 15 min): ' + ' '.join(f'{x:.2f}' for x in os.getloadavg()))
    for line in run.stdout.splitlines():
        if line.startswith('RESULT '):
            results['host'] = json.loads(line[len('RESULT '):])
        else:
            log(line)
    if run.returncode != 0:
        log(f'   sf_bench_host failed (exit {run.returncode}): {run.stderr.strip()[-600:]}')
    os.remove(load_image)
    log()
