// DATABASE_URL schemes; see database_url.hpp.
#include "util/database_url.hpp"

namespace lso::util {

namespace {

constexpr std::string_view kSqlite = "sqlite:";

}  // namespace

DatabaseKind database_kind(std::string_view url) {
  if (url.starts_with(kSqlite)) return DatabaseKind::Sqlite;
  if (url.starts_with("postgres://") || url.starts_with("postgresql://"))
    return DatabaseKind::Postgres;
  return DatabaseKind::Unknown;
}

std::optional<std::string> sqlite_file(std::string_view url) {
  if (!url.starts_with(kSqlite)) return std::nullopt;
  std::string_view rest = url.substr(kSqlite.size());
  if (rest.starts_with("//")) rest.remove_prefix(2);  // sqlite:///abs → /abs, sqlite://rel → rel
  if (rest.empty()) return std::nullopt;
  return std::string(rest);
}

}  // namespace lso::util
