// Server::handle without sockets: routing (404, 405 with Allow, the API never falling back to
// the client shell), request ids, errors turned into the envelope, rate limits, and the client
// address behind trusted proxies.
#include <gtest/gtest.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/json/parse.hpp>
#include <stdexcept>

#include "api/api.hpp"
#include "api/errors.hpp"
#include "domain/errors.hpp"
#include "events/local_rate_limiter.hpp"
#include "http/server.hpp"

namespace lso::http {
namespace {

RawRequest request(bhttp::verb method, const std::string& target) {
  RawRequest r{method, target, 11};
  r.set(bhttp::field::host, "test");
  return r;
}

// The reply for one request, on a private io_context (no thread, no socket).
Reply handle(Server& server, const RawRequest& req, std::string peer = "10.0.0.9") {
  asio::io_context io;
  std::optional<Reply> out;
  std::exception_ptr error;
  asio::co_spawn(io, server.handle(req, std::move(peer)), [&](std::exception_ptr e, Reply r) {
    error = e;
    if (!e) out = std::move(r);
  });
  io.run();
  if (error) std::rethrow_exception(error);
  return std::move(*out);
}

std::string header(const Reply& r, std::string_view name) {
  return std::string(r.response[beast::string_view(name.data(), name.size())]);
}
std::string header(const Reply& r, bhttp::field name) {
  return std::string(r.response[name]);
}

boost::json::object body(const Reply& r) {
  return boost::json::parse(r.response.body()).as_object();
}

class ServerHandleTest : public ::testing::Test {
 protected:
  ServerHandleTest() {
    options.accessLog = false;
    options.bodyLimit = 1 << 20;
    options.rateLimits.enabled = true;
    options.rateLimits.api = {2, std::chrono::seconds(60)};
  }
  std::unique_ptr<Server> make() {
    Router router;
    router.add(bhttp::verb::get, "/api/v1/things/:id", [](Request& req) -> asio::awaitable<Reply> {
      co_return data_reply(
          200, boost::json::object{{"id", std::string(req.param("id"))}, {"ip", req.clientIp}});
    });
    router.add(bhttp::verb::delete_, "/api/v1/things/:id",
               [](Request&) -> asio::awaitable<Reply> { co_return data_reply(200, nullptr); });
    router.add(bhttp::verb::get, "/api/v1/missing", [](Request&) -> asio::awaitable<Reply> {
      throw domain::AppError(domain::ErrorKind::NotFound, "no such thing");
      co_return Reply{};
    });
    router.add(bhttp::verb::get, "/api/v1/broken", [](Request&) -> asio::awaitable<Reply> {
      throw std::runtime_error("secret detail");
      co_return Reply{};
    });
    router.add(
        bhttp::verb::get, "/api/v1/limited",
        [](Request&) -> asio::awaitable<Reply> { co_return data_reply(200, nullptr); }, kApiLimit);
    auto server =
        std::make_unique<Server>(options, std::move(router),
                                 api::rate_counter(std::make_shared<events::LocalRateLimiter>()));
    server->set_error_mapper(api::http_error_of);
    server->set_fallback(
        [](Request&) -> asio::awaitable<Reply> {
          Reply r;
          r.response.result(bhttp::status::ok);
          r.response.body() = "<html>shell</html>";
          co_return r;
        },
        {std::string(api::kApiPrefix)});
    return server;
  }

  ServerOptions options;
};

TEST_F(ServerHandleTest, AMatchedRouteGetsItsDecodedParametersAndARequestId) {
  auto server = make();
  const auto r = handle(*server, request(bhttp::verb::get, "/api/v1/things/a%20b?x=1"));
  EXPECT_EQ(r.response.result_int(), 200u);
  EXPECT_EQ(body(r).at("data").at("id").as_string(), "a b");
  EXPECT_FALSE(header(r, "X-Request-Id").empty());
}

TEST_F(ServerHandleTest, AValidIncomingRequestIdIsKeptAndAnInvalidOneReplaced) {
  auto server = make();
  auto req = request(bhttp::verb::get, "/api/v1/things/1");
  req.set("X-Request-Id", "trace-123.abc");
  EXPECT_EQ(header(handle(*server, req), "X-Request-Id"), "trace-123.abc");
  req.set("X-Request-Id", "bad id with spaces");
  const auto replaced = header(handle(*server, req), "X-Request-Id");
  EXPECT_NE(replaced, "bad id with spaces");
  EXPECT_FALSE(replaced.empty());
}

TEST_F(ServerHandleTest, AKnownPathUnderAnotherMethodIs405WithAllow) {
  auto server = make();
  const auto r = handle(*server, request(bhttp::verb::put, "/api/v1/things/1"));
  EXPECT_EQ(r.response.result_int(), 405u);
  EXPECT_EQ(body(r).at("error").as_string(), "MethodNotAllowedError");
  const std::string allow(header(r, bhttp::field::allow));
  EXPECT_NE(allow.find("GET"), std::string::npos) << allow;
  EXPECT_NE(allow.find("DELETE"), std::string::npos) << allow;
}

TEST_F(ServerHandleTest, UnknownApiPathsAreJson404sWhileOtherPagesFallBackToTheShell) {
  auto server = make();
  const auto api = handle(*server, request(bhttp::verb::get, "/api/v1/nothing"));
  EXPECT_EQ(api.response.result_int(), 404u);
  EXPECT_EQ(body(api).at("error").as_string(), "NotFoundError");
  EXPECT_EQ(handle(*server, request(bhttp::verb::get, "/api")).response.result_int(), 404u);
  const auto page = handle(*server, request(bhttp::verb::get, "/livestreams/1"));
  EXPECT_EQ(page.response.result_int(), 200u);
  EXPECT_EQ(page.response.body(), "<html>shell</html>");
}

TEST_F(ServerHandleTest, ThrownErrorsBecomeTheEnvelopeAndInternalOnesSayNothingOfTheCause) {
  auto server = make();
  const auto missing = handle(*server, request(bhttp::verb::get, "/api/v1/missing"));
  EXPECT_EQ(missing.response.result_int(), 404u);
  EXPECT_EQ(body(missing).at("message").as_string(), "no such thing");
  const auto broken = handle(*server, request(bhttp::verb::get, "/api/v1/broken"));
  EXPECT_EQ(broken.response.result_int(), 500u);
  EXPECT_EQ(broken.response.body().find("secret detail"), std::string::npos);
}

TEST_F(ServerHandleTest, ARateLimitedRouteAnswers429WithRetryAfterOnceItsRuleIsSpent) {
  auto server = make();
  const auto req = request(bhttp::verb::get, "/api/v1/limited");
  EXPECT_EQ(handle(*server, req).response.result_int(), 200u);
  const auto second = handle(*server, req);
  EXPECT_EQ(second.response.result_int(), 200u);
  EXPECT_EQ(header(second, "RateLimit-Remaining"), "0");
  const auto third = handle(*server, req);
  EXPECT_EQ(third.response.result_int(), 429u);
  EXPECT_FALSE(header(third, bhttp::field::retry_after).empty());
  // Counted per client: another address is not limited.
  EXPECT_EQ(handle(*server, req, "10.0.0.10").response.result_int(), 200u);
}

TEST_F(ServerHandleTest, BehindTrustedProxiesTheClientIsTheAddressTheLastProxySaw) {
  options.trustProxyHops = 1;
  auto server = make();
  auto req = request(bhttp::verb::get, "/api/v1/things/1");
  req.set("X-Forwarded-For", "6.6.6.6, 203.0.113.7");
  EXPECT_EQ(body(handle(*server, req)).at("data").at("ip").as_string(), "203.0.113.7");
  options.trustProxyHops = 0;
  auto direct = make();
  EXPECT_EQ(body(handle(*direct, req)).at("data").at("ip").as_string(), "10.0.0.9");
}

}  // namespace
}  // namespace lso::http
