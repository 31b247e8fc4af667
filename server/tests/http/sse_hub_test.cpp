// SseHub over real loopback sockets with small socket buffers, so frames queue as they would for a
// distant browser: a subscriber that keeps reading gets every frame whole, even frames larger than
// the queue bound; one that stops reading is dropped without holding up the others.
#include "http/sse_hub.hpp"

#include <gtest/gtest.h>
#include <poll.h>

#include <atomic>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <chrono>
#include <mutex>
#include <string>
#include <thread>

using namespace lso::http;
using asio::ip::tcp;

namespace {

constexpr const char* kTopic = "livestream:x";

class SseHubTest : public ::testing::Test {
 protected:
  struct Subscription {
    explicit Subscription(asio::io_context& io) : client(io) {}
    tcp::socket client;
    std::unique_ptr<beast::tcp_stream> server;
    std::string received;
    bool ended = false;  // serve() returned
  };

  void SetUp() override {
    SseHub::Options options;
    options.maxQueuedBytes = 64 * 1024;
    hub = std::make_unique<SseHub>(std::vector<asio::io_context*>{&io}, options);
  }
  void TearDown() override {
    hub->shutdown();
    io.poll();
    for (auto& s : subs) s->server->socket().close();
    io.poll();
  }

  Subscription& subscribe(std::string first = "event: state\ndata: {}\n\n") {
    auto s = std::make_unique<Subscription>(io);
    s->client.open(tcp::v4());
    // Small buffers (they also turn off the kernel's autotuning): a 1 MB frame cannot be taken by
    // the kernel at once, the rest waits in the hub's queue.
    s->client.set_option(asio::socket_base::receive_buffer_size(16 * 1024));
    s->client.connect(acceptor.local_endpoint());
    tcp::socket accepted = acceptor.accept();
    accepted.set_option(asio::socket_base::send_buffer_size(16 * 1024));
    s->server = std::make_unique<beast::tcp_stream>(std::move(accepted));
    s->client.non_blocking(true);
    auto* raw = s.get();
    asio::co_spawn(
        io,
        [this, raw, topics = std::vector<std::string>{kTopic},
         first = std::move(first)]() -> asio::awaitable<void> {
          co_await hub->serve(*raw->server, topics, first);
          raw->ended = true;
        },
        asio::detached);
    subs.push_back(std::move(s));
    io.poll();
    return *subs.back();
  }

  // Runs the hub and reads what `readers` were sent, until `done` or 5 s.
  template <class Done>
  bool pump(std::vector<Subscription*> readers, Done done) {
    const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(5);
    char buf[64 * 1024];
    while (!done()) {
      if (std::chrono::steady_clock::now() > until) return false;
      io.poll();
      for (auto* r : readers) {
        for (;;) {
          boost::system::error_code ec;
          const auto n = r->client.read_some(asio::buffer(buf), ec);
          if (ec) break;
          r->received.append(buf, n);
        }
      }
    }
    return true;
  }

  static std::string big(char c, std::size_t size) { return std::string(size, c); }

  asio::io_context io;
  tcp::acceptor acceptor{io, tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0)};
  std::unique_ptr<SseHub> hub;
  std::vector<std::unique_ptr<Subscription>> subs;
};

TEST_F(SseHubTest, AReaderThatKeepsUpGetsFramesLargerThanTheQueueBound) {
  auto& s = subscribe();
  ASSERT_TRUE(pump({&s}, [&] { return s.received.find("event: state") != std::string::npos; }));
  // Two 1 MB frames back to back: the second comes while the first is still being written.
  const auto a = hub->frame("viewer_count_update", big('a', 1 << 20));
  const auto b = hub->frame("viewer_count_update", big('b', 1 << 20));
  hub->broadcast(kTopic, a, false);
  hub->broadcast(kTopic, b, false);
  hub->broadcast(kTopic, hub->frame("room_ended", "{}"), true);
  // serve() returns after the closing frame (the HTTP session then closes the connection).
  ASSERT_TRUE(pump({&s}, [&] { return s.ended && s.received.ends_with("data: {}\n\n"); }))
      << "received " << s.received.size() << " bytes";
  EXPECT_NE(s.received.find(*a), std::string::npos);
  EXPECT_NE(s.received.find(*b), std::string::npos);
  EXPECT_TRUE(s.received.ends_with("event: room_ended\ndata: {}\n\n"));
  EXPECT_EQ(hub->dropped(), 0u);
}

TEST_F(SseHubTest, ASubscriberThatStopsReadingIsDroppedAndTheOthersGetEverything) {
  auto& stalled = subscribe();
  auto& reader = subscribe();
  ASSERT_TRUE(pump({&reader}, [&] { return reader.received.find("state") != std::string::npos; }));
  ASSERT_EQ(hub->connections(), 2u);
  std::string all;
  for (int i = 0; i < 20; ++i) {  // updates one after another; the reader reads each
    const auto f = hub->frame("viewer_count_update", big(static_cast<char>('a' + i), 40 * 1024));
    all += *f;
    hub->broadcast(kTopic, f, false);
    ASSERT_TRUE(pump({&reader}, [&] { return reader.received.ends_with(*f); }))
        << "update " << i << " did not reach the reader";
  }
  EXPECT_TRUE(reader.received.ends_with(all));
  ASSERT_TRUE(pump({}, [&] { return stalled.ended; })) << "the stalled subscriber was kept";
  EXPECT_EQ(hub->dropped(), 1u);
  EXPECT_EQ(hub->connections(), 1u);
  EXPECT_FALSE(reader.ended);
}

}  // namespace

namespace {

TEST_F(SseHubTest, AnUpdateDuringALargeFirstStateWaitsBehindIt) {
  // The first `state` of a big room is megabytes: it takes many sends, and an update broadcast
  // meanwhile must follow it, not land inside it.
  const std::string state = "event: state\ndata: " + big('s', 1 << 20) + "\n\n";
  auto& s = subscribe(state);
  std::mutex m;
  std::string received;
  std::atomic<bool> stop{false};
  std::thread reader([&] {  // a client reading on its own, as a browser does
    char buf[64 * 1024];
    while (!stop) {
      boost::system::error_code ec;
      const auto n = s.client.read_some(asio::buffer(buf), ec);
      if (ec) {
        // Nothing to read yet: wait until there is (at most 10 ms, to see `stop`).
        pollfd readable{s.client.native_handle(), POLLIN, 0};
        ::poll(&readable, 1, 10);
        continue;
      }
      const std::lock_guard lock(m);
      received.append(buf, n);
    }
  });
  const auto update = hub->frame("viewer_count_update", "{\"viewerCount\":7}");
  hub->broadcast(kTopic, update, false);
  const bool done = pump({}, [&] {
    const std::lock_guard lock(m);
    return received.size() >= state.size() + update->size();
  });
  stop = true;
  reader.join();
  ASSERT_TRUE(done) << "received " << received.size() << " bytes";
  const auto at = received.find(state);
  ASSERT_NE(at, std::string::npos) << "the first state arrived cut";
  EXPECT_EQ(received.substr(at + state.size()), *update);
}

}  // namespace
