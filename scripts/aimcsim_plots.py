#!/usr/bin/python3
"""Plots of aimcsim results (Python 3 + Debian's python3-matplotlib; no other packages).

From a sweep's results.csv:
  aimcsim_plots.py overhead   RESULTS.csv --x KEY [--series KEY ...] [--y COLUMN] -o OUT
  aimcsim_plots.py strategies RESULTS.csv [--key pipeline.strategy] [--group KEY] -o OUT
From a run folder (aimcsim run -o DIR, or a sweep's points/<id>/):
  aimcsim_plots.py layers DIR [--by layer|block] -o OUT
  aimcsim_plots.py energy DIR -o OUT

Each command writes OUT.png and OUT.svg. Output is deterministic: same input, same bytes.
"""
import argparse
import csv
import json
import os
import re
import shutil
import subprocess
import sys

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

plt.rcParams.update({
    "svg.hashsalt": "aimcsim",
    "svg.fonttype": "path",
    "figure.dpi": 100,
    "savefig.dpi": 150,
    "font.size": 9,
    "axes.grid": True,
    "grid.alpha": 0.3,
})

# Units as aimcsim writes them, to the number in the canonical unit (ns, Hz, B/s, B).
_UNITS = {
    "ps": 1e-3, "ns": 1.0, "us": 1e3, "ms": 1e6, "s": 1e9,
    "Hz": 1.0, "kHz": 1e3, "MHz": 1e6, "GHz": 1e9,
    "B/s": 1.0, "kB/s": 1e3, "MB/s": 1e6, "GB/s": 1e9,
    "B": 1.0, "KiB": 1024.0, "MiB": 1024.0 ** 2, "GiB": 1024.0 ** 3,
}
_QUANTITY = re.compile(r"^\s*([-+]?[0-9]*\.?[0-9]+(?:[eE][-+]?[0-9]+)?)\s*([A-Za-z/]*)\s*$")


def value_of(text):
    """A sweep value as a number for an axis ('128ns' -> 128.0, '16' -> 16.0), or None."""
    m = _QUANTITY.match(text or "")
    if not m:
        return None
    unit = m.group(2)
    if unit and unit not in _UNITS:
        return None
    return float(m.group(1)) * _UNITS.get(unit, 1.0)


def unit_of(rows, key):
    """The unit written with a swept key's values ('ns' for '128ns'), or ''."""
    for r in rows:
        m = _QUANTITY.match(r.get(key, ""))
        if m and m.group(2):
            return m.group(2)
    return ""


def read_results(path):
    with open(path, newline="") as f:
        return [r for r in csv.DictReader(f) if r.get("status", "ok") == "ok"]


def read_layers(run_dir):
    with open(os.path.join(run_dir, "layers.csv"), newline="") as f:
        return list(csv.DictReader(f))


def read_summary(run_dir):
    with open(os.path.join(run_dir, "summary.json")) as f:
        return json.load(f)


# The formats save() writes; curated studies keep PNGs only.
FORMATS = ("png", "svg")


def save(fig, out):
    """Writes OUT.png and OUT.svg without dates or version stamps."""
    os.makedirs(os.path.dirname(os.path.abspath(out)), exist_ok=True)
    fig.tight_layout()
    if "png" in FORMATS:
        fig.savefig(out + ".png", metadata={"Software": None})
    if "svg" in FORMATS:
        fig.savefig(out + ".svg", metadata={"Date": None, "Creator": None})
    plt.close(fig)


LABELS = {
    "overhead": "latency overhead, hybrid / analog-only (x)",
    "energy_overhead": "energy overhead, hybrid / analog-only (x)",
    "hybrid_ns": "hybrid latency (ns)",
    "analog_only_ns": "analog-only latency (ns)",
    "hybrid_energy_nj": "hybrid energy (nJ)",
    "pmca_l1_bytes_max": "PMCA L1 footprint (bytes)",
    "pipeline.chunk_tokens": "chunk size t, pipeline.chunk_tokens (tokens)",
    "lora.rank": "LoRA rank, lora.rank",
    "workload.seq_len": "sequence length, workload.seq_len (tokens)",
}


def axis_label(key, unit=""):
    if key in LABELS:
        return LABELS[key]
    return f"{key} ({unit})" if unit else key


def plot_lines(rows, x, y, series, out, title=None, ylabel=None, xlog=True, hline=None):
    """One line per distinct value of the `series` keys: y against the numeric value of x."""
    groups = {}
    for r in rows:
        name = ", ".join(f"{k.split('.')[-1]}={r[k]}" for k in series) if series else y
        groups.setdefault(name, []).append((value_of(r[x]), float(r[y])))
    fig, ax = plt.subplots(figsize=(6.4, 4.0))
    for name in groups:
        pts = sorted(p for p in groups[name] if p[0] is not None)
        ax.plot([p[0] for p in pts], [p[1] for p in pts], marker="o", markersize=3, label=name)
    if xlog:
        ax.set_xscale("log", base=2)
        xs = sorted({value_of(r[x]) for r in rows if value_of(r[x]) is not None})
        ax.set_xticks(xs)
        ax.set_xticklabels([f"{v:g}" for v in xs])
        ax.minorticks_off()
    if hline is not None:
        ax.axhline(hline[0], color="black", linestyle="--", linewidth=0.8, label=hline[1])
    ax.set_xlabel(axis_label(x, unit_of(rows, x)))
    ax.set_ylabel(ylabel or axis_label(y))
    if title:
        ax.set_title(title)
    ax.legend(fontsize=7)
    save(fig, out)


def plot_layers(run_dir, out, by="auto", title=None):
    """Per layer (or block): analog-only latency beside the hybrid design's busy time per resource."""
    layers = read_layers(run_dir)
    if by == "auto":
        by = "layer" if len(layers) <= 24 else "block"
    order, agg = [], {}
    for r in layers:
        name = f"{r['layer']}.{r['op']}" if by == "layer" else r["layer"]
        if name not in agg:
            order.append(name)
            agg[name] = [0.0] * 5
        for i, c in enumerate(("analog_only_ns", "hybrid_ns", "tile_busy_ns", "transfer_busy_ns", "pmca_busy_ns")):
            agg[name][i] += float(r[c])
    scale, unit = (1e3, "us") if max(v[1] for v in agg.values()) > 1e5 else (1.0, "ns")
    fig, ax = plt.subplots(figsize=(max(6.4, 0.35 * len(order) + 2), 4.2))
    xs = range(len(order))
    w = 0.38
    a = [agg[n][0] / scale for n in order]
    ax.bar([x - w / 2 for x in xs], a, w, color="#4c72b0", label="analog-only: AIMC")
    bottom = [0.0] * len(order)
    for idx, (label, color) in enumerate((("hybrid: AIMC busy", "#55a868"), ("hybrid: transfer busy", "#c44e52"),
                                          ("hybrid: PMCA busy", "#8172b2"))):
        h = [agg[n][2 + idx] / scale for n in order]
        ax.bar([x + w / 2 for x in xs], h, w, bottom=bottom, color=color, label=label)
        bottom = [b + v for b, v in zip(bottom, h)]
    ax.plot([x + w / 2 for x in xs], [agg[n][1] / scale for n in order], "k_", markersize=14, markeredgewidth=2,
            label="hybrid latency (pipelined)")
    ax.set_xticks(list(xs))
    ax.set_xticklabels(order, rotation=90 if len(order) > 6 else 0, fontsize=7)
    ax.set_xlabel(by)
    ax.set_ylabel(f"latency / busy time ({unit})")
    ax.set_title(title or "per-layer latency: analog-only vs hybrid (busy times stack; the pipeline overlaps them)",
                 fontsize=8)
    ax.legend(fontsize=7)
    save(fig, out)


def plot_energy(run_dir, out, title=None):
    """Energy by component, analog-only and hybrid, stacked."""
    s = read_summary(run_dir)
    designs = ("analog_only", "hybrid")
    comps = []
    for d in designs:
        for c in s["energy"][d]["components"]:
            if c not in comps:
                comps.append(c)
    scale, unit = (1e3, "uJ") if max(s["energy"][d]["total_nj"] for d in designs) > 1e4 else (1.0, "nJ")
    fig, ax = plt.subplots(figsize=(6.4, 4.2))
    bottom = [0.0, 0.0]
    cmap = plt.get_cmap("tab20")
    for i, c in enumerate(comps):
        v = [s["energy"][d]["components"].get(c, 0.0) / scale for d in designs]
        ax.bar(range(2), v, 0.55, bottom=bottom, label=c[:-3] if c.endswith("_nj") else c, color=cmap(i % 20))
        bottom = [b + x for b, x in zip(bottom, v)]
    ax.set_xticks(range(2))
    ax.set_xticklabels(["analog-only", "hybrid"])
    ax.set_ylabel(f"energy ({unit})")
    ax.set_title(title or f"energy by component: {s['model']}, seq_len {s['seq_len']}, {s['strategy']}", fontsize=8)
    ax.legend(fontsize=7, loc="upper left", bbox_to_anchor=(1.01, 1.0))
    save(fig, out)


def plot_strategies(rows, out, key="pipeline.strategy", group=None, title=None):
    """Bars of hybrid latency per strategy (grouped by `group`), with the analog-only latency."""
    strategies = []
    for r in rows:
        if r[key] not in strategies:
            strategies.append(r[key])
    groups = []
    for r in rows:
        g = r[group] if group else ""
        if g not in groups:
            groups.append(g)
    fig, axes = plt.subplots(1, 2, figsize=(9.0, 4.0))
    w = 0.8 / max(1, len(strategies))
    for si, st in enumerate(strategies):
        lat, ovh = [], []
        for g in groups:
            sel = [r for r in rows if r[key] == st and (not group or r[group] == g)]
            lat.append(float(sel[0]["hybrid_ns"]) / 1e3 if sel else 0.0)
            ovh.append(float(sel[0]["overhead"]) if sel else 0.0)
        xs = [i + (si - (len(strategies) - 1) / 2) * w for i in range(len(groups))]
        axes[0].bar(xs, lat, w, label=st)
        axes[1].bar(xs, ovh, w, label=st)
    analog = []
    for g in groups:
        sel = [r for r in rows if not group or r[group] == g]
        analog.append(float(sel[0]["analog_only_ns"]) / 1e3)
    for i, a in enumerate(analog):
        axes[0].hlines(a, i - 0.45, i + 0.45, colors="black", linestyles="--", linewidth=0.8,
                       label="analog-only" if i == 0 else None)
    axes[1].axhline(1.0, color="black", linestyle="--", linewidth=0.8, label="analog-only")
    for ax in axes:
        ax.set_xticks(range(len(groups)))
        ax.set_xticklabels([f"{group.split('.')[-1]}={g}" if group else "" for g in groups], fontsize=7)
        if group:
            ax.set_xlabel(group)
        ax.legend(fontsize=7)
    axes[0].set_ylabel("latency (us)")
    axes[1].set_ylabel("latency overhead, hybrid / analog-only (x)")
    fig.suptitle(title or "pipelining strategies", fontsize=9)
    save(fig, out)


def study_arguments(parser, runs):
    """The options every scripts/study_*.py takes."""
    parser.add_argument("-j", "--jobs", type=int, default=2)
    parser.add_argument("--aimcsim", default=None, help="aimcsim executable (default: build/aimcsim)")
    parser.add_argument("--runs", default=runs, help="sweep output folder")
    parser.add_argument("--resume", action="store_true",
                        help="keep the points already in --runs (default: start afresh, since a point is "
                             "identified by its config, not by the simulator that ran it)")


def run_study(study, sweep, a):
    """Runs a study's sweep with the options of study_arguments, copies its results.csv into the
    study folder and returns the rows."""
    results = run_sweep(sweep, a.runs, a.jobs, a.aimcsim, a.resume)
    shutil.copyfile(results, os.path.join(study, "results.csv"))
    return read_results(results)


def run_sweep(sweep, outdir, jobs=2, aimcsim=None, resume=False):
    """Runs `aimcsim sweep SWEEP -j JOBS -o OUTDIR` and returns the path of its results.csv."""
    exe = aimcsim or os.environ.get("AIMCSIM", os.path.join(os.path.dirname(__file__), "..", "build", "aimcsim"))
    if not resume:
        shutil.rmtree(outdir, ignore_errors=True)
    subprocess.run([exe, "sweep", sweep, "-j", str(jobs), "-o", outdir], check=True)
    return os.path.join(outdir, "results.csv")


def main(argv):
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = p.add_subparsers(dest="cmd", required=True)
    o = sub.add_parser("overhead", help="a results.csv column against a swept key, one line per series")
    o.add_argument("results")
    o.add_argument("--x", required=True, help="swept key on the x axis, e.g. pipeline.chunk_tokens")
    o.add_argument("--series", nargs="*", default=[], help="swept keys that make one line each")
    o.add_argument("--y", default="overhead", help="results.csv column (default: overhead)")
    o.add_argument("--linear-x", action="store_true", help="linear x axis instead of log2")
    o.add_argument("-o", "--output", required=True, help="output path without extension")
    s = sub.add_parser("strategies", help="strategy comparison bars from results.csv")
    s.add_argument("results")
    s.add_argument("--key", default="pipeline.strategy")
    s.add_argument("--group", default=None, help="a second swept key: one group of bars per value")
    s.add_argument("-o", "--output", required=True)
    l = sub.add_parser("layers", help="per-layer latency, analog-only vs hybrid, from a run folder")
    l.add_argument("run_dir")
    l.add_argument("--by", choices=["auto", "layer", "block"], default="auto")
    l.add_argument("-o", "--output", required=True)
    e = sub.add_parser("energy", help="energy by component from a run folder's summary.json")
    e.add_argument("run_dir")
    e.add_argument("-o", "--output", required=True)
    a = p.parse_args(argv)
    if a.cmd == "overhead":
        plot_lines(read_results(a.results), a.x, a.y, a.series, a.output, xlog=not a.linear_x)
    elif a.cmd == "strategies":
        plot_strategies(read_results(a.results), a.output, a.key, a.group)
    elif a.cmd == "layers":
        plot_layers(a.run_dir, a.output, a.by)
    else:
        plot_energy(a.run_dir, a.output)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
