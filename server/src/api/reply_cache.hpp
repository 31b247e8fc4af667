// A small cache of serialized livestream replies (GET /livestreams/:id and list pages), so the
// hottest reads are answered on the I/O thread without a hop to the blocking pool. Any change
// to any livestream — seen locally or on the event bus from another instance — invalidates
// everything (a generation counter); entries also expire after `ttl`, which bounds staleness
// if a bus message is ever lost. Reads that raced an invalidation are not stored.
#pragma once

#include <atomic>
#include <chrono>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>

#include "domain/model.hpp"

namespace lso::api {

// Who may be served an entry without asking the database: what the permission table needs of
// the livestream it shows.
struct CacheGuard {
  std::string createdBy;
  domain::Visibility visibility = domain::Visibility::Public;
};

class ReplyCache {
 public:
  using Clock = std::chrono::steady_clock;
  // `now`: where the time comes from (a test passes a clock it moves itself).
  explicit ReplyCache(std::chrono::milliseconds ttl = std::chrono::seconds(2),
                      std::size_t maxEntries = 20000, Clock::time_point (*now)() = &Clock::now)
      : ttl_(ttl), maxEntries_(maxEntries), now_(now) {}

  using Guard = CacheGuard;
  struct Hit {
    std::shared_ptr<const std::string> body;
    Guard guard;
  };

  std::uint64_t generation() const { return generation_.load(std::memory_order_acquire); }
  void invalidate_all() { generation_.fetch_add(1, std::memory_order_acq_rel); }

  std::optional<Hit> get(const std::string& key) {
    auto& s = shard(key);
    std::lock_guard lock(s.mutex);
    auto it = s.entries.find(key);
    if (it == s.entries.end()) return std::nullopt;
    if (it->second.generation != generation() || now_() > it->second.expires) {
      s.entries.erase(it);
      return std::nullopt;
    }
    return Hit{it->second.body, it->second.guard};
  }

  // Stores `body` read while the cache was at `generationBefore`; dropped if anything changed
  // since.
  void put(const std::string& key, std::uint64_t generationBefore, std::string body,
           Guard guard = Guard()) {
    if (generationBefore != generation()) return;
    auto& s = shard(key);
    std::lock_guard lock(s.mutex);
    if (s.entries.size() >= maxEntries_ / kShards) s.entries.clear();
    s.entries[key] = {generationBefore, now_() + ttl_,
                      std::make_shared<const std::string>(std::move(body)), std::move(guard)};
  }

 private:
  struct Entry {
    std::uint64_t generation = 0;
    Clock::time_point expires;
    std::shared_ptr<const std::string> body;
    Guard guard;
  };
  static constexpr std::size_t kShards = 8;
  struct Shard {
    std::mutex mutex;
    std::unordered_map<std::string, Entry> entries;
  };
  Shard& shard(const std::string& key) { return shards_[std::hash<std::string>{}(key) % kShards]; }

  std::chrono::milliseconds ttl_;
  std::size_t maxEntries_;
  Clock::time_point (*now_)();
  std::atomic<std::uint64_t> generation_{0};
  Shard shards_[kShards];
};

}  // namespace lso::api
