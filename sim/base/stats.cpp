#include "sim/base/stats.hpp"

#include <stdexcept>

namespace aimcsim {

namespace {
// A dot separates the levels of a statistic's path (stats.csv, pandas.json_normalize).
void check_name(const std::string& name) {
  if (name.find('.') != std::string::npos)
    throw std::logic_error("statistic or group name with a dot: " + name);
}
}  // namespace

StatGroup::Entry* StatGroup::find_entry(const std::string& name) {
  for (Entry& e : entries_)
    if ((e.stat && e.stat->name == name) || (e.group && e.group->name() == name)) return &e;
  return nullptr;
}

StatGroup& StatGroup::add(const std::string& name, Value value, const std::string& unit,
                          const std::string& description) {
  if (list_) throw std::logic_error("statistic added to a list: " + name);
  check_name(name);
  if (Entry* e = find_entry(name)) {
    if (!e->stat) throw std::logic_error("statistic has the name of a group: " + name);
    e->stat->value = std::move(value);
    return *this;
  }
  Entry e;
  e.stat = std::make_unique<Stat>(Stat{name, std::move(value), unit, description});
  entries_.push_back(std::move(e));
  return *this;
}

StatGroup& StatGroup::group(const std::string& name, const std::string& description) {
  check_name(name);
  if (Entry* e = find_entry(name)) {
    if (!e->group) throw std::logic_error("group has the name of a statistic: " + name);
    return *e->group;
  }
  Entry e;
  e.group = std::make_unique<StatGroup>(name, description);
  entries_.push_back(std::move(e));
  return *entries_.back().group;
}

StatGroup& StatGroup::list(const std::string& name, const std::string& description) {
  check_name(name);
  if (Entry* e = find_entry(name)) {
    if (!e->group || !e->group->is_list())
      throw std::logic_error("list has the name of another member: " + name);
    return *e->group;
  }
  Entry e;
  e.group = std::make_unique<StatGroup>(name, description, true);
  entries_.push_back(std::move(e));
  return *entries_.back().group;
}

StatGroup& StatGroup::item() {
  if (!list_) throw std::logic_error("item() of a group that is not a list: " + name_);
  Entry e;
  e.group = std::make_unique<StatGroup>(std::to_string(entries_.size()), "");
  entries_.push_back(std::move(e));
  return *entries_.back().group;
}

const StatGroup::Stat* StatGroup::find(const std::string& path) const {
  for (const Entry& e : entries_)
    if (e.stat && e.stat->name == path) return e.stat.get();
  for (const Entry& e : entries_) {
    if (!e.group) continue;
    const std::string& name = e.group->name();
    if (path.size() > name.size() && path.compare(0, name.size(), name) == 0 &&
        path[name.size()] == '.')
      if (const Stat* s = e.group->find(path.substr(name.size() + 1))) return s;
  }
  return nullptr;
}

}  // namespace aimcsim
