// The error model of the API (SPEC §4): every failure the domain raises has a kind that maps to
// one HTTP status and one envelope name; anything else is an InternalServerError.
#pragma once

#include <stdexcept>
#include <string>
#include <string_view>

namespace lso::domain {

enum class ErrorKind {
  Validation,            // 400 ValidationError
  Authentication,        // 401 AuthenticationError (webhook signatures)
  Authorization,         // 403 AuthorizationError
  NotFound,              // 404 NotFoundError
  MethodNotAllowed,      // 405 MethodNotAllowedError
  Conflict,              // 409 ConflictError
  PayloadTooLarge,       // 413 PayloadTooLargeError
  UnsupportedMediaType,  // 415 UnsupportedMediaTypeError
  RateLimit,             // 429 RateLimitError
  Internal,              // 500 InternalServerError
  LiveKit,               // 502 LiveKitError
  Unavailable,           // 503 ServiceUnavailableError (a dependency is down; retry later)
};

int http_status(ErrorKind kind);
std::string_view error_name(ErrorKind kind);

class AppError : public std::runtime_error {
 public:
  AppError(ErrorKind kind, const std::string& message) : std::runtime_error(message), kind_(kind) {}
  // `code`: a machine-readable reason beside the kind (e.g. "banned"), sent as the envelope's
  // "code"; `retryAfterSeconds` > 0: sent as Retry-After and "retryAfter" (429s).
  AppError(ErrorKind kind, const std::string& message, std::string code,
           long retryAfterSeconds = 0)
      : std::runtime_error(message),
        kind_(kind),
        code_(std::move(code)),
        retryAfterSeconds_(retryAfterSeconds) {}
  ErrorKind kind() const noexcept { return kind_; }
  const std::string& code() const noexcept { return code_; }
  long retry_after_seconds() const noexcept { return retryAfterSeconds_; }

 private:
  ErrorKind kind_;
  std::string code_;
  long retryAfterSeconds_ = 0;
};

// A failed LiveKit server API call. `code` is LiveKit's Twirp error code ("not_found", …) or
// "unavailable" when LiveKit could not be reached at all.
class LiveKitError : public AppError {
 public:
  LiveKitError(std::string code, int http_status, const std::string& message)
      : AppError(ErrorKind::LiveKit, message), code_(std::move(code)), http_status_(http_status) {}
  const std::string& code() const noexcept { return code_; }
  int upstream_status() const noexcept { return http_status_; }
  bool is_not_found() const noexcept { return code_ == "not_found"; }

 private:
  std::string code_;
  int http_status_;
};

// Raised by a Store when a uniqueness rule is violated (one active session per user, one live
// livestream per room name, unique LiveKit participant sid). Domain code turns it into a 409.
class UniqueViolation : public AppError {
 public:
  explicit UniqueViolation(const std::string& constraint)
      : AppError(ErrorKind::Conflict, "unique constraint violated: " + constraint),
        constraint_(constraint) {}
  const std::string& constraint() const noexcept { return constraint_; }

 private:
  std::string constraint_;
};

}  // namespace lso::domain
