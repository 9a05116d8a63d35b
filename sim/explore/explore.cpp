#include "sim/explore/explore.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <filesystem>
#include <iostream>
#include <map>
#include <nlohmann/json.hpp>
#include <set>

#include "sim/base/csv.hpp"
#include "sim/base/error.hpp"
#include "sim/base/files.hpp"
#include "sim/base/math.hpp"
#include "sim/base/version.hpp"
#include "sim/sweep/sweep.hpp"

namespace aimcsim {

namespace fs = std::filesystem;
using Json = nlohmann::ordered_json;

namespace {

const double kNaN = std::numeric_limits<double>::quiet_NaN();

// A figure of results.csv as a number: true/false as 1/0, NaN where the run has none.
double figure_value(const std::string& text) {
  if (text == "true") return 1;
  if (text == "false") return 0;
  char* end = nullptr;
  const double v = std::strtod(text.c_str(), &end);
  return text.empty() || *end != '\0' ? kNaN : v;
}

// How far `x` misses a constraint, relative to its bound; 1 when the run has no value.
double miss(const ExploreConstraint& c, double x) {
  if (std::isnan(x)) return 1;
  const double over = c.at_most ? x - c.value : c.value - x;
  return over <= 0 ? 0 : over / (c.value != 0 ? std::fabs(c.value) : 1.0);
}

// One generation's summary: evaluations so far, front size and hypervolume (live: against the
// bounds known then; explore.json recomputes it against the final bounds).
struct Generation {
  std::size_t evaluations = 0, front = 0;
  double hypervolume = 0;
};

// The objective vectors of the feasible evaluations among the first `count`, with their indices.
void feasible_points(const std::vector<Evaluation>& all, std::size_t generation_max,
                     std::vector<std::vector<double>>& points, std::vector<std::size_t>& index) {
  for (std::size_t i = 0; i < all.size(); ++i)
    if (all[i].feasible() && all[i].generation <= generation_max) {
      points.push_back(all[i].objectives);
      index.push_back(i);
    }
}

// The front's hypervolume with every objective scaled to [0, 1] between the ideal and the nadir
// of `bounds` (the feasible points they come from), against the reference point 1.1 in each.
double normalised_hypervolume(const std::vector<std::vector<double>>& front,
                              const std::vector<std::vector<double>>& bounds) {
  if (front.empty() || bounds.empty()) return 0;
  const std::size_t k = front[0].size();
  std::vector<double> lo(k, std::numeric_limits<double>::infinity()), hi(k, -lo[0]);
  for (const auto& p : bounds)
    for (std::size_t i = 0; i < k; ++i) {
      lo[i] = std::min(lo[i], p[i]);
      hi[i] = std::max(hi[i], p[i]);
    }
  std::vector<std::vector<double>> scaled;
  for (const auto& p : front) {
    std::vector<double> s(k);
    for (std::size_t i = 0; i < k; ++i) s[i] = hi[i] > lo[i] ? (p[i] - lo[i]) / (hi[i] - lo[i]) : 0;
    scaled.push_back(s);
  }
  return hypervolume(scaled, std::vector<double>(k, 1.1));
}

// Evaluates candidates on the sweep's worker pool, one batch per generation, keeping every
// evaluation in order.
class PoolEvaluator final : public Evaluator {
 public:
  PoolEvaluator(const Schema& schema, const ExploreSpace& space, const ExploreOptions& options)
      : schema_(schema), space_(space), options_(options) {}

  std::vector<const Evaluation*> evaluate(const std::vector<Candidate>& batch) override {
    std::vector<Candidate> fresh;
    for (const Candidate& c : batch)
      if (!seen_.count(c) && std::find(fresh.begin(), fresh.end(), c) == fresh.end())
        fresh.push_back(c);
    const std::size_t room = space_.budget - all_.size();
    if (room == 0 && !fresh.empty()) throw BudgetSpent();  // no generation without a candidate
    const bool spent = fresh.size() > room;
    if (spent) fresh.resize(room);
    run(fresh);
    ++generation_;
    record_generation();
    if (spent) throw BudgetSpent();
    std::vector<const Evaluation*> out;
    for (const Candidate& c : batch) out.push_back(&all_[seen_.at(c)]);
    return out;
  }
  std::size_t evaluated() const override { return all_.size(); }

  const std::vector<Evaluation>& all() const { return all_; }
  std::vector<Evaluation>& all() { return all_; }
  std::size_t ran() const { return ran_; }
  std::size_t generations() const { return generation_; }

 private:
  // Builds each candidate's config, runs the new configs on the pool and reads their figures.
  void run(const std::vector<Candidate>& fresh) {
    SweepSpec spec;
    spec.name = space_.name;
    std::vector<std::size_t> to_run;
    std::set<std::string> queued;
    const std::size_t first = all_.size();
    for (const Candidate& c : fresh) {
      Evaluation e;
      e.candidate = c;
      e.generation = generation_;
      try {
        const Config cfg = Config::load(schema_, space_.base, candidate_overrides(space_, c));
        const std::string yaml = cfg.to_yaml();
        e.config_hash = fnv1a64(yaml);
        e.id = "c" + e.config_hash;
        if (queued.insert(e.id).second) {
          to_run.push_back(spec.points.size());
          spec.points.push_back({e.id, {}, yaml, e.config_hash});
        }
      } catch (const InputError& err) {
        e.message = std::string("config rejected: ") + err.what();
      }
      seen_[c] = all_.size();
      all_.push_back(std::move(e));
    }
    if (!to_run.empty()) {
      SweepOptions o;
      o.exe = options_.exe;
      o.jobs = options_.jobs;
      o.outdir = options_.outdir;
      o.verbose = false;
      ran_ += run_sweep_points(spec, to_run, o).ran;
    }
    for (std::size_t i = first; i < all_.size(); ++i) read(all_[i]);
  }

  void read(Evaluation& e) {
    if (e.id.empty()) return;  // its config was rejected
    const std::string dir = (fs::path(options_.outdir) / "points" / e.id).string();
    const SweepPointStatus st = sweep_point_status(dir, e.config_hash);
    if (st.status != "ok") {
      e.message = st.message.empty() ? "the run did not finish" : st.message;
      return;
    }
    const std::vector<std::string> figures = read_point_figures(dir);
    for (const ExploreStatistic& o : space_.objectives) {
      e.objective_texts.push_back(figures.at(o.column));
      e.objectives.push_back(figure_value(figures[o.column]));
      if (std::isnan(e.objectives.back())) {
        e.message = fmt::format("the run gives no {}", o.name);
        return;
      }
    }
    e.violation = 0;
    for (const ExploreConstraint& c : space_.constraints) {
      e.constraint_texts.push_back(figures.at(c.statistic.column));
      e.constraint_values.push_back(figure_value(figures[c.statistic.column]));
      e.violation += miss(c, e.constraint_values.back());
    }
    e.ok = true;
  }

  void record_generation() {
    std::vector<std::vector<double>> points;
    std::vector<std::size_t> index;
    feasible_points(all_, generation_, points, index);
    std::vector<std::vector<double>> front;
    for (std::size_t i : non_dominated(points)) front.push_back(points[i]);
    Generation g{all_.size(), front.size(), normalised_hypervolume(front, points)};
    std::size_t failed = 0;
    for (const Evaluation& e : all_) failed += !e.ok;
    if (options_.progress)
      std::cerr << fmt::format(
                       "\r\033[Kexplore: generation {}, {}/{} evaluated ({} failed, {} feasible), "
                       "front {}, hypervolume {:.4f}",
                       generation_, all_.size(), space_.budget, failed, points.size(), g.front,
                       g.hypervolume)
                << std::flush;
  }

  const Schema& schema_;
  const ExploreSpace& space_;
  const ExploreOptions& options_;
  std::vector<Evaluation> all_;
  std::map<Candidate, std::size_t> seen_;
  std::size_t generation_ = 0, ran_ = 0;
};

// candidates.csv and pareto.csv: one row per evaluation.
struct CsvLayout {
  std::vector<std::size_t> constraint_columns;  // constraints whose statistic is no objective
  std::string header;
};

CsvLayout csv_layout(const ExploreSpace& space) {
  CsvLayout l;
  l.header = "id,generation,status";
  for (const ExploreVariable& v : space.variables) l.header += "," + v.key;
  std::set<std::string> named;
  for (const ExploreStatistic& o : space.objectives) {
    l.header += "," + o.name;
    named.insert(o.name);
  }
  for (std::size_t i = 0; i < space.constraints.size(); ++i)
    if (named.insert(space.constraints[i].statistic.name).second) {
      l.constraint_columns.push_back(i);
      l.header += "," + space.constraints[i].statistic.name;
    }
  l.header += ",violation,feasible,evaluated_by,message\n";
  return l;
}

std::string csv_row(const ExploreSpace& space, const CsvLayout& l, const Evaluation& e) {
  std::string row =
      fmt::format("{},{},{}", e.id.empty() ? "-" : e.id, e.generation, e.ok ? "ok" : "failed");
  for (std::size_t i = 0; i < space.variables.size(); ++i)
    row += "," + csv_field(space.variables[i].values[e.candidate[i]]);
  for (std::size_t i = 0; i < space.objectives.size(); ++i)
    row += "," + (i < e.objective_texts.size() ? e.objective_texts[i] : std::string());
  for (std::size_t c : l.constraint_columns)
    row += "," + (c < e.constraint_texts.size() ? e.constraint_texts[c] : std::string());
  row += "," + (e.ok ? Json(printed_figure(e.violation)).dump() : std::string());
  row += e.feasible() ? ",true" : ",false";
  row += e.ok ? ",simulation," : ",,";
  row += csv_field(e.message) + "\n";
  return row;
}

// The values of a candidate's variables, "key=value, ...", for messages.
std::string described(const ExploreSpace& space, const Evaluation& e) {
  std::string out;
  for (const std::string& kv : candidate_overrides(space, e.candidate))
    out += (out.empty() ? "" : ", ") + kv;
  return out;
}

void write_outputs(const ExploreSpace& space, const ExploreOptions& options,
                   const ExploreOutcome& r, std::size_t generations,
                   const SearchAlgorithm& algorithm) {
  const fs::path root(options.outdir);
  const CsvLayout layout = csv_layout(space);
  std::string candidates = layout.header;
  for (const Evaluation& e : r.evaluations) candidates += csv_row(space, layout, e);
  std::string pareto = layout.header;
  for (std::size_t i : r.front) pareto += csv_row(space, layout, r.evaluations[i]);

  // Each Pareto point's config, as its run wrote it; folders of points no longer on the front go.
  std::error_code ec;
  fs::create_directories(root / "pareto", ec);
  std::set<std::string> keep;
  for (std::size_t i : r.front) {
    const Evaluation& e = r.evaluations[i];
    keep.insert(e.id);
    fs::create_directories(root / "pareto" / e.id, ec);
    const std::optional<std::string> cfg =
        read_file((root / "points" / e.id / "config.yaml").string());
    if (!cfg)
      throw InputError(fmt::format("{}: missing; the point's run did not finish",
                                   (root / "points" / e.id / "config.yaml").string()));
    write_file_atomic((root / "pareto" / e.id / "config.yaml").string(), *cfg);
  }
  std::vector<fs::path> stale;
  for (const auto& entry : fs::directory_iterator(root / "pareto", ec))
    if (!keep.count(entry.path().filename().string())) stale.push_back(entry.path());
  for (const fs::path& p : stale) fs::remove_all(p, ec);

  // Hypervolume per generation against the final ideal and nadir of the feasible points.
  std::vector<std::vector<double>> all_points;
  std::vector<std::size_t> all_index;
  feasible_points(r.evaluations, generations, all_points, all_index);
  Json gens = Json::array();
  for (std::size_t g = 0; g < generations; ++g) {
    std::vector<std::vector<double>> points, front;
    std::vector<std::size_t> index;
    feasible_points(r.evaluations, g, points, index);
    for (std::size_t i : non_dominated(points)) front.push_back(points[i]);
    std::size_t evaluations = 0;
    for (const Evaluation& e : r.evaluations) evaluations += e.generation <= g;
    gens.push_back({{"generation", g},
                    {"evaluations", evaluations},
                    {"front", front.size()},
                    {"hypervolume", printed_figure(normalised_hypervolume(front, all_points))}});
  }
  Json j;
  j["aimcsim_version"] = kVersion;
  j["space"] = space.name;
  j["space_hash"] = space.hash;
  j["seed"] = space.seed;
  j["algorithm"] = {{"name", space.algorithm},
                    {"library", algorithm.library()},
                    {"version", algorithm.library_version()}};
  Json vars = Json::object();
  for (const ExploreVariable& v : space.variables) vars[v.key] = v.values;
  j["variables"] = vars;
  Json objectives = Json::array();
  for (const ExploreStatistic& o : space.objectives) objectives.push_back(o.name);
  j["objectives"] = objectives;
  Json constraints = Json::array();
  for (const ExploreConstraint& c : space.constraints) constraints.push_back(c.text);
  j["constraints"] = constraints;
  j["space_size"] = space.size();
  j["budget"] = space.budget;
  j["evaluations"] = r.evaluations.size();
  j["failed"] = r.failed;
  j["feasible"] = r.feasible;
  j["evaluated_by"] =
      "simulation: every candidate runs the full SystemC simulation (no analytic screening)";
  j["stopped"] = r.stopped;
  Json front = Json::array();
  for (std::size_t i : r.front) front.push_back(r.evaluations[i].id);
  j["pareto"] = front;
  if (r.least_violating >= 0) {
    const Evaluation& e = r.evaluations[static_cast<std::size_t>(r.least_violating)];
    j["least_violating"] = {
        {"id", e.id}, {"values", described(space, e)}, {"violation", printed_figure(e.violation)}};
  }
  j["hypervolume_reference"] =
      "each objective scaled to [0, 1] between the best and worst feasible values found; "
      "reference point 1.1 in every objective";
  j["generations"] = gens;
  write_files_atomic({{(root / "candidates.csv").string(), candidates},
                      {(root / "pareto.csv").string(), pareto},
                      {(root / "explore.json").string(), j.dump(2) + "\n"}});
}

}  // namespace

ExploreOutcome run_explore(const Schema& schema, const ExploreSpace& space,
                           const ExploreOptions& options) {
  std::error_code ec;
  fs::create_directories(fs::path(options.outdir) / "points", ec);
  if (ec)
    throw InputError(
        fmt::format("{}: cannot create output folder: {}", options.outdir, ec.message()));
  const FolderLock lock(options.outdir, "search");
  const std::unique_ptr<SearchAlgorithm> algorithm =
      SearchRegistry::instance().create(space.algorithm);
  PoolEvaluator eval(schema, space, options);
  ExploreOutcome r;
  try {
    algorithm->search(space, eval);
    r.stopped = eval.evaluated() >= space.size() ? "every candidate of the space was evaluated"
                                                 : "the search proposed nothing new";
  } catch (const BudgetSpent&) {
    r.stopped = "the budget was spent";
  }
  if (options.progress) std::cerr << "\n";
  r.evaluations = std::move(eval.all());
  r.ran = eval.ran();
  std::vector<std::vector<double>> points;
  std::vector<std::size_t> index;
  feasible_points(r.evaluations, eval.generations(), points, index);
  r.feasible = points.size();
  for (const Evaluation& e : r.evaluations) r.failed += !e.ok;
  for (std::size_t i : non_dominated(points)) r.front.push_back(index[i]);
  std::sort(r.front.begin(), r.front.end(), [&](std::size_t a, std::size_t b) {
    const Evaluation &x = r.evaluations[a], &y = r.evaluations[b];
    return x.objectives != y.objectives ? x.objectives < y.objectives : x.id < y.id;
  });
  // Equal configs reached through different values (a key without effect) are one point.
  r.front.erase(std::unique(r.front.begin(), r.front.end(),
                            [&](std::size_t a, std::size_t b) {
                              return r.evaluations[a].id == r.evaluations[b].id;
                            }),
                r.front.end());
  if (r.feasible == 0)
    for (std::size_t i = 0; i < r.evaluations.size(); ++i)
      if (r.evaluations[i].ok &&
          (r.least_violating < 0 ||
           r.evaluations[i].violation <
               r.evaluations[static_cast<std::size_t>(r.least_violating)].violation))
        r.least_violating = static_cast<long>(i);
  write_outputs(space, options, r, eval.generations(), *algorithm);
  return r;
}

}  // namespace aimcsim
