#!/usr/bin/python3
"""Regenerates results/serving/: many LoRA adapters on one programmed chip, under a request stream.

For MobileBERT (an encoder: 128-token requests, one at a time) and GPT-2 (a decoder: 128 prompt +
32 decode tokens, same-adapter continuous batching up to 8), with `aimcsim serve`:

  1. latency and throughput against the request rate for 1, 8 and 64 adapters under a Zipf mix
     (exponent 1), hybrid design;
  2. the adapters' hit rate per memory level against the L2 kept for adapters (64 adapters);
  3. the crossover between swapping adapters (hybrid) and reprogramming the tiles per task: against
     the number of tasks (uniform mix) at a fixed rate, and against how many requests in a row go
     to one task (4 tasks taking turns, phased traffic).

Writes PNGs, table.md and data.csv into results/serving/. Usage:
  scripts/study_serving.py [--aimcsim PATH] [--requests N]
"""
import argparse
import csv
import json
import os
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import aimcsim_plots as ap  # noqa: E402

plt = ap.plot.plt
ROOT = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
STUDY = os.path.join(ROOT, "results", "serving")

MODELS = {
    "mobilebert": {
        "label": "MobileBERT (128 tokens, fcfs)",
        "params": ["serve.prompt_tokens=128", "serve.decode_tokens=0", "serve.policy=fcfs"],
        "rates": [5, 10, 20, 30, 35, 40, 45],
        "crossover_rate": 10,
    },
    "gpt2": {
        "label": "GPT-2 (128 + 32 tokens, same-adapter batches of 8)",
        "params": ["workload.model=gpt2", "workload.seq_len=128", "lora.targets=all",
                   "serve.prompt_tokens=128", "serve.decode_tokens=32", "serve.policy=same-adapter",
                   "serve.max_batch=8"],
        "rates": [2, 4, 8, 12, 16, 20, 24],
        "crossover_rate": 4,
    },
}
ADAPTERS = [1, 8, 64]
L2_KIB = [64, 128, 256, 512, 1024, 2048, 4096]
TASKS = [1, 2, 4, 8, 16, 32, 64]
PHASES = [1, 4, 16, 32, 64, 128, 256, 512]
DESIGNS = ["hybrid", "reprogram", "analog_only"]


def serve(exe, params, requests):
    """serve.json of one `aimcsim serve` run with `params`."""
    with tempfile.TemporaryDirectory(prefix="aimcsim-serving-") as out:
        cmd = [exe, "-q", "serve", "-o", out, "-p", f"serve.requests={requests}"]
        for p in params:
            cmd += ["-p", p]
        r = subprocess.run(cmd, capture_output=True, text=True)
        if r.returncode != 0:
            sys.exit(f"study_serving: {' '.join(cmd)} failed:\n{r.stderr}")
        with open(os.path.join(out, "serve.json")) as f:
            return json.load(f)


def phased_trace(tasks, k, rate, n, m):
    """A CSV trace: Poisson arrivals at `rate`, the task changing every `k` requests."""
    import random
    rng = random.Random(1)
    prompt = next(int(p.split("=")[1]) for p in m["params"] if p.startswith("serve.prompt_tokens="))
    decode = next(int(p.split("=")[1]) for p in m["params"] if p.startswith("serve.decode_tokens="))
    fd, path = tempfile.mkstemp(prefix="aimcsim-phased-", suffix=".csv")
    t = 0.0
    with os.fdopen(fd, "w") as f:
        f.write("arrival_us,adapter,prompt_tokens,decode_tokens\n")
        for i in range(n):
            t += rng.expovariate(rate) * 1e6
            f.write(f"{t:.3f},{(i // k) % tasks},{prompt},{decode}\n")
    return path


def latency_panel(ax, xs, lat, xlabel, title):
    """Each design's mean latency (ms) against `xs`, both axes logarithmic."""
    for d in DESIGNS:
        ax.plot(xs, lat[d], marker="o", label=d)
    ax.set_xscale("log", base=2)
    ax.set_yscale("log")
    ax.set_xlabel(xlabel)
    ax.set_ylabel("mean latency (ms)")
    ax.set_title(title, fontsize=9)
    ap.plot.legend_outside(ax)


def main(argv):
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--aimcsim", default=os.path.join(ROOT, "build", "aimcsim"))
    p.add_argument("--requests", type=int, default=2000, help="requests per point (default 2000)")
    a = p.parse_args(argv)
    ap.FORMATS = ("png",)
    os.makedirs(STUDY, exist_ok=True)
    rows = []

    def record(study, model, x_key, x, j, **extra):
        for d in DESIGNS:
            g = j["designs"][d]
            row = {"study": study, "model": model, "x_key": x_key, "x": x, "design": d,
                   "throughput_rps": g["throughput_rps"], "latency_p50_us": g["latency_us"]["p50"],
                   "latency_p99_us": g["latency_us"]["p99"], "latency_mean_us": g["latency_us"]["mean"],
                   "ttft_p50_us": g["ttft_us"]["p50"], "energy_per_request_uj": g["energy"]["per_request_uj"],
                   "hit_rate": g.get("adapters", {}).get("hit_rate", ""),
                   "reprogrammings": g.get("reprogrammings", ""),
                   "reprogram_time_us": g.get("reprogram_time_us", "")}
            for lvl in ("l1", "l2", "dram"):
                row[f"found_{lvl}"] = g.get("adapters", {}).get("levels", {}).get(lvl, {}).get("rate", "")
            row.update(extra)
            rows.append(row)

    # 1. Latency and throughput against the rate, 1 / 8 / 64 adapters, Zipf.
    for model, m in MODELS.items():
        fig, (ax_l, ax_t) = plt.subplots(1, 2, figsize=(10, 3.8))
        for n in ADAPTERS:
            p50, p99, tput = [], [], []
            for rate in m["rates"]:
                j = serve(a.aimcsim, m["params"] + [f"serve.adapters={n}", "serve.mix=zipf",
                                                    f"serve.rate={rate}Hz"], a.requests)
                record("rate", model, "serve.rate_hz", rate, j, adapters=n)
                h = j["designs"]["hybrid"]
                p50.append(h["latency_us"]["p50"] / 1e3)
                p99.append(h["latency_us"]["p99"] / 1e3)
                tput.append(h["throughput_rps"])
            name = f"{n} adapter{'s' if n > 1 else ''}"
            line, = ax_l.plot(m["rates"], p50, marker="o", label=f"{name}, p50")
            ax_l.plot(m["rates"], p99, marker="x", linestyle="--", color=line.get_color(),
                      label=f"{name}, p99")
            ax_t.plot(m["rates"], tput, marker="o", label=name)
        ax_t.plot(m["rates"], m["rates"], color="grey", linestyle=":", label="offered load")
        ax_l.set_yscale("log")
        ax_l.set_xlabel("request rate, serve.rate (requests/s)")
        ax_l.set_ylabel("latency, arrival to last token (ms)")
        ax_t.set_xlabel("request rate, serve.rate (requests/s)")
        ax_t.set_ylabel("throughput (requests/s)")
        ax_l.set_title(f"{m['label']}: hybrid latency", fontsize=9)
        ax_t.set_title("hybrid throughput, Zipf 1 over the adapters", fontsize=9)
        ap.plot.legend_outside(ax_l)
        ap.plot.legend_outside(ax_t)
        ap.save(fig, os.path.join(STUDY, f"rate_{model}"))

    # 2. Hit rate per level against the L2 kept for adapters: 64 adapters, Zipf, a moderate rate.
    fig, axes = plt.subplots(1, len(MODELS), figsize=(10, 3.6))
    for ax, (model, m) in zip(axes, MODELS.items()):
        found = {lvl: [] for lvl in ("l1", "l2", "dram")}
        for kib in L2_KIB:
            j = serve(a.aimcsim, m["params"] + ["serve.adapters=64", "serve.mix=zipf",
                                                f"serve.rate={m['crossover_rate']}Hz",
                                                f"memory.l2_adapters={kib}KiB"], a.requests)
            record("l2", model, "memory.l2_adapters_kib", kib, j)
            levels = j["designs"]["hybrid"]["adapters"]["levels"]
            for lvl in found:
                found[lvl].append(levels.get(lvl, {}).get("rate", float("nan")))
        for lvl, ys in found.items():
            ax.plot(L2_KIB, ys, marker="o", label=f"found in {lvl}")
        ax.set_xscale("log", base=2)
        ax.set_xlabel("L2 per PMCA for adapters, memory.l2_adapters (KiB)")
        ax.set_ylabel("share of adapter accesses")
        ax.set_title(f"{model}: 64 adapters, Zipf 1", fontsize=9)
        ap.plot.legend_outside(ax)
    ap.save(fig, os.path.join(STUDY, "hit_rate_l2"))

    # 3. Swapping adapters against reprogramming the tiles: tasks at a fixed rate, and the rate for
    # 4 tasks (uniform mix, so every task is as busy).
    fig, axes = plt.subplots(2, len(MODELS), figsize=(10, 7))
    for col, (model, m) in enumerate(MODELS.items()):
        lat = {d: [] for d in DESIGNS}
        for n in TASKS:
            j = serve(a.aimcsim, m["params"] + [f"serve.adapters={n}", "serve.mix=uniform",
                                                f"serve.rate={m['crossover_rate']}Hz"], a.requests)
            record("tasks", model, "serve.adapters", n, j)
            for d in DESIGNS:
                lat[d].append(j["designs"][d]["latency_us"]["mean"] / 1e3)
        latency_panel(axes[0][col], TASKS, lat, "tasks (adapters), uniform mix, serve.adapters",
                      f"{model} at {m['crossover_rate']} requests/s")
        # Phased traffic: the stream stays on one task for K requests, then moves to the next
        # (4 tasks in turn); the tiles switch as soon as their task has nothing waiting.
        lat = {d: [] for d in DESIGNS}
        for k in PHASES:
            trace = phased_trace(4, k, m["crossover_rate"], a.requests, m)
            j = serve(a.aimcsim, m["params"] + ["serve.adapters=4", "serve.reprogram_queue=1",
                                                f"serve.trace={trace}"], a.requests)
            os.remove(trace)
            record("phase", model, "requests_per_phase", k, j)
            for d in DESIGNS:
                lat[d].append(j["designs"][d]["latency_us"]["mean"] / 1e3)
        latency_panel(axes[1][col], PHASES, lat, "requests in a row for one task (4 tasks in turn)",
                      f"{model} at {m['crossover_rate']} requests/s, phased tasks")
    ap.save(fig, os.path.join(STUDY, "crossover"))

    keys = list(rows[0].keys())
    for r in rows:
        for k in r:
            if k not in keys:
                keys.append(k)
    with open(os.path.join(STUDY, "data.csv"), "w", newline="") as f:
        w = csv.DictWriter(f, fieldnames=keys, lineterminator="\n")
        w.writeheader()
        w.writerows(rows)

    # The crossover table: per model and number of tasks, mean latency and energy per request of
    # the two ways to serve many tasks.
    lines = ["| model | tasks | rate (req/s) | hybrid mean latency (ms) | reprogram mean latency (ms) | "
             "analog-only (ms) | reprogrammings | hybrid hit rate | faster |", "|---|---|---|---|---|---|---|---|---|"]
    for model, m in MODELS.items():
        for n in TASKS:
            by = {r["design"]: r for r in rows if r["study"] == "tasks" and r["model"] == model and r["x"] == n}
            h, rp, an = by["hybrid"], by["reprogram"], by["analog_only"]
            faster = "reprogram" if rp["latency_mean_us"] < h["latency_mean_us"] else "hybrid"
            lines.append(f"| {model} | {n} | {m['crossover_rate']} | {h['latency_mean_us'] / 1e3:.2f} | "
                         f"{rp['latency_mean_us'] / 1e3:.2f} | {an['latency_mean_us'] / 1e3:.2f} | "
                         f"{rp['reprogrammings']} | {h['hit_rate']:.3f} | {faster} |")
    lines += ["", "| model | requests in a row per task | hybrid mean latency (ms) | reprogram mean latency (ms) | "
              "analog-only (ms) | reprogrammings | programming per switch (ms) | faster |",
              "|---|---|---|---|---|---|---|---|"]
    for model, m in MODELS.items():
        for k in PHASES:
            by = {r["design"]: r for r in rows if r["study"] == "phase" and r["model"] == model and r["x"] == k}
            h, rp, an = by["hybrid"], by["reprogram"], by["analog_only"]
            faster = "reprogram" if rp["latency_mean_us"] < h["latency_mean_us"] else "hybrid"
            lines.append(f"| {model} | {k} | {h['latency_mean_us'] / 1e3:.2f} | {rp['latency_mean_us'] / 1e3:.2f} | "
                         f"{an['latency_mean_us'] / 1e3:.2f} | {rp['reprogrammings']} | "
                         f"{rp['reprogram_time_us'] / rp['reprogrammings'] / 1e3:.2f} | {faster} |")
    with open(os.path.join(STUDY, "table.md"), "w") as f:
        f.write("\n".join(lines) + "\n")
    print(f"wrote {os.path.relpath(STUDY, ROOT)}/: rate_*.png, hit_rate_l2.png, crossover.png, table.md, data.csv")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
