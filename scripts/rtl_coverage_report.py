#!/usr/bin/env python3
"""Prints a merged Verilator coverage file (verilator_coverage --write) as a report: per module the
line coverage (line and branch points) and the toggle coverage, then every functional bin (cover
property) with its count, the uncovered ones again under a heading of their own. A point counts as
covered when it was hit at least once.

Usage: rtl_coverage_report.py MERGED.dat
Exit status 0 for a report, even with uncovered bins; 1 when the file holds no coverage point or no
functional bin (a build without them must not pass for one whose bins were all missed).
"""

import collections
import re
import sys

# One point: C '<key>\x02<value>\x01<key>\x02<value>...' <count>
POINT = re.compile(r"^C '(?P<fields>[^']*)' (?P<count>\d+)$")


def read_points(path):
    points = []
    with open(path, encoding="utf-8", errors="replace") as file:
        for number, line in enumerate(file, 1):
            line = line.rstrip("\n")
            if not line.startswith("C "):
                continue
            match = POINT.match(line)
            if not match:
                sys.exit(f"{path}:{number}: expected a coverage point C '<fields>' <count>")
            pairs = (field.split("\x02", 1) for field in match["fields"].split("\x01") if field)
            fields = dict(pairs)
            points.append((fields, int(match["count"])))
    return points


def kind_and_module(fields):
    """The point's kind (line, toggle or bin) and its module, from its page: v_<kind>/<module>."""
    page, _, module = fields.get("page", "").partition("/")
    kind = {"v_line": "line", "v_branch": "line", "v_toggle": "toggle", "v_user": "bin"}.get(page)
    return kind, module


def percent(covered, total):
    return f"{100.0 * covered / total:5.1f}% ({covered}/{total})" if total else "    - (no points)"


def print_modules(points):
    totals = collections.defaultdict(lambda: [0, 0])
    for fields, count in points:
        kind, module = kind_and_module(fields)
        if kind in ("line", "toggle"):
            totals[(module, kind)][0] += count > 0
            totals[(module, kind)][1] += 1
    print("RTL coverage per module (a point is covered when hit at least once)")
    for module in sorted({module for module, _ in totals}):
        line, toggle = totals[(module, "line")], totals[(module, "toggle")]
        print(f"  {module:<16} line {percent(*line)}   toggle {percent(*toggle)}")


def print_uncovered_lines(points):
    lines = collections.defaultdict(set)
    for fields, count in points:
        kind, _ = kind_and_module(fields)
        if kind == "line" and count == 0:
            lines[fields.get("f", "?")].add(int(fields.get("l", 0)))
    for source, numbers in sorted(lines.items()):
        print(f"  uncovered lines in {source}: {', '.join(map(str, sorted(numbers)))}")


def print_bins(points):
    bins = collections.Counter()
    for fields, count in points:
        kind, module = kind_and_module(fields)
        if kind == "bin":
            # Verilator 5.006 counts a generate loop's covers as one point, its index written `*`
            # in the hierarchy: the designs write one cover per case.
            name = fields.get("h", "").partition(".")[2] or f"{module}.{fields.get('o', '?')}"
            name = name.replace("__BRA__", "[").replace("__KET__", "]")
            bins[name] += count
    print(f"Functional bins ({len(bins)})")
    for name, count in sorted(bins.items()):
        print(f"  {count:>10}  {name}")
    uncovered = sorted(name for name, count in bins.items() if count == 0)
    print(f"Uncovered bins ({len(uncovered)})")
    for name in uncovered:
        print(f"  {name}")


def main():
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    points = read_points(sys.argv[1])
    if not points:
        print(f"{sys.argv[1]}: no coverage points", file=sys.stderr)
        return 1
    print_modules(points)
    print_uncovered_lines(points)
    print_bins(points)
    if not any(kind_and_module(fields)[0] == "bin" for fields, _ in points):
        print(f"{sys.argv[1]}: no functional bin: was the RTL verilated with --coverage-user?",
              file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
