// LiveKit Ingress and Egress over Twirp (LIVEKIT.md, "Ingress and Egress"): the IngressService
// and EgressService ports of the domain, on the same keep-alive transport as the RoomService.
#pragma once

#include <span>
#include <string_view>

#include "domain/livekit.hpp"
#include "livekit/twirp_client.hpp"

namespace lso::livekit {

// livekit.Ingress: CreateIngress, UpdateIngress, ListIngress, DeleteIngress; every call carries a
// service token with `ingressAdmin`. (UpdateIngress is here for completeness of the service; the
// use cases replace an ingress instead, so that a key reset kills the old key.)
class TwirpIngressService final : public domain::IngressService {
 public:
  TwirpIngressService(std::string_view livekitUrl, const AccessTokenIssuer& tokens,
                      HttpClientOptions options = {});
  domain::IngressInfo create_ingress(const domain::IngressOptions& options) override;
  void delete_ingress(const std::string& ingressId) override;
  // Renames the ingress or moves it to another room / identity (empty fields stay as they are).
  domain::IngressInfo update_ingress(const std::string& ingressId,
                                     const domain::IngressOptions& changes);
  std::vector<domain::IngressInfo> list_ingress(const std::string& roomName,
                                                const std::string& ingressId) override;
  std::span<const TwirpCallStats> stats() const noexcept { return channel_.stats(); }

 private:
  TwirpChannel channel_;
};

// livekit.Egress: StartRoomCompositeEgress, StopEgress, ListEgress, UpdateLayout; every call
// carries a service token with `roomRecord`.
class TwirpEgressService final : public domain::EgressService {
 public:
  TwirpEgressService(std::string_view livekitUrl, const AccessTokenIssuer& tokens,
                     HttpClientOptions options = {});
  domain::EgressInfo start_room_composite_egress(const domain::EgressRequest& request) override;
  domain::EgressInfo stop_egress(const std::string& egressId) override;
  // The layout of a running room composite ("grid", "speaker", "single-speaker", …).
  domain::EgressInfo update_layout(const std::string& egressId, const std::string& layout);
  std::vector<domain::EgressInfo> list_egress(const std::string& roomName, bool active) override;
  std::span<const TwirpCallStats> stats() const noexcept { return channel_.stats(); }

 private:
  TwirpChannel channel_;
};

}  // namespace lso::livekit
