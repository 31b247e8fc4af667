// The production webhook queue (durable before the 200, claimed by one worker) on Redis Streams:
// one stream shared by every instance, read through one consumer group, so each job goes to one
// worker and a crashed instance's jobs are taken over by the others once their lease expires.
#pragma once

#include <atomic>
#include <chrono>
#include <memory>
#include <mutex>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "domain/webhook_queue.hpp"
#include "redis/client.hpp"

namespace lso::redis {

struct WebhookQueueOptions {
  std::string keyPrefix = "lso:";  // every key this queue touches starts with it (tests isolate)
  std::chrono::milliseconds lease{30000};  // a claimed job not settled within it may be taken over
  // This instance's consumer name; empty → hostname:pid:random. A name kept across restarts
  // (INSTANCE_NAME) lets a restarted instance give back its previous claims at once; two
  // running instances must never share one.
  std::string consumer;
  std::chrono::seconds dedupTtl{86400};  // how long an enqueued id refuses duplicates
  // The longest single blocking read: due retries and expired leases are looked for at least
  // this often by each waiting claim().
  std::chrono::milliseconds pollSlice{1000};
};

// Keys (with the default prefix "lso:"):
// - lso:webhooks — stream of jobs {id, body, a = attempt}, consumer group "lso-workers"
// - lso:webhooks:delayed — ZSET of retries: member = old entry id, score = due ms (Redis TIME)
// - lso:webhooks:delayed:jobs — HASH member → msgpack(id, body, attempt)
// - lso:webhooks:dead — stream of buried jobs {id, body, attempts, error, at}; never trimmed
//   by the server (operators list, show, replay and drop its entries: `webhooks dead …`)
// - lso:webhook:queued:<id> — dedup marker; kept for dedupTtl after completion, removed on bury
//
// A job's receipt is "<entry id>/<delivery count>"; complete/retry/bury act only while that
// delivery is still this consumer's, so a worker that lost its lease cannot settle the job twice.
//
// Durability: enqueue() returns once Redis executed the write, so the job survives a crash of
// this instance; surviving a crash of Redis itself needs Redis persistence (appendonly yes;
// appendfsync everysec may lose the last second, `always` loses nothing) — an operator setting.
//
// close() wakes waiting claims at once (CLIENT UNBLOCK on their connections); an entry Redis
// handed to one of them in that instant is given back, claimable by any instance immediately.
class RedisWebhookQueue final : public domain::WebhookQueue {
 public:
  static constexpr const char* kGroup = "lso-workers";

  // Creates the consumer group if missing; a Redis that is down now only makes the first
  // calls fail (the group is created again whenever Redis reports it missing).
  RedisWebhookQueue(Client& client, WebhookQueueOptions options = {});
  ~RedisWebhookQueue() override;

  std::string_view backend() const override { return "redis"; }
  bool enqueue(std::string_view id, std::string_view body) override;
  // One script call per batch (the receiver's intake); enqueue() is a batch of one.
  void enqueue_many(std::span<domain::EnqueueItem> items) override;
  std::optional<domain::WebhookJob> claim(std::chrono::milliseconds wait) override;
  // One script run for the whole batch (instead of one per job).
  std::vector<domain::WebhookJob> claim_ready(std::size_t max) override;
  void complete(const domain::WebhookJob& job) override;
  // One script run for the whole batch.
  void complete_all(std::span<const domain::WebhookJob> jobs) override;
  // XCLAIM … JUSTID by this consumer: the idle time starts over, no delivery is counted.
  void renew(std::span<const domain::WebhookJob> jobs) override;
  // Idle past the lease with one delivery less: the next claim of any instance takes them.
  void release(std::span<const domain::WebhookJob> jobs) override;
  void retry(const domain::WebhookJob& job, std::chrono::milliseconds delay,
             std::string_view error) override;
  void bury(const domain::WebhookJob& job, std::string_view error) override;
  // The dead stream's entries: ids are its entry ids ("1700000000000-0").
  std::vector<domain::DeadJob> list_dead(std::size_t limit,
                                         std::optional<std::string_view> afterId) override;
  std::optional<domain::DeadJob> find_dead(std::string_view id) override;
  // One script: removes the entry and adds the job to the stream as attempt 1.
  bool replay_dead(std::string_view id) override;
  bool drop_dead(std::string_view id) override;
  domain::QueueCounts counts() override;
  void close() override;

  const std::string& consumer() const { return consumer_; }

 private:
  // Runs a script; when Redis reports the group missing (a Redis restart without persistence,
  // FLUSHALL) creates it and runs the script once more.
  Reply run(const Script& script, std::span<const std::string_view> keys,
            std::span<const std::string_view> args);
  Reply run(const Script& script, std::initializer_list<std::string_view> keys,
            std::initializer_list<std::string_view> args) {
    return run(script, std::span<const std::string_view>(keys.begin(), keys.size()),
               std::span<const std::string_view>(args.begin(), args.size()));
  }
  // Runs a settle script (complete, retry, bury) for the job; false when the job was no longer
  // this worker's to settle (its lease ran out and it was taken over).
  bool settle(const Script& script, const domain::WebhookJob& job,
              std::initializer_list<std::string_view> keys,
              std::initializer_list<std::string_view> extra);
  void ensure_group();
  // An idle time well past the lease: an entry given it is taken by the next look for expired
  // leases.
  std::string idle_past_lease() const;
  // Runs a script over jobs' receipts: ARGV = head, then entry id, deliveries per job; returns
  // its integer reply (0 without a job of this queue).
  std::size_t run_for_jobs(const Script& script, std::span<const domain::WebhookJob> jobs,
                           std::initializer_list<std::string_view> head);
  // Runs the claim script for up to `max` jobs; nextDueMs gets the wait until the next retry is
  // due (-1: none) when no job came.
  std::vector<domain::WebhookJob> claim_script_run(std::size_t max, std::int64_t& nextDueMs);
  // How often this instance looks for other consumers' expired leases (at most).
  static constexpr std::chrono::milliseconds kReclaimEvery{1000};
  // One XREADGROUP … BLOCK on a dedicated connection; nullopt when nothing came or closed.
  std::optional<domain::WebhookJob> blocking_read(std::chrono::milliseconds block);
  // A connection for blocking reads and its CLIENT ID (for CLIENT UNBLOCK).
  struct Reader {
    std::unique_ptr<Connection> connection;
    std::string clientId;
  };
  Reader take_reader();
  void return_reader(Reader reader);
  // After close(): ends the reader's pending BLOCK with CLIENT UNBLOCK and collects its reply,
  // so an entry Redis handed over in that instant is not stranded; nullopt if none came in time.
  std::optional<Reply> unblock(Reader& reader);
  // Makes a delivery this instance will not process claimable by any instance at once, with
  // the attempt it had (release() of its first delivery).
  void give_back(const std::string& entryId);

  Client& client_;
  const WebhookQueueOptions options_;
  const std::string consumer_;
  const std::string stream_, delayed_, delayedJobs_, dead_, dedupPrefix_;
  const std::string leaseMs_;
  std::atomic<bool> closed_{false};
  WakeSignal closeSignal_;
  std::atomic<std::int64_t> completed_{0}, failed_{0};
  // steady_clock ticks of the last look for expired leases (0: never, so the first claim looks).
  std::atomic<std::chrono::steady_clock::rep> lastReclaim_{0};
  // The last look filled its batch: more expired leases may remain, the next claim looks again.
  std::atomic<bool> reclaimMore_{false};
  // Connections for blocking reads, one per concurrently waiting claim(): a BLOCK would hold a
  // pooled connection for its whole wait and starve ordinary commands.
  std::mutex readersMutex_;
  std::vector<Reader> readers_;
};

}  // namespace lso::redis
