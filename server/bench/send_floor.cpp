// The kernel's floor for an SSE fan-out on this machine: N loopback TCP connections held by one
// process, one small frame sent to each by S threads (as the server's I/O threads do), and
// optionally an epoll reader thread standing in for the subscribers. No HTTP, no server code.
// Usage: send_floor [connections=9900] [reader 0|1 =1] [sender threads=2]
// (each connection is two descriptors: keep 2N under the open-files limit.)
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <thread>
#include <vector>

namespace {
constexpr char kFrame[] =
    "event: room_ended\nid: 1764168000000-42\ndata: {\"streamId\":\"8e234cf6-a6e9-4765-98b3-"
    "9c796a16444a\",\"status\":\"ENDED\",\"viewerCount\":0,\"participants\":[]}\n\n";
double ms_since(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
}
}  // namespace

int main(int argc, char** argv) {
  const int n = argc > 1 ? std::atoi(argv[1]) : 9900;
  const bool reader = argc > 2 ? std::atoi(argv[2]) != 0 : true;
  const int senders = argc > 3 ? std::max(1, std::atoi(argv[3])) : 2;
  if (rlimit files{}; getrlimit(RLIMIT_NOFILE, &files) == 0) {
    files.rlim_cur = files.rlim_max;
    setrlimit(RLIMIT_NOFILE, &files);
  }
  const int listener = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof addr;
  if (bind(listener, reinterpret_cast<sockaddr*>(&addr), len) != 0 || listen(listener, 4096) != 0 ||
      getsockname(listener, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
    std::perror("listen");
    return 1;
  }
  std::vector<int> server(n), client(n);
  const int one = 1;
  for (int i = 0; i < n; ++i) {
    client[i] = socket(AF_INET, SOCK_STREAM, 0);
    if (client[i] < 0 || connect(client[i], reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 ||
        (server[i] = accept(listener, nullptr, nullptr)) < 0) {
      std::perror("connection (raise the open-files limit or lower N)");
      return 1;
    }
    setsockopt(server[i], IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  }
  std::atomic<int> received{0};
  std::thread readerThread;
  if (reader) {
    const int ep = epoll_create1(0);
    for (int fd : client) {
      epoll_event e{};
      e.events = EPOLLIN;
      e.data.fd = fd;
      epoll_ctl(ep, EPOLL_CTL_ADD, fd, &e);
    }
    readerThread = std::thread([&, ep] {
      epoll_event events[256];
      char buf[4096];
      while (received < n) {
        const int k = epoll_wait(ep, events, 256, 1000);
        for (int j = 0; j < k; ++j)
          if (read(events[j].data.fd, buf, sizeof buf) > 0) ++received;
      }
    });
    usleep(100000);  // the reader is asleep in epoll_wait, as idle subscribers are
  }
  const auto t0 = std::chrono::steady_clock::now();
  std::vector<std::thread> threads;
  for (int t = 0; t < senders; ++t)
    threads.emplace_back([&, t] {
      for (int i = t; i < n; i += senders)
        send(server[i], kFrame, sizeof kFrame - 1, MSG_NOSIGNAL | MSG_DONTWAIT);
    });
  for (auto& t : threads) t.join();
  const double sent = ms_since(t0);
  if (reader) readerThread.join();
  std::printf(
      "%d connections, %d sender thread(s), reader %s: all sent after %.1f ms (%.2f us per send "
      "per thread), all read after %.1f ms\n",
      n, senders, reader ? "on" : "off", sent, sent * 1000.0 * senders / n, ms_since(t0));
}
