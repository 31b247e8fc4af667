// libpq connection, prepared-statement cache and the mapping of SQLSTATEs to the domain's errors.
#include "store/postgres/connection.hpp"

#include <libpq-fe.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <charconv>
#include <memory>
#include <utility>
#include <vector>

#include "domain/outage.hpp"
#include "store/postgres/statements.hpp"

namespace lso::store::postgres {
namespace {

using domain::AppError;
using domain::ErrorKind;

struct ResultDeleter {
  void operator()(PGresult* r) const { PQclear(r); }
};
using Result = std::unique_ptr<PGresult, ResultDeleter>;

// libpq's messages span lines ("…\n\tIs the server running…?\n"); the log has one per event.
std::string trimmed(const char* message) {
  return domain::one_line(message != nullptr ? message : "");
}

// Server notices (NOTICE, WARNING: "relation … already exists, skipping") go to the log at debug
// level instead of libpq's default, stderr: nothing is written outside the logger.
void log_notice(void*, const char* message) {
  spdlog::debug("PostgreSQL: {}", trimmed(message));
}

// Statements that can violate a uniqueness rule run inside a savepoint when a transaction is
// open: PostgreSQL aborts the whole transaction on an error, SQLite only the statement, and the
// Queries contract must not depend on the backend (a caller may catch UniqueViolation and go on).
// An invite to an unknown livestream (a foreign key: NotFound) is covered the same way.
bool may_violate_uniqueness(sql::Query q) {
  switch (q) {
    case sql::Query::InsertLivestream:
    case sql::Query::InsertParticipant:
    case sql::Query::AttachLivekitSession:
    case sql::Query::InsertUser:
    case sql::Query::InsertSession:
    case sql::Query::InsertApiKey:
    case sql::Query::AddInvite: return true;
    default: return false;
  }
}

class ResultRow final : public sql::Row {
 public:
  ResultRow(const PGresult* result, int row) : result_(result), row_(row) {}
  bool is_null(int column) const override { return PQgetisnull(result_, row_, column) != 0; }
  std::string_view text(int column) const override {
    return {PQgetvalue(result_, row_, column),
            static_cast<std::size_t>(PQgetlength(result_, row_, column))};
  }
  std::int64_t int64(int column) const override {
    const std::string_view t = text(column);
    std::int64_t value = 0;
    const auto [end, ec] = std::from_chars(t.data(), t.data() + t.size(), value);
    if (ec != std::errc{} || end != t.data() + t.size()) {
      throw AppError(ErrorKind::Internal,
                     "PostgreSQL returned a non-integer where one was expected");
    }
    return value;
  }

 private:
  const PGresult* result_;
  int row_;
};

// Text-format parameters: libpq wants NUL-terminated strings, so each value is copied once.
struct TextParams {
  explicit TextParams(std::initializer_list<sql::Param> params) {
    storage.reserve(params.size());
    for (const auto& param : params) {
      if (const auto* text = std::get_if<std::string_view>(&param)) {
        // A NUL byte would silently cut the value short: refuse it instead.
        if (text->find('\0') != std::string_view::npos) {
          throw AppError(ErrorKind::Validation, "text values must not contain NUL characters");
        }
        storage.emplace_back(*text);
      } else if (const auto* number = std::get_if<std::int64_t>(&param)) {
        storage.push_back(std::to_string(*number));
      } else {
        storage.emplace_back();
      }
    }
    auto it = params.begin();
    for (const auto& s : storage) {
      values.push_back(std::holds_alternative<std::nullptr_t>(*it) ? nullptr : s.c_str());
      ++it;
    }
  }
  int count() const { return static_cast<int>(values.size()); }

  std::vector<std::string> storage;
  std::vector<const char*> values;
};

constexpr const char* kBeginSnapshot = "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY";

std::string statement_name(sql::Query q) {
  return "lso_" + std::to_string(static_cast<std::size_t>(q));
}

}  // namespace

Connection::Connection(const ConnectSettings& settings) : settings_(settings) {
  // libpq's connect_timeout is whole seconds (and at least 2 in practice).
  const auto seconds = std::max<std::int64_t>(1, (settings_.connectTimeout.count() + 999) / 1000);
  const std::string timeout = std::to_string(seconds);
  // Later keywords override earlier ones, so the URL (expanded from dbname) wins over these
  // defaults when it sets them itself.
  const char* keys[] = {"connect_timeout", "fallback_application_name", "dbname", nullptr};
  const char* values[] = {timeout.c_str(), "livestream-orchestrator", settings_.url.c_str(),
                          nullptr};
  conn_ = PQconnectdbParams(keys, values, 1);
  if (conn_ == nullptr) {
    throw AppError(ErrorKind::Unavailable, "out of memory connecting to PostgreSQL");
  }
  PQsetNoticeProcessor(conn_, log_notice, nullptr);
  if (PQstatus(conn_) != CONNECTION_OK) {
    const std::string message = trimmed(PQerrorMessage(conn_));
    PQfinish(conn_);
    conn_ = nullptr;
    throw AppError(ErrorKind::Unavailable, "cannot connect to PostgreSQL: " + message);
  }
  try {
    configure();
  } catch (...) {
    PQfinish(conn_);
    throw;
  }
}

Connection::~Connection() {
  PQfinish(conn_);
}

bool Connection::ok() const {
  return PQstatus(conn_) == CONNECTION_OK;
}

bool Connection::in_transaction() {
  settle();
  return snapshotUnsent_ || PQtransactionStatus(conn_) != PQTRANS_IDLE;
}

void Connection::begin_snapshot() {
  settle();
  snapshotUnsent_ = true;
}

void Connection::end_snapshot() {
  if (discard_unsent_snapshot()) {
    return;
  }
  if (PQsendQuery(conn_, "COMMIT") != 1) {
    raise(nullptr);
  }
  commitInFlight_ = true;
}

bool Connection::discard_unsent_snapshot() {
  return std::exchange(snapshotUnsent_, false);
}

void Connection::settle() {
  if (!std::exchange(commitInFlight_, false)) {
    return;
  }
  std::string error;
  while (PGresult* raw = PQgetResult(conn_)) {
    const Result result(raw);
    if (PQresultStatus(raw) != PGRES_COMMAND_OK && error.empty()) {
      error = trimmed(PQresultErrorMessage(raw));
    }
  }
  if (!ok()) {
    throw ConnectionLost("PostgreSQL connection lost: " + trimmed(PQerrorMessage(conn_)));
  }
  // A read-only transaction has nothing to lose; the session is idle again either way.
  if (!error.empty()) {
    spdlog::warn("PostgreSQL: ending a read snapshot failed: {}", error);
  }
}

void Connection::send_unsent_snapshot() {
  if (discard_unsent_snapshot()) {
    execute(kBeginSnapshot);
  }
}

void Connection::reset() {
  prepared_.reset();
  snapshotUnsent_ = false;
  commitInFlight_ = false;
  PQreset(conn_);
  if (!ok()) {
    throw AppError(ErrorKind::Unavailable,
                   "cannot reconnect to PostgreSQL: " + trimmed(PQerrorMessage(conn_)));
  }
  configure();
}

// Session settings survive for the connection's life; PQreset makes a new session, so reset()
// applies them again.
void Connection::configure() {
  execute("SET statement_timeout = " + std::to_string(settings_.statementTimeout.count()));
}

void Connection::execute(std::string_view sqlText) {
  settle();
  send_unsent_snapshot();
  const Result result(PQexec(conn_, std::string(sqlText).c_str()));
  const auto status = PQresultStatus(result.get());
  if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK) {
    raise(result.get());
  }
}

std::int64_t Connection::exec(sql::Query query, std::initializer_list<sql::Param> params,
                              const RowFn& on_row) {
  if (!may_violate_uniqueness(query) || !in_transaction()) {
    return exec_prepared(query, params, on_row);
  }
  execute("SAVEPOINT lso_statement");
  try {
    const auto rows = exec_prepared(query, params, on_row);
    execute("RELEASE SAVEPOINT lso_statement");
    return rows;
  } catch (const ConnectionLost&) {
    throw;
  } catch (...) {
    // A failure here leaves the transaction aborted, which its COMMIT will report; the
    // statement's own error is the one the caller needs to see.
    try {
      if (ok()) {
        execute("ROLLBACK TO SAVEPOINT lso_statement; RELEASE SAVEPOINT lso_statement");
      }
    } catch (const AppError&) {
    }
    throw;
  }
}

// Prepared once per session, outside any pipeline (the first use of a statement on a connection
// is rare; keeping it apart keeps the pipeline to two commands).
std::string Connection::prepared_name(sql::Query query) {
  const auto index = static_cast<std::size_t>(query);
  std::string name = statement_name(query);
  if (!prepared_.test(index)) {
    // Parameter types are inferred by the server from the casts written in the SQL.
    const Result prepared(
        PQprepare(conn_, name.c_str(), std::string(statement_sql(query)).c_str(), 0, nullptr));
    if (PQresultStatus(prepared.get()) != PGRES_COMMAND_OK) {
      raise(prepared.get());
    }
    prepared_.set(index);
  }
  return name;
}

std::int64_t Connection::exec_with_begin(const std::string& name, int count,
                                         const char* const* values, const RowFn& on_row) {
  snapshotUnsent_ = false;
  if (PQenterPipelineMode(conn_) != 1) {
    raise(nullptr);
  }
  const bool sent =
      PQsendQueryParams(conn_, kBeginSnapshot, 0, nullptr, nullptr, nullptr, nullptr, 0) == 1 &&
      PQsendQueryPrepared(conn_, name.c_str(), count, values, nullptr, nullptr, 0) == 1 &&
      PQpipelineSync(conn_) == 1;
  // The BEGIN's result and the statement's, each followed by a null; then the sync point. After
  // an error the statement answers PGRES_PIPELINE_ABORTED and the BEGIN's error is raised.
  std::vector<Result> results;
  bool synced = false;
  if (sent) {
    while (ok() && results.size() < 2) {
      results.emplace_back(PQgetResult(conn_));
      if (!results.back()) break;
      while (PGresult* extra = PQgetResult(conn_)) PQclear(extra);
    }
    if (ok() && results.size() == 2 && results.back()) {
      const Result sync(PQgetResult(conn_));
      synced = sync && PQresultStatus(sync.get()) == PGRES_PIPELINE_SYNC;
    }
  }
  if (!synced || PQexitPipelineMode(conn_) != 1) {
    // A pipeline read only in part (the connection broke): the session cannot be trusted, so it
    // is replaced now (PQreset also leaves pipeline mode), and the caller may retry.
    std::string message = trimmed(PQerrorMessage(conn_));
    for (const auto& r : results) {
      if (r && PQresultStatus(r.get()) == PGRES_FATAL_ERROR) {
        message = trimmed(PQresultErrorMessage(r.get()));
        break;
      }
    }
    try {
      reset();
    } catch (const AppError&) {
      // Still down: the pool reconnects it at its next checkout.
    }
    throw ConnectionLost("PostgreSQL connection lost: " + message);
  }
  if (PQresultStatus(results[0].get()) != PGRES_COMMAND_OK) raise(results[0].get());
  return consume(results[1].release(), on_row);
}

std::int64_t Connection::exec_prepared(sql::Query query, std::initializer_list<sql::Param> params,
                                       const RowFn& on_row) {
  settle();
  const std::string name = prepared_name(query);
  const TextParams text(params);
  if (snapshotUnsent_) {
    return exec_with_begin(name, text.count(), text.values.data(), on_row);
  }
  return consume(
      PQexecPrepared(conn_, name.c_str(), text.count(), text.values.data(), nullptr, nullptr, 0),
      on_row);
}

std::int64_t Connection::exec_text(std::string_view sqlText,
                                   std::initializer_list<sql::Param> params, const RowFn& on_row) {
  settle();
  send_unsent_snapshot();
  const TextParams text(params);
  return consume(PQexecParams(conn_, std::string(sqlText).c_str(), text.count(), nullptr,
                              text.values.data(), nullptr, nullptr, 0),
                 on_row);
}

std::int64_t Connection::consume(PGresult* raw, const RowFn& on_row) {
  const Result result(raw);
  switch (PQresultStatus(result.get())) {
    case PGRES_TUPLES_OK: {
      const int rows = PQntuples(result.get());
      if (on_row) {
        for (int i = 0; i < rows; ++i) {
          on_row(ResultRow{result.get(), i});
        }
      }
      return rows;
    }
    case PGRES_COMMAND_OK: {
      const char* changed = PQcmdTuples(result.get());
      std::int64_t n = 0;
      std::from_chars(changed, changed + std::char_traits<char>::length(changed), n);
      return n;
    }
    default: raise(result.get());
  }
}

void Connection::raise(const PGresult* result) const {
  const std::string message =
      trimmed(result != nullptr ? PQresultErrorMessage(result) : PQerrorMessage(conn_));
  if (!ok()) {
    throw ConnectionLost("PostgreSQL connection lost: " + message);
  }
  const char* field = result != nullptr ? PQresultErrorField(result, PG_DIAG_SQLSTATE) : nullptr;
  const std::string_view state = field != nullptr ? field : "";
  if (state == "23505") {
    // Unique indexes are named after the domain's uniqueness rules (migrations.hpp).
    const char* constraint = PQresultErrorField(result, PG_DIAG_CONSTRAINT_NAME);
    throw domain::UniqueViolation(constraint != nullptr ? constraint : "unknown");
  }
  if (state == "23503") {
    throw AppError(ErrorKind::NotFound, "livestream not found");
  }
  // Raised by the participant event functions (migration 2) when a concurrent writer got there
  // first: the job is retried and then sees it.
  if (state == "LS409") {
    throw AppError(ErrorKind::Conflict,
                   trimmed(PQresultErrorField(result, PG_DIAG_MESSAGE_PRIMARY)));
  }
  if (state == "40001" || state == "40P01") {
    throw SerializationFailure(message);
  }
  // Text the database cannot hold (a \u0000 escape in JSON, invalid UTF-8): the client's data.
  if (state == "22P05" || state == "22021") {
    throw AppError(ErrorKind::Validation, "value cannot be stored: " + message);
  }
  // Connection exceptions, insufficient resources, operator intervention (shutdown, statement
  // timeout): the database cannot serve us now.
  if (state.empty() || state.substr(0, 2) == "08" || state.substr(0, 2) == "53" ||
      state.substr(0, 2) == "57") {
    throw AppError(ErrorKind::Unavailable, "PostgreSQL unavailable: " + message);
  }
  throw AppError(ErrorKind::Internal, "PostgreSQL error " + std::string(state) + ": " + message);
}

}  // namespace lso::store::postgres
