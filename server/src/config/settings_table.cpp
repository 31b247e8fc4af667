// The table of settings; see settings_table.hpp. Checks that involve several settings (open mode
// on PostgreSQL, tokens mode without keys, …) follow the table in parse_settings.
#include "config/settings_table.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <boost/url/parse.hpp>
#include <cctype>
#include <charconv>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <vector>

#include "util/database_url.hpp"

namespace lso::config {

namespace {

// Units for the bounds below, in the bounds' own type so that their products never overflow int.
constexpr std::int64_t kKiB = 1024;
constexpr std::int64_t kMiB = 1024 * kKiB;
constexpr std::int64_t kHoursPerDay = 24;
constexpr std::int64_t kMinutesPerDay = 60 * kHoursPerDay;
constexpr std::int64_t kSecondsPerDay = 60 * kMinutesPerDay;

using Type = SettingInfo::Type;
using Value = SettingValue;

std::string trim(std::string_view s) {
  auto b = s.find_first_not_of(" \t\r\n");
  if (b == std::string_view::npos) return {};
  auto e = s.find_last_not_of(" \t\r\n");
  return std::string(s.substr(b, e - b + 1));
}

std::string lower(std::string s) {
  for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

// The non-empty items of a comma-separated list, trimmed.
std::vector<std::string> split_list(std::string_view rest) {
  std::vector<std::string> out;
  while (!rest.empty()) {
    auto comma = rest.find(',');
    auto item = trim(rest.substr(0, comma));
    if (!item.empty()) out.push_back(std::move(item));
    rest = comma == std::string_view::npos ? std::string_view{} : rest.substr(comma + 1);
  }
  return out;
}

std::int64_t read_integer(const char* name, const std::string& v, std::int64_t min,
                          std::int64_t max) {
  std::int64_t n = 0;
  auto [p, ec] = std::from_chars(v.data(), v.data() + v.size(), n);
  if (ec != std::errc() || p != v.data() + v.size())
    throw ConfigError(fmt::format("{}: '{}' is not an integer", name, v));
  if (n < min || n > max)
    throw ConfigError(fmt::format("{}: {} is out of range ({}..{})", name, n, min, max));
  return n;
}

bool read_boolean(const char* name, const std::string& v) {
  const auto l = lower(v);
  if (l == "true" || l == "1" || l == "yes" || l == "on") return true;
  if (l == "false" || l == "0" || l == "no" || l == "off") return false;
  throw ConfigError(fmt::format("{}: '{}' is not a boolean (true/false)", name, v));
}

std::string read_choice(const char* name, const std::string& v, std::string_view choices) {
  auto l = lower(v);
  for (std::string_view rest = choices; !rest.empty();) {
    const auto bar = rest.find('|');
    if (rest.substr(0, bar) == l) return l;
    rest = bar == std::string_view::npos ? std::string_view{} : rest.substr(bar + 1);
  }
  throw ConfigError(fmt::format("{}: '{}' is not one of {}", name, v, choices));
}

void check_url(const char* name, const std::string& value,
               std::initializer_list<const char*> schemes) {
  auto u = boost::urls::parse_uri(value);
  if (!u) throw ConfigError(fmt::format("{}: '{}' is not a URL", name, value));
  auto scheme = lower(std::string(u->scheme()));
  for (const char* s : schemes)
    if (scheme == s) return;
  std::string list;
  for (const char* s : schemes) list += (list.empty() ? "" : ", ") + std::string(s);
  throw ConfigError(fmt::format("{}: scheme '{}' is not supported (use {})", name, scheme, list));
}

void apply_database_url(Settings& s, const std::string& url) {
  s.databaseUrl = url;
  if (util::database_kind(url) != util::DatabaseKind::Sqlite)
    check_url("DATABASE_URL", url, {"postgres", "postgresql"});
  else if (url.size() <= 7)
    throw ConfigError("DATABASE_URL: 'sqlite:' needs a file path");
}

// The PEM itself, or the file it is in.
std::string read_public_key(const std::string& v) {
  if (v.starts_with("-----BEGIN")) return v;
  // A directory opens but cannot be read (the read throws): refused like a missing file.
  std::error_code ec;
  std::ifstream in(v);
  if (!in || !std::filesystem::is_regular_file(v, ec))
    throw ConfigError(fmt::format("AUTH_JWT_PUBLIC_KEY: cannot read the file '{}'", v));
  try {
    return std::string(std::istreambuf_iterator<char>(in), {});
  } catch (const std::exception&) {
    throw ConfigError(fmt::format("AUTH_JWT_PUBLIC_KEY: cannot read the file '{}'", v));
  }
}

std::vector<std::string> read_algorithms(std::string_view rest) {
  std::vector<std::string> out;
  // Every item counts, empty ones too (refused): a list is never silently shortened.
  while (!rest.empty()) {
    auto comma = rest.find(',');
    auto item = trim(rest.substr(0, comma));
    if (item != "HS256" && item != "RS256" && item != "ES256" && item != "EdDSA")
      throw ConfigError(
          fmt::format("AUTH_JWT_ALGORITHMS: '{}' is not one of HS256, RS256, ES256, EdDSA", item));
    out.push_back(std::move(item));
    rest = comma == std::string_view::npos ? std::string_view{} : rest.substr(comma + 1);
  }
  return out;
}

void read_recording_outputs(Settings& s, std::string_view v) {
  s.recordingMp4 = s.recordingHls = false;
  for (const auto& item : split_list(v)) {
    if (item == "mp4")
      s.recordingMp4 = true;
    else if (item == "hls")
      s.recordingHls = true;
    else
      throw ConfigError(fmt::format("RECORDING_OUTPUTS: '{}' is not mp4 or hls", item));
  }
  if (!s.recordingMp4 && !s.recordingHls)
    throw ConfigError("RECORDING_OUTPUTS: name mp4, hls, or both");
}

int read_proxy_hops(const std::string& v) {
  const auto l = lower(v);
  if (l == "true" || l == "yes" || l == "on") return 1;
  if (l == "false" || l == "no" || l == "off") return 0;
  return static_cast<int>(read_integer("TRUST_PROXY", v, 0, 32));
}

const SettingInfo kSettings[] = {
    {"PORT", Topic::Http, Type::Integer, "3001",
     1, 65535, nullptr,
     "HTTP port",
     [](Settings& s, const Value& v) { s.port = static_cast<std::uint16_t>(v.number); },
     nullptr, "`8080`",
     "TCP port to listen on (1–65535)."},
    {"HOST", Topic::Http, Type::Text, "0.0.0.0",
     0, 0, nullptr,
     "address to listen on",
     [](Settings& s, const Value& v) { s.host = v.text; },
     nullptr, "`127.0.0.1`",
     "Address to listen on. `127.0.0.1` keeps the server local to the machine."},
    {"BODY_LIMIT_BYTES", Topic::Http, Type::Integer, "1048576",
     1024, 64 * kMiB, nullptr,
     "largest accepted request body",
     [](Settings& s, const Value& v) { s.bodyLimitBytes = static_cast<std::size_t>(v.number); },
     nullptr, "`262144`",
     "Largest request body (1 KiB–64 MiB); larger bodies get a JSON 413."},
    {"IO_THREADS", Topic::Http, Type::Integer, "0",
     0, 256, nullptr,
     "I/O threads (0: one per core)",
     [](Settings& s, const Value& v) { s.ioThreads = static_cast<int>(v.number); },
     "number of cores (`0`)", "`4`",
     "Threads running the HTTP event loops. `0` means one per core."},
    {"CORS_ORIGINS", Topic::Http, Type::Custom, "*",
     0, 0, nullptr,
     "comma-separated allowed origins, or *",
     [](Settings& s, const Value& v) {
        s.corsOrigins.clear();
        for (auto& item : split_list(v.text)) {
          if (item != "*") check_url("CORS_ORIGINS", item, {"http", "https"});
          s.corsOrigins.push_back(std::move(item));
        }
     },
     nullptr, "`https://app.example.com,https://admin.example.com`",
     "Origins allowed to call the API from a browser: `*` or a comma-separated list of `http(s)://` origins. Only named origins get `Access-Control-Allow-Credentials` and may send cookie-authenticated writes (CSRF check); see [Behind TLS](#behind-tls-and-other-origins)."},
    {"TRUST_PROXY", Topic::Http, Type::Custom, "false",
     0, 0, nullptr,
     "true/1..N: take the client IP from X-Forwarded-For (N proxy hops)",
     [](Settings& s, const Value& v) { s.trustProxyHops = read_proxy_hops(v.text); },
     nullptr, "`1`, `true`, `2`",
     "How many proxies in front of the server append to `X-Forwarded-For`. `false`/`0`: the client IP is the TCP peer and the header is ignored; `true` = `1`; `N`: the N-th address from the right is the client. Also the condition for believing `X-Forwarded-Proto: https` (Secure cookie, HSTS). See [Security](#security)."},
    {"STATIC_DIR", Topic::Http, Type::Text, "",
     0, 0, nullptr,
     "directory of the web client build, served at / with SPA fallback",
     [](Settings& s, const Value& v) { s.staticDir = v.text; },
     "`client/dist` when `client/dist/index.html` exists under the working directory, else none", "`/srv/lso/client`",
     "Directory of the web client build, served at `/` with SPA fallback (unknown non-API paths get `index.html`)."},
    {"SSE_HEARTBEAT_SECONDS", Topic::Http, Type::Integer, "15",
     1, 3600, nullptr,
     "heartbeat comment period on SSE streams",
     [](Settings& s, const Value& v) { s.sseHeartbeat = std::chrono::seconds(v.number); },
     nullptr, "`25`",
     "Period of the heartbeat comment on idle Server-Sent Events streams. Keep it below the idle timeout of every proxy in between."},
    {"ACCESS_LOG", Topic::Http, Type::Boolean, "true",
     0, 0, nullptr,
     "log one line per request (probes at debug level)",
     [](Settings& s, const Value& v) { s.accessLog = v.flag; },
     nullptr, "`false`",
     "One log line per request (health probes and metrics scrapes only at `debug`)."},
    {"SHUTDOWN_TIMEOUT_SECONDS", Topic::Http, Type::Integer, "10",
     1, 600, nullptr,
     "graceful shutdown budget",
     [](Settings& s, const Value& v) { s.shutdownTimeout = std::chrono::seconds(v.number); },
     nullptr, "`25`",
     "Budget of the graceful shutdown after SIGTERM/SIGINT (see [Graceful shutdown](#graceful-shutdown))."},
    {"DATABASE_URL", Topic::Storage, Type::Custom, "sqlite:./data/orchestrator.db",
     0, 0, nullptr,
     "sqlite:<file> (embedded) or postgresql://… (production)",
     [](Settings& s, const Value& v) { apply_database_url(s, v.text); },
     nullptr, "`postgresql://lso:pw@db.internal:5432/lso`",
     "`sqlite:<path>` selects the embedded mode (the file and its directory are created), `postgresql://` (or `postgres://`) the production mode."},
    {"DB_POOL_SIZE", Topic::Storage, Type::Integer, "8",
     1, 256, nullptr,
     "database connections, and threads running blocking work",
     [](Settings& s, const Value& v) { s.dbPoolSize = static_cast<int>(v.number); },
     nullptr, "`16`",
     "Database connections, which are also the threads that run blocking work (1–256)."},
    {"REDIS_URL", Topic::Storage, Type::Custom, "",
     0, 0, nullptr,
     "redis://host:port[/db]; with PostgreSQL: production mode",
     [](Settings& s, const Value& v) {
        check_url("REDIS_URL", v.text, {"redis"});
        s.redisUrl = v.text;
     },
     "none", "`redis://redis.internal:6379/0`",
     "Redis of the production mode; required together with a PostgreSQL `DATABASE_URL`."},
    {"LIVEKIT_URL", Topic::LiveKit, Type::Custom, "ws://localhost:7880",
     0, 0, nullptr,
     "LiveKit server URL the orchestrator calls (ws, wss, http, https)",
     [](Settings& s, const Value& v) {
        s.livekitUrl = v.text;
        check_url("LIVEKIT_URL", s.livekitUrl, {"ws", "wss", "http", "https"});
     },
     nullptr, "`wss://my-project.livekit.cloud`",
     "LiveKit server the orchestrator calls (RoomService over Twirp: `ws://` → `http://`, `wss://` → `https://`)."},
    {"LIVEKIT_PUBLIC_URL", Topic::LiveKit, Type::Custom, "",
     0, 0, nullptr,
     "LiveKit URL handed to browsers (default: LIVEKIT_URL)",
     [](Settings& s, const Value& v) {
        check_url("LIVEKIT_PUBLIC_URL", v.text, {"ws", "wss", "http", "https"});
        s.livekitPublicUrl = v.text;
     },
     "`LIVEKIT_URL`", "`ws://localhost:7880`",
     "URL handed to browsers in join responses, when it differs from the one the server uses (containers: `ws://livekit:7880` inside, `ws://localhost:7880` outside)."},
    {"LIVEKIT_API_KEY", Topic::LiveKit, Type::Text, "devkey",
     0, 0, nullptr,
     "LiveKit API key",
     [](Settings& s, const Value& v) { s.livekitApiKey = v.text; },
     nullptr, "`APIxxxxxxxx`",
     "API key: issuer of access tokens and of service tokens, expected issuer of webhooks."},
    {"LIVEKIT_API_SECRET", Topic::LiveKit, Type::Text, "secret",
     0, 0, nullptr,
     "LiveKit API secret",
     [](Settings& s, const Value& v) { s.livekitApiSecret = v.text; },
     nullptr, "(32+ random characters)",
     "API secret: signs tokens, verifies webhooks."},
    {"LIVEKIT_TIMEOUT_MS", Topic::LiveKit, Type::Integer, "5000",
     100, 120000, nullptr,
     "timeout of one LiveKit server API call",
     [](Settings& s, const Value& v) { s.livekitTimeout = std::chrono::milliseconds(v.number); },
     nullptr, "`2000`",
     "Timeout of one LiveKit server API call (100–120000). A timeout is a 502 LiveKitError."},
    {"LIVEKIT_SIMULATED", Topic::LiveKit, Type::Boolean, "false",
     0, 0, nullptr,
     "true when LIVEKIT_URL points at the LiveKit double (no media)",
     [](Settings& s, const Value& v) { s.livekitSimulated = v.flag; },
     nullptr, "`true`",
     "Set when `LIVEKIT_URL` is the project's LiveKit test double (no media): `/health` and the web client say that video will not play."},
    {"TOKEN_EXPIRATION_HOURS", Topic::LiveKit, Type::Integer, "24",
     1, 365 * kHoursPerDay, nullptr,
     "lifetime of join tokens",
     [](Settings& s, const Value& v) { s.tokenTtl = std::chrono::hours(v.number); },
     nullptr, "`4`",
     "Lifetime of the access tokens returned by join."},
    {"WEBHOOK_QUEUE_CONCURRENCY", Topic::Webhooks, Type::Integer, "10",
     1, 256, nullptr,
     "webhook workers per instance",
     [](Settings& s, const Value& v) { s.webhookQueueConcurrency = static_cast<int>(v.number); },
     nullptr, "`20`",
     "Webhook workers per instance; each applies up to 256 ready events per transaction. On SQLite (embedded mode) at most 2 run: SQLite writes one transaction at a time, so more would only queue for the writer ahead of API writes. Events of one livestream are applied one batch at a time (its row lock keeps them order-independent), so more workers help when many livestreams are busy, not one."},
    {"WEBHOOK_MAX_ATTEMPTS", Topic::Webhooks, Type::Integer, "5",
     1, 100, nullptr,
     "attempts before a webhook goes to the dead-letter list",
     [](Settings& s, const Value& v) { s.webhookMaxAttempts = static_cast<int>(v.number); },
     nullptr, "`8`",
     "Attempts (with exponential back-off) before an event goes to the dead-letter list shown by `/health` and `/metrics`."},
    {"WEBHOOK_QUEUE_LEASE_SECONDS", Topic::Webhooks, Type::Integer, "10",
     2, 3600, nullptr,
     "a crashed instance's claimed webhooks are taken over after this (renewed while applied)",
     [](Settings& s, const Value& v) { s.webhookQueueLease = std::chrono::seconds(v.number); },
     nullptr, "`5`",
     "How long a claimed webhook stays invisible to other instances (2–3600). Workers renew the leases of the jobs they hold every third of it, so a slow batch is never taken over; the lease only bounds how soon a crashed instance's jobs are taken over (then batch by batch, at the speed of fresh work)."},
    {"INSTANCE_NAME", Topic::Webhooks, Type::Text, "",
     0, 0, nullptr,
     "unique among running instances, stable across restarts: a restart retakes its claims",
     [](Settings& s, const Value& v) { s.instanceName = v.text; },
     "none (a random name per start)", "`orchestrator-1`",
     "This instance's name in the webhook queue (Redis consumer). Set it to a name unique among running instances and kept across restarts (e.g. the container's hostname): a restarted instance then retakes the jobs it held at once instead of after the lease. Two running instances must never share one. The SQL queues (embedded, single instance) use `single-instance` when unset."},
    {"WEBHOOK_SPOOL_DIR", Topic::Webhooks, Type::Text, "./data/webhook-spool",
     0, 0, nullptr,
     "production and single-instance modes: where webhooks are kept while the queue is unreachable (empty: no spool, 503 instead)",
     [](Settings& s, const Value& v) { s.webhookSpoolDir = v.text; },
     nullptr, "`/var/lib/lso/spool`",
     "Production and single-instance modes: where accepted webhooks wait while the queue's server (Redis; PostgreSQL without Redis) is unreachable, forwarded to the queue when it is back (see \"Database or Redis outages\"). On local disk, kept across restarts (in the containers: the `/app/data` volume). Instances may share a directory; each forwards what the others left. Empty: no spool, webhooks are answered 503 during such an outage."},
    {"WEBHOOK_SPOOL_MAX_MB", Topic::Webhooks, Type::Integer, "1024",
     1, 1 << 20, nullptr,
     "the spool refuses (503) beyond this many MiB",
     [](Settings& s, const Value& v) { s.webhookSpoolMaxBytes = static_cast<std::uint64_t>(v.number) << 20; },
     nullptr, "`4096`",
     "The spool refuses (503: LiveKit retries, then gives up) once it holds this many MiB. LiveKit webhooks are ~1 KiB, so the default holds about a million."},
    {"WEBHOOK_QUEUE_FSYNC", Topic::Webhooks, Type::Boolean, "true",
     0, 0, nullptr,
     "embedded queue: fsync every accepted batch (false: crash-safe, not power-loss-safe)",
     [](Settings& s, const Value& v) { s.webhookQueueFsync = v.flag; },
     nullptr, "`false`",
     "Embedded (SQLite) queue: fsync every accepted batch, so a webhook answered 200 survives a power loss. `false` keeps WAL ordering only: a process crash loses nothing, a power loss may lose the last accepted webhooks (like Redis AOF with `appendfsync everysec`)."},
    {"RECONCILIATION_INTERVAL_MINUTES", Topic::Webhooks, Type::Integer, "10",
     1, kMinutesPerDay, nullptr,
     "reconciliation period",
     [](Settings& s, const Value& v) { s.reconciliationInterval = std::chrono::minutes(v.number); },
     nullptr, "`5`",
     "Period of the reconciliation job that repairs drift against LiveKit (ended rooms, vanished participants)."},
    {"RECONCILIATION_INTERVAL_SECONDS", Topic::Webhooks, Type::Integer, "",
     1, kSecondsPerDay, nullptr,
     "reconciliation period in seconds (overrides minutes)",
     [](Settings& s, const Value& v) { s.reconciliationInterval = std::chrono::seconds(v.number); },
     "none", "`30`",
     "The same period in seconds; overrides the minutes when set (for tests)."},
    {"RECONCILIATION_ABSENCES", Topic::Webhooks, Type::Integer, "3",
     1, 100, nullptr,
     "consecutive ListRooms absences before a livestream is ended",
     [](Settings& s, const Value& v) { s.reconciliationAbsences = static_cast<int>(v.number); },
     nullptr, "`5`",
     "Consecutive ListRooms answers without a LIVE livestream's room before it is ended."},
    {"RECONCILIATION_GRACE_SECONDS", Topic::Webhooks, Type::Integer, "120",
     0, kSecondsPerDay, nullptr,
     "livestreams younger than this are never reconciled",
     [](Settings& s, const Value& v) { s.reconciliationGrace = std::chrono::seconds(v.number); },
     nullptr, "`300`",
     "Livestreams younger than this are never ended by reconciliation."},
    {"RATE_LIMIT_ENABLED", Topic::RateLimits, Type::Boolean, "true",
     0, 0, nullptr,
     "rate limits on the API",
     [](Settings& s, const Value& v) { s.rateLimitEnabled = v.flag; },
     nullptr, "`false`",
     "Switches every rate limit on or off (not the sign-in throttle)."},
    {"RATE_LIMIT_API_MAX", Topic::RateLimits, Type::Integer, "100",
     1, 100000000, nullptr,
     "API requests per window, per user or API key (per IP in open mode)",
     [](Settings& s, const Value& v) { s.rateLimitApi.max = v.number; },
     nullptr, "`10000`",
     "Every limited `/api/v1` request."},
    {"RATE_LIMIT_API_WINDOW_SECONDS", Topic::RateLimits, Type::Integer, "900",
     1, 7 * kSecondsPerDay, nullptr,
     "API window",
     [](Settings& s, const Value& v) { s.rateLimitApi.window = std::chrono::seconds(v.number); },
     nullptr, "`900`",
     "The window of `RATE_LIMIT_API_MAX`."},
    {"RATE_LIMIT_WRITE_MAX", Topic::RateLimits, Type::Integer, "20",
     1, 100000000, nullptr,
     "DELETE, join and leave requests per window",
     [](Settings& s, const Value& v) { s.rateLimitWrite.max = v.number; },
     nullptr, "`2000`",
     "DELETE, join, leave, and the writes of `/users`, `/api-keys` and invites."},
    {"RATE_LIMIT_WRITE_WINDOW_SECONDS", Topic::RateLimits, Type::Integer, "3600",
     1, 7 * kSecondsPerDay, nullptr,
     "write window",
     [](Settings& s, const Value& v) { s.rateLimitWrite.window = std::chrono::seconds(v.number); },
     nullptr, "`3600`",
     "The window of `RATE_LIMIT_WRITE_MAX`."},
    {"RATE_LIMIT_CREATE_MAX", Topic::RateLimits, Type::Integer, "5",
     1, 100000000, nullptr,
     "livestream creations per window (authenticated modes: successful ones only)",
     [](Settings& s, const Value& v) { s.rateLimitCreate.max = v.number; },
     nullptr, "`100`",
     "Successful livestream creations (open mode: every POST `/api/v1/livestreams`)."},
    {"RATE_LIMIT_CREATE_WINDOW_SECONDS", Topic::RateLimits, Type::Integer, "3600",
     1, 7 * kSecondsPerDay, nullptr,
     "create window",
     [](Settings& s, const Value& v) { s.rateLimitCreate.window = std::chrono::seconds(v.number); },
     nullptr, "`3600`",
     "The window of `RATE_LIMIT_CREATE_MAX`."},
    {"RATE_LIMIT_ANONYMOUS_MAX", Topic::RateLimits, Type::Integer, "300",
     1, 100000000, nullptr,
     "requests per window of signed-out clients, per IP",
     [](Settings& s, const Value& v) { s.rateLimitAnonymous.max = v.number; },
     nullptr, "`1000`",
     "Authenticated modes: all limited requests of signed-out callers, per IP (sign-in and sign-up included)."},
    {"RATE_LIMIT_ANONYMOUS_WINDOW_SECONDS", Topic::RateLimits, Type::Integer, "300",
     1, 7 * kSecondsPerDay, nullptr,
     "anonymous window",
     [](Settings& s, const Value& v) { s.rateLimitAnonymous.window = std::chrono::seconds(v.number); },
     nullptr, "`300`",
     "The window of `RATE_LIMIT_ANONYMOUS_MAX`."},
    {"AUTH_MODE", Topic::Identity, Type::Choice, "accounts",
     0, 0, "accounts|tokens|open",
     "accounts (built-in accounts, host-app JWTs, API keys) | tokens (no built-in accounts) | open (identity from request bodies: local experiments only)",
     [](Settings& s, const Value& v) { s.authMode = v.text; },
     nullptr, "`tokens`, `open`",
     "`accounts`: built-in accounts (sign-up, sign-in, session cookie), plus host-app JWTs when keys are set, API keys and guests. `tokens`: no built-in accounts (sign-up and sign-in answer 404); users come from host-app JWTs, which then need keys (`AUTH_JWT_SECRET`, `AUTH_JWT_PUBLIC_KEY` or `AUTH_JWKS_URL`), plus API keys and guests. `open`: identity from request bodies, anyone can act as anyone (the original's contract): local experiments only."},
    {"AUTH_ALLOW_OPEN", Topic::Identity, Type::Boolean, "false",
     0, 0, nullptr,
     "allow AUTH_MODE=open on PostgreSQL",
     [](Settings& s, const Value& v) { s.authAllowOpen = v.flag; },
     nullptr, "`true`",
     "Allows `AUTH_MODE=open` with a PostgreSQL database; without it the server refuses to start."},
    {"AUTH_SIGNUP", Topic::Identity, Type::Choice, "open",
     0, 0, "open|closed",
     "open: anyone may sign up | closed: admins create accounts",
     [](Settings& s, const Value& v) { s.authSignupOpen = v.text == "open"; },
     nullptr, "`closed`",
     "`open`: anyone may create an account (the first one becomes admin). `closed`: only admins create accounts (API or `user create`)."},
    {"AUTH_GUESTS", Topic::Identity, Type::Boolean, "true",
     0, 0, nullptr,
     "guests (and signed-out readers) may watch public livestreams",
     [](Settings& s, const Value& v) { s.authGuests = v.flag; },
     nullptr, "`false`",
     "Guests (`POST /auth/guest`) and signed-out readers may list and read public livestreams (and unlisted ones by id) and guests may watch public ones. `false`: reading needs a signed-in user."},
    {"AUTH_SESSION_TTL_HOURS", Topic::Identity, Type::Integer, "720",
     1, 365 * kHoursPerDay, nullptr,
     "session lifetime",
     [](Settings& s, const Value& v) { s.sessionTtl = std::chrono::hours(v.number); },
     nullptr, "`168`",
     "Absolute lifetime of a session (1–8760); also the cookie's `Max-Age`."},
    {"AUTH_SESSION_IDLE_HOURS", Topic::Identity, Type::Integer, "168",
     1, 365 * kHoursPerDay, nullptr,
     "sessions unused this long end",
     [](Settings& s, const Value& v) { s.sessionIdle = std::chrono::hours(v.number); },
     nullptr, "`24`",
     "A session unused this long ends (1–8760; at most the TTL)."},
    {"AUTH_JWT_SECRET", Topic::Identity, Type::Custom, "",
     0, 0, nullptr,
     "HS256 secret of host-app tokens (Authorization: Bearer <JWT>)",
     [](Settings& s, const Value& v) {
        if (v.text.size() < 32)
          throw ConfigError("AUTH_JWT_SECRET: must be at least 32 characters (256 bits)");
        s.jwtSecret = v.text;
     },
     "none", "(48 random characters)",
     "HS256 secret shared with the host application, at least 32 characters. Enables `Authorization: Bearer <JWT>`."},
    {"AUTH_JWT_PUBLIC_KEY", Topic::Identity, Type::Custom, "",
     0, 0, nullptr,
     "PEM public key (RSA, EC P-256, Ed25519) of host-app tokens, or a path to a PEM file",
     [](Settings& s, const Value& v) { s.jwtPublicKeyPem = read_public_key(v.text); },
     "none", "`/etc/lso/jwt-public.pem`",
     "PEM public key (RSA 2048–8192 bits, EC P-256 or Ed25519), the text itself (starting `-----BEGIN`) or a file path: RS256, ES256 or EdDSA tokens."},
    {"AUTH_JWKS_URL", Topic::Identity, Type::Custom, "",
     0, 0, nullptr,
     "JWKS URL of host-app token keys (fetched, cached)",
     [](Settings& s, const Value& v) {
        check_url("AUTH_JWKS_URL", v.text, {"http", "https"});
        s.jwksUrl = v.text;
     },
     "none", "`https://auth.example.com/.well-known/jwks.json`",
     "JWKS of the host application's signing keys (fetched on first use, kept 1 h, refetched for an unknown `kid` at most every 30 s)."},
    {"AUTH_JWT_ISSUER", Topic::Identity, Type::Text, "",
     0, 0, nullptr,
     "required iss of host-app tokens",
     [](Settings& s, const Value& v) { s.jwtIssuer = v.text; },
     "none", "`https://app.example.com`",
     "When set, tokens must carry exactly this `iss`."},
    {"AUTH_JWT_AUDIENCE", Topic::Identity, Type::Text, "",
     0, 0, nullptr,
     "required aud of host-app tokens",
     [](Settings& s, const Value& v) { s.jwtAudience = v.text; },
     "none", "`livestreams`",
     "When set, the token's `aud` (string or array) must contain it."},
    {"AUTH_JWT_ALGORITHMS", Topic::Identity, Type::Custom, "",
     0, 0, nullptr,
     "allowed algorithms, comma-separated (default: what the configured keys verify)",
     [](Settings& s, const Value& v) { s.jwtAlgorithms = read_algorithms(v.text); },
     "what the keys can verify", "`RS256`",
     "Comma-separated allow-list among `HS256`, `RS256`, `ES256`, `EdDSA`; naming one no configured key can verify is a start-up error."},
    {"AUTH_JWT_ADMIN_CLAIM", Topic::Identity, Type::Text, "admin",
     0, 0, nullptr,
     "claim marking admins: 'admin' (\"admin\": true) or 'role=admin' (claim equals/contains)",
     [](Settings& s, const Value& v) { s.jwtAdminClaim = v.text; },
     nullptr, "`role=admin`",
     "The claim that makes a token's user an admin: `NAME` means `\"NAME\": true`; `NAME=VALUE` means the claim equals `VALUE` or is an array containing it. To never grant admin through tokens, name a claim your tokens do not carry."},
    {"AUTH_JWT_LEEWAY_SECONDS", Topic::Identity, Type::Integer, "30",
     0, 600, nullptr,
     "clock leeway for exp/nbf of host-app tokens",
     [](Settings& s, const Value& v) { s.jwtLeeway = std::chrono::seconds(v.number); },
     nullptr, "`5`",
     "Clock skew allowed on `exp`, `nbf` and `iat` (0–600)."},
    {"AUTH_HASH_THREADS", Topic::Identity, Type::Integer, "1",
     1, 64, nullptr,
     "threads hashing passwords (Argon2id)",
     [](Settings& s, const Value& v) { s.hashThreads = static_cast<int>(v.number); },
     nullptr, "`2`",
     "Threads hashing passwords (Argon2id) at sign-up, sign-in and password change; at most 64 requests wait, more get 503. Each running hash holds `AUTH_ARGON2_MEMORY_KIB`."},
    {"AUTH_ARGON2_MEMORY_KIB", Topic::Identity, Type::Integer, "65536",
     8 * kKiB, 4 * kMiB, nullptr,  // the value is in KiB: 8 MiB to 4 GiB
     "Argon2id memory per hash",
     [](Settings& s, const Value& v) { s.argon2MemoryKib = v.number; },
     nullptr, "`131072`",
     "Argon2id memory per hash (8192–4194304 KiB). Applies to new hashes, and to existing ones at their next sign-in (rehashed)."},
    {"AUTH_ARGON2_ITERATIONS", Topic::Identity, Type::Integer, "2",
     1, 64, nullptr,
     "Argon2id passes",
     [](Settings& s, const Value& v) { s.argon2Iterations = v.number; },
     nullptr, "`3`",
     "Argon2id passes (1–64). Applies to new hashes, and to existing ones at their next sign-in (rehashed)."},
    {"AUTH_LOGIN_MAX_FAILURES", Topic::Identity, Type::Integer, "10",
     1, 1000000, nullptr,
     "failed sign-ins per account per window (per IP: five times this)",
     [](Settings& s, const Value& v) { s.loginMaxFailures = v.number; },
     nullptr, "`5`",
     "Failed sign-ins per account per window; per client IP five times this. Then 429 with `Retry-After` until the window ends."},
    {"AUTH_LOGIN_WINDOW_SECONDS", Topic::Identity, Type::Integer, "900",
     1, 7 * kSecondsPerDay, nullptr,
     "sign-in throttling window",
     [](Settings& s, const Value& v) { s.loginWindow = std::chrono::seconds(v.number); },
     nullptr, "`3600`",
     "The sign-in throttling window (1–604800)."},
    {"AUDIT_RETENTION_DAYS", Topic::Identity, Type::Integer, "90",
     1, 3650, nullptr,
     "audit log entries older than this are deleted",
     [](Settings& s, const Value& v) { s.auditRetention = std::chrono::hours(24 * v.number); },
     nullptr, "`365`",
     "Audit log entries older than this are deleted (hourly; 1–3650)."},
    {"ANALYTICS_DOWNSAMPLE_AFTER_HOURS", Topic::Analytics, Type::Integer, "24",
     1, 3650 * kHoursPerDay, nullptr,
     "viewer series buckets older than this go from 10 s to 1 min resolution",
     [](Settings& s, const Value& v) { s.analyticsDownsampleAfter = std::chrono::hours(v.number); },
     nullptr, "`6`",
     "The viewer series is kept in 10 s buckets for this long, then merged into 1 min buckets (hourly; 1–87600)."},
    {"ANALYTICS_RETENTION_DAYS", Topic::Analytics, Type::Integer, "365",
     0, 36500, nullptr,
     "viewer sessions and series of livestreams ended longer ago are deleted (0: kept)",
     [](Settings& s, const Value& v) { s.analyticsRetention = std::chrono::hours(24 * v.number); },
     nullptr, "`90`",
     "Viewer sessions and the viewer series of livestreams that ended longer ago are deleted (hourly; 0 keeps them forever). The livestream record keeps its peak, unique viewers and times."},
    {"CHAT_MESSAGE_MAX_LENGTH", Topic::Chat, Type::Integer, "500",
     1, 10000, nullptr,
     "characters per chat message",
     [](Settings& s, const Value& v) { s.chatMaxLength = v.number; },
     nullptr, "`280`",
     "Characters (code points) per chat message (1–10000); longer messages are refused (400), never cut."},
    {"CHAT_RATE_LIMIT", Topic::Chat, Type::Integer, "5",
     1, 1000000, nullptr,
     "chat messages per person per CHAT_RATE_WINDOW_SECONDS",
     [](Settings& s, const Value& v) { s.chatRateLimit = v.number; },
     nullptr, "`10`",
     "Chat messages one person may post per window in one livestream (then 429 `rate_limited` with `Retry-After`). Counted from the stored messages, so it holds across instances."},
    {"CHAT_RATE_WINDOW_SECONDS", Topic::Chat, Type::Integer, "10",
     1, 3600, nullptr,
     "chat rate-limit window",
     [](Settings& s, const Value& v) { s.chatRateWindow = std::chrono::seconds(v.number); },
     nullptr, "`30`",
     "The chat rate-limit window (1–3600). Slow mode (one message per N seconds, set per livestream by its host or moderators) comes on top; host and moderators are exempt from slow mode."},
    {"RECORDING_OUTPUTS", Topic::Recordings, Type::Custom, "mp4",
     0, 0, nullptr,
     "what a recording writes: mp4, hls, or mp4,hls",
     [](Settings& s, const Value& v) { read_recording_outputs(s, v.text); },
     nullptr, "`mp4,hls`",
     "What a recording writes: an MP4 file, HLS segments and a playlist, or both."},
    {"RECORDING_PATH_PREFIX", Topic::Recordings, Type::Text, "recordings",
     0, 0, nullptr,
     "folder (or object key prefix) of recordings: <prefix>/<livestream id>/<recording id>",
     [](Settings& s, const Value& v) {
        s.recordingPathPrefix = v.text;
        while (!s.recordingPathPrefix.empty() && s.recordingPathPrefix.back() == '/')
          s.recordingPathPrefix.pop_back();
     },
     nullptr, "`replays`",
     "Where a recording goes: `<prefix>/<livestream id>/<recording id>.mp4` (and `….m3u8` for HLS), a path on Egress's storage or an object key."},
    {"RECORDING_S3_BUCKET", Topic::Recordings, Type::Text, "",
     0, 0, nullptr,
     "S3-compatible bucket for recordings (empty: LiveKit Egress's own storage settings)",
     [](Settings& s, const Value& v) { s.recordingS3Bucket = v.text; },
     "(empty)", "`lso-recordings`",
     "S3-compatible bucket the outputs are uploaded to. Empty: Egress's own storage settings (its `egress.yaml`)."},
    {"RECORDING_S3_REGION", Topic::Recordings, Type::Text, "",
     0, 0, nullptr,
     "its region",
     [](Settings& s, const Value& v) { s.recordingS3Region = v.text; },
     "(empty)", "`eu-west-1`",
     "The bucket's region."},
    {"RECORDING_S3_ENDPOINT", Topic::Recordings, Type::Custom, "",
     0, 0, nullptr,
     "its endpoint URL (MinIO, R2, …; empty: AWS)",
     [](Settings& s, const Value& v) {
        check_url("RECORDING_S3_ENDPOINT", v.text, {"http", "https"});
        s.recordingS3Endpoint = v.text;
     },
     "(empty)", "`https://minio.internal:9000`",
     "Endpoint of a non-AWS store (MinIO, R2, …); `http`/`https` only."},
    {"RECORDING_S3_ACCESS_KEY", Topic::Recordings, Type::Text, "",
     0, 0, nullptr,
     "its access key id",
     [](Settings& s, const Value& v) { s.recordingS3AccessKey = v.text; },
     "(empty)", "`AKIA…`",
     "Access key id; needs the bucket."},
    {"RECORDING_S3_SECRET", Topic::Recordings, Type::Text, "",
     0, 0, nullptr,
     "its secret access key (passed to LiveKit Egress per request)",
     [](Settings& s, const Value& v) { s.recordingS3Secret = v.text; },
     "(empty)", "",
     "Secret access key; passed to Egress in each StartRoomCompositeEgress request (LiveKit's API has no other way) and never logged or stored. Prefer an instance role on the Egress hosts and leave both empty."},
    {"RECORDING_S3_FORCE_PATH_STYLE", Topic::Recordings, Type::Boolean, "false",
     0, 0, nullptr,
     "path-style bucket URLs (MinIO)",
     [](Settings& s, const Value& v) { s.recordingS3ForcePathStyle = v.flag; },
     nullptr, "`true`",
     "Path-style bucket URLs (MinIO)."},
    {"RECORDING_MEDIA_ORIGINS", Topic::Recordings, Type::Custom, "",
     0, 0, nullptr,
     "comma-separated origins the web client may play recordings from (e.g. the bucket's URL)",
     [](Settings& s, const Value& v) {
        for (auto& item : split_list(v.text)) {
          check_url("RECORDING_MEDIA_ORIGINS", item, {"http", "https"});
          if (item.find_first_of(";'\"") != std::string::npos)
            throw ConfigError("RECORDING_MEDIA_ORIGINS: '" + item + "' is not an origin");
          s.recordingMediaOrigins.push_back(std::move(item));
        }
     },
     "(empty)", "`https://lso-recordings.s3.eu-west-1.amazonaws.com`",
     "Comma-separated origins the web client may play and download recordings from: added to the Content-Security-Policy's `media-src` and `connect-src` (hls.js fetches the playlist). Without it the page plays only recordings served by this origin."},
    {"LOG_LEVEL", Topic::Logging, Type::Choice, "info",
     0, 0, "trace|debug|info|warn|error",
     "trace|debug|info|warn|error",
     [](Settings& s, const Value& v) { s.logLevel = v.text; },
     nullptr, "`debug`",
     "`trace`, `debug`, `info`, `warn` or `error`."},
    {"LOG_FORMAT", Topic::Logging, Type::Choice, "text",
     0, 0, "text|json",
     "text|json",
     [](Settings& s, const Value& v) { s.logFormat = v.text; },
     nullptr, "`json`",
     "`text` for people, `json` for collectors (one JSON object per line). Every request line carries its `X-Request-Id`."},
};

struct TopicId {
  Topic topic;
  std::string_view id;
};
constexpr TopicId kTopicIds[] = {
    {Topic::Http, "http"},
    {Topic::Storage, "storage"},
    {Topic::LiveKit, "livekit"},
    {Topic::Webhooks, "webhooks"},
    {Topic::RateLimits, "rate-limits"},
    {Topic::Identity, "identity"},
    {Topic::Analytics, "analytics"},
    {Topic::Chat, "chat"},
    {Topic::Recordings, "recordings"},
    {Topic::Logging, "logging"},
};

constexpr std::string_view kBegin = "<!-- BEGIN settings-table ";
constexpr std::string_view kEnd = "<!-- END settings-table -->";

}  // namespace

void apply_setting(Settings& s, const SettingInfo& info, const std::string& raw) {
  Value v;
  switch (info.type) {
    case Type::Integer: v.number = read_integer(info.name, raw, info.min, info.max); break;
    case Type::Boolean: v.flag = read_boolean(info.name, raw); break;
    case Type::Choice: v.text = read_choice(info.name, raw, info.choices); break;
    case Type::Text:
    case Type::Custom: v.text = raw; break;
  }
  info.apply(s, v);
}

std::span<const SettingInfo> settings_table() {
  return kSettings;
}

std::string settings_markdown(Topic topic) {
  std::string out = "| variable | default | example | meaning |\n|---|---|---|---|";
  for (const auto& s : kSettings) {
    if (s.topic != topic) continue;
    const std::string shown = s.docDefault ? s.docDefault : fmt::format("`{}`", s.defaultValue);
    out += fmt::format("\n| `{}` | {} | {} | {} |", s.name, shown, s.example, s.meaning);
  }
  return out;
}

std::string refresh_settings_markdown(std::string_view document) {
  std::string out;
  for (;;) {
    const auto begin = document.find(kBegin);
    if (begin == std::string_view::npos) break;
    const auto idEnd = document.find(" -->", begin);
    const auto end = document.find(kEnd, begin);
    if (idEnd == std::string_view::npos || end == std::string_view::npos || end < idEnd)
      throw ConfigError("settings table marker without its end marker");
    const auto id = document.substr(begin + kBegin.size(), idEnd - begin - kBegin.size());
    const auto* topic = std::find_if(std::begin(kTopicIds), std::end(kTopicIds),
                                     [&](const TopicId& t) { return t.id == id; });
    if (topic == std::end(kTopicIds))
      throw ConfigError(fmt::format("settings table marker names no topic: '{}'", id));
    out += document.substr(0, idEnd + 4);
    out += '\n';
    out += settings_markdown(topic->topic);
    out += '\n';
    out += kEnd;
    document.remove_prefix(end + kEnd.size());
  }
  out += document;
  return out;
}

}  // namespace lso::config
