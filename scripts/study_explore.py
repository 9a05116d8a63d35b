#!/usr/bin/python3
"""Regenerates results/explore/: design-space searches of the AHWA-LoRA platform (aimcsim explore).

For MobileBERT (results/explore/mobilebert.yaml) and GPT-2 with decode (gpt2.yaml): searches the
space with NSGA-II for the Pareto front of latency overhead, area, energy per token and latency
under the constraint that every linear's overhead stays within 4 %, runs the study's own platform
(the space's base config) beside it, and writes per model the search's candidates.csv, pareto.csv
and explore.json, the front in overhead and in energy per token against area with the study's
platform and the cheapest platform within 4 % marked, the search's convergence, and table.md.
Usage: scripts/study_explore.py [-j JOBS] [--aimcsim PATH] [--runs DIR] [--resume]
"""
import argparse
import csv
import json
import os
import shutil
import subprocess
import sys

import yaml

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import aimcsim_plots as ap  # noqa: E402

ROOT = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
STUDY = os.path.join(ROOT, "results", "explore")
MODELS = ("mobilebert", "gpt2")
BOUND = 1.04  # every linear's overhead within 4 %


def exe(a):
    return a.aimcsim or os.environ.get("AIMCSIM", os.path.join(ROOT, "build", "aimcsim"))


def study_platform(a, space_path, outdir):
    """Runs the space's base config (the study's platform) into OUTDIR/study_platform and returns
    its figures as candidates.csv names them, with linears_overhead_max from its layers.csv."""
    with open(space_path) as f:
        base = yaml.safe_load(f)["base"]
    here = os.path.dirname(space_path)
    if isinstance(base, dict):
        path = os.path.join(outdir, "study_platform.yaml")
        with open(path, "w") as f:
            yaml.safe_dump(base, f, sort_keys=False)
        files = [path]
    else:
        files = [os.path.join(here, p) for p in ([base] if isinstance(base, str) else base)]
    run_dir = os.path.join(outdir, "study_platform")
    subprocess.run([exe(a), "run", *files, "-q", "-o", run_dir], check=True)
    s = ap.read_summary(run_dir)
    layers = ap.read_layers(run_dir)
    return {"overhead": s["overhead"], "hybrid_area_mm2": s["area"]["hybrid"]["total_mm2"],
            "hybrid_energy_per_token_nj": s["efficiency"]["hybrid"]["energy_per_token_nj"],
            "hybrid_ns": s["hybrid_ns"],
            "linears_overhead_max": max(float(r["overhead"]) for r in layers),
            "tiles": s["platform"]["tiles"], "pmcas": s["platform"]["pmcas"]}


def read_csv(path):
    with open(path, newline="") as f:
        return list(csv.DictReader(f))


def fmt(v, digits=4):
    return f"{float(v):.{digits}g}"


def study(a, model):
    space = os.path.join(STUDY, model + ".yaml")
    outdir = os.path.join(a.runs, model)
    if not a.resume:
        shutil.rmtree(outdir, ignore_errors=True)
    r = subprocess.run([exe(a), "explore", space, "-j", str(a.jobs), "-o", outdir])
    if r.returncode not in (0, 1):  # 1: no candidate met the constraints (said on stderr)
        sys.exit(r.returncode)
    base = study_platform(a, space, outdir)
    dest = os.path.join(STUDY, model)
    os.makedirs(dest, exist_ok=True)
    for name in ("candidates.csv", "pareto.csv", "explore.json"):
        shutil.copyfile(os.path.join(outdir, name), os.path.join(dest, name))
    with open(os.path.join(outdir, "explore.json")) as f:
        manifest = json.load(f)
    variables = list(manifest["variables"])
    candidates = read_csv(os.path.join(outdir, "candidates.csv"))
    front = read_csv(os.path.join(outdir, "pareto.csv"))
    cheapest = min(front, key=lambda r: (float(r["hybrid_area_mm2"]), float(r["overhead"])), default=None)

    least_id = manifest.get("least_violating", {}).get("id")
    least = next((r for r in candidates if r["id"] == least_id), None)
    marked = cheapest or least
    marks = [("study's platform", base["hybrid_area_mm2"], base["overhead"])]
    label = (f"cheapest with every linear within {BOUND:g}x" if cheapest else
             f"none within {BOUND:g}x: the least violating")
    if marked:
        marks.append((label, float(marked["hybrid_area_mm2"]), float(marked["overhead"])))
    title = f"{model}: {len(candidates)} candidates of {manifest['space_size']}"
    ap.plot_front(outdir, "hybrid_area_mm2", "overhead", os.path.join(dest, "front_overhead"), marks,
                  title=title + ": end-to-end overhead against area")
    emarks = [(m[0], m[1], v) for m, v in zip(marks, [base["hybrid_energy_per_token_nj"]] +
                                               ([float(marked["hybrid_energy_per_token_nj"])] if marked else []))]
    ap.plot_front(outdir, "hybrid_area_mm2", "hybrid_energy_per_token_nj", os.path.join(dest, "front_energy"),
                  emarks, title=title + ": energy per token against area")
    ap.plot_convergence(outdir, os.path.join(dest, "convergence"))

    cols = variables + ["overhead", "linears_overhead_max", "hybrid_area_mm2", "hybrid_energy_per_token_nj",
                        "hybrid_ns"]
    lines = [f"### {model}", "",
             f"{manifest['evaluations']} of {manifest['space_size']} candidates simulated "
             f"({manifest['algorithm']['name']}, {manifest['algorithm']['library']} "
             f"{manifest['algorithm']['version']}, seed {manifest['seed']}; {manifest['stopped']}), "
             f"{manifest['feasible']} with every linear within {BOUND:g}x, {len(front)} on the front.", "",
             "| platform | " + " | ".join(cols) + " |", "|---" * (len(cols) + 1) + "|"]
    study_row = ["(base)"] * len(variables) + [fmt(base[c]) for c in cols[len(variables):]]
    lines.append("| study's platform | " + " | ".join(study_row) + " |")
    if cheapest:
        lines.append(f"| **cheapest within {BOUND:g}x** (`{cheapest['id']}`) | " +
                     " | ".join(cheapest[c] if c in variables else fmt(cheapest[c]) for c in cols) + " |")
    elif least:
        lines.append(f"| no candidate within {BOUND:g}x; **least violating** (`{least_id}`) | " +
                     " | ".join(least[c] if c in variables else fmt(least[c]) for c in cols) + " |")
    for row in sorted(front, key=lambda r: float(r["hybrid_area_mm2"])):
        lines.append(f"| front `{row['id']}` | " +
                     " | ".join(row[c] if c in variables else fmt(row[c]) for c in cols) + " |")
    return lines


def main(argv):
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.study_arguments(p, os.path.join(ROOT, "runs", "explore"))
    a = p.parse_args(argv)
    ap.FORMATS = ("png",)
    lines = ["# Design-space search: tables", "",
             "Generated by `scripts/study_explore.py`; README.md says what the columns mean.", ""]
    for model in MODELS:
        lines += study(a, model) + [""]
    with open(os.path.join(STUDY, "table.md"), "w") as f:
        f.write("\n".join(lines))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
