// domain::SecretSource over auth/secrets.hpp (libsodium's CSPRNG, OpenSSL's SHA-256).
#pragma once

#include "auth/secrets.hpp"
#include "domain/credentials.hpp"

namespace lso::auth {

class SystemSecrets final : public domain::SecretSource {
 public:
  std::string random_token(std::size_t bytes) const override { return auth::random_token(bytes); }
  std::string random_hex(std::size_t bytes) const override { return auth::random_hex(bytes); }
  std::string digest(std::string_view secret) const override { return sha256_hex(secret); }
};

}  // namespace lso::auth
