// A scripted HTTP/1.1 server on 127.0.0.1 (ephemeral port) for client tests: records every
// request, answers with what the test's handler returns, and counts accepted connections.
#pragma once

#include <atomic>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <chrono>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace lso::livekit::testing {

struct RecordedRequest {
  std::string method;
  std::string target;
  std::string contentType;
  std::string authorization;
  std::string host;
  std::string body;
};

struct CannedResponse {
  unsigned status = 200;
  std::string body = "{}";
  std::chrono::milliseconds delay{0};
  // Close the connection after answering without announcing it, as a server whose keep-alive
  // timeout fired does: the client only notices on its next request.
  bool closeSilently = false;
};

class TestHttpServer {
 public:
  using Handler = std::function<CannedResponse(const RecordedRequest&)>;

  // With `tls`, every connection starts with a TLS handshake using that context's certificate.
  explicit TestHttpServer(Handler handler, boost::asio::ssl::context* tls = nullptr)
      : handler_(std::move(handler)), tls_(tls) {
    namespace asio = boost::asio;
    acceptor_.open(asio::ip::tcp::v4());
    acceptor_.set_option(asio::ip::tcp::acceptor::reuse_address(true));
    acceptor_.bind({asio::ip::make_address("127.0.0.1"), 0});
    acceptor_.listen();
    asio::co_spawn(ioc_, accept_loop(), asio::detached);
    thread_ = std::thread([this] { ioc_.run(); });
  }

  ~TestHttpServer() {
    ioc_.stop();
    thread_.join();
  }

  TestHttpServer(const TestHttpServer&) = delete;
  TestHttpServer& operator=(const TestHttpServer&) = delete;

  unsigned short port() const { return acceptor_.local_endpoint().port(); }
  std::string url(const std::string& scheme = "ws") const {
    return scheme + "://127.0.0.1:" + std::to_string(port());
  }
  int connections() const { return connections_.load(); }
  // Connections the server has closed (closeSilently, or a request without keep-alive).
  int closed() const { return closed_.load(); }
  std::vector<RecordedRequest> requests() const {
    std::lock_guard lock(mutex_);
    return requests_;
  }

 private:
  boost::asio::awaitable<void> accept_loop() {
    for (;;) {
      boost::asio::ip::tcp::socket socket =
          co_await acceptor_.async_accept(boost::asio::use_awaitable);
      ++connections_;
      boost::asio::co_spawn(ioc_, session(std::move(socket)), boost::asio::detached);
    }
  }

  boost::asio::awaitable<void> session(boost::asio::ip::tcp::socket socket) {
    if (tls_ == nullptr) {
      co_await serve(socket);
    } else {
      boost::beast::ssl_stream<boost::asio::ip::tcp::socket> stream(std::move(socket), *tls_);
      co_await stream.async_handshake(boost::asio::ssl::stream_base::server,
                                      boost::asio::use_awaitable);
      co_await serve(stream);
    }
  }

  template <class Stream>
  boost::asio::awaitable<void> serve(Stream& stream) {
    namespace http = boost::beast::http;
    auto& socket = boost::beast::get_lowest_layer(stream);
    boost::beast::flat_buffer buffer;
    for (;;) {
      http::request<http::string_body> req;
      co_await http::async_read(stream, buffer, req, boost::asio::use_awaitable);
      RecordedRequest rec{std::string(req.method_string()),
                          std::string(req.target()),
                          std::string(req[http::field::content_type]),
                          std::string(req[http::field::authorization]),
                          std::string(req[http::field::host]),
                          req.body()};
      {
        std::lock_guard lock(mutex_);
        requests_.push_back(rec);
      }
      const CannedResponse canned = handler_(rec);
      if (canned.delay.count() > 0) {
        boost::asio::steady_timer timer(ioc_, canned.delay);
        co_await timer.async_wait(boost::asio::use_awaitable);
      }
      http::response<http::string_body> res{static_cast<http::status>(canned.status), 11};
      res.set(http::field::content_type, "application/json");
      res.keep_alive(req.keep_alive());
      res.body() = canned.body;
      res.prepare_payload();
      co_await http::async_write(stream, res, boost::asio::use_awaitable);
      if (canned.closeSilently || !req.keep_alive()) {
        boost::system::error_code ignored;
        socket.shutdown(boost::asio::ip::tcp::socket::shutdown_both, ignored);
        ++closed_;
        co_return;
      }
    }
  }

  Handler handler_;
  boost::asio::ssl::context* tls_;
  boost::asio::io_context ioc_{1};
  boost::asio::ip::tcp::acceptor acceptor_{ioc_};
  std::thread thread_;
  std::atomic<int> connections_{0};
  std::atomic<int> closed_{0};
  mutable std::mutex mutex_;
  std::vector<RecordedRequest> requests_;
};

}  // namespace lso::livekit::testing
