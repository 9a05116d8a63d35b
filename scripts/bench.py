#!/usr/bin/env python3
"""Speed harness: wall time, peak memory and event rates of aimcsim against the raw SystemC kernel.

Each case runs `--repeat` times as a separate process; the table gives the median wall time, the
median CPU time (user + system of the whole process tree; steadier than the wall time on a shared
machine) and the largest peak resident set size of the process tree (the largest process of it: a sweep's
biggest worker). For each single run, build/aimcsim_bench (Google Benchmark) runs the same config
in-process once to count the jobs the engine simulated, giving simulated jobs per second and
their ratio to this machine's raw SystemC event rate (one method re-notified 1 ps later, measured
by aimcsim_bench in the same bench run). Targets are those of the issue tracker (issue 15).

  scripts/bench.py [--bin build/aimcsim] [--bench build/aimcsim_bench] [--repeat 5]
                   [--sweep-repeat 1] [--out results/benchmarks] [--quick]

--out writes bench.csv (one row per case), micro.csv (the kernel microbenchmarks) and
bench.md (the table, with the command) into that folder.
"""
import argparse
import csv
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time

LLAMA = ["-p", "workload.model=llama-3.1-8b", "-p", "lora.rank=16", "-p", "platform.tiles_per_pmca=1"]
# The LLaMA-3.1-70B shape as a HuggingFace config.json (written into the scratch folder).
LLAMA_70B = {"model_type": "llama", "hidden_size": 8192, "num_hidden_layers": 80,
             "intermediate_size": 28672, "num_attention_heads": 64, "num_key_value_heads": 8,
             "vocab_size": 128256, "max_position_embeddings": 131072, "rms_norm_eps": 1e-5,
             "hidden_act": "silu"}


def sweep_file(path, points):
    """A MobileBERT sweep of `points` points: t_int x chunk (5) x rank (4)."""
    t_int = ", ".join(f"{64 + 8 * i}ns" for i in range(points // 20))
    with open(path, "w") as f:
        f.write("base:\n  workload: {model: mobilebert, seq_len: 320}\ngrid:\n"
                f"  tile.t_int: [{t_int}]\n  pipeline.chunk_tokens: [8, 16, 32, 64, 128]\n"
                "  lora.rank: [4, 8, 16, 32]\n")


def cases(tmp, quick):
    """(name, aimcsim arguments, target wall s, target peak MiB, in-process overrides or None)."""
    llama = lambda seq, dec: LLAMA + ["-p", f"workload.seq_len={seq}", "-p", f"workload.decode_tokens={dec}"]
    over = lambda args: [a for a in args if a != "-p"]
    out = [("mobilebert-default", ["run"], 0.030, 20, [])]
    sweep = os.path.join(tmp, "sweep1000.yaml")
    sweep_file(sweep, 1000)
    out.append(("mobilebert-sweep-1000-j2", ["sweep", sweep, "-j", "2"], 30.0, None, None))
    sweep200 = os.path.join(tmp, "sweep200.yaml")
    sweep_file(sweep200, 200)
    out.append(("mobilebert-sweep-200-j2", ["sweep", sweep200, "-j", "2"], "", None, None))
    # Scaling: MobileBERT over tokens at a fixed chunk; a 512-wide BERT over depth.
    for seq in (80, 320, 1280):
        args = ["-p", "workload.model=mobilebert", "-p", f"workload.seq_len={seq}", "-p", "pipeline.chunk_tokens=16"]
        out.append((f"mobilebert-seq{seq}-chunk16", ["run"] + args, "", None, over(args)))
    for layers in (6, 24):
        path = os.path.join(tmp, f"bert{layers}.json")
        with open(path, "w") as f:
            json.dump({"model_type": "bert", "hidden_size": 512, "num_hidden_layers": layers,
                       "num_attention_heads": 8, "intermediate_size": 512, "vocab_size": 30522}, f)
        args = ["-p", f"workload.model={path}", "-p", "workload.seq_len=256"]
        out.append((f"bert512-{layers}layers-seq256", ["run"] + args, "", None, over(args)))
    if quick:
        return out
    for dec in (128, 512):
        out.append((f"llama-3.1-8b-2048+{dec}", ["run"] + llama(2048, dec), 0.5 if dec == 128 else 1.5,
                    100 if dec == 128 else None, over(llama(2048, dec))))
    cfg70 = os.path.join(tmp, "llama-70b.json")
    with open(cfg70, "w") as f:
        json.dump(LLAMA_70B, f)
    a70 = ["-p", f"workload.model={cfg70}", "-p", "lora.rank=16", "-p", "platform.tiles_per_pmca=1",
           "-p", "workload.seq_len=2048", "-p", "workload.decode_tokens=128"]
    out.append(("llama-3.1-70b-shape-2048+128", ["run"] + a70, 5.0, 300, over(a70)))
    out.append(("llama-3.1-8b-32768", ["run"] + llama(32768, 0), 5.0, None, over(llama(32768, 0))))
    return out


def run_tree(cmd):
    """Wall seconds, CPU seconds (user + system, the whole tree) and the peak RSS (KiB) of the
    largest process of `cmd`'s tree."""
    probe = ("import resource,subprocess,sys,time\n"
             "t=time.perf_counter();r=subprocess.run(sys.argv[1:],stdout=subprocess.DEVNULL,"
             "stderr=subprocess.PIPE)\n"
             "w=time.perf_counter()-t\n"
             "sys.stderr.write(r.stderr.decode()[-2000:]) if r.returncode else None\n"
             "u=resource.getrusage(resource.RUSAGE_CHILDREN)\n"
             "print(w, u.ru_utime+u.ru_stime, u.ru_maxrss, r.returncode)")
    out = subprocess.run([sys.executable, "-c", probe] + cmd, capture_output=True, text=True)
    wall, cpu, rss, code = out.stdout.split()
    if int(code) != 0:
        raise RuntimeError(f"{' '.join(cmd)} failed: {out.stderr.strip()}")
    return float(wall), float(cpu), int(rss)


def micro(bench, args):
    """Google Benchmark JSON of aimcsim_bench with `args`."""
    out = subprocess.run([bench, "--benchmark_format=json"] + args, capture_output=True, text=True)
    if out.returncode != 0:
        raise RuntimeError(f"aimcsim_bench {' '.join(args)} failed: {out.stderr.strip()}")
    return json.loads(out.stdout)["benchmarks"]


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--bin", default="build/aimcsim")
    ap.add_argument("--bench", default="build/aimcsim_bench")
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--sweep-repeat", type=int, default=1, help="repeats of the 1000-point sweep")
    ap.add_argument("--out", default=None, help="folder for bench.csv, micro.csv and bench.md")
    ap.add_argument("--quick", action="store_true", help="MobileBERT and BERT cases only")
    a = ap.parse_args()
    for exe in (a.bin, a.bench):
        if not os.access(exe, os.X_OK):
            sys.exit(f"bench: {exe} is not an executable; build first (scripts/setup.sh)")
    kernel = micro(a.bench, ["--benchmark_filter=raw|engine", "--benchmark_repetitions=5",
                             "--benchmark_report_aggregates_only=true"])
    medians = {b["run_name"]: b for b in kernel if b.get("aggregate_name") == "median"}
    raw_rate = medians["raw_systemc_events/1048576"]["items_per_second"]
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for name, args, target_s, target_mib, overrides in cases(tmp, a.quick):
            reps = a.sweep_repeat if name.startswith("mobilebert-sweep-1000") else a.repeat
            walls, cpus, peak = [], [], 0
            for i in range(reps):
                out = os.path.join(tmp, f"{name}-{i}")
                wall, cpu, rss = run_tree([a.bin] + args[:1] + ["-q"] * (args[0] == "run") + ["-o", out] + args[1:])
                walls.append(wall)
                cpus.append(cpu)
                peak = max(peak, rss)
            row = {"case": name, "repeats": reps, "wall_s": round(statistics.median(walls), 3),
                   "cpu_s": round(statistics.median(cpus), 3),
                   "peak_mib": round(peak / 1024, 1), "target_s": target_s,
                   "target_mib": target_mib if target_mib is not None else "",
                   "jobs": "", "jobs_per_s": "", "vs_raw_kernel": ""}
            if overrides is not None:
                run = micro(a.bench, ["--benchmark_filter=^run", "--benchmark_min_time=0.000001"] +
                            [x for o in overrides for x in ("--run", o)])[0]
                row["jobs"] = int(run["jobs"])
                row["jobs_per_s"] = round(run["jobs_per_s"])
                row["vs_raw_kernel"] = round(run["jobs_per_s"] / raw_rate, 4)
            rows.append(row)
            print(f"{name}: {row['wall_s']} s, {row['peak_mib']} MiB", file=sys.stderr)
    by = {r["case"]: r for r in rows}
    growth = None
    if "llama-3.1-8b-2048+128" in by:
        growth = [round(by["llama-3.1-8b-2048+512"][k] / by["llama-3.1-8b-2048+128"][k], 2)
                  for k in ("wall_s", "cpu_s")]
    head = ["case", "repeats", "wall_s", "target_s", "cpu_s", "peak_mib", "target_mib", "jobs", "jobs_per_s", "vs_raw_kernel"]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    lines += ["| " + " | ".join(str(r[h]) for h in head) + " |" for r in rows]
    if growth is not None:
        lines.append(f"\nGrowth: 4x decode tokens (2048+512 against 2048+128) = {growth[0]}x wall time, "
                     f"{growth[1]}x CPU time (target <= 4.4x).")
    load = os.getloadavg()
    lines.append(f"\nLoad average at the end: {load[0]:.2f} (1 min), {load[2]:.2f} (15 min) on "
                 f"{os.cpu_count()} CPUs: wall times above 1x the CPU time mean the run waited for a core.")
    lines.append(f"\nRaw SystemC kernel: {raw_rate / 1e6:.1f} M events/s (median of 5, aimcsim_bench).")
    table = "\n".join(lines)
    print(table)
    if a.out:
        os.makedirs(a.out, exist_ok=True)
        with open(os.path.join(a.out, "bench.csv"), "w", newline="") as f:
            w = csv.DictWriter(f, fieldnames=head[:1] + head[1:])
            w.writeheader()
            w.writerows(rows)
        with open(os.path.join(a.out, "micro.csv"), "w", newline="") as f:
            w = csv.writer(f)
            w.writerow(["benchmark", "real_time_ms", "items_per_s"])
            for n, b in sorted(medians.items()):
                w.writerow([n, round(b["real_time"], 3), round(b["items_per_second"])])
        cmd = "scripts/bench.py " + " ".join(sys.argv[1:])
        with open(os.path.join(a.out, "bench.md"), "w") as f:
            f.write(f"Written by `{cmd.strip()}` on a 2-core machine.\n\n{table}\n")


if __name__ == "__main__":
    main()
