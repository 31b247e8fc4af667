// open_store: DATABASE_URL scheme → SqliteStore or PostgresStore with the shared options.
#include "store/store_factory.hpp"

#include <algorithm>

#include "domain/errors.hpp"
#include "store/postgres/postgres_store.hpp"
#include "store/sqlite/sqlite_store.hpp"
#include "util/database_url.hpp"

namespace lso::store {

using domain::AppError;
using domain::ErrorKind;

std::string sqlite_path(std::string_view url) {
  if (util::database_kind(url) != util::DatabaseKind::Sqlite) {
    throw AppError(ErrorKind::Validation, "DATABASE_URL is not an sqlite: URL");
  }
  auto path = util::sqlite_file(url);
  if (!path) {
    throw AppError(ErrorKind::Validation,
                   "DATABASE_URL names no SQLite file (e.g. sqlite:./data/orchestrator.db)");
  }
  return std::move(*path);
}

std::unique_ptr<domain::Store> open_store(const StoreOptions& options) {
  const std::string_view url = options.databaseUrl;
  if (options.poolSize < 1) {
    throw AppError(ErrorKind::Validation, "database pool size must be at least 1");
  }
  const auto kind = util::database_kind(url);
  if (kind == util::DatabaseKind::Sqlite) {
    sqlite::SqliteOptions sqlite;
    sqlite.path = sqlite_path(url);
    // poolSize read-only connections (at most 8: reads are short), plus the one writer.
    sqlite.readers = std::clamp(options.poolSize, 1, 8);
    sqlite.busyTimeout = options.statementTimeout;
    return std::make_unique<sqlite::SqliteStore>(std::move(sqlite));
  }
  if (kind == util::DatabaseKind::Postgres) {
    return std::make_unique<postgres::PostgresStore>(postgres::PostgresOptions{
        options.databaseUrl, options.poolSize, options.connectTimeout, options.statementTimeout});
  }
  // The URL itself is not echoed: it may carry a password.
  throw AppError(ErrorKind::Validation,
                 "DATABASE_URL must start with sqlite:, postgres:// or postgresql://");
}

}  // namespace lso::store
