// Bytes from the operating system's cryptographically secure generator (libsodium's randombytes).
// Everything whose knowledge grants access is drawn from here: record ids (an unlisted livestream
// is reachable by whoever knows its id), session ids, API keys, stream keys, tickets.
#pragma once

#include <cstdint>
#include <span>

namespace lso::util {

// Runs libsodium's sodium_init() once per process (thread-safe); throws std::runtime_error when it
// fails. Every user of libsodium calls this first.
void ensure_sodium();

// Fills `out` with random bytes. Thread-safe; never fails (libsodium aborts the process if the
// kernel's generator cannot be read, which no caller could recover from anyway).
void random_bytes(std::span<std::uint8_t> out);

}  // namespace lso::util
