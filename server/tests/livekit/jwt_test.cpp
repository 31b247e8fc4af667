// HS256 JWT and base64 round trips, tampering, and acceptance of tokens signed by the official SDK.
#include "livekit/jwt.hpp"

#include <gtest/gtest.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <boost/json/parse.hpp>

#include "livekit/base64.hpp"

namespace lso::livekit {
namespace {

constexpr std::string_view kSecret = "fixture-secret-with-enough-entropy-0123456789";
// Signed by livekit-server-sdk 2.19.2 (AccessToken, header {"alg":"HS256"}) with kSecret.
constexpr std::string_view kSdkJoinToken =
    "eyJhbGciOiJIUzI1NiJ9.eyJtZXRhZGF0YSI6IntcImFcIjoxfSIsIm5hbWUiOiJBbGljZSIsInZpZGVvIjp7InJvb21K"
    "b2luIjp0cnVlLCJyb29tIjoibXktcm9vbSIsImNhblN1YnNjcmliZSI6dHJ1ZSwiY2FuUHVibGlzaCI6ZmFsc2UsImNhb"
    "lB1Ymxpc2hEYXRhIjpmYWxzZX0sImlzcyI6IkFQSWZpeHR1cmVLZXkiLCJleHAiOjE3OTU2ODExMTIsIm5iZiI6MTc5NT"
    "Y3NzUxMiwic3ViIjoidXNlci0xIn0.QSVJ-YAatIlWVLE2Ty5jITzRIPNz1nYhv0DUYzivi4I";

std::string b64url(std::string_view s) {
  std::string out;
  append_base64url(out, s);
  return out;
}

// A compact JWS over arbitrary header and payload JSON texts, MAC'd independently of jwt::sign.
std::string sign_raw(std::string_view header, std::string_view payload) {
  std::string token = b64url(header) + "." + b64url(payload);
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  HMAC(EVP_sha256(), kSecret.data(), static_cast<int>(kSecret.size()),
       reinterpret_cast<const unsigned char*>(token.data()), token.size(), mac, &len);
  token += "." + b64url({reinterpret_cast<const char*>(mac), len});
  return token;
}

TEST(Base64, UrlRoundTripAllLengths) {
  std::string bytes;
  for (int i = 0; i < 40; ++i) {
    std::string decoded;
    ASSERT_TRUE(decode_base64url(b64url(bytes), decoded)) << i;
    EXPECT_EQ(decoded, bytes);
    bytes.push_back(static_cast<char>(i * 37 + 250));
  }
}

TEST(Base64, UrlIsUnpaddedAndUrlSafe) {
  EXPECT_EQ(b64url("\xfb\xff"), "-_8");
  EXPECT_EQ(b64url("f"), "Zg");
}

TEST(Base64, UrlDecodeRejectsForeignCharactersPaddingAndNonCanonicalText) {
  std::string out;
  EXPECT_FALSE(decode_base64url("Zg==", out));
  EXPECT_FALSE(decode_base64url("Z+g", out));
  EXPECT_FALSE(decode_base64url("Z", out));
  EXPECT_FALSE(decode_base64url("Zh", out));  // trailing bits set: "Zg" is the canonical form
  EXPECT_TRUE(decode_base64url("", out));
  EXPECT_TRUE(out.empty());
}

TEST(Base64, StandardIsPadded) {
  EXPECT_EQ(encode_base64(""), "");
  EXPECT_EQ(encode_base64("f"), "Zg==");
  EXPECT_EQ(encode_base64("fo"), "Zm8=");
  EXPECT_EQ(encode_base64("foo"), "Zm9v");
  EXPECT_EQ(encode_base64("\xfb\xff"), "+/8=");
}

TEST(Jwt, SignThenVerifyReturnsTheClaims) {
  const boost::json::object claims{{"iss", "key"}, {"sub", "user"}, {"n", 42}};
  const std::string token = jwt::sign(claims, kSecret);
  EXPECT_EQ(token.substr(0, token.find('.')), b64url(R"({"alg":"HS256","typ":"JWT"})"));
  EXPECT_EQ(jwt::verify(token, kSecret), claims);
}

TEST(Jwt, SigningIsDeterministicAndKeyed) {
  const boost::json::object claims{{"a", 1}};
  EXPECT_EQ(jwt::sign(claims, "s"), jwt::sign(claims, "s"));
  EXPECT_NE(jwt::sign(claims, "s"), jwt::sign(claims, "t"));
}

TEST(Jwt, AcceptsTokenSignedByOfficialSdk) {
  const boost::json::object claims = jwt::verify(kSdkJoinToken, kSecret);
  EXPECT_EQ(claims.at("sub"), "user-1");
  EXPECT_EQ(claims.at("iss"), "APIfixtureKey");
  EXPECT_EQ(claims.at("video").at("room"), "my-room");
}

TEST(Jwt, RejectsWrongSecret) {
  EXPECT_THROW(jwt::verify(kSdkJoinToken, "another-secret"), jwt::Error);
}

TEST(Jwt, RejectsTamperedPayloadHeaderOrSignature) {
  const std::string token = jwt::sign({{"sub", "user"}, {"admin", false}}, kSecret);
  const auto dot1 = token.find('.');
  const auto dot2 = token.rfind('.');

  std::string payload = token;
  payload.replace(dot1 + 1, dot2 - dot1 - 1, b64url(R"({"sub":"user","admin":true})"));
  EXPECT_THROW(jwt::verify(payload, kSecret), jwt::Error);

  std::string signature = token;
  signature[dot2 + 1] = signature[dot2 + 1] == 'A' ? 'B' : 'A';
  EXPECT_THROW(jwt::verify(signature, kSecret), jwt::Error);

  EXPECT_THROW(jwt::verify(token.substr(0, token.size() - 1), kSecret), jwt::Error);
}

TEST(Jwt, RejectsOtherAlgorithmsEvenWithValidMac) {
  // A token claiming "none" or HS512 must fail although its MAC would match under HS256 rules.
  for (const char* header : {R"({"alg":"none"})", R"({"alg":"HS512","typ":"JWT"})",
                             R"({"typ":"JWT"})", R"({"alg":"HS256","crit":["exp"]})", "[]"}) {
    EXPECT_THROW(jwt::verify(sign_raw(header, R"({"sub":"x"})"), kSecret), jwt::Error) << header;
  }
  // The same construction with an acceptable header passes, so the MAC above was valid.
  EXPECT_NO_THROW(
      jwt::verify(sign_raw(R"({"typ":"JWT","alg":"HS256"})", R"({"sub":"x"})"), kSecret));
}

TEST(Jwt, RejectsMalformedTokens) {
  for (const char* token : {"", "abc", "a.b", "a.b.c.d", "..", "a..c", "!!.!!.!!"}) {
    EXPECT_THROW(jwt::verify(token, kSecret), jwt::Error) << token;
  }
}

TEST(Jwt, RejectsAuthenticPayloadThatIsNotAnObject) {
  EXPECT_THROW(jwt::verify(sign_raw(R"({"alg":"HS256"})", "[1]"), kSecret), jwt::Error);
  EXPECT_THROW(jwt::verify(sign_raw(R"({"alg":"HS256"})", "{nope"), kSecret), jwt::Error);
}

}  // namespace
}  // namespace lso::livekit
