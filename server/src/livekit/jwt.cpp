// HS256 signing and verification with OpenSSL's HMAC and Boost.JSON. Runs once per join and per
// webhook, so the work is one buffer per token and one reusable MAC context per thread.
#include "livekit/jwt.hpp"

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>

#include <array>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include "livekit/base64.hpp"

namespace lso::livekit::jwt {
namespace {

// base64url of {"alg":"HS256","typ":"JWT"}, the header every token we sign carries.
constexpr std::string_view kHeader = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9";
// base64url of {"alg":"HS256"}, what the official JS SDK (jose) writes: a fast path for verify.
constexpr std::string_view kHeaderNoTyp = "eyJhbGciOiJIUzI1NiJ9";

using Mac = std::array<unsigned char, 32>;

// Setting up an HMAC context (fetching HMAC and SHA-256 from the provider tables, hashing the key
// pads) costs far more than MACing a token. So each thread keeps one context keyed with the last
// secret it saw and only re-arms it per token; a process normally has a single secret.
class ThreadHmac {
 public:
  ThreadHmac() {
    EVP_MAC* mac = EVP_MAC_fetch(nullptr, OSSL_MAC_NAME_HMAC, nullptr);
    if (mac != nullptr) {
      ctx_ = EVP_MAC_CTX_new(mac);
    }
    EVP_MAC_free(mac);  // the context holds its own reference
    if (ctx_ == nullptr) {
      throw std::runtime_error("OpenSSL provides no HMAC");
    }
  }
  ~ThreadHmac() { EVP_MAC_CTX_free(ctx_); }
  ThreadHmac(const ThreadHmac&) = delete;
  ThreadHmac& operator=(const ThreadHmac&) = delete;

  Mac compute(std::string_view secret, std::string_view data) {
    bool ok = true;
    if (!keyed_ || secret != secret_) {
      char digest[] = "SHA256";
      const OSSL_PARAM params[] = {
          OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, digest, 0),
          OSSL_PARAM_construct_end(),
      };
      // An empty key is legal HMAC; OpenSSL wants a non-null pointer for it.
      static const unsigned char kEmpty = 0;
      const auto* key =
          secret.empty() ? &kEmpty : reinterpret_cast<const unsigned char*>(secret.data());
      keyed_ = false;
      ok = EVP_MAC_init(ctx_, key, secret.size(), params) == 1;
      if (ok) {
        secret_.assign(secret);
        keyed_ = true;
      }
    } else {
      ok = EVP_MAC_init(ctx_, nullptr, 0, nullptr) == 1;  // same key, fresh message
    }
    Mac out{};
    std::size_t len = 0;
    ok = ok &&
         EVP_MAC_update(ctx_, reinterpret_cast<const unsigned char*>(data.data()), data.size()) ==
             1 &&
         EVP_MAC_final(ctx_, out.data(), &len, out.size()) == 1 && len == out.size();
    if (!ok) {
      keyed_ = false;
      throw std::runtime_error("HMAC-SHA256 failed");
    }
    return out;
  }

 private:
  EVP_MAC_CTX* ctx_ = nullptr;
  bool keyed_ = false;
  std::string secret_;
};

Mac hmac_sha256(std::string_view secret, std::string_view data) {
  thread_local ThreadHmac hmac;
  return hmac.compute(secret, data);
}

std::string_view as_chars(const Mac& mac) {
  return {reinterpret_cast<const char*>(mac.data()), mac.size()};
}

boost::json::object parse_object(std::string_view json, const char* what) {
  boost::system::error_code ec;
  boost::json::value v = boost::json::parse(json, ec);
  if (ec || !v.is_object()) {
    throw Error(std::string("JWT ") + what + " is not a JSON object");
  }
  return std::move(v.get_object());
}

}  // namespace

std::string sign(const boost::json::object& claims, std::string_view secret) {
  const std::string payload = boost::json::serialize(claims);
  std::string token;
  // header + '.' + payload (4/3) + '.' + 43 signature characters, in one allocation.
  token.reserve(kHeader.size() + 1 + (payload.size() + 2) / 3 * 4 + 1 + 43);
  token.append(kHeader);
  token.push_back('.');
  append_base64url(token, payload);
  const Mac mac = hmac_sha256(secret, token);
  token.push_back('.');
  append_base64url(token, as_chars(mac));
  return token;
}

boost::json::object verify(std::string_view token, std::string_view secret) {
  const auto first = token.find('.');
  const auto last = token.rfind('.');
  if (first == std::string_view::npos || first == last) {
    throw Error("JWT must have three parts");
  }
  const std::string_view header = token.substr(0, first);
  const std::string_view payload = token.substr(first + 1, last - first - 1);
  const std::string_view signature = token.substr(last + 1);
  if (payload.find('.') != std::string_view::npos) {
    throw Error("JWT must have three parts");
  }

  std::string buffer;
  if (header != kHeader && header != kHeaderNoTyp) {
    if (!decode_base64url(header, buffer)) {
      throw Error("JWT header is not base64url");
    }
    const boost::json::object h = parse_object(buffer, "header");
    const auto* alg = h.if_contains("alg");
    if (alg == nullptr || !alg->is_string() || alg->get_string() != "HS256") {
      throw Error("JWT algorithm must be HS256");
    }
    // Critical extensions we do not implement must make the token invalid (RFC 7515 §4.1.11).
    if (h.contains("crit")) {
      throw Error("JWT uses unsupported critical header parameters");
    }
  }

  if (!decode_base64url(signature, buffer) || buffer.size() != Mac{}.size()) {
    throw Error("JWT signature is malformed");
  }
  const Mac expected = hmac_sha256(secret, token.substr(0, last));
  if (CRYPTO_memcmp(expected.data(), buffer.data(), expected.size()) != 0) {
    throw Error("JWT signature does not match");
  }

  // Only a token we know to be authentic gets its payload parsed.
  if (!decode_base64url(payload, buffer)) {
    throw Error("JWT payload is not base64url");
  }
  return parse_object(buffer, "payload");
}

}  // namespace lso::livekit::jwt
