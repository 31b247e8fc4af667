// Typed settings of the server, read from defaults < `.env` < environment < flags.
// Every bad value is a start-up error naming the variable; nothing falls back silently.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "config/deployment.hpp"

namespace lso::config {

struct RateLimitRule {
  std::int64_t max = 0;
  std::chrono::seconds window{0};
};

struct Settings {
  enum class Command {
    Serve,
    Migrate,
    Routes,
    UserCreate,
    ApiKeyCreate,
    ApiKeyList,
    ApiKeyRevoke,
    DeadLetterList,
    DeadLetterShow,
    DeadLetterReplay,
    DeadLetterDrop,
  };
  Command command = Command::Serve;
  bool dead_letter_command() const {
    return command == Command::DeadLetterList || command == Command::DeadLetterShow ||
           command == Command::DeadLetterReplay || command == Command::DeadLetterDrop;
  }
  // Arguments of the administration commands (`user create`, `api-key …`, `webhooks dead …`).
  struct CommandArgs {
    std::string username;
    std::string displayName;
    bool admin = false;
    std::string keyName;
    std::string scopes = "read,write";
    std::string owner;  // the admin a new key acts as
    std::string keyId;
    std::string deadId;      // a dead letter's id (show, replay, drop)
    bool replayAll = false;  // `webhooks dead replay --all`
  } args;

  // Every field below is set by parse_settings from the table of settings (settings_table.cpp),
  // which holds the defaults: none is repeated here.
  std::uint16_t port{};
  std::string host;
  std::string databaseUrl;
  int dbPoolSize{};
  std::optional<std::string> redisUrl;

  std::string livekitUrl;
  std::string livekitPublicUrl;  // defaults to livekitUrl
  std::string livekitApiKey;
  std::string livekitApiSecret;
  std::chrono::milliseconds livekitTimeout{};
  // The LiveKit double stands in: no media (said in /health and the client).
  bool livekitSimulated{};
  std::chrono::seconds tokenTtl{};

  int webhookQueueConcurrency{};
  int webhookMaxAttempts{};
  // How long a claimed webhook stays invisible to other instances; renewed while it is applied,
  // so it bounds the takeover delay after a crash, not the time one batch may take.
  std::chrono::seconds webhookQueueLease{};
  // This instance's name in the queue (Redis consumer, SQL lease owner); empty: a random one.
  std::string instanceName;
  // Production and single-instance modes: accepted webhooks wait here while the queue's backend
  // is unreachable (empty: no spool; intake answers 503 instead).
  std::string webhookSpoolDir;
  std::uint64_t webhookSpoolMaxBytes{};
  bool webhookQueueFsync{};  // embedded queue: fsync each accepted batch (power-loss safe)
  std::chrono::seconds reconciliationInterval{};
  int reconciliationAbsences{};
  std::chrono::seconds reconciliationGrace{};

  std::vector<std::string> corsOrigins;
  bool rateLimitEnabled{};
  RateLimitRule rateLimitApi;
  RateLimitRule rateLimitWrite;
  RateLimitRule rateLimitCreate;
  int trustProxyHops{};  // 0: ignore X-Forwarded-For

  // Identity (docs/security.md).
  std::string authMode;  // accounts | tokens (no built-in accounts) | open
  bool authAllowOpen{};  // open mode on PostgreSQL must be asked for explicitly
  bool authSignupOpen{};
  bool authGuests{};
  std::chrono::seconds sessionTtl{};
  std::chrono::seconds sessionIdle{};
  std::string jwtSecret;
  std::string jwtPublicKeyPem;
  std::string jwksUrl;
  std::string jwtIssuer;
  std::string jwtAudience;
  std::vector<std::string> jwtAlgorithms;
  std::string jwtAdminClaim;
  std::chrono::seconds jwtLeeway{};
  int hashThreads{};
  std::int64_t argon2MemoryKib{};
  std::int64_t argon2Iterations{};
  std::int64_t loginMaxFailures{};
  std::chrono::seconds loginWindow{};
  std::chrono::seconds auditRetention{};
  std::chrono::seconds analyticsDownsampleAfter{};
  std::chrono::seconds analyticsRetention{};  // 0: kept forever
  // Chat: message length in characters, and per person at most chatRateLimit
  // messages per chatRateWindow.
  std::int64_t chatMaxLength{};
  std::int64_t chatRateLimit{};
  std::chrono::seconds chatRateWindow{};
  // Recordings (LiveKit Egress): outputs and where they go (empty bucket: Egress's own storage).
  bool recordingMp4{};
  bool recordingHls{};
  std::string recordingPathPrefix;
  std::string recordingS3Bucket;
  std::string recordingS3Region;
  std::string recordingS3Endpoint;
  std::string recordingS3AccessKey;
  std::string recordingS3Secret;
  bool recordingS3ForcePathStyle{};
  // Origins the web client may play recordings from (Content-Security-Policy media-src).
  std::vector<std::string> recordingMediaOrigins;
  RateLimitRule rateLimitAnonymous;

  bool open_mode() const { return authMode == "open"; }
  bool host_tokens() const {
    return !jwtSecret.empty() || !jwtPublicKeyPem.empty() || !jwksUrl.empty();
  }

  std::string logLevel;
  std::string logFormat;
  std::string staticDir;  // empty: no static files
  std::size_t bodyLimitBytes{};
  bool accessLog{};
  int ioThreads{};  // 0: one per core
  std::chrono::seconds sseHeartbeat{};
  std::chrono::seconds shutdownTimeout{};

  // DATABASE_URL and REDIS_URL interpreted (set by parse_settings): what every factory reads.
  Deployment deployment;
  bool embedded() const { return deployment.embedded(); }
};

// A start-up error; the message names the variable.
class ConfigError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Every variable the server reads, with its default and a one-line meaning (for --help).
struct VariableInfo {
  const char* name;
  const char* defaultValue;
  const char* help;
};
const std::vector<VariableInfo>& variables();

// Parses raw name → value pairs (already merged by precedence) into settings.
Settings parse_settings(const std::map<std::string, std::string>& values);

// Reads a dotenv file: KEY=VALUE lines, `#` comments, optional `export `, single or double quotes.
// A missing file is an empty map; a malformed line is a ConfigError naming the file and line.
std::map<std::string, std::string> read_dotenv(const std::string& path);

// The whole chain: defaults, `.env` in the working directory, the process environment, then
// command-line flags (`--port 3002`, `--database-url …`; `migrate` as the first argument).
// Throws ConfigError; `--help` prints usage and returns nullopt.
std::optional<Settings> load_settings(int argc, char** argv);

}  // namespace lso::config
