#include "tests/support/scripted_resource.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <map>

namespace aimcsim::test {

ScriptedResource::ScriptedResource(const std::string& name, std::vector<Row> script, Mode mode)
    : Resource(name, "scripted"), script_(std::move(script)), mode_(mode) {}

Resource::Timing ScriptedResource::issue(Job& job, Picos now) {
  const std::size_t i = issued_.size();
  if (i >= script_.size()) {
    ADD_FAILURE() << name() << ": job '" << job_label(job) << "' issued at " << now
                  << " ps, after the script's " << script_.size() << " rows";
    issued_.push_back({job_label(job), now, now, now});
    return {now, now};
  }
  const Row& row = script_[i];
  if (!row.job.empty() && row.job != job_label(job))
    ADD_FAILURE() << name() << " row " << i << ": expected job '" << row.job << "', issued '"
                  << job_label(job) << "'";
  if (row.issued != kAny && row.issued != now)
    ADD_FAILURE() << name() << " row " << i << " ('" << row.job << "'): expected issue at "
                  << row.issued << " ps, issued at " << now << " ps";
  if (row.bytes != kAny && row.bytes != job.bytes)
    ADD_FAILURE() << name() << " row " << i << " ('" << row.job << "'): expected " << row.bytes
                  << " bytes, the job carries " << job.bytes;
  Timing t;
  if (row.start != kAny)
    t.start = row.start;
  else
    t.start = mode_ == Mode::Serial ? std::max(now, free_) : now;
  if (row.end != kAny)
    t.end = row.end;
  else
    t.end = t.start + (row.duration != kAny ? row.duration : 0);
  free_ = std::max(free_, t.end);
  issued_.push_back({job_label(job), now, t.start, t.end});
  if (journal_) journal_->push_back(job_label(job));
  return t;
}

std::vector<std::string> ScriptedResource::issue_order() const {
  std::vector<std::string> order;
  for (const Issue& i : issued_) order.push_back(i.job);
  return order;
}

void ScriptedResource::expect_script_done() const {
  for (std::size_t i = issued_.size(); i < script_.size(); ++i)
    ADD_FAILURE() << name() << " row " << i << ": job '" << script_[i].job << "' never issued";
}

namespace {
std::map<const Job*, std::string>& labels() {
  static std::map<const Job*, std::string> names;
  return names;
}
}  // namespace

Job& add_job(JobGraph& graph, Resource& resource, std::size_t op, const std::string& label,
             std::int64_t bytes) {
  Job& job = graph.add(resource, op, 1, bytes);
  labels()[&job] = label;
  return job;
}

std::string job_label(const Job& job) {
  const auto it = labels().find(&job);
  return it != labels().end() ? it->second : "#" + std::to_string(job.id);
}

}  // namespace aimcsim::test
