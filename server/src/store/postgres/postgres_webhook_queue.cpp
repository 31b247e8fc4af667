// PostgresWebhookQueue: the tables, the statements, and the writes behind LeasedQueue.
#include "store/postgres/postgres_webhook_queue.hpp"

#include <algorithm>
#include <exception>
#include <unordered_set>
#include <utility>

#include "domain/errors.hpp"
#include "util/time.hpp"

namespace lso::store::postgres {
namespace {

using domain::AppError;
using domain::ErrorKind;

// Times come from the server's clock (clock_timestamp()), so instances whose clocks disagree
// still agree on when a lease ran out. seq orders the queue; id is the dedup key while a job is
// queued; a row is claimable when due (available_at) and not leased (locked_until NULL or past).
// The advisory lock serialises instances starting at once: concurrent CREATE TABLE IF NOT
// EXISTS can otherwise fail on the catalog's unique index.
constexpr std::string_view kSchema = R"sql(
BEGIN;
SET LOCAL client_min_messages = warning;
SELECT pg_advisory_xact_lock(hashtext('lso.webhook_queue.schema'));
CREATE TABLE IF NOT EXISTS webhook_jobs (
  seq BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  id TEXT NOT NULL UNIQUE,
  body TEXT NOT NULL,
  attempt INTEGER NOT NULL DEFAULT 0,
  available_at TIMESTAMPTZ NOT NULL DEFAULT clock_timestamp(),
  locked_until TIMESTAMPTZ,
  last_error TEXT,
  created_at TIMESTAMPTZ NOT NULL DEFAULT clock_timestamp()
);
-- The instance holding the lease (INSTANCE_NAME): a restarted instance gives its own back.
ALTER TABLE webhook_jobs ADD COLUMN IF NOT EXISTS leased_by TEXT;
CREATE TABLE IF NOT EXISTS webhook_dead_letters (
  seq BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  id TEXT NOT NULL,
  body TEXT NOT NULL,
  attempts INTEGER NOT NULL,
  last_error TEXT,
  died_at TIMESTAMPTZ NOT NULL DEFAULT clock_timestamp()
);
COMMIT;
)sql";

// One statement for a whole batch: the arrays keep the parameter count fixed, ORDINALITY keeps
// the batch's order in seq, and DO NOTHING skips ids already queued (or repeated in the batch).
constexpr std::string_view kInsert =
    "INSERT INTO webhook_jobs (id, body) "
    "SELECT j.id, j.body FROM unnest($1::text[], $2::text[]) WITH ORDINALITY AS j(id, body, n) "
    "ORDER BY j.n ON CONFLICT (id) DO NOTHING RETURNING id";

// SKIP LOCKED: concurrent claimers (other workers, other instances) pass over rows another
// transaction is claiming instead of waiting for it, so no two claims return the same row.
constexpr std::string_view kClaim =
    "UPDATE webhook_jobs "
    "SET locked_until = clock_timestamp() + $1::bigint * interval '1 millisecond', "
    "attempt = attempt + 1, leased_by = $3 "
    "WHERE seq = ANY (ARRAY (SELECT seq FROM webhook_jobs WHERE available_at <= clock_timestamp() "
    "AND (locked_until IS NULL OR locked_until <= clock_timestamp()) "
    "ORDER BY seq LIMIT $2::int FOR UPDATE SKIP LOCKED)) "
    "RETURNING seq, id, body, attempt";

// Complete, retry and bury act only while the row is still leased by the claim that made `job`
// (same attempt): after a takeover, the stale worker's late call must not touch the new claim.
constexpr std::string_view kComplete =
    "DELETE FROM webhook_jobs j USING unnest($1::bigint[], $2::int[]) AS d(seq, attempt) "
    "WHERE j.seq = d.seq AND j.attempt = d.attempt AND j.locked_until IS NOT NULL";
constexpr std::string_view kUnlease =
    "UPDATE webhook_jobs j SET locked_until = NULL, attempt = j.attempt - 1 "
    "FROM unnest($1::bigint[], $2::int[]) AS d(seq, attempt) "
    "WHERE j.seq = d.seq AND j.attempt = d.attempt AND j.locked_until IS NOT NULL";
constexpr std::string_view kRenew =
    "UPDATE webhook_jobs j SET locked_until = clock_timestamp() + $3::bigint * interval "
    "'1 millisecond' FROM unnest($1::bigint[], $2::int[]) AS d(seq, attempt) "
    "WHERE j.seq = d.seq AND j.attempt = d.attempt AND j.locked_until IS NOT NULL";
// A restarted instance's claims of its previous run: unleased as if never claimed (its crash is
// no failure of the jobs), so they are claimable now instead of after their lease.
constexpr std::string_view kReleaseOwner =
    "UPDATE webhook_jobs SET locked_until = NULL, attempt = attempt - 1 "
    "WHERE leased_by = $1 AND locked_until IS NOT NULL";
constexpr std::string_view kRetry =
    "UPDATE webhook_jobs SET locked_until = NULL, "
    "available_at = clock_timestamp() + $3::bigint * interval '1 millisecond', last_error = $4 "
    "WHERE seq = $1::bigint AND attempt = $2::int AND locked_until IS NOT NULL";
constexpr std::string_view kBury =
    "WITH moved AS (DELETE FROM webhook_jobs WHERE seq = $1::bigint AND attempt = $2::int "
    "AND locked_until IS NOT NULL RETURNING id, body, attempt) "
    "INSERT INTO webhook_dead_letters (id, body, attempts, last_error) "
    "SELECT id, body, attempt, $3 FROM moved";
constexpr std::string_view kCounts =
    "SELECT count(*) FILTER (WHERE locked_until IS NULL OR locked_until <= clock_timestamp()), "
    "count(*) FILTER (WHERE locked_until > clock_timestamp()), "
    "(SELECT count(*) FROM webhook_dead_letters) FROM webhook_jobs";

// The dead-letter list. Times as microseconds since the epoch, like the rest of the queue's API.
constexpr std::string_view kListDead =
    "SELECT seq, id, attempts, coalesce(last_error, ''), "
    "(extract(epoch FROM died_at) * 1000000)::bigint, octet_length(body) "
    "FROM webhook_dead_letters WHERE seq > $1::bigint ORDER BY seq LIMIT $2::bigint";
constexpr std::string_view kFindDead =
    "SELECT seq, id, attempts, coalesce(last_error, ''), "
    "(extract(epoch FROM died_at) * 1000000)::bigint, octet_length(body), body "
    "FROM webhook_dead_letters WHERE seq = $1::bigint";
// One statement: the DELETE row-locks the dead letter, so a concurrent replay of it waits, then
// finds it gone and stores nothing. The job starts over (attempt 0, the claim makes it 1); an id
// queued already keeps its job.
constexpr std::string_view kRequeueDead =
    "WITH moved AS (DELETE FROM webhook_dead_letters WHERE seq = $1::bigint RETURNING id, body), "
    "queued AS (INSERT INTO webhook_jobs (id, body) SELECT id, body FROM moved "
    "ON CONFLICT (id) DO NOTHING) "
    "SELECT count(*) FROM moved";
constexpr std::string_view kDeleteDead = "DELETE FROM webhook_dead_letters WHERE seq = $1::bigint";

// A row of kListDead / kFindDead; the body when the statement has it (column 6).
domain::DeadJob dead_job_from(const sql::Row& row, bool withBody) {
  domain::DeadJob dead;
  dead.id = std::string(row.text(0));
  dead.webhookId = std::string(row.text(1));
  dead.attempts = static_cast<int>(row.int64(2));
  dead.lastError = std::string(row.text(3));
  dead.diedAt = util::from_epoch_micros(row.int64(4));
  dead.bodySize = row.int64(5);
  if (withBody) dead.body = std::string(row.text(6));
  return dead;
}

// A PostgreSQL array literal of text elements: each quoted, with " and \ escaped.
std::string text_array(const std::vector<std::string_view>& values) {
  std::size_t size = 2;
  for (auto v : values) {
    size += v.size() + 3;
  }
  std::string out;
  out.reserve(size);
  out.push_back('{');
  for (std::size_t i = 0; i < values.size(); ++i) {
    if (i > 0) {
      out.push_back(',');
    }
    out.push_back('"');
    for (const char c : values[i]) {
      if (c == '"' || c == '\\') {
        out.push_back('\\');
      }
      out.push_back(c);
    }
    out.push_back('"');
  }
  out.push_back('}');
  return out;
}

std::string int_array(const std::vector<std::int64_t>& values) {
  std::string out = "{";
  for (std::size_t i = 0; i < values.size(); ++i) {
    if (i > 0) {
      out.push_back(',');
    }
    out += std::to_string(values[i]);
  }
  out.push_back('}');
  return out;
}

// Adds "-c setting" to the libpq `options` parameter of a postgres:// URI, keeping any options
// the URI already carries (e.g. a search_path).
std::string with_session_setting(const std::string& url, std::string_view setting) {
  std::string encoded = "-c";
  for (const char c : setting) {
    if (c == '=') {
      encoded += "%3D";
    } else {
      encoded.push_back(c);
    }
  }
  const auto query = url.find('?');
  if (query != std::string::npos) {
    for (const std::string_view key : {"?options=", "&options="}) {
      const auto at = url.find(key, query);
      if (at != std::string::npos) {
        std::string out = url;
        out.insert(at + key.size(), encoded + "%20");
        return out;
      }
    }
  }
  return url + (query == std::string::npos ? '?' : '&') + "options=" + encoded;
}

}  // namespace

PostgresWebhookQueue::PostgresWebhookQueue(PostgresQueueOptions options)
    : LeasedQueue(options.leasing, 1024),
      options_(std::move(options)),
      enqueuePool_(
          ConnectSettings{options_.url, options_.connectTimeout, options_.statementTimeout}, 1,
          options_.statementTimeout),
      workPool_(ConnectSettings{with_session_setting(options_.url, "synchronous_commit=off"),
                                options_.connectTimeout, options_.statementTimeout},
                options_.poolSize, options_.statementTimeout) {
  auto connection = enqueuePool_.acquire();
  try {
    connection->execute(kSchema);
  } catch (...) {
    if (connection->ok() && connection->in_transaction()) {
      connection->execute("ROLLBACK");
    }
    throw;
  }
  if (!settings().owner.empty()) {
    auto work = workPool_.acquire();
    work->exec_text(kReleaseOwner, {std::string_view(settings().owner)});
  }
}

PostgresWebhookQueue::~PostgresWebhookQueue() {
  release_ahead();
}

void PostgresWebhookQueue::store_jobs(std::vector<Enqueue*>& batch) {
  auto connection = enqueuePool_.acquire();
  try {
    insert_batch(*connection, batch);
  } catch (const AppError& e) {
    // One caller's value the database refuses (a NUL character, invalid UTF-8) must not fail
    // the others of its batch: store them one by one, so only that caller gets the error.
    if (e.kind() != ErrorKind::Validation || batch.size() == 1) {
      throw;
    }
    for (auto* request : batch) {
      std::vector<Enqueue*> one{request};
      try {
        insert_batch(*connection, one);
      } catch (const AppError& single) {
        if (single.kind() != ErrorKind::Validation) {
          throw;
        }
        request->stored = false;
        request->refused = std::current_exception();
      }
    }
  }
}

void PostgresWebhookQueue::insert_batch(Connection& connection, std::vector<Enqueue*>& batch) {
  std::vector<std::string_view> ids;
  std::vector<std::string_view> bodies;
  ids.reserve(batch.size());
  bodies.reserve(batch.size());
  for (const auto* request : batch) {
    ids.push_back(request->id);
    bodies.push_back(request->body);
  }
  const std::string idArray = text_array(ids);
  const std::string bodyArray = text_array(bodies);
  std::unordered_set<std::string> inserted;
  connection.exec_text(kInsert, {std::string_view(idArray), std::string_view(bodyArray)},
                       [&](const sql::Row& row) { inserted.emplace(row.text(0)); });
  // Of an id repeated in the batch only the first occurrence was stored.
  for (auto* request : batch) {
    const auto it = inserted.find(std::string(request->id));
    request->stored = it != inserted.end();
    if (request->stored) {
      inserted.erase(it);
    }
  }
}

std::vector<sql::LeasedQueue::Claimed> PostgresWebhookQueue::lease_jobs(std::size_t limit) {
  std::vector<Claimed> jobs;
  auto connection = workPool_.acquire();
  connection->exec_text(kClaim,
                        {std::int64_t{settings().lease.count()}, static_cast<std::int64_t>(limit),
                         std::string_view(settings().owner)},
                        [&](const sql::Row& row) {
                          Claimed c;
                          c.seq = row.int64(0);
                          c.job.receipt = std::string(row.text(0));
                          c.job.id = std::string(row.text(1));
                          c.job.body = std::string(row.text(2));
                          c.job.attempt = static_cast<int>(row.int64(3));
                          jobs.push_back(std::move(c));
                        });
  return jobs;
}

void PostgresWebhookQueue::unlease_jobs(const std::vector<domain::WebhookJob>& jobs) {
  std::vector<std::int64_t> seqs;
  std::vector<std::int64_t> attempts;
  for (const auto& job : jobs) {
    seqs.push_back(sql::receipt_seq(job));
    attempts.push_back(job.attempt);
  }
  const std::string seqArray = int_array(seqs);
  const std::string attemptArray = int_array(attempts);
  auto connection = workPool_.acquire();
  connection->exec_text(kUnlease, {std::string_view(seqArray), std::string_view(attemptArray)});
}

void PostgresWebhookQueue::extend_leases(std::span<const domain::WebhookJob> jobs) {
  std::vector<std::int64_t> seqs;
  std::vector<std::int64_t> attempts;
  for (const auto& job : jobs) {
    seqs.push_back(sql::receipt_seq(job));
    attempts.push_back(job.attempt);
  }
  const std::string seqArray = int_array(seqs);
  const std::string attemptArray = int_array(attempts);
  auto connection = workPool_.acquire();
  connection->exec_text(kRenew, {std::string_view(seqArray), std::string_view(attemptArray),
                                 std::int64_t{settings().lease.count()}});
}

// One statement for a batch of completions (see LeasedQueue::complete).
void PostgresWebhookQueue::delete_completed(std::vector<Completion*>& batch) {
  std::vector<std::int64_t> seqs;
  std::vector<std::int64_t> attempts;
  for (const auto* request : batch) {
    seqs.push_back(request->seq);
    attempts.push_back(request->attempt);
  }
  const std::string seqArray = int_array(seqs);
  const std::string attemptArray = int_array(attempts);
  auto connection = workPool_.acquire();
  count_completed(connection->exec_text(
      kComplete, {std::string_view(seqArray), std::string_view(attemptArray)}));
}

void PostgresWebhookQueue::retry(const domain::WebhookJob& job, std::chrono::milliseconds delay,
                                 std::string_view error) {
  const auto seq = sql::receipt_seq(job);
  {
    auto connection = workPool_.acquire();
    connection->exec_text(kRetry, {seq, std::int64_t{job.attempt},
                                   std::int64_t{std::max<std::int64_t>(0, delay.count())}, error});
  }
  count_failed();
  // A retry without delay is claimable now; a delayed one is found by the waiters' polling.
  if (delay.count() <= 0) {
    work_arrived();
  }
}

void PostgresWebhookQueue::bury(const domain::WebhookJob& job, std::string_view error) {
  const auto seq = sql::receipt_seq(job);
  {
    auto connection = workPool_.acquire();
    connection->exec_text(kBury, {seq, std::int64_t{job.attempt}, error});
  }
  count_failed();
}

std::vector<domain::DeadJob> PostgresWebhookQueue::dead_rows(std::size_t limit,
                                                             std::int64_t afterSeq) {
  std::vector<domain::DeadJob> out;
  auto connection = workPool_.acquire();
  connection->exec_text(kListDead, {afterSeq, static_cast<std::int64_t>(limit)},
                        [&](const sql::Row& row) { out.push_back(dead_job_from(row, false)); });
  return out;
}

std::optional<domain::DeadJob> PostgresWebhookQueue::dead_row(std::int64_t seq) {
  std::optional<domain::DeadJob> out;
  auto connection = workPool_.acquire();
  connection->exec_text(kFindDead, {seq},
                        [&](const sql::Row& row) { out = dead_job_from(row, true); });
  return out;
}

// On the enqueue pool: the job is an accepted webhook again, so the replay commits durably
// (synchronous_commit as the server says), like an enqueue.
bool PostgresWebhookQueue::requeue_dead_row(std::int64_t seq) {
  std::int64_t moved = 0;
  auto connection = enqueuePool_.acquire();
  connection->exec_text(kRequeueDead, {seq}, [&](const sql::Row& row) { moved = row.int64(0); });
  return moved == 1;
}

bool PostgresWebhookQueue::delete_dead_row(std::int64_t seq) {
  auto connection = workPool_.acquire();
  return connection->exec_text(kDeleteDead, {seq}) == 1;
}

domain::QueueCounts PostgresWebhookQueue::counts() {
  domain::QueueCounts counts;
  {
    auto connection = workPool_.acquire();
    connection->exec_text(kCounts, {}, [&](const sql::Row& row) {
      counts.waiting = row.int64(0);
      counts.active = row.int64(1);
      counts.dead = row.int64(2);
    });
  }
  return with_local_counts(counts);
}

}  // namespace lso::store::postgres
