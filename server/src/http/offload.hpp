// Runs blocking work (database, LiveKit calls) on the blocking pool and resumes the calling
// coroutine on its own I/O thread with the result or the exception. I/O threads never block.
#pragma once

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/thread_pool.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <type_traits>
#include <utility>

#include "http/types.hpp"

namespace lso::http {

template <class F>
auto offload(asio::thread_pool& pool, F f) -> asio::awaitable<std::invoke_result_t<F&>> {
  using R = std::invoke_result_t<F&>;
  co_return co_await asio::co_spawn(
      pool, [f = std::move(f)]() mutable -> asio::awaitable<R> { co_return f(); }, asio::use_awaitable);
}

}  // namespace lso::http
