#!/usr/bin/env python3
"""Speed harness: wall time and peak memory of whole aimcsim runs, and how they scale.

Runs each case `--repeat` times as a separate process and records the median wall time and the
largest peak resident set size (from the kernel's accounting of the finished child). Writes a
CSV and prints a table. Targets (issue tracker): MobileBERT < 0.3 s, BERT-large at 512 < 1 s,
LLaMA-3.1-8B with a 2048-token prompt and 128 decode tokens < 30 s.

  scripts/bench.py [--bin build/aimcsim] [--repeat 3] [--out results/benchmarks/bench.csv] [--quick]
"""
import argparse
import csv
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time

CASES = [
    ("mobilebert-320", ["-p", "workload.model=mobilebert", "-p", "workload.seq_len=320"], 0.3),
    ("bert-large-512", ["-p", "workload.model=bert-large", "-p", "workload.seq_len=512"], 1.0),
    ("llama-3.1-8b-2048+128", ["-p", "workload.model=llama-3.1-8b", "-p", "workload.seq_len=2048",
                               "-p", "workload.decode_tokens=128", "-p", "lora.rank=16"], 30.0),
]


def run_once(binary, args, outdir):
    """Returns (wall seconds, peak RSS in KiB) of one run; raises if it fails."""
    start = time.perf_counter()
    proc = subprocess.Popen([binary, "run", "-q", "-o", outdir] + args,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    err = proc.stderr.read().decode()
    proc.stderr.close()
    if os.waitstatus_to_exitcode(status) != 0:
        raise RuntimeError(f"aimcsim {' '.join(args)} failed: {err.strip()}")
    return wall, usage.ru_maxrss


def measure(binary, name, args, repeat, tmp):
    walls, peak = [], 0
    for _ in range(repeat):
        wall, rss = run_once(binary, args, os.path.join(tmp, name))
        walls.append(wall)
        peak = max(peak, rss)
    with open(os.path.join(tmp, name, "summary.json")) as f:
        summary = json.load(f)
    return {"case": name, "wall_s": round(statistics.median(walls), 4), "peak_mib": round(peak / 1024, 1),
            "operators": summary["workload"]["operators"], "tiles": summary["platform"]["tiles"]}


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--bin", default="build/aimcsim")
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--out", default=None, help="CSV to write (default: print only)")
    ap.add_argument("--quick", action="store_true", help="skip the LLaMA case")
    a = ap.parse_args()
    if not os.access(a.bin, os.X_OK):
        sys.exit(f"bench: {a.bin} is not an executable; build first (scripts/setup.sh)")
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        cases = [c for c in CASES if not (a.quick and c[0].startswith("llama"))]
        for name, args, target in cases:
            row = measure(a.bin, name, args, a.repeat, tmp)
            row["target_s"] = target
            rows.append(row)
        # Scaling: MobileBERT over sequence length (tokens) at a fixed chunk.
        for seq in (80, 160, 320, 640):
            row = measure(a.bin, f"mobilebert-seq{seq}", ["-p", f"workload.seq_len={seq}",
                                                          "-p", "pipeline.chunk_tokens=16"], a.repeat, tmp)
            row["target_s"] = ""
            rows.append(row)
        # Scaling: BERT-style encoders over depth, from config.json files with 3, 6, 12, 24 layers.
        for layers in (3, 6, 12, 24):
            path = os.path.join(tmp, f"bert{layers}.json")
            with open(path, "w") as f:
                json.dump({"model_type": "bert", "hidden_size": 512, "num_hidden_layers": layers,
                           "num_attention_heads": 8, "intermediate_size": 512, "vocab_size": 30522}, f)
            row = measure(a.bin, f"bert512-{layers}layers", ["-p", f"workload.model={path}",
                                                              "-p", "workload.seq_len=256"], a.repeat, tmp)
            row["target_s"] = ""
            rows.append(row)
    print(f"{'case':<26} {'wall s':>8} {'peak MiB':>9} {'operators':>10} {'tiles':>6} {'target s':>9}")
    for r in rows:
        print(f"{r['case']:<26} {r['wall_s']:>8} {r['peak_mib']:>9} {r['operators']:>10} {r['tiles']:>6} "
              f"{r['target_s']:>9}")
    if a.out:
        os.makedirs(os.path.dirname(a.out) or ".", exist_ok=True)
        with open(a.out, "w", newline="") as f:
            w = csv.DictWriter(f, fieldnames=["case", "wall_s", "peak_mib", "operators", "tiles", "target_s"])
            w.writeheader()
            w.writerows(rows)


if __name__ == "__main__":
    main()
