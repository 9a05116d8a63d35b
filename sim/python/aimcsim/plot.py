"""Plots of aimcsim results as matplotlib figures (Agg backend; matplotlib is the only package).

On DataFrames and results from Python:
  overhead(df, x=KEY, series=[KEY, ...], y="overhead", where={KEY: VALUE})  a results.csv column
      (aimcsim.sweep's DataFrame) against a swept key, one line per series value
  strategies(df, key="pipeline.strategy", group=KEY, where=...)  strategy comparison bars
  layers(run, by="block"|"linear")  per block (the table's spans) or per linear, of an
      aimcsim.run result or a run folder (aimcsim run -o DIR, a sweep's points/<id>/)
  energy(run)                        energy by component, stacked
  save(fig, out)                     OUT.png and OUT.svg, the same bytes for the same figure

Each returns a Figure. When several rows remain for one point of a line or bar they raise
PlotError (a ValueError) naming the keys that differ instead of picking one; rows left out (no
number on the x axis, points over capacity) are said in a PlotWarning. Latency axes read in ns,
us, ms or s as the values need; README "Reading the outputs" defines each figure.
scripts/aimcsim_plots.py is the command line over these functions.
"""
import csv
import json
import math
import os
import re
import warnings

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


class PlotError(ValueError):
    """The rows cannot make the plot asked for (a missing column, several rows for one point)."""


class PlotWarning(UserWarning):
    """Rows a plot leaves out, or draws with a caveat (points over capacity)."""


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




def keep_ran(rows):
    """The rows of points that ran; points over capacity are kept, and said in a warning (their
    figures assume the memory they lack)."""
    rows = [r for r in rows if r.get("status", "ok") == "ok"]
    over = [r.get("point", r.get("id", "?")) for r in rows if r.get("capacity_status") == "over_capacity"]
    if over:
        warnings.warn(f"{len(over)} point(s) are over capacity ({', '.join(over[:5])}"
                      f"{', ...' if len(over) > 5 else ''}): their figures assume memory the platform lacks",
                      PlotWarning, stacklevel=3)
    return rows


def read_results(path):
    """The rows of a results.csv (as text, as csv.DictReader gives them) of the points that ran."""
    with open(path, newline="") as f:
        return keep_ran(list(csv.DictReader(f)))


def read_layers(run_dir):
    with open(os.path.join(run_dir, "layers.csv"), newline="") as f:
        return list(csv.DictReader(f))


def read_summary(run_dir):
    with open(os.path.join(run_dir, "summary.json")) as f:
        return json.load(f)


# The formats save() writes by default.
FORMATS = ("png", "svg")


def save(fig, out, formats=None):
    """Writes OUT.png and OUT.svg (or `formats`) without dates or version stamps, and closes the
    figure."""
    formats = FORMATS if formats is None else formats
    os.makedirs(os.path.dirname(os.path.abspath(out)), exist_ok=True)
    fig.tight_layout()
    if "png" in formats:
        fig.savefig(out + ".png", metadata={"Software": None})
    if "svg" in formats:
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




def select(rows, conditions):
    """The rows whose columns equal each KEY=VALUE of `conditions` (a list of "KEY=VALUE", or a
    dict {KEY: VALUE})."""
    if isinstance(conditions, dict):
        conditions = [f"{k}={_text(v)}" for k, v in conditions.items()]
    for c in conditions or []:
        key, _, value = c.partition("=")
        if not rows or key not in rows[0]:
            raise PlotError(f"--where {c}: no column {key!r}")
        rows = [r for r in rows if r[key] == value]
    return rows


def one_row(rows, what, fixed):
    """The single row of `rows` (those matching `what`); raises PlotError naming the keys that
    still differ."""
    if len(rows) <= 1:
        return rows[0] if rows else None
    differ = [k for k in swept_keys(rows) if k not in fixed and len({r[k] for r in rows}) > 1]
    raise PlotError(f"{len(rows)} rows for {what}: they differ in {', '.join(differ) or 'nothing swept'}; "
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




def lines_figure(rows, x, y, series, title=None, ylabel=None, xlog=True, hline=None):
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
        warnings.warn(f"{len(dropped)} row(s) have no number for {x} or {y} "
                      f"(e.g. {x}={dropped[0][x]!r}) and are not drawn{hint}", PlotWarning, stacklevel=3)
    ys = [float(r[y]) for g in groups.values() for rs in g.values() for r in rs]
    div, unit = time_scale(ys) if y.endswith("_ns") else (1.0, "")
    fig, ax = plt.subplots(figsize=(7.2, 4.0))
    try:
        for name, by_x in groups.items():
            pts = []
            for xv in sorted(by_x):
                r = one_row(by_x[xv], f"{name} at {x}={xv:g}", set(series) | {x})
                pts.append((xv, float(r[y]) / div))
            ax.plot([p[0] for p in pts], [p[1] for p in pts], marker="o", markersize=3, label=name)
    except PlotError:
        plt.close(fig)
        raise
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
    return fig


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


def layers_figure(s, layers, by="block", title=None):
    """Per block (the table's spans) or per linear (each linear's span and busy times), from a
    run's summary (dict) and its layers.csv rows."""
    if by not in ("block", "linear"):
        raise PlotError(f"by={by!r}: expected 'block' or 'linear'")
    context = run_context(s)
    if by == "block":
        names = [b["block"] for b in s["blocks"]]
        a = [b["analog_only_span_ns"] for b in s["blocks"]]
        h = [b["hybrid_span_ns"] for b in s["blocks"]]
        busy = {}
        what = "block span: first operator ready to last operator's end (the table's figures)"
    else:
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
    return fig


def energy_figure(s, title=None):
    """Energy by component, analog-only and hybrid, stacked, from a run's summary (dict)."""
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
    return fig


def strategies_figure(rows, key="pipeline.strategy", group=None, title=None):
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
    return fig


# ---------------------------------------------------------------- on DataFrames and results

def _text(v):
    """A DataFrame cell as results.csv writes it: '' for a missing value, true/false, else str."""
    if v is None or (isinstance(v, float) and math.isnan(v)):
        return ""
    if isinstance(v, bool) or type(v).__name__ == "bool_":
        return "true" if v else "false"
    return str(v)


def rows_of(df):
    """A DataFrame's rows as results.csv's text rows (column -> text), the form the figures read."""
    if hasattr(df, "to_dict"):
        return [{str(k): _text(v) for k, v in r.items()} for r in df.to_dict("records")]
    return [{str(k): _text(v) for k, v in r.items()} for r in df]


def _run(run):
    """(summary dict, layers.csv rows) of an aimcsim.run result or a run folder."""
    if isinstance(run, (str, os.PathLike)):
        return read_summary(os.fspath(run)), read_layers(os.fspath(run))
    return run.summary, rows_of(run.layers)


def overhead(df, x, series=(), y="overhead", where=None, title=None, ylabel=None, xlog=True, hline=None):
    """A results.csv column `y` (aimcsim.sweep's DataFrame) against the swept key `x`, one line per
    value of the `series` keys; x on a log2 axis unless xlog=False; `hline` = (y, label)."""
    if isinstance(series, str):
        series = [series]
    rows = select(keep_ran(rows_of(df)), where)
    return lines_figure(rows, x, y, list(series), title=title, ylabel=ylabel, xlog=xlog, hline=hline)


def strategies(df, key="pipeline.strategy", group=None, where=None, title=None):
    """Per strategy (grouped by the swept key `group`): hybrid latency against each strategy's own
    analog-only baseline, and the overhead against the fastest analog-only schedule."""
    rows = select(keep_ran(rows_of(df)), where)
    return strategies_figure(rows, key=key, group=group, title=title)


def layers(run, by="block", title=None):
    """Per block (the table's spans) or per linear (`by="linear"`: spans and busiest units' busy
    times) of an aimcsim.run result or a run folder."""
    s, rows = _run(run)
    return layers_figure(s, rows, by=by, title=title)


def energy(run, title=None):
    """Both designs' energy stacked by component, of an aimcsim.run result or a run folder."""
    if isinstance(run, (str, os.PathLike)):
        return energy_figure(read_summary(os.fspath(run)), title=title)
    return energy_figure(run.summary, title=title)


def read_candidates(explore_dir):
    """The rows of a search's candidates.csv (aimcsim explore) and the ids on its Pareto front
    (pareto.csv)."""
    rows = read_results(os.path.join(explore_dir, "candidates.csv"))
    front = {r["id"] for r in read_results(os.path.join(explore_dir, "pareto.csv"))}
    return rows, front


def read_explore(explore_dir):
    with open(os.path.join(explore_dir, "explore.json")) as f:
        return json.load(f)


def front_2d(points):
    """The points (x, y, ...) no other point beats in both x and y (minimising), by x."""
    out = []
    for p in sorted(points, key=lambda q: (q[0], q[1])):
        if not out or p[1] < out[-1][1]:
            out.append(p)
    return out


def front_figure(rows, front, x, y, marks=(), title=None):
    """Every simulated candidate of a search in two of its statistics: feasible ones, infeasible
    ones (missing the constraints), the search's Pareto front (`front`, the ids of pareto.csv:
    non-dominated in all objectives, so in two of them some front points lie behind others), the
    staircases of the candidates non-dominated in these two (feasible ones, and all of them when
    some are infeasible), and marked points (LABEL, x, y)."""
    ok = [r for r in rows if r.get(x, "") != "" and r.get(y, "") != ""]
    if not ok:
        raise PlotError(f"no simulated candidate has {x} and {y}")
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
    return fig


def convergence_figure(explore, title=None):
    """A search's hypervolume and front size after each generation, against the evaluations so far
    (`explore`: explore.json as a dict)."""
    gens = explore["generations"]
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
    algo = explore["algorithm"]
    ax.set_title(title or f"{explore['space']}: {algo['name']} ({algo['library']} {algo['version']}), "
                          f"seed {explore['seed']}, {explore['evaluations']} of {explore['space_size']} candidates",
                 fontsize=8)
    return fig
