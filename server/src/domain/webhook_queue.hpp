// The durable webhook queue port: the receiver answers 200 only once enqueue() returned,
// workers claim jobs and apply them. Implementations: SQL tables (SQLite / PostgreSQL, store/) and
// Redis Streams (redis/). Effects are exactly-once because the worker records the webhook id in
// the same database transaction as the effects; the queue itself is at-least-once.
#pragma once

#include <chrono>
#include <cstdint>
#include <exception>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace lso::domain {

struct WebhookJob {
  std::string id;       // LiveKit's event id (the dedup key)
  std::string body;     // the raw webhook body, exactly as received
  int attempt = 1;      // 1 for the first delivery to a worker, 2 for the first retry, …
  std::string receipt;  // implementation-specific handle (row id, stream entry id)
};

struct QueueCounts {
  std::int64_t waiting = 0;    // stored, not claimed (including those waiting for a retry)
  std::int64_t active = 0;     // claimed by a worker right now
  std::int64_t completed = 0;  // completed by this instance since it started
  std::int64_t failed = 0;     // failed attempts on this instance since it started
  std::int64_t dead = 0;       // in the dead-letter list
};

// A job in the dead-letter list, as an operator inspects it.
struct DeadJob {
  // The dead letter's own id (SQL: its row number; Redis: its dead-stream entry id): the same
  // webhook buried twice is two dead letters. show / replay / drop take this id.
  std::string id;
  std::string webhookId;  // LiveKit's event id
  int attempts = 0;       // attempts made before it was buried
  std::string lastError;
  std::chrono::time_point<std::chrono::system_clock, std::chrono::microseconds> diedAt{};
  std::int64_t bodySize = 0;  // bytes
  std::string body;           // find_dead() only: list_dead() leaves it empty
};

// One job of an enqueue_many() call; `stored` / `error` are its outcome.
struct EnqueueItem {
  std::string_view id;
  std::string_view body;
  bool stored = false;       // false: already queued (duplicate)
  std::exception_ptr error;  // this item alone was refused
};

class WebhookQueue {
 public:
  virtual ~WebhookQueue() = default;
  virtual std::string_view backend() const = 0;  // "sqlite" | "postgresql" | "redis"
  // True when its writes run one at a time (SQLite): concurrent enqueue batches only queue.
  virtual bool writes_one_at_a_time() const { return false; }

  // Stores the job durably before returning. A job whose id is still queued is not stored twice
  // (returns false). Throws AppError(Unavailable) when the queue cannot store it.
  virtual bool enqueue(std::string_view id, std::string_view body) = 0;
  // Stores many jobs with as few durable writes as the backend allows (the SQL queues: one
  // transaction), so a receiver can batch without a blocked thread per request. Throws when the
  // whole batch failed. The default stores them one by one.
  virtual void enqueue_many(std::span<EnqueueItem> items) {
    for (auto& item : items) {
      try {
        item.stored = enqueue(item.id, item.body);
      } catch (const std::exception&) {
        if (&item == &items.front()) throw;  // the queue is down: fail the batch fast
        item.error = std::current_exception();
      }
    }
  }

  // Claims the next due job, waiting up to `wait` for one; nullopt when none came. A claimed job
  // is invisible to other workers until completed, retried or buried — or until its lease expires
  // without that (the worker's instance crashed), when any instance may claim it again.
  virtual std::optional<WebhookJob> claim(std::chrono::milliseconds wait) = 0;
  // Claims up to `max` more jobs that are due now, without waiting: a worker filling its batch
  // after claim() handed it one. The default calls claim() without waiting, one job at a time.
  virtual std::vector<WebhookJob> claim_ready(std::size_t max) {
    std::vector<WebhookJob> jobs;
    while (jobs.size() < max) {
      auto job = claim(std::chrono::milliseconds(0));
      if (!job) break;
      jobs.push_back(std::move(*job));
    }
    return jobs;
  }
  virtual void complete(const WebhookJob& job) = 0;
  // Completes a worker's batch; the default completes the jobs one by one. A job no longer
  // this worker's (its lease ran out and it was taken over) is left alone, as by complete().
  virtual void complete_all(std::span<const WebhookJob> jobs) {
    for (const auto& job : jobs) complete(job);
  }
  // Extends the leases of jobs a worker still holds to a full lease from now (a batch taking
  // longer than the lease is not taken over while it is being applied). A job no longer this
  // claim's (settled, or taken over) is left alone. Throws AppError(Unavailable) when the queue
  // cannot be reached.
  virtual void renew(std::span<const WebhookJob> jobs) = 0;
  // Gives jobs back unsettled, claimable at once with the attempt they had: the worker could not
  // try them (the store was unreachable), which is no failure of the jobs. A job no longer this
  // claim's is left alone.
  virtual void release(std::span<const WebhookJob> jobs) = 0;
  // A failed attempt: the job waits `delay`, then is claimable again with attempt + 1.
  virtual void retry(const WebhookJob& job, std::chrono::milliseconds delay,
                     std::string_view error) = 0;
  // The last attempt failed: the job moves to the dead-letter list, kept for operators.
  virtual void bury(const WebhookJob& job, std::string_view error) = 0;

  // --- the dead-letter list (operators: CLI and admin API) ---
  // Up to `limit` dead letters in the order they were buried, after `afterId` (a previous page's
  // last id) when given; bodies are left out.
  virtual std::vector<DeadJob> list_dead(std::size_t limit,
                                         std::optional<std::string_view> afterId = {}) = 0;
  // The dead letter with its body; nullopt when there is none with that id.
  virtual std::optional<DeadJob> find_dead(std::string_view id) = 0;
  // Moves the dead letter back to the waiting jobs as a fresh job (claimed next as attempt 1),
  // in one atomic step: replaying one id twice, or on two instances at once, gives one waiting
  // job at most. When its webhook id is queued already, the dead letter is only removed (the
  // queued job does the work). The worker's dedup record keeps the effects exactly-once even if
  // the job had in fact been applied before it was buried. False when there is no such dead
  // letter (never was, dropped, or replayed already).
  virtual bool replay_dead(std::string_view id) = 0;
  // Deletes the dead letter; false when there is none with that id.
  virtual bool drop_dead(std::string_view id) = 0;
  // Replays every dead letter there is when it is called; returns how many were replayed. The
  // ids are collected first, so a replayed job that dies again is not replayed a second time.
  std::size_t replay_all_dead() {
    constexpr std::size_t kPage = 500;
    std::vector<std::string> ids;
    for (;;) {
      const auto page = ids.empty() ? list_dead(kPage) : list_dead(kPage, ids.back());
      for (const auto& dead : page) ids.push_back(dead.id);
      if (page.size() < kPage) break;
    }
    std::size_t replayed = 0;
    for (const auto& id : ids) replayed += replay_dead(id) ? 1 : 0;
    return replayed;
  }

  virtual QueueCounts counts() = 0;
  // Wakes every claim() waiting and makes later ones return nullopt at once (shutdown).
  virtual void close() = 0;
};

}  // namespace lso::domain
