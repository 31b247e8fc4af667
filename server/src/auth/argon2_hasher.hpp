// domain::PasswordHasher with libsodium's Argon2id (crypto_pwhash_str).
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "domain/credentials.hpp"

namespace lso::auth {

class Argon2idHasher final : public domain::PasswordHasher {
 public:
  // Cost: `iterations` passes over `memoryBytes` (libsodium's INTERACTIVE preset is 2 and 64 MiB).
  // Throws std::invalid_argument outside libsodium's Argon2id limits (at least 1 pass and 8 KiB).
  Argon2idHasher(unsigned long long iterations, std::size_t memoryBytes);
  // Throws std::runtime_error when the memory cannot be allocated.
  std::string hash(std::string_view password) const override;
  bool verify(std::string_view hash, std::string_view password) const override;
  // True when `hash` was not made by Argon2id with exactly this hasher's parameters (weaker or
  // merely different: rehash after the next successful login), or its parameters cannot be read.
  // Only meaningful after verify() accepted the hash: the salt and digest are not inspected.
  bool needs_rehash(std::string_view hash) const override;

 private:
  unsigned long long iterations_;
  std::size_t memoryBytes_;
};

}  // namespace lso::auth
