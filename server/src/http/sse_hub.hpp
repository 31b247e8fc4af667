// Server-Sent Events fan-out. Subscribers live on the I/O thread of their connection; a
// broadcast posts one task per I/O thread, which appends the (shared, serialized once) frame to
// each subscriber's bounded queue and wakes it. A subscriber that falls too far behind is dropped,
// so a slow client never delays the others. Heartbeat comments keep idle streams open.
#pragma once

#include <atomic>
#include <boost/asio/io_context.hpp>
#include <boost/json/value.hpp>
#include <chrono>
#include <memory>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "http/types.hpp"
#include "util/metrics_registry.hpp"

namespace lso::http {

class SseHub {
 public:
  struct Options {
    std::chrono::seconds heartbeat{15};
    std::size_t maxQueuedBytes = std::size_t{256} * 1024;
    std::chrono::milliseconds retry{3000};  // the `retry:` hint to EventSource
    std::chrono::seconds writeTimeout{30};
    // Topics starting with this each count as one followed stream in health's
    // `subscribedStreams` (the application names its per-stream topics; empty: none counted).
    std::string streamTopicPrefix;
  };
  SseHub(const std::vector<asio::io_context*>& contexts, Options options);
  ~SseHub();

  // Sends `frame` (a complete SSE event) to every subscriber of `topic`; with `closeAfter` their
  // streams end after it.
  void broadcast(const std::string& topic, const std::shared_ptr<const std::string>& frame,
                 bool closeAfter);
  // The body of one SSE response: `first` (e.g. the `state` event), then every broadcast to one of
  // `topics`, until the client goes away, a closing frame, or shutdown(). Runs on the
  // connection's I/O thread.
  asio::awaitable<void> serve(beast::tcp_stream& stream, std::vector<std::string> topics,
                              std::string first);
  // Ends every stream (graceful shutdown).
  void shutdown();

  std::size_t connections() const { return connections_.load(); }
  // Stream topics (Options::streamTopicPrefix) with at least one subscriber on this instance,
  // summed over I/O threads.
  std::size_t subscribed_streams() const;
  std::uint64_t dropped() const { return dropped_.load(); }
  // The `state` section of /health: open streams and the livestreams they follow.
  boost::json::value health() const;
  // lso_sse_connections and lso_sse_dropped_total, read when scraped.
  void register_metrics(util::MetricsRegistry& registry) const;

  // "id: n\nevent: name\ndata: json\n\n"; ids increase per hub.
  std::shared_ptr<const std::string> frame(std::string_view event, std::string_view data);

 private:
  struct Subscriber;
  struct Shard {
    asio::io_context* context = nullptr;
    std::unordered_map<std::string, std::unordered_set<Subscriber*>> byTopic;  // I/O thread only
    std::atomic<std::size_t> streamTopics{0};
  };
  Shard* shard_for(const asio::any_io_executor& ex);
  bool is_stream_topic(std::string_view topic) const {
    return !options_.streamTopicPrefix.empty() && topic.starts_with(options_.streamTopicPrefix);
  }

  Options options_;
  // False once the hub is destroyed (read by streams destroyed after it, on the same thread).
  std::shared_ptr<std::atomic<bool>> alive_ = std::make_shared<std::atomic<bool>>(true);
  std::vector<std::unique_ptr<Shard>> shards_;
  std::atomic<std::size_t> connections_{0};
  std::atomic<std::uint64_t> dropped_{0};
  std::atomic<std::uint64_t> nextId_{0};
  std::atomic<bool> stopping_{false};
};

}  // namespace lso::http
