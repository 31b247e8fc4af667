-- wrk: POST signed webhooks read from BENCH_WEBHOOKS.<n> (one "authorization<TAB>body" per line;
-- each thread its own file, so every request is a distinct event).
local n = 0
function setup(thread)
  n = n + 1
  thread:set("file", os.getenv("BENCH_WEBHOOKS") .. "." .. n)
end
function init(args)
  lines = {}
  for line in io.lines(file) do lines[#lines + 1] = line end
  i = 0
end
function request()
  i = i + 1
  if i > #lines then i = 1 end
  local tab = lines[i]:find("\t", 1, true)
  return wrk.format("POST", "/api/v1/webhooks/livekit", {
    ["Content-Type"] = "application/webhook+json",
    ["Authorization"] = lines[i]:sub(1, tab - 1),
  }, lines[i]:sub(tab + 1))
end
