// Names of the chat records' enums on the wire and in the database.
#include "domain/chat.hpp"

namespace lso::domain {

std::string_view to_string(StageStatus s) {
  switch (s) {
    case StageStatus::None: return "";
    case StageStatus::Invited: return "INVITED";
    case StageStatus::On: return "ON";
  }
  return "";
}

std::optional<StageStatus> parse_stage_status(std::string_view s) {
  if (s.empty()) return StageStatus::None;
  if (s == "INVITED") return StageStatus::Invited;
  if (s == "ON") return StageStatus::On;
  return std::nullopt;
}

}  // namespace lso::domain
