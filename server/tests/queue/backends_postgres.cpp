// Registers the PostgreSQL webhook queue with the conformance suite. The server comes from
// LSO_TEST_POSTGRES_URL (cases skip when it is unset, fail when LSO_REQUIRE_POSTGRES=1); each case
// gets a fresh schema named after it, selected through the connection's search_path.
#include <gtest/gtest.h>

#include <cctype>
#include <cstdlib>

#include "backends.hpp"
#include "store/postgres/connection.hpp"
#include "store/postgres/postgres_webhook_queue.hpp"

namespace lso::test {
namespace {

std::string server_url() {
  const char* url = std::getenv("LSO_TEST_POSTGRES_URL");
  return url != nullptr ? url : "";
}

// "ConcurrentWorkers…/postgresql" → "lsoq_concurrentworkers…": one schema per case, so cases
// run in parallel processes (ctest -j) never share tables.
std::string schema_name() {
  const auto* info = testing::UnitTest::GetInstance()->current_test_info();
  std::string name = "lsoq_";
  for (const char c : std::string(info != nullptr ? info->name() : "default")) {
    if (std::isalnum(static_cast<unsigned char>(c))) {
      name.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
    }
  }
  return name.substr(0, 63);
}

std::string url_with_schema() {
  const std::string url = server_url();
  const char separator = url.find('?') == std::string::npos ? '?' : '&';
  return url + separator + "options=-csearch_path%3D" + schema_name();
}

const QueueBackendRegistrar registrar{QueueBackend{
    "postgresql",
    [] { return server_url().empty() ? std::string("LSO_TEST_POSTGRES_URL is not set") : ""; },
    [] { return env_flag("LSO_REQUIRE_POSTGRES"); },
    [] {
      store::postgres::Connection admin(store::postgres::ConnectSettings{server_url()});
      const std::string schema = schema_name();
      admin.execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE; CREATE SCHEMA " + schema);
    },
    [](std::chrono::milliseconds lease,
       const std::string& instance) -> std::unique_ptr<domain::WebhookQueue> {
      store::postgres::PostgresQueueOptions options;
      options.url = url_with_schema();
      options.leasing.lease = lease;
      options.leasing.owner = instance;
      options.leasing.pollInterval = std::chrono::milliseconds(20);
      return std::make_unique<store::postgres::PostgresWebhookQueue>(std::move(options));
    }}};

}  // namespace
}  // namespace lso::test
