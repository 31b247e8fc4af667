// What the identity rules need from cryptography, as ports (adapters in auth/): slow password
// hashing, and verification of the JWTs a customer's backend signs for its users.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace lso::domain {

// Random credentials and their digests (the CSPRNG and SHA-256 live in the adapter).
class SecretSource {
 public:
  virtual ~SecretSource() = default;
  // `bytes` random bytes from a CSPRNG as unpadded base64url.
  virtual std::string random_token(std::size_t bytes) const = 0;
  // `bytes` random bytes from a CSPRNG as lowercase hex.
  virtual std::string random_hex(std::size_t bytes) const = 0;
  // What the store keeps of a high-entropy secret (session id, API key): hex SHA-256.
  virtual std::string digest(std::string_view secret) const = 0;
};

class PasswordHasher {
 public:
  virtual ~PasswordHasher() = default;
  // Argon2id in libsodium's self-describing string form. Slow and memory-hard by design: call it
  // on the password pool, never on an I/O thread.
  virtual std::string hash(std::string_view password) const = 0;
  // Constant-time; false for a wrong password or a malformed hash.
  virtual bool verify(std::string_view hash, std::string_view password) const = 0;
  // True when a verified `hash` was made with a weaker cost than the current one.
  virtual bool needs_rehash(std::string_view hash) const = 0;
};

// The identity a host-app token asserts.
struct HostTokenClaims {
  std::string subject;      // `sub`: the user id
  std::string displayName;  // `name`, or the subject when absent
  bool admin = false;       // the configured admin claim
  long long expiresAt = 0;  // `exp`, seconds since the epoch
};

class HostTokenVerifier {
 public:
  virtual ~HostTokenVerifier() = default;
  // Throws AppError(Authentication) with a short reason that names no secret.
  virtual HostTokenClaims verify(std::string_view token) = 0;
};

}  // namespace lso::domain
