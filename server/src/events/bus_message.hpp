// The wire form of livestream events on the event bus:
// "<event>\n<livestreamId>\n<L|U>\n<data JSON>" (L: listed, also for the dashboard stream;
// U: unlisted or private, only for the livestream's own subscribers).
// Built once by the instance where the change happened; every instance turns it into one SSE
// frame for all its subscribers, without re-serializing the data.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace lso::events {

struct BusMessage {
  std::string_view event;  // state, room_started, viewer_count_update, room_ended,
                           // ingest_update, recording_update, livestream_created,
                           // livestream_updated
  std::string_view livestreamId;
  bool listed = true;     // may go to the dashboard stream (everyone's)
  std::string_view data;  // JSON
};

inline std::string encode_bus_message(std::string_view event, std::string_view livestreamId,
                                      std::string_view data, bool listed = true) {
  std::string out;
  out.reserve(event.size() + livestreamId.size() + data.size() + 4);
  out.append(event).push_back('\n');
  out.append(livestreamId).push_back('\n');
  out.append(listed ? "L\n" : "U\n");
  out.append(data);
  return out;
}

inline std::optional<BusMessage> decode_bus_message(std::string_view m) {
  const auto a = m.find('\n');
  if (a == std::string_view::npos) return std::nullopt;
  const auto b = m.find('\n', a + 1);
  if (b == std::string_view::npos || b + 2 >= m.size() + 1 || m.size() < b + 3 ||
      m[b + 2] != '\n' || (m[b + 1] != 'L' && m[b + 1] != 'U'))
    return std::nullopt;
  return BusMessage{m.substr(0, a), m.substr(a + 1, b - a - 1), m[b + 1] == 'L', m.substr(b + 3)};
}

}  // namespace lso::events
