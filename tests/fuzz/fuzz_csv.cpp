// Fuzz target: the CSV files aimcsim reads (CsvTable::parse), and what reads them: the measured
// points of `aimcsim calibrate --points` (read_points) and a Mixture-of-Experts routing trace
// (moe.routing_trace, Routing::trace). Input: the CSV text. Invariants: each reader accepts the
// text or throws InputError; every row of a table has as many fields as its header, and a table
// written back field by field (csv_field) parses to the same header and rows; a measured point has
// a finite, positive value; a routing trace gives each token it routes distinct experts in range,
// in ascending order, as many as a token activates.
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <optional>

#include "sim/base/csv.hpp"
#include "sim/calibrate/points.hpp"
#include "tests/fuzz/fuzz_support.hpp"
#include "workloads/routing.hpp"

namespace {

std::string written_back(const aimcsim::CsvTable& t) {
  auto line = [](const std::vector<std::string>& fields) {
    std::string out;
    for (std::size_t i = 0; i < fields.size(); ++i)
      out += (i ? "," : "") + aimcsim::csv_field(fields[i]);
    // A row of one empty field is written "", not as a blank line (which a reader skips).
    return (fields.size() == 1 && fields[0].empty() ? "\"\"" : out) + "\n";
  };
  std::string text = line(t.header());
  for (const auto& row : t.rows()) text += line(row.fields);
  return text;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace aimcsim;
  const std::string text = fuzz::text_of(data, size);
  std::optional<CsvTable> table;
  if (!fuzz::accepted([&] { table = CsvTable::parse(text, "points.csv"); })) return 0;
  for (const auto& row : table->rows())
    if (row.fields.size() != table->header().size())
      fuzz::finding("row " + std::to_string(row.line) + " has " +
                    std::to_string(row.fields.size()) + " fields under a header of " +
                    std::to_string(table->header().size()));
  const std::string again_text = written_back(*table);
  std::optional<CsvTable> again;
  try {
    again = CsvTable::parse(again_text, "again.csv");
  } catch (const std::exception& e) {
    fuzz::finding(std::string("the table written back does not parse: ") + e.what() + "\n" +
                  again_text);
  }
  bool same = again->header() == table->header() && again->rows().size() == table->rows().size();
  for (std::size_t i = 0; same && i < table->rows().size(); ++i)
    same = again->rows()[i].fields == table->rows()[i].fields;
  if (!same) fuzz::finding("the table written back parses otherwise:\n" + again_text);

  std::vector<MeasuredPoint> points;
  if (fuzz::accepted([&] { points = read_points(fuzz::schema(), *table); }))
    for (const MeasuredPoint& p : points)
      if (!std::isfinite(p.measured) || p.measured <= 0)
        fuzz::finding(p.where + ": a point measured " + std::to_string(p.measured));

  std::optional<Routing> routing;
  if (!fuzz::accepted([&] { routing = Routing::trace(text, "trace.csv"); })) return 0;
  constexpr std::int64_t kExperts = 8, kPerToken = 2;
  for (std::int64_t layer = 0; layer < 2; ++layer)
    for (std::int64_t token = 0; token < 4; ++token) {
      std::vector<std::int64_t> experts;
      if (!fuzz::accepted(
              [&] { experts = routing->experts_of(layer, token, kExperts, kPerToken); }))
        continue;
      if (static_cast<std::int64_t>(experts.size()) != kPerToken)
        fuzz::finding("a token routed to " + std::to_string(experts.size()) + " experts");
      for (std::size_t i = 0; i < experts.size(); ++i)
        if (experts[i] < 0 || experts[i] >= kExperts || (i && experts[i] <= experts[i - 1]))
          fuzz::finding("a token routed to expert " + std::to_string(experts[i]) +
                        ", out of range or order");
    }
  return 0;
}
