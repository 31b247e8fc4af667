// CSPRNG tokens (util::random_bytes, libsodium's randombytes), SHA-256 digests (OpenSSL) and
// constant-time comparison.
#include "auth/secrets.hpp"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <sodium.h>

#include <array>
#include <stdexcept>

#include "livekit/base64.hpp"
#include "util/csprng.hpp"

namespace lso::auth {

namespace {

std::string random_bytes(std::size_t bytes) {
  std::string out(bytes, '\0');
  util::random_bytes({reinterpret_cast<std::uint8_t*>(out.data()), out.size()});
  return out;
}

constexpr std::string_view kHexDigits = "0123456789abcdef";

std::string to_hex(const unsigned char* data, std::size_t size) {
  std::string out(size * 2, '\0');
  for (std::size_t i = 0; i < size; ++i) {
    out[2 * i] = kHexDigits[data[i] >> 4];
    out[2 * i + 1] = kHexDigits[data[i] & 0x0F];
  }
  return out;
}

}  // namespace

std::string random_token(std::size_t bytes) {
  std::string raw = random_bytes(bytes);
  std::string out;
  livekit::append_base64url(out, raw);
  sodium_memzero(raw.data(), raw.size());
  return out;
}

std::string random_hex(std::size_t bytes) {
  std::string raw = random_bytes(bytes);
  std::string out = to_hex(reinterpret_cast<const unsigned char*>(raw.data()), raw.size());
  sodium_memzero(raw.data(), raw.size());
  return out;
}

std::string sha256_hex(std::string_view data) {
  std::array<unsigned char, 32> digest{};
  unsigned int length = 0;
  if (EVP_Digest(data.data(), data.size(), digest.data(), &length, EVP_sha256(), nullptr) != 1 ||
      length != digest.size()) {
    throw std::runtime_error("SHA-256 failed");
  }
  return to_hex(digest.data(), digest.size());
}

bool equal_constant_time(std::string_view a, std::string_view b) {
  // CRYPTO_memcmp reads `size` bytes of both, so unequal lengths are settled first (the length of
  // a digest or token is public).
  return a.size() == b.size() && CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

}  // namespace lso::auth
