// Registers the SQLite webhook queue with the conformance suite: a fresh database file per case
// in a directory of this process under the system temporary directory, removed at exit.
#include <unistd.h>

#include <filesystem>

#include "backends.hpp"
#include "store/sqlite/sqlite_webhook_queue.hpp"

namespace lso::test {
namespace {

struct ScratchDir {
  ScratchDir()
      : path(std::filesystem::temp_directory_path() /
             ("lso-queue-test-" + std::to_string(::getpid()))) {
    std::filesystem::create_directories(path);
  }
  ~ScratchDir() {
    std::error_code ignored;
    std::filesystem::remove_all(path, ignored);
  }
  std::filesystem::path path;
};

std::filesystem::path database_file() {
  static const ScratchDir dir;
  return dir.path / "queue.db";
}

const QueueBackendRegistrar registrar{
    QueueBackend{"sqlite", [] { return std::string(); }, [] { return true; },
                 [] {
                   const auto file = database_file();
                   for (const char* suffix : {"", "-wal", "-shm"}) {
                     std::filesystem::remove(file.string() + suffix);
                   }
                 },
                 [](std::chrono::milliseconds lease,
                    const std::string& instance) -> std::unique_ptr<domain::WebhookQueue> {
                   store::sqlite::SqliteQueueOptions options;
                   options.path = database_file().string();
                   options.leasing.lease = lease;
                   options.leasing.owner = instance;
                   options.leasing.pollInterval = std::chrono::milliseconds(20);
                   return std::make_unique<store::sqlite::SqliteWebhookQueue>(std::move(options));
                 }}};

}  // namespace
}  // namespace lso::test
