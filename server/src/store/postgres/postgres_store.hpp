// The production-mode Store: PostgreSQL through libpq, a fixed-size connection pool, one
// transaction per write retried on serialization failures and deadlocks.
#pragma once

#include <chrono>
#include <string>

#include "domain/participant_event_batch.hpp"
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

// Also applies runs of webhook participant events in one round trip (the database's own
// functions, postgres/migrations.hpp): found once at wiring as a
// domain::ParticipantEventBatchApplier.
class PostgresStore final : public domain::Store, public domain::ParticipantEventBatchApplier {
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
  std::vector<domain::ParticipantEventResult> apply_participant_events(
      domain::Queries& q, const std::vector<domain::ParticipantEvent>& events,
      domain::TimePoint processedAt, domain::TimePoint expiresAt) override;

  static constexpr int kMaxSerializationRetries = 5;

 private:
  ConnectionPool pool_;
};

}  // namespace lso::store::postgres
