"""What the fidelity measurement (fidelity_measure.py) and its report (fidelity_report.py) share:
the checkout, the board, where the results go, and the results file itself (JSON)."""
import json
import os

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)
BOARD = 'spinn5'
DEFAULT_SPIKEFORGE = os.path.join(REPO, 'build', 'release', 'host', 'cli', 'spikeforge')
DEFAULT_CORPUS = os.environ.get('SF_CONFORMANCE_DIR') or os.path.join(REPO, '..', 'shared', 'conformance')
DEFAULT_RESULTS = os.path.join(REPO, 'build', 'fidelity.json')
DEFAULT_OUT = os.path.join(REPO, 'docs', 'fidelity.md')
# Written into the results; a report refuses results of another format.
FORMAT = 1


def log(msg=''):
    print(msg, flush=True)


def save_results(path, data):
    folder = os.path.dirname(os.path.abspath(path))
    os.makedirs(folder, exist_ok=True)
    with open(path, 'w') as f:
        json.dump(dict(data, format=FORMAT), f, indent=1)
        f.write('\n')


def load_results(path):
    with open(path) as f:
        data = json.load(f)
    if data.get('format') != FORMAT:
        raise SystemExit(f'{path}: results of format {data.get("format")}, this report reads format {FORMAT}')
    return data
