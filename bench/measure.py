"""Measuring helpers shared by the benchmarks: a command under /usr/bin/time -v with a time and
memory limit, and number formatting for the tables."""
import os
import re
import resource
import signal
import subprocess
import time

GIB = 1 << 30


def log(msg=''):
    print(msg, flush=True)



def _children(pid):
    try:
        with open(f'/proc/{pid}/task/{pid}/children') as f:
            return [int(x) for x in f.read().split()]
    except OSError:
        return []


def _peak_rss_kib(pid):
    try:
        with open(f'/proc/{pid}/status') as f:
            for line in f:
                if line.startswith('VmHWM:'):
                    return int(line.split()[1])
    except OSError:
        pass
    return None


def timed(cmd, timeout, mem_limit_bytes=None, env=None, cwd=None):
    """Runs cmd under /usr/bin/time -v. Returns dict(rc, wall_s, peak_rss_kib, stdout, stderr,
    timed_out). On timeout the whole process group is stopped and the peak RSS seen so far
    (VmHWM of the measured process) is kept."""
    def limit():
        if mem_limit_bytes:
            resource.setrlimit(resource.RLIMIT_AS, (int(mem_limit_bytes), int(mem_limit_bytes)))
    full = ['/usr/bin/time', '-v'] + cmd
    start = time.monotonic()
    proc = subprocess.Popen(full, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            start_new_session=True, preexec_fn=limit, env=env, cwd=cwd)
    peak_seen = None
    timed_out = False
    deadline = start + timeout if timeout else None
    # Poll so that a run past the time limit can be stopped with its peak memory noted.
    out_chunks, err_chunks = [], []
    while True:
        try:
            out, err = proc.communicate(timeout=1.0)
            out_chunks.append(out)
            err_chunks.append(err)
            break
        except subprocess.TimeoutExpired:
            for child in _children(proc.pid):
                rss = _peak_rss_kib(child)
                if rss is not None:
                    peak_seen = max(peak_seen or 0, rss)
            if deadline and time.monotonic() > deadline:
                timed_out = True
                os.killpg(proc.pid, signal.SIGKILL)
                out, err = proc.communicate()
                out_chunks.append(out)
                err_chunks.append(err)
                break
    wall = time.monotonic() - start
    stdout, stderr = ''.join(out_chunks), ''.join(err_chunks)
    res = dict(rc=proc.returncode, wall_s=wall, peak_rss_kib=peak_seen, stdout=stdout, stderr=stderr,
               timed_out=timed_out)
    m = re.search(r'Elapsed \(wall clock\) time \(h:mm:ss or m:ss\): (\S+)', stderr)
    if m and not timed_out:
        parts = [float(p) for p in m.group(1).split(':')]
        secs = 0.0
        for p in parts:
            secs = secs * 60 + p
        res['wall_s'] = secs
        m2 = re.search(r'Exit status: (\d+)', stderr)
        if m2:
            res['rc'] = int(m2.group(1))
    m = re.search(r'Maximum resident set size \(kbytes\): (\d+)', stderr)
    if m and not timed_out:
        res['peak_rss_kib'] = int(m.group(1))
    for key, pat in (('user_s', r'User time \(seconds\): (\S+)'), ('sys_s', r'System time \(seconds\): (\S+)')):
        m = re.search(pat, stderr)
        if m:
            res[key] = float(m.group(1))
    # what the program itself wrote to stderr, without /usr/bin/time's report
    own = stderr.split('\tCommand being timed:')[0].splitlines()
    res['program_stderr'] = '\n'.join(l for l in own if not l.startswith(('Command exited with non-zero status',
                                                                          'Command terminated by signal'))).strip()
    return res


def fmt_s(x):
    if x is None:
        return '—'
    return f'{x:.3g}' if x < 10 else f'{x:.1f}'


def fmt_mib(kib):
    if kib is None:
        return '—'
    mib = kib / 1024
    return f'{mib / 1024:.2f} GiB' if mib >= 1024 else f'{mib:.0f} MiB'


def fmt_n(n):
    if n >= 1_000_000 and n % 1_000_000 == 0:
        return f'{n // 1_000_000}M'
    if n >= 1000 and n % 1000 == 0:
        return f'{n // 1000}k'
    return str(n)


def table(headers, rows):
    widths = [max(len(str(h)), *(len(str(r[i])) for r in rows)) if rows else len(str(h))
              for i, h in enumerate(headers)]
    lines = ['| ' + ' | '.join(str(h).ljust(w) for h, w in zip(headers, widths)) + ' |',
             '| ' + ' | '.join('-' * w for w in widths) + ' |']
    for r in rows:
        lines.append('| ' + ' | '.join(str(c).ljust(w) for c, w in zip(r, widths)) + ' |')
    return '\n'.join(lines)
