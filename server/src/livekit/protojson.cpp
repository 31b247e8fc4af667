// Field readers for LiveKit's protobuf-JSON (see protojson.hpp for the rules).
#include "livekit/protojson.hpp"

#include <charconv>
#include <cmath>
#include <limits>

namespace lso::livekit::protojson {
namespace {

[[noreturn]] void wrong_type(std::string_view name, const char* expected) {
  throw ShapeError("field \"" + std::string(name) + "\" must be " + expected);
}

}  // namespace

const boost::json::value* field(const boost::json::object& o, std::string_view camel,
                                std::string_view snake) {
  const boost::json::value* v = o.if_contains(camel);
  if ((v == nullptr || v->is_null()) && !snake.empty()) {
    v = o.if_contains(snake);
  }
  return (v == nullptr || v->is_null()) ? nullptr : v;
}

std::string get_string(const boost::json::object& o, std::string_view camel,
                       std::string_view snake) {
  const auto* v = field(o, camel, snake);
  if (v == nullptr) {
    return {};
  }
  if (!v->is_string()) {
    wrong_type(camel, "a string");
  }
  return std::string(v->get_string());
}

std::int64_t get_int64(const boost::json::object& o, std::string_view camel,
                       std::string_view snake) {
  const auto* v = field(o, camel, snake);
  if (v == nullptr) {
    return 0;
  }
  if (v->is_int64()) {
    return v->get_int64();
  }
  if (v->is_uint64()) {
    if (v->get_uint64() > static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max())) {
      wrong_type(camel, "a 64-bit integer");
    }
    return static_cast<std::int64_t>(v->get_uint64());
  }
  if (v->is_double()) {
    const double d = v->get_double();
    // 2^63 is exactly representable; anything at or beyond it would overflow the cast.
    if (std::trunc(d) != d || std::fabs(d) >= 9223372036854775808.0) {
      wrong_type(camel, "an integer");
    }
    return static_cast<std::int64_t>(d);
  }
  if (v->is_string()) {
    const boost::json::string& s = v->get_string();
    std::int64_t out = 0;
    const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
    if (ec != std::errc{} || end != s.data() + s.size() || s.empty()) {
      wrong_type(camel, "an integer or a decimal string");
    }
    return out;
  }
  wrong_type(camel, "an integer");
}

const boost::json::object* get_object(const boost::json::object& o, std::string_view camel,
                                      std::string_view snake) {
  const auto* v = field(o, camel, snake);
  if (v == nullptr) {
    return nullptr;
  }
  if (!v->is_object()) {
    wrong_type(camel, "an object");
  }
  return &v->get_object();
}

std::vector<const boost::json::object*> get_objects(const boost::json::object& o,
                                                    std::string_view camel,
                                                    std::string_view snake) {
  std::vector<const boost::json::object*> out;
  const auto* v = field(o, camel, snake);
  if (v == nullptr) {
    return out;
  }
  if (!v->is_array()) {
    wrong_type(camel, "an array");
  }
  out.reserve(v->get_array().size());
  for (const boost::json::value& e : v->get_array()) {
    if (!e.is_object()) {
      wrong_type(camel, "an array of objects");
    }
    out.push_back(&e.get_object());
  }
  return out;
}

domain::Room read_room(const boost::json::object& o) {
  domain::Room room;
  room.sid = get_string(o, "sid");
  room.name = get_string(o, "name");
  room.emptyTimeout = get_int64(o, "emptyTimeout", "empty_timeout");
  room.maxParticipants = get_int64(o, "maxParticipants", "max_participants");
  room.creationTime = get_int64(o, "creationTime", "creation_time");
  room.numParticipants = get_int64(o, "numParticipants", "num_participants");
  room.metadata = get_string(o, "metadata");
  return room;
}

domain::RoomParticipant read_participant(const boost::json::object& o) {
  domain::RoomParticipant p;
  p.sid = get_string(o, "sid");
  p.identity = get_string(o, "identity");
  p.name = get_string(o, "name");
  // protojson writes enums by name ("JOINED"); a client configured for numbers would send the
  // ordinal, which we translate so callers always see the name.
  if (const auto* state = field(o, "state"); state != nullptr && state->is_int64()) {
    static constexpr const char* kStates[] = {"JOINING", "JOINED", "ACTIVE", "DISCONNECTED"};
    const auto i = state->get_int64();
    if (i < 0 || i > 3) {
      wrong_type("state", "a participant state");
    }
    p.state = kStates[i];
  } else {
    p.state = get_string(o, "state");
  }
  p.joinedAt = get_int64(o, "joinedAt", "joined_at");
  for (const boost::json::object* t : get_objects(o, "tracks")) {
    domain::RoomParticipant::Track track;
    track.sid = get_string(*t, "sid");
    if (const auto* type = field(*t, "type"); type != nullptr && type->is_int64()) {
      static constexpr const char* kTypes[] = {"AUDIO", "VIDEO", "DATA"};
      const auto i = type->get_int64();
      track.type = i >= 0 && i <= 2 ? kTypes[i] : "UNKNOWN";
    } else {
      track.type = get_string(*t, "type");
      if (track.type.empty()) track.type = "AUDIO";  // proto3 default, omitted by some writers
    }
    if (const auto* muted = field(*t, "muted"); muted != nullptr && muted->is_bool())
      track.muted = muted->get_bool();
    p.tracks.push_back(std::move(track));
  }
  return p;
}

}  // namespace lso::livekit::protojson
