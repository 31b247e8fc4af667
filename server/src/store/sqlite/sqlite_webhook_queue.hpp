// The embedded-mode webhook queue: two tables in the store's SQLite file, enqueue made
// durable by group commit, claims leased so that a crashed process's jobs come back.
#pragma once

#include <chrono>
#include <memory>
#include <mutex>
#include <string>

#include "store/sql/leased_queue.hpp"

namespace lso::store::sqlite {

struct SqliteQueueOptions {
  std::string path;  // the database file (the store's); ":memory:" works for one process only
  sql::LeaseSettings leasing;                   // lease, poll interval, jobs leased ahead
  std::chrono::milliseconds busyTimeout{5000};  // wait for another connection's write lock
  // FULL: a returned enqueue() survives power loss (one WAL fsync per group commit). NORMAL:
  // it survives a process crash only. Claims, completions and retries always use NORMAL: losing
  // one to power loss only means a job is delivered once more, which the worker's dedup absorbs.
  bool fsyncEnqueue = true;
};

class SqliteWebhookQueue final : public sql::LeasedQueue {
 public:
  // Opens its own connection (WAL) and creates the tables when missing. Throws
  // AppError(Unavailable) when the file cannot be opened.
  explicit SqliteWebhookQueue(SqliteQueueOptions options);
  ~SqliteWebhookQueue() override;

  std::string_view backend() const override { return "sqlite"; }
  bool writes_one_at_a_time() const override { return true; }
  void retry(const domain::WebhookJob& job, std::chrono::milliseconds delay,
             std::string_view error) override;
  void bury(const domain::WebhookJob& job, std::string_view error) override;
  domain::QueueCounts counts() override;

 private:
  struct Database;

  std::vector<Claimed> lease_jobs(std::size_t limit) override;
  void unlease_jobs(const std::vector<domain::WebhookJob>& jobs) override;
  void extend_leases(std::span<const domain::WebhookJob> jobs) override;
  void store_jobs(std::vector<Enqueue*>& batch) override;
  void delete_completed(std::vector<Completion*>& batch) override;
  std::vector<domain::DeadJob> dead_rows(std::size_t limit, std::int64_t afterSeq) override;
  std::optional<domain::DeadJob> dead_row(std::int64_t seq) override;
  bool requeue_dead_row(std::int64_t seq) override;
  bool delete_dead_row(std::int64_t seq) override;

  const SqliteQueueOptions options_;
  // One connection, one writer at a time: SQLite serialises writers anyway, and one in-process
  // mutex avoids the busy-handler sleeps two of our own connections would cause each other.
  std::mutex dbMutex_;
  std::unique_ptr<Database> db_;
};

}  // namespace lso::store::sqlite
