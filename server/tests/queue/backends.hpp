// The registry of WebhookQueue backends the conformance suite runs against. Each backend
// registers itself from its own file (backends_sqlite.cpp, backends_postgres.cpp, …) with a
// static QueueBackendRegistrar, so adding one never touches the suite or another backend.
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <ostream>
#include <string>
#include <vector>

#include "domain/webhook_queue.hpp"

namespace lso::test {

struct QueueBackend {
  std::string name;  // a test-name suffix: letters, digits and '_' only
  // Empty when the backend can run here; else why not (e.g. "LSO_TEST_POSTGRES_URL is not set").
  std::function<std::string()> unavailable;
  // When set and the backend is unavailable, its cases fail instead of being skipped (CI).
  std::function<bool()> required;
  // Empties the backend's storage; called once before each case.
  std::function<void()> reset;
  // Opens a queue on the backend's storage. Calling it again within a case opens the same
  // storage: that is how a case checks durability and several instances sharing one queue.
  // `instance` names the instance holding its claims (INSTANCE_NAME); empty: an anonymous one.
  std::function<std::unique_ptr<domain::WebhookQueue>(std::chrono::milliseconds lease,
                                                      const std::string& instance)>
      make;
};

// How GoogleTest names a case's parameter (in --gtest_list_tests and so in ctest).
inline void PrintTo(const QueueBackend& backend, std::ostream* os) {
  *os << backend.name;
}

// Every backend registered so far (static registrars have run when the tests are listed).
std::vector<QueueBackend>& queue_backends();

inline void register_queue_backend(QueueBackend backend) {
  queue_backends().push_back(std::move(backend));
}

struct QueueBackendRegistrar {
  explicit QueueBackendRegistrar(QueueBackend backend) {
    register_queue_backend(std::move(backend));
  }
};

// True when the environment variable is set to "1" (e.g. LSO_REQUIRE_POSTGRES).
bool env_flag(const char* name);

}  // namespace lso::test
