// SqliteWebhookQueue: the tables, the statements, and the writes behind LeasedQueue.
#include "store/sqlite/sqlite_webhook_queue.hpp"

#include <array>
#include <utility>
#include <vector>

#include "store/sqlite/connection.hpp"
#include "util/time.hpp"

namespace lso::store::sqlite {
namespace {

// Times are int64 microseconds since the epoch, like the store's. The wall clock (not a steady
// one) because leases are compared by every process sharing the file.
std::int64_t now_micros() {
  return std::chrono::duration_cast<std::chrono::microseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

std::int64_t micros(std::chrono::milliseconds d) {
  return std::chrono::duration_cast<std::chrono::microseconds>(d).count();
}

// seq orders the queue (FIFO); id is the dedup key while a job is queued. A row is claimable when
// it is due (available_at) and not leased (locked_until NULL or past). attempt counts claims.
constexpr const char* kSchema = R"sql(
CREATE TABLE IF NOT EXISTS webhook_jobs (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  id TEXT NOT NULL UNIQUE,
  body BLOB NOT NULL,
  attempt INTEGER NOT NULL DEFAULT 0,
  available_at INTEGER NOT NULL,
  locked_until INTEGER,
  last_error TEXT,
  created_at INTEGER NOT NULL,
  leased_by TEXT
);
CREATE TABLE IF NOT EXISTS webhook_dead_letters (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  id TEXT NOT NULL,
  body BLOB NOT NULL,
  attempts INTEGER NOT NULL,
  last_error TEXT,
  died_at INTEGER NOT NULL
);
)sql";

enum Stmt : std::size_t {
  SyncFull,
  SyncNormal,
  Insert,
  Claim,
  Complete,
  Retry,
  CopyToDead,
  Delete,
  CountJobs,
  CountDead,
  Release,
  ListDead,
  FindDead,
  RequeueDead,
  DeleteDead,
  Renew,
  ReleaseOwner,
  StmtCount_
};

// Complete, retry and bury act only while the row is still leased by the claim that made `job`
// (same attempt): after a lease expired and another worker took the job over, the stale worker's
// late call must not delete or re-schedule the new claim.
constexpr std::array<std::string_view, StmtCount_> kSql = {
    "PRAGMA synchronous = FULL",
    "PRAGMA synchronous = NORMAL",
    "INSERT INTO webhook_jobs (id, body, available_at, created_at) VALUES (?1, ?2, ?3, ?3) "
    "ON CONFLICT (id) DO NOTHING",
    "UPDATE webhook_jobs SET locked_until = ?2, attempt = attempt + 1, leased_by = ?4 "
    "WHERE seq IN ("
    "SELECT seq FROM webhook_jobs WHERE available_at <= ?1 "
    "AND (locked_until IS NULL OR locked_until <= ?1) ORDER BY seq LIMIT ?3) "
    "RETURNING seq, id, body, attempt",
    "DELETE FROM webhook_jobs WHERE seq = ?1 AND attempt = ?2 AND locked_until IS NOT NULL",
    "UPDATE webhook_jobs SET locked_until = NULL, available_at = ?3, last_error = ?4 "
    "WHERE seq = ?1 AND attempt = ?2 AND locked_until IS NOT NULL",
    "INSERT INTO webhook_dead_letters (id, body, attempts, last_error, died_at) "
    "SELECT id, body, attempt, ?3, ?4 FROM webhook_jobs "
    "WHERE seq = ?1 AND attempt = ?2 AND locked_until IS NOT NULL",
    "DELETE FROM webhook_jobs WHERE seq = ?1 AND attempt = ?2 AND locked_until IS NOT NULL",
    "SELECT count(*) FILTER (WHERE locked_until IS NULL OR locked_until <= ?1), "
    "count(*) FILTER (WHERE locked_until > ?1) FROM webhook_jobs",
    "SELECT count(*) FROM webhook_dead_letters",
    "UPDATE webhook_jobs SET locked_until = NULL, attempt = attempt - 1 "
    "WHERE seq = ?1 AND attempt = ?2 AND locked_until IS NOT NULL",
    "SELECT seq, id, attempts, last_error, died_at, length(body) FROM webhook_dead_letters "
    "WHERE seq > ?1 ORDER BY seq LIMIT ?2",
    "SELECT seq, id, attempts, last_error, died_at, length(body), body FROM webhook_dead_letters "
    "WHERE seq = ?1",
    // A replayed job starts over: attempt 0 (the claim makes it 1), due now. An id queued
    // already keeps its job (the upsert inserts nothing).
    "INSERT INTO webhook_jobs (id, body, available_at, created_at) "
    "SELECT id, body, ?2, ?2 FROM webhook_dead_letters WHERE seq = ?1 "
    "ON CONFLICT (id) DO NOTHING",
    "DELETE FROM webhook_dead_letters WHERE seq = ?1",
    "UPDATE webhook_jobs SET locked_until = ?3 "
    "WHERE seq = ?1 AND attempt = ?2 AND locked_until IS NOT NULL",
    // A restarted instance's claims of its previous run: unleased as if never claimed.
    "UPDATE webhook_jobs SET locked_until = NULL, attempt = attempt - 1 "
    "WHERE leased_by = ?1 AND locked_until IS NOT NULL",
};

}  // namespace

// The queue's connection and its statements, prepared once. Callers hold dbMutex_.
struct SqliteWebhookQueue::Database {
  explicit Database(const SqliteQueueOptions& options)
      : connection(options.path, Connection::Mode::ReadWrite, options.busyTimeout) {
    connection.transaction(Connection::Begin::Immediate, [&] {
      connection.execute(kSchema);
      // Files made before leases had an owner get the column (SQLite has no ADD COLUMN IF NOT
      // EXISTS).
      if (connection.exec_text(
              "SELECT 1 FROM pragma_table_info('webhook_jobs') WHERE name = 'leased_by'", {}) ==
          0) {
        connection.execute("ALTER TABLE webhook_jobs ADD COLUMN leased_by TEXT");
      }
    });
    for (std::size_t i = 0; i < StmtCount_; ++i) {
      statements[i] = connection.keep(kSql[i]);
    }
  }

  Connection::Call call(Stmt which) { return Connection::Call(connection, statements[which]); }

  // Runs fn inside BEGIN IMMEDIATE … COMMIT: the write lock is taken up front, so a concurrent
  // writer in another process makes us wait (busy timeout) instead of failing at COMMIT.
  template <class Fn>
  void write(bool fsync, Fn&& fn) {
    if (!fsync) {
      connection.transaction(Connection::Begin::Immediate, fn);
      return;
    }
    call(SyncFull).run();
    // Back to NORMAL whatever happens: only enqueue batches pay for the fsync.
    struct RestoreSync {
      Database& db;
      ~RestoreSync() { db.connection.run_quietly(db.statements[SyncNormal]); }
    } restore{*this};
    connection.transaction(Connection::Begin::Immediate, fn);
  }

  Connection connection;
  std::array<Connection::Statement, StmtCount_> statements;
};

SqliteWebhookQueue::SqliteWebhookQueue(SqliteQueueOptions options)
    : LeasedQueue(options.leasing, 4096),
      options_(std::move(options)),
      db_(std::make_unique<Database>(options_)) {
  if (!settings().owner.empty()) {
    const std::lock_guard lock(dbMutex_);
    db_->write(false, [&] { db_->call(ReleaseOwner).bind_text(1, settings().owner).run(); });
  }
}

SqliteWebhookQueue::~SqliteWebhookQueue() {
  release_ahead();
}

void SqliteWebhookQueue::store_jobs(std::vector<Enqueue*>& batch) {
  const std::lock_guard lock(dbMutex_);
  const auto now = now_micros();
  // A failed batch (the whole transaction rolled back) reports the error to every caller, so
  // `stored` is only trusted when the commit succeeded.
  db_->write(options_.fsyncEnqueue, [&] {
    for (auto* request : batch) {
      auto insert = db_->call(Insert);
      insert.bind_text(1, request->id).bind_blob(2, request->body).bind(3, now);
      request->stored = insert.run() == 1;
    }
  });
}

std::vector<sql::LeasedQueue::Claimed> SqliteWebhookQueue::lease_jobs(std::size_t limit) {
  std::vector<Claimed> jobs;
  const std::lock_guard lock(dbMutex_);
  const auto now = now_micros();
  db_->write(false, [&] {
    jobs.clear();
    auto claim = db_->call(Claim);
    claim.bind(1, now)
        .bind(2, now + micros(settings().lease))
        .bind(3, static_cast<std::int64_t>(limit))
        .bind_text(4, settings().owner);
    while (claim.step()) {
      Claimed c;
      c.seq = claim.int64(0);
      c.job.receipt = std::to_string(c.seq);
      c.job.id = claim.bytes(1);
      c.job.body = claim.bytes(2);
      c.job.attempt = static_cast<int>(claim.int64(3));
      jobs.push_back(std::move(c));
    }
  });
  return jobs;
}

void SqliteWebhookQueue::unlease_jobs(const std::vector<domain::WebhookJob>& jobs) {
  const std::lock_guard lock(dbMutex_);
  db_->write(false, [&] {
    for (const auto& job : jobs) {
      auto update = db_->call(Release);
      update.bind(1, sql::receipt_seq(job)).bind(2, job.attempt).run();
    }
  });
}

void SqliteWebhookQueue::extend_leases(std::span<const domain::WebhookJob> jobs) {
  const std::lock_guard lock(dbMutex_);
  const auto until = now_micros() + micros(settings().lease);
  db_->write(false, [&] {
    for (const auto& job : jobs) {
      auto update = db_->call(Renew);
      update.bind(1, sql::receipt_seq(job)).bind(2, job.attempt).bind(3, until).run();
    }
  });
}

// One transaction for a batch of completions (see LeasedQueue::complete).
void SqliteWebhookQueue::delete_completed(std::vector<Completion*>& batch) {
  std::int64_t changed = 0;
  {
    const std::lock_guard lock(dbMutex_);
    db_->write(false, [&] {
      changed = 0;
      for (const auto* request : batch) {
        auto del = db_->call(Complete);
        changed += del.bind(1, request->seq).bind(2, request->attempt).run();
      }
    });
  }
  count_completed(changed);
}

void SqliteWebhookQueue::retry(const domain::WebhookJob& job, std::chrono::milliseconds delay,
                               std::string_view error) {
  const auto seq = sql::receipt_seq(job);
  {
    const std::lock_guard lock(dbMutex_);
    db_->write(false, [&] {
      auto update = db_->call(Retry);
      update.bind(1, seq)
          .bind(2, job.attempt)
          .bind(3, now_micros() + micros(delay))
          .bind_text(4, error)
          .run();
    });
  }
  count_failed();
  // A retry without delay is claimable now; a delayed one is found by the waiters' polling.
  if (delay.count() <= 0) {
    work_arrived();
  }
}

void SqliteWebhookQueue::bury(const domain::WebhookJob& job, std::string_view error) {
  const auto seq = sql::receipt_seq(job);
  {
    const std::lock_guard lock(dbMutex_);
    db_->write(false, [&] {
      auto copy = db_->call(CopyToDead);
      if (copy.bind(1, seq).bind(2, job.attempt).bind_text(3, error).bind(4, now_micros()).run() ==
          0) {
        return;  // no longer ours: another worker has taken the job over
      }
      auto del = db_->call(Delete);
      del.bind(1, seq).bind(2, job.attempt).run();
    });
  }
  count_failed();
}

namespace {

// A row of ListDead / FindDead; the body when the statement has it (column 6).
domain::DeadJob dead_job_from(const auto& row, bool withBody) {
  domain::DeadJob dead;
  dead.id = std::to_string(row.int64(0));
  dead.webhookId = row.bytes(1);
  dead.attempts = static_cast<int>(row.int64(2));
  dead.lastError = row.bytes(3);
  dead.diedAt = util::from_epoch_micros(row.int64(4));
  dead.bodySize = row.int64(5);
  if (withBody) dead.body = row.bytes(6);
  return dead;
}

}  // namespace

std::vector<domain::DeadJob> SqliteWebhookQueue::dead_rows(std::size_t limit,
                                                           std::int64_t afterSeq) {
  std::vector<domain::DeadJob> out;
  const std::lock_guard lock(dbMutex_);
  auto list = db_->call(ListDead);
  list.bind(1, afterSeq).bind(2, static_cast<std::int64_t>(limit));
  while (list.step()) out.push_back(dead_job_from(list, false));
  return out;
}

std::optional<domain::DeadJob> SqliteWebhookQueue::dead_row(std::int64_t seq) {
  const std::lock_guard lock(dbMutex_);
  auto find = db_->call(FindDead);
  find.bind(1, seq);
  if (!find.step()) return std::nullopt;
  return dead_job_from(find, true);
}

// BEGIN IMMEDIATE holds the file's write lock across both statements, so a replay of the same
// row by another process (or instance) runs after this one and finds the row gone.
bool SqliteWebhookQueue::requeue_dead_row(std::int64_t seq) {
  bool moved = false;
  const std::lock_guard lock(dbMutex_);
  db_->write(false, [&] {
    auto requeue = db_->call(RequeueDead);
    requeue.bind(1, seq).bind(2, now_micros()).run();
    auto del = db_->call(DeleteDead);
    moved = del.bind(1, seq).run() == 1;
  });
  return moved;
}

bool SqliteWebhookQueue::delete_dead_row(std::int64_t seq) {
  bool deleted = false;
  const std::lock_guard lock(dbMutex_);
  db_->write(false, [&] {
    auto del = db_->call(DeleteDead);
    deleted = del.bind(1, seq).run() == 1;
  });
  return deleted;
}

domain::QueueCounts SqliteWebhookQueue::counts() {
  domain::QueueCounts counts;
  {
    const std::lock_guard lock(dbMutex_);
    auto jobs = db_->call(CountJobs);
    jobs.bind(1, now_micros());
    if (jobs.step()) {
      counts.waiting = jobs.int64(0);
      counts.active = jobs.int64(1);
    }
    auto dead = db_->call(CountDead);
    if (dead.step()) {
      counts.dead = dead.int64(0);
    }
  }
  return with_local_counts(counts);
}

}  // namespace lso::store::sqlite
