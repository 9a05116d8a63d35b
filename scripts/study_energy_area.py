#!/usr/bin/python3
"""Regenerates results/energy_area/: latency, energy and area across tile sizes and PMCA engines,
at equal area, with power gating off and on, for MobileBERT and a decoder (GPT-2).

Runs two sweeps. The first (sweep_min.yaml) sizes every platform to its model (one PMCA per
layer) and gives each tile size's smallest area; the second (sweep.yaml) gives every point of a
model the same platform.area_budget, the largest of those areas, so that each point keeps the
fastest PMCA split that fits one budget, with gating off and on. Writes results.csv (the second
sweep), results_min.csv, table.md and the figures.
Usage: scripts/study_energy_area.py [-j JOBS] [--aimcsim PATH] [--resume]
"""
import argparse
import math
import os
import shutil
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import aimcsim_plots as ap  # noqa: E402
import matplotlib.pyplot as plt  # noqa: E402

ROOT = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
STUDY = os.path.join(ROOT, "results", "energy_area")
SIZES = [128, 256, 512, 1024]
ENGINES = ["ahwa-lora", "snitch-cores"]  # RedMulE beside the cores at 666 MHz; the cores at 1 GHz
MODELS = [("mobilebert", "workload.model: mobilebert"),
          ("gpt2", "workload.model: gpt2, workload.decode_tokens: 16")]

HEADER = ("# Written by scripts/study_energy_area.py: tile sizes x PMCA engines{gating} for MobileBERT\n"
          "# (320 tokens) and GPT-2 (320 prompt + 16 generated tokens), rank 8 on every linear,\n"
          "# token-pipelined, chunk auto.{budget}\n")


def sweep_text(points, gating, budget_note):
    return (HEADER.format(gating=" x power.gating" if gating else "", budget=budget_note) +
            "base:\n"
            "  workload: {seq_len: 320}\n"
            "  lora: {rank: 8, targets: all+head}\n"
            "  pipeline: {strategy: token-pipelined, chunk_tokens: auto}\n"
            "grid:\n"
            f"  pmca.preset: [{', '.join(ENGINES)}]\n" +
            ("  power.gating: [false, true]\n" if gating else "") +
            "zip:\n"
            f"  tile.rows: [{', '.join(map(str, SIZES))}]\n"
            f"  tile.cols: [{', '.join(map(str, SIZES))}]\n"
            f"  tile.adc_count: [{', '.join(map(str, SIZES))}]\n"
            "points:\n" + "".join(f"  - {{{p}}}\n" for p in points))


def model_of(r):
    """The row's model: a figure column, or the swept key when workload.model is swept."""
    return r.get("workload.model") or r["model"]


def budgets(rows_min):
    """Per model, the largest of the smallest platforms, rounded up to 10 mm2."""
    out = {}
    for r in rows_min:
        out[model_of(r)] = max(out.get(model_of(r), 0.0), float(r["hybrid_area_mm2"]))
    return {m: 10 * math.ceil(a / 10) for m, a in out.items()}


def by(rows, **keys):
    """The rows with these values; a key the rows do not have (power.gating in the sizing sweep)
    matches its "false"."""
    return [r for r in rows if all(r.get(k, "false") == v for k, v in keys.items())]


def point(rows, model, engine, gating, size):
    """The row of one model, engine, gating and tile size, or None."""
    rs = [r for r in by(rows, **{"pmca.preset": engine, "power.gating": gating,
                                 "tile.rows": str(size)}) if model_of(r) == model]
    return rs[0] if rs else None


def plot_metric(rows, model, metric, ylabel, out, title, scale=1.0, logy=False, gatings=("false", "true")):
    fig, ax = plt.subplots(figsize=(6.4, 4.0))
    for engine in ENGINES:
        for gating in gatings:
            pts = sorted((int(r["tile.rows"]), float(r[metric]) * scale)
                         for r in by(rows, **{"pmca.preset": engine, "power.gating": gating})
                         if model_of(r) == model)
            if not pts:
                continue
            ax.plot([p[0] for p in pts], [p[1] for p in pts], marker="o", markersize=3,
                    linestyle="-" if gating == "false" else "--",
                    label=engine if len(gatings) == 1 else f"{engine}, gating {'on' if gating == 'true' else 'off'}")
    ax.set_xscale("log", base=2)
    ax.set_xticks(SIZES)
    ax.set_xticklabels([str(s) for s in SIZES])
    ax.minorticks_off()
    if logy:
        ax.set_yscale("log")
    ax.set_xlabel("tile size, tile.rows = tile.cols = tile.adc_count")
    ax.set_ylabel(ylabel)
    ax.set_title(title, fontsize=9)
    ax.legend(fontsize=7)
    ap.save(fig, out)


def plot_energy_split(rows, model, out, title):
    """Hybrid energy per token split into dynamic and static, per tile size, engine and gating."""
    fig, ax = plt.subplots(figsize=(7.2, 4.0))
    labels, dyn, sta = [], [], []
    for size in SIZES:
        for engine in ENGINES:
            for gating in ("false", "true"):
                r = point(rows, model, engine, gating, size)
                if r is None:
                    continue
                tokens = float(r["hybrid_energy_nj"]) / float(r["hybrid_energy_per_token_nj"])
                static = float(r["hybrid_static_nj"]) / tokens / 1e3
                labels.append(f"{size} {'RedMulE' if engine == 'ahwa-lora' else 'cores'}"
                              f"{' gated' if gating == 'true' else ''}")
                sta.append(static)
                dyn.append(float(r["hybrid_energy_per_token_nj"]) / 1e3 - static)
    xs = range(len(labels))
    ax.bar(xs, dyn, label="dynamic")
    ax.bar(xs, sta, bottom=dyn, label="static (leakage + wake-ups)")
    ax.set_xticks(list(xs))
    ax.set_xticklabels(labels, rotation=70, fontsize=6)
    ax.set_ylabel("hybrid energy per token (uJ)")
    ax.set_yscale("log")
    ax.set_ylim(bottom=10)
    ax.set_title(title, fontsize=9)
    ax.legend(fontsize=7)
    ap.save(fig, out)


def write_table(rows, rows_min, budget, path):
    with open(path, "w") as f:
        f.write("# Energy and area at equal area: the figures\n\n")
        f.write("Written by `scripts/study_energy_area.py` from [`results.csv`](results.csv) and "
                "[`results_min.csv`](results_min.csv).\n\n")
        for model, _ in MODELS:
            f.write(f"## {model}: equal area, {budget[model]} mm2\n\n")
            f.write("| tile | engine | gating | smallest area mm2 | area used mm2 | PMCAs | hybrid ms | "
                    "analog-only ms | overhead | hybrid uJ/token | static share | dominant | "
                    "TOPS/mm2 | tokens/s/mm2 |\n")
            f.write("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|\n")
            for size in SIZES:
                for engine in ENGINES:
                    m = [r for r in by(rows_min, **{"pmca.preset": engine, "tile.rows": str(size)})
                         if model_of(r) == model]
                    for gating in ("false", "true"):
                        r = point(rows, model, engine, gating, size)
                        if r is None:
                            continue
                        share = float(r["hybrid_static_nj"]) / float(r["hybrid_energy_nj"])
                        f.write(f"| {size} | {engine} | {'on' if gating == 'true' else 'off'} | "
                                f"{float(m[0]['hybrid_area_mm2']):.1f} | "
                                f"{float(r['hybrid_area_mm2']):.1f} | {r['pmcas']} | "
                                f"{float(r['hybrid_ns']) / 1e6:.3f} | {float(r['analog_only_ns']) / 1e6:.3f} | "
                                f"{float(r['overhead']):.3f} | "
                                f"{float(r['hybrid_energy_per_token_nj']) / 1e3:.2f} | {share:.3f} | "
                                f"{r['hybrid_energy_dominant']} | {float(r['hybrid_tops_per_mm2']):.3g} | "
                                f"{float(r['hybrid_tokens_per_s_per_mm2']):.3g} |\n")
            f.write("\n")


def main(argv):
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.study_arguments(p, os.path.join(ROOT, "runs", "energy_area"))
    a = p.parse_args(argv)
    a.aimcsim = a.aimcsim or os.path.join(ROOT, "build", "aimcsim")
    os.makedirs(STUDY, exist_ok=True)

    # 1. Every platform sized to its model: the smallest area of each tile size and engine.
    sweep_min = os.path.join(STUDY, "sweep_min.yaml")
    with open(sweep_min, "w") as f:
        f.write(sweep_text([p for _, p in MODELS], False, " Sized to the model: the smallest platforms."))
    rows_min = ap.read_results(ap.run_sweep(sweep_min, a.runs + "_min", a.jobs, a.aimcsim, a.resume))
    shutil.copyfile(os.path.join(a.runs + "_min", "results.csv"), os.path.join(STUDY, "results_min.csv"))
    budget = budgets(rows_min)

    # 2. Equal area per model: the largest smallest platform, gating off and on.
    sweep = os.path.join(STUDY, "sweep.yaml")
    points = [f"{p}, platform.area_budget: {budget[m]}mm2" for m, p in MODELS]
    with open(sweep, "w") as f:
        f.write(sweep_text(points, True, " Equal area per model: the largest of the smallest\n"
                                         "# platforms of sweep_min.yaml."))
    ap.FORMATS = ("png",)
    rows = ap.run_study(STUDY, sweep, a)

    for model, _ in MODELS:
        title = f"{model} at equal area ({budget[model]} mm2), rank 8, token-pipelined"
        plot_metric(rows, model, "hybrid_ns", "hybrid latency (ms)", os.path.join(STUDY, f"latency_{model}"),
                    title, scale=1e-6)
        plot_metric(rows, model, "hybrid_energy_per_token_nj", "hybrid energy per token (uJ)",
                    os.path.join(STUDY, f"energy_per_token_{model}"), title, scale=1e-3, logy=True)
        plot_metric(rows_min, model, "hybrid_area_mm2", "hybrid area, sized to the model (mm2)",
                    os.path.join(STUDY, f"area_{model}"), f"{model}: the smallest platform per tile size",
                    gatings=("false",))
        plot_energy_split(rows, model, os.path.join(STUDY, f"energy_split_{model}"),
                          f"{model} at {budget[model]} mm2: hybrid energy per token, dynamic and static")
    write_table(rows, rows_min, budget, os.path.join(STUDY, "table.md"))
    print(f"wrote {os.path.relpath(STUDY, ROOT)}/: results.csv, results_min.csv, table.md and figures; "
          f"budgets {budget}")


if __name__ == "__main__":
    main(sys.argv[1:])
