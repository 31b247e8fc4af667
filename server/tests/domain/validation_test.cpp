// Validation rules and room-name sanitising, and the viewer-count push rule.
#include "domain/validation.hpp"

#include <gtest/gtest.h>

#include "domain/coordination.hpp"
#include "domain/errors.hpp"

using namespace lso::domain;

TEST(SanitizeRoomName, LowercasesAndReplaces) {
  EXPECT_EQ(sanitize_room_name("My Room"), "my-room");
  EXPECT_EQ(sanitize_room_name("  Hello   World!! "), "hello-world");
  EXPECT_EQ(sanitize_room_name("a__b--c"), "a__b-c");
  EXPECT_EQ(sanitize_room_name("--edge--"), "edge");
  EXPECT_EQ(sanitize_room_name("Été 2025"), "t-2025");
  EXPECT_EQ(sanitize_room_name("日本語"), "");
  EXPECT_EQ(sanitize_room_name("!!!"), "");
  EXPECT_EQ(sanitize_room_name("room_1-A"), "room_1-a");
}

TEST(RequireText, RejectsBlankLongAndControl) {
  EXPECT_NO_THROW(require_text("title", "ok", 10));
  EXPECT_THROW(require_text("title", "", 10), AppError);
  EXPECT_THROW(require_text("title", "   \t", 10), AppError);
  EXPECT_THROW(require_text("title", "12345678901", 10), AppError);
  EXPECT_THROW(require_text("title", "bell\a", 10), AppError);
  EXPECT_THROW(require_text("title", "line\nbreak", 20), AppError);
  EXPECT_NO_THROW(require_text("description", "line\nbreak\ttab", 20, true));
  EXPECT_THROW(require_text("title", "c1\xC2\x85", 10), AppError);  // U+0085 NEL
}

TEST(RequireText, CountsCodePointsNotBytes) {
  EXPECT_NO_THROW(require_text("title", "日本語日本語日本語日", 10));
  EXPECT_THROW(require_text("title", "日本語日本語日本語日本", 10), AppError);
  EXPECT_EQ(utf8_length("🎥ab"), 3u);
}

TEST(RequireText, MessageNamesTheField) {
  try {
    require_text("displayName", "", 5);
    FAIL();
  } catch (const AppError& e) {
    EXPECT_EQ(e.kind(), ErrorKind::Validation);
    EXPECT_NE(std::string(e.what()).find("displayName"), std::string::npos);
  }
}

TEST(PushDue, FollowsTheThrottleRule) {
  EXPECT_TRUE(push_due(false, 0, 0, 0, 5000));         // first push
  EXPECT_FALSE(push_due(true, 10, 10, 60000, 5000));   // unchanged: never
  EXPECT_TRUE(push_due(true, 10, 15, 0, 5000));        // +5 viewers
  EXPECT_TRUE(push_due(true, 100, 110, 0, 5000));      // +10%
  EXPECT_FALSE(push_due(true, 100, 104, 1000, 5000));  // small, too soon
  EXPECT_TRUE(push_due(true, 100, 104, 5000, 5000));   // small, interval passed (trailing flush)
  EXPECT_TRUE(push_due(true, 0, 1, 0, 5000));          // from zero: any change is ≥10%
  EXPECT_TRUE(push_due(true, 3, 2, 0, 5000));          // -1 of 3 is ≥10%
}
