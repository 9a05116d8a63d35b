"""aimcsim from Python: runs, comparisons, sweeps, kernel costs and the parameter list, with the
reports as pandas DataFrames.

    import aimcsim
    r = aimcsim.run(overrides={"tile.t_int": "256ns"})   # the default job (MobileBERT), one key changed
    r.layers.overhead.max()                              # layers.csv as a DataFrame
    r.summary["hybrid_ns"]                               # summary.json as a dict
    r.save("out")                                        # the files `aimcsim run -o out` writes

A config is a dict ({"tile": {"t_int": "256ns"}} or {"tile.t_int": "256ns"}), YAML text, a path
(str or pathlib.Path) or a list of them, layered in order as `aimcsim run`'s config files are;
none is the embedded default config. Overrides are a dict {"tile.t_int": "256ns"} or a list of
"KEY=VALUE" strings, as `-p`. Bad input raises ConfigError (a ValueError) with the command line's
message, naming the key, where it came from and what is accepted.

SystemC keeps one simulation context per process, so a process simulates one run at a time:
runs from several threads are serialised (each waits for the one before; the GIL is released
while simulating, so other Python threads go on). A sweep runs its points on worker processes
forked from this one, so a point that crashes does not take the interpreter down.
"""
import io
import json
import numbers
import os
import warnings

import pandas as pd
import yaml

from . import _core
from ._core import ConfigError

__version__ = _core.version
__all__ = ["run", "compare", "sweep", "serve", "kernel", "params", "default_config", "Result",
           "Served", "ConfigError", "AimcsimWarning"]


class AimcsimWarning(UserWarning):
    """What `aimcsim run` says on stderr: a key without effect, a note on how the run applied, a
    run over capacity."""


def default_config():
    """The embedded default config (platform/configs/default.yaml) as YAML text."""
    return _core.default_config()


def _text(v):
    """A value as a config file writes it: true/false for booleans, else its str."""
    if isinstance(v, bool):
        return "true" if v else "false"
    return str(v)


def _nested(d):
    """A config dict with dotted keys ("tile.t_int") nested into sections (tile: {t_int: ...})."""
    out = {}
    for key, value in d.items():
        if not isinstance(key, str):
            raise TypeError(f"config keys are strings, got {key!r}")
        parts = key.split(".")
        node = out
        for p in parts[:-1]:
            node = node.setdefault(p, {})
            if not isinstance(node, dict):
                raise ConfigError(f"config dict: {key}: '{p}' is given both as a value and as a section")
        value = _nested(value) if isinstance(value, dict) else value
        if isinstance(value, dict) and isinstance(node.get(parts[-1]), dict):
            node[parts[-1]].update(value)
        else:
            node[parts[-1]] = value
    return out


def _yaml(d):
    return yaml.safe_dump(d, sort_keys=False, default_flow_style=False)


def _is_path(s):
    """A string is a path when it names a file, or has neither a newline nor a colon (which YAML
    text of a config has)."""
    return os.path.isfile(s) or ("\n" not in s and ":" not in s)


def _documents(config):
    """Python's config argument as the (name, text) / (path, None) documents of the core."""
    if config is None:
        return []
    items = list(config) if isinstance(config, (list, tuple)) else [config]
    docs = []
    for i, c in enumerate(items):
        label = "config" if len(items) == 1 else f"config[{i}]"
        if isinstance(c, dict):
            docs.append((f"{label} (dict)", _yaml(_nested(c))))
        elif isinstance(c, os.PathLike):
            docs.append((os.fspath(c), None))
        elif isinstance(c, str):
            docs.append((c, None) if _is_path(c) else (f"{label} (YAML text)", c))
        else:
            raise TypeError(f"{label}: expected a dict, YAML text or a path, got {type(c).__name__}")
    return docs


def _flat(prefix, d, out):
    for k, v in d.items():
        key = f"{prefix}.{k}" if prefix else str(k)
        if isinstance(v, dict):
            _flat(key, v, out)
        else:
            out.append(f"{key}={_text(v)}")


def _overrides(overrides, sections=None):
    """{"tile.t_int": "256ns"} or ["tile.t_int=256ns"], then section keywords (tile={"t_int": ...}),
    as the KEY=VALUE strings of -p."""
    out = []
    if isinstance(overrides, dict):
        _flat("", overrides, out)
    elif isinstance(overrides, str):
        out.append(overrides)
    elif overrides is not None:
        out.extend(str(o) for o in overrides)
    for section, values in (sections or {}).items():
        if not isinstance(values, dict):
            raise TypeError(f"{section}=: expected a dict of the keys under '{section}', e.g. "
                            f"{section}={{'key': value}}; give single keys in overrides")
        _flat(section, values, out)
    return out


def _warn(messages, prefix=""):
    for m in messages:
        warnings.warn(prefix + m, AimcsimWarning, stacklevel=3)


def _load(config, overrides, sections=None, strict=False, over_default=False):
    cfg = _core.load(_documents(config), _overrides(overrides, sections), strict, over_default)
    _warn(cfg.warnings())
    return cfg


def _csv(text):
    return pd.read_csv(io.StringIO(text))


class Result:
    """One run: the hybrid design and its analog-only baseline, with every report `aimcsim run`
    writes. DataFrames and the summary are read once, on first use."""

    def __init__(self, run):
        self._run = run
        self._cache = {}

    def _get(self, name, make):
        if name not in self._cache:
            self._cache[name] = make()
        return self._cache[name]

    @property
    def summary(self):
        """summary.json as a dict."""
        return self._get("summary", lambda: json.loads(self._run.summary_json()))

    @property
    def layers(self):
        """layers.csv: one row per static linear."""
        return self._get("layers", lambda: _csv(self._run.layers_csv()))

    @property
    def ops(self):
        """ops.csv: one row per operator of the graph."""
        return self._get("ops", lambda: _csv(self._run.ops_csv()))

    @property
    def stats(self):
        """stats.csv: every statistic with its unit and description."""
        return self._get("stats", lambda: _csv(self._run.stats_csv()))

    @property
    def experts(self):
        """experts.csv of a Mixture-of-Experts model, else None."""
        text = self._run.experts_csv()
        return None if text is None else self._get("experts", lambda: _csv(text))

    @property
    def config_yaml(self):
        """The effective config, every key filled in, as YAML text (config.yaml without its
        comment line); aimcsim.run(r.config_yaml) runs it again."""
        return self._run.config.yaml()

    @property
    def config(self):
        """The effective config as a nested dict."""
        return self._get("config", lambda: yaml.safe_load(self.config_yaml))

    @property
    def notes(self):
        """What the run says about how it applied the config (also given as warnings)."""
        return list(self._run.notes())

    @property
    def capacity_violations(self):
        """What the run needs and the platform lacks; empty when it fits (summary status ok)."""
        return list(self._run.capacity_violations())

    def save(self, outdir):
        """Writes the files `aimcsim run -o OUTDIR` writes for the same config (the same bytes) and
        returns their names."""
        return list(self._run.save(os.fspath(outdir)))

    def __repr__(self):
        s = self.summary
        return (f"<aimcsim.Result {s['model']}, {s['strategy']}, seq_len {s['seq_len']}: analog-only "
                f"{s['analog_only_ns'] / 1e3:.3f} us, hybrid {s['hybrid_ns'] / 1e3:.3f} us, overhead "
                f"{s['overhead']:.4f}x, status {s['status']}>")


def _simulate(cfg, strict):
    r = Result(_core.simulate(cfg, strict))
    _warn(r.notes)
    _warn(r.capacity_violations, "over capacity: ")
    return r


def run(config=None, overrides=None, *, strict=False, **sections):
    """Simulates one config, as `aimcsim run` does, and returns its Result.

    config: None (the embedded default config), a dict, YAML text, a path, or a list of them.
    overrides: {"tile.t_int": "256ns"} or ["tile.t_int=256ns"], applied last.
    sections: keys by section, e.g. tile={"t_int": "256ns"}, pipeline={"strategy": "sequential"}.
    strict: keys without effect and a run over capacity raise ConfigError (--strict).
    """
    return _simulate(_load(config, overrides, sections, strict), strict)


class Served:
    """A request stream served on the three designs (hybrid, reprogram, analog_only), with the
    reports `aimcsim serve` writes."""

    def __init__(self, served):
        self._served = served
        self._cache = {}

    @property
    def summary(self):
        """serve.json as a dict: per design throughput, latency percentiles, hit rates, energy."""
        if "summary" not in self._cache:
            self._cache["summary"] = json.loads(self._served.serve_json())
        return self._cache["summary"]

    @property
    def requests(self):
        """requests.csv: one row per design and request."""
        if "requests" not in self._cache:
            self._cache["requests"] = _csv(self._served.requests_csv())
        return self._cache["requests"]

    @property
    def config_yaml(self):
        """The effective config as YAML text."""
        return self._served.config.yaml()

    def save(self, outdir):
        """Writes the files `aimcsim serve -o OUTDIR` writes for the same config (the same bytes)
        and returns their names."""
        return list(self._served.save(os.fspath(outdir)))


def serve(config=None, overrides=None, requests=None, *, strict=False, **sections):
    """Serves a stream of requests as `aimcsim serve` does and returns its Served.

    config, overrides, sections, strict: as for run(); the serve.* and memory.* keys describe the
    stream, the adapters and where they live.
    requests: a trace file (CSV arrival_us,adapter,prompt_tokens,decode_tokens, or JSON Lines),
    as --requests: it sets serve.trace.
    """
    extra = [] if requests is None else [f"serve.trace={os.fspath(requests)}"]
    cfg = _core.load(_documents(config), _overrides(overrides, sections) + extra, strict, False)
    _warn(cfg.warnings())
    return Served(_core.serve(cfg))


COMPARE_COLUMNS = ("variant,status,block,analog_only_span_ns,hybrid_span_ns,overhead,reference,"
                   "reference_analog_only_span_ns,overhead_vs_reference,analog_only_energy_nj,"
                   "hybrid_energy_nj")


def _ratio(a, b):
    return a / b if b > 0 else 0.0


def compare_csv(names, results):
    """compare.csv of `aimcsim compare` for runs of one workload: per block (then end to end) and
    variant, its spans and overhead against its own analog-only design, then against the reference,
    the variant whose analog-only design is fastest end to end (the first of equals)."""
    figures = [r._run.blocks() for r in results]
    ref = 0
    for i in range(1, len(results)):
        if figures[i][-1][1] < figures[ref][-1][1]:
            ref = i
    lines = [COMPARE_COLUMNS]
    for b in range(len(figures[0])):
        _, ref_ao, _, _, _ = figures[ref][b]
        for name, r, f in zip(names, results, figures):
            block, ao, hy, ao_e, hy_e = f[b]
            status = "ok" if not r.capacity_violations else "over_capacity"
            lines.append(f"{name},{status},{block},{ao / 1000.0:.3f},{hy / 1000.0:.3f},{_ratio(hy, ao):.6f},"
                         f"{names[ref]},{ref_ao / 1000.0:.3f},{_ratio(hy, ref_ao):.6f},{ao_e / 1e3:.6f},"
                         f"{hy_e / 1e3:.6f}")
    return "\n".join(lines) + "\n"


def compare(config=None, overrides=None, strategies=None, variants=None, *, strict=False, outdir=None):
    """One workload under several strategies (default: every one) or config variants, as
    `aimcsim compare`: returns compare.csv as a DataFrame (its `attrs["results"]` maps each variant
    to its Result). With `outdir`, writes compare.csv and each variant's reports in OUTDIR/<variant>
    as the command does.

    strategies: a list of pipeline.strategy names, or "all".
    variants: {name: {key: value, ...}} (or {name: ["KEY=VALUE", ...]}), instead of strategies.
    """
    known = [p["choices"] for p in _core.params() if p["key"] == "pipeline.strategy"][0]
    if variants:
        if strategies:
            raise ConfigError("compare: give either strategies or variants, not both")
        named = [(str(n), _overrides(v)) for n, v in variants.items()]
    else:
        names = [strategies] if isinstance(strategies, str) else list(strategies or ["all"])
        if names == ["all"]:
            names = known
        for s in names:
            if s not in known:
                raise ConfigError(f"compare: strategies: {s}: not a strategy; accepted: all, {', '.join(known)}")
        named = [(s, [f"pipeline.strategy={s}"]) for s in names]
    for n, _ in named:
        if not n or "/" in n or n in (".", ".."):
            raise ConfigError(f"compare: variant {n!r}: a variant's name is a folder name; give a non-empty "
                              f"name without '/'")
    base = _overrides(overrides)
    configs = [_load(config, base + own, strict=strict) for _, own in named]
    results = []
    for (n, _), cfg in zip(named, configs):
        r = Result(_core.simulate(cfg, strict))
        _warn(r.capacity_violations, f"{n}: over capacity: ")
        results.append(r)
        if outdir is not None:
            r.save(os.path.join(os.fspath(outdir), n))
    blocks = [[b[0] for b in r._run.blocks()] for r in results]
    for (n, _), r, b in zip(named[1:], results[1:], blocks[1:]):
        if b != blocks[0]:
            raise ConfigError(f"compare: variants {named[0][0]} and {n} run different workloads "
                              f"({results[0].summary['model']} and {r.summary['model']}); compare variants "
                              f"of one workload")
    text = compare_csv([n for n, _ in named], results)
    if outdir is not None:
        os.makedirs(os.fspath(outdir), exist_ok=True)
        with open(os.path.join(os.fspath(outdir), "compare.csv"), "w") as f:
            f.write(text)
    df = _csv(text)
    df.attrs["results"] = {n: r for (n, _), r in zip(named, results)}
    return df


def _sweep_spec(spec):
    """(path, text, name) of a sweep: a path, YAML text, or a dict (base: an inline config dict or
    a list of config files; grid and zip: {KEY: [values]}; points: [{KEY: value}])."""
    if isinstance(spec, os.PathLike) or (isinstance(spec, str) and _is_path(spec)):
        path = os.fspath(spec)
        return path, "", os.path.splitext(os.path.basename(path))[0]
    if isinstance(spec, dict):
        spec = dict(spec)
        if isinstance(spec.get("base"), dict):
            spec["base"] = _nested(spec["base"])
        return "", _yaml(spec), "sweep"
    if isinstance(spec, str):
        return "", spec, "sweep"
    raise TypeError(f"sweep: expected a path, YAML text or a dict, got {type(spec).__name__}")


def sweep(spec, jobs=None, outdir=None, *, strict=False, force=False, verbose=True):
    """Runs a sweep as `aimcsim sweep SPEC -j JOBS -o OUTDIR` and returns its results.csv as a
    DataFrame (one row per point; `attrs` holds outdir, points, ran, skipped and failed).

    spec: a sweep file's path, its YAML text, or the same as a dict. The points run on `jobs`
    worker processes (default: one per core) forked from this interpreter; a point that fails or
    crashes its worker is a row with status failed, and a warning says how many. Points already
    finished in OUTDIR for the same config are not run again. outdir: default runs/<sweep file
    name> (runs/sweep for text or a dict), as the command's. The base's config files are relative
    to the sweep file, or to the current directory for text or a dict.
    """
    path, text, name = _sweep_spec(spec)
    outdir = os.fspath(outdir) if outdir is not None else os.path.join("runs", name)
    jobs = jobs or os.cpu_count() or 1
    out = _core.sweep(path, text, name, os.getcwd(), int(jobs), outdir, strict, force, verbose)
    df = pd.read_csv(os.path.join(outdir, "results.csv"))
    df.attrs.update(out)
    df.attrs["outdir"] = outdir
    if out["failed"]:
        warnings.warn(f"{out['failed']} point(s) failed; see {outdir}/sweep.json and points/<id>/stderr.log",
                      AimcsimWarning, stacklevel=2)
    return df


def kernel(name, config=None, overrides=None, **shape):
    """One PMCA kernel's cost, as `aimcsim kernel NAME --OPTION VALUE ...` prints it, as a dict:
    cycles by category, time, utilisation, L1 and DMA, energy. The shape options are keywords
    (`in_` for --in): kernel("lora", tokens=128, in_=512, out=128, rank=8). The config is layered
    over the embedded default, as the command's."""
    options = {}
    for k, v in shape.items():
        key = k[:-1] if k.endswith("_") else k
        if isinstance(v, bool) or not isinstance(v, numbers.Integral):
            raise ConfigError(f"kernel {name}: {key}: expected an integer, got {v!r}")
        options[key] = int(v)
    return _core.kernel(_load(config, overrides, over_default=True), name, options)


def params(prefix=None):
    """Every config key (or those under `prefix`, e.g. "tile") as `aimcsim params` lists them: key,
    kind, default (None when required), dimension and canonical unit of a quantity, min and max in
    that unit (NaN when unbounded), what it accepts, its choices and its description."""
    rows = _core.params()
    if prefix:
        p = prefix[:-1] if prefix.endswith(".") else prefix
        rows = [r for r in rows if r["key"] == p or r["key"].startswith(p + ".")]
        if not rows:
            raise ConfigError(f"params {prefix}: no key or section of that name; `aimcsim params` lists "
                              f"them all")
    df = pd.DataFrame(rows, columns=["key", "kind", "default", "required", "dimension", "unit", "min", "max",
                                     "accepts", "choices", "description"])
    df["min"] = df["min"].astype("float64")
    df["max"] = df["max"].astype("float64")
    return df


def __getattr__(name):
    """aimcsim.plot (figures of these results, with matplotlib) is imported on first use."""
    if name == "plot":
        import importlib
        return importlib.import_module(".plot", __name__)
    raise AttributeError(f"module 'aimcsim' has no attribute {name!r}")
