// The permission table and the rules its rows name. Reading the table top to bottom answers
// "who may do what" for the whole service; docs/architecture.md repeats it for readers.
#include "domain/permissions.hpp"

#include <array>

namespace lso::domain {

namespace {

// What an actor is with respect to a subject; each row of the table is one of these rules.
bool is_admin(const Actor& a) {
  return a.admin;
}
bool is_creator(const Actor& a, const Subject& s) {
  return s.livestream && !a.userId.empty() && s.livestream->createdBy == a.userId;
}
bool signed_in(const Actor& a) {
  return a.signed_in();
}

// Visibility: public and unlisted livestreams are readable by every signed-in user, and by guests
// and anonymous readers when the deployment allows guests; private ones only by the creator,
// invited users and admins. Open mode has no identities to restrict by: everything is readable.
bool may_read(const PermissionPolicy& policy, const Actor& a, const Subject& s) {
  if (a.kind == PrincipalKind::Open || is_admin(a)) return true;
  if (!s.livestream) return false;
  if (is_creator(a, s)) return true;
  if (s.livestream->visibility == Visibility::Private) return signed_in(a) && s.invited;
  return signed_in(a) || policy.guestsAllowed;
}

// Host, moderators and admins keep a livestream civil.
bool may_moderate(const Actor& a, const Subject& s) {
  return is_admin(a) || is_creator(a, s) || (s.moderator && !a.userId.empty());
}
bool is_self(const Actor& a, const Subject& s) {
  return !a.userId.empty() && s.targetUserId == a.userId;
}
// Who may watch as a viewer (JoinAsViewer), also who may speak in the chat.
bool may_view(const PermissionPolicy& p, const Actor& a, const Subject& s) {
  if (a.userId.empty() || !may_read(p, a, s)) return false;
  // Guests watch public livestreams only: an unlisted link is for signed-in people.
  return a.kind != PrincipalKind::Guest || s.livestream->visibility == Visibility::Public;
}

using Rule = bool (*)(const PermissionPolicy&, const Actor&, const Subject&);

struct Row {
  Action action;
  std::uint8_t scope;  // the credential must carry this scope
  Rule allowed;
  const char* refusal;
};

// clang-format off
constexpr std::array kTable{
  Row{Action::ListLivestreams, kScopeRead,
      [](const PermissionPolicy& p, const Actor& a, const Subject&) {
        return signed_in(a) || p.guestsAllowed; },
      "Authentication required: sign in first"},
  Row{Action::ListByCreator, kScopeRead,
      [](const PermissionPolicy&, const Actor& a, const Subject& s) {
        // A filter by someone else's id would tell who created what: ids are for admins.
        return a.kind == PrincipalKind::Open || is_admin(a) ||
               (!a.userId.empty() && s.targetUserId == a.userId); },
      "createdBy may only name yourself"},
  Row{Action::ReadLivestream, kScopeRead,
      [](const PermissionPolicy& p, const Actor& a, const Subject& s) { return may_read(p, a, s); },
      "This livestream is private"},
  Row{Action::SeeUserIds, kScopeRead,
      [](const PermissionPolicy&, const Actor& a, const Subject& s) {
        return a.kind == PrincipalKind::Open || is_admin(a) || is_creator(a, s); },
      "Only the creator and admins see user ids"},
  Row{Action::CreateLivestream, kScopeWrite,
      [](const PermissionPolicy&, const Actor& a, const Subject&) {
        return signed_in(a) && !a.userId.empty(); },
      "Only signed-in users can create livestreams"},
  Row{Action::EndLivestream, kScopeWrite,
      [](const PermissionPolicy&, const Actor& a, const Subject& s) {
        return is_creator(a, s) || is_admin(a); },
      "Only the creator can end this livestream"},
  Row{Action::JoinAsHost, kScopeWrite,
      [](const PermissionPolicy&, const Actor& a, const Subject& s) { return is_creator(a, s); },
      "Only the creator can join as HOST"},
  Row{Action::JoinAsViewer, kScopeWrite,
      [](const PermissionPolicy& p, const Actor& a, const Subject& s) { return may_view(p, a, s); },
      "You may not watch this livestream"},
  Row{Action::Leave, kScopeWrite,
      [](const PermissionPolicy&, const Actor& a, const Subject& s) {
        return (!a.userId.empty() && s.targetUserId == a.userId) || is_creator(a, s) ||
               is_admin(a); },
      "Only the participant, the creator or an admin can end this session"},
  Row{Action::ManageInvites, kScopeWrite,
      [](const PermissionPolicy&, const Actor& a, const Subject& s) {
        return is_creator(a, s) || is_admin(a); },
      "Only the creator can manage the invite list"},
  Row{Action::ManageUsers, kScopeAdmin,
      [](const PermissionPolicy&, const Actor& a, const Subject&) { return is_admin(a); },
      "Only admins can manage accounts"},
  Row{Action::ManageApiKeys, kScopeAdmin,
      [](const PermissionPolicy&, const Actor& a, const Subject&) { return is_admin(a); },
      "Only admins can manage API keys"},
  Row{Action::ReadAudit, kScopeAdmin,
      [](const PermissionPolicy&, const Actor& a, const Subject&) { return is_admin(a); },
      "Only admins can read the audit log"},
  Row{Action::ManageDeadLetters, kScopeAdmin,
      [](const PermissionPolicy&, const Actor& a, const Subject&) { return is_admin(a); },
      "Only admins can manage dead-lettered webhooks"},
  Row{Action::OpenEventTicket, kScopeRead,
      [](const PermissionPolicy&, const Actor& a, const Subject&) {
        return a.kind != PrincipalKind::Nobody; },
      "Sign in first"},
  // Watch times and the audience over time are the host's business (the live counts are in the
  // state everyone reads).
  Row{Action::ReadAnalytics, kScopeRead,
      [](const PermissionPolicy&, const Actor& a, const Subject& s) {
        return a.kind == PrincipalKind::Open || is_admin(a) || is_creator(a, s); },
      "Only the creator and admins see a livestream's analytics"},
  Row{Action::ReadChat, kScopeRead,
      [](const PermissionPolicy& p, const Actor& a, const Subject& s) { return may_read(p, a, s); },
      "This livestream is private"},
  Row{Action::PostChat, kScopeWrite,
      [](const PermissionPolicy& p, const Actor& a, const Subject& s) {
        return is_creator(a, s) || may_view(p, a, s); },
      "You may not chat in this livestream"},
  Row{Action::DeleteChatMessage, kScopeWrite,
      [](const PermissionPolicy&, const Actor& a, const Subject& s) {
        return is_self(a, s) || may_moderate(a, s); },
      "Only the author, the host and moderators can delete this message"},
  Row{Action::Moderate, kScopeWrite,
      [](const PermissionPolicy&, const Actor& a, const Subject& s) { return may_moderate(a, s); },
      "Only the host and moderators can moderate this livestream"},
  // Nobody moderates the creator; moderators do not moderate each other (or themselves).
  Row{Action::ModerateUser, kScopeWrite,
      [](const PermissionPolicy&, const Actor& a, const Subject& s) {
        if (!s.livestream || s.targetUserId.empty() || s.targetUserId == s.livestream->createdBy)
          return false;
        if (is_admin(a) || is_creator(a, s)) return true;
        return s.moderator && !is_self(a, s) && !s.targetModerator; },
      "You may not moderate this person"},
  Row{Action::ManageModerators, kScopeWrite,
      [](const PermissionPolicy&, const Actor& a, const Subject& s) {
        return is_creator(a, s) || is_admin(a); },
      "Only the creator can appoint or remove moderators"},
  Row{Action::RaiseHand, kScopeWrite,
      [](const PermissionPolicy& p, const Actor& a, const Subject& s) {
        return is_self(a, s) && !is_creator(a, s) && may_view(p, a, s); },
      "Only a viewer can raise their own hand"},
  Row{Action::LowerHand, kScopeWrite,
      [](const PermissionPolicy&, const Actor& a, const Subject& s) {
        return is_self(a, s) || may_moderate(a, s); },
      "Only the hand's owner, the host and moderators can lower it"},
  Row{Action::ManageStage, kScopeWrite,
      [](const PermissionPolicy&, const Actor& a, const Subject& s) {
        return is_creator(a, s) || is_admin(a); },
      "Only the host can bring people on stage"},
  Row{Action::AnswerStageInvite, kScopeWrite,
      [](const PermissionPolicy&, const Actor& a, const Subject& s) { return is_self(a, s); },
      "Only the invited person can answer the invitation"},
  // The stream key lets its holder publish as the host: the creator's and admins' only.
  Row{Action::ManageIngest, kScopeWrite,
      [](const PermissionPolicy&, const Actor& a, const Subject& s) {
        return a.kind == PrincipalKind::Open || is_admin(a) || is_creator(a, s); },
      "Only the creator and admins manage the ingest endpoint"},
  Row{Action::ManageRecordings, kScopeWrite,
      [](const PermissionPolicy&, const Actor& a, const Subject& s) {
        return a.kind == PrincipalKind::Open || is_admin(a) || is_creator(a, s); },
      "Only the creator and admins start or stop recordings"},
  // Replays are for whoever may watch the livestream.
  Row{Action::ReadRecordings, kScopeRead,
      [](const PermissionPolicy& p, const Actor& a, const Subject& s) { return may_read(p, a, s); },
      "This livestream is private"},
};
// clang-format on

const Row& row(Action action) {
  for (const auto& r : kTable)
    if (r.action == action) return r;
  return kTable.front();  // unreachable: every Action has a row (permissions_test checks it)
}

}  // namespace

std::string_view to_string(Action action) {
  switch (action) {
    case Action::ListLivestreams: return "list livestreams";
    case Action::ListByCreator: return "list by creator";
    case Action::ReadLivestream: return "read livestream";
    case Action::SeeUserIds: return "see user ids";
    case Action::CreateLivestream: return "create livestream";
    case Action::EndLivestream: return "end livestream";
    case Action::JoinAsHost: return "join as host";
    case Action::JoinAsViewer: return "join as viewer";
    case Action::Leave: return "leave";
    case Action::ManageInvites: return "manage invites";
    case Action::ManageUsers: return "manage users";
    case Action::ManageApiKeys: return "manage api keys";
    case Action::ReadAudit: return "read audit";
    case Action::ManageDeadLetters: return "manage dead letters";
    case Action::OpenEventTicket: return "open event ticket";
    case Action::ReadAnalytics: return "read analytics";
    case Action::ReadChat: return "read chat";
    case Action::PostChat: return "post chat";
    case Action::DeleteChatMessage: return "delete chat message";
    case Action::Moderate: return "moderate";
    case Action::ModerateUser: return "moderate user";
    case Action::ManageModerators: return "manage moderators";
    case Action::RaiseHand: return "raise hand";
    case Action::LowerHand: return "lower hand";
    case Action::ManageStage: return "manage stage";
    case Action::AnswerStageInvite: return "answer stage invite";
    case Action::ManageIngest: return "manage ingest";
    case Action::ManageRecordings: return "manage recordings";
    case Action::ReadRecordings: return "read recordings";
  }
  return "unknown";
}

Decision decide(const PermissionPolicy& policy, const Actor& actor, Action action,
                const Subject& subject) {
  const auto& r = row(action);
  if ((actor.scopes & r.scope) == r.scope && r.allowed(policy, actor, subject))
    return {true, ErrorKind::Authorization, ""};
  // Nobody is asked to authenticate (401); anyone else is refused (403).
  if (actor.kind == PrincipalKind::Nobody)
    return {false, ErrorKind::Authentication, "Authentication required: sign in first"};
  if ((actor.scopes & r.scope) != r.scope)
    return {false, ErrorKind::Authorization, "This credential lacks the scope for this action"};
  return {false, ErrorKind::Authorization, r.refusal};
}

void require(const PermissionPolicy& policy, const Actor& actor, Action action,
             const Subject& subject) {
  const auto d = decide(policy, actor, action, subject);
  if (!d.allowed) throw AppError(d.refusal, d.reason);
}

Decision decide_reading_invites(const PermissionPolicy& policy, const Actor& actor, Action action,
                                Subject subject, Queries& q) {
  auto d = decide(policy, actor, action, subject);
  if (!d.allowed && subject.livestream && subject.livestream->visibility == Visibility::Private &&
      actor.signed_in() && !actor.userId.empty()) {
    subject.invited = q.is_invited(subject.livestream->id, actor.userId);
    d = decide(policy, actor, action, subject);
  }
  return d;
}

void require_reading_invites(const PermissionPolicy& policy, const Actor& actor, Action action,
                             Subject subject, Queries& q) {
  const auto d = decide_reading_invites(policy, actor, action, subject, q);
  if (!d.allowed) throw AppError(d.refusal, d.reason);
}

LivestreamFilter::Scope list_scope(const Actor& actor) {
  if (actor.kind == PrincipalKind::Open || actor.admin) return LivestreamFilter::Scope::All;
  if (actor.signed_in() && !actor.userId.empty()) return LivestreamFilter::Scope::PublicOrOwn;
  return LivestreamFilter::Scope::PublicOnly;
}

}  // namespace lso::domain
