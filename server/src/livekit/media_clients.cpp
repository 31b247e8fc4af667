// Request bodies and response reading of livekit.Ingress and livekit.Egress. Requests use the
// protobuf JSON names LiveKit's server parses (camelCase, as the official SDKs send); responses
// are read in both spellings by protojson.
#include "livekit/media_clients.hpp"

#include <array>
#include <boost/json/array.hpp>

namespace lso::livekit {
namespace json = boost::json;

namespace {

enum IngressMethod : std::size_t {
  kCreateIngress,
  kUpdateIngress,
  kListIngress,
  kDeleteIngress,
  kIngressCount
};
constexpr std::array<std::string_view, kIngressCount> kIngressMethods = {
    "CreateIngress", "UpdateIngress", "ListIngress", "DeleteIngress"};

enum EgressMethod : std::size_t {
  kStartRoomComposite,
  kStopEgress,
  kListEgress,
  kUpdateLayout,
  kEgressCount
};
constexpr std::array<std::string_view, kEgressCount> kEgressMethods = {
    "StartRoomCompositeEgress", "StopEgress", "ListEgress", "UpdateLayout"};

json::object s3_upload(const domain::S3Storage& s3) {
  json::object o{{"bucket", s3.bucket}};
  if (!s3.region.empty()) o.emplace("region", s3.region);
  if (!s3.endpoint.empty()) o.emplace("endpoint", s3.endpoint);
  if (!s3.accessKey.empty()) o.emplace("accessKey", s3.accessKey);
  if (!s3.secret.empty()) o.emplace("secret", s3.secret);
  if (s3.forcePathStyle) o.emplace("forcePathStyle", true);
  return o;
}

}  // namespace

TwirpIngressService::TwirpIngressService(std::string_view livekitUrl,
                                         const AccessTokenIssuer& tokens, HttpClientOptions options)
    : channel_(livekitUrl, "livekit.Ingress", tokens, std::move(options), kIngressMethods) {}

domain::IngressInfo TwirpIngressService::create_ingress(const domain::IngressOptions& options) {
  json::object body{
      {"inputType", options.input == domain::IngressInput::Whip ? "WHIP_INPUT" : "RTMP_INPUT"},
      {"name", options.name},
      {"roomName", options.roomName},
      {"participantIdentity", options.participantIdentity},
      {"participantName", options.participantName}};
  // WHIP may forward the encoder's tracks untouched (no transcoding); RTMP must be transcoded.
  if (options.input == domain::IngressInput::Whip) body.emplace("enableTranscoding", false);
  const auto res = channel_.call(kCreateIngress, body, ServiceGrant::ingress_admin());
  return channel_.read(kCreateIngress, [&] { return protojson::read_ingress(res); });
}

void TwirpIngressService::delete_ingress(const std::string& ingressId) {
  channel_.call(kDeleteIngress, json::object{{"ingressId", ingressId}},
                ServiceGrant::ingress_admin());
}

domain::IngressInfo TwirpIngressService::update_ingress(const std::string& ingressId,
                                                        const domain::IngressOptions& changes) {
  json::object body{{"ingressId", ingressId}};
  if (!changes.name.empty()) body.emplace("name", changes.name);
  if (!changes.roomName.empty()) body.emplace("roomName", changes.roomName);
  if (!changes.participantIdentity.empty())
    body.emplace("participantIdentity", changes.participantIdentity);
  if (!changes.participantName.empty()) body.emplace("participantName", changes.participantName);
  const auto res = channel_.call(kUpdateIngress, body, ServiceGrant::ingress_admin());
  return channel_.read(kUpdateIngress, [&] { return protojson::read_ingress(res); });
}

std::vector<domain::IngressInfo> TwirpIngressService::list_ingress(const std::string& roomName,
                                                                   const std::string& ingressId) {
  json::object body;
  if (!roomName.empty()) body.emplace("roomName", roomName);
  if (!ingressId.empty()) body.emplace("ingressId", ingressId);
  const auto res = channel_.call(kListIngress, body, ServiceGrant::ingress_admin());
  return channel_.read(kListIngress, [&] {
    std::vector<domain::IngressInfo> out;
    for (const json::object* o : protojson::get_objects(res, "items")) {
      out.push_back(protojson::read_ingress(*o));
    }
    return out;
  });
}

TwirpEgressService::TwirpEgressService(std::string_view livekitUrl, const AccessTokenIssuer& tokens,
                                       HttpClientOptions options)
    : channel_(livekitUrl, "livekit.Egress", tokens, std::move(options), kEgressMethods) {}

domain::EgressInfo TwirpEgressService::start_room_composite_egress(
    const domain::EgressRequest& request) {
  json::object body{{"roomName", request.roomName}};
  if (!request.layout.empty()) body.emplace("layout", request.layout);
  const bool s3 = !request.s3.bucket.empty();
  if (request.file) {
    json::object file{{"fileType", "MP4"}, {"filepath", request.filepath}};
    if (s3) file.emplace("s3", s3_upload(request.s3));
    body.emplace("fileOutputs", json::array{std::move(file)});
  }
  if (request.segments) {
    json::object seg{{"protocol", "HLS_PROTOCOL"},
                     {"filenamePrefix", request.playlistName},
                     {"playlistName", request.playlistName + ".m3u8"}};
    if (s3) seg.emplace("s3", s3_upload(request.s3));
    body.emplace("segmentOutputs", json::array{std::move(seg)});
  }
  const auto res = channel_.call(kStartRoomComposite, body, ServiceGrant::room_record());
  return channel_.read(kStartRoomComposite, [&] { return protojson::read_egress(res); });
}

domain::EgressInfo TwirpEgressService::stop_egress(const std::string& egressId) {
  const auto res =
      channel_.call(kStopEgress, json::object{{"egressId", egressId}}, ServiceGrant::room_record());
  return channel_.read(kStopEgress, [&] { return protojson::read_egress(res); });
}

domain::EgressInfo TwirpEgressService::update_layout(const std::string& egressId,
                                                     const std::string& layout) {
  const auto res =
      channel_.call(kUpdateLayout, json::object{{"egressId", egressId}, {"layout", layout}},
                    ServiceGrant::room_record());
  return channel_.read(kUpdateLayout, [&] { return protojson::read_egress(res); });
}

std::vector<domain::EgressInfo> TwirpEgressService::list_egress(const std::string& roomName,
                                                                bool active) {
  json::object body;
  if (!roomName.empty()) body.emplace("roomName", roomName);
  if (active) body.emplace("active", true);
  const auto res = channel_.call(kListEgress, body, ServiceGrant::room_record());
  return channel_.read(kListEgress, [&] {
    std::vector<domain::EgressInfo> out;
    for (const json::object* o : protojson::get_objects(res, "items")) {
      out.push_back(protojson::read_egress(*o));
    }
    return out;
  });
}

}  // namespace lso::livekit
