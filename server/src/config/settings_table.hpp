// The table of settings (Redis's `standardConfig` in config.c is the model): each setting stated
// once — name, type, default, bounds, help, where it goes in Settings, and its row in the
// configuration section of docs/operations.md. The table drives reading the environment, the
// `.env` file and the flags, `--help`, validation, and that section of the document.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include "config/settings.hpp"

namespace lso::config {

// The topics of docs/operations.md's configuration section, in the document's order.
enum class Topic {
  Http,
  Storage,
  LiveKit,
  Webhooks,
  RateLimits,
  Identity,
  Analytics,
  Chat,
  Recordings,
  Logging
};

// A value as its type read it: Integer → number (within the bounds), Boolean → flag, Choice →
// text (lower case, one of the choices), Text and Custom → text (trimmed; Custom's apply checks
// it).
struct SettingValue {
  std::int64_t number = 0;
  bool flag = false;
  std::string text;
};

struct SettingInfo {
  enum class Type { Integer, Boolean, Text, Choice, Custom };
  const char* name;  // the environment variable; the flag is its lower-case dash form
  Topic topic;
  Type type;
  const char* defaultValue;  // as it would be written in the environment; "" = none (unset)
  std::int64_t min;          // Integer: bounds, inclusive
  std::int64_t max;
  const char* choices;  // Choice: "a|b|c"
  const char* help;     // one line, for --help
  // Stores the value into its Settings field(s); throws ConfigError naming the setting.
  void (*apply)(Settings&, const SettingValue&);
  // The document's row: the default as shown (nullptr: the default in backticks), an example,
  // and what it means.
  const char* docDefault;
  const char* example;
  const char* meaning;
};

// Every setting, grouped by topic in the document's order; also the order they are read in.
std::span<const SettingInfo> settings_table();

// Reads `raw` (trimmed, not empty) as `info`'s type and applies it; throws ConfigError naming the
// setting.
void apply_setting(Settings& s, const SettingInfo& info, const std::string& raw);

// The markdown table of one topic's settings (header row included, no trailing newline).
std::string settings_markdown(Topic topic);

// `document` with every region between `<!-- BEGIN settings-table TOPIC -->` and
// `<!-- END settings-table -->` replaced by that topic's table (docs/operations.md).
std::string refresh_settings_markdown(std::string_view document);

}  // namespace lso::config
