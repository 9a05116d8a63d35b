#pragma once
#include <string>
#include <vector>

#include "sim/base/config.hpp"
#include "sim/base/csv.hpp"
#include "sim/base/stats.hpp"
#include "sim/map/kernel_shape.hpp"
#include "sim/run/run.hpp"

namespace aimcsim {

// One measurement `aimcsim calibrate` fits to: the cycles of a PMCA kernel (what `aimcsim kernel`
// prints for that kernel and shape), or a statistic of a run (a summary.json key such as
// hybrid_ns, or one operator's latency), each under config overrides of its own.
struct MeasuredPoint {
  enum class Kind { Kernel, Latency };
  Kind kind = Kind::Kernel;
  std::string where;                   // "file.csv:LINE"
  std::string name;                    // the optional name column
  std::vector<std::string> overrides;  // KEY=VALUE, over the base config and -p
  std::string overrides_where;         // "file.csv:LINE: column N (overrides)"
  KernelShape shape;                   // kernel points
  std::string metric;                  // latency points
  std::string metric_where;            // "file.csv:LINE: column N (metric)"
  double measured = 0;                 // cycles, or the statistic in its unit (ns for *_ns)

  // "gemm m=64 n=64 k=64" or "hybrid_ns", with " [KEY=VALUE; ...]" when it has overrides.
  std::string description() const;
  // The name when it has one, else the description.
  std::string label() const { return name.empty() ? description() : name; }
};

// The points of one CSV file. The header says which kind they are: a `kernel` column makes kernel
// points (columns kernel, cycles, the kernel's shape options by name, optional name and
// overrides); a `metric` column latency points (metric, value, optional name and overrides). An
// unknown column, a missing one, a field that is not a number, an unknown kernel, a shape option
// the kernel does not take or an override of an unknown key throws InputError naming the file,
// the line and the column.
std::vector<MeasuredPoint> read_points(const Schema& schema, const CsvTable& table);
std::vector<MeasuredPoint> load_points(const Schema& schema, const std::string& path);

// The operator fields a latency metric `op:[BLOCK/]NAME:FIELD` reads (the latency columns of
// ops.csv and layers.csv).
const std::vector<std::string>& op_metric_fields();

// The value of a latency point's metric in run `r`, whose statistics tree (report_run) is
// `stats`: a numeric statistic by its dotted summary.json path, or `op:[BLOCK/]NAME:FIELD` of the
// one operator of that name (and block). Throws InputError naming the point's metric column when
// the metric names nothing, or a statistic that is not a number.
double metric_value(const MeasuredPoint& point, const RunResult& r, const StatGroup& stats);

}  // namespace aimcsim
