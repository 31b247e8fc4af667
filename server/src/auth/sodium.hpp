// Internal to auth/: libsodium's one-time initialisation, shared by every adapter that uses it.
#pragma once

namespace lso::auth::detail {

// Runs sodium_init() once per process (thread-safe); throws std::runtime_error when it fails.
void ensure_sodium();

}  // namespace lso::auth::detail
