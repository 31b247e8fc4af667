// Registers the SQLite webhook queue with the conformance suite: a fresh database file per case
// under the system temporary directory.
#include <unistd.h>

#include <filesystem>

#include "backends.hpp"
#include "store/sqlite/sqlite_webhook_queue.hpp"

namespace lso::test {
namespace {

std::filesystem::path database_file() {
  static const std::filesystem::path dir = [] {
    auto d = std::filesystem::temp_directory_path() /
             ("lso-queue-test-" + std::to_string(::getpid()));
    std::filesystem::create_directories(d);
    return d;
  }();
  return dir / "queue.db";
}

const QueueBackendRegistrar registrar{QueueBackend{
    "sqlite",
    [] { return std::string(); },
    [] { return true; },
    [] {
      const auto file = database_file();
      for (const char* suffix : {"", "-wal", "-shm"}) {
        std::filesystem::remove(file.string() + suffix);
      }
    },
    [](std::chrono::milliseconds lease) -> std::unique_ptr<domain::WebhookQueue> {
      store::sqlite::SqliteQueueOptions options;
      options.path = database_file().string();
      options.leasing.lease = lease;
      options.leasing.pollInterval = std::chrono::milliseconds(20);
      return std::make_unique<store::sqlite::SqliteWebhookQueue>(std::move(options));
    }}};

}  // namespace
}  // namespace lso::test
