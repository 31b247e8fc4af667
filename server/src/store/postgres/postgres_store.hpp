// The production-mode Store: PostgreSQL through libpq, a fixed-size connection pool, one
// transaction per write retried on serialization failures and deadlocks.
#pragma once

#include <chrono>
#include <string>

#include "domain/store.hpp"
#include "store/postgres/connection_pool.hpp"

namespace lso::store::postgres {

struct PostgresOptions {
  std::string url;  // postgres:// or postgresql:// URI
  int poolSize = 8;
  // Bounds connecting and waiting for a free pooled connection.
  std::chrono::milliseconds connectTimeout{5000};
  std::chrono::milliseconds statementTimeout{5000};
};

class PostgresStore final : public domain::Store {
 public:
  // Connects lazily: constructing never touches the network; migrate() or ping() will.
  explicit PostgresStore(const PostgresOptions& options);

  std::string_view backend() const override { return "postgresql"; }
  void migrate() override;
  void ping() override;
  // Write: BEGIN … COMMIT (READ COMMITTED), the whole fn retried up to kMaxSerializationRetries
  // times on SQLSTATE 40001/40P01. Either access: when the connection turns out to be broken
  // before anything was committed, it is re-established and fn run once more.
  void run(Access access, const std::function<void(domain::Queries&)>& fn) override;

  static constexpr int kMaxSerializationRetries = 5;

 private:
  ConnectionPool pool_;
};

}  // namespace lso::store::postgres
