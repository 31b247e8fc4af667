// Short-lived signed tickets that let an EventSource (which cannot send headers) open an SSE
// stream as the principal that asked for the ticket: an HS256 JWT under a secret every instance
// shares (stored in the database), audience "lso-events".
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

#include "domain/principal.hpp"

namespace lso::auth {

class StreamTickets {
 public:
  StreamTickets(std::string secret, std::chrono::seconds ttl)
      : secret_(std::move(secret)), ttl_(ttl) {}
  // The ticket and its expiry (seconds since the epoch).
  std::pair<std::string, long long> issue(const domain::Principal& principal,
                                          std::chrono::system_clock::time_point now) const;
  // The principal the ticket was issued to; nullopt when forged, expired or malformed.
  std::optional<domain::Principal> verify(std::string_view ticket,
                                          std::chrono::system_clock::time_point now) const;

 private:
  std::string secret_;
  std::chrono::seconds ttl_;
};

}  // namespace lso::auth
