// The backend registry behind backends.hpp.
#include "backends.hpp"

#include <cstdlib>
#include <string_view>

namespace lso::test {

std::vector<QueueBackend>& queue_backends() {
  static std::vector<QueueBackend> backends;
  return backends;
}

bool env_flag(const char* name) {
  const char* value = std::getenv(name);
  return value != nullptr && std::string_view(value) == "1";
}

}  // namespace lso::test
