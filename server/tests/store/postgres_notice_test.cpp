// Nothing PostgreSQL says reaches stderr past the logger: server notices (NOTICE, WARNING) are
// routed to the log at debug level, on one line (issue 15).
#include <gtest/gtest.h>
#include <spdlog/sinks/ostream_sink.h>
#include <spdlog/spdlog.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>

#include "store/postgres/connection.hpp"

namespace lso::store::postgres {
namespace {

TEST(PostgresConnection, ServerNoticesGoToTheLogNotToStderr) {
  const char* url = std::getenv("LSO_TEST_POSTGRES_URL");
  if (url == nullptr) GTEST_SKIP() << "LSO_TEST_POSTGRES_URL is not set";

  std::ostringstream log;
  auto sink = std::make_shared<spdlog::sinks::ostream_sink_mt>(log);
  sink->set_pattern("%l %v");
  auto previous = spdlog::default_logger();
  auto logger = std::make_shared<spdlog::logger>("test", sink);
  logger->set_level(spdlog::level::debug);
  spdlog::set_default_logger(logger);

  // stderr into a file for the duration of the statement.
  std::fflush(stderr);
  const std::string path = ::testing::TempDir() + "lso-notice-stderr.txt";
  const int saved = ::dup(STDERR_FILENO);
  std::FILE* capture = std::fopen(path.c_str(), "w");
  ASSERT_NE(capture, nullptr);
  ::dup2(::fileno(capture), STDERR_FILENO);
  {
    Connection connection(ConnectSettings{url});
    connection.execute("DO $$ BEGIN RAISE NOTICE 'lso notice test'; END $$");
  }
  std::fflush(stderr);
  ::dup2(saved, STDERR_FILENO);
  ::close(saved);
  std::fclose(capture);
  spdlog::set_default_logger(previous);

  std::ifstream in(path);
  const std::string written((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  EXPECT_EQ(written.find("lso notice test"), std::string::npos) << written;
  EXPECT_NE(log.str().find("debug PostgreSQL: NOTICE:  lso notice test\n"), std::string::npos)
      << log.str();
}

}  // namespace
}  // namespace lso::store::postgres
