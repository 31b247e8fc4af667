// The web client's home: files from STATIC_DIR, and index.html for any other GET that is not
// an API path (SPA fallback), so client-side routes survive a reload.
#pragma once

#include <string>

#include "http/types.hpp"

namespace lso::http {

// A handler serving the files under `root`, read once now; throws std::invalid_argument when
// `root` is not a directory.
Handler static_files(const std::string& root);

}  // namespace lso::http
