// SqliteStore: connection set-up, transactions around the shared queries, versioned migrations.
#include "store/sqlite/sqlite_store.hpp"

#include <algorithm>
#include <filesystem>
#include <set>

#include "domain/errors.hpp"
#include "store/sql/sql_queries.hpp"
#include "store/sqlite/connection.hpp"
#include "store/sqlite/migrations.hpp"

namespace lso::store::sqlite {

using domain::AppError;
using domain::ErrorKind;

namespace {

constexpr std::string_view kMemory = ":memory:";

// The shared queries on one connection, in one transaction.
void run_on(Connection& connection, Connection::Begin begin,
            const std::function<void(domain::Queries&)>& fn) {
  connection.transaction(begin, [&] {
    sql::SqlQueries queries(connection);
    fn(queries);
  });
}

}  // namespace

// A reader checked out of the pool for one run(); returned even when fn throws.
class SqliteStore::ReaderLease {
 public:
  explicit ReaderLease(SqliteStore& store) : store_(store) {
    std::unique_lock lock(store_.readersMutex_);
    if (!store_.readerFree_.wait_for(lock, store_.options_.busyTimeout,
                                     [&] { return !store_.idleReaders_.empty(); })) {
      throw AppError(ErrorKind::Unavailable, "no SQLite reader connection became free in time");
    }
    connection_ = std::move(store_.idleReaders_.back());
    store_.idleReaders_.pop_back();
  }
  ~ReaderLease() {
    {
      const std::lock_guard lock(store_.readersMutex_);
      store_.idleReaders_.push_back(std::move(connection_));
    }
    store_.readerFree_.notify_one();
  }
  ReaderLease(const ReaderLease&) = delete;
  ReaderLease& operator=(const ReaderLease&) = delete;
  Connection& operator*() { return *connection_; }

 private:
  SqliteStore& store_;
  std::unique_ptr<Connection> connection_;
};

SqliteStore::SqliteStore(SqliteOptions options) : options_(std::move(options)) {
  const bool memory = options_.path == kMemory;
  if (!memory) {
    const auto parent = std::filesystem::path(options_.path).parent_path();
    std::error_code ec;
    if (!parent.empty()) {
      std::filesystem::create_directories(parent, ec);
    }
    if (ec) {
      throw AppError(ErrorKind::Unavailable,
                     "cannot create directory '" + parent.string() + "': " + ec.message());
    }
  }
  // The writer first: it creates the file and switches it to WAL before any reader opens it.
  writer_ = std::make_unique<Connection>(options_.path, Connection::Mode::ReadWrite,
                                         options_.busyTimeout);
  if (!memory) {
    for (int i = 0; i < std::max(1, options_.readers); ++i) {
      idleReaders_.push_back(std::make_unique<Connection>(options_.path, Connection::Mode::ReadOnly,
                                                          options_.busyTimeout));
    }
    hasReaders_ = true;
  }
}

SqliteStore::~SqliteStore() = default;

// Exclusive use of the writer connection for one run() or migrate(). Bounded like every other
// wait for the database: a writer stuck behind a long transaction gets Unavailable (retry later)
// instead of holding its worker thread indefinitely.
class SqliteStore::WriterLease {
 public:
  explicit WriterLease(SqliteStore& store) : store_(store) {
    std::unique_lock lock(store_.writerMutex_);
    if (!store_.writerFree_.wait_for(lock, store_.options_.busyTimeout,
                                     [&] { return !store_.writerBusy_; })) {
      throw AppError(ErrorKind::Unavailable,
                     "the SQLite writer stayed busy for " +
                         std::to_string(store_.options_.busyTimeout.count()) + " ms");
    }
    store_.writerBusy_ = true;
  }
  ~WriterLease() {
    {
      const std::lock_guard lock(store_.writerMutex_);
      store_.writerBusy_ = false;
    }
    store_.writerFree_.notify_one();
  }
  WriterLease(const WriterLease&) = delete;
  WriterLease& operator=(const WriterLease&) = delete;

 private:
  SqliteStore& store_;
};

void SqliteStore::run(Access access, const std::function<void(domain::Queries&)>& fn) {
  if (access == Access::Read && hasReaders_) {
    ReaderLease reader(*this);
    run_on(*reader, Connection::Begin::Deferred, fn);
    return;
  }
  const WriterLease writer(*this);
  run_on(*writer_,
         access == Access::Write ? Connection::Begin::Immediate : Connection::Begin::Deferred, fn);
}

void SqliteStore::ping() {
  run(Access::Read, [](domain::Queries&) {});
}

void SqliteStore::migrate() {
  const WriterLease writer(*this);
  Connection& db = *writer_;
  // One IMMEDIATE transaction for the whole run: concurrent migrators (other processes) wait on
  // the write lock and then find the versions already applied.
  db.transaction(Connection::Begin::Immediate, [&] {
    db.execute(kCreateMigrationsTable);
    std::set<std::int64_t> applied;
    db.exec_text("SELECT version FROM schema_migrations", {},
                 [&](const sql::Row& row) { applied.insert(row.int64(0)); });
    for (const auto& m : kMigrations) {
      if (applied.count(m.version) != 0) {
        continue;
      }
      db.execute(m.sql);
      const auto now = std::chrono::duration_cast<std::chrono::microseconds>(
          std::chrono::system_clock::now().time_since_epoch());
      db.exec_text("INSERT INTO schema_migrations (version, name, applied_at) VALUES (?1, ?2, ?3)",
                   {std::int64_t{m.version}, m.name, std::int64_t{now.count()}});
    }
  });
}

}  // namespace lso::store::sqlite
