// The local durable spool of accepted webhooks: while the webhook queue's backend (Redis, or
// PostgreSQL in single-instance mode) cannot be reached, an instance keeps answering LiveKit 200
// by appending what it accepts to files beside it, and forwards them to the queue when the
// backend is back (spooled_webhook_queue.hpp). 503 only when nothing durable can be written.
//
// The files ("segments", `*.spool` in one directory) are append-only. A record is
//   u32 id length | u32 body length | u32 CRC-32 of the rest | id | body      (little-endian)
// and a batch of records is written with one write() and made durable with fdatasync() before
// any webhook of it is answered. A crash mid-write leaves a torn last record; reading stops there
// (its webhook was never answered 200, so LiveKit sends it again).
//
// Several instances may share the directory (one host, one working directory). The segment an
// instance writes is locked (flock) for as long as it writes it, and only appears under its
// `.spool` name once locked; a closed ("sealed") segment and the segments of a crashed instance
// are unlocked, and whoever locks one forwards it and deletes it. Forwarding one twice (a crash
// between forwarding and deleting) only queues duplicates, which the queue and the workers' dedup
// record absorb: effects stay exactly-once.
#pragma once

#include <cstdint>
#include <filesystem>
#include <mutex>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "domain/webhook_queue.hpp"

namespace lso::spool {

struct SpoolOptions {
  std::filesystem::path directory;
  std::string instance;                      // names this instance's segments
  std::uint64_t maxBytes = 1024ull << 20;    // appends beyond this are refused (503)
  std::uint64_t segmentBytes = 16ull << 20;  // a segment is sealed once it reaches this
  bool fsync = true;                         // fdatasync every append (tests may turn off)
};

struct SpooledWebhook {
  std::string id;
  std::string body;
};

// A sealed segment locked for the caller while it forwards it. Destroying it unlocks it.
class Segment {
 public:
  Segment(std::filesystem::path file, int fd);
  Segment(Segment&& other) noexcept;
  Segment& operator=(Segment&&) = delete;
  Segment(const Segment&) = delete;
  ~Segment();

  const std::filesystem::path& file() const { return file_; }
  // Its records up to the first incomplete or corrupt one; `discardedBytes` tells how many bytes
  // after them were unreadable (a torn tail after a crash, or damage).
  std::vector<SpooledWebhook> read(std::uint64_t* discardedBytes = nullptr) const;
  std::uint64_t size() const;

 private:
  friend class WebhookSpool;
  std::filesystem::path file_;
  int fd_ = -1;
};

class WebhookSpool {
 public:
  // Creates the directory if needed and counts what earlier runs left in it. Throws
  // AppError(Unavailable) when the directory cannot be created or written.
  explicit WebhookSpool(SpoolOptions options);
  ~WebhookSpool();
  WebhookSpool(const WebhookSpool&) = delete;
  WebhookSpool& operator=(const WebhookSpool&) = delete;

  // Appends the items durably (thread-safe). Throws AppError(Unavailable) when it cannot: the
  // limit is reached, the disk is full, the file system refuses.
  void append(std::span<const domain::EnqueueItem> items);

  // Seals the segment being written, if it holds anything, so that it can be forwarded (the next
  // append opens a new one).
  void seal();

  // The next segment nobody writes or forwards (this instance's sealed ones, a crashed
  // instance's), locked for the caller; nullopt when there is none.
  std::optional<Segment> next_ready();
  // Deletes a forwarded segment and counts its webhooks out.
  void remove(Segment segment, std::size_t webhooks);

  // Webhooks and bytes in the directory as this instance knows them: what it appended and has not
  // forwarded, plus what earlier runs left (counted at start).
  std::int64_t webhooks() const;
  std::uint64_t bytes() const;
  // True while this instance's own open segment holds webhooks not yet sealed.
  bool has_open_segment() const;
  const std::filesystem::path& directory() const { return options_.directory; }

 private:
  void open_segment();   // mutex_ held
  void close_segment();  // mutex_ held

  SpoolOptions options_;
  mutable std::mutex mutex_;
  int fd_ = -1;  // the open segment, locked
  std::filesystem::path openFile_;
  std::uint64_t openBytes_ = 0;
  std::int64_t openWebhooks_ = 0;
  std::uint64_t sequence_ = 0;
  std::int64_t webhooks_ = 0;
  std::uint64_t bytes_ = 0;
};

}  // namespace lso::spool
