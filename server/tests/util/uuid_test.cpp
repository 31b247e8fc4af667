#include "util/uuid.hpp"

#include <gtest/gtest.h>

#include <array>
#include <bitset>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "util/csprng.hpp"

namespace {

using lso::util::is_uuid;
using lso::util::new_uuid;
using lso::util::random_bytes;

TEST(Uuid, NewIdsAreCanonicalVersion4WithTheRfc4122Variant) {
  for (int i = 0; i < 1000; ++i) {
    const std::string id = new_uuid();
    ASSERT_TRUE(is_uuid(id)) << id;
    EXPECT_EQ(id[14], '4') << id;
    EXPECT_NE(std::string("89ab").find(id[19]), std::string::npos) << id;
    EXPECT_EQ(id.find_first_of("ABCDEF"), std::string::npos) << id;
  }
}

TEST(Uuid, IdsDrawnOnManyThreadsNeverRepeat) {
  std::vector<std::vector<std::string>> drawn(4);
  std::vector<std::thread> threads;
  for (auto& out : drawn)
    threads.emplace_back([&out] {
      for (int i = 0; i < 5000; ++i) out.push_back(new_uuid());
    });
  for (auto& t : threads) t.join();
  std::set<std::string> unique;
  for (const auto& out : drawn) unique.insert(out.begin(), out.end());
  EXPECT_EQ(unique.size(), 20000U);
}

TEST(Uuid, IsUuidAcceptsOnlyTheCanonicalForm) {
  EXPECT_TRUE(is_uuid("0f8fad5b-d9cb-469f-a165-70867728950e"));
  EXPECT_TRUE(is_uuid("0F8FAD5B-D9CB-469F-A165-70867728950E"));
  EXPECT_FALSE(is_uuid("0f8fad5bd9cb469fa16570867728950e"));
  EXPECT_FALSE(is_uuid("{0f8fad5b-d9cb-469f-a165-70867728950e}"));
  EXPECT_FALSE(is_uuid("0f8fad5b-d9cb-469f-a165-70867728950g"));
  EXPECT_FALSE(is_uuid("0f8fad5b-d9cb-469f-a165_70867728950e"));
  EXPECT_FALSE(is_uuid(""));
}

// Not a randomness test (nothing short can be), but it fails for a constant, a counter or a
// generator that leaves bytes unwritten: every bit position takes both values across draws.
TEST(Csprng, EveryBitOfTheBufferVaries) {
  std::bitset<256> seenOne, seenZero;
  for (int draw = 0; draw < 64; ++draw) {
    std::array<std::uint8_t, 32> b{};
    random_bytes(b);
    for (std::size_t i = 0; i < b.size(); ++i)
      for (int bit = 0; bit < 8; ++bit) {
        const bool one = (b[i] >> bit) & 1;
        (one ? seenOne : seenZero).set(i * 8 + static_cast<std::size_t>(bit));
      }
  }
  EXPECT_TRUE(seenOne.all());
  EXPECT_TRUE(seenZero.all());
}

}  // namespace
