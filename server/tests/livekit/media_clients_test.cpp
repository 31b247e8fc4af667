// The Twirp Ingress and Egress clients against a scripted local HTTP server: paths, request
// bodies, the grant of each service token, and reading the real server's snake_case answers
// (defaults emitted, int64 as strings, enums by name or number).
#include "livekit/media_clients.hpp"

#include <gtest/gtest.h>

#include <boost/json/parse.hpp>

#include "domain/errors.hpp"
#include "fixed_time.hpp"
#include "livekit/jwt.hpp"
#include "test_http_server.hpp"

namespace lso::livekit {
namespace {

using boost::json::parse;
using testing::CannedResponse;
using testing::RecordedRequest;
using testing::TestHttpServer;

constexpr std::string_view kSecret = "media-test-secret";

constexpr std::string_view kSnakeIngress =
    R"({"ingress_id":"IN_abc","name":"ls","stream_key":"sk_123","url":"rtmp://in.example/x",)"
    R"("input_type":"RTMP_INPUT","bypass_transcoding":false,"enable_transcoding":null,)"
    R"("audio":null,"video":null,"room_name":"r1","participant_identity":"carol",)"
    R"("participant_name":"Carol","participant_metadata":"","reusable":true,)"
    R"("state":{"status":"ENDPOINT_PUBLISHING","error":"","video":null,"audio":null,)"
    R"("room_id":"RM_1","started_at":"1700000000123456789","ended_at":"0","updated_at":"0",)"
    R"("resource_id":"","tracks":[]},"enabled":null})";

constexpr std::string_view kSnakeEgress =
    R"({"egress_id":"EG_abc","room_id":"RM_1","room_name":"r1","source_type":"EGRESS_SOURCE_TYPE_WEB",)"
    R"("status":"EGRESS_COMPLETE","started_at":"1700000000000000000",)"
    R"("ended_at":"1700000060000000000","updated_at":"1700000060000000001","details":"",)"
    R"("error":"","error_code":0,"room_composite":{"room_name":"r1"},)"
    R"("stream_results":[],"file_results":[{"filename":"rec/l/r.mp4","started_at":"1",)"
    R"("ended_at":"2","duration":"60000000000","size":"1234567","location":"https://b/rec/l/r.mp4"}],)"
    R"("segment_results":[{"playlist_name":"rec/l/r.m3u8","live_playlist_name":"",)"
    R"("duration":"60000000000","size":"99","playlist_location":"https://b/rec/l/r.m3u8",)"
    R"("live_playlist_location":"","segment_count":"10","started_at":"1","ended_at":"2"}],)"
    R"("image_results":[],"manifest_location":"","backup_storage_used":false})";

class MediaClientsTest : public ::testing::Test {
 protected:
  lso::livekit::testing::FixedTime time_{1'800'000'000};
  AccessTokenIssuer tokens_{"APIkey", std::string(kSecret), "ws://public", std::chrono::hours(1),
                            time_};

  static boost::json::value video_grant(const RecordedRequest& r) {
    EXPECT_EQ(r.authorization.rfind("Bearer ", 0), 0U) << r.authorization;
    return jwt::verify(std::string_view(r.authorization).substr(7), kSecret).at("video");
  }
};

TEST_F(MediaClientsTest, CreateIngressPublishesAsTheHostWithTheIngressAdminGrant) {
  TestHttpServer server([](const RecordedRequest&) {
    return CannedResponse{200, std::string(kSnakeIngress)};
  });
  TwirpIngressService client(server.url(), tokens_);
  domain::IngressOptions options;
  options.name = "ls";
  options.roomName = "r1";
  options.participantIdentity = "carol";
  options.participantName = "Carol";
  const auto info = client.create_ingress(options);

  const auto reqs = server.requests();
  ASSERT_EQ(reqs.size(), 1U);
  EXPECT_EQ(reqs[0].target, "/twirp/livekit.Ingress/CreateIngress");
  EXPECT_EQ(parse(reqs[0].body),
            parse(R"({"inputType":"RTMP_INPUT","name":"ls","roomName":"r1",)"
                  R"("participantIdentity":"carol","participantName":"Carol"})"));
  EXPECT_EQ(video_grant(reqs[0]), parse(R"({"ingressAdmin":true})"));
  EXPECT_EQ(info.ingressId, "IN_abc");
  EXPECT_EQ(info.streamKey, "sk_123");
  EXPECT_EQ(info.url, "rtmp://in.example/x");
  EXPECT_EQ(info.status, "ENDPOINT_PUBLISHING");
  EXPECT_EQ(info.startedAt, 1700000000123456789);
  EXPECT_EQ(info.participantIdentity, "carol");
}

TEST_F(MediaClientsTest, WhipIngressSkipsTranscodingAndEnumsMayBeNumbers) {
  TestHttpServer server([](const RecordedRequest&) {
    return CannedResponse{
        200, R"({"ingressId":"IN_w","inputType":1,"state":{"status":3,"error":"bad"}})"};
  });
  TwirpIngressService client(server.url(), tokens_);
  domain::IngressOptions options;
  options.input = domain::IngressInput::Whip;
  options.roomName = "r1";
  options.participantIdentity = "carol";
  const auto info = client.create_ingress(options);
  const auto body = parse(server.requests().at(0).body).as_object();
  EXPECT_EQ(body.at("inputType"), "WHIP_INPUT");
  EXPECT_EQ(body.at("enableTranscoding"), false);
  EXPECT_EQ(info.input, domain::IngressInput::Whip);
  EXPECT_EQ(info.status, "ENDPOINT_ERROR");
  EXPECT_EQ(info.error, "bad");
}

TEST_F(MediaClientsTest, ListAndDeleteIngress) {
  TestHttpServer server([](const RecordedRequest& r) {
    if (r.target.ends_with("/ListIngress"))
      return CannedResponse{
          200, "{\"items\":[" + std::string(kSnakeIngress) + "],\"next_page_token\":null}"};
    return CannedResponse{200, std::string(kSnakeIngress)};
  });
  TwirpIngressService client(server.url(), tokens_);
  const auto items = client.list_ingress("", "IN_abc");
  ASSERT_EQ(items.size(), 1U);
  EXPECT_EQ(items[0].streamKey, "sk_123");
  client.delete_ingress("IN_abc");
  const auto reqs = server.requests();
  ASSERT_EQ(reqs.size(), 2U);
  EXPECT_EQ(parse(reqs[0].body), parse(R"({"ingressId":"IN_abc"})"));
  EXPECT_EQ(reqs[1].target, "/twirp/livekit.Ingress/DeleteIngress");
  EXPECT_EQ(parse(reqs[1].body), parse(R"({"ingressId":"IN_abc"})"));
  for (const auto& r : reqs) EXPECT_EQ(video_grant(r), parse(R"({"ingressAdmin":true})"));
}

TEST_F(MediaClientsTest, RoomCompositeToFileAndHlsOnS3WithTheRoomRecordGrant) {
  TestHttpServer server([](const RecordedRequest&) {
    return CannedResponse{200, std::string(kSnakeEgress)};
  });
  TwirpEgressService client(server.url(), tokens_);
  domain::EgressRequest request;
  request.roomName = "r1";
  request.segments = true;
  request.filepath = "rec/l/r.mp4";
  request.playlistName = "rec/l/r";
  request.s3 = {"bucket", "eu-west-1", "https://minio:9000", "AK", "SK", true};
  const auto info = client.start_room_composite_egress(request);

  const auto reqs = server.requests();
  ASSERT_EQ(reqs.size(), 1U);
  EXPECT_EQ(reqs[0].target, "/twirp/livekit.Egress/StartRoomCompositeEgress");
  const auto s3 = R"({"bucket":"bucket","region":"eu-west-1","endpoint":"https://minio:9000",)"
                  R"("accessKey":"AK","secret":"SK","forcePathStyle":true})";
  EXPECT_EQ(parse(reqs[0].body),
            parse(std::string(R"({"roomName":"r1","fileOutputs":[{"fileType":"MP4",)"
                              R"("filepath":"rec/l/r.mp4","s3":)") +
                  s3 +
                  R"(}],"segmentOutputs":[{"protocol":"HLS_PROTOCOL","filenamePrefix":"rec/l/r",)"
                  R"("playlistName":"rec/l/r.m3u8","s3":)" +
                  s3 + "}]}"));
  EXPECT_EQ(video_grant(reqs[0]), parse(R"({"roomRecord":true})"));

  EXPECT_EQ(info.egressId, "EG_abc");
  EXPECT_EQ(info.status, "EGRESS_COMPLETE");
  EXPECT_EQ(info.startedAt, 1700000000000000000);
  EXPECT_EQ(info.updatedAt, 1700000060000000001);
  EXPECT_EQ(info.fileLocation, "https://b/rec/l/r.mp4");
  EXPECT_EQ(info.playlistLocation, "https://b/rec/l/r.m3u8");
  EXPECT_EQ(info.durationNs, 60000000000);
  EXPECT_EQ(info.sizeBytes, 1234567);
}

TEST_F(MediaClientsTest, StopAndListActiveEgress) {
  TestHttpServer server([](const RecordedRequest& r) {
    if (r.target.ends_with("/ListEgress"))
      return CannedResponse{200,
                            R"({"items":[{"egressId":"EG_1","status":1},{"egressId":"EG_2"}]})"};
    return CannedResponse{200, R"({"egress_id":"EG_1","status":"EGRESS_ENDING"})"};
  });
  TwirpEgressService client(server.url(), tokens_);
  EXPECT_EQ(client.stop_egress("EG_1").status, "EGRESS_ENDING");
  const auto items = client.list_egress("", true);
  ASSERT_EQ(items.size(), 2U);
  EXPECT_EQ(items[0].status, "EGRESS_ACTIVE");
  EXPECT_EQ(items[1].status, "EGRESS_STARTING");  // absent: protobuf's default
  const auto reqs = server.requests();
  EXPECT_EQ(parse(reqs[0].body), parse(R"({"egressId":"EG_1"})"));
  EXPECT_EQ(parse(reqs[1].body), parse(R"({"active":true})"));
}

TEST_F(MediaClientsTest, ErrorsAndMalformedAnswersAreLiveKitErrors) {
  TestHttpServer server([](const RecordedRequest& r) {
    if (r.target.ends_with("/StopEgress"))
      return CannedResponse{404, R"({"code":"not_found","msg":"egress not found"})"};
    return CannedResponse{200, R"({"items":"nope"})"};
  });
  TwirpEgressService client(server.url(), tokens_);
  try {
    client.stop_egress("EG_x");
    ADD_FAILURE() << "no error";
  } catch (const domain::LiveKitError& e) {
    EXPECT_TRUE(e.is_not_found());
  }
  try {
    client.list_egress("r", false);
    ADD_FAILURE() << "no error";
  } catch (const domain::LiveKitError& e) {
    EXPECT_EQ(e.code(), "malformed_response");
  }
  EXPECT_EQ(client.stats()[1].errors.load(), 1U);  // StopEgress
  EXPECT_EQ(client.stats()[2].errors.load(), 1U);  // ListEgress
}

TEST_F(MediaClientsTest, UpdateIngressAndUpdateLayout) {
  TestHttpServer server([](const RecordedRequest& r) {
    if (r.target.ends_with("/UpdateIngress"))
      return CannedResponse{200, std::string(kSnakeIngress)};
    return CannedResponse{200, std::string(kSnakeEgress)};
  });
  TwirpIngressService ingress(server.url(), tokens_);
  TwirpEgressService egress(server.url(), tokens_);
  domain::IngressOptions changes;
  changes.participantName = "Carol B.";
  EXPECT_EQ(ingress.update_ingress("IN_abc", changes).ingressId, "IN_abc");
  EXPECT_EQ(egress.update_layout("EG_abc", "speaker").egressId, "EG_abc");
  const auto reqs = server.requests();
  ASSERT_EQ(reqs.size(), 2U);
  EXPECT_EQ(reqs[0].target, "/twirp/livekit.Ingress/UpdateIngress");
  EXPECT_EQ(parse(reqs[0].body), parse(R"({"ingressId":"IN_abc","participantName":"Carol B."})"));
  EXPECT_EQ(video_grant(reqs[0]), parse(R"({"ingressAdmin":true})"));
  EXPECT_EQ(reqs[1].target, "/twirp/livekit.Egress/UpdateLayout");
  EXPECT_EQ(parse(reqs[1].body), parse(R"({"egressId":"EG_abc","layout":"speaker"})"));
  EXPECT_EQ(video_grant(reqs[1]), parse(R"({"roomRecord":true})"));
}

}  // namespace
}  // namespace lso::livekit
