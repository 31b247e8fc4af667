// What the SQL webhook queues (SQLite, PostgreSQL) share above their SQL: enqueues, claims and
// completions of concurrent callers grouped into one write each, blocking claims with wake-ups
// and polling, jobs leased ahead of demand, shutdown, and this instance's completed / failed
// counters, and the dead-letter list's ids (row numbers). A backend only writes: store_jobs,
// lease_jobs, unlease_jobs, delete_completed, and the dead_* row operations.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <exception>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "domain/webhook_queue.hpp"
#include "store/sql/claim_buffer.hpp"
#include "store/sql/claim_signal.hpp"
#include "util/group_commit.hpp"

namespace lso::store::sql {

struct LeaseSettings {
  std::chrono::milliseconds lease{30000};       // a claim not settled by then is claimable again
  std::chrono::milliseconds pollInterval{100};  // how often a waiting claim looks for due work
  // Jobs leased beyond the workers asking, served to the next claims from memory: fewer write
  // transactions per job. Given back on close() and when older than lease / 4.
  int claimAhead = 16;
  // Who holds the leases this queue makes (INSTANCE_NAME). A queue opened with the name of a
  // previous run gives that run's unsettled claims back at once; empty: no name, nothing given
  // back (they return after their lease). Two running instances must never share a name.
  std::string owner;
};

class LeasedQueue : public domain::WebhookQueue {
 public:
  // Enqueues of concurrent callers share one write (group commit); a receiver's batch goes to
  // one write directly. Either wakes this instance's waiting claims when something was stored.
  bool enqueue(std::string_view id, std::string_view body) final;
  void enqueue_many(std::span<domain::EnqueueItem> items) final;
  std::optional<domain::WebhookJob> claim(std::chrono::milliseconds wait) final;
  // Completions of concurrent workers share one write (group commit); a worker's whole batch
  // goes to one write directly.
  void complete(const domain::WebhookJob& job) final;
  void complete_all(std::span<const domain::WebhookJob> jobs) final;
  void renew(std::span<const domain::WebhookJob> jobs) final;
  // Unleases them (attempt - 1) and wakes this instance's waiting claims.
  void release(std::span<const domain::WebhookJob> jobs) final;
  // Wakes the waiting claims and gives the jobs leased ahead back to the queue.
  void close() final;
  // Dead letters by row number: an id that is not one (a Redis entry id, a typo) names none.
  std::vector<domain::DeadJob> list_dead(std::size_t limit,
                                         std::optional<std::string_view> afterId) final;
  std::optional<domain::DeadJob> find_dead(std::string_view id) final;
  // Wakes this instance's waiting claims when the job came back.
  bool replay_dead(std::string_view id) final;
  bool drop_dead(std::string_view id) final;

 protected:
  struct Claimed {
    std::int64_t seq = 0;  // the queue order; also the receipt
    domain::WebhookJob job;
  };

  // maxEnqueueBatch bounds one enqueue write of concurrent enqueue() callers.
  LeasedQueue(const LeaseSettings& settings, std::size_t maxEnqueueBatch);

  // One durable write storing the jobs (a job whose id is still queued is not stored twice):
  // sets `stored`, or `refused` for a job whose value alone the database refuses; throws when
  // the whole write failed.
  struct Enqueue {
    std::string_view id;
    std::string_view body;
    bool stored = false;
    std::exception_ptr refused;
  };
  virtual void store_jobs(std::vector<Enqueue*>& batch) = 0;

  // One transaction leasing up to `limit` due jobs (lowest seq first) for settings().lease,
  // attempt + 1 each; returned in any order.
  virtual std::vector<Claimed> lease_jobs(std::size_t limit) = 0;
  // Undoes lease_jobs for jobs no worker received: unleased, attempt - 1, if still ours.
  virtual void unlease_jobs(const std::vector<domain::WebhookJob>& jobs) = 0;
  // One write extending the leases of the jobs still leased by the claim that made them to
  // settings().lease from now.
  virtual void extend_leases(std::span<const domain::WebhookJob> jobs) = 0;
  // One write deleting the completed jobs still leased by the claim that made them (same seq
  // and attempt); counts them with count_completed.
  struct Completion {
    std::int64_t seq;
    std::int64_t attempt;
  };
  virtual void delete_completed(std::vector<Completion*>& batch) = 0;

  // The dead-letter rows (webhook_dead_letters), by seq. dead_rows: up to `limit` rows with
  // seq > afterSeq in seq order, without bodies; dead_row: one row with its body.
  virtual std::vector<domain::DeadJob> dead_rows(std::size_t limit, std::int64_t afterSeq) = 0;
  virtual std::optional<domain::DeadJob> dead_row(std::int64_t seq) = 0;
  // One transaction deleting the row and storing its job as new (attempt 0, due now; nothing is
  // stored when its id is queued already); false when there was no row. A concurrent call for
  // the same row must find it gone, so the job is stored once at most.
  virtual bool requeue_dead_row(std::int64_t seq) = 0;
  virtual bool delete_dead_row(std::int64_t seq) = 0;

  // For the derived class's destructor (this one cannot call unlease_jobs any more).
  void release_ahead() noexcept;
  // After new work was stored by this instance: wakes its waiting claims.
  void work_arrived() { signal_.notify(); }
  // Adds this instance's counters to the database's counts, leased-ahead jobs as waiting.
  domain::QueueCounts with_local_counts(domain::QueueCounts counts);
  void count_completed(std::int64_t n) { completed_ += n; }
  void count_failed() { ++failed_; }
  const LeaseSettings& settings() const { return settings_; }

 private:
  struct ClaimRequest {
    std::optional<domain::WebhookJob> job;
  };
  std::optional<domain::WebhookJob> try_claim();
  void store_and_wake(std::vector<Enqueue*>& batch);
  void claim_batch(std::vector<ClaimRequest*>& batch);

  const LeaseSettings settings_;
  ClaimSignal signal_;
  ClaimBuffer ahead_;
  util::GroupCommit<Enqueue> enqueues_;
  util::GroupCommit<ClaimRequest> claims_;
  util::GroupCommit<Completion> completions_;
  std::atomic<std::int64_t> completed_{0};
  std::atomic<std::int64_t> failed_{0};
};

// The receipt of a job leased by a LeasedQueue: its seq. Throws AppError(Internal) otherwise.
std::int64_t receipt_seq(const domain::WebhookJob& job);

}  // namespace lso::store::sql
