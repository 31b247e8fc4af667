// Router matching (params, 404 vs 405), percent-decoding, query parameters.
#include "http/router.hpp"

#include <gtest/gtest.h>

using namespace lso::http;

namespace {
Handler noop() {
  return [](Request&) -> asio::awaitable<Reply> { co_return Reply{}; };
}
}  // namespace

TEST(Router, MatchesParamsAndMethods) {
  Router r;
  r.add(bhttp::verb::get, "/api/v1/livestreams", noop());
  r.add(bhttp::verb::post, "/api/v1/livestreams", noop());
  r.add(bhttp::verb::get, "/api/v1/livestreams/:id", noop());
  r.add(bhttp::verb::post, "/api/v1/livestreams/:id/join", noop());
  std::vector<std::pair<std::string_view, std::string>> params;

  auto m = r.match(bhttp::verb::get, "/api/v1/livestreams/abc%20d", params);
  ASSERT_NE(m.route, nullptr);
  EXPECT_EQ(m.route->pattern, "/api/v1/livestreams/:id");
  ASSERT_EQ(params.size(), 1u);
  EXPECT_EQ(params[0].first, "id");
  EXPECT_EQ(params[0].second, "abc d");

  m = r.match(bhttp::verb::delete_, "/api/v1/livestreams", params);
  EXPECT_EQ(m.route, nullptr);
  EXPECT_TRUE(m.pathExists);
  EXPECT_EQ(m.allow, "GET, POST");

  m = r.match(bhttp::verb::get, "/api/v1/nothing", params);
  EXPECT_EQ(m.route, nullptr);
  EXPECT_FALSE(m.pathExists);

  m = r.match(bhttp::verb::head, "/api/v1/livestreams", params);
  EXPECT_NE(m.route, nullptr);  // HEAD is served by GET routes

  m = r.match(bhttp::verb::post, "/api/v1/livestreams/x/join/", params);
  EXPECT_NE(m.route, nullptr);  // a trailing slash does not matter
}

TEST(PercentDecode, DecodesAndRejectsMalformed) {
  EXPECT_EQ(*percent_decode("a%2Fb+c", true), "a/b c");
  EXPECT_EQ(*percent_decode("a+b", false), "a+b");
  EXPECT_FALSE(percent_decode("%zz", false));
  EXPECT_FALSE(percent_decode("%4", false));
  EXPECT_FALSE(percent_decode("%", false));
}

TEST(Request, QueryParams) {
  RawRequest raw;
  Request req{raw,     "/x",  "limit=20&status=LIVE&createdBy=o%27brien&flag&empty=",
              "",      "",    {},
              nullptr, false, nullptr,
              {}};
  EXPECT_EQ(*req.query_param("limit"), "20");
  EXPECT_EQ(*req.query_param("createdBy"), "o'brien");
  EXPECT_EQ(*req.query_param("flag"), "");
  EXPECT_EQ(*req.query_param("empty"), "");
  EXPECT_FALSE(req.query_param("missing"));
}
