// The embedded-mode Store: one SQLite file in WAL mode, one writer connection behind a mutex
// (SQLite allows a single writer anyway) and a pool of read-only connections that run beside it.
#pragma once

#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "domain/store.hpp"

namespace lso::store::sqlite {

class Connection;

struct SqliteOptions {
  std::string path;  // a file name (parent directory created when missing) or ":memory:"
  int readers = 4;   // read-only connections; an in-memory database has none (see below)
  // How long a statement waits for a lock held by another process, a writer for the writer
  // connection and a reader for a free connection, before AppError(Unavailable).
  std::chrono::milliseconds busyTimeout{5000};
};

class SqliteStore final : public domain::Store {
 public:
  explicit SqliteStore(SqliteOptions options);
  ~SqliteStore() override;

  std::string_view backend() const override { return "sqlite"; }
  bool writes_one_at_a_time() const override { return true; }
  void migrate() override;
  void ping() override;
  // Write: BEGIN IMMEDIATE on the writer. Read: a deferred transaction (one consistent snapshot)
  // on a pooled reader. fn must not call back into this store: the writer mutex is not recursive.
  void run(Access access, const std::function<void(domain::Queries&)>& fn) override;

 private:
  class ReaderLease;
  class WriterLease;

  SqliteOptions options_;
  // The writer is taken through a flag under a mutex rather than a timed_mutex so that the wait
  // is bounded with a condition variable, which thread sanitizers understand.
  std::mutex writerMutex_;
  std::condition_variable writerFree_;
  bool writerBusy_ = false;
  std::unique_ptr<Connection> writer_;
  // An in-memory database exists once per connection, so it is served by the writer alone:
  // then hasReaders_ is false and reads take the writer mutex too.
  std::mutex readersMutex_;
  std::condition_variable readerFree_;
  std::vector<std::unique_ptr<Connection>> idleReaders_;
  bool hasReaders_ = false;
};

}  // namespace lso::store::sqlite
