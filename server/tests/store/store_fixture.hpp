// The backend-independent store conformance suite's fixture: every TEST_P(StoreTest, …) runs once
// per backend ("sqlite" always; "postgresql" when LSO_TEST_POSTGRES_URL names a server) on a
// database of its own, and the helpers build records for it.
#pragma once

#include <gtest/gtest.h>

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "domain/errors.hpp"
#include "domain/participant_event_batch.hpp"
#include "domain/store.hpp"
#include "store/store_factory.hpp"

namespace lso::store::test {

// Times with odd microseconds, so that any rounding in storage shows.
domain::TimePoint at(std::int64_t micros);
domain::TimePoint seconds(std::int64_t s);

domain::Livestream make_livestream(
    const std::string& roomName, domain::TimePoint createdAt,
    domain::LivestreamStatus status = domain::LivestreamStatus::Scheduled,
    const std::string& createdBy = "creator-1");
domain::Participant make_participant(
    const std::string& livestreamId, const std::string& userId, domain::TimePoint joinedAt,
    domain::ParticipantRole role = domain::ParticipantRole::Viewer);

// List filters; a page of 100 unless given.
struct Page {
  std::int32_t limit = 100;
  std::int32_t offset = 0;
};
domain::LivestreamFilter livestreams_where(std::optional<domain::LivestreamStatus> status,
                                           std::optional<std::string> createdBy, Page page = {});
domain::ParticipantFilter participants_where(std::string livestreamId,
                                             std::optional<domain::ParticipantStatus> status,
                                             std::optional<domain::ParticipantRole> role,
                                             Page page = {});

void expect_same(const domain::Livestream& actual, const domain::Livestream& expected);
void expect_same(const domain::Participant& actual, const domain::Participant& expected);

// The uniqueness rule fn violates, "" when it throws nothing.
template <class F>
std::string violated_rule(F&& fn) {
  try {
    fn();
  } catch (const domain::UniqueViolation& e) {
    return e.constraint();
  }
  return "";
}

// The PostgreSQL server for tests, or nullopt when LSO_TEST_POSTGRES_URL is unset.
std::optional<std::string> postgres_url();
bool postgres_required();
// What a PostgreSQL test does without a server: skip with a message, or fail when
// LSO_REQUIRE_POSTGRES=1 (CI, where a missing server must not pass silently).
#define LSO_REQUIRE_POSTGRES_OR_SKIP()                                            \
  do {                                                                            \
    if (!::lso::store::test::postgres_url()) {                                    \
      if (::lso::store::test::postgres_required()) {                              \
        FAIL() << "LSO_REQUIRE_POSTGRES=1 but LSO_TEST_POSTGRES_URL is not set";  \
      }                                                                           \
      GTEST_SKIP() << "PostgreSQL tests skipped: set LSO_TEST_POSTGRES_URL (see " \
                      "scripts/lib/services.sh, lso_start_postgres) to run them"; \
    }                                                                             \
  } while (false)

// Empty databases for one test, dropped when it ends: a temporary SQLite file, or a PostgreSQL
// schema of its own (reached through the URL's search_path), so tests may run in parallel.
class ScratchDatabases {
 public:
  ~ScratchDatabases();
  StoreOptions create(const std::string& backend);
  // A PostgreSQL scratch database whose connections carry this application_name, so a test can
  // find exactly its own sessions in pg_stat_activity.
  StoreOptions create_postgres(const std::string& applicationName);

 private:
  std::vector<std::string> directories_;
  std::vector<std::string> schemas_;
};

class StoreTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override;
  void TearDown() override;

  domain::Store& store() { return *store_; }
  // The store's one-call participant events (PostgreSQL), as the application wires it; null on
  // SQLite.
  domain::ParticipantEventBatchApplier* participant_batch() {
    return dynamic_cast<domain::ParticipantEventBatchApplier*>(store_.get());
  }
  // Another store on the same database, as a second instance would open it.
  std::unique_ptr<domain::Store> open_again() const { return open_store(options_); }

  ScratchDatabases scratch_;
  StoreOptions options_;
  std::unique_ptr<domain::Store> store_;
};

}  // namespace lso::store::test
