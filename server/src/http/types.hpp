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

// JSON replies in the API's envelope (SPEC §4).
Reply json_reply(unsigned status, const boost::json::value& body);
Reply error_reply(unsigned status, std::string_view error, std::string_view message);
// {"success":true,"data":data}
Reply data_reply(unsigned status, boost::json::value data);
// The error reply for a thrown exception: an application error's own status and name, anything
// else a logged 500 that says nothing of the cause.
Reply exception_reply(std::exception_ptr error, std::string_view requestId);

}  // namespace lso::http
