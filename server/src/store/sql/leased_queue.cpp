// LeasedQueue: the claim path shared by the SQL webhook queues.
#include "store/sql/leased_queue.hpp"

#include <algorithm>
#include <charconv>
#include <string>

#include "domain/errors.hpp"

namespace lso::store::sql {
namespace {

// The addresses of `values`, as the batch writers take them.
template <class T>
std::vector<T*> pointers_to(std::vector<T>& values) {
  std::vector<T*> out;
  out.reserve(values.size());
  for (auto& v : values) out.push_back(&v);
  return out;
}

// A dead letter's id as its row number; nullopt for anything else (it names no dead letter).
std::optional<std::int64_t> dead_seq(std::string_view id) {
  std::int64_t seq = 0;
  const auto [end, ec] = std::from_chars(id.data(), id.data() + id.size(), seq);
  if (ec != std::errc{} || end != id.data() + id.size() || id.empty() || seq <= 0) {
    return std::nullopt;
  }
  return seq;
}

}  // namespace

LeasedQueue::LeasedQueue(const LeaseSettings& settings, std::size_t maxEnqueueBatch)
    : settings_(settings), ahead_(settings.lease / 4), enqueues_(maxEnqueueBatch) {}

bool LeasedQueue::enqueue(std::string_view id, std::string_view body) {
  Enqueue request{id, body, false, nullptr};
  enqueues_.submit(request, [this](std::vector<Enqueue*>& batch) { store_and_wake(batch); });
  if (request.refused) {
    std::rethrow_exception(request.refused);
  }
  return request.stored;
}

void LeasedQueue::enqueue_many(std::span<domain::EnqueueItem> items) {
  std::vector<Enqueue> requests;
  requests.reserve(items.size());
  for (const auto& item : items) requests.push_back(Enqueue{item.id, item.body, false, nullptr});
  auto batch = pointers_to(requests);
  store_and_wake(batch);
  for (std::size_t i = 0; i < items.size(); ++i) {
    items[i].stored = requests[i].stored;
    items[i].error = requests[i].refused;
  }
}

void LeasedQueue::store_and_wake(std::vector<Enqueue*>& batch) {
  store_jobs(batch);
  if (std::any_of(batch.begin(), batch.end(), [](const Enqueue* r) { return r->stored; })) {
    work_arrived();  // once per batch: waking the workers is not free
  }
}

std::optional<domain::WebhookJob> LeasedQueue::claim(std::chrono::milliseconds wait) {
  return claim_with_wait<domain::WebhookJob>(signal_, wait, settings_.pollInterval,
                                             [this] { return try_claim(); });
}

std::optional<domain::WebhookJob> LeasedQueue::try_claim() {
  std::vector<domain::WebhookJob> stale;
  auto buffered = ahead_.take(stale);
  if (!stale.empty()) {
    unlease_jobs(stale);
  }
  if (buffered) {
    return buffered;
  }
  ClaimRequest request;
  claims_.submit(request, [this](std::vector<ClaimRequest*>& batch) { claim_batch(batch); });
  return std::move(request.job);
}

// Leases the due jobs for every worker asking at this moment, and up to claimAhead more for the
// next ones, in one transaction; hands them out oldest first (FIFO).
void LeasedQueue::claim_batch(std::vector<ClaimRequest*>& batch) {
  const auto limit = static_cast<std::size_t>(std::max(0, settings_.claimAhead));
  const std::size_t room = limit - std::min(limit, ahead_.size());
  const auto claimedAt = ClaimBuffer::Clock::now();
  auto jobs = lease_jobs(batch.size() + room);
  std::sort(jobs.begin(), jobs.end(), [](const auto& a, const auto& b) { return a.seq < b.seq; });
  std::vector<domain::WebhookJob> extra;
  for (std::size_t i = 0; i < jobs.size(); ++i) {
    if (i < batch.size()) {
      batch[i]->job = std::move(jobs[i].job);
    } else {
      extra.push_back(std::move(jobs[i].job));
    }
  }
  if (!extra.empty()) {
    ahead_.put(std::move(extra), claimedAt);
  }
}

void LeasedQueue::renew(std::span<const domain::WebhookJob> jobs) {
  if (!jobs.empty()) extend_leases(jobs);
}

void LeasedQueue::release(std::span<const domain::WebhookJob> jobs) {
  if (jobs.empty()) return;
  unlease_jobs(std::vector<domain::WebhookJob>(jobs.begin(), jobs.end()));
  work_arrived();
}

void LeasedQueue::close() {
  signal_.close();
  release_ahead();
}

void LeasedQueue::release_ahead() noexcept {
  try {
    const auto jobs = ahead_.drain();
    if (!jobs.empty()) {
      unlease_jobs(jobs);
      signal_.notify();
    }
  } catch (const std::exception&) {
    // Jobs not given back come back anyway when their lease runs out.
  }
}

domain::QueueCounts LeasedQueue::with_local_counts(domain::QueueCounts counts) {
  // Jobs leased ahead are waiting for a worker of this instance, not being worked on.
  const auto buffered = static_cast<std::int64_t>(ahead_.size());
  counts.active -= std::min(counts.active, buffered);
  counts.waiting += buffered;
  counts.completed = completed_.load();
  counts.failed = failed_.load();
  return counts;
}

void LeasedQueue::complete(const domain::WebhookJob& job) {
  Completion completion{receipt_seq(job), job.attempt};
  completions_.submit(completion,
                      [this](std::vector<Completion*>& batch) { delete_completed(batch); });
}

void LeasedQueue::complete_all(std::span<const domain::WebhookJob> jobs) {
  if (jobs.empty()) return;
  std::vector<Completion> completions;
  completions.reserve(jobs.size());
  for (const auto& job : jobs) completions.push_back(Completion{receipt_seq(job), job.attempt});
  auto batch = pointers_to(completions);
  delete_completed(batch);
}

std::vector<domain::DeadJob> LeasedQueue::list_dead(std::size_t limit,
                                                    std::optional<std::string_view> afterId) {
  std::int64_t after = 0;
  if (afterId) {
    const auto seq = dead_seq(*afterId);
    if (!seq) return {};  // no such row to page after
    after = *seq;
  }
  return limit == 0 ? std::vector<domain::DeadJob>{} : dead_rows(limit, after);
}

std::optional<domain::DeadJob> LeasedQueue::find_dead(std::string_view id) {
  const auto seq = dead_seq(id);
  return seq ? dead_row(*seq) : std::nullopt;
}

bool LeasedQueue::replay_dead(std::string_view id) {
  const auto seq = dead_seq(id);
  if (!seq || !requeue_dead_row(*seq)) return false;
  work_arrived();
  return true;
}

bool LeasedQueue::drop_dead(std::string_view id) {
  const auto seq = dead_seq(id);
  return seq && delete_dead_row(*seq);
}

std::int64_t receipt_seq(const domain::WebhookJob& job) {
  try {
    std::size_t used = 0;
    const auto seq = std::stoll(job.receipt, &used);
    if (used == job.receipt.size()) {
      return seq;
    }
  } catch (const std::exception&) {
  }
  throw domain::AppError(domain::ErrorKind::Internal, "webhook job receipt is not a queue row id");
}

}  // namespace lso::store::sql
