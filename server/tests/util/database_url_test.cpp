// DATABASE_URL schemes, recognised in one place.
#include "util/database_url.hpp"

#include <gtest/gtest.h>

namespace lso::util {
namespace {

TEST(DatabaseUrl, KindFollowsTheScheme) {
  EXPECT_EQ(database_kind("sqlite:./data/x.db"), DatabaseKind::Sqlite);
  EXPECT_EQ(database_kind("sqlite::memory:"), DatabaseKind::Sqlite);
  EXPECT_EQ(database_kind("postgres://u@db/x"), DatabaseKind::Postgres);
  EXPECT_EQ(database_kind("postgresql://u@db/x"), DatabaseKind::Postgres);
  EXPECT_EQ(database_kind("postgresql:/x"), DatabaseKind::Unknown);
  EXPECT_EQ(database_kind("mysql://db/x"), DatabaseKind::Unknown);
  EXPECT_EQ(database_kind(""), DatabaseKind::Unknown);
}

TEST(DatabaseUrl, SqliteFileIsThePathAfterTheScheme) {
  EXPECT_EQ(sqlite_file("sqlite:./data/x.db"), "./data/x.db");
  EXPECT_EQ(sqlite_file("sqlite:///abs/x.db"), "/abs/x.db");
  EXPECT_EQ(sqlite_file("sqlite://rel.db"), "rel.db");
  EXPECT_EQ(sqlite_file("sqlite::memory:"), ":memory:");
  EXPECT_EQ(sqlite_file("sqlite:"), std::nullopt);
  EXPECT_EQ(sqlite_file("sqlite://"), std::nullopt);
  EXPECT_EQ(sqlite_file("postgresql://db/x"), std::nullopt);
}

}  // namespace
}  // namespace lso::util
