// Connection and Reply: the one place that speaks hiredis — binary-safe argv commands, socket
// timeouts, interruptible reads for SUBSCRIBE and blocking commands, replies copied out.
#include <hiredis/hiredis.h>
#include <poll.h>

#include <array>
#include <cerrno>
#include <charconv>

#include "domain/errors.hpp"
#include "redis/client.hpp"

namespace lso::redis {

using domain::AppError;
using domain::ErrorKind;

namespace {

[[noreturn]] void unavailable(const std::string& message) {
  throw AppError(ErrorKind::Unavailable, message);
}

timeval to_timeval(std::chrono::milliseconds d) {
  if (d.count() < 1) d = std::chrono::milliseconds(1);
  timeval tv{};
  tv.tv_sec = static_cast<time_t>(d.count() / 1000);
  tv.tv_usec = static_cast<suseconds_t>((d.count() % 1000) * 1000);
  return tv;
}

Reply convert(const redisReply* r) {
  Reply out;
  switch (r->type) {
    case REDIS_REPLY_INTEGER:
      out.type = Reply::Type::Integer;
      out.integer = r->integer;
      break;
    case REDIS_REPLY_STRING:
    case REDIS_REPLY_STATUS:
    case REDIS_REPLY_ERROR:
      out.type = r->type == REDIS_REPLY_STRING   ? Reply::Type::String
                 : r->type == REDIS_REPLY_STATUS ? Reply::Type::Status
                                                 : Reply::Type::Error;
      out.str.assign(r->str, r->len);
      break;
    case REDIS_REPLY_ARRAY:
      out.type = Reply::Type::Array;
      out.elements.reserve(r->elements);
      for (std::size_t i = 0; i < r->elements; ++i) out.elements.push_back(convert(r->element[i]));
      break;
    default: out.type = Reply::Type::Nil;
  }
  return out;
}

Reply take(void* raw) {
  auto* r = static_cast<redisReply*>(raw);
  Reply out = convert(r);
  freeReplyObject(r);
  return out;
}

// hiredis takes a command as parallel arrays of pointers and lengths (binary-safe, no parsing).
struct Argv {
  std::vector<const char*> ptrs;
  std::vector<std::size_t> lens;
  explicit Argv(std::span<const std::string_view> args) {
    ptrs.reserve(args.size());
    lens.reserve(args.size());
    for (auto a : args) {
      ptrs.push_back(a.data());
      lens.push_back(a.size());
    }
  }
};

}  // namespace

// ---- Reply ----------------------------------------------------------------------------------

std::int64_t Reply::as_integer() const {
  if (type == Type::Integer) return integer;
  // Lua numbers and some commands come back as strings of digits.
  if (type == Type::String) {
    std::int64_t v = 0;
    auto [p, ec] = std::from_chars(str.data(), str.data() + str.size(), v);
    if (ec == std::errc() && p == str.data() + str.size()) return v;
  }
  if (type == Type::Error) unavailable("Redis error: " + str);
  unavailable("Redis sent an unexpected reply (wanted an integer)");
}

const std::string& Reply::as_string() const {
  if (type == Type::String || type == Type::Status) return str;
  if (type == Type::Error) unavailable("Redis error: " + str);
  unavailable("Redis sent an unexpected reply (wanted a string)");
}

const std::vector<Reply>& Reply::as_array() const {
  if (type == Type::Array) return elements;
  if (type == Type::Error) unavailable("Redis error: " + str);
  unavailable("Redis sent an unexpected reply (wanted an array)");
}

bool Reply::error_starts_with(std::string_view prefix) const {
  return type == Type::Error && std::string_view(str).substr(0, prefix.size()) == prefix;
}

// ---- Connection -----------------------------------------------------------------------------

Connection::Connection(const Endpoint& endpoint, std::chrono::milliseconds connectTimeout,
                       std::chrono::milliseconds commandTimeout, const std::string& clientName)
    : where_(endpoint.host + ":" + std::to_string(endpoint.port)) {
  context_ =
      redisConnectWithTimeout(endpoint.host.c_str(), endpoint.port, to_timeval(connectTimeout));
  if (context_ == nullptr) unavailable("Redis at " + where_ + ": out of memory connecting");
  if (context_->err != 0) {
    std::string message = context_->errstr;
    redisFree(context_);
    context_ = nullptr;
    unavailable("Redis at " + where_ + " is unreachable: " + message);
  }
  // The destructor does not run when the constructor throws: free the context here.
  try {
    if (redisSetTimeout(context_, to_timeval(commandTimeout)) != REDIS_OK ||
        redisEnableKeepAlive(context_) != REDIS_OK) {
      fail("setting socket options");
    }
    if (!endpoint.password.empty()) {
      Reply r = endpoint.username.empty() ? command({"AUTH", endpoint.password})
                                          : command({"AUTH", endpoint.username, endpoint.password});
      if (r.is_error()) {
        broken_ = true;
        unavailable("Redis at " + where_ + " refused AUTH: " + r.str);
      }
    }
    if (endpoint.db != 0) {
      Reply r = command({"SELECT", std::to_string(endpoint.db)});
      if (r.is_error()) {
        broken_ = true;
        unavailable("Redis at " + where_ + " refused SELECT " + std::to_string(endpoint.db) + ": " +
                    r.str);
      }
    }
    if (!clientName.empty()) {
      Reply r = command({"CLIENT", "SETNAME", clientName});
      if (r.is_error()) {
        broken_ = true;
        unavailable("Redis at " + where_ + " refused CLIENT SETNAME: " + r.str);
      }
    }
  } catch (...) {
    redisFree(context_);
    context_ = nullptr;
    throw;
  }
}

Connection::~Connection() {
  if (context_ != nullptr) redisFree(context_);
}

void Connection::fail(const std::string& what) {
  broken_ = true;
  std::string detail =
      context_ != nullptr && context_->err != 0 ? context_->errstr : "connection broken";
  if (context_ != nullptr && context_->err == REDIS_ERR_IO &&
      (errno == EAGAIN || errno == EWOULDBLOCK))
    detail = "timed out";
  unavailable("Redis at " + where_ + ": " + what + " failed: " + detail);
}

Reply Connection::command(std::span<const std::string_view> args) {
  if (broken_) unavailable("Redis at " + where_ + ": connection broken");
  Argv argv(args);
  void* raw = redisCommandArgv(context_, static_cast<int>(argv.ptrs.size()), argv.ptrs.data(),
                               argv.lens.data());
  if (raw == nullptr) fail("command");
  return take(raw);
}

void Connection::send(std::span<const std::string_view> args) {
  if (broken_) unavailable("Redis at " + where_ + ": connection broken");
  Argv argv(args);
  if (redisAppendCommandArgv(context_, static_cast<int>(argv.ptrs.size()), argv.ptrs.data(),
                             argv.lens.data()) != REDIS_OK) {
    fail("send");
  }
  int done = 0;
  while (done == 0) {
    if (redisBufferWrite(context_, &done) != REDIS_OK) fail("send");
  }
}

std::optional<Reply> Connection::receive(std::chrono::milliseconds wait, int wakeFd) {
  if (broken_) unavailable("Redis at " + where_ + ": connection broken");
  const auto deadline = std::chrono::steady_clock::now() + wait;
  for (;;) {
    void* raw = nullptr;
    if (redisGetReplyFromReader(context_, &raw) != REDIS_OK) fail("reading a reply");
    if (raw != nullptr) return take(raw);
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) return std::nullopt;
    // poll() rather than the socket timeout: a timed-out hiredis read leaves the context
    // unusable, while here a quiet subscription or an empty BLOCK just means "nothing yet".
    std::array<pollfd, 2> fds{pollfd{context_->fd, POLLIN, 0}, pollfd{wakeFd, POLLIN, 0}};
    const int n = poll(fds.data(), wakeFd >= 0 ? 2 : 1, static_cast<int>(left.count()));
    if (n < 0) {
      if (errno == EINTR) continue;
      fail("poll");
    }
    if (wakeFd >= 0 && (fds[1].revents & POLLIN) != 0) return std::nullopt;
    if (fds[0].revents != 0) {
      // Readable (or hung up): read() returns what is there without blocking, or 0 at EOF.
      if (redisBufferRead(context_) != REDIS_OK) fail("read");
    }
  }
}

bool Connection::idle_and_healthy() const {
  if (broken_ || context_ == nullptr) return false;
  // An idle connection has nothing to read; readable means EOF (or stray data): unusable.
  pollfd p{context_->fd, POLLIN, 0};
  return poll(&p, 1, 0) == 0;
}

}  // namespace lso::redis
