// OpenSSL key generation, JWK export and JOSE signing for the host-JWT tests.
#include "test_keys.hpp"

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/hmac.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>

#include <stdexcept>
#include <vector>

#include "livekit/base64.hpp"

namespace lso::auth::testing {
namespace {

std::string bn_bytes(const BIGNUM* bn, int width = 0) {
  std::string out(static_cast<std::size_t>(width > 0 ? width : BN_num_bytes(bn)), '\0');
  if (BN_bn2binpad(bn, reinterpret_cast<unsigned char*>(out.data()), static_cast<int>(out.size())) <
      0) {
    throw std::runtime_error("BN_bn2binpad failed");
  }
  return out;
}

std::string bn_param(EVP_PKEY* pkey, const char* name, int width = 0) {
  BIGNUM* bn = nullptr;
  if (EVP_PKEY_get_bn_param(pkey, name, &bn) != 1) {
    throw std::runtime_error(std::string("no key parameter ") + name);
  }
  std::string out = bn_bytes(bn, width);
  BN_free(bn);
  return out;
}

std::string digest_sign(EVP_PKEY* pkey, const EVP_MD* md, std::string_view input) {
  std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> ctx(EVP_MD_CTX_new(), EVP_MD_CTX_free);
  std::size_t length = 0;
  const auto* in = reinterpret_cast<const unsigned char*>(input.data());
  if (!ctx || EVP_DigestSignInit(ctx.get(), nullptr, md, nullptr, pkey) != 1 ||
      EVP_DigestSign(ctx.get(), nullptr, &length, in, input.size()) != 1) {
    throw std::runtime_error("EVP_DigestSign failed");
  }
  std::string out(length, '\0');
  if (EVP_DigestSign(ctx.get(), reinterpret_cast<unsigned char*>(out.data()), &length, in,
                     input.size()) != 1) {
    throw std::runtime_error("EVP_DigestSign failed");
  }
  out.resize(length);
  return out;
}

}  // namespace

KeyPair::KeyPair(KeyKind kind, int rsaBits) : kind_(kind) {
  EVP_PKEY* raw = nullptr;
  switch (kind) {
    case KeyKind::Rsa: raw = EVP_RSA_gen(static_cast<unsigned>(rsaBits)); break;
    case KeyKind::EcP256: raw = EVP_EC_gen("P-256"); break;
    case KeyKind::Ed25519: raw = EVP_PKEY_Q_keygen(nullptr, nullptr, "ED25519"); break;
  }
  if (raw == nullptr) {
    throw std::runtime_error("key generation failed");
  }
  pkey_.reset(raw, EVP_PKEY_free);
}

std::string KeyPair::public_pem() const {
  std::unique_ptr<BIO, decltype(&BIO_free)> bio(BIO_new(BIO_s_mem()), BIO_free);
  if (!bio || PEM_write_bio_PUBKEY(bio.get(), pkey_.get()) != 1) {
    throw std::runtime_error("PEM_write_bio_PUBKEY failed");
  }
  char* data = nullptr;
  const long length = BIO_get_mem_data(bio.get(), &data);
  return std::string(data, static_cast<std::size_t>(length));
}

boost::json::object KeyPair::jwk(std::string_view kid) const {
  boost::json::object out;
  switch (kind_) {
    case KeyKind::Rsa:
      out["kty"] = "RSA";
      out["n"] = b64url(bn_param(pkey_.get(), OSSL_PKEY_PARAM_RSA_N));
      out["e"] = b64url(bn_param(pkey_.get(), OSSL_PKEY_PARAM_RSA_E));
      break;
    case KeyKind::EcP256:
      out["kty"] = "EC";
      out["crv"] = "P-256";
      out["x"] = b64url(bn_param(pkey_.get(), OSSL_PKEY_PARAM_EC_PUB_X, 32));
      out["y"] = b64url(bn_param(pkey_.get(), OSSL_PKEY_PARAM_EC_PUB_Y, 32));
      break;
    case KeyKind::Ed25519: {
      std::string x(32, '\0');
      std::size_t length = x.size();
      if (EVP_PKEY_get_raw_public_key(pkey_.get(), reinterpret_cast<unsigned char*>(x.data()),
                                      &length) != 1) {
        throw std::runtime_error("EVP_PKEY_get_raw_public_key failed");
      }
      out["kty"] = "OKP";
      out["crv"] = "Ed25519";
      out["x"] = b64url(x);
      break;
    }
  }
  if (!kid.empty()) {
    out["kid"] = kid;
  }
  return out;
}

std::string KeyPair::sign(std::string_view input) const {
  switch (kind_) {
    case KeyKind::Rsa: return digest_sign(pkey_.get(), EVP_sha256(), input);
    case KeyKind::Ed25519: return digest_sign(pkey_.get(), nullptr, input);
    case KeyKind::EcP256: break;
  }
  const std::string der = sign_der(input);
  const auto* p = reinterpret_cast<const unsigned char*>(der.data());
  ECDSA_SIG* sig = d2i_ECDSA_SIG(nullptr, &p, static_cast<long>(der.size()));
  if (sig == nullptr) {
    throw std::runtime_error("d2i_ECDSA_SIG failed");
  }
  std::string out = bn_bytes(ECDSA_SIG_get0_r(sig), 32) + bn_bytes(ECDSA_SIG_get0_s(sig), 32);
  ECDSA_SIG_free(sig);
  return out;
}

std::string KeyPair::sign_der(std::string_view input) const {
  return digest_sign(pkey_.get(), EVP_sha256(), input);
}

std::string b64url(std::string_view bytes) {
  std::string out;
  livekit::append_base64url(out, bytes);
  return out;
}

std::string signing_input(std::string_view headerJson, std::string_view payloadJson) {
  return b64url(headerJson) + "." + b64url(payloadJson);
}

std::string hs256_token(std::string_view headerJson, std::string_view payloadJson,
                        std::string_view secret) {
  std::string token = signing_input(headerJson, payloadJson);
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  HMAC(EVP_sha256(), secret.data(), static_cast<int>(secret.size()),
       reinterpret_cast<const unsigned char*>(token.data()), token.size(), mac, &length);
  return token + "." + b64url({reinterpret_cast<const char*>(mac), length});
}

std::string signed_token(const KeyPair& key, std::string_view headerJson,
                         std::string_view payloadJson) {
  std::string token = signing_input(headerJson, payloadJson);
  return token + "." + b64url(key.sign(token));
}

}  // namespace lso::auth::testing
