// Fuzzes configuration parsing: a dotenv file (quotes, comments, `export`) and the typed parsing
// of every setting (integers, durations, booleans, URLs, lists, enumerations). The only
// acceptable failure is a ConfigError (the server refuses to start, naming the variable); anything
// else — another exception, a crash, UB — is a finding.
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <fstream>
#include <map>
#include <string>

#include "config/settings.hpp"

namespace {

// The input as settings: lines of "<byte><value>", the byte choosing a real variable name so
// that every parser is reached, not only the unknown-name path.
std::map<std::string, std::string> as_values(std::string_view text) {
  const auto& table = lso::config::variables();
  std::map<std::string, std::string> out;
  while (!text.empty()) {
    const auto end = text.find('\n');
    const auto line = text.substr(0, end);
    if (!line.empty())
      out[table[static_cast<unsigned char>(line[0]) % table.size()].name] =
          std::string(line.substr(1));
    if (end == std::string_view::npos) break;
    text.remove_prefix(end + 1);
  }
  return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  try {
    (void)lso::config::parse_settings(as_values(text));
  } catch (const lso::config::ConfigError&) {
  }
  static const std::string file = "/tmp/lso-fuzz-settings-" + std::to_string(::getpid()) + ".env";
  {
    std::ofstream out(file, std::ios::binary | std::ios::trunc);
    out.write(text.data(), static_cast<std::streamsize>(text.size()));
  }
  try {
    (void)lso::config::parse_settings(lso::config::read_dotenv(file));
  } catch (const lso::config::ConfigError&) {
  }
  return 0;
}
