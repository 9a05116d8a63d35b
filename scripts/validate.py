#!/usr/bin/python3
"""Regenerates results/validation/: published single-component figures run through aimcsim's models.

Runs `aimcsim validate -o results/validation` (writing table.csv and table.md there), copies
table.md into the folder's README.md between its `<!-- begin table.md -->` and
`<!-- end table.md -->` lines, and checks that the README describes every row of the table. Exits 1 when a figure that is not a
known gap is outside its tolerance (aimcsim's own status) or when the README misses a row.
Usage: scripts/validate.py [--aimcsim PATH]
"""
import argparse
import csv
import os
import subprocess
import sys

ROOT = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
STUDY = os.path.join(ROOT, "results", "validation")


def main(argv):
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--aimcsim", default=os.path.join(ROOT, "build", "aimcsim"), help="the aimcsim executable")
    a = p.parse_args(argv)

    status = subprocess.run([a.aimcsim, "validate", "-o", STUDY]).returncode
    if status not in (0, 1):
        sys.exit(f"validate: `aimcsim validate` failed with status {status}")
    with open(os.path.join(STUDY, "table.csv"), newline="") as f:
        ids = [row["id"] for row in csv.DictReader(f)]
    with open(os.path.join(STUDY, "table.md")) as f:
        table = f.read()
    readme_path = os.path.join(STUDY, "README.md")
    with open(readme_path) as f:
        readme = f.read()
    begin, end = "<!-- begin table.md -->\n", "<!-- end table.md -->"
    if begin not in readme or end not in readme:
        sys.exit(f"validate: {os.path.relpath(readme_path, ROOT)} has no {begin.strip()} ... {end} lines")
    head, rest = readme.split(begin, 1)
    readme = head + begin + table + end + rest.split(end, 1)[1]
    with open(readme_path, "w") as f:
        f.write(readme)
    missing = [i for i in ids if f"`{i}`" not in readme]
    for i in missing:
        print(f"validate: results/validation/README.md does not describe row `{i}`", file=sys.stderr)
    print(f"wrote {os.path.relpath(STUDY, ROOT)}/table.csv, table.md and the README's table: {len(ids)} figures")
    return 1 if status or missing else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
