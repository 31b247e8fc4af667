// SQLite connection: statements prepared once, transactions, and the mapping of SQLite result codes
// to the domain's errors (the one mapping for the store and the webhook queue).
#include "store/sqlite/connection.hpp"

#include <sqlite3.h>

#include <string>
#include <thread>
#include <utility>

#include "domain/errors.hpp"
#include "store/sqlite/statements.hpp"

namespace lso::store::sqlite {

bool is_unavailable_error(int rc) noexcept {
  switch (rc & 0xff) {
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
    case SQLITE_IOERR:
    case SQLITE_FULL:
    case SQLITE_CANTOPEN:
    case SQLITE_NOMEM:
    case SQLITE_PROTOCOL:
    case SQLITE_CORRUPT:
    case SQLITE_NOTADB:
    // A read-only file (permissions, a read-only mount) is the environment's problem too.
    case SQLITE_READONLY: return true;
    default: return false;
  }
}
namespace {

using domain::AppError;
using domain::ErrorKind;

// SQLite names the columns of a violated unique index ("UNIQUE constraint failed: t.a, t.b"),
// not the index; this table names the rule each unique index of migrations.hpp enforces.
struct UniqueRule {
  std::string_view columns;
  std::string_view rule;
};
constexpr UniqueRule kUniqueRules[] = {
    {"livestreams.room_name", "livestreams_active_room"},
    {"participants.livestream_id, participants.user_id", "participants_active_session"},
    {"participants.livekit_participant_sid", "participants_livekit_sid"},
    {"livestreams.id", "livestreams_pkey"},
    {"participants.id", "participants_pkey"},
    {"processed_webhooks.id", "processed_webhooks_pkey"},
    {"users.id", "users_pkey"},
    {"auth_sessions.id_hash", "auth_sessions_pkey"},
    {"api_keys.secret_hash", "api_keys_secret"},
    {"api_keys.id", "api_keys_pkey"},
    {"livestream_invites.livestream_id, livestream_invites.user_id", "livestream_invites_pkey"},
    {"server_secrets.name", "server_secrets_pkey"},
    {"participant_sessions.sid", "participant_sessions_pkey"},
};

std::string unique_rule(std::string_view message) {
  constexpr std::string_view prefix = "UNIQUE constraint failed: ";
  if (message.substr(0, prefix.size()) == prefix) {
    message.remove_prefix(prefix.size());
  }
  for (const auto& r : kUniqueRules) {
    if (message == r.columns) {
      return std::string(r.rule);
    }
  }
  return std::string(message);
}

[[noreturn]] void raise(sqlite3* db, int rc) {
  const std::string message = db ? sqlite3_errmsg(db) : sqlite3_errstr(rc);
  switch (rc) {
    case SQLITE_CONSTRAINT_UNIQUE:
    case SQLITE_CONSTRAINT_PRIMARYKEY: throw domain::UniqueViolation(unique_rule(message));
    case SQLITE_CONSTRAINT_FOREIGNKEY: throw AppError(ErrorKind::NotFound, "livestream not found");
    default: break;
  }
  if (is_unavailable_error(rc)) {
    throw AppError(ErrorKind::Unavailable, "SQLite database unavailable: " + message);
  }
  throw AppError(ErrorKind::Internal, "SQLite error: " + message);
}

class StatementRow final : public sql::Row {
 public:
  explicit StatementRow(sqlite3_stmt* stmt) : stmt_(stmt) {}
  bool is_null(int column) const override {
    return sqlite3_column_type(stmt_, column) == SQLITE_NULL;
  }
  std::string_view text(int column) const override {
    const auto* data = reinterpret_cast<const char*>(sqlite3_column_text(stmt_, column));
    if (data == nullptr) {
      return {};
    }
    return {data, static_cast<std::size_t>(sqlite3_column_bytes(stmt_, column))};
  }
  std::int64_t int64(int column) const override { return sqlite3_column_int64(stmt_, column); }

 private:
  sqlite3_stmt* stmt_;
};

}  // namespace

Connection::Connection(const std::string& path, Mode mode, std::chrono::milliseconds busyTimeout) {
  // NOMUTEX: a connection is only ever used by the thread that checked it out.
  int flags = SQLITE_OPEN_NOMUTEX;
  flags |=
      mode == Mode::ReadOnly ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE;
  const int rc = sqlite3_open_v2(path.c_str(), &db_, flags, nullptr);
  if (rc != SQLITE_OK) {
    const std::string message = db_ ? sqlite3_errmsg(db_) : sqlite3_errstr(rc);
    sqlite3_close(db_);
    db_ = nullptr;
    throw AppError(ErrorKind::Unavailable,
                   "cannot open SQLite database '" + path + "': " + message);
  }
  sqlite3_extended_result_codes(db_, 1);
  sqlite3_busy_timeout(db_, static_cast<int>(busyTimeout.count()));
  try {
    // WAL lets readers run beside the writer; with WAL, synchronous=NORMAL is still durable
    // against application crashes and only loses the last commits on power loss.
    if (mode == Mode::ReadWrite) {
      switch_to_wal(busyTimeout);
    }
    // Memory-mapped reads: a page already in the OS cache costs no pread(2) system call, which
    // otherwise dominated webhook processing profiles (each connection has a small page cache).
    execute("PRAGMA synchronous = NORMAL; PRAGMA foreign_keys = ON; PRAGMA mmap_size = 268435456");
  } catch (...) {
    sqlite3_close(db_);
    throw;
  }
}

// Switching a new database to WAL upgrades a shared lock to an exclusive one, and SQLite does not
// call the busy handler for such upgrades (it could deadlock), so several processes opening a
// fresh file at once get SQLITE_BUSY at once: retry here until the busy timeout runs out.
void Connection::switch_to_wal(std::chrono::milliseconds busyTimeout) {
  const auto deadline = std::chrono::steady_clock::now() + busyTimeout;
  for (;;) {
    const int rc = sqlite3_exec(db_, "PRAGMA journal_mode = WAL", nullptr, nullptr, nullptr);
    if (rc == SQLITE_OK) {
      return;
    }
    if ((rc & 0xff) != SQLITE_BUSY || std::chrono::steady_clock::now() >= deadline) {
      raise(db_, rc);
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
}

Connection::~Connection() {
  for (auto* stmt : statements_) {
    sqlite3_finalize(stmt);
  }
  for (auto* stmt : control_) {
    sqlite3_finalize(stmt);
  }
  for (auto* stmt : kept_) {
    sqlite3_finalize(stmt);
  }
  sqlite3_close(db_);
}

void Connection::execute(std::string_view sqlText) {
  const std::string text(sqlText);  // sqlite3_exec wants a terminated string
  const int rc = sqlite3_exec(db_, text.c_str(), nullptr, nullptr, nullptr);
  if (rc != SQLITE_OK) {
    raise(db_, sqlite3_extended_errcode(db_));
  }
}

bool Connection::in_transaction() const {
  return sqlite3_get_autocommit(db_) == 0;
}

sqlite3_stmt* Connection::prepare(std::string_view sqlText, bool persistent) {
  sqlite3_stmt* stmt = nullptr;
  const int rc = sqlite3_prepare_v3(db_, sqlText.data(), static_cast<int>(sqlText.size()),
                                    persistent ? SQLITE_PREPARE_PERSISTENT : 0, &stmt, nullptr);
  if (rc != SQLITE_OK) {
    raise(db_, rc);
  }
  return stmt;
}

std::int64_t Connection::exec(sql::Query query, std::initializer_list<sql::Param> params,
                              const RowFn& on_row) {
  auto& stmt = statements_[static_cast<std::size_t>(query)];
  if (stmt == nullptr) {
    stmt = prepare(statement_sql(query), true);
  }
  return run(stmt, params, on_row);
}

std::int64_t Connection::exec_text(std::string_view sqlText,
                                   std::initializer_list<sql::Param> params, const RowFn& on_row) {
  sqlite3_stmt* stmt = prepare(sqlText, false);
  struct Finalize {
    sqlite3_stmt* s;
    ~Finalize() { sqlite3_finalize(s); }
  } finalize{stmt};
  return run(stmt, params, on_row);
}

std::int64_t Connection::run(sqlite3_stmt* stmt, std::initializer_list<sql::Param> params,
                             const RowFn& on_row) {
  Call call(*this, Statement{stmt});
  int index = 1;
  for (const auto& param : params) {
    if (const auto* text = std::get_if<std::string_view>(&param)) {
      // Refused as PostgreSQL must, so that both backends accept the same text.
      if (text->find('\0') != std::string_view::npos) {
        throw AppError(ErrorKind::Validation, "text values must not contain NUL characters");
      }
      call.bind_text(index, *text);
    } else if (const auto* number = std::get_if<std::int64_t>(&param)) {
      call.bind(index, *number);
    } else {
      call.bind_null(index);
    }
    ++index;
  }
  std::int64_t rows = 0;
  while (call.step()) {
    ++rows;
    if (on_row) {
      on_row(StatementRow{stmt});
    }
  }
  return sqlite3_column_count(stmt) > 0 ? rows : sqlite3_changes64(db_);
}

Connection::Statement Connection::keep(std::string_view sqlText) {
  kept_.reserve(kept_.size() + 1);  // so that push_back cannot throw and leak the statement
  kept_.push_back(prepare(sqlText, true));
  return Statement{kept_.back()};
}

void Connection::run_quietly(Statement statement) noexcept {
  sqlite3_step(statement.stmt_);
  sqlite3_reset(statement.stmt_);
}

void Connection::control(Control which) {
  static constexpr std::array<std::string_view, static_cast<std::size_t>(Control::Count_)> kText = {
      "BEGIN", "BEGIN IMMEDIATE", "COMMIT", "ROLLBACK"};
  const auto i = static_cast<std::size_t>(which);
  if (control_[i] == nullptr) {
    control_[i] = prepare(kText[i], true);
  }
  Call(*this, Statement{control_[i]}).run();
}

void Connection::rollback_quietly() noexcept {
  if (!in_transaction()) {
    return;
  }
  auto& rollback = control_[static_cast<std::size_t>(Control::Rollback)];
  if (rollback == nullptr) {
    // Not kept yet (first failure on this connection): prepared once here, errors ignored.
    sqlite3_prepare_v3(db_, "ROLLBACK", -1, SQLITE_PREPARE_PERSISTENT, &rollback, nullptr);
  }
  run_quietly(Statement{rollback});
}

Connection::Call::~Call() {
  sqlite3_reset(stmt_);
  sqlite3_clear_bindings(stmt_);
}

void Connection::Call::check(int rc) const {
  if (rc != SQLITE_OK) {
    raise(connection_.db_, rc);
  }
}

Connection::Call& Connection::Call::bind(int index, std::int64_t value) {
  check(sqlite3_bind_int64(stmt_, index, value));
  return *this;
}

// SQLITE_STATIC: the caller's bytes outlive the Call, whose destructor unbinds them. A null data
// pointer would bind SQL NULL; an empty view still means "".
Connection::Call& Connection::Call::bind_text(int index, std::string_view text) {
  check(sqlite3_bind_text64(stmt_, index, text.data() != nullptr ? text.data() : "", text.size(),
                            SQLITE_STATIC, SQLITE_UTF8));
  return *this;
}

Connection::Call& Connection::Call::bind_blob(int index, std::string_view bytes) {
  check(sqlite3_bind_blob64(stmt_, index, bytes.data() != nullptr ? bytes.data() : "", bytes.size(),
                            SQLITE_STATIC));
  return *this;
}

Connection::Call& Connection::Call::bind_null(int index) {
  check(sqlite3_bind_null(stmt_, index));
  return *this;
}

bool Connection::Call::step() {
  const int rc = sqlite3_step(stmt_);
  if (rc == SQLITE_ROW) {
    return true;
  }
  if (rc != SQLITE_DONE) {
    raise(connection_.db_, rc);
  }
  return false;
}

std::int64_t Connection::Call::run() {
  while (step()) {
  }
  return sqlite3_changes64(connection_.db_);
}

std::int64_t Connection::Call::int64(int column) const {
  return sqlite3_column_int64(stmt_, column);
}

std::string Connection::Call::bytes(int column) const {
  const auto* data = static_cast<const char*>(sqlite3_column_blob(stmt_, column));
  const auto size = static_cast<std::size_t>(sqlite3_column_bytes(stmt_, column));
  return data != nullptr ? std::string(data, size) : std::string();
}

}  // namespace lso::store::sqlite
