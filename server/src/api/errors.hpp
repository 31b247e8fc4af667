// How the API answers the domain's errors: each kind's HTTP status and envelope name. The
// server calls `http_error_of` for whatever a handler or middleware throws
// (Server::set_error_mapper).
#pragma once

#include <exception>
#include <optional>
#include <string_view>

#include "domain/errors.hpp"
#include "http/types.hpp"

namespace lso::api {

unsigned http_status(domain::ErrorKind kind);
std::string_view error_name(domain::ErrorKind kind);

// A domain::AppError as the reply it gets (status, envelope name, message, code, Retry-After);
// nullopt for any other exception.
std::optional<http::HttpError> http_error_of(const std::exception_ptr& error);

}  // namespace lso::api
