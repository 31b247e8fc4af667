// domain::Queries on PostgreSQL: the shared SQL queries, plus webhook participant events applied
// by the database's own functions (migration 2) in one round trip per run of events.
#pragma once

#include "domain/participant_event_batch.hpp"
#include "store/postgres/connection.hpp"
#include "store/sql/sql_queries.hpp"

namespace lso::store::postgres {

class PostgresQueries final : public sql::SqlQueries {
 public:
  explicit PostgresQueries(Connection& connection)
      : SqlQueries(connection), connection_(connection) {}

  // PostgresStore's ParticipantEventBatchApplier, on this transaction's connection.
  std::vector<domain::ParticipantEventResult> apply_participant_events(
      const std::vector<domain::ParticipantEvent>& events, domain::TimePoint processedAt,
      domain::TimePoint expiresAt);
  // One call of lso_mark_participants_left (migration 3) instead of a round trip per user.
  std::int64_t mark_participants_left(std::string_view livestreamId,
                                      std::span<const std::string> userIds,
                                      domain::TimePoint leftAt) override;

 private:
  Connection& connection_;
};

}  // namespace lso::store::postgres
