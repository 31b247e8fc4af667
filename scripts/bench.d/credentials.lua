-- wrk: BENCH_METHOD BENCH_PATH (body BENCH_BODY, JSON) with a credential header per request, read
-- from BENCH_CREDENTIALS.<n> (one "Header-Name<TAB>value" per line; each thread its own file), so
-- every request can be a different user.
local n = 0
function setup(thread)
  n = n + 1
  thread:set("file", os.getenv("BENCH_CREDENTIALS") .. "." .. n)
end
function init(args)
  lines = {}
  for line in io.lines(file) do lines[#lines + 1] = line end
  i = 0
  method = os.getenv("BENCH_METHOD") or "GET"
  path = os.getenv("BENCH_PATH")
  body = os.getenv("BENCH_BODY")
end
function request()
  i = i + 1
  if i > #lines then i = 1 end
  local tab = lines[i]:find("\t", 1, true)
  local headers = {[lines[i]:sub(1, tab - 1)] = lines[i]:sub(tab + 1)}
  if body then headers["Content-Type"] = "application/json" end
  return wrk.format(method, path, headers, body)
end
