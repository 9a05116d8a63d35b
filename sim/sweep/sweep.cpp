#include "sim/sweep/sweep.hpp"

#include <fcntl.h>
#include <fmt/format.h>
#include <poll.h>
#include <signal.h>
#include <sys/file.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>

#include "platform/embedded_config.hpp"
#include "sim/base/error.hpp"
#include "sim/base/files.hpp"
#include "sim/base/math.hpp"
#include "sim/base/version.hpp"
#include "sim/report/report.hpp"
#include "sim/run/run.hpp"
#include "sim/sweep/sweep_file.hpp"
#include "workloads/workload.hpp"

namespace aimcsim {

namespace fs = std::filesystem;
using Json = nlohmann::ordered_json;

std::string fnv1a64(const std::string& text) {
  std::uint64_t h = 14695981039346656037ull;
  for (unsigned char c : text) {
    h ^= c;
    h *= 1099511628211ull;
  }
  return fmt::format("{:016x}", h);
}

namespace {

std::string read_text(const fs::path& path) { return read_file(path.string()).value_or(""); }

int line_of(const YAML::Node& n) { return n.Mark().line + 1; }

std::string unknown_key(const Schema& schema, const std::string& key) {
  std::string parent = key;
  for (;;) {
    const auto dot = parent.rfind('.');
    if (dot == std::string::npos) break;
    parent = parent.substr(0, dot);
    if (schema.is_section(parent))
      return fmt::format("unknown key '{}'; keys under '{}': {}", key, parent,
                         schema.keys_under(parent));
  }
  return fmt::format("unknown key '{}'; known sections: {} (`aimcsim params` lists every key)", key,
                     schema.keys_under(""));
}

// One swept key with its values, where it was written.
struct Axis {
  std::string key;
  std::vector<std::string> values;
  int line = 0;
};

// Checks one value against its key's spec, on its own, so that the message names the axis.
void check_value(const Schema& schema, const std::string& where, const std::string& key,
                 const std::string& value) {
  const ParamSpec* spec = schema.find(key);
  Schema one;
  ParamSpec& s = one.add(key);
  s = *spec;
  s.required = false;
  s.default_value = value;
  s.presets.clear();  // the value alone: the keys a preset sets are not in this schema
  try {
    (void)Config::load(one, {}, {});
  } catch (const InputError& e) {
    const std::string what = e.what();
    const auto at = what.find(key + ": ");
    throw InputError(
        fmt::format("{}: {}: {}", where, key,
                    at == std::string::npos ? what : what.substr(at + key.size() + 2)));
  }
}

void check_key(const Schema& schema, const std::string& where, const std::string& key) {
  if (!schema.find(key)) throw InputError(fmt::format("{}: {}", where, unknown_key(schema, key)));
}

// Flattens `section: {a.b: [..], c: {d: [..]}}` into axes with dotted keys.
void collect_axes(const Schema& schema, const YAML::Node& node, const std::string& prefix,
                  const std::string& file, const std::string& section, std::vector<Axis>& out) {
  for (const auto& entry : node) {
    const YAML::Node k = entry.first;
    const YAML::Node v = entry.second;
    const std::string key = prefix.empty() ? k.Scalar() : prefix + "." + k.Scalar();
    const std::string where = fmt::format("{}:{}: {}", file, line_of(k), section);
    if (v.IsMap() && !schema.find(key)) {
      if (!schema.is_section(key))
        throw InputError(fmt::format("{}: {}", where, unknown_key(schema, key)));
      collect_axes(schema, v, key, file, section, out);
      continue;
    }
    check_key(schema, where, key);
    if (!v.IsSequence())
      throw InputError(fmt::format(
          "{}: {}: expected a list of values, e.g. [{}]", where, key,
          schema.find(key)->default_value.empty() ? "..." : schema.find(key)->default_value));
    if (v.size() == 0)
      throw InputError(fmt::format("{}: {}: empty axis; give at least one value", where, key));
    Axis axis{key, {}, line_of(k)};
    for (const auto& item : v) {
      if (!item.IsScalar())
        throw InputError(fmt::format("{}:{}: {}: {}: expected a single value in the list", file,
                                     line_of(item), section, key));
      check_value(schema, fmt::format("{}:{}: {}", file, line_of(item), section), key,
                  item.Scalar());
      axis.values.push_back(item.Scalar());
    }
    out.push_back(std::move(axis));
  }
}

// One point's swept keys and values, in the order they were set.
using KeyValues = std::vector<std::pair<std::string, std::string>>;

// Flattens one entry of `points:` into key -> value.
void collect_point(const Schema& schema, const YAML::Node& node, const std::string& prefix,
                   const std::string& file, KeyValues& out) {
  for (const auto& entry : node) {
    const YAML::Node k = entry.first;
    const YAML::Node v = entry.second;
    const std::string key = prefix.empty() ? k.Scalar() : prefix + "." + k.Scalar();
    const std::string where = fmt::format("{}:{}: points", file, line_of(k));
    if (v.IsMap() && !schema.find(key)) {
      if (!schema.is_section(key))
        throw InputError(fmt::format("{}: {}", where, unknown_key(schema, key)));
      collect_point(schema, v, key, file, out);
      continue;
    }
    check_key(schema, where, key);
    if (!v.IsScalar()) throw InputError(fmt::format("{}: {}: expected a single value", where, key));
    check_value(schema, where, key, v.Scalar());
    for (const auto& [seen, value] : out)
      if (seen == key)
        throw InputError(fmt::format("{}: {}: given twice in one point", where, key));
    out.emplace_back(key, v.Scalar());
  }
}

std::vector<Config::Source> load_base(const YAML::Node& base, const std::string& file,
                                      const std::string& base_dir) {
  if (!base) return {{"embedded default config", embedded_default_config()}};
  if (base.IsMap()) return {{file + " base", YAML::Dump(base) + "\n"}};
  std::vector<std::string> paths;
  if (base.IsScalar()) {
    paths.push_back(base.Scalar());
  } else if (base.IsSequence()) {
    for (const auto& p : base) {
      if (!p.IsScalar())
        throw InputError(fmt::format("{}:{}: base: expected a config file path", file, line_of(p)));
      paths.push_back(p.Scalar());
    }
  } else {
    throw InputError(
        fmt::format("{}:{}: base: expected an inline config mapping or a list of config file paths",
                    file, line_of(base)));
  }
  std::vector<Config::Source> out;
  for (const auto& p : paths) {
    const fs::path path = fs::path(p).is_absolute() ? fs::path(p) : fs::path(base_dir) / p;
    const std::optional<std::string> text = read_file(path.string());
    if (!text)
      throw InputError(fmt::format(
          "{}:{}: base: cannot open config file '{}' (paths are relative to the sweep file)", file,
          line_of(base), path.string()));
    out.push_back({path.string(), *text});
  }
  return out;
}

std::string point_id(std::size_t i, std::size_t total) {
  std::size_t width = 4;
  for (std::size_t n = total; n >= 10000; n /= 10) ++width;
  return fmt::format("p{:0{}}", i, width);
}

// The hash of the base config documents, as joined for sweep.json.
std::string base_hash(const std::vector<Config::Source>& base) {
  std::string joined;
  for (const auto& s : base) joined += s.text + "\n---\n";
  return fnv1a64(joined);
}

// Collects the grid and zip axes; the zip lists must all have one length.
void collect_grid_and_zip(const Schema& schema, const YAML::Node& root, const std::string& name,
                          std::vector<Axis>& grid, std::vector<Axis>& zip) {
  for (const char* section : {"grid", "zip"}) {
    const YAML::Node node = root[section];
    if (!node) continue;
    if (!node.IsMap())
      throw InputError(fmt::format("{}:{}: {}: expected a mapping of keys to lists of values", name,
                                   line_of(node), section));
    collect_axes(schema, node, "", name, section, std::string(section) == "grid" ? grid : zip);
  }
  for (std::size_t i = 1; i < zip.size(); ++i)
    if (zip[i].values.size() != zip[0].values.size())
      throw InputError(fmt::format(
          "{}:{}: zip: lists of unequal length: {} has {} values, {} has {}", name, zip[i].line,
          zip[0].key, zip[0].values.size(), zip[i].key, zip[i].values.size()));
}

// Collects the explicit points of `points:`, each a mapping of keys to single values.
std::vector<KeyValues> collect_points(const Schema& schema, const YAML::Node& root,
                                      const std::string& name) {
  std::vector<KeyValues> point_list;
  const YAML::Node node = root["points"];
  if (!node) return point_list;
  if (!node.IsSequence())
    throw InputError(
        fmt::format("{}:{}: points: expected a list of mappings", name, line_of(node)));
  if (node.size() == 0)
    throw InputError(
        fmt::format("{}:{}: points: empty list; give at least one point", name, line_of(node)));
  for (const auto& p : node) {
    if (!p.IsMap())
      throw InputError(fmt::format(
          "{}:{}: points: expected a mapping of keys to values, e.g. {{pmca.freq: 1GHz}}", name,
          line_of(p)));
    point_list.emplace_back();
    collect_point(schema, p, "", name, point_list.back());
  }
  return point_list;
}

// The swept keys, grid then zip then points, in order of first appearance; a key may be swept
// on one axis only (points may repeat their own keys).
std::vector<std::string> swept_keys(const std::vector<Axis>& grid, const std::vector<Axis>& zip,
                                    const std::vector<KeyValues>& point_list,
                                    const std::string& name) {
  std::vector<std::string> keys;
  std::map<std::string, std::string> owner;
  auto claim = [&](const std::string& key, const std::string& section, int line) {
    auto [it, fresh] = owner.emplace(key, section);
    if (!fresh && !(it->second == "points" && section == "points"))
      throw InputError(
          fmt::format("{}:{}: {}: {} is already swept by {}; sweep each key on one axis", name,
                      line, section, key, it->second));
    if (fresh) keys.push_back(key);
  };
  for (const auto& a : grid) claim(a.key, "grid", a.line);
  for (const auto& a : zip) claim(a.key, "zip", a.line);
  for (const auto& p : point_list)
    for (const auto& kv : p) claim(kv.first, "points", 0);
  return keys;
}

// Every combination of `combos` with each of `rows` rows; `add(row, combo)` appends a row's
// values to a copy of a combination.
template <class AddRow>
std::vector<KeyValues> cross(const std::vector<KeyValues>& combos, std::size_t rows, AddRow add) {
  std::vector<KeyValues> next;
  for (const auto& c : combos)
    for (std::size_t row = 0; row < rows; ++row) {
      next.push_back(c);
      add(row, next.back());
    }
  return next;
}

// Refuses a sweep of more than kMaxSweepPoints points before expanding it, naming its factors.
void check_point_count(const std::vector<Axis>& grid, const std::vector<Axis>& zip,
                       const std::vector<KeyValues>& point_list, const std::string& name) {
  double count = 1;
  std::string factors;
  auto factor = [&](std::size_t n, const std::string& what) {
    count *= static_cast<double>(n);
    factors += fmt::format("{}{} {}", factors.empty() ? "" : " x ", n, what);
  };
  for (const auto& a : grid) factor(a.values.size(), a.key);
  if (!zip.empty()) factor(zip[0].values.size(), "zip rows");
  if (!point_list.empty()) factor(point_list.size(), "points");
  if (count > static_cast<double>(kMaxSweepPoints))
    throw InputError(fmt::format(
        "{}: the sweep has {:.0f} points ({}), more than the {} a sweep file takes; split the "
        "study into several sweep files",
        name, count, factors, kMaxSweepPoints));
}

// Expands grid (odometer, last key fastest) x zip rows x explicit points.
std::vector<KeyValues> expand(const std::vector<Axis>& grid, const std::vector<Axis>& zip,
                              const std::vector<KeyValues>& point_list) {
  std::vector<KeyValues> combos{{}};
  for (const auto& a : grid)
    combos = cross(combos, a.values.size(),
                   [&](std::size_t row, KeyValues& c) { c.emplace_back(a.key, a.values[row]); });
  if (!zip.empty())
    combos = cross(combos, zip[0].values.size(), [&](std::size_t row, KeyValues& c) {
      for (const auto& a : zip) c.emplace_back(a.key, a.values[row]);
    });
  if (!point_list.empty())
    combos = cross(combos, point_list.size(), [&](std::size_t row, KeyValues& c) {
      c.insert(c.end(), point_list[row].begin(), point_list[row].end());
    });
  return combos;
}

// The workload parameters of a point, as a key: points that share them share a workload, so it
// is built (checked) once. Every field of WorkloadParams is in the key.
std::string workload_key(const WorkloadParams& p) {
  return fmt::format("{}\n{}\n{}\n{}\n{}\n{}\n{}\n{:a}\n{}\n{}\n{:a}", p.model, p.seq_len,
                     p.decode_tokens, p.rank, p.targets, p.rank_overrides, p.routing,
                     p.zipf_exponent, p.routing_trace, p.routing_seed, p.memory_limit);
}

// Loads one point's config over the base and builds its workload (once per distinct workload
// parameters, `built`), so that a bad point fails here, naming its values; records the effective
// config, its hash and the value of every swept key: as the point sets it, else the point's
// effective value (its base's, or the default).
void check_point(const Schema& schema, const std::vector<Config::Source>& base,
                 const std::vector<std::string>& keys, const KeyValues& combo,
                 const std::string& name, SweepPoint& pt, std::set<std::string>& built) {
  std::vector<std::string> overrides;
  std::string described;
  for (const auto& [k, v] : combo) {
    overrides.push_back(k + "=" + v);
    described += (described.empty() ? "" : ", ") + k + "=" + v;
  }
  try {
    const Config cfg = Config::load(schema, base, overrides);
    const WorkloadParams workload = WorkloadParams::from(cfg);
    if (built.insert(workload_key(workload)).second) (void)build_workload(workload);
    pt.config_yaml = cfg.to_yaml();
    for (const auto& key : keys) pt.values.push_back(cfg.value_text(key));
  } catch (const InputError& e) {
    throw InputError(fmt::format("{}: point {} ({}): {}", name, pt.id,
                                 described.empty() ? "base only" : described, e.what()));
  }
  pt.config_hash = fnv1a64(pt.config_yaml);
}

}  // namespace

SweepSpec parse_sweep(const Schema& schema, const std::string& text, const std::string& name,
                      const std::string& base_dir) {
  const YAML::Node root = load_sectioned_yaml(text, name, {"base", "grid", "zip", "points"},
                                              "base, grid, zip and/or points");
  SweepSpec spec;
  spec.name = fs::path(name).filename().string();
  const std::vector<Config::Source> base = load_base(root["base"], name, base_dir);
  spec.base_hash = base_hash(base);
  std::vector<Axis> grid, zip;
  collect_grid_and_zip(schema, root, name, grid, zip);
  const std::vector<KeyValues> point_list = collect_points(schema, root, name);
  spec.keys = swept_keys(grid, zip, point_list, name);
  check_point_count(grid, zip, point_list, name);
  const std::vector<KeyValues> combos = expand(grid, zip, point_list);
  std::set<std::string> built;
  for (std::size_t i = 0; i < combos.size(); ++i) {
    SweepPoint pt;
    pt.id = point_id(i, combos.size());
    check_point(schema, base, spec.keys, combos[i], name, pt, built);
    spec.points.push_back(std::move(pt));
  }
  return spec;
}

SweepSpec load_sweep(const Schema& schema, const std::string& path) {
  const std::optional<std::string> text = read_file(path);
  if (!text) throw InputError(fmt::format("{}: cannot open sweep file", path));
  return parse_sweep(schema, *text, path, fs::path(path).parent_path().string());
}

std::pair<std::size_t, std::size_t> parse_shard(const std::string& text) {
  const auto slash = text.find('/');
  auto bad = [&] {
    return InputError(
        fmt::format("--shard {}: expected I/N with 0 <= I < N, e.g. --shard 0/4", text));
  };
  if (slash == std::string::npos) throw bad();
  const std::string a = text.substr(0, slash), b = text.substr(slash + 1);
  auto digits = [](const std::string& s) {
    return !s.empty() && s.size() < 10 &&
           std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
  };
  if (!digits(a) || !digits(b)) throw bad();
  const std::size_t i = std::stoul(a), n = std::stoul(b);
  if (n == 0 || i >= n) throw bad();
  return {i, n};
}

std::vector<std::size_t> shard_points(std::size_t total, std::size_t index, std::size_t count) {
  std::vector<std::size_t> out;
  for (std::size_t i = index; i < total; i += count) out.push_back(i);
  return out;
}

namespace {

// A point's state on disk: ok, failed or missing (no status, or one for another config).
struct PointState {
  std::string status = "missing";
  std::string message;
};

// The files a finished point's row is read from; status.json records each one's size and hash
// when the point finishes, and a resume trusts the point only while they still match.
const std::vector<std::string>& result_files() {
  static const std::vector<std::string> files = {"summary.json", "layers.csv"};
  return files;
}

PointState point_state(const fs::path& dir, const std::string& hash) {
  PointState s;
  const std::string text = read_text(dir / "status.json");
  if (text.empty()) return s;
  const Json j = Json::parse(text, nullptr, false);
  if (j.is_discarded() || !j.is_object() || j.value("config_hash", "") != hash) return s;
  const std::string status = j.value("status", "");
  if (status == "ok") {
    const Json files = j.value("files", Json::object());
    for (const std::string& f : result_files()) {
      std::error_code ec;
      const auto bytes = fs::file_size(dir / f, ec);
      const Json want = files.value(f, Json::object());
      if (ec || want.value("bytes", std::int64_t{-1}) != static_cast<std::int64_t>(bytes) ||
          want.value("fnv1a64", "") != fnv1a64(read_text(dir / f))) {
        s.message = f + (ec ? " is missing" : " changed since the point finished");
        return s;  // "missing": it runs again
      }
    }
    s.status = "ok";
  }
  if (status == "failed") {
    s.status = "failed";
    s.message = j.value("message", "");
  }
  return s;
}

void write_status(const fs::path& dir, const SweepPoint& p, const std::string& status,
                  const std::string& message) {
  Json j;
  j["id"] = p.id;
  j["config_hash"] = p.config_hash;
  j["status"] = status;
  if (!message.empty()) j["message"] = message;
  if (status == "ok")
    for (const std::string& f : result_files()) {
      const std::string text = read_text(dir / f);
      j["files"][f] = {{"bytes", text.size()}, {"fnv1a64", fnv1a64(text)}};
    }
  write_file_atomic((dir / "status.json").string(), j.dump(2) + "\n");
}

std::string csv_field(const std::string& s) {
  if (s.find_first_of(",\"\n") == std::string::npos) return s;
  std::string out = "\"";
  for (char c : s) out += c == '"' ? std::string("\"\"") : std::string(1, c);
  return out + "\"";
}

std::string json_field(const Json& j) {
  if (j.is_null()) return "";
  if (j.is_string()) return j.get<std::string>();
  return j.dump();
}

// `v` as summary.json prints a figure (printed_figure), shortest form.
std::string json_number(double v) { return Json(printed_figure(v)).dump(); }

std::vector<std::string> split_csv_line(const std::string& line) {
  std::vector<std::string> out;
  std::stringstream ss(line);
  for (std::string f; std::getline(ss, f, ',');) out.push_back(f);
  return out;
}

// A results.csv column taken from a point's summary.json: its name, its path in the summary and,
// for a figure that repeats a config key, the key (the column is left out when that key is swept).
struct SummaryFigure {
  const char* column;
  std::vector<const char*> path;
  const char* key = nullptr;
};

const std::vector<SummaryFigure>& summary_columns() {
  static const std::vector<SummaryFigure> cols = {
      {"model", {"model"}, "workload.model"},
      {"strategy", {"strategy"}, "pipeline.strategy"},
      {"seq_len", {"seq_len"}, "workload.seq_len"},
      {"decode_tokens", {"decode_tokens"}, "workload.decode_tokens"},
      {"chunk_tokens", {"chunk_tokens"}, "pipeline.chunk_tokens"},
      {"chunk_tokens_chosen", {"chunk", "chosen_tokens"}},
      {"capacity_status", {"status"}},
      {"analog_only_ns", {"analog_only_ns"}},
      {"hybrid_ns", {"hybrid_ns"}},
      {"overhead", {"overhead"}},
      {"linears_summed_overhead", {"linears_summed", "overhead"}},
      {"decode_per_token_analog_only_ns", {"decode", "per_token_analog_only_ns"}},
      {"decode_per_token_hybrid_ns", {"decode", "per_token_hybrid_ns"}},
      {"kv_cache_fits", {"decode", "kv_cache_fits"}},
      {"analog_only_energy_nj", {"energy", "analog_only", "total_nj"}},
      {"hybrid_energy_nj", {"energy", "hybrid", "total_nj"}},
      {"energy_overhead", {"energy", "overhead"}},
      {"analog_only_static_nj", {"energy", "split", "analog_only", "static_nj"}},
      {"hybrid_static_nj", {"energy", "split", "hybrid", "static_nj"}},
      {"hybrid_energy_dominant", {"energy", "split", "hybrid", "dominant"}},
      {"analog_only_area_mm2", {"area", "analog_only", "total_mm2"}},
      {"hybrid_area_mm2", {"area", "hybrid", "total_mm2"}},
      {"hybrid_tops_per_mm2", {"efficiency", "hybrid", "tops_per_mm2"}},
      {"hybrid_tokens_per_s_per_mm2", {"efficiency", "hybrid", "tokens_per_s_per_mm2"}},
      {"hybrid_energy_per_token_nj", {"efficiency", "hybrid", "energy_per_token_nj"}},
      {"analog_only_tokens_per_s", {"throughput", "analog_only_tokens_per_s"}},
      {"hybrid_tokens_per_s", {"throughput", "hybrid_tokens_per_s"}},
      {"analog_only_tokens_per_j", {"throughput", "analog_only_tokens_per_j"}},
      {"hybrid_tokens_per_j", {"throughput", "hybrid_tokens_per_j"}},
      {"tiles", {"platform", "tiles"}},
      {"pmcas", {"platform", "pmcas"}},
      {"linear_ops", {"workload", "linear_ops"}}};
  return cols;
}

// The columns layer_figures() aggregates from a point's layers.csv.
const std::vector<std::string>& layer_columns() {
  static const std::vector<std::string> cols = {
      "linears_tile_busy_ns", "linears_transfer_busy_ns", "linears_pmca_busy_ns",
      "pmca_chunk_max_ns",    "pmca_l1_needed_max_bytes", "pmca_l1_spilled_linears",
      "linears_overhead_max"};
  return cols;
}

// The summary.json figures of a finished point, in the order of summary_columns().
std::vector<std::string> summary_figures(const fs::path& dir) {
  const Json s = Json::parse(read_text(dir / "summary.json"), nullptr, false);
  if (s.is_discarded())
    throw std::runtime_error((dir / "summary.json").string() + ": not valid JSON");
  std::vector<std::string> out;
  for (const SummaryFigure& f : summary_columns()) {
    const Json* j = &s;
    for (const char* p : f.path) {
      if (!j->is_object() || !j->contains(p)) {
        j = nullptr;
        break;
      }
      j = &(*j)[p];
    }
    out.push_back(j ? json_field(*j) : std::string());
  }
  return out;
}

// The layers.csv aggregates of a finished point: busy sums, the longest PMCA chunk, the largest
// L1 footprint, the number of layers that spill L1 and the largest overhead of a layer.
std::vector<std::string> layer_figures(const fs::path& dir) {
  std::istringstream layers(read_text(dir / "layers.csv"));
  std::string line;
  std::getline(layers, line);
  const std::vector<std::string> header = split_csv_line(line);
  auto col = [&](const char* name) {
    const auto it = std::find(header.begin(), header.end(), name);
    return it == header.end() ? -1 : static_cast<int>(it - header.begin());
  };
  const int tile = col("hybrid_tile_busy_ns"), link = col("hybrid_transfer_busy_ns"),
            pmca = col("hybrid_pmca_busy_ns"), chunk = col("pmca_chunk_ns"),
            l1 = col("pmca_l1_needed_bytes"), spill = col("pmca_l1_spill"),
            overhead = col("overhead");
  double sum_tile = 0, sum_link = 0, sum_pmca = 0, max_chunk = 0, max_overhead = 0;
  long long max_l1 = 0, spills = 0;
  while (std::getline(layers, line)) {
    const std::vector<std::string> f = split_csv_line(line);
    auto num = [&](int c) {
      return c >= 0 && c < static_cast<int>(f.size()) ? std::strtod(f[c].c_str(), nullptr) : 0.0;
    };
    sum_tile += num(tile);
    sum_link += num(link);
    sum_pmca += num(pmca);
    max_chunk = std::max(max_chunk, num(chunk));
    max_l1 = std::max(max_l1, static_cast<long long>(num(l1)));
    max_overhead = std::max(max_overhead, num(overhead));
    if (spill >= 0 && spill < static_cast<int>(f.size()) && f[spill] == "true") ++spills;
  }
  return {fmt::format("{:.3f}", sum_tile), fmt::format("{:.3f}", sum_link),
          fmt::format("{:.3f}", sum_pmca), fmt::format("{:.3f}", max_chunk),
          std::to_string(max_l1),          std::to_string(spills),
          json_number(max_overhead)};
}

// The figures of a finished point: summary.json figures and layers.csv aggregates.
std::vector<std::string> point_figures(const fs::path& dir) {
  std::vector<std::string> out = summary_figures(dir);
  const std::vector<std::string> layers = layer_figures(dir);
  out.insert(out.end(), layers.begin(), layers.end());
  return out;
}

// results.csv's figure columns for `spec`: the summary's (less those that repeat a swept key),
// the common-reference pair, then the layers.csv aggregates; `keep` says which of
// point_figures()'s values each column takes.
struct FigureLayout {
  std::vector<std::string> columns;
  std::vector<bool> keep;  // per point_figures() value
};

FigureLayout figure_layout(const SweepSpec& spec) {
  FigureLayout l;
  for (const SummaryFigure& f : summary_columns()) {
    const bool swept =
        f.key && std::find(spec.keys.begin(), spec.keys.end(), f.key) != spec.keys.end();
    l.keep.push_back(!swept);
    if (!swept) l.columns.push_back(f.column);
  }
  l.columns.push_back("reference_analog_only_ns");
  l.columns.push_back("overhead_vs_reference");
  for (const std::string& c : layer_columns()) {
    l.keep.push_back(true);
    l.columns.push_back(c);
  }
  return l;
}

// The common reference of each finished point: the fastest analog-only latency among the points
// that differ from it in pipeline.strategy alone (its own when the strategy is not swept), so
// that strategies compare against one baseline. Empty for points that did not finish.
std::vector<double> reference_analog_only(const SweepSpec& spec,
                                          const std::vector<std::vector<std::string>>& figures) {
  const auto strategy = std::find(spec.keys.begin(), spec.keys.end(), "pipeline.strategy");
  const std::size_t analog =
      static_cast<std::size_t>(std::find_if(summary_columns().begin(), summary_columns().end(),
                                            [](const SummaryFigure& f) {
                                              return std::string(f.column) == "analog_only_ns";
                                            }) -
                               summary_columns().begin());
  std::map<std::vector<std::string>, double> best;
  std::vector<std::vector<std::string>> groups;
  for (std::size_t i = 0; i < spec.points.size(); ++i) {
    std::vector<std::string> g = spec.points[i].values;
    if (strategy != spec.keys.end()) g.erase(g.begin() + (strategy - spec.keys.begin()));
    groups.push_back(g);
    if (figures[i].empty() || figures[i][analog].empty()) continue;
    const double a = std::strtod(figures[i][analog].c_str(), nullptr);
    auto it = best.find(g);
    if (it == best.end() || a < it->second) best[g] = a;
  }
  std::vector<double> out;
  for (std::size_t i = 0; i < spec.points.size(); ++i) {
    const auto it = best.find(groups[i]);
    out.push_back(figures[i].empty() || it == best.end() ? -1.0 : it->second);
  }
  return out;
}

Json manifest_json(const SweepSpec& spec, const std::vector<PointState>& states) {
  Json j;
  j["aimcsim_version"] = kVersion;
  j["sweep"] = spec.name;
  j["base_hash"] = spec.base_hash;
  j["keys"] = spec.keys;
  std::size_t ok = 0, failed = 0, missing = 0;
  Json points = Json::array();
  for (std::size_t i = 0; i < spec.points.size(); ++i) {
    const SweepPoint& p = spec.points[i];
    Json x;
    x["id"] = p.id;
    Json values = Json::object();
    for (std::size_t k = 0; k < spec.keys.size(); ++k) values[spec.keys[k]] = p.values[k];
    x["values"] = values;
    x["config_hash"] = p.config_hash;
    x["status"] = states[i].status;
    if (!states[i].message.empty()) x["message"] = states[i].message;
    points.push_back(x);
    ok += states[i].status == "ok";
    failed += states[i].status == "failed";
    missing += states[i].status == "missing";
  }
  j["totals"] = {
      {"points", spec.points.size()}, {"ok", ok}, {"failed", failed}, {"missing", missing}};
  j["points"] = points;
  return j;
}

SweepSpec spec_from_manifest(const fs::path& dir) {
  const fs::path path = dir / "sweep.json";
  const std::string text = read_text(path);
  if (text.empty())
    throw InputError(
        fmt::format("{}: missing or empty; is {} a sweep folder?", path.string(), dir.string()));
  const Json j = Json::parse(text, nullptr, false);
  if (j.is_discarded() || !j.contains("points") || !j.contains("keys"))
    throw InputError(fmt::format("{}: not a sweep manifest", path.string()));
  SweepSpec spec;
  spec.name = j.value("sweep", "");
  spec.base_hash = j.value("base_hash", "");
  spec.keys = j["keys"].get<std::vector<std::string>>();
  for (const auto& x : j["points"]) {
    SweepPoint p;
    p.id = x.value("id", "");
    p.config_hash = x.value("config_hash", "");
    for (const auto& k : spec.keys) p.values.push_back(x["values"].value(k, ""));
    spec.points.push_back(std::move(p));
  }
  return spec;
}

std::string clock_text(double seconds) {
  const long s = static_cast<long>(seconds + 0.5);
  return s >= 3600 ? fmt::format("{}:{:02}:{:02}", s / 3600, s / 60 % 60, s % 60)
                   : fmt::format("{}:{:02}", s / 60, s % 60);
}

// The last non-empty line of a worker's stderr, for the failure message.
std::string last_line(const fs::path& path) {
  std::istringstream in(read_text(path));
  std::string line, last;
  while (std::getline(in, line))
    if (line.find_first_not_of(" \t\r") != std::string::npos) last = line;
  return last;
}

// SIGINT or SIGTERM received by the sweep (0: none): its loops stop at once and say so.
volatile std::sig_atomic_t stop_signal = 0;
extern "C" void request_stop(int sig) { stop_signal = sig; }

// Thrown by a sweep's loop when a signal asked it to stop.
struct Interrupted {
  int signal;
};

void check_stop() {
  if (stop_signal != 0) throw Interrupted{static_cast<int>(stop_signal)};
}

// fork(), the child dying with the sweep (PR_SET_PDEATHSIG), so stopping the sweep stops its
// workers.
pid_t fork_worker() {
  std::cout.flush();
  std::cerr.flush();
  const pid_t parent = ::getpid();
  const pid_t pid = ::fork();
  if (pid < 0) throw std::runtime_error(std::string("fork failed: ") + std::strerror(errno));
  if (pid == 0) {
    ::signal(SIGINT, SIG_DFL);  // the sweep's handlers (stop_requested) are not the worker's
    ::signal(SIGTERM, SIG_DFL);
    ::prctl(PR_SET_PDEATHSIG, SIGTERM);
    if (::getppid() != parent) ::_exit(128 + SIGTERM);
  }
  return pid;
}

// Starts `exe run DIR/point.yaml -q -o DIR` with stderr into DIR/stderr.log.
pid_t spawn_point(const std::string& exe, const fs::path& dir, bool strict) {
  const std::string config = (dir / "point.yaml").string(), out = dir.string(),
                    err = (dir / "stderr.log").string();
  const pid_t pid = fork_worker();
  if (pid == 0) {
    const int fd = ::open(err.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    const int null = ::open("/dev/null", O_RDWR | O_CLOEXEC);
    if (fd >= 0) ::dup2(fd, 2);
    if (null >= 0) {
      ::dup2(null, 0);
      ::dup2(null, 1);
    }
    ::execl(exe.c_str(), exe.c_str(), "run", config.c_str(), "-q", "-o", out.c_str(),
            strict ? "--strict" : static_cast<char*>(nullptr), static_cast<char*>(nullptr));
    const std::string msg =
        "aimcsim: error: cannot execute " + exe + ": " + std::strerror(errno) + "\n";
    if (::write(2, msg.data(), msg.size()) < 0) ::_exit(127);
    ::_exit(127);
  }
  return pid;
}

}  // namespace

std::size_t write_sweep_results(const SweepSpec& spec, const std::string& outdir) {
  const fs::path root(outdir);
  std::vector<PointState> states;
  std::vector<std::vector<std::string>> figures;
  for (const SweepPoint& p : spec.points) {
    const fs::path dir = root / "points" / p.id;
    states.push_back(point_state(dir, p.config_hash));
    figures.push_back(states.back().status == "ok" ? point_figures(dir)
                                                   : std::vector<std::string>());
  }
  const FigureLayout layout = figure_layout(spec);
  const std::vector<double> reference = reference_analog_only(spec, figures);
  const std::size_t hybrid = static_cast<std::size_t>(
      std::find_if(summary_columns().begin(), summary_columns().end(),
                   [](const SummaryFigure& f) { return std::string(f.column) == "hybrid_ns"; }) -
      summary_columns().begin());
  std::string csv = "point,status";
  for (const auto& k : spec.keys) csv += "," + csv_field(k);
  for (const auto& c : layout.columns) csv += "," + c;
  csv += "\n";
  std::size_t failed = 0;
  for (std::size_t i = 0; i < spec.points.size(); ++i) {
    const SweepPoint& p = spec.points[i];
    const PointState& s = states[i];
    if (s.status == "missing") continue;
    failed += s.status == "failed";
    csv += p.id + "," + s.status;
    for (const auto& v : p.values) csv += "," + csv_field(v);
    const std::vector<std::string>& f = figures[i];
    for (std::size_t k = 0; k < layout.keep.size(); ++k) {
      if (k == summary_columns().size()) {  // the common reference, before the layer aggregates
        // Printed as summary.json prints its figures (12 significant digits), so that equal
        // values read the same (the reference is often the point's own analog_only_ns).
        if (reference[i] > 0)
          csv += "," + json_number(reference[i]) + "," +
                 json_number(std::strtod(f[hybrid].c_str(), nullptr) / reference[i]);
        else
          csv += ",,";
      }
      if (layout.keep[k]) csv += "," + (f.empty() ? std::string() : csv_field(f[k]));
    }
    csv += "\n";
  }
  write_file_atomic((root / "results.csv").string(), csv);
  write_file_atomic((root / "sweep.json").string(), manifest_json(spec, states).dump(2) + "\n");
  return failed;
}

namespace {

// Creates OUTDIR/points/.
void create_output_folder(const std::string& outdir) {
  std::error_code ec;
  fs::create_directories(fs::path(outdir) / "points", ec);
  if (ec)
    throw InputError(fmt::format("{}: cannot create output folder: {}", outdir, ec.message()));
}

// The points of the shard that still have to run; counts the shard's points, and those already
// finished for the same config as skipped.
std::vector<std::size_t> queue_points(const SweepSpec& spec, const SweepOptions& options,
                                      SweepOutcome& outcome) {
  const fs::path root(options.outdir);
  std::vector<std::size_t> queue;
  for (std::size_t i : shard_points(spec.points.size(), options.shard_index, options.shard_count)) {
    ++outcome.selected;
    const SweepPoint& p = spec.points[i];
    const PointState state = point_state(root / "points" / p.id, p.config_hash);
    if (state.status == "ok") {
      ++outcome.skipped;
      continue;
    }
    if (state.status == "missing" && !state.message.empty()) {
      ++outcome.rerun;
      if (options.progress || options.verbose)
        std::cerr << fmt::format("sweep: {}: {}; running it again\n", p.id, state.message);
    }
    queue.push_back(i);
  }
  return queue;
}

// The progress line on stderr: points done (skipped ones included), failures, time elapsed and
// the ETA of the queued points.
struct Progress {
  bool enabled;
  std::size_t selected, skipped, queued;
  std::chrono::steady_clock::time_point start = std::chrono::steady_clock::now();

  void show(std::size_t done, std::size_t failed, bool final_line) const {
    if (!enabled) return;
    const double elapsed =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    std::string eta = "--:--";
    if (done > 0)
      eta = clock_text(elapsed / static_cast<double>(done) * static_cast<double>(queued - done));
    std::cerr << fmt::format(
                     "\r\033[Ksweep: {}/{} done ({} skipped), {} failed, {} elapsed, ETA {}",
                     skipped + done, selected, skipped, failed, clock_text(elapsed), eta)
              << (final_line ? "\n" : "") << std::flush;
  }
};

// Clears a point's folder and writes its point.yaml there; returns the folder.
fs::path prepare_point(const SweepSpec& spec, const SweepPoint& p, const SweepOptions& options) {
  const fs::path dir = fs::path(options.outdir) / "points" / p.id;
  std::error_code ec;
  fs::remove_all(dir, ec);
  fs::create_directories(dir, ec);
  if (ec)
    throw InputError(fmt::format("{}: cannot create point folder: {}", dir.string(), ec.message()));
  write_file_atomic((dir / "point.yaml").string(), fmt::format("# aimcsim sweep {}, point {}\n{}",
                                                               spec.name, p.id, p.config_yaml));
  return dir;
}

// Records a finished worker's point as ok or failed in its status.json, from the wait status,
// stderr.log and the files it wrote; returns the failure message, empty when the point is ok.
std::string finish_point(const SweepPoint& p, int status, const SweepOptions& options) {
  const fs::path dir = fs::path(options.outdir) / "points" / p.id;
  std::string message;
  if (WIFSIGNALED(status)) {
    message =
        fmt::format("killed by signal {} ({})", WTERMSIG(status), strsignal(WTERMSIG(status)));
    const std::string last = last_line(dir / "stderr.log");
    if (!last.empty()) message += ": " + last;
  } else if (WEXITSTATUS(status) != 0) {
    message = last_line(dir / "stderr.log");
    if (message.empty()) message = fmt::format("exit status {}", WEXITSTATUS(status));
  } else if (!fs::exists(dir / "summary.json") || !fs::exists(dir / "layers.csv")) {
    message = "the run wrote no summary.json/layers.csv";
  }
  write_status(dir, p, message.empty() ? "ok" : "failed", message);
  return message;
}

// Runs the queued points, each in a process of `options.exe` of its own, at most `jobs` at a
// time, recording each as it ends; returns the number that ran.
std::size_t run_queue_exec(const SweepSpec& spec, const std::vector<std::size_t>& queue,
                           const SweepOptions& options, const Progress& progress) {
  std::map<pid_t, std::size_t> running;
  // However the queue ends (an interruption, an error), no point's process is left running.
  const struct StopRunning {
    std::map<pid_t, std::size_t>& running;
    ~StopRunning() {
      for (const auto& entry : running) {
        ::kill(entry.first, SIGTERM);
        while (::waitpid(entry.first, nullptr, 0) < 0 && errno == EINTR) {
        }
      }
    }
  } stop_running{running};
  std::size_t next = 0, done = 0, failed_now = 0;
  const std::size_t jobs = std::max<std::size_t>(1, options.jobs);
  progress.show(done, failed_now, false);
  while (next < queue.size() || !running.empty()) {
    while (running.size() < jobs && next < queue.size()) {
      running[spawn_point(options.exe, prepare_point(spec, spec.points[queue[next]], options),
                          options.strict)] = queue[next];
      ++next;
    }
    int status = 0;
    const pid_t pid = ::waitpid(-1, &status, 0);
    check_stop();
    if (pid < 0) {
      if (errno == EINTR) continue;
      throw std::runtime_error(std::string("waitpid failed: ") + std::strerror(errno));
    }
    const auto it = running.find(pid);
    if (it == running.end()) continue;
    const SweepPoint& p = spec.points[it->second];
    running.erase(it);
    if (!finish_point(p, status, options).empty()) ++failed_now;
    ++done;
    progress.show(done, failed_now, false);
  }
  progress.show(done, failed_now, true);
  return done;
}

// `aimcsim run DIR/point.yaml -q -o DIR [--strict]` without a process of its own: the same
// config, simulation, capacity check and files, warnings and errors on stderr in the CLI's
// words; returns the exit code the CLI would (0, 2 for bad input, 1 for an internal error).
int run_point_here(const Schema& schema, const fs::path& dir, bool strict) {
  return exit_status_of([&] {
    const std::string path = (dir / "point.yaml").string();
    const std::optional<std::string> text = read_file(path);
    if (!text) throw InputError(fmt::format("{}: cannot open config file", path));
    const Config cfg = Config::load(schema, {{path, *text}}, {}, strict);
    for (const std::string& w : cfg.warnings()) std::cerr << "aimcsim: " << w << "\n";
    run_to_folder(cfg, dir.string(), strict);
    return 0;
  });
}

bool send_all(int fd, const void* data, std::size_t size) {
  const char* p = static_cast<const char*>(data);
  while (size > 0) {
    const ssize_t n = ::send(fd, p, size, MSG_NOSIGNAL);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    p += n;
    size -= static_cast<std::size_t>(n);
  }
  return true;
}

// False at end of stream (the other side is gone) or on an error.
bool recv_all(int fd, void* data, std::size_t size) {
  char* p = static_cast<char*>(data);
  while (size > 0) {
    const ssize_t n = ::recv(fd, p, size, 0);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    p += n;
    size -= static_cast<std::size_t>(n);
  }
  return true;
}

// A long-lived worker of the pool: a child forked from the sweep (no exec, so no start-up per
// point) that runs the points it is sent one after another and answers each with its exit code,
// over one socket.
struct PoolWorker {
  pid_t pid = -1;
  int fd = -1;
  std::size_t point = 0;  // index into the spec's points while busy
  bool busy = false;
};

// The worker's side: point index in, {index, exit code} out, until the sweep closes the socket.
// stderr goes to each point's stderr.log.
[[noreturn]] void pool_worker_main(int fd, const SweepSpec& spec, const SweepOptions& options) {
  const Schema schema = build_schema();
  const int null = ::open("/dev/null", O_RDWR | O_CLOEXEC);
  if (null >= 0) {
    ::dup2(null, 0);
    ::dup2(null, 1);
  }
  std::uint64_t index = 0;
  while (recv_all(fd, &index, sizeof index)) {
    const fs::path dir = fs::path(options.outdir) / "points" / spec.points.at(index).id;
    const int err =
        ::open((dir / "stderr.log").c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (err >= 0) {
      ::dup2(err, 2);
      ::close(err);
    }
    const std::uint64_t reply[2] = {
        index, static_cast<std::uint64_t>(run_point_here(schema, dir, options.strict))};
    std::cerr.flush();
    if (!send_all(fd, reply, sizeof reply)) break;
  }
  ::_exit(0);
}

void start_worker(PoolWorker& w, std::vector<PoolWorker>& pool, const SweepSpec& spec,
                  const SweepOptions& options) {
  int fds[2];
  if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, fds) != 0)
    throw std::runtime_error(std::string("socketpair failed: ") + std::strerror(errno));
  const pid_t pid = fork_worker();
  if (pid == 0) {
    ::close(fds[0]);
    for (const PoolWorker& other : pool)
      if (other.fd >= 0) ::close(other.fd);
    pool_worker_main(fds[1], spec, options);
  }
  ::close(fds[1]);
  w.pid = pid;
  w.fd = fds[0];
  w.busy = false;
}

// Reaps a worker that closed its socket (it crashed, or was killed, while running its point).
int reap_worker(PoolWorker& w) {
  ::close(w.fd);
  w.fd = -1;
  int status = 0;
  while (::waitpid(w.pid, &status, 0) < 0 && errno == EINTR) {
  }
  w.pid = -1;
  w.busy = false;
  return status;
}

// Runs the queued points on a pool of at most `jobs` long-lived workers forked from this process,
// recording each as it ends. A point that crashes its worker is recorded as failed with the
// signal, and a fresh worker takes the next point. Returns the number that ran.
std::size_t run_queue_pool(const SweepSpec& spec, const std::vector<std::size_t>& queue,
                           const SweepOptions& options, const Progress& progress) {
  std::vector<PoolWorker> pool(std::max<std::size_t>(1, std::min(options.jobs, queue.size())));
  // However the queue ends (an interruption, an error), no worker is left behind: in a process
  // that goes on after the sweep (a Python interpreter), one would keep running and hold the
  // folder's lock, which it inherited.
  const struct StopPool {
    std::vector<PoolWorker>& pool;
    ~StopPool() {
      for (PoolWorker& w : pool)
        if (w.pid >= 0) {
          ::kill(w.pid, SIGTERM);
          reap_worker(w);
        }
    }
  } stop_pool{pool};
  std::size_t next = 0, done = 0, failed_now = 0;
  const auto finish = [&](std::size_t point, int status) {
    if (!finish_point(spec.points[point], status, options).empty()) ++failed_now;
    ++done;
    progress.show(done, failed_now, false);
  };
  progress.show(done, failed_now, false);
  while (done < queue.size()) {
    for (PoolWorker& w : pool) {
      while (!w.busy && next < queue.size()) {
        if (w.pid < 0) start_worker(w, pool, spec, options);
        prepare_point(spec, spec.points[queue[next]], options);
        const std::uint64_t index = queue[next];
        if (!send_all(w.fd, &index, sizeof index)) {
          reap_worker(w);  // it died between points: a fresh one takes this point
          continue;
        }
        w.point = queue[next++];
        w.busy = true;
      }
    }
    std::vector<pollfd> fds;
    std::vector<PoolWorker*> busy;
    for (PoolWorker& w : pool)
      if (w.busy) {
        fds.push_back({w.fd, POLLIN, 0});
        busy.push_back(&w);
      }
    const int polled = ::poll(fds.data(), fds.size(), -1);
    check_stop();
    if (polled < 0) {
      if (errno == EINTR) continue;
      throw std::runtime_error(std::string("poll failed: ") + std::strerror(errno));
    }
    for (std::size_t k = 0; k < fds.size(); ++k) {
      if (fds[k].revents == 0) continue;
      PoolWorker& w = *busy[k];
      std::uint64_t reply[2] = {0, 0};
      if (recv_all(w.fd, reply, sizeof reply) && reply[0] == w.point) {
        w.busy = false;
        finish(w.point, static_cast<int>(reply[1] & 0xff) << 8);  // as an exit status
      } else {
        const std::size_t point = w.point;
        finish(point, reap_worker(w));
      }
    }
  }
  for (PoolWorker& w : pool)
    if (w.pid >= 0) reap_worker(w);  // closing the socket ends its loop
  progress.show(done, failed_now, true);
  return done;
}

// The pool when the workers would run this very program (so forking it is the same as starting
// it), else a process of `options.exe` per point.
std::size_t run_queue(const SweepSpec& spec, const std::vector<std::size_t>& queue,
                      const SweepOptions& options, const Progress& progress) {
  if (queue.empty()) return 0;
  std::error_code ec;
  const bool same = options.exe.empty() || fs::equivalent(options.exe, "/proc/self/exe", ec);
  return same ? run_queue_pool(spec, queue, options, progress)
              : run_queue_exec(spec, queue, options, progress);
}

// The points of the shard that are not finished after the run.
std::size_t count_unfinished(const SweepSpec& spec, const SweepOptions& options) {
  const fs::path root(options.outdir);
  std::size_t failed = 0;
  for (std::size_t i : shard_points(spec.points.size(), options.shard_index, options.shard_count))
    if (point_state(root / "points" / spec.points[i].id, spec.points[i].config_hash).status != "ok")
      ++failed;
  return failed;
}

// The spec of the first shard folder, once every folder is known to hold the same sweep.
SweepSpec common_spec(const std::vector<std::string>& shard_dirs) {
  const SweepSpec spec = spec_from_manifest(shard_dirs[0]);
  for (std::size_t d = 1; d < shard_dirs.size(); ++d) {
    const SweepSpec other = spec_from_manifest(shard_dirs[d]);
    bool same = other.base_hash == spec.base_hash && other.keys == spec.keys &&
                other.points.size() == spec.points.size();
    for (std::size_t i = 0; same && i < spec.points.size(); ++i)
      same = other.points[i].id == spec.points[i].id &&
             other.points[i].config_hash == spec.points[i].config_hash;
    if (!same)
      throw InputError(fmt::format(
          "--merge: {} and {} hold different sweeps (base config, keys or points differ)",
          shard_dirs[0], shard_dirs[d]));
  }
  return spec;
}

// 2 for a finished copy of a point, 1 for a failed one, 0 for none.
int state_rank(const fs::path& dir, const std::string& hash) {
  const std::string st = point_state(dir, hash).status;
  return st == "ok" ? 2 : st == "failed" ? 1 : 0;
}

// Copies a point folder to `dest` through a temporary name beside it.
void copy_point(const std::string& from, const fs::path& dest, const fs::path& root,
                const SweepPoint& p) {
  std::error_code ec;
  const fs::path tmp = root / "points" / fmt::format(".{}.tmp.{}", p.id, ::getpid());
  fs::remove_all(tmp, ec);
  fs::copy(from, tmp, fs::copy_options::recursive, ec);
  if (ec)
    throw InputError(fmt::format("{}: cannot copy to {}: {}", from, tmp.string(), ec.message()));
  fs::remove_all(dest, ec);
  fs::rename(tmp, dest, ec);
  if (ec)
    throw InputError(fmt::format("{}: cannot rename into place: {}", dest.string(), ec.message()));
}

// Brings one point into the output folder: a finished copy is preferred, then a failed one; the
// output folder's own copy counts too.
void merge_point(const std::vector<std::string>& shard_dirs, const fs::path& root,
                 const SweepPoint& p) {
  const fs::path dest = root / "points" / p.id;
  std::string best_dir;
  int best = 0;
  for (const auto& d : shard_dirs) {
    const fs::path src = fs::path(d) / "points" / p.id;
    const int rank = state_rank(src, p.config_hash);
    if (rank > best) {
      best = rank;
      best_dir = src.string();
    }
  }
  const int have = state_rank(dest, p.config_hash);
  if (best == 0 || have >= best) return;
  if (fs::exists(dest) && fs::equivalent(best_dir, dest)) return;
  copy_point(best_dir, dest, root, p);
}

}  // namespace

FolderLock::FolderLock(const std::string& outdir, const std::string& holder_kind)
    : path_((fs::path(outdir) / ".lock").string()) {
  fd_ = ::open(path_.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (fd_ < 0)
    throw InputError(
        fmt::format("{}: cannot open the folder's lock: {}", path_, std::strerror(errno)));
  if (::flock(fd_, LOCK_EX | LOCK_NB) != 0) {
    const std::string holder = read_text(path_);
    ::close(fd_);
    throw InputError(fmt::format(
        "{}: another {} is writing this folder ({}); wait for it to end, or use another -o", outdir,
        holder_kind, holder.empty() ? "holder unknown" : "pid and host: " + holder));
  }
  char host[256] = {};
  ::gethostname(host, sizeof(host) - 1);
  const std::string who = fmt::format("{} {}", ::getpid(), host);
  if (::ftruncate(fd_, 0) == 0 && ::write(fd_, who.data(), who.size()) < 0) {
    // the holder's name is a courtesy; the lock holds without it
  }
}

FolderLock::~FolderLock() {
  if (::ftruncate(fd_, 0) != 0) {
    // as above
  }
  ::close(fd_);  // releases the lock
}

namespace {

// A folder holds one sweep: a folder whose sweep.json names another sweep (another base, other
// keys or points) is refused, unless `force` clears it first.
void claim_folder(const SweepSpec& spec, const std::string& outdir, bool force) {
  const fs::path root(outdir);
  if (!fs::exists(root / "sweep.json")) return;
  const SweepSpec held = spec_from_manifest(root);
  std::vector<std::string> mine, theirs;
  for (const SweepPoint& p : spec.points) mine.push_back(p.config_hash);
  for (const SweepPoint& p : held.points) theirs.push_back(p.config_hash);
  if (held.base_hash == spec.base_hash && held.keys == spec.keys && mine == theirs) return;
  if (!force)
    throw InputError(fmt::format(
        "{}: holds another sweep ({}, base hash {}, {} points); write this one ({}, {} points) "
        "into another folder, or pass --force to replace it",
        outdir, held.name.empty() ? "unnamed" : held.name, held.base_hash, held.points.size(),
        spec.name, spec.points.size()));
  std::error_code ec;
  fs::remove_all(root / "points", ec);
  fs::remove(root / "results.csv", ec);
  fs::remove(root / "sweep.json", ec);
  fs::create_directories(root / "points", ec);
}

// Installs request_stop for SIGINT and SIGTERM while it lives and puts the caller's handlers
// back when it goes (or at restore(), whichever comes first), on every path out of a sweep.
class StopSignals {
 public:
  StopSignals() {
    struct sigaction stop {};
    stop.sa_handler = request_stop;
    sigemptyset(&stop.sa_mask);
    ::sigaction(SIGINT, &stop, &old_int_);
    ::sigaction(SIGTERM, &stop, &old_term_);
  }
  ~StopSignals() { restore(); }
  StopSignals(const StopSignals&) = delete;
  StopSignals& operator=(const StopSignals&) = delete;
  void restore() const {
    if (restored_) return;
    ::sigaction(SIGINT, &old_int_, nullptr);
    ::sigaction(SIGTERM, &old_term_, nullptr);
    restored_ = true;
  }

 private:
  struct sigaction old_int_ {
  }, old_term_{};
  mutable bool restored_ = false;
};

}  // namespace

namespace {

// Runs the queue with SIGINT and SIGTERM stopping it at once (its workers die with it): throws
// SweepInterrupted with a bare message; what finished is kept.
std::size_t run_queue_stoppable(const SweepSpec& spec, const std::vector<std::size_t>& queue,
                                const SweepOptions& options, const Progress& progress) {
  stop_signal = 0;
  // The caller's handlers are back in place however the queue ends (an interruption, an error,
  // a failed fork).
  const StopSignals signals;
  try {
    return run_queue(spec, queue, options, progress);
  } catch (const Interrupted& i) {
    signals.restore();
    throw SweepInterrupted(i.signal,
                           fmt::format("stopped by {}", i.signal == SIGINT ? "SIGINT" : "SIGTERM"));
  }
}

}  // namespace

SweepOutcome run_sweep(const SweepSpec& spec, const SweepOptions& options) {
  create_output_folder(options.outdir);
  const FolderLock lock(options.outdir);
  claim_folder(spec, options.outdir, options.force);
  SweepOutcome outcome;
  const std::vector<std::size_t> queue = queue_points(spec, options, outcome);
  const Progress progress{options.progress, outcome.selected, outcome.skipped, queue.size()};
  // SIGINT and SIGTERM stop the sweep at once; what finished is kept and results.csv written, so
  // rerunning the same command resumes.
  try {
    outcome.ran = run_queue_stoppable(spec, queue, options, progress);
  } catch (const SweepInterrupted& i) {
    write_sweep_results(spec, options.outdir);
    std::size_t finished = 0;
    for (const SweepPoint& p : spec.points)
      finished +=
          point_state(fs::path(options.outdir) / "points" / p.id, p.config_hash).status == "ok";
    throw SweepInterrupted(i.signal,
                           fmt::format("sweep {}: {} of {} points finished, kept in {}; run the "
                                       "same command again to resume",
                                       i.what(), finished, spec.points.size(), options.outdir));
  }
  write_sweep_results(spec, options.outdir);
  outcome.failed = count_unfinished(spec, options);
  return outcome;
}

SweepOutcome run_sweep_points(const SweepSpec& spec, const std::vector<std::size_t>& points,
                              const SweepOptions& options) {
  create_output_folder(options.outdir);
  SweepOutcome outcome;
  std::vector<std::size_t> queue;
  const fs::path root(options.outdir);
  for (std::size_t i : points) {
    ++outcome.selected;
    const SweepPoint& p = spec.points.at(i);
    if (point_state(root / "points" / p.id, p.config_hash).status == "ok")
      ++outcome.skipped;
    else
      queue.push_back(i);
  }
  const Progress progress{options.progress, outcome.selected, outcome.skipped, queue.size()};
  outcome.ran = run_queue_stoppable(spec, queue, options, progress);
  for (std::size_t i : points)
    outcome.failed +=
        point_state(root / "points" / spec.points[i].id, spec.points[i].config_hash).status != "ok";
  return outcome;
}

SweepPointStatus sweep_point_status(const std::string& dir, const std::string& config_hash) {
  const PointState s = point_state(dir, config_hash);
  return {s.status, s.message};
}

std::vector<std::string> point_figure_columns() {
  std::vector<std::string> out;
  for (const SummaryFigure& f : summary_columns()) out.push_back(f.column);
  for (const std::string& c : layer_columns()) out.push_back(c);
  return out;
}

std::vector<std::string> read_point_figures(const std::string& dir) { return point_figures(dir); }

YAML::Node load_sectioned_yaml(const std::string& text, const std::string& file,
                               const std::vector<std::string>& sections,
                               const std::string& expected) {
  YAML::Node root;
  try {
    root = YAML::Load(text);
  } catch (const YAML::Exception& e) {
    throw InputError(fmt::format("{}:{}: not valid YAML: {}", file, e.mark.line + 1, e.msg));
  }
  if (!root.IsMap())
    throw InputError(fmt::format("{}: expected a mapping with {}", file, expected));
  for (const auto& entry : root) {
    const std::string section = entry.first.Scalar();
    if (std::find(sections.begin(), sections.end(), section) == sections.end())
      throw InputError(fmt::format("{}:{}: unknown section '{}'; accepted: {}", file,
                                   line_of(entry.first), section, fmt::join(sections, ", ")));
  }
  return root;
}

std::vector<Config::Source> load_sweep_base(const YAML::Node& base, const std::string& file,
                                            const std::string& base_dir) {
  return load_base(base, file, base_dir);
}

void check_sweep_key(const Schema& schema, const std::string& where, const std::string& key) {
  check_key(schema, where, key);
}

void check_sweep_value(const Schema& schema, const std::string& where, const std::string& key,
                       const std::string& value) {
  check_value(schema, where, key, value);
}

void merge_sweeps(const std::vector<std::string>& shard_dirs, const std::string& outdir) {
  if (shard_dirs.empty()) throw InputError("--merge: give at least one shard folder");
  const SweepSpec spec = common_spec(shard_dirs);
  create_output_folder(outdir);
  const FolderLock lock(outdir);
  for (const SweepPoint& p : spec.points) merge_point(shard_dirs, fs::path(outdir), p);
  write_sweep_results(spec, outdir);
}

}  // namespace aimcsim
