// Webhook queue throughput: producers enqueue (the receiver's side), then workers claim and
// complete (the worker side), then both at once. Usage:
//   queue_bench [--url sqlite:FILE|postgresql://…] [--jobs N] [--producers N] [--workers N]
//               [--no-fsync] [--body-bytes N] [--claim-ahead N (SQLite)]
#include <sys/resource.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "store/queue_factory.hpp"
#include "store/sqlite/sqlite_webhook_queue.hpp"
#include "store/store_factory.hpp"

namespace {

using Clock = std::chrono::steady_clock;
using lso::domain::WebhookQueue;

struct Settings {
  std::string url = "sqlite:queue-bench.db";
  int jobs = 20000;
  int producers = 64;
  int workers = 8;
  bool fsync = true;
  std::size_t bodyBytes = 600;  // a typical participant_joined webhook
  int claimAhead = lso::store::sql::LeaseSettings{}.claimAhead;
};

std::unique_ptr<WebhookQueue> open(const Settings& s) {
  if (s.url.rfind("sqlite:", 0) == 0) {
    lso::store::sqlite::SqliteQueueOptions options;
    options.path = lso::store::sqlite_path(s.url);
    options.fsyncEnqueue = s.fsync;
    options.leasing.claimAhead = s.claimAhead;
    return std::make_unique<lso::store::sqlite::SqliteWebhookQueue>(std::move(options));
  }
  lso::store::StoreOptions options;
  options.databaseUrl = s.url;
  return lso::store::open_sql_webhook_queue(options);
}

double per_second(int n, Clock::duration d) {
  return n / std::chrono::duration<double>(d).count();
}

// CPU seconds (user + system) this process used so far: on a shared machine, jobs per CPU
// second says more than jobs per wall second.
double cpu_seconds() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  const auto seconds = [](const timeval& t) { return t.tv_sec + t.tv_usec / 1e6; };
  return seconds(usage.ru_utime) + seconds(usage.ru_stime);
}

// Enqueues ids [first, first + n) from `producers` threads; returns the elapsed time.
Clock::duration produce(WebhookQueue& q, const Settings& s, const std::string& prefix, int n) {
  const std::string body(s.bodyBytes, 'x');
  std::atomic<int> next{0};
  const auto start = Clock::now();
  std::vector<std::thread> threads;
  for (int p = 0; p < s.producers; ++p) {
    threads.emplace_back([&] {
      for (int i = next++; i < n; i = next++) {
        q.enqueue(prefix + std::to_string(i), body);
      }
    });
  }
  for (auto& t : threads) {
    t.join();
  }
  return Clock::now() - start;
}

// Claims and completes until `n` jobs were completed; returns the elapsed time.
Clock::duration consume(WebhookQueue& q, const Settings& s, int n) {
  std::atomic<int> done{0};
  const auto start = Clock::now();
  std::vector<std::thread> threads;
  for (int w = 0; w < s.workers; ++w) {
    threads.emplace_back([&] {
      while (done.load() < n) {
        if (auto job = q.claim(std::chrono::milliseconds(50))) {
          q.complete(*job);
          ++done;
        }
      }
    });
  }
  for (auto& t : threads) {
    t.join();
  }
  return Clock::now() - start;
}

}  // namespace

int main(int argc, char** argv) {
  Settings s;
  for (int i = 1; i < argc; ++i) {
    const std::string_view arg = argv[i];
    const auto value = [&] { return i + 1 < argc ? std::string(argv[++i]) : std::string(); };
    if (arg == "--url") {
      s.url = value();
    } else if (arg == "--jobs") {
      s.jobs = std::atoi(value().c_str());
    } else if (arg == "--producers") {
      s.producers = std::atoi(value().c_str());
    } else if (arg == "--workers") {
      s.workers = std::atoi(value().c_str());
    } else if (arg == "--body-bytes") {
      s.bodyBytes = static_cast<std::size_t>(std::atoi(value().c_str()));
    } else if (arg == "--claim-ahead") {
      s.claimAhead = std::atoi(value().c_str());
    } else if (arg == "--no-fsync") {
      s.fsync = false;
    } else {
      std::fprintf(stderr, "unknown argument %s\n", argv[i]);
      return 2;
    }
  }
  if (s.url.rfind("sqlite:", 0) == 0) {
    const auto path = lso::store::sqlite_path(s.url);
    for (const char* suffix : {"", "-wal", "-shm"}) {
      std::filesystem::remove(path + suffix);
    }
  }
  auto queue = open(s);
  std::printf("backend %s, %d jobs of %zu bytes, %d producers, %d workers, fsync %s\n",
              std::string(queue->backend()).c_str(), s.jobs, s.bodyBytes, s.producers, s.workers,
              s.fsync ? "on" : "off");

  double cpu = cpu_seconds();
  const auto report = [&](const char* what, Clock::duration elapsed) {
    const double used = cpu_seconds() - cpu;
    cpu += used;
    std::printf("%-16s %8.0f jobs/s wall, %8.0f jobs per CPU-second (%.2f cores busy)\n", what,
                per_second(s.jobs, elapsed), s.jobs / used,
                used / std::chrono::duration<double>(elapsed).count());
  };
  report("enqueue only", produce(*queue, s, "EV_a_", s.jobs));
  report("claim+complete", consume(*queue, s, s.jobs));

  const auto start = Clock::now();
  std::thread producer([&] { produce(*queue, s, "EV_b_", s.jobs); });
  consume(*queue, s, s.jobs);
  producer.join();
  report("both at once", Clock::now() - start);
  const auto counts = queue->counts();
  std::printf("left: waiting %lld active %lld\n", static_cast<long long>(counts.waiting),
              static_cast<long long>(counts.active));
  return 0;
}
