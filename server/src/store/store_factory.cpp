// open_store: DATABASE_URL scheme → SqliteStore or PostgresStore with the shared options.
#include "store/store_factory.hpp"

#include <algorithm>

#include "domain/errors.hpp"
#include "store/postgres/postgres_store.hpp"
#include "store/sqlite/sqlite_store.hpp"

namespace lso::store {
namespace {

using domain::AppError;
using domain::ErrorKind;

bool starts_with(std::string_view text, std::string_view prefix) {
  return text.substr(0, prefix.size()) == prefix;
}

}  // namespace

std::string sqlite_path(std::string_view url) {
  constexpr std::string_view scheme = "sqlite:";
  if (!starts_with(url, scheme)) {
    throw AppError(ErrorKind::Validation, "DATABASE_URL is not an sqlite: URL");
  }
  std::string_view rest = url.substr(scheme.size());
  if (starts_with(rest, "//")) {
    rest.remove_prefix(2);  // sqlite:///abs → /abs, sqlite://rel → rel
  }
  if (rest.empty()) {
    throw AppError(ErrorKind::Validation,
                   "DATABASE_URL names no SQLite file (e.g. sqlite:./data/orchestrator.db)");
  }
  return std::string(rest);
}

std::unique_ptr<domain::Store> open_store(const StoreOptions& options) {
  const std::string_view url = options.databaseUrl;
  if (options.poolSize < 1) {
    throw AppError(ErrorKind::Validation, "database pool size must be at least 1");
  }
  if (starts_with(url, "sqlite:")) {
    sqlite::SqliteOptions sqlite;
    sqlite.path = sqlite_path(url);
    // poolSize read-only connections (at most 8: reads are short), plus the one writer.
    sqlite.readers = std::clamp(options.poolSize, 1, 8);
    sqlite.busyTimeout = options.statementTimeout;
    return std::make_unique<sqlite::SqliteStore>(std::move(sqlite));
  }
  if (starts_with(url, "postgres://") || starts_with(url, "postgresql://")) {
    return std::make_unique<postgres::PostgresStore>(postgres::PostgresOptions{
        options.databaseUrl, options.poolSize, options.connectTimeout, options.statementTimeout});
  }
  // The URL itself is not echoed: it may carry a password.
  throw AppError(ErrorKind::Validation,
                 "DATABASE_URL must start with sqlite:, postgres:// or postgresql://");
}

}  // namespace lso::store
