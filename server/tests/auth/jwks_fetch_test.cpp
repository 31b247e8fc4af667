// http_jwks_fetch against a local HTTP server: a GET of the URL's path, 200 only.
#include <gtest/gtest.h>

#include <stdexcept>

#include "../livekit/test_http_server.hpp"
#include "auth/host_jwt.hpp"

namespace lso::auth {
namespace {

using livekit::testing::CannedResponse;
using livekit::testing::RecordedRequest;
using livekit::testing::TestHttpServer;
using namespace std::chrono_literals;

TEST(JwksFetch, GetsTheUrlPath) {
  TestHttpServer server([](const RecordedRequest&) {
    return CannedResponse{200, R"({"keys":[]})"};
  });
  const auto fetch = http_jwks_fetch(server.url("http") + "/.well-known/jwks.json", 2000ms);
  EXPECT_EQ(fetch(), R"({"keys":[]})");
  EXPECT_EQ(fetch(), R"({"keys":[]})");
  const auto requests = server.requests();
  ASSERT_EQ(requests.size(), 2u);
  EXPECT_EQ(requests[0].method, "GET");
  EXPECT_EQ(requests[0].target, "/.well-known/jwks.json");
  EXPECT_EQ(requests[0].body, "");
  EXPECT_EQ(server.connections(), 1);  // kept alive
}

TEST(JwksFetch, BareOriginGetsSlash) {
  TestHttpServer server([](const RecordedRequest&) { return CannedResponse{200, "{}"}; });
  EXPECT_EQ(http_jwks_fetch(server.url("http"), 2000ms)(), "{}");
  EXPECT_EQ(server.requests().at(0).target, "/");
}

TEST(JwksFetch, NonOkAnswersAndUnreachableServersThrow) {
  TestHttpServer server([](const RecordedRequest&) { return CannedResponse{404, "nope"}; });
  EXPECT_THROW(http_jwks_fetch(server.url("http") + "/jwks", 2000ms)(), std::runtime_error);
  EXPECT_THROW(http_jwks_fetch("http://127.0.0.1:1/jwks", 500ms)(), std::runtime_error);
  EXPECT_THROW(http_jwks_fetch("ftp://idp.example/jwks", 500ms), std::invalid_argument);
}

}  // namespace
}  // namespace lso::auth
