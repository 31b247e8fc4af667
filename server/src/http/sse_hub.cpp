// SSE hub: per-I/O-thread subscriber sets, bounded queues, one writer coroutine per stream.
#include "http/sse_hub.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/json/object.hpp>
#include <utility>

namespace lso::http {

constexpr auto use_tuple = asio::as_tuple(asio::use_awaitable);

struct SseHub::Subscriber {
  explicit Subscriber(beast::tcp_stream& s) : stream(s), wake(s.get_executor()) {}
  beast::tcp_stream& stream;
  asio::steady_timer wake;
  std::vector<std::shared_ptr<const std::string>> queue;
  std::size_t queuedBytes = 0;
  std::size_t largestQueued = 0;  // the largest frame in `queue` (not the write in flight)
  bool closeAfter = false;
  bool dropped = false;
  bool writing = false;  // the coroutine has an async_write in flight
};

SseHub::SseHub(const std::vector<asio::io_context*>& contexts, Options options)
    : options_(std::move(options)) {
  for (auto* c : contexts) {
    auto s = std::make_unique<Shard>();
    s->context = c;
    shards_.push_back(std::move(s));
  }
}

// Streams still suspended when the I/O threads stopped are destroyed with their io_context, after
// this hub: their clean-up must then leave the hub's (freed) shards alone.
SseHub::~SseHub() {
  *alive_ = false;
}

SseHub::Shard* SseHub::shard_for(const asio::any_io_executor& ex) {
  auto& ctx = asio::query(ex, asio::execution::context);
  for (auto& s : shards_)
    if (static_cast<asio::execution_context*>(s->context) == &ctx) return s.get();
  return nullptr;
}

std::shared_ptr<const std::string> SseHub::frame(std::string_view event, std::string_view data) {
  return std::make_shared<const std::string>(
      fmt::format("id: {}\nevent: {}\ndata: {}\n\n", ++nextId_, event, data));
}

std::size_t SseHub::subscribed_streams() const {
  std::size_t n = 0;
  for (const auto& s : shards_) n += s->streamTopics.load();
  return n;
}

boost::json::value SseHub::health() const {
  return boost::json::value(boost::json::object{{"status", "up"},
                                                {"activeConnections", connections()},
                                                {"subscribedStreams", subscribed_streams()}});
}

void SseHub::register_metrics(util::MetricsRegistry& registry) const {
  registry.add([this](util::MetricsWriter& w) {
    w.family("lso_sse_connections", util::MetricType::Gauge, "open Server-Sent Events streams");
    w.sample(connections());
    w.family("lso_sse_dropped_total", util::MetricType::Counter,
             "SSE clients dropped for falling behind");
    w.sample(dropped());
  });
}

void SseHub::broadcast(const std::string& topic, const std::shared_ptr<const std::string>& frame,
                       bool closeAfter) {
  for (auto& shard : shards_) {
    asio::post(*shard->context, [this, s = shard.get(), topic, frame, closeAfter] {
      auto it = s->byTopic.find(topic);
      if (it == s->byTopic.end()) return;
      for (Subscriber* sub : it->second) {
        if (sub->dropped) continue;
        if (!sub->writing && sub->queue.empty()) {
          // Fast path: an idle subscriber gets the frame with one non-blocking send, right here,
          // without resuming its coroutine; only the rest of a short write is queued.
          boost::system::error_code ec;
          const auto n = sub->stream.socket().write_some(asio::buffer(*frame), ec);
          if (!ec && n == frame->size()) {
            if (closeAfter) {
              sub->closeAfter = true;
              sub->wake.cancel();
            }
            continue;
          }
          if (ec && ec != asio::error::would_block && ec != asio::error::try_again) {
            sub->dropped = true;
            sub->wake.cancel();
            continue;
          }
          auto rest = n == 0 ? frame : std::make_shared<const std::string>(frame->substr(n));
          sub->queue.push_back(std::move(rest));
          sub->queuedBytes += sub->queue.back()->size();
          sub->largestQueued = frame->size();
          if (closeAfter) sub->closeAfter = true;
          sub->wake.cancel();
          continue;
        }
        sub->queuedBytes += frame->size();
        sub->largestQueued = std::max(sub->largestQueued, frame->size());
        // Too far behind: drop it rather than buffer without bound or slow the others. The bound
        // is two frames when frames are larger than maxQueuedBytes (the state of a room of 100k
        // viewers lists them all, ~2 MB): a subscriber reading at full speed still has the last
        // frame's rest queued when the next one comes, and must not be dropped for it.
        if (sub->queuedBytes > std::max(options_.maxQueuedBytes, 2 * sub->largestQueued)) {
          sub->dropped = true;
          ++dropped_;
          boost::system::error_code ec;
          sub->stream.socket().cancel(ec);
        } else {
          sub->queue.push_back(frame);
          if (closeAfter) sub->closeAfter = true;
        }
        sub->wake.cancel();
      }
    });
  }
}

void SseHub::shutdown() {
  stopping_ = true;
  for (auto& shard : shards_) {
    asio::post(*shard->context, [s = shard.get()] {
      for (auto& [topic, subs] : s->byTopic)
        for (Subscriber* sub : subs) sub->wake.cancel();
    });
  }
}

asio::awaitable<void> SseHub::serve(beast::tcp_stream& stream, std::vector<std::string> topics,
                                    std::string first) {
  Shard* shard = shard_for(stream.get_executor());
  if (!shard) co_return;
  Subscriber sub(stream);
  for (const auto& t : topics) {
    auto& set = shard->byTopic[t];
    if (set.empty() && is_stream_topic(t)) ++shard->streamTopics;
    set.insert(&sub);
  }
  ++connections_;
  struct Unregister {
    std::shared_ptr<const std::atomic<bool>> hubAlive;
    const SseHub& hub;
    Shard* shard;
    Subscriber* sub;
    const std::vector<std::string>& topics;
    std::atomic<std::size_t>& connections;
    ~Unregister() {
      if (!*hubAlive) return;
      for (const auto& t : topics) {
        auto it = shard->byTopic.find(t);
        if (it == shard->byTopic.end()) continue;
        it->second.erase(sub);
        if (it->second.empty()) {
          if (hub.is_stream_topic(t)) --shard->streamTopics;
          shard->byTopic.erase(it);
        }
      }
      --connections;
    }
  } unregister{alive_, *this, shard, &sub, topics, connections_};

  // Non-blocking, so a broadcast can send to an idle subscriber directly (see broadcast()).
  boost::system::error_code nbec;
  stream.socket().non_blocking(true, nbec);
  std::string hello = fmt::format("retry: {}\n\n", options_.retry.count());
  hello += first;
  stream.expires_after(options_.writeTimeout);
  // Broadcasts during this write queue behind it (a large first state takes several sends).
  sub.writing = true;
  auto [ec0, n0] = co_await asio::async_write(stream, asio::buffer(hello), use_tuple);
  sub.writing = false;
  if (ec0) co_return;
  hello = std::string();  // idle connections hold no more than they must

  static const std::string heartbeat = ": heartbeat\n\n";
  while (!sub.dropped && !stopping_) {
    if (sub.closeAfter && sub.queue.empty()) break;  // the closing frame went out directly
    if (!sub.queue.empty()) {
      auto batch = std::move(sub.queue);
      sub.queue = {};
      sub.queuedBytes = 0;  // what is in flight is not counted: it is the kernel's now
      sub.largestQueued = 0;
      const bool last = sub.closeAfter;
      std::vector<asio::const_buffer> buffers;
      buffers.reserve(batch.size());
      for (const auto& f : batch) buffers.emplace_back(asio::buffer(*f));
      stream.expires_after(options_.writeTimeout);
      sub.writing = true;
      auto [ec, n] = co_await asio::async_write(stream, buffers, use_tuple);
      sub.writing = false;
      if (ec || last) break;
      continue;
    }
    sub.wake.expires_after(options_.heartbeat);
    auto [wec] = co_await sub.wake.async_wait(use_tuple);
    if (wec == asio::error::operation_aborted || stopping_ || sub.dropped) continue;
    stream.expires_after(options_.writeTimeout);
    sub.writing = true;
    auto [hec, hn] = co_await asio::async_write(stream, asio::buffer(heartbeat), use_tuple);
    sub.writing = false;
    if (hec) break;
  }
  stream.expires_never();
}

}  // namespace lso::http
