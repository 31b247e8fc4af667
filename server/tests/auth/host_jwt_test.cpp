// Host-app JWT verification: every algorithm with PEM and JWKS keys, algorithm and key-type
// confusion, JWKS rotation and refetch limits, claim rules at their boundaries, malformed input.
#include "auth/host_jwt.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <boost/json/serialize.hpp>
#include <stdexcept>
#include <thread>

#include "domain/errors.hpp"
#include "livekit/base64.hpp"
#include "test_keys.hpp"

namespace lso::auth {
namespace {

namespace json = boost::json;
using testing::b64url;
using testing::hs256_token;
using testing::KeyKind;
using testing::KeyPair;
using testing::signed_token;
using namespace std::chrono_literals;

constexpr std::string_view kSecret = "host-app-shared-secret-0123456789abcdef";
constexpr long long kNow = 1'700'000'000;

const KeyPair& rsa() {
  static const KeyPair key(KeyKind::Rsa);
  return key;
}
const KeyPair& rsa2() {
  static const KeyPair key(KeyKind::Rsa);
  return key;
}
const KeyPair& ec() {
  static const KeyPair key(KeyKind::EcP256);
  return key;
}
const KeyPair& ed() {
  static const KeyPair key(KeyKind::Ed25519);
  return key;
}

std::string header(std::string_view alg, std::string_view kid = {}) {
  json::object h{{"alg", alg}, {"typ", "JWT"}};
  if (!kid.empty()) h["kid"] = kid;
  return json::serialize(h);
}

json::object claims(json::object extra = {}) {
  json::object c{{"sub", "user-1"}, {"exp", kNow + 600}, {"iat", kNow}};
  for (auto& [k, v] : extra) c[k] = v;
  return c;
}

std::string hs(const json::object& c, std::string_view secret = kSecret) {
  return hs256_token(header("HS256"), json::serialize(c), secret);
}

std::string alg_for(const KeyPair& key) {
  switch (key.kind()) {
    case KeyKind::Rsa: return "RS256";
    case KeyKind::EcP256: return "ES256";
    case KeyKind::Ed25519: return "EdDSA";
  }
  return "";
}

std::string asym(const KeyPair& key, const json::object& c, std::string_view kid = {}) {
  return signed_token(key, header(alg_for(key), kid), json::serialize(c));
}

std::string jwks_of(std::initializer_list<std::pair<const KeyPair*, std::string_view>> keys) {
  json::array arr;
  for (const auto& [key, kid] : keys) arr.push_back(key->jwk(kid));
  return json::serialize(json::object{{"keys", arr}});
}

class HostJwtTest : public ::testing::Test {
 protected:
  std::chrono::system_clock::time_point now_{std::chrono::seconds{kNow}};
  std::string jwksDoc_ = R"({"keys":[]})";
  int fetches_ = 0;
  bool fetchFails_ = false;

  void set_now(long long t) {
    now_ = std::chrono::system_clock::time_point{std::chrono::seconds{t}};
  }
  void advance(std::chrono::seconds d) { now_ += d; }

  std::unique_ptr<HostJwtVerifier> make(HostJwtOptions o) {
    return std::make_unique<HostJwtVerifier>(
        std::move(o),
        [this]() -> std::string {
          ++fetches_;
          if (fetchFails_) throw std::runtime_error("connection refused");
          return jwksDoc_;
        },
        [this] { return now_; });
  }
  std::unique_ptr<HostJwtVerifier> with_secret() {
    HostJwtOptions o;
    o.hmacSecret = std::string(kSecret);
    return make(o);
  }
  std::unique_ptr<HostJwtVerifier> with_pem(const KeyPair& key) {
    HostJwtOptions o;
    o.publicKeyPem = key.public_pem();
    return make(o);
  }
  std::unique_ptr<HostJwtVerifier> with_jwks() {
    HostJwtOptions o;
    o.jwksUrl = "https://idp.example/.well-known/jwks.json";
    return make(o);
  }
};

// The refusal reason, or "accepted".
std::string outcome(HostJwtVerifier& v, std::string_view token) {
  try {
    v.verify(token);
    return "accepted";
  } catch (const domain::AppError& e) {
    EXPECT_EQ(e.kind(), domain::ErrorKind::Authentication);
    return e.what();
  }
}

// ---- each algorithm

TEST_F(HostJwtTest, Hs256Valid) {
  auto v = with_secret();
  const auto c = v->verify(hs(claims({{"name", "Alice"}})));
  EXPECT_EQ(c.subject, "user-1");
  EXPECT_EQ(c.displayName, "Alice");
  EXPECT_FALSE(c.admin);
  EXPECT_EQ(c.expiresAt, kNow + 600);
  EXPECT_EQ(fetches_, 0);
}

TEST_F(HostJwtTest, Hs256AlsoWithoutTyp) {
  auto v = with_secret();
  EXPECT_EQ(outcome(*v, hs256_token(R"({"alg":"HS256"})", json::serialize(claims()), kSecret)),
            "accepted");
  EXPECT_EQ(outcome(*v, hs256_token(R"({"kid":"whatever","alg":"HS256"})",
                                    json::serialize(claims()), kSecret)),
            "accepted");
}

TEST_F(HostJwtTest, Hs256WrongSecret) {
  auto v = with_secret();
  EXPECT_EQ(outcome(*v, hs(claims(), "another-secret-of-sufficient-length-000")), "bad signature");
}

TEST_F(HostJwtTest, PemKeysOfEachFamily) {
  for (const KeyPair* key : {&rsa(), &ec(), &ed()}) {
    auto v = with_pem(*key);
    const auto c = v->verify(asym(*key, claims()));
    EXPECT_EQ(c.subject, "user-1") << alg_for(*key);
    // The PEM key serves tokens whatever kid they carry.
    EXPECT_EQ(outcome(*v, asym(*key, claims(), "some-kid")), "accepted") << alg_for(*key);
  }
}

TEST_F(HostJwtTest, JwksKeysOfEachFamily) {
  jwksDoc_ = jwks_of({{&rsa(), "r1"}, {&ec(), "e1"}, {&ed(), "d1"}});
  auto v = with_jwks();
  EXPECT_EQ(outcome(*v, asym(rsa(), claims(), "r1")), "accepted");
  EXPECT_EQ(outcome(*v, asym(ec(), claims(), "e1")), "accepted");
  EXPECT_EQ(outcome(*v, asym(ed(), claims(), "d1")), "accepted");
  EXPECT_EQ(fetches_, 1);  // cached
}

TEST_F(HostJwtTest, TamperedTokensOfEachFamily) {
  for (const KeyPair* key : {&rsa(), &ec(), &ed()}) {
    auto v = with_pem(*key);
    std::string token = asym(*key, claims());
    // Swap the payload for another one, keeping the signature.
    const auto dot1 = token.find('.');
    const auto dot2 = token.rfind('.');
    const std::string forged = token.substr(0, dot1 + 1) +
                               b64url(json::serialize(claims({{"sub", "admin"}}))) +
                               token.substr(dot2);
    EXPECT_EQ(outcome(*v, forged), "bad signature") << alg_for(*key);
    // Flip one bit of the signature.
    std::string sig;
    ASSERT_TRUE(livekit::decode_base64url(token.substr(dot2 + 1), sig));
    sig[sig.size() / 2] = static_cast<char>(sig[sig.size() / 2] ^ 0x01);
    EXPECT_EQ(outcome(*v, token.substr(0, dot2 + 1) + b64url(sig)), "bad signature");
    // Truncated and empty signatures.
    EXPECT_EQ(outcome(*v, token.substr(0, dot2 + 1) + b64url(sig.substr(1))), "bad signature");
    EXPECT_EQ(outcome(*v, token.substr(0, dot2 + 1)), "bad signature");
  }
}

TEST_F(HostJwtTest, Es256RequiresTheJoseSignatureForm) {
  auto v = with_pem(ec());
  const std::string input = testing::signing_input(header("ES256"), json::serialize(claims()));
  EXPECT_EQ(outcome(*v, input + "." + b64url(ec().sign(input))), "accepted");
  EXPECT_EQ(outcome(*v, input + "." + b64url(ec().sign_der(input))), "bad signature");
}

// ---- algorithm and key confusion

TEST_F(HostJwtTest, AlgNoneIsRefused) {
  auto v = with_secret();
  const std::string payload = b64url(json::serialize(claims()));
  for (const char* h : {R"({"alg":"none"})", R"({"alg":"None"})", R"({"alg":"NONE"})",
                        R"({"alg":"none","typ":"JWT"})"}) {
    EXPECT_EQ(outcome(*v, b64url(h) + "." + payload + "."), "algorithm not allowed") << h;
    EXPECT_EQ(outcome(*v, b64url(h) + "." + payload + "." + b64url("x")), "algorithm not allowed");
  }
}

TEST_F(HostJwtTest, Hs256SignedWithTheRsaPublicKeyIsRefused) {
  const std::string pem = rsa().public_pem();
  const std::string forged = hs256_token(header("HS256"), json::serialize(claims()), pem);
  // Only an RSA key configured: HS256 is not even allowed.
  auto onlyRsa = with_pem(rsa());
  EXPECT_EQ(outcome(*onlyRsa, forged), "algorithm not allowed");
  // RSA key and a secret: HS256 is allowed but only ever keyed with the secret.
  HostJwtOptions o;
  o.hmacSecret = std::string(kSecret);
  o.publicKeyPem = pem;
  auto both = make(o);
  EXPECT_EQ(outcome(*both, forged), "bad signature");
  EXPECT_EQ(outcome(*both, hs(claims())), "accepted");
  EXPECT_EQ(outcome(*both, asym(rsa(), claims())), "accepted");
}

TEST_F(HostJwtTest, Hs256KeyedWithAJwkOrJwksTextIsRefused) {
  jwksDoc_ = jwks_of({{&rsa(), "r1"}});
  const std::string n = std::string(rsa().jwk("r1").at("n").as_string());
  auto v = with_jwks();
  EXPECT_EQ(outcome(*v, hs256_token(header("HS256", "r1"), json::serialize(claims()), n)),
            "algorithm not allowed");
  EXPECT_EQ(outcome(*v, hs256_token(header("HS256", "r1"), json::serialize(claims()), jwksDoc_)),
            "algorithm not allowed");
}

TEST_F(HostJwtTest, OctKeysInAJwksAreIgnored) {
  jwksDoc_ = R"({"keys":[{"kty":"oct","kid":"h1","k":")" + b64url(kSecret) + R"("}]})";
  auto v = with_jwks();
  EXPECT_EQ(outcome(*v, hs256_token(header("HS256", "h1"), json::serialize(claims()), kSecret)),
            "algorithm not allowed");
  EXPECT_EQ(outcome(*v, asym(rsa(), claims(), "h1")), "unknown key id");
}

TEST_F(HostJwtTest, AlgorithmOutsideTheAllowList) {
  HostJwtOptions o;
  o.hmacSecret = std::string(kSecret);
  o.publicKeyPem = rsa().public_pem();
  o.algorithms = {"RS256"};
  auto v = make(o);
  EXPECT_EQ(outcome(*v, hs(claims())), "algorithm not allowed");
  EXPECT_EQ(outcome(*v, asym(rsa(), claims())), "accepted");
  EXPECT_EQ(outcome(*v, asym(ec(), claims())), "algorithm not allowed");
  // Names the verifier does not implement.
  for (const char* alg : {"HS384", "HS512", "RS384", "PS256", "ES384", "ES256K", "Ed25519", ""}) {
    const std::string h = json::serialize(json::object{{"alg", alg}});
    EXPECT_EQ(outcome(*v, signed_token(rsa(), h, json::serialize(claims()))),
              "algorithm not allowed")
        << alg;
  }
}

TEST_F(HostJwtTest, DefaultAllowListFollowsTheConfiguredKeys) {
  auto secretOnly = with_secret();
  EXPECT_EQ(outcome(*secretOnly, asym(rsa(), claims())), "algorithm not allowed");
  EXPECT_EQ(outcome(*secretOnly, asym(ec(), claims())), "algorithm not allowed");
  EXPECT_EQ(outcome(*secretOnly, asym(ed(), claims())), "algorithm not allowed");
  auto ecOnly = with_pem(ec());
  EXPECT_EQ(outcome(*ecOnly, asym(rsa(), claims())), "algorithm not allowed");
  EXPECT_EQ(outcome(*ecOnly, asym(ed(), claims())), "algorithm not allowed");
  EXPECT_EQ(outcome(*ecOnly, hs(claims())), "algorithm not allowed");
}

TEST_F(HostJwtTest, KeyFamilyIsNeverCrossed) {
  // An RS256 header over an ES256 signature, and so on: the header's alg picks the family, and a
  // key of another family is never tried.
  jwksDoc_ = jwks_of({{&rsa(), "r1"}, {&ec(), "e1"}, {&ed(), "d1"}});
  auto v = with_jwks();
  const std::string payload = json::serialize(claims());
  EXPECT_EQ(outcome(*v, signed_token(ec(), header("RS256", "e1"), payload)),
            "key does not fit the algorithm");
  EXPECT_EQ(outcome(*v, signed_token(rsa(), header("ES256", "r1"), payload)),
            "key does not fit the algorithm");
  EXPECT_EQ(outcome(*v, signed_token(ed(), header("ES256", "d1"), payload)),
            "key does not fit the algorithm");
  EXPECT_EQ(outcome(*v, signed_token(ec(), header("EdDSA", "e1"), payload)),
            "key does not fit the algorithm");
  // Same family, wrong key.
  EXPECT_EQ(outcome(*v, signed_token(rsa2(), header("RS256", "r1"), payload)), "bad signature");
}

TEST_F(HostJwtTest, JwkDeclaredAlgAndUseAreRespected) {
  json::object r = rsa().jwk("r1");
  r["alg"] = "RS256";
  json::object e = ec().jwk("e1");
  e["alg"] = "RS256";  // contradicts the key: the key is skipped
  json::object d = ed().jwk("d1");
  d["use"] = "enc";
  json::object r2 = rsa2().jwk("r2");
  r2["alg"] = "RS512";  // an algorithm we do not implement
  jwksDoc_ = json::serialize(json::object{{"keys", json::array{r, e, d, r2}}});
  auto v = with_jwks();
  EXPECT_EQ(outcome(*v, asym(rsa(), claims(), "r1")), "accepted");
  EXPECT_EQ(outcome(*v, asym(ec(), claims(), "e1")), "unknown key id");
  EXPECT_EQ(outcome(*v, asym(ed(), claims(), "d1")), "unknown key id");
  EXPECT_EQ(outcome(*v, asym(rsa2(), claims(), "r2")), "unknown key id");
}

TEST_F(HostJwtTest, HeaderSuppliedKeysAreIgnored) {
  // A token carrying its own key (jwk / jku / x5u) must still verify against configured keys.
  auto v = with_pem(rsa());
  json::object h{{"alg", "RS256"},
                 {"jwk", rsa2().jwk("")},
                 {"jku", "https://evil.example/jwks"},
                 {"x5u", "https://evil.example/cert"}};
  EXPECT_EQ(outcome(*v, signed_token(rsa2(), json::serialize(h), json::serialize(claims()))),
            "bad signature");
}

TEST_F(HostJwtTest, CriticalHeaderIsRefused) {
  auto v = with_pem(rsa());
  EXPECT_EQ(outcome(*v, signed_token(rsa(), R"({"alg":"RS256","crit":["b64"],"b64":false})",
                                     json::serialize(claims()))),
            "unsupported token header");
}

// ---- JWKS cache

TEST_F(HostJwtTest, UnknownKidRefetchesAndAcceptsAfterRotation) {
  jwksDoc_ = jwks_of({{&rsa(), "k1"}});
  auto v = with_jwks();
  EXPECT_EQ(outcome(*v, asym(rsa(), claims(), "k1")), "accepted");
  EXPECT_EQ(fetches_, 1);
  advance(60s);  // past jwksMinRefetch (30 s)
  jwksDoc_ = jwks_of({{&rsa(), "k1"}, {&rsa2(), "k2"}});
  EXPECT_EQ(outcome(*v, asym(rsa2(), claims(), "k2")), "accepted");
  EXPECT_EQ(fetches_, 2);
  EXPECT_EQ(outcome(*v, asym(rsa(), claims(), "k1")), "accepted");
  EXPECT_EQ(outcome(*v, asym(rsa2(), claims(), "k2")), "accepted");
  EXPECT_EQ(fetches_, 2);
}

TEST_F(HostJwtTest, RefetchIsRateLimited) {
  jwksDoc_ = jwks_of({{&rsa(), "k1"}});
  auto v = with_jwks();
  EXPECT_EQ(outcome(*v, asym(rsa(), claims(), "k1")), "accepted");  // first fetch
  advance(40s);
  EXPECT_EQ(outcome(*v, asym(rsa(), claims(), "made-up-1")), "unknown key id");
  EXPECT_EQ(fetches_, 2);
  advance(29s);  // within jwksMinRefetch of the last attempt
  EXPECT_EQ(outcome(*v, asym(rsa(), claims(), "made-up-2")), "unknown key id");
  EXPECT_EQ(outcome(*v, asym(rsa(), claims(), "made-up-3")), "unknown key id");
  EXPECT_EQ(fetches_, 2);
  // The rotated key appears, but the next fetch has to wait for the window to pass.
  jwksDoc_ = jwks_of({{&rsa(), "k1"}, {&rsa2(), "k2"}});
  EXPECT_EQ(outcome(*v, asym(rsa2(), claims(), "k2")), "unknown key id");
  EXPECT_EQ(fetches_, 2);
  advance(1s);
  EXPECT_EQ(outcome(*v, asym(rsa2(), claims(), "k2")), "accepted");
  EXPECT_EQ(fetches_, 3);
}

TEST_F(HostJwtTest, KnownKidsDoNotFetch) {
  jwksDoc_ = jwks_of({{&rsa(), "k1"}});
  auto v = with_jwks();
  for (int i = 0; i < 20; ++i) {
    advance(100s);
    EXPECT_EQ(outcome(*v, asym(rsa(), claims({{"exp", kNow + 10000}}), "k1")), "accepted");
  }
  EXPECT_EQ(fetches_, 1);
}

TEST_F(HostJwtTest, CacheIsRefreshedWhenOlderThanMaxAge) {
  jwksDoc_ = jwks_of({{&rsa(), "k1"}});
  HostJwtOptions o;
  o.jwksUrl = "https://idp.example/jwks";
  o.jwksMaxAge = 600s;
  auto v = make(o);
  const auto token = asym(rsa(), claims({{"exp", kNow + 100000}}), "k1");
  EXPECT_EQ(outcome(*v, token), "accepted");
  advance(599s);
  EXPECT_EQ(outcome(*v, token), "accepted");
  EXPECT_EQ(fetches_, 1);
  advance(1s);
  // The refreshed set dropped k1: the stale copy is not used any more.
  jwksDoc_ = jwks_of({{&rsa2(), "k2"}});
  EXPECT_EQ(outcome(*v, token), "unknown key id");
  EXPECT_EQ(fetches_, 2);
}

TEST_F(HostJwtTest, FetchFailureKeepsTheOldKeys) {
  jwksDoc_ = jwks_of({{&rsa(), "k1"}});
  HostJwtOptions o;
  o.jwksUrl = "https://idp.example/jwks";
  o.jwksMaxAge = 600s;
  auto v = make(o);
  const auto token = asym(rsa(), claims({{"exp", kNow + 100000}}), "k1");
  EXPECT_EQ(outcome(*v, token), "accepted");
  fetchFails_ = true;
  advance(700s);  // stale: a refresh is attempted and fails
  EXPECT_EQ(outcome(*v, token), "accepted");
  EXPECT_EQ(fetches_, 2);
  // A document that is not a JWKS counts as a failure too.
  fetchFails_ = false;
  jwksDoc_ = "<html>maintenance</html>";
  advance(60s);
  EXPECT_EQ(outcome(*v, token), "accepted");
  EXPECT_EQ(fetches_, 3);
  jwksDoc_ = R"({"keys":{}})";
  advance(60s);
  EXPECT_EQ(outcome(*v, token), "accepted");
  EXPECT_EQ(fetches_, 4);
}

TEST_F(HostJwtTest, NoKeysWhileTheKeyServerIsDown) {
  fetchFails_ = true;
  auto v = with_jwks();
  EXPECT_EQ(outcome(*v, asym(rsa(), claims(), "k1")), "unknown key id");
  EXPECT_EQ(outcome(*v, asym(rsa(), claims())), "no matching key");
  EXPECT_EQ(fetches_, 1);
  fetchFails_ = false;
  jwksDoc_ = jwks_of({{&rsa(), "k1"}});
  advance(31s);
  EXPECT_EQ(outcome(*v, asym(rsa(), claims(), "k1")), "accepted");
  EXPECT_EQ(fetches_, 2);
}

TEST_F(HostJwtTest, KeysWithoutKidMatchTokensWithoutKid) {
  jwksDoc_ = jwks_of({{&rsa(), ""}, {&ec(), "e1"}});
  auto v = with_jwks();
  EXPECT_EQ(outcome(*v, asym(rsa(), claims())), "accepted");
  EXPECT_EQ(outcome(*v, asym(ec(), claims())), "no matching key");
  EXPECT_EQ(outcome(*v, asym(ec(), claims(), "e1")), "accepted");
  EXPECT_EQ(fetches_, 1);
}

TEST_F(HostJwtTest, SeveralKidlessKeysAreAllTried) {
  jwksDoc_ = jwks_of({{&rsa(), ""}, {&rsa2(), ""}});
  auto v = with_jwks();
  EXPECT_EQ(outcome(*v, asym(rsa(), claims())), "accepted");
  EXPECT_EQ(outcome(*v, asym(rsa2(), claims())), "accepted");
}

TEST_F(HostJwtTest, PemKeyBacksUpTheJwks) {
  jwksDoc_ = jwks_of({{&rsa(), "k1"}});
  HostJwtOptions o;
  o.jwksUrl = "https://idp.example/jwks";
  o.publicKeyPem = ec().public_pem();
  auto v = make(o);
  EXPECT_EQ(outcome(*v, asym(rsa(), claims(), "k1")), "accepted");
  EXPECT_EQ(outcome(*v, asym(ec(), claims(), "pem")), "accepted");
  EXPECT_EQ(outcome(*v, asym(ec(), claims())), "accepted");
  // A kid the JWKS knows is never verified with the PEM key.
  EXPECT_EQ(outcome(*v, asym(ec(), claims(), "k1")), "key does not fit the algorithm");
}

TEST_F(HostJwtTest, BrokenJwksEntriesAreSkipped) {
  json::object shortRsa = KeyPair(KeyKind::Rsa, 1024).jwk("weak");
  json::object badPoint = ec().jwk("bad-point");
  std::string y = std::string(badPoint.at("y").as_string());
  y[5] = y[5] == 'A' ? 'B' : 'A';  // (x, y') is not on the curve
  badPoint["y"] = y;
  json::object p384{{"kty", "EC"},
                    {"crv", "P-384"},
                    {"x", b64url(std::string(48, 'x'))},
                    {"y", b64url(std::string(48, 'y'))},
                    {"kid", "p384"}};
  json::object noN{{"kty", "RSA"}, {"e", "AQAB"}, {"kid", "no-n"}};
  json::object kidNumber = rsa().jwk("");
  kidNumber["kid"] = 7;
  json::array keys{shortRsa,  badPoint,        p384, noN,
                   kidNumber, "not an object", 42,   rsa().jwk("good")};
  jwksDoc_ = json::serialize(json::object{{"keys", keys}});
  auto v = with_jwks();
  EXPECT_EQ(outcome(*v, asym(rsa(), claims(), "good")), "accepted");
  EXPECT_EQ(outcome(*v, asym(ec(), claims(), "bad-point")), "unknown key id");
  EXPECT_EQ(outcome(*v, asym(ec(), claims(), "p384")), "unknown key id");
  EXPECT_EQ(outcome(*v, asym(rsa(), claims(), "no-n")), "unknown key id");
  EXPECT_EQ(outcome(*v, asym(rsa(), claims())), "no matching key");
}

TEST_F(HostJwtTest, ConcurrentVerificationsShareOneFetch) {
  jwksDoc_ = jwks_of({{&rsa(), "k1"}, {&ec(), "e1"}});
  std::atomic<int> fetches{0};
  HostJwtOptions o;
  o.jwksUrl = "https://idp.example/jwks";
  const std::string doc = jwksDoc_;
  HostJwtVerifier v(
      o,
      [&]() -> std::string {
        ++fetches;
        return doc;
      },
      [] { return std::chrono::system_clock::time_point{std::chrono::seconds{kNow}}; });
  ASSERT_EQ(outcome(v, asym(rsa(), claims(), "k1")), "accepted");
  const std::string t1 = asym(rsa(), claims(), "k1");
  const std::string t2 = asym(ec(), claims(), "e1");
  std::atomic<int> accepted{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < 4; ++i) {
    threads.emplace_back([&, i] {
      for (int j = 0; j < 50; ++j) {
        try {
          v.verify(i % 2 == 0 ? t1 : t2);
          ++accepted;
        } catch (const domain::AppError&) {
        }
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(accepted.load(), 200);
  EXPECT_EQ(fetches.load(), 1);
}

// ---- claims

TEST_F(HostJwtTest, Expiry) {
  auto v = with_secret();
  EXPECT_EQ(outcome(*v, hs(claims({{"exp", kNow - 3600}}))), "token expired");
  // Default leeway 30 s: valid strictly before exp + leeway.
  EXPECT_EQ(outcome(*v, hs(claims({{"exp", kNow - 29}}))), "accepted");
  EXPECT_EQ(outcome(*v, hs(claims({{"exp", kNow - 30}}))), "token expired");
  EXPECT_EQ(outcome(*v, hs(claims({{"exp", kNow - 29.5}}))), "accepted");
  EXPECT_EQ(outcome(*v, hs(claims({{"exp", kNow - 30.5}}))), "token expired");
}

TEST_F(HostJwtTest, ExpiryWithoutLeeway) {
  HostJwtOptions o;
  o.hmacSecret = std::string(kSecret);
  o.leeway = 0s;
  auto v = make(o);
  EXPECT_EQ(outcome(*v, hs(claims({{"exp", kNow + 1}}))), "accepted");
  EXPECT_EQ(outcome(*v, hs(claims({{"exp", kNow}}))), "token expired");
  now_ += 999ms;
  EXPECT_EQ(outcome(*v, hs(claims({{"exp", kNow + 1}}))), "accepted");
  now_ += 1ms;
  EXPECT_EQ(outcome(*v, hs(claims({{"exp", kNow + 1}}))), "token expired");
}

TEST_F(HostJwtTest, ExpiryIsRequiredAndNumeric) {
  auto v = with_secret();
  json::object c = claims();
  c.erase("exp");
  EXPECT_EQ(outcome(*v, hs(c)), "token has no expiry");
  for (const json::value& bad : {json::value("1800000000"), json::value(nullptr), json::value(true),
                                 json::value(json::array{1800000000})}) {
    c["exp"] = bad;
    EXPECT_EQ(outcome(*v, hs(c)), "invalid time claim") << json::serialize(bad);
  }
}

TEST_F(HostJwtTest, HugeAndFractionalExpiry) {
  auto v = with_secret();
  EXPECT_EQ(v->verify(hs(claims({{"exp", 1e300}}))).expiresAt, 9'000'000'000'000'000'000LL);
  EXPECT_EQ(v->verify(hs(claims({{"exp", std::uint64_t{18446744073709551615ULL}}}))).expiresAt,
            9'000'000'000'000'000'000LL);
  EXPECT_EQ(v->verify(hs(claims({{"exp", kNow + 10.75}}))).expiresAt, kNow + 10);
  EXPECT_EQ(outcome(*v, hs(claims({{"exp", -1e300}}))), "token expired");
}

TEST_F(HostJwtTest, NotBefore) {
  auto v = with_secret();
  EXPECT_EQ(outcome(*v, hs(claims({{"nbf", kNow + 3600}}))), "token not yet valid");
  EXPECT_EQ(outcome(*v, hs(claims({{"nbf", kNow + 30}}))), "accepted");  // within leeway
  EXPECT_EQ(outcome(*v, hs(claims({{"nbf", kNow + 31}}))), "token not yet valid");
  EXPECT_EQ(outcome(*v, hs(claims({{"nbf", kNow - 100}}))), "accepted");
  EXPECT_EQ(outcome(*v, hs(claims({{"nbf", "soon"}}))), "invalid time claim");
}

TEST_F(HostJwtTest, IssuedAt) {
  auto v = with_secret();
  EXPECT_EQ(outcome(*v, hs(claims({{"iat", kNow + 30}}))), "accepted");
  EXPECT_EQ(outcome(*v, hs(claims({{"iat", kNow + 31}}))), "token issued in the future");
  EXPECT_EQ(outcome(*v, hs(claims({{"iat", json::array{}}}))), "invalid time claim");
  json::object c = claims();
  c.erase("iat");
  EXPECT_EQ(outcome(*v, hs(c)), "accepted");  // optional
}

TEST_F(HostJwtTest, Issuer) {
  HostJwtOptions o;
  o.hmacSecret = std::string(kSecret);
  o.issuer = "https://app.example";
  auto v = make(o);
  EXPECT_EQ(outcome(*v, hs(claims({{"iss", "https://app.example"}}))), "accepted");
  EXPECT_EQ(outcome(*v, hs(claims({{"iss", "https://evil.example"}}))), "wrong issuer");
  EXPECT_EQ(outcome(*v, hs(claims({{"iss", "https://app.example/"}}))), "wrong issuer");
  EXPECT_EQ(outcome(*v, hs(claims({{"iss", json::array{"https://app.example"}}}))), "wrong issuer");
  EXPECT_EQ(outcome(*v, hs(claims())), "wrong issuer");
  // Not configured: any issuer.
  EXPECT_EQ(outcome(*with_secret(), hs(claims({{"iss", "anyone"}}))), "accepted");
}

TEST_F(HostJwtTest, Audience) {
  HostJwtOptions o;
  o.hmacSecret = std::string(kSecret);
  o.audience = "livestreams";
  auto v = make(o);
  EXPECT_EQ(outcome(*v, hs(claims({{"aud", "livestreams"}}))), "accepted");
  EXPECT_EQ(outcome(*v, hs(claims({{"aud", json::array{"billing", "livestreams"}}}))), "accepted");
  EXPECT_EQ(outcome(*v, hs(claims({{"aud", "billing"}}))), "wrong audience");
  EXPECT_EQ(outcome(*v, hs(claims({{"aud", json::array{"billing"}}}))), "wrong audience");
  EXPECT_EQ(outcome(*v, hs(claims({{"aud", json::array{}}}))), "wrong audience");
  EXPECT_EQ(outcome(*v, hs(claims({{"aud", json::object{{"livestreams", true}}}}))),
            "wrong audience");
  EXPECT_EQ(outcome(*v, hs(claims())), "wrong audience");
}

TEST_F(HostJwtTest, Subject) {
  auto v = with_secret();
  json::object c = claims();
  c.erase("sub");
  EXPECT_EQ(outcome(*v, hs(c)), "token has no subject");
  EXPECT_EQ(outcome(*v, hs(claims({{"sub", ""}}))), "invalid subject");
  EXPECT_EQ(outcome(*v, hs(claims({{"sub", "   "}}))), "invalid subject");
  EXPECT_EQ(outcome(*v, hs(claims({{"sub", 42}}))), "invalid subject");
  EXPECT_EQ(outcome(*v, hs(claims({{"sub", nullptr}}))), "invalid subject");
  EXPECT_EQ(outcome(*v, hs(claims({{"sub", "a\nb"}}))), "invalid subject");
  EXPECT_EQ(outcome(*v, hs(claims({{"sub", "a\x7F"}}))), "invalid subject");
  EXPECT_EQ(outcome(*v, hs(claims({{"sub", "a\xC2\x85"}}))), "invalid subject");  // U+0085
  EXPECT_EQ(outcome(*v, hs(claims({{"sub", std::string(128, 'a')}}))), "accepted");
  EXPECT_EQ(outcome(*v, hs(claims({{"sub", std::string(129, 'a')}}))), "invalid subject");
  // Code points, not bytes: 128 two-byte characters fit.
  std::string wide;
  for (int i = 0; i < 128; ++i) wide += "\xC3\xA9";
  EXPECT_EQ(v->verify(hs(claims({{"sub", wide}}))).subject, wide);
}

TEST_F(HostJwtTest, DisplayNameFallsBackToTheSubject) {
  auto v = with_secret();
  EXPECT_EQ(v->verify(hs(claims())).displayName, "user-1");
  EXPECT_EQ(v->verify(hs(claims({{"name", "Zoë"}}))).displayName, "Zoë");
  EXPECT_EQ(v->verify(hs(claims({{"name", std::string(100, 'n')}}))).displayName,
            std::string(100, 'n'));
  EXPECT_EQ(v->verify(hs(claims({{"name", std::string(101, 'n')}}))).displayName, "user-1");
  EXPECT_EQ(v->verify(hs(claims({{"name", ""}}))).displayName, "user-1");
  EXPECT_EQ(v->verify(hs(claims({{"name", "bad\tname"}}))).displayName, "user-1");
  EXPECT_EQ(v->verify(hs(claims({{"name", 7}}))).displayName, "user-1");
}

TEST_F(HostJwtTest, AdminClaimBooleanForm) {
  auto v = with_secret();  // adminClaim "admin"
  EXPECT_TRUE(v->verify(hs(claims({{"admin", true}}))).admin);
  EXPECT_FALSE(v->verify(hs(claims({{"admin", false}}))).admin);
  EXPECT_FALSE(v->verify(hs(claims({{"admin", "true"}}))).admin);
  EXPECT_FALSE(v->verify(hs(claims({{"admin", 1}}))).admin);
  EXPECT_FALSE(v->verify(hs(claims({{"role", "admin"}}))).admin);
}

TEST_F(HostJwtTest, AdminClaimValueForm) {
  HostJwtOptions o;
  o.hmacSecret = std::string(kSecret);
  o.adminClaim = "role=admin";
  auto v = make(o);
  EXPECT_TRUE(v->verify(hs(claims({{"role", "admin"}}))).admin);
  EXPECT_TRUE(v->verify(hs(claims({{"role", json::array{"editor", "admin"}}}))).admin);
  EXPECT_FALSE(v->verify(hs(claims({{"role", "editor"}}))).admin);
  EXPECT_FALSE(v->verify(hs(claims({{"role", "Admin"}}))).admin);
  EXPECT_FALSE(v->verify(hs(claims({{"role", json::array{"editor"}}}))).admin);
  EXPECT_FALSE(v->verify(hs(claims({{"role", true}}))).admin);
  EXPECT_FALSE(v->verify(hs(claims({{"admin", true}}))).admin);
  EXPECT_FALSE(v->verify(hs(claims())).admin);
}

TEST_F(HostJwtTest, EmptyAdminClaimMakesNobodyAdmin) {
  HostJwtOptions o;
  o.hmacSecret = std::string(kSecret);
  o.adminClaim = "";
  auto v = make(o);
  EXPECT_FALSE(v->verify(hs(claims({{"admin", true}}))).admin);
}

// ---- malformed and oversized input

TEST_F(HostJwtTest, OversizedTokensAreRefusedBeforeParsing) {
  HostJwtOptions o;
  o.hmacSecret = std::string(kSecret);
  o.maxTokenBytes = 300;
  auto v = make(o);
  EXPECT_EQ(outcome(*v, std::string(301, '.')), "token too large");
  EXPECT_EQ(outcome(*v, hs(claims({{"pad", std::string(400, 'x')}}))), "token too large");
  const std::string fits = hs(claims());
  ASSERT_LE(fits.size(), 300u);
  EXPECT_EQ(outcome(*v, fits), "accepted");
  EXPECT_EQ(outcome(*with_secret(), std::string(8193, 'a')), "token too large");
}

TEST_F(HostJwtTest, MalformedStructure) {
  auto v = with_secret();
  const std::string good = hs(claims());
  const auto dot1 = good.find('.');
  const auto dot2 = good.rfind('.');
  const std::string h = good.substr(0, dot1);
  const std::string p = good.substr(dot1 + 1, dot2 - dot1 - 1);
  const std::string s = good.substr(dot2 + 1);
  for (const std::string& bad : {
           std::string(), std::string("."), std::string(".."), std::string("..."), h,
           h + "." + p,                      // 2 segments
           h + "." + p + "." + s + "." + s,  // 4 segments
           h + "." + p + "." + s + ".", "." + p + "." + s, h + ".." + s,
           h + "=." + p + "." + s,       // padding is not base64url
           h + "." + p + "." + s + "=",  //
           h + "." + p + "+." + s,       // standard-alphabet character
           h + "." + p + "." + s.substr(0, s.size() - 1) + "/", h + " ." + p + "." + s,
           "Bearer " + good, std::string(good).insert(dot1, "A"),  // a length that cannot be base64
       }) {
    EXPECT_EQ(outcome(*v, bad), "malformed token") << bad;
  }
}

TEST_F(HostJwtTest, MalformedHeader) {
  auto v = with_secret();
  const std::string payload = json::serialize(claims());
  for (const char* h : {
           "not json",
           "[\"HS256\"]",
           "\"HS256\"",
           "{}",
           "{\"alg\":256}",
           "{\"alg\":null}",
           "{\"alg\":[\"HS256\"]}",
           "{\"alg\":\"HS256\",\"kid\":5}",
           "{\"alg\":\"HS256\"",
           "{\"alg\":\"HS256\"} trailing",
       }) {
    EXPECT_EQ(outcome(*v, hs256_token(h, payload, kSecret)), "malformed token") << h;
  }
  // Invalid UTF-8 in the header JSON.
  EXPECT_EQ(outcome(*v, hs256_token("{\"alg\":\"HS256\",\"x\":\"\xff\"}", payload, kSecret)),
            "malformed token");
}

TEST_F(HostJwtTest, PayloadMustBeAJsonObject) {
  auto secretV = with_secret();
  auto rsaV = with_pem(rsa());
  for (const char* p : {"[1,2]", "\"user-1\"", "42", "null", "not json", "", "{\"sub\":"}) {
    EXPECT_EQ(outcome(*secretV, hs256_token(header("HS256"), p, kSecret)), "malformed token") << p;
    EXPECT_EQ(outcome(*rsaV, signed_token(rsa(), header("RS256"), p)), "malformed token") << p;
  }
  // With a wrong signature the signature is what fails for asymmetric tokens (nothing is parsed
  // before the signature is checked).
  EXPECT_EQ(outcome(*rsaV, signed_token(rsa2(), header("RS256"), "[1]")), "bad signature");
}

TEST_F(HostJwtTest, RefusalsNeverEchoTheTokenOrSecret) {
  HostJwtOptions o;
  o.hmacSecret = std::string(kSecret);
  auto v = make(o);
  const std::string token =
      hs(claims({{"exp", kNow - 1000}}), "wrong-secret-but-long-enough-0000000");
  try {
    v->verify(token);
    FAIL() << "accepted";
  } catch (const domain::AppError& e) {
    const std::string what = e.what();
    EXPECT_EQ(what.find(kSecret), std::string::npos);
    EXPECT_EQ(what.find(token.substr(0, 10)), std::string::npos);
    EXPECT_LT(what.size(), 40u);
  }
}

// ---- configuration

TEST_F(HostJwtTest, UnusableConfigurationsAreRefused) {
  const auto refused = [this](HostJwtOptions o) {
    EXPECT_THROW(make(std::move(o)), std::invalid_argument);
  };
  refused(HostJwtOptions{});  // no key at all
  {
    HostJwtOptions o;
    o.hmacSecret = "short";
    refused(o);
  }
  {
    HostJwtOptions o;
    o.publicKeyPem = "-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n";
    refused(o);
  }
  {
    HostJwtOptions o;
    o.publicKeyPem = KeyPair(KeyKind::Rsa, 1024).public_pem();  // too weak
    refused(o);
  }
  {
    HostJwtOptions o;
    o.publicKeyPem = "not a key";
    refused(o);
  }
  {
    HostJwtOptions o;
    o.hmacSecret = std::string(kSecret);
    o.algorithms = {"HS256", "none"};
    refused(o);
  }
  {
    HostJwtOptions o;
    o.hmacSecret = std::string(kSecret);
    o.algorithms = {"RS256"};  // no RSA key configured
    refused(o);
  }
  {
    HostJwtOptions o;
    o.publicKeyPem = ec().public_pem();
    o.algorithms = {"ES256", "EdDSA"};
    refused(o);
  }
  {
    HostJwtOptions o;
    o.hmacSecret = std::string(kSecret);
    o.adminClaim = "role=";
    refused(o);
  }
  {
    HostJwtOptions o;
    o.hmacSecret = std::string(kSecret);
    o.leeway = -1s;
    refused(o);
  }
  {
    HostJwtOptions o;
    o.jwksUrl = "https://idp.example/jwks";
    EXPECT_THROW(HostJwtVerifier(o, nullptr, nullptr), std::invalid_argument);
  }
}

TEST_F(HostJwtTest, PemWithSurroundingTextAndPrivateKeys) {
  HostJwtOptions o;
  o.publicKeyPem = "# the host app's key\n" + ed().public_pem() + "\n";
  EXPECT_NO_THROW(make(o));
  // A private key is not what AUTH_JWT_PUBLIC_KEY takes.
  o.publicKeyPem =
      "-----BEGIN PRIVATE "
      "KEY-----\nMC4CAQAwBQYDK2VwBCIEIGlS0aNjKAbqH2dX4yZ6HQWqWyGyW5m2nHk8vXUQ0L3b\n"
      "-----END PRIVATE KEY-----\n";
  EXPECT_THROW(make(o), std::invalid_argument);
}

TEST_F(HostJwtTest, DefaultClockIsTheSystemClock) {
  HostJwtOptions o;
  o.hmacSecret = std::string(kSecret);
  HostJwtVerifier v(o, nullptr, nullptr);
  const auto now = std::chrono::duration_cast<std::chrono::seconds>(
                       std::chrono::system_clock::now().time_since_epoch())
                       .count();
  EXPECT_EQ(outcome(v, hs(claims({{"exp", now + 60}, {"iat", now}}))), "accepted");
  EXPECT_EQ(outcome(v, hs(claims({{"exp", now - 60}, {"iat", now - 120}}))), "token expired");
}

}  // namespace
}  // namespace lso::auth
