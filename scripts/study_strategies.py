#!/usr/bin/python3
"""Regenerates results/strategies/: every pipelining strategy on the whole of MobileBERT.

Reads the strategies aimcsim offers from `aimcsim params` (so a strategy added later joins the
study by itself), writes results/strategies/sweep.yaml (strategies x tile integration times),
runs it and draws the figures. Usage: scripts/study_strategies.py [-j JOBS] [--aimcsim PATH] [--resume]
"""
import argparse
import os
import re
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import aimcsim_plots as ap  # noqa: E402

ROOT = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
STUDY = os.path.join(ROOT, "results", "strategies")
T_INT = ["128ns", "256ns", "512ns"]


def strategies(exe):
    """The choices of pipeline.strategy, as `aimcsim params` lists them."""
    out = subprocess.run([exe, "params"], check=True, capture_output=True, text=True).stdout
    m = re.search(r"^pipeline\.strategy\b.*\n\s+accepts one of (.+)$", out, re.MULTILINE)
    if not m:
        sys.exit("study_strategies: `aimcsim params` lists no choices for pipeline.strategy")
    return [s.strip() for s in m.group(1).split(",")]


def main(argv):
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.study_arguments(p, os.path.join(ROOT, "runs", "strategies"))
    a = p.parse_args(argv)
    a.aimcsim = a.aimcsim or os.path.join(ROOT, "build", "aimcsim")

    names = strategies(a.aimcsim)
    sweep = os.path.join(STUDY, "sweep.yaml")
    with open(sweep, "w") as f:
        f.write("# Written by scripts/study_strategies.py: every pipeline.strategy that `aimcsim params` lists,\n"
                "# on the whole of MobileBERT (AHWA-LoRA deployment, rank 8 on every linear layer).\n"
                "base:\n"
                "  workload: {model: mobilebert, seq_len: 320}\n"
                "  lora: {targets: all+head, rank: 8}  # AHWA-LoRA: every linear, the QA head too\n"
                "  tile: {rows: 512, cols: 512}\n"
                "  pmca: {preset: ahwa-lora}\n"
                "  pipeline: {chunk_tokens: auto}\n"
                "grid:\n"
                f"  tile.t_int: [{', '.join(T_INT)}]\n"
                f"  pipeline.strategy: [{', '.join(names)}]\n")
    ap.FORMATS = ("png",)
    rows = ap.run_study(STUDY, sweep, a)
    ap.plot_strategies(rows, os.path.join(STUDY, "strategies"), group="tile.t_int",
                       title="MobileBERT (seq_len 320, rank 8, chunk auto): pipelining strategies")
    ap.plot_lines(rows, "tile.t_int", "energy_overhead", ["pipeline.strategy"], os.path.join(STUDY, "energy_overhead"),
                  title="MobileBERT: energy, hybrid / analog-only", hline=(1.0, "analog-only"))
    first = {r["pipeline.strategy"]: r["point"] for r in rows if r["tile.t_int"] == "128ns"}
    for st, point in first.items():
        ap.plot_layers(os.path.join(a.runs, "points", point), os.path.join(STUDY, f"layers_{st}"),
                       title=f"MobileBERT, {st}, t_int 128ns: each block's span (first operator ready to "
                             f"last operator's end), analog-only vs hybrid")
    ap.plot_energy(os.path.join(a.runs, "points", next(iter(first.values()))), os.path.join(STUDY, "energy"))

    # Each strategy schedules the analog-only design too: its overhead against its own baseline, and
    # against the reference (the fastest analog-only schedule at the same t_int).
    lines = ["| t_int | strategy | own analog-only (us) | hybrid (us) | overhead, own | reference analog-only (us) | "
             "overhead vs reference | energy overhead |", "|---|---|---|---|---|---|---|---|"]
    for r in rows:
        lines.append(f"| {r['tile.t_int']} | {r['pipeline.strategy']} | {float(r['analog_only_ns']) / 1e3:.1f} | "
                     f"{float(r['hybrid_ns']) / 1e3:.1f} | {float(r['overhead']):.3f} | "
                     f"{float(r['reference_analog_only_ns']) / 1e3:.1f} | {float(r['overhead_vs_reference']):.3f} | "
                     f"{float(r['energy_overhead']):.3f} |")
    with open(os.path.join(STUDY, "table.md"), "w") as f:
        f.write("\n".join(lines) + "\n")
    print(f"wrote {os.path.relpath(STUDY, ROOT)}/ for strategies: {', '.join(names)}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
