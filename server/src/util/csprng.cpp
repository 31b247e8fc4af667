#include "util/csprng.hpp"

#include <sodium.h>

#include <stdexcept>

namespace lso::util {

void random_bytes(std::span<std::uint8_t> out) {
  // sodium_init() is safe to call from several threads and more than once; a function-local static
  // runs it once before the first draw.
  static const bool ready = sodium_init() >= 0;
  if (!ready) throw std::runtime_error("libsodium failed to initialise");
  randombytes_buf(out.data(), out.size());
}

}  // namespace lso::util
