// Server::handle without sockets: the transport's own errors (405, 415), the application's errors
// through its error mapper, and the fallback that never serves the application's own prefixes.
#include <gtest/gtest.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_future.hpp>
#include <stdexcept>

#include "http/server.hpp"

namespace lso::http {
namespace {

struct Refused : std::runtime_error {
  using std::runtime_error::runtime_error;
};

Reply run(Server& server, bhttp::verb method, std::string target) {
  RawRequest raw{method, target, 11};
  asio::io_context io;
  auto reply = asio::co_spawn(io, server.handle(raw, "127.0.0.1"), asio::use_future);
  io.run();
  return reply.get();
}

Handler answer(unsigned status) {
  return [status](Request&) -> asio::awaitable<Reply> { co_return json_reply(status, "page"); };
}

ServerOptions quiet_options() {
  ServerOptions o;
  o.accessLog = false;
  return o;
}

TEST(ServerHandle, TheFallbackNeverServesTheExcludedPrefixes) {
  Server server(quiet_options(), Router{}, nullptr);
  server.set_fallback(answer(200), {"/api"});
  EXPECT_EQ(run(server, bhttp::verb::get, "/").response.result_int(), 200u);
  EXPECT_EQ(run(server, bhttp::verb::get, "/rooms/42").response.result_int(), 200u);
  EXPECT_EQ(run(server, bhttp::verb::get, "/apiary").response.result_int(), 200u);
  for (const char* path : {"/api", "/api/", "/api/v1/nothing?x=1"}) {
    const auto reply = run(server, bhttp::verb::get, path);
    EXPECT_EQ(reply.response.result_int(), 404u) << path;
    EXPECT_NE(reply.response.body().find("\"NotFoundError\""), std::string::npos) << path;
  }
}

TEST(ServerHandle, AnswersItsOwnErrors) {
  Server server(quiet_options(), Router{}, nullptr);
  server.router().add(bhttp::verb::get, "/things", answer(200));
  server.router().add(bhttp::verb::post, "/things", [](Request&) -> asio::awaitable<Reply> {
    throw transport_error(TransportError::UnsupportedMediaType, "JSON only");
    co_return Reply{};
  });
  const auto wrongMethod = run(server, bhttp::verb::delete_, "/things");
  EXPECT_EQ(wrongMethod.response.result_int(), 405u);
  EXPECT_EQ(wrongMethod.response[bhttp::field::allow], "GET, POST");
  EXPECT_NE(wrongMethod.response.body().find("\"MethodNotAllowedError\""), std::string::npos);
  const auto refused = run(server, bhttp::verb::post, "/things");
  EXPECT_EQ(refused.response.result_int(), 415u);
  EXPECT_EQ(refused.response.body(),
            R"({"success":false,"error":"UnsupportedMediaTypeError","message":"JSON only",)"
            R"("statusCode":415})");
}

TEST(ServerHandle, TheApplicationsErrorsGoThroughItsMapper) {
  Server server(quiet_options(), Router{}, nullptr);
  server.router().add(bhttp::verb::get, "/refused", [](Request&) -> asio::awaitable<Reply> {
    throw Refused("not today");
    co_return Reply{};
  });
  // Without a mapper the exception is unknown: an anonymous 500.
  auto unknown = run(server, bhttp::verb::get, "/refused");
  EXPECT_EQ(unknown.response.result_int(), 500u);
  EXPECT_EQ(unknown.response.body().find("not today"), std::string::npos);

  server.set_error_mapper([](const std::exception_ptr& error) -> std::optional<HttpError> {
    try {
      std::rethrow_exception(error);
    } catch (const Refused& e) {
      return HttpError(409, "ConflictError", e.what(), "busy", 3);
    } catch (...) {
      return std::nullopt;
    }
  });
  auto mapped = run(server, bhttp::verb::get, "/refused");
  EXPECT_EQ(mapped.response.result_int(), 409u);
  EXPECT_EQ(mapped.response[bhttp::field::retry_after], "3");
  EXPECT_EQ(mapped.response.body(),
            R"({"success":false,"error":"ConflictError","message":"not today","statusCode":409,)"
            R"("code":"busy","retryAfter":3})");
}

}  // namespace
}  // namespace lso::http
