#include "util/csprng.hpp"

#include <sodium.h>

#include <stdexcept>

namespace lso::util {

void ensure_sodium() {
  // A function-local static makes the first caller run it exactly once (C++11 guarantees
  // thread-safe initialisation).
  static const bool ready = sodium_init() >= 0;
  if (!ready) throw std::runtime_error("libsodium failed to initialise");
}

void random_bytes(std::span<std::uint8_t> out) {
  ensure_sodium();
  randombytes_buf(out.data(), out.size());
}

}  // namespace lso::util
