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

Each command writes OUT.png and OUT.svg. Output is deterministic: same input, same bytes. The
figures are drawn by the package's aimcsim.plot (sim/python/aimcsim/plot.py, loaded from the source
tree, so this script needs no build); from Python, call aimcsim.plot on DataFrames and results.
"""
import argparse
import importlib.util
import os
import shutil
import subprocess
import sys
import warnings


def _load_plot():
    """aimcsim.plot from the source tree, without the package (whose compiled core this script
    does not need)."""
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "sim", "python", "aimcsim", "plot.py")
    spec = importlib.util.spec_from_file_location("aimcsim_plot", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


plot = _load_plot()
# What the figures leave out is said on stderr as this script's own lines.
warnings.simplefilter("always", plot.PlotWarning)
warnings.showwarning = lambda message, *args, **kwargs: print(f"aimcsim_plots: {message}", file=sys.stderr)

# The formats the plot_* functions write; curated studies keep PNGs only.
FORMATS = ("png", "svg")
read_results = plot.read_results
read_layers = plot.read_layers
read_summary = plot.read_summary


def fail(message):
    """Stops with `message` on stderr and exit status 2 (bad input), as aimcsim does."""
    print(f"aimcsim_plots: {message}", file=sys.stderr)
    sys.exit(2)


def save(fig, out):
    """Writes OUT.png and OUT.svg (FORMATS) without dates or version stamps."""
    plot.save(fig, out, FORMATS)


def _saved(draw, out, *args, **kwargs):
    try:
        fig = draw(*args, **kwargs)
    except plot.PlotError as e:
        fail(str(e))
    save(fig, out)


def plot_lines(rows, x, y, series, out, title=None, ylabel=None, xlog=True, hline=None):
    """One line per distinct value of the `series` keys: y against the numeric value of x."""
    _saved(plot.lines_figure, out, rows, x, y, series, title=title, ylabel=ylabel, xlog=xlog, hline=hline)


def plot_layers(run_dir, out, by="block", title=None):
    """Per block (the table's spans) or per linear (each linear's span and busy times)."""
    rows = read_layers(run_dir) if by == "linear" else []
    _saved(plot.layers_figure, out, read_summary(run_dir), rows, by=by, title=title)


def plot_energy(run_dir, out, title=None):
    """Energy by component, analog-only and hybrid, stacked."""
    _saved(plot.energy_figure, out, read_summary(run_dir), title=title)


def plot_strategies(rows, out, key="pipeline.strategy", group=None, title=None):
    """Strategy comparison bars (aimcsim.plot.strategies_figure)."""
    _saved(plot.strategies_figure, out, rows, key=key, group=group, title=title)


def plot_front(explore_dir, x, y, out, marks=(), title=None):
    """A search's candidates and front in two statistics (aimcsim.plot.front_figure)."""
    rows, front = plot.read_candidates(explore_dir)
    _saved(plot.front_figure, out, rows, front, x, y, marks, title=title)


def plot_convergence(explore_dir, out, title=None):
    """A search's hypervolume and front size per generation (aimcsim.plot.convergence_figure)."""
    _saved(plot.convergence_figure, out, plot.read_explore(explore_dir), title=title)


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
    try:
        if a.cmd == "overhead":
            plot_lines(plot.select(read_results(a.results), a.where), a.x, a.y, a.series, a.output,
                       xlog=not a.linear_x)
        elif a.cmd == "strategies":
            plot_strategies(plot.select(read_results(a.results), a.where), a.output, a.key, a.group)
        elif a.cmd == "layers":
            plot_layers(a.run_dir, a.output, a.by)
        elif a.cmd == "front":
            rows, _ = plot.read_candidates(a.explore_dir)
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
    except plot.PlotError as e:
        fail(str(e))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
