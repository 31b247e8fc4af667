// THE permission table: every who-may-do-what decision of the service, in one place
// (docs/architecture.md shows it as a table). Use cases call require() before acting; nothing
// else decides.
#pragma once

#include <string>
#include <string_view>

#include "domain/errors.hpp"
#include "domain/model.hpp"
#include "domain/principal.hpp"
#include "domain/store.hpp"

namespace lso::domain {

enum class Action {
  ListLivestreams,  // the list (what it shows is narrowed by list_scope)
  ListByCreator,    // filter the list by `Subject::targetUserId` as creator (names a user id)
  ReadLivestream,   // get, state, SSE, participants
  SeeUserIds,       // other users' ids in what is read
  CreateLivestream,
  EndLivestream,
  JoinAsHost,
  JoinAsViewer,
  Leave,  // end the session of `Subject::targetUserId`
  ManageInvites,
  ManageUsers,        // admin: accounts
  ManageApiKeys,      // admin: keys
  ReadAudit,          // admin: the audit log
  ManageDeadLetters,  // admin: inspect, replay and drop dead-lettered webhooks
  OpenEventTicket,    // any principal: a ticket for EventSource
  ReadAnalytics,      // a livestream's audience analytics (the series and the summary)
  // Chat, moderation and the stage. `Subject::moderator`: the actor moderates this
  // livestream; `targetUserId`: whom the action is about (a message's author, a moderated user).
  ReadChat,
  PostChat,
  DeleteChatMessage,  // targetUserId: the message's author
  Moderate,           // slow mode, the moderation log
  ModerateUser,       // time out, ban, unban, mute; targetUserId, targetModerator
  ManageModerators,
  RaiseHand,          // targetUserId: whose hand (raising: only one's own)
  LowerHand,          // targetUserId: whose hand
  ManageStage,        // invite on stage, bring back
  AnswerStageInvite,  // targetUserId: who was invited
  ManageIngest,       // create, reveal (the stream key), reset and delete the ingest endpoint
  ManageRecordings,   // start and stop recordings
  ReadRecordings,     // list and read a livestream's recordings
};

std::string_view to_string(Action action);

// What an action is about. Fields an action does not use stay empty.
struct Subject {
  const Livestream* livestream = nullptr;
  bool invited = false;           // the actor is on the private livestream's invite list
  std::string_view targetUserId;  // Leave: whose session; chat and moderation: about whom
  bool moderator = false;         // the actor is a moderator of the livestream
  bool targetModerator = false;   // ModerateUser: the target is a moderator
};

// Deployment-wide switches the table reads.
struct PermissionPolicy {
  bool guestsAllowed = true;  // AUTH_GUESTS: guests (and anonymous readers) on public livestreams
  // AUTH_MODE=open: no identities, so everything is readable and every view shows user ids
  // (the seed's behaviour); pushed events carry the full view.
  bool open = false;
};

struct Decision {
  bool allowed = false;
  ErrorKind refusal = ErrorKind::Authorization;  // Authentication (401) for nobody
  const char* reason = "";
};

Decision decide(const PermissionPolicy& policy, const Actor& actor, Action action,
                const Subject& subject = {});
// decide(), throwing AppError(Authentication|Authorization) with the reason when refused.
void require(const PermissionPolicy& policy, const Actor& actor, Action action,
             const Subject& subject = {});

// decide(), reading the livestream's invite list (with `q`) only when it can lift a refusal: the
// livestream is private and the actor a signed-in user. `subject.livestream` must be set.
Decision decide_reading_invites(const PermissionPolicy& policy, const Actor& actor, Action action,
                                Subject subject, Queries& q);
// decide_reading_invites(), throwing AppError(Authentication|Authorization) when refused.
void require_reading_invites(const PermissionPolicy& policy, const Actor& actor, Action action,
                             Subject subject, Queries& q);

// Which livestreams a list shows this actor (admins and open mode: all).
LivestreamFilter::Scope list_scope(const Actor& actor);

}  // namespace lso::domain
