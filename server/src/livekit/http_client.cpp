// Blocking HTTP/1.1 over Beast with deadlines. Each connection owns a private io_context and runs
// asynchronous operations to completion on the calling thread: Beast's tcp_stream timeouts apply
// only to asynchronous operations, and this is how they bound a blocking call.
#include "livekit/http_client.hpp"

#include <openssl/ssl.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/address.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <boost/url/parse.hpp>
#include <mutex>
#include <optional>
#include <vector>

namespace lso::livekit {
namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace ssl = asio::ssl;
using tcp = asio::ip::tcp;
using error_code = boost::system::error_code;

namespace {

// ListParticipants of a large room can be megabytes; anything beyond this is not LiveKit.
constexpr std::uint64_t kMaxResponseBody = std::uint64_t{64} * 1024 * 1024;

struct Origin {
  bool tls = false;
  std::string host;  // for DNS, SNI and certificate checks (IPv6 without brackets)
  std::string port;
  std::string hostHeader;  // host[:port] as written in the URL
  std::string pathPrefix;  // without trailing slash
  std::string text;        // scheme://host[:port], for messages
};

Origin parse_origin(std::string_view baseUrl) {
  const auto parsed = boost::urls::parse_absolute_uri(baseUrl);
  if (!parsed) {
    throw std::invalid_argument("not an absolute URL: " + std::string(baseUrl));
  }
  const boost::urls::url_view& u = *parsed;
  Origin o;
  if (u.scheme_id() == boost::urls::scheme::https) {
    o.tls = true;
  } else if (u.scheme_id() != boost::urls::scheme::http) {
    throw std::invalid_argument("URL scheme must be http or https: " + std::string(baseUrl));
  }
  o.host = u.host_address();
  if (o.host.empty()) {
    throw std::invalid_argument("URL has no host: " + std::string(baseUrl));
  }
  o.port = u.has_port() ? std::string(u.port()) : (o.tls ? "443" : "80");
  o.hostHeader = u.encoded_host_and_port();
  o.pathPrefix = u.encoded_path();
  while (!o.pathPrefix.empty() && o.pathPrefix.back() == '/') {
    o.pathPrefix.pop_back();
  }
  o.text = std::string(o.tls ? "https://" : "http://") + o.hostHeader;
  return o;
}

bool is_ip_literal(const std::string& host) {
  error_code ec;
  asio::ip::make_address(host, ec);
  return !ec;
}

// The ways a kept-alive connection fails when the server closed it while it sat idle.
bool closed_by_peer(const error_code& ec) {
  return ec == http::error::end_of_stream || ec == asio::error::eof ||
         ec == asio::error::connection_reset || ec == asio::error::connection_aborted ||
         ec == asio::error::broken_pipe || ec == ssl::error::stream_truncated;
}

class Connection {
 public:
  explicit Connection(ssl::context* tls) {
    if (tls != nullptr) {
      secure_.emplace(ioc_, *tls);
    } else {
      plain_.emplace(ioc_);
    }
  }

  error_code connect(const Origin& origin, std::chrono::milliseconds timeout) {
    error_code ec;
    tcp::resolver resolver(ioc_);
    tcp::resolver::results_type endpoints;
    resolver.async_resolve(origin.host, origin.port,
                           [&](error_code e, tcp::resolver::results_type r) {
                             ec = e;
                             endpoints = std::move(r);
                           });
    wait();
    if (ec) {
      return ec;
    }
    // One deadline for TCP connect and TLS handshake together.
    tcp().expires_after(timeout);
    tcp().async_connect(endpoints, [&](error_code e, const tcp::endpoint&) { ec = e; });
    wait();
    if (!ec && secure_) {
      // SNI carries names only (RFC 6066 §3); certificate checks cover names and addresses.
      if (!is_ip_literal(origin.host) &&
          SSL_set_tlsext_host_name(secure_->native_handle(), origin.host.c_str()) != 1) {
        return asio::error::invalid_argument;
      }
      secure_->set_verify_callback(ssl::host_name_verification(origin.host));
      secure_->async_handshake(ssl::stream_base::client, [&](error_code e) { ec = e; });
      wait();
    }
    tcp().expires_never();
    return ec;
  }

  // Writes `req` and reads one response into `parser` within `timeout`.
  error_code exchange(const http::request<http::string_body>& req,
                      http::response_parser<http::string_body>& parser,
                      std::chrono::milliseconds timeout) {
    error_code ec;
    const auto done = [&ec](error_code e, std::size_t) { ec = e; };
    tcp().expires_after(timeout);
    with_stream([&](auto& stream) { http::async_write(stream, req, done); });
    wait();
    if (!ec) {
      with_stream([&](auto& stream) { http::async_read(stream, buffer_, parser, done); });
      wait();
    }
    tcp().expires_never();
    return ec;
  }

  std::chrono::steady_clock::time_point idleSince;

 private:
  beast::tcp_stream& tcp() { return secure_ ? beast::get_lowest_layer(*secure_) : *plain_; }

  template <class F>
  void with_stream(F&& f) {
    if (secure_) {
      f(*secure_);
    } else {
      f(*plain_);
    }
  }

  // Runs the pending operation (and its timer) to completion on this thread.
  void wait() {
    ioc_.restart();
    ioc_.run();
  }

  asio::io_context ioc_{1};  // declared first: the streams below must be destroyed before it
  std::optional<beast::tcp_stream> plain_;
  std::optional<beast::ssl_stream<beast::tcp_stream>> secure_;
  beast::flat_buffer buffer_;
};

}  // namespace

struct HttpClient::Impl {
  Origin origin;
  HttpClientOptions options;
  std::optional<ssl::context> tls;

  std::mutex mutex;
  std::vector<std::unique_ptr<Connection>> idle;  // guarded by mutex; most recently used last

  std::unique_ptr<Connection> take_idle() {
    std::vector<std::unique_ptr<Connection>> expired;  // closed outside the lock
    std::lock_guard lock(mutex);
    const auto now = std::chrono::steady_clock::now();
    while (!idle.empty()) {
      std::unique_ptr<Connection> c = std::move(idle.back());
      idle.pop_back();
      if (now - c->idleSince < options.maxIdleTime) {
        return c;
      }
      // The most recently used one is too old, so all the others are as well.
      expired.push_back(std::move(c));
      for (auto& other : idle) {
        expired.push_back(std::move(other));
      }
      idle.clear();
    }
    return nullptr;
  }

  void give_back(std::unique_ptr<Connection> c) {
    c->idleSince = std::chrono::steady_clock::now();
    std::lock_guard lock(mutex);
    if (idle.size() < options.maxIdleConnections) {
      idle.push_back(std::move(c));
    }
  }

  // When one idle connection turned out closed (say LiveKit restarted), the older ones are too.
  void drop_idle() {
    std::vector<std::unique_ptr<Connection>> dropped;
    std::lock_guard lock(mutex);
    dropped.swap(idle);
  }

  http::request<http::string_body> request(http::verb verb, std::string_view path,
                                           std::string_view authorization) const {
    std::string target = origin.pathPrefix + std::string(path);
    if (target.empty()) {
      target = "/";  // GET of a base URL without a path
    }
    http::request<http::string_body> req{verb, target, 11};
    req.set(http::field::host, origin.hostHeader);
    req.set(http::field::user_agent, "livestream-orchestrator");
    if (!authorization.empty()) {
      req.set(http::field::authorization, authorization);
    }
    req.keep_alive(true);
    return req;
  }

  // At most two attempts, and the second only when the first went over a reused connection that
  // the server had already closed: then the request never reached it and resending is safe.
  HttpResponse send(const http::request<http::string_body>& req) {
    for (bool mayRetry = true;; mayRetry = false) {
      std::unique_ptr<Connection> conn = mayRetry ? take_idle() : nullptr;
      const bool reused = conn != nullptr;
      if (!conn) {
        conn = std::make_unique<Connection>(tls ? &*tls : nullptr);
        if (const error_code ec = conn->connect(origin, options.timeout)) {
          fail("connect", ec);
        }
      }
      http::response_parser<http::string_body> parser;
      parser.body_limit(kMaxResponseBody);
      if (const error_code ec = conn->exchange(req, parser, options.timeout)) {
        if (reused && !parser.got_some() && closed_by_peer(ec)) {
          drop_idle();
          continue;
        }
        fail("request", ec);
      }
      http::response<http::string_body> res = parser.release();
      if (res.keep_alive()) {
        give_back(std::move(conn));
      }
      return HttpResponse{res.result_int(), std::move(res.body())};
    }
  }

  [[noreturn]] void fail(const char* stage, const error_code& ec) const {
    const std::string why =
        ec == beast::error::timeout
            ? "no answer within " + std::to_string(options.timeout.count()) + " ms"
            : ec.message();
    throw HttpTransportError(origin.text + ": " + stage + " failed: " + why);
  }
};

HttpClient::HttpClient(std::string_view baseUrl, HttpClientOptions options)
    : impl_(std::make_unique<Impl>()) {
  impl_->origin = parse_origin(baseUrl);
  impl_->options = std::move(options);
  if (impl_->origin.tls) {
    auto& ctx = impl_->tls.emplace(ssl::context::tls_client);
    SSL_CTX_set_min_proto_version(ctx.native_handle(), TLS1_2_VERSION);
    ctx.set_verify_mode(ssl::verify_peer);
    ctx.set_default_verify_paths();
    if (!impl_->options.caFile.empty()) {
      boost::system::error_code ec;
      ctx.load_verify_file(impl_->options.caFile, ec);
      if (ec) {
        throw std::invalid_argument("cannot load CA file " + impl_->options.caFile + ": " +
                                    ec.message());
      }
    }
  }
}

HttpClient::~HttpClient() = default;

const std::string& HttpClient::origin() const noexcept {
  return impl_->origin.text;
}

HttpResponse HttpClient::post(std::string_view path, std::string_view contentType,
                              std::string_view authorization, std::string body) {
  http::request<http::string_body> req = impl_->request(http::verb::post, path, authorization);
  req.set(http::field::content_type, contentType);
  req.body() = std::move(body);
  req.prepare_payload();
  return impl_->send(req);
}

HttpResponse HttpClient::get(std::string_view path, std::string_view authorization) {
  http::request<http::string_body> req = impl_->request(http::verb::get, path, authorization);
  req.prepare_payload();
  return impl_->send(req);
}

}  // namespace lso::livekit
