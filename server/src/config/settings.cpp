// Settings: the defaults < .env < env < flags chain over the table of settings
// (settings_table.cpp), then the rules across settings.
#include "config/settings.hpp"

#include <fmt/format.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <cctype>
#include <charconv>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <iterator>

#include "config/settings_table.hpp"

namespace lso::config {

const std::vector<VariableInfo>& variables() {
  static const std::vector<VariableInfo> list = [] {
    std::vector<VariableInfo> out;
    for (const auto& s : settings_table()) out.push_back({s.name, s.defaultValue, s.help});
    return out;
  }();
  return list;
}

namespace {

std::string trim(std::string_view s) {
  auto b = s.find_first_not_of(" \t\r\n");
  if (b == std::string_view::npos) return {};
  auto e = s.find_last_not_of(" \t\r\n");
  return std::string(s.substr(b, e - b + 1));
}

std::string flag_name(std::string_view var) {
  std::string f = "--";
  for (char c : var)
    f.push_back(c == '_' ? '-' : static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
  return f;
}

}  // namespace

Settings parse_settings(const std::map<std::string, std::string>& values) {
  for (const auto& [name, value] : values)
    if (value.find('\0') != std::string::npos)
      throw ConfigError(fmt::format("{}: contains a NUL byte", name));
  Settings s;
  for (const auto& info : settings_table()) {
    std::string raw;
    if (auto it = values.find(info.name); it != values.end()) raw = trim(it->second);
    if (raw.empty()) raw = info.defaultValue;  // an empty value means "use the default"
    if (raw.empty()) continue;                 // no default: the field stays empty
    apply_setting(s, info, raw);
  }

  // Rules across settings.
  s.deployment = describe_deployment(s.databaseUrl, s.redisUrl);
  if (s.livekitPublicUrl.empty()) s.livekitPublicUrl = s.livekitUrl;
  if (s.open_mode() && !s.embedded() && !s.authAllowOpen)
    throw ConfigError(
        "AUTH_MODE: open mode lets anyone act as anyone; on PostgreSQL it also needs "
        "AUTH_ALLOW_OPEN=true");
  if (s.sessionIdle > s.sessionTtl) s.sessionIdle = s.sessionTtl;
  if (s.authMode == "tokens" && !s.host_tokens())
    throw ConfigError(
        "AUTH_MODE: 'tokens' needs host-app token keys (AUTH_JWT_SECRET, AUTH_JWT_PUBLIC_KEY or "
        "AUTH_JWKS_URL)");
  if (s.recordingS3Bucket.empty() &&
      (!s.recordingS3AccessKey.empty() || !s.recordingS3Secret.empty()))
    throw ConfigError("RECORDING_S3_BUCKET: required when RECORDING_S3_ACCESS_KEY/SECRET are set");
  return s;
}

std::map<std::string, std::string> read_dotenv(const std::string& path) {
  std::map<std::string, std::string> out;
  std::ifstream in(path);
  if (!in) return out;
  std::error_code ec;
  if (!std::filesystem::is_regular_file(path, ec))
    throw ConfigError(fmt::format("{}: not a readable file", path));
  std::string line;
  int n = 0;
  while (std::getline(in, line)) {
    ++n;
    auto t = trim(line);
    if (t.empty() || t[0] == '#') continue;
    if (t.rfind("export ", 0) == 0) t = trim(std::string_view(t).substr(7));
    auto eq = t.find('=');
    if (eq == std::string::npos || eq == 0)
      throw ConfigError(fmt::format("{}:{}: expected KEY=VALUE", path, n));
    auto key = trim(std::string_view(t).substr(0, eq));
    auto value = trim(std::string_view(t).substr(eq + 1));
    if (value.size() >= 2 && (value.front() == '"' || value.front() == '\'') &&
        value.back() == value.front()) {
      value = value.substr(1, value.size() - 2);
    } else if (auto hash = value.find(" #"); hash != std::string::npos) {
      value = trim(std::string_view(value).substr(0, hash));  // inline comment
    }
    out[key] = value;
  }
  return out;
}

std::optional<Settings> load_settings(int argc, char** argv) {
  std::map<std::string, std::string> values = read_dotenv(".env");
  for (const auto& v : variables())
    if (const char* e = std::getenv(v.name)) values[v.name] = e;

  CLI::App app{"Livestream Orchestrator: control plane for LiveKit livestreams"};
  app.set_help_all_flag("--help-all");
  std::map<std::string, std::string> flags;
  for (const auto& v : variables()) {
    std::string help = fmt::format("{} (env {}{}{})", v.help, v.name,
                                   *v.defaultValue ? ", default " : "", v.defaultValue);
    app.add_option(flag_name(v.name), flags[v.name], help);
  }
  // Prints the document on stdin with its settings tables regenerated from the table
  // (docs/operations.md); hidden from --help.
  bool printSettingsMarkdown = false;
  app.add_flag("--print-settings-markdown", printSettingsMarkdown)->group("");
  // Flags such as --database-url may come after a subcommand (`user create alice --admin
  // --database-url …`): subcommands created from here on pass what they do not know up.
  app.fallthrough();
  auto* migrate = app.add_subcommand("migrate", "apply database migrations and exit");
  auto* routes =
      app.add_subcommand("routes", "print the HTTP routes the server registers and exit");
  Settings::CommandArgs args;
  auto* user = app.add_subcommand("user", "manage built-in accounts");
  auto* userCreate = user->add_subcommand(
      "create", "create an account (password from LSO_PASSWORD or one line on stdin)");
  userCreate->add_option("username", args.username, "login name")->required();
  userCreate->add_option("--display-name", args.displayName, "shown to others");
  userCreate->add_flag("--admin", args.admin, "make it an admin");
  user->require_subcommand(1);
  auto* key = app.add_subcommand("api-key", "manage API keys");
  auto* keyCreate = key->add_subcommand("create", "create an API key (printed once)");
  keyCreate->add_option("--name", args.keyName, "what it is for")->required();
  keyCreate->add_option("--scopes", args.scopes, "comma-separated: read,write,admin,act-as");
  keyCreate->add_option("--owner", args.owner, "the admin account the key acts as")->required();
  auto* keyList = key->add_subcommand("list", "list API keys");
  auto* keyRevoke = key->add_subcommand("revoke", "revoke an API key");
  keyRevoke->add_option("id", args.keyId, "the key's id")->required();
  key->require_subcommand(1);
  auto* webhooks = app.add_subcommand("webhooks", "the webhook queue");
  auto* dead =
      webhooks->add_subcommand("dead", "the dead-letter list: webhooks whose every attempt failed");
  auto* deadList = dead->add_subcommand(
      "list", "one line per dead letter: id, webhook id, attempts, buried at, body bytes, error");
  auto* deadShow = dead->add_subcommand("show", "print a dead letter's body");
  deadShow->add_option("id", args.deadId, "the dead letter's id (from list)")->required();
  auto* deadReplay = dead->add_subcommand(
      "replay", "move a dead letter back to the queue as a fresh job (applied at most once)");
  auto* replayId = deadReplay->add_option("id", args.deadId, "the dead letter's id (from list)");
  deadReplay->add_flag("--all", args.replayAll, "replay every dead letter")->excludes(replayId);
  auto* deadDrop = dead->add_subcommand("drop", "delete a dead letter");
  deadDrop->add_option("id", args.deadId, "the dead letter's id (from list)")->required();
  dead->require_subcommand(1);
  webhooks->require_subcommand(1);
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp&) {
    std::fputs(app.help().c_str(), stdout);
    return std::nullopt;
  } catch (const CLI::CallForAllHelp&) {
    std::fputs(app.help("", CLI::AppFormatMode::All).c_str(), stdout);
    return std::nullopt;
  } catch (const CLI::ParseError& e) {
    throw ConfigError(e.what());
  }
  if (printSettingsMarkdown) {
    const std::string document(std::istreambuf_iterator<char>(std::cin), {});
    std::fputs(refresh_settings_markdown(document).c_str(), stdout);
    return std::nullopt;
  }
  for (const auto& [name, value] : flags)
    if (!value.empty()) values[name] = value;
  auto s = parse_settings(values);
  if (migrate->parsed()) s.command = Settings::Command::Migrate;
  if (routes->parsed()) s.command = Settings::Command::Routes;
  if (userCreate->parsed()) s.command = Settings::Command::UserCreate;
  if (keyCreate->parsed()) s.command = Settings::Command::ApiKeyCreate;
  if (keyList->parsed()) s.command = Settings::Command::ApiKeyList;
  if (keyRevoke->parsed()) s.command = Settings::Command::ApiKeyRevoke;
  if (deadList->parsed()) s.command = Settings::Command::DeadLetterList;
  if (deadShow->parsed()) s.command = Settings::Command::DeadLetterShow;
  if (deadReplay->parsed()) {
    if (args.deadId.empty() && !args.replayAll)
      throw ConfigError("webhooks dead replay: give a dead letter's id or --all");
    s.command = Settings::Command::DeadLetterReplay;
  }
  if (deadDrop->parsed()) s.command = Settings::Command::DeadLetterDrop;
  s.args = std::move(args);
  return s;
}

}  // namespace lso::config
