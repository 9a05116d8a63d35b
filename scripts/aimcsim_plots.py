#!/usr/bin/python3
"""Plots of aimcsim results (Python 3 + Debian's python3-matplotlib; no other packages).

From a sweep's results.csv:
  aimcsim_plots.py overhead   RESULTS.csv --x KEY [--series KEY ...] [--y COLUMN] -o OUT
  aimcsim_plots.py strategies RESULTS.csv [--key pipeline.strategy] [--group KEY] -o OUT
From a run folder (aimcsim run -o DIR, or a sweep's points/<id>/):
  aimcsim_plots.py layers DIR [--by block|linear] -o OUT
  aimcsim_plots.py energy DIR -o OUT
From a search's folder (aimcsim explore -o DIR):
  aimcsim_plots.py front DIR --x COLUMN --y COLUMN [--mark LABEL=ID ...] -o OUT
  aimcsim_plots.py convergence DIR -o OUT

`overhead` and `strategies` take --where KEY=VALUE to keep some rows; when several rows remain for
one point of a line or bar, they stop naming the keys that differ instead of picking one. Latency
axes read in ns, us, ms or s as the values need; README "Reading the outputs" defines each figure.

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
import matplotlib.ticker  # noqa: E402

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
    """The rows of points that ran; points over capacity are kept, and said on stderr (their
    figures assume the memory they lack)."""
    with open(path, newline="") as f:
        rows = [r for r in csv.DictReader(f) if r.get("status", "ok") == "ok"]
    over = [r["point"] for r in rows if r.get("capacity_status") == "over_capacity"]
    if over:
        print(f"aimcsim_plots: {len(over)} point(s) are over capacity ({', '.join(over[:5])}"
              f"{', ...' if len(over) > 5 else ''}): their figures assume memory the platform lacks",
              file=sys.stderr)
    return rows


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
    "overhead": "latency overhead, hybrid / own analog-only (x)",
    "overhead_vs_reference": "latency overhead, hybrid / reference analog-only (x)",
    "linears_summed_overhead": "linears' spans summed, hybrid / analog-only (x)",
    "energy_overhead": "energy overhead, hybrid / analog-only (x)",
    "hybrid_ns": "hybrid end-to-end latency",
    "analog_only_ns": "analog-only end-to-end latency",
    "hybrid_energy_nj": "hybrid energy (nJ)",
    "hybrid_area_mm2": "hybrid platform area (mm2)",
    "hybrid_energy_per_token_nj": "hybrid energy per token (nJ)",
    "linears_overhead_max": "largest overhead of one linear, hybrid / analog-only (x)",
    "pmca_l1_needed_max_bytes": "PMCA L1 footprint, largest (bytes)",
    "pipeline.chunk_tokens": "chunk size t, pipeline.chunk_tokens (tokens)",
    "chunk_tokens_chosen": "chunk size t chosen (tokens)",
    "lora.rank": "LoRA rank, lora.rank",
    "workload.seq_len": "sequence length, workload.seq_len (tokens)",
}


def axis_label(key, unit=""):
    if key in LABELS:
        return LABELS[key] + (f" ({unit})" if unit and key.endswith("_ns") else "")
    return f"{key} ({unit})" if unit else key


def time_scale(values_ns):
    """(divisor, unit) that shows the largest of `values_ns` between 1 and 1000: ns, us, ms or s."""
    top = max((abs(v) for v in values_ns), default=0.0)
    for div, unit in ((1e9, "s"), (1e6, "ms"), (1e3, "us")):
        if top >= div:
            return div, unit
    return 1.0, "ns"


def plain_y(ax):
    """Tick labels as plain numbers: no offset (+1.2e4) and no scientific notation."""
    if ax.get_yscale() == "linear":
        ax.ticklabel_format(axis="y", style="plain", useOffset=False)


def legend_outside(ax, fig=None):
    """The legend to the right of the axes, where it covers no data."""
    handles, labels = ax.get_legend_handles_labels()
    if handles:
        ax.legend(handles, labels, fontsize=7, loc="upper left", bbox_to_anchor=(1.01, 1.0),
                  borderaxespad=0.0)


def swept_keys(rows):
    """The config keys of results.csv rows (columns with a dot: figures have none)."""
    return [k for k in (rows[0].keys() if rows else []) if "." in k]


def fail(message):
    """Stops with `message` on stderr and exit status 2 (bad input), as aimcsim does."""
    print(f"aimcsim_plots: {message}", file=sys.stderr)
    sys.exit(2)


def where(rows, conditions):
    """The rows whose columns equal each KEY=VALUE of `conditions`."""
    for c in conditions or []:
        key, _, value = c.partition("=")
        if not rows or key not in rows[0]:
            fail(f"--where {c}: no column {key!r}")
        rows = [r for r in rows if r[key] == value]
    return rows


def one_row(rows, what, fixed):
    """The single row of `rows` (those matching `what`), or exit naming the keys that still differ."""
    if len(rows) <= 1:
        return rows[0] if rows else None
    differ = [k for k in swept_keys(rows) if k not in fixed and len({r[k] for r in rows}) > 1]
    fail(f"{len(rows)} rows for {what}: they differ in {', '.join(differ) or 'nothing swept'}; "
         f"add those keys to the plot (--series / --group) or pick one with --where KEY=VALUE")


def context_title(rows, extra=""):
    """'MobileBERT, token-pipelined, seq_len 320' from the columns constant over `rows`."""
    parts = []
    for col, fmt in (("model", "{}"), ("workload.model", "{}"), ("strategy", "{}"), ("pipeline.strategy", "{}"),
                     ("seq_len", "seq_len {}"), ("workload.seq_len", "seq_len {}"),
                     ("decode_tokens", "+{} decode"), ("workload.decode_tokens", "+{} decode"),
                     ("chunk_tokens", "chunk {}"), ("pipeline.chunk_tokens", "chunk {}"), ("lora.rank", "rank {}"),
                     ("tile.t_int", "t_int {}"), ("pmca.preset", "{}")):
        values = {r.get(col) for r in rows}
        if len(values) == 1 and None not in values and values != {""}:
            text = fmt.format(values.pop())
            if text not in parts and text != "+0 decode":
                parts.append(text)
    return ", ".join(parts) + (f": {extra}" if extra else "")


def plot_lines(rows, x, y, series, out, title=None, ylabel=None, xlog=True, hline=None):
    """One line per distinct value of the `series` keys: y against the numeric value of x."""
    groups, dropped = {}, []
    for r in rows:
        name = ", ".join(f"{k.split('.')[-1]}={r[k]}" for k in series) if series else y
        xv = value_of(r[x])
        if xv is None or r.get(y, "") == "":
            dropped.append(r)
            continue
        groups.setdefault(name, {}).setdefault(xv, []).append(r)
    if dropped:
        hint = " (plot --x chunk_tokens_chosen for the chunk auto chose)" if x == "pipeline.chunk_tokens" else ""
        print(f"aimcsim_plots: {len(dropped)} row(s) have no number for {x} or {y} "
              f"(e.g. {x}={dropped[0][x]!r}) and are not drawn{hint}", file=sys.stderr)
    ys = [float(r[y]) for g in groups.values() for rs in g.values() for r in rs]
    div, unit = time_scale(ys) if y.endswith("_ns") else (1.0, "")
    fig, ax = plt.subplots(figsize=(7.2, 4.0))
    for name, by_x in groups.items():
        pts = []
        for xv in sorted(by_x):
            r = one_row(by_x[xv], f"{name} at {x}={xv:g}", set(series) | {x})
            pts.append((xv, float(r[y]) / div))
        ax.plot([p[0] for p in pts], [p[1] for p in pts], marker="o", markersize=3, label=name)
    if xlog:
        ax.set_xscale("log", base=2)
        xs = sorted({xv for g in groups.values() for xv in g})
        ax.set_xticks(xs)
        ax.set_xticklabels([f"{v:g}" for v in xs])
        ax.minorticks_off()
    if hline is not None:
        ax.axhline(hline[0], color="black", linestyle="--", linewidth=0.8, label=hline[1])
    ax.set_xlabel(axis_label(x, unit_of(rows, x)))
    ax.set_ylabel(ylabel or axis_label(y, unit))
    plain_y(ax)
    ax.set_title(title or context_title(rows, axis_label(y).split(" (")[0]), fontsize=8)
    legend_outside(ax)
    save(fig, out)


def run_context(s):
    """'gpt2, token-pipelined, seq_len 64 + 8 decode, chunk auto (32)' from a summary.json, with
    the run's status when it is over capacity."""
    text = f"{s['model']}, {s['strategy']}, seq_len {s['seq_len']}"
    if s.get("decode_tokens"):
        text += f" + {s['decode_tokens']} decode"
    chosen = s.get("chunk", {}).get("chosen_tokens")
    text += f", chunk {s['chunk_tokens']}" + (f" ({chosen})" if s["chunk_tokens"] == "auto" and chosen else "")
    if s.get("status", "ok") != "ok":
        text += " [OVER CAPACITY]"
    return text


def plot_layers(run_dir, out, by="block", title=None):
    """Per block (the table's spans) or per linear (each linear's span and busy times)."""
    s = read_summary(run_dir)
    context = run_context(s)
    if by == "block":
        names = [b["block"] for b in s["blocks"]]
        a = [b["analog_only_span_ns"] for b in s["blocks"]]
        h = [b["hybrid_span_ns"] for b in s["blocks"]]
        busy = {}
        what = "block span: first operator ready to last operator's end (the table's figures)"
    else:
        layers = read_layers(run_dir)
        names = [f"{r['block']}.{r['op']}" for r in layers]
        a = [float(r["analog_only_span_ns"]) for r in layers]
        h = [float(r["hybrid_span_ns"]) for r in layers]
        busy = {k: [float(r[f"hybrid_{k}_busy_ns"]) for r in layers] for k in ("tile", "transfer", "pmca")}
        what = "each linear's span (ready to end; pipelined spans overlap and do not add)"
    div, unit = time_scale(a + h)
    fig, ax = plt.subplots(figsize=(min(18.0, max(6.4, 0.3 * len(names) + 3)), 4.2))
    xs = list(range(len(names)))
    w = 0.38
    ax.bar([x - w / 2 for x in xs], [v / div for v in a], w, color="#4c72b0", label="analog-only span")
    ax.bar([x + w / 2 for x in xs], [v / div for v in h], w, color="#dd8452", label="hybrid span")
    for (k, v), (marker, color) in zip(busy.items(), (("_", "#55a868"), ("x", "#c44e52"), (".", "#8172b2"))):
        ax.plot([x + w / 2 for x in xs], [b / div for b in v], marker, color=color, markersize=8, linestyle="none",
                label=f"hybrid {k} busy (busiest unit)")
    step = max(1, len(names) // 48)
    ax.set_xticks(xs[::step])
    ax.set_xticklabels(names[::step], rotation=90 if len(names) > 6 else 0, fontsize=6)
    ax.set_xlabel(by)
    ax.set_ylabel(f"{'span / busy time' if busy else 'span'} ({unit})")
    plain_y(ax)
    ax.set_title(title or f"{context}: {what}", fontsize=8)
    legend_outside(ax)
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
    plain_y(ax)
    ax.set_title(title or f"{run_context(s)}: energy by component", fontsize=8)
    legend_outside(ax)
    save(fig, out)


def plot_strategies(rows, out, key="pipeline.strategy", group=None, title=None):
    """Per strategy (grouped by `group`): the hybrid latency against the strategy's own analog-only
    baseline, and the overhead against the common reference (the fastest analog-only schedule of
    the group, results.csv's reference_analog_only_ns) beside the overhead against its own."""
    strategies, groups = [], []
    for r in rows:
        if r[key] not in strategies:
            strategies.append(r[key])
        g = r[group] if group else ""
        if g not in groups:
            groups.append(g)
    fixed = {key} | ({group} if group else set())
    sel = {(st, g): one_row([r for r in rows if r[key] == st and (not group or r[group] == g)],
                            f"{key}={st}" + (f", {group}={g}" if group else ""), fixed)
           for st in strategies for g in groups}
    div, unit = time_scale([float(r["hybrid_ns"]) for r in sel.values() if r] +
                           [float(r["analog_only_ns"]) for r in sel.values() if r])
    fig, axes = plt.subplots(1, 2, figsize=(11.0, 4.2))
    w = 0.8 / max(1, len(strategies))
    for si, st in enumerate(strategies):
        xs = [i + (si - (len(strategies) - 1) / 2) * w for i in range(len(groups))]
        got = [sel[(st, g)] for g in groups]
        axes[0].bar(xs, [float(r["hybrid_ns"]) / div if r else 0 for r in got], w, label=st, color=f"C{si}")
        axes[0].hlines([float(r["analog_only_ns"]) / div if r else 0 for r in got], [x - w / 2 for x in xs],
                       [x + w / 2 for x in xs], colors="black", linewidth=1.6,
                       label="own analog-only baseline" if si == 0 else None)
        axes[1].bar(xs, [float(r["overhead_vs_reference"]) if r else 0 for r in got], w, color=f"C{si}", label=st)
        axes[1].plot(xs, [float(r["overhead"]) if r else 0 for r in got], "k_", markersize=10,
                     markeredgewidth=1.6, label="against own baseline" if si == 0 else None)
    axes[1].axhline(1.0, color="black", linestyle="--", linewidth=0.8, label="reference analog-only")
    for ax in axes:
        ax.set_xticks(range(len(groups)))
        ax.set_xticklabels([f"{group.split('.')[-1]}={g}" if group else "" for g in groups], fontsize=7)
        if group:
            ax.set_xlabel(group)
        plain_y(ax)
    axes[0].set_ylabel(f"end-to-end latency ({unit})")
    axes[0].set_title("hybrid (bars) and each strategy's own analog-only schedule (lines)", fontsize=8)
    axes[1].set_ylabel("hybrid / reference analog-only (x)")
    axes[1].set_title("overhead against the fastest analog-only schedule (bars) and own baseline (marks)",
                      fontsize=8)
    legend_outside(axes[1])
    fig.suptitle(title or context_title(rows, "pipelining strategies"), fontsize=9)
    save(fig, out)


def read_candidates(explore_dir):
    """The rows of a search's candidates.csv and the ids on its Pareto front (pareto.csv)."""
    rows = read_results(os.path.join(explore_dir, "candidates.csv"))
    front = {r["id"] for r in read_results(os.path.join(explore_dir, "pareto.csv"))}
    return rows, front


def front_2d(points):
    """The points (x, y, ...) no other point beats in both x and y (minimising), by x."""
    out = []
    for p in sorted(points, key=lambda q: (q[0], q[1])):
        if not out or p[1] < out[-1][1]:
            out.append(p)
    return out


def plot_front(explore_dir, x, y, out, marks=(), title=None):
    """Every simulated candidate of a search in two of its statistics: feasible ones, infeasible
    ones (missing the constraints), the search's Pareto front (pareto.csv: non-dominated in all
    objectives, so in two of them some front points lie behind others), the staircases of the
    candidates non-dominated in these two (feasible ones, and all of them when some are
    infeasible), and marked points (LABEL, x, y)."""
    rows, front = read_candidates(explore_dir)
    ok = [r for r in rows if r["status"] == "ok" and r.get(x, "") != "" and r.get(y, "") != ""]
    if not ok:
        fail(f"{explore_dir}: no simulated candidate has {x} and {y}")
    xs = [float(r[x]) for r in ok] + [m[1] for m in marks]
    ys = [float(r[y]) for r in ok] + [m[2] for m in marks]
    xd, xu = time_scale(xs) if x.endswith("_ns") else (1.0, "")
    yd, yu = time_scale(ys) if y.endswith("_ns") else (1.0, "")
    fig, ax = plt.subplots(figsize=(7.2, 4.4))
    infeasible = [r for r in ok if r["feasible"] != "true"]
    feasible = [r for r in ok if r["feasible"] == "true"]
    if infeasible:
        ax.scatter([float(r[x]) / xd for r in infeasible], [float(r[y]) / yd for r in infeasible],
                   marker="x", s=12, color="0.7", linewidths=0.8, label="infeasible (misses a constraint)")
    if infeasible:
        stairs = front_2d([(float(r[x]) / xd, float(r[y]) / yd) for r in ok])
        ax.step([p[0] for p in stairs], [p[1] for p in stairs], where="post", color="0.5",
                linewidth=0.8, linestyle="--", label=f"non-dominated in these two, constraints ignored ({len(stairs)})")
    if feasible:
        ax.scatter([float(r[x]) / xd for r in feasible], [float(r[y]) / yd for r in feasible],
                   s=10, color="tab:blue", alpha=0.6, label="feasible")
        stairs = front_2d([(float(r[x]) / xd, float(r[y]) / yd) for r in feasible])
        ax.step([p[0] for p in stairs], [p[1] for p in stairs], where="post", color="tab:blue",
                linewidth=0.8, label=f"non-dominated in these two ({len(stairs)})")
    on_front = [r for r in ok if r["id"] in front]
    if on_front:
        ax.scatter([float(r[x]) / xd for r in on_front], [float(r[y]) / yd for r in on_front],
                   s=28, facecolors="none", edgecolors="tab:red", linewidths=1.0,
                   label=f"Pareto front, all objectives ({len(on_front)})")
    for (label, mx, my), marker in zip(marks, ("*", "D", "P", "s")):
        ax.scatter([mx / xd], [my / yd], marker=marker, s=90, color="black", zorder=5, label=label)
    ax.set_xlabel(axis_label(x, xu))
    ax.set_ylabel(axis_label(y, yu))
    plain_y(ax)
    ax.set_title(title or f"{len(ok)} candidates: {axis_label(y).split(' (')[0]} against "
                          f"{axis_label(x).split(' (')[0]}", fontsize=8)
    legend_outside(ax)
    save(fig, out)


def plot_convergence(explore_dir, out, title=None):
    """A search's hypervolume and front size after each generation, against the evaluations so far
    (explore.json)."""
    with open(os.path.join(explore_dir, "explore.json")) as f:
        j = json.load(f)
    gens = j["generations"]
    ev = [g["evaluations"] for g in gens]
    fig, ax = plt.subplots(figsize=(7.2, 3.6))
    ax.plot(ev, [g["hypervolume"] for g in gens], marker="o", markersize=3, color="tab:blue",
            label="hypervolume (objectives scaled to [0, 1], reference 1.1)")
    ax.set_xlabel("candidates evaluated")
    ax.set_ylabel("hypervolume of the front")
    ax2 = ax.twinx()
    ax2.step(ev, [g["front"] for g in gens], where="post", color="tab:red", linewidth=0.8,
             label="front size (right axis)")
    ax2.set_ylabel("candidates on the front")
    ax2.yaxis.set_major_locator(matplotlib.ticker.MaxNLocator(integer=True))
    h1, l1 = ax.get_legend_handles_labels()
    h2, l2 = ax2.get_legend_handles_labels()
    ax.legend(h1 + h2, l1 + l2, fontsize=7, loc="lower right")
    algo = j["algorithm"]
    ax.set_title(title or f"{j['space']}: {algo['name']} ({algo['library']} {algo['version']}), seed {j['seed']}, "
                          f"{j['evaluations']} of {j['space_size']} candidates", fontsize=8)
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
    o.add_argument("--x", required=True, help="swept key or column on the x axis, e.g. pipeline.chunk_tokens")
    o.add_argument("--series", nargs="*", default=[], help="swept keys that make one line each")
    o.add_argument("--y", default="overhead", help="results.csv column (default: overhead)")
    o.add_argument("--where", action="append", default=[], metavar="KEY=VALUE", help="keep only these rows")
    o.add_argument("--linear-x", action="store_true", help="linear x axis instead of log2")
    o.add_argument("-o", "--output", required=True, help="output path without extension")
    s = sub.add_parser("strategies", help="strategy comparison bars from results.csv")
    s.add_argument("results")
    s.add_argument("--key", default="pipeline.strategy")
    s.add_argument("--group", default=None, help="a second swept key: one group of bars per value")
    s.add_argument("--where", action="append", default=[], metavar="KEY=VALUE", help="keep only these rows")
    s.add_argument("-o", "--output", required=True)
    l = sub.add_parser("layers", help="per block (the table's spans) or per linear, from a run folder")
    l.add_argument("run_dir")
    l.add_argument("--by", choices=["block", "linear"], default="block")
    l.add_argument("-o", "--output", required=True)
    e = sub.add_parser("energy", help="energy by component from a run folder's summary.json")
    e.add_argument("run_dir")
    e.add_argument("-o", "--output", required=True)
    f = sub.add_parser("front", help="a search's candidates and front in two statistics (aimcsim explore)")
    f.add_argument("explore_dir")
    f.add_argument("--x", required=True, help="candidates.csv column on the x axis, e.g. hybrid_area_mm2")
    f.add_argument("--y", required=True, help="candidates.csv column on the y axis, e.g. overhead")
    f.add_argument("--mark", action="append", default=[], metavar="LABEL=ID",
                   help="mark the candidate ID (candidates.csv's id) with LABEL")
    f.add_argument("-o", "--output", required=True)
    c = sub.add_parser("convergence", help="a search's hypervolume and front size per generation")
    c.add_argument("explore_dir")
    c.add_argument("-o", "--output", required=True)
    a = p.parse_args(argv)
    if a.cmd == "overhead":
        plot_lines(where(read_results(a.results), a.where), a.x, a.y, a.series, a.output, xlog=not a.linear_x)
    elif a.cmd == "strategies":
        plot_strategies(where(read_results(a.results), a.where), a.output, a.key, a.group)
    elif a.cmd == "layers":
        plot_layers(a.run_dir, a.output, a.by)
    elif a.cmd == "front":
        rows, _ = read_candidates(a.explore_dir)
        by_id = {r["id"]: r for r in rows}
        marks = []
        for m in a.mark:
            label, _, cid = m.rpartition("=")
            if cid not in by_id or by_id[cid].get(a.x, "") == "" or by_id[cid].get(a.y, "") == "":
                fail(f"--mark {m}: no simulated candidate {cid!r} in {a.explore_dir}/candidates.csv")
            marks.append((label or cid, float(by_id[cid][a.x]), float(by_id[cid][a.y])))
        plot_front(a.explore_dir, a.x, a.y, a.output, marks)
    elif a.cmd == "convergence":
        plot_convergence(a.explore_dir, a.output)
    else:
        plot_energy(a.run_dir, a.output)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
