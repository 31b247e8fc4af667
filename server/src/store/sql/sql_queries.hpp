// domain::Queries written once for every SQL backend: parameter binding, row → model mapping and
// the small rules around the statements; the SQL text itself comes from each backend's Session.
#pragma once

#include "domain/store.hpp"
#include "store/sql/session.hpp"

namespace lso::store::sql {

// Ids are stored in canonical lowercase form. An id that is not a UUID cannot name a record, so
// lookups answer "not found" without asking the database (PostgreSQL would reject it as a uuid).
std::optional<std::string> canonical_id(std::string_view id);

class SqlQueries : public domain::Queries {
 public:
  explicit SqlQueries(Session& session) : session_(session) {}

  void insert_livestream(const domain::Livestream& livestream) override;
  std::optional<domain::Livestream> find_livestream(std::string_view id) override;
  std::optional<domain::Livestream> find_active_livestream_by_room(
      std::string_view roomName) override;
  std::optional<domain::Livestream> lock_active_livestream_by_room(
      std::string_view roomName) override;
  std::optional<domain::Livestream> lock_livestream_shared(std::string_view id) override;
  std::optional<domain::Livestream> lock_livestream_exclusive(std::string_view id) override;
  std::vector<domain::Livestream> list_livestreams(const domain::LivestreamFilter& filter) override;
  std::vector<domain::Livestream> list_livestreams_with_status(
      domain::LivestreamStatus status) override;
  std::optional<domain::Livestream> mark_livestream_live(std::string_view id,
                                                         domain::TimePoint startedAt) override;
  std::optional<domain::Livestream> mark_livestream_error(std::string_view id,
                                                          domain::TimePoint now) override;
  std::optional<domain::Livestream> mark_livestream_ended(std::string_view id,
                                                          domain::TimePoint endedAt) override;
  std::int64_t raise_peak_viewers(std::string_view livestreamId, std::int64_t viewers) override;
  std::int64_t peak_viewers(std::string_view livestreamId) override;

  void insert_participant(const domain::Participant& participant) override;
  bool insert_participant_if_absent(const domain::Participant& participant) override;
  std::optional<domain::Participant> find_active_participant(std::string_view livestreamId,
                                                             std::string_view userId) override;
  ParticipantSession find_participant_session(std::string_view livestreamId,
                                              std::string_view userId,
                                              std::string_view livekitParticipantSid) override;
  std::optional<domain::Participant> find_participant_by_sid(
      std::string_view livekitParticipantSid) override;
  std::vector<domain::Participant> list_participants(
      const domain::ParticipantFilter& filter) override;
  std::optional<domain::Participant> mark_participant_left(std::string_view livestreamId,
                                                           std::string_view userId,
                                                           domain::TimePoint leftAt) override;
  std::optional<domain::Participant> mark_participant_left_by_sid(
      std::string_view livekitParticipantSid, domain::TimePoint leftAt) override;
  std::int64_t mark_all_participants_left(std::string_view livestreamId,
                                          domain::TimePoint leftAt) override;
  std::int64_t mark_participants_left(std::string_view livestreamId,
                                      std::span<const std::string> userIds,
                                      domain::TimePoint leftAt) override;
  std::optional<domain::Participant> attach_livekit_session(
      std::string_view livestreamId, std::string_view userId,
      std::string_view livekitParticipantSid, std::string_view livekitRoomSid) override;
  std::vector<domain::ActiveParticipant> active_participants(
      std::string_view livestreamId) override;
  std::int64_t distinct_viewers(std::string_view livestreamId) override;

  bool record_webhook(std::string_view webhookId, std::string_view event,
                      domain::TimePoint processedAt, domain::TimePoint expiresAt) override;
  std::int64_t delete_expired_webhooks(domain::TimePoint now, std::int64_t limit) override;

 private:
  std::optional<domain::Livestream> one_livestream(Query q, std::initializer_list<Param> params);
  // One livestream by id (nullopt for an id that is not a UUID, without asking the database).
  std::optional<domain::Livestream> livestream_by_id(Query q, std::string_view id);
  std::vector<domain::Livestream> livestreams(Query q, std::initializer_list<Param> params);
  std::optional<domain::Participant> one_participant(Query q, std::initializer_list<Param> params);
  std::int64_t write_participant(Query q, const domain::Participant& participant);
  std::vector<domain::Participant> participants(Query q, std::initializer_list<Param> params);
  std::int64_t scalar(Query q, std::initializer_list<Param> params);

  Session& session_;
};

}  // namespace lso::store::sql
