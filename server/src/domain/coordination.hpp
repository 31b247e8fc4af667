// Ports for what instances share besides the database (one binary, one or many instances): an event
// bus that carries livestream events to every instance, the viewer-count push ledger (throttling,
// so N instances push one update, not N), and named locks for one-at-a-time background jobs.
// Embedded mode: in-process implementations (events/local); production: Redis (redis/).
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

namespace lso::domain {

class EventBus {
 public:
  virtual ~EventBus() = default;
  // Delivers `message` to the subscriber of every instance, this one included. Best effort: a
  // message published while the bus is down is lost (SSE clients resync from `state` on reconnect).
  virtual void publish(std::string_view message) = 0;
  // The one subscription of this instance; set before messages flow. Called on a bus thread.
  virtual void subscribe(std::function<void(std::string_view message)> handler) = 0;
  virtual bool healthy() const = 0;
};

// The push rule: a change of ≥10% or ≥5 viewers against the last pushed count goes out at once; a
// smaller change once `interval` has passed since the last push.
class PushLedger {
 public:
  virtual ~PushLedger() = default;
  // Atomically decides whether `count` should be pushed now and, if so, records it as the last
  // push. False when nothing changed or the change must wait (the caller flushes later).
  virtual bool try_push(std::string_view livestreamId, std::int64_t count,
                        std::chrono::milliseconds interval) = 0;
  virtual void forget(std::string_view livestreamId) = 0;
};

// The pure throttling rule shared by every ledger implementation.
inline bool push_due(bool havePrevious, std::int64_t last, std::int64_t count,
                     std::int64_t sinceLastMs, std::int64_t intervalMs) {
  if (!havePrevious) return true;
  if (count == last) return false;
  const std::int64_t diff = count > last ? count - last : last - count;
  if (diff >= 5 || diff * 10 >= last) return true;
  return sinceLastMs >= intervalMs;
}

class JobLock {
 public:
  virtual ~JobLock() = default;
  // Takes the named lock for `ttl` if no instance holds it; true when this instance now holds it.
  virtual bool try_lock(std::string_view name, std::chrono::milliseconds ttl) = 0;
  virtual void unlock(std::string_view name) = 0;
};

}  // namespace lso::domain
