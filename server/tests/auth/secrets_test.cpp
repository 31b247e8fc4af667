// CSPRNG tokens (length, alphabet, uniqueness), SHA-256 known vectors, constant-time equality.
#include "auth/secrets.hpp"

#include <gtest/gtest.h>

#include <set>
#include <thread>
#include <vector>

namespace lso::auth {
namespace {

bool all_of_alphabet(const std::string& s, std::string_view alphabet) {
  return s.find_first_not_of(alphabet) == std::string::npos;
}

constexpr std::string_view kBase64Url =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

TEST(Secrets, RandomTokenIsUnpaddedBase64UrlOfTheRequestedBytes) {
  EXPECT_EQ(random_token(32).size(), 43u);  // 256 bits, as API keys and sessions use
  EXPECT_EQ(random_token(16).size(), 22u);
  EXPECT_EQ(random_token(3).size(), 4u);
  EXPECT_EQ(random_token(0), "");
  for (int i = 0; i < 100; ++i) {
    const std::string t = random_token(32);
    EXPECT_TRUE(all_of_alphabet(t, kBase64Url)) << t;
  }
}

TEST(Secrets, RandomHexIsLowercaseHexOfTheRequestedBytes) {
  EXPECT_EQ(random_hex(16).size(), 32u);
  EXPECT_EQ(random_hex(0), "");
  for (int i = 0; i < 100; ++i) {
    EXPECT_TRUE(all_of_alphabet(random_hex(8), "0123456789abcdef"));
  }
}

TEST(Secrets, TokensDoNotRepeat) {
  std::set<std::string> seen;
  for (int i = 0; i < 10000; ++i) {
    EXPECT_TRUE(seen.insert(random_token(16)).second);
    EXPECT_TRUE(seen.insert(random_hex(16)).second);
  }
}

TEST(Secrets, EveryCharacterOfTheAlphabetShowsUp) {
  // 64 symbols over 43 000 characters: a missing one would mean a biased encoder or generator.
  std::set<char> seen;
  for (int i = 0; i < 1000; ++i) {
    for (const char c : random_token(32)) seen.insert(c);
  }
  EXPECT_EQ(seen.size(), 64u);
}

TEST(Secrets, TokensFromManyThreadsAreDistinct) {
  std::vector<std::vector<std::string>> perThread(4);
  std::vector<std::thread> threads;
  for (auto& out : perThread) {
    threads.emplace_back([&out] {
      for (int i = 0; i < 500; ++i) out.push_back(random_token(32));
    });
  }
  for (auto& t : threads) t.join();
  std::set<std::string> all;
  for (const auto& out : perThread) all.insert(out.begin(), out.end());
  EXPECT_EQ(all.size(), 2000u);
}

TEST(Secrets, Sha256KnownVectors) {
  // FIPS 180-2 examples.
  EXPECT_EQ(sha256_hex(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(sha256_hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(sha256_hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"),
            "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
  EXPECT_EQ(sha256_hex(std::string_view("a\0b", 3)),
            sha256_hex(std::string("a") + '\0' + "b"));  // binary-safe
}

TEST(Secrets, EqualConstantTime) {
  EXPECT_TRUE(equal_constant_time("", ""));
  EXPECT_TRUE(equal_constant_time("abc", "abc"));
  EXPECT_FALSE(equal_constant_time("abc", "abd"));
  EXPECT_FALSE(equal_constant_time("abc", "ab"));
  EXPECT_FALSE(equal_constant_time("", "a"));
  EXPECT_TRUE(equal_constant_time(std::string_view("a\0c", 3), std::string_view("a\0c", 3)));
  EXPECT_FALSE(equal_constant_time(std::string_view("a\0c", 3), std::string_view("a\0d", 3)));
}

}  // namespace
}  // namespace lso::auth
