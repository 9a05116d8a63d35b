#!/usr/bin/python3
"""Regenerates results/scaling/: overhead and energy per token of BERT-base, BERT-large and
LLaMA-3.1-8B against tile integration time and LoRA rank.

Runs results/scaling/sweep.yaml, copies its results.csv next to it and draws, per model, the
latency overhead and the hybrid energy per token against tile.t_int (one line per rank), and
the overhead against the rank. Usage: scripts/study_scaling.py [-j JOBS] [--aimcsim PATH] [--resume]
"""
import argparse
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import aimcsim_plots as ap  # noqa: E402

ROOT = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
STUDY = os.path.join(ROOT, "results", "scaling")


def main(argv):
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.study_arguments(p, os.path.join(ROOT, "runs", "scaling"))
    a = p.parse_args(argv)

    ap.FORMATS = ("png",)
    rows = ap.run_study(STUDY, os.path.join(STUDY, "sweep.yaml"), a)
    for r in rows:
        r["hybrid_energy_per_token_nj"] = str(float(r["hybrid_energy_nj"]) / float(r["seq_len"]))
        r["analog_only_energy_per_token_nj"] = str(float(r["analog_only_energy_nj"]) / float(r["seq_len"]))
    models = []
    for r in rows:
        if r["workload.model"] not in models:
            models.append(r["workload.model"])
    for m in models:
        sel = [r for r in rows if r["workload.model"] == m]
        ap.plot_lines(sel, "tile.t_int", "overhead", ["lora.rank"], os.path.join(STUDY, f"overhead_{m}"),
                      title=f"{m}: latency, hybrid / analog-only", hline=(1.0, "analog-only"))
        ap.plot_lines(sel, "tile.t_int", "hybrid_energy_per_token_nj", ["lora.rank"],
                      os.path.join(STUDY, f"energy_per_token_{m}"), title=f"{m}: hybrid energy per token",
                      ylabel="hybrid energy per token (nJ)")
    ap.plot_lines(rows, "lora.rank", "overhead", ["workload.model", "tile.t_int"], os.path.join(STUDY, "overhead_vs_rank"),
                  title="latency overhead against LoRA rank", hline=(1.0, "analog-only"))
    print(f"wrote {os.path.relpath(STUDY, ROOT)}/ for models: {', '.join(models)}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
