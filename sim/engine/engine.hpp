#pragma once
#include <cstdint>
#include <iterator>
#include <memory>
#include <queue>
#include <string>
#include <systemc>
#include <unordered_map>
#include <vector>

#include "sim/base/energy.hpp"
#include "sim/base/units.hpp"

namespace aimcsim {

class Resource;
class Scheduler;

// What a job does, for the resource that runs it and for reports and traces.
enum class JobRole : std::uint8_t {
  Mvm,          // a batch of MVMs on a tile
  Transfer,     // X W (or partial sums) from a layer's tiles to its PMCA
  Input,        // a layer's input arriving over a shared bus or mesh
  Lora,         // a whole LoRA chunk on a PMCA: X A, (X A) B and the add
  LoraDown,     // X A alone
  LoraUpAdd,    // (X A) B and the add
  LoraAdapter,  // the adapter work that needs only X: X A and (X A) B (X A alone when the
                // engine fuses the add into (X A) B)
  LoraAdd,      // the rest, which needs X W: the add (or the fused (X A) B + X W)
  Digital,      // a digital operator (attention, norm, ...) with a precomputed duration
};
// "mvm", "xw", "input", "lora", "lora_down", "lora_up_add", "lora_adapter", "lora_add",
// "digital".
const char* job_role_name(JobRole role);

// Which of the two designs a run simulates a job belongs to.
enum class Design : std::uint8_t { AnalogOnly, Hybrid };

// One unit of work on one hardware resource: a batch of MVMs on a tile, a transfer on a link, a
// LoRA chunk on a PMCA. The payload (`count`, `bytes`) is interpreted by the resource; the
// engine only tracks dependencies and records when the job ran.
struct Job {
  std::size_t id = 0;
  Resource* resource = nullptr;
  std::size_t op = 0;      // index of the operator this job serves
  std::int64_t count = 0;  // MVMs, tokens, ...
  std::int64_t bytes = 0;  // bytes moved, for transfers
  JobRole role = JobRole::Digital;
  Design design = Design::Hybrid;  // the JobGraph's design when the job was added
  int block = 0;                   // tiles: the packed weight block the MVMs use (0: the first)
  Picos fixed = -1;                // >= 0: a precomputed duration (digital operators on a PMCA)
  std::vector<Job*> successors;
  int pending = 0;            // unfinished predecessors
  std::size_t position = 0;   // place in its resource's queue (enqueue order)
  Job* next_in_op = nullptr;  // the next queued job of the same operator on the same resource
  bool op_head = false;       // the oldest not-yet-issued job of its operator on its resource
  bool retired = false;       // it has ended and released its successors
  std::uint32_t phase = 0;    // the phase of a run built phase by phase (run_phases)
  std::uint32_t builds = 0;   // > 0: its end builds phase `builds` if that is not built yet
  // ready: when it could start; before that, while built, the latest end of the predecessors
  // that had already ended when it was made to wait for them (-1: none).
  Picos ready = -1, start = -1, end = -1;
  Picos busy = 0;  // time this job added to its resource's busy time
  EnergyBreakdown energy;
};

// Jobs in blocks of kBlock, so they keep their addresses as more are added and a block costs one
// allocation; iterates in the order the jobs were added.
class JobList {
 public:
  static constexpr std::size_t kBlock = 256;

  template <class J>
  class Iterator {
   public:
    using iterator_category = std::forward_iterator_tag;
    using value_type = Job;
    using difference_type = std::ptrdiff_t;
    using pointer = J*;
    using reference = J&;
    Iterator(const JobList* list, std::size_t i) : list_(list), i_(i) {}
    J& operator*() const { return list_->at(i_); }
    J* operator->() const { return &list_->at(i_); }
    Iterator& operator++() {
      ++i_;
      return *this;
    }
    bool operator==(const Iterator& o) const { return i_ == o.i_; }
    bool operator!=(const Iterator& o) const { return i_ != o.i_; }

   private:
    const JobList* list_;
    std::size_t i_;
  };

  Job& emplace_back();
  std::size_t size() const { return size_; }
  Job& back() { return at(size_ - 1); }
  Iterator<Job> begin() { return {this, 0}; }
  Iterator<Job> end() { return {this, size_}; }
  Iterator<const Job> begin() const { return {this, 0}; }
  Iterator<const Job> end() const { return {this, size_}; }

 private:
  Job& at(std::size_t i) const { return blocks_[i / kBlock][i % kBlock]; }
  std::vector<std::unique_ptr<Job[]>> blocks_;
  std::size_t size_ = 0;
};

// The dependency graph of the jobs of a run, or of one phase of it (run_phases). Jobs have
// stable addresses.
class JobGraph {
 public:
  // A new job on `resource`, enqueued there, for operator op_base() + `op`; it belongs to the
  // design set last.
  Job& add(Resource& resource, std::size_t op, std::int64_t count, std::int64_t bytes = 0);
  // `after` waits for `before`; nothing when `before` (of an earlier phase) has already ended.
  void depend(Job& before, Job& after);
  // The next phase of a run built phase by phase is built when the first of the jobs named here
  // ends: the jobs, of this phase or an earlier one, that the next phase's jobs may wait for.
  // With none, it is built right after this one.
  void trigger_next(Job& job) { next_triggers_.push_back(&job); }
  const std::vector<Job*>& next_triggers() const { return next_triggers_; }
  void set_design(Design design) { design_ = design; }
  // Added to the operator index of every job added from now on: the phases of a run that build
  // the same operators again (a decoder's steps) keep their jobs' operators apart.
  void set_op_base(std::size_t base) { op_base_ = base; }
  std::size_t op_base() const { return op_base_; }
  JobList& jobs() { return jobs_; }
  const JobList& jobs() const { return jobs_; }

 private:
  JobList jobs_;
  std::vector<Job*> next_triggers_;
  Design design_ = Design::Hybrid;
  std::size_t op_base_ = 0;
};

// A hardware resource that executes jobs. Jobs of one operator issue in the order they were
// enqueued; jobs of different operators may overtake each other: the resource issues the oldest
// ready job of each operator within a window of kIssueWindow queued jobs (the first kIssueWindow
// jobs of its queue that have not issued, counted as the queue shrinks). A resource is not a
// SystemC process of its own: one kernel process (run_jobs) retires the jobs that end, in the
// order of their ends (ties: the order they were issued), and then lets each resource woken by a
// retirement issue, in the order of the wakes. Per resource, a job's operator keeps its own
// queue, the oldest ready job of each operator waits in a heap by queue position, and a counter
// tree gives the not-yet-issued jobs ahead of one, so issuing costs O(log n) however long the
// queue. Timing is transaction-level: a job's start and end come from the resource's cost model.
class Resource {
 public:
  struct Timing {
    Picos start = 0;
    Picos end = 0;
  };

  static constexpr std::size_t kIssueWindow = 256;

  Resource(std::string name, std::string kind);
  virtual ~Resource() = default;
  Resource(const Resource&) = delete;
  Resource& operator=(const Resource&) = delete;
  const char* name() const { return name_.c_str(); }
  const std::string& resource_kind() const { return kind_; }

  void enqueue(Job& job);

  // Contract: called once per job when the job's predecessors are done and the earlier jobs of
  // its operator on this resource have been issued (not necessarily finished). Returns the
  // job's start and end times (>= now) and may add the job's energy. The resource keeps whatever
  // state it needs (busy-until times, pipeline stage occupancy) to serialise its own jobs.
  virtual Timing issue(Job& job, Picos now) = 0;

  Picos busy_ps() const { return busy_; }
  std::size_t jobs_done() const { return done_count_; }
  const EnergyBreakdown& energy() const { return energy_; }

  // Power gating of the unit(s) behind this resource. With `enabled`, a resource left idle (no
  // job in flight) for longer than `threshold` is gated: it stops leaking until a job needs it,
  // which then starts `wake` later (the wake-up on the critical path where it falls) and adds
  // `e_wake_pj` to its energy as "wake". Simplification: the unit wakes on demand, never ahead of
  // a job it could foresee.
  struct PowerGate {
    bool enabled = false;
    Picos threshold = 0;
    Picos wake = 0;
    double e_wake_pj = 0;
  };
  // `leak_mw`: the leakage of everything behind the resource (every tile of a layer's group).
  void set_power(double leak_mw, const PowerGate& gate);
  double leak_mw() const { return leak_mw_; }
  // Time gated in a run of `span`: each idle stretch past the threshold, the last up to `span`.
  Picos gated_ps(Picos span) const;
  std::int64_t wakes() const { return wakes_; }

 private:
  friend class Scheduler;
  // Marks `job` (enqueued here, its predecessors done) ready to issue once it heads its
  // operator's queue.
  void ready(Job& job);
  // Issues every job the issue window allows at `now`; each issued job goes to `issued`.
  void issue_ready(Picos now, std::vector<Job*>& issued);
  // A job issued here has ended.
  void retired() {
    ++done_count_;
    --in_flight_;
  }

  // Counts of not-yet-issued jobs by queue position (a Fenwick tree that grows as jobs are
  // enqueued), so the window test costs O(log n).
  class QueueCount {
   public:
    void push();                                // a new last position, not issued
    void issued(std::size_t pos);               // position `pos` has issued
    std::size_t before(std::size_t pos) const;  // not-yet-issued positions below `pos`
    void clear() { tree_.clear(); }             // no position

   private:
    std::vector<std::int32_t> tree_;  // 1-based
  };
  struct ByPosition {
    bool operator()(const Job* a, const Job* b) const;
  };

  std::string name_, kind_;
  std::size_t enqueued_ = 0, unissued_ = 0, done_count_ = 0, in_flight_ = 0;
  QueueCount waiting_;
  // The newest queued job of each operator with jobs not yet issued here; the jobs of one
  // operator are linked oldest first through Job::next_in_op, the oldest marked Job::op_head.
  std::unordered_map<std::size_t, Job*> op_tails_;
  std::priority_queue<Job*, std::vector<Job*>, ByPosition> ready_heads_;
  bool woken_ = false;
  Picos busy_ = 0, last_end_ = 0;
  EnergyBreakdown energy_;
  double leak_mw_ = 0;
  PowerGate gate_;
  Picos gated_ = 0;
  std::int64_t wakes_ = 0;
};

Picos now_ps();

// A fresh SystemC simulation context for one run, so a process (a test, a sweep worker) can
// elaborate and simulate more than once. Modules must be destroyed before the context.
class SimulationContext {
 public:
  SimulationContext();
  ~SimulationContext();
  SimulationContext(const SimulationContext&) = delete;
  SimulationContext& operator=(const SimulationContext&) = delete;
};

// Runs the simulation until no job is left; throws std::logic_error if a job never ran (a
// dependency cycle in a strategy). An exception a resource throws while issuing a job stops the
// run and is rethrown here as it was thrown.
void run_jobs(JobGraph& graph);

// The jobs of a run built phase by phase (a workload's blocks, a decoder's steps), so that only
// the phases in flight hold jobs. The next phase is built when the first of the newest phase's
// triggers ends (JobGraph::trigger_next: every job the next phase may wait for), at that point
// of the retirement, after the job's own successors are released. So, provided every job of
// the next phase waits for a trigger or for jobs of its own phase, its jobs are enqueued, become
// ready and are woken exactly as if every phase had been built before the run. A job of a later
// phase that is ready when its phase is built but could have started earlier (it waits for
// nothing, or only for jobs that ended before now) is an error (std::logic_error), as is a
// trigger that ended before its phase was built. A phase with no trigger has the next built
// right after it.
class PhaseSource {
 public:
  virtual ~PhaseSource() = default;
  // The next phase's jobs, or nullptr when there are no more; the source keeps the graph until
  // finished() hands it back. Its jobs may depend on jobs of earlier phases that have not ended.
  virtual JobGraph* next() = 0;
  // A phase whose jobs have all ended, in the order the phases were built; the source may free
  // it now.
  virtual void finished(JobGraph& graph) = 0;
};

// Runs the phases `source` builds until none is left, with run_jobs's errors. A job of a new
// phase with no unfinished predecessor is ready when the phase is built.
void run_phases(PhaseSource& source);

}  // namespace aimcsim
