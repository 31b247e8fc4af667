// Join and service token claims, exactly as LiveKit's grants require (viewers may not publish).
#include "livekit/access_token.hpp"

#include <gtest/gtest.h>

#include <boost/json/parse.hpp>

#include "fixed_time.hpp"
#include "livekit/jwt.hpp"

namespace lso::livekit {
namespace {

using boost::json::object;

constexpr std::int64_t kNow = 1'800'000'000;
constexpr std::string_view kSecret = "issuer-test-secret";

class AccessTokenTest : public ::testing::Test {
 protected:
  testing::FixedTime time_{kNow};
  AccessTokenIssuer issuer_{"APIkey", std::string(kSecret), "wss://lk.example.com",
                            std::chrono::hours(24), time_};

  static domain::JoinGrant grant(bool host) {
    domain::JoinGrant g;
    g.room = "my-room";
    g.identity = "user-1";
    g.name = "Alice";
    g.metadata = R"({"role":"x"})";
    g.canPublish = host;
    return g;
  }
};

TEST_F(AccessTokenTest, HostTokenCarriesExactlyTheSpecClaims) {
  const object claims = jwt::verify(issuer_.issue_join_token(grant(true)), kSecret);
  const object expected = boost::json::parse(R"({
    "iss": "APIkey", "sub": "user-1", "name": "Alice", "metadata": "{\"role\":\"x\"}",
    "nbf": 1800000000, "exp": 1800086400,
    "video": {"roomJoin": true, "room": "my-room", "canSubscribe": true,
              "canPublish": true, "canPublishData": true}
  })")
                              .as_object();
  EXPECT_EQ(claims, expected);
}

TEST_F(AccessTokenTest, ViewerTokenDeniesPublishingExplicitly) {
  // LiveKit treats an absent permission as granted, so false must be written out.
  const object claims = jwt::verify(issuer_.issue_join_token(grant(false)), kSecret);
  const object& video = claims.at("video").as_object();
  ASSERT_TRUE(video.contains("canPublish"));
  ASSERT_TRUE(video.contains("canPublishData"));
  EXPECT_EQ(video.at("canPublish"), false);
  EXPECT_EQ(video.at("canPublishData"), false);
  EXPECT_EQ(video.at("canSubscribe"), true);
  EXPECT_EQ(video.at("roomJoin"), true);
}

TEST_F(AccessTokenTest, MetadataIsOmittedWhenThereIsNone) {
  domain::JoinGrant g = grant(false);
  g.metadata.clear();
  const object claims = jwt::verify(issuer_.issue_join_token(g), kSecret);
  EXPECT_FALSE(claims.contains("metadata"));
  EXPECT_EQ(claims.at("sub"), "user-1");
}

TEST_F(AccessTokenTest, TimesFollowTheClockAndTtl) {
  time_.set(kNow + 100);
  AccessTokenIssuer shortLived{"APIkey", std::string(kSecret), "ws://x", std::chrono::hours(1),
                               time_};
  const object claims = jwt::verify(shortLived.issue_join_token(grant(false)), kSecret);
  EXPECT_EQ(claims.at("nbf"), kNow + 100);
  EXPECT_EQ(claims.at("exp"), kNow + 100 + 3600);
}

TEST_F(AccessTokenTest, JoinTokenWithoutIdentityIsRefused) {
  domain::JoinGrant g = grant(false);
  g.identity.clear();
  EXPECT_THROW(issuer_.issue_join_token(g), std::invalid_argument);
}

TEST_F(AccessTokenTest, PublicUrlIsWhatBrowsersGet) {
  EXPECT_EQ(issuer_.public_url(), "wss://lk.example.com");
}

TEST_F(AccessTokenTest, ServiceTokensLiveTenMinutesAndCarryOnlyTheirGrant) {
  const object create = jwt::verify(issuer_.service_token(ServiceGrant::room_create()), kSecret);
  EXPECT_EQ(create, boost::json::parse(R"({"iss":"APIkey","nbf":1800000000,"exp":1800000600,
                                          "video":{"roomCreate":true}})"));
  const object list = jwt::verify(issuer_.service_token(ServiceGrant::room_list()), kSecret);
  EXPECT_EQ(list.at("video"), boost::json::parse(R"({"roomList":true})"));
  const object admin = jwt::verify(issuer_.service_token(ServiceGrant::room_admin("r1")), kSecret);
  EXPECT_EQ(admin.at("video"), boost::json::parse(R"({"roomAdmin":true,"room":"r1"})"));
  EXPECT_FALSE(admin.contains("sub"));
}

TEST(AccessTokenBytes, ViewerTokenIsTheOneTheOfficialSdkVerified) {
  // This exact string passed livekit-server-sdk 2.19.2 TokenVerifier.verify: a change in claim
  // names, order or encoding shows up here first.
  testing::FixedTime time{1795677000};
  AccessTokenIssuer issuer{"APIfixtureKey", "fixture-secret-with-enough-entropy-0123456789",
                           "ws://x", std::chrono::hours(24), time};
  domain::JoinGrant g;
  g.room = "my-room";
  g.identity = "user-1";
  g.name = "Alice";
  g.metadata = R"({"a":1})";
  g.canPublish = false;
  EXPECT_EQ(
      issuer.issue_join_token(g),
      "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJpc3MiOiJBUElmaXh0dXJlS2V5Iiwic3ViIjoidXNlci0x"
      "IiwibmFtZSI6IkFsaWNlIiwibWV0YWRhdGEiOiJ7XCJhXCI6MX0iLCJuYmYiOjE3OTU2NzcwMDAsImV4cCI6MTc5"
      "NTc2MzQwMCwidmlkZW8iOnsicm9vbUpvaW4iOnRydWUsInJvb20iOiJteS1yb29tIiwiY2FuU3Vic2NyaWJlIjp0"
      "cnVlLCJjYW5QdWJsaXNoIjpmYWxzZSwiY2FuUHVibGlzaERhdGEiOmZhbHNlfX0.Xsd2xWdPUec82hgn19qvVjtp8"
      "kPZZqqhT_k1rKyHMBY");
}

}  // namespace
}  // namespace lso::livekit
