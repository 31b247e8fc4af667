// The SQLite connection both the store and the webhook queue use: kept statements, transactions,
// and the one mapping of SQLite errors (environment problems are Unavailable, others Internal).
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <stdexcept>
#include <string>

#include "domain/errors.hpp"
#include "store/sqlite/connection.hpp"

namespace lso::store::sqlite {
namespace {

using namespace std::chrono_literals;
using domain::AppError;
using domain::ErrorKind;

struct ScratchFile {
  ScratchFile()
      : dir(std::filesystem::temp_directory_path() /
            ("lso-sqlite-connection-" + std::to_string(::getpid()))) {
    std::filesystem::create_directories(dir);
    path = (dir / "test.db").string();
  }
  ~ScratchFile() {
    std::error_code ignored;
    std::filesystem::remove_all(dir, ignored);
  }
  std::filesystem::path dir;
  std::string path;
};

ErrorKind error_kind(const auto& fn) {
  try {
    fn();
  } catch (const AppError& e) {
    return e.kind();
  }
  ADD_FAILURE() << "no AppError thrown";
  return ErrorKind::Internal;
}

std::int64_t count_rows(Connection& db) {
  std::int64_t n = -1;
  db.exec_text("SELECT count(*) FROM t", {}, [&](const sql::Row& row) { n = row.int64(0); });
  return n;
}

TEST(SqliteConnection, KeptStatementsBindAndReadTextBlobsAndNumbers) {
  Connection db(":memory:", Connection::Mode::ReadWrite, 1s);
  db.execute("CREATE TABLE t (n INTEGER, s TEXT, b BLOB)");
  const auto insert = db.keep("INSERT INTO t (n, s, b) VALUES (?1, ?2, ?3)");
  const auto select = db.keep("SELECT n, s, b FROM t ORDER BY n");
  const std::string blob("a\0b", 3);
  for (int i = 0; i < 2; ++i) {  // the second use finds the statement reset and unbound
    EXPECT_EQ(Connection::Call(db, insert).bind(1, i).bind_text(2, "").bind_blob(3, blob).run(), 1);
  }
  Connection::Call rows(db, select);
  ASSERT_TRUE(rows.step());
  EXPECT_EQ(rows.int64(0), 0);
  EXPECT_EQ(rows.bytes(1), "");
  EXPECT_EQ(rows.bytes(2), blob);
  ASSERT_TRUE(rows.step());
  EXPECT_EQ(rows.int64(0), 1);
  EXPECT_FALSE(rows.step());
}

TEST(SqliteConnection, TransactionCommitsOrRollsBackAndRethrowsTheBodysError) {
  Connection db(":memory:", Connection::Mode::ReadWrite, 1s);
  db.execute("CREATE TABLE t (n INTEGER)");
  db.transaction(Connection::Begin::Immediate,
                 [&] { db.exec_text("INSERT INTO t VALUES (1)", {}); });
  EXPECT_EQ(count_rows(db), 1);
  EXPECT_THROW(db.transaction(Connection::Begin::Immediate,
                              [&] {
                                db.exec_text("INSERT INTO t VALUES (2)", {});
                                throw std::logic_error("body failed");
                              }),
               std::logic_error);
  EXPECT_FALSE(db.in_transaction());
  EXPECT_EQ(count_rows(db), 1);
}

// The store's readers and a queue file on a read-only mount meet SQLITE_READONLY on a write:
// the environment's problem, answered 503 (LiveKit retries) rather than 500.
TEST(SqliteConnection, AWriteToAReadOnlyDatabaseIsUnavailable) {
  const ScratchFile file;
  Connection writer(file.path, Connection::Mode::ReadWrite, 1s);
  writer.execute("CREATE TABLE t (n INTEGER)");
  Connection reader(file.path, Connection::Mode::ReadOnly, 1s);
  EXPECT_EQ(error_kind([&] { reader.exec_text("INSERT INTO t VALUES (1)", {}); }),
            ErrorKind::Unavailable);
}

TEST(SqliteConnection, AWriterBusyPastTheTimeoutIsUnavailable) {
  const ScratchFile file;
  Connection first(file.path, Connection::Mode::ReadWrite, 1s);
  Connection second(file.path, Connection::Mode::ReadWrite, 50ms);
  first.execute("BEGIN IMMEDIATE");
  EXPECT_EQ(error_kind([&] { second.transaction(Connection::Begin::Immediate, [] {}); }),
            ErrorKind::Unavailable);
  first.execute("COMMIT");
}

TEST(SqliteConnection, AnyOtherErrorIsInternal) {
  Connection db(":memory:", Connection::Mode::ReadWrite, 1s);
  EXPECT_EQ(error_kind([&] { db.keep("SELECT * FROM no_such_table"); }), ErrorKind::Internal);
  db.execute("CREATE TABLE t (n INTEGER NOT NULL)");
  const auto insert = db.keep("INSERT INTO t VALUES (?1)");
  EXPECT_EQ(error_kind([&] { Connection::Call(db, insert).bind_null(1).run(); }),
            ErrorKind::Internal);
}

}  // namespace
}  // namespace lso::store::sqlite
