#include "domain/analytics.hpp"

#include <algorithm>
#include <numeric>

#include "domain/audience.hpp"
#include "domain/errors.hpp"

namespace lso::domain {

namespace {

constexpr std::chrono::hours kFineUpTo{6};

double seconds_of(std::chrono::microseconds d) {
  return static_cast<double>(d.count()) / 1e6;
}

}  // namespace

std::vector<SeriesPoint> densify(const std::vector<ViewerBucket>& stored, std::int64_t carried,
                                 TimePoint from, TimePoint to, std::int32_t resolutionSeconds) {
  std::vector<SeriesPoint> out;
  const std::chrono::microseconds step = std::chrono::seconds(resolutionSeconds);
  auto it = stored.begin();
  for (TimePoint t = audience::bucket_of(from, resolutionSeconds); t < to; t += step) {
    SeriesPoint p{t, carried, carried, carried};
    // Stored buckets starting before this point were carried already (or lie before `from`).
    while (it != stored.end() && it->start < t) {
      carried = it->last;
      p = {t, carried, carried, carried};
      ++it;
    }
    for (; it != stored.end() && it->start < t + step; ++it) {
      p.min = std::min(p.min, it->min);
      p.max = std::max(p.max, it->max);
      p.last = it->last;
    }
    carried = p.last;
    out.push_back(p);
  }
  return out;
}

double median_seconds(std::vector<std::int64_t>& times) {
  if (times.empty()) return 0;
  const auto mid = times.begin() + static_cast<std::ptrdiff_t>(times.size() / 2);
  std::nth_element(times.begin(), mid, times.end());
  if (times.size() % 2 == 1) return static_cast<double>(*mid) / 1e6;
  const auto below = *std::max_element(times.begin(), mid);
  return (static_cast<double>(below) + static_cast<double>(*mid)) / 2e6;
}

Analytics AnalyticsService::read(const Principal& principal, std::string_view livestreamId,
                                 AnalyticsQuery query) {
  const auto now = time_.now();
  return store_.read([&](Queries& q) {
    auto livestream = q.find_livestream(livestreamId);
    if (!livestream)
      throw AppError(ErrorKind::NotFound,
                     "Livestream with id " + std::string(livestreamId) + " not found");
    Subject subject;
    subject.livestream = &*livestream;
    require(permissions_, actor_of(principal), Action::ReadAnalytics, subject);

    Analytics a;
    const TimePoint begin = livestream->startedAt.value_or(livestream->createdAt);
    const TimePoint end = livestream->endedAt.value_or(now);
    a.from = query.from.value_or(begin);
    a.to = query.to.value_or(std::max(end, a.from + std::chrono::seconds(1)));
    if (a.to <= a.from) throw AppError(ErrorKind::Validation, "from must be before to");
    a.resolutionSeconds = query.resolutionSeconds.value_or(
        a.to - a.from <= kFineUpTo ? audience::kBucketSeconds : 60);
    // From the start of the minute holding `from`: the bucket holding it may start before it
    // (densify carries what lies before the first point).
    const auto first = audience::bucket_of(a.from, 60);
    const auto stored = q.viewer_series(livestream->id, first, a.to);
    // Downsampled buckets cannot be shown finer than a minute.
    if (std::any_of(stored.begin(), stored.end(),
                    [](const auto& b) { return b.widthSeconds > 10; }))
      a.resolutionSeconds = std::max(a.resolutionSeconds, 60);
    const auto points =
        (a.to - a.from) / std::chrono::microseconds(std::chrono::seconds(a.resolutionSeconds));
    if (points > kMaxPoints)
      throw AppError(ErrorKind::Validation,
                     "the range holds more than " + std::to_string(kMaxPoints) +
                         " points at this resolution: narrow it or use resolution=1m");
    const auto before = q.viewer_bucket_before(livestream->id, first);
    a.series = densify(stored, before ? before->last : 0, a.from, a.to, a.resolutionSeconds);

    auto& s = a.summary;
    if (livestream->startedAt) s.durationSeconds = seconds_of(end - *livestream->startedAt);
    s.peakViewerCount = livestream->peakViewers;
    s.peakAt = livestream->peakAt;
    s.uniqueViewers = livestream->totalViewers;
    const auto figures = session_figures(q, *livestream, end, now);
    s.sessions = figures.sessions;
    s.totalWatchSeconds = figures.totalWatchSeconds;
    s.medianWatchSeconds = figures.medianWatchSeconds;
    if (s.durationSeconds && *s.durationSeconds > 0)
      s.averageViewers = s.totalWatchSeconds / *s.durationSeconds;
    a.livestream = std::move(*livestream);
    return a;
  });
}

AnalyticsService::SessionFigures AnalyticsService::session_figures(Queries& q, const Livestream& l,
                                                                   TimePoint end, TimePoint now) {
  {
    std::lock_guard lock(mutex_);
    if (auto it = sessions_.find(l.id); it != sessions_.end()) {
      const auto& f = it->second;
      if ((l.endedAt && f.endedAt == l.endedAt) ||
          (!l.endedAt && now - f.computedAt < kSessionsFresh))
        return f;
    }
  }
  SessionFigures f;
  f.computedAt = now;
  f.endedAt = l.endedAt;
  auto times = q.viewer_watch_times(l.id, end);
  f.sessions = static_cast<std::int64_t>(times.size());
  f.totalWatchSeconds =
      static_cast<double>(std::accumulate(times.begin(), times.end(), std::int64_t{0})) / 1e6;
  f.medianWatchSeconds = median_seconds(times);
  std::lock_guard lock(mutex_);
  if (sessions_.size() >= kSessionsCached) sessions_.clear();
  sessions_[l.id] = f;
  return f;
}

std::int64_t AnalyticsService::maintain(std::chrono::seconds downsampleAfter,
                                        std::chrono::seconds retention) {
  const auto now = time_.now();
  // Whole minutes only, so no minute is merged from part of its buckets.
  const auto cutoff = audience::bucket_of(now - downsampleAfter, 60);
  std::int64_t changed =
      store_.write([&](Queries& q) { return q.downsample_viewer_series(cutoff); });
  {
    std::lock_guard lock(mutex_);
    sessions_.clear();  // retention may delete what they were computed from
  }
  if (retention.count() > 0) {
    // In transactions of 5,000 rows, so the writer is never held for long.
    for (;;) {
      const auto n = store_.write(
          [&](Queries& q) { return q.delete_audience_history(now - retention, 5000); });
      changed += n;
      if (n == 0) break;
    }
  }
  return changed;
}

}  // namespace lso::domain
