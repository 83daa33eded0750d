#!/usr/bin/env python3
"""Pools the agent rows' single runs from saved `make bench` progress.

Each run of the agent rows transfers the same bytes through `ssh -L` and
through the agent, side by side; one set's median hides how its five runs
scatter. Given the stderr of one or more runs, e.g.

    make bench ARGS="--only agent" 2> agent-1.err
    make bench ARGS="--only agent" 2> agent-2.err
    python3 bench/pooled_ratios.py agent-*.err

this pairs every run's `ssh -L` and `agent ws://` transfer per direction
and prints, over all pairs, the median agent / ssh -L throughput ratio,
its range, how many pairs reach 2, and the same for the machine's CPU
per GiB (lower is better).
"""
import re
import statistics
import sys

LINE = re.compile(r"run (\d+)/\d+ (ssh -L \([^)]*\)|agent ws://) (client → server|server → client): "
                  r"(\d+) MB/s, machine CPU per GiB ([\d.]+) s")


def pairs(paths):
    found = {}
    for index, path in enumerate(paths):
        try:
            progress = open(path, encoding="utf-8")
        except OSError as error:
            sys.exit(f"cannot read {path}: {error.strerror}")
        with progress:
            for line in progress:
                match = LINE.match(line)
                if not match:
                    continue
                run, path_name, way, rate, cpu = match.groups()
                side = "ssh" if path_name.startswith("ssh") else "agent"
                found.setdefault((index, run, way), {})[side] = (int(rate), float(cpu))
    for (_, _, way), sides in found.items():
        if "ssh" in sides and "agent" in sides:
            yield way, sides["agent"][0] / sides["ssh"][0], sides["agent"][1] / sides["ssh"][1]


def main():
    if len(sys.argv) < 2:
        sys.exit("usage: pooled_ratios.py STDERR_FILE...")
    by_way = {}
    for way, rate, cpu in pairs(sys.argv[1:]):
        by_way.setdefault(way, []).append((rate, cpu))
    if not by_way:
        sys.exit("no paired agent ws:// and ssh -L runs in those files (the progress lines of --only agent)")
    for way, values in sorted(by_way.items()):
        rates = sorted(v[0] for v in values)
        cpus = sorted(v[1] for v in values)
        print(f"{way}: {len(values)} pairs; throughput agent / ssh -L median {statistics.median(rates):.2f} "
              f"({rates[0]:.2f}-{rates[-1]:.2f}), {sum(r >= 2 for r in rates)} at 2 or more; "
              f"machine CPU per GiB agent / ssh -L median {statistics.median(cpus):.3f} ({cpus[0]:.3f}-{cpus[-1]:.3f})")


if __name__ == "__main__":
    main()
