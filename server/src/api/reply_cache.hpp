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

namespace lso::api {

class ReplyCache {
 public:
  explicit ReplyCache(std::chrono::milliseconds ttl = std::chrono::seconds(2),
                      std::size_t maxEntries = 20000)
      : ttl_(ttl), maxEntries_(maxEntries) {}

  std::uint64_t generation() const { return generation_.load(std::memory_order_acquire); }
  void invalidate_all() { generation_.fetch_add(1, std::memory_order_acq_rel); }

  std::shared_ptr<const std::string> get(const std::string& key) {
    auto& s = shard(key);
    std::lock_guard lock(s.mutex);
    auto it = s.entries.find(key);
    if (it == s.entries.end()) return nullptr;
    if (it->second.generation != generation() || Clock::now() > it->second.expires) {
      s.entries.erase(it);
      return nullptr;
    }
    return it->second.body;
  }

  // Stores `body` read while the cache was at `generationBefore`; dropped if anything changed
  // since.
  void put(const std::string& key, std::uint64_t generationBefore, std::string body) {
    if (generationBefore != generation()) return;
    auto& s = shard(key);
    std::lock_guard lock(s.mutex);
    if (s.entries.size() >= maxEntries_ / kShards) s.entries.clear();
    s.entries[key] = {generationBefore, Clock::now() + ttl_,
                      std::make_shared<const std::string>(std::move(body))};
  }

 private:
  using Clock = std::chrono::steady_clock;
  struct Entry {
    std::uint64_t generation;
    Clock::time_point expires;
    std::shared_ptr<const std::string> body;
  };
  static constexpr std::size_t kShards = 8;
  struct Shard {
    std::mutex mutex;
    std::unordered_map<std::string, Entry> entries;
  };
  Shard& shard(const std::string& key) { return shards_[std::hash<std::string>{}(key) % kShards]; }

  std::chrono::milliseconds ttl_;
  std::size_t maxEntries_;
  std::atomic<std::uint64_t> generation_{0};
  Shard shards_[kShards];
};

}  // namespace lso::api
