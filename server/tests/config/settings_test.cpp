// Settings parsing: defaults, every kind of bad value naming its variable, .env reading.
#include "config/settings.hpp"

#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>

using lso::config::ConfigError;
using lso::config::parse_settings;

namespace {

std::string error_of(std::map<std::string, std::string> values) {
  try {
    parse_settings(values);
  } catch (const ConfigError& e) {
    return e.what();
  }
  return "";
}

}  // namespace

TEST(Settings, DefaultsMatchTheSpec) {
  const auto s = parse_settings({});
  EXPECT_EQ(s.port, 3001);
  EXPECT_EQ(s.databaseUrl, "sqlite:./data/orchestrator.db");
  EXPECT_TRUE(s.embedded());
  EXPECT_EQ(s.livekitUrl, "ws://localhost:7880");
  EXPECT_EQ(s.livekitPublicUrl, "ws://localhost:7880");
  EXPECT_EQ(s.livekitApiKey, "devkey");
  EXPECT_EQ(s.livekitApiSecret, "secret");
  EXPECT_EQ(s.tokenTtl, std::chrono::hours(24));
  EXPECT_EQ(s.webhookQueueConcurrency, 10);
  EXPECT_EQ(s.reconciliationInterval, std::chrono::minutes(10));
  EXPECT_EQ(s.rateLimitApi.max, 100);
  EXPECT_EQ(s.rateLimitApi.window, std::chrono::seconds(900));
  EXPECT_EQ(s.rateLimitWrite.max, 20);
  EXPECT_EQ(s.rateLimitCreate.max, 5);
  EXPECT_TRUE(s.rateLimitEnabled);
  EXPECT_EQ(s.trustProxyHops, 0);
}

TEST(Settings, ReadsValues) {
  const auto s = parse_settings({{"PORT", "8080"},
                                 {"DATABASE_URL", "postgresql://u:p@db:5432/x"},
                                 {"REDIS_URL", "redis://cache:6379/1"},
                                 {"LIVEKIT_URL", "wss://example.livekit.cloud"},
                                 {"LIVEKIT_PUBLIC_URL", "wss://public.example"},
                                 {"RECONCILIATION_INTERVAL_SECONDS", "5"},
                                 {"RATE_LIMIT_ENABLED", "false"},
                                 {"TRUST_PROXY", "true"},
                                 {"CORS_ORIGINS", "https://a.example, https://b.example"},
                                 {"LOG_FORMAT", "JSON"}});
  EXPECT_EQ(s.port, 8080);
  EXPECT_FALSE(s.embedded());
  EXPECT_EQ(*s.redisUrl, "redis://cache:6379/1");
  EXPECT_EQ(s.livekitPublicUrl, "wss://public.example");
  EXPECT_EQ(s.reconciliationInterval, std::chrono::seconds(5));
  EXPECT_FALSE(s.rateLimitEnabled);
  EXPECT_EQ(s.trustProxyHops, 1);
  ASSERT_EQ(s.corsOrigins.size(), 2u);
  EXPECT_EQ(s.corsOrigins[1], "https://b.example");
  EXPECT_EQ(s.logFormat, "json");
}

TEST(Settings, EmptyValueMeansDefault) {
  EXPECT_EQ(parse_settings({{"PORT", ""}}).port, 3001);
}

TEST(Settings, BadValuesNameTheVariable) {
  const std::pair<const char*, const char*> cases[] = {
      {"PORT", "abc"},
      {"PORT", "0"},
      {"PORT", "70000"},
      {"PORT", "80x"},
      {"DATABASE_URL", "mysql://x"},
      {"DATABASE_URL", "sqlite:"},
      {"REDIS_URL", "http://x"},
      // A directory opens as a file but cannot be read (found by fuzz_settings).
      {"AUTH_JWT_PUBLIC_KEY", "/"},
      {"LIVEKIT_URL", "ftp://x"},
      {"LIVEKIT_URL", "not a url"},
      {"TOKEN_EXPIRATION_HOURS", "0"},
      {"WEBHOOK_QUEUE_CONCURRENCY", "-1"},
      {"RATE_LIMIT_ENABLED", "maybe"},
      {"RATE_LIMIT_API_MAX", "0"},
      {"TRUST_PROXY", "sometimes"},
      {"LOG_LEVEL", "loud"},
      {"LOG_FORMAT", "xml"},
      {"CORS_ORIGINS", "javascript:alert(1)"},
      {"BODY_LIMIT_BYTES", "1"},
      {"RECONCILIATION_INTERVAL_MINUTES", "0"},
      {"DB_POOL_SIZE", "100000"},
  };
  for (const auto& [name, value] : cases) {
    const auto msg = error_of({{name, value}});
    EXPECT_NE(msg.find(name), std::string::npos)
        << name << "=" << value << " gave: '" << msg << "'";
  }
}

TEST(Dotenv, ParsesCommentsQuotesAndExport) {
  const std::string path = testing::TempDir() + "lso-dotenv-test.env";
  {
    std::ofstream f(path);
    f << "# comment\n\nPORT=4000\nexport LOG_LEVEL=debug\nLIVEKIT_API_SECRET=\"with spaces # not a "
         "comment\"\n"
         "TITLE='single'\nCORS_ORIGINS=https://a.example # trailing comment\n";
  }
  const auto v = lso::config::read_dotenv(path);
  EXPECT_EQ(v.at("PORT"), "4000");
  EXPECT_EQ(v.at("LOG_LEVEL"), "debug");
  EXPECT_EQ(v.at("LIVEKIT_API_SECRET"), "with spaces # not a comment");
  EXPECT_EQ(v.at("TITLE"), "single");
  EXPECT_EQ(v.at("CORS_ORIGINS"), "https://a.example");
  std::remove(path.c_str());
}

TEST(Dotenv, MalformedLineIsAnError) {
  const std::string path = testing::TempDir() + "lso-dotenv-bad.env";
  {
    std::ofstream f(path);
    f << "PORT=1\nthis is not an assignment\n";
  }
  EXPECT_THROW(lso::config::read_dotenv(path), ConfigError);
  std::remove(path.c_str());
}

TEST(Dotenv, MissingFileIsEmpty) {
  EXPECT_TRUE(lso::config::read_dotenv("/nonexistent/.env").empty());
}

TEST(Settings, RecordingOutputsAndStorage) {
  const auto d = parse_settings({});
  EXPECT_TRUE(d.recordingMp4);
  EXPECT_FALSE(d.recordingHls);
  EXPECT_EQ(d.recordingPathPrefix, "recordings");
  EXPECT_TRUE(d.recordingS3Bucket.empty());

  const auto s = parse_settings({{"RECORDING_OUTPUTS", " hls , mp4 "},
                                 {"RECORDING_PATH_PREFIX", "replays/"},
                                 {"RECORDING_S3_BUCKET", "b"},
                                 {"RECORDING_S3_ENDPOINT", "https://minio:9000"},
                                 {"RECORDING_S3_ACCESS_KEY", "AK"},
                                 {"RECORDING_S3_SECRET", "SK"},
                                 {"RECORDING_S3_FORCE_PATH_STYLE", "true"}});
  EXPECT_TRUE(s.recordingMp4 && s.recordingHls);
  EXPECT_EQ(s.recordingPathPrefix, "replays");
  EXPECT_EQ(s.recordingS3Bucket, "b");
  EXPECT_TRUE(s.recordingS3ForcePathStyle);
  EXPECT_EQ(parse_settings({{"RECORDING_OUTPUTS", "hls"}}).recordingMp4, false);

  EXPECT_NE(error_of({{"RECORDING_OUTPUTS", "mp4,avi"}}).find("RECORDING_OUTPUTS"),
            std::string::npos);
  EXPECT_NE(error_of({{"RECORDING_OUTPUTS", ","}}).find("RECORDING_OUTPUTS"), std::string::npos);
  EXPECT_NE(error_of({{"RECORDING_S3_ENDPOINT", "ftp://x"}}).find("RECORDING_S3_ENDPOINT"),
            std::string::npos);
  EXPECT_NE(error_of({{"RECORDING_S3_SECRET", "SK"}}).find("RECORDING_S3_BUCKET"),
            std::string::npos);
}
