// Fixture and helpers of the store conformance suite; instantiates it for every backend.
#include "store_fixture.hpp"

#include <libpq-fe.h>
#include <unistd.h>

#include <atomic>
#include <boost/json/serialize.hpp>
#include <cstdlib>
#include <filesystem>

#include "util/uuid.hpp"

namespace lso::store::test {

using domain::Livestream;
using domain::Participant;
using domain::TimePoint;

TimePoint at(std::int64_t micros) {
  return TimePoint{std::chrono::microseconds{micros}};
}
TimePoint seconds(std::int64_t s) {
  return at(1'700'000'000'000'000 + s * 1'000'000 + 123'457);
}

Livestream make_livestream(const std::string& roomName, TimePoint createdAt,
                           domain::LivestreamStatus status, const std::string& createdBy) {
  Livestream l;
  l.id = util::new_uuid();
  l.roomName = roomName;
  l.title = "Title of " + roomName;
  l.status = status;
  l.createdBy = createdBy;
  l.createdAt = createdAt;
  l.updatedAt = createdAt;
  if (status == domain::LivestreamStatus::Live) l.startedAt = createdAt;
  return l;
}

Participant make_participant(const std::string& livestreamId, const std::string& userId,
                             TimePoint joinedAt, domain::ParticipantRole role) {
  Participant p;
  p.id = util::new_uuid();
  p.livestreamId = livestreamId;
  p.userId = userId;
  p.displayName = "Name of " + userId;
  p.role = role;
  p.joinedAt = joinedAt;
  return p;
}

domain::LivestreamFilter livestreams_where(std::optional<domain::LivestreamStatus> status,
                                           std::optional<std::string> createdBy, Page page) {
  domain::LivestreamFilter filter;
  filter.status = status;
  filter.createdBy = std::move(createdBy);
  filter.limit = page.limit;
  filter.offset = page.offset;
  return filter;
}

domain::ParticipantFilter participants_where(std::string livestreamId,
                                             std::optional<domain::ParticipantStatus> status,
                                             std::optional<domain::ParticipantRole> role,
                                             Page page) {
  domain::ParticipantFilter filter;
  filter.livestreamId = std::move(livestreamId);
  filter.status = status;
  filter.role = role;
  filter.limit = page.limit;
  filter.offset = page.offset;
  return filter;
}

void expect_same(const Livestream& a, const Livestream& e) {
  EXPECT_EQ(a.id, e.id);
  EXPECT_EQ(a.roomName, e.roomName);
  EXPECT_EQ(a.title, e.title);
  EXPECT_EQ(a.description, e.description);
  EXPECT_EQ(a.status, e.status);
  EXPECT_EQ(a.createdBy, e.createdBy);
  EXPECT_EQ(a.creatorName, e.creatorName);
  EXPECT_EQ(a.visibility, e.visibility);
  EXPECT_EQ(a.maxParticipants, e.maxParticipants);
  EXPECT_EQ(a.emptyTimeout, e.emptyTimeout);
  EXPECT_EQ(a.metadata, e.metadata) << boost::json::serialize(a.metadata);
  EXPECT_EQ(a.createdAt, e.createdAt);
  EXPECT_EQ(a.updatedAt, e.updatedAt);
  EXPECT_EQ(a.startedAt, e.startedAt);
  EXPECT_EQ(a.endedAt, e.endedAt);
}

void expect_same(const Participant& a, const Participant& e) {
  EXPECT_EQ(a.id, e.id);
  EXPECT_EQ(a.livestreamId, e.livestreamId);
  EXPECT_EQ(a.userId, e.userId);
  EXPECT_EQ(a.displayName, e.displayName);
  EXPECT_EQ(a.role, e.role);
  EXPECT_EQ(a.status, e.status);
  EXPECT_EQ(a.metadata, e.metadata) << boost::json::serialize(a.metadata);
  EXPECT_EQ(a.livekitParticipantSid, e.livekitParticipantSid);
  EXPECT_EQ(a.livekitRoomSid, e.livekitRoomSid);
  EXPECT_EQ(a.joinedAt, e.joinedAt);
  EXPECT_EQ(a.leftAt, e.leftAt);
}

std::optional<std::string> postgres_url() {
  const char* url = std::getenv("LSO_TEST_POSTGRES_URL");
  if (url == nullptr || *url == '\0') return std::nullopt;
  return std::string(url);
}

bool postgres_required() {
  const char* required = std::getenv("LSO_REQUIRE_POSTGRES");
  return required != nullptr && std::string_view(required) == "1";
}

namespace {

std::string unique_suffix() {
  static std::atomic<int> counter{0};
  return std::to_string(::getpid()) + "_" + std::to_string(counter++);
}

// Administrative statements on the test server, outside any store.
void postgres_admin(const std::string& url, const std::string& sql) {
  PGconn* conn = PQconnectdb(url.c_str());
  if (PQstatus(conn) != CONNECTION_OK) {
    ADD_FAILURE() << "cannot connect to " << url << ": " << PQerrorMessage(conn);
    PQfinish(conn);
    return;
  }
  PGresult* result = PQexec(conn, sql.c_str());
  if (PQresultStatus(result) != PGRES_COMMAND_OK && PQresultStatus(result) != PGRES_TUPLES_OK) {
    ADD_FAILURE() << sql << ": " << PQresultErrorMessage(result);
  }
  PQclear(result);
  PQfinish(conn);
}

}  // namespace

ScratchDatabases::~ScratchDatabases() {
  for (const auto& dir : directories_) {
    std::error_code ec;
    std::filesystem::remove_all(dir, ec);
  }
  if (const auto url = postgres_url()) {
    for (const auto& schema : schemas_) postgres_admin(*url, "DROP SCHEMA " + schema + " CASCADE");
  }
}

StoreOptions ScratchDatabases::create(const std::string& backend) {
  StoreOptions options;
  if (backend == "sqlite") {
    const auto dir = std::filesystem::temp_directory_path() / ("lso-store-test-" + unique_suffix());
    directories_.push_back(dir.string());
    // A missing parent directory: the store must create it.
    options.databaseUrl = "sqlite:" + (dir / "data" / "orchestrator.db").string();
    return options;
  }
  return create_postgres("");
}

StoreOptions ScratchDatabases::create_postgres(const std::string& applicationName) {
  StoreOptions options;
  const auto url = postgres_url();
  if (!url) throw std::logic_error("PostgreSQL scratch database without LSO_TEST_POSTGRES_URL");
  const std::string schema = "lso_test_" + unique_suffix();
  postgres_admin(*url, "CREATE SCHEMA " + schema);
  schemas_.push_back(schema);
  options.databaseUrl = *url + (url->find('?') == std::string::npos ? "?" : "&") +
                        "options=-csearch_path%3D" + schema;
  if (!applicationName.empty()) options.databaseUrl += "&application_name=" + applicationName;
  return options;
}

void StoreTest::SetUp() {
  if (GetParam() == "postgresql") LSO_REQUIRE_POSTGRES_OR_SKIP();
  options_ = scratch_.create(GetParam());
  store_ = open_store(options_);
  store_->migrate();
}

// The store closes its connections before its scratch database is dropped.
void StoreTest::TearDown() {
  store_.reset();
}

INSTANTIATE_TEST_SUITE_P(Backends, StoreTest, ::testing::Values("sqlite", "postgresql"),
                         [](const auto& info) { return info.param; });

}  // namespace lso::store::test
