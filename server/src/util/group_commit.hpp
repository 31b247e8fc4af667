// Group commit: concurrent callers queue their requests and one of them, the leader, writes all
// pending requests in one transaction, so N callers pay for one commit (one fsync) instead of N.
#pragma once

#include <algorithm>
#include <condition_variable>
#include <cstddef>
#include <exception>
#include <memory>
#include <mutex>
#include <utility>
#include <vector>

namespace lso::util {

// Request is the caller's own object (it lives on the caller's stack until submit() returns);
// the commit function fills in its results. Invariants: every request is in exactly one batch; a
// caller returns only after the batch holding its request was committed or failed; at most one
// batch is being written at a time, and the next one gathers everything queued meanwhile.
template <class Request>
class GroupCommit {
 public:
  // maxBatch bounds one transaction (a PostgreSQL statement has at most 65535 parameters).
  explicit GroupCommit(std::size_t maxBatch = 4096) : maxBatch_(maxBatch) {}

  // Runs commit(std::vector<Request*>&) for a batch holding `request`, on this thread or on
  // another caller's. An exception thrown by commit is rethrown to every caller of that batch.
  template <class CommitFn>
  void submit(Request& request, CommitFn&& commit) {
    // Shared, so the leader can wake a caller after releasing the mutex: the caller may return
    // (and its stack go) the moment it sees `done`, but its slot lives until the leader is done.
    const auto slot = std::make_shared<Slot>(&request);
    std::unique_lock lock(mutex_);
    pending_.push_back(slot);
    while (!slot->done) {
      if (leading_) {
        // Each caller sleeps on its own condition variable, so finishing a batch wakes exactly
        // the callers it served plus the next leader, not every thread in the queue.
        slot->wake.wait(lock);
        continue;
      }
      leading_ = true;
      const auto n = static_cast<std::ptrdiff_t>(std::min(pending_.size(), maxBatch_));
      std::vector<std::shared_ptr<Slot>> slots(pending_.begin(), pending_.begin() + n);
      pending_.erase(pending_.begin(), pending_.begin() + n);
      lock.unlock();
      std::exception_ptr error;
      try {
        std::vector<Request*> batch;
        batch.reserve(slots.size());
        for (const auto& s : slots) {
          batch.push_back(s->request);
        }
        commit(batch);
      } catch (...) {
        error = std::current_exception();
      }
      lock.lock();
      for (const auto& s : slots) {
        s->error = error;
        s->done = true;
      }
      leading_ = false;
      const std::shared_ptr<Slot> next = pending_.empty() ? nullptr : pending_.front();
      lock.unlock();
      // Waking costs a system call per caller: done outside the mutex, so the next leader
      // already gathers and commits its batch meanwhile (on the other core).
      if (next) {
        next->wake.notify_one();
      }
      for (const auto& s : slots) {
        if (s != slot) {
          s->wake.notify_one();
        }
      }
      lock.lock();
    }
    lock.unlock();
    if (slot->error) {
      std::rethrow_exception(slot->error);
    }
  }

 private:
  struct Slot {
    explicit Slot(Request* r) : request(r) {}
    Request* request;
    bool done = false;  // guarded by mutex_, like error
    std::exception_ptr error;
    std::condition_variable wake;
  };

  const std::size_t maxBatch_;
  std::mutex mutex_;
  std::vector<std::shared_ptr<Slot>> pending_;
  bool leading_ = false;
};

}  // namespace lso::util
