// RedisPushLedger: domain::push_due ported to Lua, decided and recorded in one script run.
#include "redis/push_ledger.hpp"

#include <algorithm>

namespace lso::redis {

namespace {

// KEYS: ledger hash. ARGV: count, interval ms, TTL ms. → 1 push now (and recorded), 0 not.
// Must stay the same rule as domain::push_due (coordination.hpp); the tests run both on one table.
const Script& push_script() {
  static const Script s(R"lua(
if redis.replicate_commands then redis.replicate_commands() end
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local count = tonumber(ARGV[1])
local interval = tonumber(ARGV[2])
local prev = redis.call('HMGET', KEYS[1], 'count', 'at')
local due
if not prev[1] or not prev[2] then
  due = true
else
  local last = tonumber(prev[1])
  local since = now - tonumber(prev[2])
  if count == last then
    due = false
  else
    local diff = count > last and count - last or last - count
    if diff >= 5 or diff * 10 >= last then
      due = true
    else
      due = since >= interval
    end
  end
end
if not due then return 0 end
redis.call('HSET', KEYS[1], 'count', ARGV[1], 'at', string.format('%d', now))
redis.call('PEXPIRE', KEYS[1], ARGV[3])
return 1
)lua");
  return s;
}

}  // namespace

RedisPushLedger::RedisPushLedger(Client& client, PushLedgerOptions options)
    : client_(client), options_(std::move(options)) {}

bool RedisPushLedger::try_push(std::string_view livestreamId, std::int64_t count,
                               std::chrono::milliseconds interval) {
  const std::string key = options_.keyPrefix + std::string(livestreamId);
  const std::string c = std::to_string(count);
  const std::string i = std::to_string(std::max<std::int64_t>(0, interval.count()));
  const std::string ttl = std::to_string(std::chrono::milliseconds(options_.ttl).count());
  try {
    const bool due = client_.eval(push_script(), {key}, {c, i, ttl}).as_integer() == 1;
    outage_.succeeded();
    return due;
  } catch (const std::exception& e) {
    outage_.failed(e);
    return true;
  }
}

void RedisPushLedger::forget(std::string_view livestreamId) {
  try {
    client_.call({"DEL", options_.keyPrefix + std::string(livestreamId)});
    outage_.succeeded();
  } catch (const std::exception& e) {
    outage_.failed(e);
  }
}

}  // namespace lso::redis
