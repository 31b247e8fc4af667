// One SQLite connection: opening with the project's pragmas, a per-connection cache of prepared
// statements, and the sql::Session that runs the named queries on it. Used by one thread at a time.
#pragma once

#include <array>
#include <chrono>
#include <string>
#include <string_view>

#include "store/sql/session.hpp"

struct sqlite3;
struct sqlite3_stmt;

namespace lso::store::sqlite {

// True for SQLite result codes (primary part) where the database is busy, out of reach or
// damaged: retrying later may help, the request cannot — callers report AppError(Unavailable).
bool is_unavailable_error(int rc) noexcept;

class Connection final : public sql::Session {
 public:
  enum class Mode { ReadWrite, ReadOnly };

  // `path` is a file name or ":memory:". Throws AppError(Unavailable) when it cannot be opened.
  Connection(const std::string& path, Mode mode, std::chrono::milliseconds busyTimeout);
  ~Connection() override;
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  // Runs SQL text without parameters (transaction control, migration scripts).
  void execute(std::string_view sqlText);
  // True while a transaction is open (SQLite may roll one back by itself on some errors).
  bool in_transaction() const;

  std::int64_t exec(sql::Query query, std::initializer_list<sql::Param> params,
                    const RowFn& on_row) override;

  // Runs a statement that is not a named query, e.g. reading schema_migrations.
  std::int64_t exec_text(std::string_view sqlText, std::initializer_list<sql::Param> params,
                         const RowFn& on_row = {});

 private:
  std::int64_t run(sqlite3_stmt* stmt, std::initializer_list<sql::Param> params,
                   const RowFn& on_row);
  sqlite3_stmt* prepare(std::string_view sqlText, bool persistent);
  void switch_to_wal(std::chrono::milliseconds busyTimeout);

  sqlite3* db_ = nullptr;
  std::array<sqlite3_stmt*, sql::kQueryCount> statements_{};  // prepared on first use
};

}  // namespace lso::store::sqlite
