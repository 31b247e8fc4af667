// The Twirp protocol of LiveKit's RoomService: request bodies, service-token grants, response
// reading and error mapping. Transport lives in http_client.cpp.
#include "livekit/twirp_client.hpp"

#include <array>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <boost/url/parse.hpp>

#include "domain/errors.hpp"
#include "livekit/protojson.hpp"

namespace lso::livekit {
namespace json = boost::json;

namespace {

enum Method : std::size_t {
  kCreateRoom,
  kDeleteRoom,
  kListRooms,
  kListParticipants,
  kRemoveParticipant,
  kMutePublishedTrack,
  kUpdateParticipant,
  kMethodCount
};
constexpr std::array<std::string_view, kMethodCount> kMethodNames = {
    "CreateRoom",        "DeleteRoom",         "ListRooms",        "ListParticipants",
    "RemoveParticipant", "MutePublishedTrack", "UpdateParticipant"};

// Twirp's rule for error responses without a Twirp JSON body (a proxy or load balancer answered):
// the code follows from the HTTP status.
std::string code_from_status(unsigned status) {
  switch (status) {
    case 400: return "internal";
    case 401: return "unauthenticated";
    case 403: return "permission_denied";
    case 404: return "bad_route";
    case 429:
    case 502:
    case 503:
    case 504: return "unavailable";
    default: return "unknown";
  }
}

}  // namespace

std::string http_url_from_livekit_url(std::string_view livekitUrl) {
  const auto bad = [&](const std::string& why) -> domain::AppError {
    return domain::AppError(domain::ErrorKind::Validation,
                            "LIVEKIT_URL " + why + ": '" + std::string(livekitUrl) + "'");
  };
  const auto parsed = boost::urls::parse_absolute_uri(livekitUrl);
  if (!parsed) {
    throw bad("is not an absolute URL");
  }
  const boost::urls::url_view& u = *parsed;
  std::string scheme;  // scheme_id compares case-insensitively, as URL schemes are
  if (u.scheme_id() == boost::urls::scheme::ws || u.scheme_id() == boost::urls::scheme::http) {
    scheme = "http";
  } else if (u.scheme_id() == boost::urls::scheme::wss ||
             u.scheme_id() == boost::urls::scheme::https) {
    scheme = "https";
  } else {
    throw bad("must use ws://, wss://, http:// or https://");
  }
  if (u.encoded_host().empty()) {
    throw bad("has no host");
  }
  if (u.has_userinfo() || u.has_query() || u.has_fragment()) {
    throw bad("must not carry credentials, a query or a fragment");
  }
  std::string out =
      scheme + "://" + std::string(u.encoded_host_and_port()) + std::string(u.encoded_path());
  while (out.back() == '/') {
    out.pop_back();
  }
  return out;
}

TwirpChannel::TwirpChannel(std::string_view livekitUrl, std::string service,
                           const AccessTokenIssuer& tokens, HttpClientOptions options,
                           std::span<const std::string_view> methods)
    : service_(std::move(service)),
      tokens_(tokens),
      http_(http_url_from_livekit_url(livekitUrl), std::move(options)),
      stats_(std::make_unique<TwirpCallStats[]>(methods.size())),
      methodCount_(methods.size()) {
  for (std::size_t i = 0; i < methods.size(); ++i) stats_[i].method = methods[i];
}

TwirpChannel::~TwirpChannel() = default;

std::span<const TwirpCallStats> TwirpChannel::stats() const noexcept {
  return {stats_.get(), methodCount_};
}

json::object TwirpChannel::call(std::size_t method, const json::object& body,
                                const ServiceGrant& grant) {
  TwirpCallStats& counters = stats_[method];
  counters.calls.fetch_add(1, std::memory_order_relaxed);
  const auto started = std::chrono::steady_clock::now();
  const auto record = [&](bool failed) {
    const auto micros = std::chrono::duration_cast<std::chrono::microseconds>(
        std::chrono::steady_clock::now() - started);
    counters.totalMicros.fetch_add(static_cast<std::uint64_t>(micros.count()),
                                   std::memory_order_relaxed);
    if (failed) {
      counters.errors.fetch_add(1, std::memory_order_relaxed);
    }
  };
  try {
    json::object result = exchange(counters.method, body, grant);
    record(false);
    return result;
  } catch (...) {
    record(true);
    throw;
  }
}

domain::LiveKitError TwirpChannel::malformed(std::size_t method, const protojson::ShapeError& e) {
  stats_[method].errors.fetch_add(1, std::memory_order_relaxed);
  return domain::LiveKitError("malformed_response", 200,
                              "LiveKit " + std::string(stats_[method].method) +
                                  " failed: unexpected response: " + e.what());
}

json::object TwirpChannel::exchange(std::string_view name, const json::object& body,
                                    const ServiceGrant& grant) {
  const std::string failed = "LiveKit " + std::string(name) + " failed: ";
  HttpResponse res;
  try {
    res = http_.post("/twirp/" + service_ + "/" + std::string(name), "application/json",
                     "Bearer " + tokens_.service_token(grant), json::serialize(body));
  } catch (const HttpTransportError& e) {
    throw domain::LiveKitError("unavailable", 0, failed + e.what());
  }

  json::error_code ec;
  json::value doc = res.body.empty() ? json::value(json::object()) : json::parse(res.body, ec);
  if (res.status < 200 || res.status >= 300) {
    std::string code;
    std::string msg;
    if (!ec && doc.is_object()) {
      try {
        code = protojson::get_string(doc.get_object(), "code");
        msg = protojson::get_string(doc.get_object(), "msg");
      } catch (const protojson::ShapeError&) {
        // Not a Twirp error body after all: fall back to the status below.
      }
    }
    if (code.empty()) {
      code = code_from_status(res.status);
    }
    if (msg.empty()) {
      msg = "HTTP " + std::to_string(res.status) + " (" + code + ")";
    }
    throw domain::LiveKitError(std::move(code), static_cast<int>(res.status), failed + msg);
  }
  if (ec || !doc.is_object()) {
    throw domain::LiveKitError("malformed_response", static_cast<int>(res.status),
                               failed + "response is not a JSON object");
  }
  return std::move(doc.get_object());
}

TwirpRoomService::TwirpRoomService(std::string_view livekitUrl, const AccessTokenIssuer& tokens,
                                   HttpClientOptions options)
    : channel_(livekitUrl, "livekit.RoomService", tokens, std::move(options), kMethodNames) {}

TwirpRoomService::~TwirpRoomService() = default;

std::span<const TwirpCallStats> TwirpRoomService::stats() const noexcept {
  return channel_.stats();
}

domain::Room TwirpRoomService::create_room(const domain::RoomOptions& options) {
  json::object body;
  body.emplace("name", options.name);
  body.emplace("emptyTimeout", options.emptyTimeout);
  body.emplace("maxParticipants", options.maxParticipants);
  if (!options.metadata.empty()) {
    body.emplace("metadata", options.metadata);
  }
  const json::object res = channel_.call(kCreateRoom, body, ServiceGrant::room_create());
  return channel_.read(kCreateRoom, [&] { return protojson::read_room(res); });
}

void TwirpRoomService::delete_room(const std::string& room) {
  channel_.call(kDeleteRoom, json::object{{"room", room}}, ServiceGrant::room_create());
}

std::vector<domain::Room> TwirpRoomService::list_rooms(const std::vector<std::string>& names) {
  json::object body;
  if (!names.empty()) {
    json::array list;
    list.reserve(names.size());
    for (const auto& n : names) {
      list.emplace_back(n);
    }
    body.emplace("names", std::move(list));
  }
  const json::object res = channel_.call(kListRooms, body, ServiceGrant::room_list());
  return channel_.read(kListRooms, [&] {
    std::vector<domain::Room> rooms;
    for (const json::object* o : protojson::get_objects(res, "rooms")) {
      rooms.push_back(protojson::read_room(*o));
    }
    return rooms;
  });
}

std::vector<domain::RoomParticipant> TwirpRoomService::list_participants(const std::string& room) {
  const json::object res = channel_.call(kListParticipants, json::object{{"room", room}},
                                         ServiceGrant::room_admin(room));
  return channel_.read(kListParticipants, [&] {
    std::vector<domain::RoomParticipant> participants;
    for (const json::object* o : protojson::get_objects(res, "participants")) {
      participants.push_back(protojson::read_participant(*o));
    }
    return participants;
  });
}

void TwirpRoomService::remove_participant(const std::string& room, const std::string& identity) {
  channel_.call(kRemoveParticipant, json::object{{"room", room}, {"identity", identity}},
                ServiceGrant::room_admin(room));
}

void TwirpRoomService::mute_published_track(const std::string& room, const std::string& identity,
                                            const std::string& trackSid, bool muted) {
  channel_.call(
      kMutePublishedTrack,
      json::object{
          {"room", room}, {"identity", identity}, {"trackSid", trackSid}, {"muted", muted}},
      ServiceGrant::room_admin(room));
}

void TwirpRoomService::set_participant_can_publish(const std::string& room,
                                                   const std::string& identity, bool canPublish) {
  // The permission replaces the participant's whole permission: state every field a viewer and a
  // co-host differ in, and keep subscribing.
  json::object permission{
      {"canSubscribe", true}, {"canPublish", canPublish}, {"canPublishData", canPublish}};
  channel_.call(kUpdateParticipant,
                json::object{{"room", room}, {"identity", identity}, {"permission", permission}},
                ServiceGrant::room_admin(room));
}

void register_metrics(util::MetricsRegistry& registry,
                      std::vector<std::span<const TwirpCallStats>> channels) {
  registry.add([channels = std::move(channels)](util::MetricsWriter& w) {
    using util::MetricType;
    w.family("lso_livekit_requests_total", MetricType::Counter,
             "LiveKit server API calls by method");
    for (const auto& stats : channels)
      for (const auto& st : stats) w.sample(st.calls.load(), {{"method", st.method}});
    w.family("lso_livekit_errors_total", MetricType::Counter,
             "failed LiveKit server API calls by method");
    for (const auto& stats : channels)
      for (const auto& st : stats) w.sample(st.errors.load(), {{"method", st.method}});
    w.family("lso_livekit_request_seconds_total", MetricType::Counter,
             "time spent in LiveKit calls by method");
    for (const auto& stats : channels)
      for (const auto& st : stats)
        w.sample(static_cast<double>(st.totalMicros.load()) / 1e6, {{"method", st.method}});
  });
}

}  // namespace lso::livekit
