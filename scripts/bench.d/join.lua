-- wrk: POST /api/v1/livestreams/<BENCH_ID>/join with a distinct user per request.
local counter = 0
function setup(thread)
  thread:set("tid", math.random(1, 1e9))
end
function request()
  counter = counter + 1
  local body = string.format('{"userId":"u-%s-%d","displayName":"Viewer","role":"VIEWER"}', tid, counter)
  return wrk.format("POST", "/api/v1/livestreams/" .. os.getenv("BENCH_ID") .. "/join",
    {["Content-Type"] = "application/json"}, body)
end
