// Status codes and envelope names of the domain's error kinds.
#include "api/errors.hpp"

#include <string>

namespace lso::api {

using domain::ErrorKind;

unsigned http_status(ErrorKind kind) {
  switch (kind) {
    case ErrorKind::Validation: return 400;
    case ErrorKind::Authentication: return 401;
    case ErrorKind::Authorization: return 403;
    case ErrorKind::NotFound: return 404;
    case ErrorKind::Conflict: return 409;
    case ErrorKind::RateLimit: return 429;
    case ErrorKind::Internal: return 500;
    case ErrorKind::LiveKit: return 502;
    case ErrorKind::Unavailable: return 503;
  }
  return 500;
}

std::string_view error_name(ErrorKind kind) {
  switch (kind) {
    case ErrorKind::Validation: return "ValidationError";
    case ErrorKind::Authentication: return "AuthenticationError";
    case ErrorKind::Authorization: return "AuthorizationError";
    case ErrorKind::NotFound: return "NotFoundError";
    case ErrorKind::Conflict: return "ConflictError";
    case ErrorKind::RateLimit: return "RateLimitError";
    case ErrorKind::Internal: return "InternalServerError";
    case ErrorKind::LiveKit: return "LiveKitError";
    case ErrorKind::Unavailable: return "ServiceUnavailableError";
  }
  return "InternalServerError";
}

std::optional<http::HttpError> http_error_of(const std::exception_ptr& error) {
  try {
    std::rethrow_exception(error);
  } catch (const domain::AppError& e) {
    // The base's code: LiveKitError shadows code() with LiveKit's own, which is no envelope code.
    return http::HttpError(http_status(e.kind()), std::string(error_name(e.kind())), e.what(),
                           e.AppError::code(), e.retry_after_seconds());
  } catch (...) {
    return std::nullopt;
  }
}

}  // namespace lso::api
