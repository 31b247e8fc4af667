// Worker loop: claim → parse → apply (one transaction with the dedup record) → complete; a
// renewer thread keeps the leases of the jobs in hand; outages pause instead of failing jobs.
#include "runtime/webhook_workers.hpp"

#include <pthread.h>
#include <spdlog/spdlog.h>

#include "domain/errors.hpp"

namespace lso::runtime {

using domain::AppError;
using domain::ErrorKind;
using domain::failure_of;
using domain::JobFate;
using domain::one_line;

namespace {

// Jobs without their bodies: what renew() and release() need.
std::vector<WebhookJob> handles_of(const std::vector<WebhookJob>& jobs) {
  std::vector<WebhookJob> out;
  out.reserve(jobs.size());
  for (const auto& job : jobs) out.push_back(WebhookJob{job.id, {}, job.attempt, job.receipt});
  return out;
}

}  // namespace

WebhookWorkers::WebhookWorkers(WebhookQueue& queue, Applier apply, Parser parser, Options options)
    : queue_(queue), apply_(std::move(apply)), parser_(std::move(parser)), options_(options) {
  const auto count = static_cast<std::size_t>(std::max(1, options_.concurrency));
  held_.resize(count);
  for (std::size_t i = 0; i < count; ++i)
    threads_.emplace_back([this, i] {
      pthread_setname_np(pthread_self(), "lso-worker");
      run(i);
    });
  renewer_ = std::thread([this] {
    pthread_setname_np(pthread_self(), "lso-lease-renew");
    renew_leases();
  });
}

WebhookWorkers::~WebhookWorkers() {
  stop();
}

void WebhookWorkers::stop() {
  {
    const std::lock_guard lock(mutex_);
    stop_ = true;
  }
  wake_.notify_all();
  for (auto& t : threads_)
    if (t.joinable()) t.join();
  threads_.clear();
  if (renewer_.joinable()) renewer_.join();
}

bool WebhookWorkers::pause_for(std::chrono::milliseconds d, bool untilDatabaseBack) {
  std::unique_lock lock(mutex_);
  wake_.wait_for(lock, d, [&] { return stop_.load() || (untilDatabaseBack && !database_.down()); });
  return !stop_;
}

bool WebhookWorkers::wait_for_database() {
  std::unique_lock lock(mutex_);
  // Woken when the database is back or on stop; the timeout only guards a missed wake-up.
  while (!stop_ && database_.down()) wake_.wait_for(lock, options_.pauseMax);
  return !stop_;
}

void WebhookWorkers::hold(std::size_t slot, const std::vector<WebhookJob>& jobs) {
  auto handles = handles_of(jobs);
  const std::lock_guard lock(mutex_);
  held_[slot] = std::move(handles);
}

void WebhookWorkers::renew_leases() {
  for (;;) {
    std::vector<WebhookJob> jobs;
    {
      std::unique_lock lock(mutex_);
      if (wake_.wait_for(lock, options_.renewEvery, [this] { return stop_.load(); })) return;
      for (const auto& held : held_) jobs.insert(jobs.end(), held.begin(), held.end());
    }
    if (jobs.empty()) continue;
    try {
      queue_.renew(jobs);
    } catch (const std::exception& e) {
      // The queue is unreachable: the claim path reports that; a job whose lease runs out
      // meanwhile is claimed again later, and its dedup record keeps the effects once.
      spdlog::debug("webhook queue: renewing {} lease(s) failed: {}", jobs.size(),
                    one_line(e.what()));
    }
  }
}

template <class Fn>
bool WebhookWorkers::on_queue(std::string_view what, Fn&& fn) {
  auto pause = options_.pauseFirst;
  for (;;) {
    try {
      fn();
      queueOutage_.recovered();
      return true;
    } catch (const AppError& e) {
      if (e.kind() != ErrorKind::Unavailable) {
        // Not an outage: trying again would fail the same way. The job's lease runs out and it
        // is claimed again.
        spdlog::error("webhook queue: could not {}: {}", what, one_line(e.what()));
        return true;
      }
      queueOutage_.failed(e.what());
    }
    if (!pause_for(pause)) return false;
    pause = std::min(pause * 2, options_.pauseMax);
  }
}

void WebhookWorkers::run(std::size_t slot) {
  // A worker takes what is ready, up to kBatch jobs, and applies them in one transaction: under
  // load one commit serves many webhooks; when idle a batch is a single job.
  constexpr std::size_t kBatch = 256;
  std::vector<WebhookJob> held;  // claimed, not yet applied (kept through a database outage)
  auto pause = options_.pauseFirst;
  while (!stop_) {
    if (held.empty()) {
      // While the database is unreachable, claiming more would only hold more jobs.
      if (!wait_for_database()) break;
      try {
        auto first = queue_.claim(std::chrono::milliseconds(250));
        queueOutage_.recovered();
        if (!first) continue;
        held.push_back(std::move(*first));
        if (!stop_)
          for (auto& job : queue_.claim_ready(kBatch - 1)) held.push_back(std::move(job));
      } catch (const std::exception& e) {
        queueOutage_.failed(e.what());
        if (held.empty()) {
          if (!pause_for(pause)) break;
          pause = std::min(pause * 2, options_.pauseMax);
          continue;
        }
      }
    }
    hold(slot, held);
    held = work(std::move(held));
    hold(slot, held);
    if (held.empty()) {
      pause = options_.pauseFirst;
      continue;
    }
    // Another worker's probe may find the database back first: then this one goes on at once.
    if (!pause_for(pause, true)) break;
    pause = std::min(pause * 2, options_.pauseMax);
  }
  if (!held.empty()) {
    // Stopped during an outage: the jobs go back unspent (or, the queue being down too, return
    // when their lease runs out).
    try {
      queue_.release(held);
    } catch (const std::exception& e) {
      spdlog::debug("webhook queue: giving back {} job(s) failed: {}", held.size(),
                    one_line(e.what()));
    }
    hold(slot, {});
  }
}

std::vector<WebhookJob> WebhookWorkers::work(std::vector<WebhookJob> jobs) {
  std::vector<WebhookJob> parsedJobs;
  std::vector<WebhookEvent> events;
  parsedJobs.reserve(jobs.size());
  events.reserve(jobs.size());
  for (auto& job : jobs) {
    try {
      events.push_back(parser_(job.body));
      parsedJobs.push_back(std::move(job));
    } catch (const std::exception& e) {
      const std::string what = one_line(e.what());
      spdlog::warn("webhook {} cannot be parsed, moved to the dead-letter list: {}", job.id, what);
      on_queue("bury a webhook", [&] { queue_.bury(job, what); });
    }
  }
  if (events.empty()) return {};

  // While the database is known unreachable one event probes it, not a whole batch (applied
  // one by one after a failed transaction, each waiting for its connection attempt).
  std::vector<WebhookProcessor::Result> results;
  if (database_.down() && events.size() > 1) {
    auto probe = apply_(std::vector<WebhookEvent>{events.front()});
    if (probe.front().error && failure_of(probe.front().error).unreachable) {
      database_.failed(failure_of(probe.front().error).what);
      return parsedJobs;
    }
    results.push_back(std::move(probe.front()));
    auto rest = apply_(std::vector<WebhookEvent>(events.begin() + 1, events.end()));
    for (auto& r : rest) results.push_back(std::move(r));
  } else {
    results = apply_(events);
  }

  std::vector<WebhookJob> done, unreached;
  done.reserve(parsedJobs.size());
  std::string unreachedWhy;
  for (std::size_t i = 0; i < parsedJobs.size(); ++i) {
    if (!results[i].error) {
      done.push_back(parsedJobs[i]);
      continue;
    }
    auto f = failure_of(results[i].error);
    const auto& job = parsedJobs[i];
    const auto decision = domain::decide(job.attempt, f, retry_policy(options_));
    switch (decision.fate) {
      case JobFate::Keep:
        // Not the job's fault: kept and tried again when the database answers, no attempt spent.
        if (unreachedWhy.empty()) unreachedWhy = std::move(f.what);
        unreached.push_back(job);
        break;
      case JobFate::Bury:
        spdlog::error("webhook {} ({}) failed {} times, moved to the dead-letter list: {}", job.id,
                      events[i].event, job.attempt, f.what);
        on_queue("bury a webhook", [&] { queue_.bury(job, f.what); });
        break;
      case JobFate::Retry:
        spdlog::warn("webhook {} ({}) attempt {} failed, retrying in {} ms: {}", job.id,
                     events[i].event, job.attempt, decision.delay.count(), f.what);
        on_queue("retry a webhook", [&] { queue_.retry(job, decision.delay, f.what); });
        break;
    }
  }
  // A queue that cannot be reached is waited for: the effects are recorded, and completing the
  // jobs later (or another instance claiming them after their lease) changes nothing more.
  on_queue("complete webhooks", [&] { queue_.complete_all(done); });
  if (unreached.empty()) {
    if (database_.down()) {
      // Only now, the jobs held through the outage being settled: the workers woken next would
      // otherwise claim those whose lease ran out meanwhile, spending an attempt.
      database_.recovered();
      { const std::lock_guard lock(mutex_); }  // a worker about to wait sees the change
      wake_.notify_all();                      // workers waiting for the database claim again
    }
  } else {
    database_.failed(unreachedWhy);
  }
  return unreached;
}

}  // namespace lso::runtime
