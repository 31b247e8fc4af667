// Input rules shared by every entry point (every string bounded; too long is refused, never
// truncated).
// The limits are public so the API documentation and the web client can mirror them.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace lso::domain::limits {

inline constexpr std::size_t kRoomNameMax = 128;
inline constexpr std::size_t kTitleMax = 200;
inline constexpr std::size_t kDescriptionMax = 2000;
inline constexpr std::size_t kUserIdMax = 128;
inline constexpr std::size_t kDisplayNameMax = 100;
inline constexpr std::size_t kMetadataMaxBytes = std::size_t{8} * 1024;  // serialized JSON object
inline constexpr std::int64_t kMaxParticipantsMin = 1;
inline constexpr std::int64_t kMaxParticipantsMax = 10000;
inline constexpr std::int64_t kMaxParticipantsDefault = 100;
inline constexpr std::int64_t kEmptyTimeoutMax = std::int64_t{7} * 24 * 3600;
inline constexpr std::int64_t kEmptyTimeoutDefault = 86400;
inline constexpr std::int32_t kPageLimitDefault = 20;
inline constexpr std::int32_t kPageLimitMax = 100;

}  // namespace lso::domain::limits

namespace lso::domain {

// Number of Unicode code points in valid UTF-8 text.
std::size_t utf8_length(std::string_view text) noexcept;

// Checks a required text field: not blank, at most `max_chars` code points, no control
// characters (description alone may hold line breaks and tabs). Throws AppError(Validation)
// naming `field`.
void require_text(std::string_view field, std::string_view value, std::size_t max_chars,
                  bool multiline = false);

// LiveKit-compatible room name: trimmed, lowercase, [a-z0-9_-], other characters → '-',
// runs of '-' collapsed, leading/trailing '-' removed (the original's rule). May return "".
std::string sanitize_room_name(std::string_view room_name);

}  // namespace lso::domain
