// The wire form of livestream events on the event bus: "<event>\n<livestreamId>\n<data JSON>".
// Built once by the instance where the change happened; every instance turns it into one SSE
// frame for all its subscribers, without re-serializing the data.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace lso::events {

struct BusMessage {
  std::string_view event;  // state, room_started, viewer_count_update, room_ended,
                           // livestream_created, livestream_updated
  std::string_view livestreamId;
  std::string_view data;  // JSON
};

inline std::string encode_bus_message(std::string_view event, std::string_view livestreamId,
                                      std::string_view data) {
  std::string out;
  out.reserve(event.size() + livestreamId.size() + data.size() + 2);
  out.append(event).push_back('\n');
  out.append(livestreamId).push_back('\n');
  out.append(data);
  return out;
}

inline std::optional<BusMessage> decode_bus_message(std::string_view m) {
  const auto a = m.find('\n');
  if (a == std::string_view::npos) return std::nullopt;
  const auto b = m.find('\n', a + 1);
  if (b == std::string_view::npos) return std::nullopt;
  return BusMessage{m.substr(0, a), m.substr(a + 1, b - a - 1), m.substr(b + 1)};
}

}  // namespace lso::events
