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
  std::int64_t adjust_audience(std::string_view livestreamId, const AudienceDelta& delta,
                               std::int64_t peakCandidate, domain::TimePoint at) override;
  std::int64_t recount_audience(std::string_view livestreamId, std::string_view hostUserId,
                                domain::TimePoint at) override;
  void clear_audience(std::string_view livestreamId) override;

  void insert_participant(const domain::Participant& participant) override;
  bool insert_participant_if_absent(const domain::Participant& participant) override;
  std::optional<domain::Participant> find_active_participant(std::string_view livestreamId,
                                                             std::string_view userId) override;
  std::optional<domain::Participant> find_participant_by_sid(
      std::string_view livekitParticipantSid) override;
  std::vector<domain::Participant> list_participants(
      const domain::ParticipantFilter& filter) override;
  std::optional<domain::Participant> mark_participant_left(std::string_view livestreamId,
                                                           std::string_view userId,
                                                           domain::TimePoint leftAt) override;
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

  void insert_livekit_session(const domain::LivekitSession& session) override;
  std::optional<domain::LivekitSession> find_livekit_session(std::string_view sid) override;
  SessionContext session_context(std::string_view livestreamId, std::string_view userId,
                                 std::string_view sid) override;
  bool disconnect_livekit_session(std::string_view sid, domain::TimePoint at) override;
  std::optional<std::string> other_connected_session(std::string_view livestreamId,
                                                     std::string_view userId,
                                                     std::string_view exceptSid) override;
  std::int64_t disconnect_user_sessions(std::string_view livestreamId,
                                        std::span<const std::string> userIds,
                                        domain::TimePoint at) override;
  std::int64_t disconnect_all_sessions(std::string_view livestreamId,
                                       domain::TimePoint at) override;
  std::vector<domain::ConnectedPerson> connected_people(std::string_view livestreamId) override;
  std::vector<std::int64_t> viewer_watch_times(std::string_view livestreamId,
                                               domain::TimePoint until) override;

  void record_viewer_sample(const domain::ViewerBucket& sample) override;
  std::vector<domain::ViewerBucket> viewer_series(std::string_view livestreamId,
                                                  domain::TimePoint from,
                                                  domain::TimePoint to) override;
  std::optional<domain::ViewerBucket> viewer_bucket_before(std::string_view livestreamId,
                                                           domain::TimePoint t) override;
  std::int64_t downsample_viewer_series(domain::TimePoint before) override;
  std::int64_t delete_audience_history(domain::TimePoint endedBefore, std::int64_t limit) override;

  bool record_webhook(std::string_view webhookId, std::string_view event,
                      domain::TimePoint processedAt, domain::TimePoint expiresAt) override;
  std::int64_t delete_expired_webhooks(domain::TimePoint now, std::int64_t limit) override;

  void insert_user(const domain::User& user) override;
  std::optional<domain::User> find_user(std::string_view id) override;
  std::int64_t count_users() override;
  std::vector<domain::User> list_users(std::int32_t limit, std::int32_t offset) override;
  std::optional<domain::User> set_user_password(std::string_view id, std::string_view passwordHash,
                                                domain::TimePoint now) override;
  std::optional<domain::User> set_user_admin(std::string_view id, bool admin,
                                             domain::TimePoint now) override;
  std::optional<domain::User> set_user_disabled(std::string_view id, bool disabled,
                                                domain::TimePoint now) override;

  void insert_session(const domain::AuthSession& session) override;
  std::optional<domain::SessionLookup> find_session(std::string_view idHash) override;
  void touch_session(std::string_view idHash, domain::TimePoint lastSeenAt) override;
  bool delete_session(std::string_view idHash) override;
  std::vector<std::string> delete_user_sessions(std::string_view userId,
                                                std::string_view keepIdHash) override;
  std::int64_t delete_expired_sessions(domain::TimePoint now, domain::TimePoint idleBefore,
                                       std::int64_t limit) override;

  void insert_api_key(const domain::ApiKey& key) override;
  std::optional<domain::ApiKeyLookup> find_api_key_by_hash(std::string_view secretHash) override;
  std::vector<domain::ApiKey> list_api_keys() override;
  std::optional<domain::ApiKey> revoke_api_key(std::string_view id, domain::TimePoint now) override;
  void touch_api_key(std::string_view id, domain::TimePoint lastUsedAt) override;

  std::int64_t insert_audit(const domain::AuditEntry& entry) override;
  std::vector<domain::AuditEntry> list_audit(const domain::AuditFilter& filter) override;
  std::int64_t delete_audit_before(domain::TimePoint before, std::int64_t limit) override;

  bool add_invite(const domain::Invite& invite) override;
  bool remove_invite(std::string_view livestreamId, std::string_view userId) override;
  bool is_invited(std::string_view livestreamId, std::string_view userId) override;
  std::vector<domain::Invite> list_invites(std::string_view livestreamId) override;

  bool insert_chat_message(const domain::ChatMessage& message) override;
  std::optional<domain::ChatMessage> find_chat_message(std::string_view id) override;
  std::optional<domain::ChatMessage> find_chat_message_by_client_id(
      std::string_view livestreamId, std::string_view userId, std::string_view clientId) override;
  std::vector<domain::ChatMessage> list_chat_messages(std::string_view livestreamId,
                                                      const domain::ChatMessage* before,
                                                      std::int32_t limit) override;
  ChatActivity chat_activity(std::string_view livestreamId, std::string_view userId,
                             domain::TimePoint since) override;
  bool delete_chat_message(std::string_view id, std::string_view by, domain::TimePoint at) override;
  std::int32_t chat_slow_mode(std::string_view livestreamId) override;
  void set_chat_slow_mode(std::string_view livestreamId, std::int32_t seconds) override;
  std::optional<domain::Member> find_member(std::string_view livestreamId,
                                            std::string_view userId) override;
  void save_member(const domain::Member& member) override;
  std::vector<domain::Member> list_members(std::string_view livestreamId) override;
  std::int64_t insert_moderation(const domain::ModerationEntry& entry) override;
  std::vector<domain::ModerationEntry> list_moderation(std::string_view livestreamId,
                                                       std::int64_t beforeId,
                                                       std::int32_t limit) override;

  std::optional<domain::Ingest> find_ingest(std::string_view livestreamId) override;
  std::optional<domain::Ingest> lock_ingest_by_ingress(std::string_view ingressId) override;
  void upsert_ingest(const domain::Ingest& ingest) override;
  bool delete_ingest(std::string_view livestreamId) override;
  std::vector<domain::Ingest> list_live_ingests() override;
  bool insert_recording_if_absent(const domain::Recording& recording) override;
  std::optional<domain::Recording> lock_recording_by_egress(std::string_view egressId) override;
  std::optional<domain::Recording> find_recording(std::string_view id) override;
  void update_recording(const domain::Recording& recording) override;
  std::vector<domain::Recording> list_recordings(std::string_view livestreamId) override;
  std::vector<domain::Recording> list_active_recordings() override;

  std::string get_or_create_secret(std::string_view name, std::string_view candidate) override;

 private:
  std::optional<domain::Livestream> one_livestream(Query q, std::initializer_list<Param> params);
  // One livestream by id (nullopt for an id that is not a UUID, without asking the database).
  std::optional<domain::Livestream> livestream_by_id(Query q, std::string_view id);
  std::vector<domain::Livestream> livestreams(Query q, std::initializer_list<Param> params);
  std::optional<domain::Participant> one_participant(Query q, std::initializer_list<Param> params);
  std::int64_t write_participant(Query q, const domain::Participant& participant);
  std::vector<domain::Participant> participants(Query q, std::initializer_list<Param> params);
  std::int64_t scalar(Query q, std::initializer_list<Param> params);
  std::optional<domain::User> one_user(Query q, std::initializer_list<Param> params);
  std::vector<domain::Ingest> ingests(Query q, std::initializer_list<Param> params);
  std::vector<domain::Recording> recordings(Query q, std::initializer_list<Param> params);

  Session& session_;
};

}  // namespace lso::store::sql
