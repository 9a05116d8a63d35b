#!/usr/bin/python3
"""Checks that aimcsim's include graph follows its levels, and prints the graph of levels.

Every C++ file belongs to a component (the longest folder prefix in LEVELS) and a component to a
level. A file may include headers of its own component and of components on lower levels; an
include from a higher level, or from another component of the same level, is a violation.

Usage: scripts/levels.py [--graph] [--root DIR] [--selftest]
  (no option)  check the tree; print each violation and exit 1 when there is one
  --graph      also print the folder-level include graph, level by level, with include counts
  --selftest   check that a tree with an upward include fails (the checker's own test)
"""
import argparse
import os
import re
import shutil
import sys
import tempfile

# (component folder, level), bottom up. The same table is written in CMakeLists.txt, where each
# component is one library linking only the levels below it.
LEVELS = [
    ("sim/base", 0),
    ("sim/engine", 1),
    ("models", 2),
    ("workloads", 2),
    ("platform", 3),
    ("sim/schedule", 4),
    ("sim/map", 5),
    ("sim/run", 6),
    ("sim/report", 7),
    ("sim/sweep", 8),
    ("sim/calibrate", 8),
    ("sim/serve", 8),
    ("sim/explore", 9),
    ("sim/cli", 10),
    ("sim/python", 10),
]
SOURCE_SUFFIXES = (".hpp", ".cpp", ".in")
INCLUDE = re.compile(r'^\s*#\s*include\s+"([^"]+)"')


def component_of(path):
    best = None
    for folder, level in LEVELS:
        if path == folder or path.startswith(folder + "/"):
            if best is None or len(folder) > len(best[0]):
                best = (folder, level)
    return best


def scan(root):
    """Yields (file, line number, included path) for every quoted include under the levels."""
    for folder, _ in LEVELS:
        top = os.path.join(root, folder)
        for dirpath, _, files in os.walk(top):
            for name in sorted(files):
                if not name.endswith(SOURCE_SUFFIXES):
                    continue
                path = os.path.join(dirpath, name)
                rel = os.path.relpath(path, root).replace(os.sep, "/")
                with open(path, encoding="utf-8") as f:
                    for n, line in enumerate(f, 1):
                        m = INCLUDE.match(line)
                        if m:
                            yield rel, n, m.group(1)


def check(root):
    """Returns (violations, edges): messages, and {(from, to): count} between components."""
    violations, edges = [], {}
    for rel, n, inc in scan(root):
        src = component_of(rel)
        dst = component_of(inc)
        if src is None:
            continue
        if dst is None:
            violations.append(f"{rel}:{n}: includes \"{inc}\", which belongs to no level")
            continue
        if dst[0] == src[0]:
            continue
        edges[(src[0], dst[0])] = edges.get((src[0], dst[0]), 0) + 1
        if dst[1] >= src[1]:
            where = "the same level" if dst[1] == src[1] else "a higher level"
            violations.append(f"{rel}:{n}: {src[0]} (level {src[1]}) includes \"{inc}\" from {dst[0]} "
                              f"(level {dst[1]}), {where}; a component includes only from lower levels")
    return violations, edges


def print_graph(edges):
    level_of = dict(LEVELS)
    for folder, level in sorted(LEVELS, key=lambda x: (-x[1], x[0])):
        outs = sorted((dst for (src, dst) in edges if src == folder), key=lambda d: (-level_of[d], d))
        deps = ", ".join(f"{d} ({edges[(folder, d)]})" for d in outs) or "-"
        print(f"level {level}  {folder:<13} -> {deps}")


def selftest():
    root = tempfile.mkdtemp(prefix="aimcsim-levels-")
    try:
        def write(rel, text):
            os.makedirs(os.path.dirname(os.path.join(root, rel)), exist_ok=True)
            with open(os.path.join(root, rel), "w") as f:
                f.write(text)
        write("sim/base/units.hpp", "#pragma once\n")
        write("models/aimc/tile.hpp", '#include "sim/base/units.hpp"\n')
        ok, _ = check(root)
        if ok:
            print("selftest: a downward include was reported:", ok)
            return 1
        write("models/aimc/tile.cpp", '#include "models/aimc/tile.hpp"\n#include "sim/run/run.hpp"\n')
        write("workloads/workload.hpp", '#include "models/aimc/tile.hpp"\n')
        bad, _ = check(root)
        if len(bad) != 2 or "higher level" not in bad[0] + bad[1] or "same level" not in bad[0] + bad[1]:
            print("selftest: expected one upward and one same-level violation, got:", bad)
            return 1
        print("selftest: an upward and a same-level include are both reported")
        return 0
    finally:
        shutil.rmtree(root)


def main(argv):
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--graph", action="store_true", help="print the include graph of the levels")
    p.add_argument("--root", default=os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")))
    p.add_argument("--selftest", action="store_true")
    a = p.parse_args(argv)
    if a.selftest:
        return selftest()
    violations, edges = check(a.root)
    if a.graph:
        print_graph(edges)
    for v in violations:
        print(v)
    if violations:
        print(f"levels: {len(violations)} include(s) against the levels")
        return 1
    if not a.graph:
        print(f"levels: {sum(edges.values())} includes across {len(LEVELS)} components follow the levels")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
