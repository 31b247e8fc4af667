// One SQLite connection: opening with the project's pragmas, the mapping of SQLite result codes to
// the domain's errors, transactions, and statements prepared once and kept: the named queries
// (through sql::Session) and any text a caller keeps for its own use (the webhook queue's).
// Used by one thread at a time.
#pragma once

#include <array>
#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "store/sql/session.hpp"

struct sqlite3;
struct sqlite3_stmt;

namespace lso::store::sqlite {

// True for SQLite result codes (primary part) where the database is busy, out of reach, damaged
// or read-only: retrying later (or fixing the file) may help, the request cannot — callers report
// AppError(Unavailable), which the webhook receiver answers with 503 so that LiveKit retries.
bool is_unavailable_error(int rc) noexcept;

class Connection final : public sql::Session {
 public:
  enum class Mode { ReadWrite, ReadOnly };
  // Immediate takes the write lock up front, so a transaction never fails half-way because
  // another connection or process started writing (the busy timeout covers the wait).
  enum class Begin { Deferred, Immediate };

  class Call;

  // A statement prepared by keep(); a handle valid until the connection closes.
  class Statement {
   public:
    Statement() = default;

   private:
    friend class Connection;
    friend class Call;
    explicit Statement(sqlite3_stmt* stmt) : stmt_(stmt) {}
    sqlite3_stmt* stmt_ = nullptr;
  };

  // One use of a kept statement: bind, step, read the current row. The statement is reset and
  // unbound when the Call goes out of scope, so bound text only has to outlive the Call.
  class Call {
   public:
    Call(Connection& connection, Statement statement)
        : connection_(connection), stmt_(statement.stmt_) {}
    ~Call();
    Call(const Call&) = delete;
    Call& operator=(const Call&) = delete;

    Call& bind(int index, std::int64_t value);
    Call& bind_text(int index, std::string_view text);
    Call& bind_blob(int index, std::string_view bytes);
    Call& bind_null(int index);
    // Steps once: true when a row is available.
    bool step();
    // Runs a statement to its end; the number of rows it changed.
    std::int64_t run();
    std::int64_t int64(int column) const;
    // A text or blob column as bytes.
    std::string bytes(int column) const;

   private:
    void check(int rc) const;
    Connection& connection_;
    sqlite3_stmt* stmt_;
  };

  // `path` is a file name or ":memory:". Throws AppError(Unavailable) when it cannot be opened.
  Connection(const std::string& path, Mode mode, std::chrono::milliseconds busyTimeout);
  ~Connection() override;
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  // Runs SQL text without parameters (pragmas, migration scripts).
  void execute(std::string_view sqlText);
  // True while a transaction is open (SQLite may roll one back by itself on some errors).
  bool in_transaction() const;

  // Runs fn in a transaction: committed when fn returns, rolled back when it throws. SQLite may
  // already have rolled back by itself (e.g. after SQLITE_FULL), and a failing ROLLBACK must not
  // hide the original error, which is the one rethrown.
  template <class Fn>
  void transaction(Begin begin, Fn&& fn) {
    control(begin == Begin::Immediate ? Control::BeginImmediate : Control::BeginDeferred);
    try {
      fn();
      control(Control::Commit);
    } catch (...) {
      rollback_quietly();
      throw;
    }
  }

  // Prepares text once for repeated use until the connection closes.
  Statement keep(std::string_view sqlText);
  // Runs a kept statement without parameters and ignores its errors: for cleanup paths, where an
  // error already being reported is the one that matters.
  void run_quietly(Statement statement) noexcept;

  std::int64_t exec(sql::Query query, std::initializer_list<sql::Param> params,
                    const RowFn& on_row) override;

  // Runs a statement that is not a named query, e.g. reading schema_migrations.
  std::int64_t exec_text(std::string_view sqlText, std::initializer_list<sql::Param> params,
                         const RowFn& on_row = {});

 private:
  enum class Control : std::size_t { BeginDeferred, BeginImmediate, Commit, Rollback, Count_ };

  std::int64_t run(sqlite3_stmt* stmt, std::initializer_list<sql::Param> params,
                   const RowFn& on_row);
  sqlite3_stmt* prepare(std::string_view sqlText, bool persistent);
  void control(Control which);
  void rollback_quietly() noexcept;
  void switch_to_wal(std::chrono::milliseconds busyTimeout);

  sqlite3* db_ = nullptr;
  std::array<sqlite3_stmt*, sql::kQueryCount> statements_{};  // prepared on first use
  std::array<sqlite3_stmt*, static_cast<std::size_t>(Control::Count_)> control_{};  // likewise
  std::vector<sqlite3_stmt*> kept_;                                                 // keep()
};

}  // namespace lso::store::sqlite
