// Settings: the variable table, strict parsing of each value, and the defaults < .env < env < flags
// chain.
#include "config/settings.hpp"

#include <fmt/format.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <boost/url/parse.hpp>
#include <cctype>
#include <charconv>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>

namespace lso::config {

const std::vector<VariableInfo>& variables() {
  static const std::vector<VariableInfo> table = {
      {"PORT", "3001", "HTTP port"},
      {"HOST", "0.0.0.0", "address to listen on"},
      {"DATABASE_URL", "sqlite:./data/orchestrator.db",
       "sqlite:<file> (embedded) or postgresql://… (production)"},
      {"DB_POOL_SIZE", "8", "database connections, and threads running blocking work"},
      {"REDIS_URL", "", "redis://host:port[/db]; with PostgreSQL: production mode"},
      {"LIVEKIT_URL", "ws://localhost:7880",
       "LiveKit server URL the orchestrator calls (ws, wss, http, https)"},
      {"LIVEKIT_PUBLIC_URL", "", "LiveKit URL handed to browsers (default: LIVEKIT_URL)"},
      {"LIVEKIT_API_KEY", "devkey", "LiveKit API key"},
      {"LIVEKIT_API_SECRET", "secret", "LiveKit API secret"},
      {"LIVEKIT_TIMEOUT_MS", "5000", "timeout of one LiveKit server API call"},
      {"LIVEKIT_SIMULATED", "false",
       "true when LIVEKIT_URL points at the LiveKit double (no media)"},
      {"TOKEN_EXPIRATION_HOURS", "24", "lifetime of join tokens"},
      {"WEBHOOK_QUEUE_CONCURRENCY", "10", "webhook workers per instance"},
      {"WEBHOOK_MAX_ATTEMPTS", "5", "attempts before a webhook goes to the dead-letter list"},
      {"WEBHOOK_QUEUE_LEASE_SECONDS", "10",
       "a crashed instance's claimed webhooks are taken over after this (renewed while applied)"},
      {"INSTANCE_NAME", "",
       "unique among running instances, stable across restarts: a restart retakes its claims"},
      {"WEBHOOK_SPOOL_DIR", "./data/webhook-spool",
       "production and single-instance modes: where webhooks are kept while the queue is "
       "unreachable (empty: no spool, 503 instead)"},
      {"WEBHOOK_SPOOL_MAX_MB", "1024", "the spool refuses (503) beyond this many MiB"},
      {"WEBHOOK_QUEUE_FSYNC", "true",
       "embedded queue: fsync every accepted batch (false: crash-safe, not power-loss-safe)"},
      {"RECONCILIATION_INTERVAL_MINUTES", "10", "reconciliation period"},
      {"RECONCILIATION_INTERVAL_SECONDS", "",
       "reconciliation period in seconds (overrides minutes)"},
      {"RECONCILIATION_ABSENCES", "3",
       "consecutive ListRooms absences before a livestream is ended"},
      {"RECONCILIATION_GRACE_SECONDS", "120", "livestreams younger than this are never reconciled"},
      {"CORS_ORIGINS", "*", "comma-separated allowed origins, or *"},
      {"AUTH_MODE", "accounts",
       "accounts (built-in accounts, host-app JWTs, API keys) | tokens (no built-in accounts) | "
       "open (identity from request bodies: local experiments only)"},
      {"AUTH_ALLOW_OPEN", "false", "allow AUTH_MODE=open on PostgreSQL"},
      {"AUTH_SIGNUP", "open", "open: anyone may sign up | closed: admins create accounts"},
      {"AUTH_GUESTS", "true", "guests (and signed-out readers) may watch public livestreams"},
      {"AUTH_SESSION_TTL_HOURS", "720", "session lifetime"},
      {"AUTH_SESSION_IDLE_HOURS", "168", "sessions unused this long end"},
      {"AUTH_JWT_SECRET", "", "HS256 secret of host-app tokens (Authorization: Bearer <JWT>)"},
      {"AUTH_JWT_PUBLIC_KEY", "",
       "PEM public key (RSA, EC P-256, Ed25519) of host-app tokens, or a path to a PEM file"},
      {"AUTH_JWKS_URL", "", "JWKS URL of host-app token keys (fetched, cached)"},
      {"AUTH_JWT_ISSUER", "", "required iss of host-app tokens"},
      {"AUTH_JWT_AUDIENCE", "", "required aud of host-app tokens"},
      {"AUTH_JWT_ALGORITHMS", "",
       "allowed algorithms, comma-separated (default: what the configured keys verify)"},
      {"AUTH_JWT_ADMIN_CLAIM", "admin",
       "claim marking admins: 'admin' (\"admin\": true) or 'role=admin' (claim equals/contains)"},
      {"AUTH_JWT_LEEWAY_SECONDS", "30", "clock leeway for exp/nbf of host-app tokens"},
      {"AUTH_HASH_THREADS", "1", "threads hashing passwords (Argon2id)"},
      {"AUTH_ARGON2_MEMORY_KIB", "65536", "Argon2id memory per hash"},
      {"AUTH_ARGON2_ITERATIONS", "2", "Argon2id passes"},
      {"AUTH_LOGIN_MAX_FAILURES", "10",
       "failed sign-ins per account per window (per IP: five times this)"},
      {"AUTH_LOGIN_WINDOW_SECONDS", "900", "sign-in throttling window"},
      {"AUDIT_RETENTION_DAYS", "90", "audit log entries older than this are deleted"},
      {"ANALYTICS_DOWNSAMPLE_AFTER_HOURS", "24",
       "viewer series buckets older than this go from 10 s to 1 min resolution"},
      {"ANALYTICS_RETENTION_DAYS", "365",
       "viewer sessions and series of livestreams ended longer ago are deleted (0: kept)"},
      {"CHAT_MESSAGE_MAX_LENGTH", "500", "characters per chat message"},
      {"CHAT_RATE_LIMIT", "5", "chat messages per person per CHAT_RATE_WINDOW_SECONDS"},
      {"CHAT_RATE_WINDOW_SECONDS", "10", "chat rate-limit window"},
      {"RECORDING_OUTPUTS", "mp4", "what a recording writes: mp4, hls, or mp4,hls"},
      {"RECORDING_PATH_PREFIX", "recordings",
       "folder (or object key prefix) of recordings: <prefix>/<livestream id>/<recording id>"},
      {"RECORDING_S3_BUCKET", "",
       "S3-compatible bucket for recordings (empty: LiveKit Egress's own storage settings)"},
      {"RECORDING_S3_REGION", "", "its region"},
      {"RECORDING_S3_ENDPOINT", "", "its endpoint URL (MinIO, R2, …; empty: AWS)"},
      {"RECORDING_S3_ACCESS_KEY", "", "its access key id"},
      {"RECORDING_S3_SECRET", "", "its secret access key (passed to LiveKit Egress per request)"},
      {"RECORDING_S3_FORCE_PATH_STYLE", "false", "path-style bucket URLs (MinIO)"},
      {"RECORDING_MEDIA_ORIGINS", "",
       "comma-separated origins the web client may play recordings from (e.g. the bucket's URL)"},
      {"RATE_LIMIT_ENABLED", "true", "rate limits on the API"},
      {"RATE_LIMIT_API_MAX", "3000",
       "API requests per window, per user or API key (per IP in open mode; default there 100)"},
      {"RATE_LIMIT_API_WINDOW_SECONDS", "900", "API window"},
      {"RATE_LIMIT_WRITE_MAX", "600",
       "DELETE, join and leave requests per window (open mode default 20)"},
      {"RATE_LIMIT_WRITE_WINDOW_SECONDS", "3600", "write window"},
      {"RATE_LIMIT_CREATE_MAX", "30",
       "successful livestream creations per window (open mode default 5, counting all)"},
      {"RATE_LIMIT_CREATE_WINDOW_SECONDS", "3600", "create window"},
      {"RATE_LIMIT_ANONYMOUS_MAX", "300", "requests per window of signed-out clients, per IP"},
      {"RATE_LIMIT_ANONYMOUS_WINDOW_SECONDS", "300", "anonymous window"},
      {"TRUST_PROXY", "false", "true/1..N: take the client IP from X-Forwarded-For (N proxy hops)"},
      {"LOG_LEVEL", "info", "trace|debug|info|warn|error"},
      {"LOG_FORMAT", "text", "text|json"},
      {"STATIC_DIR", "", "directory of the web client build, served at / with SPA fallback"},
      {"BODY_LIMIT_BYTES", "1048576", "largest accepted request body"},
      {"ACCESS_LOG", "true", "log one line per request (probes at debug level)"},
      {"IO_THREADS", "0", "I/O threads (0: one per core)"},
      {"SSE_HEARTBEAT_SECONDS", "15", "heartbeat comment period on SSE streams"},
      {"SHUTDOWN_TIMEOUT_SECONDS", "10", "graceful shutdown budget"},
  };
  return table;
}

namespace {

std::string trim(std::string_view s) {
  auto b = s.find_first_not_of(" \t\r\n");
  if (b == std::string_view::npos) return {};
  auto e = s.find_last_not_of(" \t\r\n");
  return std::string(s.substr(b, e - b + 1));
}

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

std::string flag_name(std::string_view var) {
  std::string f = "--";
  for (char c : var)
    f.push_back(c == '_' ? '-' : static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
  return f;
}

class Reader {
 public:
  explicit Reader(const std::map<std::string, std::string>& values) : values_(values) {}

  // The raw value, or nullopt when unset or empty (an empty value means "use the default").
  std::optional<std::string> raw(const char* name) const {
    auto it = values_.find(name);
    if (it == values_.end()) return std::nullopt;
    auto v = trim(it->second);
    if (v.empty()) return std::nullopt;
    return v;
  }

  template <class T>
  void integer(const char* name, T& out, std::int64_t min, std::int64_t max) const {
    auto v = raw(name);
    if (!v) return;
    std::int64_t n = 0;
    auto [p, ec] = std::from_chars(v->data(), v->data() + v->size(), n);
    if (ec != std::errc() || p != v->data() + v->size())
      throw ConfigError(fmt::format("{}: '{}' is not an integer", name, *v));
    if (n < min || n > max)
      throw ConfigError(fmt::format("{}: {} is out of range ({}..{})", name, n, min, max));
    out = static_cast<T>(n);
  }

  template <class Rep, class Period>
  void duration(const char* name, std::chrono::duration<Rep, Period>& out, std::int64_t min,
                std::int64_t max) const {
    std::int64_t n = out.count();
    integer(name, n, min, max);
    out = std::chrono::duration<Rep, Period>(n);
  }

  void boolean(const char* name, bool& out) const {
    auto v = raw(name);
    if (!v) return;
    auto l = lower(*v);
    if (l == "true" || l == "1" || l == "yes" || l == "on")
      out = true;
    else if (l == "false" || l == "0" || l == "no" || l == "off")
      out = false;
    else
      throw ConfigError(fmt::format("{}: '{}' is not a boolean (true/false)", name, *v));
  }

  void text(const char* name, std::string& out) const {
    if (auto v = raw(name)) out = *v;
  }

  void choice(const char* name, std::string& out,
              std::initializer_list<const char*> allowed) const {
    auto v = raw(name);
    if (!v) return;
    auto l = lower(*v);
    for (const char* a : allowed)
      if (l == a) {
        out = l;
        return;
      }
    std::string list;
    for (const char* a : allowed) list += (list.empty() ? "" : "|") + std::string(a);
    throw ConfigError(fmt::format("{}: '{}' is not one of {}", name, *v, list));
  }

 private:
  const std::map<std::string, std::string>& values_;
};

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

}  // namespace

Settings parse_settings(const std::map<std::string, std::string>& values) {
  for (const auto& [name, value] : values)
    if (value.find('\0') != std::string::npos)
      throw ConfigError(fmt::format("{}: contains a NUL byte", name));
  Reader r(values);
  Settings s;
  r.integer("PORT", s.port, 1, 65535);
  r.text("HOST", s.host);
  r.text("DATABASE_URL", s.databaseUrl);
  if (!s.embedded())
    check_url("DATABASE_URL", s.databaseUrl, {"postgres", "postgresql"});
  else if (s.databaseUrl.size() <= 7)
    throw ConfigError("DATABASE_URL: 'sqlite:' needs a file path");
  r.integer("DB_POOL_SIZE", s.dbPoolSize, 1, 256);
  if (auto v = r.raw("REDIS_URL")) {
    check_url("REDIS_URL", *v, {"redis"});
    s.redisUrl = *v;
  }
  r.text("LIVEKIT_URL", s.livekitUrl);
  check_url("LIVEKIT_URL", s.livekitUrl, {"ws", "wss", "http", "https"});
  r.text("LIVEKIT_PUBLIC_URL", s.livekitPublicUrl);
  if (s.livekitPublicUrl.empty()) s.livekitPublicUrl = s.livekitUrl;
  check_url("LIVEKIT_PUBLIC_URL", s.livekitPublicUrl, {"ws", "wss", "http", "https"});
  r.text("LIVEKIT_API_KEY", s.livekitApiKey);
  r.text("LIVEKIT_API_SECRET", s.livekitApiSecret);
  r.duration("LIVEKIT_TIMEOUT_MS", s.livekitTimeout, 100, 120000);
  r.boolean("LIVEKIT_SIMULATED", s.livekitSimulated);
  std::int64_t hours = 24;
  r.integer("TOKEN_EXPIRATION_HOURS", hours, 1, 24 * 365);
  s.tokenTtl = std::chrono::hours(hours);

  r.integer("WEBHOOK_QUEUE_CONCURRENCY", s.webhookQueueConcurrency, 1, 256);
  r.integer("WEBHOOK_MAX_ATTEMPTS", s.webhookMaxAttempts, 1, 100);
  std::int64_t leaseSeconds = 10;
  r.integer("WEBHOOK_QUEUE_LEASE_SECONDS", leaseSeconds, 2, 3600);
  s.webhookQueueLease = std::chrono::seconds(leaseSeconds);
  r.text("INSTANCE_NAME", s.instanceName);
  r.text("WEBHOOK_SPOOL_DIR", s.webhookSpoolDir);
  std::int64_t spoolMegabytes = 1024;
  r.integer("WEBHOOK_SPOOL_MAX_MB", spoolMegabytes, 1, 1 << 20);
  s.webhookSpoolMaxBytes = static_cast<std::uint64_t>(spoolMegabytes) << 20;
  r.boolean("WEBHOOK_QUEUE_FSYNC", s.webhookQueueFsync);
  std::int64_t minutes = 10;
  r.integer("RECONCILIATION_INTERVAL_MINUTES", minutes, 1, 24 * 60);
  s.reconciliationInterval = std::chrono::minutes(minutes);
  r.duration("RECONCILIATION_INTERVAL_SECONDS", s.reconciliationInterval, 1, 24 * 3600);
  r.integer("RECONCILIATION_ABSENCES", s.reconciliationAbsences, 1, 100);
  r.duration("RECONCILIATION_GRACE_SECONDS", s.reconciliationGrace, 0, 24 * 3600);

  if (auto v = r.raw("CORS_ORIGINS")) {
    s.corsOrigins.clear();
    std::string_view rest = *v;
    while (!rest.empty()) {
      auto comma = rest.find(',');
      auto item = trim(rest.substr(0, comma));
      if (!item.empty()) {
        if (item != "*") check_url("CORS_ORIGINS", item, {"http", "https"});
        s.corsOrigins.push_back(item);
      }
      rest = comma == std::string_view::npos ? std::string_view{} : rest.substr(comma + 1);
    }
  }
  r.choice("AUTH_MODE", s.authMode, {"accounts", "tokens", "open"});
  r.boolean("AUTH_ALLOW_OPEN", s.authAllowOpen);
  if (s.open_mode() && !s.embedded() && !s.authAllowOpen)
    throw ConfigError(
        "AUTH_MODE: open mode lets anyone act as anyone; on PostgreSQL it also needs "
        "AUTH_ALLOW_OPEN=true");
  std::string signup = "open";
  r.choice("AUTH_SIGNUP", signup, {"open", "closed"});
  s.authSignupOpen = signup == "open";
  r.boolean("AUTH_GUESTS", s.authGuests);
  {
    std::int64_t idle = 168;
    r.integer("AUTH_SESSION_IDLE_HOURS", idle, 1, 24 * 365);
    s.sessionIdle = std::chrono::hours(idle);
    std::int64_t ttl = 720;
    r.integer("AUTH_SESSION_TTL_HOURS", ttl, 1, 24 * 365);
    s.sessionTtl = std::chrono::hours(ttl);
    if (s.sessionIdle > s.sessionTtl) s.sessionIdle = s.sessionTtl;
  }
  r.text("AUTH_JWT_SECRET", s.jwtSecret);
  if (!s.jwtSecret.empty() && s.jwtSecret.size() < 32)
    throw ConfigError("AUTH_JWT_SECRET: must be at least 32 characters (256 bits)");
  if (auto v = r.raw("AUTH_JWT_PUBLIC_KEY")) {
    if (v->starts_with("-----BEGIN")) {
      s.jwtPublicKeyPem = *v;
    } else {
      // A directory opens but cannot be read (the read throws): refused like a missing file.
      std::error_code ec;
      std::ifstream in(*v);
      if (!in || !std::filesystem::is_regular_file(*v, ec))
        throw ConfigError(fmt::format("AUTH_JWT_PUBLIC_KEY: cannot read the file '{}'", *v));
      try {
        s.jwtPublicKeyPem.assign(std::istreambuf_iterator<char>(in), {});
      } catch (const std::exception&) {
        throw ConfigError(fmt::format("AUTH_JWT_PUBLIC_KEY: cannot read the file '{}'", *v));
      }
    }
  }
  if (auto v = r.raw("AUTH_JWKS_URL")) {
    check_url("AUTH_JWKS_URL", *v, {"http", "https"});
    s.jwksUrl = *v;
  }
  r.text("AUTH_JWT_ISSUER", s.jwtIssuer);
  r.text("AUTH_JWT_AUDIENCE", s.jwtAudience);
  if (auto v = r.raw("AUTH_JWT_ALGORITHMS")) {
    std::string_view rest = *v;
    while (!rest.empty()) {
      auto comma = rest.find(',');
      auto item = trim(rest.substr(0, comma));
      if (item != "HS256" && item != "RS256" && item != "ES256" && item != "EdDSA")
        throw ConfigError(fmt::format(
            "AUTH_JWT_ALGORITHMS: '{}' is not one of HS256, RS256, ES256, EdDSA", item));
      s.jwtAlgorithms.push_back(item);
      rest = comma == std::string_view::npos ? std::string_view{} : rest.substr(comma + 1);
    }
  }
  r.text("AUTH_JWT_ADMIN_CLAIM", s.jwtAdminClaim);
  r.duration("AUTH_JWT_LEEWAY_SECONDS", s.jwtLeeway, 0, 600);
  if (s.authMode == "tokens" && !s.host_tokens())
    throw ConfigError(
        "AUTH_MODE: 'tokens' needs host-app token keys (AUTH_JWT_SECRET, AUTH_JWT_PUBLIC_KEY or "
        "AUTH_JWKS_URL)");
  r.integer("AUTH_HASH_THREADS", s.hashThreads, 1, 64);
  r.integer("AUTH_ARGON2_MEMORY_KIB", s.argon2MemoryKib, 8 * 1024, 4 * 1024 * 1024);
  r.integer("AUTH_ARGON2_ITERATIONS", s.argon2Iterations, 1, 64);
  r.integer("AUTH_LOGIN_MAX_FAILURES", s.loginMaxFailures, 1, 1000000);
  r.duration("AUTH_LOGIN_WINDOW_SECONDS", s.loginWindow, 1, 7 * 86400);
  {
    std::int64_t days = 90;
    r.integer("AUDIT_RETENTION_DAYS", days, 1, 3650);
    s.auditRetention = std::chrono::hours(24 * days);
  }
  {
    std::int64_t hours = 24;
    r.integer("ANALYTICS_DOWNSAMPLE_AFTER_HOURS", hours, 1, 24 * 3650);
    s.analyticsDownsampleAfter = std::chrono::hours(hours);
    std::int64_t days = 365;
    r.integer("ANALYTICS_RETENTION_DAYS", days, 0, 36500);
    s.analyticsRetention = std::chrono::hours(24 * days);
  }
  r.integer("CHAT_MESSAGE_MAX_LENGTH", s.chatMaxLength, 1, 10000);
  r.integer("CHAT_RATE_LIMIT", s.chatRateLimit, 1, 1000000);
  r.duration("CHAT_RATE_WINDOW_SECONDS", s.chatRateWindow, 1, 3600);

  // Per-user limits a person using the web client never meets; open mode keeps the seed's
  // per-IP limits (its contract), which count refused creates too.
  if (s.open_mode()) {
    s.rateLimitApi = {100, std::chrono::seconds{900}};
    s.rateLimitWrite = {20, std::chrono::seconds{3600}};
    s.rateLimitCreate = {5, std::chrono::seconds{3600}};
  }
  if (auto v = r.raw("RECORDING_OUTPUTS")) {
    s.recordingMp4 = s.recordingHls = false;
    std::string_view rest = *v;
    while (!rest.empty()) {
      auto comma = rest.find(',');
      auto item = trim(rest.substr(0, comma));
      if (item == "mp4") s.recordingMp4 = true;
      else if (item == "hls") s.recordingHls = true;
      else if (!item.empty())
        throw ConfigError(fmt::format("RECORDING_OUTPUTS: '{}' is not mp4 or hls", item));
      rest = comma == std::string_view::npos ? std::string_view{} : rest.substr(comma + 1);
    }
    if (!s.recordingMp4 && !s.recordingHls)
      throw ConfigError("RECORDING_OUTPUTS: name mp4, hls, or both");
  }
  r.text("RECORDING_PATH_PREFIX", s.recordingPathPrefix);
  while (!s.recordingPathPrefix.empty() && s.recordingPathPrefix.back() == '/')
    s.recordingPathPrefix.pop_back();
  r.text("RECORDING_S3_BUCKET", s.recordingS3Bucket);
  r.text("RECORDING_S3_REGION", s.recordingS3Region);
  r.text("RECORDING_S3_ENDPOINT", s.recordingS3Endpoint);
  if (!s.recordingS3Endpoint.empty())
    check_url("RECORDING_S3_ENDPOINT", s.recordingS3Endpoint, {"http", "https"});
  r.text("RECORDING_S3_ACCESS_KEY", s.recordingS3AccessKey);
  r.text("RECORDING_S3_SECRET", s.recordingS3Secret);
  r.boolean("RECORDING_S3_FORCE_PATH_STYLE", s.recordingS3ForcePathStyle);
  if (auto v = r.raw("RECORDING_MEDIA_ORIGINS")) {
    std::string_view rest = *v;
    while (!rest.empty()) {
      auto comma = rest.find(',');
      auto item = trim(rest.substr(0, comma));
      if (!item.empty()) {
        check_url("RECORDING_MEDIA_ORIGINS", item, {"http", "https"});
        if (item.find_first_of(";'\"") != std::string::npos)
          throw ConfigError("RECORDING_MEDIA_ORIGINS: '" + item + "' is not an origin");
        s.recordingMediaOrigins.push_back(item);
      }
      rest = comma == std::string_view::npos ? std::string_view{} : rest.substr(comma + 1);
    }
  }
  if (s.recordingS3Bucket.empty() &&
      (!s.recordingS3AccessKey.empty() || !s.recordingS3Secret.empty()))
    throw ConfigError("RECORDING_S3_BUCKET: required when RECORDING_S3_ACCESS_KEY/SECRET are set");
  r.boolean("RATE_LIMIT_ENABLED", s.rateLimitEnabled);
  r.integer("RATE_LIMIT_API_MAX", s.rateLimitApi.max, 1, 100000000);
  r.duration("RATE_LIMIT_API_WINDOW_SECONDS", s.rateLimitApi.window, 1, 7 * 86400);
  r.integer("RATE_LIMIT_WRITE_MAX", s.rateLimitWrite.max, 1, 100000000);
  r.duration("RATE_LIMIT_WRITE_WINDOW_SECONDS", s.rateLimitWrite.window, 1, 7 * 86400);
  r.integer("RATE_LIMIT_CREATE_MAX", s.rateLimitCreate.max, 1, 100000000);
  r.duration("RATE_LIMIT_CREATE_WINDOW_SECONDS", s.rateLimitCreate.window, 1, 7 * 86400);
  r.integer("RATE_LIMIT_ANONYMOUS_MAX", s.rateLimitAnonymous.max, 1, 100000000);
  r.duration("RATE_LIMIT_ANONYMOUS_WINDOW_SECONDS", s.rateLimitAnonymous.window, 1, 7 * 86400);
  if (auto v = r.raw("TRUST_PROXY")) {
    auto l = lower(*v);
    if (l == "true" || l == "yes" || l == "on")
      s.trustProxyHops = 1;
    else if (l == "false" || l == "no" || l == "off")
      s.trustProxyHops = 0;
    else
      r.integer("TRUST_PROXY", s.trustProxyHops, 0, 32);
  }

  r.choice("LOG_LEVEL", s.logLevel, {"trace", "debug", "info", "warn", "error"});
  r.choice("LOG_FORMAT", s.logFormat, {"text", "json"});
  r.text("STATIC_DIR", s.staticDir);
  r.integer("BODY_LIMIT_BYTES", s.bodyLimitBytes, 1024, 64 * 1024 * 1024);
  r.boolean("ACCESS_LOG", s.accessLog);
  r.integer("IO_THREADS", s.ioThreads, 0, 256);
  r.duration("SSE_HEARTBEAT_SECONDS", s.sseHeartbeat, 1, 3600);
  r.duration("SHUTDOWN_TIMEOUT_SECONDS", s.shutdownTimeout, 1, 600);
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
