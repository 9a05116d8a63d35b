#!/usr/bin/python3
"""The pipelining-strategies study (results/strategies/) end to end from Python, as a notebook
would run it: the sweep, its results as a DataFrame, the study's figure, and one run looked at.

Runs results/strategies/sweep.yaml (MobileBERT, seq_len 320, rank 8, every strategy x three
integration times) with aimcsim.sweep, checks that its figures are the curated results.csv's,
draws strategies.png as scripts/study_strategies.py does (the same bytes as the curated figure)
and, from one aimcsim.run, the per-block spans. Headless (matplotlib's Agg backend).

Usage: scripts/example_python.py [-j JOBS] [-o OUTDIR]   (default OUTDIR: out-example)
Needs the package: after scripts/setup.sh, or with PYTHONPATH=build/python.
"""
import argparse
import filecmp
import os
import sys

import pandas as pd

import aimcsim
from aimcsim import plot

ROOT = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
STUDY = os.path.join(ROOT, "results", "strategies")


def main(argv):
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("-j", "--jobs", type=int, default=2)
    p.add_argument("-o", "--output", default="out-example")
    a = p.parse_args(argv)

    # The sweep: 12 points on worker processes forked from this interpreter.
    df = aimcsim.sweep(os.path.join(STUDY, "sweep.yaml"), jobs=a.jobs, outdir=os.path.join(a.output, "runs"),
                       force=True)
    curated = pd.read_csv(os.path.join(STUDY, "results.csv"))
    pd.testing.assert_frame_equal(df, curated)
    print(f"{len(df)} points, the same figures as results/strategies/results.csv")
    print(df.pivot(index="tile.t_int", columns="pipeline.strategy", values="overhead_vs_reference").round(3))

    # The study's figure from the DataFrame.
    fig = plot.strategies(df, group="tile.t_int",
                          title="MobileBERT (seq_len 320, rank 8, chunk auto): pipelining strategies")
    out = os.path.join(a.output, "strategies")
    plot.save(fig, out, formats=("png",))
    same = filecmp.cmp(out + ".png", os.path.join(STUDY, "strategies.png"), shallow=False)
    print(f"wrote {out}.png ({'the same bytes as' if same else 'differs from'} results/strategies/strategies.png)")

    # One point as a run of its own: the study's base at 128 ns, token-pipelined.
    base = {"workload": {"model": "mobilebert", "seq_len": 320}, "lora": {"targets": "all+head", "rank": 8},
            "tile": {"rows": 512, "cols": 512, "t_int": "128ns"}, "pmca": {"preset": "ahwa-lora"},
            "pipeline": {"chunk_tokens": "auto", "strategy": "token-pipelined"}}
    r = aimcsim.run(base)
    point = df[(df["tile.t_int"] == "128ns") & (df["pipeline.strategy"] == "token-pipelined")].iloc[0]
    assert r.summary["hybrid_ns"] == point.hybrid_ns
    worst = r.layers.sort_values("overhead", ascending=False).iloc[0]
    print(f"{r}\nslowest linear against its baseline: {worst.block}.{worst.op}, {worst.overhead:.3f}x "
          f"(bottleneck {worst.bottleneck})")
    plot.save(plot.layers(r), os.path.join(a.output, "layers_token-pipelined"), formats=("png",))
    print(f"wrote {a.output}/layers_token-pipelined.png")
    return 0 if same else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
