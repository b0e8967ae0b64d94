"""What machine a benchmark ran on (Python 3, standard library only): shared by the bench scripts."""
import os


def _first_field(path, prefix):
    try:
        with open(path) as f:
            for line in f:
                if line.startswith(prefix):
                    return line.split(':', 1)[1].strip()
    except OSError:
        pass
    return None


def cpu_model():
    """The CPU's model name from /proc/cpuinfo, or '?'."""
    return _first_field('/proc/cpuinfo', 'model name') or '?'


def memory_gib():
    """Total memory in GiB from /proc/meminfo, or 0."""
    field = _first_field('/proc/meminfo', 'MemTotal:')
    return int(field.split()[0]) / (1 << 20) if field else 0.0


def cores():
    return os.cpu_count()
