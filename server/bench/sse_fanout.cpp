// SSE fan-out timing with a lean client: one process, epoll, N connections to one livestream's
// event stream. Once every connection has its `state` event it ends the livestream
// (DELETE /api/v1/livestreams/:id) and reports when `room_ended` reached the first and the last
// subscriber, measured from the DELETE. The client spends ~1 µs per delivery, so the figure is
// the server's fan-out rather than the client's parsing (compare scripts/bench.d/sse_load.mjs,
// whose Node clients share the cores with the server).
// Usage: sse_fanout <host> <port> <livestreamId> <connections> [requestingUserId]
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

namespace {

using Clock = std::chrono::steady_clock;

int connect_to(const char* host, int port) {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return -1;
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<std::uint16_t>(port));
  inet_pton(AF_INET, host, &addr.sin_addr);
  if (connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    close(fd);
    return -1;
  }
  int one = 1;
  setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  return fd;
}

bool send_all(int fd, const std::string& s) {
  std::size_t off = 0;
  while (off < s.size()) {
    const auto n = send(fd, s.data() + off, s.size() - off, MSG_NOSIGNAL);
    if (n <= 0) return false;
    off += static_cast<std::size_t>(n);
  }
  return true;
}

struct Conn {
  int fd = -1;
  std::string buf;
  bool ready = false;  // `state` received
  bool ended = false;  // `room_ended` received
  Clock::time_point at{};
};

}  // namespace

int main(int argc, char** argv) {
  if (argc < 5) {
    std::fprintf(stderr, "usage: %s host port livestreamId connections [requestingUserId]\n",
                 argv[0]);
    return 2;
  }
  const char* host = argv[1];
  const int port = std::atoi(argv[2]);
  const std::string id = argv[3];
  const int count = std::atoi(argv[4]);
  const std::string requester = argc > 5 ? argv[5] : "bench";

  rlimit lim{};
  getrlimit(RLIMIT_NOFILE, &lim);
  lim.rlim_cur = lim.rlim_max;
  setrlimit(RLIMIT_NOFILE, &lim);

  const int ep = epoll_create1(0);
  std::vector<Conn> conns(static_cast<std::size_t>(count));
  const std::string request = "GET /api/v1/livestreams/" + id +
                              "/events HTTP/1.1\r\nHost: " + host +
                              "\r\nAccept: text/event-stream\r\n\r\n";
  for (int i = 0; i < count; ++i) {
    auto& c = conns[static_cast<std::size_t>(i)];
    c.fd = connect_to(host, port);
    if (c.fd < 0 || !send_all(c.fd, request)) {
      std::fprintf(stderr, "connection %d failed: %s\n", i, std::strerror(errno));
      return 1;
    }
    epoll_event ev{};
    ev.events = EPOLLIN;
    ev.data.u32 = static_cast<std::uint32_t>(i);
    epoll_ctl(ep, EPOLL_CTL_ADD, c.fd, &ev);
  }

  int ready = 0;
  int ended = 0;
  bool triggered = false;
  Clock::time_point trigger{};
  Clock::time_point answered{};
  int deleteFd = -1;
  std::vector<epoll_event> events(1024);
  char chunk[4096];
  const auto deadline = Clock::now() + std::chrono::seconds(120);
  while (ended < count && Clock::now() < deadline) {
    if (!triggered && ready == count) {
      std::printf("SSE connections ready: %d\n", count);
      std::fflush(stdout);
      const int fd = connect_to(host, port);
      const std::string body = "{\"requestingUserId\":\"" + requester + "\"}";
      const std::string del =
          "DELETE /api/v1/livestreams/" + id + " HTTP/1.1\r\nHost: " + host +
          "\r\nContent-Type: application/json\r\nContent-Length: " + std::to_string(body.size()) +
          "\r\nConnection: close\r\n\r\n" + body;
      trigger = Clock::now();
      if (fd < 0 || !send_all(fd, del)) {
        std::fprintf(stderr, "DELETE failed\n");
        return 1;
      }
      // Its answer is read in the same loop, so no delivery waits for it.
      epoll_event ev{};
      ev.events = EPOLLIN;
      ev.data.u32 = static_cast<std::uint32_t>(count);
      epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev);
      deleteFd = fd;
      triggered = true;
    }
    const int n = epoll_wait(ep, events.data(), static_cast<int>(events.size()), 1000);
    const auto now = Clock::now();
    for (int k = 0; k < n; ++k) {
      const auto which = events[static_cast<std::size_t>(k)].data.u32;
      if (which == static_cast<std::uint32_t>(count)) {
        if (recv(deleteFd, chunk, sizeof chunk, 0) > 0 && answered == Clock::time_point{})
          answered = now;
        continue;
      }
      auto& c = conns[which];
      const auto got = recv(c.fd, chunk, sizeof chunk, 0);
      if (got <= 0) {
        epoll_ctl(ep, EPOLL_CTL_DEL, c.fd, nullptr);
        if (!c.ended) {
          std::fprintf(stderr, "a stream closed before room_ended\n");
          return 1;
        }
        continue;
      }
      c.buf.append(chunk, static_cast<std::size_t>(got));
      if (!c.ready && c.buf.find("event: state") != std::string::npos) {
        c.ready = true;
        ++ready;
        c.buf.clear();
      }
      if (!c.ended && c.buf.find("event: room_ended") != std::string::npos) {
        c.ended = true;
        c.at = now;
        ++ended;
      }
      if (c.buf.size() > 8192) c.buf.erase(0, c.buf.size() - 64);
    }
  }
  if (ended < count) {
    std::fprintf(stderr, "only %d of %d subscribers got room_ended\n", ended, count);
    return 1;
  }
  auto first = conns[0].at;
  auto last = conns[0].at;
  for (const auto& c : conns) {
    first = std::min(first, c.at);
    last = std::max(last, c.at);
  }
  const auto ms = [](auto d) { return std::chrono::duration<double, std::milli>(d).count(); };
  if (answered != Clock::time_point{})
    std::printf("DELETE answered after %.1f ms\n", ms(answered - trigger));
  std::printf(
      "room_ended to %d subscribers: first delivery %.1f ms, last %.1f ms after the DELETE; "
      "spread first->last %.1f ms\n",
      count, ms(first - trigger), ms(last - trigger), ms(last - first));
  return 0;
}
