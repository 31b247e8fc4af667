// Random credentials and their digests: session ids, API keys and guest ids come from the
// system CSPRNG (libsodium's randombytes); the store keeps only SHA-256 digests of them.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace lso::auth {

// `bytes` random bytes from the CSPRNG, as unpadded base64url.
std::string random_token(std::size_t bytes);
// `bytes` random bytes from the CSPRNG, as lowercase hex.
std::string random_hex(std::size_t bytes);
// Lowercase hex SHA-256 of `data`.
std::string sha256_hex(std::string_view data);
// Constant-time comparison (length is not secret).
bool equal_constant_time(std::string_view a, std::string_view b);

}  // namespace lso::auth
