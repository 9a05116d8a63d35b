#include "sim/sweep/sweep.hpp"

#include <fcntl.h>
#include <fmt/format.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
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
#include "sim/base/version.hpp"
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

// Flattens one entry of `points:` into key -> value.
void collect_point(const Schema& schema, const YAML::Node& node, const std::string& prefix,
                   const std::string& file, std::vector<std::pair<std::string, std::string>>& out) {
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

// The value of a dotted key in an effective config written by Config::to_yaml.
std::string effective_value(const YAML::Node& root, const std::string& key) {
  YAML::Node node = root;
  std::stringstream ss(key);
  for (std::string part; std::getline(ss, part, '.');) node = node[part];
  return node.Scalar();
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

}  // namespace

SweepSpec parse_sweep(const Schema& schema, const std::string& text, const std::string& name,
                      const std::string& base_dir) {
  YAML::Node root;
  try {
    root = YAML::Load(text);
  } catch (const YAML::Exception& e) {
    throw InputError(fmt::format("{}:{}: not valid YAML: {}", name, e.mark.line + 1, e.msg));
  }
  if (!root.IsMap())
    throw InputError(name + ": expected a mapping with base, grid, zip and/or points");
  for (const auto& entry : root) {
    const std::string section = entry.first.Scalar();
    if (section != "base" && section != "grid" && section != "zip" && section != "points")
      throw InputError(fmt::format("{}:{}: unknown section '{}'; accepted: base, grid, zip, points",
                                   name, line_of(entry.first), section));
  }

  SweepSpec spec;
  spec.name = fs::path(name).filename().string();
  const std::vector<Config::Source> base = load_base(root["base"], name, base_dir);
  std::string joined;
  for (const auto& s : base) joined += s.text + "\n---\n";
  spec.base_hash = fnv1a64(joined);

  std::vector<Axis> grid, zip;
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

  std::vector<std::vector<std::pair<std::string, std::string>>> point_list;
  if (const YAML::Node node = root["points"]) {
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
  }

  std::map<std::string, std::string> owner;
  auto claim = [&](const std::string& key, const std::string& section, int line) {
    auto [it, fresh] = owner.emplace(key, section);
    if (!fresh && !(it->second == "points" && section == "points"))
      throw InputError(
          fmt::format("{}:{}: {}: {} is already swept by {}; sweep each key on one axis", name,
                      line, section, key, it->second));
    if (fresh) spec.keys.push_back(key);
  };
  for (const auto& a : grid) claim(a.key, "grid", a.line);
  for (const auto& a : zip) claim(a.key, "zip", a.line);
  for (const auto& p : point_list)
    for (const auto& kv : p) claim(kv.first, "points", 0);

  // grid (odometer, last key fastest) x zip rows x explicit points.
  std::vector<std::vector<std::pair<std::string, std::string>>> combos{{}};
  for (const auto& a : grid) {
    std::vector<std::vector<std::pair<std::string, std::string>>> next;
    for (const auto& c : combos)
      for (const auto& v : a.values) {
        next.push_back(c);
        next.back().emplace_back(a.key, v);
      }
    combos = std::move(next);
  }
  if (!zip.empty()) {
    std::vector<std::vector<std::pair<std::string, std::string>>> next;
    for (const auto& c : combos)
      for (std::size_t row = 0; row < zip[0].values.size(); ++row) {
        next.push_back(c);
        for (const auto& a : zip) next.back().emplace_back(a.key, a.values[row]);
      }
    combos = std::move(next);
  }
  if (!point_list.empty()) {
    std::vector<std::vector<std::pair<std::string, std::string>>> next;
    for (const auto& c : combos)
      for (const auto& p : point_list) {
        next.push_back(c);
        next.back().insert(next.back().end(), p.begin(), p.end());
      }
    combos = std::move(next);
  }

  for (std::size_t i = 0; i < combos.size(); ++i) {
    SweepPoint pt;
    pt.id = point_id(i, combos.size());
    std::vector<std::string> overrides;
    std::string described;
    for (const auto& [k, v] : combos[i]) {
      overrides.push_back(k + "=" + v);
      described += (described.empty() ? "" : ", ") + k + "=" + v;
    }
    try {
      const Config cfg = Config::load(schema, base, overrides);
      (void)build_workload(WorkloadParams::from(cfg));
      pt.config_yaml = cfg.to_yaml();
    } catch (const InputError& e) {
      throw InputError(fmt::format("{}: point {} ({}): {}", name, pt.id,
                                   described.empty() ? "base only" : described, e.what()));
    }
    pt.config_hash = fnv1a64(pt.config_yaml);
    const YAML::Node effective = YAML::Load(pt.config_yaml);
    for (const auto& key : spec.keys) {
      std::string value;
      for (const auto& [k, v] : combos[i])
        if (k == key) value = v;
      pt.values.push_back(value.empty() ? effective_value(effective, key) : value);
    }
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

PointState point_state(const fs::path& dir, const std::string& hash) {
  PointState s;
  const std::string text = read_text(dir / "status.json");
  if (text.empty()) return s;
  const Json j = Json::parse(text, nullptr, false);
  if (j.is_discarded() || !j.is_object() || j.value("config_hash", "") != hash) return s;
  const std::string status = j.value("status", "");
  if (status == "ok" && fs::exists(dir / "summary.json") && fs::exists(dir / "layers.csv"))
    s.status = "ok";
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

std::vector<std::string> split_csv_line(const std::string& line) {
  std::vector<std::string> out;
  std::stringstream ss(line);
  for (std::string f; std::getline(ss, f, ',');) out.push_back(f);
  return out;
}

const std::vector<std::string>& figure_columns() {
  static const std::vector<std::string> cols = {"model",
                                                "strategy",
                                                "seq_len",
                                                "chunk_tokens",
                                                "analog_only_ns",
                                                "hybrid_ns",
                                                "overhead",
                                                "analog_only_energy_nj",
                                                "hybrid_energy_nj",
                                                "energy_overhead",
                                                "analog_only_tokens_per_s",
                                                "hybrid_tokens_per_s",
                                                "tiles",
                                                "pmcas",
                                                "linear_ops",
                                                "tile_busy_ns",
                                                "transfer_busy_ns",
                                                "pmca_busy_ns",
                                                "pmca_chunk_ns_max",
                                                "pmca_l1_bytes_max",
                                                "pmca_l1_spill_layers"};
  return cols;
}

// The summary figures of a finished point: summary.json totals and layers.csv aggregates.
std::vector<std::string> point_figures(const fs::path& dir) {
  const Json s = Json::parse(read_text(dir / "summary.json"), nullptr, false);
  if (s.is_discarded())
    throw std::runtime_error((dir / "summary.json").string() + ": not valid JSON");
  auto at = [&](std::initializer_list<const char*> path) {
    const Json* j = &s;
    for (const char* p : path) {
      if (!j->is_object() || !j->contains(p)) return std::string();
      j = &(*j)[p];
    }
    return json_field(*j);
  };
  std::vector<std::string> out = {at({"model"}),
                                  at({"strategy"}),
                                  at({"seq_len"}),
                                  at({"chunk_tokens"}),
                                  at({"analog_only_ns"}),
                                  at({"hybrid_ns"}),
                                  at({"overhead"}),
                                  at({"energy", "analog_only", "total_nj"}),
                                  at({"energy", "hybrid", "total_nj"}),
                                  at({"energy", "overhead"}),
                                  at({"throughput", "analog_only_tokens_per_s"}),
                                  at({"throughput", "hybrid_tokens_per_s"}),
                                  at({"platform", "tiles"}),
                                  at({"platform", "pmcas"}),
                                  at({"workload", "linear_ops"})};

  std::istringstream layers(read_text(dir / "layers.csv"));
  std::string line;
  std::getline(layers, line);
  const std::vector<std::string> header = split_csv_line(line);
  auto col = [&](const char* name) {
    const auto it = std::find(header.begin(), header.end(), name);
    return it == header.end() ? -1 : static_cast<int>(it - header.begin());
  };
  const int tile = col("tile_busy_ns"), link = col("transfer_busy_ns"), pmca = col("pmca_busy_ns"),
            chunk = col("pmca_chunk_ns"), l1 = col("pmca_l1_bytes"), spill = col("pmca_l1_spill");
  double sum_tile = 0, sum_link = 0, sum_pmca = 0, max_chunk = 0;
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
    if (spill >= 0 && spill < static_cast<int>(f.size()) && f[spill] == "true") ++spills;
  }
  out.push_back(fmt::format("{:.3f}", sum_tile));
  out.push_back(fmt::format("{:.3f}", sum_link));
  out.push_back(fmt::format("{:.3f}", sum_pmca));
  out.push_back(fmt::format("{:.3f}", max_chunk));
  out.push_back(std::to_string(max_l1));
  out.push_back(std::to_string(spills));
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

// Starts `exe run DIR/point.yaml -q -o DIR` with stderr into DIR/stderr.log. The worker dies
// with the sweep (PR_SET_PDEATHSIG), so stopping the sweep stops its points.
pid_t spawn_point(const std::string& exe, const fs::path& dir) {
  const std::string config = (dir / "point.yaml").string(), out = dir.string(),
                    err = (dir / "stderr.log").string();
  const pid_t parent = ::getpid();
  const pid_t pid = ::fork();
  if (pid < 0) throw std::runtime_error(std::string("fork failed: ") + std::strerror(errno));
  if (pid == 0) {
    ::prctl(PR_SET_PDEATHSIG, SIGTERM);
    if (::getppid() != parent) ::_exit(128 + SIGTERM);
    const int fd = ::open(err.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    const int null = ::open("/dev/null", O_RDWR | O_CLOEXEC);
    if (fd >= 0) ::dup2(fd, 2);
    if (null >= 0) {
      ::dup2(null, 0);
      ::dup2(null, 1);
    }
    ::execl(exe.c_str(), exe.c_str(), "run", config.c_str(), "-q", "-o", out.c_str(),
            static_cast<char*>(nullptr));
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
  std::string csv = "point,status";
  for (const auto& k : spec.keys) csv += "," + csv_field(k);
  for (const auto& c : figure_columns()) csv += "," + c;
  csv += "\n";
  std::size_t failed = 0;
  for (const SweepPoint& p : spec.points) {
    const fs::path dir = root / "points" / p.id;
    states.push_back(point_state(dir, p.config_hash));
    const PointState& s = states.back();
    if (s.status == "missing") continue;
    failed += s.status == "failed";
    csv += p.id + "," + s.status;
    for (const auto& v : p.values) csv += "," + csv_field(v);
    const std::vector<std::string> figures =
        s.status == "ok" ? point_figures(dir) : std::vector<std::string>(figure_columns().size());
    for (const auto& f : figures) csv += "," + csv_field(f);
    csv += "\n";
  }
  write_file_atomic((root / "results.csv").string(), csv);
  write_file_atomic((root / "sweep.json").string(), manifest_json(spec, states).dump(2) + "\n");
  return failed;
}

SweepOutcome run_sweep(const SweepSpec& spec, const SweepOptions& options) {
  const fs::path root(options.outdir);
  std::error_code ec;
  fs::create_directories(root / "points", ec);
  if (ec)
    throw InputError(
        fmt::format("{}: cannot create output folder: {}", options.outdir, ec.message()));
  SweepOutcome outcome;
  std::vector<std::size_t> queue;
  for (std::size_t i : shard_points(spec.points.size(), options.shard_index, options.shard_count)) {
    ++outcome.selected;
    const SweepPoint& p = spec.points[i];
    if (point_state(root / "points" / p.id, p.config_hash).status == "ok")
      ++outcome.skipped;
    else
      queue.push_back(i);
  }

  const auto start = std::chrono::steady_clock::now();
  std::size_t done = 0, failed_now = 0;
  auto progress = [&](bool final_line) {
    if (!options.progress) return;
    const double elapsed =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    std::string eta = "--:--";
    if (done > 0)
      eta = clock_text(elapsed / static_cast<double>(done) *
                       static_cast<double>(queue.size() - done));
    std::cerr << fmt::format(
                     "\r\033[Ksweep: {}/{} done ({} skipped), {} failed, {} elapsed, ETA {}",
                     outcome.skipped + done, outcome.selected, outcome.skipped, failed_now,
                     clock_text(elapsed), eta)
              << (final_line ? "\n" : "") << std::flush;
  };

  std::map<pid_t, std::size_t> running;
  std::size_t next = 0;
  const std::size_t jobs = std::max<std::size_t>(1, options.jobs);
  progress(false);
  while (next < queue.size() || !running.empty()) {
    while (running.size() < jobs && next < queue.size()) {
      const SweepPoint& p = spec.points[queue[next]];
      const fs::path dir = root / "points" / p.id;
      fs::remove_all(dir, ec);
      fs::create_directories(dir, ec);
      if (ec)
        throw InputError(
            fmt::format("{}: cannot create point folder: {}", dir.string(), ec.message()));
      write_file_atomic(
          (dir / "point.yaml").string(),
          fmt::format("# aimcsim sweep {}, point {}\n{}", spec.name, p.id, p.config_yaml));
      running[spawn_point(options.exe, dir)] = queue[next];
      ++next;
    }
    int status = 0;
    const pid_t pid = ::waitpid(-1, &status, 0);
    if (pid < 0) {
      if (errno == EINTR) continue;
      throw std::runtime_error(std::string("waitpid failed: ") + std::strerror(errno));
    }
    const auto it = running.find(pid);
    if (it == running.end()) continue;
    const SweepPoint& p = spec.points[it->second];
    running.erase(it);
    const fs::path dir = root / "points" / p.id;
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
    ++done;
    if (!message.empty()) ++failed_now;
    progress(false);
  }
  progress(true);
  outcome.ran = done;
  write_sweep_results(spec, options.outdir);
  for (std::size_t i : shard_points(spec.points.size(), options.shard_index, options.shard_count))
    if (point_state(root / "points" / spec.points[i].id, spec.points[i].config_hash).status != "ok")
      ++outcome.failed;
  return outcome;
}

void merge_sweeps(const std::vector<std::string>& shard_dirs, const std::string& outdir) {
  if (shard_dirs.empty()) throw InputError("--merge: give at least one shard folder");
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
  const fs::path root(outdir);
  std::error_code ec;
  fs::create_directories(root / "points", ec);
  if (ec)
    throw InputError(fmt::format("{}: cannot create output folder: {}", outdir, ec.message()));
  for (const SweepPoint& p : spec.points) {
    const fs::path dest = root / "points" / p.id;
    // Prefer a finished copy, then a failed one; the output folder's own copy counts too.
    std::string best_dir;
    int best = 0;
    for (const auto& d : shard_dirs) {
      const fs::path src = fs::path(d) / "points" / p.id;
      const std::string st = point_state(src, p.config_hash).status;
      const int rank = st == "ok" ? 2 : st == "failed" ? 1 : 0;
      if (rank > best) {
        best = rank;
        best_dir = src.string();
      }
    }
    const int have = [&] {
      const std::string st = point_state(dest, p.config_hash).status;
      return st == "ok" ? 2 : st == "failed" ? 1 : 0;
    }();
    if (best == 0 || have >= best) continue;
    if (fs::exists(dest) && fs::equivalent(best_dir, dest)) continue;
    const fs::path tmp = root / "points" / fmt::format(".{}.tmp.{}", p.id, ::getpid());
    fs::remove_all(tmp, ec);
    fs::copy(best_dir, tmp, fs::copy_options::recursive, ec);
    if (ec)
      throw InputError(
          fmt::format("{}: cannot copy to {}: {}", best_dir, tmp.string(), ec.message()));
    fs::remove_all(dest, ec);
    fs::rename(tmp, dest, ec);
    if (ec)
      throw InputError(
          fmt::format("{}: cannot rename into place: {}", dest.string(), ec.message()));
  }
  write_sweep_results(spec, outdir);
}

}  // namespace aimcsim
