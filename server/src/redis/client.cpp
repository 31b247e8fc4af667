// Client: REDIS_URL parsing, the connection pool, scripts, and the small helpers the adapters
// share (wake-up descriptor, instance names, outage logging).
#include "redis/client.hpp"

#include <openssl/evp.h>
#include <signal.h>
#include <spdlog/spdlog.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <array>
#include <boost/url/parse.hpp>
#include <cctype>
#include <charconv>
#include <mutex>
#include <random>

#include "domain/errors.hpp"

namespace lso::redis {

using domain::AppError;
using domain::ErrorKind;

namespace {

[[noreturn]] void unavailable(const std::string& message) {
  throw AppError(ErrorKind::Unavailable, message);
}

std::string hex(const unsigned char* p, std::size_t n) {
  static constexpr char digits[] = "0123456789abcdef";
  std::string s;
  s.reserve(n * 2);
  for (std::size_t i = 0; i < n; ++i) {
    s.push_back(digits[p[i] >> 4]);
    s.push_back(digits[p[i] & 0xf]);
  }
  return s;
}

// hiredis writes with write(2), not send(MSG_NOSIGNAL): writing to a connection Redis has just
// closed raises SIGPIPE, whose default action kills the whole process. Ignore it (EPIPE then
// surfaces as an I/O error) unless the application installed a handler of its own.
void ignore_sigpipe() {
  static std::once_flag once;
  std::call_once(once, [] {
    struct sigaction current {};
    if (sigaction(SIGPIPE, nullptr, &current) == 0 && current.sa_handler == SIG_DFL)
      signal(SIGPIPE, SIG_IGN);
  });
}

}  // namespace

// ---- URL ------------------------------------------------------------------------------------

Endpoint parse_redis_url(std::string_view url) {
  // The URL may hold a password: messages name the variable, never echo the value.
  const auto bad = [](const std::string& why) {
    return AppError(ErrorKind::Validation,
                    "REDIS_URL " + why + " (expected redis://[:password@]host[:port][/db])");
  };
  auto parsed = boost::urls::parse_uri(url);
  if (!parsed) throw bad("is not a URL");
  const auto& u = *parsed;
  std::string scheme(u.scheme());
  for (auto& c : scheme) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (scheme == "rediss")
    throw bad(
        "asks for TLS (rediss://), which this build does not speak; run a local TLS proxy "
        "(stunnel, Envoy) and point redis:// at it");
  if (scheme != "redis") throw bad("must use the redis:// scheme");
  Endpoint e;
  e.host = u.host_address();
  if (e.host.empty()) throw bad("has no host");
  if (u.has_port()) {
    const auto p = u.port();
    int port = 0;
    auto [end, ec] = std::from_chars(p.data(), p.data() + p.size(), port);
    if (ec != std::errc() || end != p.data() + p.size() || port < 1 || port > 65535)
      throw bad("has an invalid port");
    e.port = port;
  }
  if (u.has_userinfo()) {
    e.username = u.user();
    e.password = u.password();
    // redis://password@host (no colon) is a common slip: treat the lone part as the password.
    if (!u.has_password()) std::swap(e.username, e.password);
  }
  std::string path = u.path();
  if (!path.empty() && path != "/") {
    std::string_view db(path);
    db.remove_prefix(1);
    auto [end, ec] = std::from_chars(db.data(), db.data() + db.size(), e.db);
    if (ec != std::errc() || end != db.data() + db.size() || e.db < 0)
      throw bad("has an invalid database number");
  }
  return e;
}

// ---- Script ---------------------------------------------------------------------------------

Script::Script(std::string source) : source_(std::move(source)) {
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  if (EVP_Digest(source_.data(), source_.size(), md, &len, EVP_sha1(), nullptr) != 1)
    throw AppError(ErrorKind::Internal, "SHA-1 of a Redis script failed");
  sha1_ = hex(md, len);
}

Reply eval_on(Connection& connection, const Script& script, std::span<const std::string_view> keys,
              std::span<const std::string_view> args) {
  const std::string numkeys = std::to_string(keys.size());
  std::vector<std::string_view> argv;
  argv.reserve(3 + keys.size() + args.size());
  argv.push_back("EVALSHA");
  argv.push_back(script.sha1());
  argv.push_back(numkeys);
  argv.insert(argv.end(), keys.begin(), keys.end());
  argv.insert(argv.end(), args.begin(), args.end());
  Reply r = connection.command(argv);
  if (!r.error_starts_with("NOSCRIPT")) return r;
  // The server's script cache is empty (restart, SCRIPT FLUSH): EVAL runs and caches it.
  argv[0] = "EVAL";
  argv[1] = script.source();
  return connection.command(argv);
}

// ---- Client (pool) --------------------------------------------------------------------------

Client::Client(ClientOptions options)
    : options_(std::move(options)), endpoint_(parse_redis_url(options_.url)) {
  if (options_.poolSize < 1) options_.poolSize = 1;
  ignore_sigpipe();
}

Client::~Client() = default;

Client::Lease::~Lease() {
  if (connection) client->release(std::move(connection));
}

Client::Lease Client::acquire() {
  std::unique_ptr<Connection> connection;
  {
    std::unique_lock lock(mutex_);
    if (!available_.wait_for(lock, options_.acquireTimeout,
                             [&] { return !idle_.empty() || open_ < options_.poolSize; })) {
      unavailable("Redis: all " + std::to_string(options_.poolSize) +
                  " connections stayed busy for " +
                  std::to_string(options_.acquireTimeout.count()) + " ms");
    }
    // Idle connections the server dropped meanwhile are discarded here, so the first command
    // after Redis comes back already runs on a fresh connection.
    std::size_t discarded = 0;
    while (!idle_.empty()) {
      auto candidate = std::move(idle_.back());
      idle_.pop_back();
      if (candidate->idle_and_healthy()) {
        connection = std::move(candidate);
        break;
      }
      --open_;
      ++discarded;
    }
    // Slots freed beyond the one this call takes may let other waiters open connections.
    if (discarded > 0) available_.notify_all();
    if (!connection) {
      if (std::chrono::steady_clock::now() < connectRetryAt_) unavailable(lastConnectError_);
      ++open_;
    }
  }
  if (!connection) {
    try {
      connection = std::make_unique<Connection>(endpoint_, options_.connectTimeout,
                                                options_.commandTimeout, options_.clientName);
    } catch (const std::exception& e) {
      {
        const std::lock_guard lock(mutex_);
        --open_;
        connectRetryAt_ = std::chrono::steady_clock::now() + options_.reconnectDelay;
        lastConnectError_ = e.what();
      }
      available_.notify_one();
      throw;
    }
  }
  return Lease(this, std::move(connection));
}

void Client::release(std::unique_ptr<Connection> connection) {
  {
    const std::lock_guard lock(mutex_);
    if (connection->broken()) {
      --open_;  // dropped: the next acquire opens a fresh one
    } else {
      idle_.push_back(std::move(connection));
    }
  }
  available_.notify_one();
}

Reply Client::command(std::span<const std::string_view> args) {
  return with_connection([&](Connection& c) { return c.command(args); });
}

Reply Client::call(std::span<const std::string_view> args) {
  Reply r = command(args);
  if (r.is_error()) unavailable("Redis error: " + r.str);
  return r;
}

Reply Client::eval(const Script& script, std::span<const std::string_view> keys,
                   std::span<const std::string_view> args) {
  return with_connection([&](Connection& c) { return eval_on(c, script, keys, args); });
}

bool Client::ping() noexcept {
  try {
    Reply r = command({"PING"});
    return r.type == Reply::Type::Status && r.str == "PONG";
  } catch (...) {
    return false;
  }
}

std::unique_ptr<Connection> Client::connect_dedicated(
    std::chrono::milliseconds commandTimeout) const {
  return std::make_unique<Connection>(endpoint_, options_.connectTimeout, commandTimeout,
                                      options_.clientName);
}

// ---- helpers --------------------------------------------------------------------------------

WakeSignal::WakeSignal() : fd_(eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC)) {
  if (fd_ < 0) throw AppError(ErrorKind::Internal, "eventfd failed");
}

WakeSignal::~WakeSignal() {
  if (fd_ >= 0) ::close(fd_);
}

void WakeSignal::notify() noexcept {
  const std::uint64_t one = 1;
  // Never read back: the descriptor stays readable, so every later wait wakes at once too.
  [[maybe_unused]] auto n = ::write(fd_, &one, sizeof one);
}

std::string unique_instance_name() {
  std::array<char, 256> host{};
  if (gethostname(host.data(), host.size() - 1) != 0) host[0] = '\0';
  std::random_device rd;
  std::uniform_int_distribution<std::uint32_t> dist;
  char suffix[9];
  auto [end, ec] = std::to_chars(suffix, suffix + 8, dist(rd), 16);
  (void)ec;
  std::string name = host[0] != '\0' ? host.data() : "host";
  name += ":" + std::to_string(getpid()) + ":" + std::string(suffix, end);
  return name;
}

void OutageLog::failed(const std::exception& e) noexcept {
  if (!down_.exchange(true))
    spdlog::warn("{} failed (logged once until it recovers): {}", what_, e.what());
}

void OutageLog::succeeded() noexcept {
  if (down_.load(std::memory_order_relaxed) && down_.exchange(false))
    spdlog::info("{} recovered", what_);
}

}  // namespace lso::redis
