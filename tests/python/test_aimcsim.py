"""The Python package aimcsim against the command line: the same config gives the same files, bad
input the same message, and runs, sweeps, comparisons, kernels and the parameter list read as the
command's outputs do. Run by ctest with PYTHONPATH=build/python and AIMCSIM_EXE=build/aimcsim."""
import filecmp
import json
import os
import signal
import subprocess
import threading
import time
import warnings

import pandas as pd
import pytest

import aimcsim

EXE = os.environ.get("AIMCSIM_EXE", os.path.join(os.path.dirname(__file__), "..", "..", "build", "aimcsim"))

# One 512x128 linear layer over 320 tokens: analog-only 164506 ns and hybrid 164762 ns at 512 ns
# integration in chunks of 8 (the reference row of the C++ sweep and CLI tests).
LINEAR = {"workload": {"model": "linear:512x128", "seq_len": 320}}
LINEAR_512NS_8 = {"tile.t_int": "512ns", "pipeline.chunk_tokens": 8}


def cli(*args, cwd=None):
    return subprocess.run([EXE, *args], capture_output=True, text=True, cwd=cwd)


def cli_error(*args):
    """The message of a command that fails on bad input (exit status 2), without its prefix."""
    p = cli(*args)
    assert p.returncode == 2, p.stderr
    line = p.stderr.strip().splitlines()[-1]
    assert line.startswith("aimcsim: error: "), line
    return line[len("aimcsim: error: "):]


def write(path, text):
    with open(path, "w") as f:
        f.write(text)
    return str(path)


def test_a_run_has_the_figures_of_the_reference_layer():
    r = aimcsim.run(LINEAR, LINEAR_512NS_8)
    assert r.summary["analog_only_ns"] == 164506.0
    assert r.summary["hybrid_ns"] == 164762.0
    assert r.summary["status"] == "ok"
    assert list(r.layers.op) == ["linear_512x128"]
    assert r.layers.analog_only_span_ns[0] == 164506.0
    assert r.layers.chunk_tokens[0] == 8
    assert r.config["tile"]["t_int"] == "512ns"
    assert "t_int: 512ns" in r.config_yaml


def test_save_writes_the_bytes_aimcsim_run_writes(tmp_path):
    # The default job (no config file) at a short sequence, with a trace: every file compared.
    overrides = {"workload.seq_len": 32, "output.trace": True}
    r = aimcsim.run(overrides=overrides)
    files = r.save(tmp_path / "py")
    p = cli("run", "-q", "-p", "workload.seq_len=32", "-p", "output.trace=true", "-o", str(tmp_path / "cli"))
    assert p.returncode == 0, p.stderr
    assert sorted(files) == sorted(os.listdir(tmp_path / "cli"))
    assert "trace.json" in files and "config.yaml" in files
    match, mismatch, errors = filecmp.cmpfiles(tmp_path / "py", tmp_path / "cli", files, shallow=False)
    assert mismatch == [] and errors == []
    # The DataFrames and the summary are those files.
    assert r.summary == json.load(open(tmp_path / "cli" / "summary.json"))
    pd.testing.assert_frame_equal(r.layers, pd.read_csv(tmp_path / "cli" / "layers.csv"))
    pd.testing.assert_frame_equal(r.ops, pd.read_csv(tmp_path / "cli" / "ops.csv"))
    pd.testing.assert_frame_equal(r.stats, pd.read_csv(tmp_path / "cli" / "stats.csv"))
    with open(tmp_path / "cli" / "config.yaml") as f:
        assert f.read().split("\n", 1)[1] == r.config_yaml


def test_configs_as_dict_text_path_and_list_load_alike(tmp_path):
    text = "workload: {model: 'linear:512x128', seq_len: 320}\ntile: {t_int: 512ns}\npipeline: {chunk_tokens: 8}\n"
    path = write(tmp_path / "c.yaml", text)
    expected = aimcsim.run(LINEAR, LINEAR_512NS_8).config_yaml
    assert aimcsim.run(text).config_yaml == expected
    assert aimcsim.run(path).config_yaml == expected
    assert aimcsim.run(tmp_path / "c.yaml").config_yaml == expected
    assert aimcsim.run({"workload.model": "linear:512x128", "workload.seq_len": 320}, LINEAR_512NS_8).config_yaml \
        == expected
    # Layered in order, then the overrides, then section keywords.
    r = aimcsim.run([LINEAR, {"tile": {"t_int": "128ns"}}], ["pipeline.chunk_tokens=8"], tile={"t_int": "512ns"})
    assert r.config_yaml == expected


def test_layers_and_ops_have_the_csv_columns_and_dtypes():
    r = aimcsim.run(LINEAR, LINEAR_512NS_8)
    header = r._run.layers_csv().split("\n", 1)[0].split(",")
    assert list(r.layers.columns) == header
    dtypes = r.layers.dtypes
    for col in ("block", "op", "bottleneck"):
        assert dtypes[col] == object
    for col in ("in_features", "out_features", "tokens", "rank", "chunk_tokens", "tiles"):
        assert dtypes[col] == "int64", col
    for col in ("analog_only_span_ns", "hybrid_span_ns", "overhead", "hybrid_energy_nj"):
        assert dtypes[col] == "float64", col
    assert dtypes["twin_differs"] == bool
    assert r.layers.in_features[0] == 512 and r.layers.out_features[0] == 128
    assert list(r.ops.columns) == r._run.ops_csv().split("\n", 1)[0].split(",")
    assert r.ops.dtypes["kind"] == object and r.ops.dtypes["hybrid_span_ns"] == "float64"


def test_bad_input_raises_config_error_with_the_commands_message(tmp_path):
    for key_value in ("tile.t_intx=1ns", "tile.t_int=fast", "tile.rows=0"):
        with pytest.raises(aimcsim.ConfigError) as e:
            aimcsim.run(overrides=[key_value])
        assert str(e.value) == cli_error("run", "-q", "-p", key_value, "-o", str(tmp_path / "x"))
        assert isinstance(e.value, ValueError)
    bad = write(tmp_path / "bad.yaml", "workload: {model: 'linear:64x64', seq_len: 8}\ntile: {t_int: 5}\n")
    with pytest.raises(aimcsim.ConfigError) as e:
        aimcsim.run(bad)
    assert str(e.value) == cli_error("run", "-q", bad, "-o", str(tmp_path / "x"))
    assert str(e.value).startswith(f"{bad}:2: tile.t_int")
    with pytest.raises(aimcsim.ConfigError) as e:
        aimcsim.run(str(tmp_path / "missing.yaml"))
    assert str(e.value) == f"{tmp_path / 'missing.yaml'}: cannot open config file"
    # A config file is a whole config: one without workload.seq_len says so.
    with pytest.raises(aimcsim.ConfigError, match="workload.seq_len"):
        aimcsim.run({"workload": {"model": "linear:64x64"}})
    # The interpreter goes on, and so do runs.
    assert aimcsim.run(LINEAR, LINEAR_512NS_8).summary["hybrid_ns"] == 164762.0


def test_strict_makes_a_key_without_effect_an_error():
    ov = {"interconnect.topology": "mesh", "interconnect.bandwidth": "1GB/s"}
    with pytest.warns(aimcsim.AimcsimWarning, match="interconnect.bandwidth"):
        aimcsim.run(LINEAR, ov)
    with pytest.raises(aimcsim.ConfigError, match="interconnect.bandwidth"):
        aimcsim.run(LINEAR, ov, strict=True)


def test_two_runs_in_one_interpreter_are_independent():
    slow = aimcsim.run(LINEAR, LINEAR_512NS_8)
    fast = aimcsim.run(LINEAR, {**LINEAR_512NS_8, "tile.t_int": "128ns"})
    again = aimcsim.run(LINEAR, LINEAR_512NS_8)
    assert fast.summary["analog_only_ns"] < slow.summary["analog_only_ns"]
    assert again.summary == slow.summary
    assert again._run.layers_csv() == slow._run.layers_csv()


def test_threads_running_runs_at_once_get_the_sequential_results():
    configs = [{**LINEAR_512NS_8, "tile.t_int": t} for t in ("128ns", "256ns", "512ns", "1024ns")]
    expected = [aimcsim.run(LINEAR, c)._run.layers_csv() for c in configs]
    got = [None] * len(configs)

    def one(i):
        got[i] = aimcsim.run(LINEAR, configs[i])._run.layers_csv()

    threads = [threading.Thread(target=one, args=(i,)) for i in range(len(configs))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert got == expected


SWEEP = {"base": {"workload": {"model": "linear:512x128", "seq_len": 320}},
         "grid": {"tile.t_int": ["128ns", "512ns"], "pipeline.chunk_tokens": [8, 16]}}


def test_a_sweep_from_python_writes_what_the_command_writes(tmp_path):
    df = aimcsim.sweep(SWEEP, jobs=2, outdir=tmp_path / "py")
    assert list(df.point) == ["p0000", "p0001", "p0002", "p0003"]
    assert list(df.status) == ["ok"] * 4
    row = df[(df["tile.t_int"] == "512ns") & (df["pipeline.chunk_tokens"] == 8)].iloc[0]
    assert (row.analog_only_ns, row.hybrid_ns) == (164506.0, 164762.0)
    assert df.attrs["ran"] == 4 and df.attrs["failed"] == 0
    spec = write(tmp_path / "sweep.yaml", "base: {workload: {model: 'linear:512x128', seq_len: 320}}\n"
                 "grid: {tile.t_int: [128ns, 512ns], pipeline.chunk_tokens: [8, 16]}\n")
    p = cli("sweep", spec, "-q", "-j", "2", "-o", str(tmp_path / "cli"))
    assert p.returncode == 0, p.stderr
    assert filecmp.cmp(tmp_path / "py" / "results.csv", tmp_path / "cli" / "results.csv", shallow=False)
    # The same sweep from its file runs nothing again in the folder it finished in.
    again = aimcsim.sweep(spec, jobs=2, outdir=tmp_path / "cli")
    assert again.attrs["ran"] == 0 and again.attrs["skipped"] == 4


def test_a_failing_sweep_point_is_a_row_and_the_interpreter_goes_on(tmp_path):
    spec = {"base": LINEAR, "grid": {"pmca.l1_size": ["128KiB", "16B", "64KiB"]}}
    with pytest.warns(aimcsim.AimcsimWarning, match="1 point"):
        df = aimcsim.sweep(spec, jobs=2, outdir=tmp_path / "s")
    assert list(df.status) == ["ok", "failed", "ok"]
    with open(tmp_path / "s" / "points" / "p0001" / "status.json") as f:
        assert "cannot hold even one row" in json.load(f)["message"]


def test_ctrl_c_stops_a_sweep_and_the_same_call_resumes_it(tmp_path):
    # SIGINT while the first, long point (8192 tokens in chunks of 1) runs.
    spec = {"base": {"workload": {"model": "linear:512x128"}},
            "zip": {"workload.seq_len": [8192, 320], "pipeline.chunk_tokens": [1, 8]}}
    main, log = threading.get_ident(), tmp_path / "s" / "points" / "p0000" / "stderr.log"

    def interrupt():
        for _ in range(30000):
            if log.exists():
                signal.pthread_kill(main, signal.SIGINT)
                return
            time.sleep(0.001)

    t = threading.Thread(target=interrupt)
    t.start()
    with pytest.raises(KeyboardInterrupt, match="sweep stopped by SIGINT: 0 of 2 points finished"):
        aimcsim.sweep(spec, jobs=1, outdir=tmp_path / "s")
    t.join()
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler
    df = aimcsim.sweep(spec, jobs=1, outdir=tmp_path / "s")
    assert list(df.status) == ["ok", "ok"] and df.attrs["ran"] == 2


def test_a_bad_sweep_is_a_config_error():
    with pytest.raises(aimcsim.ConfigError, match="tile.t_intx"):
        aimcsim.sweep({"base": LINEAR, "grid": {"tile.t_intx": ["1ns"]}}, outdir="unused")
    assert not os.path.exists("unused")


def test_compare_gives_the_commands_compare_csv(tmp_path):
    ov = {"workload.seq_len": 32}
    df = aimcsim.compare(overrides=ov, strategies=["token-pipelined", "sequential"], outdir=tmp_path / "py")
    p = cli("compare", "-q", "-p", "workload.seq_len=32", "-s", "token-pipelined,sequential", "-o",
            str(tmp_path / "cli"))
    assert p.returncode == 0, p.stderr
    assert filecmp.cmp(tmp_path / "py" / "compare.csv", tmp_path / "cli" / "compare.csv", shallow=False)
    assert filecmp.cmp(tmp_path / "py" / "sequential" / "summary.json",
                       tmp_path / "cli" / "sequential" / "summary.json", shallow=False)
    pd.testing.assert_frame_equal(df, pd.read_csv(tmp_path / "cli" / "compare.csv"))
    end = df[df.block == "end to end"].set_index("variant")
    runs = df.attrs["results"]
    assert end.loc["sequential", "hybrid_span_ns"] == runs["sequential"].summary["hybrid_ns"]
    # Variants by name: the slower integration is not the reference.
    v = aimcsim.compare(LINEAR, variants={"slow": {"tile.t_int": "512ns"}, "fast": {"tile.t_int": "128ns"}})
    assert set(v.reference) == {"fast"}
    with pytest.raises(aimcsim.ConfigError, match="not a strategy; accepted: all, "):
        aimcsim.compare(LINEAR, strategies=["warp-speed"])


def test_params_lists_every_key_as_the_command_does():
    df = aimcsim.params()
    listed = json.loads(cli("params", "--format", "json").stdout)
    assert list(df.key) == [p["key"] for p in listed]
    assert list(df.accepts) == [p["accepts"] for p in listed]
    assert list(df.description) == [p["description"] for p in listed]
    assert [d if isinstance(d, str) else None for d in df.default] == [p["default"] for p in listed]
    t_int = df.set_index("key").loc["tile.t_int"]
    assert (t_int.kind, t_int.dimension, t_int.unit) == ("quantity", "time", "ns")
    assert df.dtypes["min"] == "float64" and df.dtypes["max"] == "float64"
    strategy = df.set_index("key").loc["pipeline.strategy"]
    assert "sequential" in strategy.choices
    assert list(aimcsim.params("tile.").key) == [k for k in df.key if k.startswith("tile.")]
    with pytest.raises(aimcsim.ConfigError, match="no key or section"):
        aimcsim.params("tiles")


def cli_kernel_cycles(*args):
    out = cli("kernel", *args).stdout.splitlines()
    return out


def test_kernel_costs_are_the_commands():
    k = aimcsim.kernel("gemm", m=128, n=8, k=512)
    lines = cli_kernel_cycles("gemm", "-m", "128", "-n", "8", "-k", "512")
    row = next(line for line in lines if line.startswith("gemm "))
    assert k["cycles"] == int(row.split()[1])
    assert f"time: {k['time_ns']:.3f} ns" in "\n".join(lines)
    lora = aimcsim.kernel("lora", tokens=128, in_=512, out=128, rank=8, overrides={"pmca.engine": "redmule"})
    lines = cli_kernel_cycles("lora", "--tokens", "128", "--in", "512", "--out", "128", "--rank", "8", "-p",
                              "pmca.engine=redmule")
    chunk = next(line for line in lines if line.startswith("chunk "))
    assert lora["cycles"] == int(chunk.split()[1])
    assert [p["name"] for p in lora["kernels"]][:2] == ["lora_down", "lora_up" if not lora["add_fused"]
                                                        else "lora_up_add"]
    with pytest.raises(aimcsim.ConfigError, match="unknown shape option 'tokns'"):
        aimcsim.kernel("lora", tokns=128)
    with pytest.raises(aimcsim.ConfigError, match="not a kernel"):
        aimcsim.kernel("fft", m=1)


def test_plots_take_results_and_dataframes(tmp_path):
    import matplotlib.figure

    from aimcsim import plot
    r = aimcsim.run(LINEAR, LINEAR_512NS_8)
    assert isinstance(plot.layers(r, by="linear"), matplotlib.figure.Figure)
    fig = plot.energy(r)
    plot.save(fig, str(tmp_path / "energy"))
    assert os.path.getsize(tmp_path / "energy.png") > 0 and os.path.getsize(tmp_path / "energy.svg") > 0
    df = aimcsim.sweep(SWEEP, jobs=2, outdir=tmp_path / "s")
    fig = plot.overhead(df, x="pipeline.chunk_tokens", series="tile.t_int")
    lines = fig.axes[0].get_lines()
    assert [line.get_label() for line in lines] == ["t_int=128ns", "t_int=512ns"]
    assert list(lines[1].get_xdata()) == [8.0, 16.0]
    assert lines[1].get_ydata()[0] == pytest.approx(164762.0 / 164506.0)
    with pytest.raises(plot.PlotError, match="differ in tile.t_int"):
        plot.overhead(df, x="pipeline.chunk_tokens")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        plot.overhead(df, x="pipeline.chunk_tokens", where={"tile.t_int": "512ns"})


def test_serve_writes_the_bytes_aimcsim_serve_writes(tmp_path):
    # 20 generated requests for the default model at a 64-token prompt, and the same stream read
    # back from the requests.csv of a trace: each run's files equal the command line's.
    served = aimcsim.serve(overrides={"serve.requests": 20, "workload.seq_len": 64})
    files = served.save(tmp_path / "py")
    p = cli("serve", "-q", "-p", "serve.requests=20", "-p", "workload.seq_len=64", "-o", str(tmp_path / "cli"))
    assert p.returncode == 0, p.stderr
    assert sorted(files) == sorted(os.listdir(tmp_path / "cli")) == ["config.yaml", "requests.csv", "serve.json"]
    match, mismatch, errors = filecmp.cmpfiles(tmp_path / "py", tmp_path / "cli", files, shallow=False)
    assert mismatch == [] and errors == []
    assert served.summary == json.load(open(tmp_path / "cli" / "serve.json"))
    pd.testing.assert_frame_equal(served.requests, pd.read_csv(tmp_path / "cli" / "requests.csv"))
    # Three designs, 20 requests each.
    assert sorted(served.requests.design.unique()) == ["analog_only", "hybrid", "reprogram"]
    assert (served.requests.groupby("design").size() == 20).all()


def test_serve_names_the_line_of_a_bad_trace(tmp_path):
    trace = write(tmp_path / "bad.csv", "arrival_us,adapter,prompt_tokens,decode_tokens\n0,0,16,0\n-5,0,16,0\n")
    with pytest.raises(aimcsim.ConfigError) as e:
        aimcsim.serve(requests=trace)
    assert cli_error("serve", "--requests", trace) == str(e.value)
    assert "bad.csv:3" in str(e.value)
