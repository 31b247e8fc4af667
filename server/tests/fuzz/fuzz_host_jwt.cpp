// Fuzzes host-app token verification: arbitrary bytes as a token, as header and payload JSON
// wrapped into a correctly MAC'd HS256 token (to reach the claim rules), and as the JWKS document
// an identity provider serves. The only acceptable failure is an AppError (a 401); anything else
// — another exception, a crash, UB — is a finding.
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/pem.h>

#include <cstddef>
#include <cstdint>
#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>

#include "auth/host_jwt.hpp"
#include "domain/errors.hpp"
#include "livekit/base64.hpp"

namespace {

constexpr std::string_view kSecret = "fuzz-host-app-secret-0123456789abcdef";
constexpr long long kNow = 1'700'000'000;

std::chrono::system_clock::time_point fixed_now() {
  return std::chrono::system_clock::time_point{std::chrono::seconds{kNow}};
}

std::string rsa_public_pem() {
  EVP_PKEY* key = EVP_RSA_gen(2048);
  BIO* bio = BIO_new(BIO_s_mem());
  if (key == nullptr || bio == nullptr || PEM_write_bio_PUBKEY(bio, key) != 1) {
    throw std::runtime_error("cannot make the fuzzing RSA key");
  }
  char* data = nullptr;
  const long length = BIO_get_mem_data(bio, &data);
  std::string pem(data, static_cast<std::size_t>(length));
  BIO_free(bio);
  EVP_PKEY_free(key);
  return pem;
}

lso::auth::HostJwtOptions options() {
  static const std::string pem = rsa_public_pem();
  lso::auth::HostJwtOptions o;
  o.hmacSecret = std::string(kSecret);
  o.publicKeyPem = pem;
  o.issuer = "https://app.example";
  o.audience = "livestreams";
  o.adminClaim = "role=admin";
  return o;
}

std::string b64url(std::string_view bytes) {
  std::string out;
  lso::livekit::append_base64url(out, bytes);
  return out;
}

std::string hs256(std::string_view headerJson, std::string_view payloadJson) {
  std::string token = b64url(headerJson) + "." + b64url(payloadJson);
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  HMAC(EVP_sha256(), kSecret.data(), static_cast<int>(kSecret.size()),
       reinterpret_cast<const unsigned char*>(token.data()), token.size(), mac, &length);
  return token + "." + b64url({reinterpret_cast<const char*>(mac), length});
}

void verify(lso::auth::HostJwtVerifier& verifier, std::string_view token) {
  try {
    const auto claims = verifier.verify(token);
    if (claims.subject.empty() || claims.displayName.empty()) {
      __builtin_trap();  // an accepted token always names someone
    }
  } catch (const lso::domain::AppError& e) {
    if (e.kind() != lso::domain::ErrorKind::Authentication) {
      __builtin_trap();
    }
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using lso::auth::HostJwtVerifier;
  static HostJwtVerifier verifier(options(), nullptr, fixed_now);
  const std::string_view text(reinterpret_cast<const char*>(data), size);

  // 1. The bytes as they would arrive after "Bearer ".
  verify(verifier, text);

  // 2. header JSON '\n' payload JSON, correctly MAC'd: the header and claim rules see any JSON.
  const std::size_t nl = text.find('\n');
  if (nl != std::string_view::npos) {
    verify(verifier, hs256(text.substr(0, nl), text.substr(nl + 1)));
  } else {
    verify(verifier, hs256(R"({"alg":"HS256"})", text));
  }

  // 3. The bytes as a JWKS document (an identity provider's answer is input too); a fetch that
  // yields garbage must leave the verifier refusing, never failing otherwise.
  lso::auth::HostJwtOptions o;
  o.jwksUrl = "https://idp.example/jwks";
  HostJwtVerifier jwks(
      o, [&]() { return std::string(text); }, fixed_now);
  verify(jwks,
         "eyJhbGciOiJSUzI1NiIsImtpZCI6ImsxIn0.eyJzdWIiOiJ1c2VyLTEiLCJleHAiOjE4MDAwMDAwMDB9.AAAA");
  verify(jwks, "eyJhbGciOiJFUzI1NiJ9.eyJzdWIiOiJ1c2VyLTEiLCJleHAiOjE4MDAwMDAwMDB9." +
                   std::string(86, 'A'));
  return 0;
}
