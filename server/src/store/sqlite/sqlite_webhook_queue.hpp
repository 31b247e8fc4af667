// The embedded-mode webhook queue (SPEC §6): two tables in the store's SQLite file, enqueue made
// durable by group commit, claims leased so that a crashed process's jobs come back.
#pragma once

#include <atomic>
#include <chrono>
#include <memory>
#include <mutex>
#include <string>

#include "domain/webhook_queue.hpp"
#include "store/sql/claim_buffer.hpp"
#include "store/sql/claim_signal.hpp"
#include "store/sql/group_commit.hpp"

namespace lso::store::sqlite {

struct SqliteQueueOptions {
  std::string path;  // the database file (the store's); ":memory:" works for one process only
  std::chrono::milliseconds lease{30000};        // a claim not settled by then is claimable again
  std::chrono::milliseconds pollInterval{100};   // how often a waiting claim looks for due work
  std::chrono::milliseconds busyTimeout{5000};   // wait for another connection's write lock
  // FULL: a returned enqueue() survives power loss (one WAL fsync per group commit). NORMAL:
  // it survives a process crash only. Claims, completions and retries always use NORMAL: losing
  // one to power loss only means a job is delivered once more, which the worker's dedup absorbs.
  bool fsyncEnqueue = true;
  // Jobs leased beyond the workers asking, served to the next claims from memory: fewer write
  // transactions per job. They are given back on close() and when older than lease / 4.
  int claimAhead = 16;
};

class SqliteWebhookQueue final : public domain::WebhookQueue {
 public:
  // Opens its own connection and creates the tables when missing. Throws AppError(Unavailable)
  // when the file cannot be opened.
  explicit SqliteWebhookQueue(SqliteQueueOptions options);
  ~SqliteWebhookQueue() override;

  std::string_view backend() const override { return "sqlite"; }
  bool enqueue(std::string_view id, std::string_view body) override;
  std::optional<domain::WebhookJob> claim(std::chrono::milliseconds wait) override;
  void complete(const domain::WebhookJob& job) override;
  void retry(const domain::WebhookJob& job, std::chrono::milliseconds delay,
             std::string_view error) override;
  void bury(const domain::WebhookJob& job, std::string_view error) override;
  domain::QueueCounts counts() override;
  void close() override;

 private:
  class Database;
  struct EnqueueRequest;
  struct ClaimRequest;
  struct CompleteRequest;

  void enqueue_batch(std::vector<EnqueueRequest*>& batch);
  void claim_batch(std::vector<ClaimRequest*>& batch);
  void complete_batch(std::vector<CompleteRequest*>& batch);
  std::size_t ahead_room();
  // Returns leased, never handed out jobs to the queue as if they had not been claimed.
  void release(const std::vector<domain::WebhookJob>& jobs);

  const SqliteQueueOptions options_;
  // One connection, one writer at a time: SQLite serialises writers anyway, and one in-process
  // mutex avoids the busy-handler sleeps two of our own connections would cause each other.
  std::mutex dbMutex_;
  std::unique_ptr<Database> db_;
  sql::GroupCommit<EnqueueRequest> enqueues_;
  sql::GroupCommit<ClaimRequest> claims_;
  sql::GroupCommit<CompleteRequest> completions_;
  sql::ClaimSignal signal_;
  sql::ClaimBuffer ahead_;
  std::atomic<std::int64_t> completed_{0};
  std::atomic<std::int64_t> failed_{0};
};

}  // namespace lso::store::sqlite
