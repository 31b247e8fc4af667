// Base64 as LiveKit uses it: unpadded base64url inside JWTs, padded standard base64 for the
// webhook `sha256` claim. Decoders are strict, so a token has exactly one accepted spelling.
#pragma once

#include <string>
#include <string_view>

namespace lso::livekit {

// Appends the unpadded base64url form of `bytes` to `out` (appending lets a JWT be built in one
// buffer without temporaries).
void append_base64url(std::string& out, std::string_view bytes);

// Decodes unpadded base64url into `out` (replacing its contents). False on any character outside
// the alphabet, on padding, on an impossible length, or on non-zero trailing bits.
bool decode_base64url(std::string_view text, std::string& out);

// Standard base64 with `=` padding (RFC 4648 §4).
std::string encode_base64(std::string_view bytes);

}  // namespace lso::livekit
