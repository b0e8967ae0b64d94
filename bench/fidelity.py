#!/usr/bin/env python3
"""Fidelity of spikeforge's fixed-point backend (Python 3, standard library only): measures, then
writes docs/fidelity.md.

Runs fidelity_measure.py, which runs every example of the NeuroML2/LEMS conformance corpus, the
user-defined example and the CUBA network with the fixed backend and writes every figure to a
results file (JSON), then fidelity_report.py, which writes the document from that file. Either can
be run alone: the report again from the same results after a change of its text, for instance.

usage:
  bench/fidelity.py [--spikeforge PATH] [--corpus DIR] [--results FILE] [--out FILE]
                    [--scratch DIR] [--no-cuba] [--only Ex0_IaF,Ex8_AdEx,...]

  --spikeforge  the built tool (default: build/release/host/cli/spikeforge in the checkout)
  --corpus      the conformance corpus, the folder holding derived/ and reference/
                (default: $SF_CONFORMANCE_DIR, else ../shared/conformance beside the checkout)
  --results     the results file (default: build/fidelity.json in the checkout)
  --out         the document to write (default: docs/fidelity.md in the checkout); the text above
                its "generated" marker line is kept, everything below it is replaced
  --scratch     folder for outputs (default: a temporary folder, removed afterwards)

The metrics are described in fidelity_measure.py. Takes three to five minutes on 2 cores.
"""
import argparse
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import fidelity_measure  # noqa: E402
import fidelity_report  # noqa: E402
from fidelity_common import DEFAULT_OUT  # noqa: E402


def main(argv):
    p = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    fidelity_measure.add_options(p)
    p.add_argument('--out', default=DEFAULT_OUT, help='the document to write (default: docs/fidelity.md)')
    opts = p.parse_args(argv)
    fidelity_measure.run_measurements(opts)
    fidelity_report.report(opts.results, opts.out)


if __name__ == '__main__':
    main(sys.argv[1:])
