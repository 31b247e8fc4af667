// Audience analytics of one livestream (docs/architecture.md, "Audience"): its viewer series at
// 10 s or 1 min resolution and a summary of its sessions. Blocking: the API runs it on the
// blocking pool.
#pragma once

#include <cstdint>
#include <mutex>
#include <optional>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "domain/clock.hpp"
#include "domain/model.hpp"
#include "domain/permissions.hpp"
#include "domain/principal.hpp"
#include "domain/store.hpp"

namespace lso::domain {

struct AnalyticsQuery {
  std::optional<TimePoint> from;                  // default: the start of the livestream
  std::optional<TimePoint> to;                    // default: its end, or now while it runs
  std::optional<std::int32_t> resolutionSeconds;  // 10 or 60; default: 10 up to 6 h, else 60
};

struct SeriesPoint {
  TimePoint t{};  // the bucket's start
  std::int64_t min = 0;
  std::int64_t max = 0;
  std::int64_t last = 0;
};

// Over the whole livestream, whatever range the series covers.
struct AnalyticsSummary {
  std::optional<double> durationSeconds;  // started → ended (or now); nullopt before it started
  std::int64_t peakViewerCount = 0;
  std::optional<TimePoint> peakAt;
  std::int64_t uniqueViewers = 0;
  std::int64_t sessions = 0;  // VIEWER sessions that connected
  double totalWatchSeconds = 0;
  double medianWatchSeconds = 0;
  double averageViewers = 0;  // total watch time / duration
};

struct Analytics {
  Livestream livestream;
  TimePoint from{};
  TimePoint to{};
  std::int32_t resolutionSeconds = 10;
  std::vector<SeriesPoint> series;
  AnalyticsSummary summary;
};

// The densified series of [from, to) at `resolutionSeconds` from sparse stored buckets (of 10 s
// or 60 s): a bucket without data repeats the count carried into it, and every bucket's min and
// max include the count it started with. `carried` is the count before `from`.
std::vector<SeriesPoint> densify(const std::vector<ViewerBucket>& stored, std::int64_t carried,
                                 TimePoint from, TimePoint to, std::int32_t resolutionSeconds);

// The median of watch times (microseconds), 0 for none; reorders `times`.
double median_seconds(std::vector<std::int64_t>& times);

class AnalyticsService {
 public:
  AnalyticsService(Store& store, const TimeSource& time, PermissionPolicy permissions)
      : store_(store), time_(time), permissions_(permissions) {}

  // 404 for an unknown livestream, 403 unless the table's ReadAnalytics allows it, 400 for a bad
  // range.
  Analytics read(const Principal& principal, std::string_view livestreamId, AnalyticsQuery query);

  // The hourly maintenance: 10 s buckets older than `downsampleAfter` become 1 min ones; the
  // sessions and series of livestreams ended more than `retention` ago are deleted (0: kept
  // forever). Returns the rows changed.
  std::int64_t maintain(std::chrono::seconds downsampleAfter, std::chrono::seconds retention);

  static constexpr std::int64_t kMaxPoints = 20'000;

 private:
  // The session part of a summary (a read of every VIEWER session): kept for an ended livestream
  // (it no longer changes until retention deletes it), for kSessionsFresh while live.
  struct SessionFigures {
    TimePoint computedAt{};
    std::optional<TimePoint> endedAt;
    std::int64_t sessions = 0;
    double totalWatchSeconds = 0;
    double medianWatchSeconds = 0;
  };
  static constexpr std::chrono::seconds kSessionsFresh{10};
  static constexpr std::size_t kSessionsCached = 1024;
  SessionFigures session_figures(Queries& q, const Livestream& livestream, TimePoint end,
                                 TimePoint now);

  Store& store_;
  const TimeSource& time_;
  PermissionPolicy permissions_;
  std::mutex mutex_;
  std::unordered_map<std::string, SessionFigures> sessions_;
};

}  // namespace lso::domain
