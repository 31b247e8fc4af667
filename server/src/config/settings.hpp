// Typed settings of the server (SPEC §3), read from defaults < `.env` < environment < flags.
// Every bad value is a start-up error naming the variable; nothing falls back silently.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

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

  std::uint16_t port = 3001;
  std::string host = "0.0.0.0";
  std::string databaseUrl = "sqlite:./data/orchestrator.db";
  int dbPoolSize = 8;
  std::optional<std::string> redisUrl;

  std::string livekitUrl = "ws://localhost:7880";
  std::string livekitPublicUrl;  // defaults to livekitUrl
  std::string livekitApiKey = "devkey";
  std::string livekitApiSecret = "secret";
  std::chrono::milliseconds livekitTimeout{5000};
  bool livekitSimulated =
      false;  // the LiveKit double stands in: no media (said in /health and the client)
  std::chrono::seconds tokenTtl{24 * 3600};

  int webhookQueueConcurrency = 10;
  int webhookMaxAttempts = 5;
  // How long a claimed webhook stays invisible to other instances; renewed while it is applied,
  // so it bounds the takeover delay after a crash, not the time one batch may take.
  std::chrono::seconds webhookQueueLease{10};
  // This instance's name in the queue (Redis consumer, SQL lease owner); empty: a random one.
  std::string instanceName;
  // Production and single-instance modes: accepted webhooks wait here while the queue's backend
  // is unreachable (empty: no spool; intake answers 503 instead).
  std::string webhookSpoolDir = "./data/webhook-spool";
  std::uint64_t webhookSpoolMaxBytes = 1024ull << 20;
  bool webhookQueueFsync = true;  // embedded queue: fsync each accepted batch (power-loss safe)
  std::chrono::seconds reconciliationInterval{600};
  int reconciliationAbsences = 3;
  std::chrono::seconds reconciliationGrace{120};

  std::vector<std::string> corsOrigins{"*"};
  bool rateLimitEnabled = true;
  RateLimitRule rateLimitApi{100, std::chrono::seconds{900}};
  RateLimitRule rateLimitWrite{20, std::chrono::seconds{3600}};
  RateLimitRule rateLimitCreate{5, std::chrono::seconds{3600}};
  int trustProxyHops = 0;  // 0: ignore X-Forwarded-For

  // Identity (SPEC §12, docs/security.md).
  std::string authMode = "accounts";  // accounts | tokens (no built-in accounts) | open
  bool authAllowOpen = false;         // open mode on PostgreSQL must be asked for explicitly
  bool authSignupOpen = true;
  bool authGuests = true;
  std::chrono::seconds sessionTtl{30 * 24 * 3600};
  std::chrono::seconds sessionIdle{7 * 24 * 3600};
  std::string jwtSecret;
  std::string jwtPublicKeyPem;
  std::string jwksUrl;
  std::string jwtIssuer;
  std::string jwtAudience;
  std::vector<std::string> jwtAlgorithms;
  std::string jwtAdminClaim = "admin";
  std::chrono::seconds jwtLeeway{30};
  int hashThreads = 1;
  std::int64_t argon2MemoryKib = 64 * 1024;
  std::int64_t argon2Iterations = 2;
  std::int64_t loginMaxFailures = 10;
  std::chrono::seconds loginWindow{900};
  std::chrono::seconds auditRetention{90 * 24 * 3600};
  std::chrono::seconds analyticsDownsampleAfter{24 * 3600};
  std::chrono::seconds analyticsRetention{365 * 24 * 3600};  // 0: kept forever
  // Chat (SPEC §15): message length in characters, and per person at most chatRateLimit
  // messages per chatRateWindow.
  std::int64_t chatMaxLength = 500;
  std::int64_t chatRateLimit = 5;
  std::chrono::seconds chatRateWindow{10};
  // Recordings (LiveKit Egress): outputs and where they go (empty bucket: Egress's own storage).
  bool recordingMp4 = true;
  bool recordingHls = false;
  std::string recordingPathPrefix = "recordings";
  std::string recordingS3Bucket;
  std::string recordingS3Region;
  std::string recordingS3Endpoint;
  std::string recordingS3AccessKey;
  std::string recordingS3Secret;
  bool recordingS3ForcePathStyle = false;
  // Origins the web client may play recordings from (Content-Security-Policy media-src).
  std::vector<std::string> recordingMediaOrigins;
  RateLimitRule rateLimitAnonymous{300, std::chrono::seconds{300}};

  bool open_mode() const { return authMode == "open"; }
  bool host_tokens() const { return !jwtSecret.empty() || !jwtPublicKeyPem.empty() || !jwksUrl.empty(); }

  std::string logLevel = "info";
  std::string logFormat = "text";
  std::string staticDir;  // empty: no static files
  std::size_t bodyLimitBytes = 1024 * 1024;
  bool accessLog = true;
  int ioThreads = 0;  // 0: one per core
  std::chrono::seconds sseHeartbeat{15};
  std::chrono::seconds shutdownTimeout{10};

  bool embedded() const { return databaseUrl.rfind("sqlite:", 0) == 0; }
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
