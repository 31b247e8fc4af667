// Runs blocking work (database, LiveKit calls) on the blocking pool and resumes the calling
// coroutine on its own I/O thread with the result or the exception. I/O threads never block.
#pragma once

#include <atomic>
#include <boost/asio/async_result.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/thread_pool.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <cstdint>
#include <exception>
#include <optional>
#include <type_traits>
#include <utility>

#include "http/types.hpp"
#include "util/metrics_registry.hpp"

namespace lso::http {

// A pool of threads for blocking work (database, LiveKit calls, password hashing), counting the
// tasks running on it now.
class BlockingPool {
 public:
  explicit BlockingPool(std::size_t threads) : pool_(threads) {}

  std::int64_t running() const noexcept { return running_.load(std::memory_order_relaxed); }
  // Waits for the queued work to finish (shutdown).
  void join() { pool_.join(); }

  // lso_db_pool_connections (the configured database pool size) and lso_db_pool_in_use (this
  // pool's running tasks), read when scraped.
  void register_metrics(util::MetricsRegistry& registry, int databasePoolSize) const {
    registry.add([this, databasePoolSize](util::MetricsWriter& w) {
      w.family("lso_db_pool_connections", util::MetricType::Gauge, "database pool size");
      w.sample(std::int64_t{databasePoolSize});
      w.family("lso_db_pool_in_use", util::MetricType::Gauge,
               "blocking database/LiveKit tasks running now");
      w.sample(running());
    });
  }

  // Runs `f` on a pool thread, counted while it runs; `f` must not throw.
  template <class F>
  void post(F&& f) {
    asio::post(pool_, [this, f = std::forward<F>(f)]() mutable {
      running_.fetch_add(1, std::memory_order_relaxed);
      f();
      running_.fetch_sub(1, std::memory_order_relaxed);
    });
  }

 private:
  asio::thread_pool pool_;
  std::atomic<std::int64_t> running_{0};
};

// `f` stays in this coroutine's frame, which is suspended until the work completes, so the pool
// thread calls it by reference: nothing the caller captured is moved or copied across threads.
// (Callers capture by reference too: g++ 12 mis-moves init-captures of coroutine locals.)
template <class F>
auto offload(BlockingPool& pool, F f) -> asio::awaitable<std::invoke_result_t<F&>> {
  using R = std::invoke_result_t<F&>;
  auto ex = co_await asio::this_coro::executor;
  if constexpr (std::is_void_v<R>) {
    co_await asio::async_initiate<decltype(asio::use_awaitable), void(std::exception_ptr)>(
        [&pool, &f, ex](auto handler) {
          pool.post([&f, ex, handler = std::move(handler)]() mutable {
            std::exception_ptr error;
            try {
              f();
            } catch (...) {
              error = std::current_exception();
            }
            asio::post(
                ex, [handler = std::move(handler), error]() mutable { std::move(handler)(error); });
          });
        },
        asio::use_awaitable);
  } else {
    std::optional<R> result;
    co_await asio::async_initiate<decltype(asio::use_awaitable), void(std::exception_ptr)>(
        [&pool, &f, &result, ex](auto handler) {
          pool.post([&f, &result, ex, handler = std::move(handler)]() mutable {
            std::exception_ptr error;
            try {
              result.emplace(f());
            } catch (...) {
              error = std::current_exception();
            }
            asio::post(
                ex, [handler = std::move(handler), error]() mutable { std::move(handler)(error); });
          });
        },
        asio::use_awaitable);
    co_return std::move(*result);
  }
}

}  // namespace lso::http
