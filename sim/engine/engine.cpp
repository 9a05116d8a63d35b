#include "sim/engine/engine.hpp"

#include <algorithm>
#include <cstdlib>
#include <deque>
#include <exception>
#include <stdexcept>
#include <string>
#include <utility>

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

Job& JobList::emplace_back() {
  if (size_ == blocks_.size() * kBlock) blocks_.push_back(std::make_unique<Job[]>(kBlock));
  return at(size_++);
}

Job& JobGraph::add(Resource& resource, std::size_t op, std::int64_t count, std::int64_t bytes) {
  jobs_.emplace_back();
  Job& job = jobs_.back();
  job.id = jobs_.size() - 1;
  job.resource = &resource;
  job.op = op_base_ + op;
  job.count = count;
  job.bytes = bytes;
  job.design = design_;
  resource.enqueue(job);
  return job;
}

void JobGraph::depend(Job& before, Job& after) {
  if (before.retired) {
    // Built after `before` ended: `after` could not have started before then.
    after.ready = std::max(after.ready, before.end);
    return;
  }
  before.successors.push_back(&after);
  ++after.pending;
}

Picos now_ps() { return static_cast<Picos>(sc_core::sc_time_stamp().value()); }

Resource::Resource(std::string name, std::string kind)
    : name_(std::move(name)), kind_(std::move(kind)) {}

void Resource::QueueCount::push() {
  const std::size_t n = tree_.size() + 1;
  const std::size_t low = n & (~n + 1);
  // Node n counts positions (n - low, n]: the new one and those below it in that range.
  tree_.push_back(static_cast<std::int32_t>(1 + before(n - 1) - before(n - low)));
}

void Resource::QueueCount::issued(std::size_t pos) {
  for (std::size_t i = pos + 1; i <= tree_.size(); i += i & (~i + 1)) --tree_[i - 1];
}

std::size_t Resource::QueueCount::before(std::size_t pos) const {
  std::int64_t sum = 0;
  for (std::size_t i = pos; i > 0; i -= i & (~i + 1)) sum += tree_[i - 1];
  return static_cast<std::size_t>(sum);
}

bool Resource::ByPosition::operator()(const Job* a, const Job* b) const {
  return a->position > b->position;  // the heap's top is the oldest
}

void Resource::enqueue(Job& job) {
  // Positions only order the jobs not yet issued: with none left, they start again from 0, so a
  // resource's counts do not grow with a run built phase by phase.
  if (unissued_ == 0) {
    waiting_.clear();
    enqueued_ = 0;
  }
  ++unissued_;
  job.position = enqueued_++;
  waiting_.push();
  Job*& tail = op_tails_[job.op];
  if (tail)
    tail->next_in_op = &job;
  else
    job.op_head = true;
  tail = &job;
}

void Resource::ready(Job& job) {
  if (job.op_head) ready_heads_.push(&job);
}

void Resource::issue_ready(Picos now, std::vector<Job*>& issued) {
  while (!ready_heads_.empty()) {
    Job* job = ready_heads_.top();
    // Not-yet-issued jobs ahead of it: at kIssueWindow the window ends before it (and before
    // every later head).
    if (waiting_.before(job->position) >= kIssueWindow) break;
    ready_heads_.pop();
    waiting_.issued(job->position);
    --unissued_;
    job->op_head = false;
    if (Job* next = job->next_in_op) {
      next->op_head = true;
      if (next->pending == 0) ready_heads_.push(next);
      job->next_in_op = nullptr;
    } else {
      op_tails_.erase(job->op);  // the operator's last queued job here
    }
    if (job->ready < 0) job->ready = now;
    Picos at = now;
    if (gate_.enabled && in_flight_ == 0 && now - last_end_ > gate_.threshold) {
      // Idle since last_end_, gated from last_end_ + threshold: wake up first.
      gated_ += now - last_end_ - gate_.threshold;
      ++wakes_;
      at = now + gate_.wake;
      static const EnergyComponent kWake = energy_component("wake");
      job->energy.add(kWake, gate_.e_wake_pj);
    }
    const Timing t = issue(*job, at);
    if (t.start < now || t.end < t.start)
      throw std::logic_error(name_ + ": job timing goes backwards");
    job->start = t.start;
    job->end = t.end;
    const Picos from = std::max(t.start, last_end_);
    job->busy = t.end > from ? t.end - from : 0;
    busy_ += job->busy;
    last_end_ = std::max(last_end_, t.end);
    energy_.add(job->energy);
    ++in_flight_;
    issued.push_back(job);
  }
}

void Resource::set_power(double leak_mw, const PowerGate& gate) {
  leak_mw_ = leak_mw;
  gate_ = gate;
}

Picos Resource::gated_ps(Picos span) const {
  if (!gate_.enabled) return 0;
  return gated_ + std::max<Picos>(0, span - last_end_ - gate_.threshold);
}

// The one SystemC process of a run: at each time something ends, it retires the jobs that end
// then (by end, then issue order) and lets the resources that a retirement woke issue, in the
// order they were woken, until nothing more happens at that time; then it sleeps until the next
// end. A job issued with zero duration retires in the next round of the same time, as a delta
// cycle would. Phases (run_phases) are loaded as their triggers end and handed back, oldest
// first, once all their jobs have ended.
class Scheduler : public sc_core::sc_module {
 public:
  Scheduler(const sc_core::sc_module_name& name, PhaseSource& source)
      : sc_core::sc_module(name), source_(source) {
    SC_HAS_PROCESS(Scheduler);
    SC_METHOD(step);
    sensitive << event_;
    load_next(0);
    finish_phases();
  }

  std::exception_ptr error() const { return error_; }
  // Jobs of phases not handed back: 0 after a complete run.
  std::size_t unfinished() const {
    std::size_t n = 0;
    for (const Phase& p : phases_) n += p.graph->jobs().size() - p.retired;
    return n;
  }

 private:
  struct InFlight {
    Picos end;
    std::size_t seq;
    Job* job;
    bool operator>(const InFlight& o) const { return end != o.end ? end > o.end : seq > o.seq; }
  };
  struct Phase {
    JobGraph* graph = nullptr;
    std::size_t retired = 0;
  };

  std::uint32_t next_index() const {
    return static_cast<std::uint32_t>(first_phase_ + phases_.size());
  }

  // Builds and readies the next phases at `now`: the next one, and while a phase has no trigger,
  // the one after it.
  void load_next(Picos now) {
    for (;;) {
      JobGraph* graph = source_.next();
      if (!graph) return;
      const std::uint32_t index = next_index();
      for (Job& job : graph->jobs()) job.phase = index;
      phases_.push_back({graph, 0});
      for (Job& job : graph->jobs()) {
        if (job.pending != 0) continue;
        // Built before the run, it would have been ready earlier than now.
        if (index > 0 && job.ready != now)
          throw std::logic_error("phase " + std::to_string(index) + ": job " +
                                 std::to_string(job.id) + " on " + job.resource->name() +
                                 (job.ready < 0 ? std::string(" waits for nothing")
                                                : " waits only for jobs ended by " +
                                                      std::to_string(job.ready) + " ps") +
                                 ", so it could have started before its phase was built at " +
                                 std::to_string(now) + " ps");
        job.ready = now;
        job.resource->ready(job);
        wake(*job.resource);
      }
      for (Job* trigger : graph->next_triggers()) {
        if (trigger->retired)
          throw std::logic_error("phase " + std::to_string(index + 1) +
                                 ": a trigger ended before the phase that names it was built");
        trigger->builds = index + 1;
      }
      if (!graph->next_triggers().empty()) return;
    }
  }

  // Hands back the oldest phases whose jobs have all ended.
  void finish_phases() {
    while (!phases_.empty() && phases_.front().retired == phases_.front().graph->jobs().size()) {
      source_.finished(*phases_.front().graph);
      phases_.pop_front();
      ++first_phase_;
    }
  }

  void wake(Resource& r) {
    if (r.woken_) return;
    r.woken_ = true;
    woken_.push_back(&r);
  }

  void retire(Job& job, Picos now) {
    job.resource->retired();
    job.retired = true;
    for (Job* s : job.successors) {
      if (--s->pending != 0) continue;
      s->ready = now;
      s->resource->ready(*s);
      wake(*s->resource);
    }
    Phase& p = phases_[job.phase - first_phase_];
    ++p.retired;
    if (job.builds != 0 && job.builds == next_index()) load_next(now);
    if (job.phase == first_phase_) finish_phases();
  }

  void step() {
    try {
      advance();
    } catch (...) {
      if (!error_) error_ = std::current_exception();
      sc_core::sc_stop();
    }
  }

  void advance() {
    const Picos now = now_ps();
    for (;;) {
      while (!in_flight_.empty() && in_flight_.top().end <= now) {
        Job* job = in_flight_.top().job;
        in_flight_.pop();
        retire(*job, now);
      }
      if (woken_.empty()) break;
      batch_.swap(woken_);
      for (Resource* r : batch_) {
        r->woken_ = false;
        issued_.clear();
        r->issue_ready(now, issued_);
        for (Job* job : issued_) in_flight_.push({job->end, seq_++, job});
      }
      batch_.clear();
    }
    if (!in_flight_.empty())
      event_.notify(
          sc_core::sc_time::from_value(static_cast<sc_dt::uint64>(in_flight_.top().end - now)));
  }

  PhaseSource& source_;
  std::deque<Phase> phases_;
  std::uint32_t first_phase_ = 0;  // the phase of phases_.front()
  sc_core::sc_event event_;
  std::priority_queue<InFlight, std::vector<InFlight>, std::greater<InFlight>> in_flight_;
  std::vector<Resource*> woken_, batch_;
  std::vector<Job*> issued_;
  std::size_t seq_ = 0;
  std::exception_ptr error_;
};

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

void run_phases(PhaseSource& source) {
  std::size_t unfinished = 0;
  {
    Scheduler scheduler("scheduler", source);
    sc_core::sc_start();
    if (std::exception_ptr error = scheduler.error()) std::rethrow_exception(error);
    unfinished = scheduler.unfinished();
  }
  if (unfinished != 0)
    throw std::logic_error("a job never ran: the schedule has a dependency cycle");
}

namespace {
// The jobs of one graph built before the run: a single phase.
class WholeGraph : public PhaseSource {
 public:
  explicit WholeGraph(JobGraph& graph) : graph_(&graph) {}
  JobGraph* next() override { return std::exchange(graph_, nullptr); }
  void finished(JobGraph&) override {}

 private:
  JobGraph* graph_;
};
}  // namespace

void run_jobs(JobGraph& graph) {
  WholeGraph source(graph);
  run_phases(source);
}

}  // namespace aimcsim
