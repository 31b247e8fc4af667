-- wrk: POST /api/v1/livestreams/<BENCH_ID>/chat, a distinct author per request (the per-person
-- rate limit never refuses), a fresh clientMessageId each time (the retry lookup runs too).
local counter = 0
function setup(thread)
  thread:set("tid", math.random(1, 1e9))
end
function request()
  counter = counter + 1
  local body = string.format(
    '{"userId":"c-%s-%d","displayName":"Chatter","text":"message number %d from the benchmark","clientMessageId":"k-%d"}',
    tid, counter, counter, counter)
  return wrk.format("POST", "/api/v1/livestreams/" .. os.getenv("BENCH_ID") .. "/chat",
    {["Content-Type"] = "application/json"}, body)
end
