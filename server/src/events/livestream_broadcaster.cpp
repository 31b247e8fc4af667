// The broadcaster's loop: drain dirty livestreams, read each one's state once, decide, publish.
#include "events/livestream_broadcaster.hpp"

#include <pthread.h>
#include <spdlog/spdlog.h>

#include <boost/json/serialize.hpp>
#include <functional>
#include <vector>

#include "domain/livestream_service.hpp"
#include "events/bus_message.hpp"
#include "views/json_views.hpp"

namespace lso::events {

namespace {
unsigned bit(domain::StateChange c) {
  return 1u << static_cast<unsigned>(c);
}
// Marks a re-check scheduled by the throttle itself, which must not schedule another.
constexpr unsigned kTrailing = 1u << 7;
}  // namespace

LivestreamBroadcaster::LivestreamBroadcaster(domain::Store& store, domain::EventBus& bus,
                                             domain::PushLedger& ledger, Options options)
    : store_(store), bus_(bus), ledger_(ledger), options_(options), thread_([this] {
        pthread_setname_np(pthread_self(), "lso-broadcast");
        run();
      }) {}

LivestreamBroadcaster::~LivestreamBroadcaster() {
  stop();
}

void LivestreamBroadcaster::stop() {
  {
    std::lock_guard lock(mutex_);
    if (stop_) return;
    stop_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void LivestreamBroadcaster::livestream_changed(const domain::Livestream& livestream, bool created) {
  const auto data = boost::json::serialize(views::to_json(livestream, options_.userIds));
  bus_.publish(encode_bus_message(created ? "livestream_created" : "livestream_updated",
                                  livestream.id, data,
                                  livestream.visibility == domain::Visibility::Public));
}

void LivestreamBroadcaster::state_changed(const std::string& livestreamId,
                                          domain::StateChange change) {
  {
    std::lock_guard lock(mutex_);
    pending_[livestreamId] |= bit(change);
  }
  cv_.notify_one();
}

void LivestreamBroadcaster::chat_message(const domain::ChatMessage& message) {
  const auto data = boost::json::serialize(views::to_json(message, options_.userIds));
  bus_.publish(encode_bus_message("chat_message", message.livestreamId, data, false));
}

void LivestreamBroadcaster::chat_message_deleted(const std::string& livestreamId,
                                                 const std::string& messageId) {
  const auto data = boost::json::serialize(
      boost::json::object{{"id", messageId}, {"livestreamId", livestreamId}});
  bus_.publish(encode_bus_message("chat_message_deleted", livestreamId, data, false));
}

void LivestreamBroadcaster::stage_changed(const std::string& livestreamId) {
  try {
    auto state = store_.read([&](domain::Queries& q) -> std::optional<domain::StreamState> {
      auto l = q.find_livestream(livestreamId);
      if (!l) return std::nullopt;
      return domain::LivestreamService::build_state(q, *l);
    });
    if (!state) return;
    const auto data = boost::json::serialize(
        boost::json::object{{"streamId", livestreamId},
                            {"stage", views::to_json(state->stage, options_.userIds)},
                            {"raisedHands", views::to_json(state->raisedHands, options_.userIds)}});
    bus_.publish(encode_bus_message("stage_update", livestreamId, data, false));
  } catch (const std::exception& e) {
    // The change is committed; subscribers see it in the next state they read.
    spdlog::warn("stage update for livestream {} not pushed: {}", livestreamId, e.what());
  }
}

void LivestreamBroadcaster::run() {
  std::unique_lock lock(mutex_);
  while (!stop_) {
    const auto now = std::chrono::steady_clock::now();
    std::vector<std::pair<std::string, unsigned>> work(pending_.begin(), pending_.end());
    pending_.clear();
    for (auto it = trailing_.begin(); it != trailing_.end();) {
      if (it->second <= now) {
        work.emplace_back(it->first, bit(domain::StateChange::ParticipantsChanged) | kTrailing);
        it = trailing_.erase(it);
      } else {
        ++it;
      }
    }
    for (auto it = deferred_.begin(); it != deferred_.end();) {
      if (it->second.first <= now) {
        work.emplace_back(it->first, it->second.second);
        it = deferred_.erase(it);
      } else {
        ++it;
      }
    }
    // Coalescing: a livestream read less than `coalesce` ago waits for its next slot (ends and
    // starts never wait).
    std::vector<std::pair<std::string, unsigned>> ready;
    ready.reserve(work.size());
    for (auto& [id, changes] : work) {
      const bool urgent =
          changes &
          (bit(domain::StateChange::RoomEnded) | bit(domain::StateChange::RoomStarted) |
           bit(domain::StateChange::IngestChanged) | bit(domain::StateChange::RecordingChanged));
      auto last = lastRead_.find(id);
      auto cost = readCost_.find(id);
      const auto gap = std::min<std::chrono::steady_clock::duration>(
          std::max<std::chrono::steady_clock::duration>(
              options_.coalesce,
              cost == readCost_.end() ? std::chrono::steady_clock::duration{} : cost->second * 10),
          std::chrono::seconds(2));
      if (!urgent && last != lastRead_.end() && now - last->second < gap) {
        auto& d = deferred_[id];
        d.first = last->second + gap;
        d.second |= changes;
        continue;
      }
      lastRead_[id] = now;
      ready.emplace_back(std::move(id), changes);
    }
    work = std::move(ready);
    if (lastRead_.size() > 10000) {  // forget livestreams idle for a while
      for (auto it = lastRead_.begin(); it != lastRead_.end();)
        if (now - it->second > std::chrono::minutes(1)) {
          readCost_.erase(it->first);
          lastShape_.erase(it->first);
          it = lastRead_.erase(it);
        } else {
          ++it;
        }
    }
    if (work.empty()) {
      auto next = now + std::chrono::seconds(1);
      for (const auto& [id, at] : trailing_) next = std::min(next, at);
      for (const auto& [id, d] : deferred_) next = std::min(next, d.first);
      cv_.wait_until(lock, next, [this] { return stop_ || !pending_.empty(); });
      continue;
    }
    lock.unlock();
    for (const auto& [id, changes] : work) {
      try {
        const auto started = std::chrono::steady_clock::now();
        flush(id, changes);
        const auto took = std::chrono::steady_clock::now() - started;
        std::lock_guard relock(mutex_);
        readCost_[id] = took;
      } catch (const std::exception& e) {
        // The database is briefly unavailable: try again soon rather than drop the update.
        spdlog::warn("state update for livestream {} deferred: {}", id, e.what());
        std::lock_guard relock(mutex_);
        trailing_[id] = std::chrono::steady_clock::now() + std::chrono::seconds(1);
      }
    }
    lock.lock();
  }
}

void LivestreamBroadcaster::flush(const std::string& id, unsigned changes) {
  auto state = store_.read([&](domain::Queries& q) -> std::optional<domain::StreamState> {
    auto l = q.find_livestream(id);
    if (!l) return std::nullopt;
    return domain::LivestreamService::build_state(q, *l);
  });
  if (!state) return;

  const auto data = boost::json::serialize(views::to_json(*state, options_.userIds));
  const bool listed = state->visibility == domain::Visibility::Public;
  const unsigned media =
      bit(domain::StateChange::IngestChanged) | bit(domain::StateChange::RecordingChanged);
  if (!(changes & ~media & ~kTrailing) && (changes & media) &&
      state->status == domain::LivestreamStatus::Ended) {
    // A recording settling after the end (its egress_ended): news, but no second room_ended.
    if (changes & bit(domain::StateChange::RecordingChanged))
      bus_.publish(encode_bus_message("recording_update", id, data, listed));
    return;
  }
  if (changes & bit(domain::StateChange::RoomEnded) ||
      state->status == domain::LivestreamStatus::Ended) {
    ledger_.forget(id);
    {
      std::lock_guard lock(mutex_);
      trailing_.erase(id);
      lastShape_.erase(id);
    }
    bus_.publish(encode_bus_message("room_ended", id, data, listed));
    return;
  }
  // Ingest and recording changes are rare and each one is news to the host: pushed at once.
  if (changes & bit(domain::StateChange::IngestChanged))
    bus_.publish(encode_bus_message("ingest_update", id, data, listed));
  if (changes & bit(domain::StateChange::RecordingChanged))
    bus_.publish(encode_bus_message("recording_update", id, data, listed));
  if (changes & bit(domain::StateChange::RoomStarted)) {
    ledger_.try_push(id, state->viewerCount, options_.throttle);
    bus_.publish(encode_bus_message("room_started", id, data, listed));
    return;
  }
  // Who is connected changed while the count stayed (the host arrived, one viewer replaced
  // another): pushed at once. A change of the count is the throttle's to decide.
  bool reshaped = false;
  {
    std::size_t people = state->people.size();
    for (const auto& p : state->people)
      people = people * 1099511628211u ^ std::hash<std::string>{}(p.userId);
    const Shape shape{people, state->hostConnected, state->viewerCount};
    std::lock_guard lock(mutex_);
    auto [it, added] = lastShape_.try_emplace(id, shape);
    reshaped = !added && shape.viewers == it->second.viewers &&
               (shape.people != it->second.people || shape.host != it->second.host);
    it->second = shape;
  }
  if (ledger_.try_push(id, state->viewerCount, options_.throttle) || reshaped) {
    bus_.publish(encode_bus_message("viewer_count_update", id, data, listed));
    std::lock_guard lock(mutex_);
    trailing_.erase(id);
  } else if (!(changes & kTrailing)) {
    // Held back by the throttle (or unchanged): look again once the interval has passed.
    std::lock_guard lock(mutex_);
    trailing_.try_emplace(id, std::chrono::steady_clock::now() + options_.throttle);
  }
}

}  // namespace lso::events
