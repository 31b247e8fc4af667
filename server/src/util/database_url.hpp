// What a DATABASE_URL names: the one place its schemes are recognised (the settings' mode and
// the store and queue factories all ask here).
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace lso::util {

enum class DatabaseKind { Sqlite, Postgres, Unknown };

// sqlite:… → Sqlite; postgres://… or postgresql://… → Postgres; anything else → Unknown.
DatabaseKind database_kind(std::string_view url);

// The file an sqlite: URL names: "sqlite:./data/x.db" → "./data/x.db", "sqlite:///abs/x.db" →
// "/abs/x.db", "sqlite::memory:" → ":memory:"; nullopt when it is no sqlite: URL or names none.
std::optional<std::string> sqlite_file(std::string_view url);

}  // namespace lso::util
