// The Redis client every Redis adapter shares: REDIS_URL parsing, a pool of synchronous hiredis
// connections for ordinary commands, dedicated connections for SUBSCRIBE and blocking reads, Lua.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <exception>
#include <initializer_list>
#include <memory>
#include <mutex>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

struct redisContext;

namespace lso::redis {

// One reply, copied out of hiredis so it outlives the connection. Error replies are values (the
// caller decides whether BUSYGROUP or NOSCRIPT matter); I/O failures are exceptions.
struct Reply {
  enum class Type { Nil, Integer, String, Status, Array, Error };
  Type type = Type::Nil;
  std::int64_t integer = 0;
  std::string str;  // String, Status and Error
  std::vector<Reply> elements;

  bool is_nil() const { return type == Type::Nil; }
  bool is_error() const { return type == Type::Error; }
  bool is_array() const { return type == Type::Array; }
  // The checked accessors throw AppError(Unavailable) on an unexpected type, as a reply that does
  // not fit the protocol we speak means the server is not the Redis we expect.
  std::int64_t as_integer() const;
  const std::string& as_string() const;  // String or Status
  const std::vector<Reply>& as_array() const;
  // "BUSYGROUP Consumer Group name already exists" → true for prefix "BUSYGROUP".
  bool error_starts_with(std::string_view prefix) const;
};

// redis://[[user]:password@]host[:port][/db]. Throws AppError(Validation) naming REDIS_URL.
struct Endpoint {
  std::string host;
  int port = 6379;
  std::string username;  // Redis 6 ACL user; empty for the classic AUTH <password>
  std::string password;
  int db = 0;
};
Endpoint parse_redis_url(std::string_view url);

// A Lua script run by EVALSHA, loaded by EVAL again when the server lost its script cache
// (a restart); the SHA-1 is computed once here.
class Script {
 public:
  explicit Script(std::string source);
  const std::string& source() const { return source_; }
  const std::string& sha1() const { return sha1_; }

 private:
  std::string source_;
  std::string sha1_;
};

// One synchronous hiredis connection, used by one thread at a time. Connects, authenticates and
// selects the database in the constructor; after any I/O error it is broken for good (hiredis
// keeps no usable state after one) and its owner drops it.
class Connection {
 public:
  // Throws AppError(Unavailable) when Redis cannot be reached or refuses AUTH/SELECT.
  // commandTimeout bounds each command() (socket timeouts); receive() takes its own bound.
  // A non-empty clientName is set with CLIENT SETNAME (shows in CLIENT LIST for operators).
  Connection(const Endpoint& endpoint, std::chrono::milliseconds connectTimeout,
             std::chrono::milliseconds commandTimeout, const std::string& clientName = "");
  ~Connection();
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  // Sends the command and waits for its reply. Arguments are sent as binary-safe bulk strings,
  // never interpolated into a command line. Throws AppError(Unavailable) on I/O errors.
  Reply command(std::span<const std::string_view> args);
  Reply command(std::initializer_list<std::string_view> args) {
    return command(std::span<const std::string_view>(args.begin(), args.size()));
  }
  // The two halves of command() for replies that come later (SUBSCRIBE, XREADGROUP BLOCK).
  void send(std::span<const std::string_view> args);
  // Waits up to `wait` for the next reply; nullopt when none came in time or when `wakeFd`
  // (if ≥ 0) became readable. Throws AppError(Unavailable) on I/O errors.
  std::optional<Reply> receive(std::chrono::milliseconds wait, int wakeFd = -1);

  bool broken() const { return broken_; }
  // False when the server closed the connection while it sat idle (a restart, CLIENT KILL,
  // timeout): checked before reuse so the first command after an outage does not fail.
  bool idle_and_healthy() const;

 private:
  [[noreturn]] void fail(const std::string& what);

  redisContext* context_ = nullptr;
  bool broken_ = false;
  std::string where_;  // host:port for messages
};

struct ClientOptions {
  std::string url = "redis://127.0.0.1:6379";
  std::size_t poolSize = 8;  // ordinary commands; blocking readers have their own connections
  std::chrono::milliseconds connectTimeout{2000};
  std::chrono::milliseconds commandTimeout{2000};
  std::chrono::milliseconds acquireTimeout{2000};      // waiting for a free pooled connection
  std::string clientName = "livestream-orchestrator";  // CLIENT SETNAME; no spaces
  // After a failed connect, calls fail at once for this long instead of each waiting for its own
  // connect attempt: with Redis unreachable, a fail-open rate limiter must not add a connect
  // timeout to every request.
  std::chrono::milliseconds reconnectDelay{500};
};

// Thread-safe: each call checks a connection out of the pool, so calls from many worker threads
// run concurrently up to poolSize. Connections open lazily; a broken one is dropped and the next
// call opens a fresh one, so the client recovers by itself once Redis is back.
class Client {
 public:
  // Parses the URL (AppError(Validation) naming REDIS_URL when bad); connects on first use.
  // Sets SIGPIPE to ignored if it still has its default action (hiredis writes with write(2)).
  explicit Client(ClientOptions options);
  ~Client();
  Client(const Client&) = delete;
  Client& operator=(const Client&) = delete;

  // Runs one command. Redis error replies are returned; failures to reach Redis throw
  // AppError(Unavailable, "Redis …").
  Reply command(std::span<const std::string_view> args);
  Reply command(std::initializer_list<std::string_view> args) {
    return command(std::span<const std::string_view>(args.begin(), args.size()));
  }
  // Like command(), but an error reply throws AppError(Unavailable) too.
  Reply call(std::span<const std::string_view> args);
  Reply call(std::initializer_list<std::string_view> args) {
    return call(std::span<const std::string_view>(args.begin(), args.size()));
  }
  // Runs a Lua script (EVALSHA, falling back to EVAL on NOSCRIPT). Error replies are returned.
  Reply eval(const Script& script, std::span<const std::string_view> keys,
             std::span<const std::string_view> args);
  Reply eval(const Script& script, std::initializer_list<std::string_view> keys,
             std::initializer_list<std::string_view> args) {
    return eval(script, std::span<const std::string_view>(keys.begin(), keys.size()),
                std::span<const std::string_view>(args.begin(), args.size()));
  }

  bool ping() noexcept;

  // A connection outside the pool for SUBSCRIBE or blocking commands, which would otherwise hold
  // a pooled connection for as long as they wait.
  std::unique_ptr<Connection> connect_dedicated(std::chrono::milliseconds commandTimeout) const;

  const Endpoint& endpoint() const { return endpoint_; }
  const ClientOptions& options() const { return options_; }

  // Runs fn(Connection&) on a pooled connection; the building block of command() and eval().
  template <class Fn>
  auto with_connection(Fn&& fn) {
    Lease lease = acquire();
    return fn(*lease.connection);
  }

 private:
  struct Lease {
    Client* client = nullptr;
    std::unique_ptr<Connection> connection;
    Lease(Client* c, std::unique_ptr<Connection> conn) : client(c), connection(std::move(conn)) {}
    Lease(Lease&&) noexcept = default;
    Lease& operator=(Lease&&) = delete;
    ~Lease();
  };
  Lease acquire();
  void release(std::unique_ptr<Connection> connection);

  ClientOptions options_;
  Endpoint endpoint_;
  std::mutex mutex_;
  std::condition_variable available_;
  std::vector<std::unique_ptr<Connection>> idle_;
  std::size_t open_ = 0;  // connections idle, leased or being opened; ≤ poolSize
  std::chrono::steady_clock::time_point connectRetryAt_{};  // no connect attempts before this
  std::string lastConnectError_;
};

// Runs a script on a given connection (EVALSHA, then EVAL on NOSCRIPT).
Reply eval_on(Connection& connection, const Script& script, std::span<const std::string_view> keys,
              std::span<const std::string_view> args);

// A file descriptor that becomes readable, and stays so, once notify() was called: lets close()
// and stop() wake a thread waiting in Connection::receive().
class WakeSignal {
 public:
  WakeSignal();
  ~WakeSignal();
  WakeSignal(const WakeSignal&) = delete;
  WakeSignal& operator=(const WakeSignal&) = delete;
  void notify() noexcept;
  int fd() const { return fd_; }

 private:
  int fd_ = -1;
};

// hostname:pid:random — a name no other process shares (consumer names, lock tokens).
std::string unique_instance_name();

// Logs "<what> failed: …" the first time a failure follows success and "<what> recovered" when it
// next succeeds, so an outage produces two log lines rather than one per call.
class OutageLog {
 public:
  explicit OutageLog(std::string what) : what_(std::move(what)) {}
  void failed(const std::exception& e) noexcept;
  void succeeded() noexcept;

 private:
  std::string what_;
  std::atomic<bool> down_{false};
};

}  // namespace lso::redis
