// Cookie header parsing (shapes, quoting, duplicates, malformed input) and Set-Cookie formatting.
#include "auth/cookies.hpp"

#include <gtest/gtest.h>

#include <stdexcept>

namespace lso::auth {
namespace {

using std::chrono::seconds;
constexpr std::string_view kName = "lso_session";

std::optional<std::string> find(std::string_view header, std::string_view name = kName) {
  const auto v = find_cookie(header, name);
  return v ? std::optional<std::string>(std::string(*v)) : std::nullopt;
}

TEST(FindCookie, SingleAndMultiplePairs) {
  EXPECT_EQ(find("lso_session=abc"), "abc");
  EXPECT_EQ(find("a=1; lso_session=abc; b=2"), "abc");
  EXPECT_EQ(find("a=1; b=2; lso_session=abc"), "abc");
  EXPECT_EQ(find("lso_session=abc; a=1"), "abc");
  EXPECT_EQ(find("a=1; b=2", "b"), "2");
  EXPECT_EQ(find("a=1; b=2", "a"), "1");
}

TEST(FindCookie, ToleratesMissingAndExtraWhitespaceAroundPairs) {
  EXPECT_EQ(find("a=1;lso_session=abc"), "abc");
  EXPECT_EQ(find("a=1;   lso_session=abc"), "abc");
  EXPECT_EQ(find("a=1;\tlso_session=abc"), "abc");
  EXPECT_EQ(find("  lso_session=abc  "), "abc");
  EXPECT_EQ(find("a=1 ; lso_session=abc ;b=2"), "abc");
  EXPECT_EQ(find("lso_session=abc;"), "abc");
}

TEST(FindCookie, ValuesMayBeQuoted) {
  EXPECT_EQ(find("lso_session=\"abc\""), "abc");
  EXPECT_EQ(find("a=\"x\"; lso_session=\"abc\"; b=\"\""), "abc");
  EXPECT_EQ(find("lso_session=\"\""), "");
  EXPECT_EQ(find("lso_session=\"abc"), std::nullopt);  // unbalanced
  EXPECT_EQ(find("lso_session=abc\""), std::nullopt);
  EXPECT_EQ(find("lso_session=\""), std::nullopt);
  EXPECT_EQ(find("lso_session=\"a\"b\""), std::nullopt);
  EXPECT_EQ(find("lso_session=\"a b\""), std::nullopt);
}

TEST(FindCookie, QuotesNeverHideASemicolon) {
  // Browsers split at every ';': the quoted "value" below is really `x="a` plus a second pair.
  EXPECT_EQ(find("x=\"a; lso_session=evil\""), std::nullopt);  // `evil"` is malformed
  EXPECT_EQ(find("x=\"a; lso_session=good"), "good");
}

TEST(FindCookie, EmptyValueIsPresent) {
  EXPECT_EQ(find("lso_session="), "");
  EXPECT_EQ(find("lso_session=; a=1"), "");
}

TEST(FindCookie, TypicalSessionToken) {
  const std::string token = "Qk3v9d-_0aZ1xYb2cW4eR5tU6iO7pL8kJ9hG0fD1sA2";
  EXPECT_EQ(find("_ga=GA1.1.123.456; theme=dark; lso_session=" + token + "; csrftoken=x"), token);
}

TEST(FindCookie, AbsentNames) {
  EXPECT_EQ(find(""), std::nullopt);
  EXPECT_EQ(find("a=1; b=2"), std::nullopt);
  EXPECT_EQ(find("lso_sessionx=abc"), std::nullopt);
  EXPECT_EQ(find("xlso_session=abc"), std::nullopt);
  EXPECT_EQ(find("LSO_SESSION=abc"), std::nullopt);  // names are case-sensitive
  EXPECT_EQ(find("lso_session"), std::nullopt);      // no '=': a nameless cookie's value
  EXPECT_EQ(find("a=lso_session=abc"), std::nullopt);
  EXPECT_EQ(find("lso_session =abc"), std::nullopt);  // not the name; browsers never send this
  EXPECT_EQ(find("a=1", ""), std::nullopt);
  EXPECT_EQ(find("=abc", ""), std::nullopt);
}

TEST(FindCookie, FirstOfDuplicatesWins) {
  EXPECT_EQ(find("lso_session=first; lso_session=second"), "first");
  EXPECT_EQ(find("a=1; lso_session=first; b=2; lso_session=second"), "first");
  // A malformed first occurrence is not skipped in favour of a later one.
  EXPECT_EQ(find("lso_session=bad value; lso_session=second"), std::nullopt);
}

TEST(FindCookie, MalformedValuesOfTheWantedCookie) {
  for (const char* header : {
           "lso_session=a b",
           "lso_session=a,b",
           "lso_session=a\\b",
           "lso_session= abc x",
           "lso_session=caf\xC3\xA9",
       }) {
    EXPECT_EQ(find(header), std::nullopt) << header;
  }
  // '=' is a cookie-octet: base64 padding survives.
  EXPECT_EQ(find("lso_session=YWJj=="), "YWJj==");
}

TEST(FindCookie, OtherCookiesMayBreakTheGrammarWithoutHidingOurs) {
  EXPECT_EQ(find("json={\"a\": 1, \"b\": 2}; lso_session=abc"), "abc");
  EXPECT_EQ(find("nameless; lso_session=abc"), "abc");
  EXPECT_EQ(find("a=caf\xC3\xA9; ;; lso_session=abc"), "abc");
}

TEST(FindCookie, ControlCharactersPoisonTheWholeHeader) {
  EXPECT_EQ(find(std::string("lso_session=abc\0", 16)), std::nullopt);
  EXPECT_EQ(find(std::string("a=\0; lso_session=abc", 20)), std::nullopt);
  EXPECT_EQ(find("a=1\r\nSet-Cookie: x=y; lso_session=abc"), std::nullopt);
  EXPECT_EQ(find("lso_session=abc\x7F"), std::nullopt);
  EXPECT_EQ(find("lso_session=abc\n"), std::nullopt);
}

TEST(FindCookie, PairCountIsBounded) {
  std::string header;
  for (int i = 0; i < 255; ++i) header += "c" + std::to_string(i) + "=v; ";
  EXPECT_EQ(find(header + "lso_session=abc"), "abc");  // the 256th pair
  EXPECT_EQ(find(header + "x=1; lso_session=abc"), std::nullopt);
  EXPECT_EQ(find("lso_session=abc; " + header + "x=1; y=2"), "abc");  // found before the bound
  EXPECT_EQ(find(std::string(100000, ';')), std::nullopt);
}

TEST(FindCookie, PointsIntoTheHeader) {
  const std::string header = "a=1; lso_session=\"xyz\"";
  const auto v = find_cookie(header, kName);
  ASSERT_TRUE(v);
  EXPECT_EQ(v->data(), header.data() + header.find("xyz"));
}

TEST(SetCookie, ExactFormat) {
  CookieOptions o;
  o.maxAge = seconds{2592000};
  EXPECT_EQ(set_cookie("lso_session", "abc", o),
            "lso_session=abc; Path=/; Max-Age=2592000; HttpOnly; SameSite=Lax");
  o.secure = true;
  EXPECT_EQ(set_cookie("lso_session", "abc", o),
            "lso_session=abc; Path=/; Max-Age=2592000; HttpOnly; SameSite=Lax; Secure");
}

TEST(SetCookie, SessionCookieHasNoMaxAge) {
  EXPECT_EQ(set_cookie("lso_session", "abc", CookieOptions{}),
            "lso_session=abc; Path=/; HttpOnly; SameSite=Lax");
}

TEST(SetCookie, DeletionEmptiesTheValue) {
  CookieOptions o;
  o.secure = true;
  o.maxAge = seconds{0};
  EXPECT_EQ(set_cookie("lso_session", "", o),
            "lso_session=; Path=/; Max-Age=0; HttpOnly; SameSite=Lax; Secure");
  EXPECT_EQ(set_cookie("lso_session", "old-token", o),
            "lso_session=; Path=/; Max-Age=0; HttpOnly; SameSite=Lax; Secure");
  o.maxAge = seconds{-5};
  EXPECT_EQ(set_cookie("lso_session", "old-token", o),
            "lso_session=; Path=/; Max-Age=0; HttpOnly; SameSite=Lax; Secure");
}

TEST(SetCookie, OtherPath) {
  CookieOptions o;
  o.path = "/api";
  EXPECT_EQ(set_cookie("a", "b", o), "a=b; Path=/api; HttpOnly; SameSite=Lax");
}

TEST(SetCookie, RefusesInjection) {
  CookieOptions o;
  EXPECT_THROW(set_cookie("", "v", o), std::invalid_argument);
  EXPECT_THROW(set_cookie("a b", "v", o), std::invalid_argument);
  EXPECT_THROW(set_cookie("a=b", "v", o), std::invalid_argument);
  EXPECT_THROW(set_cookie("a;b", "v", o), std::invalid_argument);
  EXPECT_THROW(set_cookie("a", "v; Domain=evil.example", o), std::invalid_argument);
  EXPECT_THROW(set_cookie("a", "v\r\nSet-Cookie: x=y", o), std::invalid_argument);
  EXPECT_THROW(set_cookie("a", "v w", o), std::invalid_argument);
  EXPECT_THROW(set_cookie("a", "\"v\"", o), std::invalid_argument);
  o.path = "/; Domain=evil.example";
  EXPECT_THROW(set_cookie("a", "v", o), std::invalid_argument);
  o.path = "relative";
  EXPECT_THROW(set_cookie("a", "v", o), std::invalid_argument);
  o.path = "";
  EXPECT_THROW(set_cookie("a", "v", o), std::invalid_argument);
  o.path = "/a\nb";
  EXPECT_THROW(set_cookie("a", "v", o), std::invalid_argument);
}

TEST(SetCookie, RoundTripsThroughFindCookie) {
  CookieOptions o;
  o.maxAge = seconds{60};
  const std::string header = set_cookie("lso_session", "tok-EN_123", o);
  // A browser sends back only name=value.
  EXPECT_EQ(find(header.substr(0, header.find(';'))), "tok-EN_123");
}

}  // namespace
}  // namespace lso::auth
