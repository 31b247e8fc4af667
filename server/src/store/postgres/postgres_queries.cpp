// PostgresQueries: a run of participant events travels as one JSON parameter to the functions of
// migration 5 (store/postgres/migrations.hpp), which answer one row per event, in order.
#include "store/postgres/postgres_queries.hpp"

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>

#include "domain/errors.hpp"
#include "util/time.hpp"

namespace lso::store::postgres {

std::vector<domain::ParticipantEventResult> PostgresQueries::apply_participant_events(
    const std::vector<domain::ParticipantEvent>& events, domain::TimePoint processedAt,
    domain::TimePoint expiresAt) {
  std::vector<domain::ParticipantEventResult> results;
  if (events.empty()) return results;
  boost::json::array batch;
  batch.reserve(events.size());
  for (const auto& e : events) {
    batch.push_back(boost::json::object{{"id", e.webhookId},
                                        {"event", e.event},
                                        {"livestream", e.livestreamId},
                                        {"host", e.hostUserId},
                                        {"identity", e.identity},
                                        {"name", e.name},
                                        {"sid", e.sid},
                                        {"roomSid", e.roomSid},
                                        {"newId", e.newParticipantId}});
  }
  const std::string json = boost::json::serialize(batch);
  results.reserve(events.size());
  connection_.exec_text(
      "SELECT outcome, state_of, viewers FROM lso_apply_participant_events($1::jsonb, $2::bigint, "
      "$3::bigint)",
      {json, util::to_epoch_micros(processedAt), util::to_epoch_micros(expiresAt)},
      [&](const sql::Row& row) {
        domain::ParticipantEventResult r;
        const auto outcome = row.text(0);
        if (outcome == "applied") {
          r.outcome = domain::WebhookOutcome::Applied;
        } else if (outcome == "duplicate") {
          r.outcome = domain::WebhookOutcome::Duplicate;
        } else if (outcome == "unknown") {
          r.outcome = domain::WebhookOutcome::Unknown;
        } else {
          r.outcome = domain::WebhookOutcome::NoEffect;
        }
        if (!row.is_null(1)) r.stateOf = std::string(row.text(1));
        if (!row.is_null(2)) r.viewers = row.int64(2);
        results.push_back(std::move(r));
      });
  if (results.size() != events.size()) {
    throw domain::AppError(domain::ErrorKind::Internal,
                           "lso_apply_participant_events answered " +
                               std::to_string(results.size()) + " rows for " +
                               std::to_string(events.size()) + " events");
  }
  return results;
}

std::int64_t PostgresQueries::mark_participants_left(std::string_view livestreamId,
                                                     std::span<const std::string> userIds,
                                                     domain::TimePoint leftAt) {
  const auto key = sql::canonical_id(livestreamId);
  if (!key || userIds.empty()) return 0;
  boost::json::array users;
  users.reserve(userIds.size());
  for (const auto& u : userIds) users.emplace_back(u);
  const std::string json = boost::json::serialize(users);
  std::int64_t left = 0;
  connection_.exec_text("SELECT lso_mark_participants_left($1::uuid, $2::jsonb, $3::bigint)",
                        {*key, json, util::to_epoch_micros(leftAt)},
                        [&](const sql::Row& row) { left = row.int64(0); });
  return left;
}

}  // namespace lso::store::postgres
