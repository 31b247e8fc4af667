// The error model of the domain: every failure it raises has a kind that says what went wrong,
// in no protocol's terms (userver's HandlerErrorCode is the model). The API maps each kind to
// its answer (api/errors.hpp); anything else is an internal error.
#pragma once

#include <stdexcept>
#include <string>

namespace lso::domain {

enum class ErrorKind {
  Validation,      // the request is malformed or breaks a rule of its fields
  Authentication,  // who is asking is unknown or their proof is invalid (webhook signatures)
  Authorization,   // the caller may not do this
  NotFound,        // the resource does not exist (or is not visible to the caller)
  Conflict,        // the resource's current state forbids it (already exists, already ended)
  RateLimit,       // too many requests of this caller; `retry_after_seconds` says when to retry
  Internal,        // a broken invariant: our fault
  LiveKit,         // LiveKit refused or failed a call
  Unavailable,     // a dependency is down; retry later
};

class AppError : public std::runtime_error {
 public:
  AppError(ErrorKind kind, const std::string& message) : std::runtime_error(message), kind_(kind) {}
  // `code`: a machine-readable reason beside the kind (e.g. "banned") that callers may act on;
  // `retryAfterSeconds` > 0: when the caller may try again (RateLimit).
  AppError(ErrorKind kind, const std::string& message, std::string code, long retryAfterSeconds = 0)
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
// livestream per room name, unique LiveKit participant sid): a Conflict.
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
