// Webhook body parsing: both JSON spellings, 64-bit values as strings or numbers, bad input.
#include "livekit/webhook_event.hpp"

#include <gtest/gtest.h>

#include "domain/errors.hpp"

namespace lso::livekit {
namespace {

TEST(WebhookEvent, ParsesCamelCaseAsTheSdkSendsIt) {
  const WebhookEvent e = parse_webhook_event(
      R"({"event":"participant_joined","room":{"sid":"RM_1","name":"r","emptyTimeout":600,)"
      R"("maxParticipants":100,"creationTime":"1700000000","numParticipants":1},"participant":)"
      R"({"sid":"PA_1","identity":"u1","state":"JOINED","joinedAt":"1700000001","name":"U"},)"
      R"("id":"EV_x","createdAt":"1700000002"})");
  EXPECT_EQ(e.event, "participant_joined");
  EXPECT_EQ(e.id, "EV_x");
  EXPECT_EQ(e.createdAt, 1700000002);
  ASSERT_TRUE(e.room);
  EXPECT_EQ(e.room->sid, "RM_1");
  EXPECT_EQ(e.room->name, "r");
  EXPECT_EQ(e.room->emptyTimeout, 600);
  EXPECT_EQ(e.room->maxParticipants, 100);
  EXPECT_EQ(e.room->creationTime, 1700000000);
  EXPECT_EQ(e.room->numParticipants, 1);
  ASSERT_TRUE(e.participant);
  EXPECT_EQ(e.participant->sid, "PA_1");
  EXPECT_EQ(e.participant->identity, "u1");
  EXPECT_EQ(e.participant->name, "U");
  EXPECT_EQ(e.participant->state, "JOINED");
  EXPECT_EQ(e.participant->joinedAt, 1700000001);
}

TEST(WebhookEvent, ParsesSnakeCaseAndNumbers) {
  const WebhookEvent e = parse_webhook_event(
      R"({"event":"participant_left","id":"EV_y","created_at":1700000002,)"
      R"("room":{"sid":"RM_1","name":"r","empty_timeout":"600","creation_time":1700000000,)"
      R"("num_participants":0},"participant":{"sid":"PA_1","identity":"u1","state":3,)"
      R"("joined_at":1700000001}})");
  EXPECT_EQ(e.createdAt, 1700000002);
  EXPECT_EQ(e.room->emptyTimeout, 600);
  EXPECT_EQ(e.room->creationTime, 1700000000);
  EXPECT_EQ(e.participant->joinedAt, 1700000001);
  EXPECT_EQ(e.participant->state, "DISCONNECTED");
}

TEST(WebhookEvent, IgnoresUnknownFieldsAndNulls) {
  const WebhookEvent e = parse_webhook_event(
      R"({"event":"track_published","id":"EV_z","track":{"sid":"TR_1"},"numDropped":0,)"
      R"("room":null,"egressInfo":{"a":[1,2]},"future":{"x":true}})");
  EXPECT_EQ(e.event, "track_published");
  EXPECT_FALSE(e.room);
  EXPECT_FALSE(e.participant);
  EXPECT_EQ(e.createdAt, 0);
}

TEST(WebhookEvent, EgressEventsCarryTheirInfoAndNameTheirRoom) {
  // As LiveKit sends it (the SDK's camelCase, int64 as strings, enums by name).
  const WebhookEvent e = parse_webhook_event(
      R"({"event":"egress_ended","id":"EV_e","createdAt":"1700000100","egressInfo":)"
      R"({"egressId":"EG_1","roomId":"RM_9","roomName":"show","status":"EGRESS_FAILED",)"
      R"("startedAt":"1700000000000000000","endedAt":"1700000050000000000",)"
      R"("updatedAt":"1700000050000000001","error":"no space","fileResults":[{"filename":"f.mp4",)"
      R"("duration":"50000000000","size":"777","location":"s3://b/f.mp4"}]}})");
  ASSERT_TRUE(e.egress);
  EXPECT_EQ(e.egress->egressId, "EG_1");
  EXPECT_EQ(e.egress->status, "EGRESS_FAILED");
  EXPECT_EQ(e.egress->error, "no space");
  EXPECT_EQ(e.egress->updatedAt, 1700000050000000001);
  EXPECT_EQ(e.egress->fileLocation, "s3://b/f.mp4");
  EXPECT_EQ(e.egress->durationNs, 50000000000);
  EXPECT_EQ(e.egress->sizeBytes, 777);
  ASSERT_TRUE(e.room);  // what the worker locks
  EXPECT_EQ(e.room->name, "show");
  EXPECT_EQ(e.room->sid, "RM_9");
}

TEST(WebhookEvent, IngressEventsInSnakeCaseWithOrdinalEnums) {
  const WebhookEvent e = parse_webhook_event(
      R"({"event":"ingress_started","id":"EV_i","created_at":1700000100,"ingress_info":)"
      R"({"ingress_id":"IN_1","room_name":"show","input_type":1,"stream_key":"k",)"
      R"("state":{"status":2,"started_at":"1700000000000000001","error":""}}})");
  ASSERT_TRUE(e.ingress);
  EXPECT_EQ(e.ingress->ingressId, "IN_1");
  EXPECT_EQ(e.ingress->status, "ENDPOINT_PUBLISHING");
  EXPECT_EQ(e.ingress->input, domain::IngressInput::Whip);
  EXPECT_EQ(e.ingress->startedAt, 1700000000000000001);
  ASSERT_TRUE(e.room);
  EXPECT_EQ(e.room->name, "show");
}

TEST(WebhookEvent, RejectsMalformedInputAsValidationError) {
  for (const char* body : {
           "",
           "{",
           "[]",
           "\"x\"",
           R"({"id":"EV_1"})",
           R"({"event":"room_started"})",
           R"({"event":"room_started","id":""})",
           R"({"event":7,"id":"EV_1"})",
           R"({"event":"room_started","id":"EV_1","createdAt":"12x"})",
           R"({"event":"room_started","id":"EV_1","createdAt":1.5})",
           R"({"event":"room_started","id":"EV_1","room":"RM_1"})",
           R"({"event":"egress_ended","id":"EV_1","egressInfo":{"egressId":5}})",
           R"({"event":"ingress_ended","id":"EV_1","ingressInfo":{"state":"x"}})",
           R"({"event":"room_started","id":"EV_1","createdAt":"99999999999999999999"})",
       }) {
    try {
      parse_webhook_event(body);
      ADD_FAILURE() << "accepted: " << body;
    } catch (const domain::AppError& e) {
      EXPECT_EQ(e.kind(), domain::ErrorKind::Validation) << body;
    }
  }
}

}  // namespace
}  // namespace lso::livekit
