// The domain's error kinds as the API answers them: status, envelope name, and the envelope's
// optional code and Retry-After.
#include "api/errors.hpp"

#include <gtest/gtest.h>

#include <boost/json/parse.hpp>

namespace {

using lso::domain::AppError;
using lso::domain::ErrorKind;

lso::http::Reply reply_for(std::exception_ptr error) {
  const lso::http::ErrorMapper mapper = lso::api::http_error_of;
  return lso::http::exception_reply(std::move(error), "test", &mapper);
}

}  // namespace

TEST(Errors, MapToStatusAndName) {
  using lso::api::error_name;
  using lso::api::http_status;
  EXPECT_EQ(http_status(ErrorKind::Validation), 400u);
  EXPECT_EQ(http_status(ErrorKind::Authentication), 401u);
  EXPECT_EQ(http_status(ErrorKind::Authorization), 403u);
  EXPECT_EQ(http_status(ErrorKind::NotFound), 404u);
  EXPECT_EQ(http_status(ErrorKind::Conflict), 409u);
  EXPECT_EQ(http_status(ErrorKind::RateLimit), 429u);
  EXPECT_EQ(http_status(ErrorKind::Internal), 500u);
  EXPECT_EQ(http_status(ErrorKind::LiveKit), 502u);
  EXPECT_EQ(http_status(ErrorKind::Unavailable), 503u);
  EXPECT_EQ(error_name(ErrorKind::LiveKit), "LiveKitError");
  EXPECT_EQ(error_name(ErrorKind::RateLimit), "RateLimitError");
  EXPECT_EQ(error_name(ErrorKind::NotFound), "NotFoundError");
  EXPECT_EQ(error_name(ErrorKind::Unavailable), "ServiceUnavailableError");
}

TEST(Errors, AnAppErrorBecomesItsEnvelope) {
  auto reply = reply_for(std::make_exception_ptr(AppError(ErrorKind::NotFound, "no such thing")));
  EXPECT_EQ(reply.response.result_int(), 404u);
  EXPECT_EQ(
      reply.response.body(),
      R"({"success":false,"error":"NotFoundError","message":"no such thing","statusCode":404})");
}

TEST(Errors, ACodeAndRetryAfterJoinTheEnvelope) {
  auto reply = reply_for(
      std::make_exception_ptr(AppError(ErrorKind::RateLimit, "slow down", "slow_mode", 7)));
  EXPECT_EQ(reply.response.result_int(), 429u);
  EXPECT_EQ(reply.response[lso::http::bhttp::field::retry_after], "7");
  EXPECT_EQ(reply.response.body(),
            R"({"success":false,"error":"RateLimitError","message":"slow down","statusCode":429,)"
            R"("code":"slow_mode","retryAfter":7})");
}

TEST(Errors, ALiveKitErrorKeepsItsUpstreamCodeOutOfTheEnvelope) {
  auto reply =
      reply_for(std::make_exception_ptr(lso::domain::LiveKitError("not_found", 404, "room gone")));
  EXPECT_EQ(reply.response.result_int(), 502u);
  EXPECT_EQ(boost::json::parse(reply.response.body()).as_object().count("code"), 0u);
}

TEST(Errors, AnyOtherExceptionIsAnAnonymous500) {
  auto reply = reply_for(std::make_exception_ptr(std::runtime_error("secret detail")));
  EXPECT_EQ(reply.response.result_int(), 500u);
  EXPECT_EQ(reply.response.body().find("secret"), std::string::npos);
}
