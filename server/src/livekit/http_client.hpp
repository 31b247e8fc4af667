// A blocking HTTP/1.1 client for one origin (http or https) with a keep-alive connection pool and
// deadlines: the transport under the Twirp client, kept apart from the Twirp protocol.
#pragma once

#include <chrono>
#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>

namespace lso::livekit {

struct HttpClientOptions {
  // Bounds connecting (TCP + TLS handshake) and, separately, each request/response exchange.
  // Name resolution is not bounded: getaddrinfo cannot be interrupted.
  std::chrono::milliseconds timeout{5000};
  // Keep-alive pool: idle connections kept for reuse, and how long an idle one is trusted.
  std::size_t maxIdleConnections = 8;
  std::chrono::seconds maxIdleTime{30};
  // Extra trusted CA certificates (PEM file) on top of the system store; empty for none.
  std::string caFile;
};

// The server could not be reached, the TLS handshake failed, or no complete response arrived in
// time. Whether the request took effect is unknown.
class HttpTransportError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct HttpResponse {
  unsigned status = 0;
  std::string body;
};

class HttpClient {
 public:
  // `baseUrl` is http://host[:port][/prefix] or https://…; https verifies the server certificate
  // against the system CA store (plus `options.caFile`) and the host name. Throws
  // std::invalid_argument for any other URL or an unreadable CA file.
  HttpClient(std::string_view baseUrl, HttpClientOptions options);
  ~HttpClient();
  HttpClient(const HttpClient&) = delete;
  HttpClient& operator=(const HttpClient&) = delete;

  // POSTs `body` to baseUrl + `path`. Thread-safe: each call holds its own connection. A reused
  // connection that the server had closed meanwhile is retried once on a fresh one.
  // Throws HttpTransportError.
  HttpResponse post(std::string_view path, std::string_view contentType,
                    std::string_view authorization, std::string body);

  // GETs baseUrl + `path` ("" for the base URL itself), with the same pooling, retry and errors
  // as post.
  HttpResponse get(std::string_view path, std::string_view authorization = {});

  // "scheme://host:port", for messages.
  const std::string& origin() const noexcept;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace lso::livekit
