// The production-mode SQL webhook queue on PostgreSQL: two tables next to the store's,
// claims with FOR UPDATE SKIP LOCKED so any number of instances and workers share one queue.
#pragma once

#include <chrono>
#include <string>
#include <vector>

#include "store/postgres/connection_pool.hpp"
#include "store/sql/leased_queue.hpp"

namespace lso::store::postgres {

struct PostgresQueueOptions {
  std::string url;             // postgres:// or postgresql:// URI
  sql::LeaseSettings leasing;  // lease, poll interval, jobs leased ahead
  int poolSize = 3;            // connections for claims, completions, retries and counts
  std::chrono::milliseconds connectTimeout{5000};
  std::chrono::milliseconds statementTimeout{5000};
};

class PostgresWebhookQueue final : public sql::LeasedQueue {
 public:
  // Connects and creates the tables when missing. Throws AppError(Unavailable) when the server
  // cannot be reached.
  explicit PostgresWebhookQueue(PostgresQueueOptions options);
  ~PostgresWebhookQueue() override;

  std::string_view backend() const override { return "postgresql"; }
  void retry(const domain::WebhookJob& job, std::chrono::milliseconds delay,
             std::string_view error) override;
  void bury(const domain::WebhookJob& job, std::string_view error) override;
  domain::QueueCounts counts() override;

 private:
  std::vector<Claimed> lease_jobs(std::size_t limit) override;
  void unlease_jobs(const std::vector<domain::WebhookJob>& jobs) override;
  void extend_leases(std::span<const domain::WebhookJob> jobs) override;
  void store_jobs(std::vector<Enqueue*>& batch) override;
  void insert_batch(Connection& connection, std::vector<Enqueue*>& batch);
  void delete_completed(std::vector<Completion*>& batch) override;
  std::vector<domain::DeadJob> dead_rows(std::size_t limit, std::int64_t afterSeq) override;
  std::optional<domain::DeadJob> dead_row(std::int64_t seq) override;
  bool requeue_dead_row(std::int64_t seq) override;
  bool delete_dead_row(std::int64_t seq) override;

  const PostgresQueueOptions options_;
  // Enqueues commit durably (synchronous_commit as the server says, normally on): the receiver
  // answers 200 on the strength of it. One connection: group commit has one writer at a time.
  ConnectionPool enqueuePool_;
  // Everything else runs with synchronous_commit = off: a claim, completion or retry that a
  // server crash loses only makes a job come back once more, which the worker's dedup absorbs.
  ConnectionPool workPool_;
};

}  // namespace lso::store::postgres
