// SqliteWebhookQueue: the tables, the statements, and the writes behind LeasedQueue.
#include "store/sqlite/sqlite_webhook_queue.hpp"

#include <sqlite3.h>

#include <array>
#include <utility>
#include <vector>

#include "domain/errors.hpp"
#include "store/sqlite/connection.hpp"
#include "util/time.hpp"

namespace lso::store::sqlite {
namespace {

using domain::AppError;
using domain::ErrorKind;

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
  Begin,
  Commit,
  Rollback,
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
constexpr std::array<const char*, StmtCount_> kSql = {
    "BEGIN IMMEDIATE",
    "COMMIT",
    "ROLLBACK",
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

// The queue's connection with its prepared statements. Callers hold dbMutex_.
class SqliteWebhookQueue::Database {
 public:
  Database(const SqliteQueueOptions& options) {
    const int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX;
    const int rc = sqlite3_open_v2(options.path.c_str(), &db_, flags, nullptr);
    if (rc != SQLITE_OK) {
      const std::string message = db_ ? sqlite3_errmsg(db_) : sqlite3_errstr(rc);
      sqlite3_close(db_);
      throw AppError(ErrorKind::Unavailable,
                     "cannot open SQLite webhook queue '" + options.path + "': " + message);
    }
    sqlite3_extended_result_codes(db_, 1);
    sqlite3_busy_timeout(db_, static_cast<int>(options.busyTimeout.count()));
    try {
      exec_script(
          "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; PRAGMA mmap_size = 268435456");
      exec_script("BEGIN IMMEDIATE");
      try {
        exec_script(kSchema);
        add_owner_column();
        exec_script("COMMIT");
      } catch (...) {
        sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
        throw;
      }
      for (std::size_t i = 0; i < StmtCount_; ++i) {
        if (sqlite3_prepare_v3(db_, kSql[i], -1, SQLITE_PREPARE_PERSISTENT, &stmts_[i], nullptr) !=
            SQLITE_OK) {
          raise();
        }
      }
    } catch (...) {
      for (auto* s : stmts_) {
        sqlite3_finalize(s);
      }
      sqlite3_close(db_);
      throw;
    }
  }
  ~Database() {
    for (auto* s : stmts_) {
      sqlite3_finalize(s);
    }
    sqlite3_close(db_);
  }
  Database(const Database&) = delete;
  Database& operator=(const Database&) = delete;

  // A bound statement; reset and unbound when it goes out of scope.
  class Call {
   public:
    Call(Database& db, Stmt which) : db_(db), stmt_(db.stmts_[which]) {}
    ~Call() {
      sqlite3_reset(stmt_);
      sqlite3_clear_bindings(stmt_);
    }
    Call(const Call&) = delete;
    Call& operator=(const Call&) = delete;

    Call& bind(int index, std::int64_t value) {
      check(sqlite3_bind_int64(stmt_, index, value));
      return *this;
    }
    // SQLITE_STATIC: the caller's text outlives the statement's use (reset unbinds it).
    Call& bind_text(int index, std::string_view text) {
      check(sqlite3_bind_text64(stmt_, index, text.empty() ? "" : text.data(), text.size(),
                                SQLITE_STATIC, SQLITE_UTF8));
      return *this;
    }
    Call& bind_blob(int index, std::string_view bytes) {
      check(sqlite3_bind_blob64(stmt_, index, bytes.empty() ? "" : bytes.data(), bytes.size(),
                                SQLITE_STATIC));
      return *this;
    }
    // Steps once: true when a row is available.
    bool step() {
      const int rc = sqlite3_step(stmt_);
      if (rc == SQLITE_ROW) {
        return true;
      }
      if (rc == SQLITE_DONE) {
        return false;
      }
      db_.raise();
    }
    // Runs a statement returning no rows; the number of rows it changed.
    std::int64_t run() {
      while (step()) {
      }
      return sqlite3_changes64(db_.db_);
    }
    std::int64_t int64(int column) const { return sqlite3_column_int64(stmt_, column); }
    std::string bytes(int column) const {
      const auto* data = static_cast<const char*>(sqlite3_column_blob(stmt_, column));
      const auto size = static_cast<std::size_t>(sqlite3_column_bytes(stmt_, column));
      return data != nullptr ? std::string(data, size) : std::string();
    }

   private:
    void check(int rc) {
      if (rc != SQLITE_OK) {
        db_.raise();
      }
    }
    Database& db_;
    sqlite3_stmt* stmt_;
  };

  // Runs fn inside BEGIN IMMEDIATE … COMMIT: the write lock is taken up front, so a concurrent
  // writer in another process makes us wait (busy timeout) instead of failing at COMMIT.
  template <class Fn>
  void write(bool fsync, Fn&& fn) {
    if (fsync) {
      Call(*this, SyncFull).run();
    }
    // Back to NORMAL whatever happens: only enqueue batches pay for the fsync.
    struct RestoreSync {
      Database& db;
      bool active;
      ~RestoreSync() {
        if (active) {
          db.run_ignoring_errors(SyncNormal);
        }
      }
    } restore{*this, fsync};
    Call(*this, Begin).run();
    try {
      fn();
      Call(*this, Commit).run();
    } catch (...) {
      if (sqlite3_get_autocommit(db_) == 0) {
        run_ignoring_errors(Rollback);
      }
      throw;
    }
  }

  [[noreturn]] void raise() const {
    const int rc = sqlite3_extended_errcode(db_);
    const std::string message = sqlite3_errmsg(db_);
    // A read-only queue file is an environment problem too: the receiver answers 503 and LiveKit
    // retries.
    if (is_unavailable_error(rc) || (rc & 0xff) == SQLITE_READONLY) {
      throw AppError(ErrorKind::Unavailable, "SQLite webhook queue unavailable: " + message);
    }
    throw AppError(ErrorKind::Internal, "SQLite webhook queue error: " + message);
  }

 private:
  // For cleanup paths, where the original error is the one to report.
  void run_ignoring_errors(Stmt which) {
    sqlite3_step(stmts_[which]);
    sqlite3_reset(stmts_[which]);
  }
  // Files made before leases had an owner get the column (SQLite has no ADD COLUMN IF NOT
  // EXISTS).
  void add_owner_column() {
    sqlite3_stmt* probe = nullptr;
    if (sqlite3_prepare_v2(db_, "SELECT leased_by FROM webhook_jobs LIMIT 0", -1, &probe,
                           nullptr) == SQLITE_OK) {
      sqlite3_finalize(probe);
      return;
    }
    sqlite3_finalize(probe);
    exec_script("ALTER TABLE webhook_jobs ADD COLUMN leased_by TEXT");
  }
  void exec_script(const char* sqlText) {
    if (sqlite3_exec(db_, sqlText, nullptr, nullptr, nullptr) != SQLITE_OK) {
      raise();
    }
  }

  sqlite3* db_ = nullptr;
  std::array<sqlite3_stmt*, StmtCount_> stmts_{};
};

SqliteWebhookQueue::SqliteWebhookQueue(SqliteQueueOptions options)
    : LeasedQueue(options.leasing, 4096),
      options_(std::move(options)),
      db_(std::make_unique<Database>(options_)) {
  if (!settings().owner.empty()) {
    const std::lock_guard lock(dbMutex_);
    db_->write(false,
               [&] { Database::Call(*db_, ReleaseOwner).bind_text(1, settings().owner).run(); });
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
      Database::Call insert(*db_, Insert);
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
    Database::Call claim(*db_, Claim);
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
      Database::Call update(*db_, Release);
      update.bind(1, sql::receipt_seq(job)).bind(2, job.attempt).run();
    }
  });
}

void SqliteWebhookQueue::extend_leases(std::span<const domain::WebhookJob> jobs) {
  const std::lock_guard lock(dbMutex_);
  const auto until = now_micros() + micros(settings().lease);
  db_->write(false, [&] {
    for (const auto& job : jobs) {
      Database::Call update(*db_, Renew);
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
        Database::Call del(*db_, Complete);
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
      Database::Call update(*db_, Retry);
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
      Database::Call copy(*db_, CopyToDead);
      if (copy.bind(1, seq).bind(2, job.attempt).bind_text(3, error).bind(4, now_micros()).run() ==
          0) {
        return;  // no longer ours: another worker has taken the job over
      }
      Database::Call del(*db_, Delete);
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
  Database::Call list(*db_, ListDead);
  list.bind(1, afterSeq).bind(2, static_cast<std::int64_t>(limit));
  while (list.step()) out.push_back(dead_job_from(list, false));
  return out;
}

std::optional<domain::DeadJob> SqliteWebhookQueue::dead_row(std::int64_t seq) {
  const std::lock_guard lock(dbMutex_);
  Database::Call find(*db_, FindDead);
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
    Database::Call requeue(*db_, RequeueDead);
    requeue.bind(1, seq).bind(2, now_micros()).run();
    Database::Call del(*db_, DeleteDead);
    moved = del.bind(1, seq).run() == 1;
  });
  return moved;
}

bool SqliteWebhookQueue::delete_dead_row(std::int64_t seq) {
  bool deleted = false;
  const std::lock_guard lock(dbMutex_);
  db_->write(false, [&] {
    Database::Call del(*db_, DeleteDead);
    deleted = del.bind(1, seq).run() == 1;
  });
  return deleted;
}

domain::QueueCounts SqliteWebhookQueue::counts() {
  domain::QueueCounts counts;
  {
    const std::lock_guard lock(dbMutex_);
    Database::Call jobs(*db_, CountJobs);
    jobs.bind(1, now_micros());
    if (jobs.step()) {
      counts.waiting = jobs.int64(0);
      counts.active = jobs.int64(1);
    }
    Database::Call dead(*db_, CountDead);
    if (dead.step()) {
      counts.dead = dead.int64(0);
    }
  }
  return with_local_counts(counts);
}

}  // namespace lso::store::sqlite
