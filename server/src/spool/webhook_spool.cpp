// WebhookSpool: segment files, their record format and the locks that let instances share them.
#include "spool/webhook_spool.hpp"

#include <fcntl.h>
#include <fmt/format.h>
#include <spdlog/spdlog.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <boost/crc.hpp>
#include <cerrno>
#include <chrono>
#include <cstring>

#include "domain/errors.hpp"

namespace lso::spool {

namespace fs = std::filesystem;
using domain::AppError;
using domain::ErrorKind;

namespace {

constexpr std::size_t kHeader = 12;  // id length, body length, CRC-32
constexpr std::string_view kSuffix = ".spool";
constexpr std::string_view kPartSuffix = ".spool.part";

[[noreturn]] void fail(std::string_view what, int error) {
  throw AppError(ErrorKind::Unavailable,
                 fmt::format("webhook spool: {}: {}", what, std::strerror(error)));
}

void put_u32(std::string& out, std::uint32_t v) {
  for (int i = 0; i < 4; ++i) out.push_back(static_cast<char>((v >> (8 * i)) & 0xff));
}

std::uint32_t get_u32(const char* p) {
  std::uint32_t v = 0;
  for (int i = 0; i < 4; ++i)
    v |= static_cast<std::uint32_t>(static_cast<unsigned char>(p[i])) << (8 * i);
  return v;
}

std::uint32_t checksum(std::uint32_t idLength, std::uint32_t bodyLength, std::string_view id,
                       std::string_view body) {
  boost::crc_32_type crc;
  char lengths[8];
  for (int i = 0; i < 4; ++i) {
    lengths[i] = static_cast<char>((idLength >> (8 * i)) & 0xff);
    lengths[4 + i] = static_cast<char>((bodyLength >> (8 * i)) & 0xff);
  }
  crc.process_bytes(lengths, sizeof lengths);
  crc.process_bytes(id.data(), id.size());
  crc.process_bytes(body.data(), body.size());
  return crc.checksum();
}

void encode(std::string& out, std::string_view id, std::string_view body) {
  const auto idLength = static_cast<std::uint32_t>(id.size());
  const auto bodyLength = static_cast<std::uint32_t>(body.size());
  put_u32(out, idLength);
  put_u32(out, bodyLength);
  put_u32(out, checksum(idLength, bodyLength, id, body));
  out.append(id);
  out.append(body);
}

bool write_all(int fd, const char* data, std::size_t size) {
  while (size > 0) {
    const auto n = ::write(fd, data, size);
    if (n < 0) {
      if (errno == EINTR) continue;
      return false;
    }
    data += n;
    size -= static_cast<std::size_t>(n);
  }
  return true;
}

std::string read_file(int fd) {
  std::string content;
  struct stat st {};
  if (::fstat(fd, &st) == 0) content.reserve(static_cast<std::size_t>(st.st_size));
  char buffer[1 << 16];
  for (off_t offset = 0;;) {
    const auto n = ::pread(fd, buffer, sizeof buffer, offset);
    if (n < 0) {
      if (errno == EINTR) continue;
      fail("read", errno);
    }
    if (n == 0) break;
    content.append(buffer, static_cast<std::size_t>(n));
    offset += n;
  }
  return content;
}

std::vector<SpooledWebhook> decode(std::string_view data, std::uint64_t* discarded) {
  std::vector<SpooledWebhook> out;
  std::size_t at = 0;
  while (data.size() - at >= kHeader) {
    const auto idLength = get_u32(data.data() + at);
    const auto bodyLength = get_u32(data.data() + at + 4);
    const auto crc = get_u32(data.data() + at + 8);
    const std::uint64_t length = std::uint64_t{idLength} + bodyLength;
    if (length > data.size() - at - kHeader) break;
    const auto id = data.substr(at + kHeader, idLength);
    const auto body = data.substr(at + kHeader + idLength, bodyLength);
    if (checksum(idLength, bodyLength, id, body) != crc) break;
    out.push_back({std::string(id), std::string(body)});
    at += kHeader + static_cast<std::size_t>(length);
  }
  if (discarded) *discarded = data.size() - at;
  return out;
}

// Only letters, digits, '-', '_' and '.' in a file name.
std::string file_safe(std::string_view name) {
  std::string out;
  for (char c : name)
    out.push_back(
        std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == '.' ? c : '_');
  if (out.empty()) {
    char host[256] = {};
    out = ::gethostname(host, sizeof host - 1) == 0 && host[0] ? file_safe(host) : "instance";
  }
  return out.substr(0, 64);
}

void sync_directory(const fs::path& dir) {
  const int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return;
  ::fsync(fd);
  ::close(fd);
}

bool is_segment(const fs::path& p) {
  const auto name = p.filename().string();
  return name.size() > kSuffix.size() && name.ends_with(kSuffix);
}

}  // namespace

// --- Segment ---

Segment::Segment(fs::path file, int fd) : file_(std::move(file)), fd_(fd) {}

Segment::Segment(Segment&& other) noexcept
    : file_(std::move(other.file_)), fd_(std::exchange(other.fd_, -1)) {}

Segment::~Segment() {
  if (fd_ >= 0) ::close(fd_);  // also releases the lock
}

std::vector<SpooledWebhook> Segment::read(std::uint64_t* discardedBytes) const {
  return decode(read_file(fd_), discardedBytes);
}

std::uint64_t Segment::size() const {
  struct stat st {};
  return ::fstat(fd_, &st) == 0 ? static_cast<std::uint64_t>(st.st_size) : 0;
}

// --- WebhookSpool ---

WebhookSpool::WebhookSpool(SpoolOptions options) : options_(std::move(options)) {
  options_.instance = file_safe(options_.instance);
  std::error_code ec;
  fs::create_directories(options_.directory, ec);
  if (ec)
    throw AppError(ErrorKind::Unavailable, fmt::format("webhook spool: cannot create {}: {}",
                                                       options_.directory.string(), ec.message()));
  if (::access(options_.directory.c_str(), W_OK) != 0) fail(options_.directory.string(), errno);
  // What earlier runs left (segments nobody holds), and half-created files of a crashed start.
  const auto now = fs::file_time_type::clock::now();
  for (const auto& entry : fs::directory_iterator(options_.directory, ec)) {
    const auto& p = entry.path();
    if (p.filename().string().ends_with(kPartSuffix)) {
      std::error_code e;
      if (now - fs::last_write_time(p, e) > std::chrono::minutes(1)) fs::remove(p, e);
      continue;
    }
    if (!is_segment(p)) continue;
    const int fd = ::open(p.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) continue;
    if (::flock(fd, LOCK_SH | LOCK_NB) == 0) {  // not another instance's open segment
      std::uint64_t discarded = 0;
      try {
        const auto records = decode(read_file(fd), &discarded);
        webhooks_ += static_cast<std::int64_t>(records.size());
        bytes_ += entry.file_size(ec);
      } catch (const AppError&) {
      }
    }
    ::close(fd);
  }
}

WebhookSpool::~WebhookSpool() {
  std::lock_guard lock(mutex_);
  close_segment();
}

void WebhookSpool::open_segment() {
  const auto micros = std::chrono::duration_cast<std::chrono::microseconds>(
                          std::chrono::system_clock::now().time_since_epoch())
                          .count();
  for (int tries = 0; tries < 100; ++tries) {
    const auto base =
        fmt::format("{}-{}-{}-{:06}", options_.instance, ::getpid(), micros, ++sequence_);
    const auto part = options_.directory / (base + std::string(kPartSuffix));
    const int fd = ::open(part.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_APPEND | O_CLOEXEC, 0600);
    if (fd < 0) {
      if (errno == EEXIST) continue;
      fail("create a segment", errno);
    }
    // Locked before it is visible under its final name: nobody can take it while it is written.
    if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
      const int e = errno;
      ::close(fd);
      ::unlink(part.c_str());
      fail("lock a segment", e);
    }
    const auto file = options_.directory / (base + std::string(kSuffix));
    if (::rename(part.c_str(), file.c_str()) != 0) {
      const int e = errno;
      ::close(fd);
      ::unlink(part.c_str());
      fail("name a segment", e);
    }
    if (options_.fsync) sync_directory(options_.directory);
    fd_ = fd;
    openFile_ = file;
    openBytes_ = 0;
    openWebhooks_ = 0;
    return;
  }
  throw AppError(ErrorKind::Unavailable, "webhook spool: no free segment name");
}

void WebhookSpool::close_segment() {
  if (fd_ < 0) return;
  ::close(fd_);
  fd_ = -1;
  if (openBytes_ == 0) {
    std::error_code ec;
    fs::remove(openFile_, ec);
  }
  openBytes_ = 0;
  openWebhooks_ = 0;
}

void WebhookSpool::append(std::span<const domain::EnqueueItem> items) {
  if (items.empty()) return;
  std::string batch;
  std::size_t size = 0;
  for (const auto& item : items) size += kHeader + item.id.size() + item.body.size();
  batch.reserve(size);
  for (const auto& item : items) {
    if (item.id.size() > UINT32_MAX || item.body.size() > UINT32_MAX)
      throw AppError(ErrorKind::Unavailable, "webhook spool: webhook too large to spool");
    encode(batch, item.id, item.body);
  }
  std::lock_guard lock(mutex_);
  if (bytes_ + batch.size() > options_.maxBytes)
    throw AppError(
        ErrorKind::Unavailable,
        fmt::format("webhook spool: full ({} MiB, WEBHOOK_SPOOL_MAX_MB)", options_.maxBytes >> 20));
  if (fd_ >= 0 && openBytes_ >= options_.segmentBytes) close_segment();
  if (fd_ < 0) open_segment();
  if (!write_all(fd_, batch.data(), batch.size())) {
    const int e = errno;
    // No partial record stays behind; if even that fails, reading stops at the torn record.
    if (::ftruncate(fd_, static_cast<off_t>(openBytes_)) != 0) close_segment();
    fail("write", e);
  }
  if (options_.fsync && ::fdatasync(fd_) != 0) {
    const int e = errno;
    // After a failed fdatasync the written pages' fate is unknown: this segment is done with.
    close_segment();
    fail("fdatasync", e);
  }
  openBytes_ += batch.size();
  openWebhooks_ += static_cast<std::int64_t>(items.size());
  bytes_ += batch.size();
  webhooks_ += static_cast<std::int64_t>(items.size());
}

void WebhookSpool::seal() {
  std::lock_guard lock(mutex_);
  close_segment();
}

std::optional<Segment> WebhookSpool::next_ready() {
  std::error_code ec;
  std::vector<fs::path> files;
  for (const auto& entry : fs::directory_iterator(options_.directory, ec))
    if (is_segment(entry.path())) files.push_back(entry.path());
  std::sort(files.begin(), files.end());
  for (const auto& file : files) {
    {
      std::lock_guard lock(mutex_);
      if (fd_ >= 0 && file == openFile_) continue;
    }
    const int fd = ::open(file.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) continue;  // forwarded and deleted by someone else meanwhile
    struct stat st {};
    // Locked by its writer or another forwarder: not ready. Deleted while we waited: done.
    if (::flock(fd, LOCK_EX | LOCK_NB) != 0 || ::fstat(fd, &st) != 0 || st.st_nlink == 0) {
      ::close(fd);
      continue;
    }
    return Segment(file, fd);
  }
  return std::nullopt;
}

void WebhookSpool::remove(Segment segment, std::size_t webhooks) {
  const auto size = segment.size();
  std::error_code ec;
  fs::remove(segment.file(), ec);
  if (ec)
    spdlog::warn("webhook spool: cannot delete {}: {}", segment.file().string(), ec.message());
  if (options_.fsync) sync_directory(options_.directory);
  std::lock_guard lock(mutex_);
  webhooks_ = std::max<std::int64_t>(0, webhooks_ - static_cast<std::int64_t>(webhooks));
  bytes_ = bytes_ >= size ? bytes_ - size : 0;
}

std::int64_t WebhookSpool::webhooks() const {
  std::lock_guard lock(mutex_);
  return webhooks_;
}

std::uint64_t WebhookSpool::bytes() const {
  std::lock_guard lock(mutex_);
  return bytes_;
}

bool WebhookSpool::has_open_segment() const {
  std::lock_guard lock(mutex_);
  return fd_ >= 0 && openWebhooks_ > 0;
}

}  // namespace lso::spool
