// The floor for a webhook receiver benchmark on this machine: an epoll HTTP/1.1 responder that
// finds each request's end (headers, Content-Length) and answers a fixed 200 JSON body, with no
// routing, verification or storage. Driving it with the webhook benchmark's wrk script measures
// what the load generator and the kernel leave for a server on the same cores.
// Usage: http_floor <port> [threads=2]
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <string.h>  // strcasestr (GNU)
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <string>
#include <thread>
#include <unordered_map>
#include <vector>

namespace {
constexpr char kBody[] = R"({"id":"EV_0123456789abcdef","queued":true,"duplicate":false})";
const std::string kResponse =
    "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: " +
    std::to_string(sizeof kBody - 1) + "\r\n\r\n" + kBody;

void serve(int listener) {
  const int ep = epoll_create1(0);
  epoll_event le{};
  le.events = EPOLLIN | EPOLLEXCLUSIVE;
  le.data.fd = listener;
  epoll_ctl(ep, EPOLL_CTL_ADD, listener, &le);
  std::unordered_map<int, std::string> pending;
  epoll_event events[256];
  std::vector<char> buf(1 << 16);
  const int one = 1;
  for (;;) {
    const int k = epoll_wait(ep, events, 256, -1);
    for (int j = 0; j < k; ++j) {
      const int fd = events[j].data.fd;
      if (fd == listener) {
        for (int c; (c = accept4(listener, nullptr, nullptr, SOCK_NONBLOCK)) >= 0;) {
          setsockopt(c, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
          epoll_event ce{};
          ce.events = EPOLLIN;
          ce.data.fd = c;
          epoll_ctl(ep, EPOLL_CTL_ADD, c, &ce);
          pending[c].clear();
        }
        continue;
      }
      const ssize_t r = read(fd, buf.data(), buf.size());
      if (r <= 0) {
        pending.erase(fd);
        close(fd);
        continue;
      }
      std::string& in = pending[fd];
      in.append(buf.data(), static_cast<std::size_t>(r));
      std::string out;
      for (;;) {
        const auto headEnd = in.find("\r\n\r\n");
        if (headEnd == std::string::npos) break;
        std::size_t contentLength = 0;
        if (const char* h = strcasestr(in.c_str(), "\r\ncontent-length:");
            h && h < in.c_str() + headEnd)
          contentLength = std::strtoul(h + 17, nullptr, 10);
        if (in.size() < headEnd + 4 + contentLength) break;
        in.erase(0, headEnd + 4 + contentLength);
        out += kResponse;
      }
      if (!out.empty() && write(fd, out.data(), out.size()) < 0) std::perror("write");
    }
  }
}
}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: http_floor <port> [threads]\n");
    return 2;
  }
  const int threads = argc > 2 ? std::max(1, std::atoi(argv[2])) : 2;
  const int listener = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
  const int one = 1;
  setsockopt(listener, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = htons(static_cast<uint16_t>(std::atoi(argv[1])));
  if (bind(listener, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 ||
      listen(listener, 4096) != 0) {
    std::perror("listen");
    return 1;
  }
  std::vector<std::thread> workers;
  for (int t = 0; t < threads; ++t) workers.emplace_back(serve, listener);
  for (auto& t : workers) t.join();
}
