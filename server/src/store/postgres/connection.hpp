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
  bool in_transaction() const;

  // Runs SQL text without parameters over the simple protocol (may hold several statements).
  void execute(std::string_view sqlText);
  std::int64_t exec(sql::Query query, std::initializer_list<sql::Param> params,
                    const RowFn& on_row) override;
  // Runs a statement that is not a named query (unnamed, not cached).
  std::int64_t exec_text(std::string_view sqlText, std::initializer_list<sql::Param> params,
                         const RowFn& on_row = {});

 private:
  void configure();
  std::int64_t exec_prepared(sql::Query query, std::initializer_list<sql::Param> params,
                             const RowFn& on_row);
  std::int64_t consume(pg_result* result, const RowFn& on_row);
  [[noreturn]] void raise(const pg_result* result) const;

  ConnectSettings settings_;
  pg_conn* conn_ = nullptr;
  std::bitset<sql::kQueryCount> prepared_;
};

}  // namespace lso::store::postgres
