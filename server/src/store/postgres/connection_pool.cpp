// ConnectionPool: blocking checkout with a deadline, lazy connect, reconnect of broken connections.
#include "store/postgres/connection_pool.hpp"

#include <string>

namespace lso::store::postgres {

ConnectionPool::Lease::~Lease() {
  if (connection_) {
    pool_->release(std::move(connection_));
  }
}

ConnectionPool::ConnectionPool(ConnectSettings settings, int size,
                               std::chrono::milliseconds acquireTimeout)
    : settings_(std::move(settings)), size_(size < 1 ? 1 : size), acquireTimeout_(acquireTimeout) {}

ConnectionPool::Lease ConnectionPool::acquire() {
  std::unique_ptr<Connection> connection;
  {
    std::unique_lock lock(mutex_);
    if (!available_.wait_for(lock, acquireTimeout_,
                             [&] { return !idle_.empty() || open_ < size_; })) {
      throw domain::AppError(domain::ErrorKind::Unavailable,
                             "all " + std::to_string(size_) +
                                 " PostgreSQL connections stayed busy for " +
                                 std::to_string(acquireTimeout_.count()) + " ms");
    }
    if (!idle_.empty()) {
      connection = std::move(idle_.back());  // most recently used: likeliest to be warm
      idle_.pop_back();
    } else {
      ++open_;
    }
  }
  // Connecting happens outside the lock so one slow server does not block other checkouts.
  try {
    if (!connection) {
      connection = std::make_unique<Connection>(settings_);
    } else if (!connection->ok()) {
      connection->reset();
    }
  } catch (...) {
    {
      const std::lock_guard lock(mutex_);
      --open_;
    }
    available_.notify_one();
    throw;
  }
  return Lease(*this, std::move(connection));
}

void ConnectionPool::release(std::unique_ptr<Connection> connection) {
  {
    const std::lock_guard lock(mutex_);
    idle_.push_back(std::move(connection));
  }
  available_.notify_one();
}

}  // namespace lso::store::postgres
