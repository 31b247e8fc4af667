// Host-app JWT verification: compact JWS parsing, HS256 through livekit::jwt, RS256/ES256/EdDSA
// through OpenSSL 3 EVP, JWKS parsing and caching, and the claim rules.
#include "auth/host_jwt.hpp"

#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/param_build.h>
#include <openssl/pem.h>

#include <algorithm>
#include <array>
#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>
#include <cmath>
#include <limits>
#include <stdexcept>

#include "domain/errors.hpp"
#include "domain/validation.hpp"
#include "livekit/base64.hpp"
#include "livekit/http_client.hpp"
#include "livekit/jwt.hpp"

namespace lso::auth {
namespace {

namespace json = boost::json;
using Clock = std::chrono::system_clock;

// A JWKS document larger than this, or with more keys, is not a key set an identity provider
// serves: refusing it bounds the work an attacker-controlled URL could cause.
constexpr std::size_t kMaxJwksBytes = std::size_t{1024} * 1024;
constexpr std::size_t kMaxJwksKeys = 64;
constexpr int kMinRsaBits = 2048;
constexpr int kMaxRsaBits = 8192;
constexpr std::size_t kMinHmacSecretBytes = 32;  // RFC 7518 §3.2: at least the hash size

enum class Alg { HS256, RS256, ES256, EdDSA };
constexpr std::size_t kAlgCount = 4;
enum class Family { Rsa, EcP256, Ed25519 };

std::optional<Alg> parse_alg(std::string_view name) {
  if (name == "HS256") return Alg::HS256;
  if (name == "RS256") return Alg::RS256;
  if (name == "ES256") return Alg::ES256;
  if (name == "EdDSA") return Alg::EdDSA;
  return std::nullopt;
}

// Only the asymmetric algorithms have a key family; HS256 never touches a public key.
Family family_of(Alg alg) {
  switch (alg) {
    case Alg::RS256: return Family::Rsa;
    case Alg::ES256: return Family::EcP256;
    default: return Family::Ed25519;
  }
}

[[noreturn]] void refuse(const char* reason) {
  throw domain::AppError(domain::ErrorKind::Authentication, reason);
}

// ---- OpenSSL ownership

template <class T, void (*Free)(T*)>
struct Deleter {
  void operator()(T* p) const noexcept { Free(p); }
};
template <class T, void (*Free)(T*)>
using Owned = std::unique_ptr<T, Deleter<T, Free>>;

void free_bn(BIGNUM* p) {
  BN_free(p);
}
void free_bio(BIO* p) {
  BIO_free(p);
}

using Pkey = Owned<EVP_PKEY, EVP_PKEY_free>;
using PkeyCtx = Owned<EVP_PKEY_CTX, EVP_PKEY_CTX_free>;
using MdCtx = Owned<EVP_MD_CTX, EVP_MD_CTX_free>;
using Bn = Owned<BIGNUM, free_bn>;
using Bio = Owned<BIO, free_bio>;
using ParamBld = Owned<OSSL_PARAM_BLD, OSSL_PARAM_BLD_free>;
using Params = Owned<OSSL_PARAM, OSSL_PARAM_free>;
using EcdsaSig = Owned<ECDSA_SIG, ECDSA_SIG_free>;

// A failed OpenSSL call leaves entries in the thread's error queue, where they would be mistaken
// for the cause of a later, unrelated failure (SSL_get_error reads that queue).
struct ClearErrors {
  ~ClearErrors() { ERR_clear_error(); }
};

const unsigned char* bytes(std::string_view s) {
  return reinterpret_cast<const unsigned char*>(s.data());
}

// ---- keys

struct PublicKey {
  std::optional<std::string> kid;  // JWKS keys only
  std::optional<Alg> alg;          // a JWK's declared `alg`: then only that algorithm may use it
  Family family = Family::Rsa;
  Pkey pkey;
};

// The family of an OpenSSL key, or nullopt for anything this verifier does not accept (RSA-PSS,
// other curves, Ed448, DSA, RSA outside the size bounds…).
std::optional<Family> classify(EVP_PKEY* pkey) {
  switch (EVP_PKEY_get_base_id(pkey)) {
    case EVP_PKEY_RSA: {
      const int bits = EVP_PKEY_get_bits(pkey);
      if (bits < kMinRsaBits || bits > kMaxRsaBits) {
        return std::nullopt;
      }
      return Family::Rsa;
    }
    case EVP_PKEY_EC: {
      std::array<char, 64> group{};
      std::size_t length = 0;
      if (EVP_PKEY_get_group_name(pkey, group.data(), group.size(), &length) != 1) {
        return std::nullopt;
      }
      const std::string_view name(group.data(), length);
      if (name != SN_X9_62_prime256v1) {
        return std::nullopt;
      }
      return Family::EcP256;
    }
    case EVP_PKEY_ED25519: return Family::Ed25519;
    default: return std::nullopt;
  }
}

// Rejects points off the curve and RSA keys OpenSSL considers broken.
bool public_check(EVP_PKEY* pkey) {
  const PkeyCtx ctx(EVP_PKEY_CTX_new_from_pkey(nullptr, pkey, nullptr));
  return ctx && EVP_PKEY_public_check(ctx.get()) == 1;
}

PublicKey load_pem(const std::string& pem) {
  const ClearErrors clear;
  if (pem.size() > static_cast<std::size_t>(std::numeric_limits<int>::max())) {
    throw std::invalid_argument("AUTH_JWT_PUBLIC_KEY is too large");
  }
  const Bio bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
  // A public key is never encrypted: a callback that supplies no passphrase keeps OpenSSL from
  // prompting on the terminal should the text be something else.
  pem_password_cb* noPassphrase = [](char*, int, int, void*) { return 0; };
  Pkey pkey(bio ? PEM_read_bio_PUBKEY(bio.get(), nullptr, noPassphrase, nullptr) : nullptr);
  if (!pkey) {
    throw std::invalid_argument("AUTH_JWT_PUBLIC_KEY is not a PEM public key (BEGIN PUBLIC KEY)");
  }
  const auto family = classify(pkey.get());
  if (!family || !public_check(pkey.get())) {
    throw std::invalid_argument(
        "AUTH_JWT_PUBLIC_KEY must be an RSA (2048 to 8192 bits), EC P-256 or Ed25519 public key");
  }
  return PublicKey{std::nullopt, std::nullopt, *family, std::move(pkey)};
}

Pkey from_params(const char* type, OSSL_PARAM_BLD* bld) {
  const Params params(OSSL_PARAM_BLD_to_param(bld));
  const PkeyCtx ctx(EVP_PKEY_CTX_new_from_name(nullptr, type, nullptr));
  EVP_PKEY* raw = nullptr;
  if (!params || !ctx || EVP_PKEY_fromdata_init(ctx.get()) != 1 ||
      EVP_PKEY_fromdata(ctx.get(), &raw, EVP_PKEY_PUBLIC_KEY, params.get()) != 1) {
    return nullptr;
  }
  return Pkey(raw);
}

std::optional<std::string> b64_member(const json::object& jwk, std::string_view name) {
  const auto* v = jwk.if_contains(name);
  std::string out;
  if (v == nullptr || !v->is_string() || !livekit::decode_base64url(v->get_string(), out)) {
    return std::nullopt;
  }
  return out;
}

Pkey rsa_from_jwk(const json::object& jwk) {
  const auto n = b64_member(jwk, "n");
  const auto e = b64_member(jwk, "e");
  if (!n || !e || n->empty() || e->empty() || n->size() > kMaxRsaBits / 8 + 1 || e->size() > 8) {
    return nullptr;
  }
  const Bn bn(BN_bin2bn(bytes(*n), static_cast<int>(n->size()), nullptr));
  const Bn be(BN_bin2bn(bytes(*e), static_cast<int>(e->size()), nullptr));
  const ParamBld bld(OSSL_PARAM_BLD_new());
  if (!bn || !be || !bld ||
      OSSL_PARAM_BLD_push_BN(bld.get(), OSSL_PKEY_PARAM_RSA_N, bn.get()) != 1 ||
      OSSL_PARAM_BLD_push_BN(bld.get(), OSSL_PKEY_PARAM_RSA_E, be.get()) != 1) {
    return nullptr;
  }
  return from_params("RSA", bld.get());
}

Pkey ec_from_jwk(const json::object& jwk) {
  const auto* crv = jwk.if_contains("crv");
  const auto x = b64_member(jwk, "x");
  const auto y = b64_member(jwk, "y");
  if (crv == nullptr || !crv->is_string() || crv->get_string() != "P-256" || !x || !y ||
      x->size() != 32 || y->size() != 32) {
    return nullptr;
  }
  // SEC 1 uncompressed point: 0x04 || x || y.
  std::array<unsigned char, 65> point{};
  point[0] = 0x04;
  std::copy(x->begin(), x->end(), point.begin() + 1);
  std::copy(y->begin(), y->end(), point.begin() + 33);
  char group[] = SN_X9_62_prime256v1;
  const ParamBld bld(OSSL_PARAM_BLD_new());
  if (!bld ||
      OSSL_PARAM_BLD_push_utf8_string(bld.get(), OSSL_PKEY_PARAM_GROUP_NAME, group, 0) != 1 ||
      OSSL_PARAM_BLD_push_octet_string(bld.get(), OSSL_PKEY_PARAM_PUB_KEY, point.data(),
                                       point.size()) != 1) {
    return nullptr;
  }
  return from_params("EC", bld.get());
}

Pkey ed25519_from_jwk(const json::object& jwk) {
  const auto* crv = jwk.if_contains("crv");
  const auto x = b64_member(jwk, "x");
  if (crv == nullptr || !crv->is_string() || crv->get_string() != "Ed25519" || !x ||
      x->size() != 32) {
    return nullptr;
  }
  return Pkey(EVP_PKEY_new_raw_public_key(EVP_PKEY_ED25519, nullptr, bytes(*x), x->size()));
}

// One JWK, or nullopt when it is unusable for signature verification here: symmetric (`oct`: a
// JWKS never supplies an HMAC key), another curve or type, `use` other than "sig", a declared
// `alg` this verifier does not implement or that does not fit the key, or bad key material.
std::optional<PublicKey> parse_jwk(const json::value& value) {
  if (!value.is_object()) {
    return std::nullopt;
  }
  const json::object& jwk = value.get_object();
  const auto* kty = jwk.if_contains("kty");
  if (kty == nullptr || !kty->is_string()) {
    return std::nullopt;
  }
  PublicKey key;
  if (const auto* kid = jwk.if_contains("kid")) {
    if (!kid->is_string()) {
      return std::nullopt;
    }
    key.kid = std::string(kid->get_string());
  }
  if (const auto* use = jwk.if_contains("use");
      use != nullptr && (!use->is_string() || use->get_string() != "sig")) {
    return std::nullopt;
  }
  const std::string_view type = kty->get_string();
  if (type == "RSA") {
    key.family = Family::Rsa;
    key.pkey = rsa_from_jwk(jwk);
  } else if (type == "EC") {
    key.family = Family::EcP256;
    key.pkey = ec_from_jwk(jwk);
  } else if (type == "OKP") {
    key.family = Family::Ed25519;
    key.pkey = ed25519_from_jwk(jwk);
  } else {
    return std::nullopt;
  }
  if (!key.pkey || classify(key.pkey.get()) != key.family || !public_check(key.pkey.get())) {
    return std::nullopt;
  }
  if (const auto* alg = jwk.if_contains("alg")) {
    const auto parsed = alg->is_string() ? parse_alg(alg->get_string()) : std::nullopt;
    if (!parsed || *parsed == Alg::HS256 || family_of(*parsed) != key.family) {
      return std::nullopt;
    }
    key.alg = parsed;
  }
  return key;
}

bool verify_signature(const PublicKey& key, Alg alg, std::string_view input,
                      std::string_view signature) {
  const ClearErrors clear;
  std::string der;
  if (alg == Alg::ES256) {
    // JOSE carries r || s as two 32-byte big-endian integers; OpenSSL wants a DER ECDSA-Sig-Value.
    if (signature.size() != 64) {
      return false;
    }
    EcdsaSig sig(ECDSA_SIG_new());
    Bn r(BN_bin2bn(bytes(signature), 32, nullptr));
    Bn s(BN_bin2bn(bytes(signature) + 32, 32, nullptr));
    if (!sig || !r || !s || ECDSA_SIG_set0(sig.get(), r.get(), s.get()) != 1) {
      return false;
    }
    // Owned by sig from here on: the pointers are not ours to free any more.
    (void)r.release();
    (void)s.release();
    const int length = i2d_ECDSA_SIG(sig.get(), nullptr);
    if (length <= 0) {
      return false;
    }
    der.resize(static_cast<std::size_t>(length));
    auto* out = reinterpret_cast<unsigned char*>(der.data());
    if (i2d_ECDSA_SIG(sig.get(), &out) != length) {
      return false;
    }
    signature = der;
  } else if (alg == Alg::RS256) {
    if (signature.size() != static_cast<std::size_t>(EVP_PKEY_get_size(key.pkey.get()))) {
      return false;
    }
  } else if (signature.size() != 64) {  // Ed25519
    return false;
  }
  const MdCtx ctx(EVP_MD_CTX_new());
  // Ed25519 hashes internally (PureEdDSA): no digest is named for it.
  const EVP_MD* md = alg == Alg::EdDSA ? nullptr : EVP_sha256();
  return ctx && EVP_DigestVerifyInit(ctx.get(), nullptr, md, nullptr, key.pkey.get()) == 1 &&
         EVP_DigestVerify(ctx.get(), bytes(signature), signature.size(), bytes(input),
                          input.size()) == 1;
}

// ---- claims

std::optional<double> number(const json::value* v) {
  if (v == nullptr) return std::nullopt;
  double d = 0;
  if (v->is_int64()) {
    d = static_cast<double>(v->get_int64());
  } else if (v->is_uint64()) {
    d = static_cast<double>(v->get_uint64());
  } else if (v->is_double()) {
    d = v->get_double();
  } else {
    return std::nullopt;
  }
  if (!std::isfinite(d)) return std::nullopt;
  return d;
}

long long to_epoch_seconds(double t) {
  // Clamped before the cast: converting an out-of-range double to an integer is undefined.
  constexpr double kLimit = 9.0e18;
  if (t >= kLimit) return static_cast<long long>(kLimit);
  if (t <= -kLimit) return -static_cast<long long>(kLimit);
  return static_cast<long long>(std::floor(t));
}

// The domain's text rules (not blank, length in code points, no control characters).
bool acceptable_text(std::string_view text, std::size_t maxChars) {
  try {
    domain::require_text("claim", text, maxChars);
    return true;
  } catch (const domain::AppError&) {
    return false;
  }
}

bool contains_string(const json::value& v, std::string_view wanted) {
  if (v.is_string()) {
    return v.get_string() == wanted;
  }
  if (v.is_array()) {
    for (const auto& item : v.get_array()) {
      if (item.is_string() && item.get_string() == wanted) {
        return true;
      }
    }
  }
  return false;
}

std::optional<json::object> parse_object(std::string_view text) {
  boost::system::error_code ec;
  json::value v = json::parse(text, ec);
  if (ec || !v.is_object()) {
    return std::nullopt;
  }
  return std::move(v.get_object());
}

}  // namespace

struct HostJwtVerifier::Keys {
  std::vector<PublicKey> keys;

  bool has_kid(std::string_view kid) const {
    return std::any_of(keys.begin(), keys.end(), [&](const PublicKey& k) { return k.kid == kid; });
  }
};

struct HostJwtVerifier::Config {
  std::array<bool, kAlgCount> allowed{};
  std::optional<PublicKey> pem;
  std::string adminClaim;                 // empty: nobody is admin through the token
  std::optional<std::string> adminValue;  // nullopt: the claim must be `true`
};

HostJwtVerifier::HostJwtVerifier(HostJwtOptions options, JwksFetch fetch, Now now)
    : options_(std::move(options)),
      fetch_(std::move(fetch)),
      now_(now ? std::move(now) : Now([] { return Clock::now(); })) {
  auto config = std::make_unique<Config>();
  if (!options_.hmacSecret.empty() && options_.hmacSecret.size() < kMinHmacSecretBytes) {
    throw std::invalid_argument("AUTH_JWT_SECRET must be at least 32 bytes");
  }
  if (!options_.publicKeyPem.empty()) {
    config->pem = load_pem(options_.publicKeyPem);
  }
  const bool jwks = !options_.jwksUrl.empty();
  if (jwks && !fetch_) {
    throw std::invalid_argument("AUTH_JWKS_URL is set but nothing fetches it");
  }
  const auto pemIs = [&](Family f) { return config->pem && config->pem->family == f; };
  const std::array<bool, kAlgCount> verifiable{
      !options_.hmacSecret.empty(),
      jwks || pemIs(Family::Rsa),
      jwks || pemIs(Family::EcP256),
      jwks || pemIs(Family::Ed25519),
  };
  if (options_.algorithms.empty()) {
    config->allowed = verifiable;
  } else {
    for (const std::string& name : options_.algorithms) {
      const auto alg = parse_alg(name);
      if (!alg) {
        throw std::invalid_argument("unknown JWT algorithm " + name +
                                    " (supported: HS256, RS256, ES256, EdDSA)");
      }
      const auto i = static_cast<std::size_t>(*alg);
      if (!verifiable[i]) {
        throw std::invalid_argument("no configured key can verify " + name);
      }
      config->allowed[i] = true;
    }
  }
  if (std::none_of(config->allowed.begin(), config->allowed.end(), [](bool b) { return b; })) {
    throw std::invalid_argument(
        "host tokens need AUTH_JWT_SECRET, AUTH_JWT_PUBLIC_KEY or AUTH_JWKS_URL");
  }
  if (options_.leeway.count() < 0) {
    throw std::invalid_argument("JWT leeway must not be negative");
  }
  const std::string& admin = options_.adminClaim;
  if (const auto eq = admin.find('='); eq != std::string::npos) {
    config->adminClaim = admin.substr(0, eq);
    config->adminValue = admin.substr(eq + 1);
    if (config->adminClaim.empty() || config->adminValue->empty()) {
      throw std::invalid_argument("admin claim must be NAME or NAME=VALUE");
    }
  } else {
    config->adminClaim = admin;
  }
  config_ = std::move(config);
}

HostJwtVerifier::~HostJwtVerifier() = default;

// Decides under the lock whether this call fetches, then fetches without it: a slow key server
// must not stall verifications that the cached keys can serve. A claimed attempt counts even when
// it fails, which is what rate-limits refetches caused by tokens with made-up key ids.
std::shared_ptr<const HostJwtVerifier::Keys> HostJwtVerifier::jwks(
    std::optional<std::string_view> kid) {
  const Clock::time_point now = now_();
  std::shared_ptr<const Keys> current;
  {
    const std::lock_guard lock(mutex_);
    current = jwks_;
    // A clock that stepped backwards must not freeze the cache until it catches up again.
    const bool stale = !current || now - fetchedAt_ >= options_.jwksMaxAge || now < fetchedAt_;
    const bool unknownKid = current && kid && !current->has_kid(*kid);
    const bool mayAttempt = !lastFetchAttempt_ ||
                            now - *lastFetchAttempt_ >= options_.jwksMinRefetch ||
                            now < *lastFetchAttempt_;
    if (!(stale || unknownKid) || !mayAttempt) {
      return current;
    }
    lastFetchAttempt_ = now;
  }
  std::shared_ptr<const Keys> fresh;
  try {
    fresh = parse_jwks(fetch_());
  } catch (const std::exception&) {
    return current;  // keep serving the keys we had
  }
  const std::lock_guard lock(mutex_);
  jwks_ = fresh;
  fetchedAt_ = now;
  return fresh;
}

domain::HostTokenClaims HostJwtVerifier::verify(std::string_view token) {
  if (token.size() > options_.maxTokenBytes) {
    refuse("token too large");
  }
  // Compact JWS: exactly three segments.
  const std::size_t first = token.find('.');
  const std::size_t second =
      first == std::string_view::npos ? std::string_view::npos : token.find('.', first + 1);
  if (second == std::string_view::npos || token.find('.', second + 1) != std::string_view::npos) {
    refuse("malformed token");
  }
  std::string headerJson;
  std::string payloadJson;
  std::string signature;
  if (!livekit::decode_base64url(token.substr(0, first), headerJson) ||
      !livekit::decode_base64url(token.substr(first + 1, second - first - 1), payloadJson) ||
      !livekit::decode_base64url(token.substr(second + 1), signature)) {
    refuse("malformed token");
  }
  const auto header = parse_object(headerJson);
  if (!header) {
    refuse("malformed token");
  }
  const auto* algValue = header->if_contains("alg");
  const auto* kidValue = header->if_contains("kid");
  if (algValue == nullptr || !algValue->is_string() ||
      (kidValue != nullptr && !kidValue->is_string())) {
    refuse("malformed token");
  }
  // Critical extensions we do not implement make the token invalid (RFC 7515 §4.1.11). Header
  // keys (`jwk`, `jku`, `x5u`, `x5c`) are never looked at: only configured keys verify.
  if (header->contains("crit")) {
    refuse("unsupported token header");
  }
  const auto alg = parse_alg(algValue->get_string());
  if (!alg || !config_->allowed[static_cast<std::size_t>(*alg)]) {
    refuse("algorithm not allowed");
  }
  const std::optional<std::string_view> kid =
      kidValue != nullptr ? std::optional<std::string_view>(kidValue->get_string()) : std::nullopt;

  std::optional<json::object> claims;
  if (*alg == Alg::HS256) {
    // The configured secret and nothing else: never PEM text, never a JWK.
    try {
      claims = livekit::jwt::verify(token, options_.hmacSecret);
    } catch (const livekit::jwt::Error&) {
      // The form was checked above, so it failed on the MAC or on a payload that is no object.
      if (parse_object(payloadJson)) {
        refuse("bad signature");
      }
      refuse("malformed token");
    }
  } else {
    const Family family = family_of(*alg);
    const auto fits = [&](const PublicKey& k) {
      return k.family == family && (!k.alg || *k.alg == *alg);
    };
    std::vector<const PublicKey*> candidates;
    std::shared_ptr<const Keys> set;  // keeps the JWKS keys alive while in use
    if (!options_.jwksUrl.empty()) {
      set = jwks(kid);
      if (set) {
        for (const PublicKey& k : set->keys) {
          if (k.kid == kid && fits(k)) {  // no kid on either side also matches
            candidates.push_back(&k);
          }
        }
      }
      if (kid && candidates.empty() && set && set->has_kid(*kid)) {
        refuse("key does not fit the algorithm");
      }
    }
    // The PEM key is the one configured key: it serves whatever `kid` the token names, unless
    // the JWKS knows that kid.
    if (candidates.empty() && config_->pem && fits(*config_->pem)) {
      candidates.push_back(&*config_->pem);
    }
    if (candidates.empty()) {
      refuse(kid ? "unknown key id" : "no matching key");
    }
    const std::string_view input = token.substr(0, second);
    const bool ok = std::any_of(candidates.begin(), candidates.end(), [&](const PublicKey* k) {
      return verify_signature(*k, *alg, input, signature);
    });
    if (!ok) {
      refuse("bad signature");
    }
    // Only an authentic payload is parsed.
    claims = parse_object(payloadJson);
    if (!claims) {
      refuse("malformed token");
    }
  }
  const json::object& c = *claims;

  const double now = std::chrono::duration<double>(now_().time_since_epoch()).count();
  const auto leeway = static_cast<double>(options_.leeway.count());
  const auto* expValue = c.if_contains("exp");
  if (expValue == nullptr) {
    refuse("token has no expiry");
  }
  const auto exp = number(expValue);
  if (!exp) {
    refuse("invalid time claim");
  }
  // RFC 7519 §4.1.4: valid only before `exp`.
  if (now >= *exp + leeway) {
    refuse("token expired");
  }
  if (const auto* nbfValue = c.if_contains("nbf")) {
    const auto nbf = number(nbfValue);
    if (!nbf) refuse("invalid time claim");
    if (*nbf > now + leeway) refuse("token not yet valid");
  }
  if (const auto* iatValue = c.if_contains("iat")) {
    const auto iat = number(iatValue);
    if (!iat) refuse("invalid time claim");
    if (*iat > now + leeway) refuse("token issued in the future");
  }
  if (!options_.issuer.empty()) {
    const auto* iss = c.if_contains("iss");
    if (iss == nullptr || !iss->is_string() || iss->get_string() != options_.issuer) {
      refuse("wrong issuer");
    }
  }
  if (!options_.audience.empty()) {
    const auto* aud = c.if_contains("aud");
    if (aud == nullptr || !contains_string(*aud, options_.audience)) {
      refuse("wrong audience");
    }
  }
  const auto* sub = c.if_contains("sub");
  if (sub == nullptr) {
    refuse("token has no subject");
  }
  if (!sub->is_string() || !acceptable_text(sub->get_string(), domain::limits::kUserIdMax)) {
    refuse("invalid subject");
  }

  domain::HostTokenClaims out;
  out.subject = std::string(sub->get_string());
  const auto* name = c.if_contains("name");
  out.displayName = name != nullptr && name->is_string() &&
                            acceptable_text(name->get_string(), domain::limits::kDisplayNameMax)
                        ? std::string(name->get_string())
                        : out.subject;
  if (!config_->adminClaim.empty()) {
    if (const auto* admin = c.if_contains(config_->adminClaim)) {
      out.admin = config_->adminValue ? contains_string(*admin, *config_->adminValue)
                                      : admin->is_bool() && admin->get_bool();
    }
  }
  out.expiresAt = to_epoch_seconds(*exp);
  return out;
}

std::shared_ptr<const HostJwtVerifier::Keys> HostJwtVerifier::parse_jwks(std::string_view text) {
  if (text.size() > kMaxJwksBytes) {
    throw std::runtime_error("JWKS document too large");
  }
  const auto doc = parse_object(text);
  const json::value* keys = doc ? doc->if_contains("keys") : nullptr;
  if (keys == nullptr || !keys->is_array()) {
    throw std::runtime_error("not a JWKS document");
  }
  auto out = std::make_shared<HostJwtVerifier::Keys>();
  for (const json::value& jwk : keys->get_array()) {
    if (out->keys.size() == kMaxJwksKeys) {
      break;
    }
    if (auto key = parse_jwk(jwk)) {
      out->keys.push_back(std::move(*key));
    }
  }
  return out;
}

HostJwtVerifier::JwksFetch http_jwks_fetch(std::string_view url,
                                           std::chrono::milliseconds timeout) {
  livekit::HttpClientOptions options;
  options.timeout = timeout;
  options.maxIdleConnections = 1;
  auto client = std::make_shared<livekit::HttpClient>(url, std::move(options));
  return [client]() -> std::string {
    livekit::HttpResponse response = client->get("");
    if (response.status != 200) {
      throw std::runtime_error("JWKS endpoint " + client->origin() + " answered HTTP " +
                               std::to_string(response.status));
    }
    return std::move(response.body);
  };
}

}  // namespace lso::auth
