// The table of settings: every entry well formed, its defaults valid, the deployment it describes,
// and docs/operations.md's settings tables exactly what the table generates.
#include "config/settings_table.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <fstream>
#include <iterator>
#include <set>

#include "config/deployment.hpp"

namespace lso::config {
namespace {

TEST(SettingsTable, NamesAreUniqueAndEveryEntryIsComplete) {
  std::set<std::string> names;
  for (const auto& s : settings_table()) {
    EXPECT_TRUE(names.insert(s.name).second) << s.name;
    EXPECT_NE(s.apply, nullptr) << s.name;
    EXPECT_NE(std::string(s.help), "") << s.name;
    EXPECT_NE(std::string(s.meaning), "") << s.name;
    if (s.type == SettingInfo::Type::Choice) {
      EXPECT_NE(s.choices, nullptr) << s.name;
    }
    if (s.type == SettingInfo::Type::Integer) {
      EXPECT_LE(s.min, s.max) << s.name;
    }
  }
  EXPECT_EQ(variables().size(), settings_table().size());
}

TEST(SettingsTable, EveryDefaultIsAValueItsSettingAccepts) {
  for (const auto& info : settings_table()) {
    if (*info.defaultValue == '\0') continue;
    Settings s;
    EXPECT_NO_THROW(apply_setting(s, info, info.defaultValue)) << info.name;
  }
}

TEST(SettingsTable, IntegerBoundsAreInclusiveAndEnforced) {
  for (const auto& info : settings_table()) {
    if (info.type != SettingInfo::Type::Integer) continue;
    Settings s;
    EXPECT_NO_THROW(apply_setting(s, info, std::to_string(info.min))) << info.name;
    EXPECT_NO_THROW(apply_setting(s, info, std::to_string(info.max))) << info.name;
    EXPECT_THROW(apply_setting(s, info, std::to_string(info.max + 1)), ConfigError) << info.name;
    if (info.min > INT64_MIN) {
      EXPECT_THROW(apply_setting(s, info, std::to_string(info.min - 1)), ConfigError) << info.name;
    }
  }
}

TEST(SettingsTable, ADefaultIsWhatAnEmptyValueGives) {
  // The table's default and an empty value end in the same settings.
  const auto defaults = parse_settings({});
  std::map<std::string, std::string> empty;
  for (const auto& info : settings_table()) empty[info.name] = "  ";
  const auto fromEmpty = parse_settings(empty);
  EXPECT_EQ(fromEmpty.port, defaults.port);
  EXPECT_EQ(fromEmpty.corsOrigins, defaults.corsOrigins);
  EXPECT_EQ(fromEmpty.rateLimitApi.max, defaults.rateLimitApi.max);
  EXPECT_EQ(fromEmpty.webhookSpoolMaxBytes, defaults.webhookSpoolMaxBytes);
  EXPECT_EQ(defaults.webhookSpoolMaxBytes, 1024ull << 20);
  EXPECT_EQ(defaults.sessionTtl, std::chrono::hours(720));
  EXPECT_EQ(defaults.sessionIdle, std::chrono::hours(168));
  EXPECT_EQ(defaults.auditRetention, std::chrono::hours(24 * 90));
  EXPECT_EQ(defaults.livekitTimeout, std::chrono::milliseconds(5000));
  EXPECT_EQ(defaults.bodyLimitBytes, 1024u * 1024u);
  EXPECT_TRUE(defaults.recordingMp4);
  EXPECT_FALSE(defaults.recordingHls);
  EXPECT_TRUE(defaults.authSignupOpen);
  EXPECT_EQ(defaults.jwtAdminClaim, "admin");
  EXPECT_EQ(defaults.webhookSpoolDir, "./data/webhook-spool");
  EXPECT_TRUE(defaults.webhookQueueFsync);
  EXPECT_TRUE(defaults.accessLog);
}

TEST(Deployment, DatabaseUrlAndRedisUrlMakeTheMode) {
  const auto embedded = describe_deployment("sqlite:./x.db", "redis://r:6379");
  EXPECT_EQ(embedded.mode, Deployment::Mode::Embedded);
  EXPECT_EQ(embedded.name(), "embedded");
  EXPECT_FALSE(embedded.redisUrl);  // Redis plays no part in the embedded mode
  const auto single = describe_deployment("postgresql://db/x", std::nullopt);
  EXPECT_EQ(single.mode, Deployment::Mode::SingleInstance);
  EXPECT_EQ(single.name(), "single-instance");
  EXPECT_FALSE(single.shared());
  const auto production = describe_deployment("postgres://db/x", "redis://r:6379");
  EXPECT_EQ(production.mode, Deployment::Mode::Production);
  EXPECT_EQ(production.name(), "production");
  EXPECT_TRUE(production.shared());
  EXPECT_EQ(*production.redisUrl, "redis://r:6379");
  EXPECT_EQ(production.databaseUrl, "postgres://db/x");
}

TEST(Deployment, ParsedOnceIntoTheSettings) {
  const auto s = parse_settings(
      {{"DATABASE_URL", "postgresql://u:p@db:5432/x"}, {"REDIS_URL", "redis://cache:6379/1"}});
  EXPECT_EQ(s.deployment.mode, Deployment::Mode::Production);
  EXPECT_EQ(s.deployment.databaseUrl, "postgresql://u:p@db:5432/x");
  EXPECT_FALSE(s.embedded());
  EXPECT_EQ(parse_settings({}).deployment.mode, Deployment::Mode::Embedded);
}

TEST(SettingsMarkdown, RegeneratesOnlyTheMarkedRegions) {
  const std::string doc =
      "intro\n<!-- BEGIN settings-table logging -->\nstale\n<!-- END settings-table -->\nend\n";
  EXPECT_EQ(refresh_settings_markdown(doc), "intro\n<!-- BEGIN settings-table logging -->\n" +
                                                settings_markdown(Topic::Logging) +
                                                "\n<!-- END settings-table -->\nend\n");
  EXPECT_NE(settings_markdown(Topic::Logging).find("| `LOG_LEVEL` | `info` |"), std::string::npos);
  EXPECT_THROW(refresh_settings_markdown("<!-- BEGIN settings-table nope -->\n"
                                         "<!-- END settings-table -->"),
               ConfigError);
  EXPECT_THROW(refresh_settings_markdown("<!-- BEGIN settings-table http -->\n"), ConfigError);
}

// The settings section of docs/operations.md is generated: regenerate it with
// `livestream-orchestrator --print-settings-markdown < docs/operations.md`.
TEST(SettingsMarkdown, OperationsDocumentMatchesTheTable) {
  std::ifstream in(LSO_OPERATIONS_MD);
  ASSERT_TRUE(in) << LSO_OPERATIONS_MD;
  const std::string doc(std::istreambuf_iterator<char>(in), {});
  ASSERT_NE(doc.find("<!-- BEGIN settings-table http -->"), std::string::npos);
  const auto expected = refresh_settings_markdown(doc);
  EXPECT_EQ(doc, expected) << "docs/operations.md's settings tables differ from the table of "
                              "settings; regenerate them with --print-settings-markdown";
  // Every setting appears in the document.
  for (const auto& s : settings_table())
    EXPECT_NE(doc.find(std::string("| `") + s.name + "` |"), std::string::npos) << s.name;
}

}  // namespace
}  // namespace lso::config
