// Webhook signature checks against tokens made by the official SDK and by our own signer.
#include "livekit/webhook_verifier.hpp"

#include <gtest/gtest.h>
#include <openssl/sha.h>

#include "domain/errors.hpp"
#include "fixed_time.hpp"
#include "livekit/base64.hpp"
#include "livekit/jwt.hpp"

namespace lso::livekit {
namespace {

constexpr std::string_view kKey = "APIfixtureKey";
constexpr std::string_view kSecret = "fixture-secret-with-enough-entropy-0123456789";

// Made with livekit-server-sdk 2.19.2: AccessToken(kKey, kSecret, {ttl: 300}) with
// sha256 = base64(SHA-256(kSdkBody)); its WebhookReceiver accepts the pair.
// Claims: {"sha256":"LTz/w+nBg8OGkiieFyDywxUeiR+Y3xARRpfalaLGuX8=","iss":"APIfixtureKey",
//          "exp":1795677812,"nbf":1795677512}
constexpr std::string_view kSdkBody =
    R"({"event":"participant_joined","room":{"sid":"RM_1","name":"r","emptyTimeout":600,)"
    R"("maxParticipants":100,"creationTime":"1700000000","numParticipants":1},"participant":)"
    R"({"sid":"PA_1","identity":"u1","state":"JOINED","joinedAt":"1700000000","name":"U"},)"
    R"("id":"EV_x","createdAt":"1700000000"})";
constexpr std::string_view kSdkToken =
    "eyJhbGciOiJIUzI1NiJ9.eyJzaGEyNTYiOiJMVHovdytuQmc4T0draWllRnlEeXd4VWVpUitZM3hBUlJwZmFsYUxHdVg4"
    "PSIsImlzcyI6IkFQSWZpeHR1cmVLZXkiLCJleHAiOjE3OTU2Nzc4MTIsIm5iZiI6MTc5NTY3NzUxMn0.0hPGQ4A9o4izu"
    "BGtgrxJjNhRYO8NnpRMrz2ded2neuo";
constexpr std::int64_t kSdkNbf = 1795677512;
constexpr std::int64_t kSdkExp = 1795677812;

std::string body_hash(std::string_view body) {
  unsigned char digest[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(body.data()), body.size(), digest);
  return encode_base64({reinterpret_cast<const char*>(digest), sizeof digest});
}

class WebhookVerifierTest : public ::testing::Test {
 protected:
  testing::FixedTime time_{kSdkNbf + 1};
  WebhookVerifier verifier_{std::string(kKey), std::string(kSecret), time_};

  // A LiveKit-shaped signing token for `body`, valid 5 minutes from `nbf`.
  static std::string sign(std::string_view body, std::int64_t nbf = kSdkNbf,
                          std::string_view key = kKey, std::string_view secret = kSecret) {
    return jwt::sign({{"iss", key}, {"nbf", nbf}, {"exp", nbf + 300}, {"sha256", body_hash(body)}},
                     secret);
  }

  void expect_rejected(std::string_view header, std::string_view body, std::string_view why) {
    try {
      verifier_.verify(header, body);
      ADD_FAILURE() << "accepted; expected rejection for " << why;
    } catch (const domain::AppError& e) {
      EXPECT_EQ(e.kind(), domain::ErrorKind::Authentication);
      EXPECT_NE(std::string(e.what()).find(why), std::string::npos) << e.what();
    }
  }
};

TEST_F(WebhookVerifierTest, AcceptsOfficialSdkSignature) {
  EXPECT_NO_THROW(verifier_.verify(kSdkToken, kSdkBody));
}

TEST_F(WebhookVerifierTest, AcceptsBearerPrefix) {
  EXPECT_NO_THROW(verifier_.verify("Bearer " + std::string(kSdkToken), kSdkBody));
}

TEST_F(WebhookVerifierTest, AcceptsWithinLeewayAroundTheLifetime) {
  time_.set(kSdkExp + 59);
  EXPECT_NO_THROW(verifier_.verify(kSdkToken, kSdkBody));
  time_.set(kSdkNbf - 59);
  EXPECT_NO_THROW(verifier_.verify(kSdkToken, kSdkBody));
}

TEST_F(WebhookVerifierTest, RejectsMissingHeader) {
  expect_rejected("", kSdkBody, "missing Authorization header");
  expect_rejected("Bearer ", kSdkBody, "missing Authorization header");
}

TEST_F(WebhookVerifierTest, RejectsWrongSecret) {
  expect_rejected(sign(kSdkBody, kSdkNbf, kKey, "another-secret"), kSdkBody, "signature");
}

TEST_F(WebhookVerifierTest, RejectsWrongIssuer) {
  expect_rejected(sign(kSdkBody, kSdkNbf, "APIother"), kSdkBody, "issuer");
}

TEST_F(WebhookVerifierTest, RejectsExpiredBeyondLeeway) {
  time_.set(kSdkExp + 61);
  expect_rejected(kSdkToken, kSdkBody, "expired");
}

TEST_F(WebhookVerifierTest, RejectsNotBeforeInTheFuture) {
  time_.set(kSdkNbf - 61);
  expect_rejected(kSdkToken, kSdkBody, "not valid yet");
}

TEST_F(WebhookVerifierTest, RejectsTamperedBody) {
  std::string body(kSdkBody);
  body.replace(body.find("u1"), 2, "u2");
  expect_rejected(kSdkToken, body, "body does not match");
  // Re-serialising changes the bytes too: whitespace matters.
  expect_rejected(kSdkToken, std::string(kSdkBody) + "\n", "body does not match");
}

TEST_F(WebhookVerifierTest, RejectsTokenWithoutExpOrHash) {
  const std::string noExp =
      jwt::sign({{"iss", kKey}, {"nbf", kSdkNbf}, {"sha256", body_hash(kSdkBody)}}, kSecret);
  expect_rejected(noExp, kSdkBody, "no exp");
  const std::string noHash = jwt::sign({{"iss", kKey}, {"exp", kSdkExp}}, kSecret);
  expect_rejected(noHash, kSdkBody, "no sha256");
}

TEST_F(WebhookVerifierTest, RejectsGarbage) {
  expect_rejected("not-a-jwt", kSdkBody, "JWT");
  expect_rejected("Basic dXNlcjpwYXNz", kSdkBody, "JWT");
}

TEST_F(WebhookVerifierTest, OwnSignatureRoundTrips) {
  const std::string body = R"({"event":"room_started","id":"EV_2"})";
  EXPECT_NO_THROW(verifier_.verify(sign(body), body));
}

}  // namespace
}  // namespace lso::livekit
