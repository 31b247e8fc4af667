// SSE endpoints (live state and events of livestreams) and the bus → hub bridge. Topics:
// "livestream:<id>" carries one livestream's state events, "all" every event (the dashboard
// stream).
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/json/serialize.hpp>

#include "api/api.hpp"
#include "api/authentication.hpp"
#include "api/json_io.hpp"
#include "api/reply_cache.hpp"
#include "events/bus_message.hpp"
#include "http/offload.hpp"

namespace lso::api {

namespace json = boost::json;
using http::bhttp::verb;

namespace {

constexpr std::size_t kSnapshotLimit = 1000;

http::Reply sse_reply() {
  http::Reply r;
  r.response.result(http::bhttp::status::ok);
  r.response.set(http::bhttp::field::content_type, "text/event-stream; charset=utf-8");
  r.response.set(http::bhttp::field::cache_control, "no-cache, no-transform");
  r.response.set("X-Accel-Buffering", "no");  // nginx: do not buffer the stream
  return r;
}

// Stream bodies are built by plain functions, not lambdas inside the handler coroutines: g++ 12
// mis-moves init-captures of coroutine locals.
std::function<http::asio::awaitable<void>(http::beast::tcp_stream&)> hub_stream(http::SseHub& hub,
                                                                                std::string topic,
                                                                                std::string first) {
  return [&hub, topic = std::move(topic), first = std::move(first)](http::beast::tcp_stream& s) {
    return hub.serve(s, {topic}, first);
  };
}

std::function<http::asio::awaitable<void>(http::beast::tcp_stream&)> final_stream(
    std::string frames) {
  return [frames = std::move(frames)](http::beast::tcp_stream& s) -> http::asio::awaitable<void> {
    std::string out = "retry: 3000\n\n" + frames;
    co_await http::asio::async_write(s, http::asio::buffer(out),
                                     http::asio::as_tuple(http::asio::use_awaitable));
  };
}

// Events for the livestream's own subscribers (the dashboard stream carries lifecycle only).
bool is_livestream_event(std::string_view e) {
  return e == "room_started" || e == "viewer_count_update" || e == "room_ended" ||
         e == "chat_message" || e == "chat_message_deleted" || e == "stage_update" ||
         e == "ingest_update" || e == "recording_update";
}

}  // namespace

void connect_bus_to_hub(domain::EventBus& bus, http::SseHub& hub, ReplyCache& cache,
                        std::function<void(std::string_view)> onRevoke) {
  bus.subscribe([&hub, &cache, onRevoke = std::move(onRevoke)](std::string_view message) {
    if (message.starts_with(kRevokePrefix)) {
      if (onRevoke) onRevoke(message.substr(kRevokePrefix.size()));
      return;
    }
    auto m = events::decode_bus_message(message);
    if (!m) return;
    if (m->event.starts_with("livestream_")) cache.invalidate_all();
    auto frame = hub.frame(m->event, m->data);  // serialized once for every subscriber
    if (is_livestream_event(m->event))
      hub.broadcast(std::string(kLivestreamTopicPrefix) + std::string(m->livestreamId), frame,
                    m->event == "room_ended");
    // The dashboard stream is everyone's: unlisted and private livestreams stay out of it.
    if (m->listed) hub.broadcast("all", frame, false);
  });
}

void add_event_routes(http::Router& router, domain::LivestreamService& service, http::SseHub& hub,
                      http::BlockingPool& pool) {
  router.add(verb::get, "/api/v1/livestreams/:id/events",
             [&](http::Request& req) -> http::asio::awaitable<http::Reply> {
               const auto& principal = principal_of(req);
               auto viewed = co_await http::offload(
                   pool, [&] { return service.state(principal, req.param("id")); });
               const auto& state = viewed.value;
               // The view every pushed event of this stream carries (see the broadcaster).
               const auto data = json::serialize(to_json(state, service.permissions().open));
               auto reply = sse_reply();
               std::string first = *hub.frame("state", data);
               if (state.status == domain::LivestreamStatus::Ended ||
                   state.status == domain::LivestreamStatus::Error) {
                 // Nothing more will happen: the state, the end, and the stream closes.
                 first += *hub.frame("room_ended", data);
                 reply.stream = final_stream(std::move(first));
                 co_return reply;
               }
               reply.stream = hub_stream(hub, std::string(kLivestreamTopicPrefix) + state.streamId,
                                         std::move(first));
               co_return reply;
             });

  router.add(
      verb::get, "/api/v1/events", [&](http::Request& req) -> http::asio::awaitable<http::Reply> {
        domain::require(service.permissions(), domain::actor_of(principal_of(req)),
                        domain::Action::ListLivestreams);
        auto states =
            co_await http::offload(pool, [&] { return service.live_states(kSnapshotLimit); });
        json::array streams;
        for (const auto& s : states) streams.push_back(to_json(s, service.permissions().open));
        auto reply = sse_reply();
        reply.stream = hub_stream(
            hub, "all",
            *hub.frame("snapshot", json::serialize(json::object{{"streams", std::move(streams)}})));
        co_return reply;
      });
}

}  // namespace lso::api
