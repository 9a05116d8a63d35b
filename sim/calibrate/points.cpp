#include "sim/calibrate/points.hpp"

#include <fmt/format.h>

#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <optional>
#include <type_traits>
#include <variant>

#include "sim/base/error.hpp"

namespace aimcsim {
namespace {

const char* const kMetricHelp =
    "a numeric summary.json key by its dotted path (hybrid_ns, analog_only_ns, "
    "linears_summed.hybrid_ns, "
    "decode.per_token_hybrid_ns, pmca.cycles.total, ...) or op:[BLOCK/]NAME:FIELD for one "
    "operator of ops.csv";

std::optional<double> parse_number(const std::string& text) {
  if (text.empty()) return std::nullopt;
  char* end = nullptr;
  errno = 0;
  const double x = std::strtod(text.c_str(), &end);
  if (!end || *end != '\0' || errno != 0 || !std::isfinite(x)) return std::nullopt;
  return x;
}

std::optional<std::int64_t> parse_count(const std::string& text) {
  if (text.empty() || text.size() > 18) return std::nullopt;
  for (char c : text)
    if (c < '0' || c > '9') return std::nullopt;
  return std::stoll(text);
}

// The columns of a points file and where each is, for one kind of point.
class Columns {
 public:
  Columns(const CsvTable& t, const std::vector<std::string>& required,
          const std::vector<std::string>& optional, const std::string& kind)
      : t_(t) {
    std::vector<std::string> accepted = required;
    accepted.insert(accepted.end(), optional.begin(), optional.end());
    for (std::size_t c = 0; c < t.header().size(); ++c) {
      bool known = false;
      for (const std::string& a : accepted) known = known || a == t.header()[c];
      if (!known)
        throw InputError(fmt::format("{}:{}: column {}: unknown column '{}'; {} accept {}",
                                     t.name(), t.header_line(), c + 1, t.header()[c], kind,
                                     fmt::join(accepted, ", ")));
    }
    for (const std::string& r : required)
      if (!t.column(r))
        throw InputError(fmt::format("{}:{}: no '{}' column; {} need the columns {}", t.name(),
                                     t.header_line(), r, kind, fmt::join(required, ", ")));
  }
  // The field of `column` in `row`, "" when the file has no such column.
  const std::string& field(const CsvTable::Row& row, const std::string& column) const {
    static const std::string none;
    const auto c = t_.column(column);
    return c ? row.fields[*c] : none;
  }
  std::string where(const CsvTable::Row& row, const std::string& column) const {
    return t_.where(row, *t_.column(column));
  }
  double positive(const CsvTable::Row& row, const std::string& column) const {
    const std::string& text = field(row, column);
    const std::optional<double> x = parse_number(text);
    if (!x || *x <= 0)
      throw InputError(fmt::format("{}: '{}' is not a number > 0", where(row, column), text));
    return *x;
  }

 private:
  const CsvTable& t_;
};

std::vector<std::string> parse_overrides(const Schema& schema, const std::string& text,
                                         const std::string& where) {
  std::vector<std::string> out;
  std::size_t start = 0;
  while (start <= text.size()) {
    std::size_t end = text.find(';', start);
    if (end == std::string::npos) end = text.size();
    std::string item = text.substr(start, end - start);
    const auto first = item.find_first_not_of(' ');
    item = first == std::string::npos ? "" : item.substr(first, item.find_last_not_of(' ') + 1);
    start = end + 1;
    if (item.empty()) continue;
    const auto eq = item.find('=');
    if (eq == std::string::npos || eq == 0)
      throw InputError(fmt::format(
          "{}: '{}' is not KEY=VALUE; overrides are KEY=VALUE items separated by ';', e.g. "
          "pmca.freq=500MHz;lora.rank=16",
          where, item));
    const std::string key = item.substr(0, eq);
    if (!schema.find(key))
      throw InputError(fmt::format("{}: {}: {}", where, key, schema.unknown_key_message(key)));
    out.push_back(item);
  }
  return out;
}

MeasuredPoint kernel_point(const CsvTable& t, const Columns& cols, const CsvTable::Row& row) {
  MeasuredPoint p;
  p.kind = MeasuredPoint::Kind::Kernel;
  p.shape.kernel = cols.field(row, "kernel");
  const std::vector<std::string>* needs = kernel_options(p.shape.kernel);
  if (!needs)
    throw InputError(fmt::format("{}: unknown kernel '{}'; accepted are {}",
                                 cols.where(row, "kernel"), p.shape.kernel, kernel_names_text()));
  for (const KernelShapeOption& opt : kernel_shape_options()) {
    const std::string& text = cols.field(row, opt.name);
    bool needed = false;
    for (const std::string& n : *needs) needed = needed || n == opt.name;
    if (text.empty()) {
      if (!needed) continue;
      if (!t.column(opt.name))
        throw InputError(fmt::format(
            "{}: kernel {} needs the shape columns {}; there is no '{}' "
            "column",
            cols.where(row, "kernel"), p.shape.kernel, fmt::join(*needs, ", "), opt.name));
      throw InputError(fmt::format("{}: empty; kernel {} needs it (an integer >= 1)",
                                   cols.where(row, opt.name), p.shape.kernel));
    }
    if (!needed)
      throw InputError(fmt::format(
          "{}: kernel {} takes no '{}' (its shape columns are {}); "
          "leave it empty",
          cols.where(row, opt.name), p.shape.kernel, opt.name, fmt::join(*needs, ", ")));
    const std::optional<std::int64_t> n = parse_count(text);
    if (!n || *n < 1)
      throw InputError(
          fmt::format("{}: '{}' is not an integer >= 1", cols.where(row, opt.name), text));
    p.shape.options[opt.name] = *n;
  }
  p.measured = cols.positive(row, "cycles");
  return p;
}

MeasuredPoint latency_point(const Columns& cols, const CsvTable::Row& row) {
  MeasuredPoint p;
  p.kind = MeasuredPoint::Kind::Latency;
  p.metric = cols.field(row, "metric");
  p.metric_where = cols.where(row, "metric");
  if (p.metric.empty())
    throw InputError(fmt::format("{}: empty; expected {}", p.metric_where, kMetricHelp));
  if (p.metric.rfind("op:", 0) == 0) {
    const auto colon = p.metric.rfind(':');
    const std::string field = colon > 2 ? p.metric.substr(colon + 1) : "";
    bool known = false;
    for (const std::string& f : op_metric_fields()) known = known || f == field;
    if (colon <= 3 || !known)
      throw InputError(fmt::format("{}: '{}' is not op:[BLOCK/]NAME:FIELD with FIELD one of {}",
                                   p.metric_where, p.metric, fmt::join(op_metric_fields(), ", ")));
  }
  p.measured = cols.positive(row, "value");
  return p;
}

}  // namespace

std::string MeasuredPoint::description() const {
  std::string out;
  if (kind == Kind::Kernel) {
    out = shape.kernel;
    for (const std::string& name : *kernel_options(shape.kernel))
      out += fmt::format(" {}={}", name, shape.options.at(name));
  } else {
    out = metric;
  }
  if (!overrides.empty()) out += fmt::format(" [{}]", fmt::join(overrides, "; "));
  return out;
}

std::vector<MeasuredPoint> read_points(const Schema& schema, const CsvTable& t) {
  const bool kernels = t.column("kernel").has_value(), latencies = t.column("metric").has_value();
  if (kernels == latencies)
    throw InputError(fmt::format(
        "{}:{}: {}; the header names either a 'kernel' column (kernel points: kernel, cycles "
        "and shape columns) or a 'metric' column (latency points: metric, value)",
        t.name(), t.header_line(),
        kernels ? "both a 'kernel' and a 'metric' column"
                : "neither a 'kernel' nor a 'metric' column"));
  std::vector<std::string> optional{"name", "overrides"};
  if (kernels)
    for (const KernelShapeOption& o : kernel_shape_options()) optional.push_back(o.name);
  const Columns cols(t,
                     kernels ? std::vector<std::string>{"kernel", "cycles"}
                             : std::vector<std::string>{"metric", "value"},
                     optional, kernels ? "kernel points" : "latency points");
  std::vector<MeasuredPoint> points;
  for (const CsvTable::Row& row : t.rows()) {
    MeasuredPoint p = kernels ? kernel_point(t, cols, row) : latency_point(cols, row);
    p.where = fmt::format("{}:{}", t.name(), row.line);
    p.name = cols.field(row, "name");
    if (t.column("overrides")) {
      p.overrides_where = cols.where(row, "overrides");
      p.overrides = parse_overrides(schema, cols.field(row, "overrides"), p.overrides_where);
    }
    points.push_back(std::move(p));
  }
  if (points.empty())
    throw InputError(
        fmt::format("{}: no points below the header (line {})", t.name(), t.header_line()));
  return points;
}

std::vector<MeasuredPoint> load_points(const Schema& schema, const std::string& path) {
  return read_points(schema, CsvTable::load(path));
}

const std::vector<std::string>& op_metric_fields() {
  // The columns of layers.csv with the same names.
  static const std::vector<std::string> f{"analog_only_ready_ns",    "analog_only_start_ns",
                                          "analog_only_end_ns",      "analog_only_span_ns",
                                          "hybrid_ready_ns",         "hybrid_start_ns",
                                          "hybrid_end_ns",           "hybrid_span_ns",
                                          "hybrid_analytic_span_ns", "overhead",
                                          "hybrid_tile_busy_ns",     "hybrid_transfer_busy_ns",
                                          "hybrid_pmca_busy_ns",     "pmca_chunk_ns",
                                          "input_transfer_ns"};
  return f;
}

namespace {

double op_field(const OpResult& o, const std::string& field) {
  if (field == "analog_only_ready_ns") return ps_to_ns(o.analog_only_ready);
  if (field == "analog_only_start_ns") return ps_to_ns(o.analog_only_start);
  if (field == "analog_only_end_ns") return ps_to_ns(o.analog_only_end);
  if (field == "analog_only_span_ns") return ps_to_ns(o.analog_only);
  if (field == "hybrid_ready_ns") return ps_to_ns(o.hybrid_ready);
  if (field == "hybrid_start_ns") return ps_to_ns(o.hybrid_start);
  if (field == "hybrid_end_ns") return ps_to_ns(o.hybrid_end);
  if (field == "hybrid_span_ns") return ps_to_ns(o.hybrid);
  if (field == "hybrid_analytic_span_ns") return ps_to_ns(o.hybrid_analytic);
  if (field == "overhead") return o.overhead();
  if (field == "hybrid_tile_busy_ns") return ps_to_ns(o.tile_busy);
  if (field == "hybrid_transfer_busy_ns") return ps_to_ns(o.link_busy);
  if (field == "hybrid_pmca_busy_ns") return ps_to_ns(o.pmca_busy);
  if (field == "pmca_chunk_ns") return ps_to_ns(o.chunk_cost.duration);
  return ps_to_ns(o.input_transfer);  // input_transfer_ns
}

double op_metric(const MeasuredPoint& p, const RunResult& r) {
  const std::string body = p.metric.substr(3);
  const auto colon = body.rfind(':');
  const std::string op = body.substr(0, colon), field = body.substr(colon + 1);
  const auto slash = op.find('/');
  const std::string block = slash == std::string::npos ? "" : op.substr(0, slash);
  const std::string name = slash == std::string::npos ? op : op.substr(slash + 1);
  std::vector<const OpResult*> found;
  for (const OpResult& o : r.ops)
    if (o.op.name == name && (slash == std::string::npos || o.op.block == block))
      found.push_back(&o);
  if (found.empty())
    throw InputError(
        fmt::format("{}: no operator '{}' in the run; ops.csv lists them by block "
                    "and op (e.g. op:{}/{}:{})",
                    p.metric_where, op, r.ops.empty() ? "" : r.ops.front().op.block,
                    r.ops.empty() ? "" : r.ops.front().op.name, field));
  if (found.size() > 1)
    throw InputError(
        fmt::format("{}: '{}' names {} operators (blocks {}, {}, ...); give its "
                    "block, e.g. op:{}/{}:{}",
                    p.metric_where, name, found.size(), found[0]->op.block, found[1]->op.block,
                    found[0]->op.block, name, field));
  return op_field(*found.front(), field);
}

}  // namespace

double metric_value(const MeasuredPoint& p, const RunResult& r, const StatGroup& stats) {
  if (p.metric.rfind("op:", 0) == 0) return op_metric(p, r);
  const StatGroup::Stat* s = stats.find(p.metric);
  if (!s)
    throw InputError(fmt::format("{}: no statistic '{}' in summary.json; expected {}",
                                 p.metric_where, p.metric, kMetricHelp));
  const std::optional<double> x = std::visit(
      [](const auto& v) -> std::optional<double> {
        using T = std::decay_t<decltype(v)>;
        if constexpr (std::is_same_v<T, std::int64_t> || std::is_same_v<T, std::uint64_t> ||
                      std::is_same_v<T, double>)
          return static_cast<double>(v);
        else
          return std::nullopt;
      },
      s->value);
  if (!x)
    throw InputError(fmt::format("{}: statistic '{}' is not a number; expected {}", p.metric_where,
                                 p.metric, kMetricHelp));
  return *x;
}

}  // namespace aimcsim
