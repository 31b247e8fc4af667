// open_store: DATABASE_URL forms, errors for bad URLs, in-memory SQLite, and PostgreSQL behaviour
// that only a real server (or its absence) shows: unreachable server, reconnect after a
// server-side disconnect.
#include <libpq-fe.h>
#include <unistd.h>

#include <filesystem>

#include "store_fixture.hpp"

namespace lso::store::test {
namespace {

using domain::AppError;
using domain::ErrorKind;
using domain::Queries;

StoreOptions with_url(std::string url, int poolSize = 8) {
  StoreOptions options;
  options.databaseUrl = std::move(url);
  options.poolSize = poolSize;
  options.connectTimeout = std::chrono::milliseconds(1000);
  return options;
}

template <class F>
ErrorKind error_kind(F&& fn, std::string* message = nullptr) {
  try {
    fn();
  } catch (const AppError& e) {
    if (message != nullptr) *message = e.what();
    return e.kind();
  }
  ADD_FAILURE() << "no AppError thrown";
  return ErrorKind::Internal;
}

TEST(StoreFactory, SqliteUrlForms) {
  EXPECT_EQ(sqlite_path("sqlite:./data/orchestrator.db"), "./data/orchestrator.db");
  EXPECT_EQ(sqlite_path("sqlite:orchestrator.db"), "orchestrator.db");
  EXPECT_EQ(sqlite_path("sqlite:///abs/path.db"), "/abs/path.db");
  EXPECT_EQ(sqlite_path("sqlite://./rel.db"), "./rel.db");
  EXPECT_EQ(sqlite_path("sqlite::memory:"), ":memory:");
  EXPECT_EQ(error_kind([] { sqlite_path("sqlite:"); }), ErrorKind::Validation);
  EXPECT_EQ(error_kind([] { sqlite_path("sqlite://"); }), ErrorKind::Validation);
}

TEST(StoreFactory, UnknownSchemeIsAValidationErrorNamingDatabaseUrl) {
  for (const char* url :
       {"", "mysql://u:secret@host/db", "postgres:/x", "file:./x.db", "SQLITE:x"}) {
    std::string message;
    EXPECT_EQ(error_kind([&] { open_store(with_url(url)); }, &message), ErrorKind::Validation)
        << url;
    EXPECT_NE(message.find("DATABASE_URL"), std::string::npos) << message;
    EXPECT_EQ(message.find("secret"), std::string::npos)
        << "the URL's password leaked: " << message;
  }
  EXPECT_EQ(error_kind([] { open_store(with_url("sqlite::memory:", 0)); }), ErrorKind::Validation);
}

TEST(StoreFactory, InMemorySqliteServesReadsAndWrites) {
  auto store = open_store(with_url("sqlite::memory:"));
  EXPECT_EQ(store->backend(), "sqlite");
  store->migrate();
  store->migrate();
  const auto l = make_livestream("room", seconds(1));
  store->write([&](Queries& q) { q.insert_livestream(l); });
  EXPECT_TRUE(store->read([&](Queries& q) { return q.find_livestream(l.id); }));
  EXPECT_NO_THROW(store->ping());
  // Each in-memory store is its own database.
  auto other = open_store(with_url("sqlite::memory:"));
  other->migrate();
  EXPECT_FALSE(other->read([&](Queries& q) { return q.find_livestream(l.id); }));
}

TEST(StoreFactory, SqliteCreatesMissingDirectoriesAndKeepsDataAcrossReopen) {
  const auto dir =
      std::filesystem::temp_directory_path() /
      ("lso-factory-test-" + std::to_string(::testing::UnitTest::GetInstance()->random_seed()) +
       "-" + std::to_string(std::chrono::steady_clock::now().time_since_epoch().count()));
  const auto file = dir / "a" / "b" / "orchestrator.db";
  const auto l = make_livestream("room", seconds(1));
  {
    auto store = open_store(with_url("sqlite://" + file.string()));
    store->migrate();
    store->write([&](Queries& q) { q.insert_livestream(l); });
  }
  EXPECT_TRUE(std::filesystem::exists(file));
  {
    auto store = open_store(with_url("sqlite:" + file.string()));
    store->migrate();
    EXPECT_TRUE(store->read([&](Queries& q) { return q.find_livestream(l.id); }));
  }
  std::filesystem::remove_all(dir);
}

TEST(StoreFactory, UnreachablePostgresIsUnavailable) {
  // Port 1 on the loopback interface: refused at once, no server needed.
  auto store = open_store(with_url("postgresql://postgres@127.0.0.1:1/lso"));
  EXPECT_EQ(store->backend(), "postgresql");
  EXPECT_EQ(error_kind([&] { store->ping(); }), ErrorKind::Unavailable);
  EXPECT_EQ(error_kind([&] { store->migrate(); }), ErrorKind::Unavailable);
  EXPECT_EQ(error_kind([&] { store->read([](Queries& q) { return q.count_users(); }); }),
            ErrorKind::Unavailable);
}

// The server ends every session of the store (as a restart or failover would): the next call
// reconnects and succeeds without the caller noticing.
TEST(PostgresStore, ReconnectsAfterTheServerDropsItsConnections) {
  LSO_REQUIRE_POSTGRES_OR_SKIP();
  ScratchDatabases scratch;
  const std::string name = "lso_reconnect_test_" + std::to_string(::getpid());
  const StoreOptions options = scratch.create_postgres(name);
  auto store = open_store(options);
  store->migrate();
  const auto l = make_livestream("room", seconds(1));
  store->write([&](Queries& q) { q.insert_livestream(l); });

  PGconn* admin = PQconnectdb(postgres_url()->c_str());
  ASSERT_EQ(PQstatus(admin), CONNECTION_OK) << PQerrorMessage(admin);
  const std::string terminate =
      "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = '" + name +
      "'";
  PGresult* killed = PQexec(admin, terminate.c_str());
  EXPECT_EQ(PQresultStatus(killed), PGRES_TUPLES_OK) << PQresultErrorMessage(killed);
  EXPECT_GE(PQntuples(killed), 1);
  PQclear(killed);
  PQfinish(admin);

  EXPECT_TRUE(store->read([&](Queries& q) { return q.find_livestream(l.id); }));
  store->write([&](Queries& q) { q.adjust_audience(l.id, {3, 0, 0}, 3, seconds(2)); });
  EXPECT_NO_THROW(store->ping());
}

}  // namespace
}  // namespace lso::store::test
