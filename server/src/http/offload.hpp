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

// Blocking tasks running right now (all pools): what the metrics report as database pool use.
inline std::atomic<std::int64_t> g_blocking_in_flight{0};

// lso_db_pool_connections (the configured pool size) and lso_db_pool_in_use, read when scraped.
inline void register_pool_metrics(util::MetricsRegistry& registry, int poolSize) {
  registry.add([poolSize](util::MetricsWriter& w) {
    w.family("lso_db_pool_connections", util::MetricType::Gauge, "database pool size");
    w.sample(std::int64_t{poolSize});
    w.family("lso_db_pool_in_use", util::MetricType::Gauge,
             "blocking database/LiveKit tasks running now");
    w.sample(g_blocking_in_flight.load());
  });
}

// `f` stays in this coroutine's frame, which is suspended until the work completes, so the pool
// thread calls it by reference: nothing the caller captured is moved or copied across threads.
// (Callers capture by reference too: g++ 12 mis-moves init-captures of coroutine locals.)
template <class F>
auto offload(asio::thread_pool& pool, F f) -> asio::awaitable<std::invoke_result_t<F&>> {
  using R = std::invoke_result_t<F&>;
  auto ex = co_await asio::this_coro::executor;
  if constexpr (std::is_void_v<R>) {
    co_await asio::async_initiate<decltype(asio::use_awaitable), void(std::exception_ptr)>(
        [&pool, &f, ex](auto handler) {
          asio::post(pool, [&f, ex, handler = std::move(handler)]() mutable {
            std::exception_ptr error;
            ++g_blocking_in_flight;
            try {
              f();
            } catch (...) {
              error = std::current_exception();
            }
            --g_blocking_in_flight;
            asio::post(
                ex, [handler = std::move(handler), error]() mutable { std::move(handler)(error); });
          });
        },
        asio::use_awaitable);
  } else {
    std::optional<R> result;
    co_await asio::async_initiate<decltype(asio::use_awaitable), void(std::exception_ptr)>(
        [&pool, &f, &result, ex](auto handler) {
          asio::post(pool, [&f, &result, ex, handler = std::move(handler)]() mutable {
            std::exception_ptr error;
            ++g_blocking_in_flight;
            try {
              result.emplace(f());
            } catch (...) {
              error = std::current_exception();
            }
            --g_blocking_in_flight;
            asio::post(
                ex, [handler = std::move(handler), error]() mutable { std::move(handler)(error); });
          });
        },
        asio::use_awaitable);
    co_return std::move(*result);
  }
}

}  // namespace lso::http
