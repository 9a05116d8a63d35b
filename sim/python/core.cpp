// aimcsim._core, the compiled half of the Python package `aimcsim` (sim/python/aimcsim/): configs,
// runs, sweeps, kernel costs and the parameter list over libaimcsim, as plain Python values and
// report texts; the package turns them into pandas DataFrames.
#include <fmt/format.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "models/riscv/gemm_engine.hpp"
#include "platform/embedded_config.hpp"
#include "sim/base/error.hpp"
#include "sim/base/version.hpp"
#include "sim/map/kernel_shape.hpp"
#include "sim/report/report.hpp"
#include "sim/run/config_documents.hpp"
#include "sim/run/run.hpp"
#include "sim/serve/serve.hpp"
#include "sim/sweep/sweep.hpp"

namespace py = pybind11;

// libsystemc owns main() and refers to sc_main(), so a program linking it must define one. The
// module never starts SystemC through main(): each run creates its own simulation context.
extern "C" __attribute__((visibility("default"))) int sc_main(int, char**) { return 0; }

namespace aimcsim {
namespace {

// The module is built with hidden symbols (as pybind11 builds modules): it calls libaimcsim's
// functions only, never the registries' header templates (Registry<...>::instance()), whose
// instances here would be the module's own, empty copies.

// SystemC's simulation context is global to the process, so one process simulates one run at a
// time, and the library keeps process-wide tables (energy component names, memos) that a run
// fills. Every call into the library holds this lock (a sweep too: its workers, forked from this
// process, must not inherit a simulation half done), with the GIL released, so that other Python
// threads go on meanwhile and a second thread's run queues behind the first. Python objects are
// made outside, with the GIL held.
std::mutex& library_lock() {
  static std::mutex lock;
  return lock;
}

template <class F>
auto in_library(F&& f) {
  py::gil_scoped_release release;
  const std::lock_guard<std::mutex> lock(library_lock());
  return f();
}

// A validated config with the schema it refers to (Config keeps a pointer to its schema).
struct LoadedConfig {
  std::shared_ptr<const Schema> schema;
  Config config;
};

// One document of a config as Python passes it: (name messages give it, YAML text), or
// (path, None) for a file to read.
using Document = std::pair<std::string, std::optional<std::string>>;

// The config of a run, as `aimcsim run` loads it: the embedded default when no document is
// given (or, with `over_default`, beneath them), the documents in order, then KEY=VALUE
// overrides.
std::shared_ptr<LoadedConfig> load(const std::vector<Document>& documents,
                                   const std::vector<std::string>& overrides, bool strict,
                                   bool over_default) {
  return in_library([&] {
    auto schema = std::make_shared<const Schema>(build_schema());
    std::vector<Config::Source> docs;
    if (documents.empty() || over_default) docs = run_config_documents({}, false);
    for (const Document& d : documents) {
      if (d.second)
        docs.push_back({d.first, *d.second});
      else
        docs.push_back(std::move(run_config_documents({d.first}).front()));
    }
    Config cfg = Config::load(*schema, docs, overrides, strict);
    return std::make_shared<LoadedConfig>(LoadedConfig{schema, std::move(cfg)});
  });
}

// A finished run: its result and the config it ran, so that reports and save() are the ones
// `aimcsim run` writes for the same config.
struct Run {
  std::shared_ptr<LoadedConfig> loaded;
  RunResult result;
};

// `aimcsim run`'s simulation and capacity check (InputError over capacity under `strict` or
// output.strict); nothing is written.
std::shared_ptr<Run> simulate_config(const std::shared_ptr<LoadedConfig>& loaded, bool strict) {
  return in_library([&] {
    auto run = std::make_shared<Run>(Run{loaded, simulate(loaded->config)});
    if (strict || OutputParams::from(loaded->config).strict) require_capacity(run->result);
    return run;
  });
}

// `aimcsim serve`'s stream served on the three designs under one config, and its config.
struct Served {
  std::shared_ptr<LoadedConfig> loaded;
  ServeResult result;
};

// The request stream serve.* describes (serve.trace read, or generated), served as `aimcsim
// serve` does; nothing is written.
std::shared_ptr<Served> serve_config(const std::shared_ptr<LoadedConfig>& loaded) {
  return in_library([&] {
    const RequestStream stream = request_stream(loaded->config);
    return std::make_shared<Served>(Served{loaded, serve(loaded->config, stream)});
  });
}

// Per block, then "end to end": name, both designs' spans (ps) and energies (pJ), the figures
// `aimcsim compare` writes per block.
using BlockFigures = std::tuple<std::string, Picos, Picos, double, double>;
std::vector<BlockFigures> block_figures(const RunResult& r) {
  std::vector<BlockFigures> out;
  for (const BlockResult& b : r.blocks)
    out.emplace_back(b.name, b.analog_only, b.hybrid, b.analog_only_energy.total(),
                     b.hybrid_energy.total());
  out.emplace_back("end to end", r.analog_only, r.hybrid, r.analog_only_energy.total(),
                   r.hybrid_energy.total());
  return out;
}

const char* kind_name(ParamKind k) {
  switch (k) {
    case ParamKind::Integer:
      return "integer";
    case ParamKind::Real:
      return "real";
    case ParamKind::Boolean:
      return "boolean";
    case ParamKind::Choice:
      return "choice";
    case ParamKind::Text:
      return "text";
    case ParamKind::Quantity:
      return "quantity";
    case ParamKind::IntegerOrAuto:
      return "integer or auto";
  }
  return "text";
}

// Every key as `aimcsim params --format json` lists it, with its kind, dimension, canonical unit
// and range (in that unit; None when unbounded).
py::list params() {
  const Schema schema = in_library([] { return build_schema(); });
  py::list out;
  const auto bound = [](double v) {
    return std::isinf(v) ? py::none() : py::object(py::float_(v));
  };
  for (const ParamSpec& p : schema.params()) {
    const bool quantity = p.kind == ParamKind::Quantity;
    const bool numeric = quantity || p.kind == ParamKind::Integer || p.kind == ParamKind::Real ||
                         p.kind == ParamKind::IntegerOrAuto;
    py::dict d;
    d["key"] = p.key;
    d["kind"] = kind_name(p.kind);
    d["default"] = p.required ? py::none() : py::object(py::str(p.default_value));
    d["required"] = p.required;
    d["dimension"] =
        quantity ? py::object(py::str(std::string(dimension_name(p.dim)))) : py::none();
    d["unit"] = quantity ? py::object(py::str(std::string(canonical_unit(p.dim)))) : py::none();
    d["min"] = numeric ? bound(p.min) : py::none();
    d["max"] = numeric ? bound(p.max) : py::none();
    d["accepts"] = p.accepted();
    d["choices"] = p.choices;
    d["description"] = p.description;
    out.append(d);
  }
  return out;
}

py::dict kernel_dict(const KernelCost& c, double freq_hz) {
  py::dict d;
  d["name"] = c.name;
  d["on"] = c.unit;
  d["cycles"] = c.cycles;
  d["compute_cycles"] = c.compute_cycles;
  d["stall_cycles"] = c.stall_cycles;
  d["dma_wait_cycles"] = c.dma_wait_cycles;
  d["overhead_cycles"] = c.overhead_cycles;
  d["utilisation"] = c.utilisation();
  d["time_ns"] = cycles_to_ns(static_cast<double>(c.cycles), freq_hz);
  d["lane_ops"] = c.lane_ops;
  d["energy_nj"] = c.energy.total() / 1e3;
  return d;
}

// `aimcsim kernel NAME --OPTION VALUE ...` as a dict: the same costs the run charges. Throws
// InputError for an unknown kernel or shape option, a missing one, or a kernel that does not fit
// L1, in the command's words.
py::dict kernel(const std::shared_ptr<LoadedConfig>& loaded, const std::string& name,
                const std::map<std::string, std::int64_t>& shape) {
  const std::vector<std::string>* accepted = kernel_options(name);
  if (!accepted)
    throw InputError(
        fmt::format("kernel {}: not a kernel; accepted: {}", name, kernel_names_text()));
  for (const auto& [option, value] : shape) {
    (void)value;
    if (std::find(accepted->begin(), accepted->end(), option) == accepted->end()) {
      std::string list;
      for (const std::string& a : *accepted) list += (list.empty() ? "" : ", ") + a;
      throw InputError(
          fmt::format("kernel {}: unknown shape option '{}'; accepted: {}", name, option, list));
    }
  }
  const PmcaParams p = in_library([&] { return PmcaParams::from(loaded->config); });
  const std::string engine = in_library([&] { return p.gemm().describe(p); });
  const KernelShape s{name, shape};
  py::dict d;
  d["kernel"] = name;
  d["engine"] = engine;
  d["freq_hz"] = p.freq_hz;
  if (name == "lora") {
    const LoraChunkCost c = in_library([&] { return lora_kernel_cost(p, s); });
    if (!c.feasible) throw InputError(lora_misfit_message(p, s));
    const std::int64_t t = shape.at("tokens");
    py::list parts;
    parts.append(kernel_dict(c.down, p.freq_hz));
    parts.append(kernel_dict(c.up, p.freq_hz));
    if (!c.add_fused) parts.append(kernel_dict(c.add, p.freq_hz));
    d["kernels"] = parts;
    d["cycles"] = c.cycles;
    d["compute_cycles"] = c.compute_cycles;
    d["dma_wait_cycles"] = c.dma_wait_cycles;
    d["utilisation"] = c.utilisation;
    d["time_ns"] = ps_to_ns(c.duration);
    d["time_per_token_ns"] = ps_to_ns(c.duration) / static_cast<double>(t);
    d["add_fused"] = c.add_fused;
    d["l1_bytes"] = c.l1_bytes;
    d["l1_peak_bytes"] = c.l1_peak_bytes;
    d["spilled"] = c.spilled;
    d["pieces"] = c.spilled ? (t + c.sub_tokens - 1) / c.sub_tokens : 1;
    d["dma_bytes"] = c.dma_bytes;
    d["energy_nj"] = c.energy.total() / 1e3;
    return d;
  }
  std::string description;
  const KernelCost c = in_library([&] { return kernel_cost(p, s, &description); });
  if (!c.feasible) throw InputError(kernel_misfit_message(p, name, c));
  d["description"] = description;
  for (auto item : kernel_dict(c, p.freq_hz)) d[item.first] = item.second;
  d["l1_bytes"] = c.l1_required;
  d["l1_peak_bytes"] = c.l1_footprint;
  d["spilled"] = c.spilled;
  d["pieces"] = c.sub_blocks;
  d["dma_bytes"] = c.dma_bytes;
  return d;
}

// `aimcsim sweep`: the sweep file at `path`, or the YAML `text` (its base's files relative to
// `base_dir`), run on `jobs` worker processes forked from this one into `outdir`.
py::dict sweep(const std::string& path, const std::string& text, const std::string& name,
               const std::string& base_dir, std::size_t jobs, const std::string& outdir,
               bool strict, bool force, bool verbose) {
  SweepOptions options;
  options.jobs = std::max<std::size_t>(1, jobs);
  options.outdir = outdir;
  options.strict = strict;
  options.force = force;
  options.verbose = verbose;
  SweepSpec spec;
  const SweepOutcome r = in_library([&] {
    const Schema schema = build_schema();
    spec = path.empty() ? parse_sweep(schema, text, name, base_dir) : load_sweep(schema, path);
    return run_sweep(spec, options);
  });
  py::dict d;
  d["name"] = spec.name;
  d["points"] = spec.points.size();
  d["keys"] = spec.keys;
  d["selected"] = r.selected;
  d["ran"] = r.ran;
  d["skipped"] = r.skipped;
  d["failed"] = r.failed;
  d["rerun"] = r.rerun;
  return d;
}

}  // namespace
}  // namespace aimcsim

PYBIND11_MODULE(_core, m) {
  using namespace aimcsim;
  m.doc() = "aimcsim's C++ core; use the package aimcsim";
  m.attr("version") = std::string(kVersion);

  // Bad input is a ConfigError (a ValueError) with the command line's exit-2 message; a sweep
  // stopped by SIGINT a KeyboardInterrupt; anything else a RuntimeError.
  static py::exception<InputError> config_error(m, "ConfigError", PyExc_ValueError);
  py::register_exception_translator([](std::exception_ptr p) {
    try {
      if (p) std::rethrow_exception(p);
    } catch (const py::error_already_set&) {
      throw;
    } catch (const py::builtin_exception&) {
      throw;
    } catch (const InputError& e) {
      config_error(e.what());
    } catch (const SweepInterrupted& e) {
      PyErr_SetString(PyExc_KeyboardInterrupt, e.what());
    } catch (const std::exception& e) {
      PyErr_SetString(PyExc_RuntimeError, e.what());
    }
  });

  py::class_<LoadedConfig, std::shared_ptr<LoadedConfig>>(m, "Config")
      .def("yaml",
           [](const LoadedConfig& c) { return in_library([&] { return c.config.to_yaml(); }); })
      .def("warnings", [](const LoadedConfig& c) { return c.config.warnings(); });

  // A run's reports, each made with the library lock held.
  const auto text = [](std::string (*f)(const RunResult&)) {
    return [f](const Run& r) { return in_library([&] { return f(r.result); }); };
  };
  const auto with_config = [](std::string (*f)(const RunResult&, const Config&)) {
    return [f](const Run& r) { return in_library([&] { return f(r.result, r.loaded->config); }); };
  };
  py::class_<Run, std::shared_ptr<Run>>(m, "Run")
      .def_property_readonly("config", [](const Run& r) { return r.loaded; })
      .def("layers_csv", text(&layers_csv))
      .def("ops_csv", text(&ops_csv))
      .def("experts_csv",
           [](const Run& r) -> std::optional<std::string> {
             if (r.result.workload.experts == 0) return std::nullopt;
             return in_library([&] { return experts_csv(r.result.workload); });
           })
      .def("summary_json", with_config(&summary_json))
      .def("stats_csv", with_config(&stats_csv))
      .def("notes", [](const Run& r) { return r.result.notes; })
      .def("capacity_violations",
           [](const Run& r) { return in_library([&] { return capacity_violations(r.result); }); })
      .def("blocks",
           [](const Run& r) { return in_library([&] { return block_figures(r.result); }); })
      .def("save", [](const Run& r, const std::string& dir) {
        return in_library([&] { return write_outputs(r.result, r.loaded->config, dir); });
      });

  py::class_<Served, std::shared_ptr<Served>>(m, "Served")
      .def_property_readonly("config", [](const Served& s) { return s.loaded; })
      .def("requests_csv",
           [](const Served& s) { return in_library([&] { return requests_csv(s.result); }); })
      .def("serve_json",
           [](const Served& s) { return in_library([&] { return serve_json(s.result); }); })
      .def("save", [](const Served& s, const std::string& dir) {
        return in_library([&] { return write_serve_outputs(s.result, s.loaded->config, dir); });
      });

  m.def("load", &load, py::arg("documents"), py::arg("overrides"), py::arg("strict") = false,
        py::arg("over_default") = false);
  m.def("simulate", &simulate_config, py::arg("config"), py::arg("strict") = false);
  m.def("serve", &serve_config, py::arg("config"));
  m.def("params", &params);
  m.def("kernel", &kernel, py::arg("config"), py::arg("name"), py::arg("shape"));
  m.def("kernel_options", [](const std::string& name) -> std::optional<std::vector<std::string>> {
    const std::vector<std::string>* o = kernel_options(name);
    if (!o) return std::nullopt;
    return *o;
  });
  m.def("kernel_names", [] { return kernel_names(); });
  m.def("sweep", &sweep, py::arg("path"), py::arg("text"), py::arg("name"), py::arg("base_dir"),
        py::arg("jobs"), py::arg("outdir"), py::arg("strict") = false, py::arg("force") = false,
        py::arg("verbose") = true);
  m.def("default_config", [] { return std::string(embedded_default_config()); });
}
