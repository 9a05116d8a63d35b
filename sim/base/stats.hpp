#pragma once
#include <cstdint>
#include <memory>
#include <string>
#include <variant>
#include <vector>

namespace aimcsim {

// A tree of named statistics, each with its value, unit and one-line description, in the order
// they were added. Components register what they own (`void report(StatGroup&) const` beside the
// struct that holds the figures), so a new statistic is one line in its component; the report
// writers print the whole tree (summary.json, stats.csv).
class StatGroup {
 public:
  using Value = std::variant<std::int64_t, std::uint64_t, double, bool, std::string,
                             std::vector<std::string>>;
  struct Stat {
    std::string name;
    Value value;
    std::string unit;  // "ns", "B", "nJ", "cycles", ...; empty for counts, ratios and names
    std::string description;
  };
  // A member of a group: a statistic or a sub-group, in insertion order.
  struct Entry {
    std::unique_ptr<Stat> stat;
    std::unique_ptr<StatGroup> group;
  };

  explicit StatGroup(std::string name = "", std::string description = "", bool list = false)
      : name_(std::move(name)), description_(std::move(description)), list_(list) {}
  StatGroup(const StatGroup&) = delete;
  StatGroup& operator=(const StatGroup&) = delete;

  // Adds (or, for a name already there, replaces the value of) one statistic. Names of
  // statistics and groups hold no dot (std::logic_error): a dot joins the levels of a path.
  StatGroup& add(const std::string& name, Value value, const std::string& unit,
                 const std::string& description);
  // The sub-group `name`, created on first use.
  StatGroup& group(const std::string& name, const std::string& description = "");
  // A sub-group whose members are a list of unnamed groups (item()).
  StatGroup& list(const std::string& name, const std::string& description = "");
  // A new unnamed member group of a list.
  StatGroup& item();

  const std::string& name() const { return name_; }
  const std::string& description() const { return description_; }
  bool is_list() const { return list_; }
  const std::vector<Entry>& entries() const { return entries_; }
  // The statistic at a dotted path ("pmca.cycles.total"), or nullptr.
  const Stat* find(const std::string& path) const;

 private:
  Entry* find_entry(const std::string& name);

  std::string name_, description_;
  bool list_ = false;
  std::vector<Entry> entries_;
};

}  // namespace aimcsim
