// Webhook body parsing on top of the shared protobuf-JSON readers.
#include "livekit/webhook_event.hpp"

#include <boost/json/parse.hpp>

#include "domain/errors.hpp"
#include "livekit/protojson.hpp"

namespace lso::livekit {
namespace {

[[noreturn]] void invalid(const std::string& why) {
  throw domain::AppError(domain::ErrorKind::Validation, "invalid webhook event: " + why);
}

}  // namespace

WebhookEvent parse_webhook_event(std::string_view body) {
  boost::system::error_code ec;
  const boost::json::value doc = boost::json::parse(body, ec);
  if (ec) {
    invalid("malformed JSON (" + ec.message() + ")");
  }
  return read_webhook_event(doc);
}

WebhookEvent read_webhook_event(const boost::json::value& doc) {
  if (!doc.is_object()) {
    invalid("body is not a JSON object");
  }
  const boost::json::object& o = doc.get_object();

  WebhookEvent out;
  try {
    out.event = protojson::get_string(o, "event");
    out.id = protojson::get_string(o, "id");
    out.createdAt = protojson::get_int64(o, "createdAt", "created_at");
    if (const auto* room = protojson::get_object(o, "room")) {
      out.room = protojson::read_room(*room);
    }
    if (const auto* p = protojson::get_object(o, "participant")) {
      out.participant = protojson::read_participant(*p);
    }
    if (const auto* info = protojson::get_object(o, "ingressInfo", "ingress_info")) {
      out.ingress = protojson::read_ingress(*info);
    }
    if (const auto* info = protojson::get_object(o, "egressInfo", "egress_info")) {
      out.egress = protojson::read_egress(*info);
    }
    // Ingress and egress events name their room inside the info: the room they act on, which
    // the worker locks like any other event's.
    if (!out.room) {
      const std::string room = out.egress    ? out.egress->roomName
                               : out.ingress ? out.ingress->roomName
                                             : std::string();
      if (!room.empty()) {
        domain::Room r;
        r.name = room;
        if (out.egress) r.sid = out.egress->roomId;
        out.room = std::move(r);
      }
    }
  } catch (const protojson::ShapeError& e) {
    invalid(e.what());
  }
  if (out.event.empty()) {
    invalid("missing \"event\"");
  }
  if (out.id.empty()) {
    invalid("missing \"id\"");
  }
  return out;
}

}  // namespace lso::livekit
