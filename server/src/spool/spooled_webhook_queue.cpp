// SpooledWebhookQueue: the enqueue path's fallback and the forwarder thread.
#include "spool/spooled_webhook_queue.hpp"

#include <pthread.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <boost/json/object.hpp>

#include "domain/errors.hpp"

namespace lso::spool {

using domain::AppError;
using domain::ErrorKind;

namespace {

constexpr auto kIdleLook = std::chrono::seconds(30);  // other instances' leftovers, when idle

// The queue could not store it for a reason of its backend (unreachable, refusing writes), as
// opposed to a refusal of the webhook itself.
bool backend_failure(const std::exception_ptr& error) {
  try {
    std::rethrow_exception(error);
  } catch (const AppError& e) {
    return e.kind() == ErrorKind::Unavailable;
  } catch (...) {
    return true;
  }
}

}  // namespace

SpooledWebhookQueue::SpooledWebhookQueue(std::unique_ptr<domain::WebhookQueue> queue,
                                         std::unique_ptr<WebhookSpool> spool, Options options)
    : queue_(std::move(queue)), spool_(std::move(spool)), options_(options) {
  if (const auto left = spool_->webhooks(); left > 0)
    spdlog::info("webhook spool {}: {} webhooks left by an earlier run, forwarding them",
                 spool_->directory().string(), left);
  forwarder_ = std::thread([this] {
    pthread_setname_np(pthread_self(), "lso-spool");
    run();
  });
}

SpooledWebhookQueue::~SpooledWebhookQueue() {
  close();
}

void SpooledWebhookQueue::close() {
  {
    std::lock_guard lock(mutex_);
    stop_ = true;
  }
  wake_.notify_all();
  if (forwarder_.joinable()) forwarder_.join();
  queue_->close();
}

bool SpooledWebhookQueue::enqueue(std::string_view id, std::string_view body) {
  domain::EnqueueItem item{id, body, false, nullptr};
  enqueue_many(std::span<domain::EnqueueItem>(&item, 1));
  if (item.error) std::rethrow_exception(item.error);
  return item.stored;
}

void SpooledWebhookQueue::enqueue_many(std::span<domain::EnqueueItem> items) {
  if (items.empty()) return;
  if (!spooling_.load()) {
    try {
      queue_->enqueue_many(items);
    } catch (...) {
      const auto error = std::current_exception();
      if (!backend_failure(error)) throw;
      try {
        std::rethrow_exception(error);
      } catch (const std::exception& e) {
        start_spooling(e.what());
      }
      to_spool(items);
      return;
    }
    // The queue refused some one by one (it went away mid-batch): those go to the spool.
    std::vector<domain::EnqueueItem*> refused;
    for (auto& item : items)
      if (item.error && backend_failure(item.error)) refused.push_back(&item);
    if (refused.empty()) return;
    start_spooling("it refused part of a batch");
    std::vector<domain::EnqueueItem> copies;
    copies.reserve(refused.size());
    for (const auto* item : refused) copies.push_back({item->id, item->body, false, nullptr});
    to_spool(copies);
    for (auto* item : refused) {
      item->error = nullptr;
      item->stored = true;
    }
    return;
  }
  to_spool(items);
}

void SpooledWebhookQueue::to_spool(std::span<domain::EnqueueItem> items) {
  spool_->append(items);  // throws AppError(Unavailable) when nothing durable can be written: 503
  for (auto& item : items) {
    item.stored = true;  // as far as this instance knows: duplicates are found when forwarded
    item.error = nullptr;
  }
  spooledTotal_ += items.size();
}

void SpooledWebhookQueue::start_spooling(std::string_view why) {
  if (spooling_.exchange(true)) return;
  {
    std::lock_guard lock(mutex_);
    since_ = std::chrono::steady_clock::now();
  }
  spdlog::warn("webhook queue ({}) unreachable: {}; accepting webhooks into the local spool {}",
               queue_->backend(), why, spool_->directory().string());
}

bool SpooledWebhookQueue::forward_ready() {
  while (auto segment = spool_->next_ready()) {
    std::uint64_t discarded = 0;
    std::vector<SpooledWebhook> webhooks;
    try {
      webhooks = segment->read(&discarded);
    } catch (const std::exception& e) {
      spdlog::warn("webhook spool: cannot read {}: {}", segment->file().string(), e.what());
      return false;
    }
    if (discarded > 0)
      spdlog::warn(
          "webhook spool: {} unreadable bytes at the end of {} (a write cut short by a crash: "
          "that webhook was never answered 200, so LiveKit sent it again)",
          discarded, segment->file().filename().string());
    std::vector<domain::EnqueueItem> batch;
    for (std::size_t at = 0; at < webhooks.size(); at += options_.forwardBatch) {
      {
        std::lock_guard lock(mutex_);
        if (stop_) return false;
      }
      batch.clear();
      const auto end = std::min(webhooks.size(), at + options_.forwardBatch);
      for (auto i = at; i < end; ++i)
        batch.push_back({webhooks[i].id, webhooks[i].body, false, nullptr});
      try {
        queue_->enqueue_many(batch);
      } catch (const std::exception&) {
        return false;  // still unreachable: the whole segment is forwarded again later
      }
      for (const auto& item : batch)
        if (item.error) return false;
    }
    spool_->remove(std::move(*segment), webhooks.size());
    forwardedTotal_ += webhooks.size();
    forwardedThisOutage_ += webhooks.size();
  }
  return true;
}

void SpooledWebhookQueue::run() {
  auto delay = options_.retry;
  auto lastLook = std::chrono::steady_clock::now() - kIdleLook;
  for (;;) {
    const bool work = spooling_.load() || spool_->webhooks() > 0 ||
                      std::chrono::steady_clock::now() - lastLook >= kIdleLook;
    bool ok = true;
    if (work) {
      lastLook = std::chrono::steady_clock::now();
      // Sealed segments first: the open one is sealed only once the queue took the others, so an
      // outage does not leave a trail of small files.
      ok = forward_ready();
      if (ok && spool_->has_open_segment()) {
        spool_->seal();
        ok = forward_ready();
      }
      if (ok && spooling_.load() && !spool_->has_open_segment()) {
        std::chrono::steady_clock::time_point since;
        {
          std::lock_guard lock(mutex_);
          since = since_;
        }
        spooling_.store(false);
        spdlog::info(
            "webhook queue ({}) reachable again after {:.1f} s: {} spooled webhooks forwarded",
            queue_->backend(),
            std::chrono::duration<double>(std::chrono::steady_clock::now() - since).count(),
            forwardedThisOutage_);
        forwardedThisOutage_ = 0;
      } else if (ok && forwardedThisOutage_ > 0 && !spooling_.load()) {
        spdlog::info("webhook spool: {} webhooks forwarded", forwardedThisOutage_);
        forwardedThisOutage_ = 0;
      }
      delay = ok ? options_.retry : std::min(delay * 2, options_.maxRetry);
    }
    // Awake every `delay` (a look at two counters when idle) so that an outage beginning is
    // probed within a second without the enqueue path having to wake anyone.
    std::unique_lock lock(mutex_);
    if (wake_.wait_for(lock, delay, [this] { return stop_; })) return;
  }
}

boost::json::value SpooledWebhookQueue::health() const {
  return boost::json::value(boost::json::object{{"status", spooling() ? "spooling" : "up"},
                                                {"webhooks", spooled_now()},
                                                {"bytes", spool_bytes()}});
}

void SpooledWebhookQueue::register_metrics(util::MetricsRegistry& registry) const {
  registry.add([this](util::MetricsWriter& w) {
    using util::MetricType;
    w.family("lso_webhook_spooling", MetricType::Gauge,
             "1 while accepted webhooks go to the local spool (queue unreachable)");
    w.sample(std::int64_t{spooling() ? 1 : 0});
    w.family("lso_webhook_spool_webhooks", MetricType::Gauge,
             "webhooks in the local spool, waiting to be forwarded");
    w.sample(spooled_now());
    w.family("lso_webhook_spool_bytes", MetricType::Gauge, "size of the local spool");
    w.sample(spool_bytes());
    w.family("lso_webhook_spooled_total", MetricType::Counter,
             "webhooks accepted into the local spool");
    w.sample(spooled_total());
    w.family("lso_webhook_spool_forwarded_total", MetricType::Counter,
             "spooled webhooks forwarded to the queue");
    w.sample(forwarded_total());
  });
}

}  // namespace lso::spool
