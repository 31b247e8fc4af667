// LiveKit's RoomService in memory: the rooms and participants a test says LiveKit has, every call
// recorded, and any call made to fail as LiveKit would (LiveKitError).
#pragma once

#include <algorithm>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "domain/errors.hpp"
#include "domain/livekit.hpp"

namespace lso::fakes {

class FakeRoomService final : public domain::RoomService {
 public:
  domain::Room create_room(const domain::RoomOptions& options) override {
    const std::lock_guard lock(mutex_);
    calls.push_back("create_room " + options.name);
    fail_if_set();
    domain::Room room;
    room.sid = "RM_" + options.name;
    room.name = options.name;
    room.emptyTimeout = options.emptyTimeout;
    room.maxParticipants = options.maxParticipants;
    room.metadata = options.metadata;
    rooms[options.name] = room;
    return room;
  }
  void delete_room(const std::string& room) override {
    const std::lock_guard lock(mutex_);
    calls.push_back("delete_room " + room);
    fail_if_set();
    if (rooms.erase(room) == 0) throw not_found("room " + room);
    participants.erase(room);
  }
  std::vector<domain::Room> list_rooms(const std::vector<std::string>& names) override {
    const std::lock_guard lock(mutex_);
    calls.push_back("list_rooms");
    fail_if_set();
    std::vector<domain::Room> out;
    for (const auto& [name, room] : rooms)
      if (names.empty() || std::find(names.begin(), names.end(), name) != names.end())
        out.push_back(room);
    return out;
  }
  std::vector<domain::RoomParticipant> list_participants(const std::string& room) override {
    const std::lock_guard lock(mutex_);
    calls.push_back("list_participants " + room);
    fail_if_set();
    if (!rooms.count(room)) throw not_found("room " + room);
    auto it = participants.find(room);
    return it == participants.end() ? std::vector<domain::RoomParticipant>{} : it->second;
  }
  void remove_participant(const std::string& room, const std::string& identity) override {
    const std::lock_guard lock(mutex_);
    calls.push_back("remove_participant " + room + " " + identity);
    fail_if_set();
    auto& list = participants[room];
    const auto before = list.size();
    std::erase_if(list, [&](const auto& p) { return p.identity == identity; });
    if (list.size() == before) throw not_found("participant " + identity);
  }
  void mute_published_track(const std::string& room, const std::string& identity,
                            const std::string& trackSid, bool muted) override {
    const std::lock_guard lock(mutex_);
    calls.push_back("mute_published_track " + room + " " + identity + " " + trackSid +
                    (muted ? " muted" : " unmuted"));
    fail_if_set();
  }
  void set_participant_can_publish(const std::string& room, const std::string& identity,
                                   bool canPublish) override {
    const std::lock_guard lock(mutex_);
    calls.push_back("set_participant_can_publish " + room + " " + identity +
                    (canPublish ? " true" : " false"));
    fail_if_set();
  }

  // Puts a participant in a room (creating the room when needed), as LiveKit would list it.
  void connect(const std::string& room, const std::string& identity, const std::string& sid) {
    const std::lock_guard lock(mutex_);
    if (!rooms.count(room)) {
      domain::Room r;
      r.sid = "RM_" + room;
      r.name = room;
      rooms[room] = r;
    }
    domain::RoomParticipant p;
    p.sid = sid;
    p.identity = identity;
    p.name = identity;
    p.state = "ACTIVE";
    participants[room].push_back(p);
  }

  // Every call fails with this error until reset (e.g. code "unavailable", status 503).
  std::optional<domain::LiveKitError> failure;
  std::map<std::string, domain::Room> rooms;
  std::map<std::string, std::vector<domain::RoomParticipant>> participants;
  std::vector<std::string> calls;

 private:
  void fail_if_set() const {
    if (failure) throw *failure;
  }
  static domain::LiveKitError not_found(const std::string& what) {
    return domain::LiveKitError("not_found", 404, what + " not found");
  }
  std::mutex mutex_;
};

// Join tokens that say what they grant, readable by a test.
class FakeTokenIssuer final : public domain::TokenIssuer {
 public:
  std::string issue_join_token(const domain::JoinGrant& grant) const override {
    return "token:" + grant.room + ":" + grant.identity + (grant.canPublish ? ":publish" : "");
  }
  const std::string& public_url() const override { return url_; }

 private:
  std::string url_ = "wss://livekit.test";
};

}  // namespace lso::fakes
