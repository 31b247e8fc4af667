// What only the SQL queues promise beyond the conformance suite: an enqueue that returned
// survives the process being killed, and instances starting at once create the tables once.
#include <gtest/gtest.h>
#include <signal.h>
#include <sqlite3.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <string>
#include <thread>
#include <vector>

#include "store/postgres/connection.hpp"
#include "store/postgres/postgres_webhook_queue.hpp"
#include "store/queue_factory.hpp"
#include "store/sqlite/sqlite_webhook_queue.hpp"

namespace lso::store {
namespace {

using namespace std::chrono_literals;

TEST(SqliteWebhookQueue, EnqueuedJobsSurviveKillNine) {
  const auto dir =
      std::filesystem::temp_directory_path() / ("lso-queue-kill-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  const std::string path = (dir / "queue.db").string();
  constexpr int kJobs = 200;
  const pid_t child = ::fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    // The child enqueues, then dies without any destructor or close running.
    sqlite::SqliteQueueOptions options;
    options.path = path;
    sqlite::SqliteWebhookQueue queue(options);
    for (int i = 0; i < kJobs; ++i) {
      queue.enqueue("EV_" + std::to_string(i), "body");
    }
    ::kill(::getpid(), SIGKILL);
    std::_Exit(1);
  }
  int status = 0;
  ASSERT_EQ(::waitpid(child, &status, 0), child);
  ASSERT_TRUE(WIFSIGNALED(status));
  {
    sqlite::SqliteQueueOptions options;
    options.path = path;
    sqlite::SqliteWebhookQueue queue(options);
    EXPECT_EQ(queue.counts().waiting, kJobs);
    const auto job = queue.claim(1s);
    ASSERT_TRUE(job.has_value());
    EXPECT_EQ(job->id, "EV_0");
  }
  std::filesystem::remove_all(dir);
}

// The store's writer shares the file: while it holds the write lock an enqueue waits (busy
// timeout) and then succeeds; past the timeout it fails as Unavailable, which the receiver
// answers with 503 so LiveKit retries.
TEST(SqliteWebhookQueue, WaitsForAnotherWriterThenGivesUpAsUnavailable) {
  const auto dir =
      std::filesystem::temp_directory_path() / ("lso-queue-busy-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  const std::string path = (dir / "queue.db").string();
  sqlite::SqliteQueueOptions options;
  options.path = path;
  options.busyTimeout = 2s;
  sqlite::SqliteWebhookQueue patient(options);
  options.busyTimeout = 100ms;
  sqlite::SqliteWebhookQueue impatient(options);

  sqlite3* other = nullptr;
  ASSERT_EQ(sqlite3_open(path.c_str(), &other), SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(other, "BEGIN IMMEDIATE", nullptr, nullptr, nullptr), SQLITE_OK);
  const auto start = std::chrono::steady_clock::now();
  std::thread holder([&] {
    std::this_thread::sleep_for(400ms);
    sqlite3_exec(other, "COMMIT", nullptr, nullptr, nullptr);
  });
  try {
    impatient.enqueue("EV_impatient", "b");
    ADD_FAILURE() << "enqueue succeeded while another connection held the write lock";
  } catch (const domain::AppError& e) {
    EXPECT_EQ(e.kind(), domain::ErrorKind::Unavailable);
  }
  EXPECT_TRUE(patient.enqueue("EV_patient", "b"));
  EXPECT_GE(std::chrono::steady_clock::now() - start, 350ms);
  holder.join();
  sqlite3_close(other);
  EXPECT_EQ(patient.counts().waiting, 1);
  std::filesystem::remove_all(dir);
}

// A queue file made before leases had an owner gains the leased_by column and keeps its jobs.
TEST(SqliteWebhookQueue, AFileFromBeforeLeaseOwnersIsMigrated) {
  const auto dir =
      std::filesystem::temp_directory_path() / ("lso-queue-old-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  const std::string path = (dir / "queue.db").string();
  sqlite3* old = nullptr;
  ASSERT_EQ(sqlite3_open(path.c_str(), &old), SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(old,
                         "CREATE TABLE webhook_jobs (seq INTEGER PRIMARY KEY AUTOINCREMENT, "
                         "id TEXT NOT NULL UNIQUE, body BLOB NOT NULL, "
                         "attempt INTEGER NOT NULL DEFAULT 0, available_at INTEGER NOT NULL, "
                         "locked_until INTEGER, last_error TEXT, created_at INTEGER NOT NULL); "
                         "INSERT INTO webhook_jobs (id, body, available_at, created_at) "
                         "VALUES ('EV_old', 'old body', 0, 0)",
                         nullptr, nullptr, nullptr),
            SQLITE_OK);
  sqlite3_close(old);
  for (int run = 0; run < 2; ++run) {  // the second open finds the column already there
    sqlite::SqliteQueueOptions options;
    options.path = path;
    options.leasing.owner = "instance-a";
    sqlite::SqliteWebhookQueue queue(options);
    if (run == 0) {
      const auto job = queue.claim(1s);
      ASSERT_TRUE(job.has_value());
      EXPECT_EQ(job->id, "EV_old");
      EXPECT_EQ(job->body, "old body");
    } else {
      // Restarting as the same owner released the previous run's claim.
      EXPECT_EQ(queue.counts().waiting, 1);
    }
  }
  std::filesystem::remove_all(dir);
}

TEST(SqlWebhookQueueFactory, ChoosesTheBackendByScheme) {
  const auto dir =
      std::filesystem::temp_directory_path() / ("lso-queue-factory-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  StoreOptions options;
  options.databaseUrl = "sqlite:" + (dir / "x.db").string();
  EXPECT_EQ(open_sql_webhook_queue(options)->backend(), "sqlite");
  options.databaseUrl = "mysql://localhost/x";
  EXPECT_THROW(open_sql_webhook_queue(options), domain::AppError);
  std::filesystem::remove_all(dir);
  const char* pg = std::getenv("LSO_TEST_POSTGRES_URL");
  if (pg == nullptr) {
    GTEST_SKIP() << "LSO_TEST_POSTGRES_URL is not set";
  }
  options.databaseUrl = std::string(pg) + "?options=-csearch_path%3Dlsoq_factory";
  postgres::Connection(postgres::ConnectSettings{pg})
      .execute("DROP SCHEMA IF EXISTS lsoq_factory CASCADE; CREATE SCHEMA lsoq_factory");
  EXPECT_EQ(open_sql_webhook_queue(options)->backend(), "postgresql");
}

// A fresh schema on the test server, or "" when there is none (the caller skips).
std::string postgres_schema_url(const std::string& schema) {
  const char* pg = std::getenv("LSO_TEST_POSTGRES_URL");
  if (pg == nullptr) {
    return "";
  }
  postgres::Connection(postgres::ConnectSettings{pg})
      .execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE; CREATE SCHEMA " + schema);
  return std::string(pg) + "?options=-csearch_path%3D" + schema;
}

bool postgres_required() {
  const char* required = std::getenv("LSO_REQUIRE_POSTGRES");
  return required != nullptr && std::string_view(required) == "1";
}

#define LSO_POSTGRES_OR_SKIP(url)                                          \
  if ((url).empty()) {                                                     \
    if (postgres_required()) FAIL() << "LSO_TEST_POSTGRES_URL is not set"; \
    GTEST_SKIP() << "LSO_TEST_POSTGRES_URL is not set";                    \
  }

TEST(PostgresWebhookQueue, InstancesStartingTogetherCreateTheTablesOnce) {
  const std::string url = postgres_schema_url("lsoq_together");
  LSO_POSTGRES_OR_SKIP(url);
  std::vector<std::thread> threads;
  std::atomic<int> failures{0};
  for (int i = 0; i < 6; ++i) {
    threads.emplace_back([&] {
      try {
        postgres::PostgresQueueOptions options;
        options.url = url;
        postgres::PostgresWebhookQueue queue(options);
      } catch (const std::exception& e) {
        ++failures;
        ADD_FAILURE() << e.what();
      }
    });
  }
  for (auto& t : threads) {
    t.join();
  }
  EXPECT_EQ(failures.load(), 0);
}

// PostgreSQL text cannot hold NUL: that caller gets the error, the others of its group commit
// are stored all the same.
TEST(PostgresWebhookQueue, ARefusedBodyFailsOnlyItsOwnEnqueue) {
  const std::string url = postgres_schema_url("lsoq_refused");
  LSO_POSTGRES_OR_SKIP(url);
  postgres::PostgresQueueOptions options;
  options.url = url;
  postgres::PostgresWebhookQueue queue(options);
  std::atomic<int> stored{0};
  std::atomic<int> refused{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < 16; ++i) {
    threads.emplace_back([&, i] {
      const std::string body = i == 7 ? std::string("bad\0body", 8) : std::string("good");
      for (int n = 0; n < 20; ++n) {
        try {
          if (queue.enqueue("EV_" + std::to_string(i) + "_" + std::to_string(n), body)) {
            ++stored;
          }
        } catch (const domain::AppError& e) {
          EXPECT_EQ(e.kind(), domain::ErrorKind::Validation);
          ++refused;
        }
      }
    });
  }
  for (auto& t : threads) {
    t.join();
  }
  EXPECT_EQ(refused.load(), 20);
  EXPECT_EQ(stored.load(), 15 * 20);
  EXPECT_EQ(queue.counts().waiting, 15 * 20);
}

}  // namespace
}  // namespace lso::store
