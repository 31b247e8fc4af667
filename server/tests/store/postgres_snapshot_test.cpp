// PostgreSQL read snapshots at the connection: the BEGIN that travels in one pipeline with the
// read's first statement, the COMMIT that is not waited for, and the connection's state after a
// failure at each step.
#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "domain/errors.hpp"
#include "store/postgres/connection.hpp"
#include "store_fixture.hpp"
#include "util/uuid.hpp"

namespace lso::store::test {
namespace {

using domain::AppError;
using domain::Queries;
using postgres::Connection;
using postgres::ConnectionLost;
using postgres::ConnectSettings;
using sql::Query;
using sql::Row;

class PostgresSnapshot : public ::testing::Test {
 protected:
  void SetUp() override {
    LSO_REQUIRE_POSTGRES_OR_SKIP();
    options_ = scratch_.create("postgresql");
    options_.poolSize = 1;  // every run of the store below reuses one connection
    store_ = open_store(options_);
    store_->migrate();
  }
  void TearDown() override { store_.reset(); }

  // Rows FindLivestream returns for id on this connection.
  static std::int64_t found(Connection& c, const std::string& id) {
    return c.exec(Query::FindLivestream, {std::string_view(id)}, {});
  }
  std::string insert() {
    auto l = make_livestream("room-" + util::new_uuid(), seconds(1));
    store_->write([&](Queries& q) { q.insert_livestream(l); });
    return l.id;
  }
  static std::int64_t backend_pid(Connection& c) {
    std::int64_t pid = 0;
    c.exec_text("SELECT pg_backend_pid()::bigint", {}, [&](const Row& r) { pid = r.int64(0); });
    return pid;
  }

  ScratchDatabases scratch_;
  StoreOptions options_;
  std::unique_ptr<domain::Store> store_;
};

TEST_F(PostgresSnapshot, TheFirstStatementOpensTheSnapshotAndLaterCommitsStayOutOfIt) {
  Connection c(ConnectSettings{options_.databaseUrl});
  const auto early = insert();
  c.begin_snapshot();
  EXPECT_TRUE(c.in_transaction()) << "a begun snapshot counts as a transaction before it is sent";
  EXPECT_EQ(found(c, early), 1);  // first use of the statement: PREPARE, then BEGIN and EXECUTE
  const auto late = insert();
  EXPECT_EQ(found(c, late), 0) << "the snapshot saw a later commit";
  c.end_snapshot();
  EXPECT_EQ(found(c, late), 1) << "the next statement runs after the COMMIT, outside the snapshot";
  EXPECT_FALSE(c.in_transaction());

  // Again with the statement already prepared: BEGIN and EXECUTE only.
  c.begin_snapshot();
  EXPECT_EQ(found(c, late), 1);
  const auto later = insert();
  EXPECT_EQ(found(c, later), 0);
  c.end_snapshot();
  EXPECT_EQ(found(c, later), 1);
}

TEST_F(PostgresSnapshot, ASnapshotWithoutStatementsSendsNothingAndOtherStatementsSendItFirst) {
  Connection c(ConnectSettings{options_.databaseUrl});
  c.begin_snapshot();
  c.end_snapshot();
  EXPECT_FALSE(c.in_transaction());

  // A statement that is not a named query opens the snapshot on its own.
  const auto early = insert();
  c.begin_snapshot();
  std::int64_t count = 0;
  c.exec_text("SELECT count(*)::bigint FROM livestreams", {},
              [&](const Row& r) { count = r.int64(0); });
  insert();
  std::int64_t again = 0;
  c.exec_text("SELECT count(*)::bigint FROM livestreams", {},
              [&](const Row& r) { again = r.int64(0); });
  EXPECT_EQ(count, 1);
  EXPECT_EQ(again, 1);
  EXPECT_EQ(found(c, early), 1);
  c.end_snapshot();
  EXPECT_FALSE(c.in_transaction());
}

TEST_F(PostgresSnapshot, AStatementFailingInThePipelineLeavesAnAbortedSnapshotToRollBack) {
  Connection c(ConnectSettings{options_.databaseUrl});
  const auto id = insert();
  c.begin_snapshot();
  // Not a uuid: the server refuses the statement that travelled with the BEGIN.
  EXPECT_THROW(found(c, "not-a-uuid"), AppError);
  EXPECT_FALSE(c.discard_unsent_snapshot()) << "the BEGIN was sent";
  EXPECT_TRUE(c.in_transaction());
  c.execute("ROLLBACK");
  EXPECT_FALSE(c.in_transaction());
  EXPECT_EQ(found(c, id), 1);
}

TEST_F(PostgresSnapshot, AFailedReadLeavesThePooledConnectionReadyForTheNextReadAndWrite) {
  const auto id = insert();
  // Fails with its snapshot open, then before any statement.
  EXPECT_THROW(store_->read([&](Queries& q) -> int {
    q.find_livestream(id);
    throw std::runtime_error("after a statement");
  }),
               std::runtime_error);
  EXPECT_THROW(store_->read([](Queries&) -> int { throw std::runtime_error("before any"); }),
               std::runtime_error);
  const auto second = insert();
  EXPECT_TRUE(store_->read([&](Queries& q) { return q.find_livestream(second); }));
}

TEST_F(PostgresSnapshot, AConnectionKilledUnderThePipelineIsLostAndReconnected) {
  Connection c(ConnectSettings{options_.databaseUrl});
  const auto id = insert();
  EXPECT_EQ(found(c, id),
            1);  // prepared now, so the killed session's first command is the pipeline
  Connection killer(ConnectSettings{options_.databaseUrl});
  killer.exec_text("SELECT pg_terminate_backend($1::integer, 5000)", {backend_pid(c)});
  c.begin_snapshot();
  EXPECT_THROW(found(c, id), ConnectionLost);
  ASSERT_TRUE(c.ok()) << "reconnected at once";
  EXPECT_FALSE(c.in_transaction());
  EXPECT_EQ(found(c, id), 1);

  // Killed after its COMMIT was sent: the next command reports the loss; the one after works.
  const auto pid = backend_pid(c);
  c.begin_snapshot();
  EXPECT_EQ(found(c, id), 1);
  c.end_snapshot();
  killer.exec_text("SELECT pg_terminate_backend($1::integer, 5000)", {pid});
  EXPECT_THROW(found(c, id), AppError);
  if (!c.ok()) c.reset();
  EXPECT_EQ(found(c, id), 1);
}

}  // namespace
}  // namespace lso::store::test
