// Argon2id hashing: round trips, refusals, malformed hashes and rehash decisions, at a test cost.
#include "auth/argon2_hasher.hpp"

#include <gtest/gtest.h>
#include <sodium.h>

#include <stdexcept>

namespace lso::auth {
namespace {

constexpr std::size_t kTestMemory = 8 * 1024 * 1024;  // 8 MiB, 1 pass: fast, still Argon2id

TEST(Argon2id, HashAndVerifyRoundTrip) {
  const Argon2idHasher hasher(1, kTestMemory);
  const std::string hash = hasher.hash("correct horse battery staple");
  EXPECT_EQ(hash.rfind("$argon2id$v=19$m=8192,t=1,p=1$", 0), 0u) << hash;
  EXPECT_TRUE(hasher.verify(hash, "correct horse battery staple"));
  EXPECT_FALSE(hasher.verify(hash, "correct horse battery stapler"));
  EXPECT_FALSE(hasher.verify(hash, ""));
  EXPECT_FALSE(hasher.needs_rehash(hash));
}

TEST(Argon2id, SaltMakesEveryHashDifferent) {
  const Argon2idHasher hasher(1, kTestMemory);
  const std::string a = hasher.hash("password123");
  const std::string b = hasher.hash("password123");
  EXPECT_NE(a, b);
  EXPECT_TRUE(hasher.verify(a, "password123"));
  EXPECT_TRUE(hasher.verify(b, "password123"));
}

TEST(Argon2id, BinaryAndUnicodePasswords) {
  const Argon2idHasher hasher(1, kTestMemory);
  const std::string withNul("pass\0word", 9);
  const std::string hash = hasher.hash(withNul);
  EXPECT_TRUE(hasher.verify(hash, withNul));
  EXPECT_FALSE(hasher.verify(hash, "pass"));  // no truncation at the NUL
  const std::string unicode = "p\xC3\xA4ssw\xC3\xB6rd \xF0\x9F\x94\x91";
  EXPECT_TRUE(hasher.verify(hasher.hash(unicode), unicode));
  const std::string empty = hasher.hash("");
  EXPECT_TRUE(hasher.verify(empty, ""));
  EXPECT_FALSE(hasher.verify(empty, "x"));
}

TEST(Argon2id, VerifyWorksAcrossCostSettings) {
  // A hash carries its own parameters: a hasher with another cost still verifies it.
  const Argon2idHasher weak(1, kTestMemory);
  const Argon2idHasher stronger(2, 2 * kTestMemory);
  const std::string hash = weak.hash("secret-pass");
  EXPECT_TRUE(stronger.verify(hash, "secret-pass"));
  EXPECT_TRUE(stronger.needs_rehash(hash));
  EXPECT_FALSE(weak.needs_rehash(hash));
}

TEST(Argon2id, MalformedHashesAreFalseNotErrors) {
  const Argon2idHasher hasher(1, kTestMemory);
  const std::string good = hasher.hash("password123");
  for (const std::string& bad : {
           std::string(),
           std::string("password123"),
           std::string("$argon2id$"),
           std::string("$argon2id$v=19$m=8192,t=1,p=1$"),
           std::string("$2b$12$abcdefghijklmnopqrstuuJ3mFzBHTDr0aN/4kC3bUQ1qjQO1gqW"),  // bcrypt
           good.substr(0, good.size() - 5),
           good + "AAAA",
           std::string(good).replace(good.find("m=8192"), 6, "m=xxxx"),
           std::string(good.data(), 10) + '\0' + good.substr(11),
           std::string(500, 'a'),
       }) {
    EXPECT_FALSE(hasher.verify(bad, "password123")) << bad;
  }
  // needs_rehash reads the parameters only (it runs after a successful verify).
  for (const std::string& bad : {
           std::string(),
           std::string("$argon2id$"),
           std::string("$2b$12$abcdefghijklmnopqrstuuJ3mFzBHTDr0aN/4kC3bUQ1qjQO1gqW"),
           std::string(good).replace(good.find("m=8192"), 6, "m=xxxx"),
           std::string(good.data(), 10) + '\0' + good.substr(11),
           std::string(500, 'a'),
       }) {
    EXPECT_TRUE(hasher.needs_rehash(bad)) << bad;
  }
}

TEST(Argon2id, Argon2iHashesVerifyButNeedRehash) {
  char out[crypto_pwhash_STRBYTES];
  ASSERT_EQ(
      crypto_pwhash_str_alg(out, "password123", 11, 3, kTestMemory, crypto_pwhash_ALG_ARGON2I13),
      0);
  const Argon2idHasher hasher(3, kTestMemory);
  EXPECT_TRUE(hasher.verify(out, "password123"));
  EXPECT_TRUE(hasher.needs_rehash(out));
}

TEST(Argon2id, ParametersOutsideLibsodiumLimitsAreRefused) {
  EXPECT_THROW(Argon2idHasher(0, kTestMemory), std::invalid_argument);
  EXPECT_THROW(Argon2idHasher(1, 1024), std::invalid_argument);
  EXPECT_NO_THROW(Argon2idHasher(1, crypto_pwhash_argon2id_MEMLIMIT_MIN));
}

TEST(Argon2id, UsableThroughThePort) {
  const Argon2idHasher concrete(1, kTestMemory);
  const domain::PasswordHasher& port = concrete;
  EXPECT_TRUE(port.verify(port.hash("through-the-port"), "through-the-port"));
}

}  // namespace
}  // namespace lso::auth
