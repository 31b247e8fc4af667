-- wrk: POST /api/v1/livestreams with a unique room name per request.
local counter = 0
local nthreads = 0
function setup(thread)
  nthreads = nthreads + 1
  thread:set("tid", nthreads)
end
function request()
  counter = counter + 1
  local body = string.format('{"roomName":"bench-%s-%d-%d","title":"Benchmark","createdBy":"bench"}',
    os.getenv("BENCH_RUN") or "r", tid, counter)
  return wrk.format("POST", "/api/v1/livestreams", {["Content-Type"] = "application/json"}, body)
end
