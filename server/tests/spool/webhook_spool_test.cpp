// The local webhook spool on a real file system: records survive a restart, a torn or damaged
// tail is cut off at the last whole record, a segment being written is never taken by another
// instance sharing the directory, and the size limit refuses instead of losing.
#include "spool/webhook_spool.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <memory>

#include "domain/errors.hpp"

namespace lso::spool {
namespace {

namespace fs = std::filesystem;

class SpoolDir : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/lso-spool-test.XXXXXX";
    ASSERT_NE(::mkdtemp(tmpl), nullptr);
    dir = tmpl;
  }
  void TearDown() override { fs::remove_all(dir); }

  SpoolOptions options(std::string instance = "a") const {
    SpoolOptions o;
    o.directory = dir / "spool";
    o.instance = std::move(instance);
    return o;
  }
  std::vector<fs::path> segments() const {
    std::vector<fs::path> out;
    for (const auto& e : fs::directory_iterator(dir / "spool"))
      if (e.path().extension() == ".spool") out.push_back(e.path());
    return out;
  }

  fs::path dir;
};

// Items viewing strings that live as long as the test (EnqueueItem holds views).
std::vector<domain::EnqueueItem> items(const std::vector<std::pair<std::string, std::string>>& v) {
  static std::vector<std::unique_ptr<std::pair<std::string, std::string>>> kept;
  std::vector<domain::EnqueueItem> out;
  for (const auto& p : v) {
    kept.push_back(std::make_unique<std::pair<std::string, std::string>>(p));
    out.push_back({kept.back()->first, kept.back()->second, false, nullptr});
  }
  return out;
}

std::vector<std::string> ids(const std::vector<SpooledWebhook>& v) {
  std::vector<std::string> out;
  for (const auto& w : v) out.push_back(w.id);
  return out;
}

TEST_F(SpoolDir, AppendedWebhooksComeBackInOrderOnceSealed) {
  WebhookSpool spool(options());
  const std::vector<std::pair<std::string, std::string>> first{{"EV_1", R"({"event":"a"})"},
                                                               {"EV_2", std::string(70000, 'x')}};
  auto a = items(first);
  spool.append(a);
  auto b = items({{"EV_3", ""}});
  spool.append(b);
  EXPECT_EQ(spool.webhooks(), 3);
  EXPECT_TRUE(spool.has_open_segment());
  EXPECT_FALSE(spool.next_ready().has_value()) << "the open segment is not ready";

  spool.seal();
  EXPECT_FALSE(spool.has_open_segment());
  auto segment = spool.next_ready();
  ASSERT_TRUE(segment.has_value());
  std::uint64_t discarded = 99;
  const auto read = segment->read(&discarded);
  EXPECT_EQ(discarded, 0u);
  ASSERT_EQ(ids(read), (std::vector<std::string>{"EV_1", "EV_2", "EV_3"}));
  EXPECT_EQ(read[1].body, std::string(70000, 'x'));
  EXPECT_EQ(read[2].body, "");
  EXPECT_FALSE(spool.next_ready().has_value()) << "a segment being forwarded is locked";

  spool.remove(std::move(*segment), read.size());
  EXPECT_EQ(spool.webhooks(), 0);
  EXPECT_EQ(spool.bytes(), 0u);
  EXPECT_TRUE(segments().empty());
}

TEST_F(SpoolDir, ATornTailIsCutOffAtTheLastWholeRecord) {
  {
    WebhookSpool spool(options());
    auto a = items({{"EV_1", "one"}, {"EV_2", "two"}});
    spool.append(a);
  }
  const auto file = segments().at(0);
  const auto whole = fs::file_size(file);
  {
    // A crash in the middle of the next write: its header and part of its id.
    std::ofstream out(file, std::ios::binary | std::ios::app);
    out.write("\x05\x00\x00\x00\x09\x00\x00\x00\x01\x02\x03\x04EV_", 15);
  }
  WebhookSpool spool(options("b"));
  EXPECT_EQ(spool.webhooks(), 2) << "what an earlier run left is counted at start";
  auto segment = spool.next_ready();
  ASSERT_TRUE(segment.has_value());
  std::uint64_t discarded = 0;
  EXPECT_EQ(ids(segment->read(&discarded)), (std::vector<std::string>{"EV_1", "EV_2"}));
  EXPECT_EQ(discarded, fs::file_size(file) - whole);
}

TEST_F(SpoolDir, ADamagedRecordEndsTheReadingThere) {
  {
    WebhookSpool spool(options());
    auto a = items({{"EV_1", "one"}, {"EV_2", "two"}, {"EV_3", "three"}});
    spool.append(a);
  }
  const auto file = segments().at(0);
  {
    // Flip one byte of the second record's body: its checksum no longer matches.
    std::fstream f(file, std::ios::binary | std::ios::in | std::ios::out);
    const std::streamoff second = 12 + 4 + 3;  // header, "EV_1", "one"
    f.seekp(second + 12 + 4);
    f.put('T');
  }
  WebhookSpool spool(options("b"));
  auto segment = spool.next_ready();
  ASSERT_TRUE(segment.has_value());
  std::uint64_t discarded = 0;
  EXPECT_EQ(ids(segment->read(&discarded)), (std::vector<std::string>{"EV_1"}));
  EXPECT_GT(discarded, 0u);
}

TEST_F(SpoolDir, AnotherInstanceNeverTakesTheSegmentBeingWritten) {
  WebhookSpool a(options("a"));
  WebhookSpool b(options("b"));
  auto x = items({{"EV_1", "one"}});
  a.append(x);
  EXPECT_FALSE(b.next_ready().has_value());
  a.seal();
  auto segment = b.next_ready();
  ASSERT_TRUE(segment.has_value()) << "a sealed segment is anyone's to forward";
  EXPECT_EQ(ids(segment->read()), (std::vector<std::string>{"EV_1"}));
  EXPECT_FALSE(a.next_ready().has_value()) << "taken by b";
  b.remove(std::move(*segment), 1);
  auto y = items({{"EV_2", "two"}});
  a.append(y);  // a new segment, unharmed
  a.seal();
  auto again = a.next_ready();
  ASSERT_TRUE(again.has_value());
  EXPECT_EQ(ids(again->read()), (std::vector<std::string>{"EV_2"}));
}

TEST_F(SpoolDir, SegmentsRollOverAtTheirSize) {
  auto o = options();
  o.segmentBytes = 100;
  WebhookSpool spool(o);
  for (int i = 0; i < 5; ++i) {
    auto x = items({{"EV_" + std::to_string(i), std::string(90, 'b')}});
    spool.append(x);
  }
  spool.seal();
  EXPECT_EQ(segments().size(), 5u);
  std::vector<std::string> all;
  while (auto s = spool.next_ready()) {
    for (const auto& w : s->read()) all.push_back(w.id);
    spool.remove(std::move(*s), 1);
  }
  EXPECT_EQ(all, (std::vector<std::string>{"EV_0", "EV_1", "EV_2", "EV_3", "EV_4"}))
      << "segments are taken oldest first";
}

TEST_F(SpoolDir, TheLimitRefusesWithUnavailableAndWritesNothing) {
  auto o = options();
  o.maxBytes = 200;
  WebhookSpool spool(o);
  auto small = items({{"EV_1", std::string(100, 'a')}});
  spool.append(small);
  auto big = items({{"EV_2", std::string(100, 'a')}});
  try {
    spool.append(big);
    FAIL() << "append beyond the limit";
  } catch (const domain::AppError& e) {
    EXPECT_EQ(e.kind(), domain::ErrorKind::Unavailable);
    EXPECT_NE(std::string(e.what()).find("full"), std::string::npos);
  }
  EXPECT_EQ(spool.webhooks(), 1);
  spool.seal();
  auto s = spool.next_ready();
  ASSERT_TRUE(s.has_value());
  EXPECT_EQ(ids(s->read()), (std::vector<std::string>{"EV_1"}));
}

TEST_F(SpoolDir, ADirectoryThatCannotBeMadeIsUnavailable) {
  std::ofstream(dir / "file") << "x";
  SpoolOptions o;
  o.directory = dir / "file" / "spool";
  EXPECT_THROW(WebhookSpool{o}, domain::AppError);
}

TEST_F(SpoolDir, InstanceNamesAreMadeSafeForFileNames) {
  WebhookSpool spool(options("../../etc/passwd x"));
  auto x = items({{"EV_1", "one"}});
  spool.append(x);
  ASSERT_EQ(segments().size(), 1u);
  EXPECT_EQ(segments()[0].parent_path(), dir / "spool");
  EXPECT_EQ(segments()[0].filename().string().find('/'), std::string::npos);
}

}  // namespace
}  // namespace lso::spool
