// One libpq connection: connecting with the store's settings, statements prepared once per
// connection, and the sql::Session that runs the named queries. Used by one thread at a time.
#pragma once

#include <bitset>
#include <chrono>
#include <string>
#include <string_view>

#include "domain/errors.hpp"
#include "store/sql/session.hpp"

struct pg_conn;
struct pg_result;

namespace lso::store::postgres {

struct ConnectSettings {
  std::string url;  // postgres:// or postgresql:// URI, handed to libpq as is
  std::chrono::milliseconds connectTimeout{5000};
  std::chrono::milliseconds statementTimeout{5000};
};

// The connection broke (server restart, network): the statement's outcome is unknown unless no
// COMMIT was sent. Still an AppError(Unavailable) for whoever does not retry.
class ConnectionLost : public domain::AppError {
 public:
  explicit ConnectionLost(const std::string& message)
      : AppError(domain::ErrorKind::Unavailable, message) {}
};

// SQLSTATE 40001 / 40P01: the transaction was rolled back and may simply be run again.
class SerializationFailure : public domain::AppError {
 public:
  explicit SerializationFailure(const std::string& message)
      : AppError(domain::ErrorKind::Unavailable, message) {}
};

class Connection final : public sql::Session {
 public:
  // Connects; throws AppError(Unavailable) when the server cannot be reached.
  explicit Connection(const ConnectSettings& settings);
  ~Connection() override;
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  bool ok() const;
  // Reconnects with the same settings (prepared statements are gone afterwards).
  void reset();
  // True inside a transaction, including a snapshot begun but not yet sent.
  bool in_transaction();

  // A read-only repeatable-read transaction: every statement until end_snapshot() sees one
  // snapshot. Its BEGIN is not sent alone: it travels in one pipeline with the first statement,
  // and a read that runs no statement sends nothing. end_snapshot() sends COMMIT without waiting;
  // its answer is read before the connection's next command. Together they cost a read no round
  // trip beyond its own statements.
  void begin_snapshot();
  void end_snapshot();
  // Forgets a snapshot whose BEGIN was never sent; true when there was one (nothing to roll back).
  bool discard_unsent_snapshot();

  // Runs SQL text without parameters over the simple protocol (may hold several statements).
  void execute(std::string_view sqlText);
  std::int64_t exec(sql::Query query, std::initializer_list<sql::Param> params,
                    const RowFn& on_row) override;
  // Runs a statement that is not a named query (unnamed, not cached).
  std::int64_t exec_text(std::string_view sqlText, std::initializer_list<sql::Param> params,
                         const RowFn& on_row = {});

 private:
  void configure();
  // Reads the answer of a COMMIT sent by end_snapshot(), before anything else is sent.
  void settle();
  // Sends a begun snapshot's BEGIN on its own (before a statement that cannot share its pipeline).
  void send_unsent_snapshot();
  // The statement's name, prepared on this session first when it is new.
  std::string prepared_name(sql::Query query);
  // BEGIN and the prepared statement `name` in one pipeline.
  std::int64_t exec_with_begin(const std::string& name, int count, const char* const* values,
                               const RowFn& on_row);
  std::int64_t exec_prepared(sql::Query query, std::initializer_list<sql::Param> params,
                             const RowFn& on_row);
  std::int64_t consume(pg_result* result, const RowFn& on_row);
  [[noreturn]] void raise(const pg_result* result) const;

  ConnectSettings settings_;
  pg_conn* conn_ = nullptr;
  std::bitset<sql::kQueryCount> prepared_;
  bool snapshotUnsent_ = false;
  bool commitInFlight_ = false;
};

}  // namespace lso::store::postgres
