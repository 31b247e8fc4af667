// The production-mode SQL webhook queue (SPEC §6) on PostgreSQL: two tables next to the store's,
// claims with FOR UPDATE SKIP LOCKED so any number of instances and workers share one queue.
#pragma once

#include <atomic>
#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "domain/webhook_queue.hpp"
#include "store/postgres/connection_pool.hpp"
#include "store/sql/claim_signal.hpp"
#include "store/sql/group_commit.hpp"

namespace lso::store::postgres {

struct PostgresQueueOptions {
  std::string url;                               // postgres:// or postgresql:// URI
  std::chrono::milliseconds lease{30000};        // a claim not settled by then is claimable again
  std::chrono::milliseconds pollInterval{100};   // how often a waiting claim looks for due work
  int poolSize = 4;                              // the queue's own connections
  std::chrono::milliseconds connectTimeout{5000};
  std::chrono::milliseconds statementTimeout{5000};
};

class PostgresWebhookQueue final : public domain::WebhookQueue {
 public:
  // Connects and creates the tables when missing. Throws AppError(Unavailable) when the server
  // cannot be reached.
  explicit PostgresWebhookQueue(PostgresQueueOptions options);
  ~PostgresWebhookQueue() override;

  std::string_view backend() const override { return "postgresql"; }
  bool enqueue(std::string_view id, std::string_view body) override;
  std::optional<domain::WebhookJob> claim(std::chrono::milliseconds wait) override;
  void complete(const domain::WebhookJob& job) override;
  void retry(const domain::WebhookJob& job, std::chrono::milliseconds delay,
             std::string_view error) override;
  void bury(const domain::WebhookJob& job, std::string_view error) override;
  domain::QueueCounts counts() override;
  void close() override;

 private:
  struct EnqueueRequest;
  struct ClaimRequest;

  void enqueue_batch(std::vector<EnqueueRequest*>& batch);
  void insert_batch(Connection& connection, std::vector<EnqueueRequest*>& batch);
  void claim_batch(std::vector<ClaimRequest*>& batch);

  const PostgresQueueOptions options_;
  ConnectionPool pool_;
  sql::GroupCommit<EnqueueRequest> enqueues_;
  sql::GroupCommit<ClaimRequest> claims_;
  sql::ClaimSignal signal_;
  std::atomic<std::int64_t> completed_{0};
  std::atomic<std::int64_t> failed_{0};
};

}  // namespace lso::store::postgres
