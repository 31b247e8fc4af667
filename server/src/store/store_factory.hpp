// Chooses and opens the Store named by DATABASE_URL: sqlite:… (embedded mode) or
// postgres(ql)://… (production mode).
#pragma once

#include <chrono>
#include <memory>
#include <string>
#include <string_view>

#include "domain/store.hpp"

namespace lso::store {

struct StoreOptions {
  std::string databaseUrl;
  int poolSize = 8;
  std::chrono::milliseconds connectTimeout{5000};
  std::chrono::milliseconds statementTimeout{5000};
  // SQLite webhook queue: fsync each enqueue batch (survives power loss) or rely on WAL's
  // write-ahead order (survives a process crash, like Redis AOF with appendfsync everysec).
  bool fsyncEnqueue = true;
};

// Throws AppError(Validation) naming DATABASE_URL for an unknown scheme or a malformed URL, and
// AppError(Unavailable) when an SQLite file cannot be opened. PostgreSQL connects lazily.
std::unique_ptr<domain::Store> open_store(const StoreOptions& options);

// The file an sqlite: URL names: "sqlite:./data/x.db" → "./data/x.db", "sqlite:///abs/x.db" →
// "/abs/x.db", "sqlite::memory:" → ":memory:". Throws AppError(Validation) when it names none.
std::string sqlite_path(std::string_view url);

}  // namespace lso::store
