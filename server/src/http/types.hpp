// The transport's vocabulary: what a handler receives (Request) and answers (Reply).
// Handlers are coroutines on an I/O thread; they must hop to the blocking pool for any
// database or LiveKit call (see offload.hpp).
#pragma once

#include <boost/asio/awaitable.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/json/value.hpp>
#include <exception>
#include <functional>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace lso::http {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;

using RawRequest = bhttp::request<bhttp::string_body>;
using RawResponse = bhttp::response<bhttp::string_body>;

struct Route;

struct Request {
  const RawRequest& raw;
  std::string_view path;   // without the query string
  std::string_view query;  // after '?', still percent-encoded
  std::string clientIp;
  std::string requestId;
  std::vector<std::pair<std::string_view, std::string>> params;  // path parameters, decoded
  const Route* route = nullptr;  // the matched route (its metadata), null when none matched
  bool secure = false;           // came over HTTPS (X-Forwarded-Proto from a trusted proxy)
  // Set by the application's authentication middleware for the rest of the chain: who is asking
  // (an application type the transport never reads), and the key rate limits count against
  // (empty: the client IP).
  const void* principal = nullptr;
  std::string rateKey;

  // A path parameter by name ("" when the route has none of that name).
  std::string_view param(std::string_view name) const;
  // A query parameter, percent-decoded ('+' is a space); nullopt when absent.
  std::optional<std::string> query_param(std::string_view name) const;
  std::string_view header(std::string_view name) const;
};

// A complete response, or — when `stream` is set — response headers followed by a long-lived
// body the handler writes itself (Server-Sent Events). The session ends when the stream returns.
struct Reply {
  RawResponse response;
  std::function<asio::awaitable<void>(beast::tcp_stream&)> stream;
};

using Handler = std::function<asio::awaitable<Reply>(Request&)>;

// JSON replies in the API's envelope: {"success":false,"error":name,"message":…,"statusCode":…}
// for errors, {"success":true,"data":…} otherwise.
Reply json_reply(unsigned status, const boost::json::value& body);
Reply error_reply(unsigned status, std::string_view error, std::string_view message);
// {"success":true,"data":data}
Reply data_reply(unsigned status, boost::json::value data);

// An error answered with its own status and envelope name. The transport raises its own (405,
// 413, 415, 429); the application turns its errors into these with an ErrorMapper.
class HttpError : public std::runtime_error {
 public:
  // `code`: a machine-readable reason sent as the envelope's "code"; `retryAfterSeconds` > 0:
  // sent as Retry-After and "retryAfter".
  HttpError(unsigned status, std::string name, const std::string& message, std::string code = {},
            long retryAfterSeconds = 0)
      : std::runtime_error(message),
        status_(status),
        name_(std::move(name)),
        code_(std::move(code)),
        retryAfterSeconds_(retryAfterSeconds) {}
  unsigned status() const noexcept { return status_; }
  const std::string& name() const noexcept { return name_; }
  const std::string& code() const noexcept { return code_; }
  long retry_after_seconds() const noexcept { return retryAfterSeconds_; }

 private:
  unsigned status_;
  std::string name_;
  std::string code_;
  long retryAfterSeconds_ = 0;
};

// The errors the transport raises itself, whatever the application: 405 MethodNotAllowedError,
// 413 PayloadTooLargeError, 415 UnsupportedMediaTypeError, 429 RateLimitError (rate limits).
enum class TransportError { MethodNotAllowed, PayloadTooLarge, UnsupportedMediaType, RateLimit };
unsigned status_of(TransportError kind);
std::string_view name_of(TransportError kind);
HttpError transport_error(TransportError kind, const std::string& message);
Reply error_reply(TransportError kind, std::string_view message);

// The application's translation of what its handlers throw: the HttpError to answer with, or
// nullopt for an exception it does not know (then a 500).
using ErrorMapper = std::function<std::optional<HttpError>(const std::exception_ptr&)>;

// The error reply for a thrown exception: an HttpError's (or a mapped one's) own status and name,
// anything else a logged 500 that says nothing of the cause. A 500 that was mapped is logged with
// its message.
Reply exception_reply(const std::exception_ptr& error, std::string_view requestId,
                      const ErrorMapper* mapper = nullptr);

}  // namespace lso::http
