// The Twirp RoomService client against a scripted local HTTP server: wire format, grants,
// response spellings, error mapping, timeouts and connection reuse.
#include "livekit/twirp_client.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <boost/asio/ip/tcp.hpp>
#include <boost/json/parse.hpp>
#include <filesystem>
#include <fstream>
#include <thread>

#include "domain/errors.hpp"
#include "fixed_time.hpp"
#include "livekit/jwt.hpp"
#include "self_signed.hpp"
#include "test_http_server.hpp"

namespace lso::livekit {
namespace {

using boost::json::parse;
using testing::CannedResponse;
using testing::RecordedRequest;
using testing::TestHttpServer;

constexpr std::string_view kSecret = "twirp-test-secret";

// What the real LiveKit server answers: snake_case, defaults emitted, int64 as strings.
constexpr std::string_view kSnakeRoom =
    R"({"sid":"RM_abc","name":"my-room","empty_timeout":600,"departure_timeout":20,)"
    R"("max_participants":100,"creation_time":"1700000000","creation_time_ms":"1700000000123",)"
    R"("turn_password":"","enabled_codecs":[{"mime":"audio/opus","fmtp_line":""}],)"
    R"("metadata":"m","num_participants":2,"num_publishers":1,"active_recording":false,)"
    R"("version":{"unix_micro":"1700000000123456","ticks":0}})";

class TwirpClientTest : public ::testing::Test {
 protected:
  testing::FixedTime time_{1'800'000'000};
  AccessTokenIssuer tokens_{"APIkey", std::string(kSecret), "ws://public", std::chrono::hours(1),
                            time_};

  static HttpClientOptions fast() {
    HttpClientOptions o;
    o.timeout = std::chrono::milliseconds(300);
    return o;
  }

  // The claims of the bearer token a request carried (verifying its signature on the way).
  static boost::json::object bearer_claims(const RecordedRequest& r) {
    EXPECT_EQ(r.authorization.rfind("Bearer ", 0), 0U) << r.authorization;
    return jwt::verify(std::string_view(r.authorization).substr(7), kSecret);
  }

  template <class F>
  static domain::LiveKitError catch_livekit_error(F&& f) {
    try {
      f();
    } catch (const domain::LiveKitError& e) {
      return e;
    }
    ADD_FAILURE() << "no LiveKitError thrown";
    return domain::LiveKitError("", 0, "");
  }
};

TEST(LiveKitUrl, MapsWebSocketSchemesToHttp) {
  EXPECT_EQ(http_url_from_livekit_url("ws://localhost:7880"), "http://localhost:7880");
  EXPECT_EQ(http_url_from_livekit_url("wss://x.livekit.cloud"), "https://x.livekit.cloud");
  EXPECT_EQ(http_url_from_livekit_url("wss://x.livekit.cloud/"), "https://x.livekit.cloud");
  EXPECT_EQ(http_url_from_livekit_url("http://10.0.0.1:7880"), "http://10.0.0.1:7880");
  EXPECT_EQ(http_url_from_livekit_url("https://h/prefix/"), "https://h/prefix");
  EXPECT_EQ(http_url_from_livekit_url("WSS://h:443"), "https://h:443");
}

TEST(LiveKitUrl, RejectsOtherSchemesNamingTheVariable) {
  for (const char* url : {"ftp://h", "localhost:7880", "", "ws://", "ws://u:p@h", "ws://h?x=1"}) {
    try {
      http_url_from_livekit_url(url);
      ADD_FAILURE() << "accepted " << url;
    } catch (const domain::AppError& e) {
      EXPECT_EQ(e.kind(), domain::ErrorKind::Validation);
      EXPECT_NE(std::string(e.what()).find("LIVEKIT_URL"), std::string::npos) << e.what();
    }
  }
}

TEST_F(TwirpClientTest, UnreadableCaFileIsAConstructionError) {
  HttpClientOptions options;
  options.caFile = "/nonexistent/ca.pem";
  EXPECT_THROW(TwirpRoomService("wss://h", tokens_, options), std::invalid_argument);
}

TEST_F(TwirpClientTest, CreateRoomSendsTwirpJsonWithRoomCreateGrant) {
  TestHttpServer server([](const RecordedRequest&) {
    return CannedResponse{200, std::string(kSnakeRoom)};
  });
  TwirpRoomService client(server.url(), tokens_, fast());

  domain::RoomOptions options;
  options.name = "my-room";
  options.emptyTimeout = 600;
  options.maxParticipants = 100;
  options.metadata = "m";
  const domain::Room room = client.create_room(options);

  const auto reqs = server.requests();
  ASSERT_EQ(reqs.size(), 1U);
  EXPECT_EQ(reqs[0].method, "POST");
  EXPECT_EQ(reqs[0].target, "/twirp/livekit.RoomService/CreateRoom");
  EXPECT_EQ(reqs[0].contentType, "application/json");
  EXPECT_EQ(reqs[0].host, "127.0.0.1:" + std::to_string(server.port()));
  EXPECT_EQ(parse(reqs[0].body),
            parse(R"({"name":"my-room","emptyTimeout":600,"maxParticipants":100,"metadata":"m"})"));
  const auto claims = bearer_claims(reqs[0]);
  EXPECT_EQ(claims.at("iss"), "APIkey");
  EXPECT_EQ(claims.at("video"), parse(R"({"roomCreate":true})"));
  EXPECT_EQ(claims.at("exp").as_int64() - claims.at("nbf").as_int64(), 600);

  EXPECT_EQ(room.sid, "RM_abc");
  EXPECT_EQ(room.name, "my-room");
  EXPECT_EQ(room.emptyTimeout, 600);
  EXPECT_EQ(room.maxParticipants, 100);
  EXPECT_EQ(room.creationTime, 1700000000);
  EXPECT_EQ(room.numParticipants, 2);
  EXPECT_EQ(room.metadata, "m");
}

TEST_F(TwirpClientTest, ListRoomsReadsCamelCaseAndSendsNames) {
  TestHttpServer server([](const RecordedRequest&) {
    return CannedResponse{200, R"({"rooms":[{"sid":"RM_1","name":"a","emptyTimeout":5,)"
                               R"("creationTime":1700000001,"numParticipants":"3"},)"
                               R"({"sid":"RM_2","name":"b"}]})"};
  });
  TwirpRoomService client(server.url(), tokens_, fast());

  const auto rooms = client.list_rooms({"a", "b"});
  ASSERT_EQ(rooms.size(), 2U);
  EXPECT_EQ(rooms[0].sid, "RM_1");
  EXPECT_EQ(rooms[0].emptyTimeout, 5);
  EXPECT_EQ(rooms[0].creationTime, 1700000001);
  EXPECT_EQ(rooms[0].numParticipants, 3);
  EXPECT_EQ(rooms[1].name, "b");
  EXPECT_EQ(rooms[1].creationTime, 0);

  EXPECT_EQ(client.list_rooms({}).size(), 2U);
  const auto reqs = server.requests();
  ASSERT_EQ(reqs.size(), 2U);
  EXPECT_EQ(reqs[0].target, "/twirp/livekit.RoomService/ListRooms");
  EXPECT_EQ(parse(reqs[0].body), parse(R"({"names":["a","b"]})"));
  EXPECT_EQ(parse(reqs[1].body), parse("{}"));
  EXPECT_EQ(bearer_claims(reqs[0]).at("video"), parse(R"({"roomList":true})"));
}

TEST_F(TwirpClientTest, ListRoomsOfEmptyAnswerIsEmpty) {
  TestHttpServer server([](const RecordedRequest&) { return CannedResponse{200, "{}"}; });
  TwirpRoomService client(server.url(), tokens_, fast());
  EXPECT_TRUE(client.list_rooms({}).empty());
}

TEST_F(TwirpClientTest, ListParticipantsUsesRoomAdminGrantForThatRoom) {
  TestHttpServer server([](const RecordedRequest&) {
    return CannedResponse{
        200, R"({"participants":[{"sid":"PA_1","identity":"u1","name":"U","state":"ACTIVE",)"
             R"("joined_at":"1700000005","joined_at_ms":"1700000005000","tracks":[],)"
             R"("permission":{"can_publish":true},"kind":"STANDARD"},)"
             R"({"sid":"PA_2","identity":"u2","state":"JOINED","joinedAt":1700000006}]})"};
  });
  TwirpRoomService client(server.url(), tokens_, fast());

  const auto participants = client.list_participants("my-room");
  ASSERT_EQ(participants.size(), 2U);
  EXPECT_EQ(participants[0].sid, "PA_1");
  EXPECT_EQ(participants[0].identity, "u1");
  EXPECT_EQ(participants[0].name, "U");
  EXPECT_EQ(participants[0].state, "ACTIVE");
  EXPECT_EQ(participants[0].joinedAt, 1700000005);
  EXPECT_EQ(participants[1].joinedAt, 1700000006);

  const auto reqs = server.requests();
  EXPECT_EQ(reqs[0].target, "/twirp/livekit.RoomService/ListParticipants");
  EXPECT_EQ(parse(reqs[0].body), parse(R"({"room":"my-room"})"));
  EXPECT_EQ(bearer_claims(reqs[0]).at("video"), parse(R"({"roomAdmin":true,"room":"my-room"})"));
}

TEST_F(TwirpClientTest, DeleteRoomAndRemoveParticipantSendTheirBodies) {
  TestHttpServer server([](const RecordedRequest&) { return CannedResponse{200, "{}"}; });
  TwirpRoomService client(server.url(), tokens_, fast());
  client.delete_room("r1");
  client.remove_participant("r1", "u1");

  const auto reqs = server.requests();
  ASSERT_EQ(reqs.size(), 2U);
  EXPECT_EQ(reqs[0].target, "/twirp/livekit.RoomService/DeleteRoom");
  EXPECT_EQ(parse(reqs[0].body), parse(R"({"room":"r1"})"));
  EXPECT_EQ(bearer_claims(reqs[0]).at("video"), parse(R"({"roomCreate":true})"));
  EXPECT_EQ(reqs[1].target, "/twirp/livekit.RoomService/RemoveParticipant");
  EXPECT_EQ(parse(reqs[1].body), parse(R"({"room":"r1","identity":"u1"})"));
  EXPECT_EQ(bearer_claims(reqs[1]).at("video"), parse(R"({"roomAdmin":true,"room":"r1"})"));
}

TEST_F(TwirpClientTest, ParticipantTracksAreReadInEitherSpelling) {
  TestHttpServer server([](const RecordedRequest&) {
    return CannedResponse{
        200, R"({"participants":[{"sid":"PA_1","identity":"u1","tracks":[)"
             R"({"sid":"TR_a","type":"AUDIO","muted":false},{"sid":"TR_v","type":1,"muted":true},)"
             R"({"sid":"TR_d"}]}]})"};
  });
  TwirpRoomService client(server.url(), tokens_, fast());
  const auto participants = client.list_participants("r");
  ASSERT_EQ(participants.size(), 1U);
  const auto& tracks = participants[0].tracks;
  ASSERT_EQ(tracks.size(), 3U);
  EXPECT_EQ(tracks[0].sid, "TR_a");
  EXPECT_EQ(tracks[0].type, "AUDIO");
  EXPECT_FALSE(tracks[0].muted);
  EXPECT_EQ(tracks[1].type, "VIDEO");  // the enum's number
  EXPECT_TRUE(tracks[1].muted);
  EXPECT_EQ(tracks[2].type, "AUDIO");  // proto3 default, omitted
}

TEST_F(TwirpClientTest, MuteAndPermissionChangesSendTheirBodiesWithRoomAdmin) {
  TestHttpServer server([](const RecordedRequest&) { return CannedResponse{200, "{}"}; });
  TwirpRoomService client(server.url(), tokens_, fast());
  client.mute_published_track("r1", "u1", "TR_1", true);
  client.set_participant_can_publish("r1", "u1", false);

  const auto reqs = server.requests();
  ASSERT_EQ(reqs.size(), 2U);
  EXPECT_EQ(reqs[0].target, "/twirp/livekit.RoomService/MutePublishedTrack");
  EXPECT_EQ(parse(reqs[0].body),
            parse(R"({"room":"r1","identity":"u1","trackSid":"TR_1","muted":true})"));
  EXPECT_EQ(bearer_claims(reqs[0]).at("video"), parse(R"({"roomAdmin":true,"room":"r1"})"));
  EXPECT_EQ(reqs[1].target, "/twirp/livekit.RoomService/UpdateParticipant");
  EXPECT_EQ(parse(reqs[1].body),
            parse(R"({"room":"r1","identity":"u1","permission":)"
                  R"({"canSubscribe":true,"canPublish":false,"canPublishData":false}})"));
  EXPECT_EQ(bearer_claims(reqs[1]).at("video"), parse(R"({"roomAdmin":true,"room":"r1"})"));
}

TEST_F(TwirpClientTest, TwirpErrorsBecomeLiveKitErrors) {
  TestHttpServer server([](const RecordedRequest&) {
    return CannedResponse{404, R"({"code":"not_found","msg":"requested room does not exist"})"};
  });
  TwirpRoomService client(server.url(), tokens_, fast());

  const auto e = catch_livekit_error([&] { client.delete_room("gone"); });
  EXPECT_EQ(e.kind(), domain::ErrorKind::LiveKit);
  EXPECT_EQ(e.code(), "not_found");
  EXPECT_TRUE(e.is_not_found());
  EXPECT_EQ(e.upstream_status(), 404);
  EXPECT_STREQ(e.what(), "LiveKit DeleteRoom failed: requested room does not exist");
}

TEST_F(TwirpClientTest, NonTwirpErrorBodiesMapByStatus) {
  TestHttpServer server([](const RecordedRequest& r) {
    if (r.target.ends_with("ListRooms")) {
      return CannedResponse{503, "<html>bad gateway</html>"};
    }
    return CannedResponse{401, ""};
  });
  TwirpRoomService client(server.url(), tokens_, fast());

  const auto e1 = catch_livekit_error([&] { client.list_rooms({}); });
  EXPECT_EQ(e1.code(), "unavailable");
  EXPECT_EQ(e1.upstream_status(), 503);
  EXPECT_NE(std::string(e1.what()).find("LiveKit ListRooms failed"), std::string::npos);
  const auto e2 = catch_livekit_error([&] { client.delete_room("x"); });
  EXPECT_EQ(e2.code(), "unauthenticated");
}

TEST_F(TwirpClientTest, MalformedSuccessBodyIsALiveKitError) {
  TestHttpServer server([](const RecordedRequest& r) {
    if (r.target.ends_with("ListRooms")) {
      return CannedResponse{200, R"({"rooms":"nope"})"};
    }
    return CannedResponse{200, "not json"};
  });
  TwirpRoomService client(server.url(), tokens_, fast());
  EXPECT_EQ(catch_livekit_error([&] { client.list_rooms({}); }).code(), "malformed_response");
  EXPECT_EQ(catch_livekit_error([&] { client.create_room({}); }).code(), "malformed_response");
  EXPECT_EQ(client.stats()[2].errors.load(), 1U);
}

TEST_F(TwirpClientTest, SlowServerTimesOutAsUnavailable) {
  TestHttpServer server([](const RecordedRequest&) {
    return CannedResponse{200, "{}", std::chrono::milliseconds(3000)};
  });
  TwirpRoomService client(server.url(), tokens_, fast());
  const auto started = std::chrono::steady_clock::now();
  const auto e = catch_livekit_error([&] { client.delete_room("r"); });
  const auto elapsed = std::chrono::steady_clock::now() - started;
  EXPECT_EQ(e.code(), "unavailable");
  EXPECT_EQ(e.upstream_status(), 0);
  EXPECT_NE(std::string(e.what()).find("no answer within 300 ms"), std::string::npos) << e.what();
  EXPECT_LT(elapsed, std::chrono::milliseconds(2000));
}

TEST_F(TwirpClientTest, ConnectionRefusedIsUnavailable) {
  unsigned short port = 0;
  {
    boost::asio::io_context ioc;
    boost::asio::ip::tcp::acceptor probe(ioc, {boost::asio::ip::make_address("127.0.0.1"), 0});
    port = probe.local_endpoint().port();
  }  // closed again: nothing listens there now
  TwirpRoomService client("ws://127.0.0.1:" + std::to_string(port), tokens_, fast());
  const auto e = catch_livekit_error([&] { client.list_rooms({}); });
  EXPECT_EQ(e.code(), "unavailable");
  EXPECT_EQ(e.upstream_status(), 0);
  EXPECT_NE(std::string(e.what()).find("LiveKit ListRooms failed"), std::string::npos);
  EXPECT_EQ(client.stats()[2].calls.load(), 1U);
  EXPECT_EQ(client.stats()[2].errors.load(), 1U);
}

TEST_F(TwirpClientTest, TlsToAPlainServerFailsAsUnavailable) {
  TestHttpServer server([](const RecordedRequest&) { return CannedResponse{200, "{}"}; });
  TwirpRoomService client(server.url("wss"), tokens_, fast());
  EXPECT_EQ(catch_livekit_error([&] { client.delete_room("r"); }).code(), "unavailable");
}

// A TLS server with a fresh self-signed certificate, and that certificate in a PEM file for the
// client's extra trust store.
class TlsFixture {
 public:
  explicit TlsFixture(const std::string& san) : pem_(testing::make_self_signed(san)) {
    context_.use_certificate_chain(boost::asio::buffer(pem_.certificate));
    context_.use_private_key(boost::asio::buffer(pem_.privateKey), boost::asio::ssl::context::pem);
    caFile_ = std::filesystem::temp_directory_path() /
              ("lso-livekit-test-ca-" + std::to_string(::getpid()) + "-" +
               std::to_string(counter_++) + ".pem");
    std::ofstream(caFile_) << pem_.certificate;
  }
  ~TlsFixture() { std::filesystem::remove(caFile_); }
  boost::asio::ssl::context& context() { return context_; }
  std::string ca_file() const { return caFile_.string(); }

 private:
  static inline int counter_ = 0;
  testing::PemPair pem_;
  boost::asio::ssl::context context_{boost::asio::ssl::context::tls_server};
  std::filesystem::path caFile_;
};

TEST_F(TwirpClientTest, TlsWorksWithATrustedCertificateForTheHost) {
  TlsFixture tls("DNS:localhost,IP:127.0.0.1");
  TestHttpServer server(
      [](const RecordedRequest&) {
        return CannedResponse{200, "{}"};
      },
      &tls.context());
  HttpClientOptions options = fast();
  options.caFile = tls.ca_file();
  TwirpRoomService byAddress(server.url("wss"), tokens_, options);
  EXPECT_NO_THROW(byAddress.delete_room("r"));
  EXPECT_NO_THROW(byAddress.delete_room("r"));
  TwirpRoomService byName("wss://localhost:" + std::to_string(server.port()), tokens_, options);
  EXPECT_NO_THROW(byName.delete_room("r"));
  EXPECT_EQ(server.requests().size(), 3U);
  EXPECT_EQ(server.connections(), 2);  // the second call of byAddress reused its connection
}

TEST_F(TwirpClientTest, TlsRejectsAnUntrustedCertificate) {
  TlsFixture tls("DNS:localhost,IP:127.0.0.1");
  TestHttpServer server(
      [](const RecordedRequest&) {
        return CannedResponse{200, "{}"};
      },
      &tls.context());
  TwirpRoomService client(server.url("wss"), tokens_, fast());  // system CAs only
  const auto e = catch_livekit_error([&] { client.delete_room("r"); });
  EXPECT_EQ(e.code(), "unavailable");
  EXPECT_NE(std::string(e.what()).find("certificate verify failed"), std::string::npos) << e.what();
  EXPECT_TRUE(server.requests().empty());
}

TEST_F(TwirpClientTest, TlsRejectsACertificateForAnotherHost) {
  TlsFixture tls("DNS:other.example");
  TestHttpServer server(
      [](const RecordedRequest&) {
        return CannedResponse{200, "{}"};
      },
      &tls.context());
  HttpClientOptions options = fast();
  options.caFile = tls.ca_file();
  TwirpRoomService client(server.url("wss"), tokens_, options);
  const auto e = catch_livekit_error([&] { client.delete_room("r"); });
  EXPECT_EQ(e.code(), "unavailable");
  // Trusted issuer, wrong name: only host name verification can have refused it.
  EXPECT_NE(std::string(e.what()).find("certificate verify failed"), std::string::npos) << e.what();
  EXPECT_TRUE(server.requests().empty());
}

TEST_F(TwirpClientTest, KeepAliveReusesOneConnection) {
  TestHttpServer server([](const RecordedRequest&) { return CannedResponse{200, "{}"}; });
  TwirpRoomService client(server.url(), tokens_, fast());
  for (int i = 0; i < 5; ++i) {
    client.delete_room("r");
  }
  EXPECT_EQ(server.requests().size(), 5U);
  EXPECT_EQ(server.connections(), 1);
  EXPECT_EQ(client.stats()[1].calls.load(), 5U);
  EXPECT_EQ(client.stats()[1].errors.load(), 0U);
}

TEST_F(TwirpClientTest, StaleReusedConnectionIsRetriedOnceOnAFreshOne) {
  TestHttpServer server([](const RecordedRequest&) {
    CannedResponse r{200, "{}"};
    r.closeSilently = true;
    return r;
  });
  TwirpRoomService client(server.url(), tokens_, fast());
  client.delete_room("r");
  // Once the server has closed the connection, as an idle timeout would.
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  while (server.closed() < 1 && std::chrono::steady_clock::now() < deadline)
    std::this_thread::yield();
  ASSERT_EQ(server.closed(), 1);
  EXPECT_NO_THROW(client.delete_room("r"));
  EXPECT_EQ(server.requests().size(), 2U);
  EXPECT_EQ(server.connections(), 2);
}

TEST_F(TwirpClientTest, ConcurrentCallersShareThePool) {
  TestHttpServer server([](const RecordedRequest&) {
    return CannedResponse{200, R"({"rooms":[{"sid":"RM_1","name":"a"}]})"};
  });
  TwirpRoomService client(server.url(), tokens_, fast());
  std::atomic<int> ok{0};
  std::vector<std::thread> threads;
  threads.reserve(4);
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 25; ++i) {
        if (client.list_rooms({}).size() == 1) {
          ++ok;
        }
      }
    });
  }
  for (auto& t : threads) {
    t.join();
  }
  EXPECT_EQ(ok.load(), 100);
  EXPECT_LE(server.connections(), 4);
  EXPECT_EQ(client.stats()[2].calls.load(), 100U);
}

}  // namespace
}  // namespace lso::livekit
