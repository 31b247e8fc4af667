// Group commit: concurrent callers queue their requests and one of them, the leader, writes all
// pending requests in one transaction, so N callers pay for one commit (one fsync) instead of N.
#pragma once

#include <algorithm>
#include <condition_variable>
#include <cstddef>
#include <exception>
#include <mutex>
#include <utility>
#include <vector>

namespace lso::store::sql {

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
    Slot slot{&request};
    std::unique_lock lock(mutex_);
    pending_.push_back(&slot);
    while (!slot.done) {
      if (leading_) {
        // Each caller sleeps on its own condition variable, so finishing a batch wakes exactly
        // the callers it served plus the next leader, not every thread in the queue.
        slot.wake.wait(lock);
        continue;
      }
      leading_ = true;
      const std::size_t n = std::min(pending_.size(), maxBatch_);
      std::vector<Slot*> slots(pending_.begin(), pending_.begin() + static_cast<std::ptrdiff_t>(n));
      pending_.erase(pending_.begin(), pending_.begin() + static_cast<std::ptrdiff_t>(n));
      lock.unlock();
      std::exception_ptr error;
      try {
        std::vector<Request*> batch;
        batch.reserve(slots.size());
        for (Slot* s : slots) {
          batch.push_back(s->request);
        }
        commit(batch);
      } catch (...) {
        error = std::current_exception();
      }
      lock.lock();
      for (Slot* s : slots) {
        s->error = error;
        s->done = true;
        if (s != &slot) {
          s->wake.notify_one();
        }
      }
      leading_ = false;
      if (!pending_.empty()) {
        pending_.front()->wake.notify_one();  // the next leader
      }
    }
    if (slot.error) {
      std::rethrow_exception(slot.error);
    }
  }

 private:
  struct Slot {
    explicit Slot(Request* r) : request(r) {}
    Request* request;
    bool done = false;
    std::exception_ptr error;
    std::condition_variable wake;
  };

  const std::size_t maxBatch_;
  std::mutex mutex_;
  std::vector<Slot*> pending_;
  bool leading_ = false;
};

}  // namespace lso::store::sql
