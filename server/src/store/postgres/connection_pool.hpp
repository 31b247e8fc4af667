// A fixed number of PostgreSQL connections, opened on first need and checked out one per Store
// call; a broken connection is re-established when it is next checked out.
#pragma once

#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <vector>

#include "store/postgres/connection.hpp"

namespace lso::store::postgres {

class ConnectionPool {
 public:
  // A checked-out connection, returned to the pool when the lease ends.
  class Lease {
   public:
    Lease(ConnectionPool& pool, std::unique_ptr<Connection> connection)
        : pool_(&pool), connection_(std::move(connection)) {}
    Lease(Lease&& other) noexcept = default;
    Lease& operator=(Lease&&) = delete;
    ~Lease();
    Connection& operator*() const { return *connection_; }
    Connection* operator->() const { return connection_.get(); }

   private:
    ConnectionPool* pool_;
    std::unique_ptr<Connection> connection_;
  };

  // acquireTimeout bounds the wait for a free connection (not the connecting itself, which
  // settings.connectTimeout bounds).
  ConnectionPool(ConnectSettings settings, int size, std::chrono::milliseconds acquireTimeout);

  // Throws AppError(Unavailable) when no connection frees up in time or none can be opened.
  Lease acquire();

 private:
  void release(std::unique_ptr<Connection> connection);

  const ConnectSettings settings_;
  const int size_;
  const std::chrono::milliseconds acquireTimeout_;
  std::mutex mutex_;
  std::condition_variable available_;
  std::vector<std::unique_ptr<Connection>> idle_;
  int open_ = 0;  // connections that exist or are being opened, idle or leased; ≤ size_
};

}  // namespace lso::store::postgres
