// Key pairs generated per test run with OpenSSL (RSA 2048, EC P-256, Ed25519) and a JWS signer
// written independently of the verifier, so the tests do not check the code against itself.
#pragma once

#include <openssl/evp.h>

#include <boost/json/object.hpp>
#include <memory>
#include <string>
#include <string_view>

namespace lso::auth::testing {

enum class KeyKind { Rsa, EcP256, Ed25519 };

class KeyPair {
 public:
  // Throws std::runtime_error when OpenSSL cannot generate the key. `rsaBits` for RSA only.
  explicit KeyPair(KeyKind kind, int rsaBits = 2048);
  KeyKind kind() const { return kind_; }
  // SubjectPublicKeyInfo, "-----BEGIN PUBLIC KEY-----".
  std::string public_pem() const;
  // The public JWK (kty, n/e, crv/x/y or crv/x), with `kid` when non-empty.
  boost::json::object jwk(std::string_view kid) const;
  // Signature over `input` in JOSE form: RS256 PKCS#1 v1.5, ES256 as 64-byte r || s, EdDSA raw.
  std::string sign(std::string_view input) const;
  // ES256 only: the DER ECDSA-Sig-Value OpenSSL produces (what a careless signer would send).
  std::string sign_der(std::string_view input) const;

 private:
  KeyKind kind_;
  std::shared_ptr<EVP_PKEY> pkey_;
};

std::string b64url(std::string_view bytes);
// header.payload with both JSON texts taken verbatim.
std::string signing_input(std::string_view headerJson, std::string_view payloadJson);
// A complete HS256 token over verbatim JSON texts, MAC'd with OpenSSL's HMAC directly.
std::string hs256_token(std::string_view headerJson, std::string_view payloadJson,
                        std::string_view secret);
// A complete token signed by `key` over verbatim JSON texts.
std::string signed_token(const KeyPair& key, std::string_view headerJson,
                         std::string_view payloadJson);

}  // namespace lso::auth::testing
