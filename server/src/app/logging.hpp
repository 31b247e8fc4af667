// Process-wide logging: text lines for people, or JSON lines (LOG_FORMAT=json) for collectors.
#pragma once

#include <string>

namespace lso::app {

void setup_logging(const std::string& level, const std::string& format);

}  // namespace lso::app
