// Status codes and envelope names of the error kinds.
#include "domain/errors.hpp"

namespace lso::domain {

int http_status(ErrorKind kind) {
  switch (kind) {
    case ErrorKind::Validation:
      return 400;
    case ErrorKind::Authentication:
      return 401;
    case ErrorKind::Authorization:
      return 403;
    case ErrorKind::NotFound:
      return 404;
    case ErrorKind::MethodNotAllowed:
      return 405;
    case ErrorKind::Conflict:
      return 409;
    case ErrorKind::PayloadTooLarge:
      return 413;
    case ErrorKind::UnsupportedMediaType:
      return 415;
    case ErrorKind::RateLimit:
      return 429;
    case ErrorKind::Internal:
      return 500;
    case ErrorKind::LiveKit:
      return 502;
    case ErrorKind::Unavailable:
      return 503;
  }
  return 500;
}

std::string_view error_name(ErrorKind kind) {
  switch (kind) {
    case ErrorKind::Validation:
      return "ValidationError";
    case ErrorKind::Authentication:
      return "AuthenticationError";
    case ErrorKind::Authorization:
      return "AuthorizationError";
    case ErrorKind::NotFound:
      return "NotFoundError";
    case ErrorKind::MethodNotAllowed:
      return "MethodNotAllowedError";
    case ErrorKind::Conflict:
      return "ConflictError";
    case ErrorKind::PayloadTooLarge:
      return "PayloadTooLargeError";
    case ErrorKind::UnsupportedMediaType:
      return "UnsupportedMediaTypeError";
    case ErrorKind::RateLimit:
      return "RateLimitError";
    case ErrorKind::Internal:
      return "InternalServerError";
    case ErrorKind::LiveKit:
      return "LiveKitError";
    case ErrorKind::Unavailable:
      return "ServiceUnavailableError";
  }
  return "InternalServerError";
}

}  // namespace lso::domain
