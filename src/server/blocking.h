// Bridges between coroutines on I/O threads and blocking or callback-based work.
//
//  RunBlocking(pool, f): runs f() on `pool` and resumes the coroutine on its own executor.
//  AwaitCallback<T>(start): start(cb) kicks off work that later calls cb(T) from any thread;
//  the coroutine resumes on its own executor.
#pragma once

#include <boost/asio/async_result.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/associated_executor.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/thread_pool.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <functional>
#include <memory>
#include <optional>
#include <type_traits>

namespace lingxi::server {

// Not coroutines themselves: each returns the awaitable produced by async_initiate, so no
// lambda temporaries live inside a nested co_await (GCC 12 double-destroys those).
template <typename T, typename Start>
boost::asio::awaitable<T> AwaitCallback(Start start) {
  namespace asio = boost::asio;
  return asio::async_initiate<const asio::use_awaitable_t<>&, void(T)>(
      [](auto handler, Start start) {
        using H = decltype(handler);
        // The handler is move-only; park it in a shared slot so the callback can be a std::function.
        auto slot = std::make_shared<std::optional<H>>(std::move(handler));
        std::function<void(T)> cb = [slot](T value) {
          auto ex = asio::get_associated_executor(**slot);
          asio::post(ex, [slot, v = std::make_shared<T>(std::move(value))]() mutable {
            H h = std::move(**slot);
            slot->reset();
            std::move(h)(std::move(*v));
          });
        };
        start(std::move(cb));
      },
      asio::use_awaitable, std::move(start));
}

template <typename F>
boost::asio::awaitable<std::invoke_result_t<F>> RunBlocking(boost::asio::thread_pool& pool, F f) {
  using R = std::invoke_result_t<F>;
  boost::asio::thread_pool* p = &pool;
  auto start = [p, f = std::move(f)](std::function<void(R)> cb) mutable {
    boost::asio::post(*p, [f = std::move(f), cb = std::move(cb)]() mutable { cb(f()); });
  };
  return AwaitCallback<R>(std::move(start));
}

}  // namespace lingxi::server
