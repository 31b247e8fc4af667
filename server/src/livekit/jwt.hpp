// Compact HS256 JSON Web Tokens (RFC 7519), the only kind LiveKit issues and accepts: signing for
// access and service tokens, verification for webhook signatures.
#pragma once

#include <boost/json/object.hpp>
#include <stdexcept>
#include <string>
#include <string_view>

namespace lso::livekit::jwt {

// A token that is malformed or whose signature does not match. Claims (exp, iss, …) are the
// caller's business: this layer only proves who signed which bytes.
class Error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// `header.payload.signature` with header {"alg":"HS256","typ":"JWT"}, HMAC-SHA256 with `secret`.
std::string sign(const boost::json::object& claims, std::string_view secret);

// Checks the form, that the header says HS256 (never "none" or another algorithm: the key decides
// the algorithm, not the token), and the signature in constant time; then returns the claims.
// Throws jwt::Error.
boost::json::object verify(std::string_view token, std::string_view secret);

}  // namespace lso::livekit::jwt
