// Argon2id password hashes in libsodium's "$argon2id$v=19$m=…,t=…,p=1$salt$hash" string form.
#include "auth/argon2_hasher.hpp"

#include <sodium.h>

#include <array>
#include <stdexcept>
#include <string>

#include "util/csprng.hpp"

namespace lso::auth {
namespace {

using HashText = std::array<char, crypto_pwhash_STRBYTES>;

constexpr std::string_view kArgon2idPrefix = crypto_pwhash_argon2id_STRPREFIX;

// libsodium wants a non-null pointer even for an empty password.
const char* bytes_of(std::string_view text) {
  static const char kEmpty = 0;
  return text.empty() ? &kEmpty : text.data();
}

// libsodium reads the hash as a NUL-terminated string of fewer than crypto_pwhash_STRBYTES bytes;
// anything else (too long, an embedded NUL) cannot be one of its hashes.
bool to_c_string(std::string_view hash, HashText& out) {
  if (hash.size() >= out.size() || hash.find('\0') != std::string_view::npos) {
    return false;
  }
  out.fill('\0');
  hash.copy(out.data(), hash.size());
  return true;
}

}  // namespace

Argon2idHasher::Argon2idHasher(unsigned long long iterations, std::size_t memoryBytes)
    : iterations_(iterations), memoryBytes_(memoryBytes) {
  if (iterations < crypto_pwhash_argon2id_OPSLIMIT_MIN ||
      iterations > crypto_pwhash_argon2id_OPSLIMIT_MAX) {
    throw std::invalid_argument("Argon2id iterations out of range");
  }
  if (memoryBytes < crypto_pwhash_argon2id_MEMLIMIT_MIN ||
      memoryBytes > crypto_pwhash_argon2id_MEMLIMIT_MAX) {
    throw std::invalid_argument("Argon2id memory out of range");
  }
  util::ensure_sodium();
}

std::string Argon2idHasher::hash(std::string_view password) const {
  if (password.size() > crypto_pwhash_argon2id_PASSWD_MAX) {
    throw std::invalid_argument("password too long to hash");
  }
  HashText out{};
  // With parameters checked by the constructor, the only way this fails is that the memory
  // could not be allocated.
  if (crypto_pwhash_str_alg(out.data(), bytes_of(password), password.size(), iterations_,
                            memoryBytes_, crypto_pwhash_ALG_ARGON2ID13) != 0) {
    throw std::runtime_error("Argon2id hashing failed: out of memory");
  }
  return std::string(out.data());
}

bool Argon2idHasher::verify(std::string_view hash, std::string_view password) const {
  HashText text{};
  if (!to_c_string(hash, text) || password.size() > crypto_pwhash_argon2id_PASSWD_MAX) {
    return false;
  }
  // -1 covers a wrong password, a malformed hash and an allocation failure alike: all refusals.
  return crypto_pwhash_str_verify(text.data(), bytes_of(password), password.size()) == 0;
}

bool Argon2idHasher::needs_rehash(std::string_view hash) const {
  HashText text{};
  if (!to_c_string(hash, text) || hash.substr(0, kArgon2idPrefix.size()) != kArgon2idPrefix) {
    return true;  // not Argon2id (say Argon2i): replace it at the next successful login
  }
  // 0: exactly this hasher's parameters; 1: other parameters; -1: malformed.
  return crypto_pwhash_str_needs_rehash(text.data(), iterations_, memoryBytes_) != 0;
}

}  // namespace lso::auth
