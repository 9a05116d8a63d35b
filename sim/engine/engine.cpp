#include "sim/engine/engine.hpp"

#include <algorithm>
#include <cstdlib>
#include <exception>
#include <stdexcept>

namespace aimcsim {

namespace {
// SystemC prints a banner on stderr the first time it starts, before sc_main; a tool's output
// should be its own. This runs at static initialisation, ahead of libsystemc's main().
const bool kBannerOff = ::setenv("SYSTEMC_DISABLE_COPYRIGHT_MESSAGE", "1", 0) == 0;
}  // namespace

const char* job_role_name(JobRole role) {
  switch (role) {
    case JobRole::Mvm:
      return "mvm";
    case JobRole::Transfer:
      return "xw";
    case JobRole::Input:
      return "input";
    case JobRole::Lora:
      return "lora";
    case JobRole::LoraDown:
      return "lora_down";
    case JobRole::LoraUpAdd:
      return "lora_up_add";
    case JobRole::LoraAdapter:
      return "lora_adapter";
    case JobRole::LoraAdd:
      return "lora_add";
    case JobRole::Digital:
      return "digital";
  }
  return "?";
}

Job& JobGraph::add(Resource& resource, std::size_t op, std::int64_t count, std::int64_t bytes) {
  jobs_.emplace_back();
  Job& job = jobs_.back();
  job.id = jobs_.size() - 1;
  job.resource = &resource;
  job.op = op;
  job.count = count;
  job.bytes = bytes;
  job.design = design_;
  resource.enqueue(job);
  return job;
}

void JobGraph::depend(Job& before, Job& after) {
  before.successors.push_back(&after);
  ++after.pending;
}

Picos now_ps() { return static_cast<Picos>(sc_core::sc_time_stamp().value()); }

Resource::Resource(const sc_core::sc_module_name& name, std::string kind)
    : sc_core::sc_module(name), kind_(std::move(kind)) {
  SC_HAS_PROCESS(Resource);
  SC_METHOD(issue_method);
  sensitive << wake_event_;
  SC_METHOD(retire_method);
  sensitive << retire_event_;
  dont_initialize();
}

void Resource::enqueue(Job& job) { queue_.push_back(&job); }

void Resource::wake() { wake_event_.notify(sc_core::SC_ZERO_TIME); }

namespace {
// The first exception a resource threw during the current run; run_jobs rethrows it with its
// type (an InputError stays an InputError) once the kernel has stopped.
std::exception_ptr& pending_error() {
  static std::exception_ptr error;
  return error;
}
}  // namespace

void Resource::issue_method() {
  try {
    issue_ready();
  } catch (...) {
    if (!pending_error()) pending_error() = std::current_exception();
    sc_core::sc_stop();
  }
}

void Resource::issue_ready() {
  const Picos now = now_ps();
  std::vector<std::size_t> blocked_ops;  // operators with an earlier job still waiting
  auto is_blocked = [&](std::size_t op) {
    return std::find(blocked_ops.begin(), blocked_ops.end(), op) != blocked_ops.end();
  };
  for (std::size_t k = 0; k < queue_.size() && k < kIssueWindow;) {
    Job* job = queue_[k];
    if (job->pending != 0 || is_blocked(job->op)) {
      if (!is_blocked(job->op)) blocked_ops.push_back(job->op);
      ++k;
      continue;
    }
    queue_.erase(queue_.begin() + static_cast<std::ptrdiff_t>(k));
    if (job->ready < 0) job->ready = now;
    Picos at = now;
    if (gate_.enabled && in_flight_.empty() && now - last_end_ > gate_.threshold) {
      // Idle since last_end_, gated from last_end_ + threshold: wake up first.
      gated_ += now - last_end_ - gate_.threshold;
      ++wakes_;
      at = now + gate_.wake;
      job->energy.add("wake", gate_.e_wake_pj);
    }
    const Timing t = issue(*job, at);
    if (t.start < now || t.end < t.start)
      throw std::logic_error(name() + std::string(": job timing goes backwards"));
    job->start = t.start;
    job->end = t.end;
    const Picos from = std::max(t.start, last_end_);
    job->busy = t.end > from ? t.end - from : 0;
    busy_ += job->busy;
    last_end_ = std::max(last_end_, t.end);
    energy_.add(job->energy);
    in_flight_.push({t.end, seq_++, job});
  }
  if (!in_flight_.empty())
    retire_event_.notify(
        sc_core::sc_time::from_value(static_cast<sc_dt::uint64>(in_flight_.top().end - now)));
}

void Resource::set_power(double leak_mw, const PowerGate& gate) {
  leak_mw_ = leak_mw;
  gate_ = gate;
}

Picos Resource::gated_ps(Picos span) const {
  if (!gate_.enabled) return 0;
  return gated_ + std::max<Picos>(0, span - last_end_ - gate_.threshold);
}

void Resource::retire_method() {
  const Picos now = now_ps();
  while (!in_flight_.empty() && in_flight_.top().end <= now) {
    Job* job = in_flight_.top().job;
    in_flight_.pop();
    ++done_count_;
    for (Job* s : job->successors) {
      if (--s->pending == 0) {
        s->ready = now;
        s->resource->wake();
      }
    }
  }
  if (!in_flight_.empty())
    retire_event_.notify(
        sc_core::sc_time::from_value(static_cast<sc_dt::uint64>(in_flight_.top().end - now)));
}

SimulationContext::SimulationContext() {
  (void)kBannerOff;
  sc_core::sc_curr_simcontext = new sc_core::sc_simcontext();
  sc_core::sc_default_global_context = sc_core::sc_curr_simcontext;
}

SimulationContext::~SimulationContext() {
  delete sc_core::sc_curr_simcontext;
  sc_core::sc_curr_simcontext = nullptr;
  sc_core::sc_default_global_context = nullptr;
}

void run_jobs(JobGraph& graph) {
  for (Job& job : graph.jobs())
    if (job.pending == 0) job.ready = 0;
  // Every resource's issue method runs once at initialisation and starts its ready jobs.
  pending_error() = nullptr;
  sc_core::sc_start();
  if (std::exception_ptr error = pending_error()) {
    pending_error() = nullptr;
    std::rethrow_exception(error);
  }
  for (const Job& job : graph.jobs())
    if (job.end < 0) throw std::logic_error("a job never ran: the schedule has a dependency cycle");
}

}  // namespace aimcsim
