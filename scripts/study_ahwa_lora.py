#!/usr/bin/python3
"""Regenerates results/ahwa_lora/: the AHWA-LoRA deployment study (models/README.md#deployment-ahwa-lora).

Runs results/ahwa_lora/sweep.yaml (two single linear layers x three tile integration times x
five chunk sizes), copies its results.csv next to the sweep file, writes table.md and the
figures. Usage: scripts/study_ahwa_lora.py [-j JOBS] [--aimcsim PATH] [--resume]
"""
import argparse
import csv
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import aimcsim_plots as ap  # noqa: E402

ROOT = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
STUDY = os.path.join(ROOT, "results", "ahwa_lora")


def layer_row(outdir, point):
    with open(os.path.join(outdir, "points", point, "layers.csv"), newline="") as f:
        return next(csv.DictReader(f))


def main(argv):
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.study_arguments(p, os.path.join(ROOT, "runs", "ahwa_lora"))
    a = p.parse_args(argv)

    ap.FORMATS = ("png",)
    rows = ap.run_study(STUDY, os.path.join(STUDY, "sweep.yaml"), a)

    # PMCA-to-AIMC latency ratio of one chunk: the PMCA's time for a chunk of t tokens over the
    # tile's time for the same t tokens (its busy time per token, times t).
    for r in rows:
        layer = layer_row(a.runs, r["point"])
        t = float(layer["chunk_tokens"])
        aimc_chunk_ns = float(layer["hybrid_tile_busy_ns"]) / float(layer["tokens"]) * t
        r["aimc_chunk_ns"] = f"{aimc_chunk_ns:.1f}"
        r["pmca_aimc_ratio"] = f"{float(layer['pmca_chunk_ns']) / aimc_chunk_ns:.4f}"
        r["l1_kib"] = f"{float(layer['pmca_l1_needed_bytes']) / 1024:.2f}"

    ap.plot_lines(rows, "pipeline.chunk_tokens", "pmca_aimc_ratio", ["workload.model", "tile.t_int"],
                  os.path.join(STUDY, "ratio"), title="PMCA time per chunk / AIMC time per chunk",
                  ylabel="PMCA-to-AIMC latency ratio per chunk", hline=(1.0, "balanced (ratio 1)"))
    ap.plot_lines(rows, "pipeline.chunk_tokens", "overhead", ["workload.model", "tile.t_int"],
                  os.path.join(STUDY, "overhead"), title="per-layer latency, hybrid vs analog-only (seq_len 320, rank 8)",
                  hline=(1.0, "analog-only"))
    l1_rows = [r for r in rows if r["tile.t_int"] == rows[0]["tile.t_int"]]
    ap.plot_lines(l1_rows, "pipeline.chunk_tokens", "l1_kib", ["workload.model"], os.path.join(STUDY, "l1"),
                  title="PMCA L1 needed for one chunk (same for every t_int)", ylabel="PMCA L1 footprint (KiB)",
                  hline=(128.0, "L1 size (128 KiB)"))

    lines = ["| layer | t_int | t | AIMC per chunk (ns) | PMCA per chunk (ns) | PMCA/AIMC | "
             "analog-only (ns) | hybrid (ns) | overhead | L1 (KiB) |",
             "|---|---|---|---|---|---|---|---|---|---|"]
    for r in rows:
        layer = layer_row(a.runs, r["point"])
        lines.append(f"| {r['workload.model']} | {r['tile.t_int']} | {r['pipeline.chunk_tokens']} | "
                     f"{r['aimc_chunk_ns']} | {float(layer['pmca_chunk_ns']):.1f} | {r['pmca_aimc_ratio']} | "
                     f"{float(r['analog_only_ns']):.0f} | {float(r['hybrid_ns']):.0f} | "
                     f"{float(r['overhead']):.3f} | {r['l1_kib']} |")
    with open(os.path.join(STUDY, "table.md"), "w") as f:
        f.write("\n".join(lines) + "\n")
    print(f"wrote {os.path.relpath(STUDY, ROOT)}/: results.csv, table.md, ratio.png, overhead.png, l1.png")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
