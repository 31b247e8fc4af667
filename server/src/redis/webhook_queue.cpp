// RedisWebhookQueue: each operation is one Lua script, so a job is never half moved (acked but
// not rescheduled, moved from the delayed set but not added to the stream).
#include "redis/webhook_queue.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>

#include "domain/errors.hpp"

namespace lso::redis {

namespace {

using std::chrono::milliseconds;
using Clock = std::chrono::steady_clock;

// Retries moved back to the stream per claim() script run; bounds one script's running time.
constexpr const char* kMoveLimit = "100";

// Each function returns its script; statics so the SHA-1 is computed once, on first use.

// Stores jobs (one, or a receiver's batch) in one round trip. KEYS: stream, then one dedup
// marker per job.
// ARGV: dedup TTL (s), then id, body per job. → {1|0 per job} (stored | duplicate).
const Script& enqueue_script() {
  static const Script s(R"lua(
local out = {}
for i = 2, #KEYS do
  local id, body = ARGV[2 * i - 2], ARGV[2 * i - 1]
  if redis.call('SET', KEYS[i], '1', 'NX', 'EX', ARGV[1]) then
    redis.call('XADD', KEYS[1], '*', 'id', id, 'body', body, 'a', '1')
    out[#out + 1] = 1
  else
    out[#out + 1] = 0
  end
end
return out
)lua");
  return s;
}

// KEYS: stream, delayed zset, delayed jobs hash. ARGV: group, consumer, lease ms, move limit,
// max jobs, reclaim (1: look for expired leases first).
// → {n, ms until the next retry is due or -1, 1 when more expired leases may remain, then
//    receipt, job id, body, attempt per job}.
// Order: expired leases first (the oldest work), then due retries, then new entries.
const Script& claim_script() {
  static const Script s(R"lua(
if redis.replicate_commands then redis.replicate_commands() end
local function field(fields, name)
  for i = 1, #fields, 2 do
    if fields[i] == name then return fields[i + 1] end
  end
  return nil
end
local out = {0, -1, 0}
local max = tonumber(ARGV[5])
local n = 0
local function add(entry, deliveries)
  local f = entry[2]
  local attempt = tonumber(field(f, 'a') or '1') + deliveries - 1
  out[#out + 1] = entry[1] .. '/' .. deliveries
  out[#out + 1] = field(f, 'id') or ''
  out[#out + 1] = field(f, 'body') or ''
  out[#out + 1] = attempt
  n = n + 1
end

-- 1. Jobs whose consumer held them longer than the lease: their instance crashed or stalled.
-- XAUTOCLAIM inspects about 10 x COUNT pending entries per call; walk the cursor so a stale entry
-- behind many live ones is still found (bounded). The caller asks for this only now and then:
-- the pending list holds every in-flight job, so scanning it per claim would cost O(in flight).
if ARGV[6] == '1' then
  local cursor = '0-0'
  for _ = 1, 50 do
    local r = redis.call('XAUTOCLAIM', KEYS[1], ARGV[1], ARGV[2], ARGV[3], cursor, 'COUNT', max - n)
    for _, e in ipairs(r[2]) do
      if e and e[2] then
        local p = redis.call('XPENDING', KEYS[1], ARGV[1], e[1], e[1], 1)
        local deliveries = 1
        if p[1] then deliveries = tonumber(p[1][4]) end
        add(e, deliveries)
      end
    end
    cursor = r[1]
    if cursor == '0-0' then break end
    -- The batch is full and the walk did not reach the end: more may have expired, and the
    -- caller looks again at once instead of waiting for its next periodic look.
    if n >= max then out[3] = 1 break end
  end
end

-- 2. Retries that are due go back into the stream as new entries.
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local due = redis.call('ZRANGEBYSCORE', KEYS[2], '-inf', now, 'LIMIT', 0, tonumber(ARGV[4]))
for _, member in ipairs(due) do
  local packed = redis.call('HGET', KEYS[3], member)
  if packed then
    local id, body, attempt = cmsgpack.unpack(packed)
    redis.call('XADD', KEYS[1], '*', 'id', id, 'body', body, 'a', attempt)
  end
  redis.call('HDEL', KEYS[3], member)
  redis.call('ZREM', KEYS[2], member)
end

-- 3. New entries, without blocking (scripts cannot block; the client blocks afterwards).
if n < max then
  local r = redis.call('XREADGROUP', 'GROUP', ARGV[1], ARGV[2], 'COUNT', max - n, 'STREAMS', KEYS[1], '>')
  if r and r[1] then
    for _, e in ipairs(r[1][2]) do add(e, 1) end
  end
end

out[1] = n
if n == 0 then
  local nxt = redis.call('ZRANGE', KEYS[2], 0, 0, 'WITHSCORES')
  if nxt[2] then out[2] = math.max(0, tonumber(nxt[2]) - now) end
end
return out
)lua");
  return s;
}

// Settling a job (complete, retry, bury) is fenced by its receipt "<entry id>/<deliveries>": the
// call only acts while the entry is still pending for this consumer with that delivery count.
// A worker whose lease ran out and whose job was taken over (by another instance, or by this one
// again) thus changes nothing when it finishes late. Each settle script starts with this check.
constexpr const char* kOwnedCheck = R"lua(
local p = redis.call('XPENDING', KEYS[1], ARGV[1], ARGV[2], ARGV[2], 1)[1]
if not p or p[2] ~= ARGV[3] or tonumber(p[4]) ~= tonumber(ARGV[4]) then return 0 end
)lua";

// Completes jobs (one, or a worker's batch). KEYS: stream. ARGV: group, consumer, then entry id,
// deliveries per job. → how many this call settled, each under the ownership check above. The
// dedup marker stays until its TTL: a late duplicate of a processed event is refused.
const Script& complete_script() {
  static const Script s(R"lua(
local n = 0
for i = 3, #ARGV, 2 do
  local p = redis.call('XPENDING', KEYS[1], ARGV[1], ARGV[i], ARGV[i], 1)[1]
  if p and p[2] == ARGV[2] and tonumber(p[4]) == tonumber(ARGV[i + 1]) then
    redis.call('XACK', KEYS[1], ARGV[1], ARGV[i])
    redis.call('XDEL', KEYS[1], ARGV[i])
    n = n + 1
  end
end
return n
)lua");
  return s;
}

// Renews leases (a worker's batch still being applied). KEYS: stream. ARGV: group, consumer,
// then entry id, deliveries per job. XCLAIM … JUSTID by the owner resets the entry's idle time
// without counting a delivery, so the receipt stays valid. → how many were renewed.
const Script& renew_script() {
  static const Script s(R"lua(
local n = 0
for i = 3, #ARGV, 2 do
  local p = redis.call('XPENDING', KEYS[1], ARGV[1], ARGV[i], ARGV[i], 1)[1]
  if p and p[2] == ARGV[2] and tonumber(p[4]) == tonumber(ARGV[i + 1]) then
    redis.call('XCLAIM', KEYS[1], ARGV[1], ARGV[2], 0, ARGV[i], 'JUSTID')
    n = n + 1
  end
end
return n
)lua");
  return s;
}

// Gives deliveries back unsettled (see release()). KEYS: stream. ARGV: group, consumer, idle ms
// (beyond the lease), then entry id, deliveries per job. The entry becomes idle past the lease,
// so the next look for expired leases of any instance takes it; its delivery count goes back by
// one, so that claim is not counted as another attempt. With deliveries "*" every entry this
// consumer holds is given back (a restarted instance's previous claims). → how many.
const Script& release_script() {
  static const Script s(R"lua(
local n = 0
local function give_back(id, deliveries)
  redis.call('XCLAIM', KEYS[1], ARGV[1], ARGV[2], 0, id, 'IDLE', ARGV[3],
             'RETRYCOUNT', math.max(0, deliveries - 1), 'JUSTID')
  n = n + 1
end
if ARGV[4] == '*' then
  local start = '-'
  while true do
    local page = redis.call('XPENDING', KEYS[1], ARGV[1], start, '+', 500, ARGV[2])
    for _, p in ipairs(page) do give_back(p[1], tonumber(p[4])) end
    if #page < 500 then break end
    start = '(' .. page[#page][1]
  end
  return n
end
for i = 4, #ARGV, 2 do
  local p = redis.call('XPENDING', KEYS[1], ARGV[1], ARGV[i], ARGV[i], 1)[1]
  if p and p[2] == ARGV[2] and tonumber(p[4]) == tonumber(ARGV[i + 1]) then
    give_back(ARGV[i], tonumber(ARGV[i + 1]))
  end
end
return n
)lua");
  return s;
}

// KEYS: stream, delayed zset, delayed jobs hash. ARGV: group, entry id, consumer, deliveries,
// delay ms, id, body, next attempt. The job stays "queued" (its dedup marker is kept).
const Script& retry_script() {
  static const Script s(std::string(kOwnedCheck) + R"lua(
if redis.replicate_commands then redis.replicate_commands() end
redis.call('XACK', KEYS[1], ARGV[1], ARGV[2])
redis.call('XDEL', KEYS[1], ARGV[2])
local t = redis.call('TIME')
local due = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000) + tonumber(ARGV[5])
redis.call('HSET', KEYS[3], ARGV[2], cmsgpack.pack(ARGV[6], ARGV[7], tonumber(ARGV[8])))
redis.call('ZADD', KEYS[2], due, ARGV[2])
return 1
)lua");
  return s;
}

// KEYS: stream, dead stream, dedup marker. ARGV: group, entry id, consumer, deliveries, id,
// body, attempts, error. A buried id is no longer queued: the marker goes, so a later delivery
// of the same event (LiveKit retrying, an operator replaying) is accepted again.
const Script& bury_script() {
  static const Script s(std::string(kOwnedCheck) + R"lua(
if redis.replicate_commands then redis.replicate_commands() end
redis.call('XACK', KEYS[1], ARGV[1], ARGV[2])
redis.call('XDEL', KEYS[1], ARGV[2])
redis.call('DEL', KEYS[3])
local t = redis.call('TIME')
local at = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
redis.call('XADD', KEYS[2], '*', 'id', ARGV[5], 'body', ARGV[6], 'attempts', ARGV[7],
           'error', ARGV[8], 'at', string.format('%d', at))
return 1
)lua");
  return s;
}

// KEYS: stream, delayed zset, dead stream. ARGV: group. → {stream length, pending, delayed, dead}.
// One script so the numbers are one consistent snapshot.
const Script& counts_script() {
  static const Script s(R"lua(
local len = redis.call('XLEN', KEYS[1])
local p = redis.pcall('XPENDING', KEYS[1], ARGV[1])
local pending = 0
if type(p) == 'table' and not p.err then pending = p[1] end
return {len, pending, redis.call('ZCARD', KEYS[2]), redis.call('XLEN', KEYS[3])}
)lua");
  return s;
}

// Reads dead letters. KEYS: dead stream. ARGV: first entry id, last entry id, count, skip the
// first id (1: it is the previous page's last), with bodies (1).
// → {entry id, webhook id, attempts, error, at (ms), body bytes[, body]} flattened, per entry.
// A script so a page costs one round trip and, without bodies, none of them cross the wire.
const Script& dead_entries_script() {
  static const Script s(R"lua(
local count = tonumber(ARGV[3])
local skip = ARGV[4] == '1'
local withBody = ARGV[5] == '1'
local fetch = count
if skip then fetch = count + 1 end
local out = {}
local n = 0
for _, e in ipairs(redis.call('XRANGE', KEYS[1], ARGV[1], ARGV[2], 'COUNT', fetch)) do
  if n < count and not (skip and e[1] == ARGV[1]) then
    local f = {}
    for i = 1, #e[2], 2 do f[e[2][i]] = e[2][i + 1] end
    local body = f['body'] or ''
    out[#out + 1] = e[1]
    out[#out + 1] = f['id'] or ''
    out[#out + 1] = f['attempts'] or '0'
    out[#out + 1] = f['error'] or ''
    out[#out + 1] = f['at'] or '0'
    out[#out + 1] = #body
    if withBody then out[#out + 1] = body end
    n = n + 1
  end
end
return out
)lua");
  return s;
}

// Moves a dead letter back into the stream as a fresh job (a = 1). KEYS: dead stream, stream,
// the job's dedup marker. ARGV: dead entry id, dedup TTL (s). → 1, or 0 when the entry is gone
// (dropped, or replayed by another call first: the XDEL and XADD happen in one script, so two
// replays of one entry add one job at most). When the marker is held (the id is queued, or was
// completed within the TTL) the entry is only removed: that job does, or did, the work.
const Script& replay_dead_script() {
  static const Script s(R"lua(
local e = redis.call('XRANGE', KEYS[1], ARGV[1], ARGV[1])[1]
if not e then return 0 end
local f = {}
for i = 1, #e[2], 2 do f[e[2][i]] = e[2][i + 1] end
redis.call('XDEL', KEYS[1], ARGV[1])
if redis.call('SET', KEYS[3], '1', 'NX', 'EX', ARGV[2]) then
  redis.call('XADD', KEYS[2], '*', 'id', f['id'] or '', 'body', f['body'] or '', 'a', '1')
end
return 1
)lua");
  return s;
}

// KEYS: stream. ARGV: group, idle ms. Forgets consumers of instances long gone that hold nothing
// (each instance start adds a consumer name; without this the group's list only grows).
const Script& prune_consumers_script() {
  static const Script s(R"lua(
local removed = 0
for _, c in ipairs(redis.call('XINFO', 'CONSUMERS', KEYS[1], ARGV[1])) do
  local info = {}
  for i = 1, #c, 2 do info[c[i]] = c[i + 1] end
  if tonumber(info['pending']) == 0 and tonumber(info['idle']) > tonumber(ARGV[2]) then
    redis.call('XGROUP', 'DELCONSUMER', KEYS[1], ARGV[1], info['name'])
    removed = removed + 1
  end
end
return removed
)lua");
  return s;
}

// "<entry id>/<deliveries>" → its parts; nullopt for a receipt this queue did not issue.
std::optional<std::pair<std::string, std::string>> split_receipt(const std::string& receipt) {
  const auto slash = receipt.rfind('/');
  if (slash == std::string::npos || slash == 0 || slash + 1 == receipt.size()) return std::nullopt;
  return std::make_pair(receipt.substr(0, slash), receipt.substr(slash + 1));
}

// "<ms>-<seq>": a whole stream entry id. Anything else names no dead letter: XRANGE would read
// "<ms>" alone as a range of entries, and other text is a Redis error.
bool is_entry_id(std::string_view id) {
  const auto dash = id.find('-');
  const auto digits = [](std::string_view s) {
    return !s.empty() && s.size() <= 20 &&
           std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
  };
  return dash != std::string_view::npos && digits(id.substr(0, dash)) &&
         digits(id.substr(dash + 1));
}

// The dead letters of a dead_entries_script reply.
std::vector<domain::DeadJob> dead_jobs_from(const Reply& r, bool withBody) {
  const auto& a = r.as_array();
  const std::size_t width = withBody ? 7 : 6;
  if (a.size() % width != 0)
    throw domain::AppError(domain::ErrorKind::Unavailable, "Redis: malformed dead-letter reply");
  std::vector<domain::DeadJob> out;
  out.reserve(a.size() / width);
  for (std::size_t i = 0; i < a.size(); i += width) {
    domain::DeadJob dead;
    dead.id = a[i].as_string();
    dead.webhookId = a[i + 1].as_string();
    dead.attempts = static_cast<int>(a[i + 2].as_integer());
    dead.lastError = a[i + 3].as_string();
    dead.diedAt = domain::DeadJob{}.diedAt + std::chrono::milliseconds(a[i + 4].as_integer());
    dead.bodySize = a[i + 5].as_integer();
    if (withBody) dead.body = a[i + 6].as_string();
    out.push_back(std::move(dead));
  }
  return out;
}

// The jobs of a claim script's reply (see claim_script).
std::vector<domain::WebhookJob> jobs_from_script(const std::vector<Reply>& a) {
  if (a.size() < 3)
    throw domain::AppError(domain::ErrorKind::Unavailable, "Redis: malformed claim reply");
  const auto n = static_cast<std::size_t>(std::max<std::int64_t>(0, a[0].as_integer()));
  if (a.size() != 3 + 4 * n)
    throw domain::AppError(domain::ErrorKind::Unavailable, "Redis: malformed claim reply");
  std::vector<domain::WebhookJob> jobs(n);
  for (std::size_t i = 0; i < n; ++i) {
    const auto* f = &a[3 + 4 * i];
    jobs[i].receipt = f[0].as_string();
    jobs[i].id = f[1].as_string();
    jobs[i].body = f[2].as_string();
    jobs[i].attempt = static_cast<int>(f[3].as_integer());
  }
  return jobs;
}

}  // namespace

RedisWebhookQueue::RedisWebhookQueue(Client& client, WebhookQueueOptions options)
    : client_(client),
      options_(std::move(options)),
      consumer_(options_.consumer.empty() ? unique_instance_name() : options_.consumer),
      stream_(options_.keyPrefix + "webhooks"),
      delayed_(options_.keyPrefix + "webhooks:delayed"),
      delayedJobs_(options_.keyPrefix + "webhooks:delayed:jobs"),
      dead_(options_.keyPrefix + "webhooks:dead"),
      dedupPrefix_(options_.keyPrefix + "webhook:queued:"),
      leaseMs_(std::to_string(std::max<std::int64_t>(1, options_.lease.count()))) {
  try {
    ensure_group();
    client_.eval(prune_consumers_script(), {stream_}, {kGroup, std::to_string(24 * 3600 * 1000)});
    // A restarted instance (same consumer name) gives back what it held when it stopped: no
    // worker of it holds those any more, so they need not wait for their lease.
    if (!options_.consumer.empty()) {
      const auto n =
          client_.eval(release_script(), {stream_}, {kGroup, consumer_, idle_past_lease(), "*"})
              .as_integer();
      if (n > 0)
        spdlog::info(
            "webhook queue: {} job(s) this instance held before it restarted are "
            "claimable again",
            n);
    }
  } catch (const std::exception& e) {
    spdlog::warn("Redis webhook queue: cannot prepare the consumer group yet: {}", e.what());
  }
}

RedisWebhookQueue::~RedisWebhookQueue() {
  close();
}

void RedisWebhookQueue::ensure_group() {
  Reply r = client_.command({"XGROUP", "CREATE", stream_, kGroup, "0", "MKSTREAM"});
  if (r.is_error() && !r.error_starts_with("BUSYGROUP"))
    throw domain::AppError(domain::ErrorKind::Unavailable,
                           "Redis error creating the consumer group: " + r.str);
}

Reply RedisWebhookQueue::run(const Script& script, std::span<const std::string_view> keys,
                             std::span<const std::string_view> args) {
  Reply r = client_.eval(script, keys, args);
  if (r.is_error() && r.str.find("NOGROUP") != std::string::npos) {
    ensure_group();
    r = client_.eval(script, keys, args);
  }
  if (r.is_error()) throw domain::AppError(domain::ErrorKind::Unavailable, "Redis error: " + r.str);
  return r;
}

bool RedisWebhookQueue::enqueue(std::string_view id, std::string_view body) {
  domain::EnqueueItem item{id, body, false, nullptr};
  enqueue_many(std::span<domain::EnqueueItem>(&item, 1));
  return item.stored;
}

void RedisWebhookQueue::enqueue_many(std::span<domain::EnqueueItem> items) {
  if (items.empty()) return;
  const std::string ttl = std::to_string(options_.dedupTtl.count());
  std::vector<std::string> dedupKeys;
  dedupKeys.reserve(items.size());
  for (const auto& item : items) dedupKeys.push_back(dedupPrefix_ + std::string(item.id));
  std::vector<std::string_view> keys{stream_};
  std::vector<std::string_view> args{ttl};
  keys.reserve(items.size() + 1);
  args.reserve(2 * items.size() + 1);
  for (std::size_t i = 0; i < items.size(); ++i) {
    keys.push_back(dedupKeys[i]);
    args.push_back(items[i].id);
    args.push_back(items[i].body);
  }
  const Reply r = run(enqueue_script(), keys, args);
  const auto& stored = r.as_array();
  if (stored.size() != items.size())
    throw domain::AppError(domain::ErrorKind::Unavailable,
                           "Redis: unexpected reply to a batch enqueue");
  for (std::size_t i = 0; i < items.size(); ++i) items[i].stored = stored[i].as_integer() == 1;
}

std::vector<domain::WebhookJob> RedisWebhookQueue::claim_script_run(std::size_t max,
                                                                    std::int64_t& nextDueMs) {
  // Expired leases are looked for at most every kReclaimEvery per instance (and always on the
  // first claim): a crashed instance's jobs are taken over within lease + kReclaimEvery. While a
  // look fills its batch, the next claim looks again at once: a crashed instance's jobs are
  // taken over batch by batch, as fast as the workers apply them, not one per look.
  const auto now = Clock::now().time_since_epoch().count();
  auto last = lastReclaim_.load();
  const auto every = std::chrono::duration_cast<Clock::duration>(
                         std::min<milliseconds>(kReclaimEvery, options_.lease))
                         .count();
  const bool reclaim = (reclaimMore_.exchange(false) || now - last >= every) &&
                       lastReclaim_.compare_exchange_strong(last, now);
  const std::string maxText = std::to_string(max);
  Reply r = run(claim_script(), {stream_, delayed_, delayedJobs_},
                {kGroup, consumer_, leaseMs_, kMoveLimit, maxText, reclaim ? "1" : "0"});
  const auto& a = r.as_array();
  auto jobs = jobs_from_script(a);
  nextDueMs = a[1].as_integer();
  if (a[2].as_integer() == 1) reclaimMore_ = true;
  return jobs;
}

std::optional<domain::WebhookJob> RedisWebhookQueue::claim(milliseconds wait) {
  const auto deadline = Clock::now() + wait;
  for (;;) {
    if (closed_) return std::nullopt;
    std::int64_t nextDueMs = -1;
    auto jobs = claim_script_run(1, nextDueMs);
    if (!jobs.empty()) return std::move(jobs.front());
    const auto left = std::chrono::duration_cast<milliseconds>(deadline - Clock::now());
    if (left.count() <= 0 || closed_) return std::nullopt;
    // Block no longer than the next retry's due time or one slice, then look again: a retry
    // becoming due or a lease expiring adds nothing to the stream that would end the BLOCK.
    milliseconds block = std::min(left, options_.pollSlice);
    if (nextDueMs >= 0) block = std::min(block, milliseconds(nextDueMs));
    block = std::max(block, milliseconds(1));  // BLOCK 0 would mean forever
    if (auto job = blocking_read(block)) return job;
  }
}

std::vector<domain::WebhookJob> RedisWebhookQueue::claim_ready(std::size_t max) {
  if (max == 0 || closed_) return {};
  std::int64_t nextDueMs = -1;
  return claim_script_run(max, nextDueMs);
}

std::optional<domain::WebhookJob> RedisWebhookQueue::blocking_read(milliseconds block) {
  Reader reader = take_reader();
  const std::string blockMs = std::to_string(block.count());
  reader.connection->send(
      std::initializer_list<std::string_view>{"XREADGROUP", "GROUP", kGroup, consumer_, "COUNT",
                                              "1", "BLOCK", blockMs, "STREAMS", stream_, ">"});
  auto reply =
      reader.connection->receive(block + client_.options().commandTimeout, closeSignal_.fd());
  if (!reply && closed_) reply = unblock(reader);
  // Still no reply: the connection owes one, so it is dropped rather than reused.
  if (!reply) {
    if (closed_) return std::nullopt;
    throw domain::AppError(domain::ErrorKind::Unavailable,
                           "Redis did not answer a blocking XREADGROUP");
  }
  if (reply->is_error()) {
    const bool noGroup = reply->str.find("NOGROUP") != std::string::npos;
    return_reader(std::move(reader));
    if (!noGroup)
      throw domain::AppError(domain::ErrorKind::Unavailable, "Redis error: " + reply->str);
    ensure_group();
    return std::nullopt;
  }
  return_reader(std::move(reader));
  if (reply->is_nil()) return std::nullopt;  // BLOCK timed out (or was unblocked)
  // [[stream, [[entry id, [field, value, …]]]]]
  const auto& streams = reply->as_array();
  if (streams.empty()) return std::nullopt;
  const auto& entries = streams[0].as_array().at(1).as_array();
  if (entries.empty()) return std::nullopt;
  const auto& entry = entries[0].as_array();
  const std::string& entryId = entry.at(0).as_string();
  if (closed_) {
    give_back(entryId);  // close() came first: no worker will receive this one
    return std::nullopt;
  }
  domain::WebhookJob job;
  job.receipt = entryId + "/1";  // first delivery of this entry
  const auto& fields = entry.at(1).as_array();
  for (std::size_t i = 0; i + 1 < fields.size(); i += 2) {
    const auto& name = fields[i].as_string();
    if (name == "id")
      job.id = fields[i + 1].as_string();
    else if (name == "body")
      job.body = fields[i + 1].as_string();
    else if (name == "a")
      job.attempt = static_cast<int>(fields[i + 1].as_integer());
  }
  return job;
}

std::optional<Reply> RedisWebhookQueue::unblock(Reader& reader) {
  const auto deadline = Clock::now() + client_.options().commandTimeout;
  try {
    // Repeated until the reply arrives: an UNBLOCK that reaches Redis before the XREADGROUP it
    // targets finds nothing blocked and does nothing.
    while (Clock::now() < deadline) {
      client_.command({"CLIENT", "UNBLOCK", reader.clientId});
      if (auto reply = reader.connection->receive(milliseconds(20))) return reply;
    }
  } catch (const std::exception& e) {
    spdlog::debug("Redis webhook queue: unblocking a reader on close failed: {}", e.what());
  }
  return std::nullopt;
}

void RedisWebhookQueue::give_back(const std::string& entryId) {
  // As release() does for a worker's jobs: the next claim() of any instance takes it over, as
  // the entry's first delivery again, so its attempt does not grow.
  try {
    domain::WebhookJob job;
    job.receipt = entryId + "/1";
    release(std::span<const domain::WebhookJob>(&job, 1));
  } catch (const std::exception& e) {
    spdlog::warn(
        "Redis webhook queue: giving back {} on close failed (it returns after its lease): {}",
        entryId, e.what());
  }
}

RedisWebhookQueue::Reader RedisWebhookQueue::take_reader() {
  {
    const std::lock_guard lock(readersMutex_);
    while (!readers_.empty()) {
      Reader reader = std::move(readers_.back());
      readers_.pop_back();
      if (reader.connection->idle_and_healthy()) return reader;
    }
  }
  Reader reader;
  reader.connection = client_.connect_dedicated(client_.options().commandTimeout);
  reader.clientId = std::to_string(reader.connection->command({"CLIENT", "ID"}).as_integer());
  return reader;
}

void RedisWebhookQueue::return_reader(Reader reader) {
  if (reader.connection->broken() || closed_) return;
  const std::lock_guard lock(readersMutex_);
  readers_.push_back(std::move(reader));
}

bool RedisWebhookQueue::settle(const Script& script, const domain::WebhookJob& job,
                               std::initializer_list<std::string_view> keys,
                               std::initializer_list<std::string_view> extra) {
  const auto parts = split_receipt(job.receipt);
  if (!parts) {
    spdlog::warn("Redis webhook queue: ignoring a job with a foreign receipt '{}'", job.receipt);
    return false;
  }
  std::vector<std::string_view> args{kGroup, parts->first, consumer_, parts->second};
  args.insert(args.end(), extra.begin(), extra.end());
  return run(script, std::span<const std::string_view>(keys.begin(), keys.size()), args)
             .as_integer() == 1;
}

void RedisWebhookQueue::complete(const domain::WebhookJob& job) {
  complete_all(std::span<const domain::WebhookJob>(&job, 1));
}

void RedisWebhookQueue::complete_all(std::span<const domain::WebhookJob> jobs) {
  completed_ +=
      static_cast<std::int64_t>(run_for_jobs(complete_script(), jobs, {kGroup, consumer_}));
}

std::string RedisWebhookQueue::idle_past_lease() const {
  return std::to_string(options_.lease.count() + std::int64_t{3600} * 1000);
}

std::size_t RedisWebhookQueue::run_for_jobs(const Script& script,
                                            std::span<const domain::WebhookJob> jobs,
                                            std::initializer_list<std::string_view> head) {
  std::vector<std::pair<std::string, std::string>> parts;
  parts.reserve(jobs.size());
  for (const auto& job : jobs) {
    if (auto p = split_receipt(job.receipt)) {
      parts.push_back(std::move(*p));
    } else {
      spdlog::warn("Redis webhook queue: ignoring a job with a foreign receipt '{}'", job.receipt);
    }
  }
  if (parts.empty()) return 0;
  std::vector<std::string_view> args(head.begin(), head.end());
  args.reserve(head.size() + 2 * parts.size());
  for (const auto& [entry, deliveries] : parts) {
    args.push_back(entry);
    args.push_back(deliveries);
  }
  const std::string_view key = stream_;
  return static_cast<std::size_t>(
      run(script, std::span<const std::string_view>(&key, 1), args).as_integer());
}

void RedisWebhookQueue::renew(std::span<const domain::WebhookJob> jobs) {
  run_for_jobs(renew_script(), jobs, {kGroup, consumer_});
}

void RedisWebhookQueue::release(std::span<const domain::WebhookJob> jobs) {
  const std::string idle = idle_past_lease();
  if (run_for_jobs(release_script(), jobs, {kGroup, consumer_, idle}) > 0)
    lastReclaim_ = 0;  // the next claim looks for them at once
}

void RedisWebhookQueue::retry(const domain::WebhookJob& job, milliseconds delay,
                              std::string_view error) {
  const std::string delayMs = std::to_string(std::max<std::int64_t>(0, delay.count()));
  const std::string next = std::to_string(job.attempt + 1);
  if (!settle(retry_script(), job, {stream_, delayed_, delayedJobs_},
              {delayMs, job.id, job.body, next}))
    return;
  ++failed_;
  spdlog::debug("webhook {} attempt {} failed, retrying in {} ms: {}", job.id, job.attempt,
                delay.count(), error);
}

void RedisWebhookQueue::bury(const domain::WebhookJob& job, std::string_view error) {
  const std::string attempts = std::to_string(job.attempt);
  const std::string dedupKey = dedupPrefix_ + job.id;
  if (settle(bury_script(), job, {stream_, dead_, dedupKey}, {job.id, job.body, attempts, error}))
    ++failed_;
}

std::vector<domain::DeadJob> RedisWebhookQueue::list_dead(std::size_t limit,
                                                          std::optional<std::string_view> afterId) {
  if (limit == 0 || (afterId && !is_entry_id(*afterId))) return {};
  const std::string count = std::to_string(limit);
  const std::string_view start = afterId ? *afterId : std::string_view("-");
  return dead_jobs_from(
      run(dead_entries_script(), {dead_}, {start, "+", count, afterId ? "1" : "0", "0"}), false);
}

std::optional<domain::DeadJob> RedisWebhookQueue::find_dead(std::string_view id) {
  if (!is_entry_id(id)) return std::nullopt;
  auto found = dead_jobs_from(run(dead_entries_script(), {dead_}, {id, id, "1", "0", "1"}), true);
  if (found.empty()) return std::nullopt;
  return std::move(found.front());
}

bool RedisWebhookQueue::replay_dead(std::string_view id) {
  // The dedup marker's key is named by the job's webhook id, read first: the script must be
  // given every key it touches. Entry ids are never reused, so the entry the script finds (if
  // it is still there) is the one read here.
  const auto dead = find_dead(id);
  if (!dead) return false;
  const std::string dedupKey = dedupPrefix_ + dead->webhookId;
  const std::string ttl = std::to_string(options_.dedupTtl.count());
  return run(replay_dead_script(), {dead_, stream_, dedupKey}, {id, ttl}).as_integer() == 1;
}

bool RedisWebhookQueue::drop_dead(std::string_view id) {
  if (!is_entry_id(id)) return false;
  return client_.call({"XDEL", dead_, id}).as_integer() == 1;
}

domain::QueueCounts RedisWebhookQueue::counts() {
  Reply r = run(counts_script(), {stream_, delayed_, dead_}, {kGroup});
  const auto& a = r.as_array();
  if (a.size() != 4)
    throw domain::AppError(domain::ErrorKind::Unavailable, "Redis: malformed counts reply");
  domain::QueueCounts c;
  const std::int64_t length = a[0].as_integer(), pending = a[1].as_integer();
  c.waiting = std::max<std::int64_t>(0, length - pending) + a[2].as_integer();
  c.active = pending;
  c.dead = a[3].as_integer();
  c.completed = completed_.load();
  c.failed = failed_.load();
  return c;
}

void RedisWebhookQueue::close() {
  if (closed_.exchange(true)) return;
  closeSignal_.notify();
  const std::lock_guard lock(readersMutex_);
  readers_.clear();
}

}  // namespace lso::redis
