// open_sql_webhook_queue: DATABASE_URL scheme → SqliteWebhookQueue or PostgresWebhookQueue.
#include "store/queue_factory.hpp"

#include <algorithm>
#include <string_view>

#include "domain/errors.hpp"
#include "store/postgres/postgres_webhook_queue.hpp"
#include "store/sqlite/sqlite_webhook_queue.hpp"
#include "util/database_url.hpp"

namespace lso::store {

std::string queue_file_for(const std::string& databasePath) {
  if (databasePath == ":memory:" || databasePath.empty()) return databasePath;
  const auto slash = databasePath.find_last_of('/');
  const auto dot = databasePath.find_last_of('.');
  if (dot == std::string::npos || (slash != std::string::npos && dot < slash))
    return databasePath + "-queue";
  return databasePath.substr(0, dot) + "-queue" + databasePath.substr(dot);
}

std::unique_ptr<domain::WebhookQueue> open_sql_webhook_queue(const StoreOptions& options,
                                                             std::chrono::milliseconds lease,
                                                             const std::string& owner) {
  const std::string_view url = options.databaseUrl;
  const auto kind = util::database_kind(url);
  if (kind == util::DatabaseKind::Sqlite) {
    sqlite::SqliteQueueOptions sqlite;
    // The queue lives in its own file beside the database ("x.db" → "x-queue.db"): SQLite has one
    // write lock per file, and webhook intake, workers and API writes sharing one made them wait
    // on each other's busy handler (sleeps). Exactly-once does not need them in one file: the
    // dedup record commits with the effects in the main database.
    sqlite.path = queue_file_for(sqlite_path(url));
    sqlite.fsyncEnqueue = options.fsyncEnqueue;
    sqlite.leasing.lease = lease;
    sqlite.leasing.owner = owner;
    sqlite.busyTimeout = options.statementTimeout;
    return std::make_unique<sqlite::SqliteWebhookQueue>(std::move(sqlite));
  }
  if (kind == util::DatabaseKind::Postgres) {
    postgres::PostgresQueueOptions pg;
    pg.url = options.databaseUrl;
    pg.leasing.lease = lease;
    pg.leasing.owner = owner;
    // Group commit and batched claims and completions keep the queue's own need small.
    pg.poolSize = std::clamp(options.poolSize / 2, 2, 4);
    pg.connectTimeout = options.connectTimeout;
    pg.statementTimeout = options.statementTimeout;
    return std::make_unique<postgres::PostgresWebhookQueue>(std::move(pg));
  }
  // The URL itself is not echoed: it may carry a password.
  throw domain::AppError(domain::ErrorKind::Validation,
                         "DATABASE_URL must start with sqlite:, postgres:// or postgresql://");
}

}  // namespace lso::store
